//! SMTP over TCP, as a `TcpApp`: command lines, replies (multi-line ones
//! grouped), the DATA message collected up to `CRLF.CRLF` and shown as an
//! Internet Message (IMF), BDAT chunks read as message text, AUTH
//! credentials flagged as cleartext, and STARTTLS (what follows is TLS).

pub(crate) mod imf;
pub mod state;

use std::fmt::Write;

use crate::field::{Field, FieldDef, FieldType, Value};
use self::state::{Auth, Chunks, FrameState, SmtpStream, MAX_MESSAGE};
use crate::dissect::conv::call_key;

use crate::dissect::http::{format_text, show};
use crate::dissect::http::body::TEXT_LINES;
use crate::dissect::{Buf, Ctx, DResult, Pass, Pdu, TcpSeg};
use crate::field::plural;

pub static SMTP: FieldDef = FieldDef::new("smtp", "Simple Mail Transfer Protocol", FieldType::Protocol).brief()
    .desc("Simple Mail Transfer Protocol: a client hands mail to a server with text commands and numeric replies (RFC 5321).");
pub static REQ: FieldDef = FieldDef::new("smtp.req", "Request", FieldType::Bool)
    .desc("Present when the line is a command from the client.");
pub static RSP: FieldDef = FieldDef::new("smtp.rsp", "Response", FieldType::Bool)
    .desc("Present when the line is a reply from the server.");
static AUTH_USERNAME: FieldDef = FieldDef::new("smtp.auth.username", "Username", FieldType::String)
    .desc("User name sent in an AUTH exchange, base64-decoded.");
static AUTH_PASSWORD: FieldDef = FieldDef::new("smtp.auth.password", "Password", FieldType::String)
    .desc("Password sent in an AUTH exchange, base64-decoded: readable by anyone capturing without TLS.");
pub static COMMAND_LINE: FieldDef = FieldDef::new("smtp.command_line", "Command Line", FieldType::String)
    .desc("One command line as the client sent it.");
pub static COMMAND: FieldDef = FieldDef::new("smtp.req.command", "Command", FieldType::String)
    .desc("The command word, such as EHLO, MAIL, RCPT, DATA or QUIT (RFC 5321 section 4.1).");
pub static PARAMETER: FieldDef = FieldDef::new("smtp.req.parameter", "Request parameter", FieldType::String)
    .desc("The text after the command word.");
pub static RESPONSE: FieldDef = FieldDef::new("smtp.response", "Response", FieldType::String)
    .desc("One reply line as the server sent it.");
pub static CODE: FieldDef =
    FieldDef::new("smtp.response.code", "Response code", FieldType::U32).strings(CODES)
        .desc("Three-digit reply code: 2 success, 3 send more, 4 try later, 5 failed (RFC 5321 section 4.2).");
pub static RSP_PARAMETER: FieldDef = FieldDef::new("smtp.rsp.parameter", "Response parameter", FieldType::String)
    .desc("The text after the reply code.");
pub static FRAGMENT: FieldDef = FieldDef::new("smtp.data.fragment", "DATA fragment", FieldType::FrameNum)
    .desc("A frame holding part of the message sent after DATA.");
pub static FRAGMENT_COUNT: FieldDef =
    FieldDef::new("smtp.data.fragment.count", "DATA fragment count", FieldType::U32)
        .desc("Number of frames the message after DATA took.");
pub static REASSEMBLED_LENGTH: FieldDef =
    FieldDef::new("smtp.data.reassembled.length", "Reassembled DATA length", FieldType::U32)
        .desc("Length in bytes of the message sent after DATA, put together from its frames.");

pub static FIELDS: &[Field] = &[
    &SMTP, &REQ, &RSP, &AUTH_USERNAME, &AUTH_PASSWORD, &COMMAND_LINE, &COMMAND, &PARAMETER, &RESPONSE, &CODE, &RSP_PARAMETER, &FRAGMENT,
    &FRAGMENT_COUNT, &REASSEMBLED_LENGTH,
];

