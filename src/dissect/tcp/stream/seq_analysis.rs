//! Wireshark's TCP sequence analysis: for each segment, compared with what
//! was seen before in both directions, the retransmission, loss, duplicate
//! ACK, window and keep-alive findings and the ACK round-trip times.
//!
//! As in Wireshark (`tcp_analyze_sequence_number`) the numbers here are the
//! raw ones from the header, windows unscaled, and a `nextseq`/`lastack`/
//! `maxseqtobeacked` of 0 means "nothing seen yet"; those quirks are kept so
//! that the findings match tshark's, also when a SYN/ACK moves a direction's
//! base sequence number (a port reuse) in the middle of the analysis.

/// Analysis findings (`tcp.analysis.*`), one bit each.
pub mod flag {
    pub const RETRANSMISSION: u32 = 1 << 0;
    pub const LOST_PACKET: u32 = 1 << 1;
    pub const ACK_LOST_PACKET: u32 = 1 << 2;
    pub const KEEP_ALIVE: u32 = 1 << 3;
    pub const DUPLICATE_ACK: u32 = 1 << 4;
    pub const ZERO_WINDOW: u32 = 1 << 5;
    pub const ZERO_WINDOW_PROBE: u32 = 1 << 6;
    pub const ZERO_WINDOW_PROBE_ACK: u32 = 1 << 7;
    pub const KEEP_ALIVE_ACK: u32 = 1 << 8;
    pub const OUT_OF_ORDER: u32 = 1 << 9;
    pub const FAST_RETRANSMISSION: u32 = 1 << 10;
    pub const WINDOW_UPDATE: u32 = 1 << 11;
    pub const WINDOW_FULL: u32 = 1 << 12;
    pub const REUSED_PORTS: u32 = 1 << 13;
    pub const SPURIOUS_RETRANSMISSION: u32 = 1 << 14;
    /// No finding, but Wireshark made its analysis record for the segment
    /// (an ACKed unseen segment not reported again): the `[SEQ/ACK
    /// analysis]` subtree is shown.
    pub const NOTED: u32 = 1 << 15;
}

pub use crate::dissect::tcp::flags::{ACK, FIN, PSH, RST, SYN};

/// Unacknowledged segments remembered per direction (Wireshark's
/// TCP_MAX_UNACKED_SEGMENTS): beyond this, ACKs are no longer matched.
const MAX_UNACKED: usize = 1000;

/// Window scale: a shift count, or one of these.
pub const SCALE_UNKNOWN: i8 = -1;
pub const SCALE_NONE: i8 = -2;

#[derive(Clone, Copy, Debug)]
struct Unacked {
    frame: u32,
    seq: u32,
    nextseq: u32,
    ts: i64,
}

/// What one direction of a connection has sent so far.
#[derive(Clone, Debug)]
pub struct Dir {
    pub base_seq: u32,
    pub base_set: bool,
    /// The frame whose segment set `base_seq` (0 before one did).
    pub base_frame: u32,
    /// Once a SYN/ACK moved the base of a known connection (a port reuse):
    /// each base SYN/ACKs set, (frame, base), in frame order.
    pub bases: Vec<(u32, u32)>,
    pub win_scale: i8,
    /// Last window as sent (unscaled), `None` before the first segment.
    pub window: Option<u32>,
    /// A SYN was sent and no pure ACK since (Wireshark's `is_first_ack`):
    /// the window is then not scaled for the peer's window-full check.
    pub first_ack: bool,
    nextseq: u32,
    nextseq_frame: u32,
    nextseq_time: i64,
    maxseqtobeacked: u32,
    lastack: u32,
    lastack_time: i64,
    lastnondupack: u32,
    /// Duplicate ACKs in a row; -1 once the peer reported an ACKed unseen
    /// segment of this direction, so that the peer's next ACKs do not
    /// report it again.
    dupacknum: i32,
    last_flags: u32,
    valid_bif: bool,
    push_bytes: u32,
    /// Bytes the last segment's SACK blocks cover (received beyond a hole).
    pub sacked: u32,
    unacked: Vec<Unacked>,
}

impl Default for Dir {
    fn default() -> Dir {
        Dir {
            base_seq: 0,
            base_set: false,
            base_frame: 0,
            bases: Vec::new(),
            win_scale: SCALE_UNKNOWN,
            window: None,
            first_ack: false,
            nextseq: 0,
            nextseq_frame: 0,
            nextseq_time: 0,
            maxseqtobeacked: 0,
            lastack: 0,
            lastack_time: 0,
            lastnondupack: 0,
            dupacknum: 0,
            last_flags: 0,
            valid_bif: true,
            push_bytes: 0,
            sacked: 0,
            unacked: Vec::new(),
        }
    }
}

