//! IPv4.

use std::fmt::Write;
use std::net::{IpAddr, Ipv4Addr};

use crate::field::{Base, Field, FieldDef, FieldType, Value, SET_NOTSET};

use super::{dispatch, Buf, Ctx, DResult, DissectError};

pub static IP: FieldDef = FieldDef::new("ip", "Internet Protocol Version 4", FieldType::Protocol);
pub static VERSION: FieldDef = FieldDef::new("ip.version", "Version", FieldType::U8).mask(0xf0);
pub static HDR_LEN: FieldDef = FieldDef::new("ip.hdr_len", "Header Length", FieldType::U8).mask(0x0f);
pub static DSFIELD: FieldDef = FieldDef::new("ip.dsfield", "Differentiated Services Field", FieldType::U8).base(Base::Hex);
pub static DSCP: FieldDef = FieldDef::new("ip.dsfield.dscp", "Differentiated Services Codepoint", FieldType::U8).mask(0xfc);
pub static ECN: FieldDef = FieldDef::new("ip.dsfield.ecn", "Explicit Congestion Notification", FieldType::U8).mask(0x03);
pub static LEN: FieldDef = FieldDef::new("ip.len", "Total Length", FieldType::U16);
pub static ID: FieldDef = FieldDef::new("ip.id", "Identification", FieldType::U16).base(Base::HexDec);
pub static FLAGS: FieldDef = FieldDef::new("ip.flags", "Flags", FieldType::U8).base(Base::Hex).mask(0xe0);
pub static FLAG_RB: FieldDef = FieldDef::new("ip.flags.rb", "Reserved bit", FieldType::Bool).bit(8, 0x80).strings(SET_NOTSET);
pub static FLAG_DF: FieldDef = FieldDef::new("ip.flags.df", "Don't fragment", FieldType::Bool).bit(8, 0x40).strings(SET_NOTSET);
pub static FLAG_MF: FieldDef = FieldDef::new("ip.flags.mf", "More fragments", FieldType::Bool).bit(8, 0x20).strings(SET_NOTSET);
pub static FRAG_OFFSET: FieldDef = FieldDef::new("ip.frag_offset", "Fragment Offset", FieldType::U16).mask(0x1fff);
pub static TTL: FieldDef = FieldDef::new("ip.ttl", "Time to Live", FieldType::U8);
pub static PROTO: FieldDef = FieldDef::new("ip.proto", "Protocol", FieldType::U8).strings(IP_PROTOCOLS);
pub static CHECKSUM: FieldDef = FieldDef::new("ip.checksum", "Header Checksum", FieldType::U16).base(Base::Hex);
pub static CHECKSUM_STATUS: FieldDef = FieldDef::new("ip.checksum.status", "Header checksum status", FieldType::U8)
    .strings(&[(0, "Bad"), (1, "Good"), (2, "Unverified")]);
pub static SRC: FieldDef = FieldDef::new("ip.src", "Source Address", FieldType::Ipv4);
pub static DST: FieldDef = FieldDef::new("ip.dst", "Destination Address", FieldType::Ipv4);
pub static ADDR: FieldDef = FieldDef::new("ip.addr", "Source or Destination Address", FieldType::Ipv4);
pub static SRC_HOST: FieldDef = FieldDef::new("ip.src_host", "Source Host", FieldType::String);
pub static DST_HOST: FieldDef = FieldDef::new("ip.dst_host", "Destination Host", FieldType::String);
pub static HOST: FieldDef = FieldDef::new("ip.host", "Source or Destination Host", FieldType::String);
pub static OPTIONS: FieldDef = FieldDef::new("ip.options", "Options", FieldType::Bytes);
pub static OPT_TYPE: FieldDef = FieldDef::new("ip.opt.type", "Type", FieldType::U8);
pub static OPT_LEN: FieldDef = FieldDef::new("ip.opt.len", "Length", FieldType::U8);
pub static FRAGMENT: FieldDef = FieldDef::new("ip.fragment", "IPv4 Fragment", FieldType::None);

pub static FIELDS: &[Field] = &[
    &IP, &VERSION, &HDR_LEN, &DSFIELD, &DSCP, &ECN, &LEN, &ID, &FLAGS, &FLAG_RB, &FLAG_DF,
    &FLAG_MF, &FRAG_OFFSET, &TTL, &PROTO, &CHECKSUM, &CHECKSUM_STATUS, &SRC, &DST, &ADDR,
    &SRC_HOST, &DST_HOST, &HOST, &OPTIONS, &OPT_TYPE, &OPT_LEN, &FRAGMENT,
];

