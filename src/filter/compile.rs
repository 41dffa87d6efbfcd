//! The type checker: resolves names against the field registry, reads each
//! literal as the type of the field it is compared with, and produces the
//! program `eval` runs.

use std::borrow::Cow;
use std::net::{Ipv4Addr, Ipv6Addr};

use regex::bytes::RegexBuilder;

use super::ast::{CmpOp, Expr, Operand, OperandKind};
use super::eval::{Prog, Rhs, Src, Step, V};
use super::suggest::{or_list, similar};
use super::FilterError;
use crate::field::{self, Field, FieldType};

/// What a value is, for choosing how to read literals and which operators apply.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Kind {
    Int(FieldType),
    Bool,
    Double,
    V4,
    V6,
    Ether,
    Bytes,
    Str,
    AbsTime,
    RelTime,
    /// An item with no value (`FT_NONE`): presence only.
    Label,
}

fn kind_of(t: FieldType) -> Kind {
    match t {
        FieldType::U8 | FieldType::U16 | FieldType::U24 | FieldType::U32 | FieldType::U64 | FieldType::I32 | FieldType::FrameNum => {
            Kind::Int(t)
        }
        FieldType::Bool => Kind::Bool,
        FieldType::Double => Kind::Double,
        FieldType::Ipv4 => Kind::V4,
        FieldType::Ipv6 => Kind::V6,
        FieldType::Ether => Kind::Ether,
        FieldType::Bytes | FieldType::Protocol => Kind::Bytes,
        FieldType::String => Kind::Str,
        FieldType::AbsTime => Kind::AbsTime,
        FieldType::RelTime => Kind::RelTime,
        FieldType::None => Kind::Label,
    }
}

/// How an error message names a kind: "ip.src is an IPv4 address".
fn describe(k: Kind) -> &'static str {
    match k {
        Kind::Int(FieldType::U8) => "an unsigned 8-bit integer",
        Kind::Int(FieldType::U16) => "an unsigned 16-bit integer",
        Kind::Int(FieldType::U24) => "an unsigned 24-bit integer",
        Kind::Int(FieldType::U32) => "an unsigned 32-bit integer",
        Kind::Int(FieldType::U64) => "an unsigned 64-bit integer",
        Kind::Int(FieldType::I32) => "a signed 32-bit integer",
        Kind::Int(FieldType::FrameNum) => "a frame number",
        Kind::Int(_) => "an integer",
        Kind::Bool => "a boolean (1/0, True/False)",
        Kind::Double => "a floating-point number",
        Kind::V4 => "an IPv4 address",
        Kind::V6 => "an IPv6 address",
        Kind::Ether => "an Ethernet (MAC) address",
        Kind::Bytes => "a byte sequence",
        Kind::Str => "a character string",
        Kind::AbsTime => "an absolute time",
        Kind::RelTime => "a relative time in seconds",
        Kind::Label => "a label with no value",
    }
}

fn is_bytes_like(k: Kind) -> bool {
    matches!(k, Kind::Bytes | Kind::Str | Kind::Ether)
}

/// Whether two field values can be compared with each other.
fn compatible(a: Kind, b: Kind) -> bool {
    let class = |k: Kind| match k {
        Kind::Int(_) | Kind::Bool => 0,
        Kind::Bytes | Kind::Str | Kind::Ether => 1,
        Kind::Double => 2,
        Kind::V4 => 3,
        Kind::V6 => 4,
        Kind::AbsTime => 5,
        Kind::RelTime => 6,
        Kind::Label => 7,
    };
    a != Kind::Label && class(a) == class(b)
}

pub struct Checker {
    pub fields: Vec<Field>,
}

