//! TLS (and SSL 3.0) over TCP, as a `TcpApp`: the record layer (several
//! records per segment, a record over several segments through TCP's
//! reassembly), alerts, change cipher spec, application data, and every
//! handshake message sent in the clear: hellos with their extensions and
//! JA3/JA3S fingerprints, certificates (subject, issuer and validity read by
//! x509-parser), key exchanges and session tickets.
//!
//! With a key log (`keylog`) the records after the hellos are decrypted
//! (`decrypt`): their plaintext, a data source of its own ("Decrypted
//! TLS"), goes to the handshake dissector or to the protocol ALPN named
//! (`app`); a record that does not decrypt stays as Wireshark shows it,
//! encrypted.

mod app;
mod cert;
pub mod decrypt;
mod ext;
pub mod fields;
mod handshake;
pub mod keylog;
mod names;
pub mod state;
#[cfg(test)]
mod tests;

use std::fmt::Write;

use self::fields::*;
use self::state::TlsStream;
use crate::dissect::{Buf, Ctx, DResult, Pdu, TcpSeg};
use crate::field::{Field, Value};

pub use self::fields::FIELDS;

const CHANGE_CIPHER_SPEC_TYPE: u8 = 20;
const ALERT_TYPE: u8 = 21;
const HANDSHAKE_TYPE: u8 = 22;
const APPLICATION_DATA_TYPE: u8 = 23;
const HEARTBEAT_TYPE: u8 = 24;
const TLS13: u16 = 0x0304;
/// The largest record Wireshark accepts: 2^14 bytes plus the 2048 a
/// compressed or encrypted record may add.
const MAX_RECORD: usize = 16384 + 2048;

/// Ports Wireshark gives TLS on TCP: HTTPS, implicit TLS for SMTP (465),
/// IMAP (993), POP3 (995), LDAP (636), DNS (853), MQTT (8883) and others.
pub fn is_tls_port(port: u16) -> bool {
    matches!(
        port,
        324 | 443 | 465 | 636 | 802 | 853 | 993 | 995 | 1300 | 2221 | 2443 | 3249..=3252 | 3496 | 5061 | 5671
            | 5684 | 5868 | 8883 | 11207 | 19999 | 27017
    )
}

/// Wireshark's heuristic for TLS on any port: a record header of the
/// handshake or application data type, a version from SSL 3.0 to TLS 1.2
/// (or GM/T's) and a plausible length.
pub fn looks_like_tls(first: &[u8]) -> bool {
    let [ct, v1, v2, l1, l2, ..] = *first else { return false };
    let version = u16::from_be_bytes([v1, v2]);
    let len = u16::from_be_bytes([l1, l2]) as usize;
    matches!(ct, HANDSHAKE_TYPE | APPLICATION_DATA_TYPE)
        && matches!(version, 0x0300..=0x0303 | 0x0101)
        && len > 0
        && len < MAX_RECORD
}

/// Whether a record header can start here (Wireshark's test before it
/// dissects a record; anything else is "Continuation Data").
fn valid_header(ct: u8, version: u16) -> bool {
    (CHANGE_CIPHER_SPEC_TYPE..=HEARTBEAT_TYPE).contains(&ct)
        && (matches!(version, 0x0300..=0x0304 | 0x0101) || version >> 8 == 0x7f)
}

/// TLS handshake messages from QUIC's CRYPTO frames (RFC 9001 4), which
/// carry no record layer: Wireshark shows them under a TLS item named as a
/// record would be, and keeps QUIC's Info column.
pub fn dissect_quic_crypto(cx: &mut Ctx, b: &Buf, st: &mut TlsStream, from_server: bool) -> DResult<()> {
    let info = std::mem::take(&mut cx.out.cols.info);
    let messages = std::mem::replace(&mut cx.messages, 0);
    let id = cx.tree().open(&TLS, b.range(0, b.len()), Value::None);
    // QUIC runs on TLS 1.3 alone: its ClientHello's random is not split.
    st.version.get_or_insert(TLS13);
    let r = handshake::messages(cx, b, st, usize::from(from_server), true);
    cx.out.cols.info = info;
    cx.messages = messages;
    let what = r.inspect_err(|_| cx.tree().close())?;
    cx.tree().set_text(id, format_args!("TLSv1.3 Record Layer: Handshake Protocol: {what}"));
    cx.tree().close();
    Ok(())
}

