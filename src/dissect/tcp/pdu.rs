//! A TCP payload's way to its application dissector: bytes are delivered in
//! sequence order (see `stream::reassembly`), a message split over
//! several segments is handed over whole from a "Reassembled TCP" data
//! source once its last segment arrives, and every call is recorded so a
//! later dissection of the frame repeats it without touching stream state.

use crate::field::{Field, FieldDef, FieldType, Value};
use super::stream::{flag, Accept, App, AppCall, AppSlot, Calls, Reasm, SegOut};
use crate::field::tree::{NodeId, FRAME, GENERATED, NO_NODE};

use crate::dissect::dispatch::{self, Pdu, TcpSeg};
use crate::dissect::{Buf, Ctx, Pass};
use crate::field::plural;

pub static SEGMENTS: FieldDef = FieldDef::new("tcp.segments", "Reassembled TCP Segments", FieldType::None)
    .desc("The segments whose data was put together into one application message.");
pub static SEGMENT: FieldDef = FieldDef::new("tcp.segment", "TCP Segment", FieldType::FrameNum)
    .desc("A frame whose segment carries part of the reassembled message.");
pub static SEGMENT_COUNT: FieldDef = FieldDef::new("tcp.segment.count", "Segment count", FieldType::U32)
    .desc("Number of segments reassembled.");
pub static REASSEMBLED_IN: FieldDef =
    FieldDef::new("tcp.reassembled_in", "Reassembled PDU in frame", FieldType::FrameNum)
        .desc("Frame where the message this segment starts or continues is complete.");
pub static REASSEMBLED_LENGTH: FieldDef =
    FieldDef::new("tcp.reassembled.length", "Reassembled TCP length", FieldType::U32)
        .desc("Length in bytes of the reassembled data.");
pub static REASSEMBLED_DATA: FieldDef =
    FieldDef::new("tcp.reassembled.data", "Reassembled TCP Data", FieldType::Bytes)
        .desc("The reassembled data of several segments.");
pub static PDU_SIZE: FieldDef = FieldDef::new("tcp.pdu.size", "PDU Size", FieldType::U32)
    .desc("The size of one application message cut out of the stream by the length it states.");
pub static SEGMENT_DATA: FieldDef = FieldDef::new("tcp.segment_data", "TCP segment data", FieldType::Bytes)
    .desc("Data of this segment that belongs to a message completed in a later frame.");

pub static FIELDS: &[Field] = &[
    &PDU_SIZE, &SEGMENTS, &SEGMENT, &SEGMENT_COUNT, &REASSEMBLED_IN, &REASSEMBLED_LENGTH, &REASSEMBLED_DATA,
    &SEGMENT_DATA,
];

const PARTIAL_NOTE: &str = "[TCP segment of a reassembled PDU]";

/// What happened to this frame's payload on the first pass.
#[derive(Default)]
struct Outcome {
    calls: Calls,
    /// An application message was dissected in this frame (the calls say
    /// which only when frames are kept for a later pass).
    shown: bool,
    /// Some of its bytes wait for a message's later segments.
    partial: bool,
    /// Some of its bytes went into a reassembled message.
    segment_data: bool,
    /// Its bytes fell inside a message already put together.
    overlap_error: bool,
}

/// Hands the payload on; closes the TCP subtree `root` first. A FIN
/// without payload still completes a message that runs until the close.
pub fn payload(cx: &mut Ctx, root: NodeId, p: Buf, sport: u16, dport: u16, out: Option<&SegOut>, fin: bool) {
    let plen = p.reported_len();
    let Some(o) = out.filter(|_| plen > 0 || fin) else {
        cx.tree().close_to(root);
        if plen > 0 {
            dispatch::data(cx, p);
        }
        return;
    };
    let can_desegment = p.len() == plen && crate::prefs::tcp().desegment;
    let seg = TcpSeg { stream: o.stream, from_client: o.from_client, sport, dport, fin, can_desegment };
    match cx.pass {
        Pass::First if plen == 0 => closed(cx, root, &seg, o.seq),
        Pass::First => first(cx, root, p, &seg, o, shown_as_resent(&seg, o)),
        Pass::Revisit => revisit(cx, root, p, &seg, shown_as_resent(&seg, o)),
    }
}

/// Whether the segment is a retransmission (not a fast one) that tshark's
/// reassembly takes as data seen before: it shows "Retransmitted TCP segment
/// data" and hands none of it on, even bytes past the ones seen (so its
/// message lacks them).
fn shown_as_resent(seg: &TcpSeg, o: &SegOut) -> bool {
    seg.can_desegment && o.findings.flags & flag::RETRANSMISSION != 0 && crate::prefs::tcp().analyze_seq
}

