//! Transactions of the lab protocols, read from the registry's items: DNS
//! queries with their responses, HTTP requests with their responses, the
//! SMTP dialogue as a transcript, and the commands and replies of FTP, POP3,
//! IMAP and the TLS handshake (`command_replies`). HTTP/3 requests and
//! responses are HTTP rows too, read from their decoded QPACK headers and
//! paired by QUIC connection and stream.
//!
//! `items` reads one packet's dissection; `Transactions::add` pairs a
//! response with its request through the frame number the dissector links
//! it to (`dns.response_to`, `http.request_in`). Reading needs a full
//! re-dissection and can run on a worker; pairing is cheap and runs where
//! the items arrive, in frame order.

use std::collections::{HashMap, VecDeque};
use std::ops::Range;
use std::sync::OnceLock;

use crate::dissect::Dissection;
use crate::field::{self, format_value, Field, Value};
use crate::field::tree::{NodeId, Tree};

/// A DNS query and its response, or one of them alone.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct DnsRow {
    pub query: Option<u32>,
    /// The transaction ID the query and its response share.
    pub id: u64,
    pub name: String,
    /// The first question's type, as Wireshark's Info column names it (`A`, `MX`).
    pub qtype: String,
    pub response: Option<u32>,
    /// The reply code's name (`No error`, `No such name`).
    pub rcode: String,
    /// The answer records, `TYPE data` each.
    pub answers: Vec<String>,
    /// `dns.time`, in nanoseconds.
    pub time: Option<i64>,
}

/// Where an HTTP/1 request waits for its response (`Transactions::http_open`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
enum OpenKey {
    Stream(u64),
    Request(u32),
}

/// An HTTP request and its response, or one of them alone.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct HttpRow {
    pub request: Option<u32>,
    pub method: String,
    pub uri: String,
    pub response: Option<u32>,
    pub status: Option<u64>,
    pub phrase: String,
    pub content_type: String,
    /// The body's size: `http.content_length`, else the bytes of `http.file_data`.
    pub size: Option<u64>,
    /// `http.time`, in nanoseconds.
    pub time: Option<i64>,
    /// HTTP/3: the QUIC connection and request stream, which the request
    /// and its response share.
    pub h3_stream: Option<(u64, u64)>,
    /// HTTP/1: the TCP stream, whose responses answer its requests in order.
    pub tcp_stream: Option<u64>,
}

impl HttpRow {
    /// A request's row takes its response's columns.
    fn answered_by(&mut self, r: HttpRow) {
        self.response = r.response;
        self.status = r.status;
        self.phrase = r.phrase;
        self.content_type = r.content_type;
        self.size = r.size;
        self.time = r.time;
    }
}

/// One line of an SMTP dialogue.
#[derive(Clone, Debug, PartialEq)]
pub struct SmtpLine {
    pub frame: u32,
    pub stream: Option<u64>,
    /// Sent by the client (a command or the message) rather than the server.
    pub client: bool,
    pub text: String,
    /// The line carries a user name or password anyone on the path can
    /// read (AUTH PLAIN/LOGIN: base64 is an encoding, not encryption).
    pub cleartext: bool,
}

/// What one packet adds.
#[derive(Clone, Debug, PartialEq)]
pub enum Item {
    Dns(DnsRow),
    Http(HttpRow),
    Smtp(SmtpLine),
    Command(super::command_replies::Half),
}

/// Every transaction seen so far, rows in the order their first packet came.
#[derive(Default)]
pub struct Transactions {
    pub dns: Vec<DnsRow>,
    pub http: Vec<HttpRow>,
    pub smtp: Vec<SmtpLine>,
    pub commands: super::command_replies::CommandReplies,
    /// Query frame → its rows still unanswered (a TCP segment can carry
    /// several queries; their responses name the same frame).
    dns_open: HashMap<u32, Vec<usize>>,
    /// HTTP/1 requests still unanswered, oldest first, per TCP stream (else
    /// per request frame): a response answers the oldest, as HTTP/1.1 has
    /// it. `http.request_in` cannot say which: for pipelined requests
    /// Wireshark 4.0 links a response to the newest, or to none.
    http_open: HashMap<OpenKey, VecDeque<usize>>,
    /// HTTP/3 request streams → their unanswered row.
    h3_open: HashMap<(u64, u64), usize>,
}

