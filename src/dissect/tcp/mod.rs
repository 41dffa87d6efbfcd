//! TCP: the header (here), its options (`options`), the stream table's
//! view of the segment (relative numbers, window, analysis) shown as tree
//! and expert items (`expert`), and the hand-off of its payload to the
//! application through reassembly (`pdu`; `quoted` for the payload quoted
//! in an ICMP error). The state kept across packets — the stream table,
//! sequence analysis, reassembly buffers, per-frame records — is `stream`.

pub mod expert;
pub mod flags;
pub mod options;
pub mod later_options;
pub mod pdu;
pub(crate) mod quoted;
pub mod stream;

use std::fmt::Write;

use crate::field::{push_u64, Base, Field, FieldDef, FieldType, Value, SET_NOTSET};
use self::stream::{SegIn, SegOut};

use self::{expert as ta, options as opts};
use crate::dissect::{Buf, Ctx, DResult, DissectError, Pass};

pub static TCP: FieldDef = FieldDef::new("tcp", "Transmission Control Protocol", FieldType::Protocol).brief()
    .desc("Transmission Control Protocol: reliable, ordered byte streams between two ports (RFC 9293).");
pub static SRCPORT: FieldDef = FieldDef::new("tcp.srcport", "Source Port", FieldType::U16).brief()
    .desc("Port of the sending application (RFC 9293 section 3.1).");
pub static DSTPORT: FieldDef = FieldDef::new("tcp.dstport", "Destination Port", FieldType::U16).brief()
    .desc("Port of the receiving application.");
pub static PORT: FieldDef = FieldDef::new("tcp.port", "Source or Destination Port", FieldType::U16).brief()
    .desc("Either port of the segment; matches the source or the destination.");
pub static STREAM: FieldDef = FieldDef::new("tcp.stream", "Stream index", FieldType::U32).brief().capture_wide()
    .desc("Index Wireshark gives each TCP connection in the capture, from 0; not sent on the wire.");
pub static COMPLETENESS: FieldDef =
    FieldDef::new("tcp.completeness", "Conversation completeness", FieldType::U8)
        .desc("Which parts of the connection the capture holds, as bits: SYN 1, SYN-ACK 2, ACK 4, data 8, FIN 16, RST 32.");
pub static SEQ: FieldDef = FieldDef::new("tcp.seq", "Sequence Number", FieldType::U32).brief()
    .desc("Sequence number of the segment's first byte, relative to this side's initial sequence number (RFC 9293 section 3.4).");
pub static SEQ_RAW: FieldDef = FieldDef::new("tcp.seq_raw", "Sequence Number (raw)", FieldType::U32)
    .desc("The sequence number as sent on the wire.");
pub static NXTSEQ: FieldDef = FieldDef::new("tcp.nxtseq", "Next Sequence Number", FieldType::U32)
    .desc("Sequence number the next segment from this side should start at: this one plus its data length, plus one for SYN or FIN.");
pub static ACK: FieldDef = FieldDef::new("tcp.ack", "Acknowledgment Number", FieldType::U32).brief()
    .desc("Next sequence number the sender expects from the other side, relative; it acknowledges every byte before it.");
pub static ACK_RAW: FieldDef = FieldDef::new("tcp.ack_raw", "Acknowledgment number (raw)", FieldType::U32)
    .desc("The acknowledgment number as sent on the wire.");
static BOGUS_HDR_LEN: FieldDef = FieldDef::new("tcp.bogus_header_length", "Bogus TCP Header length", FieldType::None)
    .desc("The data offset gives a header shorter than the 20 bytes every TCP header has.");
pub static HDR_LEN: FieldDef = FieldDef::new("tcp.hdr_len", "Header Length", FieldType::U8)
    .desc("Length of the TCP header in bytes (the data offset field times four).");
pub static FLAGS: FieldDef =
    FieldDef::new("tcp.flags", "Flags", FieldType::U16).base(Base::Hex).mask(flags::ALL as u64).brief()
        .desc("The 12 control bits of the header: reserved, AE, CWR, ECE, URG, ACK, PSH, RST, SYN, FIN.");
pub static FLAG_FIN: FieldDef = FieldDef::new("tcp.flags.fin", "Fin", FieldType::Bool).bit(12, flags::FIN as u64).strings(SET_NOTSET).brief()
    .desc("FIN: the sender has finished sending (RFC 9293 section 3.6).");