/// A FIN without payload: the message waiting for more bytes in this
/// direction gets its last chance.
fn closed(cx: &mut Ctx, root: NodeId, seg: &TcpSeg, seq: u32) {
    cx.tree().close_to(root);
    let d = (!seg.from_client) as usize;
    let Some(st) = cx.session.tcp.stream_mut(seg.stream) else { return };
    let AppSlot::Some(app) = st.apps[d] else { return };
    if !st.reasm[d].continues_at(seq) {
        return;
    }
    let mut r = std::mem::take(&mut st.reasm[d]);
    let mut calls = Calls::default();
    flush_at_fin(cx, &mut r, app, seg, &mut calls);
    if let Some(st) = cx.session.tcp.stream_mut(seg.stream) {
        st.reasm[d] = r;
    }
    if let Some(rec) = cx.session.tcp.current() {
        rec.app = Some(app);
        rec.calls = calls;
    }
}

/// Hands the incomplete message to the application once more when the
/// sender closes its direction: a body that runs until the close (HTTP
/// without a length) is complete now. The FIN's frame is listed among the
/// segments, with no data when it carried none (Wireshark's `#8(0)`).
fn flush_at_fin(cx: &mut Ctx, r: &mut Reasm, app: App, seg: &TcpSeg, calls: &mut Calls) -> bool {
    if r.pending().is_empty() {
        return false;
    }
    let frame = cx.meta.number;
    let (pdu, mut segs) = r.take_pending();
    r.set_need(None);
    if segs.last().map(|s| s.0) != Some(frame) {
        segs.push((frame, 0));
    }
    // A message still incomplete at the FIN shows nothing: the Info the
    // application wrote for it (its first line) is taken back.
    let info = (cx.out.cols.info.clone(), cx.out.cols.info_deferred);
    let (res, kept) = reassembled(cx, app, seg, pdu, &segs, true);
    if matches!(res, Pdu::NeedMore { offset: 0, .. }) {
        (cx.out.cols.info, cx.out.cols.info_deferred) = info;
        return false;
    }
    if let Some(id) = kept.and_then(|pdu| cx.session.tcp.store_pdu(frame, &pdu, &segs)) {
        calls.push(AppCall::Reassembled(id));
    }
    true
}

