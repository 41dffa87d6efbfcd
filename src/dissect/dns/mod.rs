//! DNS and multicast DNS, over UDP and TCP.
//!
//! The split with hickory-proto: this module walks the message itself —
//! header, names (with compression), each question and each resource record's
//! fixed part — because every tree item needs its byte range and hickory's
//! decoded `Message` keeps none. Each record's RDATA is then decoded by
//! hickory-proto (`RData::read` at that record's offset in the whole message,
//! so compressed names resolve): addresses, preferences, SOA numbers, SRV
//! numbers and TXT strings come from it, and its rejection of an RDATA
//! flags the packet malformed while the records already decoded stay. Names
//! inside RDATA are shown with our reader, for Wireshark's wording.

pub(crate) mod dnssec;
pub(crate) mod name;
pub(crate) mod numbers;
pub mod pairing;
pub(crate) mod rdata;
pub(crate) mod rdata_text;
pub(crate) mod svcb;

use std::fmt::Write;

use crate::field::{self, Base, Field, FieldDef, FieldType, Value, TEXT};
use crate::dissect::conv::ConvKey;

use self::name::{read_name, WireName};
use self::numbers::{self as names, rrtype, CLASSES, OPCODES, RCODES, TYPE_STRINGS};
use self::rdata::rdata;
use crate::dissect::{Buf, Ctx, DResult, DissectError, Pass, Pdu, TcpSeg};

pub static DNS: FieldDef = FieldDef::new("dns", "Domain Name System", FieldType::Protocol).brief()
    .desc("Domain Name System: questions and answers that map names to addresses and other records (RFC 1035).");
pub static MDNS: FieldDef = FieldDef::new("mdns", "Multicast Domain Name System", FieldType::Protocol)
    .desc("Multicast DNS: DNS queries multicast on the local link, port 5353 (RFC 6762).");
pub static LLMNR: FieldDef = FieldDef::new("llmnr", "Link-local Multicast Name Resolution", FieldType::Protocol)
    .desc("Link-Local Multicast Name Resolution: DNS-format name queries on the local link, port 5355 (RFC 4795).");
pub static LENGTH: FieldDef = FieldDef::new("dns.length", "Length", FieldType::U16)
    .desc("Length prefix of a DNS message over TCP, in bytes (RFC 1035 section 4.2.2).");
pub static ID: FieldDef = FieldDef::new("dns.id", "Transaction ID", FieldType::U16).base(Base::Hex)
    .desc("Transaction ID the client chooses and the server copies, to match a response to its query.");
pub static FLAGS: FieldDef = FieldDef::new("dns.flags", "Flags", FieldType::U16).base(Base::Hex)
    .desc("The 16 header bits after the ID: QR, opcode, AA, TC, RD, RA, Z, AD, CD and the reply code.");
pub static F_RESPONSE: FieldDef = FieldDef::new("dns.flags.response", "Response", FieldType::Bool)
    .bit(16, 0x8000)
    .strings(&[(1, "Message is a response"), (0, "Message is a query")]).desc("QR: 0 for a query, 1 for a response.");
pub static F_OPCODE: FieldDef =
    FieldDef::new("dns.flags.opcode", "Opcode", FieldType::U16).mask(0x7800).strings(OPCODES)
        .desc("Kind of query: 0 standard query, 4 notify, 5 update.");
pub static F_AUTH: FieldDef = FieldDef::new("dns.flags.authoritative", "Authoritative", FieldType::Bool)
    .bit(16, 0x0400)
    .strings(&[(1, "Server is an authority for domain"), (0, "Server is not an authority for domain")])
    .desc("AA: the answer comes from a server authoritative for the zone.");
pub static F_TRUNC: FieldDef = FieldDef::new("dns.flags.truncated", "Truncated", FieldType::Bool)
    .bit(16, 0x0200)
    .strings(&[(1, "Message is truncated"), (0, "Message is not truncated")])
    .desc("TC: the message was cut to fit; retry over TCP.");
pub static F_RD: FieldDef = FieldDef::new("dns.flags.recdesired", "Recursion desired", FieldType::Bool)
    .bit(16, 0x0100)
    .strings(&[(1, "Do query recursively"), (0, "Don't do query recursively")])
    .desc("RD: the client asks the server to resolve the name recursively.");
pub static F_RA: FieldDef = FieldDef::new("dns.flags.recavail", "Recursion available", FieldType::Bool)
    .bit(16, 0x0080)
    .strings(&[(1, "Server can do recursive queries"), (0, "Server can't do recursive queries")])
    .desc("RA: the server offers recursion.");
