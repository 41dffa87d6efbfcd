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
//! varints for numbers and raw bytes for addresses. Booleans live in the
//! shape, and a value equal to one a few items before (`ip.addr` after
//! `ip.src`) refers back to it, so a TCP/IPv4 packet takes about 40 bytes.

use crate::session::HashMap;

use crate::field::{self, Field, Value};
use crate::tree::Tree;
use crate::varint;

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
    Ipv4,
    Ipv6,
    Ether,
}

type Shape = Box<[(Field, Kind)]>;

/// Shape 0: the packet has a brief item whose value cannot be stored, so it
/// has no record and must be dissected.
const NO_RECORD: u32 = 0;

/// The records of a packet source, in packet order.
pub struct BriefStore {
    shapes: Vec<Shape>,
    /// Records in blocks of at most `BLOCK` bytes that never grow past
    /// their first allocation, so a million records cost no doubling
    /// reserve and no copying.
    blocks: Vec<Vec<u8>>,
    /// The first packet of each block.
    block_first: Vec<u32>,
    /// Where each packet's record starts in its block. It ends where the
    /// next one starts, or at the end of its block.
    starts: Vec<u32>,
}

const BLOCK: usize = 1 << 20;

impl Default for BriefStore {
    fn default() -> BriefStore {
        BriefStore { shapes: vec![Box::new([])], blocks: Vec::new(), block_first: Vec::new(), starts: Vec::new() }
    }
}

impl BriefStore {
    fn record(&self, i: usize) -> Option<&[u8]> {
        let off = *self.starts.get(i)? as usize;
        let block = self.block_first.partition_point(|&f| f as usize <= i).checked_sub(1)?;
        let bytes = self.blocks.get(block)?;
        let next_block = self.block_first.get(block + 1).map_or(usize::MAX, |&f| f as usize);
        let end = match self.starts.get(i + 1) {
            Some(&next) if i + 1 < next_block => next as usize,
            _ => bytes.len(),
        };
        bytes.get(off..end)
    }

    fn push(&mut self, rec: &[u8]) {
        let fits = self.blocks.last().is_some_and(|b| b.len() + rec.len() <= b.capacity());
        if !fits {
            self.blocks.push(Vec::with_capacity(BLOCK.max(rec.len())));
            self.block_first.push(self.starts.len() as u32);
        }
        if let Some(b) = self.blocks.last_mut() {
            self.starts.push(b.len() as u32);
            b.extend_from_slice(rec);
        }
    }

    /// Replaces `tree`'s items with packet `i`'s (0-based) items of the
    /// fields `plan` wants, with no byte ranges. False when the packet has
    /// no record; then the tree is left empty.
    pub fn decode(&self, i: usize, plan: &mut Plan, tree: &mut Tree) -> bool {
        tree.clear();
        tree.keep_items(true);
        let Some(mut rec) = self.record(i) else { return false };
        let id = match varint::get(&mut rec) {
            Some(id) if id != NO_RECORD as u64 => id as usize,
            _ => return false,
        };
        let Some(shape) = self.shapes.get(id) else { return false };
        if plan.by_shape.len() <= id {
            plan.by_shape.resize(id + 1, None);
        }
        let steps = plan.by_shape[id].get_or_insert_with(|| Step::compile(shape, &plan.fields));
        run(steps, rec, &mut plan.marks, tree).is_some()
    }
}

/// One step of decoding a shape's wanted items (see `Step::compile`).
#[derive(Clone, Copy, Debug)]
enum Step {
    /// Steps over this many varints.
    SkipVarints(u16),
    /// Steps over this many bytes of addresses.
    SkipBytes(u16),
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
            match (steps.last_mut(), width(kind)) {
                (_, Some(0)) => {}
                (Some(Step::SkipVarints(n)), None) => *n += 1,
                (Some(Step::SkipBytes(n)), Some(w)) => *n += w,
                (_, None) => steps.push(Step::SkipVarints(1)),
                (_, Some(w)) => steps.push(Step::SkipBytes(w)),
            }
        }
        steps.into_boxed_slice()
    }
}

/// The stored width of a value of `kind`, None for a varint.
fn width(kind: Kind) -> Option<u16> {
    match kind {
        Kind::None | Kind::True | Kind::False | Kind::Same(_) => Some(0),
        Kind::UInt | Kind::Int | Kind::FrameNum => None,
        Kind::Ipv4 => Some(4),
        Kind::Ipv6 => Some(16),
        Kind::Ether => Some(6),
    }
}

