//! DNS's story: the header's id and bits, record types and TTLs, after
//! RFC 1035 (and the RFCs that added bits and types since).

use super::{seconds, Item, Story};

const HEADER: &str = "RFC 1035, section 4.1.1 (header section format)";

pub(super) fn story(it: &Item) -> Option<Story> {
    let response = it.is_set("dns.flags.response");
    let line = match it.name() {
        "dns.id" => {
            let id = it.uint()?;
            let pair = match (it.num("dns.response_in"), it.num("dns.response_to")) {
                (Some(f), _) => format!(" Its response is frame {f}."),
                (_, Some(f)) => format!(" It answers the query of frame {f}."),
                _ => String::new(),
            };
            format!(
                "Transaction ID 0x{id:04x}: the client picks it (at random, so that a forged answer is hard to guess) and the server copies it into its response; this is how the client matches a response to its query.{pair}"
            )
        }
        "dns.flags" => format!(
            "Flags 0x{:04x}: this is a {}. The 16 bits hold QR, the opcode, AA, TC, RD, RA, Z, AD, CD and the reply code; each is explained on its own line below it.",
            it.uint()?,
            if response { "response" } else { "query" }
        ),
        "dns.flags.response" => match response {
            true => "QR = 1: a response, from the server.".into(),
            false => "QR = 0: a query, from the client.".into(),
        },
        "dns.flags.opcode" => {
            let op = it.uint()?;
            let what = match op {
                0 => "a standard query (QUERY), what nearly every lookup is",
                1 => "an inverse query (IQUERY), obsolete since RFC 3425",
                2 => "a server status request (STATUS)",
                4 => "a NOTIFY: a primary server tells secondaries that a zone changed (RFC 1996)",
                5 => "an UPDATE: a client adds or deletes records (RFC 2136)",
                6 => "a DNS Stateful Operation (RFC 8490)",
                _ => "an opcode no standard assigns",
            };
            format!("Opcode {op}: {what}.")
        }
        "dns.flags.authoritative" => match it.flag() {
            true => "AA = 1: the answer comes from a server authoritative for the zone (it holds the zone's data), not from a cache.".into(),
            false if response => "AA = 0: the answer comes from a cache (a recursive resolver), not from a server holding the zone.".into(),
            false => "AA = 0: meaningful in responses only.".into(),
        },
        "dns.flags.truncated" => match it.flag() {
            true => "TC = 1: the message did not fit (512 bytes over UDP without EDNS) and was cut; the client should ask again over TCP.".into(),
            false => "TC = 0: the message is whole.".into(),
        },
        "dns.flags.recdesired" => match it.flag() {
            true => "RD = 1: the client asks the server to resolve the name fully (ask other servers on its behalf) rather than refer it elsewhere; stub resolvers and dig set it. A response copies it.".into(),
            false => "RD = 0: the client wants no recursion, only what the server knows itself (dig +norecurse).".into(),
        },
        "dns.flags.recavail" => match it.flag() {
            true => "RA = 1: the server offers recursion.".into(),
            false if response => "RA = 0: the server does not resolve names for clients: it answers for its own zones only.".into(),
            false => "RA = 0: meaningful in responses only.".into(),
        },
        "dns.flags.z" => "Z: reserved, must be zero.".into(),
        "dns.flags.authenticated" => match it.flag() {
            true => "AD = 1: the server validated the answer with DNSSEC signatures.".into(),
            false => "AD = 0: the answer was not validated with DNSSEC (or the client did not ask).".into(),
        },
        "dns.flags.checkdisable" => match it.flag() {
            true => "CD = 1: the client asks the server not to check DNSSEC signatures; it will check them itself.".into(),
            false => "CD = 0: the server may check DNSSEC signatures as usual.".into(),
        },
        "dns.flags.rcode" => {
            let rc = it.uint()?;
            let what = match rc {
                0 => "NoError: the query succeeded (an empty answer section then means the name exists without records of that type)",
                1 => "FormErr: the server could not read the query",
                2 => "ServFail: the server failed to answer (often a broken upstream or DNSSEC failure)",
                3 => "NXDomain: the name does not exist; the authority section usually carries the zone's SOA, whose minimum says how long to cache this",
                4 => "NotImp: the server does not support this kind of query",
                5 => "Refused: the server will not answer this client (policy)",
                6 => "YXDomain: a name exists that should not (dynamic update)",
                9 => "NotAuth: the server is not authoritative for the zone",
                _ => "a reply code outside RFC 1035's list",
            };
            format!("Reply code {rc}: {what}.")
        }
        "dns.qry.type" | "dns.resp.type" => {
            let t = it.uint()?;
            let (what, read) = rr_type(t);
            return Story::new(read, vec![format!("Type {t}: {what}")]);
        }
        "dns.qry.class" | "dns.resp.class" => {
            let c = it.uint()? & 0x7fff;
            match c {
                1 => "Class IN (1): the Internet; nearly every record has it.".into(),
                3 => "Class CH (3): Chaos, used today only for server identity queries (version.bind).".into(),
                255 => "Class ANY (255): any class.".into(),
                _ if it.name() == "dns.resp.class" && it.num("dns.resp.type") == Some(41) => {
                    return Story::new(
                        "RFC 6891, section 6.1.2 (the OPT record's wire format)",
                        vec![format!("In an OPT record the class field is the largest UDP payload the sender can receive: {c} bytes.")],
                    )
                }
                _ => format!("Class {c}."),
            }
        }
        "dns.resp.ttl" => {
            let ttl = it.uint()?;
            return Story::new(
                "RFC 1035, sections 3.2.1 and 4.1.3 (resource records); RFC 2181, section 8",
                vec![format!(
                    "TTL {ttl}: a resolver may keep this record in its cache for {} ({ttl} s) and answer from there before asking again; a change to the record reaches clients only after it runs out.",
                    seconds(ttl)
                )],
            );
        }
        "dns.count.queries" => format!("{} question(s): almost always one.", it.uint()?),
        "dns.count.answers" => format!("{} answer record(s) in the answer section.", it.uint()?),
        "dns.count.auth_rr" => format!("{} record(s) in the authority section: name servers of the zone, or its SOA for a negative answer.", it.uint()?),
        "dns.count.add_rr" => format!("{} record(s) in the additional section: addresses of names given above, or the OPT record of EDNS.", it.uint()?),
        "dns.qry.name" | "dns.resp.name" => {
            let name = it.text();
            return Story::new(
                "RFC 1035, sections 3.1 (name space) and 4.1.4 (message compression)",
                vec![format!(
                    "Name {name}: written on the wire as labels, each a length byte and that many characters, ended by a zero byte; a repeated name is replaced by a two-byte pointer to its first copy."
                )],
            );
        }
        _ => return None,
    };
    Story::new(HEADER, vec![line])
}

