//! FTP's control connection (RFC 959, RFC 2428) over TCP port 21, as a
//! `TcpApp`: each segment's lines, the first one a command (`USER x`) or a
//! reply (`220 ...`), with the data connection's address and port read
//! from PORT and EPRT commands and from 227 (PASV) and 229 (EPSV) replies.
//! As in Wireshark, segments are not reassembled into lines. Each address
//! announces a data connection (`state`, dissected by `data`).

pub mod data;
pub mod state;
#[cfg(test)]
mod tests;

use std::fmt::Write;
use std::net::{IpAddr, Ipv4Addr};

use crate::dissect::http::show;
use crate::field::{Field, FieldDef, FieldType, Value, TEXT};

use super::{Buf, Ctx, DResult, Pass, Pdu, TcpSeg};

pub static FTP: FieldDef = FieldDef::new("ftp", "File Transfer Protocol (FTP)", FieldType::Protocol)
    .desc("File Transfer Protocol control connection: text commands and numeric replies on TCP port 21 (RFC 959).");
pub static REQUEST: FieldDef = FieldDef::new("ftp.request", "Request", FieldType::Bool)
    .desc("Present when the line is a command sent by the client.");
pub static RESPONSE: FieldDef = FieldDef::new("ftp.response", "Response", FieldType::Bool)
    .desc("Present when the line is a reply sent by the server.");
pub static COMMAND: FieldDef = FieldDef::new("ftp.request.command", "Request command", FieldType::String)
    .desc("The command word of a client line, such as USER, RETR or PASV (RFC 959 section 4.1).");
pub static ARG: FieldDef = FieldDef::new("ftp.request.arg", "Request arg", FieldType::String)
    .desc("The text after the command word: a user name, file name or address.");
pub static CODE: FieldDef = FieldDef::new("ftp.response.code", "Response code", FieldType::U32).strings(CODES)
    .desc("Three-digit reply code; the first digit says success (2), need more (3) or failure (4, 5) (RFC 959 section 4.2).");
pub static RESPONSE_ARG: FieldDef = FieldDef::new("ftp.response.arg", "Response arg", FieldType::String)
    .desc("The text after the reply code.");
pub static PASSIVE_IP: FieldDef = FieldDef::new("ftp.passive.ip", "Passive IP address", FieldType::Ipv4)
    .desc("IPv4 address the server gives in a 227 reply to PASV for the data connection.");
pub static PASSIVE_PORT: FieldDef = FieldDef::new("ftp.passive.port", "Passive port", FieldType::U16)
    .desc("Port the server listens on for the data connection, from a 227 reply (p1 × 256 + p2).");
pub static ACTIVE_IP: FieldDef = FieldDef::new("ftp.active.cip", "Active IP address", FieldType::Ipv4)
    .desc("IPv4 address the client gives in a PORT command for the server to connect back to.");
pub static ACTIVE_PORT: FieldDef = FieldDef::new("ftp.active.port", "Active port", FieldType::U16)
    .desc("Port the client listens on for the data connection, from a PORT command.");
pub static EPRT_AF: FieldDef = FieldDef::new("ftp.eprt.af", "Extended active address family", FieldType::U8)
    .strings(&[(1, "IPv4"), (2, "IPv6")])
    .desc("Address family number in an EPRT command: 1 for IPv4, 2 for IPv6 (RFC 2428).");
pub static EPRT_IP: FieldDef = FieldDef::new("ftp.eprt.ip", "Extended active IP address", FieldType::Ipv4)
    .desc("IPv4 address the client gives in an EPRT command.");
pub static EPRT_IPV6: FieldDef = FieldDef::new("ftp.eprt.ipv6", "Extended active IPv6 address", FieldType::Ipv6)
    .desc("IPv6 address the client gives in an EPRT command.");
pub static EPRT_PORT: FieldDef = FieldDef::new("ftp.eprt.port", "Extended active port", FieldType::U16)
    .desc("Port the client listens on, from an EPRT command.");
pub static EPSV_IP: FieldDef = FieldDef::new("ftp.epsv.ip", "Extended passive IPv4 address", FieldType::Ipv4)
    .desc("IPv4 address of the data connection after an EPSV reply (the control connection's server address).");
pub static EPSV_IPV6: FieldDef = FieldDef::new("ftp.epsv.ipv6", "Extended passive IPv6 address", FieldType::Ipv6)
    .desc("IPv6 address of the data connection after an EPSV reply (the control connection's server address).");
