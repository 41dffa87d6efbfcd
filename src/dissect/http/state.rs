//! HTTP request/response pairing on each TCP stream (`http.request_in`,
//! `http.response_in`, `http.time`, request and response numbers, the
//! previous and next messages), as Wireshark 4.0 pairs them: every request
//! opens a pair, numbered on its stream; a response completes the newest
//! pair if it has no response yet, else opens a pair of its own (a response
//! without request). So pipelined requests do not queue: the first response
//! answers the last request sent, and the ones after it stand alone.

use crate::dissect::conv::HashMap;

use crate::field::Timestamp;
use crate::store::packed::{Pack, Packed};
use crate::store::varint::{get, get_delta, get_i64, get_u32, put, put_delta, put_i64};

/// A request and its response, or either alone (Wireshark's
/// `http_req_res_t`): the frames, 0 where there is none (yet).
#[derive(Clone, Copy, Debug, Default)]
struct Pair {
    req_frame: u32,
    res_frame: u32,
    /// Neighbours on the stream, as 1 + their position in `pairs` (0: none).
    prev: u32,
    next: u32,
}

/// What the first pass holds for a stream.
#[derive(Default)]
struct Stream {
    /// Pairs opened so far (the newest one's number).
    count: u32,
    /// The newest pair and the one before it, and when the newest pair's
    /// request came (None: no request frame, or none at all).
    tail: Pair,
    before: Pair,
    tail_ts: Option<Timestamp>,
    /// The newest pair's position in `pairs`, when they are kept.
    tail_at: u32,
    /// The method of the stream's last request: Wireshark decides from it
    /// whether a response has a body (HEAD, a 2xx to CONNECT).
    last_head: bool,
    last_connect: bool,
    /// The stream's first request (a response alone opens a pair too).
    first_request: Option<(u32, u16)>,
    /// The frame of a 2xx answer to CONNECT: after it the stream carries
    /// the tunnel's bytes, no HTTP (0: none).
    tunnel_after: u32,
    /// The `host:port` of the stream's last CONNECT.
    connect_target: String,
    /// The last full URI of a request with a Host, and the last URI as
    /// written: a response names the first, else the second.
    full_uri: String,
    request_uri: String,
}

/// What the first pass learnt of one message, for its revisits; packed,
/// since the inspector holds one per message of a whole capture.
#[derive(Clone, Copy, Debug)]
struct Message {
    frame: u32,
    index: u16,
    response: bool,
    /// A response with no body because of its request (HEAD).
    head: bool,
    number: u32,
    /// Its pair, by position in `pairs`.
    pair: u32,
    /// A response's time since its request (None: no request time).
    time: Option<i64>,
    /// A response's URI, in `uris`.
    uri: (u32, u32),
}

/// What a message is packed against: the message before it, and where the
/// last URI ended (a new one follows it in `uris`; a repeated one points
/// back).
#[derive(Default)]
struct Carry {
    frame: u32,
    pair: u32,
    uri_end: u32,
}

const RESPONSE: u8 = 1;
const HEAD: u8 = 2;
const TIMED: u8 = 4;

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
        let flags = if self.response { RESPONSE } else { 0 } | if self.head { HEAD } else { 0 };
        out.push(flags | if self.time.is_some() { TIMED } else { 0 });
        put(out, self.number as u64);
        put_delta(out, self.pair, c.pair);
        if self.response {
            if let Some(t) = self.time {
                put_i64(out, t);
            }
            put_delta(out, self.uri.0, c.uri_end);
            put(out, self.uri.1 as u64);
            c.uri_end = self.uri.0.wrapping_add(self.uri.1);
        }
        (c.frame, c.pair) = (self.frame, self.pair);
    }

    fn unpack(c: &mut Carry, _: &(), rd: &mut &[u8]) -> Option<Message> {
        let frame = c.frame.wrapping_add(get_u32(rd)?);
        let index = u16::try_from(get(rd)?).ok()?;
        let (&flags, rest) = rd.split_first()?;
        *rd = rest;
        let number = get_u32(rd)?;
        let pair = get_delta(rd, c.pair)?;
        let response = flags & RESPONSE != 0;
        let (mut time, mut uri) = (None, (0, 0));
        if response {
            if flags & TIMED != 0 {
                time = Some(get_i64(rd)?);
            }
            let start = get_delta(rd, c.uri_end)?;
            uri = (start, get_u32(rd)?);
            c.uri_end = start.wrapping_add(uri.1);
        }
        (c.frame, c.pair) = (frame, pair);
        Some(Message { frame, index, response, head: flags & HEAD != 0, number, pair, time, uri })
    }
}

