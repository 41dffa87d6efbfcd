//! ICMPv6: errors quoting the offending packet, echo with request/reply
//! matching, neighbour and router discovery with their options, MLD.

use std::fmt::Write;
use std::net::{IpAddr, Ipv6Addr};

use crate::field::{Base, Field, FieldDef, FieldType, Value, SET_NOTSET};

use super::icmp::{checksum_items, echo_match, quoted, EchoFields};
use super::ipv6;
use crate::dissect::{dispatch, Buf, Ctx, DResult, DissectError};

pub static ICMPV6: FieldDef =
    FieldDef::new("icmpv6", "Internet Control Message Protocol v6", FieldType::Protocol).brief()
        .desc("Internet Control Message Protocol for IPv6: errors, echo, and neighbour discovery (RFC 4443, RFC 4861).");
pub static TYPE: FieldDef = FieldDef::new("icmpv6.type", "Type", FieldType::U8).strings(TYPES).brief()
    .desc("Message type: errors below 128 (unreachable, too big, time exceeded), informational from 128 (echo, neighbour discovery).");
pub static CODE: FieldDef = FieldDef::new("icmpv6.code", "Code", FieldType::U8).brief()
    .desc("Subtype of the message, whose meaning depends on the type.");
pub static CHECKSUM: FieldDef =
    FieldDef::new("icmpv6.checksum", "Checksum", FieldType::U16).base(Base::Hex)
        .desc("Checksum over an IPv6 pseudo-header and the whole ICMPv6 message.");
pub static CHECKSUM_STATUS: FieldDef =
    FieldDef::new("icmpv6.checksum.status", "Checksum Status", FieldType::U8).base(Base::None).strings(crate::field::CHECKSUM_STATUSES)
        .desc("Whether the checksum was verified: good, bad or unverified.");
pub static RESERVED: FieldDef = FieldDef::new("icmpv6.reserved", "Reserved", FieldType::Bytes)
    .desc("Bytes reserved by the specification, sent as zero.");
pub static MTU: FieldDef = FieldDef::new("icmpv6.mtu", "MTU", FieldType::U32)
    .desc("MTU of the next-hop link, in a Packet Too Big message (RFC 4443 section 3.2).");
pub static POINTER: FieldDef = FieldDef::new("icmpv6.pointer", "Pointer", FieldType::U32)
    .desc("Offset in the offending packet of the byte that caused a parameter problem.");
pub static ECHO_ID: FieldDef =
    FieldDef::new("icmpv6.echo.identifier", "Identifier", FieldType::U16).base(Base::Hex)
        .desc("Identifier that matches echo replies to the requests of one ping process.");
pub static ECHO_SEQ: FieldDef =
    FieldDef::new("icmpv6.echo.sequence_number", "Sequence", FieldType::U16)
        .desc("Sequence number that matches an echo reply to its request.");
pub static RESP_IN: FieldDef = FieldDef::new("icmpv6.resp_in", "Response In", FieldType::FrameNum)
    .desc("Frame holding the echo reply to this request.");
pub static RESP_TO: FieldDef = FieldDef::new("icmpv6.resp_to", "Response To", FieldType::FrameNum)
    .desc("Frame holding the echo request this reply answers.");
pub static RESPTIME: FieldDef = FieldDef::new("icmpv6.resptime", "Response Time", FieldType::Double)
    .desc("Milliseconds between the echo request and its reply.");
pub static NO_RESP: FieldDef = FieldDef::new("icmpv6.no_resp", "No response seen", FieldType::None)
    .desc("No echo reply to this request was found in the capture.");
pub static RESP_NOT_FOUND: FieldDef = FieldDef::new("icmpv6.resp_not_found", "Response not found", FieldType::None)
    .desc("No echo request matching this reply was found in the capture.");
pub static MLD_DELAY: FieldDef = FieldDef::new(
    "icmpv6.mld.maximum_response_delay",
    "Maximum Response Delay [ms]",
    FieldType::U16,
).desc("Longest time in milliseconds a listener may wait before reporting (MLDv1, RFC 2710).");
pub static MLD_CODE: FieldDef =
    FieldDef::new("icmpv6.mld.maximum_response_code", "Maximum Response Code", FieldType::U16)
        .desc("Encoded longest delay before a listener reports (MLDv2, RFC 3810 section 5.1.3).");
pub static MLDR_RECORDS: FieldDef = FieldDef::new(
    "icmpv6.mldr.nb_mcast_records",
    "Number of Multicast Address Records",
    FieldType::U16,
).desc("Number of multicast address records in an MLDv2 report.");
pub static RR_SEQ: FieldDef =
    FieldDef::new("icmpv6.rr.sequence_number", "Sequence Number", FieldType::U32)
        .desc("Router renumbering sequence number, never decreasing (RFC 2894).");
pub static RR_SEGMENT: FieldDef =
    FieldDef::new("icmpv6.rr.segment_number", "Segment Number", FieldType::U8)
        .desc("Router renumbering segment number among messages with the same sequence number.");
pub static RR_FLAG: FieldDef = FieldDef::new("icmpv6.rr.flag", "Flags", FieldType::U8).base(Base::Hex)
    .desc("Router renumbering flags.");
pub static RR_MAXDELAY: FieldDef = FieldDef::new("icmpv6.rr.maxdelay", "Max Delay", FieldType::U16)
    .desc("Longest time in milliseconds a router may wait before replying to a renumbering command.");
