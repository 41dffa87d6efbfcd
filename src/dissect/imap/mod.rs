//! IMAP (RFC 3501) on TCP port 143, as Wireshark 4.0's `imap` dissector:
//! complete lines only (a segment cut inside a line waits for the next);
//! a tagged line split into tag, command (after `UID`) or status, and the
//! word after the status; untagged (`*`) lines shown as they are, except a
//! FETCH response whose literal (`{218}`) holds a message, shown as an
//! Internet Message; tagged requests and responses paired by tag.

pub mod state;
#[cfg(test)]
mod tests;

use std::fmt::Write;

use crate::dissect::http::show;
use crate::dissect::smtp::imf;
use crate::field::{Field, FieldDef, FieldType, Value};

use super::{Buf, Ctx, DResult, Pass, Pdu, TcpSeg};

pub static IMAP: FieldDef = FieldDef::new("imap", "Internet Message Access Protocol", FieldType::Protocol)
    .desc("The Internet Message Access Protocol a mail client reads its folders with");
pub static ISREQUEST: FieldDef = FieldDef::new("imap.isrequest", "Request", FieldType::Bool)
    .desc("Whether the segment goes to the server");
pub static LINE: FieldDef = FieldDef::new("imap.line", "Line", FieldType::String)
    .desc("One line of the segment, with its line end");
pub static REQUEST: FieldDef = FieldDef::new("imap.request", "Request", FieldType::String)
    .desc("A tagged line from the client, without its line end");
pub static REQUEST_TAG: FieldDef = FieldDef::new("imap.request_tag", "Request Tag", FieldType::String)
    .desc("The first word of a client's line");
pub static RESPONSE: FieldDef = FieldDef::new("imap.response", "Response", FieldType::String)
    .desc("A tagged (not `*`) line from the server, without its line end");
pub static RESPONSE_TAG: FieldDef = FieldDef::new("imap.response_tag", "Response Tag", FieldType::String)
    .desc("The first word of a server's tagged line");
pub static REQUEST_COMMAND: FieldDef = FieldDef::new("imap.request.command", "Request Command", FieldType::String)
    .desc("The command of a client's line (the word after the tag, or after UID)");
pub static RESPONSE_COMMAND: FieldDef = FieldDef::new("imap.response.command", "Response Command", FieldType::String)
    .desc("The word after the status of a server's tagged line");
pub static RESPONSE_STATUS: FieldDef = FieldDef::new("imap.response.status", "Response Status", FieldType::String)
    .desc("The word after the tag of a server's line (OK, NO, BAD)");
pub static TAG: FieldDef = FieldDef::new("imap.tag", "Tag", FieldType::String)
    .desc("The first word of a tagged line, either way");
pub static COMMAND: FieldDef = FieldDef::new("imap.command", "Command", FieldType::String)
    .desc("A request's command word (UID for UID commands) or a response's word after the status");
pub static REQUEST_FOLDER: FieldDef = FieldDef::new("imap.request.folder", "Request Folder", FieldType::String)
    .desc("The mailbox a SELECT, EXAMINE, CREATE, ... or COPY names");
pub static REQUEST_UID: FieldDef = FieldDef::new("imap.request.command.uid", "Request isUID", FieldType::Bool)
    .desc("The command is a UID command");
pub static REQUEST_USERNAME: FieldDef = FieldDef::new("imap.request.username", "Request Username", FieldType::String)
    .desc("The user name of a LOGIN command");
pub static REQUEST_PASSWORD: FieldDef = FieldDef::new("imap.request.password", "Request Password", FieldType::String)
    .desc("The password of a LOGIN command, sent in clear");
pub static RESPONSE_IN: FieldDef = FieldDef::new("imap.response_in", "Response In", FieldType::FrameNum)
    .desc("The frame of the last tagged line that answered this request");
pub static RESPONSE_TO: FieldDef = FieldDef::new("imap.response_to", "Request In", FieldType::FrameNum)
    .desc("The frame of the request with this line's tag");
pub static TIME: FieldDef = FieldDef::new("imap.time", "Response Time", FieldType::RelTime)
    .desc("The time from the request to this line");

