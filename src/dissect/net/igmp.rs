//! IGMP (IP protocol 2): versions 1 to 3 of the membership queries and
//! reports, with Wireshark's version choice (by type and length), Info
//! wording and checksum check. Other types (DVMRP, multicast traceroute)
//! show their type and data.

use std::fmt::Write;
use std::net::Ipv4Addr;

use crate::field::{Base, Field, FieldDef, FieldType, Value, TEXT};

use super::icmp::checksum_items;
use crate::dissect::{Buf, Ctx, DResult};

pub static IGMP: FieldDef = FieldDef::new("igmp", "Internet Group Management Protocol", FieldType::Protocol)
    .desc("Internet Group Management Protocol: hosts tell routers which IPv4 multicast groups they join (RFC 2236, RFC 3376).");
pub static VERSION: FieldDef = FieldDef::new("igmp.version", "IGMP Version", FieldType::U8)
    .desc("IGMP version inferred from the message type and length.");
pub static TYPE: FieldDef = FieldDef::new("igmp.type", "Type", FieldType::U8).base(Base::Hex).strings(TYPES)
    .desc("Message type: membership query, report (v1, v2, v3) or leave group.");
pub static RESERVED: FieldDef = FieldDef::new("igmp.reserved", "Reserved", FieldType::Bytes)
    .desc("Bytes reserved by the specification, sent as zero.");
pub static CHECKSUM: FieldDef = FieldDef::new("igmp.checksum", "Checksum", FieldType::U16).base(Base::Hex)
    .desc("One's complement checksum of the IGMP message.");
pub static CHECKSUM_STATUS: FieldDef =
    FieldDef::new("igmp.checksum.status", "Checksum Status", FieldType::U8).base(Base::None).strings(crate::field::CHECKSUM_STATUSES)
        .desc("Whether the checksum was verified: good, bad or unverified.");
pub static MAX_RESP: FieldDef = FieldDef::new("igmp.max_resp", "Max Resp Time", FieldType::U8)
    .desc("Longest time a host may wait before answering a query, in tenths of a second.");
pub static MAX_RESP_EXP: FieldDef =
    FieldDef::new("igmp.max_resp.exp", "Exponent", FieldType::U8).base(Base::Hex).mask(0x70)
        .desc("Exponent of the encoded maximum response time (values 128 and above, RFC 3376 section 4.1.1).");
pub static MAX_RESP_MANT: FieldDef =
    FieldDef::new("igmp.max_resp.mant", "Mantissa", FieldType::U8).base(Base::Hex).mask(0x0f)
        .desc("Mantissa of the encoded maximum response time.");
pub static S: FieldDef = FieldDef::new("igmp.s", "S", FieldType::Bool).bit(8, 0x08).strings(&[
    (1, "SUPPRESS router side processing"),
    (0, "Do not suppress router side processing"),
]).desc("Suppress router-side processing: routers hearing the query do not update their timers.");
pub static QRV: FieldDef = FieldDef::new("igmp.qrv", "QRV", FieldType::U8).mask(0x07)
    .desc("Querier's robustness variable: how many times messages are repeated against loss.");
pub static QQIC: FieldDef = FieldDef::new("igmp.qqic", "QQIC", FieldType::U8)
    .desc("Querier's query interval code: seconds between general queries, encoded.");
pub static NUM_SRC: FieldDef = FieldDef::new("igmp.num_src", "Num Src", FieldType::U16)
    .desc("Number of source addresses in the query or group record.");
pub static SADDR: FieldDef = FieldDef::new("igmp.saddr", "Source Address", FieldType::Ipv4)
    .desc("A source address the query or group record names.");
pub static NUM_GRP_RECS: FieldDef = FieldDef::new("igmp.num_grp_recs", "Num Group Records", FieldType::U16)
    .desc("Number of group records in an IGMPv3 report.");
pub static RECORD_TYPE: FieldDef =
    FieldDef::new("igmp.record_type", "Record Type", FieldType::U8).strings(RECORD_TYPES)
        .desc("Group record type: mode is include or exclude, changes to include or exclude, allow or block sources.");
pub static AUX_DATA_LEN: FieldDef = FieldDef::new("igmp.aux_data_len", "Aux Data Len", FieldType::U8)
    .desc("Length of the record's auxiliary data in 32-bit words.");
pub static MADDR: FieldDef = FieldDef::new("igmp.maddr", "Multicast Address", FieldType::Ipv4)
    .desc("The multicast group address the message is about.");
pub static AUX_DATA: FieldDef = FieldDef::new("igmp.aux_data", "Aux Data", FieldType::Bytes)
    .desc("Auxiliary data of a group record.");
pub static DATA: FieldDef = FieldDef::new("igmp.data", "Data", FieldType::Bytes)
    .desc("Bytes of the message not decoded.");