/// What one HTTP message is linked to (frames, 0 for none).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Links {
    /// Its pair's number on the stream.
    pub number: u32,
    /// For a request: its pair's response (known on a later pass only).
    pub response_in: u32,
    /// For a response: its pair's request, and the time since it.
    pub request_in: u32,
    pub time: Option<i64>,
    /// For a response: the URI it answers.
    pub request_uri: Option<String>,
    /// The request and response of the pair before, and of the pair after
    /// (known on a later pass only).
    pub prev_request: u32,
    pub prev_response: u32,
    pub next_request: u32,
    pub next_response: u32,
    /// For a response: whether it answers HEAD (no body follows).
    pub head: bool,
}

pub struct HttpState {
    streams: HashMap<u32, Stream>,
    /// Every pair and every message in first-pass order, when frames will
    /// be dissected again (`keep_frames`), and the URIs responses name.
    pairs: Vec<Pair>,
    messages: Packed<Message>,
    /// The newest kept message's frame and index.
    last: Option<(u32, u16)>,
    uris: String,
    /// The newest response's URI in `uris`.
    last_uri: (u32, u32),
    /// The links given for the frame being dissected: it may be handed
    /// over more than once, and counts once.
    current: Vec<((u32, u16), Links)>,
    /// Whether frames will be dissected again (the inspector) and so need
    /// their links kept; a one-pass run keeps only each stream's newest pairs.
    pub keep_frames: bool,
}