pub static EPSV_PORT: FieldDef = FieldDef::new("ftp.epsv.port", "Extended passive port", FieldType::U16)
    .desc("Port the server listens on for the data connection, from a 229 reply to EPSV (RFC 2428).");

pub static CWD: FieldDef =
    FieldDef::new("ftp.current-working-directory", "Current working directory", FieldType::String)
        .desc("The directory PWD replies and successful CWDs leave the control connection in (empty until known)");
pub static RESPONSE_FRAMES: FieldDef =
    FieldDef::new("ftp.command-response.frames", "Command response frames", FieldType::U32)
        .desc("Frames of the data connection this command was answered on");
pub static RESPONSE_BYTES: FieldDef = FieldDef::new("ftp.command-response.bytes", "Command response bytes", FieldType::U32)
    .desc("Bytes of the data connection this command was answered on");
pub static RESPONSE_FIRST: FieldDef =
    FieldDef::new("ftp.command-response.first-frame-num", "Command response first frame", FieldType::FrameNum)
        .desc("The data connection's first frame with data");
pub static RESPONSE_LAST: FieldDef =
    FieldDef::new("ftp.command-response.last-frame-num", "Command response last frame", FieldType::FrameNum)
        .desc("The data connection's last frame with data");
pub static RESPONSE_DURATION: FieldDef =
    FieldDef::new("ftp.command-response.duration", "Response duration", FieldType::U32)
        .desc("Milliseconds from the data connection's first to its last frame with data");
pub static RESPONSE_BITRATE: FieldDef =
    FieldDef::new("ftp.command-response.bitrate", "Response bitrate", FieldType::U32)
        .desc("The data connection's bytes over that duration, in kbit/s");
pub static SETUP_FRAME: FieldDef = FieldDef::new("ftp.setup-frame", "Setup frame", FieldType::FrameNum)
    .desc("The frame that announced the data connection this command was answered on");
pub static COMMAND_FRAME: FieldDef = FieldDef::new("ftp.command-frame", "Command frame", FieldType::FrameNum)
    .desc("The first command after this announcement of a data connection");
pub static SETUP_COMMAND: FieldDef = FieldDef::new("ftp.command", "Command", FieldType::String)
    .desc("The text of that command");

pub static FIELDS: &[Field] = &[
    &FTP, &REQUEST, &RESPONSE, &COMMAND, &ARG, &CODE, &RESPONSE_ARG, &PASSIVE_IP, &PASSIVE_PORT, &ACTIVE_IP,
    &ACTIVE_PORT, &EPRT_AF, &EPRT_IP, &EPRT_IPV6, &EPRT_PORT, &EPSV_IP, &EPSV_IPV6, &EPSV_PORT, &CWD,
    &RESPONSE_FRAMES, &RESPONSE_BYTES, &RESPONSE_FIRST, &RESPONSE_LAST, &RESPONSE_DURATION, &RESPONSE_BITRATE,
    &SETUP_FRAME, &COMMAND_FRAME, &SETUP_COMMAND,
];

static CODES: &[(u64, &str)] = &[
    (110, "Restart marker reply"),
    (120, "Service ready in nnn minutes"),
    (125, "Data connection already open; transfer starting"),
    (150, "File status okay; about to open data connection"),
    (200, "Command okay"),
    (202, "Command not implemented, superfluous at this site"),
    (211, "System status, or system help reply"),
    (212, "Directory status"),
    (213, "File status"),
    (214, "Help message"),
    (215, "NAME system type"),
    (220, "Service ready for new user"),
    (221, "Service closing control connection"),
    (225, "Data connection open; no transfer in progress"),
    (226, "Closing data connection"),
    (227, "Entering Passive Mode"),
    (229, "Entering Extended Passive Mode"),
    (230, "User logged in, proceed"),
    (232, "User logged in, authorized by security data exchange"),
    (234, "Security data exchange complete"),
    (235, "Security data exchange completed successfully"),
    (250, "Requested file action okay, completed"),
    (257, "PATHNAME created"),
    (331, "User name okay, need password"),
    (332, "Need account for login"),
    (334, "Requested security mechanism is ok"),
    (335, "Security data is acceptable, more is required"),
    (336, "Username okay, need password. Challenge is ..."),
    (350, "Requested file action pending further information"),
    (421, "Service not available, closing control connection"),
    (425, "Can't open data connection"),
    (426, "Connection closed; transfer aborted"),
    (431, "Need some unavailable resource to process security"),
    (450, "Requested file action not taken"),
    (451, "Requested action aborted: local error in processing"),
    (452, "Requested action not taken. Insufficient storage space in system"),
    (500, "Syntax error, command unrecognized"),
    (501, "Syntax error in parameters or arguments"),
    (502, "Command not implemented"),
    (503, "Bad sequence of commands"),
    (504, "Command not implemented for that parameter"),
    (522, "Network protocol not supported"),
    (530, "Not logged in"),
    (532, "Need account for storing files"),
    (533, "Command protection level denied for policy reasons"),
    (534, "Request denied for policy reasons"),
    (535, "Failed security check (hash, sequence, etc)"),
    (536, "Requested PROT level not supported by mechanism"),
    (537, "Command protection level not supported by security mechanism"),
    (550, "Requested action not taken: File unavailable"),
    (551, "Requested action aborted: page type unknown"),
    (552, "Requested file action aborted: Exceeded storage allocation"),
    (553, "Requested action not taken: File name not allowed"),
    (631, "Integrity protected reply"),
    (632, "Confidentiality and integrity protected reply"),
    (633, "Confidentiality protected reply"),
];