pub static MLD_ADDR: FieldDef =
    FieldDef::new("icmpv6.mld.multicast_address", "Multicast Address", FieldType::Ipv6)
        .desc("The multicast address a listener query or report is about.");
pub static NS_TARGET: FieldDef =
    FieldDef::new("icmpv6.nd.ns.target_address", "Target Address", FieldType::Ipv6)
        .desc("Address whose link-layer address the neighbour solicitation asks for (RFC 4861 section 4.3).");
pub static NA_FLAG: FieldDef =
    FieldDef::new("icmpv6.nd.na.flag", "Flags", FieldType::U32).base(Base::Hex)
        .desc("Flags of a neighbour advertisement: router, solicited, override.");
pub static NA_FLAG_R: FieldDef = FieldDef::new("icmpv6.nd.na.flag.r", "Router", FieldType::Bool)
    .bit(32, 0x8000_0000)
    .strings(SET_NOTSET).desc("Router: the sender is a router.");
pub static NA_FLAG_S: FieldDef = FieldDef::new("icmpv6.nd.na.flag.s", "Solicited", FieldType::Bool)
    .bit(32, 0x4000_0000)
    .strings(SET_NOTSET).desc("Solicited: the advertisement answers a neighbour solicitation.");
pub static NA_FLAG_O: FieldDef = FieldDef::new("icmpv6.nd.na.flag.o", "Override", FieldType::Bool)
    .bit(32, 0x2000_0000)
    .strings(SET_NOTSET).desc("Override: the advertisement replaces a cached link-layer address.");
pub static NA_FLAG_RSV: FieldDef =
    FieldDef::new("icmpv6.nd.na.flag.rsv", "Reserved", FieldType::U32).mask(0x1fff_ffff)
        .desc("Reserved bits of a neighbour advertisement, zero.");
pub static NA_TARGET: FieldDef =
    FieldDef::new("icmpv6.nd.na.target_address", "Target Address", FieldType::Ipv6)
        .desc("Address the neighbour advertisement is about (RFC 4861 section 4.4).");
pub static RA_HOPLIMIT: FieldDef =
    FieldDef::new("icmpv6.nd.ra.cur_hop_limit", "Cur hop limit", FieldType::U8)
        .desc("Hop limit hosts should put in the packets they send (0: unspecified).");
pub static RA_FLAG: FieldDef =
    FieldDef::new("icmpv6.nd.ra.flag", "Flags", FieldType::U8).base(Base::Hex).desc("Flags of a router advertisement.");
pub static RA_FLAG_M: FieldDef =
    FieldDef::new("icmpv6.nd.ra.flag.m", "Managed address configuration", FieldType::Bool)
        .bit(8, 0x80)
        .strings(SET_NOTSET).desc("Managed: addresses are available from DHCPv6.");
pub static RA_FLAG_O: FieldDef =
    FieldDef::new("icmpv6.nd.ra.flag.o", "Other configuration", FieldType::Bool)
        .bit(8, 0x40)
        .strings(SET_NOTSET).desc("Other configuration: further settings (DNS servers) are available from DHCPv6.");
pub static RA_FLAG_H: FieldDef = FieldDef::new("icmpv6.nd.ra.flag.h", "Home Agent", FieldType::Bool)
    .bit(8, 0x20)
    .strings(SET_NOTSET).desc("Home agent: the router is also a Mobile IPv6 home agent.");
pub static RA_FLAG_PRF: FieldDef =
    FieldDef::new("icmpv6.nd.ra.flag.prf", "Prf (Default Router Preference)", FieldType::U8)
        .mask(0x18)
        .strings(PREFERENCES).desc("Default router preference: high, medium or low (RFC 4191).");
pub static RA_FLAG_P: FieldDef = FieldDef::new("icmpv6.nd.ra.flag.p", "Proxy", FieldType::Bool)
    .bit(8, 0x04)
    .strings(SET_NOTSET).desc("Proxy flag of a router advertisement (RFC 4389).");
pub static RA_FLAG_RSV: FieldDef =
    FieldDef::new("icmpv6.nd.ra.flag.rsv", "Reserved", FieldType::U8).mask(0x03)
        .desc("Reserved bits of a router advertisement, zero.");
pub static RA_LIFETIME: FieldDef =
    FieldDef::new("icmpv6.nd.ra.router_lifetime", "Router lifetime (s)", FieldType::U16)
        .desc("Seconds hosts may use the sender as a default router (0: not a default router).");
pub static RA_REACHABLE: FieldDef =
    FieldDef::new("icmpv6.nd.ra.reachable_time", "Reachable time (ms)", FieldType::U32)
        .desc("Milliseconds a neighbour counts as reachable after a confirmation (0: unspecified).");
pub static RA_RETRANS: FieldDef =
    FieldDef::new("icmpv6.nd.ra.retrans_timer", "Retrans timer (ms)", FieldType::U32)
        .desc("Milliseconds between repeated neighbour solicitations (0: unspecified).");
pub static RD_TARGET: FieldDef =
    FieldDef::new("icmpv6.nd.rd.target_address", "Target Address", FieldType::Ipv6)
        .desc("A better first hop for the destination, in a redirect (RFC 4861 section 4.5).");
pub static RD_DEST: FieldDef =
    FieldDef::new("icmpv6.rd.na.destination_address", "Destination Address", FieldType::Ipv6)
        .desc("The destination being redirected to the target.");
