//! The Internet Message Format (RFC 5322) of an SMTP DATA message: each
//! header (unfolded) as an item, the well-known ones as `imf.*` fields, and
//! the message text.

use std::fmt::Write;

use crate::field::{Field, FieldDef, FieldType, Value, TEXT};

use crate::dissect::http::show;
use crate::dissect::{Buf, Ctx};
use crate::field::plural;

pub static IMF: FieldDef = FieldDef::new("imf", "Internet Message Format", FieldType::Protocol)
    .desc("Internet Message Format: the mail's header lines and body, sent after DATA (RFC 5322).");

static HEADERS: [(&str, FieldDef); 15] = [
    ("from", FieldDef::new("imf.from", "From", FieldType::String)
        .desc("From: the author(s) of the message (RFC 5322 section 3.6.2).")),
    ("to", FieldDef::new("imf.to", "To", FieldType::String)
        .desc("To: the primary recipients (RFC 5322 section 3.6.3).")),
    ("cc", FieldDef::new("imf.cc", "Cc", FieldType::String).desc("Cc: recipients who get a copy.")),
    ("subject", FieldDef::new("imf.subject", "Subject", FieldType::String).desc("Subject: the topic of the message.")),
    ("date", FieldDef::new("imf.date", "Date", FieldType::String)
        .desc("Date: when the author finished the message (RFC 5322 section 3.6.1).")),
    ("message-id", FieldDef::new("imf.message_id", "Message-ID", FieldType::String)
        .desc("Message-ID: a unique identifier of this message.")),
    ("reply-to", FieldDef::new("imf.reply_to", "Reply-To", FieldType::String)
        .desc("Reply-To: where replies should go instead of From.")),
    ("sender", FieldDef::new("imf.sender", "Sender", FieldType::String)
        .desc("Sender: the mailbox that actually sent the message, when not the author.")),
    ("received", FieldDef::new("imf.received", "Received", FieldType::String)
        .desc("Received: a trace line each mail server adds when it relays the message.")),
    ("return-path", FieldDef::new("imf.return_path", "Return-Path", FieldType::String)
        .desc("Return-Path: the envelope sender, where bounces go, added on final delivery.")),
    ("content-type", FieldDef::new("imf.content.type", "Content-Type", FieldType::String)
        .desc("Content-Type: the body's MIME type (RFC 2045).")),
    ("mime-version", FieldDef::new("imf.mime_version", "MIME-Version", FieldType::String)
        .desc("MIME-Version: the message uses MIME (always 1.0).")),
    ("user-agent", FieldDef::new("imf.user_agent", "User-Agent", FieldType::String)
        .desc("User-Agent: the mail program that wrote the message.")),
    ("x-mailer", FieldDef::new("imf.ext.mailer", "X-Mailer", FieldType::String)
        .desc("X-Mailer: the mail program that wrote the message (non-standard).")),
    ("delivered-to", FieldDef::new("imf.delivered_to", "Delivered-To", FieldType::String)
        .desc("Delivered-To: the mailbox the message was delivered to (non-standard).")),
];

pub static FIELDS: [Field; 16] = {
    let mut out: [Field; 16] = [&IMF; 16];
    let mut i = 0;
    while i < HEADERS.len() {
        out[i + 1] = &HEADERS[i].1;
        i += 1;
    }
    out
};

/// One header: name, value (unfolded lines, without the final line end),
/// and its byte range in the message.
struct Header<'a> {
    name: &'a str,
    value: &'a [u8],
    start: usize,
    end: usize,
}

