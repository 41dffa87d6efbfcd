//! IPv4.

use std::fmt::Write;
use std::net::{IpAddr, Ipv4Addr};

use crate::field::{Base, Field, FieldDef, FieldType, Value, SET_NOTSET};

use super::ipfrag;
use crate::dissect::{dispatch, Buf, Ctx, DResult, DissectError};

pub static IP: FieldDef = FieldDef::new("ip", "Internet Protocol Version 4", FieldType::Protocol).brief()
    .desc("Internet Protocol version 4: carries datagrams between hosts by address (RFC 791).");
// Version and header length have no bit mask, as in Wireshark 4.0 (bits
// items): a PDML `value` is then the byte, not the number.
pub static VERSION: FieldDef = FieldDef::new("ip.version", "Version", FieldType::U8)
    .desc("IP version number, 4.");
pub static HDR_LEN: FieldDef = FieldDef::new("ip.hdr_len", "Header Length", FieldType::U8)
    .desc("Header length in bytes (the IHL field in 32-bit words times four); 20 without options.");
pub static DSFIELD: FieldDef = FieldDef::new("ip.dsfield", "Differentiated Services Field", FieldType::U8).base(Base::Hex)
    .desc("Differentiated Services field: DSCP and ECN bits (RFC 2474, RFC 3168).");
/// DiffServ codepoints by name (IPv4's DS field, IPv6's traffic class).
pub static DSCP_NAMES: &[(u64, &str)] = &[
        (0, "Default"),
        (1, "Lower Effort"),
        (8, "Class Selector 1"),
        (10, "Assured Forwarding 11"),
        (12, "Assured Forwarding 12"),
        (14, "Assured Forwarding 13"),
        (16, "Class Selector 2"),
        (18, "Assured Forwarding 21"),
        (20, "Assured Forwarding 22"),
        (22, "Assured Forwarding 23"),
        (24, "Class Selector 3"),
        (26, "Assured Forwarding 31"),
        (28, "Assured Forwarding 32"),
        (30, "Assured Forwarding 33"),
        (32, "Class Selector 4"),
        (34, "Assured Forwarding 41"),
        (36, "Assured Forwarding 42"),
        (38, "Assured Forwarding 43"),
        (40, "Class Selector 5"),
        (44, "Voice Admit"),
        (46, "Expedited Forwarding"),
        (48, "Class Selector 6"),
        (56, "Class Selector 7"),
    ];
/// ECN codepoints by name.
pub static ECN_NAMES: &[(u64, &str)] = &[
        (0, "Not ECN-Capable Transport"),
        (1, "ECN-Capable Transport codepoint '01'"),
        (2, "ECN-Capable Transport codepoint '10'"),
        (3, "Congestion Experienced"),
    ];
pub static DSCP: FieldDef =
    FieldDef::new("ip.dsfield.dscp", "Differentiated Services Codepoint", FieldType::U8).mask(0xfc).strings(DSCP_NAMES)
        .desc("Differentiated Services codepoint: the forwarding class the packet asks for.");
pub static ECN: FieldDef =
    FieldDef::new("ip.dsfield.ecn", "Explicit Congestion Notification", FieldType::U8).mask(0x03).strings(ECN_NAMES)
        .desc("Explicit Congestion Notification bits: not capable, capable (ECT) or congestion experienced.");
pub static LEN: FieldDef = FieldDef::new("ip.len", "Total Length", FieldType::U16).brief()
    .desc("Total length of the datagram in bytes, header and data.");
static BOGUS_LEN: FieldDef = FieldDef::new("ip.bogus_ip_length", "Bogus IP length", FieldType::None)
    .desc("The total length field is smaller than the header or larger than the data.");
pub static ID: FieldDef = FieldDef::new("ip.id", "Identification", FieldType::U16).base(Base::HexDec).brief()
    .desc("Identification shared by the fragments of one datagram.");
pub static FLAGS: FieldDef = FieldDef::new("ip.flags", "Flags", FieldType::U8).base(Base::Hex).mask(0xe0)
    .desc("The three flag bits: reserved, don't fragment, more fragments.");
pub static FLAG_RB: FieldDef = FieldDef::new("ip.flags.rb", "Reserved bit", FieldType::Bool).bit(8, 0x80).strings(SET_NOTSET)
    .desc("Reserved flag bit, must be zero (RFC 791 section 3.1).");
