//! Handshake messages in the clear: hellos, certificates, key exchanges,
//! session tickets. After a side's change cipher spec its messages are
//! encrypted, and so is anything that does not parse as one (an unknown
//! type, a length that does not fit the record): an "Encrypted Handshake
//! Message", as Wireshark shows what it cannot decrypt.

use md5::{Digest, Md5};

use super::ext::{self, Hello};
use super::fields::*;
use super::names::{self, HANDSHAKE_TYPES};
use super::state::TlsStream;
use super::{cert, info, uint_at, TLS13};
use crate::dissect::{Buf, Ctx, DResult};
use crate::field::{Timestamp, Value, TEXT};
use crate::field::plural;

const CLIENT_HELLO: u8 = 1;
const SERVER_HELLO: u8 = 2;
const NEW_SESSION_TICKET: u8 = 4;
const CERTIFICATE_MSG: u8 = 11;
const SERVER_KEY_EXCHANGE: u8 = 12;
const CLIENT_KEY_EXCHANGE: u8 = 16;
const ENCRYPTED_EXTENSIONS: u8 = 8;
const CERTIFICATE_VERIFY: u8 = 15;
pub const FINISHED: u8 = 20;

/// The random of a ServerHello that is a HelloRetryRequest (RFC 8446 4.1.3).
const HELLO_RETRY_RANDOM: [u8; 32] = [
    0xcf, 0x21, 0xad, 0x74, 0xe5, 0x9a, 0x61, 0x11, 0xbe, 0x1d, 0x8c, 0x02, 0x1e, 0x65, 0xb8, 0x91, 0xc2, 0xa2, 0x11,
    0x16, 0x7a, 0xbb, 0x8c, 0x5e, 0x07, 0x9e, 0x09, 0xe2, 0xc8, 0xa8, 0x33, 0x9c,
];

/// The handshake messages of one record (`clear`: decrypted, readable even
/// after a change cipher spec); returns the record's description.
pub fn messages(cx: &mut Ctx, body: &Buf, st: &mut TlsStream, d: usize, clear: bool) -> DResult<String> {
    let len = body.len();
    let mut p = 0;
    let mut names = Vec::new();
    if st.ccs[d] && !clear {
        encrypted(cx, body, 0);
        return Ok("Encrypted Handshake Message".into());
    }
    while p < len {
        let known = body.u8(p).ok().and_then(|t| HANDSHAKE_TYPES.iter().find(|(k, _)| *k == t as u64));
        let mlen = body.u24(p + 1).map(|l| l as usize);
        let (Some(&(typ, name)), Ok(mlen)) = (known, mlen) else {
            encrypted(cx, body, p);
            names.push("Encrypted Handshake Message");
            break;
        };
        if p + 4 + mlen > len {
            encrypted(cx, body, p);
            names.push("Encrypted Handshake Message");
            break;
        }
        let typ = typ as u8;
        let msg = body.sub(p + 4, mlen)?;
        let name = if typ == SERVER_HELLO && msg.bytes(2, 32).ok() == Some(&HELLO_RETRY_RANDOM[..]) {
            "Hello Retry Request"
        } else {
            name
        };
        let id = cx.tree().open(&HANDSHAKE, body.range(p, 4 + mlen), Value::None);
        cx.tree().set_text(id, format_args!("Handshake Protocol: {name}"));
        cx.uint(&HS_TYPE, body, p)?;
        cx.uint(&HS_LENGTH, body, p + 1)?;
        info(cx, name);
        message(cx, &msg, typ, st)?;
        cx.tree().close();
        names.push(name);
        p += 4 + mlen;
    }
    Ok(match names.as_slice() {
        [one] => one.to_string(),
        _ => "Multiple Handshake Messages".into(),
    })
}

fn encrypted(cx: &mut Ctx, body: &Buf, p: usize) {
    let t = cx.tree();
    let id = t.add(&HANDSHAKE, body.range(p, body.len() - p), Value::None);
    t.set_text(id, "Handshake Protocol: Encrypted Handshake Message");
    info(cx, "Encrypted Handshake Message");
}

