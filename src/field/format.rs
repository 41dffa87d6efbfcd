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
                let w = f.ftype.hex_width();
                let _ = write!(out, "0x{n:0w$x}");
            }
            _ => {
                let _ = write!(out, "{n}");
            }
        },
        Value::Int(n) => {
            let _ = write!(out, "{n}");
        }
        Value::Double(d) => {
            let _ = write!(out, "{d}");
        }
        Value::Ipv4(a) => {
            let _ = write!(out, "{a}");
        }
        Value::Ipv6(a) => {
            let _ = write!(out, "{a}");
        }
        Value::Ether(m) => ether(m, out),
        Value::Bytes(b) => hex_bytes(b, out),
        Value::Str(s) => out.push_str(s),
        Value::AbsTime(t) => abs_time(*t, out),
        Value::RelTime(ns) => rel_time(*ns, out),
        Value::FrameNum(n) => {
            let _ = write!(out, "{n}");
        }
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
    if matches!(v, Value::None) && matches!(f.ftype, FieldType::None | FieldType::Protocol) {
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
            let num = match f.base {
                Base::Hex => format!("0x{:0w$x}", n, w = hex_digits(f)),
                Base::HexDec => format!("0x{:0w$x} ({n})", n, w = hex_digits(f)),
                Base::DecHex => format!("{n} (0x{:0w$x})", n, w = hex_digits(f)),
                _ => n.to_string(),
            };
            match f.value_string(*n) {
                Some(s) => {
                    let _ = write!(out, "{s} ({num})");
                }
                None => out.push_str(&num),
            }
        }
        Value::RelTime(ns) => {
            rel_time(*ns, &mut out);
            out.push_str(" seconds");
        }
        Value::Str(s) => out.push_str(s),
        Value::None if f.ftype == FieldType::Bytes => {
            let shown = &bytes[..bytes.len().min(24)];
            hex_bytes(shown, &mut out);
            if bytes.len() > 24 {
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

pub fn hex_bytes(b: &[u8], out: &mut String) {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    out.reserve(b.len() * 2);
    for x in b {
        out.push(HEX[(x >> 4) as usize] as char);
        out.push(HEX[(x & 15) as usize] as char);
    }
}

pub fn ether(m: &[u8; 6], out: &mut String) {
    let _ = write!(
        out,
        "{:02x}:{:02x}:{:02x}:{:02x}:{:02x}:{:02x}",
        m[0], m[1], m[2], m[3], m[4], m[5]
    );
}

/// Seconds with nine decimals, as Wireshark shows relative times.
pub fn rel_time(ns: i64, out: &mut String) {
    let sign = if ns < 0 { "-" } else { "" };
    let a = ns.unsigned_abs();
    let _ = write!(out, "{sign}{}.{:09}", a / 1_000_000_000, a % 1_000_000_000);
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


#[cfg(test)]
mod tests {
    use super::*;

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
    }
}
