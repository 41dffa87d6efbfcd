//! ARP and RARP (EtherTypes 0x0806 and 0x8035).

use std::fmt::Write;
use std::net::Ipv4Addr;
use std::ops::Range;

use crate::field::tree::GENERATED;
use crate::field::{hex_bytes, Base, Field, FieldDef, FieldType, Value, TEXT, TRUE_FALSE};

use super::arp_duplicates::Binding;
use crate::dissect::{link::eth, Buf, Ctx, DResult};

pub static ARP: FieldDef = FieldDef::new("arp", "Address Resolution Protocol", FieldType::Protocol).brief()
    .desc("Address Resolution Protocol: finds the hardware address that belongs to an IPv4 address on the link (RFC 826).");
pub static HW_TYPE: FieldDef =
    FieldDef::new("arp.hw.type", "Hardware type", FieldType::U16).strings(HW_TYPES)
        .desc("Hardware type, 1 for Ethernet.");
pub static PROTO_TYPE: FieldDef = FieldDef::new("arp.proto.type", "Protocol type", FieldType::U16)
    .base(Base::Hex)
    .strings(eth::ETHERTYPES).desc("Protocol whose addresses are resolved, 0x0800 for IPv4.");
pub static HW_SIZE: FieldDef = FieldDef::new("arp.hw.size", "Hardware size", FieldType::U8)
    .desc("Length of a hardware address in bytes, 6 for Ethernet.");
pub static PROTO_SIZE: FieldDef = FieldDef::new("arp.proto.size", "Protocol size", FieldType::U8)
    .desc("Length of a protocol address in bytes, 4 for IPv4.");
pub static OPCODE: FieldDef =
    FieldDef::new("arp.opcode", "Opcode", FieldType::U16).strings(OPCODES).brief()
        .desc("Operation: 1 request (who has?), 2 reply (is at).");
pub static IS_GRATUITOUS: FieldDef =
    FieldDef::new("arp.isgratuitous", "Is gratuitous", FieldType::Bool).strings(TRUE_FALSE)
        .desc("A gratuitous ARP: sender and target address are the same, announcing the sender's own mapping.");
pub static IS_PROBE: FieldDef =
    FieldDef::new("arp.isprobe", "Is probe", FieldType::Bool).strings(TRUE_FALSE)
        .desc("An ARP probe: the sender checks an address is unused before taking it (sender address 0.0.0.0, RFC 5227).");
pub static IS_ANNOUNCEMENT: FieldDef =
    FieldDef::new("arp.isannouncement", "Is announcement", FieldType::Bool).strings(TRUE_FALSE)
        .desc("An ARP announcement: the sender claims an address after probing (RFC 5227).");
pub static SRC_HW: FieldDef =
    FieldDef::new("arp.src.hw", "Sender hardware address", FieldType::Bytes).desc("Hardware address of the sender.");
pub static SRC_HW_MAC: FieldDef =
    FieldDef::new("arp.src.hw_mac", "Sender MAC address", FieldType::Ether).desc("MAC address of the sender.");
pub static SRC_PROTO: FieldDef =
    FieldDef::new("arp.src.proto", "Sender protocol address", FieldType::Bytes).desc("Protocol address of the sender.");
pub static SRC_PROTO_IPV4: FieldDef =
    FieldDef::new("arp.src.proto_ipv4", "Sender IP address", FieldType::Ipv4).desc("IPv4 address of the sender.");
pub static DST_HW: FieldDef =
    FieldDef::new("arp.dst.hw", "Target hardware address", FieldType::Bytes)
        .desc("Hardware address of the target (zero in a request: that is what is asked).");
pub static DST_HW_MAC: FieldDef =
    FieldDef::new("arp.dst.hw_mac", "Target MAC address", FieldType::Ether)
        .desc("MAC address of the target (zero in a request).");
pub static DST_PROTO: FieldDef =
    FieldDef::new("arp.dst.proto", "Target protocol address", FieldType::Bytes).desc("Protocol address of the target.");
pub static DST_PROTO_IPV4: FieldDef =
    FieldDef::new("arp.dst.proto_ipv4", "Target IP address", FieldType::Ipv4)
        .desc("IPv4 address of the target: the address being resolved in a request.");

pub static DUP_FRAME: FieldDef = FieldDef::new(
    "arp.duplicate-address-frame",
    "Frame showing earlier use of IP address",
    FieldType::FrameNum,
).desc("An earlier frame in which another hardware address claimed the same IP address.");
pub static DUP_SECONDS: FieldDef =
    FieldDef::new("arp.seconds-since-duplicate-address-frame", "Seconds since earlier frame seen", FieldType::U32)
        .desc("Seconds since the frame where the other hardware address claimed this IP address.");
