//! IEEE 802.1Q VLAN tags (EtherType 0x8100, and the old Q-in-Q 0x9100) and
//! 802.1ad provider tags (0x88a8), each followed by another EtherType.

use std::fmt::Write;

use crate::field::{Base, Field, FieldDef, FieldType, Value};

use super::eth;
use crate::dissect::numbers::ethertype;
use crate::dissect::{dispatch, Buf, Ctx, DResult};

pub static VLAN: FieldDef = FieldDef::new("vlan", "802.1Q Virtual LAN", FieldType::Protocol).brief()
    .desc("IEEE 802.1Q VLAN tag: priority, drop eligibility and VLAN number, inserted after the MAC addresses.");
pub static PRIORITY: FieldDef =
    FieldDef::new("vlan.priority", "Priority", FieldType::U16).mask(0xe000).strings(&[
        (0, "Best Effort (default)"),
        (1, "Background"),
        (2, "Excellent Effort"),
        (3, "Critical Applications"),
        (4, "Video, < 100ms latency and jitter"),
        (5, "Voice, < 10ms latency and jitter"),
        (6, "Internetwork Control"),
        (7, "Network Control"),
    ]).desc("Priority code point: class of service from 0 (best effort) to 7.");
pub static DEI: FieldDef = FieldDef::new("vlan.dei", "DEI", FieldType::Bool)
    .bit(16, 0x1000)
    .strings(&[(1, "Eligible"), (0, "Ineligible")])
    .desc("Drop eligible indicator: the frame may be dropped first under congestion.");
pub static ID: FieldDef = FieldDef::new("vlan.id", "ID", FieldType::U16).mask(0x0fff).brief()
    .desc("VLAN identifier, 1 to 4094, the virtual LAN the frame belongs to.");
pub static ETYPE: FieldDef = FieldDef::new("vlan.etype", "Type", FieldType::U16)
    .base(Base::Hex)
    .strings(eth::ETHERTYPES).desc("EtherType of the payload after the tag.");
pub static LEN: FieldDef = FieldDef::new("vlan.len", "Length", FieldType::U16)
    .desc("Length of the payload in an 802.3 frame after the tag.");
pub static TRAILER: FieldDef = FieldDef::new("vlan.trailer", "Trailer", FieldType::Bytes)
    .desc("Bytes after the payload that belong to no layer.");

pub static AD: FieldDef = FieldDef::new("ieee8021ad", "IEEE 802.1ad", FieldType::Protocol)
    .desc("IEEE 802.1ad service tag (QinQ): an outer VLAN tag added by a provider.");
pub static AD_PRIORITY: FieldDef =
    FieldDef::new("ieee8021ad.priority", "Priority", FieldType::U16).mask(0xe000)
        .desc("Priority code point of the service tag.");
pub static AD_DEI: FieldDef = FieldDef::new("ieee8021ad.dei", "DEI", FieldType::U16).mask(0x1000)
    .desc("Drop eligible indicator of the service tag.");
pub static AD_ID: FieldDef = FieldDef::new("ieee8021ad.id", "ID", FieldType::U16).mask(0x0fff)
    .desc("Service VLAN identifier.");

pub static FIELDS: &[Field] = &[
    &VLAN, &PRIORITY, &DEI, &ID, &ETYPE, &LEN, &TRAILER, &AD, &AD_PRIORITY, &AD_DEI, &AD_ID,
];

/// An 802.1Q tag: Info says `PRI: 1  DEI: 0  ID: 100` until a higher
/// layer replaces it.
pub fn dissect_8021q(cx: &mut Ctx, b: Buf) -> DResult<()> {
    cx.enter("vlan", "VLAN");
    cx.out.cols.info();
    let root = cx.tree().open(&VLAN, b.range(0, 4.min(b.len())), Value::None);
    let tci = b.u16(0)?;
    let (pri, dei, id) = (tci >> 13, tci >> 12 & 1, tci & 0x0fff);
    let _ = write!(cx.out.cols.info(), "PRI: {pri}  DEI: {dei}  ID: {id}");
    let t = cx.tree();
    t.set_text(root, format_args!("802.1Q Virtual LAN, PRI: {pri}, DEI: {dei}, ID: {id}"));
    for f in [&PRIORITY, &DEI, &ID] {
        cx.masked(f, &b, 0)?;
    }
    next(cx, b, &VLAN, Some(&ETYPE))
}

