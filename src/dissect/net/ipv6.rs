//! IPv6 and its extension headers: hop-by-hop and destination options,
//! routing, fragment.

use std::fmt::Write;
use std::net::{IpAddr, Ipv6Addr};

use crate::field::{Base, Field, FieldDef, FieldType, Value};

use super::{ipfrag, ipv4};
use crate::dissect::numbers::ipproto;
use crate::dissect::{dispatch, Buf, Ctx, DResult, DissectError};

pub static IPV6: FieldDef = FieldDef::new("ipv6", "Internet Protocol Version 6", FieldType::Protocol).brief()
    .desc("Internet Protocol version 6: 128-bit addresses, a fixed 40-byte header and extension headers (RFC 8200).");
pub static VERSION: FieldDef = FieldDef::new("ipv6.version", "Version", FieldType::U8).desc("IP version number, 6.");
pub static TCLASS: FieldDef =
    FieldDef::new("ipv6.tclass", "Traffic Class", FieldType::U32).base(Base::Hex).mask(0x0ff0_0000)
        .desc("Traffic class: DSCP and ECN bits, as in IPv4's DS field.");
pub static DSCP: FieldDef =
    FieldDef::new("ipv6.tclass.dscp", "Differentiated Services Codepoint", FieldType::U32)
        .mask(0x0fc0_0000)
        .strings(ipv4::DSCP_NAMES).desc("Differentiated Services codepoint of the traffic class.");
pub static ECN: FieldDef =
    FieldDef::new("ipv6.tclass.ecn", "Explicit Congestion Notification", FieldType::U32)
        .mask(0x0030_0000)
        .strings(ipv4::ECN_NAMES).desc("Explicit Congestion Notification bits of the traffic class.");
pub static FLOW: FieldDef =
    FieldDef::new("ipv6.flow", "Flow Label", FieldType::U24).base(Base::Hex).mask(0xfffff)
        .desc("Flow label: a 20-bit value that marks packets of one flow for routers (RFC 6437).");
pub static PLEN: FieldDef = FieldDef::new("ipv6.plen", "Payload Length", FieldType::U16)
    .desc("Length in bytes of everything after the 40-byte header, extension headers included.");
pub static NXT: FieldDef =
    FieldDef::new("ipv6.nxt", "Next Header", FieldType::U8).strings(ipv4::IP_PROTOCOLS).brief()
        .desc("Type of the header after this one: an extension header or the payload's protocol (6 TCP, 17 UDP, 58 ICMPv6).");
pub static HLIM: FieldDef = FieldDef::new("ipv6.hlim", "Hop Limit", FieldType::U8)
    .desc("Hop limit: hops left before a router discards the packet (RFC 8200 section 3).");
pub static SRC: FieldDef = FieldDef::new("ipv6.src", "Source Address", FieldType::Ipv6).brief()
    .desc("Address of the sending interface.");
pub static DST: FieldDef = FieldDef::new("ipv6.dst", "Destination Address", FieldType::Ipv6).brief()
    .desc("Address of the receiving interface or group.");
pub static ADDR: FieldDef =
    FieldDef::new("ipv6.addr", "Source or Destination Address", FieldType::Ipv6).brief()
        .desc("Either address of the packet; matches the source or the destination.");
pub static SRC_HOST: FieldDef = FieldDef::new("ipv6.src_host", "Source Host", FieldType::String)
    .desc("Source address as a host name (the address itself without name resolution).");
pub static DST_HOST: FieldDef =
    FieldDef::new("ipv6.dst_host", "Destination Host", FieldType::String)
        .desc("Destination address as a host name (the address itself without name resolution).");
pub static HOST: FieldDef =
    FieldDef::new("ipv6.host", "Source or Destination Host", FieldType::String).desc("Either host name of the packet.");

pub static OPT: FieldDef = FieldDef::new("ipv6.opt", "IPv6 Option", FieldType::None)
    .desc("An option of a hop-by-hop or destination options header.");
pub static OPT_TYPE: FieldDef = FieldDef::new("ipv6.opt.type", "Type", FieldType::U8)
    .base(Base::Hex)
    .strings(OPTION_TYPES).desc("Option type; its top bits say what a node that does not know it must do.");
pub static OPT_LENGTH: FieldDef = FieldDef::new("ipv6.opt.length", "Length", FieldType::U8)
    .desc("Length of the option's data in bytes.");
