//! Which worker dissects a packet when a capture is dissected on several
//! threads. Every piece of state a packet reads or changes belongs to one
//! conversation: a TCP or UDP flow (streams, reassembly, DNS, HTTP and SMTP
//! pairing), the ICMP traffic between two hosts (echo pairing), or the
//! fragments of one datagram. So each conversation goes to one worker, which
//! sees its packets in order. The route reads the same headers, with the same
//! choices, as the dissectors that file a packet under its conversation.

use std::net::IpAddr;

use etherparse::{Ipv6ExtensionSlice, LaxIpSlice};

use crate::dissect::numbers::{ethertype, ipproto, linktype};
use crate::dissect::conv::{ConvKey, HashMap};

/// An IP datagram's fragments: source, destination, identification and
/// protocol, as the fragment table keys them.
type Datagram = (IpAddr, IpAddr, u32, u8);

/// Where the fragments of a datagram go: the worker of the first one seen,
/// and whether that was the first fragment (which carries the ports).
#[derive(Clone, Copy)]
struct FragRoute {
    worker: usize,
    from_first: bool,
}

/// Fragmented datagrams remembered at once; a capture with more in flight
/// forgets the oldest routes (at worst a datagram is then not reassembled).
const MAX_DATAGRAMS: usize = 1 << 16;

/// Linux's ARPHRD_IPGRE: an SLL protocol field that is a GRE type.
const HATYPE_GRE: u16 = 778;

/// Encapsulations followed before giving up (VLAN stacks, IP in IP, quotes).
const MAX_DEPTH: u8 = 8;

pub struct Router {
    workers: usize,
    frags: HashMap<Datagram, FragRoute>,
    /// Endpoints of announced FTP data connections, and their control
    /// connection's worker. A flow at such an endpoint goes there (an
    /// earlier flow at the same endpoint would move: it had to be a data
    /// connection of the same server port, which these captures reuse rarely).
    ftp_data: HashMap<(IpAddr, u16), usize>,
    /// Each flow's worker: the one given the fewest packets so far when the
    /// flow was first seen. Hashing flows to workers left one of two with
    /// 28 of 50 busy connections, and the other idle a quarter of the time.
    flows: HashMap<ConvKey, u8>,
    /// Packets given to each worker.
    load: Vec<u64>,
}

/// What a packet's conversation is, as far as the headers tell.
enum Conv {
    /// Two endpoints; ports are 0 for protocols without them.
    Flow(ConvKey),
    /// An FTP control segment that announces a data connection at an
    /// endpoint: that connection is dissected where the announcement was.
    FtpSetup(ConvKey, (IpAddr, u16)),
    /// A fragment of a datagram that is not complete in this packet.
    Fragment(Datagram, Option<ConvKey>),
    /// Nothing that any session table keys on but ARP's, which spans the
    /// capture: these all go to worker 0, which sees every one in order.
    None,
}

fn be16(b: &[u8], at: usize) -> Option<u16> {
    Some(u16::from_be_bytes([*b.get(at)?, *b.get(at + 1)?]))
}

fn be32(b: &[u8], at: usize) -> Option<u32> {
    Some(u32::from_be_bytes(b.get(at..at + 4)?.try_into().ok()?))
}

fn tail(b: &[u8], from: usize) -> Option<&[u8]> {
    b.get(from..)
}

impl Router {
    pub fn new(workers: usize) -> Router {
        Router {
            workers: workers.max(1),
            frags: HashMap::default(),
            ftp_data: HashMap::default(),
            flows: HashMap::default(),
            load: vec![0; workers.max(1)],
        }
    }

    /// The worker (`0..workers`) for a packet of link type `linktype`.
    pub fn route(&mut self, linktype: u32, data: &[u8]) -> usize {
        let w = self.choose(linktype, data);
        if let Some(load) = self.load.get_mut(w) {
            *load += 1;
        }
        w
    }

    fn choose(&mut self, linktype: u32, data: &[u8]) -> usize {
        match link(linktype, data) {
            Conv::Flow(k) => self.flow_worker(k),
            Conv::FtpSetup(k, at) => {
                let w = self.flow_worker(k);
                self.ftp_data.insert(at, w);
                w
            }
            Conv::Fragment(d, first) => self.fragment(d, first),
            Conv::None => 0,
        }
    }

