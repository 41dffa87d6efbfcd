//! HTTP/1.0 and 1.1 over TCP, as a `TcpApp`: request and status lines and
//! headers parsed by httparse, bodies delimited by Content-Length, chunked
//! encoding or the end of the connection, several messages per segment
//! (pipelining), and request/response pairing per stream.

pub(crate) mod body;
pub(crate) mod encoding;
pub mod ports;
pub mod state;

use std::borrow::Cow;
use std::fmt::Write;
use std::mem::MaybeUninit;
use std::ops::Range;

use crate::field::{Field, FieldDef, FieldType, Value, TEXT};
use self::state::Links;
use crate::field::tree::{NodeId, Tree};

use body::Body;
use crate::dissect::tcp::stream::{App, AppSlot};
use crate::dissect::{dispatch, Buf, Ctx, DResult, DissectError, Pass, Pdu, TcpSeg};

pub static HTTP: FieldDef = FieldDef::new("http", "Hypertext Transfer Protocol", FieldType::Protocol).brief()
    .desc("Hypertext Transfer Protocol: requests and responses between web clients and servers (RFC 9110, RFC 9112).");
pub static CHAT: FieldDef = FieldDef::new("http.chat", "Formatted text", FieldType::None)
    .desc("The request or status line, as Wireshark's note on it.");
pub static REQUEST: FieldDef = FieldDef::new("http.request", "Request", FieldType::Bool)
    .strings(crate::field::TRUE_FALSE)
    .desc("Present when the message is a request.");
pub static RESPONSE: FieldDef = FieldDef::new("http.response", "Response", FieldType::Bool)
    .strings(crate::field::TRUE_FALSE)
    .desc("Present when the message is a response.");
pub static REQUEST_LINE: FieldDef = FieldDef::new("http.request.line", "Request line", FieldType::String)
    .desc("A header line of a request.");
pub static RESPONSE_LINE: FieldDef = FieldDef::new("http.response.line", "Response line", FieldType::String)
    .desc("A header line of a response.");
pub static METHOD: FieldDef = FieldDef::new("http.request.method", "Request Method", FieldType::String)
    .desc("The request method, such as GET or POST (RFC 9110 section 9).");
pub static URI: FieldDef = FieldDef::new("http.request.uri", "Request URI", FieldType::String)
    .desc("The request target: the path and query of the resource (RFC 9112 section 3.2).");
pub static REQ_VERSION: FieldDef = FieldDef::new("http.request.version", "Request Version", FieldType::String)
    .desc("Protocol version of the request, such as HTTP/1.1.");
pub static RESP_VERSION: FieldDef = FieldDef::new("http.response.version", "Response Version", FieldType::String)
    .desc("Protocol version of the response.");
pub static FULL_URI: FieldDef = FieldDef::new("http.request.full_uri", "Full request URI", FieldType::String)
    .desc("The whole URL of the request, built from Host and the request target.");
pub static CODE: FieldDef = FieldDef::new("http.response.code", "Status Code", FieldType::U16)
    .desc("Three-digit status code: 1xx informational, 2xx success, 3xx redirect, 4xx client error, 5xx server error (RFC 9110 section 15).");
pub static CODE_DESC: FieldDef =
    FieldDef::new("http.response.code.desc", "Status Code Description", FieldType::String)
        .desc("The standard wording of the status code.");
pub static PHRASE: FieldDef = FieldDef::new("http.response.phrase", "Response Phrase", FieldType::String)
    .desc("The reason phrase the server wrote after the status code.");
pub static CONTENT_LENGTH: FieldDef = FieldDef::new("http.content_length", "Content length", FieldType::U64)
    .desc("Length of the body in bytes, from Content-Length.");
pub static REQUEST_NUMBER: FieldDef = FieldDef::new("http.request_number", "Request number", FieldType::U32)
    .desc("Position of the request among the requests of its TCP connection, from 1.");
pub static RESPONSE_NUMBER: FieldDef = FieldDef::new("http.response_number", "Response number", FieldType::U32)
    .desc("Position of the response among the responses of its TCP connection, from 1.");
pub static REQUEST_IN: FieldDef = FieldDef::new("http.request_in", "Request in frame", FieldType::FrameNum)
    .desc("Frame holding the request this response answers.");
pub static RESPONSE_IN: FieldDef = FieldDef::new("http.response_in", "Response in frame", FieldType::FrameNum)
    .desc("Frame holding the response to this request.");
pub static PREV_REQUEST_IN: FieldDef =
    FieldDef::new("http.prev_request_in", "Prev request in frame", FieldType::FrameNum)
        .desc("Frame of the previous request on this connection.");
pub static PREV_RESPONSE_IN: FieldDef =
    FieldDef::new("http.prev_response_in", "Prev response in frame", FieldType::FrameNum)
        .desc("Frame of the previous response on this connection.");
pub static NEXT_REQUEST_IN: FieldDef =
    FieldDef::new("http.next_request_in", "Next request in frame", FieldType::FrameNum)
        .desc("Frame of the next request on this connection (known once the capture has been read).");
pub static NEXT_RESPONSE_IN: FieldDef =
    FieldDef::new("http.next_response_in", "Next response in frame", FieldType::FrameNum)
        .desc("Frame of the next response on this connection (known once the capture has been read).");
pub static TIME: FieldDef = FieldDef::new("http.time", "Time since request", FieldType::RelTime)
    .desc("Seconds between the request and this response.");
pub static RESPONSE_FOR_URI: FieldDef = FieldDef::new("http.response_for.uri", "Request URI", FieldType::String)
    .desc("The URI of the request this response answers.");
/// A NOTIFY (GENA, SSDP): a request that expects no response.
pub static NOTIFICATION: FieldDef = FieldDef::new("http.notification", "Notification", FieldType::Bool)
    .desc("Present when the message is a notification (SSDP NOTIFY), neither request nor response.");
pub static BAD_HEADER_NAME: FieldDef =
    FieldDef::new("http.bad_header_name", "Illegal characters found in header name", FieldType::None)
        .desc("A line read as a header has a name with characters no header name may have.");
pub static UNKNOWN_HEADER: FieldDef = FieldDef::string("http.unknown_header", "Unknown header")
    .desc("A header line Wireshark has no field for, outside a request or response (a notification, a continuation), kept whole.");
