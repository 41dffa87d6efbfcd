//! One direction's byte stream put back in sequence order for the
//! application dissector: bytes already delivered are dropped
//! (retransmissions, overlaps), the tail of a message that is not complete
//! yet waits for the segments that complete it, and bytes beyond a gap in
//! such a message wait until the gap is filled. Between messages a gap is
//! given up at once, as Wireshark, which does not reassemble out-of-order
//! segments by default, dissects what comes after it.
//!
//! Memory is bounded per direction: at most `HELD_LIMIT` bytes wait behind
//! a gap (past that, the gap is taken as lost and the stream resumes after
//! it), and an incomplete message may grow to `PDU_LIMIT` bytes (past that,
//! it is abandoned and its bytes stay undissected).

use std::collections::BTreeMap;

/// Bytes of an incomplete application message kept per direction.
pub const PDU_LIMIT: usize = 4 << 20;
/// Bytes held behind a sequence gap per direction.
pub const HELD_LIMIT: usize = 256 << 10;

#[derive(Clone, Debug)]
pub struct Held {
    pub frame: u32,
    /// Relative sequence number of `data`'s first byte.
    pub seq: u32,
    /// Where the bytes sit in their frame, when they come straight from it.
    pub frame_off: Option<u32>,
    pub data: Vec<u8>,
}

/// What to do with a segment's payload.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Accept {
    /// Every byte was delivered before (a retransmission).
    Old,
    /// Beyond a gap: kept until the gap is filled.
    Held,
    /// The bytes from `skip` on are next in order. `lost`: a gap before them
    /// was given up, so any incomplete message is void.
    InOrder { skip: usize, lost: bool },
}

#[derive(Clone, Debug, Default)]
pub struct Reasm {
    started: bool,
    /// Relative sequence number of the next byte expected.
    next: u32,
    /// What waits, when something has: most segments carry whole messages
    /// and arrive in order, and a capture holds thousands of streams.
    waiting: Option<Box<Waiting>>,
}

#[derive(Clone, Debug, Default)]
struct Waiting {
    held: BTreeMap<u32, Held>,
    held_bytes: usize,
    /// The incomplete message's bytes and the segments they came from.
    pending: Vec<u8>,
    pending_segs: Vec<(u32, u32)>,
    /// Bytes still missing from it, when known.
    need: Option<usize>,
    /// The last messages put together from several segments, as
    /// [start, end) sequence ranges, the latest last.
    done: Vec<(u32, u32)>,
}

/// Completed messages remembered per direction: a late copy of a segment
/// comes soon after its original.
const DONE_KEPT: usize = 32;

impl Waiting {
    fn is_empty(&self) -> bool {
        self.held.is_empty()
            && self.pending.is_empty()
            && self.pending_segs.is_empty()
            && self.need.is_none()
            && self.done.is_empty()
    }
}

fn before(a: u32, b: u32) -> bool {
    (a.wrapping_sub(b) as i32) < 0
}

impl Reasm {
    fn waiting(&mut self) -> &mut Waiting {
        self.waiting.get_or_insert_with(Box::default)
    }

    /// Places `data` (relative sequence `seq`) in the stream.
    pub fn accept(&mut self, frame: u32, frame_off: Option<u32>, seq: u32, data: &[u8]) -> Accept {
        let len = data.len() as u32;
        if !self.started {
            self.started = true;
            self.next = seq;
        }
        let end = seq.wrapping_add(len);
        if !before(self.next, end) {
            return Accept::Old;
        }
        if !before(self.next, seq) {
            let skip = self.next.wrapping_sub(seq) as usize;
            self.next = end;
            return Accept::InOrder { skip, lost: false };
        }
        // Between messages, Wireshark (which does not reassemble
        // out-of-order segments by default) hands a segment after a gap to
        // the application at once; only a message's missing part is waited for.
        let held = self.waiting.as_ref().is_some_and(|w| !w.held.is_empty());
        if !self.in_message() && !held {
            self.next = end;
            return Accept::InOrder { skip: 0, lost: true };
        }
        let w = self.waiting();
        if w.held_bytes + data.len() <= HELD_LIMIT && !w.held.contains_key(&seq) {
            w.held_bytes += data.len();
            w.held.insert(seq, Held { frame, seq, frame_off, data: data.to_vec() });
            return Accept::Held;
        }
        // Too much waits behind the gap: take it as lost and resume here,
        // dropping what was held before this segment.
        w.held = w.held.split_off(&seq);
        w.held_bytes = w.held.values().map(|h| h.data.len()).sum();
        self.clear_pending();
        self.next = end;
        Accept::InOrder { skip: 0, lost: true }
    }