    fn flow_worker(&mut self, k: ConvKey) -> usize {
        if !self.ftp_data.is_empty() {
            if let Some(&w) = self.ftp_data.get(&k.a).or_else(|| self.ftp_data.get(&k.b)) {
                return w;
            }
        }
        self.worker_of(k)
    }

    fn worker_of(&mut self, k: ConvKey) -> usize {
        if let Some(&w) = self.flows.get(&k) {
            return usize::from(w);
        }
        let w = (0..self.workers).min_by_key(|&w| self.load.get(w).copied().unwrap_or(0)).unwrap_or(0);
        // `workers` is at most 64 (`parallel::workers`).
        self.flows.insert(k, w as u8);
        w
    }

    /// All fragments of a datagram go where its first-seen fragment went, so
    /// one fragment table holds them all. When that is the first fragment,
    /// it is its flow's worker, where the reassembled datagram continues the
    /// flow; a first fragment that arrives after later ones joins them.
    fn fragment(&mut self, d: Datagram, first: Option<ConvKey>) -> usize {
        let pair = ConvKey::new(d.0, 0, d.1, 0);
        match (self.frags.get(&d).copied(), first) {
            (Some(r), None) => r.worker,
            (Some(r), Some(_)) if !r.from_first => {
                self.frags.insert(d, FragRoute { worker: r.worker, from_first: true });
                r.worker
            }
            (_, first) => {
                if self.frags.len() >= MAX_DATAGRAMS {
                    self.frags.clear();
                }
                let worker = self.worker_of(first.unwrap_or(pair));
                self.frags.insert(d, FragRoute { worker, from_first: first.is_some() });
                worker
            }
        }
    }
}

fn link(linktype: u32, b: &[u8]) -> Conv {
    let conv = || -> Option<Conv> {
        match linktype {
            linktype::NULL => {
                let raw = u32::from_le_bytes(b.get(0..4)?.try_into().ok()?);
                let v = if raw & 0xffff_0000 != 0 { raw.swap_bytes() } else { raw };
                if v > u32::from(ethertype::MAX_LENGTH) {
                    return ethertype_payload(v as u16, tail(b, 4)?, 0);
                }
                family(v, tail(b, 4)?)
            }
            linktype::LOOP => family(be32(b, 0)?, tail(b, 4)?),
            linktype::ETHERNET => ethernet(b.get(12..)?, 0),
            linktype::RAW_12 | linktype::RAW_14 | linktype::RAW => match b.first()? >> 4 {
                4 => ipv4(b, false, 0),
                6 => ipv6(b, false, 0),
                _ => None,
            },
            linktype::IPV4 => ipv4(b, false, 0),
            linktype::IPV6 => ipv6(b, false, 0),
            linktype::LINUX_SLL => sll(be16(b, 2)?, be16(b, 14)?, tail(b, 16)?),
            linktype::LINUX_SLL2 => sll(be16(b, 8)?, be16(b, 0)?, tail(b, 20)?),
            _ => None,
        }
    };
    conv().unwrap_or(Conv::None)
}

/// BSD loopback's address family.
fn family(v: u32, b: &[u8]) -> Option<Conv> {
    match v {
        2 => ipv4(b, false, 0),
        24 | 28 | 30 => ipv6(b, false, 0),
        _ => None,
    }
}

fn sll(hatype: u16, proto: u16, b: &[u8]) -> Option<Conv> {
    match (proto, hatype) {
        (..=1500, _) => None,
        (ethertype::IPV4, HATYPE_GRE) => ipv4(b, false, 0),
        (ethertype::IPV6, HATYPE_GRE) => ipv6(b, false, 0),
        (_, HATYPE_GRE) => None,
        _ => ethertype_payload(proto, b, 0),
    }
}

/// `b` starts at an Ethernet frame's type/length field.
fn ethernet(b: &[u8], depth: u8) -> Option<Conv> {
    let ty = be16(b, 0)?;
    if ty > ethertype::MAX_LENGTH {
        return ethertype_payload(ty, tail(b, 2)?, depth);
    }
    // IEEE 802.3 and 802.2 LLC: only SNAP with an EtherType leads to IP.
    let llc = tail(b, 2)?;
    if llc.get(0..6)? == [0xaa, 0xaa, 0x03, 0, 0, 0] {
        return ethertype_payload(be16(llc, 6)?, tail(llc, 8)?, depth);
    }
    None
}