pub static DUP_DETECTED: FieldDef =
    FieldDef::new("arp.duplicate-address-detected", "Duplicate IP address configured", FieldType::None)
        .desc("Two hardware addresses claim the same IP address.");

pub static FIELDS: &[Field] = &[
    &ARP, &HW_TYPE, &PROTO_TYPE, &HW_SIZE, &PROTO_SIZE, &OPCODE, &IS_GRATUITOUS, &IS_PROBE,
    &IS_ANNOUNCEMENT, &SRC_HW, &SRC_HW_MAC, &SRC_PROTO, &SRC_PROTO_IPV4, &DST_HW, &DST_HW_MAC,
    &DST_PROTO, &DST_PROTO_IPV4, &DUP_FRAME, &DUP_SECONDS, &DUP_DETECTED,
];


pub(crate) use crate::dissect::registries::HARDWARE_TYPES as HW_TYPES;

static OPCODES: &[(u64, &str)] = &[
    (0, "reserved"),
    (1, "request"),
    (2, "reply"),
    (3, "reverse request"),
    (4, "reverse reply"),
    (5, "drarp request"),
    (6, "drarp reply"),
    (7, "drarp error"),
    (8, "inverse request"),
    (9, "inverse reply"),
    (10, "arp nak"),
    (11, "mars request"),
    (12, "mars multi"),
    (13, "mars mserv"),
    (14, "mars join"),
    (15, "mars leave"),
    (16, "mars nak"),
    (17, "mars unserv"),
    (18, "mars sjoin"),
    (19, "mars sleave"),
    (20, "mars grouplist request"),
    (21, "mars grouplist reply"),
    (22, "mars redirect map"),
    (23, "mapos unarp"),
    (24, "experimental 1"),
    (25, "experimental 2"),
    (65535, "reserved"),
];

const ETHERNET: u16 = 1;
const IEEE802: u16 = 6;
const IPV4: u16 = crate::dissect::numbers::ethertype::IPV4;

/// An address as Wireshark writes it in Info: a MAC or IPv4 address when
/// type and size fit, else hex (at most 36 bytes, then `…`).
fn addr_str(bytes: &[u8], is_typed: bool) -> String {
    match bytes.len() {
        6 if is_typed => eth::mac([bytes[0], bytes[1], bytes[2], bytes[3], bytes[4], bytes[5]]),
        4 if is_typed => Ipv4Addr::new(bytes[0], bytes[1], bytes[2], bytes[3]).to_string(),
        _ => {
            let mut s = String::new();
            hex_bytes(&bytes[..bytes.len().min(36)], &mut s);
            if bytes.len() > 36 {
                s.push('…');
            }
            s
        }
    }
}

