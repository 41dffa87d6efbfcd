//! The brief records and columns against the dissections they stand for: on
//! every sample and corpus capture, loaded as the inspector loads them, each
//! packet's record must give exactly the brief items, in order, that
//! dissecting the packet again gives, and every filter of
//! `tests/filter_diff.rs` must match the same packets through stored
//! records as by dissection.

use std::sync::atomic::AtomicBool;
use std::sync::{mpsc, Arc};

use crate::tui::event::Event;
use crate::tui::packets::Packets;
use super::{filtering, loader, walk};
use crate::capture::StoreSource;
use crate::dissect::{Depth, Dissection};
use crate::field::{self, Field, Value};
use crate::filter::Filter;
use crate::store::columns::Reading;

pub(crate) fn load(path: &std::path::Path) -> Option<Arc<Packets>> {
    let name = path.to_str()?;
    let reader = crate::capture::open_stream(name).ok()?;
    let file = std::fs::File::open(path).ok()?;
    let packets = Arc::new(Packets::new(StoreSource::File(file), reader.is_pcapng()));
    let (tx, rx) = mpsc::channel();
    let loading = loader::spawn(reader, 0, packets.clone(), tx, Arc::new(AtomicBool::new(false)));
    for ev in rx {
        if matches!(ev, Event::Packets(p) if p.done) {
            break;
        }
    }
    assert!(loading.join().is_ok(), "loading {name} panicked");
    assert!(packets.is_complete(), "{name} loaded");
    Some(packets)
}

/// The sample and corpus captures, in name order.
pub(crate) fn captures() -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    for dir in ["sample-captures", "../shared/captures"] {
        let Ok(rd) = std::fs::read_dir(dir) else { continue };
        for e in rd.flatten() {
            let p = e.path();
            if p.extension().is_some_and(|x| x == "pcap" || x == "pcapng") {
                out.push(p);
            }
        }
    }
    out.sort();
    out
}

fn brief_items(d: &Dissection) -> Vec<(&'static str, Value)> {
    d.tree.nodes.iter().filter(|n| n.field.brief).map(|n| (n.field.name, n.value.clone())).collect()
}

#[test]
fn brief_records_hold_what_dissection_gives() {
    let all: Vec<Field> = field::all().iter().copied().filter(|f| f.brief).collect();
    let (mut checked, mut without) = (0, 0);
    for path in captures() {
        let Some(packets) = load(&path) else { continue };
        let (mut d, mut bytes) = (Dissection::default(), Vec::new());
        for i in 0..packets.len() {
            if !Packets::read_stored(&packets.records(), i, &mut Reading::new(&all), &mut d) {
                without += 1;
                continue;
            }
            let from_record = brief_items(&d);
            assert!(packets.dissect_to(i, Depth::Fields, &mut bytes, &mut d));
            assert_eq!(from_record, brief_items(&d), "{} packet {}", path.display(), i + 1);
            checked += 1;
        }
    }
    // The sample captures hold 305 packets; the corpus, where it is next to
    // the checkout (as in CI), over a thousand more.
    let least = if std::path::Path::new("../shared/captures").is_dir() { 1000 } else { 300 };
    assert!(checked > least, "{checked} packets checked");
    assert!(without * 100 < checked, "{without} packets without a record");
}

/// Runs `filter` over `packets` as the inspector's filter bar does (on
/// brief records, split over two threads), or `dissecting` every packet.
fn matching(packets: &Arc<Packets>, filter: &Filter, dissecting: bool) -> Vec<u32> {
    let filter = Arc::new(Filter::compile(&filter.to_string()).unwrap());
    let cancel = Arc::new(AtomicBool::new(false));
    if dissecting {
        let (tx, rx) = mpsc::channel();
        let f = filter.clone();
        let visit = move |i, d: &Dissection, bytes: &[u8], out: &mut Vec<u32>| {
            if f.matches(d, bytes) {
                out.push(i as u32);
            }
        };
        walk::spawn(packets.clone(), Depth::Fields, cancel, visit, move |chunk, _, _| tx.send(chunk).is_ok()).join().unwrap();
        return rx.into_iter().flatten().collect();
    }
    let (tx, rx) = mpsc::channel();
    filtering::spawn(filter, packets.clone(), 7, tx, cancel).join().unwrap();
    let mut out = Vec::new();
    for ev in rx {
        if let Event::Filtered(p) = ev {
            assert_eq!(p.generation, 7);
            out.extend(p.matched);
        }
    }
    out
}