pub static FLAG_DF: FieldDef = FieldDef::new("ip.flags.df", "Don't fragment", FieldType::Bool).bit(8, 0x40).strings(SET_NOTSET)
    .desc("Don't fragment: routers must drop rather than fragment the datagram.");
pub static FLAG_MF: FieldDef = FieldDef::new("ip.flags.mf", "More fragments", FieldType::Bool).bit(8, 0x20).strings(SET_NOTSET)
    .desc("More fragments: further fragments of the datagram follow.");
pub static FRAG_OFFSET: FieldDef = FieldDef::new("ip.frag_offset", "Fragment Offset", FieldType::U16).mask(0x1fff)
    .desc("Position of this fragment's data in the original datagram, in bytes (the field counts 8-byte units).");
pub static TTL: FieldDef = FieldDef::new("ip.ttl", "Time to Live", FieldType::U8).brief()
    .desc("Time to live: hops left before a router discards the datagram (RFC 791 section 3.1).");
pub static PROTO: FieldDef = FieldDef::new("ip.proto", "Protocol", FieldType::U8).strings(IP_PROTOCOLS).brief()
    .desc("Protocol of the payload, such as 6 for TCP, 17 for UDP, 1 for ICMP.");
pub static CHECKSUM: FieldDef = FieldDef::new("ip.checksum", "Header Checksum", FieldType::U16).base(Base::Hex)
    .desc("One's complement checksum of the header only.");
pub static CHECKSUM_STATUS: FieldDef = FieldDef::new("ip.checksum.status", "Header checksum status", FieldType::U8)
    .base(Base::None)
    .strings(crate::field::CHECKSUM_STATUSES)
    .desc("Whether the header checksum was verified: good, bad or unverified.");
pub static SRC: FieldDef = FieldDef::new("ip.src", "Source Address", FieldType::Ipv4).brief()
    .desc("Address of the sending host.");
pub static DST: FieldDef = FieldDef::new("ip.dst", "Destination Address", FieldType::Ipv4).brief()
    .desc("Address of the receiving host or group.");
pub static ADDR: FieldDef = FieldDef::new("ip.addr", "Source or Destination Address", FieldType::Ipv4).brief()
    .desc("Either address of the datagram; matches the source or the destination.");
pub static SRC_HOST: FieldDef = FieldDef::new("ip.src_host", "Source Host", FieldType::String)
    .desc("Source address as a host name (the address itself without name resolution).");
pub static DST_HOST: FieldDef = FieldDef::new("ip.dst_host", "Destination Host", FieldType::String)
    .desc("Destination address as a host name (the address itself without name resolution).");
pub static HOST: FieldDef = FieldDef::new("ip.host", "Source or Destination Host", FieldType::String)
    .desc("Either host name of the datagram.");
pub static OPT_TYPE: FieldDef = FieldDef::new("ip.opt.type", "Type", FieldType::U8)
    .desc("Option type byte: copy flag, class and number.");
pub static OPT_TYPE_COPY: FieldDef = FieldDef::new("ip.opt.type.copy", "Copy on fragmentation", FieldType::Bool)
    .bit(8, 0x80)
    .strings(crate::field::YES_NO).desc("Whether the option is copied into every fragment.");
pub static OPT_TYPE_CLASS: FieldDef = FieldDef::new("ip.opt.type.class", "Class", FieldType::U8)
    .mask(0x60)
    .strings(&[(0, "Control"), (1, "Reserved for future use"), (2, "Debugging and measurement"), (3, "Reserved for future use")])
    .desc("Option class: 0 control, 2 debugging and measurement.");
pub static OPT_TYPE_NUMBER: FieldDef = FieldDef::new("ip.opt.type.number", "Number", FieldType::U8)
    .mask(0x1f)
    .strings(&[
        (0, "End of Option List (EOL)"),
        (1, "No-Operation (NOP)"),
        (2, "Security"),
        (3, "Loose source route"),
        (4, "Time stamp"),
        (5, "Extended security"),
        (6, "Commercial IP security option"),
        (7, "Record route"),
        (8, "Stream identifier"),
        (9, "Strict source route"),
        (20, "Router Alert"),
        (10, "Experimental Measurement"),
        (11, "MTU probe"),
        (12, "MTU Reply"),
        (13, "Experimental Flow Control"),
        (14, "Experimental Access Control"),
        (15, "Ask Estrin"),
        (16, "IMI Traffic Descriptor"),
        (17, "Extended Internet Protocol"),
        (18, "Traceroute"),
        (19, "Address Extension"),
        (21, "Selective Directed Broadcast"),
        (22, "Unassigned"),
        (23, "Dynamic Packet State"),
        (24, "Upstream Multicast Packet"),
        (25, "Quick-Start"),
        (30, "RFC 3692-style experiment"),
    ]).desc("Option number within its class.");
