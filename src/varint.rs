//! LEB128 varints, and zigzag for signed numbers: the encoding of the
//! inspector's per-packet records (brief records, TCP segment records),
//! whose numbers are mostly small.

pub fn put(out: &mut Vec<u8>, mut x: u64) {
    while x >= 0x80 {
        out.push(x as u8 | 0x80);
        x >>= 7;
    }
    out.push(x as u8);
}

/// The varint at the start of `rd`, which then starts after it; None if
/// `rd` ends first or the number runs past 64 bits.
pub fn get(rd: &mut &[u8]) -> Option<u64> {
    let mut x = 0u64;
    for shift in (0..64).step_by(7) {
        let (&b, rest) = rd.split_first()?;
        *rd = rest;
        x |= ((b & 0x7f) as u64) << shift;
        if b & 0x80 == 0 {
            return Some(x);
        }
    }
    None
}

/// Small negative numbers as small unsigned ones.
pub fn zigzag(x: i64) -> u64 {
    ((x << 1) ^ (x >> 63)) as u64
}

pub fn unzigzag(z: u64) -> i64 {
    (z >> 1) as i64 ^ -((z & 1) as i64)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_round_trip() {
        for x in [0, 1, 127, 128, 300, u32::MAX as u64, u64::MAX] {
            let mut v = Vec::new();
            put(&mut v, x);
            let mut r = &v[..];
            assert_eq!(get(&mut r), Some(x));
            assert!(r.is_empty());
        }
        for x in [0, -1, 1, -64, 64, i64::MIN, i64::MAX] {
            assert_eq!(unzigzag(zigzag(x)), x);
        }
        assert!(zigzag(-3) < 8);
        assert_eq!(get(&mut &[0x80u8, 0x80][..]), None);
    }
}
