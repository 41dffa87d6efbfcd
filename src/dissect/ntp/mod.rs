//! NTP (RFC 5905) over UDP port 123: the 48-byte header, its three
//! fixed-point numbers and four timestamps, and the pairing of a client's
//! request with the server's response (`pairing.rs`).

pub mod pairing;
#[cfg(test)]
mod tests;

use std::fmt::Write;

use crate::dissect::conv::ConvKey;
use crate::field::{Base, Field, FieldDef, FieldType, Timestamp, Value};

use super::{Buf, Ctx, DResult, Pass};

pub static NTP: FieldDef = FieldDef::new("ntp", "Network Time Protocol", FieldType::Protocol)
    .desc("Network Time Protocol: clients and servers exchange timestamps to set clocks, on UDP port 123 (RFC 5905).");
pub static FLAGS: FieldDef = FieldDef::new("ntp.flags", "Flags", FieldType::U8).base(Base::Hex)
    .desc("First byte of the header: leap indicator, version and mode.");
pub static FLAGS_LI: FieldDef = FieldDef::new("ntp.flags.li", "Leap Indicator", FieldType::U8).mask(0xc0).strings(&[
    (0, "no warning"),
    (1, "last minute of the day has 61 seconds"),
    (2, "last minute of the day has 59 seconds"),
    (3, "unknown (clock unsynchronized)"),
]).desc("Leap indicator: a leap second is coming at the end of the day, or 3 when the clock is not synchronized.");
pub static FLAGS_VN: FieldDef =
    FieldDef::new("ntp.flags.vn", "Version number", FieldType::U8).mask(0x38).strings(VERSIONS)
        .desc("NTP version number, usually 4.");
pub static FLAGS_MODE: FieldDef = FieldDef::new("ntp.flags.mode", "Mode", FieldType::U8).mask(0x07).strings(MODES)
    .desc("Mode: 3 client, 4 server, 1 and 2 symmetric peers, 5 broadcast.");
pub static STRATUM: FieldDef = FieldDef::new("ntp.stratum", "Peer Clock Stratum", FieldType::U8)
    .desc("Distance from a reference clock: 1 for a server with its own, 0 unspecified.");
pub static PPOLL: FieldDef = FieldDef::new("ntp.ppoll", "Peer Polling Interval", FieldType::U8)
    .desc("Longest interval between messages, as a power of two seconds.");
pub static PRECISION: FieldDef = FieldDef::new("ntp.precision", "Peer Clock Precision", FieldType::U8)
    .desc("Precision of the sender's clock, as a power of two seconds.");
pub static ROOTDELAY: FieldDef = FieldDef::new("ntp.rootdelay", "Root Delay", FieldType::U32)
    .desc("Round-trip delay to the reference clock, in seconds.");
pub static ROOTDISPERSION: FieldDef = FieldDef::new("ntp.rootdispersion", "Root Dispersion", FieldType::U32)
    .desc("Error bound relative to the reference clock, in seconds.");
pub static REFID: FieldDef = FieldDef::new("ntp.refid", "Reference ID", FieldType::Bytes)
    .desc("Identifier of the reference: four letters for a stratum 1 source, else the upstream server's address.");
pub static REFTIME: FieldDef = FieldDef::new("ntp.reftime", "Reference Timestamp", FieldType::AbsTime)
    .desc("Time the sender's clock was last set or corrected.");
pub static ORG: FieldDef = FieldDef::new("ntp.org", "Origin Timestamp", FieldType::AbsTime)
    .desc("Origin timestamp: the client's transmit time, echoed by the server.");
pub static REC: FieldDef = FieldDef::new("ntp.rec", "Receive Timestamp", FieldType::AbsTime)
    .desc("Receive timestamp: when the request arrived at the server.");
pub static XMT: FieldDef = FieldDef::new("ntp.xmt", "Transmit Timestamp", FieldType::AbsTime)
    .desc("Transmit timestamp: when the message left its sender.");
