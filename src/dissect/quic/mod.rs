//! QUIC (RFC 9000) over UDP, found on port 443, by Wireshark's heuristic (a
//! long header of a known version, on any port; the UDP conversation stays
//! QUIC) and by the connection IDs of known connections (a short header).
//! Every packet of a datagram (several coalesced, then padding) is a layer
//! of its own, as tshark shows them: long headers (Initial, 0-RTT,
//! Handshake, Retry, Version Negotiation) and short ones.
//!
//! Initial packets are decrypted with the keys their connection ID gives
//! (`crypto`), Handshake and 1-RTT packets with a key log's secrets; their
//! frames (`frames`) show, and CRYPTO frames carry the TLS handshake to
//! `tls` (the ClientHello with its SNI and ALPN). The connections, their
//! keys and CRYPTO streams live in `state`.
//!
//! Hand-written: no crate parses QUIC packets for display (quinn-proto and
//! quiche parse to run connections, and hide the bytes); the crypto is
//! RustCrypto's, as TLS's decryption.

pub mod crypto;
pub mod fields;
mod frames;
pub mod http3;
pub mod params;
pub mod qpack;
pub mod state;
#[cfg(test)]
mod tests;

use std::fmt::Write;

use self::crypto::{Keys, V1, V2};
use self::fields::*;
use self::frames::{var_item, varint, Frames};
use self::state::{Conn, Memo, PacketMemo, APPLICATION, HANDSHAKE, INITIAL};
use crate::dissect::conv::ConvKey;
use crate::dissect::{expert, Buf, Ctx, DResult, Pass};
use crate::field::{hex_bytes, Value, TEXT};

pub use self::fields::FIELDS;

/// Long header packet types, as QUIC version 1 numbers them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    Initial,
    ZeroRtt,
    Handshake,
    Retry,
}

impl Kind {
    /// The type of the two type bits of `version` (QUIC version 2 renumbers them).
    fn of(bits: u8, version: u32) -> Kind {
        let bits = if version == V2 { (bits + 3) % 4 } else { bits };
        match bits {
            0 => Kind::Initial,
            1 => Kind::ZeroRtt,
            2 => Kind::Handshake,
            _ => Kind::Retry,
        }
    }

    fn name(self) -> &'static str {
        match self {
            Kind::Initial => "Initial",
            Kind::ZeroRtt => "0-RTT",
            Kind::Handshake => "Handshake",
            Kind::Retry => "Retry",
        }
    }

    fn level(self) -> usize {
        match self {
            Kind::Initial => INITIAL,
            Kind::Handshake => HANDSHAKE,
            _ => APPLICATION,
        }
    }
}

/// Wireshark gives QUIC UDP port 443.
pub fn is_quic_port(port: u16) -> bool {
    port == 443
}

/// Wireshark's heuristic: a long header of QUIC version 1 or 2 or an IETF
/// draft from -11 on, in a datagram of at least 13 bytes.
pub fn looks_like_quic(payload: &[u8]) -> bool {
    let [first, a, b, c, d, ..] = *payload else { return false };
    let version = u32::from_be_bytes([a, b, c, d]);
    payload.len() >= 13 && first & 0x80 != 0 && known_version(version)
}

fn known_version(v: u32) -> bool {
    v == V1 || v == V2 || v == 0x709a_50c4 || (v >> 8 == 0xff_0000 && v & 0xff >= 11)
}

/// Whether a datagram belongs to QUIC found before: its UDP conversation
/// was QUIC's, or its short header names a known connection.
pub fn known(cx: &Ctx, sport: u16, dport: u16, payload: &[u8]) -> bool {
    let conv = conv_key(cx, sport, dport);
    let quic = &cx.session.quic;
    conv.is_some_and(|c| quic.knows(&c))
        || (payload.first().is_some_and(|&f| f & 0xc0 == 0x40) && quic.knows_short(payload.get(1..).unwrap_or(&[])))
}

