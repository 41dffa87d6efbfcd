//! Brief records: each packet's items of the registry's brief fields (the
//! link-, network- and transport-layer values filters use most, marked
//! `.brief()` where they are declared), kept compactly at load time.
//!
//! A display filter that reads only brief fields is then re-applied to
//! millions of packets without reading them from the file or dissecting
//! them again: the items are decoded back into a tree the filter runs on as
//! it would on a dissection. The items are the first pass's own, in tree
//! order, so every occurrence of a field (an address quoted in an ICMP
//! error, a second IP layer) is there as in the full tree.
//!
//! A record is a shape (the list of fields and how each value is stored,
//! shared by every packet of the same layout) and the values, as LEB128
//! varints for numbers and times, raw bytes for addresses and doubles, and
//! text and bytes after their length. Booleans live in the shape, and a
//! value equal to one a few items before (`ip.addr` after `ip.src`) refers
//! back to it, so a TCP/IPv4 packet takes about 40 bytes before its chunk
//! is compressed, and about 10 after.
//!
//! The same records hold the columns of other fields (`crate::store::columns`),
//! one store per field.

use crate::store::chunk::{self, Chunk, CHUNK};
use crate::dissect::frame;
use crate::field::{self, Field, Timestamp, Value};
use crate::dissect::conv::HashMap;
use crate::field::tree::Tree;
use crate::store::varint;

/// How one value is stored.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
enum Kind {
    None,
    True,
    False,
    /// The value of the item this many places before.
    Same(u8),
    UInt,
    Int,
    FrameNum,
    /// The packet's own number (its position plus one): not stored.
    Number,
    Ipv4,
    Ipv6,
    Ether,
    /// Eight bytes, little-endian.
    Double,
    /// Seconds (zigzag) and nanoseconds, two varints.
    AbsTime,
    /// Nanoseconds, zigzag.
    RelTime,
    /// UTF-8 text after its length.
    Str,
    /// Bytes after their length.
    Bytes,
}

/// The longest text or bytes a record holds: longer values (payloads) make
/// the packet recordless, so it is dissected when read.
const MAX_SIZED: usize = 1024;

type Shape = Box<[(Field, Kind)]>;

/// Shape 0: the packet has a brief item whose value cannot be stored, so it
/// has no record and must be dissected.
const NO_RECORD: u32 = 0;

/// The records of a packet source, in packet order.
pub struct BriefStore {
    /// Tells stores apart, so a cursor never reads one store's chunk as
    /// another's.
    id: u64,
    shapes: Vec<Shape>,
    /// Sealed chunks of records (see `crate::store::chunk`), a third of their
    /// raw size. A reader keeps the chunk it unpacked last (`Cursor`).
    chunks: Vec<Chunk>,
    /// The records after the last chunk, not compressed yet, each after its
    /// length as a varint (as in a chunk).
    tail: Vec<u8>,
    /// The first packet of the tail.
    tail_first: usize,
    len: usize,
}

impl Default for BriefStore {
    fn default() -> BriefStore {
        BriefStore {
            id: chunk::new_owner(),
            shapes: vec![Box::new([])],
            chunks: Vec::new(),
            tail: Vec::with_capacity(CHUNK + 256),
            tail_first: 0,
            len: 0,
        }
    }
}

/// A reader's place in a store: the chunk it unpacked last and where each
/// of that chunk's records starts, so records are found in any order
/// without unpacking their chunk again.
#[derive(Clone, Debug, Default)]
struct Cursor {
    /// The store read; 0, which no store has, before the first read.
    store: u64,
    /// Whether `starts` indexes the store's tail rather than `raw`.
    tail: bool,
    /// The first packet of the chunk (or tail) held.
    first: usize,
    raw: Vec<u8>,
    /// Where each record's length starts.
    starts: Vec<u32>,
    /// How far the bytes have been split into records.
    scanned: usize,
}

impl Cursor {
    fn holds(&self, store: u64, tail: bool, first: usize) -> bool {
        self.store == store && self.tail == tail && self.first == first
    }