impl Checker {
    pub fn expr(&mut self, e: &Expr) -> Result<Prog, FilterError> {
        Ok(match e {
            Expr::Or(a, b) => Prog::Or(Box::new(self.expr(a)?), Box::new(self.expr(b)?)),
            Expr::Xor(a, b) => Prog::Xor(Box::new(self.expr(a)?), Box::new(self.expr(b)?)),
            Expr::And(a, b) => Prog::And(Box::new(self.expr(a)?), Box::new(self.expr(b)?)),
            Expr::Not(a) => Prog::Not(Box::new(self.expr(a)?)),
            Expr::Test(o) => Prog::Exists(self.src(o, None)?.0),
            Expr::Cmp(l, op, op_span, r) => self.cmp(l, *op, op_span.clone(), r)?,
            Expr::In(l, neg, items) => {
                let (src, kind) = self.src(l, Some("in"))?;
                let mut set = Vec::new();
                for it in items {
                    let lo = self.literal(&it.lo, kind, l, src.field)?;
                    let hi = match &it.hi {
                        Some(h) => Some(self.literal(h, kind, l, src.field)?),
                        None => None,
                    };
                    set.push((lo, hi));
                }
                let p = Prog::In(src, set);
                if *neg {
                    Prog::Not(Box::new(p))
                } else {
                    p
                }
            }
        })
    }

    fn cmp(&mut self, l: &Operand, op: CmpOp, op_span: std::ops::Range<usize>, r: &Operand) -> Result<Prog, FilterError> {
        let (src, kind) = self.src(l, Some(op.symbol()))?;
        let bad_op = |why: &str| FilterError::new(op_span.clone(), format!("{l} is {}: {why}", describe(kind)));
        match op {
            CmpOp::Matches | CmpOp::Contains if !is_bytes_like(kind) => {
                return Err(bad_op(&format!(
                    "\"{}\" works on strings, byte fields and protocols only",
                    op.symbol()
                )))
            }
            CmpOp::BitAnd if !matches!(kind, Kind::Int(_) | Kind::Bool) => {
                return Err(bad_op("\"&\" (bitwise and) works on integer fields only"))
            }
            _ => {}
        }
        if op == CmpOp::Matches {
            let OperandKind::Str(pat) = &r.kind else {
                return Err(FilterError::new(
                    r.span.clone(),
                    "\"matches\" needs a quoted regular expression, as in http.host matches \"(?i)example\"",
                ));
            };
            let pat = String::from_utf8_lossy(pat);
            let re = RegexBuilder::new(&pat).unicode(false).size_limit(1 << 22).build().map_err(|e| {
                let detail = e.to_string();
                let last = detail.lines().rev().find(|s| !s.trim().is_empty()).unwrap_or("invalid").trim().to_string();
                FilterError::new(r.span.clone(), format!("Invalid regular expression: {last}"))
            })?;
            return Ok(Prog::Matches(src, re));
        }
        // The right side is a field when it names one whose values compare
        // with the left side's; otherwise it is read as a literal.
        let rfield = match &r.kind {
            OperandKind::Word(w) => field::lookup(w).is_some(),
            OperandKind::Slice(..) | OperandKind::Call(..) => true,
            _ => false,
        };
        if rfield {
            let literal = match &r.kind {
                OperandKind::Word(_) => self.literal(r, kind, l, src.field).ok(),
                _ => None,
            };
            let before = self.fields.len();
            let (rsrc, rkind) = self.src(r, Some(op.symbol()))?;
            let fits = compatible(kind, rkind) || (op == CmpOp::Contains && is_bytes_like(rkind));
            match (fits, literal) {
                (true, _) => return Ok(Prog::Cmp(src, op, Rhs::Field(rsrc))),
                (false, Some(v)) => {
                    self.fields.truncate(before);
                    return Ok(Prog::Cmp(src, op, Rhs::Const(v)));
                }
                (false, None) => {
                    return Err(FilterError::new(
                        r.span.clone(),
                        format!("{l} is {} and {r} is {}: they cannot be compared", describe(kind), describe(rkind)),
                    ))
                }
            }
        }
        let lit_kind = if op == CmpOp::Contains && kind == Kind::Ether { Kind::Bytes } else { kind };
        let v = self.literal(r, lit_kind, l, src.field)?;
        Ok(Prog::Cmp(src, op, Rhs::Const(v)))
    }