pub static F_Z: FieldDef = FieldDef::new("dns.flags.z", "Z", FieldType::Bool)
    .bit(16, 0x0040)
    .strings(&[(1, "reserved - incorrect!"), (0, "reserved (0)")]).desc("Z: reserved bit, zero.");
pub static F_AD: FieldDef = FieldDef::new("dns.flags.authenticated", "Answer authenticated", FieldType::Bool)
    .bit(16, 0x0020)
    .strings(&[
        (1, "Answer/authority portion was authenticated by the server"),
        (0, "Answer/authority portion was not authenticated by the server"),
    ]).desc("AD: the server validated the answer with DNSSEC (RFC 4035 section 3.2.3).");
/// How a query's AD bit is labelled (same filter name as `F_AD`).
static F_AD_QUERY: FieldDef = FieldDef::new("dns.flags.authenticated", "AD bit", FieldType::Bool).bit(16, 0x0020)
    .desc("AD: the server validated the answer with DNSSEC (RFC 4035 section 3.2.3).");
pub static F_CD: FieldDef = FieldDef::new("dns.flags.checkdisable", "Non-authenticated data", FieldType::Bool)
    .bit(16, 0x0010)
    .strings(&[(1, "Acceptable"), (0, "Unacceptable")])
    .desc("CD: the client asks the server not to validate DNSSEC (RFC 4035 section 3.2.2).");
/// LLMNR (RFC 4795) reuses the AA and RD bits.
static F_CONFLICT: FieldDef = FieldDef::new("dns.flags.conflict", "Conflict", FieldType::Bool)
    .bit(16, 0x0400)
    .strings(&[(1, "The sender received multiple responses"), (0, "None")])
    .desc("Multicast DNS conflict bit: several responses claimed the name (LLMNR C bit).");
static F_CONFLICT_RESPONSE: FieldDef = FieldDef::new("dns.flags.conflict", "Conflict", FieldType::Bool)
    .bit(16, 0x0400)
    .strings(&[(1, "The name is not considered unique"), (0, "The name is considered unique")])
    .desc("Multicast DNS conflict bit: several responses claimed the name (LLMNR C bit).");
static F_TENTATIVE: FieldDef = FieldDef::new("dns.flags.tentative", "Tentative", FieldType::Bool)
    .bit(16, 0x0100)
    .strings(&[(1, "Tentative"), (0, "Not tentative")])
    .desc("LLMNR tentative bit: the responder has not yet verified the name is unique.");
pub static F_RCODE: FieldDef =
    FieldDef::new("dns.flags.rcode", "Reply code", FieldType::U16).mask(0x000f).strings(RCODES)
        .desc("Reply code: 0 no error, 1 format error, 2 server failure, 3 no such name, 5 refused.");
pub static COUNT_Q: FieldDef = FieldDef::new("dns.count.queries", "Questions", FieldType::U16)
    .desc("Number of entries in the question section.");
pub static COUNT_AN: FieldDef = FieldDef::new("dns.count.answers", "Answer RRs", FieldType::U16)
    .desc("Number of records in the answer section.");
pub static COUNT_NS: FieldDef = FieldDef::new("dns.count.auth_rr", "Authority RRs", FieldType::U16)
    .desc("Number of records in the authority section.");
pub static COUNT_AR: FieldDef = FieldDef::new("dns.count.add_rr", "Additional RRs", FieldType::U16)
    .desc("Number of records in the additional section.");
pub static QRY_NAME: FieldDef = FieldDef::new("dns.qry.name", "Name", FieldType::String)
    .desc("Domain name asked about.");
pub static QRY_NAME_LEN: FieldDef = FieldDef::new("dns.qry.name.len", "Name Length", FieldType::U16)
    .desc("Length of the name asked about, in characters.");
pub static COUNT_LABELS: FieldDef = FieldDef::new("dns.count.labels", "Label Count", FieldType::U16)
    .desc("Number of labels (dot-separated parts) of the name.");
pub static QRY_TYPE: FieldDef = FieldDef::new("dns.qry.type", "Type", FieldType::U16).strings(&TYPE_STRINGS)
    .desc("Record type asked for, such as A (1), AAAA (28), MX (15).");
pub static QRY_CLASS: FieldDef =
    FieldDef::new("dns.qry.class", "Class", FieldType::U16).base(Base::Hex).strings(CLASSES)
        .desc("Class asked for, 1 for IN.");