impl Dir {
    /// Drops the room left from segments since acknowledged.
    pub fn trim(&mut self) {
        if self.unacked.is_empty() {
            self.unacked = Vec::new();
        }
    }

    #[cfg(test)]
    pub fn unacked_room(&self) -> usize {
        self.unacked.capacity()
    }

    /// Sets the base at its first sighting, in frame `frame`. The frame is
    /// kept for revisits before a later SYN/ACK moves the base: a revisit
    /// then gives the numbers of the first pass, which the brief records
    /// hold (tshark's second pass would use the moved base for the earlier
    /// frames; the fuzz check of records against revisits found this, for a
    /// base set by its own direction's segment and for one set by the
    /// peer's ACK).
    pub fn set_base(&mut self, frame: u32, seq: u32) {
        self.base_seq = seq;
        self.base_set = true;
        self.base_frame = frame;
    }

    /// A SYN/ACK of frame `frame` with sequence number `seq` moves the base
    /// of a known connection; the bases before it are kept for revisits.
    pub fn move_base(&mut self, frame: u32, seq: u32) {
        if self.bases.is_empty() && self.base_frame != 0 {
            self.bases.push((self.base_frame, self.base_seq));
        }
        self.bases.push((frame, seq));
        self.base_seq = seq;
        self.base_frame = frame;
    }

    /// The base sequence number tshark's second pass uses at `frame` (every
    /// SYN/ACK sets it again there), and before it (`before`: at a SYN/ACK,
    /// the base it compares its own sequence number with).
    pub fn base_at(&self, frame: u32, before: bool) -> u32 {
        let set = |&&(f, _): &&(u32, u32)| if before { f < frame } else { f <= frame };
        self.bases.iter().rev().find(set).map_or(self.base_seq, |&(_, b)| b)
    }
}

/// One segment as the analysis sees it: the header's own numbers.
#[derive(Clone, Copy, Debug, Default)]
pub struct Seg {
    pub frame: u32,
    /// Capture time in nanoseconds since the epoch.
    pub ts: i64,
    pub seq: u32,
    pub ack: u32,
    pub len: u32,
    pub flags: u16,
    /// The window field, unscaled.
    pub window: u32,
}

/// The findings for one segment (`tcp.analysis.*`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Findings {
    pub flags: u32,
    pub dupack_num: u32,
    pub dupack_frame: u32,
    pub acks_frame: u32,
    /// `tcp.analysis.ack_rtt`, ns.
    pub ack_rtt: i64,
    pub bytes_in_flight: u32,
    pub push_bytes: u32,
    /// Retransmissions: the time since, and the frame of, the original.
    pub rto: i64,
    pub rto_frame: u32,
}

impl Findings {
    /// Whether Wireshark would have an analysis record (the `[SEQ/ACK
    /// analysis]` subtree) for the segment.
    pub fn any(&self) -> bool {
        self.flags != 0 || self.acks_frame != 0 || self.bytes_in_flight != 0 || self.push_bytes != 0
    }
}

fn lt(a: u32, b: u32) -> bool {
    (a.wrapping_sub(b) as i32) < 0
}
fn gt(a: u32, b: u32) -> bool {
    (a.wrapping_sub(b) as i32) > 0
}
fn le(a: u32, b: u32) -> bool {
    !gt(a, b)
}