pub static OPT: FieldDef = FieldDef::new("icmpv6.opt", "ICMPv6 Option", FieldType::None)
    .desc("A neighbour discovery option: type, length in 8-byte units, data.");
pub static OPT_TYPE: FieldDef =
    FieldDef::new("icmpv6.opt.type", "Type", FieldType::U8).strings(OPTION_TYPES)
        .desc("Option type: source or target link-layer address, prefix information, MTU, DNS servers.");
pub static OPT_LENGTH: FieldDef = FieldDef::new("icmpv6.opt.length", "Length", FieldType::U8)
    .desc("Option length in units of 8 bytes, type and length included.");
pub static OPT_LINKADDR: FieldDef =
    FieldDef::new("icmpv6.opt.linkaddr", "Link-layer address", FieldType::Ether)
        .desc("A link-layer address carried in an option.");
pub static OPT_SRC_LINKADDR: FieldDef =
    FieldDef::new("icmpv6.opt.src_linkaddr", "Source Link-layer address", FieldType::Ether)
        .desc("The sender's link-layer (MAC) address.");
pub static OPT_TARGET_LINKADDR: FieldDef =
    FieldDef::new("icmpv6.opt.target_linkaddr", "Target Link-layer address", FieldType::Ether)
        .desc("The target's link-layer (MAC) address.");
pub static OPT_RESERVED: FieldDef = FieldDef::new("icmpv6.opt.reserved", "Reserved", FieldType::None)
    .desc("Reserved bytes of the option, zero.");
pub static OPT_MTU: FieldDef = FieldDef::new("icmpv6.opt.mtu", "MTU", FieldType::U32)
    .desc("MTU the router recommends for the link.");
pub static OPT_PREFIX_LEN: FieldDef =
    FieldDef::new("icmpv6.opt.prefix.length", "Prefix Length", FieldType::U8)
        .desc("Number of leading bits of the prefix that are significant.");
pub static OPT_PREFIX_FLAG: FieldDef =
    FieldDef::new("icmpv6.opt.prefix.flag", "Flag", FieldType::U8).base(Base::Hex)
        .desc("Flags of a prefix information option.");
pub static OPT_PREFIX_FLAG_L: FieldDef =
    FieldDef::new("icmpv6.opt.prefix.flag.l", "On-link flag(L)", FieldType::Bool)
        .bit(8, 0x80)
        .strings(SET_NOTSET).desc("On-link: addresses with this prefix are reachable directly on the link.");
pub static OPT_PREFIX_FLAG_A: FieldDef = FieldDef::new(
    "icmpv6.opt.prefix.flag.a",
    "Autonomous address-configuration flag(A)",
    FieldType::Bool,
)
.bit(8, 0x40)
.strings(SET_NOTSET).desc("Autonomous: hosts may form their own addresses from this prefix (SLAAC, RFC 4862).");
pub static OPT_PREFIX_FLAG_R: FieldDef =
    FieldDef::new("icmpv6.opt.prefix.flag.r", "Router address flag(R)", FieldType::Bool)
        .bit(8, 0x20)
        .strings(SET_NOTSET).desc("Router address: the prefix field holds the router's full address.");
pub static OPT_PREFIX_FLAG_RSV: FieldDef =
    FieldDef::new("icmpv6.opt.prefix.flag.reserved", "Reserved", FieldType::U8).mask(0x1f)
        .desc("Reserved flag bits, zero.");
pub static OPT_PREFIX_VALID: FieldDef =
    FieldDef::new("icmpv6.opt.prefix.valid_lifetime", "Valid Lifetime", FieldType::U32)
        .desc("Seconds the prefix stays valid for on-link determination.");
pub static OPT_PREFIX_PREFERRED: FieldDef =
    FieldDef::new("icmpv6.opt.prefix.preferred_lifetime", "Preferred Lifetime", FieldType::U32)
        .desc("Seconds addresses made from the prefix stay preferred.");
pub static OPT_PREFIX: FieldDef = FieldDef::new("icmpv6.opt.prefix", "Prefix", FieldType::Ipv6)
    .desc("The advertised IPv6 prefix.");
pub static OPT_ADV_INTERVAL: FieldDef = FieldDef::new(
    "icmpv6.opt.advertisement_interval",
    "Advertisement Interval",
    FieldType::U32,
).desc("Longest time in milliseconds between the router's unsolicited advertisements.");
pub static OPT_HA_PREF: FieldDef =
    FieldDef::new("icmpv6.opt.home_agent_preference", "Home Agent Preference", FieldType::U16)
        .desc("Preference of the home agent sending the advertisement.");
pub static OPT_HA_LIFETIME: FieldDef =
    FieldDef::new("icmpv6.opt.home_agent_lifetime", "Home Agent Preference", FieldType::U16)
        .desc("Seconds the router serves as a home agent.");
pub static OPT_DNSSL_LIFETIME: FieldDef =
    FieldDef::new("icmpv6.opt.dnssl.lifetime", "Lifetime", FieldType::U32)
        .desc("Seconds the DNS search list may be used (RFC 8106).");
pub static OPT_DNSSL: FieldDef = FieldDef::new("icmpv6.opt.dnssl", "Domain Names", FieldType::String)
    .desc("A domain name of the DNS search list.");
pub static OPT_PADDING: FieldDef = FieldDef::new("icmpv6.opt.padding", "Padding", FieldType::None)
    .desc("Padding bytes, zero.");