    /// Whether a message is incomplete: bytes of it wait, or more are due.
    fn in_message(&self) -> bool {
        !self.pending().is_empty() || self.need().is_some()
    }

    /// A segment of `len` bytes at `seq` that the snap length cut: it is
    /// dissected alone, and the stream goes on after it when no message is
    /// incomplete, as Wireshark's reassembly, which never sees it, looks
    /// only for the messages it holds. A message it cuts stays incomplete.
    pub fn pass_cut(&mut self, seq: u32, len: u32) {
        if !self.started {
            self.started = true;
            self.next = seq;
        }
        let end = seq.wrapping_add(len);
        if !self.in_message() && !before(self.next, seq) && before(self.next, end) {
            self.next = end;
        }
    }

    /// The next held segment that has become contiguous, trimmed to its new
    /// bytes; held segments wholly delivered meanwhile are dropped.
    pub fn take_ready(&mut self) -> Option<Held> {
        let w = self.waiting.as_mut()?;
        loop {
            let (&seq, h) = w.held.iter().next()?;
            let end = seq.wrapping_add(h.data.len() as u32);
            if before(self.next, seq) {
                return None;
            }
            let mut h = w.held.remove(&seq)?;
            w.held_bytes -= h.data.len();
            if !before(self.next, end) {
                continue;
            }
            let skip = self.next.wrapping_sub(seq) as usize;
            h.data.drain(..skip);
            h.frame_off = h.frame_off.map(|o| o + skip as u32);
            h.seq = self.next;
            self.next = end;
            return Some(h);
        }
    }

    /// The incomplete message's bytes so far.
    pub fn pending(&self) -> &[u8] {
        self.waiting.as_ref().map_or(&[], |w| &w.pending)
    }

    /// Bytes still missing from the incomplete message, when known.
    pub fn need(&self) -> Option<usize> {
        self.waiting.as_ref().and_then(|w| w.need)
    }

    pub fn set_need(&mut self, need: Option<usize>) {
        if need.is_some() || self.waiting.is_some() {
            self.waiting().need = need;
        }
    }

    /// Takes the incomplete message's bytes and segments out.
    pub fn take_pending(&mut self) -> (Vec<u8>, Vec<(u32, u32)>) {
        match self.waiting.as_mut() {
            Some(w) => (std::mem::take(&mut w.pending), std::mem::take(&mut w.pending_segs)),
            None => Default::default(),
        }
    }

    /// Puts bytes and segments back as the incomplete message.
    pub fn put_pending(&mut self, bytes: Vec<u8>, segs: Vec<(u32, u32)>) {
        if !bytes.is_empty() || !segs.is_empty() || self.waiting.is_some() {
            let w = self.waiting();
            (w.pending, w.pending_segs) = (bytes, segs);
        }
    }

    /// Adds bytes to the incomplete message; false (and the message
    /// abandoned) when it would pass `PDU_LIMIT`.
    pub fn append_pending(&mut self, frame: u32, bytes: &[u8]) -> bool {
        if self.pending().len() + bytes.len() > PDU_LIMIT {
            self.clear_pending();
            return false;
        }
        let w = self.waiting();
        w.pending.extend_from_slice(bytes);
        match w.pending_segs.last_mut() {
            Some(last) if last.0 == frame => last.1 += bytes.len() as u32,
            _ => w.pending_segs.push((frame, bytes.len() as u32)),
        }
        true
    }

