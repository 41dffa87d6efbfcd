//! Helpers for dissector unit tests: run one hand-built frame through the
//! whole engine (`run`, `run_cut`), or one application dissector (DNS,
//! HTTP, SMTP) on hand-built bytes with a given session (`run_with`), and
//! read fields back as `-T fields` prints them; or a sample capture's
//! Protocol and Info columns (`sample_columns`).

use super::{dissect_frame, Buf, Ctx, Dissection, FrameMeta, Pass};
use crate::dissect::session::Session;
use crate::field::{Field, Timestamp};

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

/// The Protocol and Info columns of every packet of `sample-captures/NAME`,
/// in one pass as `-P` prints them; None (the test skips) when it is absent.
pub fn sample_columns(name: &str) -> Option<Vec<(String, String)>> {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("sample-captures").join(name);
    let Ok(file) = std::fs::read(&path) else {
        eprintln!("{} missing: skipped", path.display());
        return None;
    };
    let mut r = crate::capture::Reader::new(std::io::Cursor::new(file)).ok()?;
    let (mut session, mut arrivals, mut d) = (Session::new(), super::Arrivals::new(false), Dissection::default());
    let mut out = Vec::new();
    while let Ok(Some((rec, iface, data))) = r.next_packet() {
        let meta = arrivals.next(&rec, iface);
        dissect_frame(&meta, data, &mut session, Pass::First, crate::dissect::Depth::Columns, &mut d);
        out.push((d.cols.protocol.clone(), d.cols.info.clone()));
    }
    Some(out)
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

/// Runs `f` on `bytes` as frame `number` at `ms` milliseconds.
pub fn run_with<R>(
    session: &mut Session,
    bytes: &[u8],
    number: u32,
    ms: i64,
    pass: Pass,
    f: impl FnOnce(&mut Ctx, Buf) -> R,
) -> (Dissection, R) {
    let meta = FrameMeta {
        number,
        ts: Timestamp { secs: ms / 1000, nanos: (ms % 1000) as u32 * 1_000_000 },
        caplen: bytes.len() as u32,
        origlen: bytes.len() as u32,
        ..FrameMeta::default()
    };
    let mut out = Dissection::default();
    let r = {
        let mut cx = Ctx { meta: &meta, out: &mut out, session, pass, layer: "test", full: true, apps: true, net: None, net_end: None, quoted: false, hop_limit: None, messages: 0 };
        f(&mut cx, Buf::new(bytes, bytes.len()))
    };
    (out, r)
}

/// Every value of `f` in the tree, in order.
pub fn values(d: &Dissection, f: Field) -> Vec<String> {
    d.tree
        .find(f)
        .map(|n| {
            let mut s = String::new();
            crate::field::format_value(n.field, &n.value, &[], &mut s);
            s
        })
        .collect()
}

/// Every value of `f`, byte-valued ones read from `bytes` (the buffer the
/// dissector ran on).
pub fn values_in(d: &Dissection, f: Field, bytes: &[u8]) -> Vec<String> {
    d.tree
        .find(f)
        .map(|n| {
            let mut s = String::new();
            crate::field::format_value(n.field, &n.value, bytes.get(n.range()).unwrap_or_default(), &mut s);
            s
        })
        .collect()
}

/// Every label of the tree, for checks on wording.
pub fn labels(d: &Dissection) -> Vec<String> {
    (0..d.tree.nodes.len()).map(|i| d.tree.label(i, &[])).collect()
}

/// Bytes written as hex digits (test frames copied from a capture).
pub fn hex(s: &str) -> Vec<u8> {
    (0..s.len()).step_by(2).map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap()).collect()
}