impl Transactions {
    pub fn add(&mut self, item: Item) {
        match item {
            Item::Dns(r) => {
                if r.response.is_some() {
                    let open = r.query.and_then(|q| self.dns_open.get_mut(&q));
                    let dns = &self.dns;
                    let same = |i: &usize| dns.get(*i).is_some_and(|q| q.id == r.id && q.name == r.name);
                    let found = open.and_then(|rows| rows.iter().position(same).map(|at| rows.remove(at)));
                    if let Some(row) = found.and_then(|i| self.dns.get_mut(i)) {
                        row.response = r.response;
                        row.rcode = r.rcode;
                        row.answers = r.answers;
                        row.time = r.time;
                        return;
                    }
                } else if let Some(q) = r.query {
                    self.dns_open.entry(q).or_default().push(self.dns.len());
                }
                self.dns.push(r);
            }
            Item::Http(r) if r.h3_stream.is_some() => {
                let key = r.h3_stream.unwrap_or_default();
                if r.response.is_none() {
                    self.h3_open.insert(key, self.http.len());
                } else if let Some(row) = self.h3_open.remove(&key).and_then(|i| self.http.get_mut(i)) {
                    row.answered_by(r);
                    return;
                }
                self.http.push(r);
            }
            Item::Http(r) => {
                let key = match (r.tcp_stream, r.request) {
                    (Some(s), _) => Some(OpenKey::Stream(s)),
                    (None, Some(q)) => Some(OpenKey::Request(q)),
                    (None, None) => None,
                };
                if r.response.is_some() {
                    let open = key.and_then(|k| self.http_open.get_mut(&k)).and_then(VecDeque::pop_front);
                    if let Some(row) = open.and_then(|i| self.http.get_mut(i)) {
                        row.answered_by(r);
                        return;
                    }
                } else if let Some(k) = key {
                    self.http_open.entry(k).or_default().push_back(self.http.len());
                }
                self.http.push(r);
            }
            Item::Smtp(mut l) => {
                // After a bare `AUTH PLAIN` and the server's 334, the
                // client's next line is the credentials, which the
                // dissector reads as a command.
                let mut mine = self.smtp.iter().rev().filter(|p| p.stream == l.stream);
                let prev = mine.next();
                let auth = mine.next();
                let plain = |a: &SmtpLine| a.client && a.text.eq_ignore_ascii_case("AUTH PLAIN");
                if l.client && !l.cleartext && prev.is_some_and(|p| p.text.starts_with("334")) && auth.is_some_and(plain) {
                    let note = decoded_note(&l.text);
                    if !note.is_empty() {
                        l.text = format!("{}{note} [user name and password in cleartext]", l.text);
                        l.cleartext = true;
                    }
                }
                self.smtp.push(l)
            }
            Item::Command(h) => {
                self.commands.add(h);
            }
        }
    }
}

/// The registry fields read here, looked up once by their filter names.
struct Fields {
    dns: Field,
    dns_id: Field,
    dns_response: Field,
    dns_qry_name: Field,
    dns_qry_type: Field,
    dns_rcode: Field,
    dns_response_to: Field,
    dns_time: Field,
    dns_answers: Field,
    dns_resp_type: Field,
    dns_resp_len: Field,
    http: Field,
    http_method: Field,
    http_uri: Field,
    http_code: Field,
    http_phrase: Field,
    http_content_type: Field,
    http_content_length: Field,
    http_file_data: Field,
    http_time: Field,
    http_request_in: Field,
    http3: Field,
    h3_method: Field,
    h3_path: Field,
    h3_status: Field,
    h3_content_type: Field,
    h3_content_length: Field,
    quic_stream_id: Field,
    quic_stream_data: Field,
    quic_connection: Field,
    smtp: Field,
    smtp_command: Field,
    smtp_parameter: Field,
    smtp_code: Field,
    smtp_rsp_parameter: Field,
    smtp_data_length: Field,
    smtp_username: Field,
    smtp_password: Field,
    imf_subject: Field,
    tcp_stream: Field,
}