    /// Drops the first `n` bytes of the incomplete message (dissected) and
    /// the segments that only they came from.
    pub fn consume_pending(&mut self, n: usize) {
        let Some(w) = self.waiting.as_mut() else { return };
        let n = n.min(w.pending.len());
        w.pending.drain(..n);
        let mut left = n as u32;
        while let Some(first) = w.pending_segs.first_mut() {
            if first.1 > left {
                first.1 -= left;
                break;
            }
            left -= first.1;
            w.pending_segs.remove(0);
        }
    }

    pub fn clear_pending(&mut self) {
        if let Some(w) = self.waiting.as_mut() {
            w.pending.clear();
            w.pending_segs.clear();
            w.need = None;
        }
    }

    /// Whether bytes at `seq`, held beyond a gap, fall inside the incomplete
    /// message whose missing length is known: Wireshark adds them to that
    /// message at their offset (the gap may still be filled), so their
    /// segment is one of a reassembled PDU. A message that runs until the
    /// FIN (`dispatch::UNTIL_FIN`) takes in whatever comes.
    pub fn inside_pending(&self, seq: u32) -> bool {
        let inside = |n: usize| n > i32::MAX as usize || before(seq, self.next.wrapping_add(n as u32));
        !self.pending().is_empty() && self.need().is_some_and(inside)
    }

    /// Whether `seq` is where the stream continues, with nothing missing
    /// before it.
    pub fn continues_at(&self, seq: u32) -> bool {
        self.started && self.next == seq && self.waiting.as_ref().is_none_or(|w| w.held.is_empty())
    }

    /// Notes a message completed from several segments, `len` bytes from
    /// `start`.
    pub fn completed(&mut self, start: u32, len: usize) {
        let done = &mut self.waiting().done;
        if done.len() == DONE_KEPT {
            done.remove(0);
        }
        done.push((start, start.wrapping_add(len as u32)));
    }

    /// Whether `seq` falls inside a completed message after its first byte:
    /// Wireshark adds such a segment to that finished reassembly, which
    /// fails ("New fragment overlaps old data").
    pub fn inside_completed(&self, seq: u32) -> bool {
        let done = self.waiting.as_ref().map_or(&[][..], |w| &w.done[..]);
        done.iter().any(|&(start, end)| before(start, seq) && before(seq, end))
    }

    /// Whether `seq`, before the stream's next byte, falls inside the
    /// incomplete message: Wireshark adds a late copy there to the message
    /// (its bytes are one more segment of it).
    pub fn in_pending(&self, seq: u32) -> bool {
        let n = self.pending().len() as u32;
        n > 0 && !before(seq, self.next.wrapping_sub(n)) && before(seq, self.next)
    }

    pub fn held_bytes(&self) -> usize {
        self.waiting.as_ref().map_or(0, |w| w.held_bytes)
    }

