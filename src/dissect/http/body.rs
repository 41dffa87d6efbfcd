//! HTTP message bodies: where they end (Content-Length, chunked encoding or
//! the end of the connection) and how they show (chunks, File Data, and the
//! media-type layer Wireshark puts under them).

use crate::field::{FieldDef, FieldType, Value, TEXT};

use super::{show, FILE_DATA};
use super::encoding::{self, Decoded};
use crate::dissect::{dispatch, Buf, Ctx, DResult, DissectError};

pub static CHUNK_SIZE: FieldDef = FieldDef::new("http.chunk_size", "Chunk size", FieldType::U32)
    .desc("Size in bytes of a chunk of a chunked body, written in hex on the wire (RFC 9112 section 7.1).");
pub static CHUNK_DATA: FieldDef = FieldDef::new("http.chunk_data", "Chunk data", FieldType::Bytes)
    .desc("The data of one chunk.");
pub static CHUNK_BOUNDARY: FieldDef = FieldDef::new("http.chunk_boundary", "Chunk boundary", FieldType::Bytes)
    .desc("The CRLF that ends a chunk.");
pub static TEXT_LINES: FieldDef = FieldDef::new("data-text-lines", "Line-based text data", FieldType::Protocol)
    .desc("A body shown as lines of text.");
pub static MEDIA: FieldDef = FieldDef::new("media", "Media Type", FieldType::Protocol)
    .desc("A body of a media type no dissector decodes further.");

pub static FIELDS: &[crate::field::Field] = &[&CHUNK_SIZE, &CHUNK_DATA, &CHUNK_BOUNDARY, &TEXT_LINES, &MEDIA];

/// One chunk of a chunked body, offsets relative to the body's start.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Chunk {
    pub start: usize,
    /// Length of the size line (with its line end).
    pub line: usize,
    pub size: usize,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Body {
    None,
    /// Content-Length bytes, or everything up to the end of the connection.
    Plain(usize),
    /// Chunks, the last (size 0) included, then the trailer up to the
    /// blank line; `wire` counts it all. `malformed`: a chunk size after
    /// `chunks` is unreasonable, and the message takes the rest of the bytes.
    Chunked { chunks: Vec<Chunk>, trailer: usize, wire: usize, malformed: bool },
    /// The body is not all there: bytes still missing, when known.
    Incomplete(Option<usize>),
}

impl Body {
    pub fn wire_len(&self) -> usize {
        match self {
            Body::None | Body::Incomplete(_) => 0,
            Body::Plain(n) => *n,
            Body::Chunked { wire, .. } => *wire,
        }
    }
}

/// Where the body at the start of `rest` ends. `header` looks up a header of
/// the message; `no_body` is true for responses that never have one;
/// `closed`: the sender has closed its direction after `rest`.
pub fn delimit<'a>(
    rest: &[u8],
    header: &dyn Fn(&str) -> Option<&'a [u8]>,
    request: bool,
    no_body: bool,
    closed: bool,
) -> Body {
    if no_body {
        return Body::None;
    }
    let te = header("transfer-encoding").map(|v| String::from_utf8_lossy(v).to_ascii_lowercase());
    if te.is_some_and(|t| t.contains("chunked")) {
        return chunked(rest);
    }
    if let Some(v) = header("content-length") {
        let n = std::str::from_utf8(v).ok().and_then(|s| s.trim().parse::<usize>().ok());
        return match n {
            Some(n) if n <= rest.len() => Body::Plain(n),
            Some(n) => Body::Incomplete(Some(n - rest.len())),
            None => Body::Plain(0),
        };
    }
    if request {
        return Body::None;
    }
    // Neither length nor chunks: the body runs until the server closes the
    // connection, so the response is complete only at its FIN.
    if closed {
        Body::Plain(rest.len())
    } else {
        Body::Incomplete(Some(crate::dissect::dispatch::UNTIL_FIN))
    }
}

