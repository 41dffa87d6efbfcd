//! PPP's control protocols (RFC 1661 section 5): LCP, which sets up the
//! link, and the network control protocols IPCP (RFC 1332) and IPv6CP
//! (RFC 5072). All share one packet layout — code, identifier, length, then
//! configuration options or code-specific data — and Wireshark files the
//! header under `ppp.*` and the options under each protocol's own names.

use crate::field::tree::NodeId;
use crate::field::{Base, Field, FieldDef, FieldType, Value, TRUE_FALSE};

use super::{payload_of, PROTOCOLS};
use crate::dissect::{expert, Buf, Ctx, DResult};
use crate::field::plural;

pub static LCP: FieldDef = FieldDef::new("lcp", "PPP Link Control Protocol", FieldType::Protocol)
    .desc("LCP (RFC 1661): opens, configures, tests and closes a PPP link");
pub static IPCP: FieldDef = FieldDef::new("ipcp", "PPP IP Control Protocol", FieldType::Protocol)
    .desc("IPCP (RFC 1332): negotiates IPv4 over PPP, such as the addresses of each end");
pub static IPV6CP: FieldDef = FieldDef::new("ipv6cp", "PPP IPv6 Control Protocol", FieldType::Protocol)
    .desc("IPv6CP (RFC 5072): negotiates IPv6 over PPP, such as each end's interface identifier");
pub static CODE: FieldDef = FieldDef::new("ppp.code", "Code", FieldType::U8)
    .desc("The control packet's kind (RFC 1661 section 5): a configure, terminate, reject or echo message");
pub static IDENTIFIER: FieldDef = FieldDef::new("ppp.identifier", "Identifier", FieldType::U8)
    .base(Base::DecHex)
    .desc("Matches a reply to its request (RFC 1661 section 5)");
pub static LENGTH: FieldDef = FieldDef::new("ppp.length", "Length", FieldType::U16)
    .desc("Bytes of the control packet, its header included");
pub static OUI: FieldDef = FieldDef::new("ppp.oui", "OUI", FieldType::U24)
    .base(Base::Hex)
    .desc("The organisation that defines a vendor-specific packet (RFC 2153)");
pub static KIND: FieldDef = FieldDef::new("ppp.kind", "Kind", FieldType::U8)
    .base(Base::DecHex)
    .desc("The vendor's own packet kind (RFC 2153)");
pub static OPT_LEN_INVALID: FieldDef = FieldDef::new("ppp.opt.len.invalid", "Invalid length for option", FieldType::None)
    .desc("An option's length byte disagrees with the option's definition or the bytes left");

pub static LCP_MAGIC: FieldDef = FieldDef::new("lcp.magic_number", "Magic Number", FieldType::U32)
    .base(Base::Hex)
    .desc("The sender's magic number (RFC 1661 section 6.4), which detects looped-back links");
pub static LCP_DATA: FieldDef = FieldDef::new("lcp.data", "Data", FieldType::Bytes)
    .desc("Data of an LCP packet the receiver ignores or echoes");
pub static LCP_MESSAGE: FieldDef = FieldDef::new("lcp.message", "Message", FieldType::String)
    .desc("The text of an Identification packet (RFC 1570)");
pub static LCP_SECS: FieldDef = FieldDef::new("lcp.secs_remaining", "Seconds Remaining", FieldType::U32)
    .desc("Seconds left in the session, from a Time-Remaining packet (RFC 1570)");
pub static LCP_REJ_PROTO: FieldDef = FieldDef::new("lcp.rej_proto", "Rejected Protocol", FieldType::U16)
    .base(Base::Hex)
    .strings(PROTOCOLS)
    .desc("The PPP protocol a Protocol-Reject refuses (RFC 1661 section 5.7)");

pub static LCP_OPT_TYPE: FieldDef = FieldDef::new("lcp.opt.type", "Type", FieldType::U8)
    .strings(LCP_OPTIONS)
    .desc("Which LCP configuration option this is (RFC 1661 section 6)");
pub static LCP_OPT_LENGTH: FieldDef = FieldDef::new("lcp.opt.length", "Length", FieldType::U8)
    .desc("Bytes of the option, its type and length included");
pub static LCP_OPT_DATA: FieldDef = FieldDef::new("lcp.opt.data", "Data", FieldType::Bytes)
    .desc("The value of an LCP option shown as bytes");
pub static LCP_OPT_MRU: FieldDef = FieldDef::new("lcp.opt.mru", "Maximum Receive Unit", FieldType::U16)
    .desc("The largest frame the sender will receive, in bytes (RFC 1661 section 6.1)");
pub static LCP_OPT_ASYNCMAP: FieldDef = FieldDef::new("lcp.opt.asyncmap", "Async Control Character Map", FieldType::U32)
    .base(Base::Hex)
    .desc("Control characters 0 to 31 the sender wants escaped on an asynchronous link (RFC 1662 section 7.1)");
pub static LCP_OPT_AUTH: FieldDef = FieldDef::new("lcp.opt.auth_protocol", "Authentication Protocol", FieldType::U16)
    .base(Base::Hex)
    .strings(PROTOCOLS)
    .desc("The protocol the sender wants its peer to authenticate with (RFC 1661 section 6.2)");
