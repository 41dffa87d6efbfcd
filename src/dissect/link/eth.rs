//! Ethernet II, and the padding / trailer / FCS handling shared by every
//! link layer that carries an EtherType (Ethernet, VLAN tags, Linux SLL).

use crate::field::{Base, Field, FieldDef, FieldType, Value};

use crate::dissect::numbers::ethertype;
use crate::dissect::{dispatch, Buf, Ctx, DResult};

pub static ETH: FieldDef = FieldDef::new("eth", "Ethernet II", FieldType::Protocol).brief()
    .desc("Ethernet II: the link-layer frame with destination and source MAC addresses and an EtherType.");
pub static DST: FieldDef = FieldDef::new("eth.dst", "Destination", FieldType::Ether).brief()
    .desc("MAC address of the receiving interface (all ones for broadcast).");
pub static SRC: FieldDef = FieldDef::new("eth.src", "Source", FieldType::Ether).brief()
    .desc("MAC address of the sending interface.");
pub static ADDR: FieldDef = FieldDef::new("eth.addr", "Address", FieldType::Ether).brief()
    .desc("Either MAC address of the frame; matches the source or the destination.");
static LG_WORDS: &[(u64, &str)] = &[
    (1, "Locally administered address (this is NOT the factory default)"),
    (0, "Globally unique address (factory default)"),
];
static IG_WORDS: &[(u64, &str)] =
    &[(1, "Group address (multicast/broadcast)"), (0, "Individual address (unicast)")];
pub static DST_LG: FieldDef =
    FieldDef::new("eth.dst.lg", "LG bit", FieldType::Bool).bit(24, 0x20000).strings(LG_WORDS)
        .desc("Whether the destination address is locally administered rather than assigned by the manufacturer.");
pub static DST_IG: FieldDef =
    FieldDef::new("eth.dst.ig", "IG bit", FieldType::Bool).bit(24, 0x10000).strings(IG_WORDS)
        .desc("Whether the destination is a group (multicast or broadcast) address rather than one interface.");
pub static SRC_LG: FieldDef =
    FieldDef::new("eth.src.lg", "LG bit", FieldType::Bool).bit(24, 0x20000).strings(LG_WORDS)
        .desc("Whether the source address is locally administered rather than assigned by the manufacturer.");
pub static SRC_IG: FieldDef =
    FieldDef::new("eth.src.ig", "IG bit", FieldType::Bool).bit(24, 0x10000).strings(IG_WORDS)
        .desc("Whether the source is a group address (a source must not be one).");
pub static LG: FieldDef =
    FieldDef::new("eth.lg", "LG bit", FieldType::Bool).bit(24, 0x20000).strings(LG_WORDS)
        .desc("Either address's locally administered bit.");
pub static IG: FieldDef =
    FieldDef::new("eth.ig", "IG bit", FieldType::Bool).bit(24, 0x10000).strings(IG_WORDS)
        .desc("Either address's group bit.");
pub static TYPE: FieldDef =
    FieldDef::new("eth.type", "Type", FieldType::U16).base(Base::Hex).strings(ETHERTYPES).brief()
        .desc("EtherType of the payload, such as 0x0800 IPv4, 0x86dd IPv6, 0x0806 ARP.");
pub static LEN: FieldDef = FieldDef::new("eth.len", "Length", FieldType::U16)
    .desc("Length of the payload in an IEEE 802.3 frame (values up to 1500 instead of a type).");
pub static PADDING: FieldDef = FieldDef::new("eth.padding", "Padding", FieldType::Bytes)
    .desc("Zero bytes that bring a short frame up to Ethernet's 60-byte minimum.");
pub static TRAILER: FieldDef = FieldDef::new("eth.trailer", "Trailer", FieldType::Bytes)
    .desc("Bytes after the payload that belong to no layer.");