fn first(cx: &mut Ctx, root: NodeId, p: Buf, seg: &TcpSeg, o: &SegOut, resent_again: bool) {
    let seq = o.seq;
    let d = (!seg.from_client) as usize;
    let frame = cx.meta.number;
    let bytes = p.tail(0);
    let frame_off = (cx.out.tree.source() == FRAME).then(|| p.abs(0) as u32);
    let tbl = &mut cx.session.tcp;
    let Some(st) = tbl.stream_mut(seg.stream) else {
        cx.tree().close_to(root);
        dispatch::data(cx, p);
        return;
    };
    if matches!(st.apps[d], AppSlot::Undecided) && !bytes.is_empty() {
        let a = dispatch::tcp_app_of(&mut cx.session.ftp, cx.net, seg, bytes);
        for slot in st.apps.iter_mut().filter(|s| matches!(s, AppSlot::Undecided)) {
            *slot = a;
        }
    }
    let app = match st.apps[d] {
        AppSlot::Some(f) => Some(f),
        _ => None,
    };
    // A segment cut by the snap length cannot be put in the stream.
    let cut = bytes.len() < p.reported_len();
    let accept = if cut {
        st.reasm[d].pass_cut(seq, p.reported_len() as u32);
        Accept::Old
    } else {
        st.reasm[d].accept(frame, frame_off, seq, bytes)
    };
    // Bytes seen before are not dissected again when the analysis knows
    // them as resent. Without reassembly, Wireshark's test is its
    // `no_subdissector_on_error`: only a retransmission or an out-of-order
    // segment is kept from the application (a fast one goes to it).
    let held_back = seg.can_desegment || o.findings.flags & (flag::RETRANSMISSION | flag::OUT_OF_ORDER) != 0;
    let resent = !cut && accept == Accept::Old && crate::prefs::tcp().analyze_seq && held_back;
    let mut ready = Vec::new();
    if let Accept::InOrder { .. } = accept {
        while let Some(h) = st.reasm[d].take_ready() {
            ready.push(h);
        }
    }
    let mut r = std::mem::take(&mut st.reasm[d]);
    if let Accept::InOrder { skip, .. } = accept {
        tbl.add_chunk(seg.stream, seg.from_client, frame, frame_off.map(|o| o + skip as u32), &bytes[skip..]);
    }
    for h in &ready {
        tbl.add_chunk(seg.stream, seg.from_client, h.frame, h.frame_off, &h.data);
    }
    // A retransmission's bytes stay in the followed stream but are not
    // dissected; bytes that came in order after it are handed on as usual.
    let accept = if resent_again && app.is_some() && ready.is_empty() { Accept::Old } else { accept };
    let resent_again = resent_again && accept == Accept::Old;
    // A late copy inside a message put together before: Wireshark's
    // reassembly refuses it, with or without the analysis.
    let overlap = !cut && accept == Accept::Old && !resent_again && seg.can_desegment && r.inside_completed(seq);
    let resent = resent || resent_again || overlap;

    let mut out = Outcome::default();
    match (app, accept) {
        (None, _) => {
            cx.tree().close_to(root);
            dispatch::data(cx, p);
            out.calls.push(AppCall::Data);
        }
        // The segment on its own, its bytes whatever the stream holds: with
        // reassembly off or a segment cut by the snap length (the
        // application shows what it can up to the cut, as Wireshark's does),
        // or resent bytes without the sequence analysis (tshark does not
        // know they were sent before: a resent message is dissected again).
        // With the analysis, resent bytes are not shown again, reassembly or not.
        (Some(app), accept) if !resent && (!seg.can_desegment || accept == Accept::Old) => {
            cx.tree().close_to(root);
            let shown = match dispatch::tcp_port(cx, Some(app), seg, p) {
                Pdu::Done(_) => true,
                Pdu::NeedMore { offset, .. } => offset > 0,
                // Shown as data, and so again on a revisit.
                Pdu::NotMine => {
                    out.calls.push(AppCall::Data);
                    false
                }
            };
            if shown {
                out.calls.push(AppCall::Payload { off: 0, len: bytes.len() as u32 });
                out.shown = true;
            }
        }
        (Some(_), Accept::Held) => {
            out.partial = r.inside_pending(seq);
            if out.partial {
                segment_data(cx, p);
            }
            cx.tree().close_to(root);
        }
        (Some(_), Accept::Old) => {
            if resent_again {
                resent_data(cx, p);
            }
            if !resent_again && !overlap && seg.can_desegment && r.in_pending(seq) {
                segment_data(cx, p);
                out.partial = true;
            }
            cx.tree().close_to(root);
            if overlap {
                overlap_error(cx);
                out.overlap_error = true;
            }
        }
        // Bytes of a segment the analysis calls out of order (a late gap
        // filler, or one after bytes the reassembly never took, such as a
        // bogus header's): tshark's `no_subdissector_on_error` keeps them
        // from the application, and with them the message they complete,
        // which is then never shown.
        (Some(_), Accept::InOrder { .. })
            if o.findings.flags & flag::OUT_OF_ORDER != 0 && crate::prefs::tcp().analyze_seq =>
        {
            r.clear_pending();
            cx.tree().close_to(root);
        }
        (Some(app), Accept::InOrder { skip, .. }) => {
            let continues = !r.pending().is_empty() || !ready.is_empty();
            if continues {
                segment_data(cx, p);
                out.segment_data = true;
            }
            cx.tree().close_to(root);
            // Counted, not the items kept: a tree that keeps only a filter's
            // items takes the same path as a whole one.
            let mark = cx.out.tree.added();
            let mut disowned = false;
            if let Ok(b) = p.from(skip) {
                let own = (frame, seq.wrapping_add(skip as u32), &bytes[skip..]);
                disowned |= deliver(cx, &mut r, app, seg, own, Some((b, skip)), &mut out);
            }
            for h in ready {
                if disowned {
                    break;
                }
                disowned |= deliver(cx, &mut r, app, seg, (h.frame, h.seq, &h.data), None, &mut out);
            }
            if seg.fin && !disowned {
                out.shown |= flush_at_fin(cx, &mut r, app, seg, &mut out.calls);
            }
            if disowned {
                r.clear_pending();
                if let Some(st) = cx.session.tcp.stream_mut(seg.stream) {
                    st.apps[d] = AppSlot::None;
                }
            }
            if out.partial && !out.segment_data && cx.out.tree.added() == mark && cx.full {
                // The first bytes of a message: note them in the TCP
                // subtree, which nothing has followed yet.
                append_child(cx, root, &SEGMENT_DATA, p.range(0, p.len()), format!("TCP segment data ({} bytes)", p.len()));
            }
        }
    }
    if let Some(st) = cx.session.tcp.stream_mut(seg.stream) {
        st.reasm[d] = r;
    }
    let partial = out.partial && !out.shown && out.calls.is_empty();
    if partial {
        partial_note(cx);
    }
    if let Some(rec) = cx.session.tcp.current() {
        rec.app = app;
        rec.partial = partial;
        rec.calls = out.calls;
        rec.set_overlap_error(out.overlap_error);
    }
}