pub static LCP_OPT_ALGORITHM: FieldDef = FieldDef::new("lcp.opt.algorithm", "Algorithm", FieldType::U8)
    .strings(&[(5, "CHAP with MD5"), (6, "SHA1"), (128, "MS CHAP"), (129, "MS CHAP 2")])
    .desc("The CHAP hash the sender wants (RFC 1994 section 3)");
pub static LCP_OPT_QUALITY: FieldDef = FieldDef::new("lcp.opt.quality_protocol", "Quality Protocol", FieldType::U16)
    .base(Base::Hex)
    .strings(PROTOCOLS)
    .desc("The link-quality monitoring protocol the sender wants (RFC 1661 section 6.3)");
pub static LCP_OPT_MAGIC: FieldDef = FieldDef::new("lcp.opt.magic_number", "Magic Number", FieldType::U32)
    .base(Base::Hex)
    .desc("A random number that detects looped-back links (RFC 1661 section 6.4)");
pub static LCP_OPT_FCS: FieldDef = FieldDef::new("lcp.opt.fcs_alternatives", "FCS Alternatives", FieldType::U8)
    .base(Base::Hex)
    .desc("The frame check sequences the sender accepts (RFC 1570 section 2)");
pub static LCP_OPT_FCS_NULL: FieldDef = FieldDef::new("lcp.opt.fcs_alternatives.null", "NULL FCS", FieldType::Bool)
    .bit(8, 0x1)
    .strings(TRUE_FALSE)
    .desc("No frame check sequence");
pub static LCP_OPT_FCS_16: FieldDef = FieldDef::new("lcp.opt.fcs_alternatives.ccitt16", "CCITT 16-bit", FieldType::Bool)
    .bit(8, 0x2)
    .strings(TRUE_FALSE)
    .desc("The 16-bit CCITT frame check sequence");
pub static LCP_OPT_FCS_32: FieldDef = FieldDef::new("lcp.opt.fcs_alternatives.ccitt32", "CCITT 32-bit", FieldType::Bool)
    .bit(8, 0x4)
    .strings(TRUE_FALSE)
    .desc("The 32-bit CCITT frame check sequence");