pub static FCS: FieldDef =
    FieldDef::new("eth.fcs", "Frame check sequence", FieldType::U32).base(Base::Hex)
        .desc("Frame check sequence: the CRC-32 of the frame, when captured.");
pub static FCS_STATUS: FieldDef = FieldDef::new("eth.fcs.status", "FCS Status", FieldType::U8)
    .base(Base::None)
    .strings(crate::field::CHECKSUM_STATUSES).desc("Whether the frame check sequence was verified.");

// Each address's name, vendor number and vendor name, hidden, as Wireshark
// 4.0 adds them (proto_tree_add_mac48_detail).
pub static DST_RESOLVED: FieldDef = FieldDef::string("eth.dst_resolved", "Destination (resolved)")
    .desc("The destination's name (its vendor's, or a well-known one), or the address when names are off.");
pub static DST_OUI: FieldDef = FieldDef::u24("eth.dst.oui", "Destination OUI").base(Base::Oui)
    .desc("The destination's first three bytes, its vendor's Organizationally Unique Identifier.");
pub static DST_OUI_RESOLVED: FieldDef = FieldDef::string("eth.dst.oui_resolved", "Destination OUI (resolved)")
    .desc("The vendor the IEEE registered the destination's OUI to.");
pub static SRC_RESOLVED: FieldDef = FieldDef::string("eth.src_resolved", "Source (resolved)")
    .desc("The source's name (its vendor's, or a well-known one), or the address when names are off.");
pub static SRC_OUI: FieldDef = FieldDef::u24("eth.src.oui", "Source OUI").base(Base::Oui)
    .desc("The source's first three bytes, its vendor's Organizationally Unique Identifier.");
pub static SRC_OUI_RESOLVED: FieldDef = FieldDef::string("eth.src.oui_resolved", "Source OUI (resolved)")
    .desc("The vendor the IEEE registered the source's OUI to.");
pub static ADDR_RESOLVED: FieldDef = FieldDef::string("eth.addr_resolved", "Address (resolved)")
    .desc("Either address's name, or the address when names are off.");
pub static ADDR_OUI: FieldDef = FieldDef::u24("eth.addr.oui", "Address OUI").base(Base::Oui)
    .desc("Either address's first three bytes, its vendor's OUI.");
pub static ADDR_OUI_RESOLVED: FieldDef = FieldDef::string("eth.addr.oui_resolved", "Address OUI (resolved)")
    .desc("The vendor the IEEE registered either address's OUI to.");

/// An address's hidden detail fields: its name, OUI and OUI's vendor.
struct Detail {
    resolved: Field,
    oui: Field,
    oui_resolved: Field,
}

const DST_DETAIL: Detail = Detail { resolved: &DST_RESOLVED, oui: &DST_OUI, oui_resolved: &DST_OUI_RESOLVED };
const SRC_DETAIL: Detail = Detail { resolved: &SRC_RESOLVED, oui: &SRC_OUI, oui_resolved: &SRC_OUI_RESOLVED };
const ADDR_DETAIL: Detail = Detail { resolved: &ADDR_RESOLVED, oui: &ADDR_OUI, oui_resolved: &ADDR_OUI_RESOLVED };

pub static FIELDS: &[Field] = &[
    &ETH, &DST, &SRC, &ADDR, &DST_RESOLVED, &DST_OUI, &DST_OUI_RESOLVED, &SRC_RESOLVED, &SRC_OUI,
    &SRC_OUI_RESOLVED, &ADDR_RESOLVED, &ADDR_OUI, &ADDR_OUI_RESOLVED, &DST_LG, &DST_IG, &SRC_LG, &SRC_IG,
    &LG, &IG, &TYPE, &LEN, &PADDING, &TRAILER, &FCS, &FCS_STATUS,
];

