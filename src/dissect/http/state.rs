//! HTTP request/response pairing on each TCP stream (`http.request_in`,
//! `http.response_in`, `http.time`, request and response numbers). HTTP/1.x
//! answers requests in order, so a stream's unanswered requests form a queue.

use std::collections::VecDeque;

use crate::dissect::conv::HashMap;

use crate::field::Timestamp;
use crate::store::packed::{Pack, Packed};
use crate::store::varint::{get, get_delta, get_i64, get_u32, put, put_delta, put_i64};

/// A request waiting for its response.
#[derive(Clone, Debug)]
struct Pending {
    /// 0 for a request whose head was cut before it ended: Wireshark counts
    /// it but knows no frame for it.
    frame: u32,
    ts: Timestamp,
    full_uri: String,
    method_head: bool,
    /// A CONNECT: a 2xx answer has no body and makes the stream a tunnel.
    method_connect: bool,
    /// The request before it on the stream (0 for the first).
    prev_request: u32,
    /// Its index in `messages`, when they are kept.
    message: u32,
}

#[derive(Default)]
struct Stream {
    pending: VecDeque<Pending>,
    requests: u32,
    responses: u32,
    last_request_frame: u32,
    last_response_frame: u32,
    /// The frame of a 2xx answer to CONNECT: after it the stream carries
    /// the tunnel's bytes, no HTTP (0: none).
    tunnel_after: u32,
    /// The `host:port` of the stream's last CONNECT.
    connect_target: String,
    /// The last full URI a request on the stream had: what Wireshark shows
    /// a response to a request cut before its URI was put together.
    last_full_uri: String,
}

/// What the first pass learnt of one message, for its revisits; packed,
/// since the inspector holds one per message of a whole capture.
#[derive(Clone, Copy, Debug)]
struct Message {
    frame: u32,
    index: u16,
    response: bool,
    /// A request for HEAD, or a response to one.
    head: bool,
    number: u32,
    prev: u32,
    /// A response's time since its request.
    time: i64,
    /// A request's full URI, in `uris`.
    uri: (u32, u32),
    /// A request cut before its head ended: counted, never shown linked.
    cut: bool,
}

/// What a message is packed against: the message before it, and where the
/// last URI ended (a new one follows it in `uris`; a repeated one points
/// back).
#[derive(Default)]
struct Carry {
    frame: u32,
    uri_end: u32,
}

const RESPONSE: u8 = 1;
const HEAD: u8 = 2;
const CUT: u8 = 4;

impl Pack for Message {
    type Carry = Carry;
    type Shared = ();
    type Key = (u32, u16);

    fn key(&self) -> (u32, u16) {
        (self.frame, self.index)
    }

    fn pack(&self, c: &mut Carry, _: &mut (), out: &mut Vec<u8>) {
        put(out, self.frame.wrapping_sub(c.frame) as u64);
        put(out, self.index as u64);
        out.push(if self.response { RESPONSE } else { 0 } | if self.head { HEAD } else { 0 } | if self.cut { CUT } else { 0 });
        put(out, self.number as u64);
        put_delta(out, self.prev, self.frame);
        if self.response {
            put_i64(out, self.time);
        } else {
            put_delta(out, self.uri.0, c.uri_end);
            put(out, self.uri.1 as u64);
            c.uri_end = self.uri.0.wrapping_add(self.uri.1);
        }
        c.frame = self.frame;
    }

    fn unpack(c: &mut Carry, _: &(), rd: &mut &[u8]) -> Option<Message> {
        let frame = c.frame.wrapping_add(get_u32(rd)?);
        let index = u16::try_from(get(rd)?).ok()?;
        let (&flags, rest) = rd.split_first()?;
        *rd = rest;
        let number = get_u32(rd)?;
        let prev = get_delta(rd, frame)?;
        let response = flags & RESPONSE != 0;
        let (time, uri) = if response {
            (get_i64(rd)?, (0, 0))
        } else {
            let start = get_delta(rd, c.uri_end)?;
            let uri = (start, get_u32(rd)?);
            c.uri_end = start.wrapping_add(uri.1);
            (0, uri)
        };
        c.frame = frame;
        Some(Message { frame, index, response, head: flags & HEAD != 0, number, prev, time, uri, cut: flags & CUT != 0 })
    }
}