fn fields() -> Option<&'static Fields> {
    static FIELDS: OnceLock<Option<Fields>> = OnceLock::new();
    FIELDS
        .get_or_init(|| {
            let f = field::lookup;
            Some(Fields {
                dns: f("dns")?,
                dns_id: f("dns.id")?,
                dns_response: f("dns.flags.response")?,
                dns_qry_name: f("dns.qry.name")?,
                dns_qry_type: f("dns.qry.type")?,
                dns_rcode: f("dns.flags.rcode")?,
                dns_response_to: f("dns.response_to")?,
                dns_time: f("dns.time")?,
                dns_answers: f("dns.count.answers")?,
                dns_resp_type: f("dns.resp.type")?,
                dns_resp_len: f("dns.resp.len")?,
                http: f("http")?,
                http_method: f("http.request.method")?,
                http_uri: f("http.request.uri")?,
                http_code: f("http.response.code")?,
                http_phrase: f("http.response.phrase")?,
                http_content_type: f("http.content_type")?,
                http_content_length: f("http.content_length")?,
                http_file_data: f("http.file_data")?,
                http_time: f("http.time")?,
                http_request_in: f("http.request_in")?,
                http3: f("http3")?,
                h3_method: f("http3.headers.method")?,
                h3_path: f("http3.headers.path")?,
                h3_status: f("http3.headers.status")?,
                h3_content_type: f("http3.headers.content_type")?,
                h3_content_length: f("http3.headers.content_length")?,
                quic_stream_id: f("quic.stream.stream_id")?,
                quic_stream_data: f("quic.stream_data")?,
                quic_connection: f("quic.connection.number")?,
                smtp: f("smtp")?,
                smtp_command: f("smtp.req.command")?,
                smtp_parameter: f("smtp.req.parameter")?,
                smtp_code: f("smtp.response.code")?,
                smtp_rsp_parameter: f("smtp.rsp.parameter")?,
                smtp_data_length: f("smtp.data.reassembled.length")?,
                smtp_username: f("smtp.auth.username")?,
                smtp_password: f("smtp.auth.password")?,
                imf_subject: f("imf.subject")?,
                tcp_stream: f("tcp.stream")?,
            })
        })
        .as_ref()
}

/// Appends what packet `frame` (its dissection `d` of `bytes`) adds.
pub fn items(frame: u32, d: &Dissection, bytes: &[u8], out: &mut Vec<Item>) {
    let Some(f) = fields() else { return };
    let t = Reader { d, bytes, tree: &d.tree };
    for (id, n) in d.tree.nodes.iter().enumerate() {
        let scope = || id..d.tree.subtree_end(id);
        if field::same(n.field, f.dns) {
            out.push(Item::Dns(t.dns(f, frame, scope())));
        } else if field::same(n.field, f.http) {
            if let Some(r) = t.http(f, frame, scope()) {
                out.push(Item::Http(r));
            }
        } else if field::same(n.field, f.http3) {
            if let Some(r) = t.http3(f, frame, id, scope()) {
                out.push(Item::Http(r));
            }
        } else if field::same(n.field, f.smtp) {
            t.smtp(f, frame, scope(), out);
        }
    }
    let mut halves = Vec::new();
    super::command_replies::items(frame, d, bytes, &mut halves);
    out.extend(halves.into_iter().map(Item::Command));
}

/// Reads items of one dissection within a subtree.
struct Reader<'a> {
    d: &'a Dissection,
    bytes: &'a [u8],
    tree: &'a Tree,
}