/// An 802.1ad service tag; Wireshark names its drop bit DROP in Info.
pub fn dissect_8021ad(cx: &mut Ctx, b: Buf) -> DResult<()> {
    cx.enter("ieee8021ad", "802.1ad");
    cx.out.cols.info();
    let root = cx.tree().open(&AD, b.range(0, 4.min(b.len())), Value::None);
    let tci = b.u16(0)?;
    let (pri, dei, id) = (tci >> 13, tci >> 12 & 1, tci & 0x0fff);
    let _ = write!(cx.out.cols.info(), "PRI: {pri}  DROP: {dei} ID: {id}");
    let t = cx.tree();
    t.set_text(root, format_args!("IEEE 802.1ad, ID: {id}"));
    for f in [&AD_PRIORITY, &AD_DEI, &AD_ID] {
        cx.masked(f, &b, 0)?;
    }
    next(cx, b, &AD, None)
}

/// The tag's EtherType (or, at most 1500, an 802.3 length) and what it
/// carries; the padding and trailer after the payload belong to the tag.
/// `etype` is the field the EtherType is shown as: 802.1ad's has no
/// filterable field in Wireshark, only a label.
fn next(cx: &mut Ctx, b: Buf, owner: Field, etype: Option<Field>) -> DResult<()> {
    let ty = b.u16(2)?;
    let payload = b.from(4)?;
    if ty <= ethertype::MAX_LENGTH {
        cx.tree().add(&LEN, b.range(2, 2), Value::UInt(ty as u64));
        cx.tree().close();
        dispatch::data(cx, payload);
        return Ok(());
    }
    match etype {
        Some(f) => {
            cx.tree().add(f, b.range(2, 2), Value::UInt(ty as u64));
        }
        None => {
            let name = eth::TYPE.value_string(ty as u64).unwrap_or("Unknown");
            cx.tree().text(b.range(2, 2), format_args!("Type: {name} (0x{ty:04x})"));
        }
    }
    cx.tree().close();
    cx.net_end = None;
    dispatch::ethertype(cx, ty, payload);
    eth::trailer(cx, b, owner, &TRAILER, false);
    Ok(())
}

#[cfg(test)]
mod tests {
    use crate::dissect::testutil::{field, run};

    fn tagged(tags: &[(u16, u16)], inner: u16, payload: &[u8]) -> Vec<u8> {
        let mut f = vec![0xff; 6];
        f.extend_from_slice(&[0, 0x11, 0x22, 0x33, 0x44, 0x55]);
        for (tpid, tci) in tags {
            f.extend_from_slice(&tpid.to_be_bytes());
            f.extend_from_slice(&tci.to_be_bytes());
        }
        f.extend_from_slice(&inner.to_be_bytes());
        f.extend_from_slice(payload);
        f
    }

    #[test]
    fn single_tag_info_and_fields() {
        let f = tagged(&[(0x8100, 0x2064)], 0x1234, &[0; 46]);
        let d = run(1, &f);
        assert_eq!(d.protocols, "eth:ethertype:vlan:ethertype:data");
        assert_eq!(d.cols.info, "PRI: 1  DEI: 0  ID: 100");
        assert_eq!(d.cols.protocol, "0x1234");
        assert_eq!(field(&d, &f, "vlan.id"), "100");
        assert_eq!(field(&d, &f, "vlan.priority"), "1");
        assert_eq!(field(&d, &f, "vlan.etype"), "0x1234");
    }

    #[test]
    fn qinq_padding_and_trailer() {
        let mut arp = vec![0, 1, 8, 0, 6, 4, 0, 1];
        arp.extend_from_slice(&[0, 0x20, 0xd2, 0x5a, 0xfb, 0x3f, 172, 21, 79, 97]);
        arp.extend_from_slice(&[0; 6]);
        arp.extend_from_slice(&[172, 21, 79, 100]);
        let mut f = tagged(&[(0x88a8, 200), (0x8100, 2001)], 0x0806, &arp);
        f.resize(64, 0);
        let d = run(1, &f);
        assert_eq!(d.protocols, "eth:ethertype:ieee8021ad:ethertype:vlan:ethertype:arp");
        assert_eq!(field(&d, &f, "ieee8021ad.id"), "200");
        assert_eq!(field(&d, &f, "vlan.id"), "2001");
        assert_eq!(field(&d, &f, "eth.padding"), "00".repeat(10));
        assert_eq!(field(&d, &f, "vlan.trailer"), "00000000");
        assert_eq!(field(&d, &f, "eth.fcs"), "");
    }

    #[test]
    fn cut_tag_is_malformed() {
        let f = tagged(&[], 0x8100, &[0x20]);
        let d = run(1, &f);
        assert!(d.malformed);
        assert_eq!(d.cols.protocol, "VLAN");
        assert_eq!(d.cols.info, "[Malformed Packet]");
    }
}
