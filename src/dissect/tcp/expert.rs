//! How the stream table's findings show: the `[Timestamps]` and `[SEQ/ACK
//! analysis]` subtrees, expert items, and the Info column's `[TCP …]` notes.

use std::fmt::Write;

use crate::field::{Field, FieldDef, FieldType, Value};
use super::stream::{flag, SegOut};

use crate::dissect::{expert, Ctx};

pub static TIME_RELATIVE: FieldDef =
    FieldDef::new("tcp.time_relative", "Time since first frame in this TCP stream", FieldType::RelTime)
        .desc("Seconds since the first segment of this TCP stream.");
pub static TIME_DELTA: FieldDef =
    FieldDef::new("tcp.time_delta", "Time since previous frame in this TCP stream", FieldType::RelTime)
        .desc("Seconds since the previous segment of this TCP stream.");
pub static ANALYSIS: FieldDef = FieldDef::new("tcp.analysis", "SEQ/ACK analysis", FieldType::None)
    .desc("Wireshark's sequence and acknowledgment analysis of this segment.");
pub static FLAGS: FieldDef = FieldDef::new("tcp.analysis.flags", "TCP Analysis Flags", FieldType::None)
    .desc("Notes from the analysis, such as retransmissions or window problems.");
pub static ACKS_FRAME: FieldDef =
    FieldDef::new("tcp.analysis.acks_frame", "This is an ACK to the segment in frame", FieldType::FrameNum)
        .desc("Frame of the segment that this ACK acknowledges.");
pub static ACK_RTT: FieldDef =
    FieldDef::new("tcp.analysis.ack_rtt", "The RTT to ACK the segment was", FieldType::RelTime)
        .desc("Time between that segment and this ACK: a round-trip time sample.");
pub static INITIAL_RTT: FieldDef = FieldDef::new("tcp.analysis.initial_rtt", "iRTT", FieldType::RelTime)
    .desc("Handshake round-trip time: from the SYN to the ACK of the SYN-ACK.");
pub static BYTES_IN_FLIGHT: FieldDef =
    FieldDef::new("tcp.analysis.bytes_in_flight", "Bytes in flight", FieldType::U32)
        .desc("Bytes this side has sent that are not yet acknowledged.");
pub static PUSH_BYTES: FieldDef =
    FieldDef::new("tcp.analysis.push_bytes_sent", "Bytes sent since last PSH flag", FieldType::U32)
        .desc("Bytes this side has sent since its last segment with PSH.");
pub static RTO: FieldDef = FieldDef::new("tcp.analysis.rto", "The RTO for this segment was", FieldType::RelTime)
    .desc("Time between the original segment and this retransmission.");
pub static RTO_FRAME: FieldDef =
    FieldDef::new("tcp.analysis.rto_frame", "RTO based on delta from frame", FieldType::FrameNum)
        .desc("Frame of the original segment this retransmission repeats.");
pub static DUP_ACK: FieldDef = FieldDef::new("tcp.analysis.duplicate_ack", "Duplicate ACK", FieldType::None)
    .desc("This ACK repeats the previous acknowledgment number without data: a sign of a lost segment.");
pub static DUP_ACK_NUM: FieldDef =
    FieldDef::new("tcp.analysis.duplicate_ack_num", "Duplicate ACK #", FieldType::U32)
        .desc("How many duplicates of the same ACK have been seen, this one included.");
pub static DUP_ACK_FRAME: FieldDef =
    FieldDef::new("tcp.analysis.duplicate_ack_frame", "Duplicate to the ACK in frame", FieldType::FrameNum)
        .desc("Frame of the ACK this one duplicates.");

macro_rules! expert_field {
    ($id:ident, $name:literal, $text:literal, $desc:literal) => {
        pub static $id: FieldDef = FieldDef::new($name, $text, FieldType::None).desc($desc);
    };
}
expert_field!(RETRANSMISSION, "tcp.analysis.retransmission", "This frame is a (suspected) retransmission",
    "The segment repeats data sent before: the sender got no acknowledgment in time.");
expert_field!(FAST_RETRANSMISSION, "tcp.analysis.fast_retransmission", "This frame is a (suspected) fast retransmission",
    "A retransmission sent after duplicate ACKs, before the timer ran out (RFC 5681 section 3.2).");
expert_field!(SPURIOUS, "tcp.analysis.spurious_retransmission", "This frame is a (suspected) spurious retransmission",
    "A retransmission of data the receiver had already acknowledged.");
