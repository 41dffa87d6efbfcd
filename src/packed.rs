//! Per-packet records kept compactly: the inspector holds one per packet
//! (the index), per TCP segment and per HTTP message of a capture of
//! millions. Their numbers are mostly small or close to the previous
//! record's, so each is encoded as varints against the one before it, in
//! blocks of `BLOCK` that decode from their start: reading one record
//! decodes at most a block, found by position or by its first key.

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
    bytes: Vec<u8>,
    /// Where each block starts in `bytes`.
    blocks: Vec<usize>,
    /// Each block's first key, for `find`.
    keys: Vec<T::Key>,
    len: usize,
    carry: T::Carry,
    shared: T::Shared,
}

impl<T: Pack> Default for Packed<T> {
    fn default() -> Packed<T> {
        Packed {
            bytes: Vec::new(),
            blocks: Vec::new(),
            keys: Vec::new(),
            len: 0,
            carry: T::Carry::default(),
            shared: T::Shared::default(),
        }
    }
}

impl<T: Pack> Packed<T> {
    pub fn push(&mut self, r: &T) {
        if self.len.is_multiple_of(BLOCK) {
            self.blocks.push(self.bytes.len());
            self.keys.push(r.key());
            self.carry = T::Carry::default();
        }
        r.pack(&mut self.carry, &mut self.shared, &mut self.bytes);
        self.len += 1;
    }

    pub fn len(&self) -> usize {
        self.len
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Bytes the packed records take.
    pub fn bytes_len(&self) -> usize {
        self.bytes.len()
    }

    /// Block `b`'s records, decoded one by one.
    fn block(&self, b: usize) -> impl Iterator<Item = T> + '_ {
        let end = self.blocks.get(b + 1).copied().unwrap_or(self.bytes.len());
        let mut rd = self.blocks.get(b).and_then(|&s| self.bytes.get(s..end)).unwrap_or_default();
        let mut carry = T::Carry::default();
        std::iter::from_fn(move || if rd.is_empty() { None } else { T::unpack(&mut carry, &self.shared, &mut rd) })
    }

    /// Keeps the first `n` records.
    pub fn truncate(&mut self, n: usize) {
        if n >= self.len {
            return;
        }
        let b = n / BLOCK;
        let keep: Vec<T> = self.block(b).take(n % BLOCK).collect();
        self.bytes.truncate(self.blocks[b]);
        self.blocks.truncate(b);
        self.keys.truncate(b);
        self.len = b * BLOCK;
        for r in &keep {
            self.push(r);
        }
    }

    /// Every record, in order.
    pub fn iter(&self) -> impl Iterator<Item = T> + '_ {
        (0..self.blocks.len()).flat_map(|b| self.block(b))
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
        let b = self.keys.partition_point(|x| x < k).saturating_sub(1);
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
    use crate::varint::{get, get_u32, put};

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
}