pub static FILE_DATA: FieldDef = FieldDef::new("http.file_data", "File Data", FieldType::String)
    .desc("The body of the message, after removing chunking and compression.");

/// Headers with a field of their own (Wireshark's names); others show as
/// text under the message.
static HEADERS: &[(&str, FieldDef)] = &[
    ("host", FieldDef::new("http.host", "Host", FieldType::String)
        .desc("Host header: the server name and port the request is for (RFC 9110 section 7.2).")),
    ("user-agent", FieldDef::new("http.user_agent", "User-Agent", FieldType::String)
        .desc("User-Agent header: the client software (RFC 9110 section 10.1.5).")),
    ("content-type", FieldDef::new("http.content_type", "Content-Type", FieldType::String)
        .desc("Content-Type header: the media type of the body (RFC 9110 section 8.3).")),
    ("content-length", FieldDef::new("http.content_length_header", "Content-Length", FieldType::String)
        .desc("Content-Length header: the body's length in bytes as written (RFC 9110 section 8.6).")),
    ("connection", FieldDef::new("http.connection", "Connection", FieldType::String)
        .desc("Connection header: options for this connection, such as close or keep-alive (RFC 9110 section 7.6.1).")),
    ("cookie", FieldDef::new("http.cookie", "Cookie", FieldType::String)
        .desc("Cookie header: cookies the client sends back to the server (RFC 6265).")),
    ("set-cookie", FieldDef::new("http.set_cookie", "Set-Cookie", FieldType::String)
        .desc("Set-Cookie header: a cookie the server asks the client to store (RFC 6265).")),
    ("server", FieldDef::new("http.server", "Server", FieldType::String)
        .desc("Server header: the server software (RFC 9110 section 10.2.4).")),
    ("accept", FieldDef::new("http.accept", "Accept", FieldType::String)
        .desc("Accept header: media types the client takes (RFC 9110 section 12.5.1).")),
    ("referer", FieldDef::new("http.referer", "Referer", FieldType::String)
        .desc("Referer header: the page that linked to this request (RFC 9110 section 10.1.3).")),
    ("accept-language", FieldDef::new("http.accept_language", "Accept-Language", FieldType::String)
        .desc("Accept-Language header: languages the client prefers (RFC 9110 section 12.5.4).")),
    ("accept-encoding", FieldDef::new("http.accept_encoding", "Accept Encoding", FieldType::String)
        .desc("Accept-Encoding header: content codings the client can decode (RFC 9110 section 12.5.3).")),
    ("date", FieldDef::new("http.date", "Date", FieldType::String)
        .desc("Date header: when the message was made (RFC 9110 section 6.6.1).")),
    ("cache-control", FieldDef::new("http.cache_control", "Cache-Control", FieldType::String)
        .desc("Cache-Control header: caching rules for the message (RFC 9111 section 5.2).")),
    ("location", FieldDef::new("http.location", "Location", FieldType::String)
        .desc("Location header: the URI to redirect to or of a new resource (RFC 9110 section 10.2.2).")),
    ("last-modified", FieldDef::new("http.last_modified", "Last-Modified", FieldType::String)
        .desc("Last-Modified header: when the resource last changed (RFC 9110 section 8.8.2).")),
    ("transfer-encoding", FieldDef::new("http.transfer_encoding", "Transfer-Encoding", FieldType::String)
        .desc("Transfer-Encoding header: how the body is framed, such as chunked (RFC 9112 section 6.1).")),
    ("content-encoding", FieldDef::new("http.content_encoding", "Content-Encoding", FieldType::String)
        .desc("Content-Encoding header: compression applied to the body (RFC 9110 section 8.4).")),
    ("authorization", FieldDef::new("http.authorization", "Authorization", FieldType::String)
        .desc("Authorization header: the client's credentials (RFC 9110 section 11.6.2).")),
    ("www-authenticate", FieldDef::new("http.www_authenticate", "WWW-Authenticate", FieldType::String)
        .desc("WWW-Authenticate header: how to authenticate, sent with 401 (RFC 9110 section 11.6.1).")),
    ("upgrade", FieldDef::new("http.upgrade", "Upgrade", FieldType::String)
        .desc("Upgrade header: a protocol to switch the connection to (RFC 9110 section 7.8).")),
    ("x-forwarded-for", FieldDef::new("http.x_forwarded_for", "X-Forwarded-For", FieldType::String)
        .desc("X-Forwarded-For header: client addresses seen by proxies (non-standard).")),
];

pub static PROXY_CONNECT_HOST: FieldDef =
    FieldDef::new("http.proxy_connect_host", "Proxy-Connect-Hostname", FieldType::String)
        .desc("In a CONNECT tunnel: the host the proxy was asked to connect to.");
pub static PROXY_CONNECT_PORT: FieldDef =
    FieldDef::new("http.proxy_connect_port", "Proxy-Connect-Port", FieldType::U16)
        .desc("In a CONNECT tunnel: the port the proxy was asked to connect to.");

pub static FIELDS: &[Field] = &[
    &HTTP, &CHAT, &REQUEST, &RESPONSE, &REQUEST_LINE, &RESPONSE_LINE, &METHOD, &URI, &REQ_VERSION, &RESP_VERSION,
    &FULL_URI, &CODE, &CODE_DESC, &PHRASE, &CONTENT_LENGTH, &REQUEST_NUMBER, &RESPONSE_NUMBER, &REQUEST_IN,
    &RESPONSE_IN, &PREV_REQUEST_IN, &PREV_RESPONSE_IN, &NEXT_REQUEST_IN, &NEXT_RESPONSE_IN, &TIME, &RESPONSE_FOR_URI, &FILE_DATA, &NOTIFICATION,
    &PROXY_CONNECT_HOST, &PROXY_CONNECT_PORT, &BAD_HEADER_NAME, &UNKNOWN_HEADER,
];

/// The header fields, listed for the registry.
pub static HEADER_FIELDS: [Field; 22] = {
    let mut out: [Field; 22] = [&HTTP; 22];
    let mut i = 0;
    while i < HEADERS.len() {
        out[i] = &HEADERS[i].1;
        i += 1;
    }
    out
};

const METHODS: &[&str] = &[
    "GET", "POST", "HEAD", "PUT", "DELETE", "OPTIONS", "CONNECT", "TRACE", "PATCH", "PROPFIND", "PROPPATCH",
    "MKCOL", "COPY", "MOVE", "LOCK", "UNLOCK", "SEARCH", "NOTIFY", "SUBSCRIBE", "UNSUBSCRIBE",
];

