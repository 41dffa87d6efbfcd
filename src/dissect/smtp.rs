//! SMTP over TCP, as a `TcpApp`: command lines, replies (multi-line ones
//! grouped), the DATA message collected up to `CRLF.CRLF` and shown as an
//! Internet Message (IMF), AUTH credentials flagged as cleartext, and
//! STARTTLS (what follows is not SMTP).

use std::fmt::Write;

use crate::field::{Field, FieldDef, FieldType, Value, TEXT};
use crate::session::smtp::{Auth, FrameState, SmtpStream, MAX_MESSAGE};

use super::http::show;
use super::{smtp_imf as imf, Buf, Ctx, DResult, Pass, Pdu, TcpSeg};

pub static SMTP: FieldDef = FieldDef::new("smtp", "Simple Mail Transfer Protocol", FieldType::Protocol).brief();
pub static REQ: FieldDef = FieldDef::new("smtp.req", "Request", FieldType::Bool);
pub static RSP: FieldDef = FieldDef::new("smtp.rsp", "Response", FieldType::Bool);
static AUTH_USERNAME: FieldDef = FieldDef::new("smtp.auth.username", "Username", FieldType::String);
static AUTH_PASSWORD: FieldDef = FieldDef::new("smtp.auth.password", "Password", FieldType::String);
pub static COMMAND_LINE: FieldDef = FieldDef::new("smtp.command_line", "Command Line", FieldType::String);
pub static COMMAND: FieldDef = FieldDef::new("smtp.req.command", "Command", FieldType::String);
pub static PARAMETER: FieldDef = FieldDef::new("smtp.req.parameter", "Request parameter", FieldType::String);
pub static RESPONSE: FieldDef = FieldDef::new("smtp.response", "Response", FieldType::String);
pub static CODE: FieldDef =
    FieldDef::new("smtp.response.code", "Response code", FieldType::U32).strings(CODES);
pub static RSP_PARAMETER: FieldDef = FieldDef::new("smtp.rsp.parameter", "Response parameter", FieldType::String);
pub static FRAGMENT: FieldDef = FieldDef::new("smtp.data.fragment", "DATA fragment", FieldType::FrameNum);
pub static FRAGMENT_COUNT: FieldDef =
    FieldDef::new("smtp.data.fragment.count", "DATA fragment count", FieldType::U32);
pub static REASSEMBLED_LENGTH: FieldDef =
    FieldDef::new("smtp.data.reassembled.length", "Reassembled DATA length", FieldType::U32);

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

/// A server greeting opens the stream: the heuristic for SMTP on any port.
pub fn looks_like_smtp(first: &[u8]) -> bool {
    first.starts_with(b"220 ") || first.starts_with(b"220-")
}

/// SMTP over TCP: every complete line (or the DATA message) in `b`.
pub fn dissect_tcp(cx: &mut Ctx, b: Buf, seg: &TcpSeg) -> DResult<Pdu> {
    let frame = cx.meta.number;
    let saved = match cx.pass {
        Pass::Revisit => cx.session.smtp.frames.get(&frame).cloned(),
        Pass::First => None,
    };
    // A later pass replays the frame from the state it was first seen in,
    // leaving the stream's live state alone.
    let first_pass = saved.is_none();
    let mut st = match &saved {
        Some(s) => SmtpStream { data: s.data, auth: s.auth.clone(), ..SmtpStream::default() },
        None => std::mem::take(cx.session.smtp.streams.entry(seg.stream).or_default()),
    };
    if first_pass {
        cx.session.smtp.frames.insert(frame, FrameState { data: st.data, auth: st.auth.clone(), message: None });
    }
    let r = if st.tls {
        Ok(Pdu::NotMine)
    } else if seg.from_client {
        client(cx, &b, &mut st, saved.and_then(|s| s.message))
    } else {
        server(cx, &b, &mut st)
    };
    if first_pass {
        cx.session.smtp.streams.insert(seg.stream, st);
    }
    r
}

/// The complete lines at the start of `data`: (start, end without the line
/// end, end after it).
fn lines(data: &[u8]) -> impl Iterator<Item = (usize, usize, usize)> + '_ {
    let mut p = 0;
    std::iter::from_fn(move || {
        let nl = memchr::memchr(b'\n', data.get(p..)?)?;
        let start = p;
        let end = p + nl + 1;
        let text_end = if nl > 0 && data[p + nl - 1] == b'\r' { p + nl - 1 } else { p + nl };
        p = end;
        Some((start, text_end, end))
    })
}

