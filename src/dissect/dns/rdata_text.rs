//! The data of the records made of character strings: HINFO, NAPTR and CAA,
//! item by item as Wireshark shows them.

use crate::field::{Base, Field, FieldDef, FieldType, Value};

use super::name::{escape, read_name};
use super::rdata::info;
use crate::dissect::{Buf, Ctx, DResult};

pub static HINFO_CPU_LEN: FieldDef = FieldDef::new("dns.hinfo.cpu_length", "CPU Length", FieldType::U8)
    .desc("Length of the CPU string.");
pub static HINFO_CPU: FieldDef = FieldDef::new("dns.hinfo.cpu", "CPU", FieldType::String)
    .desc("The host's CPU type (RFC 1035 section 3.3.2).");
pub static HINFO_OS_LEN: FieldDef = FieldDef::new("dns.hinfo.os_length", "OS Length", FieldType::U8)
    .desc("Length of the OS string.");
pub static HINFO_OS: FieldDef = FieldDef::new("dns.hinfo.os", "OS", FieldType::String)
    .desc("The host's operating system.");
pub static NAPTR_ORDER: FieldDef = FieldDef::new("dns.naptr.order", "Order", FieldType::U16)
    .desc("Order in which NAPTR records must be processed, lowest first (RFC 3403).");
pub static NAPTR_PREFERENCE: FieldDef = FieldDef::new("dns.naptr.preference", "Preference", FieldType::U16)
    .desc("Preference among records of equal order, lowest first.");
pub static NAPTR_FLAGS_LEN: FieldDef = FieldDef::new("dns.naptr.flags_length", "Flags Length", FieldType::U8)
    .desc("Length of the flags string.");
pub static NAPTR_FLAGS: FieldDef = FieldDef::new("dns.naptr.flags", "Flags", FieldType::String)
    .desc("Flags controlling the rewriting, such as S, A, U or P.");
pub static NAPTR_SERVICE_LEN: FieldDef =
    FieldDef::new("dns.naptr.service_length", "Service Length", FieldType::U8).desc("Length of the service string.");
pub static NAPTR_SERVICE: FieldDef = FieldDef::new("dns.naptr.service", "Service", FieldType::String)
    .desc("Service and protocol the rule leads to.");
pub static NAPTR_REGEX_LEN: FieldDef = FieldDef::new("dns.naptr.regex_length", "Regex Length", FieldType::U8)
    .desc("Length of the regular expression.");
pub static NAPTR_REGEX: FieldDef = FieldDef::new("dns.naptr.regex", "Regex", FieldType::String)
    .desc("Substitution expression applied to the query string.");
pub static NAPTR_REPLACEMENT_LEN: FieldDef =
    FieldDef::new("dns.naptr.replacement_length", "Replacement Length", FieldType::U8)
        .desc("Length of the replacement name.");
pub static NAPTR_REPLACEMENT: FieldDef = FieldDef::new("dns.naptr.replacement", "Replacement", FieldType::String)
    .desc("Next name to look up when no regular expression is used.");
pub static CAA_FLAGS: FieldDef = FieldDef::new("dns.caa.flags", "CAA Flags", FieldType::U8).base(Base::Hex)
    .desc("Flags of the CAA record (RFC 8659 section 4.1).");
pub static CAA_CRITICAL: FieldDef =
    FieldDef::new("dns.caa.flags.issuer_critical", "Issuer Critical", FieldType::Bool)
        .bit(8, 0x80)
        .strings(&[(1, "Critical"), (0, "Not critical")])
        .desc("Critical: a CA that does not understand the tag must not issue.");
pub static CAA_ISSUE: FieldDef = FieldDef::new("dns.caa.issue", "Issue", FieldType::String)
    .desc("A CA allowed to issue certificates for the domain.");
pub static CAA_ISSUEWILD: FieldDef = FieldDef::new("dns.caa.issuewild", "Issue Wildcard", FieldType::String)
    .desc("A CA allowed to issue wildcard certificates.");
pub static CAA_IODEF: FieldDef = FieldDef::new("dns.caa.iodef", "Report URL", FieldType::String)
    .desc("Where CAs report requests that violate the policy.");
pub static CAA_UNKNOWN: FieldDef = FieldDef::new("dns.caa.unknown", "Unknown tag", FieldType::String)
    .desc("Value of a tag this dissector does not know.");
pub static CAA_TAG_LEN: FieldDef = FieldDef::new("dns.caa.tag_length", "Tag length", FieldType::U8)
    .desc("Length of the tag.");
pub static CAA_TAG: FieldDef = FieldDef::new("dns.caa.tag", "Tag", FieldType::String)
    .desc("Property tag: issue, issuewild or iodef.");
pub static CAA_VALUE: FieldDef = FieldDef::new("dns.caa.value", "Value", FieldType::String)
    .desc("Value of the property.");

