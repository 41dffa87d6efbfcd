//! What the session tables key on: the conversation key of a transport flow
//! and the map type every table uses. Below every protocol's state, so the
//! tables and the headless router share them without depending on `Session`.

use std::net::IpAddr;

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