fn open(cx: &mut Ctx, b: &Buf, off: usize, len: usize) {
    // Commands after a message in the same segment leave "SMTP/IMF" shown.
    let keep = cx.out.cols.protocol.starts_with("SMTP/");
    cx.enter("smtp", if keep { "" } else { "SMTP" });
    cx.tree().open(&SMTP, b.range(off, len), Value::None);
}

fn client(cx: &mut Ctx, b: &Buf, st: &mut SmtpStream, replay: Option<(Vec<u8>, Vec<(u32, usize)>)>) -> DResult<Pdu> {
    let data = b.tail(0);
    let mut off = 0;
    let mut shown = 0;
    let mut opened = false;
    while off < data.len() {
        if st.data {
            let end = message_data(cx, b, off, st, replay.clone(), &mut opened);
            off = end;
            shown += 1;
            continue;
        }
        let Some((s, e, next)) = lines(&data[off..]).next() else {
            break;
        };
        let (s, e, next) = (off + s, off + e, off + next);
        if !opened {
            open(cx, b, off, data.len() - off);
            opened = true;
        }
        command(cx, b, st, s, e, next, shown);
        shown += 1;
        off = next;
    }
    if opened {
        cx.tree().close();
    }
    if off < data.len() {
        return Ok(Pdu::NeedMore { offset: off, more: None });
    }
    Ok(Pdu::Done(off))
}

fn info_line(cx: &mut Ctx, shown: usize, text: &str) {
    if shown == 0 {
        cx.out.cols.info().push_str(text);
    } else {
        let _ = write!(cx.out.cols.info, " | {}", text.trim_start_matches("C: ").trim_start_matches("S: "));
    }
}

fn command(cx: &mut Ctx, b: &Buf, st: &mut SmtpStream, s: usize, e: usize, next: usize, shown: usize) {
    let data = b.tail(0);
    let line = String::from_utf8_lossy(&data[s..e]).into_owned();
    let r = b.range(s, next - s);
    let who = match st.auth {
        Auth::User => Some("User"),
        Auth::Pass => Some("Pass"),
        Auth::None => None,
    };
    if let Some(who) = who {
        // AUTH LOGIN's answers: base64, but readable by anyone on the path.
        info_line(cx, shown, &format!("C: {who}: {line}"));
        let field = if who == "User" { &AUTH_USERNAME } else { &AUTH_PASSWORD };
        let t = cx.tree();
        t.hidden(&REQ, r.clone(), Value::Bool(true));
        t.add(field, b.range(s, e - s), Value::str(line.as_str()));
        t.text(r, "[Cleartext credentials: AUTH LOGIN sends the user name and password in base64]");
        st.auth = if who == "User" { Auth::Pass } else { Auth::None };
        return;
    }
    info_line(cx, shown, &format!("C: {line}"));
    let (cmd, param) = match line.split_once(' ') {
        Some((c, p)) => (c.to_string(), Some(p.to_string())),
        None => (line.clone(), None),
    };
    let t = cx.tree();
    t.hidden(&REQ, r.clone(), Value::Bool(true));
    let id = t.open(&COMMAND_LINE, r.clone(), Value::str(show(&data[s..next])));
    t.set_text(id, format_args!("Command Line: {}", show(&data[s..next])));
    t.add(&COMMAND, b.range(s, cmd.len()), Value::str(cmd.as_str()));
    if let Some(p) = &param {
        t.add(&PARAMETER, b.range(s + cmd.len() + 1, p.len()), Value::str(p.as_str()));
    }
    let upper = cmd.to_ascii_uppercase();
    match upper.as_str() {
        "DATA" => st.data = true,
        "STARTTLS" => st.starttls_sent = true,
        "AUTH" => {
            let p = param.unwrap_or_default();
            let mut words = p.split_whitespace();
            let mech = words.next().unwrap_or("").to_ascii_uppercase();
            if mech == "LOGIN" && words.next().is_none() {
                st.auth = Auth::User;
            }
            if matches!(mech.as_str(), "LOGIN" | "PLAIN") {
                t.text(r, format_args!("[Cleartext credentials: AUTH {mech} sends them in base64, not encrypted]"));
            }
        }
        _ => {}
    }
    t.close();
}