pub static FIELDS: &[Field] = &[
    &IGMP, &VERSION, &TYPE, &RESERVED, &CHECKSUM, &CHECKSUM_STATUS, &MAX_RESP, &MAX_RESP_EXP, &MAX_RESP_MANT, &S,
    &QRV, &QQIC, &NUM_SRC, &SADDR, &NUM_GRP_RECS, &RECORD_TYPE, &AUX_DATA_LEN, &MADDR, &AUX_DATA, &DATA,
];

static TYPES: &[(u64, &str)] = &[
    (0x01, "Create Group Request"),
    (0x02, "Create Group Reply"),
    (0x03, "Join Group Request"),
    (0x04, "Join Group Reply"),
    (0x05, "Leave Group Request"),
    (0x06, "Leave Group Reply"),
    (0x07, "Confirm Group Request"),
    (0x08, "Confirm Group Reply"),
    (0x11, "Membership Query"),
    (0x12, "Membership Report"),
    (0x13, "DVMRP Protocol"),
    (0x14, "PIM Routing Message"),
    (0x16, "Membership Report"),
    (0x17, "Leave Group"),
    (0x1e, "Traceroute Response"),
    (0x1f, "Traceroute Query or Request"),
    (0x22, "Membership Report"),
];

static RECORD_TYPES: &[(u64, &str)] = &[
    (1, "Mode Is Include"),
    (2, "Mode Is Exclude"),
    (3, "Change To Include Mode"),
    (4, "Change To Exclude Mode"),
    (5, "Allow New Sources"),
    (6, "Block Old Sources"),
];

const QUERY: u8 = 0x11;
const V1_REPORT: u8 = 0x12;
const V2_REPORT: u8 = 0x16;
const V2_LEAVE: u8 = 0x17;
const V3_REPORT: u8 = 0x22;

pub fn dissect(cx: &mut Ctx, b: Buf) -> DResult<()> {
    let ty = b.u8(0)?;
    // A query's version shows in its length (v3: 12 bytes or more) and,
    // between v1 and v2, in its second byte (v1's is always 0).
    let version = match ty {
        QUERY if b.reported_len() >= 12 => 3,
        QUERY if b.u8(1)? != 0 => 2,
        QUERY | V1_REPORT => 1,
        V2_REPORT | V2_LEAVE => 2,
        V3_REPORT => 3,
        _ => 0,
    };
    cx.enter("igmp", "IGMP");
    if version > 0 {
        // Wireshark hands each known type to a dissector of its own, also
        // named igmp, so the layer is listed twice.
        cx.enter("igmp", "");
        let column = match version {
            1 => "IGMPv1",
            2 => "IGMPv2",
            _ => "IGMPv3",
        };
        cx.enter_again(column);
    }
    let name = TYPE.value_string(ty as u64).map_or_else(|| format!("Unknown Type:0x{ty:02x}"), str::to_string);
    cx.out.cols.info().push_str(&name);
    cx.tree().open(&IGMP, b.range(0, b.len()), Value::None);
    if version > 0 {
        let v = cx.tree().generated(&VERSION, b.range(0, 0), Value::UInt(version));
        cx.tree().set_text(v, format_args!("[IGMP Version: {version}]"));
    }
    cx.uint(&TYPE, &b, 0)?;
    let r = match (version, ty) {
        (3, V3_REPORT) => v3_report(cx, b),
        (3, _) => v3_query(cx, b),
        (2, _) => v2(cx, b, ty),
        (1, _) => v1(cx, b),
        _ => cx.bytes_item(&DATA, &b, 1, b.len() - 1).map(|_| ()),
    };
    cx.tree().close();
    r
}

/// The checksum over `len` bytes (the whole message for `None`), verified
/// when all of them were captured.
fn checksum(cx: &mut Ctx, b: Buf, len: Option<usize>) -> DResult<()> {
    let len = len.unwrap_or(b.reported_len());
    let covered = b.bytes(0, len).ok().filter(|_| len <= b.len());
    checksum_items(cx, b, &CHECKSUM, &CHECKSUM_STATUS, covered.as_ref().map(std::slice::from_ref))
}

fn maddr(cx: &mut Ctx, b: &Buf, off: usize) -> DResult<Ipv4Addr> {
    cx.ipv4(&MADDR, b, off)
}

fn v1(cx: &mut Ctx, b: Buf) -> DResult<()> {
    cx.bytes_item(&RESERVED, &b, 1, 1)?;
    checksum(cx, b, Some(8))?;
    maddr(cx, &b, 4)?;
    Ok(())
}

fn v2(cx: &mut Ctx, b: Buf, ty: u8) -> DResult<()> {
    let (id, t) = cx.uint_item(&MAX_RESP, &b, 1)?;
    cx.tree().set_text(id, format_args!("Max Resp Time: {:.1} sec (0x{t:02x})", t as f64 * 0.1));
    checksum(cx, b, Some(8))?;
    let group = maddr(cx, &b, 4)?;
    let info = &mut cx.out.cols.info;
    let _ = match (group.is_unspecified(), ty) {
        (true, _) => write!(info, ", general"),
        (false, V2_LEAVE) => write!(info, " {group}"),
        (false, QUERY) => write!(info, ", specific for group {group}"),
        (false, _) => write!(info, " group {group}"),
    };
    Ok(())
}