/// TLS over TCP: every complete record in `b`.
pub fn dissect_tcp(cx: &mut Ctx, b: Buf, seg: &TcpSeg) -> DResult<Pdu> {
    // A later pass names records by the version the conversation settled on.
    let at = (seg.stream, cx.pass, cx.quoted);
    let (mut st, first_pass) = cx.session.tls.begin(cx.meta.number, b.tail(0), at, |st, fin| st.version = fin.version);
    let r = records(cx, &b, seg, &mut st);
    cx.session.tls.end(seg.stream, st, first_pass);
    r
}

fn records(cx: &mut Ctx, b: &Buf, seg: &TcpSeg, st: &mut TlsStream) -> DResult<Pdu> {
    let data = b.tail(0);
    if data.len() > 4 && data[..4].iter().all(|c| (0x20..0x7f).contains(c)) {
        // Wireshark's TLS refuses a payload that starts with four printable
        // characters (text in the clear: an SMTP greeting on port 465) and
        // it shows as data; the stream stays TLS's.
        crate::dissect::dispatch::data(cx, *b);
        return Ok(Pdu::Done(data.len()));
    }
    let mut off = 0;
    let mut root = None;
    // `frame.protocols` names TLS once, however many TLS layers the
    // application's split.
    let mut first_layer = true;
    while off < data.len() {
        let rest = &data[off..];
        let [ct, v1, v2, l1, l2, ..] = *rest else {
            if cx.quoted {
                break;
            }
            return Ok(Pdu::NeedMore { offset: off, more: None });
        };
        let version = u16::from_be_bytes([v1, v2]);
        let len = u16::from_be_bytes([l1, l2]) as usize;
        let valid = valid_header(ct, version);
        if valid && rest.len() < 5 + len && !cx.quoted {
            if off == 0 && cx.messages == 0 {
                // Wireshark's TLS clears the Info column before it asks for
                // the rest of a record (TCP's note is all that remains), and
                // its empty layer stays in the first pass's tree (`tls`
                // matches the frame, frame.protocols names it).
                cx.out.cols.info();
                cx.enter("tls", "");
                cx.tree().add(&TLS, b.range(0, data.len()), Value::None);
            }
            return Ok(Pdu::NeedMore { offset: off, more: Some(5 + len - rest.len()) });
        }
        if root.is_none() {
            if first_layer {
                cx.enter("tls", "");
                first_layer = false;
            }
            root = Some((cx.tree().open(&TLS, b.range(off, data.len() - off), Value::None), off));
        }
        if !valid {
            // Not a record header: the bytes continue something Wireshark
            // could not follow (a capture that starts mid-stream). In a
            // session of SSL 3.0 to TLS 1.2 they are a record of a type no
            // one knows; otherwise (no version known yet, or TLS 1.3, which
            // Wireshark's record loop does not list) "Continuation Data".
            match st.version {
                Some(v @ 0x0300..=0x0303) => {
                    set_protocol(cx, v);
                    info(cx, "Ignored Unknown Record");
                }
                v => {
                    cx.enter_again(v.and_then(names::short_name).unwrap_or("SSL"));
                    info(cx, "Continuation Data");
                }
            }
            off = data.len();
            break;
        }
        let rec = b.sub(off, (5 + len).min(rest.len()))?;
        let plain = record(cx, &rec, ct, version, len, seg, st)?;
        off += 5 + len;
        if let (Some(plain), Some((id, start))) = (plain, root) {
            // The application's layer follows TLS's; a later record opens
            // a TLS layer of its own again.
            cx.tree().set_len(id, off.min(data.len()) - start);
            cx.tree().close();
            root = None;
            app::hand_on(cx, plain, seg, st, id);
        }
    }
    if let Some((id, start)) = root {
        cx.tree().set_len(id, off.min(data.len()) - start);
        cx.tree().close();
    }
    Ok(Pdu::Done(off.min(data.len())))
}

/// The Protocol column names the session's version once the server chose
/// it, else the record's own.
fn set_protocol(cx: &mut Ctx, version: u16) {
    let name = names::short_name(version).unwrap_or("TLS");
    cx.enter_again(name);
}

