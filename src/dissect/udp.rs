//! UDP.

use std::fmt::Write;

use crate::field::{Base, Field, FieldDef, FieldType, Value};

use super::{dispatch, Buf, Ctx, DResult, DissectError};

pub static UDP: FieldDef = FieldDef::new("udp", "User Datagram Protocol", FieldType::Protocol).brief();
pub static SRCPORT: FieldDef = FieldDef::new("udp.srcport", "Source Port", FieldType::U16).brief();
pub static DSTPORT: FieldDef = FieldDef::new("udp.dstport", "Destination Port", FieldType::U16).brief();
pub static PORT: FieldDef = FieldDef::new("udp.port", "Source or Destination Port", FieldType::U16).brief();
pub static LENGTH: FieldDef = FieldDef::new("udp.length", "Length", FieldType::U16).brief();
pub static CHECKSUM: FieldDef =
    FieldDef::new("udp.checksum", "Checksum", FieldType::U16).base(Base::Hex);
pub static STREAM: FieldDef = FieldDef::new("udp.stream", "Stream index", FieldType::U32).brief().capture_wide();
pub static PAYLOAD: FieldDef = FieldDef::new("udp.payload", "Payload", FieldType::Bytes);

pub static FIELDS: &[Field] =
    &[&UDP, &SRCPORT, &DSTPORT, &PORT, &LENGTH, &CHECKSUM, &STREAM, &PAYLOAD];

pub fn dissect(cx: &mut Ctx, b: Buf) -> DResult<()> {
    cx.enter("udp", "UDP");
    let root = cx.tree().open(&UDP, b.range(0, 8.min(b.len())), Value::None);
    let sport = b.u16(0)?;
    let dport = b.u16(2)?;
    let t = cx.tree();
    t.set_text(root, format_args!("User Datagram Protocol, Src Port: {sport}, Dst Port: {dport}"));
    t.add(&SRCPORT, b.range(0, 2), Value::UInt(sport as u64));
    t.add(&DSTPORT, b.range(2, 2), Value::UInt(dport as u64));
    t.hidden(&PORT, b.range(0, 2), Value::UInt(sport as u64));
    t.hidden(&PORT, b.range(2, 2), Value::UInt(dport as u64));
    // The ports go to Info first: a header cut short after them still
    // shows them, as in Wireshark.
    let _ = write!(cx.out.cols.info(), "{sport} → {dport}");
    let len = cx.uint(&LENGTH, &b, 4)? as usize;
    let (id, ck) = cx.uint_item(&CHECKSUM, &b, 6)?;
    cx.tree().set_text(id, format_args!("Checksum: 0x{ck:04x} [unverified]"));
    let _ = write!(cx.out.cols.info, " Len={}", len.saturating_sub(8));
    // A datagram quoted in an ICMP error is cut short by design; what is
    // there is still dissected, as Wireshark does.
    let cut_by_quote = cx.quoted && len > b.reported_len();
    if len < 8 || (len > b.reported_len() && !cut_by_quote) {
        cx.tree().close();
        return Err(DissectError::Malformed);
    }
    if let Some((src, dst)) = cx.net {
        let key = crate::dissect::conv::ConvKey::new(src, sport, dst, dport);
        let s = cx.session.udp_stream(key);
        cx.tree().generated(&STREAM, b.range(0, 0), Value::UInt(s as u64));
    }
    let payload = if cut_by_quote { b.from(8)? } else { b.sub(8, len - 8)? };
    if payload.reported_len() > 0 {
        cx.tree().add(&PAYLOAD, payload.range(0, payload.len()), Value::None);
    }
    cx.tree().close();
    dispatch::udp_port(cx, sport, dport, payload);
    Ok(())
}