fn v3_query(cx: &mut Ctx, b: Buf) -> DResult<()> {
    let code = b.u8(1)?;
    // Codes from 128 on are a floating-point value in tenths of a second.
    let tenths = if code & 0x80 != 0 { ((code as u32 & 0x0f) | 0x10) << (((code as u32 & 0x70) >> 4) + 3) } else { code as u32 };
    let t = cx.tree();
    let id = t.open(&MAX_RESP, b.range(1, 1), Value::UInt(tenths as u64));
    t.set_text(id, format_args!("Max Resp Time: {:.1} sec (0x{code:02x})", tenths as f64 * 0.1));
    if code & 0x80 != 0 {
        cx.masked(&MAX_RESP_EXP, &b, 1)?;
        cx.masked(&MAX_RESP_MANT, &b, 1)?;
    }
    cx.tree().close();
    checksum(cx, b, None)?;
    let group = maddr(cx, &b, 4)?;
    let info = &mut cx.out.cols.info;
    let _ = match group.is_unspecified() {
        true => write!(info, ", general"),
        false => write!(info, ", specific for group {group}"),
    };
    cx.masked(&S, &b, 8)?;
    cx.masked(&QRV, &b, 8)?;
    cx.uint(&QQIC, &b, 9)?;
    let n = cx.uint(&NUM_SRC, &b, 10)?;
    if n > 0 {
        let _ = write!(cx.out.cols.info, ", source{} {{", if n > 1 { "s" } else { "" });
    }
    sources(cx, &b, 12, n)?;
    Ok(())
}

/// `n` source addresses at `off`, listed in Info and closed with `}`.
fn sources(cx: &mut Ctx, b: &Buf, off: usize, n: u64) -> DResult<usize> {
    let mut at = off;
    for i in 0..n {
        let a = cx.ipv4(&SADDR, b, at)?;
        let _ = write!(cx.out.cols.info, "{a}{}", if i + 1 < n { ", " } else { "}" });
        at += 4;
    }
    Ok(at)
}

fn v3_report(cx: &mut Ctx, b: Buf) -> DResult<()> {
    cx.bytes_item(&RESERVED, &b, 1, 1)?;
    checksum(cx, b, None)?;
    cx.bytes_item(&RESERVED, &b, 4, 2)?;
    let n = cx.uint(&NUM_GRP_RECS, &b, 6)?;
    if n == 0 {
        cx.out.cols.info.push_str(" - General query");
    }
    let mut off = 8;
    for _ in 0..n {
        off = group_record(cx, &b, off)?;
    }
    Ok(())
}

fn group_record(cx: &mut Ctx, b: &Buf, off: usize) -> DResult<usize> {
    let ty = b.u8(off)?;
    let group = Ipv4Addr::from(b.array::<4>(off + 4)?);
    let t = cx.tree();
    let id = t.open(&TEXT, b.range(off, 8), Value::None);
    let name = RECORD_TYPE.value_string(ty as u64).unwrap_or("");
    t.set_text(id, format_args!("Group Record : {group}  {name}"));
    cx.uint(&RECORD_TYPE, b, off)?;
    let aux = cx.uint(&AUX_DATA_LEN, b, off + 1)? as usize;
    let n = cx.uint(&NUM_SRC, b, off + 2)?;
    maddr(cx, b, off + 4)?;
    let info = &mut cx.out.cols.info;
    let plural = n > 1;
    let _ = match (n, ty) {
        (0, 1 | 3) => write!(info, " / Leave group {group}"),
        (0, 2 | 4) => write!(info, " / Join group {group} for any sources"),
        (0, 5) => write!(info, " / Group {group}, ALLOW_NEW_SOURCES but no source specified (?)"),
        (0, 6) => write!(info, " / Group {group}, BLOCK_OLD_SOURCES but no source specified (?)"),
        (0, _) => write!(info, " / Group {group}, unknown record type (?)"),
        (_, 1 | 3) => write!(info, " / Join group {group} for source{} {{", if plural { "s in" } else { "" }),
        (_, 2 | 4) => write!(info, " / Join group {group}, for source{} {{", if plural { "s not in" } else { " not" }),
        (_, 5) => write!(info, " / Group {group}, new source{} {{", if plural { "s" } else { "" }),
        (_, 6) => write!(info, " / Group {group}, block source{} {{", if plural { "s" } else { "" }),
        (_, _) => write!(info, " / Group {group}, unknown record type (?), sources {{"),
    };
    let mut at = sources(cx, b, off + 8, n)?;
    if aux > 0 {
        cx.bytes_item(&AUX_DATA, b, at, aux * 4)?;
        at += aux * 4;
    }
    let t = cx.tree();
    t.set_len(id, at - off);
    t.close();
    Ok(at)
}
