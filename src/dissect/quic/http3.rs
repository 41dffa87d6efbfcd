//! HTTP/3 (RFC 9114) on the STREAM frames of a decrypted connection whose
//! ALPN is h3: a unidirectional stream's type (control, push, QPACK encoder
//! and decoder), then frames (type, length, payload; SETTINGS read). A
//! HEADERS frame's QPACK field section is decoded (`qpack`) as Wireshark 4.2
//! built with nghttp3 decodes it; tshark 4.0 without nghttp3 shows the payload alone.
//!
//! Wireshark adds HTTP/3's layer beside QUIC's, not inside it, while its
//! Info names join QUIC's in frame order: the names are written when the
//! STREAM frame is read (`info`), the layer once the QUIC packet is shown (`dissect`).

use std::fmt::Write;

use super::frames::varint;
use super::qpack::{self, show, Fed, Section};
use super::state::Conn;
use crate::dissect::{Buf, Ctx, DResult};
use crate::field::{Field, FieldDef, FieldType, Value};

pub static HTTP3: FieldDef = FieldDef::new("http3", "Hypertext Transfer Protocol Version 3", FieldType::Protocol)
    .desc("HTTP/3 (RFC 9114): HTTP's requests and responses as frames on QUIC streams.");
pub static STREAM_TYPE: FieldDef = FieldDef::new("http3.stream_type", "Stream Type", FieldType::U64)
    .desc("Type of a unidirectional stream: 0 control, 1 push, 2 QPACK encoder, 3 QPACK decoder.");
pub static FRAME_TYPE: FieldDef = FieldDef::new("http3.frame_type", "Type", FieldType::U64)
    .desc("The HTTP/3 frame's type: DATA, HEADERS, SETTINGS, GOAWAY, MAX_PUSH_ID, ...");
pub static FRAME_LENGTH: FieldDef = FieldDef::new("http3.frame_length", "Length", FieldType::U64)
    .desc("Length of the HTTP/3 frame's payload.");
pub static FRAME_PAYLOAD: FieldDef = FieldDef::bytes("http3.frame_payload", "Frame Payload")
    .desc("The HTTP/3 frame's payload bytes (a HEADERS frame's are QPACK-encoded).");
pub static SETTINGS: FieldDef = FieldDef::none("http3.settings", "Settings")
    .desc("One setting of a SETTINGS frame.");
pub static SETTINGS_ID: FieldDef = FieldDef::new("http3.settings.id", "Settings Identifier", FieldType::U64)
    .desc("The setting's identifier.");
pub static SETTINGS_VALUE: FieldDef = FieldDef::new("http3.settings.value", "Settings Value", FieldType::U64)
    .desc("The setting's value.");
pub static MAX_TABLE_CAPACITY: FieldDef =
    FieldDef::new("http3.settings.qpack.max_table_capacity", "Max Table Capacity", FieldType::U64)
        .desc("SETTINGS_QPACK_MAX_TABLE_CAPACITY: the QPACK dynamic table size the decoder allows.");
pub static MAX_FIELD_SECTION_SIZE: FieldDef =
    FieldDef::new("http3.settings.max_field_section_size", "Max header list size", FieldType::U64)
        .desc("SETTINGS_MAX_FIELD_SECTION_SIZE: the largest header section the endpoint accepts.");
pub static BLOCKED_STREAMS: FieldDef =
    FieldDef::new("http3.settings.qpack.blocked_streams", "Blocked Streams", FieldType::U64)
        .desc("SETTINGS_QPACK_BLOCKED_STREAMS: how many streams may wait for the QPACK dynamic table.");
pub static EXTENDED_CONNECT: FieldDef =
    FieldDef::new("http3.settings.extended_connect", "Extended CONNECT", FieldType::U64)
        .desc("SETTINGS_ENABLE_CONNECT_PROTOCOL (RFC 9220): extended CONNECT is allowed.");

pub static FIELDS: &[Field] = &[
    &HTTP3, &STREAM_TYPE, &FRAME_TYPE, &FRAME_LENGTH, &FRAME_PAYLOAD, &SETTINGS, &SETTINGS_ID, &SETTINGS_VALUE,
    &MAX_TABLE_CAPACITY, &MAX_FIELD_SECTION_SIZE, &BLOCKED_STREAMS, &EXTENDED_CONNECT,
];

const CONTROL: u64 = 0;
const ENCODER: u64 = 2;
const HEADERS: u64 = 0x1;
const SETTINGS_FRAME: u64 = 0x4;

fn stream_type_name(t: u64) -> &'static str {
    match t {
        0 => "Control Stream",
        1 => "Push Stream",
        2 => "QPACK Encoder Stream",
        3 => "QPACK Decoder Stream",
        _ => "Unknown",
    }
}

fn frame_name(t: u64) -> &'static str {
    match t {
        0x0 => "DATA",
        0x1 => "HEADERS",
        0x3 => "CANCEL_PUSH",
        0x4 => "SETTINGS",
        0x5 => "PUSH_PROMISE",
        0x7 => "GOAWAY",
        0xd => "MAX_PUSH_ID",
        _ => "Unknown",
    }
}

