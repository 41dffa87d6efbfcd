//! The DNS lab: an authoritative server for a small zone (A, AAAA, CNAME, MX,
//! NS, TXT; NXDOMAIN for the rest) over UDP and TCP, and a dig-like client.
//! hickory-proto does the wire format and the zone-file parsing.

use std::collections::BTreeMap;
use std::io::{Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream, UdpSocket};
use std::path::PathBuf;
use std::str::FromStr;
use std::sync::Arc;
use std::thread;
use std::time::Duration;

use hickory_proto::op::{Edns, Message, MessageType, OpCode, Query, ResponseCode};
use hickory_proto::rr::{LowerName, Name, RData, Record, RecordSet, RecordType, RrKey};
use hickory_proto::serialize::txt::Parser;

use super::common::{self, Budget, Common, Log, Stop};

pub const PORT: u16 = 53;
pub const FALLBACK_PORT: u16 = 5353;
/// Largest UDP answer without EDNS (RFC 1035); larger ones are truncated (TC).
const UDP_PLAIN: usize = 512;
const BUNDLED_ZONE: &str = include_str!("../../assets/zone.txt");

/// DNS server and dig-like client (port 53 as root, else 5353) for the zone lab.test.
/// Watch each query and its answer (same id) over UDP, or over TCP with a length prefix (--tcp).
#[derive(clap::Args, Debug, Clone)]
#[command(verbatim_doc_comment)]
pub struct Args {
    #[command(flatten)]
    pub common: Common,
    /// Zone file to serve (default: the bundled lab.test zone).
    #[arg(long, value_name = "FILE")]
    pub zone: Option<PathBuf>,
    /// Client queries: names, each optionally followed by a type (A, AAAA, CNAME, MX,
    /// NS, TXT...), as with dig. Default: one query of each type and a missing name.
    #[arg(value_name = "NAME [TYPE]")]
    pub queries: Vec<String>,
    /// The client queries over TCP instead of UDP.
    #[arg(long)]
    pub tcp: bool,
}

/// The records the server answers from.
pub struct Zone {
    origin: Name,
    records: BTreeMap<RrKey, RecordSet>,
}

impl Zone {
    pub fn parse(text: &str) -> anyhow::Result<Zone> {
        // hickory-proto 0.24 panics on a quoted ALPN list; refuse it first.
        let quoted_alpn = text.lines().position(|l| {
            let code = l.split(';').next().unwrap_or("").to_ascii_lowercase();
            code.contains("alpn=\"")
        });
        if let Some(i) = quoted_alpn {
            anyhow::bail!("bad zone file: line {}: write the alpn list unquoted (alpn=h2,h3)", i + 1);
        }
        let (origin, records) =
            Parser::new(text, None, None).parse().map_err(|e| anyhow::anyhow!("bad zone file: {e}"))?;
        Ok(Zone { origin, records })
    }

    fn rrset(&self, name: &LowerName, rtype: RecordType) -> Vec<Record> {
        let key = RrKey::new(name.clone(), rtype);
        self.records.get(&key).map(|s| s.records_without_rrsigs().cloned().collect()).unwrap_or_default()
    }

    fn name_exists(&self, name: &LowerName) -> bool {
        self.records.keys().any(|k| &k.name == name)
    }

    fn soa(&self) -> Vec<Record> {
        self.rrset(&LowerName::new(&self.origin), RecordType::SOA)
    }

    /// Answers one question: the records (following a CNAME inside the zone),
    /// or NXDOMAIN with the zone's SOA when the name has no records at all.
    fn answer(&self, q: &Query) -> (ResponseCode, Vec<Record>, Vec<Record>) {
        let mut name = LowerName::new(q.name());
        let mut answers = Vec::new();
        // A CNAME chain inside the zone is short; the bound stops a loop.
        for _ in 0..8 {
            let direct = self.rrset(&name, q.query_type());
            if !direct.is_empty() {
                answers.extend(direct);
                return (ResponseCode::NoError, answers, Vec::new());
            }
            let cname = self.rrset(&name, RecordType::CNAME);
            let target = cname.first().and_then(|r| match r.data() {
                Some(RData::CNAME(c)) => Some(LowerName::new(&c.0)),
                _ => None,
            });
            match target {
                Some(t) if q.query_type() != RecordType::CNAME => {
                    answers.extend(cname);
                    name = t;
                }
                _ => break,
            }
        }
        if !answers.is_empty() || self.name_exists(&name) {
            return (ResponseCode::NoError, answers, self.soa());
        }
        (ResponseCode::NXDomain, answers, self.soa())
    }

