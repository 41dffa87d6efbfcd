//! QPACK in the tree, as Wireshark 4.2's HTTP/3 dissector (built with
//! nghttp3) shows it: a HEADERS frame's fields from a "Decompressed Header"
//! data source (each field's name and value, each preceded by its 4-byte
//! length), the fields Wireshark names (`http3.headers.method`, ...), the
//! full URI of a request; a blocked section as blocked; and an encoder
//! stream's instructions with the count of entries inserted.

use std::fmt::Write;

use super::fields::*;
use super::{instruction, Fed, Kind, Section};
use crate::dissect::{expert, Buf, Ctx};
use crate::field::{FieldType, Value};

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

fn reason(status: &str) -> &'static str {
    status.parse().ok().and_then(crate::dissect::http::status_text).unwrap_or("Unknown")
}

/// What Wireshark appends to the Info column after "HEADERS": ": GET /path"
/// once a request's method and path are known (again at each of `:method`,
/// `:path` and `:authority` after that), ": 200 OK" for a response.
pub fn info(s: &Section, out: &mut String) {
    let Section::Fields(lines) = s else { return };
    let (mut method, mut path) = (None, None);
    for l in lines {
        let v = text(&l.value);
        match l.name.as_slice() {
            b":method" => method = Some(v),
            b":path" => path = Some(v),
            b":authority" => {}
            b":status" => {
                let _ = write!(out, ": {v} {}", reason(&v));
                continue;
            }
            _ => continue,
        }
        if let (Some(m), Some(p)) = (&method, &path) {
            // CONNECT names its authority instead (not kept here: rare in captures).
            if m != "CONNECT" && m != "CONNECT_UDP" {
                let _ = write!(out, ": {m} {p}");
            }
        }
    }
}

/// A HEADERS frame's decoded section, after its payload item; `p` is the payload.
pub fn section(cx: &mut Ctx, p: &Buf, s: &Section) {
    match s {
        Section::Fields(lines) => fields(cx, p, lines),
        Section::Blocked { required, inserted } => {
            let id = cx.tree().generated(&BLOCKED, p.range(0, 0), Value::Bool(true));
            cx.tree().set_text(id, "[HEADERS head-of-line-blocked on QPACK encoder stream: True]");
            cx.tree().reopen(id);
            let r = cx.tree().generated(&BLOCKED_RICNT, p.range(0, 0), Value::UInt(*required));
            cx.tree().set_text(r, format_args!("[Required instruction count: {required}]"));
            cx.tree().add(&BLOCKED_ICNT, p.range(0, 0), Value::UInt(*inserted));
            cx.tree().close();
            let msg = format!("QPACK - blocked: Required Insert Count {required}, {inserted} inserted");
            expert(cx, &DECODING_BLOCKED, &msg, "Note", "Undecoded");
        }
        Section::Failed(why) => expert(cx, &DECODING_FAILED, &format!("QPACK error: {why}"), "Note", "Undecoded"),
    }
}

fn fields(cx: &mut Ctx, p: &Buf, lines: &[super::Line]) {
    let mut pstr = Vec::new();
    for l in lines {
        for s in [&l.name, &l.value] {
            pstr.extend_from_slice(&(s.len() as u32).to_be_bytes());
            pstr.extend_from_slice(s);
        }
    }
    let total = pstr.len();
    let prev = cx.out.tree.source();
    let src = cx.out.add_source("Decompressed Header", pstr);
    cx.out.tree.set_source(src);
    let id = cx.tree().generated(&HEADER_LENGTH, 0..1, Value::UInt(total as u64));
    cx.tree().set_text(id, format_args!("[Header Length: {total}]"));
    let id = cx.tree().generated(&HEADERS_COUNT, 0..1, Value::UInt(lines.len() as u64));
    cx.tree().set_text(id, format_args!("[Headers Count: {}]", lines.len()));
    let (mut at, mut uri) = (0, [None, None, None, None]);
    for l in lines {
        let (name, value) = (text(&l.name), text(&l.value));
        cx.out.tree.set_source(prev);
        let h = cx.tree().open(&HEADER, p.range(l.range.start, l.range.len()), Value::None);
        cx.out.tree.set_source(src);
        let (nl, vl) = (l.name.len(), l.value.len());
        cx.tree().add(&NAME_LENGTH, at..at + 4, Value::UInt(nl as u64));
        cx.tree().add(&NAME, at + 4..at + 4 + nl, Value::str(name.as_str()));
        let v = at + 8 + nl;
        cx.tree().add(&VALUE_LENGTH, v - 4..v, Value::UInt(vl as u64));
        cx.tree().add(&VALUE, v..v + vl, Value::str(value.as_str()));
        if let Some(&(_, f)) = NAMED.iter().find(|(n, _)| *n == name) {
            let val = match f.ftype {
                FieldType::String => Some(Value::str(value.as_str())),
                FieldType::U16 => value.parse::<u16>().ok().map(|n| Value::UInt(n.into())),
                _ => value.parse::<u64>().ok().map(Value::UInt),
            };
            if let Some(val) = val {
                cx.tree().add(f, v..v + vl, val);
            }
        }
        if name == ":status" {
            cx.tree().set_text(h, format_args!("Header: {name}: {value} {}", reason(&value)));
        } else {
            cx.tree().set_text(h, format_args!("Header: {name}: {value}"));
        }
        cx.tree().close();
        if let Some(i) = [":scheme", ":authority", ":path", ":method"].iter().position(|n| *n == name) {
            uri[i] = Some(value);
        }
        at = v + vl;
    }
    cx.out.tree.set_source(prev);
    // A request (it has an authority): its full URI, as Wireshark builds it.
    if let [scheme, Some(authority), path, method] = uri {
        let full = if method.as_deref() == Some("CONNECT") {
            authority
        } else {
            format!("{}://{authority}{}", scheme.as_deref().unwrap_or("(null)"), path.as_deref().unwrap_or("(null)"))
        };
        let id = cx.tree().generated(&FULL_URI, p.range(0, 0), Value::str(full.as_str()));
        cx.tree().set_text(id, format_args!("[Full request URI: {full}]"));
    }
}