/// Where a STREAM frame's data sits in its stream, as HTTP/3 reads it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Chunk {
    /// The stream's bytes start here (a unidirectional stream's type comes first).
    pub start: bool,
    /// A unidirectional stream: its type (from this chunk or an earlier one).
    pub uni: Option<u64>,
    /// What QPACK made of it on the first pass.
    pub qpack: Qpack,
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub enum Qpack {
    #[default]
    None,
    /// A request stream's chunk: the field section of each HEADERS frame, in order.
    Sections(Vec<Section>),
    /// An encoder stream's chunk: the entries it inserted.
    Encoder(Fed),
}

/// The HTTP/3 layer of one STREAM frame's data, shown after its QUIC packet.
pub struct Job {
    pub chunk: Chunk,
    pub data: Vec<u8>,
    /// Where `data` starts in the decrypted packet (its data source).
    pub at: usize,
    pub source: crate::field::tree::SourceId,
}

/// One frame's type and length, and where they lie.
struct Frame {
    ty: u64,
    at: usize,
    tw: usize,
    lw: usize,
    len: usize,
}

/// The frames of `b` from `at` on that end inside it, and where the last
/// frame begun in it ends (beyond `b` when it goes on in later STREAM
/// frames). Like tshark 4.0, HTTP/3 shows no frame split over STREAM frames.
fn frames(b: &Buf, mut at: usize) -> (Vec<Frame>, u64) {
    let mut out = Vec::new();
    let mut end = at as u64;
    while at < b.len() {
        let Ok((ty, tw)) = varint(b, at) else { break };
        let Ok((l, lw)) = varint(b, at + tw) else { break };
        end = (at + tw + lw) as u64 + l;
        let Ok(len) = usize::try_from(l) else { break };
        if end > b.len() as u64 {
            break;
        }
        out.push(Frame { ty, at, tw, lw, len });
        at += tw + lw + len;
    }
    (out, end.max(at as u64))
}

/// Whether a stream carries HTTP/3 frames (requests and the control
/// stream), as opposed to a push or QPACK stream.
pub fn framed(uni: Option<u64>) -> bool {
    matches!(uni, None | Some(CONTROL))
}

/// How far into its stream the frames begun in a chunk's `data` reach:
/// the next frame starts there.
pub fn frames_end(data: &[u8], c: &Chunk) -> u64 {
    let b = Buf::new(data, data.len());
    frames_start(&b, c).map_or(data.len() as u64, |s| frames(&b, s).1)
}

/// Where a chunk's frames start, after a unidirectional stream's type.
fn frames_start(b: &Buf, c: &Chunk) -> Option<usize> {
    let skip = if c.start && c.uni.is_some() { varint(b, 0).ok()?.1 } else { 0 };
    match c.uni {
        None | Some(CONTROL) => Some(skip),
        Some(_) => None,
    }
}

/// The first pass's QPACK work on a chunk of stream `d` sent, at `offset`
/// in its stream: an encoder stream's instructions fill that side's table,
/// a request's HEADERS sections are decoded against it, and SETTINGS say how
/// large the table the peer fills may be.
pub fn first_pass(c: &mut Conn, d: usize, offset: u64, data: &[u8], chunk: &mut Chunk) {
    let b = Buf::new(data, data.len());
    let skip = if chunk.start && chunk.uni.is_some() { varint(&b, 0).map_or(data.len(), |v| v.1) } else { 0 };
    match chunk.uni {
        Some(ENCODER) => {
            let t = &mut c.qpack[d];
            if chunk.start {
                t.origin = skip as u64;
            }
            let at = offset.saturating_add(skip as u64).saturating_sub(t.origin);
            chunk.qpack = Qpack::Encoder(t.feed(at, data.get(skip..).unwrap_or_default()));
        }
        Some(CONTROL) => {
            for f in frames(&b, skip).0.iter().filter(|f| f.ty == SETTINGS_FRAME) {
                let body = f.at + f.tw + f.lw;
                if let Some(cap) = setting(data.get(body..body + f.len).unwrap_or_default(), 0x01) {
                    c.qpack[1 - d].max_capacity = Some(cap);
                }
            }
        }
        None => {
            let t = &c.qpack[d];
            let sections = frames(&b, 0)
                .0
                .iter()
                .filter(|f| f.ty == HEADERS)
                .map(|f| {
                    let body = f.at + f.tw + f.lw;
                    qpack::decode(data.get(body..body + f.len).unwrap_or_default(), t)
                })
                .collect();
            chunk.qpack = Qpack::Sections(sections);
        }
        Some(_) => {}
    }
}

/// A setting's value in a SETTINGS frame's payload.
fn setting(p: &[u8], want: u64) -> Option<u64> {
    let b = Buf::new(p, p.len());
    let mut at = 0;
    while at < p.len() {
        let (id, iw) = varint(&b, at).ok()?;
        let (v, vw) = varint(&b, at + iw).ok()?;
        if id == want {
            return Some(v);
        }
        at += iw + vw;
    }
    None
}