pub static OPT_LEN: FieldDef = FieldDef::new("ip.opt.len", "Length", FieldType::U8)
    .desc("Length of the option in bytes.");
pub static OPT_PTR: FieldDef = FieldDef::new("ip.opt.ptr", "Pointer", FieldType::U8)
    .desc("Offset of the next free slot in a route or timestamp option.");
pub static OPT_RA: FieldDef = FieldDef::new("ip.opt.ra", "Router Alert", FieldType::U16)
    .strings(&[(0, "Router shall examine packet")])
    .desc("Router alert value: routers should examine the datagram (RFC 2113).");
pub static REC_RT: FieldDef = FieldDef::new("ip.rec_rt", "Recorded Route", FieldType::Ipv4)
    .desc("An address recorded by a router in a record route option.");
pub static SRC_RT: FieldDef = FieldDef::new("ip.src_rt", "Source Route", FieldType::Ipv4)
    .desc("An address of a source route the sender asks the datagram to follow.");
pub static OPT_EOL: FieldDef = FieldDef::protocol_bytes("ip.options.eol", "IP Option - End of Options List (EOL)")
    .desc("End of option list.");
pub static OPT_NOP: FieldDef = FieldDef::protocol_bytes("ip.options.nop", "IP Option - No-Operation (NOP)")
    .desc("No-operation option, padding between options.");
pub static OPT_RECORD_ROUTE: FieldDef = FieldDef::protocol_bytes("ip.options.record_route", "IP Option - Record Route")
    .desc("Record route option: routers write their addresses into it.");
pub static OPT_TIMESTAMP: FieldDef = FieldDef::protocol_bytes("ip.options.timestamp", "IP Option - Time Stamp")
    .desc("Timestamp option: routers write times (and addresses) into it.");
pub static OPT_SECURITY: FieldDef = FieldDef::protocol_bytes("ip.options.security", "IP Option - Security")
    .desc("Security option: classification level of the datagram (RFC 1108).");
pub static OPT_LOOSE_ROUTE: FieldDef = FieldDef::protocol_bytes("ip.options.route", "IP Option - Loose Source Route")
    .desc("Loose source route option: routers the datagram must pass, in order.");
pub static OPT_SID: FieldDef = FieldDef::protocol_bytes("ip.options.sid", "IP Option - Stream ID")
    .desc("Stream identifier option, obsolete.");
pub static OPT_STRICT_ROUTE: FieldDef = FieldDef::protocol_bytes("ip.options.source_route", "IP Option - Strict Source Route")
    .desc("Strict source route option: the exact routers the datagram must pass.");
pub static OPT_ROUTER_ALERT: FieldDef = FieldDef::protocol_bytes("ip.options.routeralert", "IP Option - Router Alert")
    .desc("Router alert option (RFC 2113).");
/// An option Wireshark has no name for; not a Wireshark field name.
pub static OPT_UNKNOWN: FieldDef = FieldDef::protocol_bytes("ip.options.unknown", "IP Option - Unknown")
    .desc("An option type this dissector does not decode.");
pub static FRAGMENTS: FieldDef = FieldDef::new("ip.fragments", "IPv4 Fragments", FieldType::Bytes)
    .desc("The fragments reassembled into this datagram.");
pub static FRAGMENT: FieldDef = FieldDef::new("ip.fragment", "IPv4 Fragment", FieldType::FrameNum)
    .desc("A frame holding one fragment of the datagram.");
pub static FRAGMENT_COUNT: FieldDef = FieldDef::new("ip.fragment.count", "Fragment count", FieldType::U32)
    .desc("Number of fragments reassembled.");
pub static REASSEMBLED_LENGTH: FieldDef =
    FieldDef::new("ip.reassembled.length", "Reassembled IPv4 length", FieldType::U32)
        .desc("Length in bytes of the reassembled payload.");