    /// Resolves an operand that must be a field (possibly sliced or passed
    /// through a function). `op` names the operator it is the left side of.
    fn src(&mut self, o: &Operand, op: Option<&str>) -> Result<(Src, Kind), FilterError> {
        match &o.kind {
            OperandKind::Word(w) => match field::lookup(w) {
                Some(f) => {
                    if !self.fields.iter().any(|g| field::same(g, f)) {
                        self.fields.push(f);
                    }
                    Ok((Src { field: f, steps: Vec::new() }, kind_of(f.ftype)))
                }
                None => Err(unknown_field(w, o.span.clone(), op)),
            },
            OperandKind::Str(_) | OperandKind::Char(_) => {
                let msg = match op {
                    Some(op) => format!("The left side of \"{op}\" must be a field, a protocol or a function, not the value {o}"),
                    None => format!("{o} is a value, not a test: compare a field with it, as in http.host == {o}"),
                };
                Err(FilterError::new(o.span.clone(), msg))
            }
            OperandKind::Slice(base, ranges) => {
                let (mut s, k) = self.src(base, op)?;
                if !matches!(k, Kind::Bytes | Kind::Str | Kind::Ether | Kind::V4 | Kind::V6) {
                    return Err(FilterError::new(
                        o.span.clone(),
                        format!("{base} is {}: only byte fields, strings, addresses and protocols can be sliced", describe(k)),
                    ));
                }
                s.steps.push(Step::Slice(ranges.clone()));
                Ok((s, Kind::Bytes))
            }
            OperandKind::Call(name, arg) => {
                let name_span = o.span.start..o.span.start + name.len();
                let (mut s, k) = self.src(arg, op)?;
                match name.as_str() {
                    "len" => {
                        s.steps.push(Step::Len);
                        Ok((s, Kind::Int(FieldType::U32)))
                    }
                    "lower" | "upper" => {
                        if !matches!(k, Kind::Str) {
                            return Err(FilterError::new(
                                o.span.clone(),
                                format!("{name}() works on strings; {arg} is {}", describe(k)),
                            ));
                        }
                        s.steps.push(if name == "lower" { Step::Lower } else { Step::Upper });
                        Ok((s, Kind::Str))
                    }
                    _ => Err(FilterError::new(
                        name_span,
                        format!("\"{name}\" is not a function: the functions are len(), lower() and upper()"),
                    )),
                }
            }
        }
    }