/// Splits the header block; returns the headers and where the body starts.
fn headers(m: &[u8]) -> (Vec<Header<'_>>, usize) {
    let mut out: Vec<Header> = Vec::new();
    let mut p = 0;
    while p < m.len() {
        let nl = memchr::memchr(b'\n', &m[p..]).map_or(m.len(), |i| p + i + 1);
        let line = &m[p..nl];
        let text = line.strip_suffix(b"\n").unwrap_or(line);
        let text = text.strip_suffix(b"\r").unwrap_or(text);
        if text.is_empty() {
            return (out, nl);
        }
        let folded = matches!(text.first(), Some(b' ' | b'\t'));
        match out.last_mut() {
            Some(h) if folded => {
                h.end = nl;
                let vstart = h.value.as_ptr() as usize - m.as_ptr() as usize;
                let vend = p + text.len();
                h.value = &m[vstart..vend];
            }
            _ => {
                let Some(colon) = memchr::memchr(b':', text) else {
                    // Wireshark looks for the next colon anywhere ahead;
                    // with none, it shows the whole message as its text.
                    let body = if memchr::memchr(b':', &m[p..]).is_some() { p } else { 0 };
                    return (out, body);
                };
                let name = std::str::from_utf8(&text[..colon]).unwrap_or("");
                let mut v = colon + 1;
                while matches!(text.get(v), Some(b' ' | b'\t')) {
                    v += 1;
                }
                out.push(Header { name, value: &m[p + v..p + text.len()], start: p, end: nl });
            }
        }
        p = nl;
    }
    (out, m.len())
}

/// The fields a mail protocol lists a reassembled message's pieces with.
pub struct Fragments {
    pub fragment: Field,
    pub count: Field,
    pub length: Field,
    /// The data source's name, as Wireshark names the reassembled buffer.
    pub source: &'static str,
}

/// A message reassembled from the pieces `fragments` (frame, bytes) of a
/// mail protocol's transfer (SMTP's DATA, POP's RETR): the list of its
/// pieces under the protocol's tree (closed after it), then the message as
/// an Internet Message in a data source of its own.
pub fn reassembled(cx: &mut Ctx, b: &Buf, message: Vec<u8>, fragments: &[(u32, usize)], f: &Fragments) {
    let total: usize = fragments.iter().map(|f| f.1).sum();
    let t = cx.tree();
    let list = t.open(&TEXT, b.range(0, 0), Value::None);
    let detail: Vec<String> = fragments.iter().map(|(f, n)| format!("#{f}({n})")).collect();
    t.set_text(
        list,
        format!("[{} DATA fragment{} ({total} bytes): {}]", fragments.len(), plural(fragments.len()), detail.join(", ")),
    );
    for (fr, n) in fragments {
        let id = t.generated(f.fragment, b.range(0, 0), Value::FrameNum(*fr));
        t.set_text(id, format_args!("[Frame: {fr}, payload: {n} bytes]"));
    }
    let c = t.generated(f.count, b.range(0, 0), Value::UInt(fragments.len() as u64));
    t.set_text(c, format_args!("[DATA fragment count: {}]", fragments.len()));
    let l = t.generated(f.length, b.range(0, 0), Value::UInt(total as u64));
    t.set_text(l, format_args!("[Reassembled DATA length: {total}]"));
    t.close();
    cx.tree().close();
    let len = message.len();
    let src = cx.out.add_source(f.source, message.clone());
    let saved = cx.out.tree.source();
    cx.out.tree.set_source(src);
    dissect(cx, Buf::new(&message, len));
    cx.out.tree.set_source(saved);
}

