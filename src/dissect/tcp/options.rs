//! TCP options: parsed once into a list of (kind, offset, length), then
//! shown in the tree and summarised in the Info column as Wireshark does.

use std::fmt::Write;

use crate::field::{push_u64, Field, FieldDef, FieldType, Value};

use crate::dissect::{Buf, Ctx};

use super::later_options as later;

pub static OPTION_KIND: FieldDef =
    FieldDef::new("tcp.option_kind", "Kind", FieldType::U8).strings(KINDS)
        .desc("Option kind byte: which TCP option this is (RFC 9293 section 3.2).");
pub static OPTION_LEN: FieldDef = FieldDef::new("tcp.option_len", "Length", FieldType::U8)
    .desc("Length of the option in bytes, kind and length bytes included.");
pub static NOP: FieldDef = FieldDef::protocol_bytes("tcp.options.nop", "TCP Option - No-Operation (NOP)")
    .desc("No-Operation option: one byte of padding that aligns the next option.");
pub static EOL: FieldDef = FieldDef::protocol_bytes("tcp.options.eol", "TCP Option - End of Option List (EOL)")
    .desc("End of Option List: the options end here.");
pub static MSS: FieldDef = FieldDef::protocol_bytes("tcp.options.mss", "TCP Option - Maximum segment size")
    .desc("Maximum Segment Size option, sent in a SYN (RFC 9293 section 3.7.1).");
pub static MSS_VAL: FieldDef = FieldDef::new("tcp.options.mss_val", "MSS Value", FieldType::U16)
    .desc("Largest amount of data in bytes the sender accepts in one segment.");
pub static WSCALE: FieldDef = FieldDef::protocol_bytes("tcp.options.wscale", "TCP Option - Window scale")
    .desc("Window Scale option, sent in a SYN (RFC 7323 section 2).");
pub static WSCALE_SHIFT: FieldDef = FieldDef::new("tcp.options.wscale.shift", "Shift count", FieldType::U8)
    .desc("Power of two by which the sender's later window fields are scaled.");
pub static WSCALE_MULT: FieldDef = FieldDef::new("tcp.options.wscale.multiplier", "Multiplier", FieldType::U16)
    .desc("The window scale factor, 2 to the shift count.");
pub static SACK_PERM: FieldDef = FieldDef::protocol_bytes("tcp.options.sack_perm", "TCP Option - SACK permitted")
    .desc("SACK Permitted option: the sender accepts selective acknowledgments (RFC 2018).");
pub static SACK: FieldDef = FieldDef::protocol_bytes("tcp.options.sack", "TCP Option - SACK")
    .desc("Selective acknowledgment option: blocks received beyond a gap (RFC 2018).");
pub static SACK_LE: FieldDef = FieldDef::new("tcp.options.sack_le", "TCP SACK Left Edge", FieldType::U32)
    .desc("First sequence number of a block received out of order (relative).");
pub static SACK_RE: FieldDef = FieldDef::new("tcp.options.sack_re", "TCP SACK Right Edge", FieldType::U32)
    .desc("Sequence number just after a block received out of order (relative).");
pub static SACK_COUNT: FieldDef = FieldDef::new("tcp.options.sack.count", "TCP SACK Count", FieldType::U8)
    .desc("Number of SACK blocks in the option.");
pub static TIMESTAMP: FieldDef = FieldDef::protocol_bytes("tcp.options.timestamp", "TCP Option - Timestamps")
    .desc("Timestamps option, for round-trip time measurement and wrap protection (RFC 7323 section 3).");
pub static TSVAL: FieldDef = FieldDef::new("tcp.options.timestamp.tsval", "Timestamp value", FieldType::U32)
    .desc("The sender's timestamp clock when it sent the segment.");
pub static TSECR: FieldDef = FieldDef::new("tcp.options.timestamp.tsecr", "Timestamp echo reply", FieldType::U32)
    .desc("The latest timestamp value received from the other side, echoed back.");
