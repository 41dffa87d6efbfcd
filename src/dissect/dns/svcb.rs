//! SVCB and HTTPS records (RFC 9460): priority, target and the SvcParams,
//! each shown as Wireshark 4.0 shows it (`SvcParam: alpn=h2,h3`).

use std::fmt::Write;

use crate::field::{base64, Field, FieldDef, FieldType, Value, ValueStrings};

use super::name::{escape, read_name};
use super::rdata::bytes_item;
use crate::dissect::{Buf, Ctx, DResult};

/// The keys Wireshark 4.0 knows (dohpath, key 7, came later).
const KEYS: ValueStrings = &[
    (0, "mandatory"),
    (1, "alpn"),
    (2, "no-default-alpn"),
    (3, "port"),
    (4, "ipv4hint"),
    (5, "echconfig"),
    (6, "ipv6hint"),
    (32769, "odohconfig"),
    (65535, "key65535"),
];

pub static PRIORITY: FieldDef = FieldDef::new("dns.svcb.svcpriority", "SvcPriority", FieldType::U16)
    .desc("Priority of the SVCB or HTTPS record: 0 means alias mode, else lower is preferred (RFC 9460).");
pub static TARGET: FieldDef = FieldDef::new("dns.svcb.targetname", "TargetName", FieldType::String)
    .desc("Name of the host that provides the service (. for the owner name itself).");
pub static PARAM: FieldDef = FieldDef::new("dns.svcb.svcparam", "SvcParam", FieldType::None)
    .desc("One service parameter: key, length and value.");
pub static KEY: FieldDef = FieldDef::new("dns.svcb.svcparam.key", "SvcParamKey", FieldType::U16).strings(KEYS)
    .desc("Parameter key: 0 mandatory, 1 alpn, 3 port, 4 ipv4hint, 5 ech, 6 ipv6hint.");
pub static VALUE_LEN: FieldDef =
    FieldDef::new("dns.svcb.svcparam.value.length", "SvcParamValue length", FieldType::U16)
        .desc("Length of the parameter value in bytes.");
pub static VALUE: FieldDef = FieldDef::new("dns.svcb.svcparam.value", "SvcParamValue", FieldType::Bytes)
    .desc("The parameter value's bytes.");
pub static MANDATORY: FieldDef =
    FieldDef::new("dns.svcb.svcparam.mandatory.key", "Mandatory key", FieldType::U16).strings(KEYS)
        .desc("A key the client must understand to use this record.");
pub static ALPN_LEN: FieldDef = FieldDef::new("dns.svcb.svcparam.alpn.length", "ALPN length", FieldType::U8)
    .desc("Length of one ALPN protocol id.");
pub static ALPN: FieldDef = FieldDef::new("dns.svcb.svcparam.alpn", "ALPN", FieldType::String)
    .desc("An application protocol the endpoint supports, such as h2 or h3.");
pub static PORT: FieldDef = FieldDef::new("dns.svcb.svcparam.port", "Port", FieldType::U16)
    .desc("Port of the alternative endpoint.");
pub static IPV4HINT: FieldDef = FieldDef::new("dns.svcb.svcparam.ipv4hint.ip", "IP", FieldType::Ipv4)
    .desc("An IPv4 address of the endpoint, to save a lookup.");
pub static ECHCONFIG: FieldDef = FieldDef::new("dns.svcb.svcparam.echconfig", "ECHConfig", FieldType::Bytes)
    .desc("Encrypted ClientHello configuration of the endpoint.");
pub static IPV6HINT: FieldDef = FieldDef::new("dns.svcb.svcparam.ipv6hint.ip", "IP", FieldType::Ipv6)
    .desc("An IPv6 address of the endpoint, to save a lookup.");
pub static ODOHCONFIG: FieldDef = FieldDef::new("dns.svcb.svcparam.odohconfig", "ODoHConfig", FieldType::Bytes)
    .desc("Oblivious DNS over HTTPS configuration.");

pub static FIELDS: &[Field] = &[
    &PRIORITY, &TARGET, &PARAM, &KEY, &VALUE_LEN, &VALUE, &MANDATORY, &ALPN_LEN, &ALPN, &PORT, &IPV4HINT,
    &ECHCONFIG, &IPV6HINT, &ODOHCONFIG,
];