    /// Reads literal `o` as a value of `kind`, the type of `lhs` (field `f`).
    fn literal(&self, o: &Operand, kind: Kind, lhs: &Operand, f: Field) -> Result<V<'static>, FilterError> {
        let span = o.span.clone();
        let err = |what: &str| FilterError::new(span.clone(), format!("{o} is not {what}: {lhs} is {}", describe(kind)));
        if kind == Kind::Label {
            return Err(FilterError::new(
                lhs.span.clone(),
                format!("{lhs} is a label with no value: it can only be tested for presence, as in \"{lhs}\" alone"),
            ));
        }
        let text: Cow<str> = match &o.kind {
            OperandKind::Word(w) => Cow::Borrowed(w.as_str()),
            OperandKind::Str(s) => String::from_utf8_lossy(s),
            OperandKind::Char(c) => {
                return match kind {
                    Kind::Int(_) | Kind::Bool => Ok(V::Num(*c as i128)),
                    Kind::Bytes if *c <= 0xff => Ok(V::Bytes(Cow::Owned(vec![*c as u8]))),
                    Kind::Bytes | Kind::Str => {
                        let ch = char::from_u32(*c).unwrap_or('\u{fffd}');
                        Ok(V::Bytes(Cow::Owned(ch.to_string().into_bytes())))
                    }
                    _ => Err(err("valid here (a character constant)")),
                };
            }
            OperandKind::Slice(..) | OperandKind::Call(..) => return Err(err("a value")),
        };
        let quoted = matches!(o.kind, OperandKind::Str(_));
        match kind {
            Kind::Int(t) => {
                let named = f.strings.filter(|_| f.ftype != FieldType::Bool).and_then(|vs| {
                    vs.iter().find(|(_, s)| s.eq_ignore_ascii_case(&text)).map(|(k, _)| V::Num(*k as i128))
                });
                if let Some(v) = named {
                    return Ok(v);
                }
                if quoted {
                    return Err(err("a number (numbers are written without quotes)"));
                }
                let n = parse_int(&text).ok_or_else(|| {
                    let near = similar(&text);
                    if text.contains('.') && !near.is_empty() {
                        FilterError::new(
                            span.clone(),
                            format!("{o} is neither a number nor a field: did you mean {}?", or_list(&near)),
                        )
                    } else {
                        err("a valid number")
                    }
                })?;
                int_in_range(n, t).map(V::Num).map_err(|max| {
                    FilterError::new(span.clone(), format!("{o} is too big for {lhs}, whose maximum is {max}"))
                })
            }
            Kind::Bool => match text.as_ref() {
                t if t.eq_ignore_ascii_case("true") => Ok(V::Num(1)),
                t if t.eq_ignore_ascii_case("false") => Ok(V::Num(0)),
                t => match parse_int(t) {
                    Some(n) if !quoted => Ok(V::Num((n != 0) as i128)),
                    _ => Err(err("a boolean (use 1 or 0, True or False)")),
                },
            },
            Kind::Double => text.parse::<f64>().ok().filter(|_| !quoted).map(V::F).ok_or_else(|| err("a valid number")),
            Kind::RelTime => parse_secs(&text).map(V::Time).ok_or_else(|| err("a time in seconds, such as 0.5")),
            Kind::AbsTime => parse_abs_time(&text)
                .map(V::Time)
                .ok_or_else(|| err("a time such as \"2024-03-07 21:42:06\" or \"Mar  7, 2024 21:42:06\" (UTC)")),
            Kind::V4 => {
                let (addr, bits) = split_cidr(&text);
                let a: Ipv4Addr = addr.parse().map_err(|_| err("a valid IPv4 address"))?;
                let bits = cidr_bits(bits, 32, &span, "IPv4")?;
                Ok(V::V4(u32::from(a), bits))
            }
            Kind::V6 => {
                let (addr, bits) = split_cidr(&text);
                let a: Ipv6Addr = addr.parse().map_err(|_| err("a valid IPv6 address"))?;
                let bits = cidr_bits(bits, 128, &span, "IPv6")?;
                Ok(V::V6(u128::from(a), bits))
            }
            Kind::Ether => match parse_bytes(&text) {
                Some(b) if b.len() == 6 && !quoted => Ok(V::Bytes(Cow::Owned(b))),
                _ => Err(err("a valid MAC address (six bytes such as 00:11:22:33:44:55)")),
            },
            Kind::Bytes => match &o.kind {
                OperandKind::Str(s) => Ok(V::Bytes(Cow::Owned(s.clone()))),
                _ => parse_bytes(&text)
                    .map(|b| V::Bytes(Cow::Owned(b)))
                    .ok_or_else(|| err("a valid byte string (such as 47:45:54 or \"GET\")")),
            },
            Kind::Str => match &o.kind {
                OperandKind::Str(s) => Ok(V::Bytes(Cow::Owned(s.clone()))),
                _ => Ok(V::Bytes(Cow::Owned(text.as_bytes().to_vec()))),
            },
            Kind::Label => Err(err("valid here")),
        }
    }
}

fn unknown_field(w: &str, span: std::ops::Range<usize>, op: Option<&str>) -> FilterError {
    let near = similar(w);
    let looks_like_value = w.starts_with(|c: char| c.is_ascii_digit() || c == '-');
    let mut msg = if looks_like_value {
        match op {
            Some(op) => format!("The left side of \"{op}\" must be a field, a protocol or a function, not the value {w}"),
            None => format!("\"{w}\" is a value, not a test: compare a field with it, as in tcp.port == {w}"),
        }
    } else {
        format!("\"{w}\" is not a valid protocol or protocol field")
    };
    if !near.is_empty() && !looks_like_value {
        msg.push_str(&format!("; did you mean {}?", or_list(&near)));
    } else if !looks_like_value {
        msg.push_str(" (wirelens --list-fields lists them)");
    }
    FilterError::new(span, msg)
}

