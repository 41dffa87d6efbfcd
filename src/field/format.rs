//! Text forms of values: tshark's `-T fields` form and the tree label.

use std::fmt::Write;

use super::{Base, FieldDef, FieldType, Timestamp, Value};

/// A value as `tshark -T fields -e` prints it. `bytes` is the item's own
/// byte range, used by byte-valued fields whose value is `Value::None`.
pub fn format_value(f: &FieldDef, v: &Value, bytes: &[u8], out: &mut String) {
    match v {
        Value::None => match f.ftype {
            FieldType::Bytes | FieldType::Protocol => hex_bytes(bytes, out),
            // tshark prints a present text-only (FT_NONE) field as 1.
            FieldType::None => out.push('1'),
            _ => {}
        },
        Value::Bool(b) => out.push(if *b { '1' } else { '0' }),
        Value::UInt(n) => match f.base {
            Base::Hex | Base::HexDec => {
                out.push_str("0x");
                push_hex(*n, f.ftype.hex_width(), out);
            }
            _ => push_u64(*n, out),
        },
        Value::Int(n) => {
            if *n < 0 {
                out.push('-');
            }
            push_u64(n.unsigned_abs(), out);
        }
        Value::Double(d) => {
            let _ = write!(out, "{d}");
        }
        Value::Ipv4(a) => push_ipv4(*a, out),
        Value::Ipv6(a) => {
            let _ = write!(out, "{a}");
        }
        Value::Ether(m) => ether(m, out),
        Value::Bytes(b) => hex_bytes(b, out),
        Value::Str(s) => out.push_str(s),
        Value::AbsTime(t) => abs_time(*t, out),
        Value::RelTime(ns) => rel_time(*ns, out),
        Value::FrameNum(n) => push_u64(*n as u64, out),
    }
}

/// The default tree label of an item: `Display: value`, with value strings
/// and the bit picture of masked fields as Wireshark draws them.
pub fn format_label(f: &FieldDef, v: &Value, bytes: &[u8]) -> String {
    let mut out = String::new();
    if f.mask != 0 {
        if let Some(raw) = v.as_u64() {
            bit_picture(f, raw, &mut out);
            out.push_str(" = ");
        }
    }
    out.push_str(f.display);
    if matches!(v, Value::None) && (matches!(f.ftype, FieldType::None | FieldType::Protocol) || f.in_name_only) {
        return out;
    }
    out.push_str(": ");
    match v {
        Value::Bool(b) => {
            let words = f.strings.unwrap_or(super::SET_NOTSET);
            let word = words.iter().find(|(k, _)| *k == *b as u64).map(|(_, s)| *s);
            out.push_str(word.unwrap_or(if *b { "True" } else { "False" }));
        }
        Value::UInt(n) => {
            if f.base == Base::Oui {
                crate::names::oui_label(*n as u32, &mut out);
                return out;
            }
            let num = match f.base {
                Base::Hex => format!("0x{:0w$x}", n, w = hex_digits(f)),
                Base::HexDec => format!("0x{:0w$x} ({n})", n, w = hex_digits(f)),
                Base::DecHex => format!("{n} (0x{:0w$x})", n, w = hex_digits(f)),
                _ => n.to_string(),
            };
            match f.value_string(*n) {
                // Wireshark's BASE_NONE with value strings: the word alone.
                Some(s) if f.base == Base::None => out.push_str(s),
                Some(s) => {
                    let _ = write!(out, "{s} ({num})");
                }
                // Wireshark names a value missing from the field's strings
                // "Unknown", with the number unless the base is none.
                None if f.strings.is_some() && f.base == Base::None => out.push_str("Unknown"),
                None if f.strings.is_some() => {
                    let _ = write!(out, "Unknown ({num})");
                }
                None => out.push_str(&num),
            }
        }
        Value::RelTime(ns) => {
            rel_time(*ns, &mut out);
            out.push_str(" seconds");
        }
        Value::Str(s) => out.push_str(s),
        Value::Ether(m) => crate::names::mac_label(m, &mut out),
        Value::None if f.ftype == FieldType::Bytes => {
            // Wireshark shows at most 36 bytes (72 hex digits) in a label.
            let shown = &bytes[..bytes.len().min(36)];
            hex_bytes(shown, &mut out);
            if bytes.len() > 36 {
                out.push('…');
            }
        }
        other => format_value(f, other, bytes, &mut out),
    }
    out
}