/// The UDP conversation of a datagram.
fn conv_key(cx: &Ctx, sport: u16, dport: u16) -> Option<ConvKey> {
    cx.net.map(|(s, d)| ConvKey::new(s, sport, d, dport))
}

/// The connection IDs of a packet's header, for finding its connection.
struct Ids<'a> {
    long: bool,
    kind: Option<Kind>,
    version: u32,
    dcid: &'a [u8],
    scid: Option<&'a [u8]>,
}

fn ids(data: &[u8]) -> Option<Ids<'_>> {
    let first = *data.first()?;
    if first & 0x80 == 0 {
        return Some(Ids { long: false, kind: None, version: 0, dcid: data.get(1..)?, scid: None });
    }
    let version = u32::from_be_bytes(data.get(1..5)?.try_into().ok()?);
    let dl = *data.get(5)? as usize;
    let dcid = data.get(6..6 + dl)?;
    let sl = *data.get(6 + dl)? as usize;
    let scid = data.get(7 + dl..7 + dl + sl)?;
    let kind = (version != 0).then(|| Kind::of((first >> 4) & 3, version));
    Some(Ids { long: true, kind, version, dcid, scid: Some(scid) })
}

/// A datagram of QUIC packets.
pub fn dissect(cx: &mut Ctx, b: Buf, sport: u16, dport: u16) -> DResult<()> {
    cx.enter("quic", "QUIC");
    let conv = conv_key(cx, sport, dport);
    let first_pass = cx.pass == Pass::First && !cx.quoted;
    let frame = cx.meta.number;
    let (mut memo, mut conn) = if first_pass {
        let (memo, conn) = find_conn(cx, conv, b.tail(0), sport);
        (memo, conn)
    } else {
        (cx.session.quic.memo(frame).cloned().unwrap_or_default(), None)
    };
    let r = packets(cx, &b, &mut memo, conn.as_mut().map(|(_, c)| c), first_pass);
    if let Some((i, c)) = conn {
        cx.session.quic.put(i, c);
    }
    if first_pass {
        cx.session.quic.keep(frame, memo);
    }
    r
}

/// The first pass finds (or starts) the connection of a datagram from its
/// first packet, and takes it out of the session while the datagram is
/// dissected.
fn find_conn(cx: &mut Ctx, conv: Option<ConvKey>, data: &[u8], sport: u16) -> (Memo, Option<(usize, Conn)>) {
    let mut memo = Memo::default();
    let Some(h) = ids(data) else { return (memo, None) };
    let new = (h.kind == Some(Kind::Initial)).then_some(h.version);
    let src = cx.net.map(|(s, _)| (s, sport));
    let quic = &mut cx.session.quic;
    let Some(i) = quic.find(conv, h.dcid, h.scid, new) else { return (memo, None) };
    let Some(mut c) = quic.take(i) else { return (memo, None) };
    if c.client.is_none() {
        c.client = src;
        c.initial = Keys::initial(h.version, h.dcid);
    }
    memo.conn = Some(c.number);
    memo.from_server = src.is_some() && src != c.client;
    if let (true, Some(scid)) = (h.long, h.scid) {
        quic.add_cid(i, h.dcid);
        quic.add_cid(i, scid);
        c.add_side_cid(usize::from(memo.from_server), scid);
    }
    (memo, Some((i, c)))
}

