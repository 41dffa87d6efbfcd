//! Linux "cooked" captures, v1 (LINKTYPE_LINUX_SLL, 113). The fields are
//! shared with v2 (`sll2.rs`), which Wireshark also files under `sll.`.
//!
//! ```text
//! v1: 0 packet type(2)  2 ARPHRD type(2)  4 addr len(2)  6 addr(8)  14 protocol(2)
//! ```

use crate::field::{Base, Field, FieldDef, FieldType, Value};

use super::eth;
use crate::dissect::numbers::ethertype;
use crate::dissect::{call, dispatch, net::ipv4, net::ipv6, Buf, Ctx, DResult};

pub static SLL: FieldDef = FieldDef::new("sll", "Linux cooked-mode capture", FieldType::Protocol).brief()
    .desc("Linux cooked capture header, used when capturing on any interface: packet direction, address and protocol.");
pub static PKTTYPE: FieldDef =
    FieldDef::new("sll.pkttype", "Packet type", FieldType::U16).strings(PACKET_TYPES)
        .desc("Direction of the packet: to us, broadcast, multicast, to another host, or sent by us.");
pub static HATYPE: FieldDef =
    FieldDef::new("sll.hatype", "Link-layer address type", FieldType::U16).strings(HW_TYPES)
        .desc("ARPHRD type of the link-layer address, such as 1 Ethernet or 772 loopback.");
pub static HALEN: FieldDef =
    FieldDef::new("sll.halen", "Link-layer address length", FieldType::U16)
        .desc("Length of the link-layer address in bytes.");
pub static SRC_ETH: FieldDef = FieldDef::new("sll.src.eth", "Source", FieldType::Ether).desc("Source MAC address.");
pub static SRC_IPV4: FieldDef = FieldDef::new("sll.src.ipv4", "Source", FieldType::Ipv4)
    .desc("Source address when the link-layer address is an IPv4 address (tunnels).");
pub static SRC_OTHER: FieldDef = FieldDef::new("sll.src.other", "Source", FieldType::Bytes)
    .desc("Source link-layer address of another kind.");
pub static UNUSED: FieldDef = FieldDef::new("sll.unused", "Unused", FieldType::Bytes)
    .desc("Unused bytes of the 8-byte address field.");
pub static LTYPE: FieldDef = FieldDef::new("sll.ltype", "Protocol", FieldType::U16)
    .base(Base::Hex)
    .strings(&[
        (1, "Raw 802.3"),
        (3, "Ethernet"),
        (4, "802.2 LLC"),
        (7, "PPP (HDLC)"),
        (0xc, "CAN"),
        (0xd, "CAN FD"),
        (0x17, "IrDA LAP"),
        (0xf5, "ISI"),
        (0xf6, "IEEE 802.15.4"),
    ]).desc("Linux protocol type of the payload when it is not an EtherType.");
pub static GRETYPE: FieldDef = FieldDef::new("sll.gretype", "Protocol", FieldType::U16)
    .base(Base::Hex)
    .strings(&[(0x0800, "IP"), (0x86dd, "IPv6")]).desc("GRE protocol type of the payload.");
pub static ETYPE: FieldDef = FieldDef::new("sll.etype", "Protocol", FieldType::U16)
    .base(Base::Hex)
    .strings(eth::ETHERTYPES).desc("EtherType of the payload.");
pub static TRAILER: FieldDef = FieldDef::new("sll.trailer", "Trailer", FieldType::Bytes)
    .desc("Bytes after the payload that belong to no layer.");
pub static IFINDEX: FieldDef = FieldDef::new("sll.ifindex", "Interface index", FieldType::U32)
    .desc("Index of the interface the packet was captured on (SLL2).");

pub static FIELDS: &[Field] = &[
    &SLL, &PKTTYPE, &HATYPE, &HALEN, &SRC_ETH, &SRC_IPV4, &SRC_OTHER, &UNUSED, &LTYPE, &GRETYPE,
    &ETYPE, &TRAILER, &IFINDEX,
];

static PACKET_TYPES: &[(u64, &str)] = &[
    (0, "Unicast to us"),
    (1, "Broadcast"),
    (2, "Multicast"),
    (3, "Unicast to another host"),
    (4, "Sent by us"),
];

/// Linux ARPHRD_ values (as Wireshark names them).
pub static HW_TYPES: &[(u64, &str)] = &[
    (1, "Ethernet"),
    (6, "IEEE 802"),
    (15, "Frame Relay DLCI"),
    (19, "ATM (RFC 2225)"),
    (24, "IEEE 1394.1995"),
    (32, "InfiniBand"),
    (256, "Experimental 2"),
    (512, "PPP"),
    (768, "IPIP tunnel"),
    (772, "Loopback"),
    (776, "sit0 device - IPv6-in-IPv4"),
    (778, "GRE over IP"),
    (801, "IEEE 802.11"),
    (803, "IEEE 802.11 + radiotap header"),
    (823, "GRE over IPv6"),
    (824, "Netlink"),
    (65534, "zero header length"),
];

const HATYPE_GRE: u16 = 778;