const CODES: crate::field::ValueStrings = &[
    (211, "System status, or system help reply"),
    (214, "Help message"),
    (220, "<domain> Service ready"),
    (221, "<domain> Service closing transmission channel"),
    (235, "Authentication successful"),
    (250, "Requested mail action okay, completed"),
    (251, "User not local; will forward to <forward-path>"),
    (252, "Cannot VRFY user, but will accept message and attempt delivery"),
    (334, "AUTH input"),
    (354, "Start mail input; end with <CRLF>.<CRLF>"),
    (421, "<domain> Service not available, closing transmission channel"),
    (432, "A password transition is needed"),
    (450, "Requested mail action not taken: mailbox unavailable"),
    (451, "Requested action aborted: local error in processing"),
    (452, "Requested action not taken: insufficient system storage"),
    (454, "Temporary authentication failed"),
    (500, "Syntax error, command unrecognized"),
    (501, "Syntax error in parameters or arguments"),
    (502, "Command not implemented"),
    (503, "Bad sequence of commands"),
    (504, "Command parameter not implemented"),
    (530, "Authentication required"),
    (534, "Authentication mechanism is too weak"),
    (535, "Authentication credentials invalid"),
    (538, "Encryption required for requested authentication mechanism"),
    (550, "Requested action not taken: mailbox unavailable"),
    (551, "User not local; please try <forward-path>"),
    (552, "Requested mail action aborted: exceeded storage allocation"),
    (553, "Requested action not taken: mailbox name not allowed"),
    (554, "Transaction failed"),
];

/// Ports Wireshark gives SMTP (and the labs' 2525).
pub fn is_smtp_port(port: u16) -> bool {
    matches!(port, 25 | 587 | 2525)
}

/// Whether a segment goes to the server. On an SMTP port the port decides,
/// as in Wireshark (the lower port first, as the port table is tried), so a
/// capture that starts after the greeting still has its directions right;
/// on another port (found by the greeting) the side that opened does.
fn to_server(seg: &TcpSeg) -> bool {
    let (lo, hi) = (seg.sport.min(seg.dport), seg.sport.max(seg.dport));
    match [lo, hi].into_iter().find(|&p| is_smtp_port(p)) {
        Some(port) => seg.dport == port,
        None => seg.from_client,
    }
}

/// A server greeting opens the stream: the heuristic for SMTP on any port.
pub fn looks_like_smtp(first: &[u8]) -> bool {
    first.starts_with(b"220 ") || first.starts_with(b"220-")
}

/// SMTP over TCP: every complete line (or the DATA message) in `b`.
pub fn dissect_tcp(cx: &mut Ctx, b: Buf, seg: &TcpSeg) -> DResult<Pdu> {
    let key = call_key(cx.meta.number, b.tail(0));
    let saved = match cx.pass {
        Pass::Revisit => cx.session.smtp.frames.get(&key).cloned(),
        Pass::First => None,
    };
    // A later pass replays the frame from the state it was first seen in,
    // leaving the stream's live state alone.
    let first_pass = saved.is_none();
    let mut st = match &saved {
        Some(s) => SmtpStream { phase: s.phase.clone(), ..SmtpStream::default() },
        None => std::mem::take(cx.session.smtp.streams.entry(seg.stream).or_default()),
    };
    if first_pass {
        cx.session.smtp.frames.insert(key, FrameState { phase: st.phase.clone(), message: None });
    }
    let r = if st.tls {
        Ok(Pdu::NotMine)
    } else if to_server(seg) {
        client(cx, &b, &mut st, saved.and_then(|s| s.message))
    } else {
        server(cx, &b, &mut st, seg.stream)
    };
    if first_pass {
        cx.session.smtp.streams.insert(seg.stream, st);
    }
    r
}