pub fn dissect(cx: &mut Ctx, b: Buf) -> DResult<()> {
    cx.enter("arp", "ARP");
    // Wireshark's error notes name the protocol by its long short name, and
    // an ARP cut short leaves an empty Info behind its note.
    cx.layer = "ARP/RARP";
    cx.out.cols.info();
    let root = cx.tree().open(&ARP, b.range(0, 8.min(b.len())), Value::None);
    let hrd = cx.uint(&HW_TYPE, &b, 0)? as u16;
    let pro = cx.uint(&PROTO_TYPE, &b, 2)? as u16;
    let hln = cx.uint(&HW_SIZE, &b, 4)? as usize;
    let pln = cx.uint(&PROTO_SIZE, &b, 5)? as usize;
    let op = cx.uint(&OPCODE, &b, 6)? as u16;
    let column = match op {
        3 | 4 => "RARP",
        5..=7 => "DRARP",
        8 | 9 => "Inverse ARP",
        _ => "ARP",
    };
    cx.out.cols.set_protocol(column);
    let (sha_at, spa_at) = (8, 8 + hln);
    let (tha_at, tpa_at) = (spa_at + pln, 8 + 2 * hln + pln);
    let end = tpa_at + pln;
    cx.tree().set_len(root, end.min(b.len()));
    let sha = b.bytes(sha_at, hln)?;
    let spa = b.bytes(spa_at, pln)?;
    let tha = b.bytes(tha_at, hln)?;
    let tpa = b.bytes(tpa_at, pln)?;
    cx.net_end = Some(b.abs(end));

    let hw_typed = (hrd == ETHERNET || hrd == IEEE802) && hln == 6;
    let pro_typed = pro == IPV4 && pln == 4;
    let gratuitous = (op == 1 || op == 2) && spa == tpa;
    let tha_zero = tha.len() >= 6 && tha[..6].iter().all(|&x| x == 0);
    let announcement = gratuitous && op == 1 && tha_zero;
    let probe = !gratuitous && op == 1 && tha_zero && spa.len() >= 4 && spa[..4] == [0; 4];
    let (hs, ps) = (|a: &[u8]| addr_str(a, hw_typed), |a: &[u8]| addr_str(a, pro_typed));
    let info = match op {
        1 if announcement => format!("ARP Announcement for {}", ps(tpa)),
        1 if gratuitous => format!("Gratuitous ARP for {} (Request)", ps(tpa)),
        1 if probe => format!("Who has {}? (ARP Probe)", ps(tpa)),
        1 => format!("Who has {}? Tell {}", ps(tpa), ps(spa)),
        2 if gratuitous => format!("Gratuitous ARP for {} (Reply)", ps(spa)),
        2 => format!("{} is at {}", ps(spa), hs(sha)),
        3 | 8 => format!("Who is {}? Tell {}", hs(tha), hs(sha)),
        4 => format!("{} is at {}", hs(tha), ps(tpa)),
        9 => format!("{} is at {}", hs(sha), ps(spa)),
        7 => "DRARP Error".to_string(),
        10 => "ARP NAK".to_string(),
        _ => format!("Unknown ARP opcode 0x{op:04x}"),
    };
    cx.out.cols.info().push_str(&info);
    let kind = if announcement {
        "ARP Announcement".to_string()
    } else if probe {
        "ARP Probe".to_string()
    } else {
        OPCODE.value_string(op as u64).unwrap_or("opcode unknown").to_string()
    };
    let t = cx.tree();
    t.set_text(root, format_args!("Address Resolution Protocol ({kind})"));
    if gratuitous {
        t.generated(&IS_GRATUITOUS, b.range(0, 0), Value::Bool(true));
    }
    if announcement {
        t.generated(&IS_ANNOUNCEMENT, b.range(0, 0), Value::Bool(true));
    }
    if probe {
        t.generated(&IS_PROBE, b.range(0, 0), Value::Bool(true));
    }
    hw_item(t, b, sha_at, sha, hw_typed, &SRC_HW_MAC, &SRC_HW);
    proto_item(t, b, spa_at, spa, pro_typed, &SRC_PROTO_IPV4, &SRC_PROTO);
    hw_item(t, b, tha_at, tha, hw_typed, &DST_HW_MAC, &DST_HW);
    proto_item(t, b, tpa_at, tpa, pro_typed, &DST_PROTO_IPV4, &DST_PROTO);
    t.close();
    if (op == 1 || op == 2) && hw_typed && pro_typed {
        duplicates(cx, b.range(0, 0), op, (sha, spa), (tha, tpa));
    }
    Ok(())
}

/// Checks the sender's binding, then (in replies) the target's, against
/// the addresses seen before, and reports each duplicate after the ARP
/// tree as Wireshark does. As in Wireshark, the Info note reflects the last
/// check made: a reply whose sender is a duplicate but whose target is not
/// shows the report in the tree only.
fn duplicates(cx: &mut Ctx, at: Range<usize>, op: u16, sender: (&[u8], &[u8]), target: (&[u8], &[u8])) {
    let binding = |(mac, ip): (&[u8], &[u8])| -> Option<([u8; 6], Ipv4Addr)> {
        let mac: [u8; 6] = mac.try_into().ok()?;
        let ip = Ipv4Addr::from(<[u8; 4]>::try_from(ip).ok()?);
        // Broadcast, multicast and all-zero MACs and 0.0.0.0 bind nothing.
        (mac[0] & 1 == 0 && mac != [0; 6] && !ip.is_unspecified()).then_some((mac, ip))
    };
    let mut reported = None;
    let mut detected = false;
    if let Some((mac, ip)) = binding(sender) {
        detected = check(cx, at.clone(), ip, mac);
        reported = detected.then_some(ip);
    }
    if let Some((mac, ip)) = binding(target).filter(|&(_, ip)| op != 1 && reported != Some(ip)) {
        detected = check(cx, at, ip, mac);
        reported = if detected { Some(ip) } else { reported };
    }
    if let (true, Some(ip)) = (detected, reported) {
        let _ = write!(cx.out.cols.info, " (duplicate use of {ip} detected!)");
    }
}

/// One binding through the session's table; reports a duplicate.
fn check(cx: &mut Ctx, at: Range<usize>, ip: Ipv4Addr, mac: [u8; 6]) -> bool {
    let first = cx.pass == crate::dissect::Pass::First;
    let (frame, secs) = (cx.meta.number, cx.meta.ts.secs);
    let Some(earlier) = cx.session.arp.bind(first, frame, secs, ip, mac) else { return false };
    report(cx, at, ip, mac, earlier);
    true
}

