//! DNS numbers and their names: record types, classes, opcodes, reply codes
//! and EDNS option codes, worded as Wireshark words them.

use crate::field::ValueStrings;
use crate::field::plural;

/// The record types the dissector decodes itself, by name.
pub mod rrtype {
    pub const A: u16 = 1;
    pub const NS: u16 = 2;
    pub const CNAME: u16 = 5;
    pub const SOA: u16 = 6;
    pub const PTR: u16 = 12;
    pub const HINFO: u16 = 13;
    pub const MX: u16 = 15;
    pub const TXT: u16 = 16;
    pub const SIG: u16 = 24;
    pub const AAAA: u16 = 28;
    pub const SRV: u16 = 33;
    pub const NAPTR: u16 = 35;
    pub const DNAME: u16 = 39;
    pub const OPT: u16 = 41;
    pub const DS: u16 = 43;
    pub const SSHFP: u16 = 44;
    pub const RRSIG: u16 = 46;
    pub const NSEC: u16 = 47;
    pub const DNSKEY: u16 = 48;
    pub const NSEC3: u16 = 50;
    pub const NSEC3PARAM: u16 = 51;
    pub const TLSA: u16 = 52;
    pub const CDS: u16 = 59;
    pub const CDNSKEY: u16 = 60;
    pub const SVCB: u16 = 64;
    pub const HTTPS: u16 = 65;
    pub const CAA: u16 = 257;
    pub const DLV: u16 = 32769;
}

/// (type, Info name, tree description), as Wireshark's `dns_types_vals` and
/// `dns_types_description_vals`.
const TYPES: &[(u16, &str, &str)] = &[
    (0, "Unused", "Unused"),
    (1, "A", "A (Host Address)"),
    (2, "NS", "NS (authoritative Name Server)"),
    (3, "MD", "MD (Mail Destination)"),
    (4, "MF", "MF (Mail Forwarder)"),
    (5, "CNAME", "CNAME (Canonical NAME for an alias)"),
    (6, "SOA", "SOA (Start Of a zone of Authority)"),
    (7, "MB", "MB (MailBox domain name)"),
    (8, "MG", "MG (Mail Group member)"),
    (9, "MR", "MR (Mail Rename domain)"),
    (10, "NULL", "NULL RR"),
    (11, "WKS", "WKS (Well Known Service)"),
    (12, "PTR", "PTR (domain name PoinTeR)"),
    (13, "HINFO", "HINFO (host information)"),
    (14, "MINFO", "MINFO (Mailbox or mail list information)"),
    (15, "MX", "MX (Mail eXchange)"),
    (16, "TXT", "TXT (Text strings)"),
    (17, "RP", "RP (Responsible Person)"),
    (18, "AFSDB", "AFSDB (AFS Data Base location)"),
    (19, "X25", "X25 (XX.25 PSDN address)"),
    (20, "ISDN", "ISDN (ISDN address)"),
    (21, "RT", "RT (Route Through)"),
    (22, "NSAP", "NSAP (NSAP address)"),
    (23, "NSAP-PTR", "NSAP-PTR (NSAP domain name pointer)"),
    (24, "SIG", "SIG (security signature)"),
    (25, "KEY", "KEY (security key)"),
    (26, "PX", "PX (X.400 mail mapping information)"),
    (27, "GPOS", "GPOS (Geographical Position)"),
    (28, "AAAA", "AAAA (IPv6 Address)"),
    (29, "LOC", "LOC (Location Information)"),
    (30, "NXT", "NXT (Next Domain)"),
    (31, "EID", "EID (Endpoint Identifier)"),
    (32, "NIMLOC", "NIMLOC (Nimrod Locator)"),
    (33, "SRV", "SRV (Server Selection)"),
    (34, "ATMA", "ATMA (ATM Address)"),
    (35, "NAPTR", "NAPTR (Naming Authority Pointer)"),
    (36, "KX", "KX (Key Exchanger)"),
    (37, "CERT", "CERT"),
    (38, "A6", "A6 (OBSOLETE - use AAAA)"),
    (39, "DNAME", "DNAME"),
    (40, "SINK", "SINK"),
    (41, "OPT", "OPT"),
    (42, "APL", "APL"),
    (43, "DS", "DS (Delegation Signer)"),
    (44, "SSHFP", "SSHFP (SSH Key Fingerprint)"),
    (45, "IPSECKEY", "IPSECKEY"),
    (46, "RRSIG", "RRSIG (Resource Record Signature)"),
    (47, "NSEC", "NSEC (Next Secure)"),
    (48, "DNSKEY", "DNSKEY (DNS Public Key)"),
    (49, "DHCID", "DHCID"),
    (50, "NSEC3", "NSEC3"),
    (51, "NSEC3PARAM", "NSEC3PARAM"),
    (52, "TLSA", "TLSA"),
    (55, "HIP", "HIP (Host Identity Protocol)"),
    (57, "RKEY", "RKEY"),
    (58, "TALINK", "TALINK (Trust Anchor LINK)"),
    (59, "CDS", "CDS (Child DS)"),
    (60, "CDNSKEY", "CDNSKEY (DNSKEY(s) the Child wants reflected in DS)"),
    (61, "OPENPGPKEY", "OPENPGPKEY (OpenPGP Key)"),
    (62, "CSYNC", "CSYNC (Child-to-Parent Synchronization)"),
    (63, "ZONEMD", "ZONEMD"),
    (64, "SVCB", "SVCB (General Purpose Service Endpoints)"),
    (65, "HTTPS", "HTTPS (HTTPS Specific Service Endpoints)"),
    (99, "SPF", "SPF"),
    (100, "UINFO", "UINFO"),
    (101, "UID", "UID"),
    (102, "GID", "GID"),
    (103, "UNSPEC", "UNSPEC"),
    (104, "NID", "NID (NodeID)"),
    (105, "L32", "L32 (Locator32)"),
    (106, "L64", "L64 (Locator64)"),
    (107, "LP", "LP (Locator FQDN)"),
    (108, "EUI48", "EUI48"),
    (109, "EUI64", "EUI64"),
    (249, "TKEY", "TKEY (Transaction Key)"),
    (250, "TSIG", "TSIG (Transaction Signature)"),
    (251, "IXFR", "IXFR (incremental transfer)"),
    (252, "AXFR", "AXFR (transfer of an entire zone)"),
    (253, "MAILB", "MAILB (mailbox-related RRs)"),
    (254, "MAILA", "MAILA (mail agent RRs)"),
    (255, "ANY", "* (A request for all records the server/cache has available)"),
    (256, "URI", "URI"),
    (257, "CAA", "CAA (Certification Authority Restriction)"),
    (32768, "TA", "TA (DNSSEC Trust Authorities)"),
    (32769, "DLV", "DLV (DNSSEC Lookaside Validation)"),
    (65281, "WINS", "WINS"),
    (65282, "WINS-R", "WINS-R"),
    (65422, "XPF", "XPF"),
];