pub static REASSEMBLED_DATA: FieldDef =
    FieldDef::new("ip.reassembled.data", "Reassembled IPv4 data", FieldType::Bytes).desc("The reassembled payload.");
pub static REASSEMBLED_IN: FieldDef =
    FieldDef::new("ip.reassembled_in", "Reassembled IPv4 in frame", FieldType::FrameNum)
        .desc("Frame where this fragment's datagram is complete.");

const FRAG_FIELDS: ipfrag::FragFields = ipfrag::FragFields {
    version: "IPv4",
    fragments: &FRAGMENTS,
    fragment: &FRAGMENT,
    count: &FRAGMENT_COUNT,
    length: &REASSEMBLED_LENGTH,
    data: &REASSEMBLED_DATA,
    reassembled_in: &REASSEMBLED_IN,
};

pub static FIELDS: &[Field] = &[
    &IP, &VERSION, &HDR_LEN, &DSFIELD, &DSCP, &ECN, &LEN, &BOGUS_LEN, &ID, &FLAGS, &FLAG_RB, &FLAG_DF,
    &FLAG_MF, &FRAG_OFFSET, &TTL, &PROTO, &CHECKSUM, &CHECKSUM_STATUS, &SRC, &DST, &ADDR,
    &SRC_HOST, &DST_HOST, &HOST, &OPT_TYPE, &OPT_TYPE_COPY, &OPT_TYPE_CLASS,
    &OPT_TYPE_NUMBER, &OPT_LEN, &OPT_PTR, &OPT_RA, &REC_RT, &SRC_RT, &OPT_EOL, &OPT_NOP,
    &OPT_RECORD_ROUTE, &OPT_TIMESTAMP, &OPT_SECURITY, &OPT_LOOSE_ROUTE, &OPT_SID,
    &OPT_STRICT_ROUTE, &OPT_ROUTER_ALERT, &OPT_UNKNOWN, &FRAGMENTS, &FRAGMENT, &FRAGMENT_COUNT,
    &REASSEMBLED_LENGTH, &REASSEMBLED_DATA, &REASSEMBLED_IN,
];