pub static FIELDS: &[Field] = &[
    &HINFO_CPU_LEN, &HINFO_CPU, &HINFO_OS_LEN, &HINFO_OS, &NAPTR_ORDER, &NAPTR_PREFERENCE, &NAPTR_FLAGS_LEN,
    &NAPTR_FLAGS, &NAPTR_SERVICE_LEN, &NAPTR_SERVICE, &NAPTR_REGEX_LEN, &NAPTR_REGEX, &NAPTR_REPLACEMENT_LEN,
    &NAPTR_REPLACEMENT, &CAA_FLAGS, &CAA_CRITICAL, &CAA_ISSUE, &CAA_ISSUEWILD, &CAA_IODEF, &CAA_UNKNOWN,
    &CAA_TAG_LEN, &CAA_TAG, &CAA_VALUE,
];

/// A length byte at `p` as an item of `len_field`, then that many bytes as
/// a string item of `field`; returns the text and the offset after it.
fn counted(cx: &mut Ctx, b: &Buf, p: usize, len_field: Field, field: Field) -> DResult<(String, usize)> {
    let n = cx.uint(len_field, b, p)? as usize;
    let text = escape(b.bytes(p + 1, n)?);
    cx.tree().add(field, b.range(p + 1, n), Value::str(text.as_str()));
    Ok((text, p + 1 + n))
}

/// HINFO: the host's CPU and operating system; returns the label's ending.
pub fn hinfo(cx: &mut Ctx, b: &Buf, off: usize) -> DResult<String> {
    let (cpu, p) = counted(cx, b, off, &HINFO_CPU_LEN, &HINFO_CPU)?;
    let (os, _) = counted(cx, b, p, &HINFO_OS_LEN, &HINFO_OS)?;
    info(cx, format_args!(" {cpu} {os}"));
    Ok(format!("CPU {cpu}, OS {os}"))
}

/// NAPTR: a rewrite rule (RFC 3403); returns the label's ending.
pub fn naptr(cx: &mut Ctx, b: &Buf, off: usize) -> DResult<String> {
    let order = cx.uint(&NAPTR_ORDER, b, off)?;
    let preference = cx.uint(&NAPTR_PREFERENCE, b, off + 2)?;
    let (flags, p) = counted(cx, b, off + 4, &NAPTR_FLAGS_LEN, &NAPTR_FLAGS)?;
    let (_, p) = counted(cx, b, p, &NAPTR_SERVICE_LEN, &NAPTR_SERVICE)?;
    let (_, p) = counted(cx, b, p, &NAPTR_REGEX_LEN, &NAPTR_REGEX)?;
    let n = read_name(b, p)?;
    let t = cx.tree();
    t.generated(&NAPTR_REPLACEMENT_LEN, b.range(p, 0), Value::UInt(n.name_len as u64));
    t.add(&NAPTR_REPLACEMENT, b.range(p, n.wire_len), Value::str(n.text.as_str()));
    info(cx, format_args!(" {order} {preference} {flags}"));
    Ok(format!("order {order}, preference {preference}, flags {flags}"))
}

/// Whether a CAA tag selects `word`: Wireshark compares only the tag's own
/// length (`strncmp(tag, word, tag_len)`), so a prefix of the word does too.
fn tag_is(tag: &[u8], word: &str) -> bool {
    tag.len() <= word.len() && word.as_bytes().starts_with(tag)
}

/// CAA: which certificate authorities may issue for the name (RFC 8659).
pub fn caa(cx: &mut Ctx, b: &Buf, off: usize, len: usize) -> DResult<()> {
    let flags = b.u8(off)?;
    let r = b.range(off, 1);
    let t = cx.tree();
    t.open(&CAA_FLAGS, r.clone(), Value::UInt(flags as u64));
    t.add(&CAA_CRITICAL, r, Value::Bool(flags & 0x80 != 0));
    t.close();
    let tag_len = b.u8(off + 1)? as usize;
    let tag = b.bytes(off + 2, tag_len)?;
    let value_len = len.checked_sub(tag_len + 2).ok_or(crate::dissect::DissectError::Malformed)?;
    let value = escape(b.bytes(off + 2 + tag_len, value_len)?);
    let f = if tag_is(tag, "issue") {
        &CAA_ISSUE
    } else if tag_is(tag, "issuewild") {
        &CAA_ISSUEWILD
    } else if tag_is(tag, "iodef") {
        &CAA_IODEF
    } else {
        &CAA_UNKNOWN
    };
    let t = cx.tree();
    t.open(f, b.range(off + 1, 1 + tag_len + value_len), Value::str(value.as_str()));
    t.add(&CAA_TAG_LEN, b.range(off + 1, 1), Value::UInt(tag_len as u64));
    t.add(&CAA_TAG, b.range(off + 2, tag_len), Value::str(escape(tag)));
    t.add(&CAA_VALUE, b.range(off + 2 + tag_len, value_len), Value::str(value));
    t.close();
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn caa_tags_compare_like_strncmp() {
        assert!(tag_is(b"issue", "issue"));
        assert!(tag_is(b"iss", "issue"));
        assert!(!tag_is(b"issuewild", "issue"));
        assert!(tag_is(b"issuewild", "issuewild"));
        assert!(!tag_is(b"tbs", "iodef"));
    }
}
