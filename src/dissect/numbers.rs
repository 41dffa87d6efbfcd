//! Protocol numbers, named once: the link types of capture files, the
//! EtherTypes and the IP protocol numbers that `dispatch` switches on and
//! the dissectors and the headless router read. Numbers that only one
//! protocol reads (TCP flag bits, DNS record types) live with it.

/// LINKTYPE_ values of pcap and pcapng files (tcpdump.org/linktypes.html).
pub mod linktype {
    /// BSD loopback: a 4-byte address family in the capturing host's order.
    pub const NULL: u32 = 0;
    pub const ETHERNET: u32 = 1;
    /// Raw IP as some systems number it (DLT_RAW's platform values).
    pub const RAW_12: u32 = 12;
    pub const RAW_14: u32 = 14;
    pub const RAW: u32 = 101;
    /// OpenBSD loopback: the address family in network order.
    pub const LOOP: u32 = 108;
    /// Linux cooked capture v1 (`-i any` before libpcap 1.10).
    pub const LINUX_SLL: u32 = 113;
    pub const IPV4: u32 = 228;
    pub const IPV6: u32 = 229;
    /// Linux cooked capture v2.
    pub const LINUX_SLL2: u32 = 276;
    /// PPP, with or without the HDLC-like address and control bytes.
    pub const PPP: u32 = 9;
    /// PPP in HDLC-like framing (RFC 1662).
    pub const PPP_HDLC: u32 = 50;
    /// PPPoE session frames without their Ethernet header.
    pub const PPP_ETHER: u32 = 51;
    pub const C_HDLC: u32 = 104;
    /// Linux netfilter log messages (`tcpdump -i nflog:N`).
    pub const NFLOG: u32 = 239;
    /// The link types reserved for private use (DLT_USER0 to DLT_USER15).
    pub const USER0: u32 = 147;
    pub const USER15: u32 = 162;
}

/// EtherTypes (IEEE 802 numbers; values up to 1500 are 802.3 lengths).
pub mod ethertype {
    /// The largest 802.3 length; type fields above it are EtherTypes.
    pub const MAX_LENGTH: u16 = 1500;
    pub const IPV4: u16 = 0x0800;
    pub const ARP: u16 = 0x0806;
    pub const RARP: u16 = 0x8035;
    pub const VLAN: u16 = 0x8100;
    pub const IPV6: u16 = 0x86dd;
    pub const QINQ: u16 = 0x88a8;
    pub const PPPOE_DISCOVERY: u16 = 0x8863;
    pub const PPPOE_SESSION: u16 = 0x8864;
    /// The pre-standard QinQ tag some switches still send.
    pub const QINQ_OLD: u16 = 0x9100;
}

/// IP protocol numbers (IPv4's protocol, IPv6's next header).
pub mod ipproto {
    pub const HOPOPTS: u8 = 0;
    pub const ICMP: u8 = 1;
    pub const IGMP: u8 = 2;
    pub const IPIP: u8 = 4;
    pub const TCP: u8 = 6;
    pub const UDP: u8 = 17;
    pub const IPV6: u8 = 41;
    pub const ROUTING: u8 = 43;
    pub const FRAGMENT: u8 = 44;
    /// IPsec's authentication header, which no dissector here takes apart.
    pub const AUTH: u8 = 51;
    pub const ICMPV6: u8 = 58;
    pub const NONE: u8 = 59;
    pub const DSTOPTS: u8 = 60;
}