fn ethertype_payload(ty: u16, b: &[u8], depth: u8) -> Option<Conv> {
    match ty {
        ethertype::IPV4 => ipv4(b, false, depth),
        ethertype::IPV6 => ipv6(b, false, depth),
        // A VLAN tag's own length field (at most 1500) leads to data only.
        ethertype::VLAN | ethertype::QINQ_OLD | ethertype::QINQ if depth < MAX_DEPTH => match be16(b, 2)? {
            ..=1500 => None,
            inner => ethertype_payload(inner, tail(b, 4)?, depth + 1),
        },
        _ => None,
    }
}

/// The conversation of a transport header `b` between `src` and `dst`.
fn transport(src: IpAddr, dst: IpAddr, proto: u8, b: &[u8], quoted: bool, depth: u8) -> Option<Conv> {
    let pair = Conv::Flow(ConvKey::new(src, 0, dst, 0));
    if depth >= MAX_DEPTH {
        return Some(pair);
    }
    match proto {
        ipproto::TCP => {
            let (sport, dport) = (be16(b, 0)?, be16(b, 2)?);
            let k = ConvKey::new(src, sport, dst, dport);
            let ftp = crate::dissect::ftp::FTP_PORT;
            let payload = || tail(b, usize::from(b.get(12)? >> 4) * 4);
            let setup = match payload() {
                Some(p) if !quoted && (sport == ftp || dport == ftp) && !p.is_empty() => {
                    crate::dissect::ftp::data_setup(p, dport == ftp, src, dst)
                }
                _ => None,
            };
            Some(setup.map_or(Conv::Flow(k), |s| Conv::FtpSetup(k, s.fixed)))
        }
        ipproto::UDP => Some(Conv::Flow(ConvKey::new(src, be16(b, 0)?, dst, be16(b, 2)?))),
        // An error quotes the datagram that caused it, which the dissector
        // looks up in that datagram's conversation.
        ipproto::ICMP if !quoted && matches!(b.first(), Some(3 | 4 | 5 | 11 | 12)) => {
            Some(tail(b, 8).and_then(|q| ipv4(q, true, depth + 1)).unwrap_or(pair))
        }
        ipproto::ICMPV6 if !quoted && matches!(b.first(), Some(1..=4)) => {
            Some(tail(b, 8).and_then(|q| ipv6(q, true, depth + 1)).unwrap_or(pair))
        }
        ipproto::IPIP => ipv4(b, quoted, depth + 1),
        ipproto::IPV6 => ipv6(b, quoted, depth + 1),
        _ => Some(pair),
    }
}

/// The dissectors stop at a version that is not the one the link layer
/// announced, so the router does too.
fn ipv4(b: &[u8], quoted: bool, depth: u8) -> Option<Conv> {
    (b.first()? >> 4 == 4).then(|| ip(b, quoted, depth))?
}

fn ipv6(b: &[u8], quoted: bool, depth: u8) -> Option<Conv> {
    (b.first()? >> 4 == 6).then(|| ip(b, quoted, depth))?
}

/// An IP datagram's conversation, with etherparse's lax slicing: it takes
/// the header and extension headers apart and falls back to the captured
/// length where a length field points beyond it, as the dissectors do.
fn ip(b: &[u8], quoted: bool, depth: u8) -> Option<Conv> {
    let (ip, _) = LaxIpSlice::from_slice(b).ok()?;
    let (src, dst) = (ip.source_addr(), ip.destination_addr());
    let payload = ip.payload();
    // The dissectors stop at an authentication header (an unknown protocol
    // to them), so its packets only pair their addresses.
    let (proto, body) = match &ip {
        LaxIpSlice::Ipv4(v4) if v4.extensions().auth.is_some() => (ipproto::AUTH, &[][..]),
        _ => (payload.ip_number.0, payload.payload),
    };
    // A quoted fragment is never reassembled.
    if !payload.fragmented || quoted {
        return transport(src, dst, proto, body, quoted, depth);
    }
    let (id, first) = match &ip {
        LaxIpSlice::Ipv4(v4) => {
            let h = v4.header();
            (u32::from(h.identification()), h.fragments_offset().value() == 0)
        }
        LaxIpSlice::Ipv6(v6) => v6.extensions().clone().into_iter().find_map(|e| match e {
            Ipv6ExtensionSlice::Fragment(f) if f.is_fragmenting_payload() => {
                Some((f.identification(), f.fragment_offset().value() == 0))
            }
            _ => None,
        })?,
    };
    let flow_key = if first { flow(transport(src, dst, proto, body, quoted, depth)) } else { None };
    Some(Conv::Fragment((src, dst, id, proto), flow_key))
}