pub static OPT_PADN: FieldDef = FieldDef::new("ipv6.opt.padn", "PadN", FieldType::Bytes)
    .desc("PadN option: padding of two or more bytes.");
pub static OPT_ROUTER_ALERT: FieldDef =
    FieldDef::new("ipv6.opt.router_alert", "Router Alert", FieldType::U16).strings(&[
        (0, "MLD"),
        (1, "RSVP"),
        (2, "Active Network"),
    ]).desc("Router alert value: routers should examine the packet (RFC 2711).");
pub static OPT_UNKNOWN: FieldDef =
    FieldDef::new("ipv6.opt_unknown_data", "Unknown Data", FieldType::Bytes)
        .desc("Data of an option this dissector does not decode.");

pub static HOPOPTS: FieldDef =
    FieldDef::new("ipv6.hopopts", "IPv6 Hop-by-Hop Option", FieldType::Protocol)
        .desc("Hop-by-hop options header, examined by every router on the path (RFC 8200 section 4.3).");
pub static HOPOPTS_NXT: FieldDef =
    FieldDef::new("ipv6.hopopts.nxt", "Next Header", FieldType::U8).strings(ipv4::IP_PROTOCOLS)
        .desc("Type of the header after the hop-by-hop options.");
pub static HOPOPTS_LEN: FieldDef = FieldDef::new("ipv6.hopopts.len", "Length", FieldType::U8)
    .desc("Header length in 8-byte units, not counting the first 8 bytes.");
pub static HOPOPTS_LEN_OCT: FieldDef =
    FieldDef::new("ipv6.hopopts.len_oct", "Length", FieldType::U16).desc("Header length in bytes.");
pub static DSTOPTS: FieldDef =
    FieldDef::new("ipv6.dstopts", "Destination Options for IPv6", FieldType::Protocol)
        .desc("Destination options header, examined only by the destination (RFC 8200 section 4.6).");
pub static DSTOPTS_NXT: FieldDef =
    FieldDef::new("ipv6.dstopts.nxt", "Next Header", FieldType::U8).strings(ipv4::IP_PROTOCOLS)
        .desc("Type of the header after the destination options.");
pub static DSTOPTS_LEN: FieldDef = FieldDef::new("ipv6.dstopts.len", "Length", FieldType::U8)
    .desc("Header length in 8-byte units, not counting the first 8 bytes.");
pub static DSTOPTS_LEN_OCT: FieldDef =
    FieldDef::new("ipv6.dstopts.len_oct", "Length", FieldType::U16).desc("Header length in bytes.");
pub static ROUTING: FieldDef =
    FieldDef::new("ipv6.routing", "Routing Header for IPv6", FieldType::Protocol)
        .desc("Routing header: intermediate nodes the packet must visit (RFC 8200 section 4.4).");
pub static ROUTING_NXT: FieldDef =
    FieldDef::new("ipv6.routing.nxt", "Next Header", FieldType::U8).strings(ipv4::IP_PROTOCOLS)
        .desc("Type of the header after the routing header.");
pub static ROUTING_LEN: FieldDef = FieldDef::new("ipv6.routing.len", "Length", FieldType::U8)
    .desc("Header length in 8-byte units, not counting the first 8 bytes.");
pub static ROUTING_LEN_OCT: FieldDef =
    FieldDef::new("ipv6.routing.len_oct", "Length", FieldType::U16).desc("Header length in bytes.");
pub static ROUTING_TYPE: FieldDef =
    FieldDef::new("ipv6.routing.type", "Type", FieldType::U8).strings(&[
        (0, "Source Route"),
        (1, "Nimrod"),
        (2, "Type 2 Routing"),
        (3, "RPL Source Route"),
        (4, "Segment Routing"),
        (5, "Compact Routing Header 16"),
        (6, "Compact Routing Header 32"),
        (253, "Experiment 1"),
        (254, "Experiment 2"),
    ]).desc("Routing header type, such as 2 for Mobile IPv6 or 4 for segment routing.");
pub static ROUTING_SEGLEFT: FieldDef =
    FieldDef::new("ipv6.routing.segleft", "Segments Left", FieldType::U8)
        .desc("Number of listed nodes still to visit.");
pub static ROUTING_ADDR: FieldDef =
    FieldDef::new("ipv6.routing.src.addr", "Address", FieldType::Ipv6)
        .desc("An address of a node listed in the routing header.");