/// The ACCM's bits, from bit 31 (US) down to bit 0 (NUL), as Wireshark lists them.
pub static LCP_OPT_ACCM_BITS: [FieldDef; 32] = [
    FieldDef::new("lcp.opt.asyncmap.us", "US", FieldType::Bool).bit(32, 0x80000000).strings(TRUE_FALSE)
        .desc("Whether control character US (0x1f) must be escaped"),
    FieldDef::new("lcp.opt.asyncmap.rs", "RS", FieldType::Bool).bit(32, 0x40000000).strings(TRUE_FALSE)
        .desc("Whether control character RS (0x1e) must be escaped"),
    FieldDef::new("lcp.opt.asyncmap.gs", "GS", FieldType::Bool).bit(32, 0x20000000).strings(TRUE_FALSE)
        .desc("Whether control character GS (0x1d) must be escaped"),
    FieldDef::new("lcp.opt.asyncmap.fs", "FS", FieldType::Bool).bit(32, 0x10000000).strings(TRUE_FALSE)
        .desc("Whether control character FS (0x1c) must be escaped"),
    FieldDef::new("lcp.opt.asyncmap.esc", "ESC", FieldType::Bool).bit(32, 0x8000000).strings(TRUE_FALSE)
        .desc("Whether control character ESC (0x1b) must be escaped"),
    FieldDef::new("lcp.opt.asyncmap.sub", "SUB", FieldType::Bool).bit(32, 0x4000000).strings(TRUE_FALSE)
        .desc("Whether control character SUB (0x1a) must be escaped"),
    FieldDef::new("lcp.opt.asyncmap.em", "EM", FieldType::Bool).bit(32, 0x2000000).strings(TRUE_FALSE)
        .desc("Whether control character EM (0x19) must be escaped"),
    FieldDef::new("lcp.opt.asyncmap.can", "CAN", FieldType::Bool).bit(32, 0x1000000).strings(TRUE_FALSE)
        .desc("Whether control character CAN (0x18) must be escaped"),
    FieldDef::new("lcp.opt.asyncmap.etb", "ETB", FieldType::Bool).bit(32, 0x800000).strings(TRUE_FALSE)
        .desc("Whether control character ETB (0x17) must be escaped"),
    FieldDef::new("lcp.opt.asyncmap.syn", "SYN", FieldType::Bool).bit(32, 0x400000).strings(TRUE_FALSE)
        .desc("Whether control character SYN (0x16) must be escaped"),
    FieldDef::new("lcp.opt.asyncmap.nak", "NAK", FieldType::Bool).bit(32, 0x200000).strings(TRUE_FALSE)
        .desc("Whether control character NAK (0x15) must be escaped"),
    FieldDef::new("lcp.opt.asyncmap.dc4", "DC4", FieldType::Bool).bit(32, 0x100000).strings(TRUE_FALSE)
        .desc("Whether control character DC4 (0x14) must be escaped"),
    FieldDef::new("lcp.opt.asyncmap.dc3", "DC3 (XOFF)", FieldType::Bool).bit(32, 0x80000).strings(TRUE_FALSE)
        .desc("Whether control character DC3 (XOFF) (0x13) must be escaped"),
    FieldDef::new("lcp.opt.asyncmap.dc2", "DC2", FieldType::Bool).bit(32, 0x40000).strings(TRUE_FALSE)
        .desc("Whether control character DC2 (0x12) must be escaped"),
    FieldDef::new("lcp.opt.asyncmap.dc1", "DC1 (XON)", FieldType::Bool).bit(32, 0x20000).strings(TRUE_FALSE)
        .desc("Whether control character DC1 (XON) (0x11) must be escaped"),
    FieldDef::new("lcp.opt.asyncmap.dle", "DLE", FieldType::Bool).bit(32, 0x10000).strings(TRUE_FALSE)
        .desc("Whether control character DLE (0x10) must be escaped"),
    FieldDef::new("lcp.opt.asyncmap.si", "SI", FieldType::Bool).bit(32, 0x8000).strings(TRUE_FALSE)
        .desc("Whether control character SI (0x0f) must be escaped"),
    FieldDef::new("lcp.opt.asyncmap.so", "SO", FieldType::Bool).bit(32, 0x4000).strings(TRUE_FALSE)
        .desc("Whether control character SO (0x0e) must be escaped"),
    FieldDef::new("lcp.opt.asyncmap.cr", "CR", FieldType::Bool).bit(32, 0x2000).strings(TRUE_FALSE)
        .desc("Whether control character CR (0x0d) must be escaped"),
    FieldDef::new("lcp.opt.asyncmap.ff", "FF", FieldType::Bool).bit(32, 0x1000).strings(TRUE_FALSE)
        .desc("Whether control character FF (0x0c) must be escaped"),
    FieldDef::new("lcp.opt.asyncmap.vt", "VT", FieldType::Bool).bit(32, 0x800).strings(TRUE_FALSE)
        .desc("Whether control character VT (0x0b) must be escaped"),
    FieldDef::new("lcp.opt.asyncmap.lf", "LF", FieldType::Bool).bit(32, 0x400).strings(TRUE_FALSE)
        .desc("Whether control character LF (0x0a) must be escaped"),
    FieldDef::new("lcp.opt.asyncmap.ht", "HT", FieldType::Bool).bit(32, 0x200).strings(TRUE_FALSE)
        .desc("Whether control character HT (0x09) must be escaped"),
    FieldDef::new("lcp.opt.asyncmap.bs", "BS", FieldType::Bool).bit(32, 0x100).strings(TRUE_FALSE)
        .desc("Whether control character BS (0x08) must be escaped"),
    FieldDef::new("lcp.opt.asyncmap.bel", "BEL", FieldType::Bool).bit(32, 0x80).strings(TRUE_FALSE)
        .desc("Whether control character BEL (0x07) must be escaped"),
    FieldDef::new("lcp.opt.asyncmap.ack", "ACK", FieldType::Bool).bit(32, 0x40).strings(TRUE_FALSE)
        .desc("Whether control character ACK (0x06) must be escaped"),
    FieldDef::new("lcp.opt.asyncmap.enq", "ENQ", FieldType::Bool).bit(32, 0x20).strings(TRUE_FALSE)
        .desc("Whether control character ENQ (0x05) must be escaped"),
    FieldDef::new("lcp.opt.asyncmap.eot", "EOT", FieldType::Bool).bit(32, 0x10).strings(TRUE_FALSE)
        .desc("Whether control character EOT (0x04) must be escaped"),
    FieldDef::new("lcp.opt.asyncmap.etx", "ETX", FieldType::Bool).bit(32, 0x8).strings(TRUE_FALSE)
        .desc("Whether control character ETX (0x03) must be escaped"),
    FieldDef::new("lcp.opt.asyncmap.stx", "STX", FieldType::Bool).bit(32, 0x4).strings(TRUE_FALSE)
        .desc("Whether control character STX (0x02) must be escaped"),
    FieldDef::new("lcp.opt.asyncmap.soh", "SOH", FieldType::Bool).bit(32, 0x2).strings(TRUE_FALSE)
        .desc("Whether control character SOH (0x01) must be escaped"),
    FieldDef::new("lcp.opt.asyncmap.nul", "NUL", FieldType::Bool).bit(32, 0x1).strings(TRUE_FALSE)
        .desc("Whether control character NUL (0x00) must be escaped"),
];