/// Hex digits used for a masked field: the width of the field's own bits.
fn hex_digits(f: &FieldDef) -> usize {
    if f.mask != 0 {
        let bits = 64 - (f.mask >> f.mask.trailing_zeros()).leading_zeros() as usize;
        bits.div_ceil(4).max(1)
    } else {
        f.ftype.hex_width()
    }
}

/// `.... ..1. = ` style picture of the bits `f.mask` covers, for a value
/// already shifted down to the mask's lowest bit.
fn bit_picture(f: &FieldDef, value: u64, out: &mut String) {
    let width = match f.ftype {
        FieldType::Bool if f.bits != 0 => f.bits as usize,
        FieldType::Bool => (64 - f.mask.leading_zeros() as usize).div_ceil(8).max(1) * 8,
        t => t.hex_width() * 4,
    };
    let shift = f.mask.trailing_zeros();
    let word = value << shift;
    for i in (0..width).rev() {
        let bit = 1u64 << i;
        if f.mask & bit != 0 {
            out.push(if word & bit != 0 { '1' } else { '0' });
        } else {
            out.push('.');
        }
        if i % 4 == 0 && i != 0 {
            out.push(' ');
        }
    }
}

const HEX: &[u8; 16] = b"0123456789abcdef";

pub fn hex_bytes(b: &[u8], out: &mut String) {
    out.reserve(b.len() * 2);
    for chunk in b.chunks(32) {
        let mut digits = [0u8; 64];
        for (d, x) in digits.chunks_exact_mut(2).zip(chunk) {
            d[0] = HEX[(x >> 4) as usize];
            d[1] = HEX[(x & 15) as usize];
        }
        push_ascii(&digits[..chunk.len() * 2], out);
    }
}

pub fn ether(m: &[u8; 6], out: &mut String) {
    let mut text = [b':'; 17];
    for (d, x) in text.chunks_mut(3).zip(m) {
        d[0] = HEX[(x >> 4) as usize];
        d[1] = HEX[(x & 15) as usize];
    }
    push_ascii(&text, out);
}

// The helpers below replace `write!` on the per-packet paths (summary lines,
// `-T fields`, addresses): the formatting machinery costs several times more
// than pushing the digits, and these run millions of times on a big capture.

/// Appends `n` in decimal.
pub fn push_u64(mut n: u64, out: &mut String) {
    // Two digits per division.
    const PAIRS: &[u8; 200] = b"0001020304050607080910111213141516171819\
        2021222324252627282930313233343536373839\
        4041424344454647484950515253545556575859\
        6061626364656667686970717273747576777879\
        8081828384858687888990919293949596979899";
    let mut buf = [0u8; 20];
    let mut i = buf.len();
    while n >= 100 {
        let p = (n % 100) as usize * 2;
        n /= 100;
        i -= 2;
        buf[i..i + 2].copy_from_slice(&PAIRS[p..p + 2]);
    }
    if n >= 10 {
        let p = n as usize * 2;
        i -= 2;
        buf[i..i + 2].copy_from_slice(&PAIRS[p..p + 2]);
    } else {
        i -= 1;
        buf[i] = b'0' + n as u8;
    }
    push_ascii(&buf[i..], out);
}

/// Appends bytes that are ASCII (digits, hex, punctuation), a character
/// each: a byte is its character, so no `unsafe` rests on every caller
/// staying right, and unlike `str::from_utf8` (a call and a loop: 3% of
/// a TLS summary run) a few digits cost a few stores.
fn push_ascii(b: &[u8], out: &mut String) {
    debug_assert!(b.is_ascii());
    out.extend(b.iter().map(|&c| char::from(c)));
}

/// How many decimal digits `n` has.
pub fn decimal_digits(n: u64) -> usize {
    n.checked_ilog10().map_or(1, |l| l as usize + 1)
}

/// Appends `n` in decimal with leading zeros up to `width` digits.
pub fn push_u64_zeros(n: u64, width: usize, out: &mut String) {
    const ZEROS: &str = "00000000000000000000";
    let pad = width.saturating_sub(decimal_digits(n));
    out.push_str(&ZEROS[..pad.min(ZEROS.len())]);
    for _ in ZEROS.len()..pad {
        out.push('0');
    }
    push_u64(n, out);
}