/// One more description in the Info column: the first replaces TCP's text,
/// the next ones follow it after a comma, as Wireshark lists records.
fn info(cx: &mut Ctx, text: &str) {
    if cx.messages == 0 {
        cx.out.cols.info().push_str(text);
    } else {
        let _ = write!(cx.out.cols.info, ", {text}");
    }
    cx.messages = cx.messages.saturating_add(1);
}

/// A number item whose wire width differs from the field's type (Wireshark
/// declares some one-byte lengths as 16-bit fields).
fn uint_at(cx: &mut Ctx, f: Field, b: &Buf, off: usize, width: usize) -> DResult<u64> {
    let v = b.bytes(off, width)?.iter().fold(0u64, |n, &x| n << 8 | x as u64);
    cx.tree().add(f, b.range(off, width), Value::UInt(v));
    Ok(v)
}

/// One record: its header items, then its content, decrypted when the
/// keys are known. Returns decrypted application data for the protocol it
/// carries.
fn record(
    cx: &mut Ctx,
    rec: &Buf,
    ct: u8,
    version: u16,
    len: usize,
    seg: &TcpSeg,
    st: &mut TlsStream,
) -> DResult<Option<Vec<u8>>> {
    let d = usize::from(!seg.from_client);
    let shown = st.version.unwrap_or(version);
    set_protocol(cx, shown);
    let tls13 = st.version == Some(TLS13);
    let id = cx.tree().open(&RECORD, rec.range(0, rec.len()), Value::None);
    let type_field = if tls13 && ct == APPLICATION_DATA_TYPE { &OPAQUE_TYPE } else { &CONTENT_TYPE };
    cx.uint(type_field, rec, 0)?;
    cx.uint(&RECORD_VERSION, rec, 1)?;
    cx.uint(&RECORD_LENGTH, rec, 3)?;
    let body = rec.sub(5, len)?;
    let opened = open(rec, &body, ct, d, st);
    let (what, plain) = match opened {
        Some(o) => decrypted(cx, &body, o, tls13, seg, st)?,
        None => (content(cx, &body, ct, seg, st)?, None),
    };
    let name = names::short_name(shown).unwrap_or("TLS");
    cx.tree().set_text(id, format_args!("{name} Record Layer: {what}"));
    cx.tree().close();
    Ok(plain)
}

/// Decrypts a record with its direction's keys: every record after a
/// change cipher spec in TLS 1.2, the application data records (the only
/// encrypted type) in TLS 1.3.
fn open(rec: &Buf, body: &Buf, ct: u8, d: usize, st: &mut TlsStream) -> Option<decrypt::Opened> {
    let keys = st.keys[d].as_mut()?;
    if ct == CHANGE_CIPHER_SPEC_TYPE || (st.version == Some(TLS13) && ct != APPLICATION_DATA_TYPE) {
        return None;
    }
    let header: [u8; 5] = rec.array(0).ok()?;
    keys.open(&header, body.bytes(0, body.len()).ok()?)
}

/// A decrypted record's content, dissected from a data source of its own
/// as tshark shows it ("Decrypted TLS"). Returns the record's description
/// and, for application data, the plaintext to hand on.
fn decrypted(
    cx: &mut Ctx,
    body: &Buf,
    o: decrypt::Opened,
    tls13: bool,
    seg: &TcpSeg,
    st: &mut TlsStream,
) -> DResult<(String, Option<Vec<u8>>)> {
    let d = usize::from(!seg.from_client);
    if tls13 {
        let id = cx.tree().generated(&CONTENT_TYPE, body.range(0, 0), Value::UInt(o.content_type as u64));
        let name = CONTENT_TYPE.value_string(o.content_type as u64).unwrap_or("Unknown");
        cx.tree().set_text(id, format_args!("[Content Type: {name} ({})]", o.content_type));
    }
    if o.content_type == APPLICATION_DATA_TYPE {
        return Ok((app_data(cx, body, seg, st), Some(o.plain)));
    }
    let prev = cx.out.tree.source();
    let src = cx.out.add_source("Decrypted TLS", Vec::new());
    cx.out.tree.set_source(src);
    let plain = Buf::new(&o.plain, o.plain.len());
    let what = match o.content_type {
        HANDSHAKE_TYPE => {
            let what = handshake::messages(cx, &plain, st, d, true);
            if tls13 && finished(&o.plain) {
                // TLS 1.3: the application traffic keys follow the Finished.
                st.keys[d] = st.next[d].take();
            }
            what.map(|w| format!("Handshake Protocol: {w}"))
        }
        ALERT_TYPE => {
            // The sender is closing: its cipher's memory goes back now
            // rather than at the end of the run (a record after it makes
            // the cipher again).
            if let Some(k) = st.keys[d].as_mut() {
                k.release();
            }
            alert(cx, &plain)
        }
        ct => content(cx, &plain, ct, seg, st),
    };
    cx.out.tree.set_source(prev);
    if let Some(s) = cx.out.sources.get_mut(src as usize - 1) {
        s.bytes = o.plain;
    }
    Ok((what?, None))
}