/// Message bytes after DATA from `off`; returns where they end (after the
/// terminating `.` line, or the end of the buffer).
fn message_data(
    cx: &mut Ctx,
    b: &Buf,
    off: usize,
    st: &mut SmtpStream,
    replay: Option<(Vec<u8>, Vec<(u32, usize)>)>,
    opened: &mut bool,
) -> usize {
    let data = b.tail(0);
    let rest = &data[off..];
    let at_line_start = st.message.is_empty() || st.message.ends_with(b"\n");
    let term = if at_line_start && rest.starts_with(b".\r\n") {
        Some((0, 3))
    } else {
        memchr::memmem::find(rest, b"\r\n.\r\n").map(|i| (i + 2, i + 5))
    };
    let frame = cx.meta.number;
    let (body_end, end) = term.unwrap_or((rest.len(), rest.len()));
    if body_end > 0 {
        let room = MAX_MESSAGE.saturating_sub(st.message.len());
        st.message.extend_from_slice(&rest[..body_end.min(room)]);
        st.fragments.push((frame, body_end));
    }
    if !*opened {
        open(cx, b, off, end);
        *opened = true;
    }
    if term.is_none() {
        cx.out.cols.info().push_str(&format!("C: DATA fragment, {body_end} bytes"));
        let t = cx.tree();
        t.text(b.range(off, body_end), format_args!("DATA fragment, {body_end} bytes"));
        return off + end;
    }
    let t = cx.tree();
    t.text(b.range(off + body_end, end - body_end), "C: .");
    let (message, fragments) = match replay {
        Some(m) => m,
        None => (std::mem::take(&mut st.message), std::mem::take(&mut st.fragments)),
    };
    if let Some(f) = cx.session.smtp.frames.get_mut(&frame) {
        f.message = Some((message.clone(), fragments.clone()));
    }
    st.data = false;
    st.message.clear();
    st.fragments.clear();
    let total: usize = fragments.iter().map(|f| f.1).sum();
    let t = cx.tree();
    let list = t.open(&TEXT, b.range(off, 0), Value::None);
    let detail: Vec<String> = fragments.iter().map(|(f, n)| format!("#{f}({n})")).collect();
    t.set_text(
        list,
        format!("[{} DATA fragment{} ({total} bytes): {}]", fragments.len(), if fragments.len() == 1 { "" } else { "s" }, detail.join(", ")),
    );
    for (f, n) in &fragments {
        let id = t.generated(&FRAGMENT, b.range(off, 0), Value::FrameNum(*f));
        t.set_text(id, format_args!("[Frame: {f}, payload: {n} bytes]"));
    }
    let c = t.generated(&FRAGMENT_COUNT, b.range(off, 0), Value::UInt(fragments.len() as u64));
    t.set_text(c, format_args!("[DATA fragment count: {}]", fragments.len()));
    let l = t.generated(&REASSEMBLED_LENGTH, b.range(off, 0), Value::UInt(total as u64));
    t.set_text(l, format_args!("[Reassembled DATA length: {total}]"));
    t.close();
    cx.tree().close();
    *opened = false;
    let len = message.len();
    let src = cx.out.add_source(format!("Reassembled DATA ({len} bytes)"), message.clone());
    let saved = cx.out.tree.source();
    cx.out.tree.set_source(src);
    imf::dissect(cx, Buf::new(&message, len));
    cx.out.tree.set_source(saved);
    off + end
}

fn server(cx: &mut Ctx, b: &Buf, st: &mut SmtpStream) -> DResult<Pdu> {
    let data = b.tail(0);
    let mut off = 0;
    let mut shown = 0;
    let mut in_reply = false;
    for (s, e, next) in lines(data) {
        if shown == 0 {
            open(cx, b, 0, data.len());
            cx.tree().hidden(&RSP, b.range(0, data.len()), Value::Bool(true));
        }
        let line = String::from_utf8_lossy(&data[s..e]).into_owned();
        let code = line.get(..3).and_then(|c| c.parse::<u32>().ok());
        let more = line.as_bytes().get(3) == Some(&b'-');
        let param = line.get(4..).unwrap_or("").to_string();
        if in_reply {
            let _ = write!(cx.out.cols.info, " | {param}");
            cx.tree().add(&RSP_PARAMETER, b.range(s + 4, param.len()), Value::str(param.as_str()));
        } else {
            info_line(cx, shown, &format!("S: {line}"));
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
        if !more {
            cx.tree().close();
            in_reply = false;
            match code {
                Some(220) if st.starttls_sent => st.tls = true,
                Some(235) | Some(500..=599) => st.auth = Auth::None,
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
    if off < data.len() {
        return Ok(Pdu::NeedMore { offset: off, more: None });
    }
    Ok(Pdu::Done(off))
}

#[cfg(test)]
#[path = "smtp_tests.rs"]
mod tests;