pub static FLAG_SYN: FieldDef = FieldDef::new("tcp.flags.syn", "Syn", FieldType::Bool).bit(12, flags::SYN as u64).strings(SET_NOTSET).brief()
    .desc("SYN: synchronize sequence numbers; opens a connection (RFC 9293 section 3.5).");
pub static FLAG_RST: FieldDef = FieldDef::new("tcp.flags.reset", "Reset", FieldType::Bool).bit(12, flags::RST as u64).strings(SET_NOTSET).brief()
    .desc("RST: abort the connection (RFC 9293 section 3.5.2).");
pub static FLAG_PUSH: FieldDef = FieldDef::new("tcp.flags.push", "Push", FieldType::Bool).bit(12, flags::PSH as u64).strings(SET_NOTSET).brief()
    .desc("PSH: deliver the data to the application without waiting.");
pub static FLAG_ACK: FieldDef = FieldDef::new("tcp.flags.ack", "Acknowledgment", FieldType::Bool).bit(12, flags::ACK as u64).strings(SET_NOTSET).brief()
    .desc("ACK: the acknowledgment number is valid.");
pub static FLAG_URG: FieldDef = FieldDef::new("tcp.flags.urg", "Urgent", FieldType::Bool).bit(12, flags::URG as u64).strings(SET_NOTSET).brief()
    .desc("URG: the urgent pointer is valid.");
pub static FLAG_ECE: FieldDef = FieldDef::new("tcp.flags.ece", "ECN-Echo", FieldType::Bool).bit(12, flags::ECE as u64).strings(SET_NOTSET).brief()
    .desc("ECE: ECN-Echo, congestion was seen (RFC 3168).");
pub static FLAG_CWR: FieldDef = FieldDef::new("tcp.flags.cwr", "Congestion Window Reduced", FieldType::Bool).bit(12, flags::CWR as u64).strings(SET_NOTSET).brief()
    .desc("CWR: the sender reduced its congestion window (RFC 3168).");
pub static FLAG_AE: FieldDef = FieldDef::new("tcp.flags.ae", "Accurate ECN", FieldType::Bool).bit(12, flags::AE as u64).strings(SET_NOTSET).brief()
    .desc("AE: Accurate ECN bit, formerly the ECN nonce.");
pub static FLAG_RES: FieldDef = FieldDef::new("tcp.flags.res", "Reserved", FieldType::Bool).bit(12, flags::RESERVED as u64).strings(SET_NOTSET).brief()
    .desc("Reserved header bits that must be zero.");
pub static FLAGS_STR: FieldDef = FieldDef::new("tcp.flags.str", "TCP Flags", FieldType::String)
    .desc("The flags as a string of letters, one position per bit.");
pub static WINDOW: FieldDef = FieldDef::new("tcp.window_size_value", "Window", FieldType::U16).brief()
    .desc("The window field as sent: bytes the sender can receive, before scaling.");
pub static WINDOW_SIZE: FieldDef = FieldDef::new("tcp.window_size", "Calculated window size", FieldType::U32)
    .desc("Window in bytes after applying the window scale factor.");
pub static WINDOW_SCALE: FieldDef =
    FieldDef::new("tcp.window_size_scalefactor", "Window size scaling factor", FieldType::I32)
        .desc("Factor the window field is multiplied by (-1 when unknown, -2 when no scaling is used).");
pub static CHECKSUM: FieldDef = FieldDef::new("tcp.checksum", "Checksum", FieldType::U16).base(Base::Hex)
    .desc("One's complement checksum over a pseudo-header, the TCP header and the data.");
pub static CHECKSUM_STATUS: FieldDef = FieldDef::new("tcp.checksum.status", "Checksum Status", FieldType::U8)
    .base(Base::None)
    .strings(crate::field::CHECKSUM_STATUSES)
    .desc("Whether the checksum was verified: good, bad or unverified.");
pub static URGENT: FieldDef = FieldDef::new("tcp.urgent_pointer", "Urgent Pointer", FieldType::U16)
    .desc("Offset from the sequence number to the end of urgent data, valid when URG is set.");
