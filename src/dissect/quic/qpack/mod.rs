//! QPACK (RFC 9204), HTTP/3's field compression, decoded by hand: no
//! pure-Rust crate exposes a decoder that keeps the byte ranges and the
//! encoder stream's instructions (`h3` and `quiche` keep theirs private;
//! ls-qpack wraps C). A HEADERS frame's field section refers to the static
//! table and to a dynamic table that the peer's encoder stream (a
//! unidirectional stream of type 2) fills; each QUIC connection keeps one
//! dynamic table per direction (`Table`), fed on the first pass in capture
//! order, and what each section decoded to is recorded for later passes.
//!
//! `show` puts the results in the tree, with Wireshark 4.2's fields.

pub mod fields;
mod huffman;
pub mod show;
mod static_table;
#[cfg(test)]
mod tests;

use std::collections::VecDeque;
use std::ops::Range;

use self::static_table::STATIC;

/// Why bytes did not decode: they stop early (an encoder instruction may go
/// on in the stream's next bytes), or they are not valid QPACK.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Error {
    Short,
    Bad(&'static str),
}

type R<T> = Result<T, Error>;

/// Wireshark's decoder allows a dynamic table of 64 KiB, which decides how a
/// Required Insert Count is read when the decoder's SETTINGS were not seen.
const DEFAULT_MAX_CAPACITY: u64 = 65536;

/// A prefixed integer (RFC 7541 5.1) whose first byte keeps `prefix` low
/// bits, at `at`: its value and width.
pub fn int(b: &[u8], at: usize, prefix: u8) -> R<(u64, usize)> {
    let max = (1u64 << prefix) - 1;
    let first = u64::from(*b.get(at).ok_or(Error::Short)?) & max;
    if first < max {
        return Ok((first, 1));
    }
    let (mut v, mut shift, mut i) = (max, 0u32, at + 1);
    loop {
        let x = *b.get(i).ok_or(Error::Short)?;
        i += 1;
        if shift > 56 {
            return Err(Error::Bad("integer too large"));
        }
        v = v.checked_add(u64::from(x & 0x7f) << shift).ok_or(Error::Bad("integer too large"))?;
        if x & 0x80 == 0 {
            return Ok((v, i - at));
        }
        shift += 7;
    }
}

/// A string literal: its Huffman flag is the bit above the length's prefix.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Str {
    pub text: Vec<u8>,
    pub huffman: bool,
    /// Where the string's (encoded) bytes lie; the literal ends there.
    pub bytes: Range<usize>,
}

pub fn string(b: &[u8], at: usize, prefix: u8) -> R<Str> {
    let huffman = b.get(at).ok_or(Error::Short)? & (1 << prefix) != 0;
    let (len, w) = int(b, at, prefix)?;
    let start = at + w;
    let end = usize::try_from(len).ok().and_then(|l| start.checked_add(l)).ok_or(Error::Bad("string too long"))?;
    let raw = b.get(start..end).ok_or(Error::Short)?;
    let text = if huffman { huffman::decode(raw).ok_or(Error::Bad("invalid Huffman string"))? } else { raw.to_vec() };
    Ok(Str { text, huffman, bytes: start..end })
}

