//! Cisco HDLC (LINKTYPE_C_HDLC, 104): an address byte (unicast or
//! multicast), a control byte and an EtherType-like protocol, on serial
//! links between Cisco routers; and SLARP, its keepalive and address
//! resolution protocol. The link has no addresses: the columns say N/A.

use std::fmt::Write;

use crate::field::{Base, Field, FieldDef, FieldType, Value};

use crate::dissect::numbers::ethertype;
use crate::dissect::{call, dispatch, net::ipv4, net::ipv6, Buf, Ctx, DResult};

pub static CHDLC: FieldDef = FieldDef::new("chdlc", "Cisco HDLC", FieldType::Protocol)
    .desc("Cisco's HDLC framing for serial links: address, control and protocol before the packet");
pub static ADDRESS: FieldDef = FieldDef::new("chdlc.address", "Address", FieldType::U8)
    .base(Base::Hex)
    .strings(&[(0x0f, "Unicast"), (0x8f, "Multicast")])
    .desc("0x0f for a unicast frame, 0x8f for a broadcast or multicast one");
pub static CONTROL: FieldDef = FieldDef::new("chdlc.control", "Control", FieldType::U8)
    .base(Base::Hex)
    .desc("The HDLC control byte, always 0");
pub static PROTOCOL: FieldDef = FieldDef::new("chdlc.protocol", "Protocol", FieldType::U16)
    .base(Base::Hex)
    .strings(&[
        (0x2000, "Cisco Discovery Protocol"),
        (0x0800, "IP"),
        (0x86dd, "IPv6"),
        (0x8035, "SLARP"),
        (0x8038, "DEC LanBridge"),
        (0x4242, "Spanning Tree BPDU"),
        (0x809b, "Appletalk"),
        (0x80f3, "AARP"),
        (0x8137, "Netware IPX/SPX"),
        (0x6558, "Transparent Ethernet bridging"),
        (0xfefe, "OSI"),
        (0x8847, "MPLS unicast"),
        (0x8848, "MPLS multicast"),
    ])
    .desc("What the frame carries, mostly as an EtherType");

pub static SLARP: FieldDef = FieldDef::new("slarp", "Cisco SLARP", FieldType::Protocol)
    .desc("Cisco's Serial Line ARP: keepalives and address requests on an HDLC link");
pub static PTYPE: FieldDef = FieldDef::new("slarp.ptype", "Packet type", FieldType::U32)
    .strings(&[(0, "Request"), (1, "Reply"), (2, "Line keepalive")])
    .desc("An address request, its reply, or a keepalive");
pub static SLARP_ADDRESS: FieldDef = FieldDef::new("slarp.address", "Address", FieldType::Ipv4)
    .desc("The sender's address on the link");
pub static NETMASK: FieldDef = FieldDef::new("slarp.netmask", "Netmask", FieldType::Ipv4)
    .desc("The link's network mask");
pub static MYSEQ: FieldDef = FieldDef::new("slarp.mysequence", "Outgoing sequence number", FieldType::U32)
    .desc("The sender's keepalive counter");
pub static YOURSEQ: FieldDef = FieldDef::new("slarp.yoursequence", "Returned sequence number", FieldType::U32)
    .desc("The last keepalive counter the sender heard from its peer");
pub static RELIABILITY: FieldDef = FieldDef::new("slarp.reliability", "Reliability", FieldType::U16)
    .base(Base::Hex)
    .desc("Always 0xffff");

pub static FIELDS: &[Field] = &[
    &CHDLC, &ADDRESS, &CONTROL, &PROTOCOL, &SLARP, &PTYPE, &SLARP_ADDRESS, &NETMASK, &MYSEQ, &YOURSEQ, &RELIABILITY,
];

const PROTO_SLARP: u16 = 0x8035;
const KEEPALIVE: u32 = 2;

pub fn dissect(cx: &mut Ctx, b: Buf) -> DResult<()> {
    cx.out.cols.set_addrs("N/A", "N/A");
    cx.enter("chdlc", "CHDLC");
    cx.tree().open(&CHDLC, b.range(0, 4.min(b.len())), Value::None);
    cx.uint(&ADDRESS, &b, 0)?;
    cx.uint(&CONTROL, &b, 1)?;
    let proto = cx.uint(&PROTOCOL, &b, 2)? as u16;
    cx.tree().close();
    let payload = b.from(4)?;
    match proto {
        ethertype::IPV4 => call(cx, payload, ipv4::dissect),
        ethertype::IPV6 => call(cx, payload, ipv6::dissect),
        PROTO_SLARP => call(cx, payload, slarp),
        _ => {
            cx.out.cols.protocol = format!("0x{proto:04x}");
            dispatch::data(cx, payload)
        }
    }
    Ok(())
}

fn slarp(cx: &mut Ctx, b: Buf) -> DResult<()> {
    cx.enter("slarp", "SLARP");
    cx.tree().open(&SLARP, b.range(0, b.len()), Value::None);
    let ty = cx.uint(&PTYPE, &b, 0)? as u32;
    let name = PTYPE.value_string(ty as u64).map_or_else(|| format!("Unknown packet type 0x{ty:08X}"), str::to_string);
    let info = cx.out.cols.info();
    info.clear();
    info.push_str(&name);
    let r = if ty == KEEPALIVE {
        let mine = cx.uint(&MYSEQ, &b, 4)?;
        let yours = cx.uint(&YOURSEQ, &b, 8)?;
        let _ = write!(cx.out.cols.info, ", outgoing sequence {mine}, returned sequence {yours}");
        cx.uint(&RELIABILITY, &b, 12).map(|_| ())
    } else if ty <= 1 {
        let a = cx.ipv4(&SLARP_ADDRESS, &b, 4)?;
        let m = cx.ipv4(&NETMASK, &b, 8)?;
        let _ = write!(cx.out.cols.info, ", from {a}, mask {m}");
        Ok(())
    } else {
        Ok(())
    };
    cx.tree().close();
    r
}
