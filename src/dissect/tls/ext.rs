//! Hello extensions: SNI, ALPN, supported groups and versions, key shares,
//! signature algorithms, point formats, PSK modes, padding, renegotiation
//! info, record size limit; others are shown by type and length (with
//! their bytes when Wireshark does not know the type either).

use super::fields::*;
use super::names::{is_grease, EXTENSIONS};
use crate::dissect::{Buf, Ctx, DResult};
use crate::field::{Value, TEXT};

const SERVER_NAME: u16 = 0;
const SUPPORTED_GROUPS: u16 = 10;
const EC_POINT_FORMATS: u16 = 11;
const SIGNATURE_ALGORITHMS: u16 = 13;
const ALPN: u16 = 16;
const PADDING_EXT: u16 = 21;
const RECORD_SIZE_LIMIT_EXT: u16 = 28;
const SESSION_TICKET: u16 = 35;
const SUPPORTED_VERSIONS: u16 = 43;
const PSK_KEY_EXCHANGE_MODES: u16 = 45;
const SIGNATURE_ALGORITHMS_CERT: u16 = 50;
const KEY_SHARE: u16 = 51;
const QUIC_TRANSPORT_PARAMETERS: u16 = 57;
const RENEGOTIATION_INFO: u16 = 0xff01;

/// What a hello's extensions say that matters beyond its own tree: JA3's
/// lists, the version the server chose and the ALPN protocol.
#[derive(Default)]
pub struct Hello {
    pub types: Vec<u16>,
    pub groups: Vec<u16>,
    pub point_formats: Vec<u8>,
    /// A ServerHello's supported_versions.
    pub version: Option<u16>,
    /// A ServerHello's ALPN choice.
    pub alpn: Option<String>,
}

fn ext_name(t: u16) -> &'static str {
    if is_grease(t) {
        return "Reserved (GREASE)";
    }
    EXTENSIONS.iter().find(|(k, _)| *k == t as u64).map_or("Unknown", |(_, n)| n)
}

/// The extensions of a hello (or a TLS 1.3 ticket), `client` for a
/// ClientHello (some extensions read differently from each side).
pub fn list(cx: &mut Ctx, b: &Buf, client: bool) -> DResult<Hello> {
    let mut hello = Hello::default();
    let mut p = 0;
    while p < b.len() {
        let t = b.u16(p)?;
        let n = b.u16(p + 2)? as usize;
        let id = cx.tree().open(&TEXT, b.range(p, 4 + n), Value::None);
        cx.tree().set_text(id, format_args!("Extension: {} (len={n})", ext_name(t)));
        let tid = cx.tree().add(&EXT_TYPE, b.range(p, 2), Value::UInt(t as u64));
        cx.tree().set_text(tid, format_args!("Type: {} ({t})", ext_name(t)));
        cx.uint(&EXT_LEN, b, p + 2)?;
        let body = b.sub(p + 4, n)?;
        body.bytes(0, n)?;
        extension(cx, &body, t, client, &mut hello)?;
        cx.tree().close();
        hello.types.push(t);
        p += 4 + n;
    }
    Ok(hello)
}

