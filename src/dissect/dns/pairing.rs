//! DNS query/response pairing (`dns.response_in`, `dns.response_to`,
//! `dns.time`), as Wireshark pairs them: by conversation and transaction ID.

use std::collections::HashMap;

use crate::field::Timestamp;

use crate::dissect::conv::ConvKey;

/// A query and, once seen, its response.
#[derive(Clone, Copy, Debug)]
struct Transaction {
    req_frame: u32,
    req_ts: Timestamp,
    rep_frame: u32,
}

/// What one frame's DNS message is linked to.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Links {
    /// For a query: the frame of its response (0 when not known yet).
    pub response_in: u32,
    /// For a response: the frame of its query (0 when unsolicited).
    pub request_in: u32,
    /// For a response: nanoseconds since its query.
    pub time: Option<i64>,
    /// A query sent again before any response (within the retransmission
    /// timer) or a second response: the frame of the original.
    pub retransmit_of: u32,
}

/// Wireshark's default DNS retransmission timer: a query repeated sooner is
/// a retransmission, a later one a new transaction.
const RETRANSMISSION_SECS: i64 = 5;

#[derive(Default)]
pub struct DnsState {
    txns: Vec<Transaction>,
    /// The open transaction of each (conversation, transaction ID).
    open: HashMap<(Option<ConvKey>, u16), usize>,
    /// The transaction each message (frame, index in the frame) took part
    /// in, for later passes.
    by_frame: HashMap<(u32, u16), usize>,
}

impl DnsState {
    /// Records a message in the first pass and returns what is known of its
    /// links at that point (as tshark's single pass: a query cannot know its
    /// response yet). `conv` is the conversation (none when
    /// the network layer gave no addresses); `at`: the frame and the
    /// message's index in it.
    pub fn first_pass(&mut self, conv: Option<ConvKey>, id: u16, response: bool, at: (u32, u16), ts: Timestamp) -> Links {
        let frame = at.0;
        let latest = self.open.get(&(conv, id)).copied();
        if !response {
            if let Some(t) = latest {
                let q = self.txns[t];
                if q.rep_frame == 0 && ts.since(q.req_ts) < RETRANSMISSION_SECS * 1_000_000_000 {
                    self.by_frame.insert(at, t);
                    return Links { retransmit_of: q.req_frame, ..Links::default() };
                }
            }
            let t = self.txns.len();
            self.txns.push(Transaction { req_frame: frame, req_ts: ts, rep_frame: 0 });
            self.open.insert((conv, id), t);
            self.by_frame.insert(at, t);
            return Links::default();
        }
        let Some(t) = latest else { return Links::default() };
        self.by_frame.insert(at, t);
        let q = self.txns[t];
        if q.rep_frame == 0 || q.rep_frame == frame {
            self.txns[t].rep_frame = frame;
            Links { request_in: q.req_frame, time: Some(ts.since(q.req_ts)), ..Links::default() }
        } else {
            Links { request_in: q.req_frame, retransmit_of: q.rep_frame, ..Links::default() }
        }
    }

    /// The links of a frame already seen, in both directions.
    pub fn revisit(&self, at: (u32, u16), response: bool, ts: Timestamp) -> Links {
        let frame = at.0;
        let Some(t) = self.by_frame.get(&at).map(|&t| self.txns[t]) else {
            return Links::default();
        };
        match (response, t.req_frame == frame, t.rep_frame == frame) {
            (false, true, _) => Links { response_in: t.rep_frame, ..Links::default() },
            (false, false, _) => Links { retransmit_of: t.req_frame, ..Links::default() },
            (true, _, true) => Links { request_in: t.req_frame, time: Some(ts.since(t.req_ts)), ..Links::default() },
            (true, _, false) => Links { request_in: t.req_frame, retransmit_of: t.rep_frame, ..Links::default() },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn conv(port: u16) -> Option<ConvKey> {
        let a = std::net::IpAddr::from([127, 0, 0, 1]);
        Some(ConvKey::new(a, port, a, 53))
    }

    fn ts(ms: i64) -> Timestamp {
        Timestamp { secs: ms / 1000, nanos: (ms % 1000) as u32 * 1_000_000 }
    }

    #[test]
    fn pairs_forwards_then_both_ways() {
        let mut s = DnsState::default();
        assert_eq!(s.first_pass(conv(1), 0x5614, false, (94, 0), ts(1000)), Links::default());
        let r = s.first_pass(conv(1), 0x5614, true, (95, 0), ts(1004));
        assert_eq!((r.request_in, r.time), (94, Some(4_000_000)));
        assert_eq!(s.revisit((94, 0), false, ts(1000)).response_in, 95);
        assert_eq!(s.revisit((95, 0), true, ts(1004)).request_in, 94);
        // A second response to the same query is a retransmission of the
        // first, and another conversation's ID is unrelated.
        let again = s.first_pass(conv(1), 0x5614, true, (96, 0), ts(1005));
        assert_eq!((again.request_in, again.retransmit_of, again.time), (94, 95, None));
        assert_eq!(s.revisit((96, 0), true, ts(1005)).retransmit_of, 95);
        assert_eq!(s.first_pass(conv(2), 0x5614, true, (97, 0), ts(1005)), Links::default());
    }

    #[test]
    fn repeated_queries_within_the_timer_are_retransmissions() {
        let mut s = DnsState::default();
        s.first_pass(conv(1), 7, false, (10, 0), ts(0));
        assert_eq!(s.first_pass(conv(1), 7, false, (11, 0), ts(1000)).retransmit_of, 10);
        // The response pairs with the first query.
        assert_eq!(s.first_pass(conv(1), 7, true, (12, 0), ts(1500)).request_in, 10);
        assert_eq!(s.revisit((11, 0), false, ts(1000)).retransmit_of, 10);
        assert_eq!(s.revisit((10, 0), false, ts(0)).response_in, 12);
        // After the timer, the same ID starts a new transaction.
        s.first_pass(conv(1), 8, false, (20, 0), ts(0));
        assert_eq!(s.first_pass(conv(1), 8, false, (21, 0), ts(6000)), Links::default());
    }
}
