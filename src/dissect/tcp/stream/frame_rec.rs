//! What the first pass keeps of each TCP segment for its revisits, kept
//! small: the inspector holds one per segment of a capture of millions.
//! Whatever the segment's header (read again on a revisit) and its stream's
//! set-once state (base sequence numbers, first timestamp) give back is not
//! stored. Seen again, a segment shows what the whole stream taught, as
//! Wireshark's second pass does: the stream's final completeness and its
//! handshake RTT on every segment.

use super::seq_analysis::{Findings, SYN};
use super::{App, Calls, SegIn, SegOut, Stream};

const FROM_CLIENT: u8 = 1;
const FIN_ACTIVE: u8 = 2;
const QUOTED: u8 = 4;
/// The peer's base sequence number was known when the segment came.
const ACK_BASE: u8 = 8;
/// Its bytes fell inside a message already put together (`pdu::overlap_error`).
const OVERLAP_ERROR: u8 = 16;

/// Findings that only retransmissions and duplicate ACKs have, kept aside.
#[derive(Clone, Copy, Debug)]
pub struct Rare {
    dupack_num: u32,
    dupack_frame: u32,
    rto: i64,
    rto_frame: u32,
}

/// Per-frame results of the first pass.
#[derive(Clone, Debug)]
pub struct FrameRec {
    pub frame: u32,
    pub(super) stream: u32,
    pub(super) time_delta: i64,
    pub(super) analysis: u32,
    pub(super) acks_frame: u32,
    pub(super) ack_rtt: i64,
    pub(super) bytes_in_flight: u32,
    pub(super) push_bytes: u32,
    /// 1 + index of the `Rare` findings, 0 when there are none.
    pub(super) rare: u32,
    /// The frame where the message this payload belongs to was completed
    /// (0: not yet / never).
    pub reassembled_in: u32,
    /// The window scale shift in effect (or `SCALE_*`).
    pub(super) shift: i8,
    pub(super) bits: u8,
    /// The payload belongs to a message that ends in a later segment.
    pub partial: bool,
    pub app: Option<App>,
    pub calls: Calls,
}

impl FrameRec {
    /// The record of `out`, whose stream had `shift` and (if `ack_base`)
    /// the peer's base sequence number; rare findings go to `rare`.
    pub fn new(frame: u32, out: &SegOut, shift: i8, ack_base: bool, rare: &mut Vec<Rare>) -> FrameRec {
        let f = &out.findings;
        let rare_at = if f.dupack_num != 0 || f.dupack_frame != 0 || f.rto != 0 || f.rto_frame != 0 {
            rare.push(Rare { dupack_num: f.dupack_num, dupack_frame: f.dupack_frame, rto: f.rto, rto_frame: f.rto_frame });
            rare.len() as u32
        } else {
            0
        };
        let bit = |on: bool, b: u8| if on { b } else { 0 };
        FrameRec {
            frame,
            stream: out.stream,
            time_delta: out.time_delta,
            analysis: f.flags,
            acks_frame: f.acks_frame,
            ack_rtt: f.ack_rtt,
            bytes_in_flight: f.bytes_in_flight,
            push_bytes: f.push_bytes,
            rare: rare_at,
            reassembled_in: 0,
            shift,
            bits: bit(out.from_client, FROM_CLIENT)
                | bit(out.fin_active, FIN_ACTIVE)
                | bit(out.quoted, QUOTED)
                | bit(ack_base, ACK_BASE),
            partial: false,
            app: None,
            calls: Calls::None,
        }
    }

    pub fn overlap_error(&self) -> bool {
        self.bits & OVERLAP_ERROR != 0
    }

    pub fn set_overlap_error(&mut self, on: bool) {
        self.bits = self.bits & !OVERLAP_ERROR | if on { OVERLAP_ERROR } else { 0 };
    }

    pub fn stream(&self) -> u32 {
        self.stream
    }

    /// The first pass's results for segment `s`, which this record is of,
    /// on stream `st`.
    pub fn seg_out(&self, s: &SegIn, st: &Stream, rare: &[Rare]) -> SegOut {
        let has = |b: u8| self.bits & b != 0;
        let from_client = has(FROM_CLIENT);
        let quoted = has(QUOTED);
        let (fi, ri) = if from_client { (0, 1) } else { (1, 0) };
        let ts = s.ts.as_nanos() as i64;
        let (window, scale) = if s.flags & SYN != 0 && !quoted {
            (s.win as u32, 0)
        } else if self.shift >= 0 {
            ((s.win as u32) << self.shift, 1i32 << self.shift)
        } else {
            (s.win as u32, self.shift as i32)
        };
        let mut out = SegOut {
            stream: self.stream,
            from_client,
            window,
            scale,
            time_rel: ts - st.first_ts,
            time_delta: self.time_delta,
            completeness: st.completeness,
            quoted,
            ..SegOut::default()
        };
        if quoted {
            out.seq = s.seq;
            out.ack = s.ack;
            return out;
        }
        let (fwd, rev) = (&st.dirs[fi], &st.dirs[ri]);
        out.seq = s.seq.wrapping_sub(fwd.base_at(self.frame, false));
        if s.flags & super::ACK != 0 {
            out.ack = s.ack.wrapping_sub(rev.base_at(self.frame, false));
        }
        out.nxtseq = out.seq.wrapping_add(s.len);
        if s.flags & (SYN | super::FIN) != 0 {
            out.nxtseq = out.nxtseq.wrapping_add(1);
        }
        if has(ACK_BASE) {
            out.ack_base = rev.base_at(self.frame, false);
        }
        out.irtt = st.first_rtt;
        out.fin_active = has(FIN_ACTIVE);
        out.findings = Findings {
            flags: self.analysis,
            acks_frame: self.acks_frame,
            ack_rtt: self.ack_rtt,
            bytes_in_flight: self.bytes_in_flight,
            push_bytes: self.push_bytes,
            ..Findings::default()
        };
        // tshark's second pass checks each SYN/ACK against the base it
        // finds again: after a port reuse moved it, every SYN/ACK of the
        // connection shows the reuse.
        if !fwd.bases.is_empty() && s.flags & (SYN | super::ACK) == SYN | super::ACK {
            if s.seq != fwd.base_at(self.frame, true) {
                out.findings.flags |= super::flag::REUSED_PORTS;
            }
        }
        if let Some(r) = (self.rare as usize).checked_sub(1).and_then(|i| rare.get(i)) {
            out.findings.dupack_num = r.dupack_num;
            out.findings.dupack_frame = r.dupack_frame;
            out.findings.rto = r.rto;
            out.findings.rto_frame = r.rto_frame;
        }
        out
    }
}