/// A static table entry.
fn static_entry(index: u64) -> R<Entry> {
    let (n, v) = usize::try_from(index).ok().and_then(|i| STATIC.get(i)).ok_or(Error::Bad("static index out of range"))?;
    Ok(Entry { name: n.as_bytes().to_vec(), value: v.as_bytes().to_vec() })
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Entry {
    pub name: Vec<u8>,
    pub value: Vec<u8>,
}

impl Entry {
    /// An entry's size counts 32 bytes besides its name and value (RFC 9204 3.2.1).
    fn size(&self) -> u64 {
        (self.name.len() + self.value.len() + 32) as u64
    }
}

/// An encoder stream instruction (RFC 9204 4.3) and where it lies.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Instruction {
    pub kind: Kind,
    pub range: Range<usize>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Kind {
    Capacity(u64),
    /// Insert With Name Reference: static table or dynamic (relative index);
    /// `index_len`: the width of the index.
    InsertRef { is_static: bool, index: u64, index_len: usize, value: Str },
    InsertLiteral { name: Str, value: Str },
    Duplicate(u64),
}

/// Reads the encoder instruction at `at`.
pub fn instruction(b: &[u8], at: usize) -> R<Instruction> {
    let first = *b.get(at).ok_or(Error::Short)?;
    let (kind, end) = if first & 0x80 != 0 {
        let (index, w) = int(b, at, 6)?;
        let value = string(b, at + w, 7)?;
        let end = value.bytes.end;
        (Kind::InsertRef { is_static: first & 0x40 != 0, index, index_len: w, value }, end)
    } else if first & 0x40 != 0 {
        let name = string(b, at, 5)?;
        let value = string(b, name.bytes.end, 7)?;
        let end = value.bytes.end;
        (Kind::InsertLiteral { name, value }, end)
    } else if first & 0x20 != 0 {
        let (c, w) = int(b, at, 5)?;
        (Kind::Capacity(c), at + w)
    } else {
        let (i, w) = int(b, at, 5)?;
        (Kind::Duplicate(i), at + w)
    };
    Ok(Instruction { kind, range: at..end })
}

/// The dynamic table one side's encoder stream fills, and that stream's
/// reassembly: instructions may be split over STREAM frames.
#[derive(Clone, Debug, Default)]
pub struct Table {
    /// Oldest first; the newest has absolute index `inserted - 1`.
    entries: VecDeque<Entry>,
    inserted: u64,
    size: u64,
    capacity: u64,
    /// The decoder's SETTINGS_QPACK_MAX_TABLE_CAPACITY, once its SETTINGS were read.
    pub max_capacity: Option<u64>,
    /// Encoder stream bytes of an instruction not complete yet, and the
    /// stream offset that follows them.
    pending: Vec<u8>,
    next: u64,
    /// The stream had an error or a gap: nothing more is inserted.
    broken: Option<&'static str>,
    /// Where the instructions start in the stream, after its type.
    pub origin: u64,
}

/// What a piece of the encoder stream did.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Fed {
    /// Entries inserted by it, and in all up to it.
    pub inserted: u64,
    pub total: u64,
    pub error: Option<&'static str>,
}

impl Table {
    pub fn inserted(&self) -> u64 {
        self.inserted
    }

    fn max_capacity(&self) -> u64 {
        self.max_capacity.unwrap_or(DEFAULT_MAX_CAPACITY)
    }

    /// The entry of absolute index `abs`, if still in the table.
    fn get(&self, abs: u64) -> R<Entry> {
        let first = self.inserted - self.entries.len() as u64;
        abs.checked_sub(first)
            .and_then(|i| self.entries.get(usize::try_from(i).ok()?))
            .cloned()
            .ok_or(Error::Bad("dynamic table entry not available"))
    }

    fn evict_to(&mut self, limit: u64) {
        while self.size > limit {
            let Some(e) = self.entries.pop_front() else { break };
            self.size -= e.size();
        }
    }

    fn insert(&mut self, e: Entry) -> R<()> {
        if e.size() > self.capacity {
            return Err(Error::Bad("entry larger than the dynamic table"));
        }
        self.evict_to(self.capacity - e.size());
        self.size += e.size();
        self.entries.push_back(e);
        self.inserted += 1;
        Ok(())
    }

    /// Carries out an instruction.
    fn apply(&mut self, k: &Kind) -> R<()> {
        match k {
            Kind::Capacity(c) => {
                if *c > self.max_capacity() {
                    return Err(Error::Bad("capacity above the decoder's maximum"));
                }
                self.capacity = *c;
                self.evict_to(*c);
                Ok(())
            }
            Kind::InsertRef { is_static, index, value, .. } => {
                let name = if *is_static { static_entry(*index)?.name } else { self.relative(*index)?.name };
                self.insert(Entry { name, value: value.text.clone() })
            }
            Kind::InsertLiteral { name, value } => self.insert(Entry { name: name.text.clone(), value: value.text.clone() }),
            Kind::Duplicate(i) => {
                let e = self.relative(*i)?;
                self.insert(e)
            }
        }
    }

    /// An encoder instruction's relative index counts back from the newest entry.
    fn relative(&self, i: u64) -> R<Entry> {
        self.get(self.inserted.checked_sub(i + 1).ok_or(Error::Bad("dynamic table entry not available"))?)
    }

    /// Adds the encoder stream's bytes at `offset` (after the stream type)
    /// and carries out every instruction they complete.
    pub fn feed(&mut self, offset: u64, data: &[u8]) -> Fed {
        let before = self.inserted;
        let end = offset.saturating_add(data.len() as u64);
        if self.broken.is_none() && end > self.next {
            if offset > self.next {
                self.broken = Some("encoder stream bytes missing");
            } else {
                self.pending.extend_from_slice(&data[(self.next - offset) as usize..]);
                self.next = end;
                self.run();
            }
        }
        Fed { inserted: self.inserted - before, total: self.inserted, error: self.broken }
    }

