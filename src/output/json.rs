//! `-T json` as tshark 4.0 prints it: an array of Elasticsearch-style
//! documents (`_index`, `_type`, `_score`, `_source.layers`) whose layers are
//! the detail tree of `-V`, each item under its field name (a text-only item
//! under its label); duplicate keys are kept as tshark writes them. `-e`
//! prints only the fields asked for, as arrays; `-x` adds each item's bytes
//! as `NAME_raw`; `-j`/`-J` keep only some protocols' subtrees.

use std::fmt::Write as _;

use crate::dissect::{Dissection, FrameMeta};
use crate::field::tree::NodeId;
use crate::field::{self, format_value, Field, FieldType, Value};

use super::fields::FieldList;
use super::timefmt::local_date;

/// `-j`/`-J`: the field and protocol names whose subtrees are printed;
/// `children` (`-J`) prints every item below a name that matches.
#[derive(Clone, Debug)]
pub struct ProtocolFilter {
    pub names: Vec<String>,
    pub children: bool,
}

impl ProtocolFilter {
    /// A space-separated list of names, as tshark takes it.
    pub fn new(list: &str, children: bool) -> ProtocolFilter {
        ProtocolFilter { names: list.split_whitespace().map(str::to_string).collect(), children }
    }

    fn keeps(&self, key: &str) -> bool {
        self.names.iter().any(|n| n == key)
    }
}

/// What `-T json` prints of each packet.
#[derive(Clone, Debug, Default)]
pub struct JsonOptions {
    /// `-x`: each item's bytes as `NAME_raw`.
    pub hex: bool,
    pub filter: Option<ProtocolFilter>,
    /// `-e`: these fields only.
    pub fields: Option<FieldList>,
}

/// A pretty-printed JSON writer with tshark's layout: two spaces a level,
/// one member or element a line.
pub(super) struct Writer<'o> {
    pub out: &'o mut String,
    depth: usize,
    /// Nothing written yet in the innermost open object or array.
    empty: bool,
}

