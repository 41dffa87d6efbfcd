//! The tables that hand a layer's payload to the next dissector: link types,
//! EtherTypes, IP protocol numbers. Port tables live with TCP and UDP.

use super::{arp, call, eth, icmp, icmpv6, ipv4, ipv6, null, raw, sll, sll2, tcp, udp, vlan, Buf, Ctx};

/// Dissects a frame of link type `linktype` (a LINKTYPE_ value).
pub fn link(cx: &mut Ctx, linktype: u32, b: Buf) {
    match linktype {
        0 => call(cx, b, null::dissect_null),
        1 => call(cx, b, eth::dissect),
        12 | 14 | 101 => call(cx, b, raw::dissect),
        108 => call(cx, b, null::dissect_loop),
        113 => call(cx, b, sll::dissect),
        228 => call(cx, b, ipv4::dissect),
        229 => call(cx, b, ipv6::dissect),
        276 => call(cx, b, sll2::dissect),
        _ => unknown_link(cx, linktype, b),
    }
}

/// Frames of a link type we do not decode: the bytes stay visible and the
/// tree says which link type it was.
fn unknown_link(cx: &mut Ctx, linktype: u32, b: Buf) {
    let r = b.range(0, b.len());
    cx.tree().text(r, format!("Data of unsupported link type {} ({})", linktype, link_name(linktype)));
    cx.enter("data", "");
}

/// Dissects the payload of an EtherType (Ethernet, VLAN, SLL, …).
pub fn ethertype(cx: &mut Ctx, ty: u16, b: Buf) {
    cx.enter("ethertype", "");
    match ty {
        0x0800 => call(cx, b, ipv4::dissect),
        0x86dd => call(cx, b, ipv6::dissect),
        0x0806 | 0x8035 => call(cx, b, arp::dissect),
        0x8100 | 0x9100 => call(cx, b, vlan::dissect_8021q),
        0x88a8 => call(cx, b, vlan::dissect_8021ad),
        _ => {
            // Wireshark names an EtherType it has no dissector for by its number.
            cx.out.cols.protocol = format!("0x{ty:04x}");
            data(cx, b)
        }
    }
}

/// Dissects the payload of an IP protocol number (IPv4 and IPv6).
pub fn ip_proto(cx: &mut Ctx, proto: u8, b: Buf) {
    match proto {
        1 => call(cx, b, icmp::dissect),
        4 => call(cx, b, ipv4::dissect),
        6 => call(cx, b, tcp::dissect),
        17 => call(cx, b, udp::dissect),
        41 => call(cx, b, ipv6::dissect),
        58 => call(cx, b, icmpv6::dissect),
        _ => data(cx, b),
    }
}

/// Dissects a TCP segment's payload by port (the lower port first, as
/// Wireshark tries), then by heuristics.
pub fn tcp_port(cx: &mut Ctx, _sport: u16, _dport: u16, b: Buf) {
    data(cx, b)
}

/// Dissects a UDP datagram's payload by port, then by heuristics.
pub fn udp_port(cx: &mut Ctx, _sport: u16, _dport: u16, b: Buf) {
    data(cx, b)
}

pub static DATA: crate::field::FieldDef =
    crate::field::FieldDef::new("data", "Data", crate::field::FieldType::Protocol);
pub static DATA_DATA: crate::field::FieldDef =
    crate::field::FieldDef::new("data.data", "Data", crate::field::FieldType::Bytes);
pub static DATA_LEN: crate::field::FieldDef =
    crate::field::FieldDef::new("data.len", "Length", crate::field::FieldType::U32);
pub static DATA_FIELDS: &[crate::field::Field] = &[&DATA, &DATA_DATA, &DATA_LEN];

/// Bytes no dissector claims, shown as Wireshark's `Data (N bytes)`.
pub fn data(cx: &mut Ctx, b: Buf) {
    let n = b.len();
    if n == 0 {
        return;
    }
    cx.enter("data", "");
    let t = cx.tree();
    let id = t.open(&DATA, b.range(0, n), crate::field::Value::None);
    t.set_text(id, format!("Data ({n} bytes)"));
    t.add(&DATA_DATA, b.range(0, n), crate::field::Value::None);
    let l = t.generated(&DATA_LEN, b.range(0, 0), crate::field::Value::UInt(n as u64));
    t.set_text(l, format!("[Length: {n}]"));
    t.close();
}

/// Wireshark's name of a link type, for the frame tree and error notes.
pub fn link_name(linktype: u32) -> &'static str {
    match linktype {
        0 => "NULL/Loopback",
        1 => "Ethernet",
        12 | 14 | 101 => "Raw IP",
        108 => "OpenBSD loopback",
        113 => "Linux cooked-mode capture v1",
        228 => "Raw IPv4",
        229 => "Raw IPv6",
        276 => "Linux cooked-mode capture v2",
        _ => "Unknown",
    }
}

/// Wireshark's WTAP_ENCAP number for a link type (`frame.encap_type`).
pub fn wtap_encap(linktype: u32) -> i32 {
    match linktype {
        0 => 15,
        1 => 1,
        12 | 14 | 101 => 7,
        108 => 15,
        113 => 25,
        228 => 129,
        229 => 130,
        276 => 210,
        _ => -1,
    }
}