pub static ROUTING_DATA: FieldDef =
    FieldDef::new("ipv6.routing.unknown_data", "Type-Specific Data", FieldType::Bytes)
        .desc("Data of a routing header type this dissector does not decode.");
pub static FRAGHDR: FieldDef =
    FieldDef::new("ipv6.fraghdr", "Fragment Header for IPv6", FieldType::Protocol)
        .desc("Fragment header: this packet is one fragment of a larger one (RFC 8200 section 4.5).");
pub static FRAG_NXT: FieldDef =
    FieldDef::new("ipv6.fraghdr.nxt", "Next header", FieldType::U8).strings(ipv4::IP_PROTOCOLS)
        .desc("Type of the header of the fragmented payload.");
pub static FRAG_RES_OCTET: FieldDef =
    FieldDef::new("ipv6.fraghdr.reserved_octet", "Reserved octet", FieldType::U8).base(Base::Hex)
        .desc("Reserved byte, zero.");
pub static FRAG_OFFSET: FieldDef =
    FieldDef::new("ipv6.fraghdr.offset", "Offset", FieldType::U16).mask(0xfff8)
        .desc("Position of this fragment's data in the original payload, in 8-byte units.");
pub static FRAG_RES_BITS: FieldDef =
    FieldDef::new("ipv6.fraghdr.reserved_bits", "Reserved bits", FieldType::U16).mask(0x0006)
        .desc("Reserved bits, zero.");
pub static FRAG_MORE: FieldDef = FieldDef::new("ipv6.fraghdr.more", "More Fragments", FieldType::Bool)
    .bit(16, 0x0001)
    .strings(crate::field::YES_NO).desc("More fragments follow this one.");
pub static FRAG_IDENT: FieldDef =
    FieldDef::new("ipv6.fraghdr.ident", "Identification", FieldType::U32).base(Base::Hex)
        .desc("Identification shared by the fragments of one packet.");

pub static FRAGMENTS: FieldDef = FieldDef::new("ipv6.fragments", "IPv6 Fragments", FieldType::None)
    .desc("The fragments reassembled into this packet.");
pub static FRAGMENT: FieldDef = FieldDef::new("ipv6.fragment", "IPv6 Fragment", FieldType::FrameNum)
    .desc("A frame holding one fragment of the packet.");
pub static FRAGMENT_COUNT: FieldDef =
    FieldDef::new("ipv6.fragment.count", "Fragment count", FieldType::U32).desc("Number of fragments reassembled.");
pub static REASSEMBLED_LENGTH: FieldDef =
    FieldDef::new("ipv6.reassembled.length", "Reassembled IPv6 length", FieldType::U32)
        .desc("Length in bytes of the reassembled payload.");
pub static REASSEMBLED_DATA: FieldDef =
    FieldDef::new("ipv6.reassembled.data", "Reassembled IPv6 data", FieldType::Bytes).desc("The reassembled payload.");
pub static REASSEMBLED_IN: FieldDef =
    FieldDef::new("ipv6.reassembled.in", "Reassembled IPv6 in frame", FieldType::FrameNum)
        .desc("Frame where this fragment's packet is complete.");

const FRAG_FIELDS: ipfrag::FragFields = ipfrag::FragFields {
    version: "IPv6",
    fragments: &FRAGMENTS,
    fragment: &FRAGMENT,
    count: &FRAGMENT_COUNT,
    length: &REASSEMBLED_LENGTH,
    data: &REASSEMBLED_DATA,
    reassembled_in: &REASSEMBLED_IN,
};

pub static FIELDS: &[Field] = &[
    &FRAGMENTS, &FRAGMENT, &FRAGMENT_COUNT, &REASSEMBLED_LENGTH, &REASSEMBLED_DATA, &REASSEMBLED_IN,
    &IPV6, &VERSION, &TCLASS, &DSCP, &ECN, &FLOW, &PLEN, &NXT, &HLIM, &SRC, &DST, &ADDR,
    &SRC_HOST, &DST_HOST, &HOST, &OPT, &OPT_TYPE, &OPT_LENGTH, &OPT_PADN, &OPT_ROUTER_ALERT,
    &OPT_UNKNOWN, &HOPOPTS, &HOPOPTS_NXT, &HOPOPTS_LEN, &HOPOPTS_LEN_OCT, &DSTOPTS, &DSTOPTS_NXT,
    &DSTOPTS_LEN, &DSTOPTS_LEN_OCT, &ROUTING, &ROUTING_NXT, &ROUTING_LEN, &ROUTING_LEN_OCT,
    &ROUTING_TYPE, &ROUTING_SEGLEFT, &ROUTING_ADDR, &ROUTING_DATA, &FRAGHDR, &FRAG_NXT,
    &FRAG_RES_OCTET, &FRAG_OFFSET, &FRAG_RES_BITS, &FRAG_MORE, &FRAG_IDENT,
];