    fn reset(&mut self, store: u64, tail: bool, first: usize) {
        (self.store, self.tail, self.first, self.scanned) = (store, tail, first, 0);
        self.starts.clear();
    }
}

/// Splits what `bytes` holds past `from` into records, adding where each
/// starts to `starts`; returns how far it got (a damaged length ends it).
fn split(bytes: &[u8], from: usize, starts: &mut Vec<u32>) -> usize {
    let mut rd = bytes.get(from..).unwrap_or_default();
    loop {
        let mut body = rd;
        let Some(rest) = varint::get(&mut body).and_then(|len| body.get(len as usize..)) else { break };
        starts.push((bytes.len() - rd.len()) as u32);
        rd = rest;
    }
    bytes.len() - rd.len()
}

/// The `j`th record of `bytes`, split at `starts`.
fn record_at<'a>(bytes: &'a [u8], starts: &[u32], j: usize) -> Option<&'a [u8]> {
    let mut rd = bytes.get(*starts.get(j)? as usize..)?;
    let len = varint::get(&mut rd)?;
    rd.get(..len as usize)
}

impl BriefStore {
    fn record<'a>(&'a self, i: usize, cur: &'a mut Cursor) -> Option<&'a [u8]> {
        if i >= self.len {
            return None;
        }
        // Most reads are of the chunk read last.
        let held = cur.store == self.id && (!cur.tail || cur.first == self.tail_first);
        if held && i >= cur.first && i - cur.first < cur.starts.len() {
            return record_at(if cur.tail { &self.tail } else { &cur.raw }, &cur.starts, i - cur.first);
        }
        if i >= self.tail_first {
            if !cur.holds(self.id, true, self.tail_first) {
                cur.reset(self.id, true, self.tail_first);
            }
            cur.scanned = split(&self.tail, cur.scanned, &mut cur.starts);
            return record_at(&self.tail, &cur.starts, i - self.tail_first);
        }
        let chunk = &self.chunks[chunk::holding(&self.chunks, i)?];
        let first = chunk.first();
        if !cur.holds(self.id, false, first) {
            // Left unowned until the chunk is whole.
            cur.reset(0, false, first);
            chunk.unpack_into(&mut cur.raw)?;
            cur.store = self.id;
            cur.scanned = split(&cur.raw, 0, &mut cur.starts);
        }
        record_at(&cur.raw, &cur.starts, i - first)
    }

    fn push(&mut self, rec: &[u8]) {
        varint::put(&mut self.tail, rec.len() as u64);
        self.tail.extend_from_slice(rec);
        self.len += 1;
        if self.tail.len() >= CHUNK {
            self.chunks.push(Chunk::seal(self.tail_first, &self.tail));
            self.tail.clear();
            self.tail_first = self.len;
        }
    }

    /// Adds to `tree` packet `i`'s (0-based) items of the fields `plan`
    /// wants, with no byte ranges. False when the packet has no record; the
    /// tree may then hold some of them and is to be dissected afresh.
    pub fn decode(&self, i: usize, plan: &mut Plan, tree: &mut Tree) -> bool {
        tree.keep_items(true);
        let Some(mut rec) = self.record(i, &mut plan.cursor) else { return false };
        let id = match varint::get(&mut rec) {
            Some(id) if id != NO_RECORD as u64 => id as usize,
            _ => return false,
        };
        let Some(shape) = self.shapes.get(id) else { return false };
        if plan.by_shape.len() <= id {
            plan.by_shape.resize(id + 1, None);
        }
        let steps = plan.by_shape[id].get_or_insert_with(|| Step::compile(shape, &plan.fields));
        run(steps, rec, i as u64 + 1, &mut plan.marks, tree).is_some()
    }
}

/// One step of decoding a shape's wanted items (see `Step::compile`).
#[derive(Clone, Copy, Debug)]
enum Step {
    /// Steps over this many varints.
    SkipVarints(u16),
    /// Steps over this many bytes of addresses.
    SkipBytes(u16),
    /// Steps over this many values stored after their length.
    SkipSized(u16),
    /// Remembers where the next value starts, in this slot.
    Mark(u8),
    /// The next value, stored as `Kind`, is an item of this field.
    Read(Field, Kind),
    /// The value that starts at a remembered slot is an item of this field.
    ReadMarked(Field, Kind, u8),
    /// The shape refers back to no item: the record cannot be read.
    Refuse,
}