pub static OPT_RDNSS_LIFETIME: FieldDef =
    FieldDef::new("icmpv6.opt.rdnss.lifetime", "Lifetime", FieldType::U32)
        .desc("Seconds the recursive DNS servers may be used (RFC 8106).");
pub static OPT_RDNSS: FieldDef =
    FieldDef::new("icmpv6.opt.rdnss", "Recursive DNS Servers", FieldType::Ipv6)
        .desc("Address of a recursive DNS server.");

pub static FIELDS: &[Field] = &[
    &ICMPV6, &TYPE, &CODE, &CHECKSUM, &CHECKSUM_STATUS, &RESERVED, &MTU, &POINTER, &ECHO_ID,
    &ECHO_SEQ, &RESP_IN, &RESP_TO, &RESPTIME, &NO_RESP, &RESP_NOT_FOUND, &MLD_DELAY, &MLD_CODE, &MLDR_RECORDS, &RR_SEQ, &RR_SEGMENT, &RR_FLAG,
    &RR_MAXDELAY, &MLD_ADDR, &NS_TARGET, &NA_FLAG,
    &NA_FLAG_R, &NA_FLAG_S, &NA_FLAG_O, &NA_FLAG_RSV, &NA_TARGET, &RA_HOPLIMIT, &RA_FLAG,
    &RA_FLAG_M, &RA_FLAG_O, &RA_FLAG_H, &RA_FLAG_PRF, &RA_FLAG_P, &RA_FLAG_RSV, &RA_LIFETIME,
    &RA_REACHABLE, &RA_RETRANS, &RD_TARGET, &RD_DEST, &OPT, &OPT_TYPE, &OPT_LENGTH,
    &OPT_LINKADDR, &OPT_SRC_LINKADDR, &OPT_TARGET_LINKADDR, &OPT_RESERVED, &OPT_MTU,
    &OPT_PREFIX_LEN, &OPT_PREFIX_FLAG, &OPT_PREFIX_FLAG_L, &OPT_PREFIX_FLAG_A,
    &OPT_PREFIX_FLAG_R, &OPT_PREFIX_FLAG_RSV, &OPT_PREFIX_VALID, &OPT_PREFIX_PREFERRED,
    &OPT_PREFIX, &OPT_RDNSS_LIFETIME, &OPT_RDNSS, &OPT_ADV_INTERVAL, &OPT_HA_PREF, &OPT_HA_LIFETIME,
    &OPT_DNSSL_LIFETIME, &OPT_DNSSL, &OPT_PADDING,
];

static TYPES: &[(u64, &str)] = &[
    (1, "Destination Unreachable"),
    (2, "Packet Too Big"),
    (3, "Time Exceeded"),
    (4, "Parameter Problem"),
    (100, "Private experimentation"),
    (101, "Private experimentation"),
    (128, "Echo (ping) request"),
    (129, "Echo (ping) reply"),
    (130, "Multicast Listener Query"),
    (131, "Multicast Listener Report"),
    (132, "Multicast Listener Done"),
    (133, "Router Solicitation"),
    (134, "Router Advertisement"),
    (135, "Neighbor Solicitation"),
    (136, "Neighbor Advertisement"),
    (137, "Redirect"),
    (138, "Router Renumbering"),
    (139, "Node Information Query"),
    (140, "Node Information Reply"),
    (141, "Inverse Neighbor Discovery Solicitation"),
    (142, "Inverse Neighbor Discovery Advertisement"),
    (143, "Multicast Listener Report Message v2"),
    (144, "Home Agent Address Discovery Request"),
    (145, "Home Agent Address Discovery Reply"),
    (146, "Mobile Prefix Solicitation"),
    (147, "Mobile Prefix Advertisement"),
    (148, "Certification Path Solicitation"),
    (149, "Certification Path Advertisement"),
    (150, "Experimental Mobility"),
    (151, "Multicast Router Advertisement"),
    (152, "Multicast Router Solicitation"),
    (153, "Multicast Router Termination"),
    (154, "FMIPv6"),
    (155, "RPL Control"),
    (156, "Locator Update"),
    (157, "Duplicate Address Request"),
    (158, "Duplicate Address Confirmation"),
    (159, "MPL Control Message"),
    (160, "Extended Echo request"),
    (161, "Extended Echo reply"),
    (200, "Private experimentation"),
    (201, "Private experimentation"),
    (255, "Reserved for expansion of ICMPv6 informational messages"),
    (127, "Reserved for expansion of ICMPv6 error messages"),
];

static OPTION_TYPES: &[(u64, &str)] = &[
    (1, "Source link-layer address"),
    (2, "Target link-layer address"),
    (3, "Prefix information"),
    (4, "Redirected header"),
    (5, "MTU"),
    (6, "NBMA Shortcut Limit Option"),
    (7, "Advertisement Interval"),
    (8, "Home Agent Information"),
    (14, "Nonce"),
    (24, "Route Information"),
    (25, "Recursive DNS Server"),
    (31, "DNS Search List Option"),
    (37, "DHCP Captive-Portal"),
    (38, "PREF64 Option"),
    (9, "Source Address List"),
    (10, "Target Address List"),
    (11, "CGA"),
    (12, "RSA Signature"),
    (13, "Timestamp"),
    (15, "Trust Anchor"),
    (16, "Certificate"),
    (17, "IP Address/Prefix Option"),
    (18, "New Router Prefix Information"),
    (19, "Link-layer Address"),
    (20, "Neighbor Advertisement Acknowledgment"),
    (23, "MAP"),
    (26, "RA Flags Extension"),
    (27, "Handover Key Request"),
    (28, "Handover Key Reply"),
    (29, "Handover Assist Information"),
    (30, "Mobile Node Identifier Option"),
    (32, "Proxy Signature (PS)"),
    (33, "Address Registration Option"),
    (34, "6LoWPAN Context Option"),
    (35, "Authoritative Border Router"),
    (36, "6LoWPAN Capability Indication Option"),
    (138, "CARD Request"),
    (139, "CARD Reply"),
    (253, "RFC3692-style Experiment 1"),
    (254, "RFC3692-style Experiment 2"),
];