/// The complete lines at the start of `data`: (start, end without the line
/// end, end after it). As in Wireshark, a line ends at CRLF, LF or a lone CR.
fn lines(data: &[u8]) -> impl Iterator<Item = (usize, usize, usize)> + '_ {
    let mut p = 0;
    std::iter::from_fn(move || {
        let at = p + memchr::memchr2(b'\r', b'\n', data.get(p..)?)?;
        let crlf = data[at] == b'\r' && data.get(at + 1) == Some(&b'\n');
        let start = p;
        p = at + if crlf { 2 } else { 1 };
        Some((start, at, p))
    })
}

fn open(cx: &mut Ctx, b: &Buf, off: usize, len: usize) {
    // Commands after a message in the same segment leave "SMTP/IMF" shown.
    let keep = cx.out.cols.protocol.starts_with("SMTP/");
    cx.enter("smtp", if keep { "" } else { "SMTP" });
    cx.tree().open(&SMTP, b.range(off, len), Value::None);
}

/// What Wireshark makes of a client segment as a whole, from its lines.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    /// Command lines (and AUTH LOGIN answers), each shown.
    Commands,
    /// A piece of the message: all of the segment, whatever lines it has.
    Message,
    /// The piece that completes the chunk of a `BDAT … LAST`: shown as a
    /// piece, and the message ends without an IMF view (as tshark 4.0 shows it).
    LastChunk,
    /// The message ends with the `.` line at this offset; the bytes before
    /// it are the message's last piece and any lines after it are not shown.
    End(usize),
}

/// How one line of a `Commands` segment is shown.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Line {
    Command,
    /// An answer to AUTH LOGIN: the user name or the password.
    Credential(&'static str),
}

/// Wireshark's test for a command word: four letters, or one of the longer
/// extension commands.
fn is_command(word: &[u8]) -> bool {
    const LONGER: [&[u8]; 4] = [b"STARTTLS", b"X-EXPS", b"X-LINK2STATE", b"XEXCH50"];
    (word.len() == 4 && word.iter().all(u8::is_ascii_alphabetic))
        || LONGER.iter().any(|c| c.eq_ignore_ascii_case(word))
}

/// The line at `p`: (start, end of its text, end after its line end). The
/// last line of a buffer may have no line end.
fn line_at(data: &[u8], p: usize) -> (usize, usize, usize) {
    match lines(&data[p..]).next() {
        Some((_, e, next)) => (p, p + e, p + next),
        None => (p, data.len(), data.len()),
    }
}

/// Whether `data` has a line end Wireshark can see: a LF, or a CR that is
/// not its last byte (a CR at the end may be half of a CRLF).
fn has_line_end(data: &[u8]) -> bool {
    memchr::memchr(b'\n', data).is_some()
        || memchr::memchr(b'\r', data).is_some_and(|i| i + 1 < data.len())
}