impl Step {
    /// The steps that decode the items of `fields` from a record of
    /// `shape`: consecutive items no one wants are stepped over together,
    /// and decoding stops after the last wanted one.
    fn compile(shape: &[(Field, Kind)], fields: &[Field]) -> Box<[Step]> {
        let wanted: Vec<bool> = shape.iter().map(|(f, _)| fields.iter().any(|w| field::same(w, f))).collect();
        let Some(last) = wanted.iter().rposition(|&w| w) else { return Box::new([]) };
        // Items that a wanted item refers back to, and their slots.
        let target = |mut j: usize| loop {
            match shape[j].1 {
                Kind::Same(0) => return None,
                Kind::Same(d) => j = j.checked_sub(d as usize)?,
                _ => return Some(j),
            }
        };
        let mut marked: Vec<usize> =
            (0..=last).filter(|&j| wanted[j] && matches!(shape[j].1, Kind::Same(_))).filter_map(target).collect();
        marked.sort_unstable();
        marked.dedup();
        let slot = |j: usize| marked.iter().position(|&m| m == j).map(|s| s as u8);
        let mut steps: Vec<Step> = Vec::new();
        for (j, &(f, kind)) in shape.iter().enumerate().take(last + 1) {
            if let Some(s) = slot(j) {
                steps.push(Step::Mark(s));
            }
            if wanted[j] {
                steps.push(match kind {
                    Kind::Same(_) => match target(j).and_then(|t| Some((t, slot(t)?))) {
                        Some((t, s)) => Step::ReadMarked(f, shape[t].1, s),
                        None => Step::Refuse,
                    },
                    _ => Step::Read(f, kind),
                });
                continue;
            }
            match (steps.last_mut(), size(kind)) {
                (_, Size::Fixed(0)) => {}
                (Some(Step::SkipVarints(n)), Size::Varints(k)) => *n += k,
                (Some(Step::SkipBytes(n)), Size::Fixed(w)) => *n += w,
                (Some(Step::SkipSized(n)), Size::Sized) => *n += 1,
                (_, Size::Varints(k)) => steps.push(Step::SkipVarints(k)),
                (_, Size::Fixed(w)) => steps.push(Step::SkipBytes(w)),
                (_, Size::Sized) => steps.push(Step::SkipSized(1)),
            }
        }
        steps.into_boxed_slice()
    }
}

/// How a value is laid out in a record.
enum Size {
    Fixed(u16),
    Varints(u16),
    /// A varint length, then that many bytes.
    Sized,
}

fn size(kind: Kind) -> Size {
    match kind {
        Kind::None | Kind::True | Kind::False | Kind::Same(_) | Kind::Number => Size::Fixed(0),
        Kind::UInt | Kind::Int | Kind::FrameNum | Kind::RelTime => Size::Varints(1),
        Kind::AbsTime => Size::Varints(2),
        Kind::Ipv4 => Size::Fixed(4),
        Kind::Ipv6 => Size::Fixed(16),
        Kind::Ether => Size::Fixed(6),
        Kind::Double => Size::Fixed(8),
        Kind::Str | Kind::Bytes => Size::Sized,
    }
}

/// Steps over `n` values stored after their length.
fn skip_sized(rec: &mut &[u8], n: u16) -> Option<()> {
    for _ in 0..n {
        let len = varint::get(rec)?;
        *rec = rec.get(usize::try_from(len).ok()?..)?;
    }
    Some(())
}