static PREFERENCES: &[(u64, &str)] = &[(0, "Medium"), (1, "High"), (2, "Reserved"), (3, "Low")];

fn code_name(ty: u8, code: u8) -> Option<&'static str> {
    let table: &[&str] = match ty {
        1 => &[
            "no route to destination",
            "communication with destination administratively prohibited",
            "beyond scope of source address",
            "address unreachable",
            "port unreachable",
            "source address failed ingress/egress policy",
            "reject route to destination",
            "Error in Source Routing Header",
        ],
        3 => &["hop limit exceeded in transit", "fragment reassembly time exceeded"],
        4 => &[
            "erroneous header field encountered",
            "unrecognized Next Header type encountered",
            "unrecognized IPv6 option encountered",
        ],
        138 => {
            return match code {
                0 => Some("Command"),
                1 => Some("Result"),
                255 => Some("Sequence number reset"),
                _ => None,
            }
        }
        _ => &[],
    };
    table.get(code as usize).copied()
}

pub fn dissect(cx: &mut Ctx, b: Buf) -> DResult<()> {
    cx.enter("icmpv6", "ICMPv6");
    let root = cx.tree().open(&ICMPV6, b.range(0, b.len()), Value::None);
    cx.tree().set_text(root, "Internet Control Message Protocol v6");
    let ty = b.u8(0)?;
    let code = b.u8(1)?;
    let type_str = match TYPE.value_string(ty as u64) {
        Some(s) => s.to_string(),
        None => format!("Unknown ({ty})"),
    };
    let code_str = code_name(ty, code);
    let info = cx.out.cols.info();
    info.push_str(&type_str);
    if let Some(c) = code_str {
        let _ = write!(info, " ({c})");
    }
    let t = cx.tree();
    let id = t.add(&TYPE, b.range(0, 1), Value::UInt(ty as u64));
    t.set_text(id, format_args!("Type: {type_str} ({ty})"));
    let c = t.add(&CODE, b.range(1, 1), Value::UInt(code as u64));
    if let Some(s) = code_str {
        t.set_text(c, format_args!("Code: {code} ({s})"));
    }
    let pseudo = match cx.net {
        Some((IpAddr::V6(s), IpAddr::V6(d))) if b.len() == b.reported_len() => {
            let mut p = Vec::with_capacity(40);
            p.extend_from_slice(&s.octets());
            p.extend_from_slice(&d.octets());
            p.extend_from_slice(&(b.len() as u32).to_be_bytes());
            p.extend_from_slice(&[0, 0, 0, 58]);
            Some(p)
        }
        _ => None,
    };
    let all = b.tail(0);
    let covered: Option<[&[u8]; 2]> = pseudo.as_deref().map(|p| [p, all]);
    checksum_items(cx, b, &CHECKSUM, &CHECKSUM_STATUS, covered.as_ref().map(|c| &c[..]))?;
    let done = match ty {
        1..=4 => error(cx, b, ty)?,
        128 | 129 => echo(cx, b, ty == 128)?,
        130..=132 => mld(cx, b, ty)?,
        143 => mld_report(cx, b)?,
        138 => renumbering(cx, b)?,
        133 => {
            reserved(cx, b, 4)?;
            options(cx, b, 8)?
        }
        134 => router_advertisement(cx, b)?,
        135 => {
            reserved(cx, b, 4)?;
            let target = address(cx, b, 8, &NS_TARGET)?;
            let _ = write!(cx.out.cols.info, " for {target}");
            options(cx, b, 24)?
        }
        136 => neighbor_advertisement(cx, b)?,
        137 => {
            reserved(cx, b, 4)?;
            address(cx, b, 8, &RD_TARGET)?;
            address(cx, b, 24, &RD_DEST)?;
            options(cx, b, 40)?
        }
        _ => 4,
    };
    // What follows the message (an echo's data) belongs to ICMPv6's tree.
    let rest = b.from(done)?;
    dispatch::data(cx, rest);
    cx.tree().close();
    Ok(())
}

fn reserved(cx: &mut Ctx, b: Buf, len: usize) -> DResult<()> {
    b.bytes(4, len)?;
    cx.tree().add(&RESERVED, b.range(4, len), Value::None);
    Ok(())
}

fn address(cx: &mut Ctx, b: Buf, off: usize, f: Field) -> DResult<Ipv6Addr> {
    let a = Ipv6Addr::from(b.array::<16>(off)?);
    cx.tree().add(f, b.range(off, 16), Value::Ipv6(a));
    Ok(a)
}