/// Whether bytes begin like an HTTP/1.x request or response (the heuristic
/// that finds HTTP on any port).
pub fn looks_like_http(b: &[u8]) -> bool {
    if b.starts_with(b"HTTP/1.") {
        return true;
    }
    METHODS.iter().any(|m| b.len() > m.len() && b.starts_with(m.as_bytes()) && b[m.len()] == b' ')
}

/// Ports Wireshark gives HTTP, plus the labs' web server.
pub fn is_http_port(port: u16) -> bool {
    matches!(port, 80 | 8080 | 8000 | 6789 | 3128 | 8008 | 8088)
}

/// Bytes of text as Wireshark shows a string: stopped at a NUL, line ends
/// and tabs escaped, invalid UTF-8 replaced.
pub fn show(b: &[u8]) -> String {
    let b = match memchr::memchr(0, b) {
        Some(i) => &b[..i],
        None => b,
    };
    let s = String::from_utf8_lossy(b);
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '\r' => out.push_str("\\r"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            c => out.push(c),
        }
    }
    out
}

/// Bytes as Wireshark's `format_text` shows them (Info columns, escaped
/// labels): control characters as C escapes (`\\a`, `\\n`, …) or octal
/// (`\\003`), invalid UTF-8 as U+FFFD (a backslash stays as it is).
pub fn format_text(bytes: &[u8]) -> String {
    let text = String::from_utf8_lossy(bytes);
    let mut s = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '\u{7}' => s.push_str("\\a"),
            '\u{8}' => s.push_str("\\b"),
            '\t' => s.push_str("\\t"),
            '\n' => s.push_str("\\n"),
            '\u{b}' => s.push_str("\\v"),
            '\u{c}' => s.push_str("\\f"),
            '\r' => s.push_str("\\r"),
            c if (c as u32) < 0x20 || c == '\u{7f}' => {
                let _ = write!(s, "\\{:03o}", c as u32);
            }
            c => s.push(c),
        }
    }
    s
}

/// The offset of `part` (a slice of `whole`) within `whole`.
fn offset_in(whole: &[u8], part: &[u8]) -> usize {
    (part.as_ptr() as usize).saturating_sub(whole.as_ptr() as usize).min(whole.len())
}

/// The end of the line (after its `\n`) that contains offset `at`.
fn line_end(b: &[u8], at: usize) -> usize {
    match b.get(at..).and_then(|t| memchr::memchr(b'\n', t)) {
        Some(i) => at + i + 1,
        None => b.len(),
    }
}

pub(crate) struct Head<'h, 'b> {
    /// Request: method, uri, version as written; response: version, code, phrase.
    pub request: Option<(&'b str, &'b str, &'b str)>,
    pub response: Option<(u8, u16, &'b str)>,
    /// In `HeaderSlots`, or owned for a request line httparse refuses.
    headers: Cow<'h, [httparse::Header<'b>]>,
    len: usize,
    end: HeadEnd,
}

/// Where a message head ends.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum HeadEnd {
    /// At its blank line.
    Blank,
    /// Cut after a header line or inside one that has its colon: what there
    /// is shows, and the message is counted and paired, as Wireshark does.
    Cut,
    /// Cut inside a line that is no header yet (no colon): Wireshark stops
    /// before that line and shows no links (a request takes its number).
    Bare,
    /// A request cut inside its first line at a segment's end: Wireshark
    /// shows the line's items and links, and leaves the columns to TCP.
    FirstLine,
}

impl Head<'_, '_> {
    /// The first line as the Info column shows it (with a trailing space).
    pub(crate) fn push_first_line(&self, info: &mut String) {
        if let Some((method, uri, version)) = self.request {
            // The line as written: a missing version leaves no second space.
            for part in [method, uri, version].into_iter().filter(|p| !p.is_empty()) {
                info.push_str(part);
                info.push(' ');
            }
        } else if let Some((v, code, phrase)) = self.response {
            info.push_str(version_text(v));
            info.push(' ');
            crate::field::push_u64(code as u64, info);
            info.push(' ');
            info.push_str(phrase);
            info.push(' ');
        }
    }

    /// Wireshark treats NOTIFY (GENA, SSDP) as a notification, not a
    /// request: no request number, no `http.request`, no header lines.
    pub(crate) fn is_notification(&self) -> bool {
        self.request.is_some_and(|(m, _, _)| m == "NOTIFY")
    }
}

/// Room for the headers of one message head, filled by `parse_head`.
pub(crate) type HeaderSlots<'b> = [MaybeUninit<httparse::Header<'b>>; 128];

/// Parses the message head at the start of `b`: `Ok(None)` when it is not
/// complete yet, `Err(())` when it is not HTTP. The headers are left in
/// `slots` (uninitialised room, so a message costs no clearing of it).
pub(crate) fn parse_head<'h, 'b>(b: &'b [u8], slots: &'h mut HeaderSlots<'b>) -> Result<Option<Head<'h, 'b>>, ()> {
    let config = httparse::ParserConfig::default();
    let status = |r: httparse::Result<usize>| match r {
        Ok(httparse::Status::Complete(n)) => Ok(Some(n)),
        Ok(httparse::Status::Partial) => Ok(None),
        Err(_) => Err(()),
    };
    if b.starts_with(b"HTTP/") {
        let mut r = httparse::Response::new(&mut []);
        let Some(len) = status(config.parse_response_with_uninit_headers(&mut r, b, slots))? else {
            return Ok(None);
        };
        let response = Some((r.version.unwrap_or(1), r.code.unwrap_or(0), r.reason.unwrap_or("")));
        Ok(Some(Head { request: None, response, headers: Cow::Borrowed(r.headers), len, end: HeadEnd::Blank }))
    } else {
        let mut r = httparse::Request::new(&mut []);
        let Some(len) = (match status(config.parse_request_with_uninit_headers(&mut r, b, slots)) {
            Err(()) => return lenient_request(b),
            other => other?,
        }) else {
            return Ok(None);
        };
        let request = Some((r.method.unwrap_or(""), r.path.unwrap_or(""), version_text(r.version.unwrap_or(1))));
        Ok(Some(Head { request, response: None, headers: Cow::Borrowed(r.headers), len, end: HeadEnd::Blank }))
    }
}