/// Analyses segment `s` sent by `fwd` towards `rev`. `first_rtt` is the
/// connection's handshake RTT (ns, 0 when unknown); it sets how close in time
/// an earlier-sequence segment must follow to count as out of order.
pub fn analyze(fwd: &mut Dir, rev: &mut Dir, s: &Seg, first_rtt: i64) -> Findings {
    use flag::*;
    let mut f = Findings::default();
    let (seq, ack, len, flags, window) = (s.seq, s.ack, s.len, s.flags, s.window);
    let no_sfr = flags & (SYN | FIN | RST) == 0;
    let fwd_window = fwd.window.unwrap_or(u32::MAX);
    let rev_window = rev.window.unwrap_or(u32::MAX);

    'fwd: {
        if len == 1 && seq == fwd.nextseq && rev_window == 0 {
            f.flags |= ZERO_WINDOW_PROBE;
            break 'fwd;
        }
        if window == 0 && no_sfr {
            f.flags |= ZERO_WINDOW;
        }
        if fwd.nextseq != 0 && gt(seq, fwd.nextseq) && flags & RST == 0 {
            f.flags |= LOST_PACKET;
            fwd.valid_bif = false;
            // After a gap, the peer's ACKs of unseen data are reported again.
            fwd.dupacknum = fwd.dupacknum.max(0);
        }
        if len <= 1 && seq == fwd.nextseq.wrapping_sub(1) && no_sfr {
            f.flags |= KEEP_ALIVE;
        }
        if len == 0
            && window != 0
            && window != fwd_window
            && seq == fwd.nextseq
            && ack == fwd.lastack
            && no_sfr
        {
            f.flags |= WINDOW_UPDATE;
        }
        // The peer's window as it was scaled when sent (not yet scaled
        // before its first pure ACK).
        let shift = if rev.first_ack || rev.win_scale < 0 { 0 } else { rev.win_scale as u32 };
        if len > 0
            && rev.win_scale != SCALE_UNKNOWN
            && seq.wrapping_add(len) == rev.lastack.wrapping_add(rev_window << shift)
            && no_sfr
        {
            f.flags |= WINDOW_FULL;
        }
        let same = len == 0 && window == fwd_window && seq == fwd.nextseq && no_sfr;
        if same && window != 0 && ack == fwd.lastack && rev.last_flags & KEEP_ALIVE != 0 {
            f.flags |= KEEP_ALIVE_ACK;
            break 'fwd;
        }
        if same
            && window == 0
            && (ack == fwd.lastack || ack == fwd.lastack.wrapping_add(1))
            && rev.last_flags & ZERO_WINDOW_PROBE != 0
        {
            f.flags |= ZERO_WINDOW_PROBE_ACK;
            break 'fwd;
        }
        if same && window != 0 && ack == fwd.lastack {
            // After an ACKed unseen segment (-1) this is the first duplicate.
            fwd.dupacknum = fwd.dupacknum.max(0) + 1;
            f.flags |= DUPLICATE_ACK;
            f.dupack_num = fwd.dupacknum as u32;
            f.dupack_frame = fwd.lastnondupack;
        }
    }

    if ack != fwd.lastack {
        fwd.lastnondupack = s.frame;
        fwd.dupacknum = 0;
    }

    if rev.maxseqtobeacked != 0 && gt(ack, rev.maxseqtobeacked) && flags & ACK != 0 {
        // Reported once, not on the ACKs that follow, until the peer sends
        // again after a gap (its counter is -1 until then): found by
        // experiment with tshark 4.0 (the stream tests), as are the resets
        // in the lost-segment and duplicate ACK checks above.
        f.flags |= if rev.dupacknum >= 0 { ACK_LOST_PACKET } else { NOTED };
        rev.dupacknum = -1;
        rev.maxseqtobeacked = rev.nextseq;
    }

    if (len > 0 || flags & (SYN | FIN) != 0) && f.flags & KEEP_ALIVE == 0 {
        retransmission_kind(fwd, rev, s, first_rtt, &mut f);
    }

    let mut nextseq = seq.wrapping_add(len);
    if (len > 0 || flags & (SYN | FIN) != 0) && fwd.unacked.len() < MAX_UNACKED {
        if flags & (SYN | FIN) != 0 {
            nextseq = nextseq.wrapping_add(1);
        }
        fwd.unacked.push(Unacked { frame: s.frame, seq, nextseq, ts: s.ts });
    }
    let probe = f.flags & ZERO_WINDOW_PROBE != 0;
    if (gt(nextseq, fwd.nextseq) || fwd.nextseq == 0) && !probe {
        fwd.nextseq = nextseq;
        fwd.nextseq_frame = s.frame;
        fwd.nextseq_time = s.ts;
    }
    if (seq == fwd.maxseqtobeacked || fwd.maxseqtobeacked == 0) && !probe {
        fwd.maxseqtobeacked = fwd.nextseq;
    }

    fwd.window = Some(window);
    fwd.lastack = ack;
    fwd.lastack_time = s.ts;
    fwd.last_flags = f.flags;

    match_acks(rev, s, &mut f);
    bytes_in_flight(fwd, rev.sacked, s, &mut f);
    f
}