pub const FTP_PORT: u16 = 21;
/// The port an active-mode server connects from (RFC 959).
const FTP_DATA_PORT: u16 = 20;

pub fn is_ftp_port(port: u16) -> bool {
    port == FTP_PORT
}

/// One segment of the control connection: its lines as they are.
pub fn dissect_tcp(cx: &mut Ctx, b: Buf, seg: &TcpSeg) -> DResult<Pdu> {
    let data = b.tail(0);
    let request = seg.dport == FTP_PORT;
    let frame = cx.meta.number;
    // A segment quoted in an ICMP error is shown but changes nothing.
    let first = cx.pass == Pass::First && !cx.quoted;
    if first {
        let cwd = cx.session.ftp.controls.entry(seg.stream).or_default().cwd.clone();
        cx.session.ftp.frame_cwd.insert(frame, cwd);
    }
    cx.enter("ftp", "FTP");
    let (first_line, _) = line(data, 0);
    let _ = write!(cx.out.cols.info(), "{}: {}", if request { "Request" } else { "Response" }, show(first_line));
    let t = cx.tree();
    t.open(&FTP, b.range(0, data.len()), Value::None);
    t.hidden(&REQUEST, b.range(0, 0), Value::Bool(request));
    t.hidden(&RESPONSE, b.range(0, 0), Value::Bool(!request));
    let mut off = 0;
    while off < data.len() {
        let (text, next) = line(data, off);
        let id = cx.tree().open(&TEXT, b.range(off, next - off), Value::None);
        cx.tree().set_text(id, show(&data[off..next]));
        if off == 0 && request {
            command(cx, &b, text, seg.stream, first);
        } else if off == 0 {
            reply(cx, &b, text, seg.stream, first);
        }
        cx.tree().close();
        off = next;
    }
    cx.tree().close();
    if let (true, Some((src, dst))) = (first, cx.net) {
        if let Some(s) = data_setup(first_line, request, src, dst) {
            announce(cx, seg.stream, s);
        }
    }
    if let Some(cwd) = cx.session.ftp.frame_cwd.get(&frame).cloned() {
        cx.tree().generated(&CWD, b.range(0, 0), Value::str(&*cwd));
    }
    if cx.pass == Pass::Revisit {
        transfer_summary(cx, frame);
    }
    Ok(Pdu::Done(data.len()))
}