fn report(cx: &mut Ctx, at: Range<usize>, ip: Ipv4Addr, mac: [u8; 6], earlier: Binding) {
    let t = cx.tree();
    let id = t.open(&TEXT, at.clone(), Value::None);
    t.set_flags(id, GENERATED);
    t.set_text(
        id,
        format_args!(
            "[Duplicate IP address detected for {ip} ({}) - also in use by {} (frame {})]",
            eth::mac(mac),
            eth::mac(earlier.mac),
            earlier.frame
        ),
    );
    let f = t.open(&DUP_FRAME, at.clone(), Value::FrameNum(earlier.frame));
    t.set_flags(f, GENERATED);
    t.set_text(f, format_args!("[{}: {}]", DUP_FRAME.display, earlier.frame));
    crate::dissect::expert(cx, &DUP_DETECTED, &format!("Duplicate IP address configured ({ip})"), "Warning", "Sequence");
    let since = (cx.meta.ts.secs - earlier.secs).clamp(0, u32::MAX as i64) as u64;
    let t = cx.tree();
    t.close();
    let s = t.generated(&DUP_SECONDS, at, Value::UInt(since));
    t.set_text(s, format_args!("[{}: {since}]", DUP_SECONDS.display));
    t.close();
}

fn hw_item(t: &mut crate::field::tree::Tree, b: Buf, at: usize, a: &[u8], typed: bool, mac: Field, raw: Field) {
    if a.is_empty() {
        return;
    }
    let r = b.range(at, a.len());
    if typed {
        t.add(mac, r, Value::Ether([a[0], a[1], a[2], a[3], a[4], a[5]]));
    } else {
        let id = t.add(raw, r, Value::None);
        t.set_text(id, format_args!("{}: {}", raw.display, addr_str(a, false)));
    }
}

fn proto_item(t: &mut crate::field::tree::Tree, b: Buf, at: usize, a: &[u8], typed: bool, ip: Field, raw: Field) {
    if a.is_empty() {
        return;
    }
    let r = b.range(at, a.len());
    if typed {
        t.add(ip, r, Value::Ipv4(Ipv4Addr::new(a[0], a[1], a[2], a[3])));
    } else {
        let id = t.add(raw, r, Value::None);
        t.set_text(id, format_args!("{}: {}", raw.display, addr_str(a, false)));
    }
}

#[cfg(test)]
mod tests {
    use crate::dissect::session::Session;
    use crate::dissect::testutil::{field, labels, run, run_cut};
    use crate::dissect::{dissect_frame, Depth, Dissection, FrameMeta, Pass};
    use crate::field::Timestamp;

    fn arp(op: u16, sha: [u8; 6], spa: [u8; 4], tha: [u8; 6], tpa: [u8; 4]) -> Vec<u8> {
        let mut f = vec![0xff; 6];
        f.extend_from_slice(&sha);
        f.extend_from_slice(&[8, 6, 0, 1, 8, 0, 6, 4]);
        f.extend_from_slice(&op.to_be_bytes());
        f.extend_from_slice(&sha);
        f.extend_from_slice(&spa);
        f.extend_from_slice(&tha);
        f.extend_from_slice(&tpa);
        f
    }
    const A: [u8; 6] = [0, 0x11, 0x22, 0x33, 0x44, 0x55];

    #[test]
    fn request_reply_and_fields() {
        let f = arp(1, A, [10, 0, 0, 2], [0; 6], [10, 0, 0, 1]);
        let d = run(1, &f);
        assert_eq!(d.protocols, "eth:ethertype:arp");
        assert_eq!(d.cols.protocol, "ARP");
        assert_eq!(d.cols.info, "Who has 10.0.0.1? Tell 10.0.0.2");
        assert_eq!(field(&d, &f, "arp.src.hw_mac"), "00:11:22:33:44:55");
        assert_eq!(field(&d, &f, "arp.dst.proto_ipv4"), "10.0.0.1");
        assert_eq!(field(&d, &f, "arp.opcode"), "1");
        let f = arp(2, A, [10, 0, 0, 1], A, [10, 0, 0, 2]);
        assert_eq!(run(1, &f).cols.info, "10.0.0.1 is at 00:11:22:33:44:55");
    }