#[test]
fn filters_on_brief_fields_match_as_on_dissections() {
    let filters = [
        "tcp.port == 12000",
        "tcp.flags.syn == 1 && tcp.flags.ack == 0",
        "ip.addr == 127.0.0.0/8 && !(udp.port == 53)",
        "tcp.stream in {0 2..4} || udp.stream == 1",
        "ip.src#2 == 127.0.0.1",
        "count(ip.addr) > 2",
        "eth.addr == 00:00:00:00:00:00 and frame.len > 100",
        "ipv6 && tcp.len > 0",
        "dns || http || smtp",
        "string(tcp.dstport) matches \"^60\"",
        "icmp.type == 3 and ip.ttl < 64",
        "tcp.seq + tcp.len > 1000 ^^ arp.opcode == 2",
        "frame.number >= 10 && max(tcp.srcport, tcp.dstport) != 80",
        "vlan.id == 100 or sll",
    ];
    let mut differences = Vec::new();
    for text in filters {
        let filter = Filter::compile(text).unwrap();
        assert!(filter.brief_fields().is_some(), "{text} reads brief fields only");
        for path in captures() {
            let Some(packets) = load(&path) else { continue };
            if matching(&packets, &filter, false) != matching(&packets, &filter, true) {
                differences.push(format!("{text} on {}", path.display()));
            }
        }
    }
    assert!(differences.is_empty(), "{differences:#?}");
    for text in ["tcp[0:2] == 00:50", "len(tcp) > 20", "tcp.payload", "frame.time_relative > 1", "ip"] {
        let filter = Filter::compile(text).unwrap();
        assert_eq!(filter.brief_fields().is_some(), text == "ip", "{text}");
    }
}

/// The filters of `tests/filter_diff.rs`, read from its source so that the
/// list stays one: the string literals of its `FILTERS`.
pub(crate) fn filter_diff_filters() -> Vec<String> {
    let src = std::fs::read_to_string("tests/filter_diff.rs").expect("tests/filter_diff.rs");
    let start = src.find("const FILTERS: &[&str] = &[").expect("FILTERS in tests/filter_diff.rs");
    let body = &src[start..];
    let body = &body[..body.find("\n];").expect("end of FILTERS")];
    let mut out = Vec::new();
    for line in body.lines().skip(1) {
        let Some(lit) = line.trim().strip_prefix('"') else { continue };
        let mut text = String::new();
        let mut chars = lit.chars();
        while let Some(c) = chars.next() {
            match c {
                '"' => break,
                '\\' => text.push(match chars.next() {
                    Some('n') => '\n',
                    Some('t') => '\t',
                    Some(other) => other,
                    None => break,
                }),
                c => text.push(c),
            }
        }
        out.push(text);
    }
    out
}