fn flow(c: Option<Conv>) -> Option<ConvKey> {
    match c? {
        Conv::Flow(k) | Conv::FtpSetup(k, _) => Some(k),
        Conv::Fragment(_, k) => k,
        Conv::None => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ipv4_tcp(src: [u8; 4], dst: [u8; 4], sport: u16, dport: u16, frag: u16) -> Vec<u8> {
        let mut p = vec![0x45, 0, 0, 40, 0x12, 0x34];
        p.extend(frag.to_be_bytes());
        p.extend([64, 6, 0, 0]);
        p.extend(src);
        p.extend(dst);
        p.extend(sport.to_be_bytes());
        p.extend(dport.to_be_bytes());
        p.extend([0; 16]);
        p
    }

    fn ether(ty: u16, payload: &[u8]) -> Vec<u8> {
        let mut f = vec![0; 12];
        f.extend(ty.to_be_bytes());
        f.extend(payload);
        f
    }

    #[test]
    fn both_directions_of_a_flow_go_to_one_worker() {
        for workers in 2..6 {
            let mut r = Router::new(workers);
            for port in 1000..1200 {
                let a = r.route(1, &ether(0x0800, &ipv4_tcp([10, 0, 0, 1], [10, 0, 0, 2], port, 80, 0)));
                let b = r.route(1, &ether(0x0800, &ipv4_tcp([10, 0, 0, 2], [10, 0, 0, 1], 80, port, 0)));
                assert_eq!(a, b);
                assert!(a < workers);
            }
        }
    }

    #[test]
    fn an_ftp_data_connection_goes_where_its_announcement_went() {
        let segment = |src: [u8; 4], dst: [u8; 4], sport: u16, dport: u16, payload: &[u8]| {
            let mut p = ipv4_tcp(src, dst, sport, dport, 0);
            p[32] = 5 << 4;
            p.extend(payload);
            let len = p.len() as u16;
            p[2..4].copy_from_slice(&len.to_be_bytes());
            p
        };
        let (client, server) = ([127, 0, 0, 1], [127, 0, 0, 21]);
        for workers in 2..6 {
            for data_port in 2000..2050 {
                let mut r = Router::new(workers);
                let reply = format!("227 Entering passive mode (127,0,0,21,{},{}).\r\n", data_port >> 8, data_port & 0xff);
                let control = r.route(228, &segment(server, client, 21, 40000, reply.as_bytes()));
                assert_eq!(r.route(228, &segment(client, server, 50000, data_port, b"")), control);
                assert_eq!(r.route(228, &segment(server, client, data_port, 50000, b"data")), control);
            }
        }
    }

    #[test]
    fn new_flows_go_to_the_least_loaded_worker() {
        let mut r = Router::new(2);
        let first = r.route(228, &ipv4_tcp([127, 0, 0, 1], [127, 0, 0, 1], 999, 8081, 0));
        for _ in 0..3 {
            assert_eq!(r.route(228, &ipv4_tcp([127, 0, 0, 1], [127, 0, 0, 1], 999, 8081, 0)), first);
        }
        // Four packets on one worker: the next three flows go to the other.
        let next: Vec<usize> =
            (1000..1003).map(|p| r.route(228, &ipv4_tcp([127, 0, 0, 1], [127, 0, 0, 1], p, 8081, 0))).collect();
        assert_eq!(next, vec![1 - first; 3]);
        let on_one =
            (2000..2400).filter(|&p| r.route(228, &ipv4_tcp([127, 0, 0, 1], [127, 0, 0, 1], p, 8081, 0)) == 1).count();
        assert!((199..=201).contains(&on_one), "{on_one} of 400 flows on worker 1");
    }

    #[test]
    fn encapsulations_reach_the_same_flow() {
        let ip = ipv4_tcp([10, 0, 0, 1], [10, 0, 0, 2], 5000, 80, 0);
        let mut r = Router::new(7);
        let want = r.route(228, &ip);
        let mut vlan = vec![0, 5, 0x08, 0x00];
        vlan.extend(&ip);
        let mut sll = vec![0, 0, 0, 1, 0, 6, 0, 0, 0, 0, 0, 0, 0, 0, 0x08, 0x00];
        sll.extend(&ip);
        let mut null = 2u32.to_le_bytes().to_vec();
        null.extend(&ip);
        let mut snap = vec![0x00, 0x30, 0xaa, 0xaa, 0x03, 0, 0, 0, 0x08, 0x00];
        snap.extend(&ip);
        let mut snap_frame = vec![0; 12];
        snap_frame.extend(&snap);
        assert_eq!(r.route(1, &ether(0x0800, &ip)), want);
        assert_eq!(r.route(1, &ether(0x8100, &vlan)), want);
        assert_eq!(r.route(113, &sll), want);
        assert_eq!(r.route(0, &null), want);
        assert_eq!(r.route(101, &ip), want);
        assert_eq!(r.route(1, &snap_frame), want);
    }

    #[test]
    fn an_icmp_error_goes_with_the_flow_it_quotes() {
        let mut r = Router::new(5);
        for port in 2000..2050 {
            let ip = ipv4_tcp([10, 0, 0, 1], [10, 0, 0, 2], port, 80, 0);
            let mut icmp = vec![0x45, 0, 0, 0, 0, 0, 0, 0, 64, 1, 0, 0, 10, 0, 0, 254, 10, 0, 0, 1];
            icmp.extend([3, 3, 0, 0, 0, 0, 0, 0]);
            icmp.extend(&ip[..28]);
            let len = icmp.len() as u16;
            icmp[2..4].copy_from_slice(&len.to_be_bytes());
            assert_eq!(r.route(228, &icmp), r.route(228, &ip));
        }
    }

    #[test]
    fn fragments_follow_their_first_fragment() {
        let mut r = Router::new(3);
        for port in 3000..3030 {
            let whole = r.route(228, &ipv4_tcp([10, 0, 0, 1], [10, 0, 0, 2], port, 80, 0));
            let mut first = ipv4_tcp([10, 0, 0, 1], [10, 0, 0, 2], port, 80, 0x2000);
            first[4..6].copy_from_slice(&port.to_be_bytes());
            let mut last = ipv4_tcp([10, 0, 0, 1], [10, 0, 0, 2], 0, 0, 3);
            last[4..6].copy_from_slice(&port.to_be_bytes());
            assert_eq!(r.route(228, &first), whole);
            assert_eq!(r.route(228, &last), whole);
        }
    }

    fn ipv6_udp(sport: u16, frag: Option<(u16, u32)>) -> Vec<u8> {
        let mut p = vec![0x60, 0, 0, 0, 0, 0, if frag.is_some() { 44 } else { 17 }, 64];
        p.extend([0x20, 1, 0x0d, 0xb8].iter().chain(&[0; 11]).chain(&[1]));
        p.extend([0x20, 1, 0x0d, 0xb8].iter().chain(&[0; 11]).chain(&[2]));
        if let Some((offm, id)) = frag {
            p.extend([17, 0]);
            p.extend(offm.to_be_bytes());
            p.extend(id.to_be_bytes());
        }
        p.extend(sport.to_be_bytes());
        p.extend(53u16.to_be_bytes());
        p.extend([0, 12, 0, 0, 1, 2, 3, 4]);
        let len = (p.len() - 40) as u16;
        p[4..6].copy_from_slice(&len.to_be_bytes());
        p
    }

    #[test]
    fn ipv6_fragments_follow_their_first_fragment() {
        let mut r = Router::new(3);
        for port in 4000..4030 {
            let whole = r.route(229, &ipv6_udp(port, None));
            let id = u32::from(port);
            assert_eq!(r.route(229, &ipv6_udp(port, Some((1, id)))), whole);
            // A later fragment carries no ports; it joins its datagram.
            let mut last = ipv6_udp(0, Some((8 << 3, id)));
            last[48..50].copy_from_slice(&[0xde, 0xad]);
            assert_eq!(r.route(229, &last), whole);
            // An atomic fragment (offset 0, no more) is a whole datagram.
            assert_eq!(r.route(229, &ipv6_udp(port, Some((0, id)))), whole);
        }
    }

    #[test]
    fn arbitrary_bytes_route_somewhere() {
        let mut r = Router::new(4);
        let mut x = 0x1234_5678u32;
        for len in 0..300 {
            let bytes: Vec<u8> = (0..len)
                .map(|_| {
                    x ^= x << 13;
                    x ^= x >> 17;
                    x ^= x << 5;
                    x as u8
                })
                .collect();
            for lt in [0, 1, 12, 101, 108, 113, 228, 229, 276, 9999] {
                assert!(r.route(lt, &bytes) < 4);
            }
        }
    }
}
