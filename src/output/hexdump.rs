use std::fmt::Write;

/// Offset, hex and ASCII, 16 bytes a line, as `tshark -x` prints them.
pub fn hexdump(bytes: &[u8], out: &mut String) {
    for (i, chunk) in bytes.chunks(16).enumerate() {
        let _ = write!(out, "{:04x}  ", i * 16);
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