/// A request line httparse refuses, read as Wireshark reads it: a known
/// method and a space, the target up to the next space, and the rest of the
/// line as the version, whatever it is (`OPTIONS HTTP/1.1`: target
/// `HTTP/1.1`, no version; `GET / HTTP/1.`; HTTP/0.9's `GET /`).
fn lenient_request<'h, 'b>(b: &'b [u8]) -> Result<Option<Head<'h, 'b>>, ()> {
    let eol = memchr::memchr(b'\n', b).ok_or(())?;
    let (method, uri, version) = request_line(&b[..eol]).ok_or(())?;
    let mut headers = vec![httparse::EMPTY_HEADER; 64];
    let (len, count) = match httparse::parse_headers(&b[eol + 1..], &mut headers) {
        Ok(httparse::Status::Complete((n, h))) => (eol + 1 + n, h.len()),
        Ok(httparse::Status::Partial) => return Ok(None),
        Err(_) => return Err(()),
    };
    headers.truncate(count);
    Ok(Some(Head { request: Some((method, uri, version)), response: None, headers: Cow::Owned(headers), len, end: HeadEnd::Blank }))
}

/// A request line (without its `\n`) as Wireshark reads it: a known method
/// and a space, the target up to the next space, the rest as the version.
fn request_line(line: &[u8]) -> Option<(&str, &str, &str)> {
    let line = std::str::from_utf8(line).ok()?;
    let line = line.strip_suffix('\r').unwrap_or(line);
    let (method, rest) = line.split_once(' ')?;
    if !METHODS.contains(&method) || rest.contains(|c: char| c.is_ascii_control()) {
        return None;
    }
    let (uri, version) = rest.split_once(' ').unwrap_or((rest, ""));
    Some((method, uri, version))
}

/// A status line (without its `\n`): version, code and phrase.
fn status_line(line: &[u8]) -> Option<(u8, u16, &str)> {
    let line = std::str::from_utf8(line).ok()?;
    let line = line.strip_suffix('\r').unwrap_or(line);
    let rest = line.strip_prefix("HTTP/1.")?;
    let version = rest.get(..1)?.parse::<u8>().ok()?;
    let code = rest.get(2..5)?.parse::<u16>().ok()?;
    Some((version, code, rest.get(6..).unwrap_or("")))
}

/// A head cut before its blank line (by the snap length, or by the end of
/// a segment when heads are not reassembled), read as far as Wireshark
/// shows it: the first line, the whole header lines, and a last cut line
/// when it has its colon (a header with what there is of its value). None
/// when the first line is not HTTP's, or is cut by the snap length.
fn partial_head<'h, 'b>(b: &'b [u8], cut: bool) -> Option<Head<'h, 'b>> {
    let Some(eol) = memchr::memchr(b'\n', b) else {
        // The first line itself is cut: by the snap length Wireshark gives
        // up; at a segment's end it shows the line's items.
        let request = request_line(b).filter(|_| !cut)?;
        return Some(Head { request: Some(request), response: None, headers: Cow::Owned(Vec::new()), len: b.len(), end: HeadEnd::FirstLine });
    };
    let (request, response) = match status_line(&b[..eol]) {
        Some(s) => (None, Some(s)),
        None => (Some(request_line(&b[..eol])?), None),
    };
    let mut headers = Vec::new();
    let mut at = eol + 1;
    let mut end = HeadEnd::Cut;
    while at < b.len() {
        let next = line_end(b, at);
        let line = &b[at..next];
        let named = memchr::memchr(b':', line).and_then(|c| Some((std::str::from_utf8(&line[..c]).ok()?, c)));
        let Some((name, colon)) = named else {
            end = HeadEnd::Bare;
            break;
        };
        headers.push(httparse::Header { name, value: line[colon + 1..].trim_ascii() });
        at = next;
    }
    Some(Head { request, response, headers: Cow::Owned(headers), len: at, end })
}

/// The bytes of a CONNECT tunnel: Wireshark's HTTP names the tunnel's far
/// end and shows the bytes as data (the columns stay TCP's).
fn tunnel(cx: &mut Ctx, b: Buf, seg: &TcpSeg) {
    cx.enter("http", "");
    let target = cx.session.http.tunnel_target(seg.stream).to_owned();
    let (host, port) = target.rsplit_once(':').unwrap_or((target.as_str(), ""));
    let t = cx.tree();
    t.open(&HTTP, b.range(0, b.len()), Value::None);
    let id = t.generated(&PROXY_CONNECT_HOST, b.range(0, 0), Value::str(host));
    t.set_text(id, format_args!("[Proxy-Connect-Hostname: {host}]"));
    if let Ok(port) = port.parse::<u16>() {
        let id = t.generated(&PROXY_CONNECT_PORT, b.range(0, 0), Value::UInt(port as u64));
        t.set_text(id, format_args!("[Proxy-Connect-Port: {port}]"));
    }
    t.close();
    dispatch::data(cx, b);
}

pub(crate) fn header<'b>(head: &Head<'_, 'b>, name: &str) -> Option<&'b [u8]> {
    head.headers.iter().find(|h| h.name.eq_ignore_ascii_case(name)).map(|h| h.value)
}

