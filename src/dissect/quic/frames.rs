//! The frames of a decrypted packet (RFC 9000 19), each a `quic.frame`
//! item named as Wireshark names it, and a short name in the Info column.
//! CRYPTO frames feed their level's handshake stream; the TLS messages it
//! completes are shown under the frame that completes them.

use std::fmt::Write;

use super::fields::*;
use super::http3;
use super::state::{Conn, Crypto, PacketMemo};
use crate::dissect::tls::state::TlsStream;
use crate::dissect::{expert, tls, Buf, Ctx, DResult, DissectError};
use crate::field::{Field, Value, TEXT};

/// Reads a variable-length integer (RFC 9000 16) at `off`: its value and width.
pub fn varint(b: &Buf, off: usize) -> DResult<(u64, usize)> {
    let first = b.u8(off)?;
    let width = 1usize << (first >> 6);
    let bytes = b.bytes(off, width)?;
    let v = bytes.iter().skip(1).fold((first & 0x3f) as u64, |n, &x| n << 8 | x as u64);
    Ok((v, width))
}

/// A variable-length integer as an item of `f`; returns its value and width.
pub fn var_item(cx: &mut Ctx, f: Field, b: &Buf, off: usize) -> DResult<(u64, usize)> {
    let (v, w) = varint(b, off)?;
    cx.tree().add(f, b.range(off, w), Value::UInt(v));
    Ok((v, w))
}

/// Where a packet's frames lead: its connection on the first pass (its
/// CRYPTO streams and announced IDs change), and what the first pass
/// recorded for a later one to show the same.
pub struct Frames<'a> {
    pub conn: Option<&'a mut Conn>,
    pub memo: &'a mut PacketMemo,
    pub first_pass: bool,
    /// The encryption level (`state::INITIAL`…) and direction (0: from the client).
    pub level: usize,
    pub d: usize,
    /// HTTP/3 layers to show after the packet.
    pub h3: &'a mut Vec<http3::Job>,
}

/// Every frame of the decrypted payload `p`.
pub fn frames(cx: &mut Ctx, p: &Buf, fr: &mut Frames) -> DResult<()> {
    let mut off = 0;
    let mut crypto_index = 0;
    let mut stream_index = 0;
    while off < p.len() {
        let (ty, tw) = varint(p, off)?;
        let id = cx.tree().open(&FRAME, p.range(off, 0), Value::None);
        let Some(name) = FRAME_TYPE.value_string(ty) else {
            cx.tree().set_text(id, format_args!("Unknown Frame Type {ty:#x}"));
            expert(cx, &FT_UNKNOWN, "Unknown Frame Type", "Error", "Malformed");
            cx.tree().set_len(id, p.len() - off);
            cx.tree().close();
            return Ok(());
        };
        cx.tree().set_text(id, name);
        if !(0x08..=0x0f).contains(&ty) {
            // A STREAM frame's type item holds its flags (`stream`).
            frame_type(cx, p, off, tw, ty, name);
        }
        let end = frame(cx, p, off, tw, ty, id, fr, (&mut crypto_index, &mut stream_index))?;
        cx.tree().set_len(id, end - off);
        cx.tree().close();
        off = end;
    }
    Ok(())
}

/// The frame type item, labelled with the type in hex as Wireshark's.
fn frame_type(cx: &mut Ctx, p: &Buf, off: usize, tw: usize, ty: u64, name: &str) -> crate::field::tree::NodeId {
    let id = cx.tree().add(&FRAME_TYPE, p.range(off, tw), Value::UInt(ty));
    cx.tree().set_text(id, format_args!("Frame Type: {name} ({ty:#018x})"));
    id
}

fn info(cx: &mut Ctx, text: &str) {
    let _ = write!(cx.out.cols.info, ", {text}");
}

/// The frames made of variable-length integers alone (types from, to):
/// their fields and Info name.
static NUMBERS_ONLY: &[(u64, u64, &[Field], &str)] = &[
    (0x10, 0x10, &[&MD_MAX], "MD"),
    (0x11, 0x11, &[&MSD_STREAM_ID, &MSD_MAX], "MSD"),
    (0x12, 0x13, &[&MS_MAX], "MS"),
    (0x14, 0x14, &[&SB_LIMIT], "DB"),
    (0x15, 0x15, &[&SDB_STREAM_ID, &SB_LIMIT], "SDB"),
    (0x16, 0x17, &[&SIB_LIMIT], "SB"),
    (0x19, 0x19, &[&RCI_SEQUENCE], "RC"),
];