    /// Drops what is left from messages already delivered.
    pub fn trim(&mut self) {
        match self.waiting.as_mut() {
            Some(w) if w.is_empty() => self.waiting = None,
            Some(w) => {
                w.pending.shrink_to_fit();
                w.pending_segs.shrink_to_fit();
            }
            None => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn collect(r: &mut Reasm, frame: u32, seq: u32, data: &[u8], out: &mut Vec<u8>) {
        if let Accept::InOrder { skip, lost } = r.accept(frame, None, seq, data) {
            assert!(!lost);
            out.extend_from_slice(&data[skip..]);
            while let Some(h) = r.take_ready() {
                out.extend_from_slice(&h.data);
            }
        }
    }

    #[test]
    fn held_segments_inside_a_message_of_known_length() {
        // A head and 10 bytes of a 30-byte body are pending (20 missing);
        // a gap of 5 bytes, then segments inside and past the body's end.
        let mut r = Reasm::default();
        assert!(matches!(r.accept(1, None, 1, b"head"), Accept::InOrder { .. }));
        r.append_pending(1, b"head");
        r.set_need(Some(20));
        assert_eq!(r.accept(2, None, 10, b"0123456789"), Accept::Held);
        assert!(r.inside_pending(10));
        assert!(r.inside_pending(24) && !r.inside_pending(25));
        r.set_need(None);
        assert!(!r.inside_pending(10));
        r.set_need(Some(crate::dissect::dispatch::UNTIL_FIN));
        assert!(r.inside_pending(400_000), "a message until the FIN takes all");
    }

    #[test]
    fn retransmission_overlap_and_out_of_order() {
        let mut r = Reasm::default();
        let mut out = Vec::new();
        collect(&mut r, 1, 1, b"abc", &mut out);
        // A message is incomplete: what comes after a gap waits for it.
        r.append_pending(1, b"c");
        collect(&mut r, 2, 1, b"abc", &mut out); // retransmission
        collect(&mut r, 3, 7, b"ghi", &mut out); // ahead of a gap
        collect(&mut r, 4, 2, b"bcdef", &mut out); // overlap fills the gap
        collect(&mut r, 5, 8, b"hij", &mut out);
        assert_eq!(out, b"abcdefghij");
        assert_eq!(r.held_bytes(), 0);
    }

    #[test]
    fn between_messages_a_gap_is_given_up_at_once() {
        let mut r = Reasm::default();
        assert!(matches!(r.accept(1, None, 1, b"abc"), Accept::InOrder { lost: false, .. }));
        assert_eq!(r.accept(2, None, 7, b"ghi"), Accept::InOrder { skip: 0, lost: true });
        assert_eq!(r.accept(3, None, 4, b"def"), Accept::Old);
        assert_eq!(r.held_bytes(), 0);
    }

    #[test]
    fn completed_messages_are_remembered_a_while() {
        let mut r = Reasm::default();
        r.completed(100, 50);
        assert!(!r.inside_completed(100), "its first byte starts it again");
        assert!(r.inside_completed(101) && r.inside_completed(149));
        assert!(!r.inside_completed(150) && !r.inside_completed(99));
        for i in 0..DONE_KEPT as u32 {
            r.completed(1000 + i * 10, 10);
        }
        assert!(!r.inside_completed(101), "only the last {DONE_KEPT} are kept");
        assert!(r.inside_completed(1005));
    }

    #[test]
    fn pending_bookkeeping() {
        let mut r = Reasm::default();
        assert!(r.append_pending(4, b"abcd"));
        assert!(r.append_pending(6, b"ef"));
        r.consume_pending(5);
        assert_eq!(r.pending(), b"f");
        assert_eq!(r.take_pending(), (b"f".to_vec(), vec![(6, 1)]));
        r.trim();
        assert!(r.waiting.is_none(), "an empty direction keeps nothing");
    }

    proptest! {
        #[test]
        fn any_order_never_panics_and_stays_bounded(
            segs in prop::collection::vec((0u32..400_000, 0usize..40_000), 0..60)
        ) {
            let mut r = Reasm::default();

            for (i, (seq, len)) in segs.into_iter().enumerate() {
                let data = vec![(seq % 251) as u8; len];
                match r.accept(i as u32, None, seq, &data) {
                    Accept::InOrder { skip, .. } => {
                        prop_assert!(skip <= len);
                        while let Some(h) = r.take_ready() { prop_assert!(!h.data.is_empty()); }

                    }
                    Accept::Old | Accept::Held => {}
                }
                prop_assert!(r.held_bytes() <= HELD_LIMIT);
                let _ = r.append_pending(i as u32, &data);
                prop_assert!(r.pending().len() <= PDU_LIMIT);
                if i % 3 == 0 { r.consume_pending(len / 2); }
            }
        }
    }
}
