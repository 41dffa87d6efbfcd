//! Bounds-checked views of a layer's bytes.
//!
//! A `Buf` knows two ends: the bytes actually captured and the bytes the
//! packet really had (its reported length). Reading past the captured end of
//! a packet that was cut by the snap length is `Truncated` (Wireshark's
//! "Packet size limited during capture"); reading past the reported end
//! means a header lied about a length and is `Malformed`.

use std::ops::Range;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DissectError {
    Truncated,
    Malformed,
    /// A message longer than the bytes at hand, where reassembly was not
    /// possible (`-o tcp.desegment_tcp_streams:FALSE`): Wireshark's
    /// "Unreassembled Packet".
    Unreassembled,
}

pub type DResult<T> = Result<T, DissectError>;

#[derive(Clone, Copy, Debug)]
pub struct Buf<'a> {
    data: &'a [u8],
    start: usize,
    /// End of the captured bytes of this layer (absolute, ≤ data.len()).
    end: usize,
    /// End of this layer as the packet reports it (absolute, may exceed `end`).
    reported_end: usize,
}

impl<'a> Buf<'a> {
    /// A view of a whole data source whose original length was `reported`.
    pub fn new(data: &'a [u8], reported: usize) -> Buf<'a> {
        Buf { data, start: 0, end: data.len(), reported_end: reported.max(data.len()) }
    }

    /// Absolute offset of relative offset `off`.
    pub fn abs(&self, off: usize) -> usize {
        self.start + off
    }

    /// Absolute range of `len` bytes at relative `off`, for tree items.
    pub fn range(&self, off: usize, len: usize) -> Range<usize> {
        self.start + off..self.start + off + len
    }

    /// Captured bytes available from the start of this view.
    pub fn len(&self) -> usize {
        self.end.saturating_sub(self.start)
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Bytes this layer has according to the packet (captured or not).
    pub fn reported_len(&self) -> usize {
        self.reported_end - self.start
    }

    /// The whole data source this view is part of.
    pub fn source(&self) -> &'a [u8] {
        self.data
    }

    fn check(&self, off: usize, len: usize) -> DResult<usize> {
        let want = self.start.checked_add(off).and_then(|s| s.checked_add(len));
        match want {
            Some(e) if e <= self.end => Ok(self.start + off),
            Some(e) if e <= self.reported_end => Err(DissectError::Truncated),
            _ => Err(DissectError::Malformed),
        }
    }

    pub fn bytes(&self, off: usize, len: usize) -> DResult<&'a [u8]> {
        let s = self.check(off, len)?;
        Ok(&self.data[s..s + len])
    }

    /// The captured bytes from `off` to the end of the view.
    pub fn tail(&self, off: usize) -> &'a [u8] {
        let s = self.start.saturating_add(off);
        if s >= self.end {
            return &[];
        }
        &self.data[s..self.end]
    }

    pub fn u8(&self, off: usize) -> DResult<u8> {
        Ok(self.bytes(off, 1)?[0])
    }

    pub fn u16(&self, off: usize) -> DResult<u16> {
        let b = self.bytes(off, 2)?;
        Ok(u16::from_be_bytes([b[0], b[1]]))
    }

    pub fn u16_le(&self, off: usize) -> DResult<u16> {
        let b = self.bytes(off, 2)?;
        Ok(u16::from_le_bytes([b[0], b[1]]))
    }

    pub fn u24(&self, off: usize) -> DResult<u32> {
        let b = self.bytes(off, 3)?;
        Ok(u32::from_be_bytes([0, b[0], b[1], b[2]]))
    }

    pub fn u32(&self, off: usize) -> DResult<u32> {
        let b = self.bytes(off, 4)?;
        Ok(u32::from_be_bytes([b[0], b[1], b[2], b[3]]))
    }

    pub fn u32_le(&self, off: usize) -> DResult<u32> {
        let b = self.bytes(off, 4)?;
        Ok(u32::from_le_bytes([b[0], b[1], b[2], b[3]]))
    }

    pub fn array<const N: usize>(&self, off: usize) -> DResult<[u8; N]> {
        let b = self.bytes(off, N)?;
        let mut a = [0u8; N];
        a.copy_from_slice(b);
        Ok(a)
    }

    /// The view from `off` on (the next layer's bytes). Its start may lie
    /// beyond the captured bytes; every read from it is then `Truncated`.
    pub fn from(&self, off: usize) -> DResult<Buf<'a>> {
        let start = self.start.checked_add(off).ok_or(DissectError::Malformed)?;
        if start > self.reported_end {
            return Err(DissectError::Malformed);
        }
        Ok(Buf { data: self.data, start, end: self.end, reported_end: self.reported_end })
    }

    /// A view of `len` bytes at `off` as the packet reports them: the
    /// captured part may be shorter, but never longer. Used when a header
    /// states its payload length (IP total length, UDP length).
    pub fn sub(&self, off: usize, len: usize) -> DResult<Buf<'a>> {
        let start = self.start.checked_add(off).ok_or(DissectError::Malformed)?;
        let rep = start.checked_add(len).ok_or(DissectError::Malformed)?;
        if rep > self.reported_end {
            return Err(DissectError::Malformed);
        }
        Ok(Buf { data: self.data, start, end: rep.min(self.end), reported_end: rep })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn truncated_versus_malformed() {
        let data = [1u8, 2, 3, 4];
        let b = Buf::new(&data, 8);
        assert_eq!(b.u16(0), Ok(0x0102));
        assert_eq!(b.u32(2), Err(DissectError::Truncated));
        assert_eq!(b.u32(6), Err(DissectError::Malformed));
        let s = b.sub(2, 4).unwrap();
        assert_eq!(s.len(), 2);
        assert_eq!(s.reported_len(), 4);
        assert_eq!(s.abs(0), 2);
        assert!(b.sub(2, 10).is_err());
        let f = b.from(3).unwrap();
        assert_eq!(f.len(), 1);
        let f = b.from(6).unwrap();
        assert_eq!(f.len(), 0);
        assert_eq!(f.reported_len(), 2);
    }
}