/// Names of IP protocol numbers, shared with IPv6's next header.
pub use crate::dissect::registries::IP_PROTOCOLS;

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
    let v = t.add(&VERSION, b.range(0, 1), Value::UInt(version as u64));
    t.set_text(v, format_args!("{:04b} .... = Version: {version}", version));
    let h = t.add(&HDR_LEN, b.range(0, 1), Value::UInt(hlen as u64));
    t.set_text(h, format_args!(".... {:04b} = Header Length: {} bytes ({})", vhl & 0x0f, hlen, vhl & 0x0f));
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
    cx.tree().set_len(root, hlen.min(b.len()));
    // A columns-only pass keeps none of the header's items.
    let idle = cx.out.tree.idle_for("ip");
    let ds = b.u8(1)?;
    let t = cx.tree();
    if !idle {
        let dsid = t.open(&DSFIELD, b.range(1, 1), Value::UInt(ds as u64));
        t.set_text(dsid, format_args!("Differentiated Services Field: 0x{ds:02x} (DSCP: {}, ECN: {})", dscp_name(ds >> 2), ecn_name(ds & 3)));
        t.add(&DSCP, b.range(1, 1), Value::UInt((ds >> 2) as u64));
        t.add(&ECN, b.range(1, 1), Value::UInt((ds & 3) as u64));
        t.close();
    }
    let mut total = b.u16(2)? as usize;
    if total == 0 && !quoted {
        // A sender offloading segmentation to its NIC hands the capture a
        // datagram whose length field is still 0: the packet's own length
        // stands in for it, as Wireshark presumes.
        total = b.reported_len();
        let t = cx.tree();
        let id = t.generated(&LEN, b.range(2, 2), Value::UInt(total as u64));
        t.set_text(
            id,
            format_args!(
                "[Total Length: {total} bytes (reported as 0, presumed to be because of \"TCP segmentation offload\" (TSO))]"
            ),
        );
    } else if total < hlen {
        // Not an exception in Wireshark: the layer ends with its note.
        let _ = write!(cx.out.cols.info(), "Bogus IP length ({total}, less than header length {hlen})");
        let t = cx.tree();
        let id = t.open(&LEN, b.range(2, 2), Value::UInt(total as u64));
        t.set_text(id, format_args!("Total Length: {total} bytes (bogus, less than header length {hlen})"));
        crate::dissect::expert(cx, &BOGUS_LEN, BOGUS_LEN.display, "Error", "Protocol");
        cx.tree().close();
        cx.tree().close();
        return Ok(());
    }
    // Like Wireshark, a total length beyond the packet is flagged and the
    // packet's own end trusted instead.
    let beyond = total > b.reported_len() && !quoted;
    if b.u16(2)? != 0 || quoted {
        cx.tree().open(&LEN, b.range(2, 2), Value::UInt(total as u64));
        if beyond {
            let msg = format!("IPv4 total length exceeds packet length ({} bytes)", b.reported_len());
            crate::dissect::expert(cx, &BOGUS_LEN, &msg, "Error", "Protocol");
        }
        cx.tree().close();
    }
    let id = cx.uint(&ID, &b, 4)? as u16;
    let ff = b.u16(6)?;
    let flags = (ff >> 13) as u8;
    let off = (ff & 0x1fff) as usize * 8;
    let t = cx.tree();
    if !idle {
        let fid = t.open(&FLAGS, b.range(6, 1), Value::UInt(flags as u64));
        let fname = match (flags & 2 != 0, flags & 1 != 0) {
            (true, _) => ", Don't fragment",
            (false, true) => ", More fragments",
            _ => "",
        };
        t.set_text(fid, format_args!("{}{}{}. .... = Flags: 0x{:x}{}", flags >> 2 & 1, flags >> 1 & 1, flags & 1, flags, fname));
        t.add(&FLAG_RB, b.range(6, 1), Value::Bool(flags & 4 != 0));
        t.add(&FLAG_DF, b.range(6, 1), Value::Bool(flags & 2 != 0));
        t.add(&FLAG_MF, b.range(6, 1), Value::Bool(flags & 1 != 0));
        t.close();
        // The field holds 8-byte units; the label shows bytes.
        let fo = t.add(&FRAG_OFFSET, b.range(6, 2), Value::UInt((ff & 0x1fff) as u64));
        t.set_text(fo, format_args!("{} = Fragment Offset: {}", Bits13(ff & 0x1fff), off));
    }
    let ttl = b.u8(8)?;
    let proto = b.u8(9)?;
    let ck = b.u16(10)?;
    let src = Ipv4Addr::from(b.array::<4>(12)?);
    let dst = match b.array::<4>(16) {
        Ok(d) => Ipv4Addr::from(d),
        Err(e) => {
            // Wireshark has taken the source address when it finds the
            // destination cut off: the Destination column stays the link's.
            set_src_column(cx, src);
            return Err(e);
        }
    };
    // Host names as text are for filters and fields only.
    let full = cx.full;
    cx.hop_limit = Some(ttl);
    let t = cx.tree();
    if !idle {
        t.add(&TTL, b.range(8, 1), Value::UInt(ttl as u64));
        t.add(&PROTO, b.range(9, 1), Value::UInt(proto as u64));
        let c = t.add(&CHECKSUM, b.range(10, 2), Value::UInt(ck as u64));
        t.set_text(c, format_args!("Header Checksum: 0x{ck:04x} [validation disabled]"));
        t.generated(&CHECKSUM_STATUS, b.range(10, 0), Value::UInt(2));
        t.add(&SRC, b.range(12, 4), Value::Ipv4(src));
        t.hidden(&ADDR, b.range(12, 4), Value::Ipv4(src));
        if full {
            t.hidden(&SRC_HOST, b.range(12, 4), Value::str(src.to_string()));
            t.hidden(&HOST, b.range(12, 4), Value::str(src.to_string()));
        }
        t.add(&DST, b.range(16, 4), Value::Ipv4(dst));
        t.hidden(&ADDR, b.range(16, 4), Value::Ipv4(dst));
        if full {
            t.hidden(&DST_HOST, b.range(16, 4), Value::str(dst.to_string()));
            t.hidden(&HOST, b.range(16, 4), Value::str(dst.to_string()));
        }
        t.set_text(root, format_args!("Internet Protocol Version 4, Src: {src}, Dst: {dst}"));
    }
    cx.net = Some((IpAddr::V4(src), IpAddr::V4(dst)));
    if hlen > 20 && b.len() <= 20 {
        // Options announced but not one of their bytes captured: Wireshark
        // stops before the Destination column, which stays the link's.
        set_src_column(cx, src);
        return Err(DissectError::Truncated);
    }
    cx.out.cols.set_ipv4_addrs(src, dst);
    if hlen > 20 {
        options(cx, b, hlen)?;
    }
    let body = match b.sub(hlen, total - hlen) {
        Ok(body) => body,
        Err(_) => b.from(hlen)?,
    };
    cx.net_end = Some(b.abs(total.min(b.reported_len())));
    if flags & 1 != 0 || off != 0 {
        // The fragment that completes a datagram carries its payload; an
        // ICMP error's quoted fragment is never reassembled.
        if !quoted {
            let key = (IpAddr::V4(src), IpAddr::V4(dst), id as u32, proto);
            if let Some((bytes, sid)) = ipfrag::add(cx, &FRAG_FIELDS, key, off, flags & 1 != 0, body) {
                cx.tree().close();
                ipfrag::dissect_reassembled(cx, proto, &bytes, sid, false);
                return Ok(());
            }
        }
        cx.tree().close();
        let name = proto_name(proto).unwrap_or("Unknown");
        let _ = write!(cx.out.cols.info(), "Fragmented IP protocol (proto={name} {proto}, off={off}, ID={id:04x})");
        ipfrag::completed_note(cx);
        dispatch::data(cx, body);
        return Ok(());
    }
    cx.tree().close();
    let net_end = cx.net_end;
    dispatch::ip_proto(cx, proto, body, false);
    cx.net_end = net_end;
    Ok(())
}