    #[test]
    fn special_requests() {
        let f = arp(1, A, [10, 0, 0, 9], [0; 6], [10, 0, 0, 9]);
        let d = run(1, &f);
        assert_eq!(d.cols.info, "ARP Announcement for 10.0.0.9");
        assert_eq!(field(&d, &f, "arp.isannouncement"), "1");
        let f = arp(1, A, [10, 0, 0, 9], [1; 6], [10, 0, 0, 9]);
        assert_eq!(run(1, &f).cols.info, "Gratuitous ARP for 10.0.0.9 (Request)");
        let f = arp(1, A, [0; 4], [0; 6], [10, 0, 0, 9]);
        assert_eq!(run(1, &f).cols.info, "Who has 10.0.0.9? (ARP Probe)");
        let mut f = arp(3, A, [0; 4], [0; 6], [0; 4]);
        f[12..14].copy_from_slice(&[0x80, 0x35]);
        let d = run(1, &f);
        assert_eq!(d.cols.protocol, "RARP");
        assert_eq!(d.cols.info, "Who is 00:00:00:00:00:00? Tell 00:11:22:33:44:55");
    }

    #[test]
    fn lying_sizes() {
        let mut f = arp(1, A, [10, 0, 0, 2], [0; 6], [10, 0, 0, 1]);
        f[18] = 255;
        let d = run(1, &f);
        assert!(d.malformed);
        // Info is the note alone, and the header's items stay, as in tshark.
        assert_eq!(d.cols.info, "[Malformed Packet]");
        assert_eq!(field(&d, &f, "arp.hw.size"), "255");
        assert!(labels(&d).iter().any(|l| l == "[Malformed Packet: ARP/RARP]"));
        assert!(run_cut(1, &f, 600).truncated);
        let d = run(1, &f[..18]);
        assert_eq!(field(&d, &f, "arp.proto.type"), "0x0800");
        assert_eq!(d.cols.info, "[Malformed Packet]");
    }

    /// Frames dissected in order through one session, as a capture is.
    fn session_run(frames: &[Vec<u8>], pass: Pass, session: &mut Session) -> Vec<Dissection> {
        frames
            .iter()
            .enumerate()
            .map(|(i, f)| {
                let number = i as u32 + 1;
                let meta = FrameMeta {
                    number,
                    ts: Timestamp { secs: 100 + 3 * i as i64, nanos: 0 },
                    caplen: f.len() as u32,
                    origlen: f.len() as u32,
                    linktype: 1,
                    ..FrameMeta::default()
                };
                let mut d = Dissection::default();
                dissect_frame(&meta, f, session, pass, Depth::Tree, &mut d);
                d
            })
            .collect()
    }

    #[test]
    fn another_mac_for_a_known_address_is_reported_as_tshark_does() {
        const B: [u8; 6] = [2, 0, 0, 0, 0, 2];
        const C: [u8; 6] = [2, 0, 0, 0, 0, 3];
        let (ip1, ip3) = ([10, 0, 0, 1], [10, 0, 0, 3]);
        let frames = vec![
            arp(2, A, ip1, C, ip3),
            // A reply whose sender is a duplicate: reported in the tree, but
            // the target's clean check decides Info, as in Wireshark.
            arp(2, B, ip1, C, ip3),
            arp(1, B, ip1, [0; 6], ip3),
            arp(2, C, ip3, B, ip1),
        ];
        let mut s = Session::new();
        let first = session_run(&frames, Pass::First, &mut s);
        let infos: Vec<&str> = first.iter().map(|d| d.cols.info.as_str()).collect();
        assert_eq!(
            infos,
            [
                "10.0.0.1 is at 00:11:22:33:44:55",
                "10.0.0.1 is at 02:00:00:00:00:02",
                "Who has 10.0.0.3? Tell 10.0.0.1 (duplicate use of 10.0.0.1 detected!)",
                "10.0.0.3 is at 02:00:00:00:00:03 (duplicate use of 10.0.0.1 detected!)",
            ]
        );
        let l = labels(&first[1]);
        assert!(l.contains(
            &"[Duplicate IP address detected for 10.0.0.1 (02:00:00:00:00:02) - also in use by 00:11:22:33:44:55 (frame 1)]"
                .to_string()
        ));
        assert_eq!(field(&first[1], &frames[1], "arp.duplicate-address-frame"), "1");
        assert_eq!(field(&first[1], &frames[1], "arp.seconds-since-duplicate-address-frame"), "3");
        assert_eq!(field(&first[0], &frames[0], "arp.duplicate-address-frame"), "");
        // A second look at each frame tells the same, whatever came later.
        let again = session_run(&frames, Pass::Revisit, &mut s);
        for (a, b) in first.iter().zip(&again) {
            assert_eq!(a.cols.info, b.cols.info);
            assert_eq!(labels(a), labels(b));
        }
    }
}