impl Reader<'_> {
    fn first(&self, scope: &Range<usize>, field: Field) -> Option<NodeId> {
        scope.clone().find(|&i| self.tree.nodes.get(i).is_some_and(|n| field::same(n.field, field)))
    }

    fn value(&self, scope: &Range<usize>, field: Field) -> Option<&Value> {
        self.first(scope, field).and_then(|i| self.tree.nodes.get(i)).map(|n| &n.value)
    }

    fn u64(&self, scope: &Range<usize>, field: Field) -> Option<u64> {
        self.value(scope, field).and_then(Value::as_u64)
    }

    fn nanos(&self, scope: &Range<usize>, field: Field) -> Option<i64> {
        match self.value(scope, field) {
            Some(Value::RelTime(ns)) => Some(*ns),
            _ => None,
        }
    }

    /// The item's value as `-T fields` prints it.
    fn text_of(&self, id: NodeId) -> String {
        let mut s = String::new();
        if let Some(n) = self.tree.nodes.get(id) {
            format_value(n.field, &n.value, self.d.node_bytes(self.bytes, id), &mut s);
        }
        s
    }

    fn text(&self, scope: &Range<usize>, field: Field) -> String {
        self.first(scope, field).map(|i| self.text_of(i)).unwrap_or_default()
    }

    /// The short name of a DNS type (`A` of "A (Host Address)").
    fn dns_type(&self, field: Field, id: NodeId) -> String {
        let v = self.tree.nodes.get(id).and_then(|n| n.value.as_u64()).unwrap_or(0);
        match field.value_string(v) {
            Some(s) => s.split(' ').next().unwrap_or(s).to_string(),
            None => v.to_string(),
        }
    }

    fn dns(&self, f: &Fields, frame: u32, scope: Range<usize>) -> DnsRow {
        let qtype = self.first(&scope, f.dns_qry_type).map(|i| self.dns_type(f.dns_qry_type, i)).unwrap_or_default();
        let id = self.u64(&scope, f.dns_id).unwrap_or(0);
        let mut row = DnsRow { id, name: self.text(&scope, f.dns_qry_name), qtype, ..DnsRow::default() };
        if self.u64(&scope, f.dns_response) != Some(1) {
            row.query = Some(frame);
            return row;
        }
        row.query = self.u64(&scope, f.dns_response_to).map(|q| q as u32);
        row.response = Some(frame);
        row.time = self.nanos(&scope, f.dns_time);
        let rcode = self.u64(&scope, f.dns_rcode).unwrap_or(0);
        row.rcode = f.dns_rcode.value_string(rcode).map(str::to_string).unwrap_or_else(|| rcode.to_string());
        // Answers come first among the records, so the first `count` are them.
        let count = self.u64(&scope, f.dns_answers).unwrap_or(0) as usize;
        let types = scope.clone().filter(|&i| self.tree.nodes.get(i).is_some_and(|n| field::same(n.field, f.dns_resp_type)));
        row.answers = types.take(count).map(|i| self.dns_answer(f, i)).collect();
        row
    }

    /// `TYPE data` of the record whose type item is `type_id`: the record's
    /// data items are the ones after its data length.
    fn dns_answer(&self, f: &Fields, type_id: NodeId) -> String {
        let mut s = self.dns_type(f.dns_resp_type, type_id);
        let depth = self.tree.nodes.get(type_id).map(|n| n.depth).unwrap_or(0);
        let Some(rr) = (0..type_id).rev().find(|&i| self.tree.nodes.get(i).is_some_and(|n| n.depth + 1 == depth)) else {
            return s;
        };
        let data = self
            .tree
            .children(rr)
            .skip_while(|&i| !self.tree.nodes.get(i).is_some_and(|n| field::same(n.field, f.dns_resp_len)))
            .skip(1)
            .filter(|&i| self.tree.nodes.get(i).is_some_and(|n| !n.generated() && !n.hidden() && !n.field.name.ends_with(".length")))
            .take(2);
        for i in data {
            s.push(' ');
            s.push_str(&self.text_of(i));
        }
        s
    }

    fn http(&self, f: &Fields, frame: u32, scope: Range<usize>) -> Option<HttpRow> {
        let tcp_stream = self.u64(&(0..scope.start), f.tcp_stream);
        if self.first(&scope, f.http_method).is_some() {
            return Some(HttpRow {
                request: Some(frame),
                method: self.text(&scope, f.http_method),
                uri: self.text(&scope, f.http_uri),
                tcp_stream,
                ..HttpRow::default()
            });
        }
        let status = self.u64(&scope, f.http_code)?;
        let body = self.first(&scope, f.http_file_data).and_then(|i| self.tree.nodes.get(i)).map(|n| n.len as u64);
        Some(HttpRow {
            request: self.u64(&scope, f.http_request_in).map(|q| q as u32),
            response: Some(frame),
            status: Some(status),
            phrase: self.text(&scope, f.http_phrase),
            content_type: self.text(&scope, f.http_content_type),
            size: self.u64(&scope, f.http_content_length).or(body),
            time: self.nanos(&scope, f.http_time),
            tcp_stream,
            ..HttpRow::default()
        })
    }

    /// An HTTP/3 layer's request or response (its first decoded HEADERS).
    /// Its stream is that of the STREAM frame whose data the layer reads:
    /// the `quic.stream_data` item with the layer's source and start.
    fn http3(&self, f: &Fields, frame: u32, layer: NodeId, scope: Range<usize>) -> Option<HttpRow> {
        let n = self.tree.nodes.get(layer)?;
        let same_data = |d: &crate::field::tree::Node| {
            field::same(d.field, f.quic_stream_data) && d.source == n.source && d.start == n.start
        };
        let data = (0..layer).rev().find(|&i| self.tree.nodes.get(i).is_some_and(same_data))?;
        let sid = (0..data).rev().find(|&i| self.tree.nodes.get(i).is_some_and(|s| field::same(s.field, f.quic_stream_id)))?;
        let sid = self.tree.nodes.get(sid)?.value.as_u64()?;
        let conn = self.u64(&(0..layer), f.quic_connection).unwrap_or(0);
        let h3_stream = Some((conn, sid));
        if self.first(&scope, f.h3_method).is_some() {
            return Some(HttpRow {
                request: Some(frame),
                method: self.text(&scope, f.h3_method),
                uri: self.text(&scope, f.h3_path),
                h3_stream,
                ..HttpRow::default()
            });
        }
        let status = self.u64(&scope, f.h3_status)?;
        let phrase = u16::try_from(status).ok().and_then(crate::dissect::http::status_text).unwrap_or_default();
        Some(HttpRow {
            response: Some(frame),
            status: Some(status),
            phrase: phrase.to_string(),
            content_type: self.text(&scope, f.h3_content_type),
            size: self.u64(&scope, f.h3_content_length),
            h3_stream,
            ..HttpRow::default()
        })
    }

    /// The lines of one SMTP subtree, in order: commands with their
    /// parameter, replies one line per parameter (`250-…` then `250 …`, as
    /// a multi-line reply reads on the wire), the lines of an AUTH
    /// exchange with what their base64 says (credentials marked as sent in
    /// cleartext), and the message once its DATA is reassembled.
    fn smtp(&self, f: &Fields, frame: u32, scope: Range<usize>, out: &mut Vec<Item>) {
        let stream = self.u64(&(0..self.tree.nodes.len()), f.tcp_stream);
        let line = |client: bool, text: String| Item::Smtp(SmtpLine { frame, stream, client, text, cleartext: false });
        let secret = |text: String| Item::Smtp(SmtpLine { frame, stream, client: true, text, cleartext: true });
        let mut reply: Option<(String, Vec<String>)> = None;
        let flush = |reply: &mut Option<(String, Vec<String>)>, out: &mut Vec<Item>| {
            let Some((code, params)) = reply.take() else { return };
            if params.is_empty() {
                out.push(line(false, code));
                return;
            }
            for (i, p) in params.iter().enumerate() {
                let sep = if i + 1 < params.len() { '-' } else { ' ' };
                // A 334 challenge is base64 too ("Username:").
                let said = if code == "334" { decoded_note(p) } else { String::new() };
                out.push(line(false, format!("{code}{sep}{p}{said}")));
            }
        };
        for id in scope {
            let Some(n) = self.tree.nodes.get(id) else { break };
            if field::same(n.field, f.smtp_command) {
                flush(&mut reply, out);
                out.push(line(true, self.text_of(id)));
            } else if field::same(n.field, f.smtp_parameter) {
                if let Some(Item::Smtp(l)) = out.last_mut().filter(|l| reply.is_none() && matches!(l, Item::Smtp(l) if l.client)) {
                    let param = self.text_of(id);
                    l.text.push(' ');
                    l.text.push_str(&param);
                    if let Some(note) = auth_initial_response(&l.text) {
                        l.text.push_str(&note);
                        l.cleartext = true;
                    }
                }
            } else if field::same(n.field, f.smtp_username) || field::same(n.field, f.smtp_password) {
                flush(&mut reply, out);
                let what = if field::same(n.field, f.smtp_username) { "user name" } else { "password" };
                let b64 = self.text_of(id);
                let said = decoded_note(&b64);
                out.push(secret(format!("{b64}{said} [{what} in cleartext]")));
            } else if field::same(n.field, f.smtp_code) {
                flush(&mut reply, out);
                reply = Some((self.text_of(id), Vec::new()));
            } else if field::same(n.field, f.smtp_rsp_parameter) {
                if let Some((_, params)) = reply.as_mut() {
                    params.push(self.text_of(id));
                }
            } else if field::same(n.field, f.smtp_data_length) {
                flush(&mut reply, out);
                let subject = self.text(&(0..self.tree.nodes.len()), f.imf_subject);
                let about = if subject.is_empty() { String::new() } else { format!(", subject: {subject}") };
                out.push(line(true, format!("[message: {} bytes{about}]", self.text_of(id))));
            }
        }
        flush(&mut reply, out);
    }
}

