//! Shared by IPv4 and IPv6: adding a fragment to its datagram and, when it
//! completes one, the fragment list Wireshark shows and a data source with
//! the reassembled payload.

use std::fmt::Write;

use crate::field::{Field, Value};
use super::fragments::{FragKey, Piece};
use crate::field::tree::SourceId;

use crate::dissect::{Buf, Ctx, Pass};

/// The fields one IP version files its reassembly under.
pub struct FragFields {
    pub version: &'static str,
    pub fragments: Field,
    pub fragment: Field,
    pub count: Field,
    pub length: Field,
    pub data: Field,
    /// On a fragment that does not complete its datagram: the frame that does.
    pub reassembled_in: Field,
}

/// Adds the fragment in `body` (at byte `offset` of its datagram) and, if
/// it completes the datagram, adds the fragment list to the open tree item
/// and returns the datagram with the data source holding it. A fragment cut
/// by the snap length cannot be used, as in Wireshark.
pub fn add(cx: &mut Ctx, f: &FragFields, key: FragKey, offset: usize, more: bool, body: Buf) -> Option<(Vec<u8>, SourceId)> {
    if body.len() != body.reported_len() {
        return None;
    }
    let first = cx.pass == Pass::First;
    let piece = Piece { frame: cx.meta.number, offset, len: body.len() };
    let Some(r) = cx.session.frags.add(first, key, piece, more, body.tail(0)) else {
        if let Some(n) = cx.session.frags.completed_in(piece.frame).filter(|_| !first) {
            let t = &mut cx.out.tree;
            let id = t.generated(f.reassembled_in, body.range(0, 0), Value::FrameNum(n));
            t.set_text(id, format_args!("[{}: {n}]", f.reassembled_in.display));
        }
        return None;
    };
    let n = r.bytes.len();
    let sid = cx.out.add_source(format!("Reassembled {}", f.version), r.bytes.clone());
    let t = &mut cx.out.tree;
    let prev = t.source();
    let mut label = format!("[{} {} Fragments ({n} bytes): ", r.pieces.len(), f.version);
    for (i, p) in r.pieces.iter().enumerate() {
        let _ = write!(label, "{}#{}({})", if i > 0 { ", " } else { "" }, p.frame, p.len);
    }
    label.push(']');
    let all = body.range(0, body.len());
    // The list's own value is the whole datagram (`ip.fragments` is bytes).
    t.set_source(sid);
    let id = t.open(f.fragments, 0..n, Value::None);
    t.set_source(prev);
    t.set_flags(id, crate::field::tree::GENERATED);
    t.set_text(id, label);
    for p in &r.pieces {
        let id = t.generated(f.fragment, all.clone(), Value::FrameNum(p.frame));
        let last = (p.offset + p.len).saturating_sub(1);
        t.set_text(id, format_args!("[Frame: {}, payload: {}-{last} ({} bytes)]", p.frame, p.offset, p.len));
    }
    let id = t.generated(f.count, all.clone(), Value::UInt(r.pieces.len() as u64));
    t.set_text(id, format_args!("[Fragment count: {}]", r.pieces.len()));
    let id = t.generated(f.length, all, Value::UInt(n as u64));
    t.set_text(id, format_args!("[Reassembled {} length: {n}]", f.version));
    t.set_source(sid);
    t.generated(f.data, 0..n, Value::None);
    t.set_source(prev);
    t.close();
    Some((r.bytes, sid))
}

/// Wireshark's Info note on a fragment whose datagram a later frame
/// completes (known on a later pass only).
pub fn completed_note(cx: &mut Ctx) {
    if cx.pass == Pass::First {
        return;
    }
    if let Some(n) = cx.session.frags.completed_in(cx.meta.number) {
        let _ = write!(cx.out.cols.info, " [Reassembled in #{n}]");
    }
}

/// Dissects a reassembled datagram's payload from its own data source.
pub fn dissect_reassembled(cx: &mut Ctx, proto: u8, bytes: &[u8], sid: SourceId, v6: bool) {
    let prev = cx.out.tree.source();
    cx.out.tree.set_source(sid);
    let net_end = cx.net_end;
    crate::dissect::dispatch::ip_proto(cx, proto, Buf::new(bytes, bytes.len()), v6);
    cx.net_end = net_end;
    cx.out.tree.set_source(prev);
}