/// HTTP over TCP: every complete message in `b`.
pub fn dissect_tcp(cx: &mut Ctx, b: Buf, seg: &TcpSeg) -> DResult<Pdu> {
    if cx.session.http.in_tunnel(seg.stream, cx.meta.number) {
        tunnel(cx, b, seg);
        return Ok(Pdu::Done(b.len()));
    }
    let data = b.tail(0);
    // Cut by the snap length: what is there shows, then the note that the
    // rest was not captured.
    let cut = data.len() < b.reported_len();
    let prefs = crate::prefs::http();
    let wait_head = seg.can_desegment && prefs.desegment_headers;
    let wait_body = seg.can_desegment && prefs.desegment_body;
    let mut off = 0;
    let mut index: u16 = cx.messages;
    let mut slots: HeaderSlots = [const { MaybeUninit::uninit() }; 128];
    while off < data.len() {
        let rest = &data[off..];
        let head = match parse_head(rest, &mut slots) {
            Ok(Some(h)) => h,
            Ok(None) if wait_head && (looks_like_http(rest) || starts_like_http(rest)) => {
                first_line_info(cx, rest, index);
                return Ok(Pdu::NeedMore { offset: off, more: None });
            }
            Ok(None) if looks_like_http(rest) || starts_like_http(rest) => {
                // Not waiting for the rest of the head: it shows up to the cut.
                let Some(head) = partial_head(rest, cut) else {
                    return Ok(if off == 0 { Pdu::NotMine } else { Pdu::Done(off) });
                };
                let (answers_head, answers_connect) = answered(cx, seg, index);
                if waits_for_fin(&head, no_body(&head, answers_head, answers_connect), seg, wait_body) {
                    first_line_info(cx, rest, index);
                    return Ok(Pdu::NeedMore { offset: off, more: Some(dispatch::UNTIL_FIN) });
                }
                message(cx, &b, off, &head, &Body::None, seg, index)?;
                cx.messages = index.saturating_add(1);
                // Wireshark looks past the bytes for the end of a cut line
                // that is no header.
                return match (cut, head.end) {
                    (true, _) => Err(DissectError::Truncated),
                    (false, HeadEnd::Bare) => Err(DissectError::Malformed),
                    _ => Ok(Pdu::Done(data.len())),
                };
            }
            _ => {
                // Wireshark reads a line that starts like text only once it
                // has the line's end.
                let text = rest.first().is_some_and(|c| (0x20..0x7f).contains(c));
                if text && wait_head && memchr::memchr2(b'\r', b'\n', rest).is_none() {
                    return Ok(Pdu::NeedMore { offset: off, more: None });
                }
                let requested = cx.session.http.requested_before(seg.stream, (cx.meta.number, index));
                // Before any request, only header lines show (say, a capture
                // that starts inside a response's head); any other bytes are
                // taken and shown by no one, and the stream stays HTTP.
                let header_line = text && memchr::memchr(b':', &rest[..line_end(rest, 0)]).is_some();
                if !requested && !header_line && !looks_like_http(rest) {
                    return Ok(Pdu::Done(data.len()));
                }
                off += continuation(cx, &b, off, index, requested)?.max(1);
                index = index.saturating_add(1);
                cx.messages = index;
                if cut && off >= data.len() {
                    return Err(DissectError::Truncated);
                }
                continue;
            }
        };
        let head_is_request = head.request.is_some();
        let (answers_head, answers_connect) = answered(cx, seg, index);
        let tunnel = opens_tunnel(&head, answers_connect);
        let no_body = no_body(&head, answers_head, answers_connect);
        if waits_for_fin(&head, no_body, seg, wait_body) {
            first_line_info(cx, rest, index);
            return Ok(Pdu::NeedMore { offset: off, more: Some(dispatch::UNTIL_FIN) });
        }
        let body = body::delimit(&rest[head.len..], &|n| header(&head, n), head_is_request, no_body, seg.fin);
        let short = matches!(body, Body::Incomplete(_));
        let body = match body {
            // Without body reassembly (`-o http.desegment_body:FALSE`, or
            // none possible) the message ends with this segment's bytes, as
            // Wireshark's does.
            Body::Incomplete(_) if !wait_body => Body::Plain(rest.len() - head.len),
            Body::Incomplete(more) => {
                first_line_info(cx, rest, index);
                return Ok(Pdu::NeedMore { offset: off, more });
            }
            b => b,
        };
        let total = head.len + body.wire_len();
        message(cx, &b, off, &head, &body, seg, index)?;
        index = index.saturating_add(1);
        cx.messages = index;
        if short && cut {
            return Err(DissectError::Truncated);
        }
        off += total;
        if tunnel && cx.pass == Pass::First {
            cx.session.http.open_tunnel(seg.stream, cx.meta.number);
        }
        if is_websocket_upgrade(&head) {
            // What follows is WebSocket frames, in both directions (bytes after
            // the 101 in this very segment show as data).
            crate::dissect::websocket::upgraded(cx, seg.stream, header(&head, "sec-websocket-extensions"));
            crate::dissect::hand_over(cx, seg.stream, crate::dissect::tcp::stream::App::WebSocket);
            break;
        }
    }
    Ok(Pdu::Done(off))
}

/// What a response at `index` answers: (a HEAD request, a CONNECT). The
/// oldest unanswered request on the first pass, the pairing (or the
/// tunnel) it made on a later one.
fn answered(cx: &Ctx, seg: &TcpSeg, index: u16) -> (bool, bool) {
    let http = &cx.session.http;
    match cx.pass {
        Pass::First => (http.next_is_head(seg.stream), http.next_is_connect(seg.stream)),
        Pass::Revisit => (
            http.revisit((cx.meta.number, index)).is_some_and(|l| l.head),
            http.tunnel_opened_in(seg.stream, cx.meta.number),
        ),
    }
}

/// A 2xx answer to CONNECT: no body, the tunnel's bytes follow.
fn opens_tunnel(head: &Head, answers_connect: bool) -> bool {
    answers_connect && head.response.is_some_and(|(_, code, _)| (200..300).contains(&code))
}

/// A response that never has a body: 1xx, 204, 304, an answer to HEAD or
/// one that opens a tunnel.
fn no_body(head: &Head, answers_head: bool, answers_connect: bool) -> bool {
    let tunnel = opens_tunnel(head, answers_connect);
    head.response.is_some_and(|(_, code, _)| (100..200).contains(&code) || code == 204 || code == 304 || tunnel || answers_head)
}

/// Wireshark's quirk without head reassembly (`-o
/// http.desegment_headers:FALSE`, bodies reassembled): its reassembly does
/// not read the length the head states, so a response that may have a body
/// waits for the end of the connection, its head whole or not.
fn waits_for_fin(head: &Head, no_body: bool, seg: &TcpSeg, wait_body: bool) -> bool {
    head.response.is_some() && !no_body && wait_body && !crate::prefs::http().desegment_headers && !seg.fin
}

/// The server's `101 Switching Protocols` to `Upgrade: websocket`.
fn is_websocket_upgrade(head: &Head) -> bool {
    matches!(head.response, Some((_, 101, _)))
        && header(head, "upgrade").is_some_and(|u| u.split(|&c| c == b',').any(|p| p.trim_ascii().eq_ignore_ascii_case(b"websocket")))
}