/// Appends `n` in lower-case hex with leading zeros up to `width` digits.
pub fn push_hex(n: u64, width: usize, out: &mut String) {
    let digits = (64 - n.leading_zeros() as usize).div_ceil(4).max(1);
    for _ in digits..width {
        out.push('0');
    }
    for i in (0..digits).rev() {
        out.push(HEX[(n >> (i * 4) & 15) as usize] as char);
    }
}

/// Appends a dotted-quad IPv4 address.
pub fn push_ipv4(a: std::net::Ipv4Addr, out: &mut String) {
    let mut text = [0u8; 15];
    let mut n = 0;
    for (i, &o) in a.octets().iter().enumerate() {
        if i > 0 {
            text[n] = b'.';
            n += 1;
        }
        if o >= 100 {
            text[n] = b'0' + o / 100;
            n += 1;
        }
        if o >= 10 {
            text[n] = b'0' + o / 10 % 10;
            n += 1;
        }
        text[n] = b'0' + o % 10;
        n += 1;
    }
    push_ascii(&text[..n], out);
}

/// Seconds with nine decimals, as Wireshark shows relative times.
pub fn rel_time(ns: i64, out: &mut String) {
    if ns < 0 {
        out.push('-');
    }
    let a = ns.unsigned_abs();
    push_u64(a / 1_000_000_000, out);
    out.push('.');
    push_u64_zeros(a % 1_000_000_000, 9, out);
}

/// `Mar  7, 2013 21:42:06.869344000 UTC`, Wireshark's absolute time (in UTC).
pub fn abs_time(t: Timestamp, out: &mut String) {
    const MONTHS: [&str; 12] =
        ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
    let (y, m, d, hh, mm, ss) = civil(t.secs);
    let _ = write!(
        out,
        "{} {:>2}, {} {:02}:{:02}:{:02}.{:09} UTC",
        MONTHS[(m - 1) as usize],
        d,
        y,
        hh,
        mm,
        ss,
        t.nanos
    );
}

/// Epoch seconds to (year, month, day, hour, minute, second) in UTC.
pub fn civil(secs: i64) -> (i64, u32, u32, u32, u32, u32) {
    let days = secs.div_euclid(86_400);
    let rem = secs.rem_euclid(86_400);
    // Howard Hinnant's days-to-civil algorithm.
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let y = yoe + era * 400 + (m <= 2) as i64;
    (y, m, d, (rem / 3600) as u32, (rem % 3600 / 60) as u32, (rem % 60) as u32)
}

/// The plural ending of a count, as Wireshark's `plurality()`: "" for one.
pub fn plural<N: TryInto<u64>>(n: N) -> &'static str {
    if n.try_into().is_ok_and(|n| n == 1) {
        ""
    } else {
        "s"
    }
}

/// Seconds as Wireshark words them: `52 minutes, 30 seconds`, `1 hour`.
pub fn duration(secs: u64, out: &mut String) {
    let start = out.len();
    let parts = [(secs / 86_400, "day"), (secs / 3600 % 24, "hour"), (secs / 60 % 60, "minute"), (secs % 60, "second")];
    for (n, unit) in parts.into_iter().filter(|(n, _)| *n > 0) {
        if out.len() > start {
            out.push_str(", ");
        }
        let _ = write!(out, "{n} {unit}{}", plural(n));
    }
    if secs == 0 {
        out.push_str("0 seconds");
    }
}

