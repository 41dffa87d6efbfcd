//! IEEE 802.2 LLC, and SNAP under it, for 802.3 frames (an Ethernet
//! type/length field of at most 1500).

use crate::field::{Base, Field, FieldDef, FieldType, Value};

use super::eth;
use crate::dissect::{dispatch, Buf, Ctx, DResult};

pub static LLC: FieldDef = FieldDef::new("llc", "Logical-Link Control", FieldType::Protocol)
    .desc("IEEE 802.2 Logical Link Control: service access points and control field.");
pub static DSAP: FieldDef = FieldDef::new("llc.dsap", "DSAP", FieldType::U8).base(Base::Hex).strings(SAPS)
    .desc("Destination service access point: which protocol receives the frame.");
pub static SSAP: FieldDef = FieldDef::new("llc.ssap", "SSAP", FieldType::U8).base(Base::Hex).strings(SAPS)
    .desc("Source service access point.");
pub static CONTROL: FieldDef = FieldDef::new("llc.control", "Control field", FieldType::U16).base(Base::Hex)
    .desc("Control field: frame type (information, supervisory, unnumbered).");
pub static OUI: FieldDef = FieldDef::new("llc.oui", "Organization Code", FieldType::U24)
    .desc("Organization code of a SNAP header, 0 for an EtherType.");
pub static TYPE: FieldDef =
    FieldDef::new("llc.type", "Type", FieldType::U16).base(Base::Hex).strings(eth::ETHERTYPES)
        .desc("EtherType carried in a SNAP header.");
pub static PID: FieldDef = FieldDef::new("llc.pid", "Protocol ID", FieldType::U16).base(Base::Hex)
    .desc("Protocol ID of a SNAP header with a non-zero organization code.");

pub static FIELDS: &[Field] = &[&LLC, &DSAP, &SSAP, &CONTROL, &OUI, &TYPE, &PID];

static SAPS: &[(u64, &str)] = &[
    (0x00, "NULL LSAP"),
    (0x06, "TCP/IP"),
    (0x42, "Spanning Tree BPDU"),
    (0xaa, "SNAP"),
    (0xe0, "NetWare"),
    (0xf0, "NetBIOS"),
    (0xfe, "ISO Network Layer"),
    (0xff, "Global DSAP"),
];

const SNAP: u8 = 0xaa;

pub fn dissect(cx: &mut Ctx, b: Buf) -> DResult<()> {
    cx.enter("llc", "LLC");
    cx.tree().open(&LLC, b.range(0, 3.min(b.len())), Value::None);
    let dsap = b.u8(0)?;
    let ssap = b.u8(1)?;
    let c0 = b.u8(2)?;
    // U frames have a one-byte control field; I and S frames two.
    let (control, clen) = if c0 & 3 == 3 { (c0 as u16, 1) } else { (b.u16(2)?.swap_bytes(), 2) };
    let t = cx.tree();
    t.add(&DSAP, b.range(0, 1), Value::UInt(dsap as u64));
    t.add(&SSAP, b.range(1, 1), Value::UInt(ssap as u64));
    t.add(&CONTROL, b.range(2, clen), Value::UInt(control as u64));
    if dsap == SNAP && ssap == SNAP && control == 3 {
        let oui = b.u24(3)?;
        let pid = b.u16(6)?;
        let t = cx.tree();
        t.add(&OUI, b.range(3, 3), Value::UInt(oui as u64));
        let payload = b.from(8)?;
        if oui == 0 {
            t.add(&TYPE, b.range(6, 2), Value::UInt(pid as u64));
            t.close();
            // SNAP's EtherType goes straight to the protocol, without
            // Wireshark's `ethertype` layer.
            dispatch::ethertype_payload(cx, pid, payload);
        } else {
            t.add(&PID, b.range(6, 2), Value::UInt(pid as u64));
            t.close();
            dispatch::data(cx, payload);
        }
        return Ok(());
    }
    cx.tree().close();
    let payload = b.from(2 + clen)?;
    dispatch::data(cx, payload);
    Ok(())
}

#[cfg(test)]
mod tests {
    use crate::dissect::testutil::{field, run};

    #[test]
    fn snap_carries_an_ethertype() {
        let ip = [0x45u8, 0, 0, 20, 0, 1, 0, 0, 64, 253, 0, 0, 10, 0, 0, 1, 10, 0, 0, 2];
        let mut f = vec![0xff; 6];
        f.extend([0, 1, 2, 3, 4, 5, 0, 28, 0xaa, 0xaa, 3, 0, 0, 0, 8, 0]);
        f.extend(ip);
        let d = run(1, &f);
        assert_eq!(d.protocols, "eth:llc:ip");
        assert_eq!(field(&d, &f, "eth.len"), "28");
        assert_eq!(field(&d, &f, "llc.control"), "0x0003");
        assert_eq!(field(&d, &f, "llc.type"), "0x0800");
        assert_eq!(field(&d, &f, "ip.dst"), "10.0.0.2");
        let mut g = f[..14].to_vec();
        g.extend([0x42, 0x42, 3, 0, 0]);
        g[13] = 5;
        let d = run(1, &g);
        assert_eq!(d.protocols, "eth:llc:data");
        assert_eq!(d.cols.protocol, "LLC");
    }
}