/// What one HTTP message is linked to.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Links {
    /// 1-based position among the stream's requests (or responses).
    pub number: u32,
    /// For a request: its response's frame (known on a later pass only).
    pub response_in: u32,
    /// For a response: its request's frame, and the time since it.
    pub request_in: u32,
    pub time: Option<i64>,
    /// For a response: the URI it answers.
    pub request_uri: Option<String>,
    /// The previous message of the same kind on the stream.
    pub prev: u32,
    /// For a response: the request before the one it answers.
    pub prev_request: u32,
    /// For a response: whether its request was HEAD (no body follows).
    pub head: bool,
}

pub struct HttpState {
    streams: HashMap<u32, Stream>,
    /// Every message in first-pass order, when frames will be dissected
    /// again (`keep_frames`), and the full URIs of the requests among them.
    messages: Packed<Message>,
    /// For each message, the other of its pair: 1 + its position, 0 for
    /// none (yet: a request learns its response later).
    pairs: Vec<u32>,
    /// The newest kept message's frame and index.
    last: Option<(u32, u16)>,
    uris: String,
    /// The newest request's URI in `uris`.
    last_uri: (u32, u32),
    /// The links given for the frame being dissected: it may be handed
    /// over more than once, and counts once.
    current: Vec<((u32, u16), Links)>,
    /// Whether frames will be dissected again (the inspector) and so need
    /// their links kept; a one-pass run keeps only the open requests.
    pub keep_frames: bool,
}

impl Default for HttpState {
    fn default() -> HttpState {
        HttpState {
            streams: HashMap::default(),
            messages: Packed::default(),
            pairs: Vec::new(),
            last: None,
            uris: String::new(),
            last_uri: (0, 0),
            current: Vec::new(),
            keep_frames: true,
        }
    }
}

impl HttpState {
    /// The links already given to message `at` in the first pass.
    fn given(&mut self, at: (u32, u16)) -> Option<Links> {
        if self.current.first().is_some_and(|(a, _)| a.0 != at.0) {
            self.current.clear();
        }
        self.current.iter().find(|(a, _)| *a == at).map(|(_, l)| l.clone())
    }

    /// A request on `stream` in the first pass.
    pub fn request(&mut self, stream: u32, at: (u32, u16), ts: Timestamp, full_uri: String, method: &str) -> Links {
        self.streams.entry(stream).or_default().last_full_uri.clone_from(&full_uri);
        self.push_request(stream, at, ts, full_uri, method, false)
    }

    /// A request whose head was cut before it ended (Wireshark's view when
    /// it cannot wait for the rest): it takes a number, and its response
    /// shows no request frame or time, and as its URI the stream's last
    /// full one, or this request's own when there is none.
    pub fn cut_request(&mut self, stream: u32, at: (u32, u16), ts: Timestamp, uri: &str, method: &str) {
        let s = self.streams.entry(stream).or_default();
        let shown = if s.last_full_uri.is_empty() { uri.to_string() } else { s.last_full_uri.clone() };
        self.push_request(stream, at, ts, shown, method, true);
    }

    fn push_request(&mut self, stream: u32, at: (u32, u16), ts: Timestamp, full_uri: String, method: &str, cut: bool) -> Links {
        let head = method == "HEAD";
        if let Some(l) = self.given(at) {
            return l;
        }
        let s = self.streams.entry(stream).or_default();
        s.requests += 1;
        let links = Links { number: s.requests, prev: s.last_request_frame, ..Links::default() };
        // A cut request has no frame for the next one to point back to.
        s.last_request_frame = if cut { 0 } else { at.0 };
        let message = self.messages.len() as u32;
        if self.keep_frames {
            // Clients ask for the same URI again and again: it is kept once.
            let (start, len) = (self.last_uri.0 as usize, self.last_uri.1 as usize);
            if self.uris.get(start..start + len) != Some(full_uri.as_str()) {
                self.last_uri = (self.uris.len() as u32, full_uri.len() as u32);
                self.uris.push_str(&full_uri);
            }
            let uri = self.last_uri;
            self.messages.push(&Message {
                frame: at.0,
                index: at.1,
                response: false,
                head,
                number: links.number,
                prev: links.prev,
                time: 0,
                uri,
                cut,
            });
            self.pairs.push(0);
            self.last = Some(at);
        }
        let method_connect = method == "CONNECT";
        let frame = if cut { 0 } else { at.0 };
        s.pending.push_back(Pending { frame, ts, full_uri, method_head: head, method_connect, prev_request: links.prev, message });
        self.current.push((at, links.clone()));
        links
    }