pub static UNKNOWN: FieldDef = FieldDef::protocol_bytes("tcp.options.unknown", "TCP Option - Unknown")
    .desc("An option kind this dissector does not decode.");
pub static UNKNOWN_PAYLOAD: FieldDef = FieldDef::new("tcp.options.unknown.payload", "Payload", FieldType::Bytes)
    .desc("The data bytes of an option not decoded.");
pub static DSACK_LE: FieldDef = FieldDef::new("tcp.options.sack.dsack_le", "TCP D-SACK Left Edge", FieldType::U32)
    .desc("First sequence number of a duplicate SACK block: data received twice (RFC 2883).");
pub static DSACK_RE: FieldDef = FieldDef::new("tcp.options.sack.dsack_re", "TCP D-SACK Right Edge", FieldType::U32)
    .desc("Sequence number just after a duplicate SACK block (RFC 2883).");
pub static DSACK: FieldDef = FieldDef::new("tcp.options.sack.dsack", "D-SACK Sequence", FieldType::None)
    .desc("The first SACK block reports data received twice: below the ACK, or inside the next block (RFC 2883).");
pub static MSS_ABSENT: FieldDef =
    FieldDef::new("tcp.options.mss.absent", "The SYN packet does not contain a MSS option", FieldType::None)
        .desc("A SYN with options but no Maximum Segment Size option.");
pub static MSS_PRESENT: FieldDef =
    FieldDef::new("tcp.options.mss.present", "The non-SYN packet does contain a MSS option", FieldType::None)
        .desc("A Maximum Segment Size option outside a SYN, where it has no meaning.");
pub static LEN_INVALID: FieldDef =
    FieldDef::new("tcp.option.len.invalid", "Invalid length for option", FieldType::None)
        .desc("The option's length byte does not fit the option or the header.");

pub static FIELDS: &[Field] = &[
    &OPTION_KIND, &OPTION_LEN, &NOP, &EOL, &MSS, &MSS_VAL, &WSCALE, &WSCALE_SHIFT, &WSCALE_MULT,
    &SACK_PERM, &SACK, &SACK_LE, &SACK_RE, &SACK_COUNT, &TIMESTAMP, &TSVAL, &TSECR, &UNKNOWN,
    &UNKNOWN_PAYLOAD, &LEN_INVALID, &DSACK_LE, &DSACK_RE, &DSACK, &MSS_ABSENT, &MSS_PRESENT,
];

const KINDS: &[(u64, &str)] = &[
    (0, "End of Option List"),
    (1, "No-Operation"),
    (2, "Maximum Segment Size"),
    (3, "Window Scale"),
    (4, "SACK Permitted"),
    (5, "SACK"),
    (8, "Time Stamp Option"),
    (19, "MD5 Signature Option"),
    (28, "User Timeout Option"),
    (29, "The TCP Authentication Option"),
    (30, "Multipath TCP"),
    (34, "TCP Fast Open Cookie"),
    (172, "Accurate ECN Order 0"),
    (174, "Accurate ECN Order 1"),
    (253, "RFC3692-style Experiment 1"),
    (254, "RFC3692-style Experiment 2"),
    (6, "Echo"),
    (7, "Echo Reply"),
    (9, "Partial Order Connection Permitted"),
    (10, "Partial Order Service Profile"),
    (11, "CC"),
    (12, "CC.NEW"),
    (13, "CC.ECHO"),
    (14, "TCP Alternate Checksum Request"),
    (15, "TCP Alternate Checksum Data"),
    (16, "Skeeter"),
    (17, "Bubba"),
    (18, "Trailer Checksum Option"),
    (20, "SCPS Capabilities"),
    (21, "Selective Negative Acknowledgements"),
    (22, "Record Boundaries"),
    (23, "Corruption experienced"),
    (24, "SNAP"),
    (25, "Unassigned"),
    (26, "TCP Compression Filter"),
    (27, "Quick-Start Response"),
    (76, "Riverbed Probe"),
    (78, "Riverbed Transparency"),
];

/// Options fit in 40 bytes, so at most 40 of them.
const MAX: usize = 40;