/// Names of IP protocol numbers, shared with IPv6's next header.
pub static IP_PROTOCOLS: &[(u64, &str)] = &[
    (0, "IPv6 Hop-by-Hop Option"),
    (1, "ICMP"),
    (2, "IGMP"),
    (4, "IPIP"),
    (6, "TCP"),
    (17, "UDP"),
    (41, "IPv6"),
    (43, "IPv6 Routing"),
    (44, "IPv6 Fragment"),
    (47, "GRE"),
    (50, "ESP"),
    (51, "AH"),
    (58, "ICMPv6"),
    (59, "IPv6 No Next Header"),
    (60, "IPv6 Destination Options"),
    (132, "SCTP"),
];

pub fn proto_name(p: u8) -> Option<&'static str> {
    PROTO.value_string(p as u64)
}

pub fn dissect(cx: &mut Ctx, b: Buf) -> DResult<()> {
    ip(cx, b, false)
}

/// The datagram quoted by an ICMP error: usually cut short, which is not a
/// lie about its length there.
pub fn dissect_quoted(cx: &mut Ctx, b: Buf) -> DResult<()> {
    ip(cx, b, true)
}

fn ip(cx: &mut Ctx, b: Buf, quoted: bool) -> DResult<()> {
    cx.enter("ip", "IPv4");
    cx.out.cols.info();
    let root = cx.tree().open(&IP, b.range(0, 20.min(b.len())), Value::None);
    let vhl = b.u8(0)?;
    let version = vhl >> 4;
    let hlen = ((vhl & 0x0f) as usize) * 4;
    let t = cx.tree();
    t.add(&VERSION, b.range(0, 1), Value::UInt(version as u64));
    let h = t.add(&HDR_LEN, b.range(0, 1), Value::UInt(hlen as u64));
    t.set_text(h, format!(".... {:04b} = Header Length: {} bytes ({})", vhl & 0x0f, hlen, vhl & 0x0f));
    if version != 4 {
        cx.tree().close();
        let _ = write!(cx.out.cols.info(), "Bogus IPv4 version ({version}, must be 4)");
        return Ok(());
    }
    if hlen < 20 {
        cx.tree().close();
        let _ = write!(cx.out.cols.info(), "Bogus IP header length ({hlen}, must be at least 20)");
        return Ok(());
    }
    cx.tree().set_len(root, hlen);
    let ds = b.u8(1)?;
    let t = cx.tree();
    let dsid = t.open(&DSFIELD, b.range(1, 1), Value::UInt(ds as u64));
    t.set_text(dsid, format!("Differentiated Services Field: 0x{ds:02x} (DSCP: {}, ECN: {})", dscp_name(ds >> 2), ecn_name(ds & 3)));
    t.add(&DSCP, b.range(1, 1), Value::UInt((ds >> 2) as u64));
    t.add(&ECN, b.range(1, 1), Value::UInt((ds & 3) as u64));
    t.close();
    let total = b.u16(2)? as usize;
    cx.tree().add(&LEN, b.range(2, 2), Value::UInt(total as u64));
    let id = b.u16(4)?;
    cx.tree().add(&ID, b.range(4, 2), Value::UInt(id as u64));
    let ff = b.u16(6)?;
    let flags = (ff >> 13) as u8;
    let off = (ff & 0x1fff) as usize * 8;
    let t = cx.tree();
    let fid = t.open(&FLAGS, b.range(6, 1), Value::UInt(flags as u64));
    let fname = match (flags & 2 != 0, flags & 1 != 0) {
        (true, _) => ", Don't fragment",
        (false, true) => ", More fragments",
        _ => "",
    };
    t.set_text(fid, format!("{}{}{}. .... = Flags: 0x{:x}{}", flags >> 2 & 1, flags >> 1 & 1, flags & 1, flags, fname));
    t.add(&FLAG_RB, b.range(6, 1), Value::Bool(flags & 4 != 0));
    t.add(&FLAG_DF, b.range(6, 1), Value::Bool(flags & 2 != 0));
    t.add(&FLAG_MF, b.range(6, 1), Value::Bool(flags & 1 != 0));
    t.close();
    let fo = t.add(&FRAG_OFFSET, b.range(6, 2), Value::UInt(off as u64));
    t.set_text(fo, format!("{} = Fragment Offset: {}", bits13(ff & 0x1fff), off));
    let ttl = b.u8(8)?;
    let proto = b.u8(9)?;
    let ck = b.u16(10)?;
    let src = Ipv4Addr::from(b.array::<4>(12)?);
    let dst = Ipv4Addr::from(b.array::<4>(16)?);
    let t = cx.tree();
    t.add(&TTL, b.range(8, 1), Value::UInt(ttl as u64));
    t.add(&PROTO, b.range(9, 1), Value::UInt(proto as u64));
    let c = t.add(&CHECKSUM, b.range(10, 2), Value::UInt(ck as u64));
    t.set_text(c, format!("Header Checksum: 0x{ck:04x} [validation disabled]"));
    t.generated(&CHECKSUM_STATUS, b.range(10, 2), Value::UInt(2));
    t.add(&SRC, b.range(12, 4), Value::Ipv4(src));
    t.hidden(&ADDR, b.range(12, 4), Value::Ipv4(src));
    t.hidden(&SRC_HOST, b.range(12, 4), Value::str(src.to_string()));
    t.hidden(&HOST, b.range(12, 4), Value::str(src.to_string()));
    t.add(&DST, b.range(16, 4), Value::Ipv4(dst));
    t.hidden(&ADDR, b.range(16, 4), Value::Ipv4(dst));
    t.hidden(&DST_HOST, b.range(16, 4), Value::str(dst.to_string()));
    t.hidden(&HOST, b.range(16, 4), Value::str(dst.to_string()));
    t.set_text(root, format!("Internet Protocol Version 4, Src: {src}, Dst: {dst}"));
    cx.out.cols.set_addrs(src, dst);
    cx.net = Some((IpAddr::V4(src), IpAddr::V4(dst)));
    if hlen > 20 {
        options(cx, b, hlen)?;
    }
    cx.tree().close();
    if total < hlen {
        return Err(DissectError::Malformed);
    }
    // A total length beyond the frame is a lie only if the frame was not
    // cut by the snap length.
    let body = match b.sub(hlen, total - hlen) {
        Ok(body) => body,
        Err(_) if quoted => b.from(hlen)?,
        Err(_) => {
            let _ = write!(cx.out.cols.info(), "Bogus IP length ({total}, less than header or beyond frame)");
            return Err(DissectError::Malformed);
        }
    };
    cx.net_end = Some(b.abs(total));
    if flags & 1 != 0 || off != 0 {
        let name = proto_name(proto).unwrap_or("Unknown");
        let _ = write!(cx.out.cols.info(), "Fragmented IP protocol (proto={name} {proto}, off={off}, ID={id:04x})");
        let r = body.range(0, body.len());
        cx.tree().add(&FRAGMENT, r, Value::None);
        let t = cx.tree();
        let d = t.add(&dispatch::DATA, body.range(0, body.len()), Value::None);
        t.set_text(d, format!("Data ({} bytes)", body.len()));
        return Ok(());
    }
    let net_end = cx.net_end;
    dispatch::ip_proto(cx, proto, body);
    cx.net_end = net_end;
    Ok(())
}