/// The ACCM bits for the registry.
pub static ACCM_FIELDS: [Field; 32] = [
    &LCP_OPT_ACCM_BITS[0],
    &LCP_OPT_ACCM_BITS[1],
    &LCP_OPT_ACCM_BITS[2],
    &LCP_OPT_ACCM_BITS[3],
    &LCP_OPT_ACCM_BITS[4],
    &LCP_OPT_ACCM_BITS[5],
    &LCP_OPT_ACCM_BITS[6],
    &LCP_OPT_ACCM_BITS[7],
    &LCP_OPT_ACCM_BITS[8],
    &LCP_OPT_ACCM_BITS[9],
    &LCP_OPT_ACCM_BITS[10],
    &LCP_OPT_ACCM_BITS[11],
    &LCP_OPT_ACCM_BITS[12],
    &LCP_OPT_ACCM_BITS[13],
    &LCP_OPT_ACCM_BITS[14],
    &LCP_OPT_ACCM_BITS[15],
    &LCP_OPT_ACCM_BITS[16],
    &LCP_OPT_ACCM_BITS[17],
    &LCP_OPT_ACCM_BITS[18],
    &LCP_OPT_ACCM_BITS[19],
    &LCP_OPT_ACCM_BITS[20],
    &LCP_OPT_ACCM_BITS[21],
    &LCP_OPT_ACCM_BITS[22],
    &LCP_OPT_ACCM_BITS[23],
    &LCP_OPT_ACCM_BITS[24],
    &LCP_OPT_ACCM_BITS[25],
    &LCP_OPT_ACCM_BITS[26],
    &LCP_OPT_ACCM_BITS[27],
    &LCP_OPT_ACCM_BITS[28],
    &LCP_OPT_ACCM_BITS[29],
    &LCP_OPT_ACCM_BITS[30],
    &LCP_OPT_ACCM_BITS[31],
];


pub static LCP_OPT_MRRU: FieldDef = FieldDef::new("lcp.opt.mrru", "MRRU", FieldType::U16)
    .desc("The largest reassembled multilink packet the sender will receive (RFC 1990 section 5.1.1)");

pub static IPCP_OPT_TYPE: FieldDef = FieldDef::new("ipcp.opt.type", "Type", FieldType::U8)
    .strings(IPCP_OPTIONS)
    .desc("Which IPCP configuration option this is (RFC 1332 section 3)");
pub static IPCP_OPT_LENGTH: FieldDef = FieldDef::new("ipcp.opt.length", "Length", FieldType::U8)
    .desc("Bytes of the option, its type and length included");
pub static IPCP_DATA: FieldDef = FieldDef::new("ipcp.data", "Data", FieldType::Bytes)
    .desc("The value of an IPCP option shown as bytes");
pub static IPCP_SRC: FieldDef = FieldDef::new("ipcp.opt.src_address", "Source IP Address", FieldType::Ipv4)
    .desc("The sender's address in the deprecated IP-Addresses option (RFC 1172)");
pub static IPCP_DST: FieldDef = FieldDef::new("ipcp.opt.dst_address", "Destination IP Address", FieldType::Ipv4)
    .desc("The peer's address in the deprecated IP-Addresses option (RFC 1172)");
pub static IPCP_COMPRESS: FieldDef = FieldDef::new("ipcp.opt.compress_proto", "IP Compression Protocol", FieldType::U16)
    .base(Base::Hex)
    .strings(&[(0x002d, "VJ compression"), (0x0061, "IPHC compression"), (0x0003, "Robust Header Compression (ROHC)"), (0x0037, "VJ compression (RFC1172-typo)")])
    .desc("The header compression the sender can receive (RFC 1332 section 3.2)");
pub static IPCP_MAX_SLOT: FieldDef = FieldDef::new("ipcp.opt.max_slot_id", "Max Slot ID", FieldType::U8)
    .desc("The highest Van Jacobson connection slot number (RFC 1332 section 3.2)");
pub static IPCP_COMP_SLOT: FieldDef = FieldDef::new("ipcp.opt.comp_slot_id", "Comp Slot ID", FieldType::Bool)
    .bit(8, 0x1)
    .strings(&[(1, "The slot identifier may be compressed"), (0, "The slot identifier must not be compressed")])
    .desc("Whether the Van Jacobson slot identifier may be left out (RFC 1332 section 3.2)");
pub static IPCP_ADDRESS: FieldDef = FieldDef::new("ipcp.opt.ip_address", "IP Address", FieldType::Ipv4)
    .desc("The sender's IPv4 address, or 0.0.0.0 to ask the peer for one (RFC 1332 section 3.3)");
pub static IPCP_HOME: FieldDef = FieldDef::new("ipcp.opt.mobilenodehomeaddress", "Mobile Node's Home Address", FieldType::Ipv4)
    .desc("A mobile node's home address (RFC 2290)");
pub static IPCP_DNS1: FieldDef = FieldDef::new("ipcp.opt.pri_dns_address", "Primary DNS Address", FieldType::Ipv4)
    .desc("The primary DNS server's address, given or asked for (RFC 1877)");
pub static IPCP_NBNS1: FieldDef = FieldDef::new("ipcp.opt.pri_nbns_address", "Primary NBNS Address", FieldType::Ipv4)
    .desc("The primary NetBIOS name server's address, given or asked for (RFC 1877)");
pub static IPCP_DNS2: FieldDef = FieldDef::new("ipcp.opt.sec_dns_address", "Secondary DNS Address", FieldType::Ipv4)
    .desc("The secondary DNS server's address, given or asked for (RFC 1877)");
pub static IPCP_NBNS2: FieldDef = FieldDef::new("ipcp.opt.sec_nbns_address", "Secondary NBNS Address", FieldType::Ipv4)
    .desc("The secondary NetBIOS name server's address, given or asked for (RFC 1877)");

pub static IPV6CP_OPT_TYPE: FieldDef = FieldDef::new("ipv6cp.opt.type", "Type", FieldType::U8)
    .strings(IPV6CP_OPTIONS)
    .desc("Which IPv6CP configuration option this is (RFC 5072 section 4)");