/// Every packet of the datagram, then its padding.
fn packets(cx: &mut Ctx, b: &Buf, memo: &mut Memo, mut conn: Option<&mut Conn>, first_pass: bool) -> DResult<()> {
    let data = b.tail(0);
    let mut off = 0;
    let mut n = 0;
    while off < data.len() {
        if n > 0 && data[off] & 0x40 == 0 {
            // Not a packet (its fixed bit is clear): the sender padded the datagram.
            cx.tree().open(&QUIC, b.range(off, data.len() - off), Value::None);
            let msg = "(Random) padding data appended to the datagram";
            expert(cx, &COALESCED_PADDING, msg, "Note", "Protocol");
            cx.tree().close();
            break;
        }
        let len = packet_len(&data[off..]).unwrap_or(data.len() - off);
        let p = b.sub(off, len)?;
        if first_pass {
            memo.packets.push(PacketMemo::default());
        }
        let mut pm = memo.packets.get_mut(n).map(std::mem::take).unwrap_or_default();
        let id = cx.tree().open(&QUIC, b.range(off, len), Value::None);
        if let (0, Some(number)) = (n, memo.conn) {
            let t = cx.tree().open(&TEXT, b.range(off, 0), Value::None);
            cx.tree().set_text(t, "QUIC Connection information");
            let c = cx.tree().generated(&CONNECTION_NUMBER, b.range(off, 0), Value::UInt(number as u64));
            cx.tree().set_text(c, format_args!("[Connection Number: {number}]"));
            cx.tree().close();
        }
        let l = cx.tree().generated(&PACKET_LENGTH, b.range(off, 0), Value::UInt(len as u64));
        cx.tree().set_text(l, format_args!("[Packet Length: {len}]"));
        let mut h3 = Vec::new();
        let mut walk = Walk {
            conn: conn.as_deref_mut(),
            first_pass,
            d: usize::from(memo.from_server),
            h3: &mut h3,
        };
        let r = packet(cx, &p, &mut pm, &mut walk);
        cx.tree().close_to(id);
        // HTTP/3's layers follow the packet's, as Wireshark places them.
        let r = h3.iter().try_fold((), |(), job| http3::dissect(cx, job)).and(r);
        if let Some(slot) = memo.packets.get_mut(n) {
            *slot = pm;
        }
        r?;
        off += len;
        n += 1;
    }
    Ok(())
}

/// The length of the packet at the start of `p` when its header says it
/// (long headers but Retry and Version Negotiation); None: the rest.
fn packet_len(p: &[u8]) -> Option<usize> {
    let h = ids(p)?;
    let kind = h.kind.filter(|k| h.long && *k != Kind::Retry)?;
    let b = Buf::new(p, p.len());
    let mut at = 7 + h.dcid.len() + h.scid?.len();
    if kind == Kind::Initial {
        let (t, w) = varint(&b, at).ok()?;
        at = at.checked_add(w)?.checked_add(usize::try_from(t).ok()?)?;
    }
    let (l, w) = varint(&b, at).ok()?;
    let end = at.checked_add(w)?.checked_add(usize::try_from(l).ok()?)?;
    (end < p.len()).then_some(end)
}

/// A packet's way through the datagram's connection.
struct Walk<'a, 'c> {
    conn: Option<&'a mut Conn>,
    first_pass: bool,
    /// Direction: 0 from the client, 1 from the server.
    d: usize,
    h3: &'c mut Vec<http3::Job>,
}

fn hex(cid: &[u8]) -> String {
    let mut s = String::new();
    hex_bytes(cid, &mut s);
    s
}