/// The tree's value strings for `dns.qry.type` and `dns.resp.type`.
pub static TYPE_STRINGS: [(u64, &str); TYPES.len()] = {
    let mut out = [(0u64, ""); TYPES.len()];
    let mut i = 0;
    while i < TYPES.len() {
        out[i] = (TYPES[i].0 as u64, TYPES[i].2);
        i += 1;
    }
    out
};

/// The short name of a type for the Info column and summaries (`A`, `AAAA`).
pub fn type_name(t: u16) -> String {
    match TYPES.iter().find(|e| e.0 == t) {
        Some(e) => e.1.to_string(),
        None => format!("Unknown ({t})"),
    }
}

pub const CLASSES: ValueStrings =
    &[(1, "IN"), (2, "CS"), (3, "CH"), (4, "HS"), (254, "NONE"), (255, "ANY")];

/// A class's name in a record's summary; Wireshark's has no number for
/// one it does not know (`class Unknown`), unlike its type's.
pub fn class_name(c: u16) -> &'static str {
    crate::field::word(CLASSES, c as u64).unwrap_or("Unknown")
}

pub const OPCODES: ValueStrings = &[
    (0, "Standard query"),
    (1, "Inverse query"),
    (2, "Server status request"),
    (4, "Zone change notification"),
    (5, "Dynamic update"),
    (6, "DNS Stateful operations (DSO)"),
];

pub const RCODES: ValueStrings = &[
    (0, "No error"),
    (1, "Format error"),
    (2, "Server failure"),
    (3, "No such name"),
    (4, "Not implemented"),
    (5, "Refused"),
    (6, "Name exists"),
    (7, "RRset exists"),
    (8, "RRset does not exist"),
    (9, "Not authoritative"),
    (10, "Name out of zone"),
    (11, "DSO-Type not implemented"),
    (16, "Bad OPT Version or TSIG Signature Failure"),
    (17, "Key not recognized"),
    (18, "Signature out of time window"),
    (19, "Bad TKEY Mode"),
    (20, "Duplicate key name"),
    (21, "Algorithm not supported"),
    (22, "Bad Truncation"),
    (23, "Bad/missing Server Cookie"),
];

pub const OPT_CODES: ValueStrings = &[
    (0, "Reserved"),
    (1, "LLQ - Long-lived query"),
    (2, "UL - Update lease"),
    (3, "NSID - Name Server Identifier"),
    (4, "Owner (reserved)"),
    (5, "DAU - DNSSEC Algorithm Understood (RFC6975)"),
    (6, "DHU - DS Hash Understood (RFC6975)"),
    (7, "N3U - NSEC3 Hash Understood (RFC6975)"),
    (20730, "Experimental - CSUBNET - Client subnet"),
    (8, "CSUBNET - Client subnet"),
    (9, "EDNS EXPIRE (RFC7314)"),
    (10, "COOKIE"),
    (11, "EDNS TCP Keepalive"),
    (12, "PADDING"),
    (13, "CHAIN"),
    (15, "Extended DNS Error"),
];

/// A value's name in `table`, or Wireshark's `Unknown (n)`.
pub fn name_or_unknown(table: ValueStrings, v: u64) -> String {
    match table.iter().find(|e| e.0 == v) {
        Some(e) => e.1.to_string(),
        None => format!("Unknown ({v})"),
    }
}

/// A TTL as Wireshark words a duration in seconds: `1 day, 2 hours`.
pub fn duration(secs: u32) -> String {
    if secs == 0 {
        return "0 seconds".into();
    }
    let parts = [
        (secs / 86_400, "day"),
        (secs / 3600 % 24, "hour"),
        (secs / 60 % 60, "minute"),
        (secs % 60, "second"),
    ];
    let mut s = String::new();
    for (n, unit) in parts {
        if n == 0 {
            continue;
        }
        if !s.is_empty() {
            s.push_str(", ");
        }
        s.push_str(&format!("{n} {unit}{}", plural(n)));
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_and_durations() {
        assert_eq!(type_name(1), "A");
        assert_eq!(type_name(255), "ANY");
        assert_eq!(type_name(12345), "Unknown (12345)");
        assert_eq!(duration(3513), "58 minutes, 33 seconds");
        assert_eq!(duration(14399), "3 hours, 59 minutes, 59 seconds");
        assert_eq!(duration(172800), "2 days");
        assert_eq!(duration(0), "0 seconds");
    }
}