    /// The response to a raw query, or None when it is too short to answer.
    pub fn respond(&self, query: &[u8], udp: bool) -> Option<Vec<u8>> {
        let id = u16::from_be_bytes([*query.first()?, *query.get(1)?]);
        let msg = match Message::from_vec(query) {
            Ok(m) => m,
            Err(_) => return Message::error_msg(id, OpCode::Query, ResponseCode::FormErr).to_vec().ok(),
        };
        if msg.message_type() != MessageType::Query {
            return None;
        }
        let mut resp = Message::new();
        resp.set_id(msg.id())
            .set_message_type(MessageType::Response)
            .set_op_code(msg.op_code())
            .set_recursion_desired(msg.recursion_desired())
            .set_authoritative(true);
        resp.add_queries(msg.queries().iter().cloned());
        let limit = match msg.extensions() {
            Some(e) => {
                let mut edns = Edns::new();
                edns.set_max_payload(1232);
                resp.set_edns(edns);
                usize::from(e.max_payload().clamp(512, 1232))
            }
            None => UDP_PLAIN,
        };
        match (msg.op_code(), msg.queries()) {
            (OpCode::Query, [q]) => {
                let (code, answers, authority) = self.answer(q);
                resp.set_response_code(code);
                resp.add_answers(answers);
                resp.add_name_servers(authority);
            }
            (OpCode::Query, _) => {
                resp.set_response_code(ResponseCode::FormErr);
            }
            _ => {
                resp.set_response_code(ResponseCode::NotImp);
            }
        }
        let bytes = resp.to_vec().ok()?;
        if udp && bytes.len() > limit {
            // Tell the client to retry over TCP.
            resp.take_answers();
            resp.take_name_servers();
            resp.set_truncated(true);
            return resp.to_vec().ok();
        }
        Some(bytes)
    }
}

/// The UDP socket `bind_udp` gives and a TCP listener on the same port.
/// When the system chose the port (`ephemeral`), TCP may already use that
/// number (the UDP and TCP ranges are separate): a new one is chosen then.
fn bind_pair(
    bind_udp: impl Fn() -> anyhow::Result<UdpSocket>,
    ephemeral: bool,
) -> anyhow::Result<(UdpSocket, TcpListener)> {
    let mut tries = 0;
    loop {
        let udp = bind_udp()?;
        match common::bind_tcp(udp.local_addr()?) {
            Ok(tcp) => return Ok((udp, tcp)),
            Err(_) if ephemeral && tries < 20 => tries += 1,
            Err(e) => return Err(e),
        }
    }
}

pub fn run(args: &Args, log: &Log) -> anyhow::Result<()> {
    let c = &args.common;
    let text = match &args.zone {
        Some(p) => std::fs::read_to_string(p).map_err(|e| anyhow::anyhow!("cannot read {}: {e}", p.display()))?,
        None => BUNDLED_ZONE.to_string(),
    };
    let zone = Arc::new(Zone::parse(&text)?);
    let queries = parse_queries(&args.queries, &zone.origin)?;
    let (sockets, target) = if c.runs_server() {
        let bind_udp = || common::bind_preferred(c, PORT, FALLBACK_PORT, common::bind_udp);
        let (udp, tcp) = bind_pair(bind_udp, c.port == Some(0))?;
        let addr = udp.local_addr()?;
        log.line(format!("DNS server for {} on {addr} (UDP and TCP)", zone.origin));
        (Some((udp, tcp)), addr)
    } else {
        (None, c.addr(common::preferred_port(PORT, FALLBACK_PORT)))
    };
    let budget = Budget::new(if c.runs_client() { None } else { c.count });
    let server_log = log.clone();
    let server = sockets.map(|(u, t)| move |stop: Stop| serve(u, t, zone, &stop, &budget, &server_log));
    common::run_roles(c, c.stop(), server, |stop| {
        let n = c.count.map_or(usize::MAX, |n| n.try_into().unwrap_or(usize::MAX));
        for q in queries.iter().take(n) {
            if stop.stopped() {
                break;
            }
            let resp = query(target, q, args.tcp)?;
            log.line(dig_text(&resp));
        }
        Ok(())
    })
}