pub static RESPONSE_IN: FieldDef = FieldDef::new("ntp.response_in", "Response In", FieldType::FrameNum)
    .desc("The response to this NTP request is in this frame");
pub static REQUEST_IN: FieldDef = FieldDef::new("ntp.request_in", "Request In", FieldType::FrameNum)
    .desc("This is a response to the NTP request in this frame");
pub static DELTA_TIME: FieldDef = FieldDef::new("ntp.delta_time", "Delta Time", FieldType::RelTime)
    .desc("Time between request and response");

pub static FIELDS: &[Field] = &[
    &NTP, &FLAGS, &FLAGS_LI, &FLAGS_VN, &FLAGS_MODE, &STRATUM, &PPOLL, &PRECISION, &ROOTDELAY, &ROOTDISPERSION,
    &REFID, &REFTIME, &ORG, &REC, &XMT, &RESPONSE_IN, &REQUEST_IN, &DELTA_TIME,
];

static VERSIONS: &[(u64, &str)] = &[
    (0, "reserved"),
    (1, "NTP Version 1"),
    (2, "NTP Version 2"),
    (3, "NTP Version 3"),
    (4, "NTP Version 4"),
    (5, "reserved"),
    (6, "reserved"),
    (7, "reserved"),
];

static MODES: &[(u64, &str)] = &[
    (0, "reserved"),
    (1, "symmetric active"),
    (2, "symmetric passive"),
    (3, "client"),
    (4, "server"),
    (5, "broadcast"),
    (6, "reserved for NTP control message"),
    (7, "reserved for private use"),
];

const MODE_CLIENT: u8 = 3;
const MODE_SERVER: u8 = 4;
/// Seconds from the NTP epoch (1900) to the Unix epoch (1970).
const NTP_TO_UNIX: i64 = 2_208_988_800;

pub fn is_ntp_port(port: u16) -> bool {
    port == 123
}

pub fn dissect(cx: &mut Ctx, b: Buf, sport: u16, dport: u16) -> DResult<()> {
    cx.enter("ntp", "NTP");
    let root = cx.tree().open(&NTP, b.range(0, b.len()), Value::None);
    let flags = b.u8(0)?;
    let (li, vn, mode) = (flags >> 6, flags >> 3 & 7, flags & 7);
    let version = FLAGS_VN.value_string(vn as u64).unwrap_or("reserved");
    let mode_name = FLAGS_MODE.value_string(mode as u64).unwrap_or("reserved");
    let _ = write!(cx.out.cols.info(), "{version}, {mode_name}");
    let t = cx.tree();
    t.set_text(root, format_args!("Network Time Protocol ({version}, {mode_name})"));
    let li_name = FLAGS_LI.value_string(li as u64).unwrap_or("");
    let id = t.open(&FLAGS, b.range(0, 1), Value::UInt(flags as u64));
    t.set_text(id, format_args!("Flags: 0x{flags:02x}, Leap Indicator: {li_name}, Version number: {version}, Mode: {mode_name}"));
    t.add(&FLAGS_LI, b.range(0, 1), Value::UInt(li as u64));
    t.add(&FLAGS_VN, b.range(0, 1), Value::UInt(vn as u64));
    t.add(&FLAGS_MODE, b.range(0, 1), Value::UInt(mode as u64));
    t.close();
    if mode == MODE_CLIENT || mode == MODE_SERVER {
        let key = timestamp(&b, if mode == MODE_SERVER { 24 } else { 40 })?;
        let conv = cx.net.map(|(s, d)| ConvKey::new(s, sport, d, dport));
        pair(cx, &b, conv, mode == MODE_SERVER, key);
    }
    let (id, stratum) = cx.uint_item(&STRATUM, &b, 1)?;
    let kind = match stratum {
        0 => "unspecified or invalid",
        1 => "primary reference",
        2..=15 => "secondary reference",
        16 => "unsynchronized",
        _ => "reserved",
    };
    cx.tree().set_text(id, format_args!("Peer Clock Stratum: {kind} ({stratum})"));
    let (id, poll) = cx.uint_item(&PPOLL, &b, 2)?;
    match poll {
        4..=17 => cx.tree().set_text(id, format_args!("Peer Polling Interval: {poll} ({} seconds)", 1u64 << poll)),
        _ => cx.tree().set_text(id, format_args!("Peer Polling Interval: invalid ({poll})")),
    }
    let (id, prec) = cx.uint_item(&PRECISION, &b, 3)?;
    let secs = 2f64.powi(prec as u8 as i8 as i32);
    cx.tree().set_text(id, format_args!("Peer Clock Precision: {secs:.6} seconds"));
    for (f, off) in [(&ROOTDELAY, 4), (&ROOTDISPERSION, 8)] {
        let (id, v) = cx.uint_item(f, &b, off)?;
        cx.tree().set_text(id, format_args!("{}: {:.6} seconds", f.display, v as f64 / 65536.0));
    }
    let refid = b.array::<4>(12)?;
    let id = cx.tree().add(&REFID, b.range(12, 4), Value::None);
    reference_id(cx, id, stratum, refid);
    for (f, off) in [(&REFTIME, 16), (&ORG, 24), (&REC, 32), (&XMT, 40)] {
        let v = match timestamp(&b, off)? {
            0 => Value::str("NULL"),
            ts => Value::AbsTime(unix_time(ts)),
        };
        cx.tree().add(f, b.range(off, 8), v);
    }
    cx.tree().close();
    Ok(())
}