pub static IPV6CP_OPT_LENGTH: FieldDef = FieldDef::new("ipv6cp.opt.length", "Length", FieldType::U8)
    .desc("Bytes of the option, its type and length included");
pub static IPV6CP_IID: FieldDef = FieldDef::new("ipv6cp.interface_identifier", "Interface Identifier", FieldType::Bytes)
    .desc("The 64-bit identifier the sender will use for its link-local address (RFC 5072 section 4.1)");

pub static FIELDS: &[Field] = &[
    &LCP, &IPCP, &IPV6CP, &CODE, &IDENTIFIER, &LENGTH, &OUI, &KIND, &OPT_LEN_INVALID, &LCP_MAGIC, &LCP_DATA, &LCP_MESSAGE,
    &LCP_SECS, &LCP_REJ_PROTO, &LCP_OPT_TYPE, &LCP_OPT_LENGTH, &LCP_OPT_DATA, &LCP_OPT_MRU, &LCP_OPT_ASYNCMAP,
    &LCP_OPT_AUTH, &LCP_OPT_ALGORITHM, &LCP_OPT_QUALITY, &LCP_OPT_MAGIC, &LCP_OPT_FCS, &LCP_OPT_FCS_32,
    &LCP_OPT_FCS_16, &LCP_OPT_FCS_NULL, &LCP_OPT_MRRU, &IPCP_OPT_TYPE, &IPCP_OPT_LENGTH, &IPCP_DATA, &IPCP_SRC,
    &IPCP_DST, &IPCP_COMPRESS, &IPCP_MAX_SLOT, &IPCP_COMP_SLOT, &IPCP_ADDRESS, &IPCP_HOME, &IPCP_DNS1, &IPCP_NBNS1,
    &IPCP_DNS2, &IPCP_NBNS2, &IPV6CP_OPT_TYPE, &IPV6CP_OPT_LENGTH, &IPV6CP_IID,
];

static CODES: &[(u64, &str)] = &[
    (0, "Vendor Specific"),
    (1, "Configuration Request"),
    (2, "Configuration Ack"),
    (3, "Configuration Nak"),
    (4, "Configuration Reject"),
    (5, "Termination Request"),
    (6, "Termination Ack"),
    (7, "Code Reject"),
    (8, "Protocol Reject"),
    (9, "Echo Request"),
    (10, "Echo Reply"),
    (11, "Discard Request"),
    (12, "Identification"),
    (13, "Time Remaining"),
];

/// The codes each protocol knows: LCP all of them, the network control
/// protocols the configure, terminate and code-reject ones (RFC 1332 section 2).
const LCP_LAST_CODE: u8 = 13;
const NCP_LAST_CODE: u8 = 7;

static LCP_OPTIONS: &[(u64, &str)] = &[
    (0, "Vendor Specific"),
    (1, "Maximum Receive Unit"),
    (2, "Async Control Character Map"),
    (3, "Authentication Protocol"),
    (4, "Quality Protocol"),
    (5, "Magic Number"),
    (6, "Link Quality Monitoring"),
    (7, "Protocol Field Compression"),
    (8, "Address and Control Field Compression"),
    (9, "FCS Alternatives"),
    (10, "Self Describing Pad"),
    (11, "Numbered Mode"),
    (13, "Callback"),
    (15, "Compound Frames (Deprecated)"),
    (16, "Nominal Data Encapsulation (Deprecated)"),
    (17, "Multilink MRRU"),
    (18, "Multilink Short Sequence Number Header"),
    (19, "Multilink Endpoint Discriminator"),
    (21, "DCE Identifier"),
    (22, "Multi Link Plus Procedure"),
    (23, "Link Discriminator for BACP"),
    (24, "Authentication Option"),
    (25, "Consistent Overhead Byte Stuffing (COBS)"),
    (26, "Prefix Elision"),
    (27, "Multilink header format"),
    (28, "Internationalization"),
    (29, "Simple Data Link on SONET/SDH"),
];

static IPCP_OPTIONS: &[(u64, &str)] = &[
    (1, "IP Addresses (deprecated)"),
    (2, "IP Compression Protocol"),
    (3, "IP Address"),
    (4, "Mobile Node's Home IP Address"),
    (129, "Primary DNS Server IP Address"),
    (130, "Primary NBNS Server IP Address"),
    (131, "Secondary DNS Server IP Address"),
    (132, "Secondary NBNS Server IP Address"),
];

static IPV6CP_OPTIONS: &[(u64, &str)] = &[(1, "Interface Identifier"), (2, "IPv6 compression")];

/// The names of the ACCM's bits, from bit 31 down, as Wireshark lists them.
const ACCM_NAMES: [&str; 32] = [
    "US", "RS", "GS", "FS", "ESC", "SUB", "EM", "CAN", "ETB", "SYN", "NAK", "DC4", "DC3 (XOFF)", "DC2", "DC1 (XON)",
    "DLE", "SI", "SO", "CR", "FF", "VT", "LF", "HT", "BS", "BEL", "ACK", "ENQ", "EOT", "ETX", "STX", "SOH", "NUL",
];