    fn run(&mut self) {
        let mut at = 0;
        let pending = std::mem::take(&mut self.pending);
        while at < pending.len() {
            match instruction(&pending, at).and_then(|i| self.apply(&i.kind).map(|()| i.range.end)) {
                Ok(end) => at = end,
                Err(Error::Short) => break,
                Err(Error::Bad(why)) => {
                    self.broken = Some(why);
                    return;
                }
            }
        }
        self.pending = pending[at..].to_vec();
    }
}

/// A field line of a decoded section, and where it lies in the section.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Line {
    pub name: Vec<u8>,
    pub value: Vec<u8>,
    pub range: Range<usize>,
}

/// What a HEADERS frame's field section decoded to.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Section {
    Fields(Vec<Line>),
    /// Its Required Insert Count is more than the entries inserted so far.
    Blocked { required: u64, inserted: u64 },
    Failed(&'static str),
}

/// Decodes a field section (RFC 9204 4.5) against the table its encoder fills.
pub fn decode(b: &[u8], t: &Table) -> Section {
    match prefix(b, t) {
        Ok((required, _, _)) if required > t.inserted => Section::Blocked { required, inserted: t.inserted },
        Ok((_, base, at)) => match lines(b, at, base, t) {
            Ok(v) => Section::Fields(v),
            Err(Error::Short) => Section::Failed("field section cut short"),
            Err(Error::Bad(why)) => Section::Failed(why),
        },
        Err(Error::Short) => Section::Failed("field section cut short"),
        Err(Error::Bad(why)) => Section::Failed(why),
    }
}

/// The section prefix: Required Insert Count, Base and where the lines start.
fn prefix(b: &[u8], t: &Table) -> R<(u64, u64, usize)> {
    let (enc, w) = int(b, 0, 8)?;
    let required = if enc == 0 {
        0
    } else {
        // RFC 9204 4.5.1.1: the count is sent modulo twice the table's entries.
        let max_entries = t.max_capacity() / 32;
        let full = 2 * max_entries;
        if enc > full {
            return Err(Error::Bad("invalid Required Insert Count"));
        }
        let max_value = t.inserted + max_entries;
        let mut ric = max_value / full * full + enc - 1;
        if ric > max_value {
            if ric <= full {
                return Err(Error::Bad("invalid Required Insert Count"));
            }
            ric -= full;
        }
        if ric == 0 {
            return Err(Error::Bad("invalid Required Insert Count"));
        }
        ric
    };
    let sign = b.get(w).ok_or(Error::Short)? & 0x80 != 0;
    let (delta, dw) = int(b, w, 7)?;
    let base = if sign { required.checked_sub(delta + 1) } else { required.checked_add(delta) };
    Ok((required, base.ok_or(Error::Bad("invalid Base"))?, w + dw))
}

fn lines(b: &[u8], mut at: usize, base: u64, t: &Table) -> R<Vec<Line>> {
    let mut out = Vec::new();
    let dynamic = |abs: Option<u64>| t.get(abs.ok_or(Error::Bad("dynamic table entry not available"))?);
    while at < b.len() {
        let first = b[at];
        let (e, end) = if first & 0x80 != 0 {
            // Indexed field line.
            let (i, w) = int(b, at, 6)?;
            let e = if first & 0x40 != 0 { static_entry(i)? } else { dynamic(base.checked_sub(i + 1))? };
            (e, at + w)
        } else if first & 0x40 != 0 {
            // Literal with name reference.
            let (i, w) = int(b, at, 4)?;
            let name = if first & 0x10 != 0 { static_entry(i)?.name } else { dynamic(base.checked_sub(i + 1))?.name };
            let v = string(b, at + w, 7)?;
            (Entry { name, value: v.text }, v.bytes.end)
        } else if first & 0x20 != 0 {
            // Literal with literal name.
            let n = string(b, at, 3)?;
            let v = string(b, n.bytes.end, 7)?;
            (Entry { name: n.text, value: v.text }, v.bytes.end)
        } else if first & 0x10 != 0 {
            // Indexed field line with post-base index.
            let (i, w) = int(b, at, 4)?;
            (dynamic(base.checked_add(i))?, at + w)
        } else {
            // Literal with post-base name reference.
            let (i, w) = int(b, at, 3)?;
            let name = dynamic(base.checked_add(i))?.name;
            let v = string(b, at + w, 7)?;
            (Entry { name, value: v.text }, v.bytes.end)
        };
        out.push(Line { name: e.name, value: e.value, range: at..end });
        at = end;
    }
    Ok(out)
}