#[derive(Clone, Copy, Debug, Default)]
pub struct Opt {
    pub kind: u8,
    /// Offset in the TCP header.
    pub off: u16,
    /// Bytes the option covers (1 for NOP/EOL).
    pub len: u8,
    /// The option's length byte is impossible for its kind.
    pub bad: bool,
}

#[derive(Clone, Copy, Debug)]
pub struct Options {
    items: [Opt; MAX],
    n: usize,
    pub wscale: Option<u8>,
    /// Bytes the SACK blocks cover.
    pub sacked: u32,
}

impl Options {
    pub fn items(&self) -> &[Opt] {
        &self.items[..self.n]
    }
}

fn expected_len(kind: u8) -> Option<u8> {
    match kind {
        2 => Some(4),
        3 => Some(3),
        4 => Some(2),
        8 => Some(10),
        _ => None,
    }
}

/// Splits the options area (header bytes 20..hlen, all captured).
pub fn parse(opt: &[u8]) -> Options {
    let mut o = Options { items: [Opt::default(); MAX], n: 0, wscale: None, sacked: 0 };
    let mut i = 0usize;
    while i < opt.len() && o.n < MAX {
        let kind = opt[i];
        let off = (20 + i) as u16;
        if kind == 0 || kind == 1 {
            o.items[o.n] = Opt { kind, off, len: 1, bad: false };
            o.n += 1;
            i += 1;
            continue;
        }
        let Some(&len) = opt.get(i + 1) else {
            o.items[o.n] = Opt { kind, off, len: (opt.len() - i) as u8, bad: true };
            o.n += 1;
            break;
        };
        let bad = len < 2
            || i + len as usize > opt.len()
            || expected_len(kind).is_some_and(|e| e != len)
            || (kind == 5 && (len < 2 || (len - 2) % 8 != 0));
        let cover = if len < 2 || i + len as usize > opt.len() { (opt.len() - i) as u8 } else { len };
        o.items[o.n] = Opt { kind, off, len: cover, bad };
        o.n += 1;
        if kind == 3 && !bad {
            o.wscale = Some(opt[i + 2]);
        }
        if kind == 5 && !bad {
            for blk in opt[i + 2..i + len as usize].chunks_exact(8) {
                let le = u32::from_be_bytes([blk[0], blk[1], blk[2], blk[3]]);
                let re = u32::from_be_bytes([blk[4], blk[5], blk[6], blk[7]]);
                o.sacked = o.sacked.wrapping_add(re.wrapping_sub(le));
            }
        }
        if len < 2 {
            break;
        }
        i += len as usize;
    }
    o
}

fn name(kind: u8) -> &'static str {
    match kind {
        0 => "End of Option List (EOL)",
        1 => "No-Operation (NOP)",
        2 => "Maximum segment size",
        3 => "Window scale",
        4 => "SACK permitted",
        5 => "SACK",
        8 => "Timestamps",
        _ => "Unknown",
    }
}

/// The `Options: (N bytes), …` subtree. `b` is the TCP header; `rev_base`
/// turns SACK edges into relative numbers (the peer's base sequence).
pub fn tree(cx: &mut Ctx, b: Buf, o: &Options, hlen: usize, rev_base: Option<u32>) {
    let n = hlen - 20;
    let t = cx.tree();
    let root = t.open(&super::OPTIONS, b.range(20, n), Value::None);
    if t.keeps_labels() {
        let mut label = format!("Options: ({n} bytes)");
        for op in o.items() {
            label.push_str(", ");
            if let Some(n) = later::name(op.kind) {
                label.push_str(n);
            } else if op.kind > 8 || op.kind == 6 || op.kind == 7 {
                let _ = write!(label, "Unknown ({})", op.kind);
            } else {
                label.push_str(name(op.kind));
            }
        }
        t.set_text(root, label);
    }
    for op in o.items() {
        one(cx, b, op, rev_base);
    }
    if syn(b) && !o.items().iter().any(|op| op.kind == 2) {
        crate::dissect::expert(cx, &MSS_ABSENT, MSS_ABSENT.display, "Note", "Protocol");
    }
    cx.tree().close();
}