/// One control protocol: its names, the codes it knows and its options.
struct Proto {
    field: Field,
    id: &'static str,
    column: &'static str,
    last_code: u8,
    opt_type: Field,
    opt_length: Field,
    /// Fixed (`exact`) or least lengths of known options, by type.
    lengths: &'static [(u8, u8, bool)],
    option: fn(&mut Ctx, &Buf, usize, u8, usize, NodeId) -> DResult<()>,
}

static LCP_PROTO: Proto = Proto {
    field: &LCP,
    id: "lcp",
    column: "PPP LCP",
    last_code: LCP_LAST_CODE,
    opt_type: &LCP_OPT_TYPE,
    opt_length: &LCP_OPT_LENGTH,
    lengths: &[
        (0, 6, false), (1, 4, true), (2, 6, true), (3, 4, false), (4, 4, false), (5, 6, true), (7, 2, true),
        (8, 2, true), (9, 3, true), (10, 3, true), (13, 3, false), (15, 2, true), (16, 2, true), (17, 4, true),
        (18, 2, true), (19, 3, false), (21, 3, true), (22, 4, true), (23, 4, true), (25, 3, true), (27, 4, true),
        (29, 2, true),
    ],
    option: lcp_option,
};

static IPCP_PROTO: Proto = Proto {
    field: &IPCP,
    id: "ipcp",
    column: "PPP IPCP",
    last_code: NCP_LAST_CODE,
    opt_type: &IPCP_OPT_TYPE,
    opt_length: &IPCP_OPT_LENGTH,
    lengths: &[(1, 10, true), (2, 4, false), (3, 6, true), (4, 6, true), (129, 6, true), (130, 6, true), (131, 6, true), (132, 6, true)],
    option: ipcp_option,
};

static IPV6CP_PROTO: Proto = Proto {
    field: &IPV6CP,
    id: "ipv6cp",
    column: "PPP IPV6CP",
    last_code: NCP_LAST_CODE,
    opt_type: &IPV6CP_OPT_TYPE,
    opt_length: &IPV6CP_OPT_LENGTH,
    lengths: &[(1, 10, true), (2, 4, false)],
    option: ipv6cp_option,
};

pub fn dissect_lcp(cx: &mut Ctx, b: Buf) -> DResult<()> {
    dissect(cx, b, &LCP_PROTO)
}

pub fn dissect_ipcp(cx: &mut Ctx, b: Buf) -> DResult<()> {
    dissect(cx, b, &IPCP_PROTO)
}

pub fn dissect_ipv6cp(cx: &mut Ctx, b: Buf) -> DResult<()> {
    dissect(cx, b, &IPV6CP_PROTO)
}

fn dissect(cx: &mut Ctx, b: Buf, p: &Proto) -> DResult<()> {
    cx.enter(p.id, p.column);
    let code = b.u8(0)?;
    let name = if code <= p.last_code { CODES.iter().find(|c| c.0 == code as u64).map(|c| c.1) } else { None };
    let name = name.unwrap_or("Unknown");
    let info = cx.out.cols.info();
    info.clear();
    info.push_str(name);
    cx.tree().open(p.field, b.range(0, b.len()), Value::None);
    let r = body(cx, &b, p, code, name);
    cx.tree().close();
    r
}

fn body(cx: &mut Ctx, b: &Buf, p: &Proto, code: u8, name: &str) -> DResult<()> {
    let id = cx.tree().add(&CODE, b.range(0, 1), Value::UInt(code as u64));
    cx.tree().set_text(id, format_args!("Code: {name} ({code})"));
    cx.uint(&IDENTIFIER, b, 1)?;
    let len = cx.uint(&LENGTH, b, 2)? as usize;
    let data_len = len.saturating_sub(4);
    match code {
        1..=4 => options(cx, b, p, data_len),
        5 | 6 => {
            if data_len > 0 {
                cx.bytes_item(&LCP_DATA, b, 4, data_len)?;
            }
            Ok(())
        }
        7 => {
            let mut text = format!("Rejected Packet ({data_len} byte{}): ", plural(data_len));
            crate::field::hex_bytes(b.bytes(4, data_len)?, &mut text);
            let id = cx.tree().add(&LCP_DATA, b.range(4, data_len), Value::None);
            cx.tree().set_text(id, text);
            Ok(())
        }
        8 => {
            let (id, proto) = cx.uint_item(&LCP_REJ_PROTO, b, 4)?;
            let proto = proto as u16;
            if LCP_REJ_PROTO.value_string(proto as u64).is_none() {
                cx.tree().set_text(id, format_args!("Rejected Protocol: Unknown (0x{proto:04x})"));
            }
            let left = data_len.saturating_sub(2).min(b.reported_len().saturating_sub(6));
            if left > 0 {
                // The rejected packet is shown as what it was, a layer
                // nested under the reject; it does not describe this packet,
                // so the columns stay the reject's.
                let rejected = b.sub(6, left)?;
                let (protocol, info) = (cx.out.cols.protocol.clone(), cx.out.cols.info.clone());
                payload_of(cx, proto, rejected);
                (cx.out.cols.protocol, cx.out.cols.info) = (protocol, info);
            }
            Ok(())
        }
        0 => {
            // A vendor's own packet (RFC 2153): magic number, OUI, kind.
            cx.uint(&LCP_MAGIC, b, 4)?;
            cx.uint(&OUI, b, 8)?;
            cx.uint(&KIND, b, 11)?;
            if data_len > 8 {
                cx.bytes_item(&LCP_DATA, b, 12, data_len - 8)?;
            }
            Ok(())
        }
        _ if code <= p.last_code && code != 5 && code != 6 => {
            // Echo, discard, identification, time remaining and vendor
            // packets start with the magic number.
            cx.uint(&LCP_MAGIC, b, 4)?;
            let rest = data_len.saturating_sub(4);
            match code {
                12 if rest > 0 => {
                    let text = String::from_utf8_lossy(b.bytes(8, rest)?).into_owned();
                    cx.tree().add(&LCP_MESSAGE, b.range(8, rest), Value::str(text));
                }
                13 => {
                    let (id, secs) = cx.uint_item(&LCP_SECS, b, 8)?;
                    cx.tree().set_text(id, format_args!("Seconds Remaining: {secs} seconds"));
                }
                _ if rest > 0 => {
                    cx.bytes_item(&LCP_DATA, b, 8, rest)?;
                }
                _ => {}
            }
            Ok(())
        }
        _ => {
            if data_len > 0 {
                cx.bytes_item(&LCP_DATA, b, 4, data_len)?;
            }
            Ok(())
        }
    }
}

