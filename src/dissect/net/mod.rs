//! The network layer: IPv4 and IPv6 (with fragment reassembly), ICMP and
//! ICMPv6 (with echo request/reply pairing), and ARP. The cross-packet
//! state sits beside its dissector: `fragments` holds the pieces of
//! datagrams waiting for the rest, `echo_pairs` the echo requests and
//! replies seen so far.

pub mod arp;
pub mod arp_duplicates;
pub mod echo_pairs;
pub mod fragments;
pub mod icmp;
pub mod icmpv6;
pub mod igmp;
pub(crate) mod ipfrag;
pub mod ipv4;
pub mod ipv6;