pub static FIELDS: &[Field] = &[
    &IMAP, &ISREQUEST, &LINE, &REQUEST, &REQUEST_TAG, &RESPONSE, &RESPONSE_TAG, &REQUEST_COMMAND, &RESPONSE_COMMAND,
    &RESPONSE_STATUS, &TAG, &COMMAND, &REQUEST_FOLDER, &REQUEST_UID, &REQUEST_USERNAME, &REQUEST_PASSWORD,
    &RESPONSE_IN, &RESPONSE_TO, &TIME,
];

pub const IMAP_PORT: u16 = 143;

pub fn is_imap_port(port: u16) -> bool {
    port == IMAP_PORT
}

/// Commands whose first argument is a mailbox.
const FOLDER_COMMANDS: &[&str] =
    &["select", "examine", "create", "delete", "rename", "subscribe", "unsubscribe", "status", "append", "search"];

/// The complete lines of a segment (or of segments put together).
pub fn dissect_tcp(cx: &mut Ctx, b: Buf, seg: &TcpSeg) -> DResult<Pdu> {
    let data = b.tail(0);
    let request = seg.dport == IMAP_PORT;
    let Some((first_len, _)) = line_end(data, 0) else {
        return Ok(Pdu::NeedMore { offset: 0, more: None });
    };
    cx.enter("imap", "IMAP");
    let t = cx.tree();
    t.open(&IMAP, b.range(0, data.len()), Value::None);
    t.hidden(&ISREQUEST, b.range(0, 0), Value::Bool(request));
    let mut info_set = false;
    let mut last_len = first_len;
    let mut off = 0;
    while off < data.len() {
        let Some((len, mut next)) = line_end(data, off) else {
            cx.tree().close();
            return Ok(Pdu::NeedMore { offset: off, more: None });
        };
        last_len = len;
        if data[off] == b'*' {
            match fetch(cx, &b, off, next) {
                Fetch::NotFetch => {
                    cx.tree().add(&LINE, b.range(off, next - off), Value::str(show(&data[off..next])));
                }
                Fetch::Incomplete => {
                    cx.tree().close();
                    return Ok(Pdu::NeedMore { offset: off, more: None });
                }
                Fetch::Shown { next: n, message } => {
                    next = n;
                    // Info is the message's from here on.
                    info_set |= message;
                }
            }
        } else {
            if !info_set {
                let word = if request { "Request" } else { "Response" };
                let _ = write!(cx.out.cols.info(), "{word}: {}", show(&data[off..off + len]));
                info_set = true;
            }
            tagged(cx, &b, off, len, next, request, seg.stream);
        }
        off = next;
    }
    if !info_set {
        // Only untagged lines: Wireshark shows the first, as long as the last.
        let word = if request { "Request" } else { "Response" };
        let _ = write!(cx.out.cols.info(), "{word}: {}", show(&data[..last_len.min(data.len())]));
    }
    cx.tree().close();
    Ok(Pdu::Done(data.len()))
}

/// The length of the line at `off` without its end, and where the next
/// starts; None when the line has no end yet.
fn line_end(data: &[u8], off: usize) -> Option<(usize, usize)> {
    let rest = data.get(off..)?;
    let i = memchr::memchr2(b'\r', b'\n', rest)?;
    match (rest[i], rest.get(i + 1)) {
        (b'\r', Some(b'\n')) => Some((i, off + i + 2)),
        // A CR at the very end may be followed by its LF in the next segment.
        (b'\r', None) => None,
        _ => Some((i, off + i + 1)),
    }
}

/// Words separated by spaces or tabs in `line` from `at`: (start, end).
fn words(line: &[u8], at: usize) -> impl Iterator<Item = (usize, usize)> + '_ {
    let mut p = at;
    std::iter::from_fn(move || {
        while line.get(p).is_some_and(|c| matches!(c, b' ' | b'\t')) {
            p += 1;
        }
        let s = p;
        while line.get(p).is_some_and(|c| !matches!(c, b' ' | b'\t')) {
            p += 1;
        }
        (p > s).then_some((s, p))
    })
}

enum Fetch {
    /// Not a FETCH response: the line is shown as it is.
    NotFetch,
    /// A FETCH response whose parenthesis or literal is not all here yet.
    Incomplete,
    /// A FETCH response shown up to `next`; `message`: its literal went to IMF.
    Shown { next: usize, message: bool },
}

