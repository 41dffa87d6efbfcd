//! The TCP options newer than the classic ones, shown as tshark 4.0 shows
//! them: TCP Fast Open (RFC 7413), the TCP Authentication Option (RFC 5925),
//! Accurate ECN (draft-ietf-tcpm-accurate-ecn) and the RFC 6994 experiments.

use crate::field::{Base, Field, FieldDef, FieldType, Value};

use crate::dissect::{Buf, Ctx};

pub static TFO: FieldDef = FieldDef::protocol_bytes("tcp.options.tfo", "TCP Option - TCP Fast Open")
    .desc("TCP Fast Open option: a cookie request (empty) or a cookie that lets a SYN carry data (RFC 7413).");
pub static TFO_REQUEST: FieldDef = FieldDef::new("tcp.options.tfo.request", "Fast Open Cookie Request", FieldType::None)
    .desc("The client asks the server for a Fast Open cookie.");
pub static TFO_COOKIE: FieldDef = FieldDef::new("tcp.options.tfo.cookie", "Fast Open Cookie", FieldType::Bytes)
    .desc("The server's Fast Open cookie, sent back by the client in later SYNs.");
pub static AO: FieldDef = FieldDef::protocol_bytes("tcp.options.ao", "TCP Option - TCP AO")
    .desc("TCP Authentication Option: a MAC over the segment (RFC 5925).");
pub static AO_KEYID: FieldDef = FieldDef::new("tcp.options.ao.keyid", "AO KeyID", FieldType::U8)
    .desc("The key the sender used for this segment's MAC.");
pub static AO_RNEXT: FieldDef = FieldDef::new("tcp.options.ao.rnextkeyid", "AO RNextKeyID", FieldType::U8)
    .desc("The key the sender wants to receive next.");
pub static AO_MAC: FieldDef = FieldDef::new("tcp.options.ao.mac", "AO MAC", FieldType::Bytes)
    .desc("The message authentication code of the segment.");
pub static ACC_ECN: FieldDef = FieldDef::protocol_bytes("tcp.options.acc_ecn", "TCP Option - Accurate ECN")
    .desc("Accurate ECN option: byte counters of the ECN marks received.");
pub static EE0B: FieldDef =
    FieldDef::new("tcp.options.acc_ecn.ee0b", "Accurate ECN Echo ECT(0) Byte Counter", FieldType::U24)
        .desc("Bytes received marked ECT(0).");
pub static ECEB: FieldDef = FieldDef::new("tcp.options.acc_ecn.eceb", "Accurate ECN Echo CE Byte Counter", FieldType::U24)
    .desc("Bytes received marked CE (congestion experienced).");
pub static EE1B: FieldDef =
    FieldDef::new("tcp.options.acc_ecn.ee1b", "Accurate ECN Echo ECT(1) Byte Counter", FieldType::U24)
        .desc("Bytes received marked ECT(1).");
pub static EXPERIMENTAL: FieldDef =
    FieldDef::protocol_bytes("tcp.options.experimental", "TCP Option - Experimental")
        .desc("An experimental option (kind 253 or 254) with its experiment identifier (RFC 6994).");
pub static EXID: FieldDef = FieldDef::new("tcp.options.experimental.exid", "Experiment Identifier", FieldType::U16)
    .base(Base::Hex)
    .desc("Which experiment the option belongs to.");
pub static EXP_DATA: FieldDef = FieldDef::new("tcp.options.experimental.data", "Data", FieldType::Bytes)
    .desc("The experimental option's data after its identifier.");

pub static FIELDS: &[Field] = &[
    &TFO, &TFO_REQUEST, &TFO_COOKIE, &AO, &AO_KEYID, &AO_RNEXT, &AO_MAC, &ACC_ECN, &EE0B, &ECEB, &EE1B,
    &EXPERIMENTAL, &EXID, &EXP_DATA,
];

/// The option's name in the `Options:` line, for the kinds this file shows.
pub fn name(kind: u8) -> Option<&'static str> {
    Some(match kind {
        29 => "TCP AO",
        34 => "TCP Fast Open",
        172 | 174 => "Accurate ECN",
        253 | 254 => "Experimental",
        _ => return None,
    })
}