/// A chunk size as Wireshark 4.0 reads it: `(guint32)strtol(line, NULL, 16)`
/// (leading blanks, a sign and a `0x` allowed, digits up to the first other
/// character, an overflow saturating), cut to 32 bits.
fn chunk_size(line: &[u8]) -> u32 {
    let mut p = line.iter().position(|c| !matches!(c, b' ' | b'\t' | b'\n' | 0x0b | 0x0c | b'\r')).unwrap_or(line.len());
    let negative = line.get(p) == Some(&b'-');
    if matches!(line.get(p), Some(b'-' | b'+')) {
        p += 1;
    }
    let hex = |c: Option<&u8>| c.is_some_and(|c| c.is_ascii_hexdigit());
    if line.get(p) == Some(&b'0') && matches!(line.get(p + 1), Some(b'x' | b'X')) && hex(line.get(p + 2)) {
        p += 2;
    }
    let mut v: i64 = 0;
    let mut overflow = false;
    while let Some(d) = line.get(p).and_then(|&c| (c as char).to_digit(16)) {
        match v.checked_mul(16).and_then(|v| v.checked_add(d as i64)) {
            Some(n) => v = n,
            None => overflow = true,
        }
        p += 1;
    }
    let v = match (overflow, negative) {
        (true, false) => i64::MAX,
        (true, true) => i64::MIN,
        (false, false) => v,
        (false, true) => -v,
    };
    v as u32
}

/// Wireshark's reassembly stops waiting for a chunk larger than this and
/// dissects what it has, which then fails as malformed.
const UNREASONABLE_CHUNK: u32 = 1 << 31;

fn chunked(rest: &[u8]) -> Body {
    let mut chunks = Vec::new();
    let mut p = 0;
    loop {
        let Some(nl) = memchr::memchr(b'\n', &rest[p..]) else {
            return Body::Incomplete(None);
        };
        let line = &rest[p..p + nl];
        let size = chunk_size(line.split(|&c| c == b';').next().unwrap_or(&[]));
        if size > UNREASONABLE_CHUNK {
            return Body::Chunked { chunks, trailer: 0, wire: rest.len(), malformed: true };
        }
        let size = size as usize;
        let start = p;
        p += nl + 1;
        if size == 0 {
            chunks.push(Chunk { start, line: nl + 1, size });
            let trailer_start = p;
            loop {
                let Some(nl) = memchr::memchr(b'\n', &rest[p..]) else {
                    return Body::Incomplete(None);
                };
                let empty = rest[p..p + nl].iter().all(|&c| c == b'\r');
                p += nl + 1;
                if empty {
                    return Body::Chunked { chunks, trailer: p - trailer_start, wire: p, malformed: false };
                }
            }
        }
        let end = p + size;
        // The data and the line end after it.
        let need = end + if rest.get(end) == Some(&b'\r') { 2 } else { 1 };
        // Like Wireshark, a chunked body is looked at again with each new
        // segment (its Info shows the first line meanwhile), not awaited
        // for a known length.
        if need > rest.len() || (end + 1 > rest.len()) {
            return Body::Incomplete(None);
        }
        chunks.push(Chunk { start, line: nl + 1, size });
        p = need;
    }
}