/// The Source column alone, when the header ends before the destination's.
fn set_src_column(cx: &mut Ctx, src: Ipv4Addr) {
    cx.out.cols.src.clear();
    crate::field::push_ipv4(src, &mut cx.out.cols.src);
}

/// One kind of IPv4 option: its number, the protocol item Wireshark files
/// it under and its name.
struct OptionKind {
    kind: u8,
    field: Field,
    name: &'static str,
}

static OPTION_KINDS: &[OptionKind] = &[
    OptionKind { kind: 0, field: &OPT_EOL, name: "End of Options List (EOL)" },
    OptionKind { kind: 1, field: &OPT_NOP, name: "No-Operation (NOP)" },
    OptionKind { kind: 7, field: &OPT_RECORD_ROUTE, name: "Record Route" },
    OptionKind { kind: 68, field: &OPT_TIMESTAMP, name: "Time Stamp" },
    OptionKind { kind: 130, field: &OPT_SECURITY, name: "Security" },
    OptionKind { kind: 131, field: &OPT_LOOSE_ROUTE, name: "Loose Source Route" },
    OptionKind { kind: 136, field: &OPT_SID, name: "Stream ID" },
    OptionKind { kind: 137, field: &OPT_STRICT_ROUTE, name: "Strict Source Route" },
    OptionKind { kind: 148, field: &OPT_ROUTER_ALERT, name: "Router Alert" },
];