impl Default for HttpState {
    fn default() -> HttpState {
        HttpState {
            streams: HashMap::default(),
            pairs: Vec::new(),
            messages: Packed::default(),
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

    /// A request on `stream` in the first pass; `full_uri` is empty when the
    /// head has no Host (Wireshark then keeps the stream's last one).
    pub fn request(&mut self, stream: u32, at: (u32, u16), ts: Timestamp, uri: &str, full_uri: &str, method: &str) -> Links {
        self.push_request(stream, at, Some(ts), uri, full_uri, method)
    }

    /// A request whose head was cut before it ended (Wireshark's view when
    /// it cannot wait for the rest): it opens a pair, but shows no frame or
    /// time to its response, which names its URI only as written.
    pub fn cut_request(&mut self, stream: u32, at: (u32, u16), uri: &str, method: &str) {
        self.push_request(stream, at, None, uri, "", method);
    }

    fn push_request(&mut self, stream: u32, at: (u32, u16), ts: Option<Timestamp>, uri: &str, full_uri: &str, method: &str) -> Links {
        if let Some(l) = self.given(at) {
            return l;
        }
        let s = self.streams.entry(stream).or_default();
        s.request_uri.clear();
        s.request_uri.push_str(uri);
        if !full_uri.is_empty() {
            s.full_uri.clear();
            s.full_uri.push_str(full_uri);
        }
        (s.last_head, s.last_connect) = (method == "HEAD", method == "CONNECT");
        s.first_request.get_or_insert(at);
        let frame = if ts.is_some() { at.0 } else { 0 };
        let pair = Pair { req_frame: frame, ..Pair::default() };
        let links = Links { number: s.count + 1, prev_request: s.tail.req_frame, ..Links::default() };
        Self::open_pair(s, &mut self.pairs, self.keep_frames, pair, ts);
        if self.keep_frames {
            let m = Message { frame: at.0, index: at.1, response: false, head: false, number: links.number, pair: s.tail_at, time: None, uri: (0, 0) };
            self.messages.push(&m);
            self.last = Some(at);
        }
        self.current.push((at, links.clone()));
        links
    }

    /// Opens a pair after the stream's newest one.
    fn open_pair(s: &mut Stream, pairs: &mut Vec<Pair>, keep: bool, mut pair: Pair, ts: Option<Timestamp>) {
        s.count += 1;
        if keep {
            let at = pairs.len() as u32;
            if s.count > 1 {
                pair.prev = s.tail_at + 1;
                if let Some(p) = pairs.get_mut(s.tail_at as usize) {
                    p.next = at + 1;
                }
            }
            pairs.push(pair);
            s.tail_at = at;
        }
        (s.before, s.tail, s.tail_ts) = (s.tail, pair, ts);
    }

    /// A response on `stream`: completes the newest pair, or opens one, in
    /// the first pass; gives the links it had then on a later one.
    pub fn response(&mut self, stream: u32, at: (u32, u16), ts: Timestamp) -> Links {
        if let Some(l) = self.given(at).or_else(|| self.revisit(at)) {
            return l;
        }
        let s = self.streams.entry(stream).or_default();
        let alone = s.count == 0 || s.tail.res_frame != 0;
        if alone {
            Self::open_pair(s, &mut self.pairs, self.keep_frames, Pair::default(), None);
        }
        s.tail.res_frame = at.0;
        if self.keep_frames {
            if let Some(p) = self.pairs.get_mut(s.tail_at as usize) {
                p.res_frame = at.0;
            }
        }
        let uri = if s.full_uri.is_empty() { &s.request_uri } else { &s.full_uri };
        let links = Links {
            number: s.count,
            request_in: s.tail.req_frame,
            time: s.tail_ts.map(|t| ts.since(t)),
            request_uri: (!uri.is_empty()).then(|| uri.clone()),
            prev_request: s.before.req_frame,
            prev_response: s.before.res_frame,
            head: s.last_head,
            ..Links::default()
        };
        if self.keep_frames {
            // Responses name the same URI again and again: it is kept once.
            let (start, len) = (self.last_uri.0 as usize, self.last_uri.1 as usize);
            if self.uris.get(start..start + len) != Some(uri.as_str()) {
                self.last_uri = (self.uris.len() as u32, uri.len() as u32);
                self.uris.push_str(uri);
            }
            let m = Message {
                frame: at.0,
                index: at.1,
                response: true,
                head: links.head,
                number: links.number,
                pair: s.tail_at,
                time: links.time,
                uri: self.last_uri,
            };
            self.messages.push(&m);
            self.last = Some(at);
        }
        self.current.push((at, links.clone()));
        links
    }

    /// Whether the next response on `stream` answers a HEAD request: the
    /// stream's last request was one.
    pub fn next_is_head(&self, stream: u32) -> bool {
        self.streams.get(&stream).is_some_and(|s| s.last_head)
    }

    /// Whether the next response on `stream` answers a CONNECT.
    pub fn next_is_connect(&self, stream: u32) -> bool {
        self.streams.get(&stream).is_some_and(|s| s.last_connect)
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

    /// Whether the stream carried an HTTP request before message `at`
    /// (frame, index) (so bytes that start no message are Wireshark's
    /// "Continuation": an HTTP/0.9 answer after a request tshark read). The
    /// same on every pass.
    pub fn requested_before(&self, stream: u32, at: (u32, u16)) -> bool {
        self.streams.get(&stream).and_then(|s| s.first_request).is_some_and(|first| first < at)
    }

    /// The links of a message already seen (both directions known).
    pub fn revisit(&self, at: (u32, u16)) -> Option<Links> {
        // On the first pass a response is looked up before it is kept.
        if self.last.is_none_or(|last| at > last) {
            return None;
        }
        let (_, m) = self.messages.find(&at)?;
        let pair = |i: u32| (i as usize).checked_sub(1).and_then(|i| self.pairs.get(i)).copied().unwrap_or_default();
        let p = self.pairs.get(m.pair as usize).copied().unwrap_or_default();
        let (prev, next) = (pair(p.prev), pair(p.next));
        let mut l = Links {
            number: m.number,
            prev_request: prev.req_frame,
            next_request: next.req_frame,
            head: m.head,
            ..Links::default()
        };
        if m.response {
            (l.request_in, l.time) = (p.req_frame, m.time);
            (l.prev_response, l.next_response) = (prev.res_frame, next.res_frame);
            let (start, len) = (m.uri.0 as usize, m.uri.1 as usize);
            l.request_uri = self.uris.get(start..start + len).filter(|u| !u.is_empty()).map(str::to_string);
        } else {
            l.response_in = p.res_frame;
        }
        Some(l)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_first_response_answers_the_last_pipelined_request() {
        let mut h = HttpState::default();
        let t = |ms: i64| Timestamp { secs: 0, nanos: ms as u32 * 1_000_000 };
        h.request(0, (4, 0), t(1), "/1", "http://a/1", "GET");
        let r2 = h.request(0, (4, 1), t(1), "/2", "http://a/2", "HEAD");
        assert_eq!((r2.number, r2.prev_request), (2, 4));
        assert!(h.next_is_head(0));
        let a = h.response(0, (6, 0), t(5));
        assert_eq!((a.number, a.request_in, a.time, a.request_uri.as_deref()), (2, 4, Some(4_000_000), Some("http://a/2")));
        assert_eq!((a.prev_request, a.prev_response, a.head), (4, 0, true));
        // The second response stands alone, after the first.
        let b = h.response(0, (7, 0), t(6));
        assert_eq!((b.number, b.request_in, b.time, b.prev_request, b.prev_response), (3, 0, None, 4, 6));
        let c = h.request(0, (8, 0), t(7), "/3", "http://a/3", "GET");
        assert_eq!((c.number, c.prev_request), (4, 0));
        // Known later: the pair's response and the pairs after.
        let first = h.revisit((4, 0)).unwrap_or_default();
        assert_eq!((first.number, first.response_in, first.next_request), (1, 0, 4));
        let second = h.revisit((4, 1)).unwrap_or_default();
        assert_eq!((second.response_in, second.next_request, second.prev_request), (6, 0, 4));
        let b = h.revisit((7, 0)).unwrap_or_default();
        assert_eq!((b.number, b.prev_response, b.next_request, b.next_response, b.time), (3, 6, 8, 0, None));
        // Seeing a frame again does not count it twice.
        assert_eq!(h.response(0, (7, 0), t(6)).number, 3);
    }

    #[test]
    fn a_connect_answered_makes_a_tunnel_after_its_frame() {
        let mut h = HttpState::default();
        let t = Timestamp::default();
        h.request(3, (4, 0), t, "127.0.0.1:8080", "127.0.0.1:8080", "CONNECT");
        assert!(h.next_is_connect(3) && !h.next_is_connect(2));
        h.open_tunnel(3, 6);
        assert!(!h.in_tunnel(3, 4) && !h.in_tunnel(3, 6) && h.in_tunnel(3, 8) && !h.in_tunnel(2, 8));
        assert!(h.tunnel_opened_in(3, 6) && !h.tunnel_opened_in(3, 8));
    }

    #[test]
    fn a_cut_request_opens_a_pair_but_shows_no_frame() {
        let mut h = HttpState::default();
        let t = Timestamp::default();
        h.cut_request(0, (4, 0), "/a", "GET");
        let r = h.response(0, (6, 0), t);
        assert_eq!((r.number, r.request_in, r.time, r.request_uri.as_deref()), (1, 0, None, Some("/a")));
        h.request(0, (8, 0), t, "/b", "http://h/b", "GET");
        h.cut_request(0, (10, 0), "/c", "GET");
        let next = h.request(0, (12, 0), t, "/d", "", "GET");
        assert_eq!((next.number, next.prev_request), (4, 0), "no frame to point back to");
        // Without a Host the last full URI stays the stream's.
        let r = h.response(0, (13, 0), t);
        assert_eq!((r.request_in, r.prev_request, r.request_uri.as_deref()), (12, 0, Some("http://h/b")));
        let again = h.revisit((13, 0)).unwrap_or_default();
        assert_eq!((again.request_in, again.time, again.request_uri.as_deref()), (12, Some(0), Some("http://h/b")));
    }

    #[test]
    fn a_repeated_uri_is_kept_once() {
        let mut h = HttpState::default();
        let t = Timestamp::default();
        for (i, uri) in ["http://a/x", "http://a/x", "http://a/yy", "http://a/x"].iter().enumerate() {
            let f = 10 * i as u32;
            h.request(i as u32, (f, 0), t, "/", uri, "GET");
            assert_eq!(h.response(i as u32, (f + 1, 0), t).request_uri.as_deref(), Some(*uri));
        }
        assert_eq!(h.uris, "http://a/xhttp://a/yyhttp://a/x");
        for (i, uri) in ["http://a/x", "http://a/x", "http://a/yy", "http://a/x"].iter().enumerate() {
            assert_eq!(h.revisit((10 * i as u32 + 1, 0)).and_then(|l| l.request_uri).as_deref(), Some(*uri));
        }
    }
}
