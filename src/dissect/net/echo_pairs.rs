//! Matching ICMP / ICMPv6 echo requests with their replies, as Wireshark
//! does for `icmp.resp_in` / `icmp.resp_to` and the `(request in N)` note.
//!
//! The first, in-order pass records each request and pairs each reply with
//! the latest unanswered request of the same addresses, identifier and
//! sequence number. A later look at a request (the TUI revisiting it) also
//! knows its reply, as Wireshark's second pass does.

use crate::dissect::conv::HashMap;
use std::net::IpAddr;

use crate::field::Timestamp;

/// (request source, request destination, identifier, sequence number).
type Key = (IpAddr, IpAddr, u16, u16);

#[derive(Clone, Copy, Debug)]
struct Exchange {
    request: u32,
    request_ts: Timestamp,
    reply: Option<u32>,
}

#[derive(Default)]
pub struct EchoTable {
    exchanges: Vec<Exchange>,
    open: HashMap<Key, Vec<usize>>,
    by_frame: HashMap<u32, usize>,
}

/// What is known about an echo message's partner.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EchoMatch {
    /// A request; its reply's frame when it has been seen.
    Request { reply: Option<u32> },
    /// A reply to the request in `request`, sent at `request_ts`.
    Reply { request: u32, request_ts: Timestamp },
    /// A reply with no request seen.
    Unmatched,
}

impl EchoTable {
    /// Records (first pass) or looks up (later passes) an echo request.
    pub fn request(&mut self, first: bool, frame: u32, ts: Timestamp, key: Key) -> EchoMatch {
        if first {
            let i = self.exchanges.len();
            self.exchanges.push(Exchange { request: frame, request_ts: ts, reply: None });
            self.open.entry(key).or_default().push(i);
            self.by_frame.insert(frame, i);
            return EchoMatch::Request { reply: None };
        }
        let reply = self.by_frame.get(&frame).and_then(|&i| self.exchanges.get(i)?.reply);
        EchoMatch::Request { reply }
    }

    /// Records or looks up an echo reply; `key` is in the request's
    /// direction (the reply's destination first).
    pub fn reply(&mut self, first: bool, frame: u32, key: Key) -> EchoMatch {
        let found = if first {
            let i = self.open.get(&key).and_then(|v| {
                v.iter().rev().copied().find(|&i| self.exchanges.get(i).is_some_and(|e| e.reply.is_none()))
            });
            if let Some(i) = i {
                self.exchanges[i].reply = Some(frame);
                self.by_frame.insert(frame, i);
            }
            i
        } else {
            self.by_frame.get(&frame).copied()
        };
        match found.and_then(|i| self.exchanges.get(i)) {
            Some(e) => EchoMatch::Reply { request: e.request, request_ts: e.request_ts },
            None => EchoMatch::Unmatched,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pairs_in_order_and_on_revisit() {
        let a: IpAddr = "10.0.0.1".parse().unwrap();
        let b: IpAddr = "10.0.0.2".parse().unwrap();
        let mut t = EchoTable::default();
        let ts = Timestamp { secs: 5, nanos: 0 };
        assert_eq!(t.request(true, 1, ts, (a, b, 7, 1)), EchoMatch::Request { reply: None });
        assert_eq!(t.reply(true, 2, (a, b, 7, 2)), EchoMatch::Unmatched);
        assert_eq!(t.reply(true, 3, (a, b, 7, 1)), EchoMatch::Reply { request: 1, request_ts: ts });
        assert_eq!(t.request(false, 1, ts, (a, b, 7, 1)), EchoMatch::Request { reply: Some(3) });
        assert_eq!(t.reply(false, 3, (a, b, 7, 1)), EchoMatch::Reply { request: 1, request_ts: ts });
    }
}