expert_field!(OUT_OF_ORDER, "tcp.analysis.out_of_order", "This frame is a (suspected) out-of-order segment",
    "The segment arrived after one with a higher sequence number.");
expert_field!(REUSED_PORTS, "tcp.analysis.reused_ports", "A new tcp session is started with the same ports as an earlier session in this trace",
    "A new connection uses the same addresses and ports as an earlier one in the capture.");
expert_field!(LOST_SEGMENT, "tcp.analysis.lost_segment", "Previous segment(s) not captured (common at capture start)",
    "Sequence numbers were skipped: a segment before this one was not captured.");
expert_field!(ACK_LOST, "tcp.analysis.ack_lost_segment", "ACKed segment that wasn't captured (common at capture start)",
    "This ACK covers data the capture never saw.");
expert_field!(WINDOW_UPDATE, "tcp.analysis.window_update", "TCP window update",
    "The segment only announces a larger window: no data, same acknowledgment.");
expert_field!(WINDOW_FULL, "tcp.analysis.window_full", "TCP window specified by the receiver is now completely full",
    "The segment fills the receiver's advertised window; the sender must now wait.");
expert_field!(KEEP_ALIVE, "tcp.analysis.keep_alive", "TCP keep-alive segment",
    "A keep-alive probe: one byte below the next sequence number, to check the peer is still there.");
expert_field!(KEEP_ALIVE_ACK, "tcp.analysis.keep_alive_ack", "ACK to a TCP keep-alive segment",
    "The ACK that answers a keep-alive probe.");
expert_field!(ZERO_WINDOW_PROBE, "tcp.analysis.zero_window_probe", "TCP Zero Window Probe",
    "A probe sent to a receiver whose window is zero, to learn when it opens.");
expert_field!(ZERO_WINDOW, "tcp.analysis.zero_window", "TCP Zero Window segment",
    "The receiver announces a window of zero: its buffer is full.");
expert_field!(ZERO_WINDOW_PROBE_ACK, "tcp.analysis.zero_window_probe_ack", "ACK to a TCP Zero Window Probe",
    "The ACK that answers a zero window probe.");
expert_field!(CONN_SYN, "tcp.connection.syn", "Connection establish request (SYN)",
    "The segment opens a connection (SYN without ACK).");
expert_field!(CONN_SYNACK, "tcp.connection.synack", "Connection establish acknowledge (SYN+ACK)",
    "The segment accepts a connection (SYN with ACK).");
expert_field!(CONN_FIN, "tcp.connection.fin", "Connection finish (FIN)",
    "The segment closes the sender's side of the connection (FIN).");
expert_field!(FIN_ACTIVE, "tcp.connection.fin_active", "This frame initiates the connection closing",
    "This side sent its FIN first and so closes the connection actively.");
expert_field!(FIN_PASSIVE, "tcp.connection.fin_passive", "This frame undergoes the connection closing",
    "This side's FIN answers the other side's: it closes the connection passively.");
expert_field!(ACK_NONZERO, "tcp.ack.nonzero", "The acknowledgment number field is nonzero while the ACK flag is not set",
    "The acknowledgment number is not zero although the ACK flag is not set.");
expert_field!(TFO_ACK, "tcp.analysis.tfo_ack", "TCP SYN-ACK accepting TFO data",
    "The SYN/ACK acknowledges more than the SYN: it accepts the data a TCP Fast Open SYN carried.");
expert_field!(TFO_SYN, "tcp.analysis.tfo_syn", "TCP SYN with TFO Cookie",
    "A SYN carrying a TCP Fast Open cookie: its data may reach the server before the handshake ends (RFC 7413).");
expert_field!(CONN_RST, "tcp.connection.rst", "Connection reset (RST)", "The segment aborts the connection (RST).");