/// Whether decrypted handshake messages end with a Finished.
fn finished(plain: &[u8]) -> bool {
    let mut p = 0;
    let mut last = None;
    while let (Some(&t), Some(l)) = (plain.get(p), plain.get(p + 1..p + 4)) {
        last = Some(t);
        p += 4 + (u32::from_be_bytes([0, l[0], l[1], l[2]]) as usize);
    }
    last == Some(handshake::FINISHED)
}

/// A record's content, by its type. Returns the record's description for
/// its tree line.
fn content(cx: &mut Ctx, body: &Buf, ct: u8, seg: &TcpSeg, st: &mut TlsStream) -> DResult<String> {
    let d = usize::from(!seg.from_client);
    Ok(match ct {
        CHANGE_CIPHER_SPEC_TYPE => {
            // TLS 1.3's change cipher spec is only for middleboxes: a
            // second ClientHello may follow it in the clear.
            st.ccs[d] |= st.version != Some(TLS13);
            if st.version != Some(TLS13) && st.next[d].is_some() {
                st.keys[d] = st.next[d].take();
            }
            let id = cx.tree().add(&CHANGE_CIPHER_SPEC, body.range(0, body.len()), Value::None);
            cx.tree().set_text(id, "Change Cipher Spec Message");
            info(cx, "Change Cipher Spec");
            "Change Cipher Spec Protocol: Change Cipher Spec".into()
        }
        // tshark names an alert's record by the alert alone.
        ALERT_TYPE => alert(cx, body)?,
        HANDSHAKE_TYPE => format!("Handshake Protocol: {}", handshake::messages(cx, body, st, d, false)?),
        APPLICATION_DATA_TYPE => {
            info(cx, "Application Data");
            app_data(cx, body, seg, st)
        }
        _ => {
            cx.tree().text(body.range(0, body.len()), "Encrypted Heartbeat Message");
            info(cx, "Encrypted Heartbeat");
            "Heartbeat Protocol: Encrypted Heartbeat".into()
        }
    })
}

/// An application data record's items (the encrypted bytes, and the
/// protocol they carry when it is known); returns the record's description.
fn app_data(cx: &mut Ctx, body: &Buf, seg: &TcpSeg, st: &TlsStream) -> String {
    cx.tree().add(&APP_DATA, body.range(0, body.len()), Value::None);
    let Some((proto, _)) = app::carried(st, seg) else {
        return "Application Data Protocol: Application Data".into();
    };
    let id = cx.tree().generated(&APP_DATA_PROTO, body.range(0, 0), Value::str(proto));
    cx.tree().set_text(id, format_args!("[Application Data Protocol: {proto}]"));
    format!("Application Data Protocol: {proto}")
}

/// An alert: level and description when the record holds them in the clear
/// (two bytes Wireshark can name), else an encrypted alert.
fn alert(cx: &mut Ctx, body: &Buf) -> DResult<String> {
    let plain = match *body.tail(0) {
        [level, desc] => ALERT_LEVEL.value_string(level as u64).zip(ALERT_DESC.value_string(desc as u64)),
        _ => None,
    };
    let t = cx.tree();
    let Some((level, desc)) = plain else {
        let id = t.add(&ALERT, body.range(0, body.len()), Value::None);
        t.set_text(id, "Alert Message: Encrypted Alert");
        info(cx, "Encrypted Alert");
        return Ok("Encrypted Alert".into());
    };
    let id = t.open(&ALERT, body.range(0, 2), Value::None);
    t.set_text(id, "Alert Message");
    cx.uint(&ALERT_LEVEL, body, 0)?;
    cx.uint(&ALERT_DESC, body, 1)?;
    cx.tree().close();
    let text = format!("Alert (Level: {level}, Description: {desc})");
    info(cx, &text);
    Ok(text)
}