/// mDNS shows the class without its top bit (same filter name as `QRY_CLASS`).
static QRY_CLASS_MDNS: FieldDef =
    FieldDef::new("dns.qry.class", "Class", FieldType::U16).base(Base::Hex).mask(0x7fff).strings(CLASSES)
        .desc("Class asked for, 1 for IN.");
pub static QRY_QU: FieldDef = FieldDef::new("dns.qry.qu", "\"QU\" question", FieldType::Bool)
    .bit(16, 0x8000)
    .strings(&[(1, "True"), (0, "False")]).desc("Multicast DNS QU bit: a unicast response is wanted.");
pub static RESP_NAME: FieldDef = FieldDef::new("dns.resp.name", "Name", FieldType::String)
    .desc("Owner name of the record.");
pub static RESP_TYPE: FieldDef = FieldDef::new("dns.resp.type", "Type", FieldType::U16).strings(&TYPE_STRINGS)
    .desc("Type of the record.");
pub static RESP_CLASS: FieldDef =
    FieldDef::new("dns.resp.class", "Class", FieldType::U16).base(Base::Hex).strings(CLASSES)
        .desc("Class of the record, 1 for IN (the UDP payload size in an OPT record).");
static RESP_CLASS_MDNS: FieldDef =
    FieldDef::new("dns.resp.class", "Class", FieldType::U16).base(Base::Hex).mask(0x7fff).strings(CLASSES)
        .desc("Class of the record, 1 for IN (the UDP payload size in an OPT record).");
pub static CACHE_FLUSH: FieldDef = FieldDef::new("dns.resp.cache_flush", "Cache flush", FieldType::Bool)
    .bit(16, 0x8000)
    .strings(&[(1, "True"), (0, "False")]).desc("Multicast DNS cache-flush bit: this record replaces cached ones.");
pub static RESP_TTL: FieldDef = FieldDef::new("dns.resp.ttl", "Time to live", FieldType::U32)
    .desc("Seconds the record may be cached (RFC 1035 section 3.2.1).");
pub static RESP_LEN: FieldDef = FieldDef::new("dns.resp.len", "Data length", FieldType::U16)
    .desc("Length in bytes of the record's data.");
pub static SRV_SERVICE: FieldDef = FieldDef::new("dns.srv.service", "Service", FieldType::String)
    .desc("Service name taken from the SRV owner name, such as _sip (RFC 2782).");
pub static SRV_PROTO: FieldDef = FieldDef::new("dns.srv.proto", "Protocol", FieldType::String)
    .desc("Protocol taken from the SRV owner name, such as _tcp.");
pub static SRV_NAME: FieldDef = FieldDef::new("dns.srv.name", "Name", FieldType::String)
    .desc("Domain taken from the SRV owner name.");
pub static UDP_PAYLOAD_SIZE: FieldDef = FieldDef::new("dns.rr.udp_payload_size", "UDP payload size", FieldType::U16)
    .desc("Largest UDP payload the sender of an OPT record can receive (RFC 6891 section 6.1.2).");
pub static EXT_RCODE: FieldDef =
    FieldDef::new("dns.resp.ext_rcode", "Higher bits in extended RCODE", FieldType::U8).base(Base::Hex)
        .desc("Upper eight bits of the extended reply code, in an OPT record.");
pub static EDNS0_VERSION: FieldDef = FieldDef::new("dns.resp.edns0_version", "EDNS0 version", FieldType::U8)
    .desc("EDNS version of the OPT record, 0.");
pub static RESP_Z: FieldDef = FieldDef::new("dns.resp.z", "Z", FieldType::U16).base(Base::Hex)
    .desc("EDNS flags of the OPT record.");
pub static RESP_Z_DO: FieldDef = FieldDef::new("dns.resp.z.do", "DO bit", FieldType::Bool)
    .bit(16, 0x8000)
    .strings(&[(1, "Accepts DNSSEC security RRs"), (0, "Cannot handle DNSSEC security RRs")])
    .desc("DO: DNSSEC OK, the sender wants DNSSEC records (RFC 3225).");
pub static RESP_Z_RESERVED: FieldDef =
    FieldDef::new("dns.resp.z.reserved", "Reserved", FieldType::U16).base(Base::Hex).mask(0x7fff)
        .desc("Reserved EDNS flag bits, zero.");
pub static RESPONSE_IN: FieldDef = FieldDef::new("dns.response_in", "Response In", FieldType::FrameNum)
    .desc("The response to this DNS query is in this frame");
pub static RESPONSE_TO: FieldDef = FieldDef::new("dns.response_to", "Request In", FieldType::FrameNum)
    .desc("This is a response to the DNS query in this frame");