/// Adds the body items of a message whose body starts at `off` in `b`,
/// closes the message's item (opened by the caller) and adds the media
/// layer beside it, as Wireshark places it. A chunked body with an
/// unreasonable chunk size is malformed after the chunks before it.
pub fn show_body(
    cx: &mut Ctx,
    b: &Buf,
    off: usize,
    body: &Body,
    content_type: Option<&str>,
    encoding: Option<&str>,
) -> DResult<()> {
    let data = b.tail(off);
    let entity: Vec<u8>;
    let (bytes, source) = match body {
        Body::None | Body::Incomplete(_) => (&[][..], None),
        Body::Plain(n) => (&data[..(*n).min(data.len())], None),
        Body::Chunked { chunks, trailer, wire, malformed } => {
            entity = chunk_items(cx, b, off, chunks, *trailer, *wire);
            if *malformed {
                cx.tree().close();
                return Err(DissectError::Malformed);
            }
            let id = cx.out.add_source("De-chunked entity body", entity.clone());
            (&entity[..], Some(id))
        }
    };
    if bytes.is_empty() {
        cx.tree().close();
        return Ok(());
    }
    let saved = cx.out.tree.source();
    if let Some(s) = source {
        cx.out.tree.set_source(s);
    }
    // The body as a view of its own data source, for the layers below.
    let mut view = match source {
        Some(_) => Buf::new(bytes, bytes.len()),
        None => b.sub(off, bytes.len()).unwrap_or(*b),
    };
    let decoded: Vec<u8>;
    let mut bytes = bytes;
    match encoding.and_then(|e| encoding::decode(e, bytes)) {
        Some(Decoded::Ok { name, bytes: d }) => {
            let (from, to) = (bytes.len(), d.len());
            let label = format_args!("Content-encoded entity body ({name}): {from} bytes -> {to} bytes");
            cx.tree().text(view.range(0, from), label);
            decoded = d;
            let src = cx.out.add_source("Uncompressed entity body", decoded.clone());
            cx.out.tree.set_source(src);
            bytes = &decoded;
            view = Buf::new(bytes, bytes.len());
        }
        Some(Decoded::Failed { name }) => {
            let msg = format!("Content-encoded entity body ({name}): decompression failed");
            crate::dissect::expert(cx, &encoding::DECOMPRESSION_FAILED, &msg, "Error", "Undecoded");
        }
        None => {}
    }
    let n = bytes.len();
    let cx_full = cx.full;
    let t = cx.tree();
    let text = if cx_full && t.wants(&FILE_DATA) { Value::str(show(bytes)) } else { Value::None };
    let id = t.add(&FILE_DATA, view.range(0, n), text);
    t.set_text(id, format_args!("File Data: {n} bytes"));
    t.close();
    // A body that decoded to nothing has no media layer (nor its Info note).
    if n > 0 {
        media(cx, view, bytes, content_type);
    }
    cx.tree().set_source(saved);
    Ok(())
}

fn chunk_items(cx: &mut Ctx, b: &Buf, off: usize, chunks: &[Chunk], trailer: usize, wire: usize) -> Vec<u8> {
    let data = b.tail(off);
    let mut entity = Vec::new();
    let t = cx.tree();
    let top = t.open(&TEXT, b.range(off, wire), Value::None);
    t.set_text(top, "HTTP chunked response");
    for c in chunks {
        let d = c.start + c.line;
        if c.size == 0 {
            let id = t.open(&TEXT, b.range(off + c.start, c.line), Value::None);
            t.set_text(id, "End of chunked encoding");
            let s = t.add(&CHUNK_SIZE, b.range(off + c.start, c.line), Value::UInt(0));
            t.set_text(s, "Chunk size: 0 octets");
            t.close();
            if trailer > 2 {
                let tr = d..d + trailer;
                let text = show(data.get(tr.clone()).unwrap_or(&[]));
                t.text(b.range(off + tr.start, trailer), format_args!("trailer-part: {text}"));
            } else if trailer > 0 {
                t.text(b.range(off + d, trailer), show(data.get(d..d + trailer).unwrap_or(&[])));
            }
            continue;
        }
        let boundary = if data.get(d + c.size) == Some(&b'\r') { 2 } else { 1 };
        let id = t.open(&TEXT, b.range(off + c.start, c.line + c.size + boundary), Value::None);
        t.set_text(id, format_args!("Data chunk ({} octets)", c.size));
        let s = t.add(&CHUNK_SIZE, b.range(off + c.start, c.line), Value::UInt(c.size as u64));
        t.set_text(s, format_args!("Chunk size: {} octets", c.size));
        t.add(&CHUNK_DATA, b.range(off + d, c.size), Value::None);
        t.add(&CHUNK_BOUNDARY, b.range(off + d + c.size, boundary), Value::None);
        t.close();
        entity.extend_from_slice(data.get(d..d + c.size).unwrap_or(&[]));
    }
    t.close();
    entity
}

/// The layers Wireshark dissects a body with, by media type.
#[derive(Clone, Copy, PartialEq)]
enum Media {
    Xml,
    Json,
    Form,
    Gif,
    Png,
    Jpeg,
    Text,
    Other,
}

impl Media {
    /// `mt`: the media type without parameters, in any case.
    fn of(mt: &str) -> Media {
        let is = |m: &str| mt.eq_ignore_ascii_case(m);
        if is("text/xml") || is("application/xml") {
            Media::Xml
        } else if is("application/json") {
            Media::Json
        } else if is("application/x-www-form-urlencoded") {
            Media::Form
        } else if is("image/gif") {
            Media::Gif
        } else if is("image/png") {
            Media::Png
        } else if is("image/jpeg") {
            Media::Jpeg
        } else if mt.get(..5).is_some_and(|p| p.eq_ignore_ascii_case("text/")) {
            Media::Text
        } else {
            Media::Other
        }
    }