/// The configuration options: a summary item naming them, then each under
/// it. A length that disagrees with the option or overruns the rest is
/// noted and ends the list, as Wireshark's option walker does.
fn options(cx: &mut Ctx, b: &Buf, p: &Proto, len: usize) -> DResult<()> {
    b.bytes(4, len)?;
    if len == 0 {
        return Ok(());
    }
    let summary = cx.tree().open(&crate::field::TEXT, b.range(4, len), Value::None);
    let mut names = format!("Options: ({len} byte{})", plural(len));
    let (mut at, end) = (4, 4 + len);
    while at < end {
        let ty = b.u8(at)?;
        let name = p.opt_type.value_string(ty as u64);
        let shown = name.map_or_else(|| format!("Unknown (0x{ty:02x})"), str::to_string);
        let rem = end - at;
        if rem < 2 {
            invalid(cx, b.range(at, rem), format!("{shown} (length byte past end of options)"));
            break;
        }
        let olen = b.u8(at + 1)? as usize;
        if olen < 2 {
            invalid(cx, b.range(at, 2), format!("{shown} (with too-short option length = {olen} byte{})", plural(olen)));
            break;
        }
        if olen > rem {
            invalid(cx, b.range(at, rem), format!("{shown} (option length = {olen} bytes says option goes past end of options)"));
            break;
        }
        let Some(name) = name else {
            cx.tree().text(b.range(at, olen), format_args!("{shown} ({olen} bytes)"));
            at += olen;
            continue;
        };
        names.push_str(", ");
        names.push_str(name);
        match p.lengths.iter().find(|l| l.0 == ty) {
            Some(&(_, want, true)) if olen != want as usize => {
                invalid(cx, b.range(at, olen), format!("{name} (with option length = {olen} bytes; should be {want})"));
            }
            Some(&(_, least, false)) if olen < least as usize => {
                invalid(cx, b.range(at, olen), format!("{name} (with option length = {olen} bytes; should be at least {least})"));
            }
            _ => {
                let item = cx.tree().open(&crate::field::TEXT, b.range(at, olen), Value::None);
                cx.tree().set_text(item, name);
                cx.uint(p.opt_type, b, at)?;
                cx.uint(p.opt_length, b, at + 1)?;
                (p.option)(cx, b, at, ty, olen, item)?;
                cx.tree().close();
            }
        }
        at += olen;
    }
    cx.tree().set_text(summary, names);
    cx.tree().close();
    Ok(())
}

fn invalid(cx: &mut Ctx, range: std::ops::Range<usize>, msg: String) {
    let t = cx.tree();
    let id = t.open(&crate::field::TEXT, range, Value::None);
    t.set_text(id, msg.as_str());
    expert(cx, &OPT_LEN_INVALID, &msg, "Warning", "Protocol");
    cx.tree().close();
}