/// Accurate ECN's counters in the option's order (order 0 or 1).
pub fn acc_ecn_names(kind: u8) -> [(&'static str, Field); 3] {
    if kind == 172 {
        [("EE0B", &EE0B), ("ECEB", &ECEB), ("EE1B", &EE1B)]
    } else {
        [("EE1B", &EE1B), ("ECEB", &ECEB), ("EE0B", &EE0B)]
    }
}

/// Accurate ECN's counters present in an option of `len` bytes at `off`.
pub fn acc_ecn_counters(b: Buf<'_>, kind: u8, off: usize, len: usize) -> impl Iterator<Item = (&'static str, Field, usize, u64)> + '_ {
    let n = len.saturating_sub(2) / 3;
    acc_ecn_names(kind).into_iter().take(n).enumerate().map(move |(k, (name, f))| {
        let at = off + 2 + 3 * k;
        let v = (0..3).fold(0u64, |v, i| v << 8 | b.u8(at + i).unwrap_or(0) as u64);
        (name, f, at, v)
    })
}

/// The subtree of an option of this file's kinds, `len` bytes at `off`
/// (whole, captured); `kind_len` adds the Kind and Length items. Returns
/// false for other kinds.
pub fn tree(cx: &mut Ctx, b: Buf, kind: u8, off: usize, len: usize, kind_len: impl Fn(&mut Ctx)) -> bool {
    let r = b.range(off, len);
    let t = cx.tree();
    match kind {
        34 => {
            t.open(&TFO, r, Value::None);
            kind_len(cx);
            if len == 2 {
                cx.tree().add(&TFO_REQUEST, b.range(off, 2), Value::None);
            } else {
                cx.tree().open(&TFO_COOKIE, b.range(off + 2, len - 2), Value::None);
                // A client's SYN presenting its cookie (not the server's SYN/ACK giving one).
                use super::flags::{ACK, SYN};
                let syn = b.u16(12).is_ok_and(|f| f & (SYN | ACK) == SYN);
                if syn && cx.full {
                    let f = &super::expert::TFO_SYN;
                    crate::dissect::expert(cx, f, f.display, "Note", "Sequence");
                }
                cx.tree().close();
            }
        }
        29 => {
            t.open(&AO, r, Value::None);
            kind_len(cx);
            let t = cx.tree();
            if len >= 4 {
                t.add(&AO_KEYID, b.range(off + 2, 1), Value::UInt(b.u8(off + 2).unwrap_or(0) as u64));
                t.add(&AO_RNEXT, b.range(off + 3, 1), Value::UInt(b.u8(off + 3).unwrap_or(0) as u64));
            }
            if len > 4 {
                t.add(&AO_MAC, b.range(off + 4, len - 4), Value::None);
            }
        }
        172 | 174 => {
            let id = t.open(&ACC_ECN, r, Value::None);
            if t.keeps_labels() {
                let order = if kind == 172 { 0 } else { 1 };
                let counters: Vec<String> =
                    acc_ecn_counters(b, kind, off, len).map(|(n, _, _, v)| format!("{n} {v}")).collect();
                t.set_text(id, format_args!("TCP Option - Accurate ECN (Order {order}): {}", counters.join(", ")));
            }
            kind_len(cx);
            for (_, f, at, v) in acc_ecn_counters(b, kind, off, len) {
                cx.tree().add(f, b.range(at, 3), Value::UInt(v));
            }
        }
        253 | 254 => {
            let id = t.open(&EXPERIMENTAL, r, Value::None);
            t.set_text(id, "TCP Option - Experimental: Unknown");
            kind_len(cx);
            if len >= 4 {
                let exid = b.u16(off + 2).unwrap_or(0);
                let t = cx.tree();
                let e = t.add(&EXID, b.range(off + 2, 2), Value::UInt(exid as u64));
                t.set_text(e, format_args!("Experiment Identifier: Unknown (0x{exid:04x})"));
                if len > 4 {
                    t.add(&EXP_DATA, b.range(off + 4, len - 4), Value::None);
                }
            }
        }
        _ => return false,
    }
    cx.tree().close();
    true
}