/// Classifies a client segment line by line as Wireshark's first pass does,
/// moving the dialogue's phase along; `None` when its first line is not
/// complete yet (Wireshark then asks TCP for another segment).
fn classify(phase: &mut self::state::Phase, data: &[u8], quoted: bool) -> Option<(Kind, Vec<Line>)> {
    // Inside an ICMP error there is no reassembly: the bytes are all there is.
    if !quoted && !has_line_end(data) {
        return None;
    }
    let mut kind = Kind::Commands;
    let mut shown = Vec::new();
    let mut p = 0;
    while p < data.len() {
        let (s, e, next) = line_at(data, p);
        p = next;
        if phase.data {
            let rest = &data[s..];
            // Wireshark's order: the test uses the previous segment's CRLF,
            // then the flag is set from this segment's own ending.
            let end = (phase.crlf_seen && rest.starts_with(b".\r\n")) || rest.starts_with(b"\r\n.\r\n");
            phase.crlf_seen = data.ends_with(b"\r\n");
            if end {
                phase.data = false;
                kind = Kind::End(s);
                break;
            }
            kind = Kind::Message;
            // Wireshark adds the bytes from each line's start to the end of
            // the segment, and stops at the line where the count matches.
            if let Some(c) = phase.chunks.as_mut() {
                c.read += (data.len() - s) as u64;
                if c.read == c.total {
                    phase.data = false;
                    if c.last {
                        kind = Kind::LastChunk;
                    }
                    break;
                }
            }
            continue;
        }
        let line = &data[s..e];
        let word = &line[..memchr::memchr(b' ', line).unwrap_or(line.len())];
        if is_command(word) {
            kind = Kind::Commands;
            let upper = line.to_ascii_uppercase();
            if upper.starts_with(b"DATA") {
                phase.data = true;
                phase.data_seen = true;
            } else if upper.starts_with(b"BDAT") {
                bdat(phase, line);
            } else if upper.starts_with(b"STARTTLS") {
                phase.starttls_sent = true;
            } else if upper.starts_with(b"AUTH LOGIN") {
                // With the user name on the line, the next 334 asks for the password.
                phase.auth = if line.len() <= 11 { Auth::Start } else { Auth::UserSent };
            }
            shown.push(Line::Command);
        } else if phase.auth == Auth::UserAsked {
            phase.auth = Auth::UserSent;
            shown.push(Line::Credential("User"));
        } else if phase.auth == Auth::PassAsked {
            phase.auth = Auth::PassSent;
            shown.push(Line::Credential("Pass"));
        } else {
            if phase.data_seen || !phase.answered {
                kind = Kind::Message;
            }
            shown.push(Line::Command);
        }
    }
    Some((kind, shown))
}

/// A BDAT line: its size (read as C's `strtoul` reads, 0 when there is no
/// number) is added to the chunks to read; a line ending in LAST ends the
/// message with this chunk.
fn bdat(phase: &mut self::state::Phase, line: &[u8]) {
    let arg = line.get(5..).unwrap_or_default();
    let digits = arg.iter().skip_while(|c| c.is_ascii_whitespace()).take_while(|c| c.is_ascii_digit());
    let size = digits.fold(0u64, |n, &c| n.saturating_mul(10).saturating_add((c - b'0') as u64));
    let c = phase.chunks.get_or_insert_with(Chunks::default);
    c.total = c.total.saturating_add(size);
    c.last = line.len() >= 4 && line[line.len() - 4..].eq_ignore_ascii_case(b"LAST");
    phase.data = size > 0;
    phase.data_seen = true;
}

fn client(cx: &mut Ctx, b: &Buf, st: &mut SmtpStream, replay: Option<(Vec<u8>, Vec<(u32, usize)>)>) -> DResult<Pdu> {
    let data = b.tail(0);
    let Some((kind, shown)) = classify(&mut st.phase, data, cx.quoted) else {
        return Ok(Pdu::NeedMore { offset: 0, more: None });
    };
    open(cx, b, 0, data.len());
    match kind {
        Kind::Commands => {
            let mut p = 0;
            for (i, how) in shown.into_iter().enumerate() {
                let (s, e, next) = line_at(data, p);
                command(cx, b, how, s, e, next, i);
                p = next;
            }
            cx.tree().close();
        }
        Kind::Message | Kind::LastChunk => {
            let n = data.len();
            keep_piece(cx, st, &data[..n]);
            let _ = write!(cx.out.cols.info(), "C: DATA fragment, {n} byte{}", plural(n));
            text_lines(cx, b, n);
            cx.tree().close();
            if kind == Kind::LastChunk {
                st.message.clear();
                st.fragments.clear();
            }
        }
        Kind::End(at) => {
            keep_piece(cx, st, &data[..at]);
            cx.out.cols.info().push_str("C: .");
            let (_, e, _) = line_at(data, at);
            cx.tree().text(b.range(at, e - at), "C: .");
            message_end(cx, b, st, replay);
        }
    }
    Ok(Pdu::Done(data.len()))
}

