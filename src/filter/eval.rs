//! The compiled form of a filter and its evaluation over a dissected packet.
//!
//! Evaluation scans the packet's flat tree once per field reference and
//! stops at the first value that decides the test; nothing is re-parsed and
//! nothing is allocated unless a slice or function builds a new value.

use std::borrow::Cow;
use std::cmp::Ordering;

use regex::bytes::Regex;

use super::ast::{CmpOp, Quant, SliceRange};
use super::values::{collect, each, in_layers, text_of, Val};
use crate::dissect::Dissection;
use crate::field::{self, Field, FieldType, Value};
use crate::field::tree::Node;

pub enum Prog {
    Or(Box<Prog>, Box<Prog>),
    Xor(Box<Prog>, Box<Prog>),
    And(Box<Prog>, Box<Prog>),
    Not(Box<Prog>),
    Exists(Src),
    /// A bare arithmetic expression: holds if some value is not zero.
    NonZero(Val),
    /// `None` is the operator's own quantifier (see `compare`).
    Cmp(Val, CmpOp, Option<Quant>, Val),
    /// Set members: single values, or inclusive ranges.
    In(Val, Option<Quant>, Vec<(V<'static>, Option<V<'static>>)>),
    Matches(Val, Option<Quant>, Regex),
}

/// A field reference with the slices and functions applied to each of its
/// values, innermost first. `layers` keeps only the values inside those
/// occurrences of the field's protocol (`ip.src#2`).
pub struct Src {
    pub field: Field,
    pub layers: Option<(Field, Vec<SliceRange>)>,
    pub steps: Vec<Step>,
}

pub enum Step {
    Slice(Vec<SliceRange>),
    Len,
    Lower,
    Upper,
    /// The value as filter text.
    String,
}

/// A value under comparison: read from the tree, or a typed literal.
#[derive(Clone, Debug, PartialEq)]
pub enum V<'a> {
    Num(i128),
    F(f64),
    /// An IPv4 address and its prefix length (32 for a single address).
    V4(u32, u8),
    V6(u128, u8),
    Bytes(Cow<'a, [u8]>),
    /// Nanoseconds (since the epoch for absolute times).
    Time(i128),
}

pub fn run(p: &Prog, d: &Dissection, frame: &[u8]) -> bool {
    match p {
        Prog::Or(a, b) => run(a, d, frame) || run(b, d, frame),
        Prog::Xor(a, b) => run(a, d, frame) ^ run(b, d, frame),
        Prog::And(a, b) => run(a, d, frame) && run(b, d, frame),
        Prog::Not(a) => !run(a, d, frame),
        Prog::Exists(s) => any(s, d, frame, &mut |_| true),
        Prog::NonZero(v) => each(v, d, frame, &mut |v| !matches!(v, V::Num(0) | V::Time(0)) && v != V::F(0.0)),
        Prog::Cmp(l, op, q, r) => {
            let owned;
            let others: &[V] = match r {
                Val::Const(c) => std::slice::from_ref(c),
                _ => {
                    owned = collect(r, d, frame);
                    &owned
                }
            };
            !others.is_empty() && compare(l, *op, *q, others, d, frame)
        }
        Prog::In(l, q, set) => {
            let inside = |v: &V, lo: &V, hi: &Option<V>| match hi {
                None => equal(v, lo),
                Some(hi) => {
                    matches!(order(v, lo), Some(Ordering::Greater | Ordering::Equal))
                        && matches!(order(v, hi), Some(Ordering::Less | Ordering::Equal))
                }
            };
            match q {
                // As Wireshark 4.0 compiles it: the set is the "or" of one
                // test per member, each under the quantifier.
                Some(Quant::All) => set.iter().any(|(lo, hi)| every(l, d, frame, &mut |v| inside(&v, lo, hi))),
                _ => each(l, d, frame, &mut |v| set.iter().any(|(lo, hi)| inside(&v, lo, hi))),
            }
        }
        Prog::Matches(l, q, re) => {
            let mut test = |v: V| matches!(v, V::Bytes(b) if re.is_match(&b));
            match q {
                Some(Quant::All) => every(l, d, frame, &mut test),
                _ => each(l, d, frame, &mut test),
            }
        }
    }
}

type Test = fn(&V, &V) -> bool;