/// A message still incomplete shows its first line in the Info column once
/// that line is whole, as Wireshark writes it before asking for more bytes
/// (the segment's Info then ends with `[TCP segment of a reassembled PDU]`).
fn first_line_info(cx: &mut Ctx, rest: &[u8], index: u16) {
    let Some(end) = memchr::memchr(b'\n', rest) else { return };
    if !looks_like_http(rest) {
        return;
    }
    let line = rest[..end].strip_suffix(b"\r").unwrap_or(&rest[..end]);
    let info = if index == 0 { cx.out.cols.info() } else { &mut cx.out.cols.info };
    let _ = write!(info, "{} ", show(line));
}

/// Whether `b`, too short to tell, is the beginning of a request or status
/// line (so more bytes are awaited rather than the stream given up).
fn starts_like_http(b: &[u8]) -> bool {
    let prefix_of = |word: &[u8]| word.len() >= b.len() && word.starts_with(b);
    !b.is_empty() && (prefix_of(b"HTTP/1.") || METHODS.iter().any(|m| prefix_of(format!("{m} ").as_bytes())))
}

/// Bytes in an HTTP stream that start no message: Wireshark's "Continuation",
/// read as a message without a first line. The lines with a colon are
/// headers (a name no header may have is noted); a blank line ends them,
/// and a Content-Length among them bounds the body, after which the next
/// message may start; else the body begins at the first line without a
/// colon and takes the rest. The body is File Data, handed to Data. A line
/// cut at the end after header lines is an error to Wireshark (it looks
/// past the bytes for the line's end). `named`: Info says "Continuation",
/// which Wireshark writes once the stream had a request. Returns the bytes used.
fn continuation(cx: &mut Ctx, b: &Buf, off: usize, index: u16, named: bool) -> DResult<usize> {
    // Unnamed, the lines do not name the Protocol column either.
    cx.enter("http", if named { "HTTP" } else { "" });
    if index == 0 && named {
        cx.out.cols.info().push_str("Continuation");
    }
    let data = b.tail(off);
    let n = data.len();
    let item = cx.tree().open(&HTTP, b.range(off, n), Value::None);
    let mut at = 0;
    let mut length = None;
    let mut ended = false;
    let (mut content_type, mut encoding) = (None, None);
    while at < n {
        let end = line_end(data, at);
        let line = &data[at..end];
        if at > 0 && matches!(line, b"\n" | b"\r\n") {
            cx.tree().text(b.range(off + at, end - at), show(line));
            (at, ended) = (end, true);
            break;
        }
        let Some(colon) = memchr::memchr(b':', line) else {
            if at > 0 && !line.ends_with(b"\n") && b.len() == b.reported_len() {
                return Err(DissectError::Malformed);
            }
            break;
        };
        let name = String::from_utf8_lossy(&line[..colon]);
        let value = line[colon + 1..].trim_ascii();
        if name.eq_ignore_ascii_case("content-length") {
            length = std::str::from_utf8(value).ok().and_then(|v| v.parse::<usize>().ok());
        } else if name.eq_ignore_ascii_case("content-type") {
            content_type = Some(String::from_utf8_lossy(value));
        } else if name.eq_ignore_ascii_case("content-encoding") {
            encoding = Some(String::from_utf8_lossy(value));
        }
        let t = cx.tree();
        let unknown = Some(String::from_utf8_lossy(line).into_owned());
        let id = header_item(t, b.range(off + at, end - at), &name, known_header(&name), value, show(line), unknown);
        if colon == 0 || !line[..colon].iter().all(|&c| is_token(c)) {
            t.reopen(id);
            crate::dissect::expert_in(t, &BAD_HEADER_NAME, "Illegal characters found in header name", "Warning", "Protocol");
            t.close();
        }
        at = end;
    }
    let body_end = match length {
        Some(l) if ended => at.saturating_add(l).min(n),
        _ => n,
    };
    cx.tree().set_len(item, body_end);
    if content_type.is_some() {
        // A body of a stated type goes to that type's layer, as a message's.
        let body = Body::Plain(body_end - at);
        body::show_body(cx, b, off + at, &body, content_type.as_deref(), encoding.as_deref())?;
        return Ok(body_end);
    }
    // Bytes that open with a blank line are Data alone to Wireshark.
    let blank = at == 0 && matches!(data.get(..line_end(data, 0)), Some(b"\n" | b"\r\n"));
    if at < body_end {
        if !blank {
            let text = if cx.full { Value::str(show(&data[at..body_end])) } else { Value::None };
            let t = cx.tree();
            let id = t.add(&FILE_DATA, b.range(off + at, body_end - at), text);
            t.set_text(id, format_args!("File Data: {} bytes", body_end - at));
        }
        if let Ok(body) = b.sub(off + at, body_end - at) {
            dispatch::data(cx, body);
        }
    }
    cx.tree().close();
    Ok(body_end)
}

/// A character a header name may have (RFC 9110's `tchar`).
fn is_token(c: u8) -> bool {
    c.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&c)
}

fn version_text(v: u8) -> &'static str {
    if v == 0 {
        "HTTP/1.0"
    } else {
        "HTTP/1.1"
    }
}