fn packet(cx: &mut Ctx, p: &Buf, pm: &mut PacketMemo, w: &mut Walk) -> DResult<()> {
    let first = p.u8(0)?;
    if first & 0x80 == 0 {
        return short(cx, p, pm, w);
    }
    let version = p.u32(1)?;
    let (hf, fixed) = (first >> 7, first & 0x40 != 0);
    cx.tree().add(&HEADER_FORM, p.range(0, 1), Value::UInt(hf as u64));
    if version == 0 {
        return version_negotiation(cx, p);
    }
    let kind = Kind::of((first >> 4) & 3, version);
    if kind != Kind::Retry {
        cx.tree().add(&FIXED_BIT, p.range(0, 1), Value::Bool(fixed));
    }
    let type_field = if version == V2 { &LONG_PACKET_TYPE_V2 } else { &LONG_PACKET_TYPE };
    cx.tree().add(type_field, p.range(0, 1), Value::UInt(((first >> 4) & 3) as u64));
    if w.first_pass && kind != Kind::Retry {
        open_long(p, kind, pm, w)?;
    }
    if let Some(o) = &pm.opened {
        cx.tree().add(&LONG_RESERVED, p.range(0, 1), Value::UInt(((o.first >> 2) & 3) as u64));
        cx.tree().add(&PN_LENGTH, p.range(0, 1), Value::UInt((o.first & 3) as u64));
    }
    let (dcid, scid, mut at) = long_ids(cx, p)?;
    let info = cx.out.cols.info();
    info.push_str(kind.name());
    push_ids(info, dcid, Some(scid));
    if kind == Kind::Retry {
        return retry(cx, p, at, pm, w, scid);
    }
    if kind == Kind::Initial {
        let (t, tw) = var_item(cx, &TOKEN_LENGTH, p, at)?;
        at += tw;
        let t = usize::try_from(t).map_err(|_| crate::dissect::DissectError::Malformed)?;
        if t > 0 {
            cx.bytes_item(&TOKEN, p, at, t)?;
        }
        at += t;
    }
    let (_, lw) = var_item(cx, &LENGTH, p, at)?;
    at += lw;
    protected(cx, p, at, pm, w, kind.level(), &PAYLOAD)
}

/// Version, both connection IDs and their lengths: the common part of long
/// headers. Returns the IDs and where the header goes on.
fn long_ids<'b>(cx: &mut Ctx, p: &Buf<'b>) -> DResult<(&'b [u8], &'b [u8], usize)> {
    cx.uint(&VERSION, p, 1)?;
    let dl = cx.uint(&DCIL, p, 5)? as usize;
    let dcid = p.bytes(6, dl)?;
    cx.tree().add(&DCID, p.range(6, dl), Value::None);
    let sl = cx.uint(&SCIL, p, 6 + dl)? as usize;
    let scid = p.bytes(7 + dl, sl)?;
    cx.tree().add(&SCID, p.range(7 + dl, sl), Value::None);
    Ok((dcid, scid, 7 + dl + sl))
}

fn push_ids(info: &mut String, dcid: &[u8], scid: Option<&[u8]>) {
    if !dcid.is_empty() {
        let _ = write!(info, ", DCID={}", hex(dcid));
    }
    if let Some(scid) = scid.filter(|s| !s.is_empty()) {
        let _ = write!(info, ", SCID={}", hex(scid));
    }
}

/// The first pass opens a long header packet with its level's keys, or
/// notes why it could not.
fn open_long(p: &Buf, kind: Kind, pm: &mut PacketMemo, w: &mut Walk) -> DResult<()> {
    let Some(conn) = w.conn.as_deref_mut() else { return Ok(()) };
    let level = kind.level();
    let Some(pn_off) = pn_offset(p.tail(0), kind) else { return Ok(()) };
    let keys = if kind == Kind::ZeroRtt { None } else { conn.keys(level, w.d).cloned() };
    match keys {
        Some(k) => {
            pm.opened = k.open(p.tail(0), pn_off, true, conn.largest[w.d][level]);
            if let Some(o) = &pm.opened {
                let l = &mut conn.largest[w.d][level];
                *l = Some(l.map_or(o.pn, |x| x.max(o.pn)));
            }
        }
        None => pm.failure = Some("Secrets are not available"),
    }
    Ok(())
}

/// Where a long header's packet number starts.
fn pn_offset(p: &[u8], kind: Kind) -> Option<usize> {
    let h = ids(p)?;
    let b = Buf::new(p, p.len());
    let mut at = 7 + h.dcid.len() + h.scid?.len();
    if kind == Kind::Initial {
        let (t, w) = varint(&b, at).ok()?;
        at = at.checked_add(w)?.checked_add(usize::try_from(t).ok()?)?;
    }
    let (_, w) = varint(&b, at).ok()?;
    Some(at + w)
}