pub static FIELDS: &[Field] = &[
    &TIME_RELATIVE, &TIME_DELTA, &ANALYSIS, &FLAGS, &ACKS_FRAME, &ACK_RTT,
    &INITIAL_RTT, &BYTES_IN_FLIGHT, &PUSH_BYTES, &RTO, &RTO_FRAME, &DUP_ACK, &DUP_ACK_NUM,
    &DUP_ACK_FRAME, &RETRANSMISSION, &FAST_RETRANSMISSION, &SPURIOUS, &OUT_OF_ORDER,
    &REUSED_PORTS, &LOST_SEGMENT, &ACK_LOST, &WINDOW_UPDATE, &WINDOW_FULL, &KEEP_ALIVE,
    &KEEP_ALIVE_ACK, &ZERO_WINDOW_PROBE, &ZERO_WINDOW, &ZERO_WINDOW_PROBE_ACK, &CONN_SYN,
    &CONN_SYNACK, &CONN_FIN, &FIN_ACTIVE, &FIN_PASSIVE, &CONN_RST,
    &ACK_NONZERO, &TFO_ACK, &TFO_SYN,
];

/// Each finding in Wireshark's order: its bit, expert field, severity and
/// Info column note (`None`: the note is built from the numbers).
const FINDINGS: &[(u32, Field, &str, Option<&str>)] = &[
    (flag::RETRANSMISSION, &RETRANSMISSION, "Note", Some("[TCP Retransmission] ")),
    (flag::REUSED_PORTS, &REUSED_PORTS, "Note", Some("[TCP Port numbers reused] ")),
    (flag::LOST_PACKET, &LOST_SEGMENT, "Warning", Some("[TCP Previous segment not captured] ")),
    (flag::ACK_LOST_PACKET, &ACK_LOST, "Warning", Some("[TCP ACKed unseen segment] ")),
    (flag::KEEP_ALIVE, &KEEP_ALIVE, "Note", Some("[TCP Keep-Alive] ")),
    (flag::WINDOW_UPDATE, &WINDOW_UPDATE, "Chat", Some("[TCP Window Update] ")),
    (flag::WINDOW_FULL, &WINDOW_FULL, "Warning", Some("[TCP Window Full] ")),
    (flag::KEEP_ALIVE_ACK, &KEEP_ALIVE_ACK, "Note", Some("[TCP Keep-Alive ACK] ")),
    (flag::DUPLICATE_ACK, &DUP_ACK, "Note", None),
    (flag::ZERO_WINDOW_PROBE, &ZERO_WINDOW_PROBE, "Note", Some("[TCP ZeroWindowProbe] ")),
    (flag::ZERO_WINDOW, &ZERO_WINDOW, "Warning", Some("[TCP ZeroWindow] ")),
    (flag::ZERO_WINDOW_PROBE_ACK, &ZERO_WINDOW_PROBE_ACK, "Note", Some("[TCP ZeroWindowProbeAck] ")),
    (flag::SPURIOUS_RETRANSMISSION, &SPURIOUS, "Note", Some("[TCP Spurious Retransmission] ")),
    (flag::FAST_RETRANSMISSION, &FAST_RETRANSMISSION, "Note", Some("[TCP Fast Retransmission] ")),
    (flag::OUT_OF_ORDER, &OUT_OF_ORDER, "Warning", Some("[TCP Out-Of-Order] ")),
];

/// Seconds with nine decimals, as relative times show in labels; written
/// only when a label is, so a tree without labels formats nothing.
pub fn rel(ns: i64) -> Rel {
    Rel(ns)
}

pub struct Rel(i64);

impl std::fmt::Display for Rel {
    fn fmt(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        let sign = if self.0 < 0 { "-" } else { "" };
        let a = self.0.unsigned_abs();
        write!(f, "{sign}{}.{:09}", a / 1_000_000_000, a % 1_000_000_000)
    }
}

pub fn timestamps(cx: &mut Ctx, at: usize, o: &SegOut) {
    let t = cx.tree();
    // A text item, not a field, in Wireshark 4.0.
    let id = t.open(&crate::field::TEXT, at..at, Value::None);
    t.set_flags(id, crate::field::tree::GENERATED);
    t.set_text(id, "[Timestamps]");
    let a = t.generated(&TIME_RELATIVE, at..at, Value::RelTime(o.time_rel));
    t.set_text(a, format_args!("[Time since first frame in this TCP stream: {} seconds]", rel(o.time_rel)));
    let d = t.generated(&TIME_DELTA, at..at, Value::RelTime(o.time_delta));
    t.set_text(d, format_args!("[Time since previous frame in this TCP stream: {} seconds]", rel(o.time_delta)));
    t.close();
}