/// Nanoseconds from `earlier` to `now` as Wireshark's unsigned arithmetic
/// has them: a capture whose times go backwards gives a huge span.
fn since(now: i64, earlier: i64) -> u64 {
    now.wrapping_sub(earlier) as u64
}

/// Retransmission, fast retransmission, spurious retransmission or out of
/// order, for a segment that carries sequence space.
fn retransmission_kind(fwd: &Dir, rev: &Dir, s: &Seg, first_rtt: i64, f: &mut Findings) {
    use flag::*;
    let (seq, len) = (s.seq, s.len);
    let mut not_advanced = fwd.nextseq != 0 && lt(seq, fwd.nextseq);
    // One byte below the expected sequence followed by more data: the
    // earlier byte was probably a zero window probe, not a resend.
    if len > 1 && fwd.nextseq.wrapping_sub(1) == seq {
        not_advanced = false;
    }
    if len > 0 && rev.lastack != 0 && le(seq.wrapping_add(len), rev.lastack) {
        f.flags |= SPURIOUS_RETRANSMISSION;
        return;
    }
    if !not_advanced {
        return;
    }
    if since(s.ts, rev.lastack_time) < 20_000_000 && rev.dupacknum >= 2 && rev.lastack == seq {
        f.flags |= FAST_RETRANSMISSION;
        return;
    }
    let threshold = if first_rtt == 0 { 3_000_000 } else { first_rtt as u64 };
    let span = len + (s.flags & (SYN | FIN) != 0) as u32;
    if since(s.ts, fwd.nextseq_time) < threshold && fwd.nextseq != seq.wrapping_add(span) {
        f.flags |= OUT_OF_ORDER;
        return;
    }
    f.flags |= RETRANSMISSION;
    // The oldest unacknowledged segment is most likely the one sent again;
    // without one, the latest that advanced the sequence.
    let (ts, frame) = match fwd.unacked.first() {
        Some(u) => (u.ts, u.frame),
        None => (fwd.nextseq_time, fwd.nextseq_frame),
    };
    f.rto = s.ts - ts;
    f.rto_frame = frame;
}

/// Drops the reverse direction's segments this ACK covers; an exact match
/// gives `acks_frame` and the ACK RTT.
fn match_acks(rev: &mut Dir, s: &Seg, f: &mut Findings) {
    let ack = s.ack;
    let mut removed = false;
    // Newest first, as Wireshark's list is kept.
    let mut i = rev.unacked.len();
    while i > 0 {
        i -= 1;
        let u = rev.unacked[i];
        if ack == u.nextseq {
            f.acks_frame = u.frame;
            f.ack_rtt = s.ts - u.ts;
        } else if gt(ack, u.seq) && le(ack, u.nextseq) {
            rev.unacked[i].seq = ack;
            continue;
        } else if gt(u.nextseq, ack) {
            continue;
        }
        rev.unacked.remove(i);
        removed = true;
    }
    // Bytes in flight are trusted again once the peer acknowledges data.
    if removed {
        rev.valid_bif = true;
    }
}

/// Bytes sent but not yet acknowledged after this data segment.
/// The peer's SACK blocks (`sacked` bytes) are not in flight.
fn bytes_in_flight(fwd: &mut Dir, sacked: u32, s: &Seg, f: &mut Findings) {
    if s.len == 0 {
        return;
    }
    // Not after a gap until the peer acknowledges data.
    if !fwd.valid_bif || fwd.unacked.is_empty() {
        return;
    }
    let mut first = u32::MAX;
    let mut last = 0u32;
    for u in &fwd.unacked {
        first = first.min(u.seq.wrapping_sub(fwd.base_seq));
        last = last.max(u.nextseq.wrapping_sub(fwd.base_seq));
    }
    let mut in_flight = last.wrapping_sub(first).wrapping_sub(sacked);
    if s.flags & (SYN | FIN) != 0 && in_flight > 0 {
        in_flight -= 1;
    }
    // tshark 4.0 counts the bytes since the last PSH only with bytes in
    // flight to show (none when the peer's SACK blocks cover them all).
    if in_flight == 0 || in_flight >= 2_000_000_000 {
        return;
    }
    f.bytes_in_flight = in_flight;
    fwd.push_bytes = fwd.push_bytes.wrapping_add(s.len);
    f.push_bytes = fwd.push_bytes;
    if s.flags & PSH != 0 {
        fwd.push_bytes = 0;
    }
}