    /// A response on `stream`: pairs it with the oldest unanswered request
    /// in the first pass, or gives the links it had then.
    pub fn response(&mut self, stream: u32, at: (u32, u16), ts: Timestamp) -> Links {
        if let Some(l) = self.given(at).or_else(|| self.revisit(at)) {
            return l;
        }
        let s = self.streams.entry(stream).or_default();
        s.responses += 1;
        let mut links = Links { number: s.responses, prev: s.last_response_frame, ..Links::default() };
        s.last_response_frame = at.0;
        let q = s.pending.pop_front();
        if s.pending.is_empty() {
            // Most streams are done with their requests here: their room
            // goes, rather than stay for each of thousands of streams.
            s.pending = VecDeque::new();
        }
        if let Some(q) = &q {
            links.request_in = q.frame;
            links.prev_request = q.prev_request;
            links.time = (q.frame != 0).then(|| ts.since(q.ts));
            links.head = q.method_head;
        }
        if self.keep_frames {
            let me = self.messages.len() as u32 + 1;
            let pair = q.as_ref().map_or(0, |q| q.message + 1);
            if let Some(p) = q.as_ref().and_then(|q| self.pairs.get_mut(q.message as usize)) {
                *p = me;
            }
            self.messages.push(&Message {
                frame: at.0,
                index: at.1,
                response: true,
                head: links.head,
                number: links.number,
                prev: links.prev,
                time: links.time.unwrap_or(0),
                uri: (0, 0),
                cut: false,
            });
            self.pairs.push(pair);
            self.last = Some(at);
        }
        links.request_uri = q.map(|q| q.full_uri);
        self.current.push((at, links.clone()));
        links
    }

    /// Whether the next response on `stream` answers a HEAD request.
    pub fn next_is_head(&self, stream: u32) -> bool {
        let s = self.streams.get(&stream);
        s.and_then(|s| s.pending.front()).is_some_and(|q| q.method_head)
    }

    /// Whether the next response on `stream` answers a CONNECT.
    pub fn next_is_connect(&self, stream: u32) -> bool {
        let s = self.streams.get(&stream);
        s.and_then(|s| s.pending.front()).is_some_and(|q| q.method_connect)
    }

    /// A CONNECT request on `stream` for `target` (`host:port`).
    pub fn connect_to(&mut self, stream: u32, target: &str) {
        self.streams.entry(stream).or_default().connect_target = target.to_owned();
    }

    /// The `host:port` the tunnel on `stream` leads to.
    pub fn tunnel_target(&self, stream: u32) -> &str {
        self.streams.get(&stream).map_or("", |s| s.connect_target.as_str())
    }

    /// A 2xx answer to CONNECT in `frame`: the stream is a tunnel after it.
    pub fn open_tunnel(&mut self, stream: u32, frame: u32) {
        self.streams.entry(stream).or_default().tunnel_after = frame;
    }

    /// Whether the 2xx answer to CONNECT that made `stream` a tunnel is in `frame`.
    pub fn tunnel_opened_in(&self, stream: u32, frame: u32) -> bool {
        self.streams.get(&stream).is_some_and(|s| s.tunnel_after != 0 && s.tunnel_after == frame)
    }

    /// Whether `frame` of `stream` comes after the stream became a tunnel
    /// (on any pass: the frame is compared, not the order of calls).
    pub fn in_tunnel(&self, stream: u32, frame: u32) -> bool {
        self.streams.get(&stream).is_some_and(|s| s.tunnel_after != 0 && frame > s.tunnel_after)
    }

    /// Whether the stream already carried an HTTP message, either way (so
    /// bytes that start no message are a continuation, not another
    /// protocol: an HTTP/0.9 answer after a request tshark read).
    pub fn seen(&self, stream: u32) -> bool {
        self.streams.get(&stream).is_some_and(|s| s.requests > 0 || s.responses > 0)
    }

