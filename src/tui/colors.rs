//! Wireshark's default coloring rules for the packet list, evaluated against
//! a packet's tree. The first rule that matches colors the row; rules naming
//! protocols wirelens does not dissect simply never match.

use std::net::Ipv4Addr;

use ratatui::style::Color;

use crate::dissect::Dissection;
use crate::field::Value;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Coloring {
    pub name: &'static str,
    pub fg: Color,
    pub bg: Color,
}

const DARK: Color = Color::Rgb(0x12, 0x27, 0x2e);
const fn rgb(r: u8, g: u8, b: u8) -> Color {
    Color::Rgb(r, g, b)
}

/// What a rule can ask of a packet.
struct Probe<'a> {
    d: &'a Dissection,
    frame: &'a [u8],
}

impl Probe<'_> {
    fn has(&self, name: &str) -> bool {
        self.d.protocols.split(':').any(|p| p == name) || self.values(name).next().is_some()
    }

    fn values<'s>(&'s self, name: &'s str) -> impl Iterator<Item = &'s Value> + 's {
        self.d.tree.nodes.iter().filter(move |n| n.field.name == name).map(|n| &n.value)
    }

    fn uint(&self, name: &str, pred: impl Fn(u64) -> bool) -> bool {
        self.values(name).filter_map(Value::as_u64).any(pred)
    }

    fn bad_checksum(&self, name: &str) -> bool {
        self.d.tree.nodes.iter().any(|n| {
            n.field.name == name && n.value.as_u64().and_then(|v| n.field.value_string(v)) == Some("Bad")
        })
    }

    fn ip_dst(&self) -> Option<Ipv4Addr> {
        self.values("ip.dst").find_map(|v| match v {
            Value::Ipv4(a) => Some(*a),
            _ => None,
        })
    }
}

type Rule = (&'static str, fn(&Probe) -> bool, Color, Color);

/// `(name, condition, foreground, background)`, in Wireshark's order; the
/// conditions are Wireshark's filter expressions, written out.
const RULES: &[Rule] = &[
    ("Bad TCP", |p| {
        p.has("tcp.analysis.flags")
            && !p.has("tcp.analysis.window_update")
            && !p.has("tcp.analysis.keep_alive")
            && !p.has("tcp.analysis.keep_alive_ack")
    }, rgb(0xf7, 0x87, 0x87), DARK),
    ("ICMP errors", |p| {
        p.uint("icmp.type", |t| matches!(t, 3..=5 | 11)) || p.uint("icmpv6.type", |t| (1..=4).contains(&t))
    }, rgb(0xb7, 0xf7, 0x74), DARK),
    ("ARP", |p| p.has("arp"), DARK, rgb(0xfa, 0xf0, 0xd7)),
    ("ICMP", |p| p.has("icmp") || p.has("icmpv6"), DARK, rgb(0xfc, 0xe0, 0xff)),
    ("TCP RST", |p| p.uint("tcp.flags.reset", |v| v == 1), rgb(0xff, 0xfc, 0x9c), rgb(0xa4, 0, 0)),
    ("TTL low or unexpected", |p| {
        let Some(dst) = p.ip_dst() else { return false };
        let multicast = dst.octets()[0] & 0xf0 == 224;
        (!multicast && p.uint("ip.ttl", |t| t < 5) && !p.has("pim") && !p.has("ospf"))
            || (dst.octets()[..3] == [224, 0, 0]
                && dst != Ipv4Addr::new(224, 0, 0, 251)
                && p.uint("ip.ttl", |t| t != 1)
                && !(p.has("vrrp") || p.has("carp")))
    }, rgb(0xec, 0xf0, 0xeb), rgb(0xa4, 0, 0)),
    ("Checksum Errors", |p| {
        ["eth.fcs.status", "ip.checksum.status", "tcp.checksum.status", "udp.checksum.status"]
            .iter()
            .any(|f| p.bad_checksum(f))
    }, rgb(0xf7, 0x87, 0x87), DARK),
    ("SMB", |p| ["smb", "nbss", "nbns", "netbios"].iter().any(|n| p.has(n)), DARK, rgb(0xfe, 0xff, 0xd0)),
    ("HTTP", |p| p.has("http") || p.uint("tcp.port", |v| v == 80) || p.has("http2"), DARK, rgb(0xe4, 0xff, 0xc7)),
    ("DCERPC", |p| p.has("dcerpc"), DARK, rgb(0xc7, 0x97, 0xff)),
    ("Routing", |p| {
        ["hsrp", "eigrp", "ospf", "bgp", "cdp", "vrrp", "carp", "gvrp", "igmp", "ismp"].iter().any(|n| p.has(n))
    }, DARK, rgb(0xfe, 0xf3, 0xd6)),
    ("TCP SYN/FIN", |p| p.uint("tcp.flags", |f| f & 0x02 != 0) || p.uint("tcp.flags.fin", |v| v == 1), DARK, rgb(0xa0, 0xa0, 0xa0)),
    ("TCP", |p| p.has("tcp"), DARK, rgb(0xe7, 0xe6, 0xff)),
    ("UDP", |p| p.has("udp"), DARK, rgb(0xda, 0xee, 0xff)),
    ("Broadcast", |p| p.has("eth") && p.frame.first().is_some_and(|b| b & 1 == 1), rgb(0xba, 0xbd, 0xb6), rgb(0xff, 0xff, 0xff)),
];

/// The coloring rule the packet matches, if any.
pub fn classify(d: &Dissection, frame: &[u8]) -> Option<Coloring> {
    let probe = Probe { d, frame };
    RULES.iter().find(|r| (r.1)(&probe)).map(|&(name, _, fg, bg)| Coloring { name, fg, bg })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tui::testutil;

    #[test]
    fn syn_is_gray_data_is_tcp_udp_is_blue() {
        let syn = testutil::tcp_frame(0x002, b"");
        let data = testutil::tcp_frame(0x018, b"hello");
        let rst = testutil::tcp_frame(0x014, b"");
        let udp = testutil::udp_frame(b"ping");
        let names: Vec<_> = [syn, data, rst, udp]
            .iter()
            .map(|f| classify(&testutil::dissect(f), f).map(|c| c.name))
            .collect();
        assert_eq!(names, [Some("TCP SYN/FIN"), Some("TCP"), Some("TCP RST"), Some("UDP")]);
    }
}
