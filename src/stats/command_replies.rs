//! Commands and their replies in the line protocols (FTP, POP3, IMAP) and
//! the TLS handshake's Client Hello and Server Hello, as request/response
//! rows with the time between them, read from the registry's items.
//!
//! FTP and POP3 answer in order, so a reply closes the oldest command of
//! its TCP stream still open; IMAP's tagged completion closes the command
//! with its tag (untagged `*` data and `+` continuations belong to no row);
//! a Server Hello closes its stream's Client Hello. A reply with nothing
//! open (a greeting) is a row of its own.

use std::collections::{HashMap, VecDeque};
use std::sync::OnceLock;

use crate::dissect::Dissection;
use crate::field::{self, format_value, Field, Value};

/// The protocols, in the order the transactions view shows their tabs.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Kind {
    Ftp,
    Pop,
    Imap,
    Tls,
}

pub const KINDS: [Kind; 4] = [Kind::Ftp, Kind::Pop, Kind::Imap, Kind::Tls];

/// One side of an exchange, as one packet carries it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Half {
    pub kind: Kind,
    pub frame: u32,
    /// The packet's time since the first packet, in nanoseconds.
    pub rel: i64,
    pub stream: Option<u64>,
    pub request: bool,
    /// IMAP's tag, which pairs a command with its completion.
    pub tag: Option<String>,
    pub text: String,
}

/// A command and its reply, or one of them alone.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Row {
    pub stream: Option<u64>,
    pub request: Option<u32>,
    pub command: String,
    pub response: Option<u32>,
    pub reply: String,
    /// From the command to its reply, in nanoseconds.
    pub time: Option<i64>,
    /// The command's time since the first packet.
    rel: i64,
}

/// Every exchange seen so far, per protocol, in the order of their first packet.
#[derive(Default)]
pub struct CommandReplies {
    rows: HashMap<Kind, Vec<Row>>,
    /// Commands still unanswered, by protocol, stream and (IMAP) tag, oldest first.
    open: HashMap<(Kind, Option<u64>, Option<String>), VecDeque<usize>>,
}

impl CommandReplies {
    pub fn rows(&self, kind: Kind) -> &[Row] {
        self.rows.get(&kind).map_or(&[], Vec::as_slice)
    }

    /// Adds a half; for a reply that closes a command, returns the
    /// command's frame and the time from it.
    pub fn add(&mut self, h: Half) -> Option<(u32, i64)> {
        let key = (h.kind, h.stream, h.tag);
        let rows = self.rows.entry(h.kind).or_default();
        if h.request {
            self.open.entry(key).or_default().push_back(rows.len());
            rows.push(Row { stream: h.stream, request: Some(h.frame), command: h.text, rel: h.rel, ..Row::default() });
            return None;
        }
        let open = self.open.get_mut(&key).and_then(VecDeque::pop_front);
        match open.and_then(|i| rows.get_mut(i)) {
            Some(row) => {
                row.response = Some(h.frame);
                row.reply = h.text;
                row.time = Some(h.rel - row.rel);
                Some((row.request?, h.rel - row.rel))
            }
            None => {
                rows.push(Row { stream: h.stream, response: Some(h.frame), reply: h.text, rel: h.rel, ..Row::default() });
                None
            }
        }
    }
}

/// The registry fields read here, looked up once by their filter names.
struct Fields {
    rel: Field,
    tcp_stream: Field,
    ftp_command: Field,
    ftp_arg: Field,
    ftp_code: Field,
    ftp_response_arg: Field,
    pop_command: Field,
    pop_parameter: Field,
    pop_indicator: Field,
    pop_description: Field,
    imap_request: Field,
    imap_request_tag: Field,
    imap_response: Field,
    imap_response_tag: Field,
    tls_type: Field,
    tls_sni: Field,
}

fn fields() -> Option<&'static Fields> {
    static FIELDS: OnceLock<Option<Fields>> = OnceLock::new();
    FIELDS
        .get_or_init(|| {
            let f = field::lookup;
            Some(Fields {
                rel: f("frame.time_relative")?,
                tcp_stream: f("tcp.stream")?,
                ftp_command: f("ftp.request.command")?,
                ftp_arg: f("ftp.request.arg")?,
                ftp_code: f("ftp.response.code")?,
                ftp_response_arg: f("ftp.response.arg")?,
                pop_command: f("pop.request.command")?,
                pop_parameter: f("pop.request.parameter")?,
                pop_indicator: f("pop.response.indicator")?,
                pop_description: f("pop.response.description")?,
                imap_request: f("imap.request")?,
                imap_request_tag: f("imap.request_tag")?,
                imap_response: f("imap.response")?,
                imap_response_tag: f("imap.response_tag")?,
                tls_type: f("tls.handshake.type")?,
                tls_sni: f("tls.handshake.extensions_server_name")?,
            })
        })
        .as_ref()
}

