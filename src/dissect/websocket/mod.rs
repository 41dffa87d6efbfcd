//! WebSocket (RFC 6455) on a TCP connection HTTP upgraded (`101 Switching
//! Protocols` with `Upgrade: websocket`), as Wireshark 4.0's `websocket`
//! dissector: every frame's header; a client's masked payload unmasked into
//! a data source of its own (at most 256 KiB, Wireshark's default); a
//! permessage-deflate payload inflated with its direction's window
//! ("Decompressed payload"); text as line-based text, binary as data,
//! close, ping and pong bodies. A frame split over segments is reassembled
//! by TCP; several frames in one segment each get their tree, and the Info
//! column tells the last, as Wireshark's does. A message sent in fragments
//! shows each fragment's bytes (`Continue`), not the reassembled message.

mod fields;
pub mod state;
#[cfg(test)]
mod tests;

use std::fmt::Write;

use self::fields::*;
use self::state::WsStream;
use crate::dissect::conv::call_key;
use crate::dissect::http::show;
use crate::dissect::tcp::pdu::{segment_list, SegmentList};
use crate::dissect::{dispatch, expert, smtp, Buf, Ctx, DResult, Pass, Pdu, TcpSeg};
use crate::field::Value;

pub use self::fields::FIELDS;

const CONTINUATION: u8 = 0;
const TEXT_FRAME: u8 = 1;
const BINARY_FRAME: u8 = 2;
const CLOSE_FRAME: u8 = 8;
const PING_FRAME: u8 = 9;
const PONG_FRAME: u8 = 10;

/// Wireshark unmasks at most this much of a payload (its `max_unmasked_len` default).
const MAX_UNMASKED: usize = 256 * 1024;

/// HTTP saw the server accept an upgrade to WebSocket on `stream`, with
/// these extensions (`Sec-WebSocket-Extensions` of the 101).
pub fn upgraded(cx: &mut Ctx, stream: u32, extensions: Option<&[u8]>) {
    if cx.pass == Pass::First && !cx.quoted {
        let ext = extensions.map(|e| String::from_utf8_lossy(e).into_owned()).unwrap_or_default();
        cx.session.websocket.streams.insert(stream, WsStream::negotiated(&ext));
    }
}

/// WebSocket over TCP: every complete frame in `b`.
pub fn dissect_tcp(cx: &mut Ctx, b: Buf, seg: &TcpSeg) -> DResult<Pdu> {
    let data = b.tail(0);
    let mut off = 0;
    while off < data.len() {
        let Some(len) = frame_len(&data[off..]) else {
            return Ok(Pdu::NeedMore { offset: off, more: None });
        };
        let Some(end) = usize::try_from(len).ok().and_then(|l| off.checked_add(l)).filter(|&e| e <= data.len()) else {
            let missing = usize::try_from(len).ok().and_then(|l| (off + l).checked_sub(data.len()));
            return Ok(Pdu::NeedMore { offset: off, more: missing });
        };
        if off == 0 {
            // Wireshark's chain: HTTP hands the upgraded connection to WebSocket,
            // which cuts it into frames itself (one layer for all of them).
            if cx.session.websocket.streams.contains_key(&seg.stream) {
                cx.enter("http", "");
            }
            cx.enter("websocket", "WebSocket");
        }
        crate::dissect::tcp::pdu::pdu_size(cx, &b, off, end - off);
        frame(cx, &b.sub(off, end - off)?, seg)?;
        off = end;
    }
    Ok(Pdu::Done(off))
}

/// A frame's whole length from its first bytes, or `None` when they do not tell yet.
fn frame_len(d: &[u8]) -> Option<u64> {
    let (b1, rest) = (*d.get(1)?, d.get(2..)?);
    let (len, ext) = match b1 & 0x7f {
        126 => (u16::from_be_bytes(rest.get(..2)?.try_into().ok()?) as u64, 2),
        127 => (u64::from_be_bytes(rest.get(..8)?.try_into().ok()?), 8),
        n => (n as u64, 0),
    };
    let key = if b1 & 0x80 != 0 { 4 } else { 0 };
    Some((2 + ext + key as u64).saturating_add(len))
}

