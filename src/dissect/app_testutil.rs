//! Helpers for the application dissectors' unit tests (DNS, HTTP, SMTP):
//! run a dissector on hand-built bytes with a given session, and read
//! fields back as `-T fields` prints them.

use super::{Buf, Ctx, Dissection, FrameMeta, Pass};
use crate::field::{Field, Timestamp};
use crate::session::Session;

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