/// The decoded section of a chunk's `n`th HEADERS frame.
fn section(c: &Chunk, n: usize) -> Option<&Section> {
    match &c.qpack {
        Qpack::Sections(s) => s.get(n),
        _ => None,
    }
}

/// The Info names of a chunk's frames, after QUIC's STREAM(n); a HEADERS
/// frame's request or status after its name, as Wireshark 4.2's.
pub fn info(cx: &mut Ctx, data: &[u8], c: &Chunk) {
    let b = Buf::new(data, data.len());
    let Some(start) = frames_start(&b, c) else { return };
    let mut n = 0;
    for f in frames(&b, start).0 {
        let _ = write!(cx.out.cols.info, ", {}", frame_name(f.ty));
        if f.ty == HEADERS {
            if let Some(s) = section(c, n) {
                show::info(s, &mut cx.out.cols.info);
            }
            n += 1;
        }
    }
}

/// A chunk's HTTP/3 layer.
pub fn dissect(cx: &mut Ctx, job: &Job) -> DResult<()> {
    cx.enter("http3", "HTTP3");
    let prev = cx.out.tree.source();
    cx.out.tree.set_source(job.source);
    // Items are placed in the decrypted packet, where the data lies.
    let mut whole = vec![0u8; job.at];
    whole.extend_from_slice(&job.data);
    let b = Buf::new(&whole, whole.len()).from(job.at)?;
    let r = layer(cx, &b, &job.chunk);
    cx.out.tree.set_source(prev);
    r
}

fn layer(cx: &mut Ctx, b: &Buf, c: &Chunk) -> DResult<()> {
    cx.tree().open(&HTTP3, b.range(0, b.len()), Value::None);
    if let (true, Some(t)) = (c.start, c.uni) {
        let (_, w) = varint(b, 0)?;
        let id = cx.tree().add(&STREAM_TYPE, b.range(0, w), Value::UInt(t));
        cx.tree().set_text(id, format_args!("Stream Type: {} ({t:#018x})", stream_type_name(t)));
    }
    if let Qpack::Encoder(fed) = &c.qpack {
        let skip = if c.start { varint(b, 0)?.1 } else { 0 };
        if skip < b.len() {
            show::encoder(cx, b, skip, fed);
        }
    }
    if let Some(start) = frames_start(b, c) {
        let mut n = 0;
        for f in frames(b, start).0 {
            let (t, body) = (f.ty, f.at + f.tw + f.lw);
            let id = cx.tree().add(&FRAME_TYPE, b.range(f.at, f.tw), Value::UInt(t));
            cx.tree().set_text(id, format_args!("Type: {} ({t:#018x})", frame_name(t)));
            cx.tree().add(&FRAME_LENGTH, b.range(f.at + f.tw, f.lw), Value::UInt(f.len as u64));
            cx.bytes_item(&FRAME_PAYLOAD, b, body, f.len)?;
            if t == SETTINGS_FRAME {
                settings(cx, &b.sub(body, f.len)?)?;
            }
            if t == HEADERS {
                if let Some(s) = section(c, n) {
                    show::section(cx, &b.sub(body, f.len)?, s);
                }
                n += 1;
            }
        }
    }
    cx.tree().close();
    Ok(())
}

/// The settings of a SETTINGS frame's payload.
fn settings(cx: &mut Ctx, p: &Buf) -> DResult<()> {
    let mut at = 0;
    while at < p.len() {
        let (id, iw) = varint(p, at)?;
        let (v, vw) = varint(p, at + iw)?;
        let grease = id >= 0x21 && (id - 0x21) % 0x1f == 0;
        let (name, field): (&str, Option<Field>) = match id {
            0x01 => ("Max Table Capacity", Some(&MAX_TABLE_CAPACITY)),
            0x06 => ("Max header list size", Some(&MAX_FIELD_SECTION_SIZE)),
            0x07 => ("Blocked Streams", Some(&BLOCKED_STREAMS)),
            // Wireshark 4.0 names it Unknown, yet shows its field.
            0x08 => ("Unknown", Some(&EXTENDED_CONNECT)),
            _ => (if grease { "GREASE" } else { "Unknown" }, None),
        };
        let s = cx.tree().open(&SETTINGS, p.range(at, iw + vw), Value::None);
        let i = cx.tree().add(&SETTINGS_ID, p.range(at, iw), Value::UInt(id));
        if grease {
            cx.tree().set_text(s, "Settings - GREASE");
            cx.tree().set_text(i, format_args!("Type: GREASE ({id:#x})"));
        } else {
            cx.tree().set_text(s, format_args!("Settings - {name}: {v}"));
            cx.tree().set_text(i, format_args!("Settings Identifier: {name} ({id:#018x})"));
        }
        cx.tree().add(&SETTINGS_VALUE, p.range(at + iw, vw), Value::UInt(v));
        if let Some(f) = field {
            cx.tree().add(f, p.range(at + iw, vw), Value::UInt(v));
        }
        cx.tree().close();
        at += iw + vw;
    }
    Ok(())
}
