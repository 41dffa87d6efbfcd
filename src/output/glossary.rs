//! `-G fields` and `-G protocols`: the field registry in tshark 4.0's
//! glossary columns, so scripts written against `tshark -G` read ours.

use std::fmt::Write as _;

use crate::field::{self, Base, FieldDef, FieldType};

/// Which glossary `-G` prints.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Glossary {
    Fields,
    Protocols,
    Values,
}

impl Glossary {
    pub fn by_name(name: &str) -> Option<Glossary> {
        match name {
            "fields" => Some(Glossary::Fields),
            "protocols" => Some(Glossary::Protocols),
            "values" => Some(Glossary::Values),
            _ => None,
        }
    }
}

/// The short names Wireshark gives the protocols wirelens registers (its
/// Protocol column text, `-G protocols`' second column); the registry
/// keeps the long name and the filter name only.
const SHORT_NAMES: &[(&str, &str)] = &[
    ("pkt_comment", "Pkt_Comment"),
    ("frame", "Frame"),
    ("_ws.expert", "Expert"),
    ("_ws.malformed", "Malformed packet"),
    ("_ws.short", "Short frame"),
    ("_ws.unreassembled", "Unreassembled fragmented packet"),
    ("data", "Data"),
    ("eth", "Ethernet"),
    ("null", "Null"),
    ("raw", "Raw"),
    ("sll", "SLL"),
    ("vlan", "VLAN"),
    ("ieee8021ad", "IEEE 802.1AD"),
    ("arp", "ARP/RARP"),
    ("llc", "LLC"),
    ("ip", "IPv4"),
    ("ip.options.eol", "End of Options List (EOL)"),
    ("ip.options.nop", "No Operation (NOP)"),
    ("ip.options.record_route", "Record Route"),
    ("ip.options.timestamp", "Time Stamp"),
    ("ip.options.security", "Security"),
    ("ip.options.route", "Loose Source Route"),
    ("ip.options.sid", "Stream ID"),
    ("ip.options.source_route", "Strict Source Route"),
    ("ip.options.routeralert", "Router Alert"),
    ("ip.options.unknown", "Unknown"),
    ("ipv6", "IPv6"),
    ("ipv6.hopopts", "IPv6 Hop-by-Hop"),
    ("ipv6.dstopts", "IPv6 Destination"),
    ("ipv6.routing", "IPv6 Routing"),
    ("ipv6.fraghdr", "IPv6 Fragment"),
    ("icmp", "ICMP"),
    ("icmpv6", "ICMPv6"),
    ("igmp", "IGMP"),
    ("tcp", "TCP"),
    ("user_dlt", "DLT_USER"),
    ("ppp", "PPP"),
    ("lcp", "PPP LCP"),
    ("ipcp", "PPP IPCP"),
    ("ipv6cp", "PPP IPV6CP"),
    ("pap", "PPP PAP"),
    ("chap", "PPP CHAP"),
    ("pppoed", "PPPoED"),
    ("pppoes", "PPPoES"),
    ("chdlc", "CHDLC"),
    ("slarp", "SLARP"),
    ("nflog", "NFLOG"),
    ("pop", "POP"),
    ("imap", "IMAP"),
    ("websocket", "WebSocket"),
    ("ftp-data", "FTP-DATA"),
    ("tcp.options.nop", "No-Operation (NOP)"),
    ("tcp.options.eol", "End of Option List (EOL)"),
    ("tcp.options.mss", "Maximum segment size"),
    ("tcp.options.wscale", "Window scale"),
    ("tcp.options.sack_perm", "SACK permitted"),
    ("tcp.options.sack", "SACK"),
    ("tcp.options.timestamp", "Timestamps"),
    ("tcp.options.unknown", "Unknown"),
    ("tcp.options.tfo", "TCP Fast Open"),
    ("tcp.options.ao", "TCP AO"),
    ("tcp.options.acc_ecn", "Accurate ECN"),
    ("tcp.options.experimental", "Experimental"),
    ("udp", "UDP"),
    ("dns", "DNS"),
    ("mdns", "mDNS"),
    ("llmnr", "LLMNR"),
    ("http", "HTTP"),
    ("data-text-lines", "Line-based text data"),
    ("media", "Media"),
    ("smtp", "SMTP"),
    ("imf", "IMF"),
    ("dhcp", "DHCP/BOOTP"),
    ("ntp", "NTP"),
    ("nbns", "NBNS"),
    ("ssdp", "SSDP"),
    ("ftp", "FTP"),
    ("tls", "TLS"),
    ("quic", "QUIC"),
    ("http3", "HTTP3"),
    ("ssh", "SSH"),
];

/// A protocol's short name; its long name when the table has none.
pub fn short_name(f: &FieldDef) -> &'static str {
    SHORT_NAMES.iter().find(|(name, _)| *name == f.name).map_or(f.display, |&(_, short)| short)
}