/// `www A mail MX` → queries; names are made absolute (relative ones under the zone's origin).
fn parse_queries(words: &[String], origin: &Name) -> anyhow::Result<Vec<Query>> {
    let words: Vec<String> = if words.is_empty() {
        let o = origin.to_string();
        let defaults = ["www A", "www AAAA", "web A", "web CNAME", "@ MX", "@ NS", "info TXT", "nothere A"];
        defaults.iter().flat_map(|d| d.split(' ')).map(|w| if w == "@" { o.clone() } else { w.to_string() }).collect()
    } else {
        words.to_vec()
    };
    let mut out: Vec<Query> = Vec::new();
    let mut pending: Option<Name> = None;
    for w in &words {
        if let (Some(name), Ok(t)) = (&pending, RecordType::from_str(&w.to_ascii_uppercase())) {
            out.push(Query::query(name.clone(), t));
            pending = None;
            continue;
        }
        if let Some(name) = pending.take() {
            out.push(Query::query(name, RecordType::A));
        }
        let name = Name::from_str(w).map_err(|e| anyhow::anyhow!("bad name {w:?}: {e}"))?;
        pending = Some(if name.is_fqdn() || w.contains('.') {
            Name::from_str(&format!("{}.", w.trim_end_matches('.')))?
        } else {
            name.append_domain(origin)?
        });
    }
    if let Some(name) = pending {
        out.push(Query::query(name, RecordType::A));
    }
    Ok(out)
}

pub fn serve(udp: UdpSocket, tcp: TcpListener, zone: Arc<Zone>, stop: &Stop, budget: &Budget, log: &Log) {
    let (tcp_zone, tcp_stop, tcp_budget, tcp_log) = (zone.clone(), stop.clone(), budget.clone(), log.clone());
    let tcp_thread = thread::spawn(move || {
        let conn_log = tcp_log.clone();
        common::accept_loop(tcp, &tcp_stop, &tcp_budget, &tcp_log, move |stream, peer, stop| {
            serve_tcp(stream, peer, &tcp_zone, &stop, &conn_log)
        });
    });
    common::udp_loop(&udp, stop, budget, log, |q, peer| {
        log.line(format!("{peer} udp: {}", describe(q)));
        zone.respond(q, true)
    });
    let _ = tcp_thread.join();
}

fn serve_tcp(mut stream: TcpStream, peer: SocketAddr, zone: &Zone, stop: &Stop, log: &Log) -> std::io::Result<()> {
    let mut lines = common::LineReader::new(stream.try_clone()?, 0);
    loop {
        let Some(len) = lines.exact(2, stop)? else { return Ok(()) };
        let n = usize::from(u16::from_be_bytes([len.first().copied().unwrap_or(0), len.get(1).copied().unwrap_or(0)]));
        let Some(q) = lines.exact(n, stop)? else { return Ok(()) };
        log.line(format!("{peer} tcp: {}", describe(&q)));
        let Some(r) = zone.respond(&q, false) else { return Ok(()) };
        let mut out = u16::try_from(r.len()).unwrap_or(u16::MAX).to_be_bytes().to_vec();
        out.extend_from_slice(&r);
        stream.write_all(&out)?;
    }
}

fn describe(q: &[u8]) -> String {
    match Message::from_vec(q) {
        Ok(m) => m.queries().iter().map(|q| format!("{} {}", q.name(), q.query_type())).collect::<Vec<_>>().join(", "),
        Err(e) => format!("undecodable query ({e})"),
    }
}

/// Sends one query and returns the decoded response.
pub fn query(target: SocketAddr, q: &Query, tcp: bool) -> anyhow::Result<Message> {
    let mut msg = Message::new();
    let id = query_id(q);
    msg.set_id(id).set_message_type(MessageType::Query).set_op_code(OpCode::Query).set_recursion_desired(true);
    msg.add_query(q.clone());
    let bytes = msg.to_vec()?;
    let timeout = Duration::from_secs(2);
    let resp = if tcp {
        let mut s = TcpStream::connect_timeout(&target, timeout)
            .map_err(|e| anyhow::anyhow!("cannot connect to {target}: {e}"))?;
        s.set_read_timeout(Some(timeout))?;
        let mut out = u16::try_from(bytes.len())?.to_be_bytes().to_vec();
        out.extend_from_slice(&bytes);
        s.write_all(&out)?;
        let mut len = [0u8; 2];
        s.read_exact(&mut len)?;
        let mut body = vec![0u8; usize::from(u16::from_be_bytes(len))];
        s.read_exact(&mut body)?;
        body
    } else {
        let s = common::udp_client(target)?;
        s.set_read_timeout(Some(timeout))?;
        s.send_to(&bytes, target)?;
        let mut buf = [0u8; 65535];
        let n = s.recv(&mut buf).map_err(|e| anyhow::anyhow!("no answer from {target}: {e}"))?;
        buf.get(..n).unwrap_or_default().to_vec()
    };
    let resp = Message::from_vec(&resp)?;
    anyhow::ensure!(resp.id() == id, "answer from {target} has id {} for query {id}", resp.id());
    Ok(resp)
}