/// Dissects a whole message (a data source of its own). The Protocol
/// column names the carrier first (`SMTP/IMF`, `POP/IMF`), as Wireshark's.
pub fn dissect(cx: &mut Ctx, b: Buf) {
    let m = b.tail(0);
    cx.enter("imf", "");
    let column = format!("{}/IMF", cx.out.cols.protocol.trim_end_matches("/IMF"));
    cx.out.cols.set_protocol(&column);
    let t = cx.tree();
    t.open(&IMF, b.range(0, m.len()), Value::None);
    let (hs, body) = headers(m);
    let mut summary = String::new();
    for h in &hs {
        let value = show(h.value);
        let known = HEADERS.iter().find(|(n, _)| h.name.eq_ignore_ascii_case(n));
        let label = format!("{}: {value}", known.map_or(h.name, |k| k.1.display));
        let r = b.range(h.start, h.end - h.start);
        let id = match known {
            Some((_, f)) => t.add(f, r, Value::str(value.as_str())),
            None => t.add(&TEXT, r, Value::None),
        };
        t.set_text(id, label);
        // Info names the sender and subject in the order the headers come.
        for key in ["from", "subject"] {
            if h.name.eq_ignore_ascii_case(key) {
                let _ = write!(summary, "{key}: {value}, ");
            }
        }
    }
    cx.out.cols.info().push_str(&summary);
    let content_type = hs.iter().find(|h| h.name.eq_ignore_ascii_case("content-type")).map(|h| h.value);
    let mime = content_type.is_some();
    if let Some(ct) = content_type {
        for part in part_types(ct, m.get(body..).unwrap_or(&[])) {
            let _ = write!(cx.out.cols.info, " ({part})");
        }
    }
    if body < m.len() {
        let t = &mut cx.out.tree;
        let id = t.open(&TEXT, b.range(body, m.len() - body), Value::None);
        t.set_text(id, "Message-Text");
        let mut p = body;
        for line in m[body..].split_inclusive(|&c| c == b'\n') {
            t.text(b.range(p, line.len()), show(line));
            if !mime {
                // Wireshark lists a plain message's lines in Info, line
                // ends shown as spaces.
                let text: String = String::from_utf8_lossy(line).replace(['\r', '\n'], " ");
                let info = &mut cx.out.cols.info;
                if !info.is_empty() {
                    info.push_str(", ");
                }
                info.push_str(&text);
            }
            p += line.len();
        }
        t.close();
    }
    cx.tree().close();
}

/// The media types Wireshark lists in Info for a body: its own type, or
/// for a multipart body each leaf part's type, in order.
fn part_types(content_type: &[u8], body: &[u8]) -> Vec<String> {
    let mut out = Vec::new();
    leaf_types(&String::from_utf8_lossy(content_type), &String::from_utf8_lossy(body), 0, &mut out);
    out
}

fn leaf_types(ct: &str, body: &str, depth: usize, out: &mut Vec<String>) {
    let ty = ct.split(';').next().unwrap_or("").trim().to_ascii_lowercase();
    let boundary = ct.split(';').find_map(|p| {
        let (k, v) = p.split_once('=')?;
        k.trim().eq_ignore_ascii_case("boundary").then(|| v.trim().trim_matches('"').to_string())
    });
    let (true, Some(b)) = (ty.starts_with("multipart/") && depth < 8, boundary) else {
        out.push(ty);
        return;
    };
    let delim = format!("--{b}");
    for part in body.split(delim.as_str()).skip(1) {
        if part.starts_with("--") {
            break;
        }
        let (head, inner) = part.split_once("\r\n\r\n").or_else(|| part.split_once("\n\n")).unwrap_or((part, ""));
        // Header lines, unfolded, so a boundary on a continuation line is found.
        let unfolded = head.replace("\r\n ", " ").replace("\r\n\t", " ").replace("\n ", " ").replace("\n\t", " ");
        let pct = unfolded.lines().find_map(|l| {
            let (n, v) = l.split_once(':')?;
            n.trim().eq_ignore_ascii_case("content-type").then(|| v.trim().to_string())
        });
        leaf_types(pct.as_deref().unwrap_or("text/plain"), inner, depth + 1, out);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headers_unfold_and_body_starts_after_blank_line() {
        let m = b"From: a@b (A)\r\nTo: x@y,\r\n  z@w\r\nSubject: Hi\r\n\r\nBody\r\n";
        let (hs, body) = headers(m);
        let names: Vec<&str> = hs.iter().map(|h| h.name).collect();
        assert_eq!(names, ["From", "To", "Subject"]);
        assert_eq!(hs[1].value, b"x@y,\r\n  z@w");
        assert_eq!(&m[body..], b"Body\r\n");
    }

    #[test]
    fn multipart_part_types() {
        let body = b"--XX\r\nContent-Type: text/plain\r\n\r\nhi\r\n--XX\r\nContent-Type: text/html; charset=x\r\n\r\n<p>\r\n--XX--\r\n";
        assert_eq!(part_types(b"multipart/alternative; boundary=\"XX\"", body), ["text/plain", "text/html"]);
        assert_eq!(part_types(b"text/plain; charset=us-ascii", body), ["text/plain"]);
    }
}