/// The reference ID's label: a clock's code at strata 0 and 1, the
/// address of the server synchronised to above them.
fn reference_id(cx: &mut Ctx, id: usize, stratum: u64, refid: [u8; 4]) {
    let t = cx.tree();
    if refid == [0; 4] {
        t.set_text(id, "Reference ID: NULL");
    } else if stratum <= 1 {
        let code: String = refid.iter().take_while(|&&c| c != 0).map(|&c| c as char).collect();
        t.set_text(id, format_args!("Reference ID: Unidentified reference source '{code}'"));
    } else {
        t.set_text(id, format_args!("Reference ID: {}", std::net::Ipv4Addr::from(refid)));
    }
}

/// The 64-bit NTP timestamp at `off`.
fn timestamp(b: &Buf, off: usize) -> DResult<u64> {
    Ok(u64::from_be_bytes(b.array(off)?))
}

/// An NTP timestamp (seconds since 1900 and a 32-bit binary fraction) as
/// Unix time, the fraction cut to nanoseconds.
pub fn unix_time(ts: u64) -> Timestamp {
    let secs = (ts >> 32) as i64 - NTP_TO_UNIX;
    let nanos = ((ts & 0xffff_ffff) * 1_000_000_000 >> 32) as u32;
    Timestamp { secs, nanos }
}

/// Links a client's request and the server's response by the request's
/// transmit timestamp, which the response repeats as its origin.
fn pair(cx: &mut Ctx, b: &Buf, conv: Option<ConvKey>, response: bool, key: u64) {
    let frame = cx.meta.number;
    let ts = cx.meta.ts;
    let links = match cx.pass {
        Pass::First => {
            if !cx.quoted {
                cx.session.ntp.first_pass(conv, key, response, frame, ts);
            }
            return;
        }
        Pass::Revisit => cx.session.ntp.revisit(frame, response, ts),
    };
    let here = b.range(0, 0);
    let t = cx.tree();
    if links.response_in != 0 {
        t.generated(&RESPONSE_IN, here.clone(), Value::FrameNum(links.response_in));
    }
    if links.request_in != 0 {
        t.generated(&REQUEST_IN, here.clone(), Value::FrameNum(links.request_in));
    }
    if let Some(ns) = links.time {
        t.generated(&DELTA_TIME, here, Value::RelTime(ns));
    }
}
