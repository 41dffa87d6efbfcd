//! Computed operands: arithmetic, `count`, `abs`, `max`/`min` and layer
//! selection, as Wireshark 4.0 evaluates them. A computed operand stands for
//! a list of values: arithmetic on two lists gives every pairing (a field
//! that occurs twice, plus one, gives two values), and a division by zero or
//! an overflow gives no value rather than a wrong one.

use std::cmp::Ordering;
use std::fmt::Write as _;
use std::net::{Ipv4Addr, Ipv6Addr};

use super::ast::{ArithOp, SliceRange};
use super::eval::{any, order, Src, V};
use crate::dissect::Dissection;

pub enum Val {
    /// A field's values, through its slices and per-value functions.
    Src(Src),
    Const(V<'static>),
    /// `count(field)`: how often the field occurs; no value when never.
    Count(Src),
    Arith(ArithOp, Box<Val>, Box<Val>),
    Neg(Box<Val>),
    Abs(Box<Val>),
    /// `max(…)` (`Greater`) or `min(…)` (`Less`) over all the arguments'
    /// values.
    Extreme(Ordering, Vec<Val>),
    /// `${field}`, the field in a marked reference packet. tshark has no
    /// such packet and neither do wirelens's filters, so it has no value.
    Ref,
}

/// Calls `f` on each value of `v` until it returns true.
pub fn each<'a>(v: &Val, d: &'a Dissection, frame: &'a [u8], f: &mut dyn FnMut(V<'a>) -> bool) -> bool {
    match v {
        Val::Src(s) => any(s, d, frame, f),
        Val::Const(c) => f(c.clone()),
        Val::Count(s) => {
            let mut n = 0;
            any(s, d, frame, &mut |_| {
                n += 1;
                false
            });
            n > 0 && f(V::Num(n))
        }
        Val::Arith(op, a, b) => {
            let rights = collect(b, d, frame);
            each(a, d, frame, &mut |x| rights.iter().any(|y| arith(*op, &x, y).is_some_and(&mut *f)))
        }
        Val::Neg(a) => each(a, d, frame, &mut |x| negate(x).is_some_and(&mut *f)),
        Val::Abs(a) => each(a, d, frame, &mut |x| match order(&x, &V::Num(0)) {
            Some(Ordering::Less) => negate(x).is_some_and(&mut *f),
            _ => f(x),
        }),
        Val::Extreme(want, args) => {
            let mut best: Option<V> = None;
            for a in args {
                each(a, d, frame, &mut |x| {
                    if best.as_ref().is_none_or(|b| order(&x, b) == Some(*want)) {
                        best = Some(x);
                    }
                    false
                });
            }
            best.is_some_and(f)
        }
        Val::Ref => false,
    }
}

pub fn collect<'a>(v: &Val, d: &'a Dissection, frame: &'a [u8]) -> Vec<V<'a>> {
    let mut out = Vec::new();
    each(v, d, frame, &mut |x| {
        out.push(x);
        false
    });
    out
}

fn arith<'a>(op: ArithOp, x: &V, y: &V) -> Option<V<'a>> {
    let float = |a: f64, b: f64| match op {
        ArithOp::Add => Some(a + b),
        ArithOp::Sub => Some(a - b),
        ArithOp::Mul => Some(a * b),
        ArithOp::Div if b != 0.0 => Some(a / b),
        ArithOp::Mod if b != 0.0 => Some(a % b),
        _ => None,
    };
    match (x, y) {
        (V::Num(a), V::Num(b)) => Some(V::Num(match op {
            ArithOp::BitAnd => a & b,
            ArithOp::Add => a.checked_add(*b)?,
            ArithOp::Sub => a.checked_sub(*b)?,
            ArithOp::Mul => a.checked_mul(*b)?,
            ArithOp::Div => a.checked_div(*b)?,
            ArithOp::Mod => a.checked_rem(*b)?,
        })),
        (V::Time(a), V::Time(b)) => Some(V::Time(match op {
            ArithOp::Add => a.checked_add(*b)?,
            ArithOp::Sub => a.checked_sub(*b)?,
            _ => return None,
        })),
        (V::F(a), V::F(b)) => float(*a, *b).map(V::F),
        (V::F(a), V::Num(b)) => float(*a, *b as f64).map(V::F),
        (V::Num(a), V::F(b)) => float(*a as f64, *b).map(V::F),
        _ => None,
    }
}