fn lcp_option(cx: &mut Ctx, b: &Buf, at: usize, ty: u8, len: usize, item: NodeId) -> DResult<()> {
    match ty {
        1 => {
            let v = cx.uint(&LCP_OPT_MRU, b, at + 2)?;
            cx.tree().set_text(item, format_args!("Maximum Receive Unit: {v}"));
        }
        2 => {
            let v = b.u32(at + 2)?;
            let set: Vec<&str> = (0..32).filter(|i| v & (1 << (31 - i)) != 0).map(|i| ACCM_NAMES[i]).collect();
            // Wireshark's option line runs the names into the number and
            // closes a parenthesis it never opened; its value line does not.
            if set.is_empty() {
                cx.tree().set_text(item, format_args!("Async Control Character Map: 0x{v:08x} (None)"));
            } else {
                cx.tree().set_text(item, format_args!("Async Control Character Map: 0x{v:08x}{})", set.join(", ")));
            }
            let id = cx.tree().open(&LCP_OPT_ASYNCMAP, b.range(at + 2, 4), Value::UInt(v as u64));
            let names = if set.is_empty() { " (None)".to_string() } else { format!(", {}", set.join(", ")) };
            cx.tree().set_text(id, format_args!("Async Control Character Map: 0x{v:08x}{names}"));
            for f in &LCP_OPT_ACCM_BITS {
                cx.masked(f, b, at + 2)?;
            }
            cx.tree().close();
        }
        3 => {
            let (id, p) = cx.uint_item(&LCP_OPT_AUTH, b, at + 2)?;
            let name = LCP_OPT_AUTH.value_string(p).unwrap_or("Unknown");
            cx.tree().set_text(id, format_args!("Authentication Protocol: {name} (0x{p:04x})"));
            cx.tree().set_text(item, format_args!("Authentication Protocol: {name} (0x{p:04x})"));
            if len > 4 {
                if p == super::CHAP as u64 {
                    cx.uint(&LCP_OPT_ALGORITHM, b, at + 4)?;
                } else {
                    cx.bytes_item(&LCP_OPT_DATA, b, at + 4, len - 4)?;
                }
            }
        }
        4 => {
            let (id, p) = cx.uint_item(&LCP_OPT_QUALITY, b, at + 2)?;
            let name = LCP_OPT_QUALITY.value_string(p).unwrap_or("Unknown");
            cx.tree().set_text(id, format_args!("Quality Protocol: {name} (0x{p:04x})"));
            cx.tree().set_text(item, format_args!("Quality Protocol: {name} (0x{p:04x})"));
            if len > 4 {
                cx.bytes_item(&LCP_OPT_DATA, b, at + 4, len - 4)?;
            }
        }
        5 => {
            let v = cx.uint(&LCP_OPT_MAGIC, b, at + 2)?;
            cx.tree().set_text(item, format_args!("Magic Number: 0x{v:08x}"));
        }
        9 => {
            let v = b.u8(at + 2)?;
            cx.tree().set_text(item, format_args!("FCS Alternatives: 0x{v:02x}"));
            let names: Vec<&str> = [(4, "CCITT 32-bit"), (2, "CCITT 16-bit"), (1, "NULL FCS")]
                .iter()
                .filter(|(m, _)| v & m != 0)
                .map(|(_, n)| *n)
                .collect();
            let id = cx.tree().open(&LCP_OPT_FCS, b.range(at + 2, 1), Value::UInt(v as u64));
            let list = if names.is_empty() { String::new() } else { format!(", {}", names.join(", ")) };
            cx.tree().set_text(id, format_args!("FCS Alternatives: 0x{v:02x}{list}"));
            for f in [&LCP_OPT_FCS_32, &LCP_OPT_FCS_16, &LCP_OPT_FCS_NULL] {
                cx.masked(f, b, at + 2)?;
            }
            cx.tree().close();
        }
        17 => {
            let v = cx.uint(&LCP_OPT_MRRU, b, at + 2)?;
            cx.tree().set_text(item, format_args!("Multilink MRRU: {v}"));
        }
        _ if len > 2 => {
            cx.bytes_item(&LCP_OPT_DATA, b, at + 2, len - 2)?;
        }
        _ => {}
    }
    Ok(())
}

fn ipcp_option(cx: &mut Ctx, b: &Buf, at: usize, ty: u8, len: usize, _item: NodeId) -> DResult<()> {
    let address = match ty {
        1 => {
            cx.ipv4(&IPCP_SRC, b, at + 2)?;
            cx.ipv4(&IPCP_DST, b, at + 6)?;
            return Ok(());
        }
        2 => {
            let p = cx.uint(&IPCP_COMPRESS, b, at + 2)?;
            if p == 0x002d && len >= 6 {
                cx.uint(&IPCP_MAX_SLOT, b, at + 4)?;
                cx.masked(&IPCP_COMP_SLOT, b, at + 5)?;
            } else if len > 4 {
                cx.bytes_item(&IPCP_DATA, b, at + 4, len - 4)?;
            }
            return Ok(());
        }
        3 => &IPCP_ADDRESS,
        4 => &IPCP_HOME,
        129 => &IPCP_DNS1,
        130 => &IPCP_NBNS1,
        131 => &IPCP_DNS2,
        132 => &IPCP_NBNS2,
        _ => {
            if len > 2 {
                cx.bytes_item(&IPCP_DATA, b, at + 2, len - 2)?;
            }
            return Ok(());
        }
    };
    cx.ipv4(address, b, at + 2)?;
    Ok(())
}

fn ipv6cp_option(cx: &mut Ctx, b: &Buf, at: usize, ty: u8, len: usize, _item: NodeId) -> DResult<()> {
    if ty == 1 {
        let id = cx.bytes_item(&IPV6CP_IID, b, at + 2, 8)?;
        let iid = b.bytes(at + 2, 8)?;
        let shown: Vec<String> = iid.iter().map(|x| format!("{x:02x}")).collect();
        cx.tree().set_text(id, format_args!("Interface Identifier: {}", shown.join(":")));
    } else if len > 2 {
        cx.bytes_item(&IPCP_DATA, b, at + 2, len - 2)?;
    }
    Ok(())
}

