//! What the fuzz targets share: captures built in memory, the packet store
//! over them, the two-pass printer and the brief records, as the headless
//! path and the inspector run them.

use std::io::Cursor;

use wirelens::capture::{PacketStore, Reader, StoreSource};
use wirelens::dissect::session::Session;
use wirelens::dissect::{dissect_frame, Arrivals, Depth, Dissection, Pass};
use wirelens::field::tree::Recording;
use wirelens::field::{self, Field, Value};
use wirelens::headless::{Format, Printer};
use wirelens::output::export_objects::{ExportTo, Kind};
use wirelens::stats::Stats;
use wirelens::store::brief::{BriefStore, Encoder, Plan};

/// Every link type with a dissector, and one without.
pub const LINK_TYPES: &[u32] = &[1, 0, 12, 14, 101, 108, 113, 228, 229, 276, 147, 9, 50, 51, 104, 239];

/// A pcap file (microsecond, little-endian) of `packets` on `linktype`.
pub fn pcap<'a>(linktype: u32, packets: impl IntoIterator<Item = &'a [u8]>) -> Vec<u8> {
    let mut f = Vec::new();
    f.extend(0xa1b2_c3d4u32.to_le_bytes());
    f.extend(2u16.to_le_bytes());
    f.extend(4u16.to_le_bytes());
    f.extend([0u8; 8]);
    f.extend(262_144u32.to_le_bytes());
    f.extend(linktype.to_le_bytes());
    for (i, p) in packets.into_iter().enumerate() {
        f.extend((1_700_000_000u32 + i as u32 / 3).to_le_bytes());
        f.extend((i as u32 * 137_000 % 1_000_000).to_le_bytes());
        f.extend((p.len() as u32).to_le_bytes());
        f.extend((p.len() as u32).to_le_bytes());
        f.extend_from_slice(p);
    }
    f
}

/// Whether `bytes` start as a capture file (pcap in either byte order and
/// resolution, or pcapng) rather than as a fuzzer's own packet list.
pub fn is_capture(bytes: &[u8]) -> bool {
    const MAGICS: [[u8; 4]; 5] = [
        [0xd4, 0xc3, 0xb2, 0xa1],
        [0xa1, 0xb2, 0xc3, 0xd4],
        [0x4d, 0x3c, 0xb2, 0xa1],
        [0xa1, 0xb2, 0x3c, 0x4d],
        [0x0a, 0x0d, 0x0d, 0x0a],
    ];
    bytes.len() >= 4 && MAGICS.iter().any(|m| bytes[..4] == m[..])
}

/// The capture a fuzz input stands for: a capture file as is, or one byte
/// choosing the link type (`LINK_TYPES`) then packets, each a big-endian
/// u16 length and its bytes (the last one takes what is left).
pub fn capture_of(data: &[u8]) -> Option<Vec<u8>> {
    if is_capture(data) {
        return Some(data.to_vec());
    }
    let (&lt, mut rest) = data.split_first()?;
    let mut packets = Vec::new();
    while !rest.is_empty() && packets.len() < 64 {
        let (len, body) = match rest {
            [a, b, body @ ..] => (u16::from_be_bytes([*a, *b]) as usize, body),
            _ => (rest.len(), rest),
        };
        let (p, r) = body.split_at(len.min(body.len()));
        packets.push(p);
        rest = r;
    }
    Some(pcap(LINK_TYPES[lt as usize % LINK_TYPES.len()], packets))
}

/// The packet store over a capture held in memory, indexed as
/// `PacketStore::index_file` indexes a file: up to the first damage.
pub fn store(bytes: Vec<u8>) -> Option<PacketStore> {
    let mut reader = Reader::new(Cursor::new(bytes.clone())).ok()?;
    let mut store = PacketStore::new(StoreSource::Memory(bytes));
    loop {
        match reader.next_packet() {
            Ok(Some((rec, _, _))) => store.records.push(&rec),
            Ok(None) => break,
            Err(e) => {
                store.error = Some(e);
                break;
            }
        }
    }
    store.interfaces = reader.interfaces().to_vec();
    store.pcapng = reader.is_pcapng();
    Some(store)
}