fn syn(b: Buf) -> bool {
    b.u8(13).unwrap_or(0) & 2 != 0
}

fn seq_le(a: u32, b: u32) -> bool {
    (a.wrapping_sub(b) as i32) <= 0
}

/// Whether the first SACK block (`le`, `re`) reports data received twice
/// (RFC 2883): it ends at or below the segment's ACK, or lies inside the
/// second block.
fn dsack(b: Buf, off: usize, blocks: usize) -> bool {
    let at = |o: usize| b.u32(off + o).unwrap_or(0);
    let (le, re, ack) = (at(2), at(6), b.u32(8).unwrap_or(0));
    seq_le(re, ack) || (blocks > 1 && seq_le(at(10), le) && seq_le(re, at(14)))
}

fn one(cx: &mut Ctx, b: Buf, op: &Opt, rev_base: Option<u32>) {
    let off = op.off as usize;
    let r = b.range(off, op.len as usize);
    let kind_item = |cx: &mut Ctx| {
        cx.tree().add(&OPTION_KIND, b.range(off, 1), Value::UInt(op.kind as u64));
    };
    let len_item = |cx: &mut Ctx| {
        if op.len >= 2 {
            let l = b.u8(off + 1).unwrap_or(0);
            cx.tree().add(&OPTION_LEN, b.range(off + 1, 1), Value::UInt(l as u64));
        }
    };
    let u16_at = |o: usize| b.u16(off + o).unwrap_or(0);
    let u32_at = |o: usize| b.u32(off + o).unwrap_or(0);
    let both = |cx: &mut Ctx| {
        kind_item(cx);
        len_item(cx);
    };
    if !op.bad && later::tree(cx, b, op.kind, off, op.len as usize, both) {
        return;
    }
    let t = cx.tree();
    match op.kind {
        0 | 1 => {
            let f = if op.kind == 0 { &EOL } else { &NOP };
            t.open(f, r, Value::None);
            kind_item(cx);
        }
        _ if op.bad => {
            let f = match op.kind {
                2 => &MSS,
                3 => &WSCALE,
                4 => &SACK_PERM,
                5 => &SACK,
                8 => &TIMESTAMP,
                _ => &UNKNOWN,
            };
            let id = t.open(f, r, Value::None);
            if std::ptr::eq(f, &UNKNOWN) {
                t.set_text(id, format_args!("TCP Option - Unknown ({})", op.kind));
            } else {
                t.set_text(id, format_args!("TCP Option - {}", name(op.kind)));
            }
            kind_item(cx);
            if op.len >= 2 {
                let l = b.u8(off + 1).unwrap_or(0);
                cx.tree().open(&OPTION_LEN, b.range(off + 1, 1), Value::UInt(l as u64));
                let msg = match expected_len(op.kind) {
                    Some(e) => format!("option length should be {e}"),
                    None => format!("option length {l} is invalid"),
                };
                crate::dissect::expert(cx, &LEN_INVALID, &msg, "Note", "Sequence");
                cx.tree().close();
            }
        }
        2 => {
            let v = u16_at(2);
            let id = t.open(&MSS, r, Value::None);
            t.set_text(id, format_args!("TCP Option - Maximum segment size: {v} bytes"));
            if !syn(b) {
                crate::dissect::expert(cx, &MSS_PRESENT, MSS_PRESENT.display, "Warning", "Protocol");
            }
            kind_item(cx);
            len_item(cx);
            cx.tree().add(&MSS_VAL, b.range(off + 2, 2), Value::UInt(v as u64));
        }
        3 => {
            let shift = b.u8(off + 2).unwrap_or(0);
            let mult = 1u32 << shift.min(14);
            let id = t.open(&WSCALE, r, Value::None);
            t.set_text(id, format_args!("TCP Option - Window scale: {shift} (multiply by {mult})"));
            kind_item(cx);
            len_item(cx);
            let t = cx.tree();
            t.add(&WSCALE_SHIFT, b.range(off + 2, 1), Value::UInt(shift as u64));
            t.generated(&WSCALE_MULT, b.range(off + 2, 1), Value::UInt(mult as u64));
        }
        4 => {
            t.open(&SACK_PERM, r, Value::None);
            kind_item(cx);
            len_item(cx);
        }
        5 => {
            let base = rev_base.unwrap_or(0);
            let blocks = (op.len as usize - 2) / 8;
            let mut label = String::from("TCP Option - SACK");
            for k in 0..blocks {
                let le = u32_at(2 + 8 * k).wrapping_sub(base);
                let re = u32_at(6 + 8 * k).wrapping_sub(base);
                let _ = write!(label, " {le}-{re}");
            }
            let id = t.open(&SACK, r, Value::None);
            t.set_text(id, label);
            kind_item(cx);
            len_item(cx);
            for k in 0..blocks {
                let le = u32_at(2 + 8 * k).wrapping_sub(base);
                let re = u32_at(6 + 8 * k).wrapping_sub(base);
                let t = cx.tree();
                let a = t.add(&SACK_LE, b.range(off + 2 + 8 * k, 4), Value::UInt(le as u64));
                let rel = if rev_base.is_some() { " (relative)" } else { "" };
                t.set_text(a, format_args!("left edge = {le}{rel}"));
                let z = t.add(&SACK_RE, b.range(off + 6 + 8 * k, 4), Value::UInt(re as u64));
                t.set_text(z, format_args!("right edge = {re}{rel}"));
            }
            let c = cx.tree().generated(&SACK_COUNT, b.range(off, 0), Value::UInt(blocks as u64));
            cx.tree().set_text(c, format_args!("[TCP SACK Count: {blocks}]"));
            if blocks > 0 && dsack(b, off, blocks) {
                let rel = if rev_base.is_some() { " (relative)" } else { "" };
                let (le, re) = (u32_at(2).wrapping_sub(base), u32_at(6).wrapping_sub(base));
                let t = cx.tree();
                let a = t.generated(&DSACK_LE, b.range(off + 2, 4), Value::UInt(le as u64));
                t.set_text(a, format_args!("[D-SACK Left Edge = {le}{rel}]"));
                let z = t.generated(&DSACK_RE, b.range(off + 6, 4), Value::UInt(re as u64));
                t.set_text(z, format_args!("[D-SACK Right Edge = {re}{rel}]"));
                // Wireshark's proto_tree_add_expert: a text line holding the note.
                let d = t.open(&crate::field::TEXT, b.range(off + 2, 8), Value::None);
                t.set_text(d, DSACK.display);
                crate::dissect::expert(cx, &DSACK, DSACK.display, "Warning", "Sequence");
                cx.tree().close();
            }
        }
        8 => {
            let (v, e) = (u32_at(2), u32_at(6));
            let id = t.open(&TIMESTAMP, r, Value::None);
            t.set_text(id, format_args!("TCP Option - Timestamps: TSval {v}, TSecr {e}"));
            kind_item(cx);
            len_item(cx);
            let t = cx.tree();
            t.add(&TSVAL, b.range(off + 2, 4), Value::UInt(v as u64));
            t.add(&TSECR, b.range(off + 6, 4), Value::UInt(e as u64));
        }
        k => {
            let id = t.open(&UNKNOWN, r, Value::None);
            t.set_text(id, format_args!("TCP Option - Unknown ({k})"));
            kind_item(cx);
            len_item(cx);
            if op.len > 2 {
                cx.tree().add(&UNKNOWN_PAYLOAD, b.range(off + 2, op.len as usize - 2), Value::None);
            }
        }
    }
    cx.tree().close();
}