/// Feeds in-order bytes (`frame`'s, from relative sequence number `seq`) to
/// the application, completing and starting messages. `frame_buf`: the
/// bytes as a view of the frame (and their offset in the payload), when they
/// are this frame's own. Returns true when the application disowned the stream.
fn deliver(
    cx: &mut Ctx,
    r: &mut Reasm,
    app: App,
    seg: &TcpSeg,
    (frame, seq, bytes): (u32, u32, &[u8]),
    frame_buf: Option<(Buf, usize)>,
    out: &mut Outcome,
) -> bool {
    let mut pos = 0usize;
    while pos < bytes.len() {
        let rest = &bytes[pos..];
        if r.pending().is_empty() {
            if let Some((b, base)) = frame_buf {
                let Ok(view) = b.from(pos) else { return false };
                let call = AppCall::Payload { off: (base + pos) as u32, len: rest.len() as u32 };
                match dispatch::tcp_port(cx, Some(app), seg, view) {
                    Pdu::Done(_) => {
                        out.calls.push(call);
                        out.shown = true;
                        return false;
                    }
                    Pdu::NotMine => {
                        out.calls.push(AppCall::Data);
                        return true;
                    }
                    Pdu::NeedMore { offset, more } => {
                        let offset = offset.min(rest.len());
                        if offset > 0 {
                            out.calls.push(call);
                            out.shown = true;
                        }
                        out.partial = true;
                        if r.append_pending(frame, &rest[offset..]) {
                            r.set_need(more.filter(|&k| k > 0));
                        }
                        return false;
                    }
                }
            }
        }
        let take = r.need().map_or(rest.len(), |k| k.min(rest.len()));
        let start = seq.wrapping_add(pos as u32).wrapping_sub(r.pending().len() as u32);
        if !r.append_pending(frame, &rest[..take]) {
            return false;
        }
        pos += take;
        if let Some(k) = r.need() {
            if take < k {
                r.set_need(Some(k - take));
                out.partial = true;
                return false;
            }
        }
        let (pdu, segs) = r.take_pending();
        let (res, kept) = reassembled(cx, app, seg, pdu, &segs, true);
        match res {
            Pdu::NeedMore { offset: 0, more } => {
                r.put_pending(kept.unwrap_or_default(), segs);
                r.set_need(more.filter(|&k| k > 0));
                out.partial = true;
            }
            Pdu::NeedMore { offset, more } => {
                let pdu = kept.unwrap_or_default();
                out.shown = true;
                if let Some(id) = cx.session.tcp.store_pdu(cx.meta.number, &pdu, &segs) {
                    out.calls.push(AppCall::Reassembled(id));
                }
                r.completed(start, offset);
                r.put_pending(pdu, segs);
                r.consume_pending(offset);
                r.set_need(more.filter(|&k| k > 0));
                out.partial = true;
            }
            Pdu::Done(_) | Pdu::NotMine => {
                if let Some(pdu) = kept {
                    r.completed(start, pdu.len());
                    out.shown = true;
                    if let Some(id) = cx.session.tcp.store_pdu(cx.meta.number, &pdu, &segs) {
                        out.calls.push(AppCall::Reassembled(id));
                    }
                }
                r.set_need(None);
                if matches!(res, Pdu::NotMine) {
                    return true;
                }
            }
        }
    }
    false
}

/// Calls the application on a reassembled message shown as its own data
/// source. When it asks for more bytes before dissecting anything, the
/// source and segment list are taken back (`rollback`) and the bytes are
/// returned for the caller to keep. Returns the result and the bytes.
fn reassembled(
    cx: &mut Ctx,
    app: App,
    seg: &TcpSeg,
    pdu: Vec<u8>,
    segs: &[(u32, u32)],
    rollback: bool,
) -> (Pdu, Option<Vec<u8>>) {
    let mark = cx.out.tree.mark();
    let prev = cx.out.tree.source();
    let id = cx.out.add_source("Reassembled TCP", Vec::new());
    cx.out.tree.set_source(id);
    segment_list(cx, &TCP_SEGMENTS, &pdu, segs);
    let res = dispatch::tcp_port(cx, Some(app), seg, Buf::new(&pdu, pdu.len()));
    cx.out.tree.set_source(prev);
    if rollback && matches!(res, Pdu::NeedMore { offset: 0, .. }) {
        cx.out.tree.rollback(mark);
        cx.out.sources.truncate(id as usize - 1);
        return (res, Some(pdu));
    }
    let keep = pdu.clone();
    if let Some(s) = cx.out.sources.get_mut(id as usize - 1) {
        s.bytes = pdu;
    }
    (res, Some(keep))
}