pub static OPTIONS: FieldDef = FieldDef::new("tcp.options", "TCP Options", FieldType::Bytes)
    .desc("The options after the fixed 20-byte header (up to 40 bytes).");
pub static PAYLOAD: FieldDef = FieldDef::new("tcp.payload", "TCP payload", FieldType::Bytes)
    .desc("The data bytes the segment carries.");
pub static LEN: FieldDef = FieldDef::new("tcp.len", "TCP Segment Len", FieldType::U32).brief()
    .desc("Number of data bytes in the segment.");
pub static RESET_CAUSE: FieldDef = FieldDef::new("tcp.reset_cause", "Reset cause", FieldType::String)
    .desc("Text some stacks put in a reset segment to say why it was sent.");

pub static FIELDS: &[Field] = &[
    &TCP, &SRCPORT, &DSTPORT, &PORT, &STREAM, &COMPLETENESS, &LEN, &SEQ, &SEQ_RAW, &NXTSEQ, &ACK,
    &ACK_RAW, &HDR_LEN, &BOGUS_HDR_LEN, &FLAGS, &FLAG_RES, &FLAG_AE, &FLAG_CWR, &FLAG_ECE, &FLAG_URG, &FLAG_ACK,
    &FLAG_PUSH, &FLAG_RST, &FLAG_SYN, &FLAG_FIN, &FLAGS_STR, &WINDOW, &WINDOW_SIZE,
    &WINDOW_SCALE, &CHECKSUM, &CHECKSUM_STATUS, &URGENT, &OPTIONS, &PAYLOAD, &RESET_CAUSE,
];

const FLAG_NAMES: [(u16, &str); 9] = [
    (flags::FIN, "FIN"),
    (flags::SYN, "SYN"),
    (flags::RST, "RST"),
    (flags::PSH, "PSH"),
    (flags::ACK, "ACK"),
    (flags::URG, "URG"),
    (flags::ECE, "ECE"),
    (flags::CWR, "CWR"),
    (flags::AE, "AE"),
];

/// `SYN, ACK` as Wireshark lists set flags (`<None>` when none is).
pub fn flag_list(flags: u16, out: &mut String) {
    let start = out.len();
    for (bit, name) in FLAG_NAMES {
        if flags & bit != 0 {
            if out.len() > start {
                out.push_str(", ");
            }
            out.push_str(name);
        }
    }
    if flags & flags::RESERVED != 0 {
        if out.len() > start {
            out.push_str(", ");
        }
        out.push_str("Reserved");
    }
    if out.len() == start {
        out.push_str("<None>");
    }
}

/// `·······A··S·`: one letter per flag bit, a dot for each clear bit.
fn flag_picture(flags: u16) -> String {
    const LETTERS: &[u8; 12] = b"RRRACEUAPRSF";
    (0..12).map(|i| if flags & (0x800 >> i) != 0 { LETTERS[i] as char } else { '·' }).collect()
}

fn completeness_label(v: u8) -> String {
    let name = match v {
        1 => "Incomplete, SYN_SENT",
        3 => "Incomplete, CLIENT_ESTABLISHED",
        7 => "Incomplete, ESTABLISHED",
        15 => "Incomplete, DATA",
        31 | 47 | 63 => "Complete, WITH_DATA",
        23 | 39 | 55 => "Complete, NO_DATA",
        _ => "Incomplete",
    };
    format!("[Conversation completeness: {name} ({v})]")
}

/// A segment's header fields.
struct Hdr {
    sport: u16,
    dport: u16,
    seq: u32,
    ack: u32,
    hlen: usize,
    flags: u16,
    win: u16,
    /// Sequence numbers shown relative (`prefs::TcpPrefs::relative`).
    relative: bool,
}

/// A TCP header quoted inside an ICMP error is shown with raw numbers,
/// without touching the stream it belongs to.
pub fn dissect(cx: &mut Ctx, b: Buf) -> DResult<()> {
    run(cx, b)
}