/// A query id that differs per question but is the same on every run, so
/// that regenerated captures keep their ids.
fn query_id(q: &Query) -> u16 {
    let text = format!("{} {}", q.name(), q.query_type());
    text.bytes().fold(0x1d2cu16, |h, b| h.rotate_left(5) ^ u16::from(b))
}

/// The response in dig's layout (header, flags, question and record sections).
pub fn dig_text(m: &Message) -> String {
    let mut out = String::new();
    let mut flags = vec!["qr"];
    for (on, name) in [
        (m.authoritative(), "aa"),
        (m.truncated(), "tc"),
        (m.recursion_desired(), "rd"),
        (m.recursion_available(), "ra"),
    ] {
        if on {
            flags.push(name);
        }
    }
    out.push_str(&format!(
        ";; ->>HEADER<<- opcode: {}, status: {}, id: {}\n",
        format!("{:?}", m.op_code()).to_ascii_uppercase(),
        status_name(m.response_code()),
        m.id()
    ));
    out.push_str(&format!(
        ";; flags: {}; QUERY: {}, ANSWER: {}, AUTHORITY: {}, ADDITIONAL: {}\n",
        flags.join(" "),
        m.queries().len(),
        m.answers().len(),
        m.name_servers().len(),
        m.additionals().len()
    ));
    out.push_str("\n;; QUESTION SECTION:\n");
    for q in m.queries() {
        out.push_str(&format!(";{}\t\t{}\t{}\n", q.name(), q.query_class(), q.query_type()));
    }
    for (title, records) in [("ANSWER", m.answers()), ("AUTHORITY", m.name_servers())] {
        if !records.is_empty() {
            out.push_str(&format!("\n;; {title} SECTION:\n"));
            for r in records {
                let data = r.data().map(|d| d.to_string()).unwrap_or_default();
                out.push_str(&format!("{}\t{}\t{}\t{}\t{data}\n", r.name(), r.ttl(), r.dns_class(), r.record_type()));
            }
        }
    }
    out
}