/// The options between byte 20 and the header length, each with its type
/// byte split into copy / class / number as Wireshark shows it.
fn options(cx: &mut Ctx, b: Buf, hlen: usize) -> DResult<()> {
    let all = b.bytes(20, hlen - 20)?;
    let mut names = Vec::new();
    let mut off = 20;
    let mut parsed = Vec::new();
    while off < hlen {
        let kind = all[off - 20];
        let len = if kind <= 1 {
            1
        } else {
            match all.get(off - 19) {
                Some(&l) if l >= 2 && off + l as usize <= hlen => l as usize,
                _ => return Err(DissectError::Malformed),
            }
        };
        let known = OPTION_KINDS.iter().find(|k| k.kind == kind);
        if kind > 1 {
            names.push(known.map(|k| k.name).unwrap_or("Unknown"));
        }
        parsed.push((off, kind, len, known));
        off += len;
        if kind == 0 {
            break;
        }
    }
    let t = cx.tree();
    // A text item in Wireshark 4.0, which has no `ip.options` field.
    let o = t.open(&crate::field::TEXT, b.range(20, hlen - 20), Value::None);
    let mut label = format!("Options: ({} bytes)", hlen - 20);
    for n in &names {
        let _ = write!(label, ", {n}");
    }
    t.set_text(o, label);
    for (off, kind, len, known) in parsed {
        let name = known.map(|k| k.name).unwrap_or("Unknown");
        let field = known.map(|k| k.field).unwrap_or(&OPT_UNKNOWN);
        let id = t.open(field, b.range(off, len), Value::None);
        if kind <= 1 {
            t.set_text(id, format_args!("IP Option - {name}"));
        } else {
            t.set_text(id, format_args!("IP Option - {name} ({len} bytes)"));
        }
        t.open(&OPT_TYPE, b.range(off, 1), Value::UInt(kind as u64));
        t.add(&OPT_TYPE_COPY, b.range(off, 1), Value::Bool(kind & 0x80 != 0));
        t.add(&OPT_TYPE_CLASS, b.range(off, 1), Value::UInt(((kind >> 5) & 3) as u64));
        t.add(&OPT_TYPE_NUMBER, b.range(off, 1), Value::UInt((kind & 0x1f) as u64));
        t.close();
        if len >= 2 {
            t.add(&OPT_LEN, b.range(off + 1, 1), Value::UInt(len as u64));
        }
        match kind {
            148 if len == 4 => {
                let v = u16::from_be_bytes([all[off - 18], all[off - 17]]);
                let ra = t.add(&OPT_RA, b.range(off + 2, 2), Value::UInt(v as u64));
                let what = t.label(ra, &[]);
                let what = what.trim_start_matches("Router Alert: ").to_string();
                t.set_text(id, format_args!("IP Option - {name} ({len} bytes): {what}"));
            }
            7 | 131 | 137 if len >= 3 => {
                t.add(&OPT_PTR, b.range(off + 2, 1), Value::UInt(all[off - 18] as u64));
                let route = if kind == 7 { &REC_RT } else { &SRC_RT };
                let mut a = off + 3;
                while a + 4 <= off + len {
                    let i = a - 20;
                    let addr = Ipv4Addr::new(all[i], all[i + 1], all[i + 2], all[i + 3]);
                    t.add(route, b.range(a, 4), Value::Ipv4(addr));
                    a += 4;
                }
            }
            68 if len >= 3 => {
                t.add(&OPT_PTR, b.range(off + 2, 1), Value::UInt(all[off - 18] as u64));
            }
            _ => {}
        }
        t.close();
    }
    t.close();
    Ok(())
}

/// A 13-bit field as Wireshark pictures it (`...0 0000 0000 0000`), written
/// only if a label is formatted.
struct Bits13(u16);

impl std::fmt::Display for Bits13 {
    fn fmt(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("...")?;
        for bit in (0..13).rev() {
            if bit % 4 == 3 {
                f.write_str(" ")?;
            }
            f.write_str(if self.0 >> bit & 1 == 1 { "1" } else { "0" })?;
        }
        Ok(())
    }
}