fn extension(cx: &mut Ctx, e: &Buf, t: u16, client: bool, hello: &mut Hello) -> DResult<()> {
    match t {
        SERVER_NAME if !e.is_empty() => server_name(cx, e),
        SUPPORTED_GROUPS => {
            let n = cx.uint(&GROUPS_LENGTH, e, 0)? as usize;
            let id = cx.tree().open(&GROUPS_LIST, e.range(2, n), Value::None);
            cx.tree().set_text(id, format_args!("Supported Groups ({} groups)", n / 2));
            for i in 0..n / 2 {
                hello.groups.push(cx.uint(&GROUP, e, 2 + 2 * i)? as u16);
            }
            cx.tree().close();
            Ok(())
        }
        EC_POINT_FORMATS => {
            let n = cx.uint(&POINT_FORMATS_LENGTH, e, 0)? as usize;
            let id = cx.tree().open(&POINT_FORMATS, e.range(1, n), Value::None);
            cx.tree().set_text(id, format_args!("Elliptic curves point formats ({n})"));
            for i in 0..n {
                hello.point_formats.push(cx.uint(&POINT_FORMAT, e, 1 + i)? as u8);
            }
            cx.tree().close();
            Ok(())
        }
        SIGNATURE_ALGORITHMS | SIGNATURE_ALGORITHMS_CERT => {
            let n = cx.uint(&SIG_ALGS_LEN, e, 0)? as usize;
            let id = cx.tree().open(&SIG_ALGS, e.range(2, n), Value::None);
            cx.tree().set_text(id, format_args!("Signature Hash Algorithms ({} algorithms)", n / 2));
            for i in 0..n / 2 {
                signature_scheme(cx, e, 2 + 2 * i)?;
            }
            cx.tree().close();
            Ok(())
        }
        ALPN => {
            let n = cx.uint(&ALPN_LEN, e, 0)? as usize;
            let id = cx.tree().open(&ALPN_LIST, e.range(2, n), Value::None);
            cx.tree().set_text(id, "ALPN Protocol");
            let mut p = 2;
            while p < 2 + n {
                let l = cx.uint(&ALPN_STR_LEN, e, p)? as usize;
                let s = String::from_utf8_lossy(e.bytes(p + 1, l)?).into_owned();
                cx.tree().add(&ALPN_STR, e.range(p + 1, l), Value::str(s.as_str()));
                if !client {
                    hello.alpn = Some(s);
                }
                p += 1 + l;
            }
            cx.tree().close();
            Ok(())
        }
        SUPPORTED_VERSIONS if client => {
            let n = cx.uint(&VERSIONS_LEN, e, 0)? as usize;
            for i in 0..n / 2 {
                cx.uint(&SUPPORTED_VERSION, e, 1 + 2 * i)?;
            }
            Ok(())
        }
        SUPPORTED_VERSIONS => {
            hello.version = Some(cx.uint(&SUPPORTED_VERSION, e, 0)? as u16);
            Ok(())
        }
        PSK_KEY_EXCHANGE_MODES => {
            let n = cx.uint(&PSK_MODES_LENGTH, e, 0)? as usize;
            for i in 0..n {
                cx.uint(&PSK_MODE, e, 1 + i)?;
            }
            Ok(())
        }
        KEY_SHARE => key_share(cx, e, client),
        QUIC_TRANSPORT_PARAMETERS => crate::dissect::quic::params::dissect(cx, e),
        PADDING_EXT => {
            cx.tree().add(&PADDING, e.range(0, e.len()), Value::None);
            Ok(())
        }
        RECORD_SIZE_LIMIT_EXT => cx.uint(&RECORD_SIZE_LIMIT, e, 0).map(drop),
        RENEGOTIATION_INFO => {
            let n = cx.uint(&RENEG_LEN, e, 0)? as usize;
            if n > 0 {
                e.bytes(1, n)?;
                cx.tree().add(&RENEG_INFO, e.range(1, n), Value::None);
            }
            Ok(())
        }
        // Wireshark shows a session ticket's bytes as plain data, even none
        // (its zero-length value prints as `<MISSING>`).
        SESSION_TICKET if e.is_empty() => {
            cx.tree().add(&EXT_DATA, e.range(0, 0), Value::str("<MISSING>"));
            Ok(())
        }
        SESSION_TICKET => {
            cx.tree().add(&EXT_DATA, e.range(0, e.len()), Value::None);
            Ok(())
        }
        _ if e.is_empty() => Ok(()),
        // Bytes of a type Wireshark has no dissector for are its "Data".
        _ if is_grease(t) || !EXTENSIONS.iter().any(|(k, _)| *k == t as u64) => {
            cx.tree().add(&EXT_DATA, e.range(0, e.len()), Value::None);
            Ok(())
        }
        _ => {
            cx.tree().text(e.range(0, e.len()), format_args!("Extension data ({} bytes)", e.len()));
            Ok(())
        }
    }
}

