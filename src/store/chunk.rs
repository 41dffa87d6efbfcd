//! Sealed chunks of packed records, LZ4-compressed. Neighbouring records
//! repeat each other (the same addresses, ports, shapes and small deltas),
//! so a chunk of about 64 KiB shrinks to a third or less; readers unpack a
//! whole chunk and read many records from it, since their walks run in
//! packet order.
//!
//! LZ4 (the lz4_flex crate, without unsafe code) because reading must stay
//! cheap: a filter over a million packets unpacks some 40 MB, which LZ4 does
//! in tens of milliseconds where zstd, a fifth smaller, takes several times
//! longer.

use std::cell::RefCell;
use std::sync::atomic::{AtomicU64, Ordering};

/// Raw bytes gathered before they are sealed into a chunk.
pub const CHUNK: usize = 1 << 16;

pub struct Chunk {
    /// The first item (record, block) the chunk holds.
    first: u32,
    raw_len: u32,
    data: Box<[u8]>,
}

impl Chunk {
    pub fn seal(first: usize, raw: &[u8]) -> Chunk {
        Chunk {
            first: first as u32,
            raw_len: raw.len() as u32,
            data: lz4_flex::block::compress(raw).into_boxed_slice(),
        }
    }

    pub fn first(&self) -> usize {
        self.first as usize
    }

    /// Replaces `out` with the raw bytes; None if they do not unpack (then
    /// `out` holds nothing usable).
    pub fn unpack_into(&self, out: &mut Vec<u8>) -> Option<()> {
        out.resize(self.raw_len as usize, 0);
        let n = lz4_flex::block::decompress_into(&self.data, out).ok()?;
        (n == out.len()).then_some(())
    }

    #[cfg(test)]
    pub fn raw_len(&self) -> usize {
        self.raw_len as usize
    }

    /// Bytes the chunk takes, sealed.
    #[cfg(test)]
    pub fn data_len(&self) -> usize {
        self.data.len()
    }
}

/// The chunk of `chunks` that holds item `i`.
pub fn holding(chunks: &[Chunk], i: usize) -> Option<usize> {
    chunks.partition_point(|c| c.first() <= i).checked_sub(1)
}

static OWNERS: AtomicU64 = AtomicU64::new(1);

/// A number no other owner of chunks has, so chunks unpacked for one are
/// never read as another's.
pub fn new_owner() -> u64 {
    OWNERS.fetch_add(1, Ordering::Relaxed)
}

/// Chunks unpacked on this thread, most recently used last. A revisit
/// reads records of a few stores at once (index, TCP segments, HTTP
/// messages), so a handful are kept rather than one.
struct Unpacked {
    slots: Vec<(u64, usize, Vec<u8>)>,
}

const SLOTS: usize = 8;

thread_local! {
    static UNPACKED: RefCell<Unpacked> = const { RefCell::new(Unpacked { slots: Vec::new() }) };
}

/// Calls `f` with the raw bytes of `chunk`, which is chunk `index` of
/// `owner`, unpacking it unless this thread still holds it. None if it
/// does not unpack. `f` must not read chunks itself.
pub fn with_unpacked<R>(owner: u64, index: usize, chunk: &Chunk, f: impl FnOnce(&[u8]) -> R) -> Option<R> {
    UNPACKED.with(|cell| {
        let mut u = cell.borrow_mut();
        let slots = &mut u.slots;
        let at = match slots.iter().position(|s| s.0 == owner && s.1 == index) {
            Some(at) => at,
            None => {
                let mut buf = if slots.len() >= SLOTS { slots.remove(0).2 } else { Vec::new() };
                chunk.unpack_into(&mut buf)?;
                slots.push((owner, index, buf));
                slots.len() - 1
            }
        };
        let slot = slots.remove(at);
        slots.push(slot);
        slots.last().map(|s| f(&s.2))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chunks_unpack_to_their_bytes_per_owner() {
        let raw: Vec<Vec<u8>> =
            (0..SLOTS as u8 + 3).map(|i| (0..5000u32).map(|x| (x % 7) as u8 ^ i).collect()).collect();
        let chunks: Vec<Chunk> = raw.iter().enumerate().map(|(i, r)| Chunk::seal(i * 10, r)).collect();
        assert!(chunks.iter().all(|c| c.data.len() * 4 < c.raw_len()));
        let (a, b) = (new_owner(), new_owner());
        // More chunks than slots, read back and forth, under two owners.
        for round in 0..3 {
            for i in (0..chunks.len()).rev().chain(0..chunks.len()) {
                for owner in [a, b] {
                    let got = with_unpacked(owner, i, &chunks[i], |bytes| bytes.to_vec());
                    assert_eq!(got.as_ref(), Some(&raw[i]), "round {round} chunk {i}");
                }
            }
        }
        assert_eq!(holding(&chunks, 0), Some(0));
        assert_eq!(holding(&chunks, 19), Some(1));
        assert_eq!(holding(&chunks, 20), Some(2));
        assert_eq!(holding(&[], 3), None);
    }

    #[test]
    fn a_damaged_chunk_does_not_unpack() {
        let mut c = Chunk::seal(0, &[1, 2, 3, 4, 5, 6, 7, 8, 1, 2, 3, 4, 5, 6, 7, 8]);
        c.raw_len += 1;
        assert_eq!(c.unpack_into(&mut Vec::new()), None);
        let mut c = Chunk::seal(0, &[9; 300]);
        let n = c.data.len();
        c.data[n / 2] ^= 0xff;
        c.data = c.data[..n - 1].into();
        assert_eq!(with_unpacked(new_owner(), 0, &c, |b| b.len()), None);
    }
}
