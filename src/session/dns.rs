//! DNS query/response pairing (`dns.response_in`, `dns.response_to`,
//! `dns.time`), as Wireshark pairs them: by conversation and transaction ID.

use std::collections::HashMap;

use crate::field::Timestamp;

use super::ConvKey;

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
}

#[derive(Default)]
pub struct DnsState {
    txns: Vec<Transaction>,
    /// The open transaction of each (conversation, transaction ID).
    open: HashMap<(Option<ConvKey>, u16), usize>,
    /// The transaction each frame took part in, for later passes.
    by_frame: HashMap<u32, usize>,
}

impl DnsState {
    /// Records a message in the first pass and returns what is known of its
    /// links at that point (as tshark's single pass: a query cannot know its
    /// response yet). `conv` is the conversation (none when
    /// the network layer gave no addresses).
    pub fn first_pass(&mut self, conv: Option<ConvKey>, id: u16, response: bool, frame: u32, ts: Timestamp) -> Links {
        if !response {
            let t = self.txns.len();
            self.txns.push(Transaction { req_frame: frame, req_ts: ts, rep_frame: 0 });
            self.open.insert((conv, id), t);
            self.by_frame.insert(frame, t);
            return Links::default();
        }
        match self.open.get(&(conv, id)).copied() {
            Some(t) if self.txns[t].rep_frame == 0 || self.txns[t].rep_frame == frame => {
                self.txns[t].rep_frame = frame;
                self.by_frame.insert(frame, t);
                let q = self.txns[t];
                Links { response_in: 0, request_in: q.req_frame, time: Some(ts.since(q.req_ts)) }
            }
            _ => Links::default(),
        }
    }

    /// The links of a frame already seen, in both directions.
    pub fn revisit(&self, frame: u32, response: bool, ts: Timestamp) -> Links {
        let Some(t) = self.by_frame.get(&frame).map(|&t| self.txns[t]) else {
            return Links::default();
        };
        if response {
            Links { response_in: 0, request_in: t.req_frame, time: Some(ts.since(t.req_ts)) }
        } else {
            Links { response_in: t.rep_frame, request_in: 0, time: None }
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
        assert_eq!(s.first_pass(conv(1), 0x5614, false, 94, ts(1000)), Links::default());
        let r = s.first_pass(conv(1), 0x5614, true, 95, ts(1004));
        assert_eq!((r.request_in, r.time), (94, Some(4_000_000)));
        assert_eq!(s.revisit(94, false, ts(1000)).response_in, 95);
        assert_eq!(s.revisit(95, true, ts(1004)).request_in, 94);
        // A second response to the same query is not paired again, and
        // another conversation's ID is unrelated.
        assert_eq!(s.first_pass(conv(1), 0x5614, true, 96, ts(1005)), Links::default());
        assert_eq!(s.first_pass(conv(2), 0x5614, true, 97, ts(1005)), Links::default());
    }
}