static OPTION_TYPES: &[(u64, &str)] = &[
    (0x00, "Pad1"),
    (0x01, "PadN"),
    (0x05, "Router Alert"),
    (0x07, "CALIPSO"),
    (0x08, "SMF_DPD"),
    (0x26, "Quick-Start"),
    (0x63, "RPL Option"),
    (0x6d, "MPL Option"),
    (0x8b, "ILNP Nonce"),
    (0xc2, "Jumbo Payload"),
    (0xc9, "Home Address"),
    (0x0004, "Tunnel Encapsulation Limit"),
    (0x000f, "Performance and Diagnostic Metrics"),
    (0x001e, "Experimental (0x1E)"),
    (0x0030, "Path MTU Option"),
    (0x0031, "IOAM Option"),
    (0x003e, "Experimental (0x3E)"),
    (0x0041, "Tunnel Payload Forwarding (TPF) Information"),
    (0x005e, "Experimental (0x5E)"),
    (0x007e, "Experimental (0x7E)"),
    (0x008a, "Endpoint Identification"),
    (0x008c, "Line-Identification Option"),
    (0x009e, "Experimental (0x9E)"),
    (0x00be, "Experimental (0xBE)"),
    (0x00de, "Experimental (0xDE)"),
    (0x00ee, "IP_DFF"),
    (0x00fe, "Experimental (0xFE)"),
];

/// The three options headers share a layout; these are their fields.
struct OptsHeader {
    proto: Field,
    id: &'static str,
    nxt: Field,
    len: Field,
    len_oct: Field,
}

const HOP: OptsHeader =
    OptsHeader { proto: &HOPOPTS, id: "ipv6.hopopts", nxt: &HOPOPTS_NXT, len: &HOPOPTS_LEN, len_oct: &HOPOPTS_LEN_OCT };
const DSTO: OptsHeader =
    OptsHeader { proto: &DSTOPTS, id: "ipv6.dstopts", nxt: &DSTOPTS_NXT, len: &DSTOPTS_LEN, len_oct: &DSTOPTS_LEN_OCT };

pub fn dissect(cx: &mut Ctx, b: Buf) -> DResult<()> {
    let version = b.u8(0).map(|v| v >> 4).unwrap_or(6);
    if version != 6 {
        // Wireshark declines the packet and leaves it to the data dissector.
        cx.out.cols.set_protocol("IPv6");
        let _ = write!(cx.out.cols.info(), "Bogus IPv6 version ({version}, must be 6)");
        dispatch::data(cx, b);
        return Ok(());
    }
    cx.enter("ipv6", "IPv6");
    cx.out.cols.info();
    let root = cx.tree().open(&IPV6, b.range(0, 40.min(b.len())), Value::None);
    let word = b.u32(0)?;
    let tclass = (word >> 20) & 0xff;
    let flow = word & 0xfffff;
    let t = cx.tree();
    let v = t.add(&VERSION, b.range(0, 1), Value::UInt(6));
    t.set_text(v, "0110 .... = Version: 6");
    // Wireshark also files the version under IPv4's name, hidden.
    t.hidden(&ipv4::VERSION, b.range(0, 1), Value::UInt(6));
    let tc = t.open(&TCLASS, b.range(0, 4), Value::UInt(tclass as u64));
    let (dscp, ecn) = (tclass >> 2, tclass & 3);
    t.set_text(
        tc,
        format!(
            ".... {:04b} {:04b} .... .... .... .... .... = Traffic Class: 0x{tclass:02x} (DSCP: {}, ECN: {})",
            tclass >> 4,
            tclass & 15,
            ipv4::dscp_name(dscp as u8),
            ipv4::ecn_name(ecn as u8)
        ),
    );
    t.add(&DSCP, b.range(0, 4), Value::UInt(dscp as u64));
    t.add(&ECN, b.range(0, 4), Value::UInt(ecn as u64));
    t.close();
    t.add(&FLOW, b.range(1, 3), Value::UInt(flow as u64));
    let plen = cx.uint(&PLEN, &b, 4)? as usize;
    let nxt = cx.uint(&NXT, &b, 6)? as u8;
    let hlim = cx.uint(&HLIM, &b, 7)? as u8;
    cx.hop_limit = Some(hlim);
    // Like Wireshark, each address reaches the columns as soon as it is
    // read, so a header cut between them shows one IPv6 and one MAC address.
    let src = Ipv6Addr::from(b.array::<16>(8)?);
    address(cx, b, 8, src, &SRC, &SRC_HOST);
    cx.out.cols.src = src.to_string();
    let dst = Ipv6Addr::from(b.array::<16>(24)?);
    address(cx, b, 24, dst, &DST, &DST_HOST);
    cx.out.cols.dst = dst.to_string();
    cx.tree().set_text(root, format_args!("Internet Protocol Version 6, Src: {src}, Dst: {dst}"));
    cx.net = Some((IpAddr::V6(src), IpAddr::V6(dst)));
    // A zero length (jumbogram or segmentation offload) or one beyond the
    // frame: Wireshark goes on with the bytes there are.
    let body = match b.sub(40, plen) {
        Ok(body) if plen > 0 => {
            cx.net_end = Some(b.abs(40 + plen));
            body
        }
        _ => b.from(40)?,
    };
    extensions(cx, body, nxt)
}

