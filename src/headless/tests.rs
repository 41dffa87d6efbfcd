//! A tree that keeps only a filter's items (`Depth::Recorded`) against the
//! whole tree: on every sample and corpus capture, each filter of
//! `tests/filter_diff.rs` must print the same packets both ways.

use super::{Format, Printer};
use crate::capture::{Interface, Record};
use crate::dissect::Depth;
use crate::field::tree::Recording;
use crate::filter::Filter;
use crate::tui::workers::brief_tests::{captures, filter_diff_filters};

struct Capture {
    packets: Vec<(Record, Vec<u8>, Vec<String>)>,
    interfaces: Vec<Interface>,
    pcapng: bool,
}

fn read(path: &std::path::Path) -> Option<Capture> {
    let mut reader = crate::capture::open_stream(path.to_str()?).ok()?;
    let mut packets = Vec::new();
    // A damaged file gives the packets before the damage.
    while let Ok(Some(p)) = reader.next_packet_full() {
        packets.push((p.rec, p.data.to_vec(), p.comments.to_vec()));
    }
    Some(Capture { packets, interfaces: reader.interfaces().to_vec(), pcapng: reader.is_pcapng() })
}

/// The `-P` lines of the packets `filter` keeps; `whole`: with the whole
/// tree built, whatever the filter reads.
fn shown(c: &Capture, filter: &Filter, whole: bool) -> (String, Depth) {
    let format = Format::Summary;
    let mut p = Printer::new(&format, false, false, Some(filter), c.pcapng);
    if whole {
        p.brief = None;
        p.depth = Depth::Fields;
        p.d.tree.record(Recording::Nothing);
    }
    let mut out = Vec::new();
    for (rec, data, comments) in &c.packets {
        let Some(iface) = rec.interface(&c.interfaces) else { break };
        p.packet(rec, iface, data, comments, &mut out).expect("written to a Vec");
    }
    (String::from_utf8_lossy(&out).into_owned(), p.depth)
}

#[test]
fn a_tree_of_the_filters_items_matches_as_the_whole_tree() {
    let texts = filter_diff_filters();
    let filters: Vec<Filter> = texts.iter().filter_map(|t| Filter::compile(t).ok()).collect();
    assert!(filters.len() > 300, "{} filters", filters.len());
    let (mut differences, mut recorded, mut matched) = (Vec::new(), 0, 0);
    for path in captures() {
        let Some(c) = read(&path) else { continue };
        for f in &filters {
            let (fast, depth) = shown(&c, f, false);
            if !matches!(depth, Depth::Recorded { .. }) {
                continue;
            }
            recorded += 1;
            matched += fast.lines().count();
            if fast != shown(&c, f, true).0 {
                differences.push(format!("{f} on {}", path.display()));
            }
        }
    }
    // Most filters read neither protocols' bytes nor brief fields alone.
    assert!(recorded > 100 * 20, "{recorded} runs on a tree of the filter's items");
    assert!(matched > 1000, "{matched} packets matched");
    assert!(differences.is_empty(), "{} differences: {differences:#?}", differences.len());
}

#[test]
fn filters_reading_protocol_bytes_build_the_whole_tree() {
    for (text, recorded) in [
        ("http.request.uri contains \"index\"", true),
        ("tcp.analysis.flags", true),
        ("len(tcp) > 20 && http", true),
        ("ip.src#2 == 127.0.0.1 || dns.qry.name#1 == \"x\"", true),
        ("frame contains \"GET\"", false),
        ("tcp[0:2] == 00:50", false),
    ] {
        let f = Filter::compile(text).unwrap();
        assert_eq!(f.node_fields().is_some(), recorded, "{text}");
    }
}
