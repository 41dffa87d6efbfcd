//! Reading the registry's items back out of a dissection: addresses,
//! ports, stream indexes and payloads, by filter name, so that a statistic
//! follows whatever layers the dissectors add (IPv6 counts as soon as a
//! dissector emits `ipv6.src`).

use std::fmt;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use crate::dissect::Dissection;
use crate::field::{self, Field, Value};
use crate::field::tree::{Node, NodeId};

/// An address of any layer. Ordered as Wireshark's `cmp_address` orders
/// two addresses of one type (bytewise), which decides which side of a
/// conversation is listed first.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Addr {
    Ether([u8; 6]),
    V4(Ipv4Addr),
    V6(Ipv6Addr),
}

impl Addr {
    pub fn from_value(v: &Value) -> Option<Addr> {
        match v {
            Value::Ether(e) => Some(Addr::Ether(*e)),
            Value::Ipv4(a) => Some(Addr::V4(*a)),
            Value::Ipv6(a) => Some(Addr::V6(*a)),
            _ => None,
        }
    }

    pub fn ip(self) -> Option<IpAddr> {
        match self {
            Addr::V4(a) => Some(IpAddr::V4(a)),
            Addr::V6(a) => Some(IpAddr::V6(a)),
            Addr::Ether(_) => None,
        }
    }
}

impl fmt::Display for Addr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Addr::Ether(e) => write!(
                f,
                "{:02x}:{:02x}:{:02x}:{:02x}:{:02x}:{:02x}",
                e[0], e[1], e[2], e[3], e[4], e[5]
            ),
            Addr::V4(a) => a.fmt(f),
            Addr::V6(a) => a.fmt(f),
        }
    }
}

fn named(name: &str) -> Option<Field> {
    field::lookup(name)
}

/// Whether `n` is an item of `f` belonging to one of the packet's own
/// layers: a direct child of a top-level protocol item. Headers quoted
/// deeper (the datagram inside an ICMP error) are not the packet's own
/// addresses, and Wireshark's taps skip them too.
fn is(n: &Node, f: Option<Field>) -> bool {
    n.depth == 1 && f.is_some_and(|f| field::same(n.field, f))
}

/// Index of the first own-layer item of `f` at or after `from`.
pub fn first_from(d: &Dissection, f: Option<Field>, from: usize) -> Option<NodeId> {
    (from..d.tree.nodes.len()).find(|&i| is(&d.tree.nodes[i], f))
}

/// The source and destination items of one kind of address.
#[derive(Clone, Copy)]
pub struct AddrFields {
    pub src: Option<Field>,
    pub dst: Option<Field>,
}

impl AddrFields {
    pub fn named(src: &str, dst: &str) -> AddrFields {
        AddrFields { src: named(src), dst: named(dst) }
    }

    /// Every (source, destination) pair in the packet, one per layer of
    /// this kind (a tunnel has two IP layers). Ethernet puts the
    /// destination first, IP the source: a pair is whichever two meet.
    pub fn pairs(&self, d: &Dissection) -> Vec<(Addr, Addr)> {
        let mut out = Vec::new();
        let (mut src, mut dst) = (None, None);
        for n in &d.tree.nodes {
            if is(n, self.src) {
                src = Addr::from_value(&n.value);
            } else if is(n, self.dst) {
                dst = Addr::from_value(&n.value);
            } else {
                continue;
            }
            if let (Some(s), Some(t)) = (src, dst) {
                out.push((s, t));
                (src, dst) = (None, None);
            }
        }
        out
    }
}

/// The innermost network-layer addresses before item `before`.
fn net_before(d: &Dissection, nets: &[AddrFields], before: usize) -> Option<(Addr, Addr)> {
    let mut src = None;
    let mut dst = None;
    for n in d.tree.nodes.iter().take(before) {
        for a in nets {
            if is(n, a.src) {
                src = Addr::from_value(&n.value);
                dst = None;
            } else if is(n, a.dst) {
                dst = Addr::from_value(&n.value);
            }
        }
    }
    Some((src?, dst?))
}

/// One transport header of a packet, with the addresses of the network
/// layer that carries it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Transport {
    pub src: Addr,
    pub dst: Addr,
    pub sport: u16,
    pub dport: u16,
    /// `tcp.stream` / `udp.stream`, when the dissector gives one.
    pub stream: Option<u32>,
    /// The payload item, if the segment carries bytes.
    pub payload: Option<NodeId>,
}

/// The items of one transport protocol (TCP or UDP).
pub struct TransportFields {
    /// An item emitted once the whole header (options included) is read: a
    /// header cut short before it is not counted, as Wireshark's taps run
    /// only after the header.
    last: Option<Field>,
    sport: Option<Field>,
    dport: Option<Field>,
    stream: Option<Field>,
    payload: Option<Field>,
    nets: [AddrFields; 2],
}

impl TransportFields {
    pub fn new(proto: &str) -> TransportFields {
        let last = if proto == "tcp" { "tcp.len" } else { "udp.checksum" };
        TransportFields {
            last: named(last),
            sport: named(&format!("{proto}.srcport")),
            dport: named(&format!("{proto}.dstport")),
            stream: named(&format!("{proto}.stream")),
            payload: named(&format!("{proto}.payload")),
            nets: [AddrFields::named("ip.src", "ip.dst"), AddrFields::named("ipv6.src", "ipv6.dst")],
        }
    }

    /// The packet's first header of this protocol.
    pub fn read(&self, d: &Dissection) -> Option<Transport> {
        let i = first_from(d, self.sport, 0)?;
        let j = first_from(d, self.dport, i)?;
        first_from(d, self.last, j)?;
        let (src, dst) = net_before(d, &self.nets, i)?;
        let port = |k: usize| d.tree.nodes[k].value.as_u64().map(|v| v as u16);
        let stream = first_from(d, self.stream, j).and_then(|k| d.tree.nodes[k].value.as_u64()).map(|v| v as u32);
        Some(Transport {
            src,
            dst,
            sport: port(i)?,
            dport: port(j)?,
            stream,
            payload: first_from(d, self.payload, j),
        })
    }
}