pub static TIME: FieldDef =
    FieldDef::new("dns.time", "Time", FieldType::RelTime).desc("The time between the Query and the Response");
pub static RETRANSMISSION: FieldDef = FieldDef::new("dns.retransmission", "Retransmission", FieldType::Bool)
    .strings(&[(1, "True"), (0, "False")])
    .desc("This is a retransmission");
pub static RETRANSMIT_REQUEST_IN: FieldDef =
    FieldDef::new("dns.retransmit_request_in", "Retransmitted request. Original request in", FieldType::FrameNum)
        .desc("This is a retransmitted DNS query");
pub static RETRANSMIT_RESPONSE_IN: FieldDef =
    FieldDef::new("dns.retransmit_response_in", "Retransmitted response. Original response in", FieldType::FrameNum)
        .desc("This is a retransmitted DNS response");
static RETRANSMIT_REQUEST: FieldDef = FieldDef::new("dns.retransmit_request", "DNS query retransmission", FieldType::None)
    .desc("This query repeats an earlier one with the same ID.");
static RETRANSMIT_RESPONSE: FieldDef =
    FieldDef::new("dns.retransmit_response", "DNS response retransmission", FieldType::None)
        .desc("This response repeats an earlier one with the same ID.");
pub static UNSOLICITED: FieldDef = FieldDef::new("dns.unsolicited", "Unsolicited", FieldType::Bool)
    .strings(&[(1, "True"), (0, "False")])
    .desc("This is an unsolicited response");

pub use self::rdata::RDATA_FIELDS;

pub static FIELDS: &[Field] = &[
    &DNS, &MDNS, &LLMNR, &F_CONFLICT, &F_TENTATIVE, &LENGTH, &ID, &FLAGS, &F_RESPONSE, &F_OPCODE, &F_AUTH, &F_TRUNC, &F_RD, &F_RA, &F_Z, &F_AD,
    &F_CD, &F_RCODE, &COUNT_Q, &COUNT_AN, &COUNT_NS, &COUNT_AR, &QRY_NAME, &QRY_NAME_LEN, &COUNT_LABELS,
    &QRY_TYPE, &QRY_CLASS, &QRY_QU, &RESP_NAME, &RESP_TYPE, &RESP_CLASS, &CACHE_FLUSH, &RESP_TTL,
    &RESP_LEN, &SRV_SERVICE, &SRV_PROTO, &SRV_NAME, &UDP_PAYLOAD_SIZE, &EXT_RCODE, &EDNS0_VERSION,
    &RESP_Z, &RESP_Z_DO, &RESP_Z_RESERVED, &RESPONSE_IN, &RESPONSE_TO, &TIME, &UNSOLICITED,
    &RETRANSMISSION, &RETRANSMIT_REQUEST_IN, &RETRANSMIT_RESPONSE_IN, &RETRANSMIT_REQUEST, &RETRANSMIT_RESPONSE,
];

/// The protocols that share DNS's message format, told apart by port.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Flavor {
    Dns,
    /// Multicast DNS (RFC 6762): the top class bit means unicast-response
    /// (questions) or cache-flush (records).
    Mdns,
    /// LLMNR (RFC 4795): other header flags.
    Llmnr,
}

impl Flavor {
    fn of_udp(sport: u16, dport: u16) -> Option<Flavor> {
        let one = |p: u16| match p {
            53 => Some(Flavor::Dns),
            5353 => Some(Flavor::Mdns),
            5355 => Some(Flavor::Llmnr),
            _ => None,
        };
        one(sport).or_else(|| one(dport))
    }

    fn protocol(self) -> (Field, &'static str, &'static str, &'static str) {
        match self {
            Flavor::Dns => (&DNS, "DNS", "dns", "Domain Name System"),
            Flavor::Mdns => (&MDNS, "MDNS", "mdns", "Multicast Domain Name System"),
            Flavor::Llmnr => (&LLMNR, "LLMNR", "llmnr", "Link-local Multicast Name Resolution"),
        }
    }
}

/// Ports whose TCP payload is DNS (multicast DNS and LLMNR are UDP only,
/// so 5353 is plain DNS there, as Wireshark registers it).
pub fn is_dns_tcp_port(port: u16) -> bool {
    matches!(port, 53 | 5353)
}

/// Whether a UDP datagram between these ports carries a DNS-format message.
pub fn is_udp(sport: u16, dport: u16) -> bool {
    Flavor::of_udp(sport, dport).is_some()
}