/// On a later pass, as Wireshark on a visited frame: the first command
/// after an announcement sums up its data connection, and the announcement
/// names that command once the data connection carried something.
fn transfer_summary(cx: &mut Ctx, frame: u32) {
    let ftp = &cx.session.ftp;
    let Some(c) = ftp.by_frame.get(&frame).and_then(|&i| ftp.data.get(i)) else { return };
    let s = c.seen;
    // Wireshark learns the setup frame from the data connection's packets.
    let setup = if s.frames > 0 { c.setup_frame } else { 0 };
    let command = c.command.clone();
    let t = &mut cx.out.tree;
    if command.as_ref().is_some_and(|(_, f)| *f == frame) {
        t.generated(&RESPONSE_FRAMES, 0..0, Value::UInt(s.frames as u64));
        t.generated(&RESPONSE_BYTES, 0..0, Value::UInt(s.bytes as u64));
        t.generated(&RESPONSE_FIRST, 0..0, Value::FrameNum(s.first.0));
        t.generated(&RESPONSE_LAST, 0..0, Value::FrameNum(s.last.0));
        if s.frames > 1 {
            // Rounded to the millisecond as Wireshark does (C division truncates).
            let secs = s.last.1.secs - s.first.1.secs;
            let nanos = s.last.1.nanos as i64 - s.first.1.nanos as i64;
            let ms = (secs * 1000 + (nanos + 500_000) / 1_000_000) as u32;
            let d = t.generated(&RESPONSE_DURATION, 0..0, Value::UInt(ms as u64));
            t.set_text(d, format_args!("[Response duration: {ms} ms]"));
            let kbps = if ms == 0 { 0 } else { ((s.bytes as f64 * 8.0) / (ms as f64 / 1000.0) / 1000.0) as u32 };
            let r = t.generated(&RESPONSE_BITRATE, 0..0, Value::UInt(kbps as u64));
            t.set_text(r, format_args!("[Response bitrate: {kbps} kbps]"));
        }
        t.generated(&SETUP_FRAME, 0..0, Value::FrameNum(setup));
    }
    if frame == setup {
        if let Some((text, at)) = command {
            t.generated(&SETUP_COMMAND, 0..0, Value::str(text));
            t.generated(&COMMAND_FRAME, 0..0, Value::FrameNum(at));
        }
    }
}

/// A data connection a control line announces: `fixed` is the endpoint
/// it names in full, `other` the address of the other end (any port), as
/// Wireshark sets up its ftp-data conversation.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Setup {
    pub fixed: (IpAddr, u16),
    pub other: IpAddr,
    /// `PORT`, `PASV`, `EPRT` or `EPASV`.
    pub method: &'static str,
}

/// The data connection announced by the first line of a control segment
/// from `src` to `dst` (a request when it goes to port 21); the headless
/// router reads it too, to dissect the data connection on the same thread.
pub fn data_setup(segment: &[u8], request: bool, src: IpAddr, dst: IpAddr) -> Option<Setup> {
    let (text, _) = line(segment, 0);
    let word = |w: &[u8]| text.get(..5).is_some_and(|t| t[..4].eq_ignore_ascii_case(w) && t[4] == b' ');
    let setup = |fixed, other, method| Some(Setup { fixed, other, method });
    if request && word(b"PORT") {
        // The server connects from its port 20 (RFC 959's default).
        let (ip, _) = six_numbers(&text[5..])?;
        setup((dst, FTP_DATA_PORT), IpAddr::V4(ip), "PORT")
    } else if request && word(b"EPRT") {
        // As Wireshark: the port at the client's address, the other end at
        // the address the command names.
        let (_, ip, port) = eprt(&text[5..])?;
        setup((src, port), ip, "EPRT")
    } else if !request && text.starts_with(b"227") {
        let (ip, port) = six_numbers(text.get(4..)?)?;
        setup((IpAddr::V4(ip), port), dst, "PASV")
    } else if !request && text.starts_with(b"229") {
        setup((src, epsv_port(text.get(4..)?)?), dst, "EPASV")
    } else {
        None
    }
}

/// Records the data connection a line announces (first pass), as the one
/// the control connection's next command is answered on.
fn announce(cx: &mut Ctx, stream: u32, s: Setup) {
    let setup_frame = cx.meta.number;
    let ftp = &mut cx.session.ftp;
    let control = ftp.controls.entry(stream).or_default();
    control.current = Some(ftp.data.len());
    let cwd = control.cwd.clone();
    let Setup { fixed, other, method } = s;
    ftp.data.push(state::DataConv { fixed, other, setup_frame, method, cwd, command: None, taken: false, seen: Default::default() });
}

/// The line at `off`: its text without the line end, and where the next
/// line starts (a line ends at LF, CRLF or the end of the segment).
pub(crate) fn line(data: &[u8], off: usize) -> (&[u8], usize) {
    let rest = data.get(off..).unwrap_or_default();
    match memchr::memchr(b'\n', rest) {
        Some(i) => (rest[..i].strip_suffix(b"\r").unwrap_or(&rest[..i]), off + i + 1),
        None => (rest, data.len()),
    }
}