fn message(cx: &mut Ctx, m: &Buf, typ: u8, st: &mut TlsStream) -> DResult<()> {
    match typ {
        CLIENT_HELLO => client_hello(cx, m, st),
        SERVER_HELLO => server_hello(cx, m, st),
        NEW_SESSION_TICKET => ticket(cx, m, st),
        CERTIFICATE_MSG => certificates(cx, m, st),
        ENCRYPTED_EXTENSIONS => {
            // TLS 1.3's server names the ALPN protocol here.
            if let Some(alpn) = extensions(cx, m, 0, false)?.alpn {
                st.alpn = Some(alpn);
            }
            Ok(())
        }
        CERTIFICATE_VERIFY => certificate_verify(cx, m),
        FINISHED => cx.bytes_item(&VERIFY_DATA, m, 0, m.len()).map(drop),
        SERVER_KEY_EXCHANGE if is_ecdhe(st) => server_ecdhe(cx, m),
        CLIENT_KEY_EXCHANGE => client_key_exchange(cx, m, st),
        _ => {
            if !m.is_empty() {
                cx.tree().text(m.range(0, m.len()), format_args!("Message body ({} bytes)", m.len()));
            }
            Ok(())
        }
    }
}

/// Version, random (split into time and bytes except in a TLS 1.3
/// ServerHello, whose random is all random) and session id: the start of
/// both hellos. Returns the offset after the session id.
fn hello_start(cx: &mut Ctx, m: &Buf, split_random: bool) -> DResult<usize> {
    cx.uint(&HS_VERSION, m, 0)?;
    let random = m.bytes(2, 32)?;
    let t = cx.tree();
    if split_random {
        t.open(&RANDOM, m.range(2, 32), Value::None);
        let secs = u32::from_be_bytes([random[0], random[1], random[2], random[3]]);
        t.add(&RANDOM_TIME, m.range(2, 4), Value::AbsTime(Timestamp { secs: secs as i64, nanos: 0 }));
        t.add(&RANDOM_BYTES, m.range(6, 28), Value::None);
        t.close();
    } else {
        t.add(&RANDOM, m.range(2, 32), Value::None);
    }
    let sid_len = uint_at(cx, &SESSION_ID_LENGTH, m, 34, 1)? as usize;
    if sid_len > 0 {
        m.bytes(35, sid_len)?;
        cx.tree().add(&SESSION_ID, m.range(35, sid_len), Value::None);
    }
    Ok(35 + sid_len)
}

fn client_hello(cx: &mut Ctx, m: &Buf, st: &mut TlsStream) -> DResult<()> {
    let version = m.u16(0)?;
    // Wireshark splits the random unless the session is known to be TLS
    // 1.3 (on a second pass, once the ServerHello said so).
    let mut p = hello_start(cx, m, st.version != Some(TLS13))?;
    st.randoms[0] = m.array(2).ok();
    let n = cx.uint(&CIPHER_SUITES_LENGTH, m, p)? as usize;
    p += 2;
    m.bytes(p, n)?;
    let id = cx.tree().open(&CIPHER_SUITES_LIST, m.range(p, n), Value::None);
    cx.tree().set_text(id, format_args!("Cipher Suites ({} suite{})", n / 2, plural(n / 2)));
    let mut suites = Vec::new();
    for i in 0..n / 2 {
        suites.push(cx.uint(&CIPHER_SUITE, m, p + 2 * i)? as u16);
    }
    cx.tree().close();
    p += n;
    let n = cx.uint(&COMP_METHODS_LENGTH, m, p)? as usize;
    p += 1;
    m.bytes(p, n)?;
    let id = cx.tree().open(&COMP_METHODS, m.range(p, n), Value::None);
    cx.tree().set_text(id, format_args!("Compression Methods ({n} method{})", if n == 1 { "" } else { "s" }));
    for i in 0..n {
        cx.uint(&COMP_METHOD, m, p + i)?;
    }
    cx.tree().close();
    p += n;
    let hello = extensions(cx, m, p, true)?;
    // JA3: version, ciphers, extensions, groups and point formats, GREASE
    // values left out, then its MD5.
    fingerprint(cx, m, &JA3_FULL, &JA3, || {
        format!(
            "{},{},{},{},{}",
            version,
            join(suites.iter().copied().filter(|&s| !names::is_grease(s))),
            join(hello.types.iter().copied().filter(|&t| !names::is_grease(t))),
            join(hello.groups.iter().copied().filter(|&g| !names::is_grease(g))),
            join(hello.point_formats.iter().copied()),
        )
    });
    Ok(())
}