/// Wireshark's DNS heuristic for UDP (enabled in tshark 4.0): a datagram on
/// a port no table names is DNS when its header is that of a plausible
/// standard query or response, with room for the records it counts.
/// `len` is the datagram's reported length (`head` may be cut short).
pub fn looks_like_dns_udp(head: &[u8], len: usize) -> bool {
    const HEADER: usize = 12;
    if len <= HEADER || head.len() < HEADER {
        return false;
    }
    let word = |i: usize| u16::from_be_bytes([head[i], head[i + 1]]) as usize;
    let (flags, quest, ans, auth, add) = (word(2), word(4), word(6), word(8), word(10));
    if flags & 0x7800 != 0 {
        return false; // not a standard query
    }
    let plausible = if flags & 0x8000 == 0 {
        quest == 1 && ans == 0 && auth == 0
    } else {
        // Some responses (a zone transfer's) carry no question.
        quest <= 1 && ans <= 100 && auth <= 100
    };
    // The smallest question takes 6 bytes, the smallest record 11.
    plausible && add <= 100 && quest + ans > 0 && quest * 6 + (ans + auth + add) * 11 <= len - HEADER
}

/// DNS, mDNS or LLMNR over UDP (a whole message per datagram).
pub fn dissect_udp(cx: &mut Ctx, b: Buf, sport: u16, dport: u16) -> DResult<()> {
    let flavor = Flavor::of_udp(sport, dport).unwrap_or(Flavor::Dns);
    let conv = cx.net.map(|(s, d)| ConvKey::new(s, sport, d, dport));
    message(cx, b, flavor, conv)
}

/// DNS over TCP: messages behind a two-byte length, several per segment or
/// one across several.
pub fn dissect_tcp(cx: &mut Ctx, b: Buf, seg: &TcpSeg) -> DResult<Pdu> {
    let conv = cx.net.map(|(s, d)| ConvKey::new(s, seg.sport, d, seg.dport));
    let mut off = 0;
    while off < b.len() {
        let Ok(len) = b.u16(off) else {
            return Ok(Pdu::NeedMore { offset: off, more: None });
        };
        let have = b.len() - off - 2;
        if have < len as usize {
            return Ok(Pdu::NeedMore { offset: off, more: Some(len as usize - have) });
        }
        // Each message rewrites the Info column; the last one shows, as in
        // Wireshark.
        let msg = b.sub(off + 2, len as usize)?;
        crate::dissect::tcp::pdu::pdu_size(cx, &b, off, 2 + len as usize);
        message_with_length(cx, &b, off, msg, conv)?;
        off += 2 + len as usize;
    }
    Ok(Pdu::Done(off))
}

fn message_with_length(cx: &mut Ctx, b: &Buf, off: usize, msg: Buf, conv: Option<ConvKey>) -> DResult<()> {
    // The length belongs inside the DNS item, so open it here and let
    // `message` reuse it.
    let (proto, col, id, _) = Flavor::Dns.protocol();
    if off == 0 {
        cx.enter(id, col);
    } else {
        cx.enter_again(col);
    }
    let root = cx.tree().open(proto, b.range(off, msg.len() + 2), Value::None);
    let len = msg.reported_len() as u64;
    cx.tree().add(&LENGTH, b.range(off, 2), Value::UInt(len));
    body(cx, msg, Flavor::Dns, conv, root)
}

/// One DNS message; `conv` pairs queries with responses.
pub fn message(cx: &mut Ctx, b: Buf, flavor: Flavor, conv: Option<ConvKey>) -> DResult<()> {
    let (proto, col, id, _) = flavor.protocol();
    cx.enter(id, col);
    let root = cx.tree().open(proto, b.range(0, b.len()), Value::None);
    body(cx, b, flavor, conv, root)
}