#[test]
fn every_filter_matches_the_same_packets_from_stored_records() {
    let texts = filter_diff_filters();
    assert!(texts.len() > 300, "{} filters read from tests/filter_diff.rs", texts.len());
    assert!(texts.iter().any(|t| t == r#"dns.qry.name matches "(?i)^WWW\\.""#), "escapes are read");
    let filters: Vec<Filter> = texts.iter().filter_map(|t| Filter::compile(t).ok()).collect();
    let stored: Vec<&Filter> = filters.iter().filter(|f| f.stored_fields().is_some()).collect();
    // Most filters run on stored records; the others read bytes (`tcp.payload`
    // slices of a protocol, `len(tcp)`) or layers of non-brief fields.
    assert!(stored.len() * 10 > filters.len() * 8, "{} of {} filters on stored records", stored.len(), filters.len());
    let (mut differences, mut runs) = (Vec::new(), 0);
    for path in captures() {
        let Some(packets) = load(&path) else { continue };
        for filter in &filters {
            let want = matching(&packets, filter, true);
            // The first run makes the columns the filter lacks (while it
            // dissects), the second reads them.
            for run in ["first", "second"] {
                if matching(&packets, filter, false) != want {
                    differences.push(format!("{filter} on {} ({run} run)", path.display()));
                }
            }
            runs += 1;
        }
        for f in &stored {
            assert!(packets.records().missing(f.stored_fields().unwrap_or_default()).is_empty(), "{f}: columns made");
        }
    }
    assert!(runs > 300 * 100, "{runs} filter runs");
    assert!(differences.is_empty(), "{} differences: {differences:#?}", differences.len());
}

#[test]
fn a_second_run_reads_the_columns_not_the_file() {
    let packets = load(std::path::Path::new("sample-captures/web.pcap")).expect("sample-captures/web.pcap");
    let filters = ["http.request.uri contains \"/\" || dns.qry.name", "tcp.analysis.flags || http.time > 0", "frame.time_relative >= 0 && frame.time_delta < 1"];
    let filters: Vec<Filter> = filters.iter().map(|t| Filter::compile(t).unwrap()).collect();
    let first: Vec<Vec<u32>> = filters.iter().map(|f| matching(&packets, f, false)).collect();
    assert!(first.iter().all(|m| !m.is_empty()), "{first:?}");
    for f in &filters {
        assert!(packets.records().missing(f.stored_fields().unwrap()).is_empty(), "{f}: columns made");
    }
    // No packet can be read any more: only stored records answer.
    packets.store_mut().source = StoreSource::Memory(Vec::new());
    let mut bytes = Vec::new();
    assert!(!packets.dissect(0, &mut bytes, &mut Dissection::default()));
    let second: Vec<Vec<u32>> = filters.iter().map(|f| matching(&packets, f, false)).collect();
    assert_eq!(first, second);
}

#[test]
fn columns_longer_than_a_chunk_read_back_without_the_file() {
    // Datagrams of three sizes: `udp.checksum` (not brief) varies with them.
    let frames: Vec<Vec<u8>> =
        (0..40_000u32).map(|i| crate::tui::testutil::udp_frame(&vec![i as u8; (i % 3) as usize])).collect();
    let packets = crate::tui::testutil::load_bytes(crate::tui::testutil::pcap(&frames)).expect("loaded");
    let filters = ["udp.checksum == 0", "data.len == 2 || tcp.stream == 1 || udp.stream == 0"];
    let filters: Vec<Filter> = filters.iter().map(|t| Filter::compile(t).unwrap()).collect();
    let first: Vec<Vec<u32>> = filters.iter().map(|f| matching(&packets, f, false)).collect();
    assert!(first.iter().all(|m| m.len() > 10_000), "{:?}", first.iter().map(Vec::len).collect::<Vec<_>>());
    // The walk sent its results in several chunks before it made the columns.
    assert!(packets.records().missing(&[&crate::dissect::udp::CHECKSUM]).is_empty());
    packets.store_mut().source = StoreSource::Memory(Vec::new());
    let second: Vec<Vec<u32>> = filters.iter().map(|f| matching(&packets, f, false)).collect();
    assert_eq!(first, second);
}

#[test]
fn a_search_finds_the_packets_a_dissecting_filter_matches() {
    use crate::tui::displayed::View;
    use crate::tui::workers::search::{Needle, Scan, Step};
    let packets = load(std::path::Path::new("sample-captures/web.pcap")).expect("sample-captures/web.pcap");
    let view = View { loaded: packets.len(), ..View::default() };
    for text in ["http.request.uri contains \"/\"", "tcp.analysis.flags || http.time > 0", "len(tcp) >= 32 && tcp.len > 0"] {
        let filter = Filter::compile(text).unwrap();
        assert!(filter.node_fields().is_some(), "{text}: a tree of its own items");
        let needle = Needle::Filter(Arc::new(Filter::compile(text).unwrap()));
        // From the last row, the first search finds the first match; each
        // next one the match after, until it wraps around.
        let (mut found, mut from) = (Vec::<u32>::new(), view.len() - 1);
        loop {
            let mut scan = Scan::new(needle.clone(), true, from, view.len());
            let row = loop {
                match scan.step(&packets, &view, std::time::Duration::from_secs(60)) {
                    Step::Found(r) => break Some(r),
                    Step::NotFound => break None,
                    Step::Continue => {}
                }
            };
            match row {
                Some(r) if found.last().is_none_or(|&l| r > l as usize) => {
                    found.push(r as u32);
                    from = r;
                }
                _ => break,
            }
        }
        let want = matching(&packets, &filter, true);
        assert!(!want.is_empty(), "{text} matches");
        assert_eq!(found, want, "{text}");
    }
}
