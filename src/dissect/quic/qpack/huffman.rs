//! HPACK's Huffman code (RFC 7541 Appendix B), which QPACK strings use. The
//! code is canonical: the codes of each length are consecutive and follow
//! the shorter ones', so a length's first code, count and the symbols in
//! code order decode it (the tables were generated from the RFC's).

/// Decodes a Huffman-coded string; None when it is invalid: the EOS symbol,
/// or padding longer than 7 bits or not all ones (RFC 7541 5.2).
pub fn decode(raw: &[u8]) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(raw.len() * 8 / 5);
    let (mut code, mut len) = (0u32, 0usize);
    for &byte in raw {
        for bit in (0..8).rev() {
            code = code << 1 | u32::from(byte >> bit & 1);
            len += 1;
            let &(first, count, start) = LENGTHS.get(len)?;
            if code >= first && code - first < u32::from(count) {
                let sym = SYMBOLS[usize::from(start) + (code - first) as usize];
                out.push(u8::try_from(sym).ok()?);
                (code, len) = (0, 0);
            }
        }
    }
    (len < 8 && code == (1 << len) - 1).then_some(out)
}

/// For each code length (index 0 unused, 5 to 30 bits): the first code of that length,
/// how many codes have it, and where their symbols start in `SYMBOLS`.
pub(super) const LENGTHS: [(u32, u16, u16); 31] = [
    (0, 0, 0), (0, 0, 0), (0, 0, 0), (0, 0, 0),
    (0, 0, 0), (0x0, 10, 0), (0x14, 26, 10), (0x5c, 32, 36),
    (0xf8, 6, 68), (0, 0, 0), (0x3f8, 5, 74), (0x7fa, 3, 79),
    (0xffa, 2, 82), (0x1ff8, 6, 84), (0x3ffc, 2, 90), (0x7ffc, 3, 92),
    (0, 0, 0), (0, 0, 0), (0, 0, 0), (0x7fff0, 3, 95),
    (0xfffe6, 8, 98), (0x1fffdc, 13, 106), (0x3fffd2, 26, 119), (0x7fffd8, 29, 145),
    (0xffffea, 12, 174), (0x1ffffec, 4, 186), (0x3ffffe0, 15, 190), (0x7ffffde, 19, 205),
    (0xfffffe2, 29, 224), (0, 0, 0), (0x3ffffffc, 4, 253),
];
/// The symbols (256: EOS) in order of code length, then code.
pub(super) const SYMBOLS: [u16; 257] = [
    48, 49, 50, 97, 99, 101, 105, 111, 115, 116, 32, 37, 45, 46, 47, 51, 52, 53, 54, 55, 56, 57, 61, 65, 95, 98,
    100, 102, 103, 104, 108, 109, 110, 112, 114, 117, 58, 66, 67, 68, 69, 70, 71, 72, 73, 74, 75, 76, 77, 78, 79,
    80, 81, 82, 83, 84, 85, 86, 87, 89, 106, 107, 113, 118, 119, 120, 121, 122, 38, 42, 44, 59, 88, 90, 33, 34, 40,
    41, 63, 39, 43, 124, 35, 62, 0, 36, 64, 91, 93, 126, 94, 125, 60, 96, 123, 92, 195, 208, 128, 130, 131, 162,
    184, 194, 224, 226, 153, 161, 167, 172, 176, 177, 179, 209, 216, 217, 227, 229, 230, 129, 132, 133, 134, 136,
    146, 154, 156, 160, 163, 164, 169, 170, 173, 178, 181, 185, 186, 187, 189, 190, 196, 198, 228, 232, 233, 1, 135,
    137, 138, 139, 140, 141, 143, 147, 149, 150, 151, 152, 155, 157, 158, 165, 166, 168, 174, 175, 180, 182, 183,
    188, 191, 197, 231, 239, 9, 142, 144, 145, 148, 159, 171, 206, 215, 225, 236, 237, 199, 207, 234, 235, 192, 193,
    200, 201, 202, 205, 210, 213, 218, 219, 238, 240, 242, 243, 255, 203, 204, 211, 212, 214, 221, 222, 223, 241,
    244, 245, 246, 247, 248, 250, 251, 252, 253, 254, 2, 3, 4, 5, 6, 7, 8, 11, 12, 14, 15, 16, 17, 18, 19, 20, 21,
    23, 24, 25, 26, 27, 28, 29, 30, 31, 127, 220, 249, 10, 13, 22, 256,
];