/// A command line (the first of the segment, at offset 0): the command
/// word, its argument, and a PORT or EPRT command's address. On the first
/// pass it is the command a pending data connection answers, then a PORT or
/// EPRT announces the next one (in Wireshark's order).
fn command(cx: &mut Ctx, b: &Buf, text: &[u8], stream: u32, first: bool) {
    if first {
        note_command(cx, stream, text);
    }
    let word = text.iter().position(|&c| c == b' ').unwrap_or(text.len());
    if word == 0 {
        return;
    }
    cx.tree().add(&COMMAND, b.range(0, word), Value::str(show(&text[..word])));
    let arg = text.get(word + 1..).unwrap_or_default();
    let at = word + 1;
    if !arg.is_empty() {
        cx.tree().add(&ARG, b.range(at, arg.len()), Value::str(show(arg)));
    }
    let cmd = &text[..word];
    if cmd.eq_ignore_ascii_case(b"PORT") {
        if let Some((ip, port)) = six_numbers(arg) {
            let t = cx.tree();
            t.add(&ACTIVE_IP, b.range(at, arg.len()), Value::Ipv4(ip));
            t.add(&ACTIVE_PORT, b.range(at, arg.len()), Value::UInt(port as u64));
        }
    } else if cmd.eq_ignore_ascii_case(b"EPRT") {
        if let Some((af, ip, port)) = eprt(arg) {
            let t = cx.tree();
            t.add(&EPRT_AF, b.range(at, arg.len()), Value::UInt(af as u64));
            match ip {
                IpAddr::V4(a) => t.add(&EPRT_IP, b.range(at, arg.len()), Value::Ipv4(a)),
                IpAddr::V6(a) => t.add(&EPRT_IPV6, b.range(at, arg.len()), Value::Ipv6(a)),
            };
            t.add(&EPRT_PORT, b.range(at, arg.len()), Value::UInt(port as u64));
        }
    }
}

/// The first pass's record of a command line: the control connection's
/// last command, and the command of the data connection announced last if
/// it has none yet.
fn note_command(cx: &mut Ctx, stream: u32, text: &[u8]) {
    let frame = cx.meta.number;
    let ftp = &mut cx.session.ftp;
    let control = ftp.controls.entry(stream).or_default();
    control.last_command = String::from_utf8_lossy(text).into_owned();
    let Some(i) = control.current else { return };
    let Some(conv) = ftp.data.get_mut(i) else { return };
    if conv.command.is_none() {
        conv.command = Some((show(text).to_string().into(), frame));
        ftp.by_frame.insert(frame, i);
        ftp.by_frame.insert(conv.setup_frame, i);
    }
}

/// A reply line: its code (three digits), its text, and the address a
/// 227 or 229 reply gives for the data connection; 257 and 250 (to CWD or
/// CDUP) move the working directory.
fn reply(cx: &mut Ctx, b: &Buf, text: &[u8], stream: u32, first: bool) {
    let Some(code) = text.get(..3).filter(|d| d.iter().all(u8::is_ascii_digit)) else { return };
    let code = code.iter().fold(0u64, |n, d| n * 10 + (d - b'0') as u64);
    cx.tree().add(&CODE, b.range(0, 3), Value::UInt(code));
    let at = if matches!(text.get(3), Some(b' ' | b'-')) { 4 } else { 3 };
    let arg = text.get(at..).unwrap_or_default();
    if !arg.is_empty() {
        cx.tree().add(&RESPONSE_ARG, b.range(at, arg.len()), Value::str(show(arg)));
    }
    match code {
        227 => {
            if let Some((ip, port)) = six_numbers(arg) {
                let t = cx.tree();
                t.add(&PASSIVE_IP, b.range(at, arg.len()), Value::Ipv4(ip));
                t.add(&PASSIVE_PORT, b.range(at, arg.len()), Value::UInt(port as u64));
            }
        }
        229 => {
            if let Some(port) = epsv_port(arg) {
                // The data connection goes to the address the reply came from.
                match cx.net.map(|(src, _)| src) {
                    Some(IpAddr::V4(a)) => {
                        cx.tree().generated(&EPSV_IP, b.range(at, 0), Value::Ipv4(a));
                    }
                    Some(IpAddr::V6(a)) => {
                        cx.tree().generated(&EPSV_IPV6, b.range(at, 0), Value::Ipv6(a));
                    }
                    None => {}
                }
                cx.tree().add(&EPSV_PORT, b.range(at, arg.len()), Value::UInt(port as u64));
            }
        }
        257 | 250 if first => {
            let control = cx.session.ftp.controls.entry(stream).or_default();
            let moved = if code == 257 {
                quoted_path(arg)
            } else if let Some(dir) = control.last_command.strip_prefix("CWD ") {
                Some(change_dir(&control.cwd, dir))
            } else if control.last_command.starts_with("CDUP") {
                Some(change_dir(&control.cwd, ".."))
            } else {
                None
            };
            if let Some(dir) = moved {
                control.cwd = dir.into();
                let cwd = control.cwd.clone();
                cx.session.ftp.frame_cwd.insert(cx.meta.number, cwd);
            }
        }
        _ => {}
    }
}