/// Adds a piece of the message (the bytes of this frame that belong to it).
fn keep_piece(cx: &mut Ctx, st: &mut SmtpStream, piece: &[u8]) {
    if piece.is_empty() {
        return;
    }
    let room = MAX_MESSAGE.saturating_sub(st.message.len());
    st.message.extend_from_slice(&piece[..piece.len().min(room)]);
    st.fragments.push((cx.meta.number, piece.len()));
}

/// A piece of the message shown as text lines, as Wireshark 4.0 shows each
/// DATA fragment.
pub(crate) fn text_lines(cx: &mut Ctx, b: &Buf, n: usize) {
    let data = &b.tail(0)[..n];
    let full = cx.full;
    cx.enter("data-text-lines", "");
    let count = data.split_inclusive(|&c| c == b'\n').count();
    let t = cx.tree();
    let id = t.open(&TEXT_LINES, b.range(0, n), Value::None);
    t.set_text(id, format_args!("Line-based text data ({count} lines)"));
    if full {
        let mut p = 0;
        for line in data.split_inclusive(|&c| c == b'\n') {
            t.text(b.range(p, line.len()), show(line));
            p += line.len();
        }
    }
    t.close();
}

fn info_line(cx: &mut Ctx, shown: usize, text: &str) {
    if shown == 0 {
        cx.out.cols.info().push_str(text);
    } else {
        let _ = write!(cx.out.cols.info, " | {}", text.trim_start_matches("C: ").trim_start_matches("S: "));
    }
}

fn command(cx: &mut Ctx, b: &Buf, how: Line, s: usize, e: usize, next: usize, shown: usize) {
    let data = b.tail(0);
    let line = String::from_utf8_lossy(&data[s..e]).into_owned();
    let r = b.range(s, next - s);
    if let Line::Credential(who) = how {
        // AUTH LOGIN's answers: base64, but readable by anyone on the path.
        info_line(cx, shown, &format!("C: {who}: {line}"));
        let field = if who == "User" { &AUTH_USERNAME } else { &AUTH_PASSWORD };
        let t = cx.tree();
        t.hidden(&REQ, r.clone(), Value::Bool(true));
        t.add(field, b.range(s, e - s), Value::str(line.as_str()));
        t.text(r, "[Cleartext credentials: AUTH LOGIN sends the user name and password in base64]");
        return;
    }
    info_line(cx, shown, &format!("C: {}", format_text(&data[s..e])));
    // Wireshark takes the command as the line's first four characters and
    // the parameter as what follows the fifth (STARTTLS: STAR, TLS).
    let text = &data[s..e];
    let cmd_len = text.len().min(4);
    let cmd = String::from_utf8_lossy(&text[..cmd_len]).into_owned();
    let t = cx.tree();
    t.hidden(&REQ, r.clone(), Value::Bool(true));
    let id = t.open(&COMMAND_LINE, r.clone(), Value::str(show(&data[s..next])));
    t.set_text(id, format_args!("Command Line: {}", show(&data[s..next])));
    t.add(&COMMAND, b.range(s, cmd_len), Value::str(cmd.as_str()));
    if text.len() > 5 {
        let param = String::from_utf8_lossy(&text[5..]).into_owned();
        t.add(&PARAMETER, b.range(s + 5, text.len() - 5), Value::str(param));
    }
    let upper = line.to_ascii_uppercase();
    if upper.starts_with("AUTH LOGIN ") && text.len() > 11 {
        // The user name given with the command (RFC 4954's initial response).
        let user = String::from_utf8_lossy(&text[11..]).into_owned();
        t.add(&AUTH_USERNAME, b.range(s + 11, text.len() - 11), Value::str(user));
    }
    let mut words = upper.split_whitespace();
    if words.next() == Some("AUTH") {
        let mech = words.next().unwrap_or("");
        if matches!(mech, "LOGIN" | "PLAIN") {
            t.text(r, format_args!("[Cleartext credentials: AUTH {mech} sends them in base64, not encrypted]"));
        }
    }
    t.close();
}