fn body(cx: &mut Ctx, b: Buf, flavor: Flavor, conv: Option<ConvKey>, root: usize) -> DResult<()> {
    let proto_name = flavor.protocol().3;
    let mdns = flavor == Flavor::Mdns;
    let id = cx.uint_open(&ID, &b, 0)?.1 as u16;
    let flags = b.u16(2)?;
    let response = flags & 0x8000 != 0;
    // Several messages in one frame (DNS over TCP) are told apart by their
    // order in it.
    let at = (cx.meta.number, cx.messages);
    cx.messages = cx.messages.saturating_add(1);
    let links = match cx.pass {
        Pass::First => cx.session.dns.first_pass(conv, id, response, at, cx.meta.ts),
        Pass::Revisit => cx.session.dns.revisit(at, response, cx.meta.ts),
    };
    // Wireshark notes a retransmission on the transaction ID's item.
    if links.retransmit_of != 0 {
        let (expert, what, original) =
            if response { (&RETRANSMIT_RESPONSE, "response", "response") } else { (&RETRANSMIT_REQUEST, "query", "request") };
        let msg = format!("DNS {what} retransmission. Original {original} in frame {}", links.retransmit_of);
        crate::dissect::expert(cx, expert, &msg, "Warning", "Protocol");
    }
    cx.tree().close();
    let opcode = (flags >> 11) & 0xf;
    let rcode = flags & 0xf;
    let t = cx.tree();
    t.set_text(root, format_args!("{proto_name} ({})", if response { "response" } else { "query" }));
    // Wireshark's wording for codes it has no name for: Info gives the
    // number, the flags' label does not.
    let op_name = F_OPCODE.value_string(opcode as u64);
    let mut summary = match op_name {
        Some(name) => name.to_string(),
        None => format!("Unknown operation ({opcode})"),
    };
    if response {
        summary.push_str(" response");
    }
    let info = cx.out.cols.info();
    let _ = write!(info, "{summary} 0x{id:04x}");
    if response && rcode != 0 {
        match F_RCODE.value_string(rcode as u64) {
            Some(name) => write!(info, " {name}"),
            None => write!(info, " Unknown error ({rcode})"),
        }
        .ok();
    }
    let op = op_name.unwrap_or("Unknown operation");
    let flag_text = if response {
        format!("Flags: 0x{flags:04x} {op} response, {}", F_RCODE.value_string(rcode as u64).unwrap_or("Unknown error"))
    } else {
        format!("Flags: 0x{flags:04x} {op}")
    };
    flag_items(cx, &b, flags, flag_text, flavor);

    let mut counts = [0u16; 4];
    for (i, f) in [&COUNT_Q, &COUNT_AN, &COUNT_NS, &COUNT_AR].into_iter().enumerate() {
        counts[i] = b.u16(4 + 2 * i)?;
        cx.tree().add(f, b.range(4 + 2 * i, 2), Value::UInt(counts[i] as u64));
    }
    let mut off = 12;
    let mut rejected = false;
    if counts[0] > 0 {
        let sec = cx.tree().open(&TEXT, b.range(off, 0), Value::None);
        cx.tree().set_text(sec, "Queries");
        for _ in 0..counts[0] {
            off = question(cx, &b, off, mdns)?;
            cx.tree().set_len(sec, b.abs(off) - b.abs(12));
        }
        cx.tree().close();
    }
    for (i, title) in ["Answers", "Authoritative nameservers", "Additional records"].into_iter().enumerate() {
        if counts[i + 1] == 0 {
            continue;
        }
        let start = off;
        let sec = cx.tree().open(&TEXT, b.range(off, 0), Value::None);
        cx.tree().set_text(sec, title);
        for _ in 0..counts[i + 1] {
            off = record(cx, &b, off, mdns, &mut rejected)?;
            cx.tree().set_len(sec, off - start);
        }
        cx.tree().close();
    }

    let here = b.range(0, 0);
    // Wireshark's order of these generated items.
    if links.retransmit_of != 0 {
        let f = if response { &RETRANSMIT_RESPONSE_IN } else { &RETRANSMIT_REQUEST_IN };
        let t = cx.tree();
        t.generated(f, here.clone(), Value::FrameNum(links.retransmit_of));
        t.generated(&RETRANSMISSION, here, Value::Bool(true));
    } else if response {
        let t = cx.tree();
        if links.request_in != 0 {
            t.generated(&RESPONSE_TO, here.clone(), Value::FrameNum(links.request_in));
            if let Some(ns) = links.time {
                t.generated(&TIME, here, Value::RelTime(ns));
            }
        } else {
            t.generated(&UNSOLICITED, here, Value::Bool(true));
        }
    } else if links.response_in != 0 {
        cx.tree().generated(&RESPONSE_IN, here, Value::FrameNum(links.response_in));
    }
    cx.tree().close();
    if rejected {
        return Err(DissectError::Malformed);
    }
    Ok(())
}