/// dig's spelling of a response code.
fn status_name(code: ResponseCode) -> String {
    match code {
        ResponseCode::NoError => "NOERROR".into(),
        ResponseCode::FormErr => "FORMERR".into(),
        ResponseCode::ServFail => "SERVFAIL".into(),
        ResponseCode::NXDomain => "NXDOMAIN".into(),
        ResponseCode::NotImp => "NOTIMP".into(),
        ResponseCode::Refused => "REFUSED".into(),
        other => format!("{other:?}").to_ascii_uppercase(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_ephemeral_port_taken_by_tcp_is_chosen_again() {
        let taken = TcpListener::bind("127.0.0.1:0").unwrap();
        let busy = taken.local_addr().unwrap();
        let calls = std::cell::Cell::new(0);
        let first_busy = || {
            calls.set(calls.get() + 1);
            let at = if calls.get() == 1 { busy } else { "127.0.0.1:0".parse().unwrap() };
            common::bind_udp(at)
        };
        let (udp, tcp) = bind_pair(first_busy, true).unwrap();
        assert_eq!(calls.get(), 2);
        assert_ne!(udp.local_addr().unwrap(), busy);
        assert_eq!(tcp.local_addr().unwrap(), udp.local_addr().unwrap());
        assert!(bind_pair(|| common::bind_udp(busy), false).is_err(), "a port the user chose is not changed");
    }

    fn start() -> (SocketAddr, Stop, thread::JoinHandle<()>) {
        let (udp, tcp) = bind_pair(|| common::bind_udp("127.0.0.1:0".parse().unwrap()), true).unwrap();
        let addr = udp.local_addr().unwrap();
        let zone = Arc::new(Zone::parse(BUNDLED_ZONE).unwrap());
        let stop = Stop::never();
        let s = stop.clone();
        let (log, _) = Log::memory();
        (addr, stop, thread::spawn(move || serve(udp, tcp, zone, &s, &Budget::new(None), &log)))
    }

    fn q(name: &str, t: RecordType) -> Query {
        Query::query(Name::from_str(name).unwrap(), t)
    }

    fn rdata(m: &Message) -> Vec<String> {
        m.answers().iter().filter_map(|r| r.data()).map(|d| d.to_string()).collect()
    }

    #[test]
    fn answers_every_record_type_over_udp_and_tcp() {
        let (addr, stop, h) = start();
        for tcp in [false, true] {
            let a = query(addr, &q("www.lab.test.", RecordType::A), tcp).unwrap();
            assert_eq!(rdata(&a), ["127.0.0.1"]);
            assert!(a.authoritative());
            assert_eq!(rdata(&query(addr, &q("www.lab.test.", RecordType::AAAA), tcp).unwrap()), ["::1"]);
            assert_eq!(rdata(&query(addr, &q("lab.test.", RecordType::MX), tcp).unwrap()), ["10 mail.lab.test."]);
            assert_eq!(rdata(&query(addr, &q("lab.test.", RecordType::NS), tcp).unwrap()), ["ns1.lab.test."]);
            let txt = rdata(&query(addr, &q("info.lab.test.", RecordType::TXT), tcp).unwrap());
            assert_eq!(txt.len(), 1);
            assert!(txt[0].contains("wirelens DNS lab"), "{txt:?}");
            // A CNAME is followed to the address, both in the answer.
            let web = query(addr, &q("WEB.lab.test.", RecordType::A), tcp).unwrap();
            assert_eq!(rdata(&web), ["www.lab.test.", "127.0.0.1"]);
            let missing = query(addr, &q("nothere.lab.test.", RecordType::A), tcp).unwrap();
            assert_eq!(missing.response_code(), ResponseCode::NXDomain);
            assert!(missing.answers().is_empty());
            assert_eq!(missing.name_servers().len(), 1, "SOA in the authority section");
            let other = query(addr, &q("example.com.", RecordType::A), tcp).unwrap();
            assert_eq!(other.response_code(), ResponseCode::NXDomain);
            // The name exists, the type does not: NOERROR and no answer.
            let nodata = query(addr, &q("ns1.lab.test.", RecordType::MX), tcp).unwrap();
            assert_eq!(nodata.response_code(), ResponseCode::NoError);
            assert!(nodata.answers().is_empty());
        }
        stop.stop();
        h.join().unwrap();
    }

    #[test]
    fn a_quoted_alpn_list_is_refused_not_a_panic() {
        let zone = "$ORIGIN lab.test.\n$TTL 60\n; alpn=\"h2\" in a comment is fine\nsvc IN HTTPS 1 . alpn=\"h2,h3\"\n";
        let err = Zone::parse(zone).err().unwrap().to_string();
        assert_eq!(err, "bad zone file: line 4: write the alpn list unquoted (alpn=h2,h3)");
        assert!(Zone::parse("$ORIGIN lab.test.\n$TTL 60\nsvc IN HTTPS 1 . alpn=h2,h3\n").is_ok());
    }

    #[test]
    fn bad_queries_get_formerr_or_nothing() {
        let zone = Zone::parse(BUNDLED_ZONE).unwrap();
        assert_eq!(zone.respond(&[], true), None);
        assert_eq!(zone.respond(&[1], true), None);
        let r = zone.respond(&[0x12, 0x34, 1, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0xc0], true).unwrap();
        let m = Message::from_vec(&r).unwrap();
        assert_eq!((m.id(), m.response_code()), (0x1234, ResponseCode::FormErr));
        for seed in 0..200u32 {
            let junk: Vec<u8> = (0..(seed % 40)).map(|i| (seed.wrapping_mul(31).wrapping_add(i * 17)) as u8).collect();
            let _ = zone.respond(&junk, seed % 2 == 0);
        }
    }

    #[test]
    fn dig_like_queries_and_output() {
        let origin = Name::from_str("lab.test.").unwrap();
        let qs = parse_queries(&["www".into(), "aaaa".into(), "mail.lab.test".into(), "lab.test.".into(), "MX".into()], &origin)
            .unwrap();
        let got: Vec<String> = qs.iter().map(|q| format!("{} {}", q.name(), q.query_type())).collect();
        assert_eq!(got, ["www.lab.test. AAAA", "mail.lab.test. A", "lab.test. MX"]);
        assert_eq!(parse_queries(&[], &origin).unwrap().len(), 8);
        let zone = Zone::parse(BUNDLED_ZONE).unwrap();
        let mut m = Message::new();
        m.set_id(7).add_query(q("www.lab.test.", RecordType::A));
        let r = Message::from_vec(&zone.respond(&m.to_vec().unwrap(), true).unwrap()).unwrap();
        let text = dig_text(&r);
        assert!(text.contains("status: NOERROR, id: 7"), "{text}");
        assert!(text.contains(";; ANSWER SECTION:\nwww.lab.test.\t300\tIN\tA\t127.0.0.1"), "{text}");
    }
}