/// One frame whose type (`ty`, `tw` bytes) starts at `off`; returns where it ends.
#[allow(clippy::too_many_arguments)]
fn frame(
    cx: &mut Ctx,
    p: &Buf,
    off: usize,
    tw: usize,
    ty: u64,
    id: crate::field::tree::NodeId,
    fr: &mut Frames,
    (crypto_index, stream_index): (&mut usize, &mut usize),
) -> DResult<usize> {
    let mut at = off + tw;
    let var = |cx: &mut Ctx, f: Field, at: &mut usize| -> DResult<u64> {
        let (v, w) = var_item(cx, f, p, *at)?;
        *at += w;
        Ok(v)
    };
    if let Some(&(_, _, fields, name)) = NUMBERS_ONLY.iter().find(|(from, to, ..)| (*from..=*to).contains(&ty)) {
        for f in fields {
            var(cx, f, &mut at)?;
        }
        info(cx, name);
        return Ok(at);
    }
    match ty {
        0x00 => {
            let n = p.tail(off).iter().take_while(|&&x| x == 0).count();
            let l = cx.tree().generated(&PADDING_LENGTH, p.range(off, n), Value::UInt(n as u64));
            cx.tree().set_text(l, format_args!("[Padding Length: {n}]"));
            cx.tree().set_text(id, format_args!("PADDING Length: {n}"));
            info(cx, "PADDING");
            at = off + n;
        }
        0x01 => info(cx, "PING"),
        0x02 | 0x03 => {
            var(cx, &ACK_LARGEST, &mut at)?;
            var(cx, &ACK_DELAY, &mut at)?;
            let count = var(cx, &ACK_RANGE_COUNT, &mut at)?;
            var(cx, &ACK_FIRST_RANGE, &mut at)?;
            for _ in 0..count {
                var(cx, &ACK_GAP, &mut at)?;
                var(cx, &ACK_RANGE, &mut at)?;
            }
            if ty == 0x03 {
                var(cx, &ACK_ECT0, &mut at)?;
                var(cx, &ACK_ECT1, &mut at)?;
                var(cx, &ACK_ECN_CE, &mut at)?;
            }
            info(cx, if ty == 0x03 { "ACK_ECN" } else { "ACK" });
        }
        0x04 => {
            let sid = var(cx, &RSTS_STREAM_ID, &mut at)?;
            let err = var(cx, &RSTS_ERROR, &mut at)?;
            var(cx, &RSTS_FINAL_SIZE, &mut at)?;
            cx.tree().set_text(id, format_args!("RESET_STREAM id={sid} Error code: {err:#x}"));
            info(cx, "RS");
        }
        0x05 => {
            let sid = var(cx, &SS_STREAM_ID, &mut at)?;
            let err = var(cx, &SS_ERROR, &mut at)?;
            cx.tree().set_text(id, format_args!("STOP_SENDING id={sid} Error code: {err:#x}"));
            info(cx, "SS");
        }
        0x06 => {
            let offset = var(cx, &CRYPTO_OFFSET, &mut at)?;
            let len = var(cx, &CRYPTO_LENGTH, &mut at)?;
            let len = usize::try_from(len).map_err(|_| DissectError::Malformed)?;
            let data = p.sub(at, len)?;
            p.bytes(at, len)?;
            cx.tree().add(&CRYPTO_DATA, p.range(at, len), Value::None);
            info(cx, "CRYPTO");
            crypto(cx, &data, offset, fr, *crypto_index)?;
            *crypto_index += 1;
            at += len;
        }
        0x07 => {
            let len = var(cx, &NT_LENGTH, &mut at)? as usize;
            cx.bytes_item(&NT_TOKEN, p, at, len)?;
            at += len;
            info(cx, "NT");
        }
        0x08..=0x0f => {
            let (sid, offset, data) = stream(cx, p, off, tw, ty, id)?;
            at = data.end;
            h3_chunk(cx, p, fr, *stream_index, (sid, offset, data))?;
            *stream_index += 1;
        }
        0x18 => {
            var(cx, &NCI_SEQUENCE, &mut at)?;
            var(cx, &NCI_RETIRE, &mut at)?;
            let n = cx.uint(&NCI_CID_LENGTH, p, at)? as usize;
            at += 1;
            let cid = p.bytes(at, n)?;
            cx.tree().add(&NCI_CID, p.range(at, n), Value::None);
            at += n;
            cx.bytes_item(&NCI_RESET_TOKEN, p, at, 16)?;
            at += 16;
            if let (true, Some(conn)) = (fr.first_pass, fr.conn.as_deref_mut()) {
                conn.new_cids.push(cid.to_vec());
                conn.add_side_cid(fr.d, cid);
            }
            info(cx, "NCI");
        }
        0x1a | 0x1b => {
            let f = if ty == 0x1a { &PATH_CHALLENGE } else { &PATH_RESPONSE };
            cx.bytes_item(f, p, at, 8)?;
            at += 8;
            info(cx, if ty == 0x1a { "PC" } else { "PR" });
        }
        0x1c | 0x1d => {
            let err = if ty == 0x1c { var(cx, &CC_ERROR, &mut at)? } else { var(cx, &CC_ERROR_APP, &mut at)? };
            if ty == 0x1c {
                var(cx, &CC_FRAME_TYPE, &mut at)?;
                let name = CC_ERROR.value_string(err).unwrap_or("Unknown");
                cx.tree().set_text(id, format_args!("CONNECTION_CLOSE (Transport) Error code: {name}"));
            } else {
                cx.tree().set_text(id, format_args!("CONNECTION_CLOSE (Application) Error code: {err}"));
            }
            let n = var(cx, &CC_REASON_LENGTH, &mut at)? as usize;
            let reason = String::from_utf8_lossy(p.bytes(at, n)?).into_owned();
            cx.tree().add(&CC_REASON, p.range(at, n), Value::str(reason.as_str()));
            at += n;
            info(cx, "CC");
        }
        0x1e => info(cx, "DONE"),
        _ => {
            // DATAGRAM (RFC 9221): with a length (0x31) or to the end (0x30).
            let n = if ty == 0x31 { var(cx, &DG_LENGTH, &mut at)? as usize } else { p.len() - at };
            cx.bytes_item(&DG, p, at, n)?;
            at += n;
            info(cx, "DG");
        }
    }
    Ok(at)
}