fn flag_items(cx: &mut Ctx, b: &Buf, flags: u16, text: String, flavor: Flavor) {
    let response = flags & 0x8000 != 0;
    let r = b.range(2, 2);
    let bit = |m: u16| Value::Bool(flags & m != 0);
    let t = cx.tree();
    let f = t.open(&FLAGS, r.clone(), Value::UInt(flags as u64));
    t.set_text(f, text);
    t.add(&F_RESPONSE, r.clone(), bit(0x8000));
    t.add(&F_OPCODE, r.clone(), Value::UInt(((flags >> 11) & 0xf) as u64));
    if flavor == Flavor::Llmnr {
        if response {
            add_as(cx, &F_CONFLICT, &F_CONFLICT_RESPONSE, r.clone(), bit(0x0400));
        } else {
            cx.tree().add(&F_CONFLICT, r.clone(), bit(0x0400));
        }
        let t = cx.tree();
        t.add(&F_TRUNC, r.clone(), bit(0x0200));
        t.add(&F_TENTATIVE, r.clone(), bit(0x0100));
    } else {
        if response {
            t.add(&F_AUTH, r.clone(), bit(0x0400));
        }
        t.add(&F_TRUNC, r.clone(), bit(0x0200));
        t.add(&F_RD, r.clone(), bit(0x0100));
        if response {
            t.add(&F_RA, r.clone(), bit(0x0080));
        }
        t.add(&F_Z, r.clone(), bit(0x0040));
        if response {
            t.add(&F_AD, r.clone(), bit(0x0020));
        } else if flags & 0x0020 != 0 {
            // A query's AD bit (RFC 6840) is shown under another label.
            let id = t.add(&F_AD, r.clone(), bit(0x0020));
            t.set_text(id, field::format_label(&F_AD_QUERY, &Value::Bool(true), &[]));
        }
        t.add(&F_CD, r.clone(), bit(0x0010));
    }
    if response {
        cx.tree().add(&F_RCODE, r, Value::UInt((flags & 0xf) as u64));
    }
    cx.tree().close();
}

/// An item whose label is computed from another (unregistered) definition.
fn add_as(cx: &mut Ctx, f: Field, shown: &FieldDef, r: std::ops::Range<usize>, v: Value) {
    let text = field::format_label(shown, &v, &[]);
    let id = cx.tree().add(f, r, v);
    cx.tree().set_text(id, text);
}

fn name_items(cx: &mut Ctx, b: &Buf, off: usize, n: &WireName, name_field: Field) {
    let t = cx.tree();
    t.add(name_field, b.range(off, n.wire_len), Value::str(n.text.as_str()));
}

/// One question; returns the offset after it.
fn question(cx: &mut Ctx, b: &Buf, off: usize, mdns: bool) -> DResult<usize> {
    let n = read_name(b, off)?;
    let p = off + n.wire_len;
    let ty = b.u16(p)?;
    let raw_class = b.u16(p + 2)?;
    let class = if mdns { raw_class & 0x7fff } else { raw_class };
    let qu = mdns && raw_class & 0x8000 != 0;
    let tname = names::type_name(ty);
    let cname = names::class_name(class);
    let mut label = format!("{}: type {tname}, class {cname}", n.text);
    let info = &mut cx.out.cols.info;
    let _ = write!(info, " {tname} {}", n.text);
    if mdns {
        let q = if qu { ", \"QU\" question" } else { ", \"QM\" question" };
        label.push_str(q);
        info.push_str(q);
    }
    let t = cx.tree();
    let q = t.open(&TEXT, b.range(off, n.wire_len + 4), Value::None);
    t.set_text(q, label);
    name_items(cx, b, off, &n, &QRY_NAME);
    let t = cx.tree();
    let l = t.generated(&QRY_NAME_LEN, b.range(off, n.wire_len), Value::UInt(n.name_len as u64));
    t.set_text(l, format_args!("[Name Length: {}]", n.name_len));
    let c = t.generated(&COUNT_LABELS, b.range(off, n.wire_len), Value::UInt(n.labels as u64));
    t.set_text(c, format_args!("[Label Count: {}]", n.labels));
    t.add(&QRY_TYPE, b.range(p, 2), Value::UInt(ty as u64));
    if mdns {
        add_as(cx, &QRY_CLASS, &QRY_CLASS_MDNS, b.range(p + 2, 2), Value::UInt(class as u64));
        cx.tree().add(&QRY_QU, b.range(p + 2, 2), Value::Bool(qu));
    } else {
        cx.tree().add(&QRY_CLASS, b.range(p + 2, 2), Value::UInt(class as u64));
    }
    cx.tree().close();
    Ok(p + 4)
}

