//! Arbitrary bytes as a frame of every link type wirelens decodes, and
//! plausible header chains with arbitrary bodies, must never panic — on the
//! first pass or on a revisit, fully captured or cut by a snap length.

use proptest::prelude::*;
use wirelens::dissect::{dissect_frame, Dissection, FrameMeta, Pass};
use wirelens::dissect::session::Session;

/// Every link type with a dissector, and one without.
const LINK_TYPES: &[u32] = &[0, 1, 12, 14, 101, 108, 113, 228, 229, 276, 147];

const L2_L3: &[&str] =
    &["eth", "vlan", "ieee8021ad", "sll", "null", "raw", "arp", "ip", "ipv6", "icmp", "icmpv6"];

/// Header chains that lead the random tail into each L2–L4 dissector.
fn prefix(kind: u8, proto: u8) -> (u32, Vec<u8>) {
    let eth = |ty: u16| {
        let mut f = vec![0xff; 6];
        f.extend([0, 1, 2, 3, 4, 5]);
        f.extend(ty.to_be_bytes());
        f
    };
    let ipv4 = |p: u8| vec![0x45, 0, 0, 200, 0, 1, 0, 0, 64, p, 0, 0, 10, 0, 0, 1, 10, 0, 0, 2];
    let ipv6 = |p: u8| {
        let mut h = vec![0x60, 0, 0, 0, 0, 160, p, 64];
        h.extend([0xfe, 0x80].iter().chain([0u8; 13].iter()).chain([1u8].iter()));
        h.extend([0xff, 0x02].iter().chain([0u8; 13].iter()).chain([1u8].iter()));
        h
    };
    match kind % 8 {
        0 => (1, [eth(0x0800), ipv4(proto)].concat()),
        1 => (1, [eth(0x86dd), ipv6(proto)].concat()),
        2 => (1, eth(0x0806)),
        3 => (1, [eth(0x8100), vec![0, 5, 0x88, 0xa8, 0, 6], vec![0x08, 0x00], ipv4(proto)].concat()),
        4 => (113, [vec![0, 0, 0, 1, 0, 6, 1, 2, 3, 4, 5, 6, 0, 0, 0x86, 0xdd], ipv6(proto)].concat()),
        5 => (276, [vec![0x08, 0, 0, 0, 0, 0, 0, 1, 0, 1, 0, 6, 1, 2, 3, 4, 5, 6, 0, 0], ipv4(proto)].concat()),
        6 => (0, [vec![30, 0, 0, 0], ipv6(proto)].concat()),
        _ => (101, ipv4(proto)),
    }
}

fn dissect_all_ways(linktype: u32, frame: &[u8], extra: u32) {
    let meta = FrameMeta {
        number: 1,
        caplen: frame.len() as u32,
        origlen: frame.len() as u32 + extra,
        linktype,
        ..FrameMeta::default()
    };
    let mut session = Session::new();
    let mut d = Dissection::default();
    dissect_frame(&meta, frame, &mut session, Pass::First, wirelens::dissect::Depth::Tree, &mut d);
    // Every link- and network-layer item's range lies inside its data
    // source, so a hex pane can highlight it.
    for (i, n) in d.tree.nodes.iter().enumerate() {
        if !L2_L3.contains(&n.field.protocol()) {
            continue;
        }
        let src = d.source_bytes(frame, n.source);
        assert!(n.range().end <= src.len(), "item {i} ({}) out of bounds", n.field.name);
    }
    dissect_frame(&meta, frame, &mut session, Pass::Revisit, wirelens::dissect::Depth::Columns, &mut d);
    // The first pass at every depth: the inspector's loader runs it for
    // the columns only, recording brief items, and paths that skip labels
    // must not trip over items that were never kept.
    use wirelens::dissect::Depth;
    use wirelens::field::tree::Recording;
    for depth in [Depth::Columns, Depth::Transport, Depth::Fields] {
        d.tree.record(if depth == Depth::Columns { Recording::Brief } else { Recording::Nothing });
        dissect_frame(&meta, frame, &mut Session::new(), Pass::First, depth, &mut d);
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 10000, ..ProptestConfig::default() })]

    #[test]
    fn arbitrary_bytes_never_panic(
        lt in proptest::sample::select(LINK_TYPES),
        body in proptest::collection::vec(any::<u8>(), 0..200),
        extra in 0u32..64,
    ) {
        dissect_all_ways(lt, &body, extra);
    }

    #[test]
    fn plausible_headers_with_arbitrary_bodies_never_panic(
        kind in any::<u8>(),
        proto in proptest::sample::select(&[0u8, 1, 4, 6, 17, 41, 43, 44, 58, 59, 60][..]),
        body in proptest::collection::vec(any::<u8>(), 0..200),
        cut in 0usize..260,
        extra in 0u32..64,
    ) {
        let (lt, mut frame) = prefix(kind, proto);
        frame.extend(body);
        frame.truncate(cut.max(1));
        dissect_all_ways(lt, &frame, extra);
    }
}