/// Standard base 64 with padding (RFC 4648 §4; what GLib's `g_base64_encode`
/// writes, and what the terminal's OSC 52 clipboard escape takes).
pub fn base64(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let word = chunk.iter().enumerate().fold(0u32, |w, (i, &c)| w | (c as u32) << (16 - 8 * i));
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(DIGITS[(word >> (18 - 6 * i) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hex_pushes_match_display() {
        let bytes: Vec<u8> = (0..=255).chain(0..70).collect();
        for n in [0, 1, 6, 31, 32, 33, 64, bytes.len()] {
            let mut s = String::from("x");
            hex_bytes(&bytes[..n], &mut s);
            let want: String = bytes[..n].iter().map(|b| format!("{b:02x}")).collect();
            assert_eq!(s, format!("x{want}"));
        }
        let mut s = String::new();
        ether(&[0, 0x1b, 0xa0, 0xff, 9, 0x10], &mut s);
        assert_eq!(s, "00:1b:a0:ff:09:10");
    }

    #[test]
    fn ipv4_pushes_match_display() {
        for a in [[0, 0, 0, 0], [127, 0, 0, 1], [255, 255, 255, 255], [10, 99, 100, 9], [192, 168, 1, 254]] {
            let a = std::net::Ipv4Addr::from(a);
            let mut s = String::from("x");
            push_ipv4(a, &mut s);
            assert_eq!(s, format!("x{a}"));
        }
    }

    #[test]
    fn decimal_pushes_match_display() {
        let edges = [0, 9, 10, 99, 100, 101, 999, 1000, 65535, u32::MAX as u64, u64::MAX];
        for n in edges.into_iter().chain((0..5000).map(|i| i * 7919)) {
            let mut s = String::from("x");
            push_u64(n, &mut s);
            assert_eq!(s, format!("x{n}"));
        }
    }

    #[test]
    fn absolute_time_matches_wireshark() {
        let mut s = String::new();
        abs_time(Timestamp { secs: 1362692526, nanos: 869344000 }, &mut s);
        assert_eq!(s, "Mar  7, 2013 21:42:06.869344000 UTC");
    }

    #[test]
    fn bit_pictures() {
        static SYN: FieldDef = FieldDef::new("t.syn", "Syn", FieldType::Bool).bit(12, 0x002);
        assert_eq!(format_label(&SYN, &Value::Bool(true), &[]), ".... .... ..1. = Syn: Set");
        static FLAGS: FieldDef =
            FieldDef::new("t.flags", "Flags", FieldType::U8).base(Base::Hex).mask(0xe0);
        assert_eq!(format_label(&FLAGS, &Value::UInt(2), &[]), "010. .... = Flags: 0x2");
        static OFF: FieldDef = FieldDef::new("t.off", "Fragment Offset", FieldType::U16).mask(0x1fff);
        assert_eq!(format_label(&OFF, &Value::UInt(0), &[]), "...0 0000 0000 0000 = Fragment Offset: 0");
    }

    #[test]
    fn numbers_in_fields_form() {
        static T: FieldDef = FieldDef::new("e.type", "Type", FieldType::U16).base(Base::Hex);
        let mut s = String::new();
        format_value(&T, &Value::UInt(0x800), &[], &mut s);
        assert_eq!(s, "0x0800");
        s.clear();
        rel_time(69_740_000, &mut s);
        assert_eq!(s, "0.069740000");
        s.clear();
        rel_time(-1_500_000_000, &mut s);
        assert_eq!(s, "-1.500000000");
    }

    #[test]
    fn durations_as_wireshark_words_them() {
        let text = |s| {
            let mut t = String::new();
            duration(s, &mut t);
            t
        };
        assert_eq!(text(0), "0 seconds");
        assert_eq!(text(3600), "1 hour");
        assert_eq!(text(259_200), "3 days");
        assert_eq!(text(90061), "1 day, 1 hour, 1 minute, 1 second");
    }

    #[test]
    fn hand_formatting_matches_write() {
        for n in [0u64, 1, 9, 10, 99, 100, 65_535, 1 << 32, u64::MAX] {
            let mut s = String::new();
            push_u64(n, &mut s);
            assert_eq!(s, n.to_string());
            for w in [0, 1, 4, 9, 20] {
                s.clear();
                push_u64_zeros(n, w, &mut s);
                assert_eq!(s, format!("{n:0w$}"));
                s.clear();
                push_hex(n, w, &mut s);
                assert_eq!(s, format!("{n:0w$x}"));
            }
        }
        for a in ["0.0.0.0", "127.0.0.1", "255.255.255.255", "10.200.3.45"] {
            let mut s = String::new();
            push_ipv4(a.parse().unwrap(), &mut s);
            assert_eq!(s, a);
        }
        let mut s = String::new();
        ether(&[0, 0x1b, 0xa9, 0xff, 0x0a, 0x10], &mut s);
        assert_eq!(s, "00:1b:a9:ff:0a:10");
        static I: FieldDef = FieldDef::new("t.i", "I", FieldType::I32);
        s.clear();
        format_value(&I, &Value::Int(-42), &[], &mut s);
        assert_eq!(s, "-42");
    }
}
