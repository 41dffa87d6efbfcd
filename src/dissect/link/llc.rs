//! IEEE 802.2 LLC, and SNAP under it, for 802.3 frames (an Ethernet
//! type/length field of at most 1500), and on UDP by Decode As
//! (`-d udp.port==N,llc`). Wireshark's port table also gives LLC UDP ports
//! 12000-12004 (`tshark -G decodes`); wirelens does not, on purpose: its
//! labs (UDP uppercase, the pinger) use port 12000, and their datagrams
//! would read as LLC frames (the pinger's ladder and flow graph as well).

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

/// Wireshark's names of the service access points (`tshark -G values`).
static SAPS: &[(u64, &str)] = &[
    (0x0, "NULL LSAP"),
    (0x1, "NULL LSAP"),
    (0x2, "LLC Sub-Layer Management"),
    (0x4, "SNA Path Control"),
    (0x6, "TCP/IP"),
    (0x8, "SNA"),
    (0xc, "SNA"),
    (0xe, "PROWAY (IEC955) Network Management and Initialization"),
    (0x10, "NetWare (unofficial?)"),
    (0x14, "ISO Network Layer (OSLAN 1)"),
    (0x18, "Texas Instruments"),
    (0x20, "ISO Network Layer (unofficial?)"),
    (0x34, "ISO Network Layer (unofficial?)"),
    (0x42, "Spanning Tree BPDU"),
    (0x4e, "EIA RS-511 Manufacturing Message Service"),
    (0x54, "ISO Network Layer (OSLAN 2)"),
    (0x7e, "ISO 8208 (X.25 over 802.2)"),
    (0x7f, "ISO 802.2"),
    (0x80, "XNS"),
    (0x82, "BACnet"),
    (0x86, "Nestar"),
    (0x8e, "PROWAY (IEC955) Active Station List Maintenance"),
    (0x98, "ARP"),
    (0xaa, "SNAP"),
    (0xb4, "HP JetDirect Printer"),
    (0xba, "Banyan Vines"),
    (0xbc, "Banyan Vines"),
    (0xe0, "NetWare"),
    (0xf0, "NetBIOS"),
    (0xf4, "IBM Net Management"),
    (0xf8, "HP Extended LLC"),
    (0xfa, "Ungermann-Bass"),
    (0xfc, "Remote Program Load"),
    (0xfe, "ISO Network Layer"),
    (0xff, "Global LSAP"),
];

const SNAP: u8 = 0xaa;

/// Wireshark's short names of the unnumbered frames' modifiers (the
/// control byte masked with 0xec), as a command and as a response.
static U_COMMANDS: &[(u8, &str)] = &[
    (0x00, "UI"), (0x20, "UP"), (0x40, "DISC"), (0x60, "UA"), (0x80, "SNRM"), (0xcc, "SNRME"), (0xe0, "TEST"),
    (0x04, "SIM"), (0x84, "FRMR"), (0xc4, "CFGR"), (0x0c, "SARM"), (0x2c, "SABM"), (0x4c, "SARME"),
    (0x6c, "SABME"), (0x8c, "RESET"), (0xac, "XID"), (0xec, "BCN"),
];
static U_RESPONSES: &[(u8, &str)] = &[
    (0x00, "UI"), (0x20, "UP"), (0x40, "RD"), (0x60, "UA"), (0x80, "SNRM"), (0xe0, "TEST"), (0x04, "RIM"),
    (0x84, "FRMR"), (0xc4, "CFGR"), (0x0c, "DM"), (0x2c, "SABM"), (0x4c, "SARME"), (0x6c, "SABME"),
    (0x8c, "RESET"), (0xac, "XID"), (0xcc, "SNRME"), (0xec, "BCN"),
];

/// The control field as Wireshark's Info shows it (`dissect_xdlc_control`
/// in extended mode, as LLC uses it: two bytes, little-endian, for I and S
/// frames). I frames show " P" whenever the bit is set, whichever way the
/// frame goes; S and U frames " P" for a command, " F" for a response.
fn control_text(control: u16, response: bool) -> String {
    let pf = if response { " F" } else { " P" };
    match control & 3 {
        3 => {
            let names = if response { U_RESPONSES } else { U_COMMANDS };
            let m = control as u8 & 0xec;
            let name = names.iter().find(|&&(v, _)| v == m).map_or("Unknown", |&(_, n)| n);
            format!("U{}, func={name}", if control & 0x10 != 0 { pf } else { "" })
        }
        1 => {
            let func = ["RR", "RNR", "REJ", "SREJ"][(control as usize >> 2) & 3];
            format!("S{}, func={func}, N(R)={}", if control & 0x100 != 0 { pf } else { "" }, control >> 9)
        }
        _ => format!("I{}, N(R)={}, N(S)={}", if control & 0x100 != 0 { " P" } else { "" }, control >> 9, (control >> 1) & 0x7f),
    }
}

/// A service access point in Info: its name, or its number.
fn sap_text(sap: u8) -> String {
    let sap = sap & 0xfe;
    SAPS.iter().find(|&&(v, _)| v == sap as u64).map_or_else(|| format!("0x{sap:02x}"), |&(_, n)| n.to_string())
}

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
    let text = control_text(control, ssap & 1 == 1);
    let c = t.add(&CONTROL, b.range(2, clen), Value::UInt(control as u64));
    let width = clen * 2;
    t.set_text(c, format_args!("Control field: {text} (0x{control:0width$X})"));
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
    let info = cx.out.cols.info();
    info.clear();
    use std::fmt::Write as _;
    let _ = write!(
        info,
        "{text}; DSAP {} {}, SSAP {} {}",
        sap_text(dsap),
        if dsap & 1 == 1 { "Group" } else { "Individual" },
        sap_text(ssap),
        if ssap & 1 == 1 { "Response" } else { "Command" }
    );
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
        assert_eq!(d.cols.info, "U, func=UI; DSAP Spanning Tree BPDU Individual, SSAP Spanning Tree BPDU Command");
    }

    #[test]
    fn an_information_frame_shows_its_numbers_and_saps() {
        // The bytes tshark reads as LLC in the pinger lab's datagrams (UDP
        // port 12000), here in an 802.3 frame.
        let payload = b"Ping 1 0000000000000000000";
        let mut f = vec![0xff; 6];
        f.extend([0, 1, 2, 3, 4, 5]);
        f.extend((payload.len() as u16).to_be_bytes());
        f.extend(payload);
        let d = run(1, &f);
        assert_eq!(d.protocols, "eth:llc:data");
        assert_eq!(d.cols.info, "I P, N(R)=51, N(S)=55; DSAP 0x50 Individual, SSAP 0x68 Response");
        assert_eq!(field(&d, &f, "llc.control"), "0x676e");
    }

    #[test]
    fn control_fields_read_as_wireshark_does() {
        use super::control_text;
        assert_eq!(control_text(0x03, false), "U, func=UI");
        assert_eq!(control_text(0x73, true), "U F, func=UA");
        assert_eq!(control_text(0xf3, false), "U P, func=TEST");
        assert_eq!(control_text(0xaf, false), "U, func=XID");
        assert_eq!(control_text(0x0c01 | 0x100, true), "S F, func=RR, N(R)=6");
        assert_eq!(control_text(0x0005, false), "S, func=RNR, N(R)=0");
        assert_eq!(control_text(0x0204, false), "I, N(R)=1, N(S)=2");
    }
}
