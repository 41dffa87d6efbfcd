//! `udp.stream` and the per-stream timestamps (`udp.time_relative`,
//! `udp.time_delta`): each UDP flow between two endpoints is numbered in
//! order of first appearance, and each datagram's time is measured from its
//! flow's first and previous datagrams. The first, in-order pass records
//! each datagram's delta, so a later look at one (the TUI, a second pass)
//! shows the same times.

use crate::dissect::conv::{ConvKey, HashMap};
use crate::field::Timestamp;

struct Stream {
    index: u32,
    first: Timestamp,
    last: Timestamp,
}

#[derive(Default)]
pub struct UdpStreams {
    streams: HashMap<ConvKey, Stream>,
    /// (frame, ns since the flow's previous datagram), in frame order: the
    /// first pass meets frames in order, so a binary search finds one.
    deltas: Vec<(u32, i64)>,
}

/// Where a datagram stands in its flow.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct UdpTimes {
    pub stream: u32,
    /// ns since the flow's first datagram.
    pub relative: i64,
    /// ns since the flow's previous datagram.
    pub delta: i64,
}

fn ns_between(later: Timestamp, earlier: Timestamp) -> i64 {
    (later.as_nanos() - earlier.as_nanos()).clamp(i64::MIN as i128, i64::MAX as i128) as i64
}

impl UdpStreams {
    /// Flows numbered so far (`udp.stream` counts from 0 in order of creation).
    pub fn stream_count(&self) -> u32 {
        self.streams.len() as u32
    }

    /// Records (first pass) or looks up (later passes) datagram `frame` of
    /// the flow `key`, sent at `ts`.
    pub fn datagram(&mut self, first: bool, key: ConvKey, frame: u32, ts: Timestamp) -> UdpTimes {
        let next = self.streams.len() as u32;
        let s = self.streams.entry(key).or_insert(Stream { index: next, first: ts, last: ts });
        let relative = ns_between(ts, s.first);
        let delta = if first {
            let d = ns_between(ts, s.last);
            s.last = ts;
            if self.deltas.last().is_none_or(|&(f, _)| f < frame) {
                self.deltas.push((frame, d));
            }
            d
        } else {
            match self.deltas.binary_search_by_key(&frame, |&(f, _)| f) {
                Ok(i) => self.deltas[i].1,
                Err(_) => 0,
            }
        };
        UdpTimes { stream: s.index, relative, delta }
    }
}

#[cfg(test)]
mod tests {
    use std::net::IpAddr;

    use super::*;

    fn at(ms: i64) -> Timestamp {
        Timestamp { secs: ms / 1000, nanos: (ms % 1000) as u32 * 1_000_000 }
    }

    #[test]
    fn flows_are_numbered_and_timed_in_order_and_revisits_agree() {
        let (a, b): (IpAddr, IpAddr) = ("10.0.0.1".parse().unwrap(), "10.0.0.2".parse().unwrap());
        let one = ConvKey::new(a, 5000, b, 53);
        let back = ConvKey::new(b, 53, a, 5000);
        let two = ConvKey::new(a, 5001, b, 53);
        let mut s = UdpStreams::default();
        let t1 = s.datagram(true, one, 1, at(1000));
        let t2 = s.datagram(true, two, 2, at(1500));
        let t3 = s.datagram(true, back, 3, at(1750));
        assert_eq!(t1, UdpTimes { stream: 0, relative: 0, delta: 0 });
        assert_eq!(t2, UdpTimes { stream: 1, relative: 0, delta: 0 });
        assert_eq!(t3, UdpTimes { stream: 0, relative: 750_000_000, delta: 750_000_000 });
        assert_eq!(s.datagram(false, one, 3, at(1750)), t3);
        assert_eq!(s.datagram(false, one, 1, at(1000)), t1);
    }
}