fn address(cx: &mut Ctx, b: Buf, off: usize, a: Ipv6Addr, f: Field, host: Field) {
    // Host names as text are for filters and fields only.
    let full = cx.full;
    let t = cx.tree();
    t.add(f, b.range(off, 16), Value::Ipv6(a));
    t.hidden(&ADDR, b.range(off, 16), Value::Ipv6(a));
    if full {
        t.hidden(host, b.range(off, 16), Value::str(a.to_string()));
        t.hidden(&HOST, b.range(off, 16), Value::str(a.to_string()));
    }
}

/// Walks the extension headers inside the IPv6 tree, then hands the upper
/// layer to the IP protocol table.
fn extensions(cx: &mut Ctx, mut b: Buf, mut nxt: u8) -> DResult<()> {
    loop {
        let hlen = match nxt {
            ipproto::HOPOPTS => opts_header(cx, b, &HOP)?,
            ipproto::DSTOPTS => opts_header(cx, b, &DSTO)?,
            ipproto::ROUTING => routing(cx, b)?,
            ipproto::FRAGMENT => return fragment(cx, b),
            ipproto::NONE => {
                cx.tree().close();
                cx.out.cols.info().push_str("IPv6 no next header");
                return Ok(());
            }
            _ => break,
        };
        nxt = b.u8(0)?;
        b = b.from(hlen)?;
    }
    cx.tree().close();
    let net_end = cx.net_end;
    dispatch::ip_proto(cx, nxt, b, true);
    cx.net_end = net_end;
    Ok(())
}

/// Length in octets of an extension header from its length byte.
fn ext_len(b: Buf) -> DResult<usize> {
    Ok((b.u8(1)? as usize + 1) * 8)
}

