//! Helpers for dissector unit tests: run one hand-built frame through the
//! whole engine and read fields back as `-T fields` prints them.

use super::{dissect_frame, Dissection, FrameMeta, Pass};
use crate::session::Session;

/// Dissects `frame` as a packet of `linktype`, fully captured.
pub fn run(linktype: u32, frame: &[u8]) -> Dissection {
    run_cut(linktype, frame, frame.len())
}

/// Dissects `frame` as the captured part of a packet of `origlen` bytes.
pub fn run_cut(linktype: u32, frame: &[u8], origlen: usize) -> Dissection {
    let meta = FrameMeta {
        number: 1,
        caplen: frame.len() as u32,
        origlen: origlen as u32,
        linktype,
        ..FrameMeta::default()
    };
    let mut d = Dissection::default();
    dissect_frame(&meta, frame, &mut Session::new(), Pass::First, crate::dissect::Depth::Tree, &mut d);
    d
}

/// Every value of `name` joined by commas, as `-T fields -e name` prints it.
pub fn field(d: &Dissection, frame: &[u8], name: &str) -> String {
    let f = crate::field::lookup(name).unwrap_or_else(|| panic!("no field {name}"));
    let mut out = Vec::new();
    for (id, n) in d.tree.nodes.iter().enumerate() {
        if crate::field::same(n.field, f) {
            let mut s = String::new();
            crate::field::format_value(n.field, &n.value, d.node_bytes(frame, id), &mut s);
            out.push(s);
        }
    }
    out.join(",")
}