    fn proto(self) -> &'static str {
        match self {
            Media::Xml => "xml",
            Media::Json => "json",
            Media::Form => "urlencoded-form",
            Media::Gif => "image-gif",
            Media::Png => "png",
            Media::Jpeg => "image-jfif",
            Media::Text => "data-text-lines",
            Media::Other => "media",
        }
    }
}

/// The layer Wireshark dissects a body with, by media type, and the Info
/// suffix it writes.
fn media(cx: &mut Ctx, view: Buf, bytes: &[u8], content_type: Option<&str>) {
    let Some(ct) = content_type else {
        dispatch::data(cx, view);
        return;
    };
    let base = view.abs(0);
    let mt = ct.split(';').next().unwrap_or("").trim();
    let kind = Media::of(mt);
    let r = base..base + bytes.len();
    // What the Info suffix shows: the media type in lower case, or what
    // the image says it is.
    let gif_version = || String::from_utf8_lossy(bytes.get(..6).unwrap_or(bytes));
    let shown = |info: &mut String| match kind {
        Media::Gif => info.push_str(&gif_version()),
        Media::Png => info.push_str("PNG"),
        Media::Jpeg => info.push_str("JPEG JFIF image"),
        _ if mt.bytes().any(|c| c.is_ascii_uppercase()) => info.extend(mt.chars().map(|c| c.to_ascii_lowercase())),
        _ => info.push_str(mt),
    };
    cx.enter(kind.proto(), "");
    // XML and JSON name themselves in the Protocol column and word the
    // Info suffix their own way.
    match kind {
        Media::Xml => cx.out.cols.set_protocol("HTTP/XML"),
        Media::Json => {
            cx.out.cols.set_protocol("HTTP/JSON");
            cx.out.cols.info.push_str(", JavaScript Object Notation (");
            shown(&mut cx.out.cols.info);
            cx.out.cols.info.push(')');
        }
        _ => {
            cx.out.cols.info.push_str(" (");
            shown(&mut cx.out.cols.info);
            cx.out.cols.info.push(')');
        }
    }
    let field = if kind == Media::Text { &TEXT_LINES } else { &MEDIA };
    let full = cx.full;
    let t = cx.tree();
    let id = t.open(field, r.clone(), Value::None);
    // A filter's walk keeps neither the label nor the lines: not counted.
    if full && t.keeps_labels() {
        let mt = mt.to_ascii_lowercase();
        let label = match kind {
            Media::Xml => "eXtensible Markup Language".into(),
            Media::Json => format!("JavaScript Object Notation: {mt}"),
            Media::Form => format!("HTML Form URL Encoded: {mt}"),
            Media::Gif => format!("Compuserve GIF, Version: {}", gif_version()),
            Media::Png => "Portable Network Graphics".into(),
            Media::Jpeg => "JPEG File Interchange Format".into(),
            Media::Text => {
                let lines = bytes.split_inclusive(|&c| c == b'\n').count();
                format!("Line-based text data: {mt} ({lines} lines)")
            }
            Media::Other => "Media Type".into(),
        };
        t.set_text(id, label);
    }
    if kind == Media::Text && full && t.wants(&TEXT) {
        let mut p = base;
        for line in bytes.split_inclusive(|&c| c == b'\n') {
            let label = if t.keeps_labels() { show(line) } else { String::new() };
            t.text(p..p + line.len(), label);
            p += line.len();
        }
    }
    t.close();
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chunk_sizes_as_strtol_then_32_bits() {
        assert_eq!(chunk_size(b"1a"), 26);
        assert_eq!(chunk_size(b"  0x1A "), 26);
        assert_eq!(chunk_size(b"1a zz"), 26);
        assert_eq!(chunk_size(b"zz"), 0);
        assert_eq!(chunk_size(b"0x"), 0);
        assert_eq!(chunk_size(b"100000005"), 5);
        assert_eq!(chunk_size(b"10000000000000000"), u32::MAX);
        assert_eq!(chunk_size(b"-5"), (-5i64) as u32);
    }
}