/// The options' part of the Info column: ` MSS=1460 SACK_PERM TSval=… WS=128`.
pub fn info(b: Buf, o: &Options, rev_base: Option<u32>, out: &mut String) {
    for op in o.items() {
        if op.bad {
            continue;
        }
        let off = op.off as usize;
        let mut number = |label: &str, n: u64| {
            out.push_str(label);
            push_u64(n, out);
        };
        match op.kind {
            2 => number(" MSS=", b.u16(off + 2).unwrap_or(0) as u64),
            3 => {
                let shift = b.u8(off + 2).unwrap_or(0);
                number(" WS=", 1u64 << shift.min(14));
            }
            4 => out.push_str(" SACK_PERM"),
            5 => {
                let base = rev_base.unwrap_or(0);
                for k in 0..(op.len as usize - 2) / 8 {
                    let le = b.u32(off + 2 + 8 * k).unwrap_or(0).wrapping_sub(base);
                    let re = b.u32(off + 6 + 8 * k).unwrap_or(0).wrapping_sub(base);
                    number(" SLE=", le as u64);
                    number(" SRE=", re as u64);
                }
            }
            8 => {
                number(" TSval=", b.u32(off + 2).unwrap_or(0) as u64);
                number(" TSecr=", b.u32(off + 6).unwrap_or(0) as u64);
            }
            // TCP Fast Open: a cookie request (no cookie) or a cookie.
            34 => out.push_str(if op.len == 2 { " TFO=R" } else { " TFO=C" }),
            // tshark 4.0 writes this one with no space before it.
            29 => out.push_str("TCP AO"),
            // Accurate ECN's byte counters (3 bytes each), in the option's
            // order, as many as its length holds.
            172 | 174 => {
                for (name, _, _, v) in later::acc_ecn_counters(b, op.kind, off, op.len as usize) {
                    number(&format!(" {name}="), v);
                }
            }
            253 | 254 if op.len >= 4 => {
                let _ = write!(out, " ExID={:x}", b.u16(off + 2).unwrap_or(0));
            }
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_a_linux_syn() {
        // MSS 65495, SACK_PERM, TS, NOP, WS 10.
        let opt = [2, 4, 0xff, 0xd7, 4, 2, 8, 10, 0, 0, 0, 1, 0, 0, 0, 0, 1, 3, 3, 10];
        let o = parse(&opt);
        let kinds: Vec<u8> = o.items().iter().map(|x| x.kind).collect();
        assert_eq!(kinds, vec![2, 4, 8, 1, 3]);
        assert_eq!(o.wscale, Some(10));
        assert!(o.items().iter().all(|x| !x.bad));
    }

    #[test]
    fn info_text_of_fast_open_ao_and_accurate_ecn_as_tshark_writes_it() {
        let info_of = |opts: &[u8]| {
            let mut header = vec![0u8; 20];
            header.extend_from_slice(opts);
            let mut s = String::new();
            info(Buf::new(&header, header.len()), &parse(opts), None, &mut s);
            s
        };
        assert_eq!(info_of(&[34, 2, 1, 1]), " TFO=R");
        assert_eq!(info_of(&[34, 10, 0, 1, 2, 3, 4, 5, 6, 7, 1, 1]), " TFO=C");
        let mut ao = vec![29, 16, 5, 6];
        ao.extend_from_slice(&[0; 12]);
        assert_eq!(info_of(&ao), "TCP AO");
        assert_eq!(info_of(&[172, 11, 0, 0, 1, 0, 1, 0, 1, 0, 0, 1]), " EE0B=1 ECEB=256 EE1B=65536");
        assert_eq!(info_of(&[174, 8, 0, 0, 2, 0, 0, 3]), " EE1B=2 ECEB=3");
    }

    #[test]
    fn bad_lengths_do_not_loop_or_overrun() {
        let o = parse(&[2, 0, 1, 1]);
        assert_eq!(o.items().len(), 1);
        assert!(o.items()[0].bad);
        let o = parse(&[8, 40, 1]);
        assert!(o.items()[0].bad);
        assert_eq!(o.items()[0].len, 3);
        let o = parse(&[3, 4, 7, 0]);
        assert_eq!(o.wscale, None);
        let o = parse(&[99]);
        assert!(o.items()[0].bad);
    }
}
