//! IP fragment reassembly (IPv4 and IPv6), as Wireshark does by default:
//! fragments are collected on the first pass and the frame that completes
//! a datagram carries the whole of it; a later look at that frame reads the
//! stored result.

use crate::dissect::conv::HashMap;
use std::net::IpAddr;

/// Fragments of one datagram: (source, destination, identification,
/// upper protocol).
pub type FragKey = (IpAddr, IpAddr, u32, u8);

/// One fragment's place in its datagram.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Piece {
    pub frame: u32,
    pub offset: usize,
    pub len: usize,
}

/// A datagram put back together.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Reassembled {
    pub bytes: Vec<u8>,
    /// The fragments in offset order.
    pub pieces: Vec<Piece>,
}

#[derive(Default)]
struct Pending {
    pieces: Vec<(Piece, Vec<u8>)>,
    /// Known once the last fragment (no "more fragments") is seen.
    total: Option<usize>,
}

#[derive(Default)]
pub struct FragTable {
    pending: HashMap<FragKey, Pending>,
    done: HashMap<u32, Reassembled>,
    /// Each earlier fragment's frame → the frame that completed its datagram.
    completed_in: HashMap<u32, u32>,
}

/// Upper bound on a reassembled datagram (IPv6 jumbograms aside, 64 KiB).
const MAX_DATAGRAM: usize = 65_535 + 8;

impl FragTable {
    /// Adds a fragment on the first pass, or looks up the frame's result on
    /// a later one. Returns the datagram when this frame completes it.
    pub fn add(&mut self, first: bool, key: FragKey, piece: Piece, more: bool, data: &[u8]) -> Option<Reassembled> {
        if !first {
            return self.done.get(&piece.frame).cloned();
        }
        let end = piece.offset.checked_add(data.len())?;
        if end > MAX_DATAGRAM {
            return None;
        }
        let p = self.pending.entry(key).or_default();
        p.pieces.push((Piece { len: data.len(), ..piece }, data.to_vec()));
        if !more {
            p.total = Some(end);
        }
        let total = p.total?;
        p.pieces.sort_by_key(|(q, _)| q.offset);
        // Complete when the pieces cover 0..total without a gap.
        let mut covered = 0;
        for (q, _) in &p.pieces {
            if q.offset > covered {
                return None;
            }
            covered = covered.max(q.offset + q.len);
        }
        if covered < total {
            return None;
        }
        let p = self.pending.remove(&key)?;
        let mut bytes = vec![0u8; total];
        let mut pieces = Vec::with_capacity(p.pieces.len());
        for (q, d) in p.pieces {
            let stop = (q.offset + d.len()).min(total);
            if q.offset < stop {
                bytes[q.offset..stop].copy_from_slice(&d[..stop - q.offset]);
            }
            pieces.push(q);
        }
        for q in pieces.iter().filter(|q| q.frame != piece.frame) {
            self.completed_in.insert(q.frame, piece.frame);
        }
        let r = Reassembled { bytes, pieces };
        self.done.insert(piece.frame, r.clone());
        Some(r)
    }

    /// The frame that completed the datagram `frame` is a fragment of, once
    /// the first pass has seen it (Wireshark's `[Reassembled in #N]`).
    pub fn completed_in(&self, frame: u32) -> Option<u32> {
        self.completed_in.get(&frame).copied()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn out_of_order_fragments_complete_on_the_last_gap() {
        let a: IpAddr = "10.0.0.1".parse().unwrap();
        let key = (a, a, 7, 17);
        let mut t = FragTable::default();
        let p = |frame, offset| Piece { frame, offset, len: 0 };
        assert_eq!(t.add(true, key, p(1, 4), false, b"efg"), None);
        let r = t.add(true, key, p(2, 0), true, b"abcd").unwrap();
        assert_eq!(r.bytes, b"abcdefg");
        assert_eq!(r.pieces.iter().map(|q| q.frame).collect::<Vec<_>>(), [2, 1]);
        assert_eq!(t.add(false, key, p(2, 0), true, b"abcd"), Some(r));
        assert_eq!(t.add(false, key, p(1, 4), false, b"efg"), None);
    }

    #[test]
    fn a_gap_never_completes() {
        let a: IpAddr = "::1".parse().unwrap();
        let key = (a, a, 1, 17);
        let mut t = FragTable::default();
        let p = |frame, offset| Piece { frame, offset, len: 0 };
        assert_eq!(t.add(true, key, p(1, 0), true, b"ab"), None);
        assert_eq!(t.add(true, key, p(2, 8), false, b"ab"), None);
        assert_eq!(t.add(true, key, p(3, usize::MAX), false, b"ab"), None);
    }
}