/// Decimal, `0x` hex, `0b` binary or leading-zero octal, with an optional
/// minus sign.
fn parse_int(s: &str) -> Option<i128> {
    let (neg, body) = match s.strip_prefix('-') {
        Some(b) => (true, b),
        None => (false, s),
    };
    let v = if let Some(h) = body.strip_prefix("0x").or_else(|| body.strip_prefix("0X")) {
        u64::from_str_radix(h, 16).ok()?
    } else if let Some(b) = body.strip_prefix("0b").or_else(|| body.strip_prefix("0B")) {
        u64::from_str_radix(b, 2).ok()?
    } else if body.len() > 1 && body.starts_with('0') {
        u64::from_str_radix(&body[1..], 8).ok()?
    } else {
        body.parse::<u64>().ok()?
    };
    if !body.starts_with(|c: char| c.is_ascii_digit()) {
        return None;
    }
    Some(if neg { -(v as i128) } else { v as i128 })
}

/// Checks that `n` fits type `t`; the error carries the type's maximum. A
/// negative number for an unsigned field wraps as in Wireshark, so that it
/// never matches rather than failing.
fn int_in_range(n: i128, t: FieldType) -> Result<i128, u64> {
    let max: u64 = match t {
        FieldType::U8 => 0xff,
        FieldType::U16 => 0xffff,
        FieldType::U24 => 0xff_ffff,
        FieldType::U32 | FieldType::FrameNum => 0xffff_ffff,
        FieldType::I32 => i32::MAX as u64,
        _ => u64::MAX,
    };
    if t == FieldType::I32 {
        return if n < i32::MIN as i128 || n > i32::MAX as i128 { Err(max) } else { Ok(n) };
    }
    if n < 0 {
        return Ok((n as i64 as u64) as i128);
    }
    if n > max as i128 {
        Err(max)
    } else {
        Ok(n)
    }
}

fn split_cidr(s: &str) -> (&str, Option<&str>) {
    match s.split_once('/') {
        Some((a, b)) => (a, Some(b)),
        None => (s, None),
    }
}

fn cidr_bits(bits: Option<&str>, max: u8, span: &std::ops::Range<usize>, fam: &str) -> Result<u8, FilterError> {
    match bits {
        None => Ok(max),
        Some(b) => match b.parse::<u8>() {
            Ok(n) if n <= max => Ok(n),
            _ => Err(FilterError::new(
                span.clone(),
                format!("Netmask bits in a CIDR {fam} address should be a number from 0 to {max}, not {b}"),
            )),
        },
    }
}

/// `47:45:54`, `47-45-54`, `47.45.54`, `0x47` or a single `47`.
fn parse_bytes(s: &str) -> Option<Vec<u8>> {
    if let Some(h) = s.strip_prefix("0x") {
        return (h.len() <= 2).then(|| u8::from_str_radix(h, 16).ok()).flatten().map(|b| vec![b]);
    }
    let sep = s.chars().find(|c| matches!(c, ':' | '-' | '.'));
    let parts: Vec<&str> = match sep {
        Some(c) => s.split(c).collect(),
        None => vec![s],
    };
    // Cisco-style MACs (0011.2233.4455) group two bytes per part.
    if sep == Some('.') && parts.len() == 3 && parts.iter().all(|p| p.len() == 4) {
        let joined: String = parts.concat();
        return (0..6).map(|i| u8::from_str_radix(joined.get(i * 2..i * 2 + 2)?, 16).ok()).collect();
    }
    parts
        .iter()
        .map(|p| {
            if p.is_empty() || p.len() > 2 {
                None
            } else {
                u8::from_str_radix(p, 16).ok()
            }
        })
        .collect()
}

/// `1.5`, `-0.25`, `3` seconds as nanoseconds, without float rounding.
fn parse_secs(s: &str) -> Option<i128> {
    let (neg, body) = match s.strip_prefix('-') {
        Some(b) => (true, b),
        None => (false, s),
    };
    let (int, frac) = body.split_once('.').unwrap_or((body, ""));
    if (int.is_empty() && frac.is_empty()) || !int.chars().all(|c| c.is_ascii_digit()) || !frac.chars().all(|c| c.is_ascii_digit()) {
        return None;
    }
    let whole: i128 = if int.is_empty() { 0 } else { int.parse().ok()? };
    let mut ns: i128 = 0;
    for (i, c) in frac.chars().take(9).enumerate() {
        ns += (c as i128 - '0' as i128) * 10i128.pow(8 - i as u32);
    }
    let v = whole.checked_mul(1_000_000_000)?.checked_add(ns)?;
    Some(if neg { -v } else { v })
}