/// The fields and words of a reassembled message's list of parts (TCP's
/// `[N Reassembled TCP Segments (L bytes): #4(100), #6(200)]`, TLS's
/// records, WebSocket's fragments).
pub struct SegmentList {
    pub segments: Field,
    pub segment: Field,
    pub count: Field,
    pub length: Field,
    /// The reassembled bytes' item, where the protocol has one.
    pub data: Option<Field>,
    /// "TCP Segments", "TLS segments", "websocket Fragments".
    pub title: &'static str,
    /// "Segment count", "Fragment count".
    pub count_label: &'static str,
    pub length_label: &'static str,
    pub data_label: &'static str,
}

static TCP_SEGMENTS: SegmentList = SegmentList {
    segments: &SEGMENTS,
    segment: &SEGMENT,
    count: &SEGMENT_COUNT,
    length: &REASSEMBLED_LENGTH,
    data: Some(&REASSEMBLED_DATA),
    title: "TCP Segments",
    count_label: "Segment count",
    length_label: "Reassembled TCP length",
    data_label: "Reassembled TCP Data",
};

/// The generated list of the frames (and their byte counts) a message was
/// put together from, over the reassembled data source `pdu`.
pub fn segment_list(cx: &mut Ctx, f: &SegmentList, pdu: &[u8], segs: &[(u32, u32)]) {
    let n = pdu.len();
    let mut label = format!("[{} Reassembled {} ({n} bytes):", segs.len(), f.title);
    for (i, (f, l)) in segs.iter().enumerate() {
        label.push_str(if i == 0 { " " } else { ", " });
        label.push_str(&format!("#{f}({l})"));
    }
    label.push(']');
    let t = cx.tree();
    let root = t.open(f.segments, 0..n, Value::None);
    t.set_flags(root, GENERATED);
    t.set_text(root, label);
    let mut at = 0usize;
    for &(frame, l) in segs {
        let l = l as usize;
        let s = t.generated(f.segment, at..at + l, Value::FrameNum(frame));
        // tshark's reassemble.c: "byte" for one, "no data" for a FIN's none.
        if l == 0 {
            t.set_text(s, format_args!("[Frame: {frame} (no data)]"));
        } else {
            t.set_text(s, format_args!("[Frame: {frame}, payload: {at}-{} ({l} byte{})]", at + l - 1, plural(l)));
        }
        at += l;
    }
    let c = t.generated(f.count, 0..0, Value::UInt(segs.len() as u64));
    t.set_text(c, format_args!("[{}: {}]", f.count_label, segs.len()));
    let l = t.generated(f.length, 0..0, Value::UInt(n as u64));
    t.set_text(l, format_args!("[{}: {n}]", f.length_label));
    if let Some(data) = f.data {
        let d = t.generated(data, 0..n, Value::None);
        let mut hex = String::new();
        for b in pdu.iter().take(36) {
            hex.push_str(&format!("{b:02x}"));
        }
        if n > 36 {
            hex.push('…');
        }
        t.set_text(d, format_args!("[{}: {hex}]", f.data_label));
    }
    t.close();
}

fn segment_data(cx: &mut Ctx, p: Buf) {
    if cx.full {
        let t = cx.tree();
        let id = t.add(&SEGMENT_DATA, p.range(0, p.len()), Value::None);
        t.set_text(id, format_args!("TCP segment data ({} bytes)", p.len()));
    }
}

/// A late copy of bytes inside a message already put together: Wireshark's
/// reassembly refuses it with an error that ends the packet's dissection.
fn overlap_error(cx: &mut Ctx) {
    const MSG: &str = "New fragment overlaps old data (retransmission?)";
    crate::dissect::reassembly_error(cx, "TCP", MSG);
}

/// A retransmission's bytes, which tshark shows and does not dissect again.
fn resent_data(cx: &mut Ctx, p: Buf) {
    if cx.full {
        let t = cx.tree();
        let id = t.add(&SEGMENT_DATA, p.range(0, p.len()), Value::None);
        t.set_text(id, format_args!("Retransmitted TCP segment data ({} bytes)", p.len()));
    }
}

/// Adds an item at the end of `parent`'s subtree after it was closed; only
/// valid while nothing has been added after that subtree.
fn append_child(cx: &mut Ctx, parent: NodeId, field: Field, range: std::ops::Range<usize>, text: String) {
    let t = cx.tree();
    let Some(depth) = t.nodes.get(parent).map(|n| n.depth + 1) else { return };
    let id = t.add(field, range, Value::None);
    if let Some(n) = t.nodes.get_mut(id) {
        n.depth = depth;
    }
    t.set_text(id, text);
}

fn partial_note(cx: &mut Ctx) {
    cx.out.cols.set_protocol("TCP");
    let cols = &mut cx.out.cols;
    if !cols.info.is_empty() || cols.info_deferred {
        cols.info.push(' ');
    }
    cols.info.push_str(PARTIAL_NOTE);
}