/// The `[SEQ/ACK analysis]` subtree, when there is anything to say.
pub fn seq_ack(cx: &mut Ctx, at: usize, o: &SegOut) {
    let f = &o.findings;
    if !f.any() {
        return;
    }
    let r = at..at;
    let t = cx.tree();
    let root = t.open(&ANALYSIS, r.clone(), Value::None);
    t.set_flags(root, crate::field::tree::GENERATED);
    t.set_text(root, "[SEQ/ACK analysis]");
    if f.acks_frame != 0 {
        let a = t.generated(&ACKS_FRAME, r.clone(), Value::FrameNum(f.acks_frame));
        t.set_text(a, format_args!("[This is an ACK to the segment in frame: {}]", f.acks_frame));
        let rt = t.generated(&ACK_RTT, r.clone(), Value::RelTime(f.ack_rtt));
        t.set_text(rt, format_args!("[The RTT to ACK the segment was: {} seconds]", rel(f.ack_rtt)));
    }
    if o.irtt != 0 {
        let i = t.generated(&INITIAL_RTT, r.clone(), Value::RelTime(o.irtt));
        t.set_text(i, format_args!("[iRTT: {} seconds]", rel(o.irtt)));
    }
    if f.bytes_in_flight != 0 {
        let b = t.generated(&BYTES_IN_FLIGHT, r.clone(), Value::UInt(f.bytes_in_flight as u64));
        t.set_text(b, format_args!("[Bytes in flight: {}]", f.bytes_in_flight));
    }
    if f.push_bytes != 0 {
        let p = t.generated(&PUSH_BYTES, r.clone(), Value::UInt(f.push_bytes as u64));
        t.set_text(p, format_args!("[Bytes sent since last PSH flag: {}]", f.push_bytes));
    }
    if f.flags & !flag::NOTED != 0 {
        let fl = t.open(&FLAGS, r.clone(), Value::None);
        t.set_flags(fl, crate::field::tree::GENERATED);
        t.set_text(fl, "[TCP Analysis Flags]");
        for &(bit, field, sev, _) in FINDINGS {
            if f.flags & bit == 0 {
                continue;
            }
            if bit == flag::DUPLICATE_ACK {
                let d = cx.tree().generated(&DUP_ACK, r.clone(), Value::None);
                cx.tree().set_text(d, "[This is a TCP duplicate ack]");
                continue;
            }
            expert(cx, field, field.display, sev, "Sequence");
            if bit & (flag::FAST_RETRANSMISSION | flag::SPURIOUS_RETRANSMISSION) != 0 {
                expert(cx, &RETRANSMISSION, RETRANSMISSION.display, "Note", "Sequence");
            }
            if bit == flag::RETRANSMISSION && f.rto != 0 {
                let t = cx.tree();
                let a = t.generated(&RTO, r.clone(), Value::RelTime(f.rto));
                t.set_text(a, format_args!("[The RTO for this segment was: {} seconds]", rel(f.rto)));
                let b = t.generated(&RTO_FRAME, r.clone(), Value::FrameNum(f.rto_frame));
                t.set_text(b, format_args!("[RTO based on delta from frame: {}]", f.rto_frame));
            }
        }
        cx.tree().close();
        if f.flags & flag::DUPLICATE_ACK != 0 {
            let t = cx.tree();
            let n = t.generated(&DUP_ACK_NUM, r.clone(), Value::UInt(f.dupack_num as u64));
            t.set_text(n, format_args!("[Duplicate ACK #: {}]", f.dupack_num));
            let d = t.open(&DUP_ACK_FRAME, r.clone(), Value::FrameNum(f.dupack_frame));
            t.set_flags(d, crate::field::tree::GENERATED);
            t.set_text(d, format_args!("[Duplicate to the ACK in frame: {}]", f.dupack_frame));
            let msg = format!("Duplicate ACK (#{})", f.dupack_num);
            expert(cx, &DUP_ACK, &msg, "Note", "Sequence");
            cx.tree().close();
        }
    }
    cx.tree().close();
}

/// The `[TCP …] ` notes that go before the Info text. Wireshark prepends
/// each in turn, so the last one found comes first.
pub fn info_prefix(o: &SegOut, out: &mut String) {
    let f = &o.findings;
    for &(bit, _, _, note) in FINDINGS.iter().rev() {
        if f.flags & bit == 0 {
            continue;
        }
        match note {
            Some(n) => out.push_str(n),
            None => {
                let _ = write!(out, "[TCP Dup ACK {}#{}] ", f.dupack_frame, f.dupack_num);
            }
        }
    }
}