fn message(cx: &mut Ctx, b: &Buf, off: usize, head: &Head, body: &Body, seg: &TcpSeg, index: u16) -> DResult<()> {
    if head.end == HeadEnd::FirstLine {
        cx.enter("http", "");
    } else if off == 0 {
        cx.enter("http", "HTTP");
    } else {
        cx.enter_again("HTTP");
    }
    let total = head.len + body.wire_len();
    // Without a full tree (a summary pass) only the columns and the session
    // matter: the text-heavy items are skipped.
    let full = cx.full;
    cx.out.tree.open(&HTTP, b.range(off, total), Value::None);
    if head.end != HeadEnd::FirstLine {
        let info = if index == 0 { cx.out.cols.info() } else { &mut cx.out.cols.info };
        head.push_first_line(info);
    }
    if full {
        head_items(&mut cx.out.tree, b, off, head);
    }
    let at = (cx.meta.number, index);
    let here = b.range(off, 0);
    if head.end == HeadEnd::Bare {
        // No links shown: Wireshark stopped before them (a request still
        // opens a pair).
        if let (Some((method, uri, _)), Pass::First) = (head.request, cx.pass) {
            cx.session.http.cut_request(seg.stream, at, uri, method);
        }
    } else if let Some((method, uri, _)) = head.request {
        // The response shows the URI it answers: kept for a tree, now or
        // when the frames are dissected again.
        let keep_uri = full || cx.session.http.keep_frames;
        // Over TLS (the stream's application is TLS, which decrypted
        // this) the URI's scheme is https, as Wireshark names it.
        let tls = cx.session.tcp.stream_mut(seg.stream).is_some_and(|s| s.apps.iter().any(|a| matches!(a, AppSlot::Some(App::Tls))));
        let full_uri = match header(head, "host") {
            Some(host) if keep_uri => full_uri(host, method, uri, if tls { "https://" } else { "http://" }),
            _ => String::new(),
        };
        let t = &mut cx.out.tree;
        if full && !full_uri.is_empty() {
            let id = t.generated(&FULL_URI, here.clone(), Value::str(full_uri.as_str()));
            t.set_text(id, format_args!("[Full request URI: {full_uri}]"));
        }
        if method == "CONNECT" && cx.pass == Pass::First {
            cx.session.http.connect_to(seg.stream, uri);
        }
        let l = match cx.pass {
            Pass::First => cx.session.http.request(seg.stream, at, cx.meta.ts, if keep_uri { uri } else { "" }, &full_uri, method),
            Pass::Revisit => cx.session.http.revisit(at).unwrap_or_default(),
        };
        if full {
            mark(&mut cx.out.tree, here.clone(), head);
            request_links(&mut cx.out.tree, here, &l);
        }
    } else {
        let l = cx.session.http.response(seg.stream, at, cx.meta.ts);
        if full {
            mark(&mut cx.out.tree, here.clone(), head);
            response_links(&mut cx.out.tree, here, l);
        }
    }
    let text = |name| header(head, name).map(String::from_utf8_lossy);
    let (content_type, encoding): (Option<Cow<str>>, _) = (text("content-type"), text("content-encoding"));
    body::show_body(cx, b, off + head.len, body, content_type.as_deref(), encoding.as_deref())
}

/// The full URI Wireshark makes of a request with a Host: the target as it
/// is when it is absolute (or a CONNECT's), else the scheme, the host and
/// the target.
fn full_uri(host: &[u8], method: &str, uri: &str, scheme: &str) -> String {
    let absolute = |p: &str| uri.get(..p.len()).is_some_and(|u| u.eq_ignore_ascii_case(p));
    if absolute("http://") || absolute("https://") || method == "CONNECT" {
        return uri.to_string();
    }
    let host = String::from_utf8_lossy(host);
    let mut s = String::with_capacity(scheme.len() + host.len() + uri.len());
    for part in [scheme, host.trim(), uri] {
        s.push_str(part);
    }
    s
}

/// The items of the first line, the headers and the blank line.
pub(crate) fn head_items(t: &mut Tree, b: &Buf, off: usize, head: &Head) {
    let notification = head.is_notification();
    let data = b.tail(off);
    let first_end = line_end(data, 0).min(head.len);
    let line = t.open(&TEXT, b.range(off, first_end), Value::None);
    // Lines are shown only in labels and the values of the few fields
    // asked for: a tree without labels builds the others' text not at all.
    let labels = t.keeps_labels() || t.wants(&crate::dissect::EXPERT_MESSAGE);
    let text = if labels { show(&data[..first_end]) } else { String::new() };
    // Wireshark notes every request and status line as a Chat expert item.
    if head.request.is_some() || head.response.is_some() {
        crate::dissect::expert_in(t, &CHAT, &text, "Chat", "Sequence");
    }
    t.set_text(line, text);
    if let Some((method, uri, v)) = head.request {
        let m = offset_in(data, method.as_bytes());
        let u = offset_in(data, uri.as_bytes());
        t.add(&METHOD, b.range(off + m, method.len()), Value::str(method));
        if t.wants(&URI) {
            t.add(&URI, b.range(off + u, uri.len()), Value::str(show(uri.as_bytes())));
        }
        // A line cut after its target has an empty version at its end.
        t.add(&REQ_VERSION, b.range((off + u + uri.len() + 1).min(off + first_end), v.len()), Value::str(v));
    } else if let Some((v, code, phrase)) = head.response {
        t.add(&RESP_VERSION, b.range(off, 8), Value::str(version_text(v)));
        t.add(&CODE, b.range(off + 9, 3), Value::UInt(code as u64));
        let d = t.generated(&CODE_DESC, b.range(off + 9, 3), Value::str(phrase));
        t.set_text(d, format_args!("[Status Code Description: {}]", status_text(code).unwrap_or(phrase)));
        if let Some(d) = t.nodes.get_mut(d) {
            d.value = Value::str(status_text(code).unwrap_or(phrase));
        }
        let p = offset_in(data, phrase.as_bytes());
        t.add(&PHRASE, b.range(off + p, phrase.len()), Value::str(phrase));
    }
    t.close();
    let line_field = if head.request.is_some() { &REQUEST_LINE } else { &RESPONSE_LINE };
    // Wireshark lists the header lines of requests and responses only.
    let listed = !notification;
    // A tree recording a few fields (a filter on the URI) may want none of
    // the header lines' items: finding each line's field was a tenth of a run.
    let header_items = t.wants_some(|f| {
        [&CONTENT_LENGTH, &REQUEST_LINE, &RESPONSE_LINE, &UNKNOWN_HEADER].into_iter().any(|g| crate::field::same(f, g))
            || HEADERS.iter().any(|(_, g)| crate::field::same(f, g))
    });
    for h in head.headers.iter().filter(|_| header_items) {
        let name = h.name;
        let start = offset_in(data, name.as_bytes());
        let r = start..line_end(data, offset_in(data, h.value) + h.value.len());
        // Wireshark keeps the spaces that end a value (httparse drops them).
        let value = if h.value.is_empty() { h.value } else { untrimmed(data, h.value, r.end) };
        let line_kept = listed && t.wants(line_field);
        let text = if labels || line_kept { show(&data[r.clone()]) } else { String::new() };
        let range = b.range(off + r.start, r.len());
        let known = known_header(name);
        if listed && known.is_none() {
            // A header Wireshark has no field for is the line's own item.
            let id = t.add(line_field, range, Value::str(text.as_str()));
            t.set_text(id, text);
            continue;
        }
        // A notification's unknown header holds the line as shown.
        let unknown = (notification && known.is_none()).then(|| show(&data[r.clone()]));
        header_item(t, range.clone(), name, known, value, text.clone(), unknown);
        if line_kept {
            let id = t.hidden(line_field, range, Value::str(text.as_str()));
            t.set_text(id, text);
        }
    }
    if head.end == HeadEnd::Blank {
        let blank = if data[..head.len].ends_with(b"\r\n") { head.len - 2 } else { head.len - 1 };
        let blank_text = if labels { show(&data[blank..head.len]) } else { String::new() };
        t.text(b.range(off + blank, head.len - blank), blank_text);
    }
    if notification {
        t.hidden(&NOTIFICATION, b.range(off, 0), Value::Bool(true));
    }
}