/// The packet number and payload at `at`: decrypted, with its frames; else
/// the remaining bytes, and why they stay encrypted.
fn protected(cx: &mut Ctx, p: &Buf, at: usize, pm: &mut PacketMemo, w: &mut Walk, level: usize, payload: crate::field::Field) -> DResult<()> {
    let Some(o) = pm.opened.clone() else {
        if let Some(why) = pm.failure {
            let msg = format!("Failed to create decryption context: {why}");
            expert(cx, &DECRYPTION_FAILED, &msg, "Warning", "Decryption");
        }
        cx.bytes_item(&REMAINING_PAYLOAD, p, at, p.len().saturating_sub(at))?;
        return Ok(());
    };
    cx.tree().add(&PACKET_NUMBER, p.range(at, o.pn_len), Value::UInt(o.pn));
    let _ = write!(cx.out.cols.info, ", PKN: {}", o.pn);
    cx.bytes_item(payload, p, at + o.pn_len, p.len().saturating_sub(at + o.pn_len))?;
    decrypted(cx, &o.plain, pm, w, level)
}

/// The frames of a decrypted payload, from a data source of its own.
fn decrypted(cx: &mut Ctx, plain: &[u8], pm: &mut PacketMemo, w: &mut Walk, level: usize) -> DResult<()> {
    let prev = cx.out.tree.source();
    let src = cx.out.add_source("Decrypted QUIC", plain.to_vec());
    cx.out.tree.set_source(src);
    let b = Buf::new(plain, plain.len());
    let mut fr = Frames {
        conn: w.conn.as_deref_mut(),
        memo: pm,
        first_pass: w.first_pass,
        level,
        d: w.d,
        h3: w.h3,
    };
    let r = frames::frames(cx, &b, &mut fr);
    cx.out.tree.set_source(prev);
    r
}

/// A short header (1-RTT) packet. Its Destination Connection ID is as
/// long as the connection's IDs.
fn short(cx: &mut Ctx, p: &Buf, pm: &mut PacketMemo, w: &mut Walk) -> DResult<()> {
    let first = p.u8(0)?;
    if w.first_pass {
        open_short(p, pm, w);
    }
    let dl = pm.dcid_len;
    let dcid = p.bytes(1, dl)?;
    let opened = pm.opened.clone();
    let id = cx.tree().open(&SHORT, p.range(0, p.len()), Value::None);
    match &opened {
        Some(o) => cx.tree().set_text(id, format_args!("QUIC Short Header DCID={} PKN={}", hex(dcid), o.pn)),
        None => cx.tree().set_text(id, format_args!("QUIC Short Header DCID={}", hex(dcid))),
    }
    cx.tree().add(&HEADER_FORM, p.range(0, 1), Value::UInt(0));
    cx.tree().add(&FIXED_BIT, p.range(0, 1), Value::Bool(first & 0x40 != 0));
    cx.tree().add(&SPIN_BIT, p.range(0, 1), Value::Bool(first & 0x20 != 0));
    let kp = opened.as_ref().map_or(0, |o| (o.first >> 2) & 1);
    if let Some(o) = &opened {
        cx.tree().add(&SHORT_RESERVED, p.range(0, 1), Value::UInt(((o.first >> 3) & 3) as u64));
        cx.tree().add(&KEY_PHASE, p.range(0, 1), Value::Bool(kp != 0));
        cx.tree().add(&PN_LENGTH, p.range(0, 1), Value::UInt((o.first & 3) as u64));
    }
    cx.tree().add(&DCID, p.range(1, dl), Value::None);
    let info = cx.out.cols.info();
    let _ = write!(info, "Protected Payload (KP{kp})");
    push_ids(info, dcid, None);
    if let Some(o) = opened {
        let at = 1 + dl;
        cx.tree().add(&PACKET_NUMBER, p.range(at, o.pn_len), Value::UInt(o.pn));
        let _ = write!(cx.out.cols.info, ", PKN: {}", o.pn);
        cx.bytes_item(&PROTECTED_PAYLOAD, p, at + o.pn_len, p.len().saturating_sub(at + o.pn_len))?;
        cx.tree().close();
        return decrypted(cx, &o.plain, pm, w, APPLICATION);
    }
    cx.tree().close();
    protected(cx, p, 1 + dl, pm, w, APPLICATION, &PROTECTED_PAYLOAD)
}