pub static ETHERTYPES: &[(u64, &str)] = &[
    (0x0800, "IPv4"),
    (0x0806, "ARP"),
    (0x8035, "RARP"),
    (0x8100, "802.1Q Virtual LAN"),
    (0x88a8, "802.1ad Provider Bridge (Q-in-Q)"),
    (0x86dd, "IPv6"),
    (0x8863, "PPPoE Discovery"),
    (0x8864, "PPPoE Session"),
    (0x8847, "MPLS label switched packet"),
    (0x888e, "802.1X Authentication"),
    (0x88cc, "802.1 Link Layer Discovery Protocol (LLDP)"),
    (0x9000, "Loopback"),
    (0x9100, "QinQ: old non-standard 802.1ad"),
];

pub fn mac(b: [u8; 6]) -> String {
    let mut s = String::with_capacity(17);
    crate::field::format_value(&ADDR, &Value::Ether(b), &[], &mut s);
    s
}

pub fn dissect(cx: &mut Ctx, b: Buf) -> DResult<()> {
    cx.enter("eth", "Ethernet");
    let root = cx.tree().open(&ETH, b.range(0, 14.min(b.len())), Value::None);
    // Each address reaches its column as soon as it is read, as in
    // Wireshark: a frame cut inside the source keeps its destination.
    // Written in place: the network layer usually replaces them, and
    // this runs for every frame.
    // Names (`Broadcast`, a vendor's) unless resolution is off (`-n`).
    let dst = b.array::<6>(0)?;
    let cols = &mut cx.out.cols;
    cols.dst.clear();
    crate::names::mac_column(&dst, &mut cols.dst);
    let src = b.array::<6>(6)?;
    let cols = &mut cx.out.cols;
    cols.src.clear();
    crate::names::mac_column(&src, &mut cols.src);
    if cx.out.tree.keeps_labels() {
        let (mut s, mut d) = (String::new(), String::new());
        crate::names::mac_label(&src, &mut s);
        crate::names::mac_label(&dst, &mut d);
        cx.out.tree.set_text(root, format_args!("Ethernet II, Src: {s}, Dst: {d}"));
    }
    if !cx.out.tree.idle_for("eth") {
        address(cx, b, 0, dst, &DST, &DST_DETAIL, &DST_LG, &DST_IG);
        address(cx, b, 6, src, &SRC, &SRC_DETAIL, &SRC_LG, &SRC_IG);
    }
    let ty = b.u16(12)?;
    if ty <= ethertype::MAX_LENGTH {
        // IEEE 802.3: a length, and LLC in the bytes it covers; what
        // follows them is padding or trailer.
        cx.tree().set_text(root, "IEEE 802.3 Ethernet ");
        cx.tree().add(&LEN, b.range(12, 2), Value::UInt(ty as u64));
        cx.tree().close();
        let payload = b.sub(14, ty as usize)?;
        crate::dissect::call(cx, payload, super::llc::dissect);
        cx.net_end = Some(b.abs(14 + ty as usize));
        trailer(cx, b, &ETH, &TRAILER, true);
        return Ok(());
    }
    cx.tree().add(&TYPE, b.range(12, 2), Value::UInt(ty as u64));
    cx.tree().close();
    cx.out.cols.info().push_str("Ethernet II");
    cx.net_end = None;
    let payload = b.from(14)?;
    dispatch::ethertype(cx, ty, payload);
    trailer(cx, b, &ETH, &TRAILER, true);
    Ok(())
}

/// One address with its subtree: its details, the address again with its
/// details, and its LG and IG bits.
#[allow(clippy::too_many_arguments)]
fn address(cx: &mut Ctx, b: Buf, off: usize, a: [u8; 6], f: Field, detail: &Detail, lg: Field, ig: Field) {
    let r = b.range(off, 6);
    let bits = |m: u8| Value::Bool(a[0] & m != 0);
    let t = cx.tree();
    t.open(f, r.clone(), Value::Ether(a));
    // Named once for both sets of details.
    let names = Names::of(t, &a, [detail, &ADDR_DETAIL]);
    details(t, &b, off, &names, detail);
    t.add(&ADDR, r.clone(), Value::Ether(a));
    details(t, &b, off, &names, &ADDR_DETAIL);
    t.add(lg, b.range(off, 3), bits(2));
    t.hidden(&LG, b.range(off, 3), bits(2));
    t.add(ig, b.range(off, 3), bits(1));
    t.hidden(&IG, b.range(off, 3), bits(1));
    t.close();
}

