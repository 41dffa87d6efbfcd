//! IPv4's and IPv6's story: the hop count and the kind of address, after
//! RFC 791, RFC 8200 and the address registries' RFCs.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use crate::field::Value;

use super::{Item, Story};
use crate::field::plural;

pub(super) fn story(it: &Item) -> Option<Story> {
    match it.name() {
        "ip.ttl" => {
            let ttl = it.uint()?;
            Story::new("RFC 791, section 3.1 (internet header format: Time to Live); RFC 1122, section 3.2.1.7", vec![hops(ttl, "TTL", "Time to Live")])
        }
        "ipv6.hlim" => {
            let hl = it.uint()?;
            Story::new("RFC 8200, section 3 (IPv6 header format)", vec![hops(hl, "Hop limit", "hop limit")])
        }
        "ip.src" | "ip.dst" | "ip.addr" | "ip.src_host" | "ip.dst_host" | "ip.host" | "ipv6.src" | "ipv6.dst" | "ipv6.addr"
        | "ipv6.src_host" | "ipv6.dst_host" | "ipv6.host" => {
            let addr = match &it.n.value {
                Value::Ipv4(a) => IpAddr::V4(*a),
                Value::Ipv6(a) => IpAddr::V6(*a),
                _ => it.text().parse().ok()?,
            };
            let role = if it.name().contains("src") {
                "The sender's address"
            } else if it.name().contains("dst") {
                "The receiver's address"
            } else {
                "An address of this datagram (source or destination)"
            };
            let (kind, read) = match addr {
                IpAddr::V4(a) => v4_kind(a),
                IpAddr::V6(a) => v6_kind(a),
            };
            Story::new(read, vec![format!("{role}, {addr}: {kind}")])
        }
        "ip.proto" | "ipv6.nxt" => {
            let p = it.uint()?;
            let what = match p {
                1 => "ICMP",
                2 => "IGMP",
                6 => "TCP",
                17 => "UDP",
                58 => "ICMPv6",
                0 => "a hop-by-hop options header",
                43 => "a routing header",
                44 => "a fragment header",
                60 => "a destination options header",
                _ => "another protocol",
            };
            Story::new(
                "IANA's Assigned Internet Protocol Numbers; RFC 791, section 3.1",
                vec![format!("Protocol {p}: the payload is {what}; this number tells the receiving host which part of its stack gets the data.")],
            )
        }
        "ip.flags.df" => Story::new(
            "RFC 791, section 3.1 (internet header format: flags); RFC 1191 (path MTU discovery)",
            vec![if it.flag() {
                "Don't fragment: a router must drop the datagram rather than split it, and report back with ICMP \"fragmentation needed\"; TCP sets it to discover the path's MTU.".into()
            } else {
                "Don't fragment is not set: a router may split the datagram into fragments that the receiver puts together.".into()
            }],
        ),
        _ => None,
    }
}

fn hops(v: u64, short: &str, long: &str) -> String {
    let start = match v {
        0..=32 => None,
        33..=64 => Some(64),
        65..=128 => Some(128),
        _ => Some(255),
    };
    let mut s = format!(
        "{short} {v}: each router that forwards the datagram lowers the {long} by one, and the one that brings it to 0 drops it and sends an ICMP Time Exceeded back (traceroute works this way), so a lost datagram cannot loop for ever."
    );
    if let Some(start) = start {
        s.push_str(&format!(
            " Hosts start at 64 (Linux, macOS), 128 (Windows) or 255, so this one probably started at {start} and crossed {} router{}.",
            start - v,
            plural(start - v)
        ));
    }
    s
}

fn v4_kind(a: Ipv4Addr) -> (String, &'static str) {
    let o = a.octets();
    if a.is_loopback() {
        ("loopback (127.0.0.0/8): the datagram never left this host; client and server run on the same machine.".into(), "RFC 1122, section 3.2.1.3 (addressing)")
    } else if a.is_private() {
        ("a private address (10/8, 172.16/12 or 192.168/16): used inside a site and never routed on the Internet; a NAT rewrites it on the way out.".into(), "RFC 1918, section 3")
    } else if a.is_link_local() {
        ("link-local (169.254.0.0/16): chosen by the host itself when no DHCP server answered; valid on this link only.".into(), "RFC 3927")
    } else if a.is_broadcast() {
        ("the limited broadcast address: every host on this link receives it; DHCP clients without an address use it.".into(), "RFC 919; RFC 2131, section 4.1")
    } else if a.is_multicast() {
        (format!("multicast (224.0.0.0/4): delivered to every host that joined group {a}{}.", if o[0] == 224 && o[1] == 0 && o[2] == 0 { ", a group of the local link" } else { "" }), "RFC 5771; RFC 1112")
    } else if a.is_unspecified() {
        ("0.0.0.0, \"this host\": a sender that has no address yet (a DHCP client) uses it.".into(), "RFC 1122, section 3.2.1.3")
    } else {
        ("a unicast address of one host's interface.".into(), "RFC 791, section 3.2 (discussion: addressing); RFC 1122, section 3.2.1.3")
    }
}

fn v6_kind(a: Ipv6Addr) -> (String, &'static str) {
    let seg = a.segments();
    if a.is_loopback() {
        ("loopback (::1): the datagram never left this host.".into(), "RFC 4291, section 2.5.3")
    } else if a.is_unspecified() {
        ("the unspecified address (::): a host with no address yet (duplicate address detection) sends from it.".into(), "RFC 4291, section 2.5.2")
    } else if a.is_multicast() {
        ("multicast (ff00::/8): delivered to every interface in the group; IPv6 has no broadcast.".into(), "RFC 4291, section 2.7")
    } else if seg[0] & 0xffc0 == 0xfe80 {
        ("link-local (fe80::/10): every IPv6 interface has one; it is valid on this link only and routers never forward it.".into(), "RFC 4291, section 2.5.6")
    } else if seg[0] & 0xfe00 == 0xfc00 {
        ("a unique local address (fc00::/7): for use inside a site, not on the Internet.".into(), "RFC 4193")
    } else if let Some(v4) = a.to_ipv4_mapped() {
        (format!("an IPv4-mapped address: the IPv4 host {v4} seen through an IPv6 socket."), "RFC 4291, section 2.5.5.2")
    } else {
        ("a global unicast address of one interface.".into(), "RFC 4291, section 2.5.4")
    }
}