/// A STREAM frame: its type's flags, the stream ID's two low bits, offset,
/// length and data. Returns the stream ID, the offset and where the data lies.
fn stream(
    cx: &mut Ctx,
    p: &Buf,
    off: usize,
    tw: usize,
    ty: u64,
    id: crate::field::tree::NodeId,
) -> DResult<(u64, u64, std::ops::Range<usize>)> {
    let t = frame_type(cx, p, off, tw, ty, "STREAM");
    cx.tree().reopen(t);
    for (f, bit) in [(&STREAM_FIN, 1), (&STREAM_LEN, 2), (&STREAM_OFF, 4)] {
        cx.tree().add(f, p.range(off, tw), Value::Bool(ty & bit != 0));
    }
    cx.tree().close();
    let mut at = off + tw;
    let (sid, w) = varint(p, at)?;
    cx.tree().open(&STREAM_ID, p.range(at, w), Value::UInt(sid));
    cx.tree().add(&STREAM_INITIATOR, p.range(at, w), Value::UInt(sid & 1));
    cx.tree().add(&STREAM_DIRECTION, p.range(at, w), Value::UInt((sid >> 1) & 1));
    cx.tree().close();
    at += w;
    let mut offset = 0;
    if ty & 4 != 0 {
        let (v, w) = var_item(cx, &STREAM_OFFSET, p, at)?;
        offset = v;
        at += w;
    }
    let len = if ty & 2 != 0 {
        let (v, w) = var_item(cx, &STREAM_LENGTH, p, at)?;
        at += w;
        usize::try_from(v).map_err(|_| DissectError::Malformed)?
    } else {
        p.len().saturating_sub(at)
    };
    cx.bytes_item(&STREAM_DATA, p, at, len)?;
    let dir = if sid & 2 == 0 { "Bidirectional" } else { "Unidirectional" };
    let origin = if sid & 1 == 0 { "Client-initiated" } else { "Server-initiated" };
    cx.tree().set_text(
        id,
        format_args!("STREAM id={sid} fin={} off={offset} len={len} dir={dir} origin={origin}", ty & 1),
    );
    let _ = write!(cx.out.cols.info, ", STREAM({sid})");
    Ok((sid, offset, at..at + len))
}