fn server_hello(cx: &mut Ctx, m: &Buf, st: &mut TlsStream) -> DResult<()> {
    let version = m.u16(0)?;
    // Wireshark reads supported_versions before the random to know whether
    // it is TLS 1.3's (not split into time and bytes).
    let tls13 = st.version == Some(TLS13)
        || ext::scan_server_version(m.tail(0)).is_some_and(|v| v == TLS13 || v >> 8 == 0x7f);
    let mut p = hello_start(cx, m, !tls13)?;
    let suite = cx.uint(&CIPHER_SUITE, m, p)? as u16;
    cx.uint(&COMP_METHOD, m, p + 2)?;
    p += 3;
    let hello = extensions(cx, m, p, false)?;
    st.version = Some(hello.version.map_or(version, |v| if v >> 8 == 0x7f { TLS13 } else { v }));
    st.cipher = Some(suite);
    if let Some(alpn) = hello.alpn {
        st.alpn = Some(alpn);
    }
    let random: Option<[u8; 32]> = m.array(2).ok();
    if random != Some(HELLO_RETRY_RANDOM) {
        st.randoms[1] = random;
        super::decrypt::start(st);
    }
    fingerprint(cx, m, &JA3S_FULL, &JA3S, || format!("{},{},{}", version, suite, join(hello.types.iter().copied())));
    Ok(())
}

/// The extensions after a hello's fixed part, when there are any.
fn extensions(cx: &mut Ctx, m: &Buf, p: usize, client: bool) -> DResult<Hello> {
    if p >= m.len() {
        return Ok(Hello::default());
    }
    let n = cx.uint(&EXTENSIONS_LENGTH, m, p)? as usize;
    let list = m.sub(p + 2, n)?;
    ext::list(cx, &list, client)
}

fn join<T: std::fmt::Display>(items: impl Iterator<Item = T>) -> String {
    items.map(|i| i.to_string()).collect::<Vec<_>>().join("-")
}

/// JA3's string and its MD5, made only when the tree keeps either (a packet
/// list or a filter on other fields does not).
fn fingerprint(cx: &mut Ctx, m: &Buf, full_field: crate::field::Field, hash_field: crate::field::Field, full: impl FnOnce() -> String) {
    if !cx.tree().wants(full_field) && !cx.tree().wants(hash_field) {
        return;
    }
    let full = full();
    let digest = Md5::digest(full.as_bytes());
    let mut hash = String::new();
    crate::field::hex_bytes(&digest, &mut hash);
    let at = m.range(m.len(), 0);
    let t = cx.tree();
    t.generated(full_field, at.clone(), Value::str(full.as_str()));
    t.generated(hash_field, at, Value::str(hash));
}

fn ticket(cx: &mut Ctx, m: &Buf, st: &TlsStream) -> DResult<()> {
    let id = cx.tree().open(&TEXT, m.range(0, m.len()), Value::None);
    cx.tree().set_text(id, "TLS Session Ticket");
    let (id, secs) = cx.uint_item(&TICKET_LIFETIME, m, 0)?;
    cx.tree().set_text(id, format_args!("Session Ticket Lifetime Hint: {secs} seconds ({})", duration(secs)));
    let mut p = 4;
    if st.version == Some(TLS13) {
        cx.uint(&TICKET_AGE_ADD, m, 4)?;
        let n = cx.uint(&TICKET_NONCE_LENGTH, m, 8)? as usize;
        m.bytes(9, n)?;
        cx.tree().add(&TICKET_NONCE, m.range(9, n), Value::None);
        p = 9 + n;
    }
    let n = cx.uint(&TICKET_LENGTH, m, p)? as usize;
    m.bytes(p + 2, n)?;
    cx.tree().add(&TICKET, m.range(p + 2, n), Value::None);
    p += 2 + n;
    if st.version == Some(TLS13) && p < m.len() {
        let n = cx.uint(&EXTENSIONS_LENGTH, m, p)? as usize;
        let list = m.sub(p + 2, n)?;
        ext::list(cx, &list, false)?;
    }
    cx.tree().close();
    Ok(())
}

/// Seconds as Wireshark words a duration: "5 minutes", "1 day, 2 hours".
fn duration(secs: u64) -> String {
    let parts = [(secs / 86400, "day"), (secs / 3600 % 24, "hour"), (secs / 60 % 60, "minute"), (secs % 60, "second")];
    let words: Vec<String> = parts
        .iter()
        .filter(|(n, _)| *n > 0)
        .map(|(n, unit)| format!("{n} {unit}{}", if *n == 1 { "" } else { "s" }))
        .collect();
    if words.is_empty() { "0 seconds".into() } else { words.join(", ") }
}