/// The first pass opens a short header packet with the 1-RTT keys.
fn open_short(p: &Buf, pm: &mut PacketMemo, w: &mut Walk) {
    let Some(conn) = w.conn.as_deref_mut() else { return };
    // The receiver's connection ID: the one a peer's long header gave.
    pm.dcid_len = conn.cid_len(1 - w.d, p.tail(1));
    match conn.keys(APPLICATION, w.d).cloned() {
        Some(k) => {
            let (packet, pn_off, largest) = (p.tail(0), 1 + pm.dcid_len, conn.largest[w.d][APPLICATION]);
            pm.opened = k.open(packet, pn_off, false, largest);
            if pm.opened.is_none() {
                // A key update (RFC 9001 6): the sender's next keys open it,
                // or it was sent under the last ones before the update.
                let next = k.updated();
                pm.opened = next.as_ref().and_then(|n| n.open(packet, pn_off, false, largest));
                if let (Some(_), Some(n)) = (&pm.opened, next) {
                    conn.prev_app[w.d] = Some(k);
                    conn.keys[APPLICATION - 1][w.d] = Some(n);
                } else if let Some(prev) = &conn.prev_app[w.d] {
                    pm.opened = prev.open(packet, pn_off, false, largest);
                }
            }
            if let Some(o) = &pm.opened {
                let l = &mut conn.largest[w.d][APPLICATION];
                *l = Some(l.map_or(o.pn, |x| x.max(o.pn)));
            }
        }
        None if !conn.app_keys_missing => {
            conn.app_keys_missing = true;
            pm.failure = Some("Secrets are not available");
        }
        None => {}
    }
}

/// A Retry: the token and the integrity tag, checked against the client's
/// original Destination Connection ID. The client's next Initial packets
/// use keys from the connection ID the Retry gave.
fn retry(cx: &mut Ctx, p: &Buf, at: usize, pm: &mut PacketMemo, w: &mut Walk, scid: &[u8]) -> DResult<()> {
    let tag_at = p.len().checked_sub(16).filter(|&t| t >= at).ok_or(crate::dissect::DissectError::Malformed)?;
    if let (true, Some(conn)) = (w.first_pass, w.conn.as_deref_mut()) {
        pm.retry_ok = crypto::retry_tag_ok(conn.version, &conn.odcid, p.tail(0));
        conn.initial = Keys::initial(conn.version, scid);
    }
    cx.bytes_item(&RETRY_TOKEN, p, at, tag_at - at)?;
    let id = cx.bytes_item(&RETRY_INTEGRITY_TAG, p, tag_at, 16)?;
    if pm.retry_ok {
        let label = format!("Retry Integrity Tag: {} [verified]", hex(p.bytes(tag_at, 16)?));
        cx.tree().set_text(id, label.as_str());
    }
    Ok(())
}

/// A Version Negotiation packet: the versions the server supports.
fn version_negotiation(cx: &mut Ctx, p: &Buf) -> DResult<()> {
    cx.masked(&VN_UNUSED, p, 0)?;
    let (dcid, scid, mut at) = long_ids(cx, p)?;
    let info = cx.out.cols.info();
    info.push_str("Version Negotiation");
    push_ids(info, dcid, Some(scid));
    while at + 4 <= p.len() {
        let (id, v) = cx.uint_item(&SUPPORTED_VERSION, p, at)?;
        if v & 0x0f0f_0f0f == 0x0a0a_0a0a {
            let name = format!("Supported Version: {v:#010x} (GREASE)");
            cx.tree().set_text(id, name.as_str());
        }
        at += 4;
    }
    Ok(())
}