/// A header's value up to its line's end (`end`, after the line break).
fn untrimmed<'b>(data: &'b [u8], value: &'b [u8], end: usize) -> &'b [u8] {
    let start = offset_in(data, value);
    let line = data.get(start..end).unwrap_or(value);
    let line = line.strip_suffix(b"\n").unwrap_or(line);
    line.strip_suffix(b"\r").unwrap_or(line)
}

/// One header line's item: its field when Wireshark has one, else text;
/// or, given its value (outside a request or response: a notification, a
/// continuation), Wireshark's `http.unknown_header` of the whole line.
/// `known`: the field of header `name`, from `known_header`.
fn header_item(
    t: &mut Tree,
    range: Range<usize>,
    name: &str,
    known: Option<Field>,
    value: &[u8],
    text: String,
    unknown: Option<String>,
) -> NodeId {
    let id = match (known, unknown) {
        (Some(f), _) if t.wants(f) => t.open(f, range.clone(), Value::str(show(value))),
        (Some(f), _) => t.open(f, range.clone(), Value::None),
        (None, Some(line)) => t.open(&UNKNOWN_HEADER, range.clone(), Value::str(line)),
        (None, None) => t.open(&TEXT, range.clone(), Value::None),
    };
    t.set_text(id, text);
    if name.eq_ignore_ascii_case("content-length") {
        if let Some(n) = std::str::from_utf8(value).ok().and_then(|s| s.trim().parse::<u64>().ok()) {
            let c = t.generated(&CONTENT_LENGTH, range, Value::UInt(n));
            t.set_text(c, format_args!("[Content length: {n}]"));
        }
    }
    t.close();
    id
}

/// The field Wireshark has for a header named `name`, if any.
fn known_header(name: &str) -> Option<Field> {
    HEADERS.iter().find(|(n, _)| name.eq_ignore_ascii_case(n)).map(|(_, f)| f)
}

/// The hidden `http.request` or `http.response`, where Wireshark adds it:
/// after the head's items, before the links (`here`: the message's start,
/// no length). Not for a notification, nor for a message cut in a line
/// that is no header.
pub(crate) fn mark(t: &mut Tree, here: Range<usize>, head: &Head) {
    if head.end == HeadEnd::Bare {
        return;
    }
    if head.request.is_some() && !head.is_notification() {
        t.hidden(&REQUEST, here, Value::Bool(true));
    } else if head.response.is_some() {
        t.hidden(&RESPONSE, here, Value::Bool(true));
    }
}

/// One generated frame-number link, when there is a frame.
fn link(t: &mut Tree, f: Field, here: &Range<usize>, frame: u32) {
    if frame != 0 {
        let id = t.generated(f, here.clone(), Value::FrameNum(frame));
        t.set_text(id, format_args!("[{}: {frame}]", f.display));
    }
}

pub(crate) fn request_links(t: &mut Tree, here: Range<usize>, l: &Links) {
    let id = t.generated(&REQUEST_NUMBER, here.clone(), Value::UInt(l.number as u64));
    t.set_text(id, format_args!("[HTTP request {}/{}]", l.number, l.number));
    link(t, &PREV_REQUEST_IN, &here, l.prev_request);
    link(t, &RESPONSE_IN, &here, l.response_in);
    link(t, &NEXT_REQUEST_IN, &here, l.next_request);
}

pub(crate) fn response_links(t: &mut Tree, here: Range<usize>, l: Links) {
    let id = t.generated(&RESPONSE_NUMBER, here.clone(), Value::UInt(l.number as u64));
    t.set_text(id, format_args!("[HTTP response {}/{}]", l.number, l.number));
    if let Some(ns) = l.time {
        let id = t.generated(&TIME, here.clone(), Value::RelTime(ns));
        let mut s = String::from("[Time since request: ");
        crate::field::format_value(&TIME, &Value::RelTime(ns), &[], &mut s);
        s.push_str(" seconds]");
        t.set_text(id, s);
    }
    // Wireshark's order: the time, the pair before, the request answered,
    // the pair after.
    link(t, &PREV_REQUEST_IN, &here, l.prev_request);
    link(t, &PREV_RESPONSE_IN, &here, l.prev_response);
    link(t, &REQUEST_IN, &here, l.request_in);
    link(t, &NEXT_REQUEST_IN, &here, l.next_request);
    link(t, &NEXT_RESPONSE_IN, &here, l.next_response);
    if let Some(u) = l.request_uri {
        let id = t.generated(&RESPONSE_FOR_URI, here, Value::str(u.as_str()));
        t.set_text(id, format_args!("[Request URI: {u}]"));
    }
}

/// Wireshark's description of a status code.
pub(crate) fn status_text(code: u16) -> Option<&'static str> {
    Some(match code {
        100 => "Continue",
        101 => "Switching Protocols",
        200 => "OK",
        201 => "Created",
        202 => "Accepted",
        204 => "No Content",
        206 => "Partial Content",
        301 => "Moved Permanently",
        302 => "Found",
        303 => "See Other",
        304 => "Not Modified",
        307 => "Temporary Redirect",
        308 => "Permanent Redirect",
        400 => "Bad Request",
        401 => "Unauthorized",
        403 => "Forbidden",
        404 => "Not Found",
        405 => "Method Not Allowed",
        408 => "Request Time-out",
        411 => "Length Required",
        413 => "Request Entity Too Large",
        414 => "Request-URI Too Long",
        500 => "Internal Server Error",
        501 => "Not Implemented",
        502 => "Bad Gateway",
        503 => "Service Unavailable",
        504 => "Gateway Time-out",
        505 => "HTTP Version not supported",
        _ => return None,
    })
}

#[cfg(test)]
mod tests;