/// What record type `t` holds and where it is defined.
fn rr_type(t: u64) -> (&'static str, &'static str) {
    match t {
        1 => ("A, an IPv4 address (4 bytes) of the name.", "RFC 1035, section 3.4.1 (A RDATA)"),
        2 => ("NS, a name server for the zone.", "RFC 1035, section 3.3.11 (NS RDATA)"),
        5 => ("CNAME: the name is an alias; the canonical name follows, and the resolver looks that one up instead.", "RFC 1035, section 3.3.1 (CNAME RDATA)"),
        6 => ("SOA, the start of authority: the zone's primary server, its administrator's mailbox, serial number and timers; a negative answer carries it so that resolvers know how long to remember that the name is missing.", "RFC 1035, section 3.3.13; RFC 2308, section 3"),
        12 => ("PTR, a pointer to a name: reverse lookups (an address written under in-addr.arpa or ip6.arpa) give the host's name.", "RFC 1035, section 3.3.12 (PTR RDATA)"),
        13 => ("HINFO: host information, a CPU and an OS string.", "RFC 1035, section 3.3.2; RFC 8482"),
        15 => ("MX, a mail exchanger: the host that receives mail for the domain, with a preference (lower is tried first).", "RFC 1035, section 3.3.9 (MX RDATA); RFC 5321, section 5.1"),
        16 => ("TXT: free text strings (SPF, domain verification).", "RFC 1035, section 3.3.14 (TXT RDATA)"),
        28 => ("AAAA, an IPv6 address (16 bytes) of the name.", "RFC 3596, section 2"),
        33 => ("SRV: the host and port of a service, with priority and weight.", "RFC 2782"),
        35 => ("NAPTR: a rewriting rule that maps a name to a URI or another name.", "RFC 3403, section 4"),
        41 => ("OPT, the EDNS pseudo-record: not data, but the sender's UDP payload size, extended flags (DO) and options such as cookies.", "RFC 6891, section 6"),
        43 => ("DS: the hash of a child zone's key, kept in the parent (DNSSEC chain of trust).", "RFC 4034, section 5"),
        46 => ("RRSIG: a DNSSEC signature over a set of records.", "RFC 4034, section 3"),
        47 => ("NSEC: proves with a signed gap that a name or type does not exist.", "RFC 4034, section 4"),
        48 => ("DNSKEY: a zone's public key for DNSSEC.", "RFC 4034, section 2"),
        44 => ("SSHFP: the fingerprint of an SSH host key.", "RFC 4255"),
        52 => ("TLSA: the certificate or key a TLS service must present (DANE).", "RFC 6698, section 2"),
        64 => ("SVCB: where and how to reach a service (alternative endpoints and parameters).", "RFC 9460"),
        65 => ("HTTPS: SVCB for HTTPS, with ALPN protocols, port and address hints.", "RFC 9460, section 9"),
        255 => ("ANY: a query for every record of the name; servers now often answer with one (RFC 8482).", "RFC 1035, section 3.2.3; RFC 8482"),
        257 => ("CAA: which certificate authorities may issue certificates for the domain.", "RFC 8659"),
        _ => ("a record type this inspector does not explain.", "RFC 1035, section 3.2.2 (TYPE values); IANA's DNS parameters"),
    }
}