/// Runs `steps` over a record's values; None if the record is damaged.
fn run(steps: &[Step], whole: &[u8], number: u64, marks: &mut Vec<usize>, tree: &mut Tree) -> Option<()> {
    let mut rec = whole;
    for &step in steps {
        match step {
            Step::SkipVarints(n) => varint::skip(&mut rec, n as usize)?,
            Step::SkipBytes(n) => rec = rec.get(n as usize..)?,
            Step::SkipSized(n) => skip_sized(&mut rec, n)?,
            Step::Mark(s) => {
                let s = s as usize;
                if marks.len() <= s {
                    marks.resize(s + 1, 0);
                }
                marks[s] = whole.len() - rec.len();
            }
            Step::Read(f, kind) => {
                let value = read(kind, &mut rec, number)?;
                tree.add(f, 0..0, value);
            }
            Step::ReadMarked(f, kind, s) => {
                let value = read(kind, &mut whole.get(*marks.get(s as usize)?..)?, number)?;
                tree.add(f, 0..0, value);
            }
            Step::Refuse => return None,
        }
    }
    Some(())
}

/// Which fields to decode, and for each shape met so far, how.
#[derive(Clone, Debug)]
pub struct Plan {
    fields: Vec<Field>,
    by_shape: Vec<Option<Box<[Step]>>>,
    marks: Vec<usize>,
    cursor: Cursor,
}

impl Plan {
    pub fn new(fields: &[Field]) -> Plan {
        Plan { fields: fields.to_vec(), by_shape: Vec::new(), marks: Vec::new(), cursor: Cursor::default() }
    }
}

/// Builds records on the thread that runs the first pass, and hands them
/// to the shared store in batches (`publish`).
#[derive(Default)]
pub struct Encoder {
    ids: HashMap<Vec<(usize, Kind)>, u32>,
    /// Shapes made since the last publish, with their ids.
    new_shapes: Vec<(u32, Shape)>,
    next_id: u32,
    key: Vec<(usize, Kind)>,
    bytes: Vec<u8>,
    lens: Vec<u32>,
    /// Records published so far.
    published: usize,
}

impl Encoder {
    pub fn new() -> Encoder {
        Encoder { next_id: NO_RECORD + 1, ..Encoder::default() }
    }

    /// Adds the record of the next packet, from its brief items.
    pub fn push(&mut self, items: &[(Field, Value)]) {
        let before = self.bytes.len();
        let number = Value::UInt((self.published + self.lens.len()) as u64 + 1);
        self.key.clear();
        let mut storable = true;
        for (j, (f, v)) in items.iter().enumerate() {
            let own_number = field::same(f, &frame::NUMBER) && *v == number;
            match if own_number { Some(Kind::Number) } else { kind_at(items, j) } {
                Some(k) => self.key.push((*f as *const _ as usize, k)),
                None => storable = false,
            }
        }
        if !storable {
            varint::put(&mut self.bytes, NO_RECORD as u64);
        } else {
            let id = match self.ids.get(&self.key[..]) {
                Some(id) => *id,
                None => {
                    let id = self.next_id;
                    self.next_id += 1;
                    self.ids.insert(self.key.clone(), id);
                    let shape: Shape = items.iter().zip(&self.key).map(|((f, _), (_, k))| (*f, *k)).collect();
                    self.new_shapes.push((id, shape));
                    id
                }
            };
            varint::put(&mut self.bytes, id as u64);
            for ((_, v), (_, k)) in items.iter().zip(&self.key) {
                if !matches!(k, Kind::Same(_) | Kind::Number) {
                    write(v, &mut self.bytes);
                }
            }
        }
        self.lens.push((self.bytes.len() - before) as u32);
    }

    /// Adds a packet without a record: it is dissected when read.
    pub fn push_none(&mut self) {
        let before = self.bytes.len();
        varint::put(&mut self.bytes, NO_RECORD as u64);
        self.lens.push((self.bytes.len() - before) as u32);
    }

    /// Drops the records made since the last publish (their packets were
    /// not kept).
    pub fn discard(&mut self) {
        self.lens.clear();
        self.bytes.clear();
    }

    /// Moves the records made since the last call into `store`.
    pub fn publish(&mut self, store: &mut BriefStore) {
        for (id, shape) in self.new_shapes.drain(..) {
            if store.shapes.len() <= id as usize {
                store.shapes.resize_with(id as usize + 1, || Box::new([]));
            }
            store.shapes[id as usize] = shape;
        }
        let mut at = 0;
        self.published += self.lens.len();
        for len in self.lens.drain(..) {
            let end = at + len as usize;
            store.push(&self.bytes[at..end]);
            at = end;
        }
        self.bytes.clear();
    }
}

