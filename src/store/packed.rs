//! Per-packet records kept compactly: the inspector holds one per packet
//! (the index), per TCP segment and per HTTP message of a capture of
//! millions. Their numbers are mostly small or close to the previous
//! record's, so each is encoded as varints against the one before it, in
//! blocks of `BLOCK` that decode from their start: reading one record
//! decodes at most a block, found by position or by its first key. Blocks
//! are sealed into compressed chunks as they accumulate (`crate::store::chunk`).

use std::borrow::Cow;

use crate::store::chunk::{self, Chunk, CHUNK};

/// Records per block: a read decodes half of one on average. On 1M packets
/// 8 made `-2` (a revisit of every packet) 10% faster than 16 and the
/// inspector 4% larger; memory is what the inspector is short of.
const BLOCK: usize = 16;

/// A record that `Packed` can hold.
pub trait Pack: Sized {
    /// What encoding carries from one record to the next within a block
    /// (the previous frame number, say); reset at each block's start.
    type Carry: Default;
    /// Tables the records refer into, shared by all of them.
    type Shared: Default;
    /// What `Packed::find` looks records up by (`()` for records read by
    /// position only); it never decreases from one record to the next.
    type Key: Ord;

    fn key(&self) -> Self::Key;

    fn pack(&self, carry: &mut Self::Carry, shared: &mut Self::Shared, out: &mut Vec<u8>);
    /// The record at the start of `rd`, which then starts after it; None if
    /// the bytes do not hold one.
    fn unpack(carry: &mut Self::Carry, shared: &Self::Shared, rd: &mut &[u8]) -> Option<Self>;
}

/// Records appended in order, read by position or by a key that grows with it.
pub struct Packed<T: Pack> {
    /// Tells packed stores apart in the per-thread unpacked chunks.
    owner: u64,
    /// Runs of whole blocks, sealed (see `crate::store::chunk`); item numbers are
    /// block numbers.
    sealed: Vec<Chunk>,
    /// The blocks after the sealed ones, from block `open` on.
    bytes: Vec<u8>,
    open: u32,
    /// Where each block starts (in its chunk, or in `bytes`), and its first
    /// key, for `find`.
    blocks: Vec<(u32, T::Key)>,
    /// Records: a store holds one per packet at most.
    len: u32,
    carry: T::Carry,
    shared: T::Shared,
}

impl<T: Pack> Default for Packed<T> {
    fn default() -> Packed<T> {
        Packed {
            owner: chunk::new_owner(),
            sealed: Vec::new(),
            bytes: Vec::new(),
            open: 0,
            blocks: Vec::new(),
            len: 0,
            carry: T::Carry::default(),
            shared: T::Shared::default(),
        }
    }
}

/// A block's records, decoded one by one from its bytes.
struct Block<'a, T: Pack> {
    bytes: Cow<'a, [u8]>,
    at: usize,
    carry: T::Carry,
    shared: &'a T::Shared,
}

impl<T: Pack> Iterator for Block<'_, T> {
    type Item = T;

    fn next(&mut self) -> Option<T> {
        let mut rd = self.bytes.get(self.at..).filter(|rd| !rd.is_empty())?;
        let len = rd.len();
        let r = T::unpack(&mut self.carry, self.shared, &mut rd)?;
        self.at += len - rd.len();
        Some(r)
    }
}

impl<T: Pack> Packed<T> {
    pub fn push(&mut self, r: &T) {
        if self.len().is_multiple_of(BLOCK) {
            if self.bytes.len() >= CHUNK {
                self.sealed.push(Chunk::seal(self.open as usize, &self.bytes));
                self.bytes.clear();
                self.open = self.blocks.len() as u32;
            }
            self.blocks.push((self.bytes.len() as u32, r.key()));
            self.carry = T::Carry::default();
        }
        r.pack(&mut self.carry, &mut self.shared, &mut self.bytes);
        self.len += 1;
    }

