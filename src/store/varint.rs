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

/// A varint that must fit in 32 bits (frame numbers, lengths, offsets).
pub fn get_u32(rd: &mut &[u8]) -> Option<u32> {
    u32::try_from(get(rd)?).ok()
}

/// A signed number, zigzagged.
pub fn put_i64(out: &mut Vec<u8>, x: i64) {
    put(out, zigzag(x));
}

pub fn get_i64(rd: &mut &[u8]) -> Option<i64> {
    Some(unzigzag(get(rd)?))
}

/// `x` as its difference from `base` (the same field of the record before,
/// say), which is small when the two are close.
pub fn put_delta(out: &mut Vec<u8>, x: u32, base: u32) {
    put_i64(out, x as i64 - base as i64);
}

/// The number `put_delta` wrote against `base`; None if it is out of range.
pub fn get_delta(rd: &mut &[u8], base: u32) -> Option<u32> {
    u32::try_from(base as i64 + get_i64(rd)?).ok()
}

/// Steps over `n` varints without decoding them: each ends at a byte
/// without the continuation bit.
pub fn skip(rd: &mut &[u8], n: usize) -> Option<()> {
    let mut left = n;
    while left > 0 {
        let (&b, rest) = rd.split_first()?;
        *rd = rest;
        left -= (b & 0x80 == 0) as usize;
    }
    Some(())
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
        let mut v = Vec::new();
        for (x, base) in [(5, 7), (7, 5), (0, u32::MAX), (u32::MAX, 0)] {
            put_delta(&mut v, x, base);
        }
        put_i64(&mut v, i64::MIN);
        let mut r = &v[..];
        for (x, base) in [(5, 7), (7, 5), (0, u32::MAX), (u32::MAX, 0)] {
            assert_eq!(get_delta(&mut r, base), Some(x));
        }
        assert_eq!(get_i64(&mut r), Some(i64::MIN));
        let mut v = Vec::new();
        put_delta(&mut v, 0, 1);
        assert_eq!(get_delta(&mut &v[..], 0), None, "below zero");
        assert_eq!(get(&mut &[0x80u8, 0x80][..]), None);
        let mut v = Vec::new();
        for x in [300, u32::MAX as u64, 1 << 32, 5] {
            put(&mut v, x);
        }
        let mut r = &v[..];
        assert_eq!((get_u32(&mut r), get_u32(&mut r), get_u32(&mut r)), (Some(300), Some(u32::MAX), None));
        assert_eq!(get_u32(&mut r), Some(5));
        let mut r = &v[..];
        assert_eq!(skip(&mut r, 3), Some(()));
        assert_eq!(get(&mut r), Some(5));
        assert_eq!(skip(&mut r, 1), None);
    }
}