/// Gives TLS the key log of the sample capture `tls-keylog.pcap`, once per
/// process, so that its conversations in the seeds decrypt and mutations of
/// them reach the decrypted records' dissection.
pub fn tls_keys() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        wirelens::dissect::tls::keylog::add_text(include_str!("../../sample-captures/tls-keylog.txt"));
    });
}

/// `-2 -V -x` with a few `-z` statistics, into a sink; then the statistics.
pub fn two_pass(store: &PacketStore) {
    let stats = [
        "conv,tcp",
        "conv,ip",
        "endpoints,udp",
        "io,phs",
        "follow,tcp,ascii,0",
        "follow,udp,hex,0",
        "follow,tls,ascii,0",
    ];
    let stats = Stats::new(&stats.map(String::from), None).expect("the statistics parse");
    let format = Format::Summary;
    // The objects are collected from every tree (never written: the run
    // does not call `write_objects`).
    let export = [Kind::Http, Kind::Imf].map(|kind| ExportTo { kind, dir: "unwritten".into() });
    let mut printer = Printer::new(&format, true, true, None, store.pcapng).with_stats(stats, false).with_export(&export);
    let mut sink = std::io::sink();
    // A packet that cannot be read again (no interface) ends the run with
    // an error, not a panic.
    let _ = printer.two_pass(store, &mut sink);
    printer.finish(&mut sink).expect("a sink takes everything");
}

/// The inspector's load: a first pass at the columns' depth that records
/// every packet's brief items into brief records. Returns the records, the
/// session it built (for revisits), and each packet's bytes.
pub struct Loaded {
    pub briefs: BriefStore,
    pub session: Session,
    pub packets: Vec<(wirelens::dissect::FrameMeta, Vec<u8>)>,
}

pub fn load(store: &PacketStore) -> Loaded {
    let mut session = Session::new();
    let mut d = Dissection::default();
    d.tree.record(Recording::Brief);
    let mut enc = Encoder::new();
    let mut briefs = BriefStore::default();
    let mut arrivals = Arrivals::new(store.pcapng);
    let mut packets = Vec::new();
    for rec in store.records.iter() {
        let Some(iface) = store.interfaces.get(rec.iface as usize) else { break };
        let meta = arrivals.next(&rec, iface);
        let mut bytes = Vec::new();
        if store.read(&rec, &mut bytes).is_err() {
            break;
        }
        dissect_frame(&meta, &bytes, &mut session, Pass::First, Depth::Columns, &mut d);
        enc.push(&d.tree.brief);
        packets.push((meta, bytes));
    }
    enc.publish(&mut briefs);
    Loaded { briefs, session, packets }
}

/// The items of brief fields in a tree, in order.
pub fn brief_items(d: &Dissection) -> Vec<(&'static str, Value)> {
    d.tree.nodes.iter().filter(|n| n.field.brief).map(|n| (n.field.name, n.value.clone())).collect()
}

/// Every packet's brief record gives exactly the brief items a revisit
/// dissection gives (as `tui::workers::brief_tests` checks on the samples).
pub fn check_briefs(loaded: &mut Loaded) {
    let all: Vec<Field> = field::all().iter().copied().filter(|f| f.brief).collect();
    let mut plan = Plan::new(&all);
    let (mut from_record, mut dissected) = (Dissection::default(), Dissection::default());
    for (i, (meta, bytes)) in loaded.packets.iter().enumerate() {
        from_record.clear();
        if !loaded.briefs.decode(i, &mut plan, &mut from_record.tree) {
            continue;
        }
        dissect_frame(meta, bytes, &mut loaded.session, Pass::Revisit, Depth::Fields, &mut dissected);
        assert_eq!(brief_items(&from_record), brief_items(&dissected), "packet {}", i + 1);
    }
}