/// `2024-03-07 21:42:06[.frac]` (or with `T`), or Wireshark's own
/// `Mar  7, 2024 21:42:06[.frac]`; an optional `UTC`/`Z`. Times are UTC.
fn parse_abs_time(s: &str) -> Option<i128> {
    const MONTHS: [&str; 12] = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"];
    let s = s.trim();
    let s = s.strip_suffix("UTC").or_else(|| s.strip_suffix('Z')).unwrap_or(s).trim();
    let (date, time) = match s.rsplit_once([' ', 'T']) {
        Some((d, t)) if t.contains(':') => (d.trim(), t),
        _ => (s, "00:00:00"),
    };
    let (y, m, d) = if let Some(mon) = MONTHS.iter().position(|m| date.len() >= 3 && date[..3].eq_ignore_ascii_case(m)) {
        let rest = date.get(3..)?.trim();
        let (day, year) = rest.split_once(',')?;
        (year.trim().parse::<i64>().ok()?, mon as i64 + 1, day.trim().parse::<i64>().ok()?)
    } else {
        let mut it = date.splitn(3, '-');
        (it.next()?.parse().ok()?, it.next()?.parse().ok()?, it.next()?.parse().ok()?)
    };
    if !(1..=12).contains(&m) || !(1..=31).contains(&d) {
        return None;
    }
    let mut hms = time.splitn(3, ':');
    let hh: i64 = hms.next()?.parse().ok()?;
    let mm: i64 = hms.next()?.parse().ok()?;
    let sec = parse_secs(hms.next().unwrap_or("0"))?;
    if hh > 23 || mm > 59 || !(0..61_000_000_000).contains(&sec) {
        return None;
    }
    let days = days_from_civil(y, m, d);
    Some((days as i128 * 86_400 + hh as i128 * 3600 + mm as i128 * 60) * 1_000_000_000 + sec)
}

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant).
fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn integers_in_every_base() {
        assert_eq!(parse_int("136"), Some(136));
        assert_eq!(parse_int("0x88"), Some(136));
        assert_eq!(parse_int("0210"), Some(136));
        assert_eq!(parse_int("0b10001000"), Some(136));
        assert_eq!(parse_int("-1"), Some(-1));
        assert_eq!(parse_int("0"), Some(0));
        assert_eq!(parse_int("08"), None);
        assert_eq!(parse_int("x1"), None);
        assert_eq!(parse_int("-"), None);
        assert_eq!(int_in_range(70000, FieldType::U16), Err(65535));
        assert_eq!(int_in_range(-1, FieldType::U16), Ok(u64::MAX as i128));
    }

    #[test]
    fn bytes_times_and_dates() {
        assert_eq!(parse_bytes("47:45:54"), Some(vec![0x47, 0x45, 0x54]));
        assert_eq!(parse_bytes("47-45"), Some(vec![0x47, 0x45]));
        assert_eq!(parse_bytes("0011.2233.4455"), Some(vec![0, 0x11, 0x22, 0x33, 0x44, 0x55]));
        assert_eq!(parse_bytes("ff"), Some(vec![0xff]));
        assert_eq!(parse_bytes("0x0a"), Some(vec![10]));
        assert_eq!(parse_bytes("141"), None);
        assert_eq!(parse_bytes("g0"), None);
        assert_eq!(parse_secs("1.5"), Some(1_500_000_000));
        assert_eq!(parse_secs("-0.000000001"), Some(-1));
        assert_eq!(parse_secs("."), None);
        let t = 1362692526i128 * 1_000_000_000;
        assert_eq!(parse_abs_time("2013-03-07 21:42:06"), Some(t));
        assert_eq!(parse_abs_time("Mar  7, 2013 21:42:06.5 UTC"), Some(t + 500_000_000));
        assert_eq!(parse_abs_time("2013-03-07T21:42:06Z"), Some(t));
        assert_eq!(parse_abs_time("2013-13-07 21:42:06"), None);
        assert_eq!(days_from_civil(1970, 1, 1), 0);
    }
}