/// Errors: a type-specific word, then the quoted packet, which does not
/// change the columns. Returns where the undissected rest starts.
fn error(cx: &mut Ctx, b: Buf, ty: u8) -> DResult<usize> {
    match ty {
        2 => {
            cx.uint(&MTU, &b, 4)?;
        }
        4 => {
            cx.uint(&POINTER, &b, 4)?;
        }
        _ => reserved(cx, b, 4)?,
    }
    let inner = b.from(8)?;
    if !inner.is_empty() {
        quoted(cx, inner, ipv6::dissect);
    }
    Ok(b.len().max(8))
}

fn echo(cx: &mut Ctx, b: Buf, request: bool) -> DResult<usize> {
    let id = cx.uint(&ECHO_ID, &b, 4)? as u16;
    let seq = cx.uint(&ECHO_SEQ, &b, 6)? as u16;
    let _ = write!(cx.out.cols.info, " id=0x{id:04x}, seq={seq}");
    if let Some(h) = cx.hop_limit {
        let _ = write!(cx.out.cols.info, ", hop limit={h}");
    }
    let f = EchoFields {
        resp_in: &RESP_IN,
        resp_to: &RESP_TO,
        resptime: &RESPTIME,
        no_resp: &NO_RESP,
        not_found: &RESP_NOT_FOUND,
    };
    echo_match(cx, b, request, id, seq, &f);
    Ok(8)
}

/// MLD query, report and done. A query longer than 24 bytes is MLDv2's,
/// whose delay field is a code. The MLDv2 query's tail (flags, sources) is
/// left undecoded.
fn mld(cx: &mut Ctx, b: Buf, ty: u8) -> DResult<usize> {
    let f = if ty == 130 && b.reported_len() >= 28 { &MLD_CODE } else { &MLD_DELAY };
    cx.uint(f, &b, 4)?;
    cx.bytes_item(&RESERVED, &b, 6, 2)?;
    address(cx, b, 8, &MLD_ADDR)?;
    Ok(b.reported_len())
}

/// MLDv2 report: the record count; the records are left undecoded.
fn mld_report(cx: &mut Ctx, b: Buf) -> DResult<usize> {
    cx.bytes_item(&RESERVED, &b, 4, 2)?;
    cx.uint(&MLDR_RECORDS, &b, 6)?;
    Ok(b.reported_len())
}

/// Router renumbering (RFC 2894): the fixed header; the prefix control
/// operations after it are left undecoded.
fn renumbering(cx: &mut Ctx, b: Buf) -> DResult<usize> {
    for (f, off) in [(&RR_SEQ, 4), (&RR_SEGMENT, 8), (&RR_FLAG, 9), (&RR_MAXDELAY, 10)] {
        cx.uint(f, &b, off)?;
    }
    cx.bytes_item(&RESERVED, &b, 12, 4)?;
    Ok(b.reported_len())
}

fn router_advertisement(cx: &mut Ctx, b: Buf) -> DResult<usize> {
    cx.uint(&RA_HOPLIMIT, &b, 4)?;
    let fl = b.u8(5)?;
    let prf = (fl >> 3) & 3;
    let t = cx.tree();
    let f = t.open(&RA_FLAG, b.range(5, 1), Value::UInt(fl as u64));
    let mut label = format!("Flags: 0x{fl:02x}");
    for (bit, name) in [(0x80, "Managed"), (0x40, "Other"), (0x20, "Home Agent")] {
        if fl & bit != 0 {
            let _ = write!(label, ", {name}");
        }
    }
    let _ = write!(label, ", Prf (Default Router Preference): {}", RA_FLAG_PRF.value_string(prf as u64).unwrap_or(""));
    if fl & 0x04 != 0 {
        label.push_str(", Proxy");
    }
    t.set_text(f, label);
    for f in [&RA_FLAG_M, &RA_FLAG_O, &RA_FLAG_H, &RA_FLAG_PRF, &RA_FLAG_P, &RA_FLAG_RSV] {
        cx.masked(f, &b, 5)?;
    }
    cx.tree().close();
    for (f, off) in [(&RA_LIFETIME, 6), (&RA_REACHABLE, 8), (&RA_RETRANS, 12)] {
        cx.uint(f, &b, off)?;
    }
    options(cx, b, 16)
}

fn neighbor_advertisement(cx: &mut Ctx, b: Buf) -> DResult<usize> {
    let fl = b.u32(4)?;
    let t = cx.tree();
    let f = t.open(&NA_FLAG, b.range(4, 4), Value::UInt(fl as u64));
    let names: Vec<&str> = [(0x8000_0000u32, "Router", "rtr"), (0x4000_0000, "Solicited", "sol"), (0x2000_0000, "Override", "ovr")]
        .iter()
        .filter(|(bit, _, _)| fl & bit != 0)
        .map(|(_, long, _)| *long)
        .collect();
    let short: Vec<&str> = [(0x8000_0000u32, "rtr"), (0x4000_0000, "sol"), (0x2000_0000, "ovr")]
        .iter()
        .filter(|(bit, _)| fl & bit != 0)
        .map(|(_, s)| *s)
        .collect();
    let mut label = format!("Flags: 0x{fl:08x}");
    for n in &names {
        let _ = write!(label, ", {n}");
    }
    t.set_text(f, label);
    for f in [&NA_FLAG_R, &NA_FLAG_S, &NA_FLAG_O, &NA_FLAG_RSV] {
        cx.masked(f, &b, 4)?;
    }
    cx.tree().close();
    let target = address(cx, b, 8, &NA_TARGET)?;
    let _ = write!(cx.out.cols.info, " {target}");
    if !short.is_empty() {
        let _ = write!(cx.out.cols.info, " ({})", short.join(", "));
    }
    options(cx, b, 24)
}

