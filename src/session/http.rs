//! HTTP request/response pairing on each TCP stream (`http.request_in`,
//! `http.response_in`, `http.time`, request and response numbers). HTTP/1.x
//! answers requests in order, so a stream's unanswered requests form a queue.

use std::collections::VecDeque;

use super::HashMap;

use crate::field::Timestamp;

#[derive(Clone, Debug)]
struct Request {
    frame: u32,
    ts: Timestamp,
    full_uri: String,
    method_head: bool,
    response_frame: u32,
    /// The request before it on the stream (0 for the first).
    prev_request: u32,
}

#[derive(Default)]
struct Stream {
    pending: VecDeque<usize>,
    requests: u32,
    responses: u32,
    last_request_frame: u32,
    last_response_frame: u32,
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
    /// Requests by number; in a one-pass run only the unanswered ones.
    requests: HashMap<usize, Request>,
    next_request: usize,
    streams: HashMap<u32, Stream>,
    /// Links of each (frame, message index within the frame).
    seen: HashMap<(u32, u16), Links>,
    /// For requests, which `requests` entry, so a revisit learns the response.
    request_of: HashMap<(u32, u16), usize>,
    /// Whether frames will be dissected again (the inspector) and so need
    /// their links kept; a one-pass run keeps only the current frame's, so
    /// memory stays bounded by the open requests.
    pub keep_frames: bool,
    last_frame: u32,
}

impl Default for HttpState {
    fn default() -> HttpState {
        HttpState {
            requests: HashMap::default(),
            next_request: 0,
            streams: HashMap::default(),
            seen: HashMap::default(),
            request_of: HashMap::default(),
            keep_frames: true,
            last_frame: 0,
        }
    }
}

impl HttpState {
    /// In a one-pass run, forgets the links of frames already done.
    fn next_frame(&mut self, frame: u32) {
        if !self.keep_frames && frame != self.last_frame {
            self.seen.clear();
            self.request_of.clear();
        }
        self.last_frame = frame;
    }

    /// A request on `stream` in the first pass.
    pub fn request(&mut self, stream: u32, at: (u32, u16), ts: Timestamp, full_uri: String, head: bool) -> Links {
        self.next_frame(at.0);
        if let Some(l) = self.revisit_request(at) {
            return l;
        }
        let s = self.streams.entry(stream).or_default();
        s.requests += 1;
        let links = Links { number: s.requests, prev: s.last_request_frame, ..Links::default() };
        s.last_request_frame = at.0;
        let r = self.next_request;
        self.next_request += 1;
        self.requests.insert(r, Request { frame: at.0, ts, full_uri, method_head: head, response_frame: 0, prev_request: links.prev });
        s.pending.push_back(r);
        self.request_of.insert(at, r);
        self.seen.insert(at, links.clone());
        links
    }

    /// A response on `stream` in the first pass: pairs it with the oldest
    /// unanswered request.
    pub fn response(&mut self, stream: u32, at: (u32, u16), ts: Timestamp) -> Links {
        self.next_frame(at.0);
        if let Some(l) = self.seen.get(&at) {
            return l.clone();
        }
        let s = self.streams.entry(stream).or_default();
        s.responses += 1;
        let mut links = Links { number: s.responses, prev: s.last_response_frame, ..Links::default() };
        s.last_response_frame = at.0;
        if let Some(r) = s.pending.pop_front() {
            if let Some(q) = self.requests.get_mut(&r) {
                q.response_frame = at.0;
                links.request_in = q.frame;
                links.prev_request = q.prev_request;
                links.time = Some(ts.since(q.ts));
                links.head = q.method_head;
                links.request_uri = Some(if self.keep_frames {
                    q.full_uri.clone()
                } else {
                    std::mem::take(&mut q.full_uri)
                });
            }
            if !self.keep_frames {
                self.requests.remove(&r);
            }
        }
        self.seen.insert(at, links.clone());
        links
    }

    /// Whether the next response on `stream` answers a HEAD request.
    pub fn next_is_head(&self, stream: u32) -> bool {
        let s = self.streams.get(&stream);
        let r = s.and_then(|s| s.pending.front());
        r.and_then(|r| self.requests.get(r)).is_some_and(|q| q.method_head)
    }

    /// Whether the stream already carried an HTTP message in this direction
    /// (so bytes that start no message are a continuation, not another
    /// protocol).
    pub fn seen(&self, stream: u32, from_client: bool) -> bool {
        self.streams.get(&stream).is_some_and(|s| if from_client { s.requests > 0 } else { s.responses > 0 })
    }

    fn revisit_request(&self, at: (u32, u16)) -> Option<Links> {
        let mut l = self.seen.get(&at)?.clone();
        if let Some(q) = self.request_of.get(&at).and_then(|r| self.requests.get(r)) {
            l.response_in = q.response_frame;
        }
        Some(l)
    }

    /// The links of a message already seen (both directions known).
    pub fn revisit(&self, at: (u32, u16)) -> Option<Links> {
        self.revisit_request(at)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pipelined_requests_pair_in_order() {
        let mut h = HttpState::default();
        let t = |ms: i64| Timestamp { secs: 0, nanos: ms as u32 * 1_000_000 };
        h.request(0, (4, 0), t(1), "http://a/1".into(), false);
        let r2 = h.request(0, (4, 1), t(1), "http://a/2".into(), true);
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
}