fn opts_header(cx: &mut Ctx, b: Buf, h: &OptsHeader) -> DResult<usize> {
    cx.enter(h.id, "");
    let len = ext_len(b)?;
    let nxt = b.u8(0)?;
    b.bytes(0, len)?;
    let t = cx.tree();
    // tshark prints these sub-protocols' own name as their value.
    let root = t.open(h.proto, b.range(0, len), Value::str(h.id));
    t.set_text(root, h.proto.display);
    t.add(h.nxt, b.range(0, 1), Value::UInt(nxt as u64));
    let l = t.add(h.len, b.range(1, 1), Value::UInt((len / 8 - 1) as u64));
    t.set_text(l, format_args!("Length: {} ({len} bytes)", len / 8 - 1));
    let lo = t.generated(h.len_oct, b.range(1, 1), Value::UInt(len as u64));
    t.set_text(lo, format_args!("[Length: {len} bytes]"));
    let mut off = 2;
    while off < len {
        let ty = b.u8(off)?;
        if ty == 0 {
            let t = cx.tree();
            let o = t.open(&OPT, b.range(off, 1), Value::None);
            t.set_text(o, "IPv6 Option (Pad1)");
            t.add(&OPT_TYPE, b.range(off, 1), Value::UInt(0));
            t.close();
            off += 1;
            continue;
        }
        let olen = b.u8(off + 1)? as usize;
        if off + 2 + olen > len {
            return Err(DissectError::Malformed);
        }
        let name = OPT_TYPE.value_string(ty as u64).unwrap_or("Unknown");
        let t = cx.tree();
        let o = t.open(&OPT, b.range(off, 2 + olen), Value::None);
        t.set_text(o, format_args!("IPv6 Option ({name})"));
        cx.uint(&OPT_TYPE, &b, off)?;
        cx.uint(&OPT_LENGTH, &b, off + 1)?;
        let t = cx.tree();
        match (ty, olen) {
            (1, 0) => {
                let p = t.add(&OPT_PADN, b.range(off + 2, 0), Value::str("<none>"));
                t.set_text(p, "PadN: <none>");
            }
            (1, n) => {
                t.add(&OPT_PADN, b.range(off + 2, n), Value::None);
            }
            (5, 2) => {
                cx.uint(&OPT_ROUTER_ALERT, &b, off + 2)?;
            }
            (_, 0) => {}
            (_, n) => {
                t.add(&OPT_UNKNOWN, b.range(off + 2, n), Value::None);
            }
        }
        cx.tree().close();
        off += 2 + olen;
    }
    cx.tree().close();
    Ok(len)
}

fn routing(cx: &mut Ctx, b: Buf) -> DResult<usize> {
    cx.enter("ipv6.routing", "");
    let len = ext_len(b)?;
    let ty = b.u8(2)?;
    b.bytes(0, len)?;
    let t = cx.tree();
    let id = t.open(&ROUTING, b.range(0, len), Value::str("ipv6.routing"));
    let tyname = ROUTING_TYPE.value_string(ty as u64).unwrap_or("Unknown");
    t.set_text(id, format_args!("Routing Header for IPv6 ({tyname})"));
    cx.uint(&ROUTING_NXT, &b, 0)?;
    let t = cx.tree();
    let l = t.add(&ROUTING_LEN, b.range(1, 1), Value::UInt((len / 8 - 1) as u64));
    t.set_text(l, format_args!("Length: {} ({len} bytes)", len / 8 - 1));
    let lo = t.generated(&ROUTING_LEN_OCT, b.range(1, 1), Value::UInt(len as u64));
    t.set_text(lo, format_args!("[Length: {len} bytes]"));
    cx.uint(&ROUTING_TYPE, &b, 2)?;
    cx.uint(&ROUTING_SEGLEFT, &b, 3)?;
    if ty == 0 {
        let mut off = 8;
        while off + 16 <= len {
            cx.ipv6(&ROUTING_ADDR, &b, off)?;
            off += 16;
        }
    } else if len > 4 {
        cx.bytes_item(&ROUTING_DATA, &b, 4, len - 4)?;
    }
    cx.tree().close();
    Ok(len)
}

