//! Ethernet II.

use crate::field::{Base, Field, FieldDef, FieldType, Value};

use super::{dispatch, Buf, Ctx, DResult};

pub static ETH: FieldDef = FieldDef::new("eth", "Ethernet II", FieldType::Protocol);
pub static DST: FieldDef = FieldDef::new("eth.dst", "Destination", FieldType::Ether);
pub static SRC: FieldDef = FieldDef::new("eth.src", "Source", FieldType::Ether);
pub static ADDR: FieldDef = FieldDef::new("eth.addr", "Address", FieldType::Ether);
pub static TYPE: FieldDef =
    FieldDef::new("eth.type", "Type", FieldType::U16).base(Base::Hex).strings(ETHERTYPES);
pub static PADDING: FieldDef = FieldDef::new("eth.padding", "Padding", FieldType::Bytes);

pub static FIELDS: &[Field] = &[&ETH, &DST, &SRC, &ADDR, &TYPE, &PADDING];

pub static ETHERTYPES: &[(u64, &str)] = &[
    (0x0800, "IPv4"),
    (0x0806, "ARP"),
    (0x8100, "802.1Q Virtual LAN"),
    (0x88a8, "802.1ad Provider Bridge (Q-in-Q)"),
    (0x86dd, "IPv6"),
    (0x9100, "QinQ: old non-standard 802.1ad"),
];

pub fn mac(b: [u8; 6]) -> String {
    let mut s = String::with_capacity(17);
    crate::field::format_value(&ADDR, &Value::Ether(b), &[], &mut s);
    s
}

pub fn dissect(cx: &mut Ctx, b: Buf) -> DResult<()> {
    cx.enter("eth", "");
    let root = cx.tree().open(&ETH, b.range(0, 14.min(b.len())), Value::None);
    let dst = b.array::<6>(0)?;
    let src = b.array::<6>(6)?;
    let (s, d) = (mac(src), mac(dst));
    let t = cx.tree();
    t.set_text(root, format!("Ethernet II, Src: {s}, Dst: {d}"));
    let id = t.add(&DST, b.range(0, 6), Value::Ether(dst));
    t.set_text(id, format!("Destination: {d}"));
    t.hidden(&ADDR, b.range(0, 6), Value::Ether(dst));
    let id = t.add(&SRC, b.range(6, 6), Value::Ether(src));
    t.set_text(id, format!("Source: {s}"));
    t.hidden(&ADDR, b.range(6, 6), Value::Ether(src));
    cx.out.cols.set_addrs(&s, &d);
    let ty = b.u16(12)?;
    cx.tree().add(&TYPE, b.range(12, 2), Value::UInt(ty as u64));
    cx.tree().close();
    cx.net_end = None;
    let payload = b.from(14)?;
    dispatch::ethertype(cx, ty, payload);
    padding(cx, b);
    Ok(())
}

/// Bytes after the network layer's end (short frames padded to 60 bytes).
pub fn padding(cx: &mut Ctx, b: Buf) {
    if let Some(end) = cx.net_end.take() {
        let frame_end = b.abs(b.len());
        if end < frame_end && !cx.out.malformed && !cx.out.truncated {
            cx.tree().add(&PADDING, end..frame_end, Value::None);
        }
    }
}