/// One whole frame.
fn frame(cx: &mut Ctx, b: &Buf, seg: &TcpSeg) -> DResult<()> {
    let (b0, b1) = (b.u8(0)?, b.u8(1)?);
    let (fin, opcode, masked) = (b0 & 0x80 != 0, b0 & 0x0f, b1 & 0x80 != 0);
    let ext = match b1 & 0x7f {
        126 => 2,
        127 => 8,
        _ => 0,
    };
    let key_off = 2 + ext;
    let payload_off = key_off + if masked { 4 } else { 0 };
    let payload_len = b.len() - payload_off;
    let dir = !seg.from_client as usize;
    let deflate = cx.session.websocket.streams.get(&seg.stream).is_some_and(|s| s.deflate.is_some());

    let info = cx.out.cols.info();
    let name = fields::OPCODES.iter().find(|(k, _)| *k == opcode as u64).map_or("Unknown Opcode", |(_, s)| s);
    let fin_note = if fin { " [FIN]" } else { "[FRAGMENT] " };
    let _ = write!(info, "WebSocket {name}{fin_note}{}", if masked { " [MASKED]" } else { " " });

    cx.tree().open(&WEBSOCKET, b.range(0, payload_off), Value::None);
    cx.masked(&FIN, b, 0)?;
    cx.masked(&RSV, b, 0)?;
    // RSV1 marks a compressed message on its first frame.
    let compressed = deflate && cx.masked(&PMC, b, 0)? != 0;
    cx.masked(&OPCODE, b, 0)?;
    cx.masked(&MASK, b, 1)?;
    let len_id = cx.tree().add(&PAYLOAD_LENGTH, b.range(1, 1), Value::UInt((b1 & 0x7f) as u64));
    match ext {
        2 => {
            label_suffix(cx, len_id, " Extended Payload Length (16 bits)");
            cx.uint(&PAYLOAD_LENGTH_16, b, 2)?;
        }
        8 => {
            label_suffix(cx, len_id, " Extended Payload Length (64 bits)");
            cx.uint(&PAYLOAD_LENGTH_64, b, 2)?;
        }
        _ => {}
    }
    if masked {
        cx.bytes_item(&MASKING_KEY, b, key_off, 4)?;
    }
    if payload_len == 0 {
        cx.tree().close();
        return Ok(());
    }
    let saved = cx.out.tree.source();
    let unmasked: Vec<u8>;
    // The payload: the frame's own bytes, or the unmasked copy as a source of its own.
    let view = if masked {
        cx.tree().add(&MASKED_PAYLOAD, b.range(payload_off, payload_len), Value::None);
        let key: [u8; 4] = b.array(key_off)?;
        let bytes = &b.tail(payload_off)[..payload_len.min(MAX_UNMASKED)];
        unmasked = bytes.iter().zip(key.iter().cycle()).map(|(c, k)| c ^ k).collect();
        let src = cx.out.add_source("Unmasked data", unmasked.clone());
        cx.out.tree.set_source(src);
        Buf::new(&unmasked, unmasked.len())
    } else {
        b.sub(payload_off, payload_len)?
    };
    let r = payload(cx, view, b, Frame { fin, opcode, compressed, dir, stream: seg.stream });
    cx.out.tree.set_source(saved);
    r
}

#[derive(Clone, Copy)]
struct Frame {
    fin: bool,
    opcode: u8,
    /// The message's payload is deflated (permessage-deflate).
    compressed: bool,
    /// Client to server 0, server to client 1.
    dir: usize,
    stream: u32,
}

/// The payload of a frame (`view`, unmasked) under the frame's item, which
/// it closes, then what Wireshark places beside the frame; `raw`: the
/// whole frame, which names its inflated payload across passes.
fn payload(cx: &mut Ctx, view: Buf, raw: &Buf, f: Frame) -> DResult<()> {
    let bytes = view.tail(0);
    cx.tree().open(&PAYLOAD, view.range(0, bytes.len()), Value::None);
    match f.opcode {
        CLOSE_FRAME => {
            cx.tree().open(&CLOSE, view.range(0, bytes.len()), Value::None);
            if bytes.len() >= 2 {
                cx.uint(&CLOSE_STATUS, &view, 0)?;
                if bytes.len() > 2 {
                    cx.tree().add(&CLOSE_REASON, view.range(2, bytes.len() - 2), Value::str(show(&bytes[2..])));
                }
            }
            cx.tree().close();
        }
        PING_FRAME => _ = cx.bytes_item(&PING, &view, 0, bytes.len())?,
        PONG_FRAME => _ = cx.bytes_item(&PONG, &view, 0, bytes.len())?,
        op if op & 8 != 0 => unknown(cx, &view, op),
        _ if !f.fin || f.opcode == CONTINUATION => return fragment(cx, view, raw, f),
        _ => return message(cx, view, raw, f, None),
    }
    close_frame(cx);
    Ok(())
}

/// Closes the payload's item and the frame's.
fn close_frame(cx: &mut Ctx) {
    cx.tree().close();
    cx.tree().close();
}