/// A Certificate message: the chain, each certificate with its subject,
/// issuer and validity (TLS 1.3 adds a request context and extensions).
fn certificates(cx: &mut Ctx, m: &Buf, st: &TlsStream) -> DResult<()> {
    let tls13 = st.version == Some(TLS13);
    let mut p = 0;
    if tls13 {
        let n = cx.uint(&CERT_CONTEXT_LENGTH, m, 0)? as usize;
        m.bytes(1, n)?;
        p = 1 + n;
    }
    let total = cx.uint(&CERTIFICATES_LENGTH, m, p)? as usize;
    p += 3;
    let list = m.sub(p, total)?;
    let id = cx.tree().open(&CERTIFICATES, list.range(0, list.len()), Value::None);
    cx.tree().set_text(id, format_args!("Certificates ({total} bytes)"));
    let mut q = 0;
    while q < list.len() {
        let n = cx.uint(&CERTIFICATE_LENGTH, &list, q)? as usize;
        let der = list.bytes(q + 3, n)?;
        cx.tree().open(&CERTIFICATE, list.range(q + 3, n), Value::None);
        cert::describe(cx, &list.sub(q + 3, n)?, der);
        cx.tree().close();
        q += 3 + n;
        if tls13 {
            let e = cx.uint(&EXTENSIONS_LENGTH, &list, q)? as usize;
            list.bytes(q + 2, e)?;
            q += 2 + e;
        }
    }
    cx.tree().close();
    Ok(())
}

/// A CertificateVerify (TLS 1.3, or a client's certificate in 1.2): the
/// signature's algorithm and the signature.
fn certificate_verify(cx: &mut Ctx, m: &Buf) -> DResult<()> {
    ext::signature_scheme(cx, m, 0)?;
    let n = cx.uint(&CERT_VERIFY_SIG_LEN, m, 2)? as usize;
    cx.bytes_item(&CERT_VERIFY_SIG, m, 4, n)?;
    Ok(())
}

/// Whether the chosen cipher suite's key exchange is ECDHE (its Server Key
/// Exchange carries a named curve and a public point).
fn is_ecdhe(st: &TlsStream) -> bool {
    st.cipher.and_then(|c| CIPHER_SUITE.value_string(c as u64)).is_some_and(|n| n.starts_with("TLS_ECDHE_"))
}

fn server_ecdhe(cx: &mut Ctx, m: &Buf) -> DResult<()> {
    let id = cx.tree().open(&TEXT, m.range(0, m.len()), Value::None);
    cx.tree().set_text(id, "EC Diffie-Hellman Server Params");
    cx.uint(&CURVE_TYPE, m, 0)?;
    cx.uint(&NAMED_CURVE, m, 1)?;
    let n = cx.uint(&SERVER_POINT_LEN, m, 3)? as usize;
    m.bytes(4, n)?;
    cx.tree().add(&SERVER_POINT, m.range(4, n), Value::None);
    let mut p = 4 + n;
    // TLS 1.2 names the signature's algorithm; 1.0 and 1.1 do not.
    if m.len() >= p + 4 && m.len() != p + 2 + m.u16(p)? as usize {
        ext::signature_scheme(cx, m, p)?;
        p += 2;
    }
    let n = cx.uint(&SIG_LEN, m, p)? as usize;
    m.bytes(p + 2, n)?;
    cx.tree().add(&SIG, m.range(p + 2, n), Value::None);
    cx.tree().close();
    Ok(())
}

/// A Client Key Exchange: an EC point after ECDHE, the encrypted premaster
/// secret after RSA key transport; other exchanges shown as bytes.
fn client_key_exchange(cx: &mut Ctx, m: &Buf, st: &TlsStream) -> DResult<()> {
    let suite = st.cipher.and_then(|c| CIPHER_SUITE.value_string(c as u64)).unwrap_or("");
    let (title, len_field, field) = if suite.starts_with("TLS_ECDHE_") {
        ("EC Diffie-Hellman Client Params", &CLIENT_POINT_LEN, &CLIENT_POINT)
    } else if suite.starts_with("TLS_RSA_") {
        ("RSA Encrypted PreMaster Secret", &EPMS_LEN, &EPMS)
    } else {
        if !m.is_empty() {
            cx.tree().text(m.range(0, m.len()), format_args!("Key exchange parameters ({} bytes)", m.len()));
        }
        return Ok(());
    };
    let id = cx.tree().open(&TEXT, m.range(0, m.len()), Value::None);
    cx.tree().set_text(id, title);
    // The point's length is one byte, the premaster secret's two.
    let n = cx.uint(len_field, m, 0)? as usize;
    let width = len_field.ftype.hex_width() / 2;
    m.bytes(width, n)?;
    cx.tree().add(field, m.range(width, n), Value::None);
    cx.tree().close();
    Ok(())
}