/// A DSCP value's short name, as the DS field's label shows it.
pub fn dscp_name(d: u8) -> &'static str {
    match d {
        0 => "CS0",
        1 => "LE",
        8 => "CS1",
        10 => "AF11",
        12 => "AF12",
        14 => "AF13",
        16 => "CS2",
        18 => "AF21",
        20 => "AF22",
        22 => "AF23",
        24 => "CS3",
        26 => "AF31",
        28 => "AF32",
        30 => "AF33",
        32 => "CS4",
        34 => "AF41",
        36 => "AF42",
        38 => "AF43",
        40 => "CS5",
        44 => "VA",
        46 => "EF",
        48 => "CS6",
        56 => "CS7",
        _ => "Unknown",
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

#[cfg(test)]
mod tests {
    use crate::dissect::testutil::{field, run, run_cut};
    use crate::dissect::{dissect_frame, Dissection, FrameMeta, Pass};
    use crate::dissect::session::Session;

    #[test]
    fn thirteen_bit_pictures_and_dscp_names() {
        use super::{dscp_name, Bits13};
        assert_eq!(Bits13(0).to_string(), "...0 0000 0000 0000");
        assert_eq!(Bits13(0x1001).to_string(), "...1 0000 0000 0001");
        assert_eq!(dscp_name(46), "EF");
        assert_eq!(dscp_name(5), "Unknown");
    }

    fn header(total: u16, id: u16, flags_off: u16, proto: u8, options: &[u8]) -> Vec<u8> {
        let hl = 5 + options.len() / 4;
        let mut h = vec![0x40 | hl as u8, 0];
        h.extend(total.to_be_bytes());
        h.extend(id.to_be_bytes());
        h.extend(flags_off.to_be_bytes());
        h.extend([64, proto, 0, 0, 10, 0, 0, 1, 10, 0, 0, 2]);
        h.extend(options);
        h
    }

    #[test]
    fn options_are_split_into_type_bits() {
        let mut f = header(32, 1, 0, 253, &[0x94, 4, 0, 0, 1, 7, 3, 4, 0, 0, 0, 0]);
        f.truncate(32);
        let d = run(228, &f);
        assert_eq!(field(&d, &f, "ip.opt.type"), "148,1,7,0");
        assert_eq!(field(&d, &f, "ip.opt.type.copy"), "1,0,0,0");
        assert_eq!(field(&d, &f, "ip.opt.type.number"), "20,1,7,0");
        assert_eq!(field(&d, &f, "ip.opt.ra"), "0");
        assert_eq!(field(&d, &f, "ip.opt.ptr"), "4");
        assert_eq!(field(&d, &f, "ip.hdr_len"), "32");
        assert!(!d.malformed);
        let bad = header(24, 1, 0, 253, &[0x94, 9, 0, 0]);
        assert!(run(228, &bad).malformed);
    }

    #[test]
    fn lying_and_cut_headers() {
        // A total length beyond the packet is flagged; the packet's own end
        // is trusted, as Wireshark does.
        let f = header(40, 1, 0, 253, &[]);
        let d = run(228, &f);
        assert!(!d.malformed);
        assert!(d.tree.has(&super::BOGUS_LEN));
        let short = header(16, 1, 0, 253, &[]);
        let d = run(228, &short);
        assert!(!d.malformed);
        assert_eq!(d.cols.info, "Bogus IP length (16, less than header length 20)");
        assert!(d.tree.has(&super::BOGUS_LEN));
        // Cut after the source address: only Source is the IPv4 one.
        let d = run_cut(228, &f[..18], 40);
        assert!(d.truncated);
        assert_eq!(d.cols.src, "10.0.0.1");
        let d = run_cut(228, &f, 40);
        assert!(!d.malformed && !d.truncated);
        let d = run_cut(228, &f[..12], 40);
        assert!(d.truncated);
        assert_eq!(d.cols.info, "[Packet size limited during capture]");
        let mut v = f.clone();
        v[0] = 0x35;
        assert_eq!(run(228, &v).cols.info, "Bogus IPv4 version (3, must be 4)");
    }

    #[test]
    fn fragments_are_reassembled_on_the_last_one() {
        let udp: Vec<u8> = [&[0x04, 0xd2, 0x27, 0x0f, 0, 48, 0, 0][..], &[7u8; 40]].concat();
        let first = [header(44, 0xabcd, 0x2000, 17, &[]), udp[..24].to_vec()].concat();
        let last = [header(44, 0xabcd, 3, 17, &[]), udp[24..].to_vec()].concat();
        let mut s = Session::new();
        let mut d = Dissection::default();
        let mut meta = FrameMeta { number: 1, caplen: 44, origlen: 44, linktype: 228, ..Default::default() };
        dissect_frame(&meta, &first, &mut s, Pass::First, crate::dissect::Depth::Tree, &mut d);
        assert_eq!(d.cols.info, "Fragmented IP protocol (proto=UDP 17, off=0, ID=abcd)");
        assert_eq!(d.protocols, "ip:data");
        meta.number = 2;
        dissect_frame(&meta, &last, &mut s, Pass::First, crate::dissect::Depth::Tree, &mut d);
        assert_eq!(d.protocols, "ip:udp:data");
        assert_eq!(field(&d, &last, "ip.fragment"), "1,2");
        assert_eq!(field(&d, &last, "ip.reassembled.length"), "48");
        assert_eq!(field(&d, &last, "udp.length"), "48");
        assert_eq!(field(&d, &last, "ip.frag_offset"), "3");
        dissect_frame(&meta, &last, &mut s, Pass::Revisit, crate::dissect::Depth::Tree, &mut d);
        assert_eq!(d.protocols, "ip:udp:data");
        // A second look at the first fragment knows where it ended up.
        meta.number = 1;
        dissect_frame(&meta, &first, &mut s, Pass::Revisit, crate::dissect::Depth::Tree, &mut d);
        assert_eq!(d.cols.info, "Fragmented IP protocol (proto=UDP 17, off=0, ID=abcd) [Reassembled in #2]");
        assert_eq!(field(&d, &first, "ip.reassembled_in"), "2");
    }
}
