use std::fmt::Write;

/// Offset, hex and ASCII, 16 bytes a line, as `tshark -x` prints them; the
/// offset takes four hex digits, more when the bytes need them (a body
/// of 64 KiB or more).
pub fn hexdump(bytes: &[u8], out: &mut String) {
    let last = bytes.len().saturating_sub(1) & !15;
    let digits = (usize::BITS - last.leading_zeros()).div_ceil(4).max(4) as usize;
    for (i, chunk) in bytes.chunks(16).enumerate() {
        let _ = write!(out, "{:0digits$x}  ", i * 16);
        for j in 0..16 {
            match chunk.get(j) {
                Some(b) => {
                    let _ = write!(out, "{b:02x} ");
                }
                None => out.push_str("   "),
            }
        }
        out.push_str("  ");
        for &b in chunk {
            out.push(if (0x20..0x7f).contains(&b) { b as char } else { '.' });
        }
        out.push('\n');
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn offsets_widen_past_64_kib() {
        let mut s = String::new();
        hexdump(&[0x41; 17], &mut s);
        assert_eq!(s.lines().nth(1), Some("0010  41                                                A"));
        s.clear();
        hexdump(&vec![0; 0x10001], &mut s);
        assert!(s.starts_with("00000  00 "));
        assert!(s.lines().last().is_some_and(|l| l.starts_with("10000  00 ")));
    }
}