/// `  → "text"`: what a base64 word says, when it decodes (control
/// characters escaped: AUTH PLAIN separates its parts with NULs).
fn decoded_note(word: &str) -> String {
    match base64(word) {
        Some(b) if !b.is_empty() => format!("  → {:?}", String::from_utf8_lossy(&b)),
        _ => String::new(),
    }
}

/// The note for an AUTH command that carries credentials itself (`AUTH
/// PLAIN <base64>`, `AUTH LOGIN <base64 user name>`).
fn auth_initial_response(command: &str) -> Option<String> {
    let mut words = command.split_whitespace();
    if !words.next()?.eq_ignore_ascii_case("AUTH") {
        return None;
    }
    let mech = words.next()?.to_ascii_uppercase();
    let b64 = words.next().filter(|w| *w != "=")?;
    let what = match mech.as_str() {
        "PLAIN" => "user name and password",
        "LOGIN" => "user name",
        _ => return None,
    };
    Some(format!("{} [{what} in cleartext]", decoded_note(b64)))
}

/// Decodes standard base64 (RFC 4648, padding optional); None when `s` is
/// not base64.
fn base64(s: &str) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(s.len() * 3 / 4);
    let (mut acc, mut bits) = (0u32, 0u32);
    let s = s.trim_end_matches('=');
    for c in s.bytes() {
        let v = match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'+' => 62,
            b'/' => 63,
            _ => return None,
        };
        acc = (acc << 6) | u32::from(v);
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
            acc &= (1 << bits) - 1;
        }
    }
    // A lone sixth of a byte cannot end base64.
    (bits < 6).then_some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Runs a sample capture through the first pass and then reads each
    /// packet again as the inspector does (a revisit with full trees).
    fn read(name: &str) -> Option<Transactions> {
        read_path(&std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("sample-captures").join(name))
    }
    fn read_path(path: &std::path::Path) -> Option<Transactions> {
        use crate::capture::Reader as Capture;
        use crate::dissect::{dissect_frame, Arrivals, Depth, Pass};
        let Ok(file) = std::fs::read(path) else {
            eprintln!("{} missing: skipped", path.display());
            return None;
        };
        let mut session = crate::dissect::session::Session::new();
        let mut frames = Vec::new();
        let mut r = Capture::new(std::io::Cursor::new(file)).ok()?;
        let mut d = Dissection::default();
        let mut arrivals = Arrivals::new(false);
        while let Ok(Some((rec, iface, data))) = r.next_packet() {
            let meta = arrivals.next(&rec, iface);
            dissect_frame(&meta, data, &mut session, Pass::First, Depth::Columns, &mut d);
            frames.push((meta, data.to_vec()));
        }
        let mut t = Transactions::default();
        let mut out = Vec::new();
        for (meta, data) in &frames {
            dissect_frame(meta, data, &mut session, Pass::Revisit, Depth::Fields, &mut d);
            items(meta.number, &d, data, &mut out);
        }
        for i in out {
            t.add(i);
        }
        Some(t)
    }

    #[test]
    fn web_lab_pairs_each_request_with_its_response() {
        let Some(t) = read("web.pcap") else { return };
        let got: Vec<_> = t
            .http
            .iter()
            .map(|r| (r.request, r.method.as_str(), r.uri.as_str(), r.response, r.status, r.phrase.as_str(), r.size))
            .collect();
        assert_eq!(
            got,
            [
                (Some(4), "GET", "/", Some(6), Some(200), "OK", Some(456)),
                (Some(8), "GET", "/missing.html", Some(9), Some(404), "Not Found", Some(130)),
                (Some(10), "GET", "/style.css", Some(11), Some(200), "OK", Some(114)),
            ]
        );
        assert_eq!(t.http[0].content_type, "text/html; charset=utf-8");
        assert_eq!(t.http[2].content_type, "text/css");
        assert_eq!(t.http[0].time, Some(3_541_000));
        assert!(t.dns.is_empty() && t.smtp.is_empty());
    }

    /// aioquic's HTTP/3 lab, its key log in the pcapng: requests and
    /// responses from their QPACK headers, paired by QUIC stream (the second
    /// connection's 1-RTT packets stay encrypted: its secrets are not logged).
    #[test]
    fn http3_requests_pair_with_responses_by_stream() {
        let Some(t) = read("quic-keylog-dsb.pcapng") else { return };
        let got: Vec<_> = t
            .http
            .iter()
            .map(|r| (r.request, r.method.as_str(), r.uri.as_str(), r.response, r.status, r.phrase.as_str(), r.size, r.h3_stream))
            .collect();
        assert_eq!(
            got,
            [
                (Some(5), "GET", "/lecture.html", Some(7), Some(200), "OK", Some(87), Some((0, 0))),
                (Some(9), "GET", "/notes.txt", Some(10), Some(200), "OK", Some(85), Some((0, 4))),
            ]
        );
        assert_eq!(t.http[0].content_type, "text/html");
    }

    #[test]
    fn pipelined_requests_in_one_segment_pair_in_order() {
        let Some(t) = read("web-pipeline.pcap") else { return };
        let got: Vec<_> = t.http.iter().map(|r| (r.request, r.uri.as_str(), r.response, r.status)).collect();
        assert_eq!(got, [(Some(4), "/", Some(6), Some(200)), (Some(4), "/missing.html", Some(8), Some(404))]);
    }

    #[test]
    fn dns_lab_pairs_queries_with_answers_and_rcodes() {
        let Some(t) = read("dns-udp.pcap") else { return };
        assert_eq!(t.dns.len(), 10);
        let web = &t.dns[2];
        assert_eq!((web.query, web.name.as_str(), web.qtype.as_str(), web.response), (Some(5), "web.lab.test", "A", Some(6)));
        assert_eq!(web.answers, ["CNAME www.lab.test", "A 127.0.0.1"]);
        assert_eq!(web.rcode, "No error");
        assert_eq!(web.time, Some(158_000));
        let mx = &t.dns[4];
        assert_eq!((mx.qtype.as_str(), mx.answers.as_slice()), ("MX", ["MX 10 mail.lab.test".to_string()].as_slice()));
        let nx = &t.dns[7];
        assert_eq!((nx.name.as_str(), nx.rcode.as_str(), nx.response), ("nothere.lab.test", "No such name", Some(16)));
        assert!(nx.answers.is_empty());
        assert!(t.dns.iter().all(|r| r.response == r.query.map(|q| q + 1)), "{:?}", t.dns);
    }

    #[test]
    fn queries_sharing_a_tcp_segment_meet_their_own_responses() {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../shared/captures/suricata-verify__dns-tcp-multirequest-buffer--dns-tcp-multirequest-buffer.pcap");
        let Some(t) = read_path(&path) else { return };
        // Twenty queries in frame 4, answered one by one from frame 8 on.
        assert_eq!(t.dns.len(), 20, "{:#?}", t.dns);
        for (i, r) in t.dns.iter().enumerate() {
            assert_eq!((r.query, r.name.clone()), (Some(4), format!("{i}.google.com")));
            assert_eq!((r.response, r.rcode.as_str()), (Some(8 + 2 * i as u32), "No such name"), "{r:?}");
        }
    }

    #[test]
    fn smtp_lab_reads_as_a_transcript() {
        let Some(t) = read("smtp.pcap") else { return };
        let lines: Vec<String> =
            t.smtp.iter().map(|l| format!("{} {}: {}", l.frame, if l.client { 'C' } else { 'S' }, l.text)).collect();
        assert_eq!(
            lines,
            [
                "4 S: 220 lab.test ESMTP wirelens SMTP lab ready",
                "6 C: EHLO client.lab.test",
                "8 S: 250-lab.test Hello client.lab.test",
                "8 S: 250-SIZE 1048576",
                "8 S: 250-8BITMIME",
                "8 S: 250 HELP",
                "9 C: MAIL FROM:<alice@lab.test>",
                "10 S: 250 2.1.0 Sender OK",
                "11 C: RCPT TO:<bob@lab.test>",
                "12 S: 250 2.1.5 Recipient OK",
                "13 C: DATA",
                "14 S: 354 End data with <CR><LF>.<CR><LF>",
                "15 C: [message: 134 bytes, subject: wirelens SMTP lab]",
                "16 S: 250 2.0.0 OK: queued as 1",
                "17 C: QUIT",
                "18 S: 221 2.0.0 lab.test closing connection",
            ]
        );
        assert!(t.smtp.iter().all(|l| l.stream == Some(0)));
        assert!(!t.smtp.iter().any(|l| l.cleartext));
    }

    /// A protocol's command rows: request, command, response, reply, time in µs.
    fn commands(t: &Transactions, kind: super::super::command_replies::Kind) -> Vec<(Option<u32>, String, Option<u32>, String, Option<i64>)> {
        t.commands.rows(kind).iter().map(|r| (r.request, r.command.clone(), r.response, r.reply.clone(), r.time.map(|ns| ns / 1000))).collect()
    }

    #[test]
    fn ftp_pop_imap_commands_meet_their_replies_and_tls_hellos_pair() {
        use super::super::command_replies::Kind;
        let row = |q: Option<u32>, c: &str, r: u32, rep: &str, us: Option<i64>| (q, c.to_string(), Some(r), rep.to_string(), us);
        if let Some(t) = read("ftp.pcap") {
            assert_eq!(
                commands(&t, Kind::Ftp)[..3],
                [
                    row(None, "", 4, "220 pyftpdlib 2.2.0 ready.", None),
                    row(Some(6), "USER anonymous", 8, "331 Username ok, send password.", Some(229)),
                    row(Some(9), "PASS ftp@example.com", 10, "230 Login successful.", Some(41)),
                ]
            );
        }
        if let Some(t) = read("pop3.pcap") {
            assert_eq!(
                commands(&t, Kind::Pop)[..3],
                [
                    row(None, "", 4, "+OK Dovecot (Debian) ready.", None),
                    row(Some(6), "USER lab", 8, "+OK", Some(83)),
                    row(Some(9), "PASS labpass", 11, "+OK Logged in.", Some(18219)),
                ]
            );
        }
        if let Some(t) = read("imap.pcap") {
            let imap = commands(&t, Kind::Imap);
            assert_eq!(imap[1], row(Some(9), "PPAO1 LOGIN lab \"labpass\"", 11, "PPAO1 OK Logged in", Some(20977)));
            assert!(imap.iter().all(|r| r.2.is_some()), "{imap:#?}");
        }
        if let Some(t) = read("tls12.pcap") {
            assert_eq!(
                commands(&t, Kind::Tls),
                [row(Some(4), "Client Hello (SNI=lab.test)", 6, "Server Hello, Certificate, Server Key Exchange, Server Hello Done", commands(&t, Kind::Tls)[0].4)]
            );
            assert!(commands(&t, Kind::Tls)[0].4.is_some_and(|us| us > 0));
        }
    }

    fn transcript(t: &Transactions) -> Vec<String> {
        t.smtp.iter().map(|l| format!("{} {}: {}", l.frame, if l.client { 'C' } else { 'S' }, l.text)).collect()
    }

    #[test]
    fn auth_login_lines_show_what_their_base64_says_and_are_flagged() {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/captures/zeek__smtp.pcap");
        let Some(t) = read_path(&path) else { return };
        let lines = transcript(&t);
        let at = lines.iter().position(|l| l == "10 C: AUTH LOGIN").unwrap_or_else(|| panic!("{lines:#?}"));
        assert_eq!(
            lines[at..at + 6],
            [
                "10 C: AUTH LOGIN",
                "11 S: 334 VXNlcm5hbWU6  → \"Username:\"",
                "12 C: Z3VycGFydGFwQHBhdHJpb3RzLmlu  → \"gurpartap@patriots.in\" [user name in cleartext]",
                "13 S: 334 UGFzc3dvcmQ6  → \"Password:\"",
                "14 C: cHVuamFiQDEyMw==  → \"punjab@123\" [password in cleartext]",
                "15 S: 235 Authentication succeeded",
            ]
        );
        let flagged: Vec<u32> = t.smtp.iter().filter(|l| l.cleartext).map(|l| l.frame).collect();
        assert_eq!(flagged, [12, 14]);
    }

    fn line(client: bool, text: &str) -> Item {
        Item::Smtp(SmtpLine { frame: 1, stream: Some(0), client, text: text.into(), cleartext: false })
    }

    #[test]
    fn auth_plain_credentials_are_decoded_inline_or_after_334() {
        let mut t = Transactions::default();
        t.add(line(true, "AUTH PLAIN"));
        t.add(line(false, "334 "));
        t.add(line(true, "AGFsaWNlAHMzY3JldA=="));
        t.add(line(false, "235 2.7.0 Authentication successful"));
        t.add(line(true, "AGFsaWNlAHMzY3JldA=="));
        let got = transcript(&t);
        assert_eq!(got[2], "1 C: AGFsaWNlAHMzY3JldA==  → \"\\0alice\\0s3cret\" [user name and password in cleartext]");
        // Only the line answering the 334 is credentials.
        assert_eq!(got[4], "1 C: AGFsaWNlAHMzY3JldA==");
        assert_eq!(auth_initial_response("AUTH PLAIN AGFsaWNlAHMzY3JldA==").as_deref(), Some("  → \"\\0alice\\0s3cret\" [user name and password in cleartext]"));
        assert_eq!(auth_initial_response("AUTH CRAM-MD5"), None);
        assert_eq!(auth_initial_response("MAIL FROM:<a@b>"), None);
    }

    #[test]
    fn base64_decodes_with_and_without_padding() {
        assert_eq!(base64("VXNlcm5hbWU6").as_deref(), Some(&b"Username:"[..]));
        assert_eq!(base64("cHVuamFiQDEyMw==").as_deref(), Some(&b"punjab@123"[..]));
        assert_eq!(base64("cHVuamFiQDEyMw").as_deref(), Some(&b"punjab@123"[..]));
        assert_eq!(base64("HELO"), Some(vec![0x1c, 0x42, 0xce]));
        assert_eq!(base64("not base64!"), None);
        assert_eq!(base64("A"), None);
    }
}