/// An address's name (the address itself with names off), OUI and, when
/// the IEEE lists it, the OUI's vendor; the name and vendor only when some
/// item of the details wants them.
struct Names {
    name: Option<String>,
    oui: u32,
    vendor: Option<&'static str>,
}

impl Names {
    fn of(t: &crate::field::tree::Tree, a: &[u8; 6], details: [&Detail; 2]) -> Names {
        let oui = u32::from_be_bytes([0, a[0], a[1], a[2]]);
        let name = details.iter().any(|d| t.wants(d.resolved)).then(|| {
            let mut name = String::new();
            crate::names::mac_column(a, &mut name);
            name
        });
        let vendor = details.iter().any(|d| t.wants(d.oui_resolved)).then(|| crate::names::oui_name(oui)).flatten();
        Names { name, oui, vendor }
    }
}

/// An address's hidden details.
fn details(t: &mut crate::field::tree::Tree, b: &Buf, off: usize, n: &Names, d: &Detail) {
    use crate::field::tree::GENERATED;
    if let Some(name) = n.name.as_deref().filter(|_| t.wants(d.resolved)) {
        let id = t.hidden(d.resolved, b.range(off, 6), Value::str(name));
        t.set_flags(id, GENERATED);
    }
    let id = t.hidden(d.oui, b.range(off, 3), Value::UInt(n.oui as u64));
    t.set_flags(id, GENERATED);
    if let Some(vendor) = n.vendor.filter(|_| t.wants(d.oui_resolved)) {
        let id = t.hidden(d.oui_resolved, b.range(off, 6), Value::str(vendor));
        t.set_flags(id, GENERATED);
    }
}