fn server_name(cx: &mut Ctx, e: &Buf) -> DResult<()> {
    let n = e.u16(0)? as usize;
    let id = cx.tree().open(&TEXT, e.range(0, 2 + n), Value::None);
    cx.tree().set_text(id, "Server Name Indication extension");
    cx.uint(&SNI_LIST_LEN, e, 0)?;
    let mut p = 2;
    while p < 2 + n {
        cx.uint(&SNI_TYPE, e, p)?;
        let l = cx.uint(&SNI_LEN, e, p + 1)? as usize;
        let name = String::from_utf8_lossy(e.bytes(p + 3, l)?).into_owned();
        cx.tree().add(&SNI, e.range(p + 3, l), Value::str(name));
        p += 3 + l;
    }
    cx.tree().close();
    Ok(())
}

/// A signature scheme: its number, then its two bytes read as TLS 1.2's
/// hash and signature algorithms.
pub fn signature_scheme(cx: &mut Ctx, b: &Buf, p: usize) -> DResult<()> {
    let v = b.u16(p)?;
    let t = cx.tree();
    t.open(&SIG_ALG, b.range(p, 2), Value::UInt(v as u64));
    for (f, at, x) in [(&SIG_HASH, p, v >> 8), (&SIG_SIG, p + 1, v & 0xff)] {
        t.add(f, b.range(at, 1), Value::UInt(x as u64));
    }
    t.close();
    Ok(())
}

fn key_share(cx: &mut Ctx, e: &Buf, client: bool) -> DResult<()> {
    let id = cx.tree().open(&TEXT, e.range(0, e.len()), Value::None);
    cx.tree().set_text(id, "Key Share extension");
    if client {
        let n = cx.uint(&KEY_SHARE_CLIENT_LENGTH, e, 0)? as usize;
        let mut p = 2;
        while p < 2 + n {
            p += key_share_entry(cx, e, p)?;
        }
    } else if e.len() == 2 {
        // A HelloRetryRequest names the group it wants.
        cx.uint(&KEY_SHARE_SELECTED, e, 0)?;
    } else {
        key_share_entry(cx, e, 0)?;
    }
    cx.tree().close();
    Ok(())
}

fn key_share_entry(cx: &mut Ctx, e: &Buf, p: usize) -> DResult<usize> {
    let group = e.u16(p)?;
    let n = e.u16(p + 2)? as usize;
    e.bytes(p + 4, n)?;
    let name = KEY_SHARE_GROUP.value_string(group as u64).unwrap_or("Unknown");
    let id = cx.tree().open(&TEXT, e.range(p, 4 + n), Value::None);
    cx.tree().set_text(id, format_args!("Key Share Entry: Group: {name}, Key Exchange length: {n}"));
    cx.uint(&KEY_SHARE_GROUP, e, p)?;
    cx.uint(&KEY_SHARE_KE_LENGTH, e, p + 2)?;
    cx.tree().add(&KEY_SHARE_KE, e.range(p + 4, n), Value::None);
    cx.tree().close();
    Ok(4 + n)
}

/// The version a ServerHello's supported_versions names, read ahead of the
/// hello's items (the random is shown differently in TLS 1.3).
pub fn scan_server_version(m: &[u8]) -> Option<u16> {
    let sid = *m.get(34)? as usize;
    let mut p = 35 + sid + 3;
    let total = u16::from_be_bytes([*m.get(p)?, *m.get(p + 1)?]) as usize;
    p += 2;
    let end = (p + total).min(m.len());
    while p + 4 <= end {
        let t = u16::from_be_bytes([m[p], m[p + 1]]);
        let n = u16::from_be_bytes([m[p + 2], m[p + 3]]) as usize;
        if t == SUPPORTED_VERSIONS && n == 2 {
            return Some(u16::from_be_bytes([*m.get(p + 4)?, *m.get(p + 5)?]));
        }
        p += 4 + n;
    }
    None
}