fn run(cx: &mut Ctx, b: Buf) -> DResult<()> {
    // Wireshark reads the ports before it names the layer: a segment cut
    // before them keeps the network layer's Protocol column and no TCP tree.
    cx.enter("tcp", "");
    let sport = b.u16(0)?;
    let dport = b.u16(2)?;
    cx.enter_again("TCP");
    let root = cx.tree().open(&TCP, b.range(0, 20.min(b.len())), Value::None);
    let t = cx.tree();
    t.add(&SRCPORT, b.range(0, 2), Value::UInt(sport as u64));
    t.add(&DSTPORT, b.range(2, 2), Value::UInt(dport as u64));
    t.hidden(&PORT, b.range(0, 2), Value::UInt(sport as u64));
    t.hidden(&PORT, b.range(2, 2), Value::UInt(dport as u64));
    // Cut inside the rest of the fixed header: Info has the ports alone.
    let fixed = (|| Ok((b.u32(4)?, b.u32(8)?, b.u16(12)?, b.u16(14)?, b.u16(18)?)))();
    let (seq, ack, off_flags, win, _) = match fixed {
        Ok(h) => h,
        Err(e) => {
            let info = cx.out.cols.info();
            push_u64(sport as u64, info);
            info.push_str(" → ");
            push_u64(dport as u64, info);
            cx.tree().close();
            return Err(e);
        }
    };
    let hlen = ((off_flags >> 12) as usize) * 4;
    let flags = off_flags & flags::ALL;
    if hlen < 20 {
        bogus_header(cx, b, root, Hdr { sport, dport, seq, ack, hlen, flags, win, relative: false });
        return Ok(());
    }
    // Options cut by the snap length: those captured are still shown and
    // the segment still tracked, then the layer ends as truncated.
    let opt_all = b.tail(20);
    let opts_cut = opt_all.len() < hlen - 20;
    if opts_cut && b.reported_len() < hlen {
        cx.tree().close();
        return Err(DissectError::Malformed);
    }
    let options = opts::parse(&opt_all[..opt_all.len().min(hlen - 20)]);
    let payload = b.from(hlen)?;
    let plen = payload.reported_len() as u32;
    let prefs = crate::prefs::tcp();
    let h = Hdr { sport, dport, seq, ack, hlen, flags, win, relative: prefs.relative() };

    let out = track(cx, &h, plen, &options).map(|o| as_preferred(o, &h, prefs));
    cx.tree().set_len(root, hlen);
    if cx.out.tree.keeps_labels() {
        let mut label = format!("Transmission Control Protocol, Src Port: {sport}, Dst Port: {dport}");
        let (rs, ra) = out.map(|o| (o.seq, o.ack)).unwrap_or((seq, ack));
        let _ = write!(label, ", Seq: {rs}");
        if flags & flags::ACK != 0 {
            let _ = write!(label, ", Ack: {ra}");
        }
        let _ = write!(label, ", Len: {plen}");
        cx.tree().set_text(root, label);
    }
    // A columns-only pass keeps none of the header's many items, and a
    // filter on the analysis alone (`tcp.analysis.flags`) none of them.
    if cx.out.tree.wants_some(|f| f.name.starts_with("_ws.") || in_header(f)) {
        header_fields(cx, b, &h, out.as_ref());
    }
    let ack_base = out.filter(|_| h.relative).map(|o| o.ack_base);
    // Without a tree to show, the costly labelled subtrees are skipped; so
    // are the options when none of their items (TCP's, expert notes) stay.
    let options_kept = cx.out.tree.wants_some(|f| {
        f.name.starts_with("_ws.") || f.name.starts_with("tcp.option") || crate::field::same(f, &ta::TFO_SYN)
    });
    if hlen > 20 && cx.full && options_kept {
        opts::tree(cx, b, &options, hlen, ack_base);
    }
    // Its timestamps and analysis items, unless a recording wants no TCP
    // item; Wireshark places them at the header's start, with no length.
    let analysed = cx.full && cx.out.tree.wants_some(|f| f.name.starts_with("tcp.") || f.name.starts_with("_ws."));
    if let (Some(o), true) = (&out, analysed) {
        let start = b.abs(0);
        if prefs.timestamps {
            ta::timestamps(cx, start, o);
        }
        ta::seq_ack(cx, start, o);
    }
    let reset_text = flags & flags::RST != 0 && !payload.is_empty();
    if reset_text {
        // A reset's payload is the sender's text explaining it.
        let text = String::from_utf8_lossy(payload.tail(0)).into_owned();
        cx.tree().add(&RESET_CAUSE, payload.range(0, payload.len()), Value::str(text));
    } else if plen > 0 && !payload.is_empty() {
        let id = cx.tree().add(&PAYLOAD, payload.range(0, payload.len()), Value::None);
        if cx.full {
            cx.tree().set_text(id, format_args!("TCP payload ({plen} bytes)"));
        }
    }
    let quoted = out.as_ref().is_some_and(|o| o.quoted);
    // A payload handed to an application usually replaces the Info text:
    // TCP's own is written afterwards, and only when it was not.
    let deferred = !opts_cut && !reset_text && !quoted;
    if deferred {
        cx.out.cols.info();
        cx.out.cols.info_deferred = true;
    } else {
        info(cx, &h, b, &options, out.as_ref(), plen);
    }
    if opts_cut {
        cx.tree().close_to(root);
        return Err(DissectError::Truncated);
    }
    if reset_text {
        cx.tree().close_to(root);
    } else if let Some(o) = out.as_ref().filter(|o| o.quoted) {
        self::quoted::payload(cx, root, payload, sport, dport, o);
    } else {
        pdu::payload(cx, root, payload, sport, dport, out.as_ref(), h.flags & flags::FIN != 0);
    }
    if cx.out.cols.info_deferred {
        cx.out.cols.info_deferred = false;
        info_in_front(cx, &h, b, &options, out.as_ref(), plen);
    }
    if let Some(o) = &out {
        let mut prefix = String::new();
        ta::info_prefix(o, &mut prefix);
        if !prefix.is_empty() {
            cx.out.cols.info.insert_str(0, &prefix);
        }
    }
    Ok(())
}