/// Neighbour discovery options from `off` to the end of the message.
fn options(cx: &mut Ctx, b: Buf, mut off: usize) -> DResult<usize> {
    while off < b.reported_len() {
        let ty = b.u8(off)?;
        let units = b.u8(off + 1)? as usize;
        if units == 0 {
            // A zero length would loop forever; Wireshark stops here too.
            return Err(DissectError::Malformed);
        }
        let len = units * 8;
        b.bytes(off, len)?;
        let name = OPT_TYPE.value_string(ty as u64).unwrap_or("Unknown");
        let o = cx.tree().open(&OPT, b.range(off, len), Value::None);
        cx.uint(&OPT_TYPE, &b, off)?;
        let (l, _) = cx.uint_item(&OPT_LENGTH, &b, off + 1)?;
        cx.tree().set_text(l, format_args!("Length: {units} ({len} bytes)"));
        let mut summary = String::new();
        let v = off + 2;
        match ty {
            1 | 2 if len == 8 => {
                let a = cx.ether(&OPT_LINKADDR, &b, v)?;
                let mac = crate::dissect::link::eth::mac(a);
                let which = if ty == 1 { &OPT_SRC_LINKADDR } else { &OPT_TARGET_LINKADDR };
                cx.tree().hidden(which, b.range(v, 6), Value::Ether(a));
                let _ = write!(cx.out.cols.info, " {} {mac}", if ty == 1 { "from" } else { "is at" });
                summary = format!(" : {mac}");
            }
            3 if len == 32 => {
                let plen = cx.uint(&OPT_PREFIX_LEN, &b, v)?;
                let fl = b.u8(v + 1)?;
                let t = cx.tree();
                let f = t.open(&OPT_PREFIX_FLAG, b.range(v + 1, 1), Value::UInt(fl as u64));
                let mut label = format!("Flag: 0x{fl:02x}");
                for (bit, n) in [(0x80, "On-link flag(L)"), (0x40, "Autonomous address-configuration flag(A)"), (0x20, "Router address flag(R)")] {
                    if fl & bit != 0 {
                        let _ = write!(label, ", {n}");
                    }
                }
                t.set_text(f, label);
                for f in [&OPT_PREFIX_FLAG_L, &OPT_PREFIX_FLAG_A, &OPT_PREFIX_FLAG_R, &OPT_PREFIX_FLAG_RSV] {
                    cx.masked(f, &b, v + 1)?;
                }
                cx.tree().close();
                cx.uint(&OPT_PREFIX_VALID, &b, v + 2)?;
                cx.uint(&OPT_PREFIX_PREFERRED, &b, v + 6)?;
                cx.bytes_item(&OPT_RESERVED, &b, v + 10, 4)?;
                let prefix = cx.ipv6(&OPT_PREFIX, &b, v + 14)?;
                summary = format!(" : {prefix}/{plen}");
            }
            5 if len == 8 => {
                cx.bytes_item(&OPT_RESERVED, &b, v, 2)?;
                let mtu = cx.uint(&OPT_MTU, &b, v + 2)?;
                summary = format!(" : {mtu}");
            }
            25 if len >= 24 => {
                cx.bytes_item(&OPT_RESERVED, &b, v, 2)?;
                cx.uint(&OPT_RDNSS_LIFETIME, &b, v + 2)?;
                let mut a = v + 6;
                let mut servers = Vec::new();
                while a + 16 <= off + len {
                    let s = cx.ipv6(&OPT_RDNSS, &b, a)?;
                    servers.push(s.to_string());
                    a += 16;
                }
                summary = format!(" {}", servers.join(" "));
            }
            7 if len == 8 => {
                cx.bytes_item(&OPT_RESERVED, &b, v, 2)?;
                let v32 = cx.uint(&OPT_ADV_INTERVAL, &b, v + 2)?;
                summary = format!(" : {v32}");
            }
            8 if len == 8 => {
                cx.bytes_item(&OPT_RESERVED, &b, v, 2)?;
                cx.uint(&OPT_HA_PREF, &b, v + 2)?;
                cx.uint(&OPT_HA_LIFETIME, &b, v + 4)?;
            }
            31 if len >= 8 => {
                cx.bytes_item(&OPT_RESERVED, &b, v, 2)?;
                cx.uint(&OPT_DNSSL_LIFETIME, &b, v + 2)?;
                let names = domain_names(cx, b, v + 6, off + len)?;
                summary = format!(" {}", names.join(" "));
            }
            _ => {}
        }
        cx.tree().set_text(o, format_args!("ICMPv6 Option ({name}{summary})"));
        cx.tree().close();
        off += len;
    }
    Ok(off)
}

/// The DNS-encoded names of a DNS Search List option, then its padding.
fn domain_names(cx: &mut Ctx, b: Buf, mut at: usize, end: usize) -> DResult<Vec<String>> {
    let mut names = Vec::new();
    while at < end && b.u8(at)? != 0 {
        let start = at;
        let mut name = String::new();
        loop {
            let n = b.u8(at)? as usize;
            at += 1;
            if n == 0 {
                break;
            }
            if at + n > end {
                return Err(DissectError::Malformed);
            }
            if !name.is_empty() {
                name.push('.');
            }
            name.push_str(&String::from_utf8_lossy(b.bytes(at, n)?));
            at += n;
        }
        cx.tree().add(&OPT_DNSSL, b.range(start, at - start), Value::str(name.as_str()));
        names.push(name);
    }
    if at < end {
        cx.tree().add(&OPT_PADDING, b.range(at, end - at), Value::None);
    }
    Ok(names)
}