/// Applies `op` with Wireshark's rules for fields that occur several times.
/// Without a quantifier, `!=` and `===` hold if every value of the left side
/// passes against every value of the right (so `!=` is "no value equals")
/// and the other operators if any value passes against any; `any`/`all`
/// choose explicitly, and then `!=`/`~=` mean "differs", `===` "equals".
fn compare(l: &Val, op: CmpOp, q: Option<Quant>, others: &[V], d: &Dissection, frame: &[u8]) -> bool {
    let test: Test = match op {
        CmpOp::Eq | CmpOp::AllEq => equal,
        CmpOp::Ne | CmpOp::AnyNe => |a, b| !equal(a, b),
        CmpOp::Lt => |a, b| order(a, b) == Some(Ordering::Less),
        CmpOp::Le => |a, b| matches!(order(a, b), Some(Ordering::Less | Ordering::Equal)),
        CmpOp::Gt => |a, b| order(a, b) == Some(Ordering::Greater),
        CmpOp::Ge => |a, b| matches!(order(a, b), Some(Ordering::Greater | Ordering::Equal)),
        CmpOp::Contains => contains,
        CmpOp::Matches => return false,
    };
    let all = match q {
        Some(q) => q == Quant::All,
        None => matches!(op, CmpOp::Ne | CmpOp::AllEq),
    };
    if all {
        every(l, d, frame, &mut |v| others.iter().all(|o| test(&v, o)))
    } else {
        each(l, d, frame, &mut |v| others.iter().any(|o| test(&v, o)))
    }
}

/// Whether `l` has values and `f` holds for each of them.
fn every<'a>(l: &Val, d: &'a Dissection, frame: &'a [u8], f: &mut dyn FnMut(V<'a>) -> bool) -> bool {
    each(l, d, frame, &mut |_| true) && !each(l, d, frame, &mut |v| !f(v))
}

/// Calls `f` on each value of `s` in the packet until it returns true.
pub fn any<'a>(s: &Src, d: &'a Dissection, frame: &'a [u8], f: &mut dyn FnMut(V<'a>) -> bool) -> bool {
    let layers = s.layers.as_ref().map(|(proto, ranges)| {
        let total = d.tree.nodes.iter().filter(|n| field::same(n.field, proto)).count();
        (*proto, ranges, total as i64)
    });
    // The layer of an item is the number of its protocol's items up to it:
    // the protocol's item comes first in the pre-order tree.
    let mut layer = 0;
    for (id, n) in d.tree.nodes.iter().enumerate() {
        if let Some((proto, ..)) = layers {
            layer += field::same(n.field, proto) as i64;
        }
        if !field::same(n.field, s.field) {
            continue;
        }
        if let Some((_, ranges, total)) = layers {
            if !in_layers(layer, total, ranges) {
                continue;
            }
        }
        if let Some(v) = value(s, id, n, d, frame) {
            if f(v) {
                return true;
            }
        }
    }
    false
}

fn value<'a>(s: &Src, id: usize, n: &'a Node, d: &'a Dissection, frame: &'a [u8]) -> Option<V<'a>> {
    let mut v = match &n.value {
        Value::None if n.field.ftype == FieldType::Protocol => V::Bytes(Cow::Borrowed(layer_bytes(id, d, frame))),
        Value::None => V::Bytes(Cow::Borrowed(d.node_bytes(frame, id))),
        Value::Bool(b) => V::Num(*b as i128),
        Value::UInt(x) => V::Num(*x as i128),
        Value::Int(x) => V::Num(*x as i128),
        Value::FrameNum(x) => V::Num(*x as i128),
        Value::Double(x) => V::F(*x),
        Value::Ipv4(a) => V::V4(u32::from(*a), 32),
        Value::Ipv6(a) => V::V6(u128::from(*a), 128),
        Value::Ether(m) => V::Bytes(Cow::Borrowed(&m[..])),
        Value::Bytes(b) => V::Bytes(Cow::Borrowed(b)),
        Value::Str(t) => V::Bytes(Cow::Borrowed(t.as_bytes())),
        Value::AbsTime(t) => V::Time(t.as_nanos()),
        Value::RelTime(ns) => V::Time(*ns as i128),
    };
    for (i, step) in s.steps.iter().enumerate() {
        v = match step {
            Step::Slice(ranges) => V::Bytes(Cow::Owned(slice(&bytes_of(v)?, ranges)?)),
            Step::Len => {
                // The length of a number, address or protocol is that of its
                // item, as in Wireshark (`len(tcp)` is the header length).
                let whole_item = i == 0 && (n.field.ftype == FieldType::Protocol || !matches!(v, V::Bytes(_)));
                let len = if whole_item { n.len as usize } else { bytes_of(v)?.len() };
                V::Num(len as i128)
            }
            Step::String => V::Bytes(Cow::Owned(text_of(v)?)),
            Step::Lower | Step::Upper => {
                let b = bytes_of(v)?;
                let upper = matches!(step, Step::Upper);
                let out = match std::str::from_utf8(&b) {
                    Ok(t) if upper => t.to_uppercase().into_bytes(),
                    Ok(t) => t.to_lowercase().into_bytes(),
                    Err(_) if upper => b.to_ascii_uppercase(),
                    Err(_) => b.to_ascii_lowercase(),
                };
                V::Bytes(Cow::Owned(out))
            }
        };
    }
    Some(v)
}

/// A protocol's value is the rest of its layer: from its first byte to the
/// last byte any later item of the same data source covers, so that
/// `ip contains "GET"` searches the payload as in Wireshark.
fn layer_bytes<'a>(id: usize, d: &'a Dissection, frame: &'a [u8]) -> &'a [u8] {
    let n = &d.tree.nodes[id];
    let end = d.tree.nodes[id..]
        .iter()
        .filter(|m| m.source == n.source)
        .map(|m| m.start as usize + m.len as usize)
        .max()
        .unwrap_or(0);
    let src = d.source_bytes(frame, n.source);
    src.get(n.start as usize..end.min(src.len())).unwrap_or(&[])
}

