//! Wireshark's TCP sequence analysis: for each segment, compared with what
//! was seen before in both directions, the retransmission, loss, duplicate
//! ACK, window and keep-alive findings and the ACK round-trip times.
//!
//! Sequence numbers here are relative (raw minus the direction's base), and
//! as in Wireshark a `nextseq`/`lastack`/`maxseqtobeacked` of 0 means
//! "nothing seen yet"; that quirk is kept so the findings match tshark's.

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
    pub win_scale: i8,
    /// Last calculated (scaled) window, `None` before the first segment.
    pub window: Option<u32>,
    nextseq: u32,
    nextseq_frame: u32,
    nextseq_time: i64,
    maxseqtobeacked: u32,
    lastack: u32,
    lastack_time: i64,
    lastnondupack: u32,
    dupacknum: u32,
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
            win_scale: SCALE_UNKNOWN,
            window: None,
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
}

/// One segment as the analysis sees it (relative numbers).
#[derive(Clone, Copy, Debug, Default)]
pub struct Seg {
    pub frame: u32,
    /// Capture time in nanoseconds since the epoch.
    pub ts: i64,
    pub seq: u32,
    pub ack: u32,
    pub len: u32,
    pub flags: u16,
    /// Calculated (scaled) window.
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
        if len > 0
            && rev.win_scale != SCALE_UNKNOWN
            && rev.window.is_some()
            && seq.wrapping_add(len) == rev.lastack.wrapping_add(rev_window)
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
            fwd.dupacknum += 1;
            f.flags |= DUPLICATE_ACK;
            f.dupack_num = fwd.dupacknum;
            f.dupack_frame = fwd.lastnondupack;
        }
    }

    if ack != fwd.lastack {
        fwd.lastnondupack = s.frame;
        fwd.dupacknum = 0;
    }

    if rev.maxseqtobeacked != 0 && gt(ack, rev.maxseqtobeacked) && flags & ACK != 0 {
        f.flags |= ACK_LOST_PACKET;
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

    if flags & ACK != 0 {
        match_acks(rev, s, &mut f);
    }
    bytes_in_flight(fwd, rev.sacked, s, &mut f);
    f
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
    if s.ts - rev.lastack_time < 20_000_000 && rev.dupacknum >= 2 && rev.lastack == seq {
        f.flags |= FAST_RETRANSMISSION;
        return;
    }
    let threshold = if first_rtt == 0 { 3_000_000 } else { first_rtt };
    let span = len + (s.flags & (SYN | FIN) != 0) as u32;
    if s.ts - fwd.nextseq_time < threshold && fwd.nextseq != seq.wrapping_add(span) {
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
    // Wireshark counts the bytes since the last PSH only where it computes
    // the bytes in flight: not after a gap until the peer acknowledges data.
    if !fwd.valid_bif || fwd.unacked.is_empty() {
        return;
    }
    fwd.push_bytes = fwd.push_bytes.wrapping_add(s.len);
    f.push_bytes = fwd.push_bytes;
    if s.flags & PSH != 0 {
        fwd.push_bytes = 0;
    }
    let mut first = u32::MAX;
    let mut last = 0u32;
    for u in &fwd.unacked {
        first = first.min(u.seq);
        last = last.max(u.nextseq);
    }
    let mut in_flight = last.wrapping_sub(first).wrapping_sub(sacked);
    if s.flags & (SYN | FIN) != 0 && in_flight > 0 {
        in_flight -= 1;
    }
    if in_flight > 0 && in_flight < 2_000_000_000 {
        f.bytes_in_flight = in_flight;
    }
}