fn negate(x: V) -> Option<V> {
    match x {
        V::Num(a) => a.checked_neg().map(V::Num),
        V::Time(a) => a.checked_neg().map(V::Time),
        V::F(a) => Some(V::F(-a)),
        _ => None,
    }
}

/// Whether layer `layer` of `total` is in `ranges`, which count from 1
/// (negative ones from the last layer, -1 being the last).
pub fn in_layers(layer: i64, total: i64, ranges: &[SliceRange]) -> bool {
    let at = |i: i64| if i < 0 { total + 1 + i } else { i };
    ranges.iter().any(|r| match *r {
        SliceRange::One(i) => layer == at(i),
        SliceRange::Len(i, n) => layer >= at(i) && layer - at(i) < n,
        SliceRange::To(i, j) => layer >= at(i) && layer <= at(j),
        SliceRange::ToEnd(i) => layer >= at(i),
    })
}

/// `string()`: a value as Wireshark writes it in a filter (decimal numbers
/// whatever the field's display base; a MAC address, the only bytes it
/// converts, as `00:0b:db:63:58:a6`).
pub fn text_of(v: V) -> Option<Vec<u8>> {
    Some(match v {
        V::Num(n) => n.to_string().into_bytes(),
        V::V4(a, _) => Ipv4Addr::from(a).to_string().into_bytes(),
        V::V6(a, _) => Ipv6Addr::from(a).to_string().into_bytes(),
        V::Bytes(b) => {
            let mut s = String::with_capacity(b.len() * 3);
            for (i, x) in b.iter().enumerate() {
                let sep = if i > 0 { ":" } else { "" };
                let _ = write!(s, "{sep}{x:02x}");
            }
            s.into_bytes()
        }
        V::F(_) | V::Time(_) => return None,
    })
}

#[cfg(test)]
mod tests {
    use std::borrow::Cow;

    use super::*;

    #[test]
    fn integer_arithmetic_is_exact_and_fails_softly() {
        assert_eq!(arith(ArithOp::Sub, &V::Num(64), &V::Num(100)), Some(V::Num(-36)));
        assert_eq!(arith(ArithOp::BitAnd, &V::Num(0xb0), &V::Num(0xf0)), Some(V::Num(0xb0)));
        assert_eq!(arith(ArithOp::Mod, &V::Num(194), &V::Num(3)), Some(V::Num(2)));
        assert_eq!(arith(ArithOp::Div, &V::Num(7), &V::Num(0)), None);
        assert_eq!(arith(ArithOp::Mod, &V::Num(7), &V::Num(0)), None);
        assert_eq!(arith(ArithOp::Mul, &V::Num(i128::MAX), &V::Num(2)), None);
        assert_eq!(arith(ArithOp::Add, &V::Time(5), &V::Time(-5)), Some(V::Time(0)));
        assert_eq!(arith(ArithOp::Mul, &V::Time(5), &V::Time(2)), None);
        assert_eq!(arith(ArithOp::Add, &V::F(0.5), &V::Num(1)), Some(V::F(1.5)));
        assert_eq!(negate(V::Num(i128::MIN)), None);
    }

    #[test]
    fn layers_count_from_either_end() {
        assert!(in_layers(2, 2, &[SliceRange::One(2)]));
        assert!(in_layers(2, 2, &[SliceRange::One(-1)]));
        assert!(in_layers(1, 2, &[SliceRange::One(-2)]));
        assert!(!in_layers(1, 2, &[SliceRange::One(0)]));
        assert!(in_layers(2, 3, &[SliceRange::To(1, 2)]));
        assert!(!in_layers(3, 3, &[SliceRange::Len(1, 2)]));
        assert!(in_layers(3, 3, &[SliceRange::ToEnd(2)]));
    }

    #[test]
    fn string_conversion() {
        assert_eq!(text_of(V::Num(64)), Some(b"64".to_vec()));
        assert_eq!(text_of(V::V4(0xc0a8_0101, 32)), Some(b"192.168.1.1".to_vec()));
        assert_eq!(text_of(V::V6(1, 128)), Some(b"::1".to_vec()));
        assert_eq!(text_of(V::Bytes(Cow::Borrowed(&[0, 0x0b, 0xdb]))), Some(b"00:0b:db".to_vec()));
        assert_eq!(text_of(V::F(1.0)), None);
    }
}
