//! Decrypted application data handed to the protocol it carries: the one
//! the ALPN names, else the one of the port (HTTPS, SMTPS, IMAPS, POP3S, and
//! the mail ports where STARTTLS turns a conversation into TLS), dissected
//! from the plaintext as if it came straight over TCP. A message longer
//! than a record waits for the next records (Wireshark's TLS reassembly):
//! each record's part shows as "TLS segment data", and the record that
//! completes it hands the whole on from a "Reassembled TLS" data source.

use super::fields::{REASSEMBLED_DATA, REASSEMBLED_LENGTH, SEGMENT, SEGMENTS, SEGMENT_COUNT, SEGMENT_DATA};
use super::state::{Held, TlsStream};
use crate::dissect::dispatch::{self, Pdu, TcpSeg};
use crate::dissect::tcp::pdu::{segment_list, SegmentList};
use crate::dissect::tcp::stream::App;
use crate::dissect::{Buf, Ctx};
use crate::field::tree::NodeId;
use crate::field::Value;

static TLS_SEGMENTS: SegmentList = SegmentList {
    segments: &SEGMENTS,
    segment: &SEGMENT,
    count: &SEGMENT_COUNT,
    length: &REASSEMBLED_LENGTH,
    data: Some(&REASSEMBLED_DATA),
    title: "TLS segments",
    count_label: "Segment count",
    length_label: "Reassembled PDU length",
    data_label: "Reassembled PDU data",
};

/// Dissects one record's plaintext (after what earlier records held);
/// `tls` is the TLS layer the record belongs to, closed already.
pub fn hand_on(cx: &mut Ctx, plain: Vec<u8>, seg: &TcpSeg, st: &mut TlsStream, tls: NodeId) {
    let d = usize::from(!seg.from_client);
    let Some((_, Some(app))) = carried(st, seg) else {
        super::info(cx, "Application Data");
        return;
    };
    let prev = cx.out.tree.source();
    let src = cx.out.add_source("Decrypted TLS", Vec::new());
    let frame = cx.meta.number;
    let held = std::mem::take(&mut st.held[d]);
    // What waits for the next record, if the message goes on: this record
    // alone, or with what earlier ones held (copied only then).
    let (res, rest) = if held.bytes.is_empty() {
        let mark = cx.out.tree.mark();
        cx.out.tree.set_source(src);
        let res = dispatch::tcp_port(cx, Some(app), seg, Buf::new(&plain, plain.len()));
        if matches!(res, Pdu::NeedMore { offset: 0, .. }) {
            cx.out.tree.rollback(mark);
            segment_data(cx, tls, plain.len());
        }
        let rest = matches!(res, Pdu::NeedMore { .. }).then(|| Held { bytes: plain.clone(), segs: vec![(frame, plain.len() as u32)] });
        (res, rest)
    } else {
        cx.out.tree.set_source(src);
        segment_data(cx, tls, plain.len());
        let mut all = held;
        all.bytes.extend_from_slice(&plain);
        all.segs.push((frame, plain.len() as u32));
        let mark = cx.out.tree.mark();
        let whole = cx.out.add_source("Reassembled TLS", Vec::new());
        cx.out.tree.set_source(whole);
        segment_list(cx, &TLS_SEGMENTS, &all.bytes, &all.segs);
        let res = dispatch::tcp_port(cx, Some(app), seg, Buf::new(&all.bytes, all.bytes.len()));
        if matches!(res, Pdu::NeedMore { offset: 0, .. }) {
            cx.out.tree.rollback(mark);
            cx.out.sources.truncate(whole as usize - 1);
            (res, Some(all))
        } else {
            let rest = matches!(res, Pdu::NeedMore { .. }).then(|| all.clone());
            if let Some(s) = cx.out.sources.get_mut(whole as usize - 1) {
                s.bytes = all.bytes;
            }
            (res, rest)
        }
    };
    cx.out.tree.set_source(prev);
    if let (Pdu::NeedMore { offset, .. }, Some(rest)) = (res, rest) {
        if offset == 0 {
            super::info(cx, "[TLS segment of a reassembled PDU]");
            st.held[d] = rest;
        } else {
            // A message begins inside this record: only its part waits.
            let bytes = rest.bytes.get(offset..).unwrap_or_default().to_vec();
            st.held[d] = Held { segs: vec![(frame, bytes.len() as u32)], bytes };
        }
    }
    if let Some(s) = cx.out.sources.get_mut(src as usize - 1) {
        s.bytes = plain;
    }
}

/// This record's part of a message completed later (or now), in the TLS
/// layer: "TLS segment data (N bytes)" over the record's plaintext.
fn segment_data(cx: &mut Ctx, tls: NodeId, len: usize) {
    let t = cx.tree();
    t.reopen(tls);
    let id = t.add(&SEGMENT_DATA, 0..len, Value::None);
    t.set_text(id, format_args!("TLS segment data ({len} bytes)"));
    t.close();
}

/// The protocol application data carries, as Wireshark names it, and our
/// dissector of it (none for HTTP/2), if the ALPN or the ports tell.
pub fn carried(st: &TlsStream, seg: &TcpSeg) -> Option<(&'static str, Option<App>)> {
    const HTTP: (&str, Option<App>) = ("Hypertext Transfer Protocol", Some(App::Http));
    match st.alpn.as_deref() {
        Some("http/1.1" | "http/1.0") => return Some(HTTP),
        Some("h2") => return Some(("HyperText Transfer Protocol 2", None)),
        _ => {}
    }
    [seg.sport.min(seg.dport), seg.sport.max(seg.dport)].into_iter().find_map(|p| match p {
        443 => Some(HTTP),
        25 | 465 | 587 => Some(("Simple Mail Transfer Protocol", Some(App::Smtp))),
        143 | 993 => Some(("Internet Message Access Protocol", Some(App::Imap))),
        110 | 995 => Some(("Post Office Protocol", Some(App::Pop))),
        _ => None,
    })
}
