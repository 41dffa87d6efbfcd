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

mod udp_apps {
    use proptest::prelude::*;

    use crate::dissect::session::Session;
    use crate::dissect::testutil::run_with;
    use crate::dissect::{dispatch, Pass};

    proptest! {
        /// Any bytes on the UDP applications' ports (DHCP's with a header
        /// and the magic cookie in front, so that its options are read)
        /// give a tree or a malformed packet, never a panic, on both passes.
        #[test]
        fn arbitrary_datagrams_never_panic(port in prop::sample::select(vec![67u16, 123, 137, 1900]), tail in prop::collection::vec(any::<u8>(), 0..400)) {
            let mut bytes = Vec::new();
            if port == 67 {
                bytes.extend([1u8, 1, 6, 0]);
                bytes.resize(236, 0);
                bytes.extend([99, 130, 83, 99]);
            }
            bytes.extend(&tail);
            let mut s = Session::new();
            for pass in [Pass::First, Pass::Revisit] {
                run_with(&mut s, &bytes, 1, 0, pass, |cx, b| dispatch::udp_port(cx, 40000, port, b));
            }
        }
    }
}
