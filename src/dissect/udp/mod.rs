//! UDP: the header, the flow's stream index and times (`streams.rs`), and
//! the payload handed to the port table.

pub mod streams;

use std::fmt::Write;

use std::net::IpAddr;

use crate::field::tree::GENERATED;
use crate::field::{Base, Field, FieldDef, FieldType, Value, TEXT};

use super::{dispatch, Buf, Ctx, DResult, DissectError};

pub static UDP: FieldDef = FieldDef::new("udp", "User Datagram Protocol", FieldType::Protocol).brief()
    .desc("User Datagram Protocol: single datagrams between ports, no connection, no delivery guarantee (RFC 768).");
pub static SRCPORT: FieldDef = FieldDef::new("udp.srcport", "Source Port", FieldType::U16).brief()
    .desc("Port of the sending application.");
pub static DSTPORT: FieldDef = FieldDef::new("udp.dstport", "Destination Port", FieldType::U16).brief()
    .desc("Port of the receiving application.");
pub static PORT: FieldDef = FieldDef::new("udp.port", "Source or Destination Port", FieldType::U16).brief()
    .desc("Either port of the datagram; matches the source or the destination.");
pub static LENGTH: FieldDef = FieldDef::new("udp.length", "Length", FieldType::U16).brief()
    .desc("Length in bytes of the UDP header (8) and data.");
pub static CHECKSUM: FieldDef =
    FieldDef::new("udp.checksum", "Checksum", FieldType::U16).base(Base::Hex)
        .desc("One's complement checksum over a pseudo-header, the header and the data (0: none, IPv4 only).");
pub static LENGTH_BAD: FieldDef = FieldDef::new("udp.length.bad", "Bad length value", FieldType::None)
    .desc("The length field disagrees with the IP payload length.");
pub static CHECKSUM_ZERO: FieldDef = FieldDef::new("udp.checksum.zero", "Illegal checksum value (0)", FieldType::None)
    .desc("A zero checksum over IPv6, where UDP must always carry one (RFC 8200 section 8.1)");
pub static CHECKSUM_STATUS: FieldDef =
    FieldDef::new("udp.checksum.status", "Checksum Status", FieldType::U8).strings(crate::field::CHECKSUM_STATUSES)
        .desc("Whether the checksum was verified: good, bad or unverified.");
pub static STREAM: FieldDef = FieldDef::new("udp.stream", "Stream index", FieldType::U32).brief().capture_wide()
    .desc("Index Wireshark gives each UDP conversation (address and port pair), from 0; not sent on the wire.");
pub static TIME_RELATIVE: FieldDef =
    FieldDef::new("udp.time_relative", "Time since first frame", FieldType::RelTime)
        .desc("Seconds since the first datagram of this UDP conversation.");
pub static TIME_DELTA: FieldDef =
    FieldDef::new("udp.time_delta", "Time since previous frame", FieldType::RelTime)
        .desc("Seconds since the previous datagram of this UDP conversation.");
pub static PAYLOAD: FieldDef = FieldDef::new("udp.payload", "Payload", FieldType::Bytes)
    .desc("The data the datagram carries.");

pub static FIELDS: &[Field] = &[
    &UDP, &SRCPORT, &DSTPORT, &PORT, &LENGTH, &LENGTH_BAD, &CHECKSUM, &CHECKSUM_ZERO, &CHECKSUM_STATUS, &STREAM, &TIME_RELATIVE, &TIME_DELTA,
    &PAYLOAD,
];