/// An untagged line at `off`: a FETCH response (FETCH among its first
/// three words) is shown up to the `)` after its literal, the literal as an
/// Internet Message, as Wireshark 4.0 does; it searches the rest of the
/// segment for the parenthesis and the literal's size.
fn fetch(cx: &mut Ctx, b: &Buf, off: usize, next: usize) -> Fetch {
    let data = b.tail(0);
    let words: Vec<(usize, usize)> = words(&data[..next - line_end_len(data, next)], off + 1).take(3).collect();
    // Wireshark compares as many letters as the word has, so "F" is FETCH too.
    let is_fetch = |&(s, e): &(usize, usize)| e - s <= 5 && data[s..e].eq_ignore_ascii_case(&b"FETCH"[..e - s]);
    let Some(&(_, fetch_end)) = words.iter().find(|w| is_fetch(w)).filter(|_| words.len() >= 2) else {
        return Fetch::NotFetch;
    };
    let Some(open) = memchr::memchr(b'(', &data[fetch_end..]).map(|i| fetch_end + i) else { return Fetch::Incomplete };
    if open + 1 >= data.len() {
        return Fetch::Incomplete;
    }
    let Some(size_start) = memchr::memchr(b'{', &data[open..]).map(|i| open + i) else {
        // No literal: the line that holds the parenthesis ends it.
        let Some((_, n)) = line_end(data, open) else { return Fetch::Incomplete };
        cx.tree().add(&LINE, b.range(off, n - off), Value::str(show(&data[off..n])));
        return Fetch::Shown { next: n, message: false };
    };
    let Some(size_end) = memchr::memchr(b'}', &data[size_start + 1..]).map(|i| size_start + 1 + i) else {
        return Fetch::Incomplete;
    };
    let size: Option<usize> = std::str::from_utf8(&data[size_start + 1..size_end]).ok().and_then(|s| s.parse().ok());
    let Some(size) = size.filter(|&n| n <= u32::MAX as usize) else { return Fetch::Incomplete };
    let after = size_end + size;
    if after >= data.len() || memchr::memchr(b')', &data[after..]).is_none() {
        return Fetch::Incomplete;
    }
    cx.tree().add(&LINE, b.range(off, next - off), Value::str(show(&data[off..next])));
    let end = (next + size).min(data.len());
    if let Ok(m) = b.from(next) {
        imf::dissect(cx, m.sub(0, end - next).unwrap_or(m));
    }
    Fetch::Shown { next: end, message: true }
}

/// How many bytes of line end come before `next`.
fn line_end_len(data: &[u8], next: usize) -> usize {
    match (next.checked_sub(2).and_then(|i| data.get(i)), next.checked_sub(1).and_then(|i| data.get(i))) {
        (Some(b'\r'), Some(b'\n')) => 2,
        (_, Some(b'\n' | b'\r')) => 1,
        _ => 0,
    }
}