/// A fragment of a message: collected on the first pass until the last one,
/// which shows the whole message; Wireshark shows the bytes of a fragment
/// after the first beside the frame, and nothing of the first.
fn fragment(cx: &mut Ctx, view: Buf, raw: &Buf, f: Frame) -> DResult<()> {
    let key = call_key(cx.meta.number, raw.tail(0));
    let (frame, first_pass) = (cx.meta.number, cx.pass == Pass::First && !cx.quoted);
    let ws = &mut cx.session.websocket;
    let mut whole = None;
    if first_pass {
        if let Some(s) = ws.streams.get_mut(&f.stream) {
            let slot = &mut s.fragments[f.dir];
            if f.opcode != CONTINUATION {
                *slot = Some(state::Message { opcode: f.opcode, compressed: f.compressed, ..Default::default() });
            }
            if let Some(m) = slot.as_mut() {
                m.parts.push((frame, view.len() as u32));
                m.bytes.extend_from_slice(view.tail(0));
            }
            if f.fin {
                whole = slot.take();
            }
        }
        if let Some(m) = &whole {
            ws.reassembled.insert(key, m.clone());
        }
    } else if f.fin {
        whole = ws.reassembled.get(&key).cloned();
    }
    match whole {
        Some(m) if f.fin && f.opcode == CONTINUATION => {
            let src = cx.out.add_source("Reassembled Message", m.bytes.clone());
            cx.out.tree.set_source(src);
            let f = Frame { opcode: m.opcode, compressed: m.compressed, ..f };
            message(cx, Buf::new(&m.bytes, m.bytes.len()), raw, f, Some(&m))
        }
        _ => {
            close_frame(cx);
            if f.opcode == CONTINUATION {
                cx.tree().add(&CONTINUE, view.range(0, view.len()), Value::None);
            }
            Ok(())
        }
    }
}

static FRAGMENT_LIST: SegmentList = SegmentList {
    segments: &FRAGMENTS,
    segment: &FRAGMENT,
    count: &FRAGMENT_COUNT,
    length: &REASSEMBLED_LENGTH,
    data: None,
    title: "websocket Fragments",
    count_label: "Fragment count",
    length_label: "Reassembled websocket Payload length",
    data_label: "",
};

/// A whole text or binary message (`fragments`: the fragments it was put
/// together from): inflated if compressed, then shown.
fn message(cx: &mut Ctx, view: Buf, raw: &Buf, f: Frame, fragments: Option<&state::Message>) -> DResult<()> {
    let inflated: Vec<u8>;
    let mut view = view;
    if f.compressed {
        match inflate(cx, view.tail(0), raw, f) {
            None => {
                close_frame(cx);
                expert(cx, &DECOMPRESSION_FAILED, "Decompression failed", "Warning", "Protocol");
                return Ok(());
            }
            Some(d) if !d.is_empty() => {
                inflated = d;
                let src = cx.out.add_source("Decompressed payload", inflated.clone());
                cx.out.tree.set_source(src);
                view = Buf::new(&inflated, inflated.len());
            }
            Some(_) => {}
        }
    }
    let bytes = view.tail(0);
    if f.opcode == TEXT_FRAME {
        cx.tree().add(&TEXT, view.range(0, bytes.len()), Value::str(show(bytes)));
    } else if f.opcode != BINARY_FRAME {
        unknown(cx, &view, f.opcode);
    }
    close_frame(cx);
    if let Some(m) = fragments {
        segment_list(cx, &FRAGMENT_LIST, &m.bytes, &m.parts);
    }
    match f.opcode {
        TEXT_FRAME if !view.is_empty() => smtp::text_lines(cx, &view, view.len()),
        BINARY_FRAME => dispatch::data(cx, view),
        _ => {}
    }
    Ok(())
}

/// A compressed payload inflated with its direction's window, on the first
/// pass; a later pass reads what the first one got.
fn inflate(cx: &mut Ctx, payload: &[u8], raw: &Buf, f: Frame) -> Option<Vec<u8>> {
    let key = call_key(cx.meta.number, raw.tail(0));
    let ws = &mut cx.session.websocket;
    if cx.pass == Pass::Revisit {
        if let Some(stored) = ws.inflated.get(&key) {
            return stored.clone();
        }
    }
    let out = ws.streams.get_mut(&f.stream)?.deflate.as_mut()?.inflate(f.dir, payload);
    if cx.pass == Pass::First && !cx.quoted {
        ws.inflated.insert(key, out.clone());
    }
    out
}

/// A reserved opcode's payload, with Wireshark's note.
fn unknown(cx: &mut Ctx, view: &Buf, opcode: u8) {
    let n = view.len();
    cx.tree().add(&UNKNOWN, view.range(0, n), Value::None);
    let msg = format!(
        "Dissector for Websocket Opcode ({opcode}) code not implemented, Contact Wireshark developers if you want this supported"
    );
    expert(cx, &UNKNOWN_EXPERT, &msg, "Note", "Undecoded");
}

/// Appends Wireshark's note to an item's label.
fn label_suffix(cx: &mut Ctx, id: usize, suffix: &str) {
    let t = cx.tree();
    let label = t.label(id, &[]);
    if !label.is_empty() {
        t.set_text(id, format!("{label}{suffix}"));
    }
}