/// Repeats the first pass's calls for this frame.
fn revisit(cx: &mut Ctx, root: NodeId, p: Buf, seg: &TcpSeg, resent_again: bool) {
    let frame = cx.meta.number;
    let Some(rec) = cx.session.tcp.frame(frame) else {
        cx.tree().close_to(root);
        return;
    };
    if resent_again && rec.app.is_some() && rec.calls.is_empty() && !rec.partial && rec.reassembled_in == 0 {
        resent_data(cx, p);
        cx.tree().close_to(root);
        return;
    }
    if rec.overlap_error() {
        cx.tree().close_to(root);
        overlap_error(cx);
        return;
    }
    let in_pdu = rec.calls.as_slice().iter().any(|c| match c {
        AppCall::Reassembled(id) => cx
            .session
            .tcp
            .pdu(*id)
            .is_some_and(|s| s.segments.iter().any(|&(f, _)| f == frame)),
        _ => false,
    });
    if (rec.partial || in_pdu || rec.reassembled_in != 0) && p.reported_len() > 0 {
        segment_data(cx, p);
    }
    if rec.reassembled_in != 0 {
        let t = cx.tree();
        let id = t.generated(&REASSEMBLED_IN, p.range(0, 0), Value::FrameNum(rec.reassembled_in));
        t.set_text(id, format_args!("[Reassembled PDU in frame: {}]", rec.reassembled_in));
    }
    cx.tree().close_to(root);
    for call in rec.calls.as_slice() {
        match *call {
            AppCall::Data => dispatch::data(cx, p),
            AppCall::Payload { off, .. } => {
                if let Ok(b) = p.from(off as usize) {
                    dispatch::tcp_port(cx, rec.app, seg, b);
                }
            }
            AppCall::Reassembled(id) => {
                let (Some(app), Some(stored)) = (rec.app, cx.session.tcp.pdu(id)) else { continue };
                let bytes = stored.bytes.to_vec();
                let segs = stored.segments.clone();
                reassembled(cx, app, seg, bytes, &segs, false);
            }
        }
    }
    if rec.partial {
        partial_note(cx);
    }
}