/// Dissects the address field (8 bytes at `off`, of which `halen` are the
/// address) and sets the Source column when it is a MAC or IPv4 address.
pub fn address(cx: &mut Ctx, b: Buf, off: usize, halen: usize) -> DResult<()> {
    let used = halen.min(8);
    let bytes = b.bytes(off, 8)?;
    let r = b.range(off, used);
    if used == 6 {
        let a = [bytes[0], bytes[1], bytes[2], bytes[3], bytes[4], bytes[5]];
        cx.tree().add(&SRC_ETH, r, Value::Ether(a));
        cx.out.cols.src = eth::mac(a);
    } else if used == 4 {
        let a = std::net::Ipv4Addr::new(bytes[0], bytes[1], bytes[2], bytes[3]);
        cx.tree().add(&SRC_IPV4, r, Value::Ipv4(a));
        cx.out.cols.src = a.to_string();
    } else if used > 0 {
        cx.tree().add(&SRC_OTHER, r, Value::None);
    }
    if used < 8 {
        cx.tree().add(&UNUSED, b.range(off + used, 8 - used), Value::None);
    }
    Ok(())
}

/// The protocol field: Linux's own small numbers (at most 1500), a GRE
/// protocol type, or an EtherType.
pub fn protocol_item(cx: &mut Ctx, b: Buf, off: usize, hatype: u16) -> DResult<u16> {
    let proto = b.u16(off)?;
    let f = if proto <= ethertype::MAX_LENGTH {
        &LTYPE
    } else if hatype == HATYPE_GRE {
        &GRETYPE
    } else {
        &ETYPE
    };
    cx.tree().add(f, b.range(off, 2), Value::UInt(proto as u64));
    Ok(proto)
}

/// Closes the SLL tree and dissects what the protocol field names; the
/// padding and trailer after it belong to SLL.
pub fn payload(cx: &mut Ctx, b: Buf, hatype: u16, proto: u16, payload: Buf) {
    cx.tree().close();
    if proto <= ethertype::MAX_LENGTH {
        dispatch::data(cx, payload);
    } else if hatype == HATYPE_GRE {
        match proto {
            ethertype::IPV4 => call(cx, payload, ipv4::dissect),
            ethertype::IPV6 => call(cx, payload, ipv6::dissect),
            _ => dispatch::data(cx, payload),
        }
    } else {
        cx.net_end = None;
        dispatch::ethertype(cx, proto, payload);
        eth::trailer(cx, b, &SLL, &TRAILER, false);
    }
}

pub fn pkttype_name(v: u16) -> String {
    match PKTTYPE.value_string(v as u64) {
        Some(s) => s.to_string(),
        None => format!("Unknown ({v})"),
    }
}

pub fn dissect(cx: &mut Ctx, b: Buf) -> DResult<()> {
    cx.enter("sll", "SLL");
    let root = cx.tree().open(&SLL, b.range(0, 16.min(b.len())), Value::None);
    cx.tree().set_text(root, "Linux cooked capture v1");
    let pkttype = b.u16(0)?;
    cx.out.cols.info().push_str(&pkttype_name(pkttype));
    cx.tree().add(&PKTTYPE, b.range(0, 2), Value::UInt(pkttype as u64));
    let hatype = cx.uint(&HATYPE, &b, 2)? as u16;
    let halen = cx.uint(&HALEN, &b, 4)? as u16;
    address(cx, b, 6, halen as usize)?;
    let proto = protocol_item(cx, b, 14, hatype)?;
    let body = b.from(16)?;
    payload(cx, b, hatype, proto, body);
    Ok(())
}

#[cfg(test)]
mod tests {
    use crate::dissect::testutil::{field, run};

    const V4: [u8; 20] = [
        0x45, 0, 0, 20, 0, 1, 0, 0, 64, 253, 0, 0, 10, 0, 0, 1, 10, 0, 0, 2,
    ];

    #[test]
    fn ethernet_source_and_trailer() {
        let mut f = vec![0, 4, 0, 1, 0, 6, 1, 2, 3, 4, 5, 6, 0, 0, 8, 0];
        f.extend_from_slice(&V4);
        f.resize(66, 0);
        let d = run(113, &f);
        assert_eq!(d.protocols, "sll:ethertype:ip");
        assert_eq!(field(&d, &f, "sll.src.eth"), "01:02:03:04:05:06");
        assert_eq!(field(&d, &f, "sll.unused"), "0000");
        assert_eq!(field(&d, &f, "sll.etype"), "0x0800");
        assert_eq!(field(&d, &f, "eth.padding"), "00".repeat(24));
        assert_eq!(field(&d, &f, "sll.trailer"), "00".repeat(6));
        assert_eq!(d.cols.src, "10.0.0.1");
    }

    #[test]
    fn gre_and_linux_protocols() {
        let mut f = vec![0, 4, 3, 0x0a, 0, 4, 1, 2, 3, 4, 0, 0, 0, 0, 8, 0];
        f.extend_from_slice(&V4);
        let d = run(113, &f);
        assert_eq!(d.protocols, "sll:ip");
        assert_eq!(field(&d, &f, "sll.src.ipv4"), "1.2.3.4");
        assert_eq!(field(&d, &f, "sll.gretype"), "0x0800");
        let f = [0, 4, 0, 1, 0, 10, 1, 2, 3, 4, 5, 6, 7, 8, 0, 4, 9, 9];
        let d = run(113, &f);
        assert_eq!(field(&d, &f, "sll.src.other"), "0102030405060708");
        assert_eq!(field(&d, &f, "sll.ltype"), "0x0004");
    }

    #[test]
    fn short_header() {
        let d = run(113, &[0, 0, 0, 1, 0]);
        assert!(d.malformed);
        assert_eq!(d.cols.info, "Unicast to us[Malformed Packet]");
    }
}