/// A header length below 20. Not an exception in Wireshark: the layer ends
/// with its note. Wireshark gives up only after the stream table took the
/// segment (as long as every byte after the bogus header, with no options),
/// so the numbers are relative and the window scaled; the analysis's
/// findings, timestamps and the ACK's items would come later and are not
/// shown. A header quoted in an ICMP error is not tracked.
/// `root`: the layer's open item.
fn bogus_header(cx: &mut Ctx, b: Buf, root: crate::field::tree::NodeId, mut h: Hdr) {
    let prefs = crate::prefs::tcp();
    h.relative = prefs.relative();
    let plen = b.reported_len().saturating_sub(h.hlen) as u32;
    let no_options = opts::parse(&[]);
    let out = match cx.quoted {
        true => None,
        false => track(cx, &h, plen, &no_options).map(|o| as_preferred(o, &h, prefs)),
    };
    let (seq, ack, win) = numbers(&h, out.as_ref());
    if cx.out.tree.keeps_labels() {
        let label = format!("Transmission Control Protocol, Src Port: {}, Dst Port: {}, Seq: {seq}", h.sport, h.dport);
        cx.tree().set_text(root, label);
    }
    // The layer's item covers all its bytes: its length is set to the
    // header's only past the check.
    cx.tree().set_len(root, b.len());
    header_fields(cx, b, &h, out.as_ref());
    let info = cx.out.cols.info();
    info_numbers(&h, (seq, ack, win), info);
    let _ = write!(info, ", bogus TCP header length ({}, must be at least 20)", h.hlen);
    cx.tree().close();
}

/// Runs the stream table on the first pass, reads its record on a revisit.
fn track(cx: &mut Ctx, h: &Hdr, plen: u32, o: &opts::Options) -> Option<SegOut> {
    let (src, dst) = cx.net?;
    let seg = SegIn {
        src,
        sport: h.sport,
        dst,
        dport: h.dport,
        frame: cx.meta.number,
        ts: cx.meta.ts,
        seq: h.seq,
        ack: h.ack,
        flags: h.flags,
        win: h.win,
        len: plen,
        wscale: o.wscale,
        sacked: o.sacked,
        announced: false,
        bogus: h.hlen < 20,
    };
    let seg = SegIn { announced: h.flags & flags::SYN != 0 && cx.session.ftp.announced((src, h.sport), (dst, h.dport)), ..seg };
    match cx.pass {
        Pass::First if cx.quoted => cx.session.tcp.first_pass_quoted(&seg),
        Pass::First => Some(cx.session.tcp.first_pass(&seg)),
        Pass::Revisit => cx.session.tcp.revisit(&seg),
    }
}

