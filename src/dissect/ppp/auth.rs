//! PPP's authentication protocols: PAP (RFC 1334 section 2), a name and a
//! password in the clear, and CHAP (RFC 1994), a challenge and the hash
//! that answers it.

use std::fmt::Write;

use crate::field::{Field, FieldDef, FieldType, Value};

use crate::dissect::{Buf, Ctx, DResult};

pub static PAP: FieldDef = FieldDef::new("pap", "PPP Password Authentication Protocol", FieldType::Protocol)
    .desc("PAP (RFC 1334): the peer sends its name and password in the clear");
pub static PAP_CODE: FieldDef = FieldDef::new("pap.code", "Code", FieldType::U8)
    .strings(&[(1, "Authenticate-Request"), (2, "Authenticate-Ack"), (3, "Authenticate-Nak")])
    .desc("A request with credentials, or the answer accepting or refusing them (RFC 1334 section 2.2)");
pub static PAP_IDENTIFIER: FieldDef = FieldDef::new("pap.identifier", "Identifier", FieldType::U8)
    .desc("Matches an answer to its request");
pub static PAP_LENGTH: FieldDef = FieldDef::new("pap.length", "Length", FieldType::U16)
    .desc("Bytes of the PAP packet, its header included");
pub static PAP_DATA: FieldDef = FieldDef::new("pap.data", "Data", FieldType::None)
    .desc("The request's credentials or the answer's message");
pub static PAP_PEER_ID_LEN: FieldDef = FieldDef::new("pap.peer_id.length", "Peer-ID-Length", FieldType::U8)
    .desc("Bytes of the peer's name");
pub static PAP_PEER_ID: FieldDef = FieldDef::new("pap.peer_id", "Peer-ID", FieldType::String)
    .desc("The name the peer authenticates as");
pub static PAP_PASSWORD_LEN: FieldDef = FieldDef::new("pap.password.length", "Password-Length", FieldType::U8)
    .desc("Bytes of the password");
pub static PAP_PASSWORD: FieldDef = FieldDef::new("pap.password", "Password", FieldType::String)
    .desc("The password, sent in the clear");
pub static PAP_MESSAGE_LEN: FieldDef = FieldDef::new("pap.message.length", "Message-Length", FieldType::U8)
    .desc("Bytes of the answer's message");
pub static PAP_MESSAGE: FieldDef = FieldDef::new("pap.message", "Message", FieldType::String)
    .desc("Text the authenticator sends with its answer");

pub static CHAP: FieldDef = FieldDef::new("chap", "PPP Challenge Handshake Authentication Protocol", FieldType::Protocol)
    .desc("CHAP (RFC 1994): the peer proves it knows a secret by hashing a challenge with it");
pub static CHAP_CODE: FieldDef = FieldDef::new("chap.code", "Code", FieldType::U8)
    .strings(&[(1, "Challenge"), (2, "Response"), (3, "Success"), (4, "Failure")])
    .desc("A challenge, the response to it, or the verdict (RFC 1994 section 4)");
pub static CHAP_IDENTIFIER: FieldDef = FieldDef::new("chap.identifier", "Identifier", FieldType::U8)
    .desc("Matches a response and the verdict to their challenge");
pub static CHAP_LENGTH: FieldDef = FieldDef::new("chap.length", "Length", FieldType::U16)
    .desc("Bytes of the CHAP packet, its header included");
pub static CHAP_DATA: FieldDef = FieldDef::new("chap.data", "Data", FieldType::None)
    .desc("The value and name of a challenge or response");
pub static CHAP_VALUE_SIZE: FieldDef = FieldDef::new("chap.value_size", "Value Size", FieldType::U8)
    .desc("Bytes of the challenge or of the hash");
pub static CHAP_VALUE: FieldDef = FieldDef::new("chap.value", "Value", FieldType::Bytes)
    .desc("The challenge, or the hash of identifier, secret and challenge (RFC 1994 section 4.1)");
pub static CHAP_NAME: FieldDef = FieldDef::new("chap.name", "Name", FieldType::String)
    .desc("The name of the system that sends the packet");
pub static CHAP_MESSAGE: FieldDef = FieldDef::new("chap.message", "Message", FieldType::String)
    .desc("Text that comes with the verdict");

