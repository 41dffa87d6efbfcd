//! Every `Depth` gives the same columns; each keeps only what it promises.

use super::*;
use crate::capture::Reader;
use crate::dissect::session::Session;

/// Dissects every frame of a sample capture at `depth`.
fn dissect_all(name: &str, depth: Depth) -> Vec<Dissection> {
    let path = format!("{}/sample-captures/{name}", env!("CARGO_MANIFEST_DIR"));
    let mut r = Reader::new(std::fs::File::open(path).unwrap()).unwrap();
    let mut session = Session::new();
    let mut out = Vec::new();
    let mut arrivals = Arrivals::new(false);
    while let Some((rec, iface, data)) = r.next_packet().unwrap() {
        let meta = arrivals.next(&rec, iface);
        let mut d = Dissection::default();
        dissect_frame(&meta, data, &mut session, Pass::First, depth, &mut d);
        out.push(d);
    }
    out
}

#[test]
fn depths_agree_on_columns_and_keep_what_they_promise() {
    let tree = dissect_all("web.pcap", Depth::Tree);
    for depth in [Depth::Columns, Depth::Transport, Depth::Fields] {
        let other = dissect_all("web.pcap", depth);
        for (a, b) in tree.iter().zip(&other) {
            assert_eq!((&a.cols.protocol, &a.cols.info), (&b.cols.protocol, &b.cols.info), "{depth:?}");
            assert_eq!(a.protocols, b.protocols);
        }
    }
    let has = |d: &[Dissection], f| d.iter().any(|d| d.tree.has(f));
    let labelled = |d: &[Dissection]| d.iter().any(|d| d.tree.nodes.iter().any(|n| n.text.is_some()));
    assert!(has(&tree, &http::CODE) && has(&tree, &tcp::SRCPORT) && labelled(&tree));
    let fields = dissect_all("web.pcap", Depth::Fields);
    assert!(has(&fields, &http::CODE) && has(&fields, &tcp::SRCPORT) && !labelled(&fields));
    let transport = dissect_all("web.pcap", Depth::Transport);
    assert!(!has(&transport, &http::CODE) && has(&transport, &tcp::SRCPORT));
    assert!(dissect_all("web.pcap", Depth::Columns).iter().all(|d| d.tree.nodes.is_empty()));
}