/// The stream table's view of a segment as the preferences (`-o tcp.…`)
/// show it: without the analysis, no findings; without relative numbers,
/// the numbers on the wire.
fn as_preferred(mut o: SegOut, h: &Hdr, prefs: crate::prefs::TcpPrefs) -> SegOut {
    if !prefs.analyze_seq {
        o.findings = Default::default();
        o.irtt = 0;
    }
    if !h.relative && !o.quoted {
        o.nxtseq = h.seq.wrapping_add(o.nxtseq.wrapping_sub(o.seq));
        o.seq = h.seq;
        o.ack = h.ack;
    }
    o
}

/// Whether `header_fields` may add an item of field `f` (besides expert
/// notes): TCP's fields but the protocol's own item, the options' and the
/// analysis's, which other functions add; but the SYN/ACK's TFO note is the
/// header's (and the SYN's, `tcp.analysis.tfo_syn`, the options').
fn in_header(f: crate::field::Field) -> bool {
    let analysis = f.name.starts_with("tcp.analysis") && !crate::field::same(f, &ta::TFO_ACK);
    f.name.starts_with("tcp.") && !analysis && !f.name.starts_with("tcp.option")
}

fn header_fields(cx: &mut Ctx, b: Buf, h: &Hdr, o: Option<&SegOut>) {
    let z = b.range(0, 0);
    let full = cx.full;
    let t = cx.tree();
    if let Some(stream) = o.map(|o| o.stream) {
        let s = t.generated(&STREAM, z.clone(), Value::UInt(stream as u64));
        if full {
            t.set_text(s, format_args!("[Stream index: {stream}]"));
        }
    }
    if let Some(o) = o {
        let c = t.generated(&COMPLETENESS, z.clone(), Value::UInt(o.completeness as u64));
        if full {
            t.set_text(c, completeness_label(o.completeness));
        }
    }
    let plen = b.reported_len().saturating_sub(h.hlen);
    let quoted = o.is_some_and(|o| o.quoted);
    let all = o;
    let o = o.filter(|o| !o.quoted);
    if (h.hlen >= 20 || o.is_some()) && !quoted {
        let l = t.generated(&LEN, z.clone(), Value::UInt(plen as u64));
        if full {
            t.set_text(l, format_args!("[TCP Segment Len: {plen}]"));
        }
    }
    match o {
        Some(o) => {
            let s = t.add(&SEQ, b.range(4, 4), Value::UInt(o.seq as u64));
            if full && h.relative {
                t.set_text(s, format_args!("Sequence Number: {}    (relative sequence number)", o.seq));
            }
        }
        None => {
            t.add(&SEQ, b.range(4, 4), Value::UInt(h.seq as u64));
        }
    }
    // The raw numbers are shown beside relative ones only; a header quoted in
    // an ICMP error has its raw sequence number alone (tshark shows its raw
    // ACK twice, as the ACK and the raw ACK).
    if (h.relative || o.is_none()) && !quoted {
        t.add(&SEQ_RAW, b.range(4, 4), Value::UInt(h.seq as u64));
    }
    if let Some(o) = o {
        if h.hlen >= 20 {
            let n = t.generated(&NXTSEQ, z.clone(), Value::UInt(o.nxtseq as u64));
            if full && h.relative {
                t.set_text(n, format_args!("[Next Sequence Number: {}    (relative sequence number)]", o.nxtseq));
            }
        }
    }
    if h.hlen < 20 {
        bogus_length(cx, b, h);
        return;
    }
    match o {
        Some(o) if h.flags & flags::ACK != 0 => {
            let a = t.open(&ACK, b.range(8, 4), Value::UInt(o.ack as u64));
            if full && h.relative {
                t.set_text(a, format_args!("Acknowledgment Number: {}    (relative ack number)", o.ack));
            }
            // Relative to the peer's base, whatever the preference shows.
            let analyze = crate::prefs::tcp().analyze_seq;
            if h.flags & flags::SYN != 0 && analyze && cx.full && !o.quoted && h.ack.wrapping_sub(o.ack_base) > 1 {
                crate::dissect::expert(cx, &ta::TFO_ACK, ta::TFO_ACK.display, "Note", "Sequence");
            }
            cx.tree().close();
        }
        _ => {
            t.open(&ACK, b.range(8, 4), Value::UInt(h.ack as u64));
            if h.ack != 0 && h.flags & flags::ACK == 0 && cx.full {
                let msg = "The acknowledgment number field is nonzero while the ACK flag is not set";
                crate::dissect::expert(cx, &ta::ACK_NONZERO, msg, "Note", "Protocol");
            }
            cx.tree().close();
        }
    }
    let t = cx.tree();
    // Wireshark shows the raw ACK beside a relative one, and whenever the
    // ACK flag is off.
    if h.relative || o.is_none() || h.flags & flags::ACK == 0 {
        t.add(&ACK_RAW, b.range(8, 4), Value::UInt(h.ack as u64));
    }
    let nib = h.hlen / 4;
    let hl = t.open(&HDR_LEN, b.range(12, 1), Value::UInt(h.hlen as u64));
    if full {
        t.set_text(hl, format_args!("{nib:04b} .... = Header Length: {} bytes ({nib})", h.hlen));
    }
    cx.tree().close();
    let t = cx.tree();
    let flags = h.flags;
    let f = t.open(&FLAGS, b.range(12, 2), Value::UInt(flags as u64));
    if full {
        let mut label = format!("Flags: 0x{flags:03x} (");
        flag_list(flags, &mut label);
        label.push(')');
        t.set_text(f, label);
    }
    for (fd, bit) in [
        (&FLAG_RES, flags::RESERVED),
        (&FLAG_AE, flags::AE),
        (&FLAG_CWR, flags::CWR),
        (&FLAG_ECE, flags::ECE),
        (&FLAG_URG, flags::URG),
        (&FLAG_ACK, flags::ACK),
        (&FLAG_PUSH, flags::PSH),
        (&FLAG_RST, flags::RST),
        (&FLAG_SYN, flags::SYN),
        (&FLAG_FIN, flags::FIN),
    ] {
        let set = flags & bit != 0;
        let v = Value::Bool(set);
        // Each flag covers the one byte its bit is in, as in Wireshark 4.0.
        let at = b.range(if bit > 0xff { 12 } else { 13 }, 1);
        // Expert notes are tree items: their text is built for a tree only.
        let note = match bit {
            _ if !full => None,
            flags::SYN if set && flags & flags::ACK != 0 => Some((
                &ta::CONN_SYNACK,
                format!("Connection establish acknowledge (SYN+ACK): server port {}", h.sport),
                "Chat",
            )),
            flags::SYN if set => Some((
                &ta::CONN_SYN,
                format!("Connection establish request (SYN): server port {}", h.dport),
                "Chat",
            )),
            flags::FIN if set => Some((&ta::CONN_FIN, "Connection finish (FIN)".to_string(), "Chat")),
            flags::RST if set => Some((&ta::CONN_RST, "Connection reset (RST)".to_string(), "Warning")),
            _ => None,
        };
        match note {
            Some((field, msg, sev)) => {
                cx.tree().open(fd, at, v);
                crate::dissect::expert(cx, field, &msg, sev, "Sequence");
                cx.tree().close();
            }
            _ => {
                cx.tree().add(fd, at, v);
            }
        }
    }
    if full {
        let t = cx.tree();
        let pic = flag_picture(flags);
        let s = t.open(&FLAGS_STR, b.range(12, 2), Value::str(pic.as_str()));
        t.set_flags(s, crate::field::tree::GENERATED);
        t.set_text(s, format_args!("[TCP Flags: {pic}]"));
        if let (true, Some(o)) = (flags & flags::FIN != 0, o) {
            let f = if o.fin_active { &ta::FIN_ACTIVE } else { &ta::FIN_PASSIVE };
            crate::dissect::expert(cx, f, f.display, "Note", "Sequence");
        }
        cx.tree().close();
    }
    cx.tree().close();
    let t = cx.tree();
    t.add(&WINDOW, b.range(14, 2), Value::UInt(h.win as u64));
    if let Some(o) = all {
        let w = t.generated(&WINDOW_SIZE, b.range(14, 2), Value::UInt(o.window as u64));
        if full {
            t.set_text(w, format_args!("[Calculated window size: {}]", o.window));
        }
        if flags & flags::SYN == 0 {
            let s = t.generated(&WINDOW_SCALE, b.range(14, 2), Value::Int(o.scale as i64));
            if full {
                let text = match o.scale {
                    -1 => "-1 (unknown)".to_string(),
                    -2 => "-2 (no window scaling used)".to_string(),
                    n => n.to_string(),
                };
                t.set_text(s, format_args!("[Window size scaling factor: {text}]"));
            }
        }
    }
    let ck = b.u16(16).unwrap_or(0);
    let c = t.add(&CHECKSUM, b.range(16, 2), Value::UInt(ck as u64));
    if full {
        t.set_text(c, format_args!("Checksum: 0x{ck:04x} [unverified]"));
    }
    let st = t.generated(&CHECKSUM_STATUS, b.range(16, 0), Value::UInt(2));
    if full {
        t.set_text(st, "[Checksum Status: Unverified]");
    }
    t.add(&URGENT, b.range(18, 2), Value::UInt(b.u16(18).unwrap_or(0) as u64));
}

