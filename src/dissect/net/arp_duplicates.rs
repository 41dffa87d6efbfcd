//! Duplicate IP address detection, as Wireshark's ARP dissector does it by
//! default: the first, in-order pass remembers which MAC address each IPv4
//! address was last announced from; an ARP that binds the address to
//! another MAC address is a duplicate, reported against the earlier frame.
//! The result is kept per frame, so a later look at the packet (the TUI, a
//! second pass) shows the same report without the table's later state.

use std::net::Ipv4Addr;

use crate::dissect::conv::HashMap;

/// Where an address was last seen bound to its MAC address.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Binding {
    pub mac: [u8; 6],
    pub frame: u32,
    /// Whole seconds of that frame's timestamp (Wireshark keeps no more).
    pub secs: i64,
}

#[derive(Default)]
pub struct ArpTable {
    bindings: HashMap<Ipv4Addr, Binding>,
    /// (frame, address) → the earlier binding that frame contradicts.
    duplicates: HashMap<(u32, Ipv4Addr), Binding>,
}

impl ArpTable {
    /// Records (first pass) or looks up (later passes) that frame `frame`,
    /// at `secs`, binds `ip` to `mac`. Returns the earlier binding when it
    /// names another MAC address. A contradicting frame does not replace
    /// the binding: the address stays with its first owner.
    pub fn bind(&mut self, first: bool, frame: u32, secs: i64, ip: Ipv4Addr, mac: [u8; 6]) -> Option<Binding> {
        if !first {
            return self.duplicates.get(&(frame, ip)).copied();
        }
        let Some(b) = self.bindings.get_mut(&ip) else {
            self.bindings.insert(ip, Binding { mac, frame, secs });
            return None;
        };
        if frame <= b.frame {
            return None;
        }
        if b.mac == mac {
            b.frame = frame;
            b.secs = secs;
            return None;
        }
        let earlier = *b;
        self.duplicates.insert((frame, ip), earlier);
        Some(earlier)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const IP: Ipv4Addr = Ipv4Addr::new(10, 0, 0, 1);

    #[test]
    fn another_mac_for_a_known_address_is_a_duplicate_of_its_last_sighting() {
        let mut t = ArpTable::default();
        assert_eq!(t.bind(true, 1, 100, IP, [1; 6]), None);
        assert_eq!(t.bind(true, 2, 103, IP, [1; 6]), None);
        let dup = t.bind(true, 3, 107, IP, [2; 6]);
        assert_eq!(dup, Some(Binding { mac: [1; 6], frame: 2, secs: 103 }));
        // The owner keeps the address; the intruder is reported again.
        assert_eq!(t.bind(true, 4, 108, IP, [2; 6]).map(|b| b.frame), Some(2));
        assert_eq!(t.bind(false, 3, 107, IP, [2; 6]), dup);
        assert_eq!(t.bind(false, 1, 100, IP, [1; 6]), None);
    }

    #[test]
    fn the_same_frame_binding_an_address_twice_is_no_duplicate() {
        let mut t = ArpTable::default();
        assert_eq!(t.bind(true, 5, 0, IP, [1; 6]), None);
        assert_eq!(t.bind(true, 5, 0, IP, [2; 6]), None);
    }
}