/// How far back an equal value is looked for: far enough for the hidden
/// duplicates (`ip.addr`, `tcp.port`, `eth.addr`) of the item before.
const LOOK_BACK: usize = 4;

/// How item `j` is stored.
fn kind_at(items: &[(Field, Value)], j: usize) -> Option<Kind> {
    let v = &items.get(j)?.1;
    let k = kind_of(v)?;
    if matches!(k, Kind::None | Kind::True | Kind::False) {
        return Some(k);
    }
    let same = (1..=LOOK_BACK.min(j)).find(|&d| items[j - d].1 == *v);
    Some(same.map_or(k, |d| Kind::Same(d as u8)))
}

fn kind_of(v: &Value) -> Option<Kind> {
    Some(match v {
        Value::None => Kind::None,
        Value::Bool(true) => Kind::True,
        Value::Bool(false) => Kind::False,
        Value::UInt(_) => Kind::UInt,
        Value::Int(_) => Kind::Int,
        Value::FrameNum(_) => Kind::FrameNum,
        Value::Ipv4(_) => Kind::Ipv4,
        Value::Ipv6(_) => Kind::Ipv6,
        Value::Ether(_) => Kind::Ether,
        Value::Double(_) => Kind::Double,
        Value::AbsTime(_) => Kind::AbsTime,
        Value::RelTime(_) => Kind::RelTime,
        Value::Str(t) if t.len() <= MAX_SIZED => Kind::Str,
        Value::Bytes(b) if b.len() <= MAX_SIZED => Kind::Bytes,
        Value::Str(_) | Value::Bytes(_) => return None,
    })
}

fn write(v: &Value, out: &mut Vec<u8>) {
    match v {
        Value::UInt(x) => varint::put(out, *x),
        // Zigzag, so small negative numbers stay short.
        Value::Int(x) => varint::put_i64(out, *x),
        Value::FrameNum(x) => varint::put(out, *x as u64),
        Value::Ipv4(a) => out.extend_from_slice(&a.octets()),
        Value::Ipv6(a) => out.extend_from_slice(&a.octets()),
        Value::Ether(m) => out.extend_from_slice(m),
        Value::Double(x) => out.extend_from_slice(&x.to_le_bytes()),
        Value::AbsTime(t) => {
            varint::put_i64(out, t.secs);
            varint::put(out, t.nanos as u64);
        }
        Value::RelTime(ns) => varint::put_i64(out, *ns),
        Value::Str(t) => put_sized(out, t.as_bytes()),
        Value::Bytes(b) => put_sized(out, b),
        Value::None | Value::Bool(_) => {}
    }
}

fn put_sized(out: &mut Vec<u8>, b: &[u8]) {
    varint::put(out, b.len() as u64);
    out.extend_from_slice(b);
}

fn get_sized<'a>(rec: &mut &'a [u8]) -> Option<&'a [u8]> {
    let len = usize::try_from(varint::get(rec)?).ok()?;
    let (head, rest) = rec.split_at_checked(len)?;
    *rec = rest;
    Some(head)
}

fn read(kind: Kind, rec: &mut &[u8], number: u64) -> Option<Value> {
    Some(match kind {
        Kind::Number => Value::UInt(number),
        Kind::None | Kind::Same(_) => Value::None,
        Kind::True => Value::Bool(true),
        Kind::False => Value::Bool(false),
        Kind::UInt => Value::UInt(varint::get(rec)?),
        Kind::Int => Value::Int(varint::get_i64(rec)?),
        Kind::FrameNum => Value::FrameNum(varint::get_u32(rec)?),
        Kind::Ipv4 => Value::Ipv4(take::<4>(rec)?.into()),
        Kind::Ipv6 => Value::Ipv6(take::<16>(rec)?.into()),
        Kind::Ether => Value::Ether(take::<6>(rec)?),
        Kind::Double => Value::Double(f64::from_le_bytes(take::<8>(rec)?)),
        Kind::AbsTime => Value::AbsTime(Timestamp { secs: varint::get_i64(rec)?, nanos: varint::get_u32(rec)? }),
        Kind::RelTime => Value::RelTime(varint::get_i64(rec)?),
        Kind::Str => Value::Str(std::str::from_utf8(get_sized(rec)?).ok()?.into()),
        Kind::Bytes => Value::Bytes(get_sized(rec)?.into()),
    })
}