    pub fn len(&self) -> usize {
        self.len as usize
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Bytes the packed records take, before sealing.
    #[cfg(test)]
    pub fn bytes_len(&self) -> usize {
        self.sealed.iter().map(Chunk::raw_len).sum::<usize>() + self.bytes.len()
    }

    /// Block `b`'s records, decoded one by one.
    fn block(&self, b: usize) -> Block<'_, T> {
        let bytes = self.block_bytes(b).unwrap_or_default();
        Block { bytes, at: 0, carry: T::Carry::default(), shared: &self.shared }
    }

    /// Block `b`'s bytes: borrowed while it is open, copied out of its
    /// unpacked chunk once sealed.
    fn block_bytes(&self, b: usize) -> Option<Cow<'_, [u8]>> {
        let start = self.blocks.get(b)?.0 as usize;
        let end = self.blocks.get(b + 1).map(|e| e.0 as usize);
        let open = self.open as usize;
        if b >= open {
            return self.bytes.get(start..end.unwrap_or(self.bytes.len())).map(Cow::Borrowed);
        }
        let c = chunk::holding(&self.sealed, b)?;
        let next_chunk = self.sealed.get(c + 1).map_or(open, Chunk::first);
        let end = end.filter(|_| b + 1 < next_chunk);
        chunk::with_unpacked(self.owner, c, &self.sealed[c], |raw| {
            raw.get(start..end.unwrap_or(raw.len())).map(|s| Cow::Owned(s.to_vec()))
        })?
    }

    /// Keeps the first `n` records.
    pub fn truncate(&mut self, n: usize) {
        if n >= self.len() {
            return;
        }
        let mut b = n / BLOCK;
        let mut keep: Vec<T> = self.block(b).take(n % BLOCK).collect();
        if b < self.open as usize {
            // The chunk holding block `b` is opened again, up to it.
            let c = chunk::holding(&self.sealed, b).unwrap_or(0);
            let first = self.sealed.get(c).map_or(0, Chunk::first);
            let mut raw = Vec::new();
            if self.sealed.get(c).and_then(|c| c.unpack_into(&mut raw)).is_some() {
                raw.truncate(self.blocks[b].0 as usize);
            } else {
                (b, raw) = (first, Vec::new());
                keep.clear();
            }
            self.sealed.truncate(c);
            (self.bytes, self.open) = (raw, first as u32);
        } else {
            self.bytes.truncate(self.blocks[b].0 as usize);
        }
        self.blocks.truncate(b);
        self.len = (b * BLOCK) as u32;
        for r in &keep {
            self.push(r);
        }
    }

    /// Every record, in order.
    pub fn iter(&self) -> impl Iterator<Item = T> + '_ {
        (0..self.blocks.len()).flat_map(|b| self.block(b))
    }

    /// The records from position `i` on, in order, each block decoded once
    /// (`get` decodes a block for every record it reads).
    pub fn iter_from(&self, i: usize) -> impl Iterator<Item = T> + '_ {
        (i / BLOCK..self.blocks.len()).flat_map(|b| self.block(b)).skip(i % BLOCK)
    }

    /// The record at position `i`.
    pub fn get(&self, i: usize) -> Option<T> {
        self.block(i / BLOCK).nth(i % BLOCK)
    }

    /// Records `i - 1` (if `i` > 0) and `i`, decoding their block once.
    pub fn get_with_prev(&self, i: usize) -> (Option<T>, Option<T>) {
        if i == 0 || i.is_multiple_of(BLOCK) {
            return (i.checked_sub(1).and_then(|p| self.get(p)), self.get(i));
        }
        let mut it = self.block(i / BLOCK).skip(i % BLOCK - 1);
        (it.next(), it.next())
    }

    /// The first record whose key is `k`, and its position.
    pub fn find(&self, k: &T::Key) -> Option<(usize, T)> {
        // A record with key `k` starts no earlier than the last block whose
        // first key is below `k`.
        let b = self.blocks.partition_point(|x| x.1 < *k).saturating_sub(1);
        for (j, r) in self.block(b).chain(self.block(b + 1)).enumerate() {
            match r.key().cmp(k) {
                std::cmp::Ordering::Less => continue,
                std::cmp::Ordering::Equal => return Some((b * BLOCK + j, r)),
                std::cmp::Ordering::Greater => return None,
            }
        }
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::varint::{get, get_u32, put};

    #[derive(Clone, Debug, PartialEq)]
    struct Rec(u32, u64);

    impl Pack for Rec {
        type Carry = u32;
        type Shared = ();
        type Key = u32;
        fn key(&self) -> u32 {
            self.0
        }
        fn pack(&self, carry: &mut u32, _: &mut (), out: &mut Vec<u8>) {
            put(out, (self.0 - *carry) as u64);
            put(out, self.1);
            *carry = self.0;
        }
        fn unpack(carry: &mut u32, _: &(), rd: &mut &[u8]) -> Option<Rec> {
            *carry += get_u32(rd)?;
            Some(Rec(*carry, get(rd)?))
        }
    }

    #[test]
    fn records_read_back_by_position_and_by_key() {
        let recs: Vec<Rec> = (0..100u32).map(|i| Rec(i * 3 / 2 + 5, (i as u64) << (i % 50))).collect();
        let mut p = Packed::default();
        for r in &recs {
            p.push(r);
        }
        assert_eq!(p.len(), 100);
        for (i, r) in recs.iter().enumerate() {
            assert_eq!(p.get(i).as_ref(), Some(r));
            // Keys repeat (i * 3 / 2): the first record with the key is found.
            let first = recs.iter().position(|x| x.0 == r.0).unwrap();
            assert_eq!(p.find(&r.0), Some((first, recs[first].clone())));
        }
        assert_eq!(p.get(100), None);
        for i in 0..=100 {
            assert_eq!(p.get_with_prev(i), (i.checked_sub(1).and_then(|j| recs.get(j).cloned()), recs.get(i).cloned()));
        }
        assert_eq!(p.iter().collect::<Vec<_>>(), recs);
        for k in [0, 4, 6 + 1, 200] {
            assert_eq!(p.find(&k).is_some(), recs.iter().any(|x| x.0 == k), "key {k}");
        }
        assert_eq!(Packed::<Rec>::default().find(&1), None);
        for n in [99, 50, 33, 32, 17, 1, 0] {
            p.truncate(n);
            assert_eq!(p.iter().collect::<Vec<_>>(), recs[..n]);
            p.push(&recs[n]);
            assert_eq!(p.get(n).as_ref(), Some(&recs[n]));
            p.truncate(n);
        }
    }

    #[test]
    fn sealed_records_read_back_and_truncate() {
        let recs: Vec<Rec> = (0..60_000u32).map(|i| Rec(i / 3, u64::from(i % 50) * 1000)).collect();
        let mut p = Packed::default();
        for r in &recs {
            p.push(r);
        }
        assert!(p.sealed.len() >= 2, "{} chunks", p.sealed.len());
        let packed: usize = p.sealed.iter().map(|c| c.data_len()).sum::<usize>() + p.bytes.len();
        assert!(packed * 2 < p.bytes_len(), "{packed} of {}", p.bytes_len());
        assert_eq!(p.iter().collect::<Vec<_>>(), recs);
        for i in [0, 1, BLOCK - 1, BLOCK, 30_001, recs.len() - 1, recs.len(), recs.len() + 7] {
            assert_eq!(p.iter_from(i).collect::<Vec<_>>(), recs.get(i..).unwrap_or_default(), "from {i}");
        }
        for i in (0..recs.len()).step_by(997).chain([0, BLOCK - 1, BLOCK, recs.len() - 1]) {
            assert_eq!(p.get(i).as_ref(), Some(&recs[i]));
            assert_eq!(p.get_with_prev(i).1.as_ref(), Some(&recs[i]));
            let first = recs.iter().position(|x| x.0 == recs[i].0).unwrap();
            assert_eq!(p.find(&recs[i].0), Some((first, recs[first].clone())));
        }
        // Into the last sealed chunk, then into the first.
        for n in [p.open as usize * BLOCK - 5, 3 * BLOCK + 2, 0] {
            p.truncate(n);
            assert_eq!(p.len(), n);
            assert_eq!(p.iter().collect::<Vec<_>>(), recs[..n]);
            for r in &recs[n..] {
                p.push(r);
            }
            assert_eq!(p.iter().collect::<Vec<_>>(), recs);
            p.truncate(n);
        }
    }
}