/// A bogus header length's item and note, Wireshark's last item for such a
/// header: nothing after it is read.
fn bogus_length(cx: &mut Ctx, b: Buf, h: &Hdr) {
    let nib = h.hlen / 4;
    let full = cx.full;
    let t = cx.tree();
    let hl = t.open(&HDR_LEN, b.range(12, 1), Value::UInt(h.hlen as u64));
    if full {
        t.set_text(hl, format_args!("{nib:04b} .... = Header Length: {} bytes ({nib})", h.hlen));
    }
    let msg = format!("Bogus TCP header length ({}, must be at least 20)", h.hlen);
    crate::dissect::expert(cx, &BOGUS_HDR_LEN, &msg, "Error", "Protocol");
    cx.tree().close();
}

/// The Info text, written with pushes: it runs for every TCP segment, and
/// the formatting machinery was a visible share of a summary run.
fn info(cx: &mut Ctx, h: &Hdr, b: Buf, o: &opts::Options, out: Option<&SegOut>, plen: u32) {
    let info = cx.out.cols.info();
    info_numbers(h, numbers(h, out), info);
    if h.flags & flags::URG != 0 {
        info.push_str(" Urg=");
        push_u64(b.u16(18).unwrap_or(0) as u64, info);
    }
    info.push_str(" Len=");
    push_u64(plen as u64, info);
    opts::info(b, o, out.filter(|_| h.relative).map(|s| s.ack_base), info);
}