/// A tagged line at `off` (`len` bytes before its end, the next line at
/// `next`): tag, command or status, the response's word after the status,
/// LOGIN's user and password, the mailbox, and the pairing by tag.
fn tagged(cx: &mut Ctx, b: &Buf, off: usize, len: usize, next: usize, request: bool, stream: u32) {
    let data = b.tail(0);
    let text = &data[..off + len];
    let t = cx.tree();
    t.open(&LINE, b.range(off, next - off), Value::str(show(&data[off..next])));
    if len > 0 {
        t.add(if request { &REQUEST } else { &RESPONSE }, b.range(off, len), Value::str(show(&text[off..])));
    }
    let mut w = words(text, off);
    let Some((ts, te)) = w.next() else {
        cx.tree().close();
        return;
    };
    let tag = show(&text[ts..te]);
    t.add(if request { &REQUEST_TAG } else { &RESPONSE_TAG }, b.range(ts, te - ts), Value::str(tag.as_str()));
    t.hidden(&TAG, b.range(ts, te - ts), Value::str(tag.as_str()));
    let str_of = |(s, e): (usize, usize)| Value::str(show(&text[s..e]));
    // STARTTLS asked, or the response's status is OK (Some(true)) or not.
    let (mut starttls_asked, mut status_ok) = (false, None);
    if let Some(second) = w.next() {
        let word = &text[second.0..second.1];
        let range = |(s, e): (usize, usize)| b.range(s, e - s);
        let mut command = None;
        if request && word.eq_ignore_ascii_case(b"UID") {
            t.add(&REQUEST_UID, range(second), Value::Bool(true));
            if let Some(c) = w.next() {
                t.add(&REQUEST_COMMAND, range(c), str_of(c));
                command = Some(c);
            }
            t.hidden(&COMMAND, range(second), str_of(second));
        } else if request {
            t.add(&REQUEST_COMMAND, range(second), str_of(second));
            t.hidden(&COMMAND, range(second), str_of(second));
            command = Some(second);
        } else {
            status_ok = Some(word.eq_ignore_ascii_case(b"OK"));
            t.add(&RESPONSE_STATUS, range(second), str_of(second));
            if let Some(c) = w.next() {
                t.add(&RESPONSE_COMMAND, range(c), str_of(c));
                t.hidden(&COMMAND, range(c), str_of(c));
            }
        }
        if let Some(c) = command {
            let name = text[c.0..c.1].to_ascii_lowercase();
            starttls_asked = name == b"starttls";
            let args: Vec<(usize, usize)> = w.take(2).collect();
            let folder = if FOLDER_COMMANDS.iter().any(|f| f.as_bytes() == name) {
                args.first().copied()
            } else if name == b"copy" {
                args.get(1).copied()
            } else {
                None
            };
            if let Some(f) = folder {
                t.add(&REQUEST_FOLDER, range(f), str_of(f));
            }
            if name == b"login" {
                // Wireshark shows LOGIN's arguments without their quotes.
                let unquote = |(s, e): (usize, usize)| {
                    let v = &text[s..e];
                    let v = v.strip_prefix(b"\"").and_then(|v| v.strip_suffix(b"\"")).unwrap_or(v);
                    Value::str(show(v))
                };
                if let [user, pass] = args[..] {
                    t.add(&REQUEST_USERNAME, range(user), unquote(user));
                    t.add(&REQUEST_PASSWORD, range(pass), unquote(pass));
                }
            }
        }
    }
    pair(cx, stream, tag.to_ascii_lowercase(), request);
    cx.tree().close();
    if cx.pass == Pass::First && !cx.quoted {
        starttls(cx, stream, starttls_asked, status_ok);
    }
}

/// STARTTLS (RFC 9051 6.2.1): once the server answers it OK, the stream
/// continues as TLS, as Wireshark hands it over; any other answer ends the wait.
fn starttls(cx: &mut Ctx, stream: u32, asked: bool, status_ok: Option<bool>) {
    let waiting = &mut cx.session.imap.starttls;
    if asked {
        waiting.insert(stream);
    } else if let Some(ok) = status_ok {
        if waiting.remove(&stream) && ok {
            crate::dissect::hand_over(cx, stream, crate::dissect::tcp::stream::App::Tls);
        }
    }
}

/// Pairs a tagged line with the request of its tag (first pass), and shows
/// the pairing known so far.
fn pair(cx: &mut Ctx, stream: u32, tag: String, request: bool) {
    let (frame, ts) = (cx.meta.number, cx.meta.ts);
    let first = cx.pass == Pass::First && !cx.quoted;
    let requests = &mut cx.session.imap.requests;
    if first && request {
        let by_frame = requests.entry((stream, tag.clone())).or_default();
        by_frame.insert(frame, state::Request { frame, ts, response: 0 });
    }
    let Some(by_frame) = requests.get_mut(&(stream, tag)) else { return };
    let Some((_, r)) = by_frame.range_mut(..=frame).next_back() else { return };
    if first && !request {
        r.response = frame;
    }
    let r = *r;
    let t = &mut cx.out.tree;
    if request && r.response != 0 {
        t.generated(&RESPONSE_IN, 0..0, Value::FrameNum(r.response));
    } else if !request {
        t.generated(&RESPONSE_TO, 0..0, Value::FrameNum(r.frame));
        t.generated(&TIME, 0..0, Value::RelTime((ts.as_nanos() - r.ts.as_nanos()) as i64));
    }
}
