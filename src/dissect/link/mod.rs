//! Link layers: the frame's outermost header as the capture's link type
//! names it (Ethernet, Linux cooked SLL and SLL2, BSD loopback, raw IP,
//! Cisco HDLC, netfilter's NFLOG; PPP's link types are in `dissect::ppp`),
//! and what sits between a link header and the network layer (802.1Q VLAN
//! tags, 802.2 LLC/SNAP).

pub mod chdlc;
pub mod eth;
pub mod llc;
pub mod nflog;
pub mod null;
pub mod raw;
pub mod sll;
pub mod sll2;
pub mod vlan;