/// Sequence number, ACK and window as shown: the stream table's (relative,
/// scaled) when it has the segment, else the header's.
fn numbers(h: &Hdr, out: Option<&SegOut>) -> (u32, u32, u32) {
    out.map_or((h.seq, h.ack, h.win as u32), |o| (o.seq, o.ack, o.window))
}

/// `sport → dport [FLAGS] Seq=N Ack=N Win=N`: the ports, flags and numbers
/// that open TCP's Info text, a bogus header's too.
fn info_numbers(h: &Hdr, (seq, ack, win): (u32, u32, u32), info: &mut String) {
    ports_and_flags(h.sport, h.dport, h.flags, info);
    info.push_str("] Seq=");
    push_u64(seq as u64, info);
    if h.flags & flags::ACK != 0 {
        info.push_str(" Ack=");
        push_u64(ack as u64, info);
    }
    info.push_str(" Win=");
    push_u64(win as u64, info);
}

/// TCP's Info text in front of what the payload's dissection appended
/// (a reassembly note, an error note).
fn info_in_front(cx: &mut Ctx, h: &Hdr, b: Buf, o: &opts::Options, out: Option<&SegOut>, plen: u32) {
    if cx.out.cols.info.is_empty() {
        info(cx, h, b, o, out, plen);
        return;
    }
    let tail = std::mem::take(&mut cx.out.cols.info);
    info(cx, h, b, o, out, plen);
    cx.out.cols.info.push_str(&tail);
}

/// `sport → dport [SYN, ACK`: how every TCP Info text begins.
fn ports_and_flags(sport: u16, dport: u16, flags: u16, info: &mut String) {
    push_u64(sport as u64, info);
    info.push_str(" → ");
    push_u64(dport as u64, info);
    info.push_str(" [");
    flag_list(flags, info);
}

#[cfg(test)]
pub(crate) mod tests;