impl<'o> Writer<'o> {
    /// A writer whose first container opens at `depth` levels of indent.
    pub fn new(out: &'o mut String, depth: usize) -> Writer<'o> {
        Writer { out, depth, empty: true }
    }

    fn newline(&mut self) {
        // Two spaces a level, pushed at once for the usual depths.
        const SPACES: &str = "\n                                ";
        match SPACES.get(..1 + 2 * self.depth) {
            Some(indent) => self.out.push_str(indent),
            None => {
                self.out.push_str(SPACES);
                for _ in 16..self.depth {
                    self.out.push_str("  ");
                }
            }
        }
    }

    /// Starts the next member or element on its own line.
    fn next(&mut self) {
        if !self.empty {
            self.out.push(',');
        }
        self.empty = false;
        self.newline();
    }

    pub fn key(&mut self, key: &str) {
        self.next();
        string(key, self.out);
        self.out.push_str(": ");
    }

    /// A key made of `key` and `suffix` (`_raw`, `_tree`).
    fn key_with(&mut self, key: &str, suffix: &str) {
        self.next();
        self.out.push('"');
        escape(key, self.out);
        escape(suffix, self.out);
        self.out.push_str("\": ");
    }

    pub fn open(&mut self, bracket: char) {
        self.out.push(bracket);
        self.depth += 1;
        self.empty = true;
    }

    pub fn close(&mut self, bracket: char) {
        self.depth -= 1;
        if !self.empty {
            self.newline();
        }
        self.out.push(bracket);
        self.empty = false;
    }

    /// An array element (`next` then the value).
    pub fn element(&mut self) {
        self.next();
    }

    pub fn value(&mut self, s: &str) {
        string(s, self.out);
    }
}

/// `s` as a JSON string.
pub(super) fn string(s: &str, out: &mut String) {
    out.push('"');
    escape(s, out);
    out.push('"');
}

/// JSON string escapes, as GLib's JSON dumper writes them.
pub(super) fn escape(s: &str, out: &mut String) {
    // Runs of bytes that need no escape are copied whole: most names and
    // values have none (every byte that does is ASCII, so a run never
    // splits a character).
    let bytes = s.as_bytes();
    let mut start = 0;
    loop {
        let i = next_escape(bytes, start);
        let Some(&b) = bytes.get(i) else { break };
        out.push_str(&s[start..i]);
        match b {
            b'"' => out.push_str("\\\""),
            b'\\' => out.push_str("\\\\"),
            b'\n' => out.push_str("\\n"),
            b'\r' => out.push_str("\\r"),
            b'\t' => out.push_str("\\t"),
            0x08 => out.push_str("\\b"),
            0x0c => out.push_str("\\f"),
            _ => {
                let _ = write!(out, "\\u{:04x}", b);
            }
        }
        start = i + 1;
    }
    out.push_str(&s[start..]);
}

/// The place of the first byte from `from` on that needs an escape, or
/// the length: eight bytes at a time while there are eight (a whole word
/// is loaded without a copy), then byte by byte.
fn next_escape(bytes: &[u8], from: usize) -> usize {
    let mut i = from;
    while let Some(word) = bytes.get(i..i + 8) {
        let mut w = [0; 8];
        w.copy_from_slice(word);
        if needs_escape(u64::from_le_bytes(w)) {
            break;
        }
        i += 8;
    }
    while let Some(&b) = bytes.get(i) {
        if b < 0x20 || b == b'"' || b == b'\\' || b == 0x7f {
            return i;
        }
        i += 1;
    }
    i
}

/// Whether any of the eight bytes of `x` is below 0x20, a quote, a
/// backslash or DEL (the classic zero-byte tests, one lane per byte).
fn needs_escape(x: u64) -> bool {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGH: u64 = 0x8080_8080_8080_8080;
    let zero = |v: u64| v.wrapping_sub(ONES) & !v & HIGH;
    let below_space = x.wrapping_sub(ONES * 0x20) & !x & HIGH;
    below_space | zero(x ^ (ONES * b'"' as u64)) | zero(x ^ (ONES * b'\\' as u64)) | zero(x ^ (ONES * 0x7f)) != 0
}

/// One packet's document (`first`: the first of the array, which takes no
/// comma before it). The array's brackets are `preamble`'s and `finale`'s.
pub fn json_packet(meta: &FrameMeta, d: &Dissection, frame: &[u8], o: &JsonOptions, first: bool, out: &mut String) {
    if !first {
        out.push(',');
    }
    let mut w = Writer::new(out, 1);
    w.newline();
    w.open('{');
    w.key("_index");
    w.out.push_str("\"packets-");
    local_date(meta.ts.secs, w.out);
    w.out.push('"');
    w.key("_type");
    w.value("doc");
    w.key("_score");
    w.out.push_str("null");
    w.key("_source");
    w.open('{');
    w.key("layers");
    w.open('{');
    match &o.fields {
        Some(fl) => field_arrays(&mut w, d, frame, fl.fields()),
        None => {
            let roots = (0..d.tree.nodes.len()).filter(|&i| d.tree.nodes[i].depth == 0);
            members(&mut w, d, frame, roots, o.filter.as_ref(), o, &mut String::new());
        }
    }
    w.close('}');
    w.close('}');
    w.close('}');
}

/// What comes before the first packet.
pub fn preamble(out: &mut String) {
    out.push('[');
}

/// What comes after the last packet (`any`: whether one was printed).
pub fn finale(any: bool, out: &mut String) {
    if any {
        out.push('\n');
    }
    out.push_str("]\n");
}

/// `-e`: each field present, with all its values in an array.
fn field_arrays(w: &mut Writer, d: &Dissection, frame: &[u8], fields: &[Field]) {
    let mut value = String::new();
    for f in fields {
        let mut found = d.tree.nodes.iter().enumerate().filter(|(_, n)| field::same(n.field, f)).peekable();
        if found.peek().is_none() {
            continue;
        }
        w.key(f.name);
        w.open('[');
        for (id, _) in found {
            value.clear();
            super::fields::item_value(d, frame, id, &mut value);
            w.element();
            w.value(&value);
        }
        w.close(']');
    }
}

/// The members for the items `ids` (siblings), in tshark's order: for each,
/// its bytes (`-x`), its value, its children (under `NAME_tree` when it has
/// a value), or for an item with neither, its label (a protocol) or "".
/// `text`: room for a value's text, reused from item to item.
fn members(
    w: &mut Writer,
    d: &Dissection,
    frame: &[u8],
    ids: impl Iterator<Item = NodeId>,
    filter: Option<&ProtocolFilter>,
    o: &JsonOptions,
    text: &mut String,
) {
    for id in ids {
        let n = &d.tree.nodes[id];
        let key_buf;
        let key: &str = if n.field.name.is_empty() {
            key_buf = label_key(d, frame, id);
            &key_buf
        } else {
            n.field.name
        };
        let has_children = d.tree.children(id).next().is_some();
        let has_value = !matches!(n.field.ftype, FieldType::Protocol | FieldType::None);
        if o.hex && n.len > 0 && !n.field.name.is_empty() {
            w.key_with(key, "_raw");
            raw(w, d, frame, id);
        }
        if has_value {
            w.key(key);
            quoted_value(n.field, &n.value, d.node_bytes(frame, id), w.out, text);
        }
        if has_children {
            w.key_with(key, if has_value { "_tree" } else { "" });
            w.open('{');
            match filter {
                Some(f) if !f.keeps(key) => {
                    w.key("filtered");
                    w.value(key);
                }
                _ => {
                    let below = filter.filter(|f| !f.children);
                    members(w, d, frame, d.tree.children(id), below, o, text);
                }
            }
            w.close('}');
        } else if !has_value {
            w.key(key);
            if n.field.ftype == FieldType::Protocol {
                w.value(&d.tree.label(id, d.node_bytes(frame, id)));
            } else {
                w.value("");
            }
        }
    }
}

/// A text-only item's key: its label, without the brackets of a generated
/// item (tshark adds those when printing, not to the text).
fn label_key(d: &Dissection, frame: &[u8], id: NodeId) -> String {
    let mut label = d.tree.label(id, d.node_bytes(frame, id));
    if d.tree.nodes[id].generated() && label.len() >= 2 && label.starts_with('[') && label.ends_with(']') {
        label.pop();
        label.remove(0);
    }
    label
}

/// A value as tshark's JSON prints it: the `-T fields` text, except bytes,
/// which are colon-separated.
pub(super) fn json_value(f: Field, v: &Value, bytes: &[u8], out: &mut String) {
    match (f.ftype, v) {
        (FieldType::Bytes, Value::Bytes(b)) => colon_hex(b, out),
        (FieldType::Bytes, _) => colon_hex(bytes, out),
        // An expert message is text made for a label, escapes and all, in
        // Wireshark too: documents show it as it is.
        (_, Value::Str(s)) if field::same(f, &crate::dissect::EXPERT_MESSAGE) => out.push_str(s),
        // Other strings are kept as `-T fields` shows them, control
        // characters escaped; documents hold the characters themselves.
        (_, Value::Str(s)) => unescape(s, out),
        _ => format_value(f, v, bytes, out),
    }
}

/// `json_value` as a JSON string; `text`: room for the value before its
/// escapes. Bytes go straight to `out`: their hex needs none, and they are
/// most of a document.
pub(super) fn quoted_value(f: Field, v: &Value, bytes: &[u8], out: &mut String, text: &mut String) {
    out.push('"');
    match (f.ftype, v) {
        (FieldType::Bytes, Value::Bytes(b)) => colon_hex(b, out),
        (FieldType::Bytes, _) => colon_hex(bytes, out),
        _ => {
            text.clear();
            json_value(f, v, bytes, text);
            escape(text, out);
        }
    }
    out.push('"');
}

/// Undoes the C escapes of Wireshark's `format_text` (`\r`, `\n`, octal
/// `\003`, ...), which strings in the tree carry.
fn unescape(s: &str, out: &mut String) {
    let mut rest = s;
    while let Some(at) = rest.find('\\') {
        out.push_str(&rest[..at]);
        let tail = &rest[at + 1..];
        let simple = match tail.as_bytes().first() {
            Some(b'a') => Some('\u{7}'),
            Some(b'b') => Some('\u{8}'),
            Some(b't') => Some('\t'),
            Some(b'n') => Some('\n'),
            Some(b'v') => Some('\u{b}'),
            Some(b'f') => Some('\u{c}'),
            Some(b'r') => Some('\r'),
            _ => None,
        };
        let octal = tail.get(..3).filter(|o| o.bytes().all(|b| (b'0'..=b'7').contains(&b)));
        match (simple, octal.and_then(|o| u32::from_str_radix(o, 8).ok()).and_then(char::from_u32)) {
            (Some(c), _) => {
                out.push(c);
                rest = &tail[1..];
            }
            (None, Some(c)) => {
                out.push(c);
                rest = &tail[3..];
            }
            // A backslash of the text itself.
            (None, None) => {
                out.push('\\');
                rest = tail;
            }
        }
    }
    out.push_str(rest);
}

fn colon_hex(b: &[u8], out: &mut String) {
    hex(b, ":", out);
}

/// Bytes in lowercase hex, `sep` between two.
pub(super) fn hex(b: &[u8], sep: &str, out: &mut String) {
    match sep.as_bytes() {
        [] => hex_with::<2>(b, 0, out),
        &[c] if c.is_ascii() => hex_with::<3>(b, c, out),
        _ => {
            for (i, x) in b.iter().enumerate() {
                if i > 0 {
                    out.push_str(sep);
                }
                hex_with::<2>(std::slice::from_ref(x), 0, out);
            }
        }
    }
}

/// Bytes as `W`-character groups (two digits, and for `W == 3` the ASCII
/// `sep` after them but the last), made 64 bytes at a time on the stack:
/// pushing them one character at a time was a tenth of `-T json`.
fn hex_with<const W: usize>(b: &[u8], sep: u8, out: &mut String) {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    const CHUNK: usize = 64;
    out.reserve(b.len() * W);
    let mut buf = [0u8; CHUNK * 3];
    for chunk in b.chunks(CHUNK) {
        for (x, cell) in chunk.iter().zip(buf.chunks_exact_mut(W)) {
            cell[0] = DIGITS[usize::from(x >> 4)];
            cell[1] = DIGITS[usize::from(x & 15)];
            if W == 3 {
                cell[2] = sep;
            }
        }
        // Only ASCII was written: the check cannot fail.
        if let Ok(text) = std::str::from_utf8(&buf[..chunk.len() * W]) {
            out.push_str(text);
        }
    }
    if W == 3 && !b.is_empty() {
        out.pop();
    }
}

/// `-x`: `[hex, offset, length, bitmask, type]` of an item: its bytes, or
/// for a bit field its value in hex.
fn raw(w: &mut Writer, d: &Dissection, frame: &[u8], id: NodeId) {
    let n = &d.tree.nodes[id];
    w.open('[');
    w.element();
    w.out.push('"');
    match n.value.as_u64().filter(|_| n.field.mask != 0) {
        Some(v) => {
            let _ = write!(w.out, "{v:X}");
        }
        None => hex(d.node_bytes(frame, id), "", w.out),
    }
    w.out.push('"');
    for number in [n.start as u64, n.len as u64, n.field.mask, ftype_number(n.field.ftype)] {
        w.element();
        let _ = write!(w.out, "{number}");
    }
    w.close(']');
}

/// Wireshark 4.0's `ftenum` number of a type, which `-x` prints.
fn ftype_number(t: FieldType) -> u64 {
    match t {
        FieldType::None => 0,
        FieldType::Protocol => 1,
        FieldType::Bool => 2,
        FieldType::U8 => 4,
        FieldType::U16 => 5,
        FieldType::U24 => 6,
        FieldType::U32 => 7,
        FieldType::U64 => 11,
        FieldType::I32 => 15,
        FieldType::Double => 23,
        FieldType::AbsTime => 24,
        FieldType::RelTime => 25,
        FieldType::String => 26,
        FieldType::Ether => 29,
        FieldType::Bytes => 30,
        FieldType::Ipv4 => 32,
        FieldType::Ipv6 => 33,
        FieldType::FrameNum => 35,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strings_are_escaped_as_json_and_unescaped_from_format_text() {
        let mut s = String::new();
        string("a\"b\\c\n\u{1}é", &mut s);
        assert_eq!(s, "\"a\\\"b\\\\c\\n\\u0001é\"");
        let mut u = String::new();
        unescape("GET / HTTP/1.1\\r\\n\\003 C:\\dir", &mut u);
        assert_eq!(u, "GET / HTTP/1.1\r\n\u{3} C:\\dir");
    }

    #[test]
    fn escapes_are_found_anywhere_in_long_strings() {
        // The eight-byte test against a byte-at-a-time reference, with each
        // escaped byte at every position of a 19-byte string (two chunks and
        // a tail), among ASCII and multi-byte characters.
        let reference = |s: &str| {
            let mut out = String::new();
            for c in s.chars() {
                match c {
                    '"' => out.push_str("\\\""),
                    '\\' => out.push_str("\\\\"),
                    '\n' => out.push_str("\\n"),
                    '\r' => out.push_str("\\r"),
                    '\t' => out.push_str("\\t"),
                    '\u{8}' => out.push_str("\\b"),
                    '\u{c}' => out.push_str("\\f"),
                    c if (c as u32) < 0x20 || c == '\u{7f}' => out.push_str(&format!("\\u{:04x}", c as u32)),
                    c => out.push(c),
                }
            }
            out
        };
        for special in ['"', '\\', '\n', '\u{1}', '\u{1f}', '\u{7f}', ' ', '~', 'é', '€'] {
            for at in 0..19 {
                let s: String = (0..19).map(|i| if i == at { special } else { (b'a' + i as u8) as char }).collect();
                let mut out = String::new();
                escape(&s, &mut out);
                assert_eq!(out, reference(&s), "{s:?}");
            }
        }
    }

    #[test]
    fn containers_are_laid_out_as_tshark_does() {
        let mut out = String::new();
        let mut w = Writer::new(&mut out, 1);
        w.open('{');
        w.key("a");
        w.value("1");
        w.key("b");
        w.open('[');
        w.element();
        w.value("x");
        w.close(']');
        w.key("c");
        w.open('{');
        w.close('}');
        w.close('}');
        assert_eq!(out, "{\n    \"a\": \"1\",\n    \"b\": [\n      \"x\"\n    ],\n    \"c\": {}\n  }");
    }

    #[test]
    fn protocol_filter_takes_a_space_separated_list() {
        let f = ProtocolFilter::new("ip  udp", false);
        assert!(f.keeps("ip") && f.keeps("udp") && !f.keeps("ip.src"));
    }
}