#[cfg(test)]
mod tests {
    use crate::dissect::net::icmp::inet_checksum;
    use crate::dissect::testutil::{field, run, run_cut};

    const SRC: [u8; 16] = [0xfe, 0x80, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1];
    const DST: [u8; 16] = [0xff, 0x02, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1];

    /// An IPv6 packet around an ICMPv6 message, with a correct checksum.
    fn packet(msg: &[u8]) -> Vec<u8> {
        let mut m = msg.to_vec();
        let mut pseudo = SRC.to_vec();
        pseudo.extend_from_slice(&DST);
        pseudo.extend_from_slice(&(m.len() as u32).to_be_bytes());
        pseudo.extend_from_slice(&[0, 0, 0, 58]);
        m[2] = 0;
        m[3] = 0;
        let ck = inet_checksum(&[&pseudo, &m]);
        m[2..4].copy_from_slice(&ck.to_be_bytes());
        let mut f = vec![0x60, 0, 0, 0];
        f.extend_from_slice(&(m.len() as u16).to_be_bytes());
        f.extend_from_slice(&[58, 255]);
        f.extend_from_slice(&SRC);
        f.extend_from_slice(&DST);
        f.extend_from_slice(&m);
        f
    }

    #[test]
    fn echo_request() {
        let f = packet(&[128, 0, 0, 0, 0, 9, 0, 1, b'x', b'y']);
        let d = run(229, &f);
        assert_eq!(d.cols.info, "Echo (ping) request id=0x0009, seq=1, hop limit=255");
        assert_eq!(d.protocols, "ipv6:icmpv6:data");
        assert_eq!(field(&d, &f, "icmpv6.echo.identifier"), "0x0009");
        assert_eq!(field(&d, &f, "icmpv6.checksum.status"), "1");
    }

    #[test]
    fn neighbour_discovery_with_options() {
        let mut ns = vec![135, 0, 0, 0, 0, 0, 0, 0];
        ns.extend_from_slice(&SRC);
        ns.extend_from_slice(&[1, 1, 0xc2, 0, 0x54, 0xf5, 0, 0]);
        let f = packet(&ns);
        let d = run(229, &f);
        assert_eq!(d.cols.info, "Neighbor Solicitation for fe80::1 from c2:00:54:f5:00:00");
        assert_eq!(field(&d, &f, "icmpv6.nd.ns.target_address"), "fe80::1");
        assert_eq!(field(&d, &f, "icmpv6.opt.linkaddr"), "c2:00:54:f5:00:00");
        let mut na = vec![136, 0, 0, 0, 0xa0, 0, 0, 0];
        na.extend_from_slice(&SRC);
        na.extend_from_slice(&[2, 1, 0xc2, 0, 0x54, 0xf5, 0, 0]);
        let f = packet(&na);
        let d = run(229, &f);
        assert_eq!(d.cols.info, "Neighbor Advertisement fe80::1 (rtr, ovr) is at c2:00:54:f5:00:00");
        assert_eq!(field(&d, &f, "icmpv6.nd.na.flag"), "0xa0000000");
        let mut ra = vec![134, 0, 0, 0, 64, 0, 7, 8, 0, 0, 0, 0, 0, 0, 0, 0];
        ra.extend_from_slice(&[5, 1, 0, 0, 0, 0, 5, 220]);
        ra.extend_from_slice(&[3, 4, 64, 0xc0, 0, 0, 0, 1, 0, 0, 0, 2, 0, 0, 0, 0]);
        ra.extend_from_slice(&[0x20, 1, 0xd, 0xb8, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0]);
        let f = packet(&ra);
        let d = run(229, &f);
        assert_eq!(d.cols.info, "Router Advertisement");
        assert_eq!(field(&d, &f, "icmpv6.opt.mtu"), "1500");
        assert_eq!(field(&d, &f, "icmpv6.opt.prefix"), "2001:db8:0:1::");
        assert_eq!(field(&d, &f, "icmpv6.opt.type"), "5,3");
    }

    #[test]
    fn zero_length_option_and_truncation() {
        let mut rs = vec![133, 0, 0, 0, 0, 0, 0, 0];
        rs.extend_from_slice(&[1, 0, 0, 0, 0, 0, 0, 0]);
        let f = packet(&rs);
        assert!(run(229, &f).malformed);
        let f = packet(&[128, 0, 0, 0, 0, 9, 0, 1]);
        let d = run_cut(229, &f[..44], f.len());
        assert!(d.truncated);
        assert_eq!(field(&d, &f[..44], "icmpv6.checksum.status"), "2");
    }

    #[test]
    fn unreachable_quotes_packet() {
        let inner = packet(&[128, 0, 0, 0, 0, 1, 0, 1]);
        let mut m = vec![1, 4, 0, 0, 0, 0, 0, 0];
        m.extend_from_slice(&inner);
        let f = packet(&m);
        let d = run(229, &f);
        assert_eq!(d.cols.info, "Destination Unreachable (port unreachable)");
        assert_eq!(d.protocols, "ipv6:icmpv6:ipv6:icmpv6");
        assert_eq!(d.cols.src, "fe80::1");
    }
}