fn options(cx: &mut Ctx, b: Buf, hlen: usize) -> DResult<()> {
    let t = cx.tree();
    let o = t.open(&OPTIONS, b.range(20, hlen - 20), Value::None);
    t.set_text(o, format!("Options: ({} bytes)", hlen - 20));
    let mut off = 20;
    while off < hlen {
        let kind = b.u8(off)?;
        if kind == 0 || kind == 1 {
            let t = cx.tree();
            let name = if kind == 0 { "End of Options List (EOL)" } else { "No-Operation (NOP)" };
            let id = t.add(&OPT_TYPE, b.range(off, 1), Value::UInt(kind as u64));
            t.set_text(id, format!("IP Option - {name}"));
            off += 1;
            if kind == 0 {
                break;
            }
            continue;
        }
        let len = b.u8(off + 1)? as usize;
        if len < 2 || off + len > hlen {
            cx.tree().close();
            return Err(DissectError::Malformed);
        }
        let t = cx.tree();
        let id = t.open(&OPT_TYPE, b.range(off, len), Value::UInt(kind as u64));
        t.set_text(id, format!("IP Option - {} ({len} bytes)", ip_option_name(kind)));
        t.add(&OPT_LEN, b.range(off + 1, 1), Value::UInt(len as u64));
        t.close();
        off += len;
    }
    cx.tree().close();
    Ok(())
}

fn ip_option_name(kind: u8) -> &'static str {
    match kind & 0x1f {
        2 => "Security",
        3 => "Loose Source Route",
        4 => "Time Stamp",
        7 => "Record Route",
        9 => "Strict Source Route",
        20 => "Router Alert",
        _ => "Unknown",
    }
}

fn bits13(v: u16) -> String {
    let s = format!("{v:013b}");
    format!("...{} {} {} {}", &s[0..1], &s[1..5], &s[5..9], &s[9..13])
}

pub fn dscp_name(d: u8) -> String {
    match d {
        0 => "CS0".into(),
        8 => "CS1".into(),
        16 => "CS2".into(),
        24 => "CS3".into(),
        32 => "CS4".into(),
        40 => "CS5".into(),
        46 => "EF".into(),
        48 => "CS6".into(),
        56 => "CS7".into(),
        n => format!("Unknown ({n})"),
    }
}

pub fn ecn_name(e: u8) -> &'static str {
    match e {
        0 => "Not-ECT",
        1 => "ECT(1)",
        2 => "ECT(0)",
        _ => "CE",
    }
}