/// The end of the message: the list of its pieces and the message itself as
/// an Internet Message.
fn message_end(cx: &mut Ctx, b: &Buf, st: &mut SmtpStream, replay: Option<(Vec<u8>, Vec<(u32, usize)>)>) {
    let frame = cx.meta.number;
    let (message, fragments) = match replay {
        Some(m) => m,
        None => (std::mem::take(&mut st.message), std::mem::take(&mut st.fragments)),
    };
    if let Some(f) = cx.session.smtp.frames.get_mut(&call_key(frame, b.tail(0))) {
        f.message = Some((message.clone(), fragments.clone()));
    }
    st.message.clear();
    st.fragments.clear();
    let fields = imf::Fragments { fragment: &FRAGMENT, count: &FRAGMENT_COUNT, length: &REASSEMBLED_LENGTH, source: "Reassembled SMTP" };
    imf::reassembled(cx, b, message, &fragments, &fields);
}

fn server(cx: &mut Ctx, b: &Buf, st: &mut SmtpStream, stream: u32) -> DResult<Pdu> {
    let data = b.tail(0);
    let mut off = 0;
    let mut shown = 0;
    let mut in_reply = false;
    // As for the client: a segment is shown whole once its first line is
    // complete (Wireshark's reassembly asks for more only before that).
    if !cx.quoted && !has_line_end(data) {
        return Ok(Pdu::NeedMore { offset: 0, more: None });
    }
    while off < data.len() {
        let (s, e, next) = line_at(data, off);
        if shown == 0 {
            open(cx, b, 0, data.len());
            cx.tree().hidden(&RSP, b.range(0, data.len()), Value::Bool(true));
        }
        let line = String::from_utf8_lossy(&data[s..e]).into_owned();
        let digits = data.get(s..s + 3).filter(|d| e >= s + 3 && d.iter().all(u8::is_ascii_digit));
        let Some(code) = digits.map(|d| d.iter().fold(0u32, |n, c| n * 10 + (c - b'0') as u32)) else {
            // Wireshark shows only lines that start with a reply code.
            info_line(cx, shown, "S: ");
            shown += 1;
            off = next;
            continue;
        };
        let code = Some(code);
        let more = line.as_bytes().get(3) == Some(&b'-');
        let param = line.get(4..).unwrap_or("").to_string();
        if in_reply {
            let _ = write!(cx.out.cols.info, " | {}", format_text(param.as_bytes()));
            cx.tree().add(&RSP_PARAMETER, b.range(s + 4, param.len()), Value::str(param.as_str()));
        } else {
            info_line(cx, shown, &format!("S: {}", format_text(&data[s..e])));
            let t = cx.tree();
            let id = t.open(&RESPONSE, b.range(s, next - s), Value::str(show(&data[s..next])));
            t.set_text(id, format_args!("Response: {}", show(&data[s..next])));
            if let Some(c) = code {
                t.add(&CODE, b.range(s, 3), Value::UInt(c as u64));
            }
            if !param.is_empty() {
                t.add(&RSP_PARAMETER, b.range(s + 4, param.len()), Value::str(param.as_str()));
            }
        }
        st.phase.answered = true;
        if !more {
            cx.tree().close();
            in_reply = false;
            match code {
                Some(220) if st.phase.starttls_sent => {
                    st.tls = true;
                    crate::dissect::hand_over(cx, stream, crate::dissect::tcp::stream::App::Tls);
                }
                Some(334) => {
                    st.phase.auth = match st.phase.auth {
                        Auth::Start => Auth::UserAsked,
                        Auth::UserSent => Auth::PassAsked,
                        ref a => a.clone(),
                    }
                }
                Some(_) if st.phase.auth == Auth::PassSent => st.phase.auth = Auth::None,
                _ => {}
            }
        } else {
            in_reply = true;
        }
        shown += 1;
        off = next;
    }
    if in_reply {
        cx.tree().close();
    }
    if shown > 0 {
        cx.tree().close();
    }
    Ok(Pdu::Done(off))
}

#[cfg(test)]
mod tests;