/// One resource record; returns the offset after it. `rejected` is set when
/// hickory-proto refuses the record's data.
fn record(cx: &mut Ctx, b: &Buf, off: usize, mdns: bool, rejected: &mut bool) -> DResult<usize> {
    let n = read_name(b, off)?;
    let p = off + n.wire_len;
    let ty = b.u16(p)?;
    let raw_class = b.u16(p + 2)?;
    let ttl = b.u32(p + 4)?;
    let rdlen = b.u16(p + 8)? as usize;
    let flush = mdns && ty != rrtype::OPT && raw_class & 0x8000 != 0;
    let class = if mdns && ty != rrtype::OPT { raw_class & 0x7fff } else { raw_class };
    let tname = names::type_name(ty);
    let info = &mut cx.out.cols.info;
    let _ = write!(info, " {tname}");
    if flush {
        info.push_str(", cache flush");
    }
    // Wireshark places the record's item only once all its bytes are known
    // to be there, so a record cut short leaves no item.
    b.bytes(off, n.wire_len + 10 + rdlen)?;
    let mut label = if ty == rrtype::OPT {
        format!("{}: type {tname}", n.text)
    } else {
        format!("{}: type {tname}, class {}", n.text, names::class_name(class))
    };
    if flush {
        label.push_str(", cache flush");
    }
    let item = cx.tree().open(&TEXT, b.range(off, n.wire_len + 10 + rdlen), Value::None);
    if ty == rrtype::SRV {
        srv_owner(cx, b, off, &n);
    } else {
        name_items(cx, b, off, &n, &RESP_NAME);
    }
    cx.tree().add(&RESP_TYPE, b.range(p, 2), Value::UInt(ty as u64));
    if ty == rrtype::OPT {
        opt_header(cx, b, p);
    } else {
        if mdns {
            add_as(cx, &RESP_CLASS, &RESP_CLASS_MDNS, b.range(p + 2, 2), Value::UInt(class as u64));
            cx.tree().add(&CACHE_FLUSH, b.range(p + 2, 2), Value::Bool(flush));
        } else {
            cx.tree().add(&RESP_CLASS, b.range(p + 2, 2), Value::UInt(class as u64));
        }
        let id = cx.tree().add(&RESP_TTL, b.range(p + 4, 4), Value::UInt(ttl as u64));
        cx.tree().set_text(id, format_args!("Time to live: {ttl} ({})", names::duration(ttl)));
    }
    cx.tree().add(&RESP_LEN, b.range(p + 8, 2), Value::UInt(rdlen as u64));
    let suffix = rdata(cx, b, p + 10, ty, rdlen, &n.text, rejected)?;
    if let Some(s) = suffix {
        label.push_str(", ");
        label.push_str(&s);
    }
    cx.tree().set_text(item, label);
    cx.tree().close();
    Ok(p + 10 + rdlen)
}

/// An SRV record's owner `_service._proto.name` shown in its three parts.
fn srv_owner(cx: &mut Ctx, b: &Buf, off: usize, n: &WireName) {
    let r = b.range(off, n.wire_len);
    let mut parts = n.text.splitn(3, '.');
    let t = cx.tree();
    match (parts.next(), parts.next(), parts.next()) {
        (Some(s), Some(p), Some(rest)) => {
            t.add(&SRV_SERVICE, r.clone(), Value::str(s));
            t.add(&SRV_PROTO, r.clone(), Value::str(p));
            t.add(&SRV_NAME, r, Value::str(rest));
        }
        _ => {
            t.add(&RESP_NAME, r, Value::str(n.text.as_str()));
        }
    }
}

/// The OPT pseudo-record's class and TTL, which carry EDNS parameters.
fn opt_header(cx: &mut Ctx, b: &Buf, p: usize) {
    let (Ok(size), Ok(ext), Ok(ver), Ok(z)) = (b.u16(p + 2), b.u8(p + 4), b.u8(p + 5), b.u16(p + 6)) else {
        return;
    };
    let t = cx.tree();
    t.add(&UDP_PAYLOAD_SIZE, b.range(p + 2, 2), Value::UInt(size as u64));
    t.add(&EXT_RCODE, b.range(p + 4, 1), Value::UInt(ext as u64));
    t.add(&EDNS0_VERSION, b.range(p + 5, 1), Value::UInt(ver as u64));
    t.open(&RESP_Z, b.range(p + 6, 2), Value::UInt(z as u64));
    t.add(&RESP_Z_DO, b.range(p + 6, 2), Value::Bool(z & 0x8000 != 0));
    t.add(&RESP_Z_RESERVED, b.range(p + 6, 2), Value::UInt((z & 0x7fff) as u64));
    t.close();
}

#[cfg(test)]
mod tests;