/// Runs `steps` over a record's values; None if the record is damaged.
fn run(steps: &[Step], whole: &[u8], marks: &mut Vec<usize>, tree: &mut Tree) -> Option<()> {
    let mut rec = whole;
    for &step in steps {
        match step {
            Step::SkipVarints(n) => varint::skip(&mut rec, n as usize)?,
            Step::SkipBytes(n) => rec = rec.get(n as usize..)?,
            Step::Mark(s) => {
                let s = s as usize;
                if marks.len() <= s {
                    marks.resize(s + 1, 0);
                }
                marks[s] = whole.len() - rec.len();
            }
            Step::Read(f, kind) => {
                let value = read(kind, &mut rec)?;
                tree.add(f, 0..0, value);
            }
            Step::ReadMarked(f, kind, s) => {
                let value = read(kind, &mut whole.get(*marks.get(s as usize)?..)?)?;
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
}

impl Plan {
    pub fn new(fields: &[Field]) -> Plan {
        Plan { fields: fields.to_vec(), by_shape: Vec::new(), marks: Vec::new() }
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
}

impl Encoder {
    pub fn new() -> Encoder {
        Encoder { next_id: NO_RECORD + 1, ..Encoder::default() }
    }

    /// Adds the record of the next packet, from its brief items.
    pub fn push(&mut self, items: &[(Field, Value)]) {
        let before = self.bytes.len();
        self.key.clear();
        let mut storable = true;
        for (j, (f, _)) in items.iter().enumerate() {
            match kind_at(items, j) {
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
                if !matches!(k, Kind::Same(_)) {
                    write(v, &mut self.bytes);
                }
            }
        }
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
        Value::Double(_) | Value::Bytes(_) | Value::Str(_) | Value::AbsTime(_) | Value::RelTime(_) => return None,
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
        _ => {}
    }
}

fn read(kind: Kind, rec: &mut &[u8]) -> Option<Value> {
    Some(match kind {
        Kind::None | Kind::Same(_) => Value::None,
        Kind::True => Value::Bool(true),
        Kind::False => Value::Bool(false),
        Kind::UInt => Value::UInt(varint::get(rec)?),
        Kind::Int => Value::Int(varint::get_i64(rec)?),
        Kind::FrameNum => Value::FrameNum(varint::get_u32(rec)?),
        Kind::Ipv4 => Value::Ipv4(take::<4>(rec)?.into()),
        Kind::Ipv6 => Value::Ipv6(take::<16>(rec)?.into()),
        Kind::Ether => Value::Ether(take::<6>(rec)?),
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
    use crate::dissect::{eth, frame, ipv4, tcp};
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
        let c = vec![(&frame::NUMBER as Field, Value::UInt(300)), (&ipv4::SRC, Value::str("not storable"))];
        let store = store_of(&[a.clone(), b, a, c]);
        assert_eq!(store.starts.len(), 4);
        let want: &[Field] = &[&ipv4::ADDR, &tcp::SEQ, &tcp::FLAG_SYN, &tcp::TCP];
        let first = decoded(&store, 0, want).unwrap();
        let names: Vec<&str> = first.iter().map(|(n, _)| n.as_str()).collect();
        assert_eq!(names, ["ip.addr", "ip.addr", "tcp", "tcp.flags.syn", "tcp.seq"]);
        assert_eq!(first[1].1, Value::Ipv4(Ipv4Addr::new(10, 0, 0, 2)));
        assert_eq!(first[4].1, Value::UInt(u64::MAX));
        assert_eq!(decoded(&store, 2, want), Some(first));
        assert_eq!(decoded(&store, 1, &[&ipv4::TTL]).unwrap(), vec![("ip.ttl".to_string(), Value::Int(-3))]);
        assert_eq!(decoded(&store, 1, &[&ipv4::SRC]).unwrap(), vec![]);
        assert_eq!(decoded(&store, 3, &[&frame::NUMBER]), None, "a string value cannot be kept");
        assert_eq!(decoded(&store, 4, &[&frame::NUMBER]), None);
    }

    #[test]
    fn records_fill_blocks_without_straddling() {
        let big: Vec<(Field, Value)> = (0..200).map(|i| (&tcp::SEQ as Field, Value::UInt(u64::MAX - i))).collect();
        let n = 2 * BLOCK / 2000 + 3;
        let store = store_of(&vec![big.clone(); n]);
        assert!(store.blocks.len() >= 2);
        for i in [0, n / 2, n - 1] {
            let got = decoded(&store, i, &[&tcp::SEQ]).unwrap();
            assert_eq!(got.len(), 200);
            assert_eq!(got[199].1, big[199].1);
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
        assert_eq!(store.record(0).unwrap().len(), 1 + 4 + 1);
        for (f, v) in &items {
            assert_eq!(decoded(&store, 0, &[*f]).unwrap(), vec![(f.name.to_string(), v.clone())]);
        }
    }

    #[test]
    fn damaged_records_are_refused_not_misread() {
        let mut store = store_of(&[vec![(&tcp::SEQ as Field, Value::UInt(1 << 40)), (&tcp::ACK, Value::UInt(1))]]);
        let cut = store.blocks[0].len() - 2;
        store.blocks[0].truncate(cut);
        assert_eq!(decoded(&store, 0, &[&tcp::SEQ]), None);
        assert_eq!(decoded(&store, 0, &[&tcp::ACK]), None);
    }
}
