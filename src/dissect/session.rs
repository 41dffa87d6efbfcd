//! State that lives across packets: the `Session` that holds every
//! protocol's tables (each table lives in its protocol's folder, beside the
//! dissector that fills it), the conversation key and the tables' map type.

use std::net::IpAddr;

use super::dns::pairing as dns;
use super::http::state as http;
use super::net::{echo_pairs as echo, fragments as frag};
use super::smtp::state as smtp;
use super::ssh::state as ssh;
use super::tls::state as tls;
use super::tcp::stream as tcp;

/// The session tables' map: keys are addresses, ports and frame numbers,
/// hashed for every packet, where SipHash's strength costs more than it
/// buys (foldhash is seeded per process, so crafted captures cannot
/// predict collisions).
pub type HashMap<K, V> = std::collections::HashMap<K, V, foldhash::fast::RandomState>;

/// Both directions of a transport conversation map to one key.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct ConvKey {
    pub a: (IpAddr, u16),
    pub b: (IpAddr, u16),
}

impl ConvKey {
    pub fn new(src: IpAddr, sport: u16, dst: IpAddr, dport: u16) -> ConvKey {
        let (x, y) = ((src, sport), (dst, dport));
        if x <= y {
            ConvKey { a: x, b: y }
        } else {
            ConvKey { a: y, b: x }
        }
    }
}

#[derive(Default)]
pub struct Session {
    udp_streams: HashMap<ConvKey, u32>,
    /// ICMP and ICMPv6 echo request/reply pairs.
    pub echo: echo::EchoTable,
    /// IPv4 and IPv6 fragments waiting for the rest of their datagram.
    pub frags: frag::FragTable,
    pub tcp: tcp::TcpTable,
    pub dns: dns::DnsState,
    pub http: http::HttpState,
    pub smtp: smtp::SmtpState,
    pub tls: tls::TlsState,
    pub ssh: ssh::SshState,
}

impl Session {
    pub fn new() -> Session {
        Session::default()
    }

    /// `udp.stream`: the index of the UDP flow between two endpoints, in
    /// order of first appearance.
    pub fn udp_stream(&mut self, key: ConvKey) -> u32 {
        let next = self.udp_streams.len() as u32;
        *self.udp_streams.entry(key).or_insert(next)
    }
}