/// A key's name in a parameter's label: unknown keys are `key<N>`.
fn key_name(key: u16) -> String {
    match KEYS.iter().find(|e| e.0 == key as u64) {
        Some(e) => e.1.to_string(),
        None => format!("key{key}"),
    }
}

/// The SVCB/HTTPS data of `len` bytes at `off`.
pub fn svcb(cx: &mut Ctx, b: &Buf, off: usize, len: usize) -> DResult<()> {
    cx.uint(&PRIORITY, b, off)?;
    let target = read_name(b, off + 2)?;
    cx.tree().add(&TARGET, b.range(off + 2, target.wire_len), Value::str(target.text.as_str()));
    let end = off + len;
    let mut p = off + 2 + target.wire_len;
    // As in Wireshark, each value is read by its key's rule, which may use
    // more or fewer bytes than the stated length; the next parameter starts
    // where the reading stopped.
    while p < end {
        let key = b.u16(p)?;
        let vlen = b.u16(p + 2)? as usize;
        let item = cx.tree().open(&PARAM, b.range(p, 4 + vlen), Value::None);
        cx.uint(&KEY, b, p)?;
        cx.uint(&VALUE_LEN, b, p + 2)?;
        let mut label = format!("SvcParam: {}", key_name(key));
        p += 4;
        let result = param_value(cx, b, key, p, vlen, &mut label);
        cx.tree().set_text(item, label);
        cx.tree().close();
        p = result?;
    }
    Ok(())
}

/// Adds the items of one parameter's value at `p`, extends its label and
/// returns where the reading stopped.
fn param_value(cx: &mut Ctx, b: &Buf, key: u16, mut p: usize, vlen: usize, label: &mut String) -> DResult<usize> {
    let sep = |i: usize| if i == 0 { '=' } else { ',' };
    match key {
        0 => {
            for i in (0..vlen).step_by(2) {
                let k = cx.uint(&MANDATORY, b, p)? as u16;
                let _ = write!(label, "{}{}", sep(i), key_name(k));
                p += 2;
            }
        }
        1 => {
            let mut i = 0;
            while i < vlen {
                let n = cx.uint(&ALPN_LEN, b, p)? as usize;
                let id = escape(b.bytes(p + 1, n)?);
                let _ = write!(label, "{}{id}", sep(i));
                cx.tree().add(&ALPN, b.range(p + 1, n), Value::str(id));
                p += 1 + n;
                i += 1 + n;
            }
        }
        2 => {}
        3 => {
            let port = cx.uint(&PORT, b, p)?;
            let _ = write!(label, "={port}");
            p += 2;
        }
        4 => {
            for i in (0..vlen).step_by(4) {
                let a = std::net::Ipv4Addr::from(b.array::<4>(p)?);
                cx.tree().add(&IPV4HINT, b.range(p, 4), Value::Ipv4(a));
                let _ = write!(label, "{}{a}", sep(i));
                p += 4;
            }
        }
        6 => {
            for i in (0..vlen).step_by(16) {
                let a = std::net::Ipv6Addr::from(b.array::<16>(p)?);
                cx.tree().add(&IPV6HINT, b.range(p, 16), Value::Ipv6(a));
                let _ = write!(label, "{}{a}", sep(i));
                p += 16;
            }
        }
        5 | 32769 => {
            let f = if key == 5 { &ECHCONFIG } else { &ODOHCONFIG };
            let text = base64(b.bytes(p, vlen)?);
            let id = cx.tree().add(f, b.range(p, vlen), Value::None);
            cx.tree().set_text(id, format_args!("{}: {text}", f.display));
            let _ = write!(label, "={text}");
            p += vlen;
        }
        _ if vlen > 0 => {
            bytes_item(cx, &VALUE, b, p, vlen)?;
            let _ = write!(label, "={}", escape(b.bytes(p, vlen)?));
            p += vlen;
        }
        _ => {}
    }
    Ok(p)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64_as_glib() {
        assert_eq!(base64(&[0, 1, 2]), "AAEC");
        assert_eq!(base64(b"ab"), "YWI=");
        assert_eq!(base64(b"a"), "YQ==");
        assert_eq!(base64(b""), "");
    }

    #[test]
    fn unknown_keys_are_numbered() {
        assert_eq!(key_name(1), "alpn");
        assert_eq!(key_name(7), "key7");
    }
}