/// A STREAM frame's data as HTTP/3 reads it, when the connection's ALPN is
/// h3: its Info names now, its layer after the packet.
fn h3_chunk(cx: &mut Ctx, p: &Buf, fr: &mut Frames, index: usize, s: (u64, u64, std::ops::Range<usize>)) -> DResult<()> {
    let (sid, offset, data) = s;
    let bytes = p.bytes(data.start, data.len())?;
    if fr.first_pass {
        let d = fr.d;
        let chunk = fr.conn.as_deref_mut().filter(|c| c.tls.alpn.as_deref() == Some("h3")).and_then(|c| {
            let uni = if sid & 2 == 0 {
                None
            } else {
                if offset == 0 {
                    let t = varint(&Buf::new(bytes, bytes.len()), 0).ok()?.0;
                    c.h3_uni.insert(sid, t);
                }
                Some(*c.h3_uni.get(&sid)?)
            };
            let mut chunk = http3::Chunk { start: offset == 0, uni, qpack: http3::Qpack::None };
            if http3::framed(uni) {
                // Frames are read from the next frame's start only; tshark
                // 4.0 shows nothing of a chunk that begins inside a frame.
                let next = c.h3_next.entry((sid, d)).or_insert(0);
                if offset != *next {
                    return None;
                }
                *next = offset.saturating_add(http3::frames_end(bytes, &chunk));
            }
            http3::first_pass(c, d, offset, bytes, &mut chunk);
            Some(chunk)
        });
        fr.memo.streams.push(chunk);
    }
    let Some(Some(chunk)) = fr.memo.streams.get(index).cloned() else { return Ok(()) };
    http3::info(cx, bytes, &chunk);
    fr.h3.push(http3::Job { chunk, data: bytes.to_vec(), at: data.start, source: cx.out.tree.source() });
    Ok(())
}

/// A CRYPTO frame's data at `offset` in its stream: on the first pass added
/// to the stream (what it completes is recorded), later taken from the record.
fn crypto(cx: &mut Ctx, data: &Buf, offset: u64, fr: &mut Frames, index: usize) -> DResult<()> {
    if fr.first_pass {
        let Some(conn) = fr.conn.as_deref_mut() else { return Ok(()) };
        let outcome = match conn.crypto[fr.d][fr.level].add(offset, data.tail(0)) {
            None => Crypto::Reused,
            Some((bytes, _)) if bytes.is_empty() => Crypto::Held,
            Some((bytes, own)) => Crypto::Messages { bytes, own, tls: Box::new(conn.tls.clone()) },
        };
        fr.memo.crypto.push(outcome);
    }
    let Some(outcome) = fr.memo.crypto.get(index).cloned() else { return Ok(()) };
    match outcome {
        Crypto::Reused => {
            // Wireshark's expert item: a line of its own holding the note.
            let msg = "This QUIC frame has a reused stream offset (retransmission?)";
            let id = cx.tree().open(&TEXT, data.range(0, data.len()), Value::None);
            cx.tree().set_text(id, msg);
            expert(cx, &RETRANSMISSION, msg, "Note", "Sequence");
            cx.tree().close();
        }
        Crypto::Held => {}
        Crypto::Messages { bytes, own, tls } => {
            // The first pass moves the connection's TLS state on; a later one
            // replays the messages from the state they met.
            let mut replay = *tls;
            let st: &mut TlsStream = match (fr.first_pass, fr.conn.as_deref_mut()) {
                (true, Some(conn)) => &mut conn.tls,
                _ => &mut replay,
            };
            // `frame.protocols` names TLS once for each hand-off, as tshark's.
            cx.enter("tls", "");
            if own {
                let b = data.sub(0, bytes.len())?;
                tls::dissect_quic_crypto(cx, &b, st, fr.d == 1)?;
            } else {
                let prev = cx.out.tree.source();
                let src = cx.out.add_source("Reassembled QUIC CRYPTO", bytes.clone());
                cx.out.tree.set_source(src);
                let b = Buf::new(&bytes, bytes.len());
                let r = tls::dissect_quic_crypto(cx, &b, st, fr.d == 1);
                cx.out.tree.set_source(prev);
                r?;
            }
        }
    }
    Ok(())
}