/// The directory in a 257 reply's text: between the first two lone
/// quotes, a doubled quote standing for one (RFC 959 appendix II).
fn quoted_path(arg: &[u8]) -> Option<String> {
    let rest = arg.strip_prefix(b"\"")?;
    let mut out = Vec::new();
    let mut i = 0;
    while let Some(&c) = rest.get(i) {
        match (c, rest.get(i + 1)) {
            (b'"', Some(b'"')) => {
                out.push(b'"');
                i += 2;
            }
            (b'"', _) => return Some(String::from_utf8_lossy(&out).into_owned()),
            (b'\r' | b'\n', _) => return None,
            _ => {
                out.push(c);
                i += 1;
            }
        }
    }
    None
}

/// The working directory after a successful `CWD dir` from `cwd`, as
/// Wireshark works it out: an absolute path replaces it; a relative one is
/// appended and the result normalised (`.` dropped, `..` removes the
/// directory before it), except onto an empty (unknown) directory.
fn change_dir(cwd: &str, dir: &str) -> String {
    if dir.starts_with('/') || cwd.is_empty() {
        return dir.to_string();
    }
    let joined = if cwd.ends_with('/') { format!("{cwd}{dir}") } else { format!("{cwd}/{dir}") };
    let mut out = String::from(if cwd.starts_with('/') { "/" } else { "" });
    for part in joined.split('/').filter(|p| !p.is_empty()) {
        match part {
            "." => {}
            ".." => {
                while !out.is_empty() && !out.ends_with('/') {
                    out.pop();
                }
                if out.len() > 1 && out.ends_with('/') {
                    out.pop();
                }
            }
            name => {
                if !out.is_empty() && !out.ends_with('/') {
                    out.push('/');
                }
                out.push_str(name);
            }
        }
    }
    out
}

/// `h1,h2,h3,h4,p1,p2` anywhere in `arg` (the first run of six
/// comma-separated numbers): an IPv4 address and a port.
fn six_numbers(arg: &[u8]) -> Option<(Ipv4Addr, u16)> {
    let text = std::str::from_utf8(arg).ok()?;
    let starts = text.char_indices().filter(|&(i, c)| {
        c.is_ascii_digit() && !text[..i].ends_with(|p: char| p.is_ascii_digit())
    });
    starts.filter_map(|(i, _)| six_at(&text[i..])).next().map(|n| {
        (Ipv4Addr::new(n[0] as u8, n[1] as u8, n[2] as u8, n[3] as u8), ((n[4] & 0xff) << 8 | (n[5] & 0xff)) as u16)
    })
}

/// Six numbers separated by commas at the start of `s`.
fn six_at(s: &str) -> Option<[u32; 6]> {
    let mut out = [0u32; 6];
    let mut rest = s;
    for (k, slot) in out.iter_mut().enumerate() {
        let n = rest.find(|c: char| !c.is_ascii_digit()).unwrap_or(rest.len());
        *slot = rest.get(..n).filter(|d| !d.is_empty())?.parse().ok()?;
        rest = &rest[n..];
        if k < 5 {
            rest = rest.strip_prefix(',')?;
        }
    }
    Some(out)
}

/// EPRT's `|af|address|port|`.
fn eprt(arg: &[u8]) -> Option<(u8, IpAddr, u16)> {
    let text = std::str::from_utf8(arg).ok()?;
    let d = text.chars().next()?;
    let parts: Vec<&str> = text.split(d).collect();
    let [_, af, addr, port, _] = parts[..] else { return None };
    let af: u8 = af.parse().ok()?;
    let ip: IpAddr = match af {
        1 => IpAddr::V4(addr.parse().ok()?),
        2 => IpAddr::V6(addr.parse().ok()?),
        _ => return None,
    };
    Some((af, ip, port.parse().ok()?))
}

/// The port in a 229 reply's `(|||port|)`.
fn epsv_port(arg: &[u8]) -> Option<u16> {
    let text = std::str::from_utf8(arg).ok()?;
    let inner = &text[text.find('(')? + 1..];
    let d = inner.chars().next()?;
    let rest = inner.strip_prefix(&format!("{d}{d}{d}"))?;
    let digits: String = rest.chars().take_while(char::is_ascii_digit).collect();
    digits.parse().ok()
}