    /// The links of a message already seen (both directions known).
    pub fn revisit(&self, at: (u32, u16)) -> Option<Links> {
        // On the first pass a response is looked up before it is kept.
        if self.last.is_none_or(|last| at > last) {
            return None;
        }
        let (i, m) = self.messages.find(&at)?;
        let pair = self.pairs.get(i).and_then(|&p| (p as usize).checked_sub(1)).and_then(|p| self.messages.get(p));
        let mut l = Links { number: m.number, prev: m.prev, ..Links::default() };
        match pair {
            Some(q) if m.response => {
                l.request_in = if q.cut { 0 } else { q.frame };
                l.prev_request = q.prev;
                l.time = (!q.cut).then_some(m.time);
                l.head = m.head;
                let (start, len) = (q.uri.0 as usize, q.uri.1 as usize);
                l.request_uri = self.uris.get(start..start + len).map(str::to_string);
            }
            Some(r) => l.response_in = r.frame,
            None => {}
        }
        Some(l)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pipelined_requests_pair_in_order() {
        let mut h = HttpState::default();
        let t = |ms: i64| Timestamp { secs: 0, nanos: ms as u32 * 1_000_000 };
        h.request(0, (4, 0), t(1), "http://a/1".into(), "GET");
        let r2 = h.request(0, (4, 1), t(1), "http://a/2".into(), "HEAD");
        assert_eq!((r2.number, r2.prev), (2, 4));
        assert!(!h.next_is_head(0));
        let a = h.response(0, (6, 0), t(5));
        assert_eq!((a.request_in, a.time, a.request_uri.as_deref()), (4, Some(4_000_000), Some("http://a/1")));
        assert!(h.next_is_head(0));
        let b = h.response(0, (7, 0), t(6));
        assert_eq!((b.request_in, b.number, b.prev, b.head), (4, 2, 6, true));
        assert_eq!(h.revisit((4, 1)).map(|l| l.response_in), Some(7));
        // Seeing a frame again does not count it twice.
        assert_eq!(h.response(0, (7, 0), t(6)).number, 2);
    }

    #[test]
    fn a_connect_answered_makes_a_tunnel_after_its_frame() {
        let mut h = HttpState::default();
        let t = Timestamp::default();
        h.request(3, (4, 0), t, "127.0.0.1:8080".into(), "CONNECT");
        assert!(h.next_is_connect(3) && !h.next_is_connect(2));
        h.open_tunnel(3, 6);
        assert!(!h.in_tunnel(3, 4) && !h.in_tunnel(3, 6) && h.in_tunnel(3, 8) && !h.in_tunnel(2, 8));
        assert!(h.tunnel_opened_in(3, 6) && !h.tunnel_opened_in(3, 8));
    }

    #[test]
    fn a_cut_request_is_counted_but_shows_no_frame() {
        let mut h = HttpState::default();
        let t = Timestamp::default();
        h.cut_request(0, (4, 0), t, "/a", "GET");
        let r = h.response(0, (6, 0), t);
        assert_eq!((r.number, r.request_in, r.time, r.request_uri.as_deref()), (1, 0, None, Some("/a")));
        h.request(0, (8, 0), t, "http://h/b".into(), "GET");
        h.cut_request(0, (10, 0), t, "/c", "GET");
        h.response(0, (11, 0), t);
        let next = h.request(0, (12, 0), t, "http://h/d".into(), "GET");
        assert_eq!((next.number, next.prev), (4, 0), "no frame to point back to");
        let r = h.response(0, (13, 0), t);
        assert_eq!((r.request_in, r.prev_request, r.request_uri.as_deref()), (0, 8, Some("http://h/b")));
        let again = h.revisit((13, 0)).unwrap_or_default();
        assert_eq!((again.request_in, again.time, again.prev_request), (0, None, 8));
    }

    #[test]
    fn a_repeated_uri_is_kept_once() {
        let mut h = HttpState::default();
        let t = Timestamp::default();
        for (i, uri) in ["http://a/x", "http://a/x", "http://a/yy", "http://a/x"].iter().enumerate() {
            let f = 10 * i as u32;
            h.request(i as u32, (f, 0), t, uri.to_string(), "GET");
            assert_eq!(h.response(i as u32, (f + 1, 0), t).request_uri.as_deref(), Some(*uri));
        }
        assert_eq!(h.uris, "http://a/xhttp://a/yyhttp://a/x");
        for (i, uri) in ["http://a/x", "http://a/x", "http://a/yy", "http://a/x"].iter().enumerate() {
            assert_eq!(h.revisit((10 * i as u32 + 1, 0)).and_then(|l| l.request_uri).as_deref(), Some(*uri));
        }
    }
}