/// The fragment header. A whole datagram (offset 0, no more fragments) goes
/// on to its upper layer; the fragment that completes a datagram carries
/// the reassembled payload; other fragments are data with Wireshark's Info.
fn fragment(cx: &mut Ctx, b: Buf) -> DResult<()> {
    cx.enter("ipv6.fraghdr", "");
    // The header is read whole before any of it is shown.
    b.bytes(0, 8)?;
    let offm = b.u16(2)?;
    let off = offm >> 3;
    let t = cx.tree();
    let id = t.open(&FRAGHDR, b.range(0, 8), Value::str("ipv6.fraghdr"));
    t.set_text(id, "Fragment Header for IPv6");
    let nxt = cx.uint(&FRAG_NXT, &b, 0)? as u8;
    cx.uint(&FRAG_RES_OCTET, &b, 1)?;
    let t = cx.tree();
    let o = t.add(&FRAG_OFFSET, b.range(2, 2), Value::UInt(off as u64));
    let s = format!("{:016b}", offm & 0xfff8);
    t.set_text(
        o,
        format!("{} {} {} {}. = Offset: {off} ({} bytes)", &s[0..4], &s[4..8], &s[8..12], &s[12..13], off as u32 * 8),
    );
    cx.masked(&FRAG_RES_BITS, &b, 2)?;
    let more = cx.masked(&FRAG_MORE, &b, 2)? != 0;
    let ident = cx.uint(&FRAG_IDENT, &b, 4)? as u32;
    cx.tree().close();
    let payload = b.from(8)?;
    if off == 0 && !more {
        cx.tree().close();
        let net_end = cx.net_end;
        dispatch::ip_proto(cx, nxt, payload, true);
        cx.net_end = net_end;
        return Ok(());
    }
    if let Some((src, dst)) = cx.net {
        let key = (src, dst, ident, nxt);
        let whole = ipfrag::add(cx, &FRAG_FIELDS, key, off as usize * 8, more, payload);
        if let Some((bytes, sid)) = whole {
            cx.tree().close();
            ipfrag::dissect_reassembled(cx, nxt, &bytes, sid, true);
            return Ok(());
        }
    }
    cx.tree().close();
    let _ = write!(
        cx.out.cols.info(),
        "IPv6 fragment (off={} more={} ident=0x{ident:08x} nxt={nxt})",
        off as u32 * 8,
        if more { 'y' } else { 'n' }
    );
    // tshark 4.0 notes the reassembling frame in an IPv6 fragment's tree
    // only, not in Info.
    dispatch::data(cx, payload);
    Ok(())
}

#[cfg(test)]
mod tests {
    use crate::dissect::testutil::{field, run, run_cut};

    fn header(plen: u16, nxt: u8) -> Vec<u8> {
        let mut h = vec![0x6b, 0x80, 0x12, 0x34];
        h.extend(plen.to_be_bytes());
        h.extend([nxt, 64]);
        h.extend([0x20, 0x01, 0x0d, 0xb8].iter().chain([0u8; 11].iter()).chain([1u8].iter()));
        h.extend([0x20, 0x01, 0x0d, 0xb8].iter().chain([0u8; 11].iter()).chain([2u8].iter()));
        h
    }

    #[test]
    fn fixed_header_fields() {
        let f = header(0, 59);
        let d = run(229, &f);
        assert_eq!(field(&d, &f, "ipv6.tclass"), "0x000000b8");
        assert_eq!(field(&d, &f, "ipv6.flow"), "0x001234");
        assert_eq!(field(&d, &f, "ipv6.src"), "2001:db8::1");
        assert_eq!(field(&d, &f, "ipv6.addr"), "2001:db8::1,2001:db8::2");
        assert_eq!(field(&d, &f, "ip.version"), "6");
        assert_eq!(d.cols.info, "IPv6 no next header");
    }

    #[test]
    fn extension_headers_in_a_chain() {
        // Hop-by-hop (router alert + PadN), destination options (Pad1 x6),
        // then a whole "fragment" and no next header.
        let mut f = header(32, 0);
        f.extend([60, 0, 5, 2, 0, 0, 1, 0]);
        f.extend([44, 0, 0, 0, 0, 0, 0, 0]);
        f.extend([59, 0, 0, 0, 0, 0, 0, 9]);
        f.extend([0; 8]);
        let d = run(229, &f);
        assert_eq!(d.protocols, "ipv6:ipv6.hopopts:ipv6.dstopts:ipv6.fraghdr:data");
        assert_eq!(field(&d, &f, "ipv6.opt.router_alert"), "0");
        assert_eq!(field(&d, &f, "ipv6.opt.padn"), "<none>");
        assert_eq!(field(&d, &f, "ipv6.hopopts.len_oct"), "8");
        assert_eq!(field(&d, &f, "ipv6.fraghdr.ident"), "0x00000009");
    }

    #[test]
    fn fragment_info_and_bad_options() {
        let mut f = header(16, 44);
        f.extend([17, 0, 0x05, 0x01, 0, 0, 0, 2]);
        f.extend([0; 8]);
        let d = run(229, &f);
        assert_eq!(d.cols.info, "IPv6 fragment (off=1280 more=y ident=0x00000002 nxt=17)");
        let mut f = header(8, 0);
        f.extend([59, 0, 1, 9, 0, 0, 0, 0]);
        assert!(run(229, &f).malformed);
        let f = header(0, 59);
        let d = run_cut(229, &f[..20], 40);
        assert!(d.truncated);
        assert_eq!(d.cols.src, "");
    }
}