/// What follows the network layer in a frame: zero padding up to the
/// 60-byte Ethernet minimum, then a trailer, whose last four bytes
/// Wireshark takes for the FCS when the frame is 64 bytes or more and the
/// link layer is plain Ethernet (`fcs`). Padding that is not all zeros is
/// trailer too. `b` is the link layer's view; the network layer left its
/// end in `cx.net_end`. They go under the last item of `owner`, the link
/// layer's own, after its payload's layers, as in Wireshark.
pub fn trailer(cx: &mut Ctx, b: Buf, owner: Field, trailer: Field, fcs: bool) {
    let Some(end) = cx.net_end.take() else { return };
    let nodes = &cx.out.tree.nodes;
    let parent = nodes.iter().rposition(|n| crate::field::same(n.field, owner)).unwrap_or(crate::field::tree::NO_NODE);
    let frame_end = b.abs(b.len());
    if end >= frame_end || cx.out.malformed || cx.out.truncated || b.len() < b.reported_len() {
        return;
    }
    let bytes = b.source();
    // A frame shorter than the Ethernet minimum was never padded.
    let pad_end = if b.abs(b.reported_len()) >= 60 { frame_end.min(60.max(end)) } else { end };
    let zero = bytes.get(end..pad_end).is_some_and(|p| p.iter().all(|&x| x == 0));
    let mut rest = end;
    if zero && pad_end > end {
        cx.tree().add_to(parent, &PADDING, end..pad_end, Value::None);
        rest = pad_end;
    }
    let mut fcs_at = frame_end;
    if fcs && b.abs(b.reported_len()) >= 64 && frame_end - rest >= 4 {
        fcs_at = frame_end - 4;
    }
    if fcs_at > rest {
        cx.tree().add_to(parent, trailer, rest..fcs_at, Value::None);
    }
    if fcs_at < frame_end {
        if let Some(v) = bytes.get(fcs_at..frame_end) {
            let v = u32::from_be_bytes([v[0], v[1], v[2], v[3]]);
            let t = cx.tree();
            let id = t.add_to(parent, &FCS, fcs_at..frame_end, Value::UInt(v as u64));
            t.set_text(id, format_args!("Frame check sequence: 0x{v:08x} [unverified]"));
            let s = t.add_to(parent, &FCS_STATUS, fcs_at..frame_end, Value::UInt(2));
            t.set_flags(s, crate::field::tree::GENERATED);
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::dissect::testutil::{field, run, run_cut};

    fn frame(ty: u16, payload: &[u8]) -> Vec<u8> {
        let mut f = vec![0xff; 6];
        f.extend_from_slice(&[0x00, 0x11, 0x22, 0x33, 0x44, 0x55]);
        f.extend_from_slice(&ty.to_be_bytes());
        f.extend_from_slice(payload);
        f
    }

    fn ipv4(total: u16) -> Vec<u8> {
        let mut p = vec![0x45, 0, 0, 0, 0, 1, 0, 0, 64, 253, 0, 0, 10, 0, 0, 1, 10, 0, 0, 2];
        p[2..4].copy_from_slice(&total.to_be_bytes());
        p.resize(total as usize, 0xab);
        p
    }

    #[test]
    fn addresses_and_bits() {
        let f = frame(0x0800, &ipv4(20));
        let d = run(1, &f);
        assert_eq!(d.protocols, "eth:ethertype:ip");
        assert_eq!(field(&d, &f, "eth.addr"), "ff:ff:ff:ff:ff:ff,00:11:22:33:44:55");
        assert_eq!(field(&d, &f, "eth.ig"), "1,0");
        assert_eq!(field(&d, &f, "eth.type"), "0x0800");
        assert_eq!(d.cols.src, "10.0.0.1");
    }

    #[test]
    fn zero_padding_then_trailer() {
        let mut f = frame(0x0800, &ipv4(20));
        f.resize(62, 0);
        f[61] = 7;
        let d = run(1, &f);
        assert_eq!(field(&d, &f, "eth.padding"), "00".repeat(26));
        assert_eq!(field(&d, &f, "eth.trailer"), "0007");
        assert_eq!(field(&d, &f, "eth.fcs"), "");
        // Both sit in the Ethernet subtree, after its own items, although
        // they are found after the IP layer.
        let n = &d.tree.nodes;
        let eth = n.iter().position(|x| x.field.name == "eth").unwrap();
        let ip = n.iter().position(|x| x.field.name == "ip").unwrap();
        let pad = n.iter().position(|x| x.field.name == "eth.padding").unwrap();
        let trailer = n.iter().position(|x| x.field.name == "eth.trailer").unwrap();
        assert!(eth < pad && pad < trailer && trailer < ip);
        assert_eq!((n[pad].depth, n[trailer].depth, n[ip].depth), (1, 1, 0));
    }

    #[test]
    fn nonzero_padding_is_trailer_and_fcs_on_big_frames() {
        let mut f = frame(0x0800, &ipv4(20));
        f.resize(60, 0x20);
        let d = run(1, &f);
        assert_eq!(field(&d, &f, "eth.padding"), "");
        assert_eq!(field(&d, &f, "eth.trailer"), "20".repeat(26));
        let mut f = frame(0x0800, &ipv4(60));
        f.extend_from_slice(&[1, 2, 3, 4]);
        let d = run(1, &f);
        assert_eq!(field(&d, &f, "eth.fcs"), "0x01020304");
        assert_eq!(field(&d, &f, "eth.trailer"), "");
    }

    #[test]
    fn short_frames() {
        let f = frame(0x0800, &[]);
        let d = run_cut(1, &f[..10], 60);
        assert!(d.truncated && !d.malformed);
        let d = run(1, &f[..10]);
        assert!(d.malformed);
        assert_eq!(d.protocols, "eth");
    }
}