/// An encoder stream's bytes from `start` in `b`: each instruction they hold
/// whole, then how many entries they inserted (`fed`, from the first pass).
pub fn encoder(cx: &mut Ctx, b: &Buf, start: usize, fed: &Fed) {
    let bytes = b.tail(start);
    let e = cx.tree().open(&ENCODER, b.range(start, bytes.len()), Value::None);
    cx.tree().set_text(e, format_args!("QPACK encoder stream; {} opcodes ({} total)", fed.inserted, fed.total));
    let mut at = 0;
    while let Ok(i) = instruction(bytes, at) {
        let r = |range: &std::ops::Range<usize>| b.range(start + range.start, range.len());
        let len = i.range.len();
        match &i.kind {
            Kind::InsertRef { index, index_len, value, .. } => {
                let id = cx.tree().open(&INSERT_INDEXED, r(&i.range), Value::None);
                cx.tree().add(&INSERT_INDEXED_REF, b.range(start + at, *index_len), Value::None);
                let f = if value.huffman { &INSERT_INDEXED_HVAL } else { &INSERT_INDEXED_VAL };
                cx.tree().add(f, r(&value.bytes), Value::None);
                let val_len = len - index_len;
                cx.tree().set_text(
                    id,
                    format_args!("QPACK encoder INSERT_INDEXED ref_len={index_len} ref={index} val_len={val_len}"),
                );
                cx.tree().close();
            }
            Kind::InsertLiteral { name, value } => {
                let id = cx.tree().open(&INSERT, r(&i.range), Value::None);
                cx.tree().add(if name.huffman { &INSERT_HNAME } else { &INSERT_NAME }, r(&name.bytes), Value::None);
                cx.tree().add(if value.huffman { &INSERT_HVAL } else { &INSERT_VAL }, r(&value.bytes), Value::None);
                let name_len = name.bytes.end - at;
                let val_len = i.range.end - name.bytes.end;
                cx.tree().set_text(id, format_args!("QPACK encoder opcode: INSERT name_len={name_len} val_len={val_len}"));
                cx.tree().close();
            }
            Kind::Capacity(c) => {
                let id = cx.tree().open(&DTABLE_CAP, r(&i.range), Value::None);
                cx.tree().add(&DTABLE_CAP_VAL, r(&i.range), Value::UInt(*c));
                cx.tree().set_text(id, format_args!("QPACK encoder opcode: Set DTable Cap={c}"));
                cx.tree().close();
            }
            Kind::Duplicate(_) => {
                cx.tree().add(&DUPLICATE, r(&i.range), Value::None);
            }
        }
        at = i.range.end;
    }
    let id = cx.tree().generated(&ICNT_INC, b.range(start, 0), Value::UInt(fed.inserted));
    cx.tree().set_text(id, format_args!("[QPACK encoder instruction count increment: {}]", fed.inserted));
    let id = cx.tree().generated(&ICNT, b.range(start, 0), Value::UInt(fed.total));
    cx.tree().set_text(id, format_args!("[QPACK encoder instruction count: {}]", fed.total));
    cx.tree().close();
    if let Some(why) = fed.error {
        expert(cx, &DECODING_FAILED, &format!("QPACK encoder stream error: {why}"), "Note", "Undecoded");
    }
}