fn take<const N: usize>(rec: &mut &[u8]) -> Option<[u8; N]> {
    let (head, rest) = rec.split_first_chunk::<N>()?;
    *rec = rest;
    Some(*head)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dissect::{link::eth, frame, net::ipv4, tcp};
    use std::net::Ipv4Addr;

    fn store_of(packets: &[Vec<(Field, Value)>]) -> BriefStore {
        let mut enc = Encoder::new();
        let mut store = BriefStore::default();
        for (i, p) in packets.iter().enumerate() {
            enc.push(p);
            // Publish in uneven batches, as the loader does.
            if i % 2 == 0 {
                enc.publish(&mut store);
            }
        }
        enc.publish(&mut store);
        store
    }

    fn decoded(store: &BriefStore, i: usize, wanted: &[Field]) -> Option<Vec<(String, Value)>> {
        let mut t = Tree::default();
        store.decode(i, &mut Plan::new(wanted), &mut t).then(|| t.nodes.iter().map(|n| (n.field.name.to_string(), n.value.clone())).collect())
    }

    #[test]
    fn records_decode_to_the_wanted_items_in_order() {
        let a = vec![
            (&frame::NUMBER as Field, Value::UInt(1)),
            (&eth::SRC, Value::Ether([0, 1, 2, 3, 4, 5])),
            (&ipv4::SRC, Value::Ipv4(Ipv4Addr::new(10, 0, 0, 1))),
            (&ipv4::ADDR, Value::Ipv4(Ipv4Addr::new(10, 0, 0, 1))),
            (&ipv4::ADDR, Value::Ipv4(Ipv4Addr::new(10, 0, 0, 2))),
            (&tcp::TCP, Value::None),
            (&tcp::FLAG_SYN, Value::Bool(true)),
            (&tcp::SEQ, Value::UInt(u64::MAX)),
        ];
        let b = vec![(&frame::NUMBER as Field, Value::UInt(2)), (&ipv4::TTL, Value::Int(-3))];
        let c = vec![(&frame::NUMBER as Field, Value::UInt(300)), (&ipv4::SRC, Value::str(&*"long".repeat(MAX_SIZED)))];
        let store = store_of(&[a.clone(), b, a, c]);
        assert_eq!(store.len, 4);
        let want: &[Field] = &[&ipv4::ADDR, &tcp::SEQ, &tcp::FLAG_SYN, &tcp::TCP];
        let first = decoded(&store, 0, want).unwrap();
        let names: Vec<&str> = first.iter().map(|(n, _)| n.as_str()).collect();
        assert_eq!(names, ["ip.addr", "ip.addr", "tcp", "tcp.flags.syn", "tcp.seq"]);
        assert_eq!(first[1].1, Value::Ipv4(Ipv4Addr::new(10, 0, 0, 2)));
        assert_eq!(first[4].1, Value::UInt(u64::MAX));
        assert_eq!(decoded(&store, 2, want), Some(first));
        assert_eq!(decoded(&store, 1, &[&ipv4::TTL]).unwrap(), vec![("ip.ttl".to_string(), Value::Int(-3))]);
        assert_eq!(decoded(&store, 1, &[&ipv4::SRC]).unwrap(), vec![]);
        assert_eq!(decoded(&store, 3, &[&frame::NUMBER]), None, "a string this long is not kept");
        assert_eq!(decoded(&store, 4, &[&frame::NUMBER]), None);
    }

    #[test]
    fn records_are_found_in_any_order_across_chunks() {
        let packet = |n: u64| -> Vec<(Field, Value)> {
            (0..200).map(|i| (&tcp::SEQ as Field, Value::UInt(u64::MAX - i - n))).collect()
        };
        let n = 2 * CHUNK / 2000 + 3;
        let store = store_of(&(0..n as u64).map(packet).collect::<Vec<_>>());
        assert!(store.chunks.len() >= 2 && store.tail_first < n);
        let mut plan = Plan::new(&[&tcp::SEQ]);
        for i in [n - 1, 0, n / 2, 1, store.tail_first - 1, store.tail_first, n - 1, 0] {
            let mut t = Tree::default();
            assert!(store.decode(i, &mut plan, &mut t));
            assert_eq!(t.nodes.len(), 200);
            assert_eq!(t.nodes[199].value, packet(i as u64)[199].1, "packet {i}");
        }
        assert!(!store.decode(n, &mut plan, &mut Tree::default()));
    }

    #[test]
    fn a_plan_read_in_two_stores_reads_each_its_own() {
        let (a, b) = (vec![(&tcp::SEQ as Field, Value::UInt(1))], vec![(&tcp::SEQ as Field, Value::UInt(2))]);
        let n = CHUNK / 2 + 1;
        let (sa, sb) = (store_of(&vec![a; n]), store_of(&vec![b; n]));
        assert!(!sa.chunks.is_empty());
        let mut plan = Plan::new(&[&tcp::SEQ]);
        for (store, want) in [(&sa, 1), (&sb, 2), (&sa, 1)] {
            for i in [0, n - 1] {
                let mut t = Tree::default();
                assert!(store.decode(i, &mut plan, &mut t));
                assert_eq!(t.nodes[0].value, Value::UInt(want));
            }
        }
    }

    #[test]
    fn a_packet_s_own_number_is_not_stored() {
        let p = |n: u64| vec![(&frame::NUMBER as Field, Value::UInt(n)), (&tcp::SEQ, Value::UInt(5))];
        // The third packet claims number 7: it is stored as it is.
        let store = store_of(&[p(1), p(2), p(7)]);
        let mut cur = Cursor::default();
        assert_eq!(store.record(0, &mut cur).unwrap().len(), 1 + 1, "the shape and tcp.seq");
        assert_eq!(store.record(1, &mut cur), store.record(0, &mut Cursor::default()));
        for (i, n) in [(0, 1), (1, 2), (2, 7)] {
            assert_eq!(decoded(&store, i, &[&frame::NUMBER]).unwrap(), vec![("frame.number".into(), Value::UInt(n))]);
        }
    }

    #[test]
    fn repeated_values_refer_back_and_decode_alone() {
        let a = Ipv4Addr::new(10, 0, 0, 1);
        let items = vec![
            (&ipv4::SRC as Field, Value::Ipv4(a)),
            (&ipv4::ADDR, Value::Ipv4(a)),
            (&tcp::SEQ, Value::UInt(7)),
            (&tcp::ACK, Value::UInt(7)),
            (&tcp::FLAG_SYN, Value::Bool(true)),
            (&tcp::FLAG_ACK, Value::Bool(false)),
            (&tcp::STREAM, Value::UInt(7)),
        ];
        let store = store_of(&[items.clone()]);
        let kinds: Vec<Kind> = store.shapes[1].iter().map(|(_, k)| *k).collect();
        use Kind::*;
        assert_eq!(kinds, [Ipv4, Same(1), UInt, Same(1), True, False, Same(3)]);
        // The record holds the address and the number once each.
        assert_eq!(store.record(0, &mut Cursor::default()).unwrap().len(), 1 + 4 + 1);
        for (f, v) in &items {
            assert_eq!(decoded(&store, 0, &[*f]).unwrap(), vec![(f.name.to_string(), v.clone())]);
        }
    }

    #[test]
    fn damaged_records_are_refused_not_misread() {
        let mut store = store_of(&[vec![(&tcp::SEQ as Field, Value::UInt(1 << 40)), (&tcp::ACK, Value::UInt(1))]]);
        let cut = store.tail.len() - 2;
        store.tail.truncate(cut);
        assert_eq!(decoded(&store, 0, &[&tcp::SEQ]), None);
        assert_eq!(decoded(&store, 0, &[&tcp::ACK]), None);
    }
}