/// Appends the halves packet `frame` (its dissection `d` of `bytes`) carries.
pub fn items(frame: u32, d: &Dissection, bytes: &[u8], out: &mut Vec<Half>) {
    let Some(f) = fields() else { return };
    let nodes = &d.tree.nodes;
    let text = |id: usize| {
        let mut s = String::new();
        if let Some(n) = nodes.get(id) {
            format_value(n.field, &n.value, d.node_bytes(bytes, id), &mut s);
        }
        s
    };
    let after = |id: usize, want: Field| nodes.get(id + 1).filter(|n| field::same(n.field, want)).map(|_| text(id + 1));
    let rel = match d.tree.first(f.rel).map(|n| &n.value) {
        Some(Value::RelTime(ns)) => *ns,
        _ => 0,
    };
    let stream = d.tree.first(f.tcp_stream).and_then(|n| n.value.as_u64());
    let half = |kind, request, tag, text| Half { kind, frame, rel, stream, request, tag, text };
    let mut hello = None;
    let mut answer: Vec<String> = Vec::new();
    for (id, n) in nodes.iter().enumerate() {
        let is = |x: Field| field::same(n.field, x);
        let joined = |first: String, rest: Option<String>| rest.map_or(first.clone(), |r| format!("{first} {r}"));
        if is(f.ftp_command) {
            out.push(half(Kind::Ftp, true, None, joined(text(id), after(id, f.ftp_arg))));
        } else if is(f.ftp_code) {
            out.push(half(Kind::Ftp, false, None, joined(text(id), after(id, f.ftp_response_arg))));
        } else if is(f.pop_command) {
            out.push(half(Kind::Pop, true, None, joined(text(id), after(id, f.pop_parameter))));
        } else if is(f.pop_indicator) {
            out.push(half(Kind::Pop, false, None, joined(text(id), after(id, f.pop_description))));
        } else if is(f.imap_request) || is(f.imap_response) {
            let request = is(f.imap_request);
            let tag = after(id, if request { f.imap_request_tag } else { f.imap_response_tag });
            // A tag is an atom (RFC 9051): the `)` closing a literal's
            // FETCH data, read as a line of its own, is none.
            if tag.as_deref().is_some_and(|t| t.bytes().all(|c| c.is_ascii_graphic() && !b"(){%*\"\\]+".contains(&c))) {
                out.push(half(Kind::Imap, request, tag, text(id)));
            }
        } else if is(f.tls_type) {
            let t = n.value.as_u64().unwrap_or(0);
            let name = f.tls_type.value_string(t).map_or_else(|| format!("Handshake {t}"), str::to_string);
            match t {
                1 => hello = Some(name),
                2 => answer.push(name),
                _ if !answer.is_empty() => answer.push(name),
                _ => {}
            }
        }
    }
    if let Some(h) = hello {
        let sni = nodes.iter().position(|n| field::same(n.field, f.tls_sni)).map(|id| format!(" (SNI={})", text(id)));
        out.push(half(Kind::Tls, true, None, format!("{h}{}", sni.unwrap_or_default())));
    }
    if !answer.is_empty() {
        out.push(half(Kind::Tls, false, None, answer.join(", ")));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn half(kind: Kind, frame: u32, request: bool, tag: Option<&str>, text: &str) -> Half {
        Half { kind, frame, rel: frame as i64 * 1000, stream: Some(0), request, tag: tag.map(String::from), text: text.into() }
    }

    #[test]
    fn replies_close_the_oldest_command_and_imap_tags_pair() {
        let mut x = CommandReplies::default();
        x.add(half(Kind::Ftp, 1, false, None, "220 ready"));
        x.add(half(Kind::Ftp, 2, true, None, "USER a"));
        x.add(half(Kind::Ftp, 3, true, None, "PASS b"));
        x.add(half(Kind::Ftp, 4, false, None, "331 ok"));
        x.add(half(Kind::Ftp, 5, false, None, "230 in"));
        let got: Vec<_> = x.rows(Kind::Ftp).iter().map(|r| (r.request, r.command.as_str(), r.response, r.reply.as_str(), r.time)).collect();
        assert_eq!(
            got,
            [
                (None, "", Some(1), "220 ready", None),
                (Some(2), "USER a", Some(4), "331 ok", Some(2000)),
                (Some(3), "PASS b", Some(5), "230 in", Some(2000)),
            ]
        );
        x.add(half(Kind::Imap, 6, true, Some("a1"), "a1 NOOP"));
        x.add(half(Kind::Imap, 7, true, Some("a2"), "a2 LIST"));
        assert_eq!(x.add(half(Kind::Imap, 8, false, Some("a2"), "a2 OK")), Some((7, 1000)));
        let imap = x.rows(Kind::Imap);
        assert_eq!((imap[0].response, imap[1].response), (None, Some(8)));
        assert!(x.rows(Kind::Pop).is_empty());
    }
}