/// `-G fields`: a `P` row (long name, filter name) for each protocol and an
/// `F` row for each field: display name, filter name, type, protocol,
/// display base (for a boolean, the width of the word it lives in), bit
/// mask and description.
pub fn fields(out: &mut String) {
    let protocols: Vec<&str> = field::all().iter().filter(|f| f.listed_as_protocol()).map(|f| f.name).collect();
    for f in field::all() {
        if f.listed_as_protocol() {
            let _ = writeln!(out, "P\t{}\t{}", f.display, f.name);
            continue;
        }
        let _ = write!(out, "F\t{}\t{}\t{}\t{}\t", f.display, f.name, f.ftype.ws_name(), owner(f, &protocols));
        base(f, out);
        let _ = writeln!(out, "\t{:#x}\t{}", f.mask, f.desc);
    }
}

/// The protocol a field belongs to in the glossary: the longest protocol
/// name before one of its dots (`ipv6.hopopts.nxt` is an IPv6 Hop-by-Hop
/// field, as Wireshark registers it), else the text before the first dot.
/// TCP's options are protocols of their own that register no fields: the
/// fields under their names are TCP's.
fn owner(f: &FieldDef, protocols: &[&'static str]) -> &'static str {
    let name = f.name;
    let cuts = name.match_indices('.').map(|(i, _)| &name[..i]);
    let owned = |prefix: &&str| protocols.contains(prefix) && !prefix.starts_with("tcp.options.");
    cuts.filter(owned).last().unwrap_or_else(|| f.protocol())
}

/// `-G protocols`: long name, short name, filter name.
pub fn protocols(out: &mut String) {
    for f in field::all().iter().filter(|f| f.listed_as_protocol()) {
        let _ = writeln!(out, "{}\t{}\t{}", f.display, short_name(f), f.name);
    }
}

/// `-G values`: each integer field's value strings as `V` rows (field,
/// value in decimal, or in hex for a hex base, word) and each boolean's words as a `T` row (true word,
/// false word), as tshark lists them.
pub fn values(out: &mut String) {
    for f in field::all() {
        let Some(strings) = f.strings else { continue };
        if f.ftype == FieldType::Bool {
            let word = |v: u64| strings.iter().find(|(k, _)| *k == v).map_or("", |(_, s)| *s);
            let _ = writeln!(out, "T\t{}\t{}\t{}", f.name, word(1), word(0));
            continue;
        }
        let hex = matches!(f.base, Base::Hex | Base::HexDec);
        for (v, s) in strings {
            let _ = if hex { writeln!(out, "V\t{}\t{v:#x}\t{s}", f.name) } else { writeln!(out, "V\t{}\t{v}\t{s}", f.name) };
        }
    }
}

/// The base column: `BASE_*` for integers, the word's width in bits for a
/// boolean (0 when it has no mask), nothing for the other types.
fn base(f: &FieldDef, out: &mut String) {
    if f.ftype == FieldType::Bool {
        let bits = match (f.bits, f.mask) {
            (0, 0) => 0,
            (0, mask) => (64 - mask.leading_zeros()).div_ceil(8) * 8,
            (bits, _) => u32::from(bits),
        };
        let _ = write!(out, "{bits}");
        return;
    }
    if !f.ftype.is_integer() || f.ftype == FieldType::FrameNum {
        return;
    }
    out.push_str(match f.base {
        Base::None => "BASE_NONE",
        Base::Dec => "BASE_DEC",
        Base::Hex => "BASE_HEX",
        Base::DecHex => "BASE_DEC_HEX",
        Base::HexDec => "BASE_HEX_DEC",
        Base::Oui => "BASE_OUI",
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rows_in_tshark_columns() {
        let mut s = String::new();
        fields(&mut s);
        assert!(s.lines().any(|l| l == "P\tTransmission Control Protocol\ttcp"), "no tcp protocol row");
        let syn = s.lines().find(|l| l.split('\t').nth(2) == Some("tcp.flags.syn")).expect("tcp.flags.syn row");
        let cols: Vec<&str> = syn.split('\t').collect();
        assert_eq!(cols[..7], ["F", "Syn", "tcp.flags.syn", "FT_BOOLEAN", "tcp", "12", "0x2"]);
        assert_eq!(cols.len(), 8);
        s.clear();
        protocols(&mut s);
        assert!(s.lines().any(|l| l == "Transmission Control Protocol\tTCP\ttcp"));
        assert!(s.lines().all(|l| l.split('\t').count() == 3));
    }

    #[test]
    fn every_protocol_has_a_short_name() {
        for f in field::all().iter().filter(|f| f.listed_as_protocol()) {
            assert!(SHORT_NAMES.iter().any(|(n, _)| *n == f.name), "{} has no short name", f.name);
        }
    }
}