pub static FIELDS: &[Field] = &[
    &PAP, &PAP_CODE, &PAP_IDENTIFIER, &PAP_LENGTH, &PAP_DATA, &PAP_PEER_ID_LEN, &PAP_PEER_ID, &PAP_PASSWORD_LEN,
    &PAP_PASSWORD, &PAP_MESSAGE_LEN, &PAP_MESSAGE, &CHAP, &CHAP_CODE, &CHAP_IDENTIFIER, &CHAP_LENGTH, &CHAP_DATA,
    &CHAP_VALUE_SIZE, &CHAP_VALUE, &CHAP_NAME, &CHAP_MESSAGE,
];

/// Code, identifier and length, common to both; Info starts with the code's name.
fn header(cx: &mut Ctx, b: &Buf, code: Field, id: Field, len: Field) -> DResult<(u8, usize)> {
    let c = b.u8(0)?;
    let name = code.value_string(c as u64).unwrap_or("Unknown");
    let info = cx.out.cols.info();
    info.clear();
    info.push_str(name);
    cx.uint(code, b, 0)?;
    cx.uint(id, b, 1)?;
    let n = cx.uint(len, b, 2)? as usize;
    Ok((c, n))
}

/// A string of `len` bytes at `at`, lossily decoded, as an item of `f`.
fn text(cx: &mut Ctx, b: &Buf, f: Field, at: usize, len: usize) -> DResult<String> {
    let s = String::from_utf8_lossy(b.bytes(at, len)?).into_owned();
    cx.tree().add(f, b.range(at, len), Value::str(s.as_str()));
    Ok(s)
}

/// A one-byte length (an item of `len_f`) and the string it counts.
fn counted(cx: &mut Ctx, b: &Buf, len_f: Field, f: Field, at: usize) -> DResult<(String, usize)> {
    let n = cx.uint(len_f, b, at)? as usize;
    Ok((text(cx, b, f, at + 1, n)?, at + 1 + n))
}

pub fn dissect_pap(cx: &mut Ctx, b: Buf) -> DResult<()> {
    cx.enter("pap", "PPP PAP");
    cx.tree().open(&PAP, b.range(0, b.len()), Value::None);
    let (code, len) = header(cx, &b, &PAP_CODE, &PAP_IDENTIFIER, &PAP_LENGTH)?;
    if len > 4 && (1..=3).contains(&code) {
        cx.tree().open(&PAP_DATA, b.range(4, len - 4), Value::None);
        if code == 1 {
            let (peer, at) = counted(cx, &b, &PAP_PEER_ID_LEN, &PAP_PEER_ID, 4)?;
            let (password, _) = counted(cx, &b, &PAP_PASSWORD_LEN, &PAP_PASSWORD, at)?;
            let _ = write!(cx.out.cols.info, " (Peer-ID='{peer}', Password='{password}')");
        } else {
            let (message, _) = counted(cx, &b, &PAP_MESSAGE_LEN, &PAP_MESSAGE, 4)?;
            let _ = write!(cx.out.cols.info, " (Message='{message}')");
        }
        cx.tree().close();
    } else if code == 2 || code == 3 {
        cx.out.cols.info().push_str(" (Message='')");
    }
    cx.tree().close();
    Ok(())
}

pub fn dissect_chap(cx: &mut Ctx, b: Buf) -> DResult<()> {
    cx.enter("chap", "PPP CHAP");
    cx.tree().open(&CHAP, b.range(0, b.len()), Value::None);
    let (code, len) = header(cx, &b, &CHAP_CODE, &CHAP_IDENTIFIER, &CHAP_LENGTH)?;
    let data = len.saturating_sub(4);
    match code {
        1 | 2 if data > 0 => {
            cx.tree().open(&CHAP_DATA, b.range(4, data), Value::None);
            let size = cx.uint(&CHAP_VALUE_SIZE, &b, 4)? as usize;
            let value = b.bytes(5, size)?;
            cx.tree().add(&CHAP_VALUE, b.range(5, size), Value::None);
            let mut hex = String::new();
            crate::field::hex_bytes(value, &mut hex);
            let name_len = data.saturating_sub(1 + size);
            let name = if name_len > 0 { text(cx, &b, &CHAP_NAME, 5 + size, name_len)? } else { String::new() };
            cx.tree().close();
            let _ = write!(cx.out.cols.info, " (NAME='{name}', VALUE=0x{hex})");
        }
        3 | 4 => {
            let message = if data > 0 { text(cx, &b, &CHAP_MESSAGE, 4, data)? } else { String::new() };
            let _ = write!(cx.out.cols.info, " (MESSAGE='{message}')");
        }
        _ => {}
    }
    cx.tree().close();
    Ok(())
}