/// What Wireshark's `tcp_dissect_pdus` adds for each message it cuts from
/// the stream by the length the message states (DNS, WebSocket): a
/// generated `[PDU Size: N]` at the end of the TCP layer's tree, over the
/// message's bytes (`len` at `off` of `b`).
pub fn pdu_size(cx: &mut Ctx, b: &Buf, off: usize, len: usize) {
    let t = cx.tree();
    let Some(tcp) = t.nodes.iter().rposition(|n| n.depth == 0 && crate::field::same(n.field, &super::TCP)) else {
        return;
    };
    let id = t.add_to(tcp, &PDU_SIZE, b.range(off, len), Value::UInt(len as u64));
    t.set_flags(id, GENERATED);
    // Wireshark adds "TCP segment data" after the PDUs; here it is already
    // there, so the size goes before it (both are leaves).
    if id != NO_NODE && id > tcp + 1 && crate::field::same(t.nodes[id - 1].field, &SEGMENT_DATA) {
        t.nodes.swap(id - 1, id);
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::dissect::tcp::tests::{frame, frame_dir, run};
    use crate::dissect::Dissection;
    use crate::field::{FieldDef, FieldType};
    use crate::dissect::session::Session;

    static LINE: FieldDef = FieldDef::new("test.line", "Line", FieldType::Bytes)
        .desc("A test line used by the reassembly tests.");

    /// A protocol of newline-terminated messages.
    pub(crate) fn lines(cx: &mut Ctx, b: Buf, _seg: &TcpSeg) -> crate::dissect::DResult<Pdu> {
        let data = b.tail(0);
        let mut at = 0;
        while let Some(i) = data[at..].iter().position(|&c| c == b'\n') {
            cx.tree().add(&LINE, b.range(at, i + 1), Value::None);
            cx.out.cols.set_protocol("LINE");
            at += i + 1;
        }
        if at < data.len() {
            return Ok(Pdu::NeedMore { offset: at, more: None });
        }
        Ok(Pdu::Done(at))
    }

    /// Handshake, then the client's payloads (relative seq, bytes) in the
    /// order given, with `lines` as the stream's application.
    fn conversation(s: &mut Session, segs: &[(u32, &[u8])]) -> Vec<(Vec<u8>, Dissection)> {
        s.tcp.keep_chunks = true;
        let mut out = Vec::new();
        let hs = [
            frame(1000, 80, 10, 0, 0x002, 100, &[], &[]),
            frame_dir(false, 80, 1000, 50, 11, 0x012, 100, &[], &[]),
            frame(1000, 80, 11, 51, 0x010, 100, &[], &[]),
        ];
        for (i, p) in hs.into_iter().enumerate() {
            let d = run(s, i as u32 + 1, &p, Pass::First);
            out.push((p, d));
        }
        if let Some(st) = s.tcp.stream_mut(0) {
            st.apps = [AppSlot::Some(App::TestLines); 2];
        }
        for (k, (seq, bytes)) in segs.iter().enumerate() {
            let p = frame(1000, 80, 10 + seq, 51, 0x018, 100, &[], bytes);
            let d = run(s, k as u32 + 4, &p, Pass::First);
            out.push((p, d));
        }
        out
    }

    fn labels(d: &Dissection, data: &[u8]) -> Vec<String> {
        (0..d.tree.nodes.len()).map(|i| d.tree.label(i, d.node_bytes(data, i))).collect()
    }

    #[test]
    fn message_over_three_segments() {
        let mut s = Session::new();
        let c = conversation(&mut s, &[(1, b"hel"), (4, b"lo wor"), (10, b"ld\nnext\n")]);
        let (f4, d4) = &c[3];
        assert!(d4.cols.info.ends_with("Len=3 [TCP segment of a reassembled PDU]"));
        assert_eq!(d4.cols.protocol, "TCP");
        assert!(labels(d4, f4).contains(&"TCP segment data (3 bytes)".to_string()));
        assert!(c[4].1.cols.info.ends_with("[TCP segment of a reassembled PDU]"));
        let (f6, d6) = &c[5];
        assert_eq!(d6.sources.len(), 1);
        assert_eq!(d6.sources[0].bytes, b"hello world\nnext\n");
        let l6 = labels(d6, f6);
        assert!(l6.contains(&"[3 Reassembled TCP Segments (17 bytes): #4(3), #5(6), #6(8)]".to_string()));
        assert_eq!(d6.tree.find(&LINE).count(), 2);
        assert_eq!(d6.cols.protocol, "LINE");
        // Revisits: the same tree, and the earlier segment knows where its
        // message was completed.
        let again = run(&mut s, 6, f6, Pass::Revisit);
        assert_eq!(labels(&again, f6), l6);
        assert_eq!(again.sources[0].bytes, d6.sources[0].bytes);
        let r4 = run(&mut s, 4, f4, Pass::Revisit);
        assert!(labels(&r4, f4).contains(&"[Reassembled PDU in frame: 6]".to_string()));
        assert_eq!(r4.cols.info, d4.cols.info);
        let follow = s.tcp.follow(0, |n| c.get(n as usize - 1).map(|x| x.0.clone()));
        let bytes: Vec<u8> = follow.iter().flat_map(|x| x.bytes.clone()).collect();
        assert_eq!(bytes, b"hello world\nnext\n");
    }

    /// A protocol of length-prefixed messages (one length byte), which
    /// says how much is missing.
    pub(crate) fn prefixed(cx: &mut Ctx, b: Buf, _seg: &TcpSeg) -> crate::dissect::DResult<Pdu> {
        let data = b.tail(0);
        let mut at = 0;
        while at < data.len() {
            let n = 1 + data[at] as usize;
            if at + n > data.len() {
                return Ok(Pdu::NeedMore { offset: at, more: Some(at + n - data.len()) });
            }
            cx.tree().add(&LINE, b.range(at, n), Value::None);
            at += n;
        }
        Ok(Pdu::Done(at))
    }

    proptest::proptest! {
        /// Any segment order, overlap or gap: no panic, no endless loop, and
        /// every message dissected at most once.
        #[test]
        fn arbitrary_segments_never_panic(
            segs in proptest::collection::vec((0u32..300, 1usize..40, proptest::bool::ANY), 1..40)
        ) {
            let mut s = Session::new();
            let stream: Vec<u8> = (0..400u32).map(|i| if i % 7 == 0 { 6 } else { i as u8 }).collect();
            let hs = [
                frame(1000, 80, 10, 0, 0x002, 100, &[], &[]),
                frame_dir(false, 80, 1000, 50, 11, 0x012, 100, &[], &[]),
            ];
            for (i, p) in hs.iter().enumerate() {
                run(&mut s, i as u32 + 1, p, Pass::First);
            }
            let mut n = 3;
            let mut found = 0;
            for (seq, len, second) in segs {
                if let Some(st) = s.tcp.stream_mut(0) {
                    if matches!(st.apps[0], AppSlot::Undecided) {
                        st.apps = [AppSlot::Some(if second { App::TestPrefixed } else { App::TestLines }); 2];
                    }
                }
                let start = seq as usize;
                let end = (start + len).min(stream.len());
                let p = frame(1000, 80, 11 + seq, 51, 0x018, 100, &[], &stream[start..end]);
                let d = run(&mut s, n, &p, Pass::First);
                found += d.tree.find(&LINE).count();
                let again = run(&mut s, n, &p, Pass::Revisit);
                proptest::prop_assert_eq!(again.tree.find(&LINE).count(), d.tree.find(&LINE).count());
                n += 1;
            }
            proptest::prop_assert!(found <= stream.len());
        }
    }

    #[test]
    fn a_segment_cut_by_the_snap_length_goes_to_the_application_alone() {
        let mut s = Session::new();
        conversation(&mut s, &[(1, b"ab\n")]);
        let whole = frame(1000, 80, 14, 51, 0x018, 100, &[], b"cd\nef\ngh");
        let cut = &whole[..whole.len() - 4];
        let d = crate::dissect::tcp::tests::run_cut(&mut s, 5, cut, whole.len(), Pass::First);
        // What was captured is dissected, not held for a message to come.
        assert_eq!(d.tree.find(&LINE).count(), 1);
        assert!(!d.cols.info.contains("reassembled PDU"), "{}", d.cols.info);
        let again = crate::dissect::tcp::tests::run_cut(&mut s, 5, cut, whole.len(), Pass::Revisit);
        assert_eq!(again.tree.find(&LINE).count(), 1);
        // The stream goes on after the cut segment: the next one is not
        // held behind a gap.
        let next = frame(1000, 80, 22, 51, 0x018, 100, &[], b"ij\n");
        let d = run(&mut s, 6, &next, Pass::First);
        assert_eq!(d.tree.find(&LINE).count(), 1);
    }

    #[test]
    fn a_gap_inside_a_message_is_waited_for_and_an_out_of_order_filler_shows_nothing() {
        let mut s = Session::new();
        let c = conversation(&mut s, &[(1, b"ab\nc"), (7, b"ef\n"), (5, b"d\n"), (5, b"d\n"), (10, b"gh\n")]);
        assert_eq!(c[3].1.tree.find(&LINE).count(), 1);
        // Past the gap inside the message: held.
        assert_eq!(c[4].1.tree.find(&LINE).count(), 0);
        // The filler comes out of order: as in tshark 4.0 (whose
        // no_subdissector_on_error keeps such a segment from the
        // application), the message it completes is never shown.
        let d6 = &c[5].1;
        assert!(d6.cols.info.starts_with("[TCP Out-Of-Order]"), "{}", d6.cols.info);
        assert_eq!(d6.tree.find(&LINE).count(), 0);
        assert!(!d6.cols.info.contains("reassembled PDU"));
        assert_eq!(c[6].1.tree.find(&LINE).count(), 0);
        assert!(c[6].1.cols.info.starts_with("[TCP Retransmission]") || c[6].1.cols.info.starts_with("[TCP Spurious"));
        // The stream goes on after the bytes given up.
        assert_eq!(c[7].1.tree.find(&LINE).count(), 1);
    }

    #[test]
    fn a_late_copy_inside_a_finished_message_is_a_reassembly_error() {
        // "hello world\n" over three segments, then a copy of the second.
        let mut s = Session::new();
        let c = conversation(&mut s, &[(1, b"hel"), (4, b"lo wor"), (10, b"ld\n"), (4, b"lo wor")]);
        let (f7, d7) = &c[6];
        let err = "[Reassembly error, protocol TCP: New fragment overlaps old data (retransmission?)]";
        assert!(d7.cols.info.ends_with(err), "{}", d7.cols.info);
        assert!(labels(d7, f7).contains(&err.to_string()));
        assert!(d7.tree.find(&crate::dissect::MALFORMED_REASSEMBLY).count() == 1);
        let again = run(&mut s, 7, f7, Pass::Revisit);
        assert_eq!(again.cols.info, d7.cols.info);
        assert_eq!(labels(&again, f7), labels(d7, f7));
        // A copy of the message's first segment starts it again: no error.
        let first = frame(1000, 80, 11, 51, 0x018, 100, &[], b"hel");
        assert!(!run(&mut s, 8, &first, Pass::First).cols.info.contains("Reassembly error"));
    }

    #[test]
    fn a_segment_after_a_gap_between_messages_is_dissected_at_once() {
        // As tshark 4.0 shows it (which does not reassemble out-of-order
        // segments): the late segment is only flagged.
        let mut s = Session::new();
        let c = conversation(&mut s, &[(1, b"ab\n"), (7, b"ef\n"), (4, b"cd\n")]);
        assert_eq!(c[4].1.tree.find(&LINE).count(), 1);
        assert!(c[4].1.cols.info.starts_with("[TCP Previous segment not captured]"), "{}", c[4].1.cols.info);
        assert_eq!(c[5].1.tree.find(&LINE).count(), 0);
        assert!(c[5].1.cols.info.starts_with("[TCP Out-Of-Order]"), "{}", c[5].1.cols.info);
    }
}