pub fn dissect(cx: &mut Ctx, b: Buf) -> DResult<()> {
    // Wireshark reads the ports before it names the layer: a datagram cut
    // before them keeps the network layer's Protocol column and no UDP tree.
    cx.enter("udp", "");
    let sport = b.u16(0)?;
    let dport = b.u16(2)?;
    cx.enter_again("UDP");
    let root = cx.tree().open(&UDP, b.range(0, 8.min(b.len())), Value::None);
    let t = cx.tree();
    t.set_text(root, format_args!("User Datagram Protocol, Src Port: {sport}, Dst Port: {dport}"));
    t.add(&SRCPORT, b.range(0, 2), Value::UInt(sport as u64));
    t.add(&DSTPORT, b.range(2, 2), Value::UInt(dport as u64));
    t.hidden(&PORT, b.range(0, 2), Value::UInt(sport as u64));
    t.hidden(&PORT, b.range(2, 2), Value::UInt(dport as u64));
    // The ports go to Info first: a header cut short after them still
    // shows them, as in Wireshark.
    let _ = write!(cx.out.cols.info(), "{sport} → {dport}");
    let mut len = b.u16(4)? as usize;
    let ip_payload = b.reported_len();
    // A length beyond the IP payload is flagged and the payload trusted, as
    // Wireshark does (a datagram quoted in an ICMP error is cut by design).
    let bogus = len > ip_payload && len >= 8 && !cx.quoted;
    if bogus {
        let t = cx.tree();
        let id = t.open(&LENGTH, b.range(4, 2), Value::UInt(len as u64));
        t.set_text(id, format_args!("Length: {len} (bogus, payload length {ip_payload})"));
        let msg = format!("Bad length value {len} > IP payload length");
        crate::dissect::expert(cx, &LENGTH_BAD, &msg, "Error", "Malformed");
        cx.tree().close();
        let _ = write!(cx.out.cols.info, " [BAD UDP LENGTH {len} > IP PAYLOAD LENGTH]");
    } else {
        cx.uint(&LENGTH, &b, 4)?;
    }
    let _ = write!(cx.out.cols.info, " Len={}", len.saturating_sub(8));
    let ck = b.u16(6)?;
    // Over IPv4 a zero checksum means the sender computed none; over IPv6,
    // where the checksum is mandatory, it is illegal.
    let zero_v6 = ck == 0 && matches!(cx.net, Some((IpAddr::V6(_), _)));
    let absent = ck == 0 && matches!(cx.net, Some((IpAddr::V4(_), _)));
    let (note, status, name) = match (absent, zero_v6) {
        (true, _) => ("zero-value ignored", 3, "Not present"),
        (_, true) => ("zero-value illegal", 4, "Illegal"),
        _ => ("unverified", 2, "Unverified"),
    };
    let t = cx.tree();
    // A zero checksum's status is shown under it, as in Wireshark.
    let id = match absent || zero_v6 {
        true => t.open(&CHECKSUM, b.range(6, 2), Value::UInt(0)),
        false => t.add(&CHECKSUM, b.range(6, 2), Value::UInt(ck as u64)),
    };
    t.set_text(id, format_args!("Checksum: 0x{ck:04x} [{note}]"));
    if zero_v6 {
        crate::dissect::expert(cx, &CHECKSUM_ZERO, "Illegal checksum value (0)", "Error", "Checksum");
    }
    let t = cx.tree();
    // Wireshark's status has no bytes, but for a zero checksum's.
    let s = t.generated(&CHECKSUM_STATUS, b.range(6, if absent || zero_v6 { 2 } else { 0 }), Value::UInt(status));
    t.set_text(s, format_args!("[Checksum Status: {name}]"));
    if absent || zero_v6 {
        t.close();
    }
    if zero_v6 {
        cx.out.cols.info.push_str(" [ILLEGAL CHECKSUM (0)]");
    }
    if bogus {
        len = ip_payload;
    }
    // A datagram quoted in an ICMP error is cut short by design; what is
    // there is still dissected, as Wireshark does.
    let cut_by_quote = cx.quoted && len > b.reported_len();
    if len < 8 || (len > b.reported_len() && !cut_by_quote) {
        cx.tree().close();
        return Err(DissectError::Malformed);
    }
    if let Some((src, dst)) = cx.net {
        let key = crate::dissect::conv::ConvKey::new(src, sport, dst, dport);
        let first = cx.pass == crate::dissect::Pass::First;
        let times = cx.session.udp.datagram(first, key, cx.meta.number, cx.meta.ts);
        // After the header, with no length, as in Wireshark.
        cx.tree().generated(&STREAM, b.range(8, 0), Value::UInt(times.stream as u64));
        // Wireshark times the datagrams that carry a payload.
        if !cx.quoted && len > 8 {
            timestamps(cx, b.range(0, 0), times);
        }
    }
    let payload = if cut_by_quote { b.from(8)? } else { b.sub(8, len - 8)? };
    if payload.reported_len() > 0 {
        if payload.is_empty() {
            // Wireshark's payload item needs one captured byte: with none,
            // the datagram ends here as cut short and no port's protocol runs.
            cx.tree().close();
            return Err(DissectError::Truncated);
        }
        let n = payload.len();
        let id = cx.tree().add(&PAYLOAD, payload.range(0, n), Value::None);
        cx.tree().set_text(id, format_args!("UDP payload ({n} bytes)"));
    }
    cx.tree().close();
    dispatch::udp_port(cx, sport, dport, payload);
    Ok(())
}

fn timestamps(cx: &mut Ctx, at: std::ops::Range<usize>, times: streams::UdpTimes) {
    use crate::dissect::tcp::expert::rel;
    let t = cx.tree();
    let id = t.open(&TEXT, at.clone(), Value::None);
    t.set_flags(id, GENERATED);
    t.set_text(id, "[Timestamps]");
    let a = t.generated(&TIME_RELATIVE, at.clone(), Value::RelTime(times.relative));
    t.set_text(a, format_args!("[Time since first frame: {} seconds]", rel(times.relative)));
    let d = t.generated(&TIME_DELTA, at, Value::RelTime(times.delta));
    t.set_text(d, format_args!("[Time since previous frame: {} seconds]", rel(times.delta)));
    t.close();
}