fn bytes_of(v: V) -> Option<Cow<[u8]>> {
    match v {
        V::Bytes(b) => Some(b),
        V::V4(a, _) => Some(Cow::Owned(a.to_be_bytes().to_vec())),
        V::V6(a, _) => Some(Cow::Owned(a.to_be_bytes().to_vec())),
        _ => None,
    }
}

/// Wireshark's byte ranges: a range reaching outside the value makes the
/// whole slice absent, as does an empty result.
fn slice(b: &[u8], ranges: &[SliceRange]) -> Option<Vec<u8>> {
    let len = b.len() as i64;
    let at = |i: i64| if i < 0 { len + i } else { i };
    let mut out = Vec::new();
    for r in ranges {
        let (s, e) = match *r {
            SliceRange::One(i) => (at(i), at(i).checked_add(1)?),
            SliceRange::Len(i, n) => (at(i), at(i).checked_add(n)?),
            SliceRange::To(i, j) => (at(i), at(j).checked_add(1)?),
            SliceRange::ToEnd(i) => (at(i), len),
        };
        if s < 0 || e > len || s >= e {
            return None;
        }
        out.extend_from_slice(&b[s as usize..e as usize]);
    }
    Some(out)
}

fn mask32(bits: u8) -> u32 {
    if bits == 0 { 0 } else { u32::MAX << (32 - bits.min(32) as u32) }
}

fn mask128(bits: u8) -> u128 {
    if bits == 0 { 0 } else { u128::MAX << (128 - bits.min(128) as u32) }
}

pub fn equal(a: &V, b: &V) -> bool {
    match (a, b) {
        (V::V4(x, p), V::V4(y, q)) => {
            let m = mask32(*p.min(q));
            x & m == y & m
        }
        (V::V6(x, p), V::V6(y, q)) => {
            let m = mask128(*p.min(q));
            x & m == y & m
        }
        _ => order(a, b) == Some(Ordering::Equal),
    }
}

pub fn order(a: &V, b: &V) -> Option<Ordering> {
    match (a, b) {
        (V::Num(x), V::Num(y)) | (V::Time(x), V::Time(y)) => Some(x.cmp(y)),
        (V::F(x), V::F(y)) => x.partial_cmp(y),
        (V::F(x), V::Num(y)) => x.partial_cmp(&(*y as f64)),
        (V::Num(x), V::F(y)) => (*x as f64).partial_cmp(y),
        (V::V4(x, _), V::V4(y, _)) => Some(x.cmp(y)),
        (V::V6(x, _), V::V6(y, _)) => Some(x.cmp(y)),
        (V::Bytes(x), V::Bytes(y)) => Some(x.as_ref().cmp(y.as_ref())),
        _ => None,
    }
}

fn contains(a: &V, b: &V) -> bool {
    match (a, b) {
        (V::Bytes(h), V::Bytes(n)) => memchr::memmem::find(h, n).is_some(),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slices_follow_wireshark_ranges() {
        let b = [0u8, 1, 2, 3, 4];
        assert_eq!(slice(&b, &[SliceRange::Len(1, 2)]), Some(vec![1, 2]));
        assert_eq!(slice(&b, &[SliceRange::To(1, 3)]), Some(vec![1, 2, 3]));
        assert_eq!(slice(&b, &[SliceRange::ToEnd(-2)]), Some(vec![3, 4]));
        assert_eq!(slice(&b, &[SliceRange::One(-1)]), Some(vec![4]));
        assert_eq!(slice(&b, &[SliceRange::One(0), SliceRange::One(4)]), Some(vec![0, 4]));
        assert_eq!(slice(&b, &[SliceRange::Len(4, 2)]), None);
        assert_eq!(slice(&b, &[SliceRange::ToEnd(5)]), None);
        assert_eq!(slice(&b, &[SliceRange::One(-6)]), None);
        assert_eq!(slice(&b, &[SliceRange::Len(i64::MAX, 2)]), None);
    }

    #[test]
    fn cidr_equality_and_ordering() {
        assert!(equal(&V::V4(0x0a01_0203, 32), &V::V4(0x0a00_0000, 8)));
        assert!(!equal(&V::V4(0x0b01_0203, 32), &V::V4(0x0a00_0000, 8)));
        assert!(equal(&V::V6(1, 128), &V::V6(0, 64)));
        assert_eq!(order(&V::Num(3), &V::Num(4)), Some(Ordering::Less));
        assert_eq!(order(&V::Num(3), &V::Bytes(Cow::Borrowed(b"x"))), None);
        assert!(contains(&V::Bytes(Cow::Borrowed(b"GET /")), &V::Bytes(Cow::Borrowed(b"T /"))));
    }
}
