//! Byte counts in Wireshark's SI style: `9999 bytes`, `10 kB`, `39 MB`.

/// `n` with an SI prefix once it reaches ten of that unit, truncated as
/// Wireshark's `format_size` does (integer division, no rounding).
pub fn format_size(n: u64) -> String {
    const PREFIXES: [(u64, &str); 4] =
        [(1_000_000_000_000, "T"), (1_000_000_000, "G"), (1_000_000, "M"), (1_000, "k")];
    for (power, prefix) in PREFIXES {
        if n / power >= 10 {
            return format!("{} {prefix}B", n / power);
        }
    }
    format!("{n} bytes")
}

#[cfg(test)]
mod tests {
    use super::format_size;

    #[test]
    fn thresholds_are_ten_units() {
        assert_eq!(format_size(0), "0 bytes");
        assert_eq!(format_size(9_999), "9999 bytes");
        assert_eq!(format_size(10_000), "10 kB");
        assert_eq!(format_size(39_370), "39 kB");
        assert_eq!(format_size(9_999_999), "9999 kB");
        assert_eq!(format_size(10_000_000), "10 MB");
        assert_eq!(format_size(12_345_678_901), "12 GB");
        assert_eq!(format_size(99_000_000_000_000), "99 TB");
    }
}
