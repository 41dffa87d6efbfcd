//! The type checker: resolves names against the field registry, reads each
//! literal as the type of the field it is compared with, and produces the
//! program `eval` runs.

use std::borrow::Cow;
use std::net::{Ipv4Addr, Ipv6Addr};

use regex::bytes::RegexBuilder;

use std::cmp::Ordering;

use super::ast::{ArithOp, CmpOp, Expr, Operand, OperandKind, Quant, SetItem, Span};
use super::eval::{Prog, Src, Step, V};
use super::values::Val;
use super::suggest::{or_list, similar};
use super::FilterError;
use crate::field::{self, Field, FieldType};

/// What a value is, for choosing how to read literals and which operators apply.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Kind {
    Int(FieldType),
    Bool,
    Double,
    V4,
    V6,
    Ether,
    Bytes,
    Str,
    AbsTime,
    RelTime,
    /// An item with no value (`FT_NONE`): presence only.
    Label,
}

fn kind_of(t: FieldType) -> Kind {
    match t {
        FieldType::U8 | FieldType::U16 | FieldType::U24 | FieldType::U32 | FieldType::U64 | FieldType::I32 | FieldType::FrameNum => {
            Kind::Int(t)
        }
        FieldType::Bool => Kind::Bool,
        FieldType::Double => Kind::Double,
        FieldType::Ipv4 => Kind::V4,
        FieldType::Ipv6 => Kind::V6,
        FieldType::Ether => Kind::Ether,
        FieldType::Bytes | FieldType::Protocol => Kind::Bytes,
        FieldType::String => Kind::Str,
        FieldType::AbsTime => Kind::AbsTime,
        FieldType::RelTime => Kind::RelTime,
        FieldType::None => Kind::Label,
    }
}

/// How an error message names a kind: "ip.src is an IPv4 address".
fn describe(k: Kind) -> &'static str {
    match k {
        Kind::Int(FieldType::U8) => "an unsigned 8-bit integer",
        Kind::Int(FieldType::U16) => "an unsigned 16-bit integer",
        Kind::Int(FieldType::U24) => "an unsigned 24-bit integer",
        Kind::Int(FieldType::U32) => "an unsigned 32-bit integer",
        Kind::Int(FieldType::U64) => "an unsigned 64-bit integer",
        Kind::Int(FieldType::I32) => "a signed 32-bit integer",
        Kind::Int(FieldType::FrameNum) => "a frame number",
        Kind::Int(_) => "an integer",
        Kind::Bool => "a boolean (1/0, True/False)",
        Kind::Double => "a floating-point number",
        Kind::V4 => "an IPv4 address",
        Kind::V6 => "an IPv6 address",
        Kind::Ether => "an Ethernet (MAC) address",
        Kind::Bytes => "a byte sequence",
        Kind::Str => "a character string",
        Kind::AbsTime => "an absolute time",
        Kind::RelTime => "a relative time in seconds",
        Kind::Label => "a label with no value",
    }
}

fn is_bytes_like(k: Kind) -> bool {
    matches!(k, Kind::Bytes | Kind::Str | Kind::Ether)
}

/// Whether two field values can be compared with each other.
fn compatible(a: Kind, b: Kind) -> bool {
    let class = |k: Kind| match k {
        Kind::Int(_) | Kind::Bool => 0,
        Kind::Bytes | Kind::Str | Kind::Ether => 1,
        Kind::Double => 2,
        Kind::V4 => 3,
        Kind::V6 => 4,
        Kind::AbsTime => 5,
        Kind::RelTime => 6,
        Kind::Label => 7,
    };
    a != Kind::Label && class(a) == class(b)
}

pub struct Checker {
    pub fields: Vec<Field>,
}

/// What a literal on the right of an operator is read as: the type of the
/// left side `lhs` (and its field's value names, if it is a plain field).
/// `computed` is set when the left side is arithmetic or a function, whose
/// values may be negative, so that `-36` is read exactly instead of
/// wrapping as for an unsigned field.
#[derive(Clone, Copy)]
struct Expect<'a> {
    kind: Kind,
    lhs: &'a Operand,
    field: Option<Field>,
    computed: bool,
}

const FUNCTIONS: &str = "abs(), count(), len(), lower(), max(), min(), string() and upper()";

impl Checker {
    pub fn expr(&mut self, e: &Expr) -> Result<Prog, FilterError> {
        Ok(match e {
            Expr::Or(a, b) => Prog::Or(Box::new(self.expr(a)?), Box::new(self.expr(b)?)),
            Expr::Xor(a, b) => Prog::Xor(Box::new(self.expr(a)?), Box::new(self.expr(b)?)),
            Expr::And(a, b) => Prog::And(Box::new(self.expr(a)?), Box::new(self.expr(b)?)),
            Expr::Not(a) => Prog::Not(Box::new(self.expr(a)?)),
            Expr::Test(o) => self.test(o)?,
            Expr::Cmp(l, op, op_span, r) => self.cmp(l, *op, op_span.clone(), r, None)?,
            Expr::In(l, neg, items) => self.set(l, *neg, items, None)?,
            Expr::Quant(q, inner) => match inner.as_ref() {
                Expr::Cmp(l, op, op_span, r) => self.cmp(l, *op, op_span.clone(), r, Some(*q))?,
                Expr::In(l, neg, items) => self.set(l, *neg, items, Some(*q))?,
                // The parser puts a quantifier before comparisons only.
                other => self.expr(other)?,
            },
        })
    }

    /// A bare operand: a field's presence, or a nonzero arithmetic result.
    fn test(&mut self, o: &Operand) -> Result<Prog, FilterError> {
        match &o.kind {
            OperandKind::Arith(..) | OperandKind::Neg(_) => Ok(Prog::NonZero(self.val(o, None, None)?.0)),
            OperandKind::Call(name, _) => Err(FilterError::new(
                o.span.clone(),
                format!("{name}() is a value, not a test: compare it, as in {o} > 0"),
            )),
            OperandKind::Ref(_) => Err(FilterError::new(
                o.span.clone(),
                format!("{o} is a value, not a test: compare a field with it, as in ip.src == {o}"),
            )),
            _ => Ok(Prog::Exists(self.src(o, None)?.0)),
        }
    }

    fn set(&mut self, l: &Operand, neg: bool, items: &[SetItem], q: Option<Quant>) -> Result<Prog, FilterError> {
        if !matches!(l.kind, OperandKind::Word(_) | OperandKind::Layer(..)) {
            return Err(FilterError::new(
                l.span.clone(),
                format!("Only a field may be tested for membership in a set, not {l} (as in Wireshark)"),
            ));
        }
        let (val, kind) = self.val(l, Some("in"), None)?;
        let expect = expect(&val, kind, l);
        let mut set = Vec::new();
        for it in items {
            let lo = self.constant(&it.lo, &expect)?;
            let hi = match &it.hi {
                Some(h) => Some(self.constant(h, &expect)?),
                None => None,
            };
            set.push((lo, hi));
        }
        let p = Prog::In(val, q, set);
        Ok(if neg { Prog::Not(Box::new(p)) } else { p })
    }

    fn cmp(&mut self, l: &Operand, op: CmpOp, op_span: Span, r: &Operand, q: Option<Quant>) -> Result<Prog, FilterError> {
        let (lval, kind) = self.val(l, Some(op.symbol()), None)?;
        if matches!(op, CmpOp::Matches | CmpOp::Contains) && !is_bytes_like(kind) {
            return Err(FilterError::new(
                op_span,
                format!("{l} is {}: \"{}\" works on strings, byte fields and protocols only", describe(kind), op.symbol()),
            ));
        }
        if op == CmpOp::Matches {
            let OperandKind::Str(pat) = &r.kind else {
                return Err(FilterError::new(
                    r.span.clone(),
                    "\"matches\" needs a quoted regular expression, as in http.host matches \"(?i)example\"",
                ));
            };
            let pat = String::from_utf8_lossy(pat);
            let re = RegexBuilder::new(&pat).unicode(false).size_limit(1 << 22).build().map_err(|e| {
                let detail = e.to_string();
                let last = detail.lines().rev().find(|s| !s.trim().is_empty()).unwrap_or("invalid").trim().to_string();
                FilterError::new(r.span.clone(), format!("Invalid regular expression: {last}"))
            })?;
            return Ok(Prog::Matches(lval, q, re));
        }
        let mut expect = expect(&lval, kind, l);
        if op == CmpOp::Contains && kind == Kind::Ether {
            expect.kind = Kind::Bytes;
        }
        // A word on the right is a field when it names one whose values
        // compare with the left side's; otherwise it is read as a literal.
        let rval = match &r.kind {
            OperandKind::Word(w) if field::lookup(w).is_some() => {
                let literal = self.literal(r, &expect).ok();
                let before = self.fields.len();
                let (rsrc, rkind) = self.src(r, Some(op.symbol()))?;
                match (self.fits(kind, op, rkind), literal) {
                    (true, _) => Val::Src(rsrc),
                    (false, Some(v)) => {
                        self.fields.truncate(before);
                        Val::Const(v)
                    }
                    (false, None) => return Err(incomparable(l, kind, r, rkind)),
                }
            }
            _ => {
                let (rval, rkind) = self.val(r, Some(op.symbol()), Some(&expect))?;
                if !matches!(rval, Val::Const(_)) && !self.fits(kind, op, rkind) {
                    return Err(incomparable(l, kind, r, rkind));
                }
                rval
            }
        };
        Ok(Prog::Cmp(lval, op, q, rval))
    }

    fn fits(&self, kind: Kind, op: CmpOp, rkind: Kind) -> bool {
        compatible(kind, rkind) || (op == CmpOp::Contains && is_bytes_like(rkind))
    }

    /// Compiles an operand to the values it stands for. A literal needs
    /// `expect` (the type of the other side); `op` names the operator it is
    /// an operand of, for messages.
    fn val(&mut self, o: &Operand, op: Option<&str>, expect: Option<&Expect>) -> Result<(Val, Kind), FilterError> {
        let is_literal = match &o.kind {
            OperandKind::Word(w) => field::lookup(w).is_none(),
            OperandKind::Str(_) | OperandKind::Char(_) => true,
            OperandKind::Neg(inner) => matches!(&inner.kind, OperandKind::Word(w) if field::lookup(w).is_none()),
            _ => false,
        };
        match (&o.kind, expect) {
            (_, Some(e)) if is_literal => Ok((Val::Const(self.constant(o, e)?), e.kind)),
            (OperandKind::Arith(..), None) | (OperandKind::Neg(_), None) if is_literal || literal_first(o) => Err(
                FilterError::new(o.span.clone(), "Arithmetic on constants alone cannot be the left side: start it with a field"),
            ),
            (OperandKind::Call(name, args), _) => self.call(o, name, args, op, expect),
            (OperandKind::Arith(aop, a, b), _) => {
                let (va, ka) = self.val(a, op, expect)?;
                let fits = match ka {
                    Kind::Int(_) => true,
                    Kind::Bool => *aop == ArithOp::BitAnd,
                    Kind::Double => *aop != ArithOp::BitAnd,
                    Kind::RelTime => matches!(aop, ArithOp::Add | ArithOp::Sub),
                    _ => false,
                };
                if !fits {
                    return Err(FilterError::new(
                        a.span.clone(),
                        format!("{a} is {}: \"{}\" does not apply to it", describe(ka), aop.symbol()),
                    ));
                }
                let e = Expect { kind: ka, lhs: a, field: None, computed: true };
                let (vb, kb) = self.val(b, op, Some(&e))?;
                if !compatible(ka, kb) {
                    return Err(incomparable(a, ka, b, kb));
                }
                Ok((Val::Arith(*aop, Box::new(va), Box::new(vb)), ka))
            }
            (OperandKind::Neg(a), _) => {
                let (v, k) = self.val(a, op, expect)?;
                if !matches!(k, Kind::Int(_) | Kind::Double | Kind::RelTime) {
                    return Err(FilterError::new(o.span.clone(), format!("{a} is {}: it cannot be negated", describe(k))));
                }
                Ok((Val::Neg(Box::new(v)), k))
            }
            // The layer of a reference (`${ip.src#2}`) only picks among
            // the reference packet's values, which there are none of.
            (OperandKind::Ref(name), _) => match field::lookup(name.split_once('#').map_or(name.as_str(), |(f, _)| f)) {
                Some(f) if f.ftype != FieldType::Protocol => Ok((Val::Ref, kind_of(f.ftype))),
                _ => Err(FilterError::new(
                    o.span.clone(),
                    format!("\"{name}\" is not a field: a reference ${{…}} names a field, as in ${{ip.src}}"),
                )),
            },
            _ => {
                let (s, k) = self.src(o, op)?;
                Ok((Val::Src(s), k))
            }
        }
    }

    /// Functions that compute new values (the others transform a field's
    /// values one by one: see `src`).
    fn call(&mut self, o: &Operand, name: &str, args: &[Operand], op: Option<&str>, expect: Option<&Expect>) -> Result<(Val, Kind), FilterError> {
        let name_span = o.span.start..o.span.start + name.len();
        let arity = |n: usize| {
            if args.len() == n {
                Ok(())
            } else {
                Err(FilterError::new(name_span.clone(), format!("{name}() takes exactly {n} argument, not {}", args.len())))
            }
        };
        match name {
            "count" => {
                arity(1)?;
                if !matches!(args[0].kind, OperandKind::Word(_) | OperandKind::Layer(..)) {
                    return Err(FilterError::new(args[0].span.clone(), "count() counts the occurrences of a field: give it a field"));
                }
                let (s, _) = self.src(&args[0], op)?;
                Ok((Val::Count(s), Kind::Int(FieldType::U32)))
            }
            "abs" => {
                arity(1)?;
                let (v, k) = self.val(&args[0], op, expect)?;
                if !matches!(k, Kind::Int(_) | Kind::Double | Kind::RelTime) {
                    return Err(FilterError::new(
                        args[0].span.clone(),
                        format!("abs() works on numbers; {} is {}", args[0], describe(k)),
                    ));
                }
                Ok((Val::Abs(Box::new(v)), k))
            }
            "max" | "min" => {
                let Some(head) = args.first() else {
                    return Err(FilterError::new(name_span, format!("{name}() needs at least one argument")));
                };
                let (first, kind) = self.val(head, op, expect)?;
                let e = Expect { kind, lhs: head, field: None, computed: true };
                let mut vals = vec![first];
                for a in &args[1..] {
                    let (v, k) = self.val(a, op, Some(&e))?;
                    if !matches!(v, Val::Const(_)) && k != kind {
                        return Err(FilterError::new(
                            a.span.clone(),
                            format!("The arguments of {name}() must have the same type: {head} is {}, {a} is {}", describe(kind), describe(k)),
                        ));
                    }
                    vals.push(v);
                }
                let ord = if name == "max" { Ordering::Greater } else { Ordering::Less };
                Ok((Val::Extreme(ord, vals), kind))
            }
            _ => {
                let (s, k) = self.src(o, op)?;
                Ok((Val::Src(s), k))
            }
        }
    }

    /// A literal, or the negation of one (`-1` lexes as `-` then `1`).
    fn constant(&self, o: &Operand, e: &Expect) -> Result<V<'static>, FilterError> {
        match &o.kind {
            OperandKind::Neg(inner) => match &inner.kind {
                OperandKind::Word(w) => {
                    let signed = Operand { kind: OperandKind::Word(format!("-{w}")), span: o.span.clone() };
                    self.literal(&signed, e)
                }
                _ => Err(FilterError::new(o.span.clone(), format!("{o} is not a value: {} is {}", e.lhs, describe(e.kind)))),
            },
            _ => self.literal(o, e),
        }
    }

    /// Resolves an operand that must be a field (possibly in given layers,
    /// sliced or passed through a function that maps each value). `op`
    /// names the operator it is the left side of.
    fn src(&mut self, o: &Operand, op: Option<&str>) -> Result<(Src, Kind), FilterError> {
        match &o.kind {
            OperandKind::Word(w) => match field::lookup(w) {
                Some(f) => {
                    if !self.fields.iter().any(|g| field::same(g, f)) {
                        self.fields.push(f);
                    }
                    Ok((Src { field: f, layers: None, steps: Vec::new() }, kind_of(f.ftype)))
                }
                None => Err(unknown_field(w, o.span.clone(), op)),
            },
            OperandKind::Layer(w, ranges) => {
                let word = Operand { kind: OperandKind::Word(w.clone()), span: o.span.start..o.span.start + w.len() };
                let (mut s, k) = self.src(&word, op)?;
                let Some(proto) = field::lookup(s.field.protocol()) else {
                    return Err(FilterError::new(o.span.clone(), format!("{w} belongs to no protocol, so it has no layers")));
                };
                s.layers = Some((proto, ranges.clone()));
                Ok((s, k))
            }
            OperandKind::Str(_) | OperandKind::Char(_) => {
                let msg = match op {
                    Some(op) => format!("The left side of \"{op}\" must be a field, a protocol or a function, not the value {o}"),
                    None => format!("{o} is a value, not a test: compare a field with it, as in http.host == {o}"),
                };
                Err(FilterError::new(o.span.clone(), msg))
            }
            OperandKind::Slice(base, ranges) => {
                let (mut s, k) = self.src(base, op)?;
                if !matches!(k, Kind::Bytes | Kind::Str | Kind::Ether | Kind::V4 | Kind::V6) {
                    return Err(FilterError::new(
                        o.span.clone(),
                        format!("{base} is {}: only byte fields, strings, addresses and protocols can be sliced", describe(k)),
                    ));
                }
                s.steps.push(Step::Slice(ranges.clone()));
                Ok((s, Kind::Bytes))
            }
            OperandKind::Call(name, args) => {
                let name_span = o.span.start..o.span.start + name.len();
                if !matches!(name.as_str(), "len" | "lower" | "upper" | "string") {
                    let msg = match name.as_str() {
                        "count" | "abs" | "max" | "min" => format!("{name}() gives a number, which cannot be sliced or passed to this function"),
                        _ => format!("\"{name}\" is not a function: the functions are {FUNCTIONS}"),
                    };
                    return Err(FilterError::new(name_span, msg));
                }
                let [arg] = &args[..] else {
                    return Err(FilterError::new(name_span, format!("{name}() takes exactly 1 argument, not {}", args.len())));
                };
                if matches!(arg.kind, OperandKind::Arith(..) | OperandKind::Neg(_)) {
                    return Err(FilterError::new(arg.span.clone(), format!("{name}() takes a field, not arithmetic")));
                }
                let (mut s, k) = self.src(arg, op)?;
                let (step, kind) = match name.as_str() {
                    "len" => (Step::Len, Kind::Int(FieldType::U32)),
                    // Wireshark 4.0 converts numbers and addresses only.
                    "string" => match k {
                        Kind::Int(_) | Kind::V4 | Kind::V6 | Kind::Ether => (Step::String, Kind::Str),
                        _ => {
                            return Err(FilterError::new(
                                o.span.clone(),
                                format!("string() cannot convert {arg}, which is {}", describe(k)),
                            ))
                        }
                    },
                    _ if k != Kind::Str => {
                        return Err(FilterError::new(
                            o.span.clone(),
                            format!("{name}() works on strings; {arg} is {}", describe(k)),
                        ))
                    }
                    "lower" => (Step::Lower, Kind::Str),
                    _ => (Step::Upper, Kind::Str),
                };
                s.steps.push(step);
                Ok((s, kind))
            }
            OperandKind::Arith(..) | OperandKind::Neg(_) | OperandKind::Ref(_) => Err(FilterError::new(
                o.span.clone(),
                format!("{o} is computed: only a field, a slice or len(), lower(), upper() or string() can be used here"),
            )),
        }
    }

    /// Reads literal `o` as a value of `kind`, the type of `lhs` (field `f`).
    fn literal(&self, o: &Operand, e: &Expect) -> Result<V<'static>, FilterError> {
        let Expect { kind, lhs, field: f, computed } = *e;
        let span = o.span.clone();
        let err = |what: &str| FilterError::new(span.clone(), format!("{o} is not {what}: {lhs} is {}", describe(kind)));
        if kind == Kind::Label {
            return Err(FilterError::new(
                lhs.span.clone(),
                format!("{lhs} is a label with no value: it can only be tested for presence, as in \"{lhs}\" alone"),
            ));
        }
        let text: Cow<str> = match &o.kind {
            OperandKind::Word(w) => Cow::Borrowed(w.as_str()),
            OperandKind::Str(s) => String::from_utf8_lossy(s),
            OperandKind::Char(c) => {
                return match kind {
                    Kind::Int(_) | Kind::Bool => Ok(V::Num(*c as i128)),
                    Kind::Bytes if *c <= 0xff => Ok(V::Bytes(Cow::Owned(vec![*c as u8]))),
                    Kind::Bytes | Kind::Str => {
                        let ch = char::from_u32(*c).unwrap_or('\u{fffd}');
                        Ok(V::Bytes(Cow::Owned(ch.to_string().into_bytes())))
                    }
                    _ => Err(err("valid here (a character constant)")),
                };
            }
            _ => return Err(err("a value")),
        };
        let quoted = matches!(o.kind, OperandKind::Str(_));
        match kind {
            Kind::Int(t) => {
                let named =
                    f.filter(|f| f.ftype != FieldType::Bool).and_then(|f| f.value_named(&text)).map(|k| V::Num(k as i128));
                if let Some(v) = named {
                    return Ok(v);
                }
                if quoted {
                    return Err(err("a number (numbers are written without quotes)"));
                }
                let n = parse_int(&text).ok_or_else(|| {
                    let near = similar(&text);
                    if text.contains('.') && !near.is_empty() {
                        FilterError::new(
                            span.clone(),
                            format!("{o} is neither a number nor a field: did you mean {}?", or_list(&near)),
                        )
                    } else {
                        err("a valid number")
                    }
                })?;
                if computed && n < 0 {
                    return Ok(V::Num(n));
                }
                int_in_range(n, t).map(V::Num).map_err(|max| {
                    FilterError::new(span.clone(), format!("{o} is too big for {lhs}, whose maximum is {max}"))
                })
            }
            Kind::Bool => match text.as_ref() {
                t if t.eq_ignore_ascii_case("true") => Ok(V::Num(1)),
                t if t.eq_ignore_ascii_case("false") => Ok(V::Num(0)),
                t => match parse_int(t) {
                    Some(n) if !quoted => Ok(V::Num((n != 0) as i128)),
                    _ => Err(err("a boolean (use 1 or 0, True or False)")),
                },
            },
            Kind::Double => text.parse::<f64>().ok().filter(|_| !quoted).map(V::F).ok_or_else(|| err("a valid number")),
            Kind::RelTime => parse_secs(&text).map(V::Time).ok_or_else(|| err("a time in seconds, such as 0.5")),
            Kind::AbsTime => parse_abs_time(&text)
                .map(V::Time)
                .ok_or_else(|| err("a time such as \"2024-03-07 21:42:06\" or \"Mar  7, 2024 21:42:06\" (UTC)")),
            Kind::V4 => {
                let (addr, bits) = split_cidr(&text);
                let a: Ipv4Addr = addr.parse().map_err(|_| err("a valid IPv4 address"))?;
                let bits = cidr_bits(bits, 32, &span, "IPv4")?;
                Ok(V::V4(u32::from(a), bits))
            }
            Kind::V6 => {
                let (addr, bits) = split_cidr(&text);
                let a: Ipv6Addr = addr.parse().map_err(|_| err("a valid IPv6 address"))?;
                let bits = cidr_bits(bits, 128, &span, "IPv6")?;
                Ok(V::V6(u128::from(a), bits))
            }
            Kind::Ether => match parse_bytes(&text) {
                Some(b) if b.len() == 6 && !quoted => Ok(V::Bytes(Cow::Owned(b))),
                _ => Err(err("a valid MAC address (six bytes such as 00:11:22:33:44:55)")),
            },
            Kind::Bytes => match &o.kind {
                OperandKind::Str(s) => Ok(V::Bytes(Cow::Owned(s.clone()))),
                _ => parse_bytes(&text)
                    .map(|b| V::Bytes(Cow::Owned(b)))
                    .ok_or_else(|| err("a valid byte string (such as 47:45:54 or \"GET\")")),
            },
            Kind::Str => match &o.kind {
                OperandKind::Str(s) => Ok(V::Bytes(Cow::Owned(s.clone()))),
                _ => Ok(V::Bytes(Cow::Owned(text.as_bytes().to_vec()))),
            },
            Kind::Label => Err(err("valid here")),
        }
    }
}

/// How literals compared with `val` (of kind `kind`, written `l`) are read.
fn expect<'a>(val: &Val, kind: Kind, l: &'a Operand) -> Expect<'a> {
    match val {
        Val::Src(s) if s.steps.is_empty() => Expect { kind, lhs: l, field: Some(s.field), computed: false },
        Val::Src(_) => Expect { kind, lhs: l, field: None, computed: false },
        _ => Expect { kind, lhs: l, field: None, computed: true },
    }
}

/// Whether an arithmetic expression starts with a literal (`1 + ip.ttl`),
/// which Wireshark refuses as the left side of a comparison.
fn literal_first(o: &Operand) -> bool {
    match &o.kind {
        OperandKind::Arith(_, a, _) | OperandKind::Neg(a) => literal_first(a),
        OperandKind::Word(w) => field::lookup(w).is_none(),
        OperandKind::Str(_) | OperandKind::Char(_) => true,
        _ => false,
    }
}

fn incomparable(l: &Operand, kind: Kind, r: &Operand, rkind: Kind) -> FilterError {
    FilterError::new(
        r.span.clone(),
        format!("{l} is {} and {r} is {}: they cannot be compared", describe(kind), describe(rkind)),
    )
}

fn unknown_field(w: &str, span: std::ops::Range<usize>, op: Option<&str>) -> FilterError {
    let near = similar(w);
    let looks_like_value = w.starts_with(|c: char| c.is_ascii_digit() || c == '-');
    let mut msg = if looks_like_value {
        match op {
            Some(op) => format!("The left side of \"{op}\" must be a field, a protocol or a function, not the value {w}"),
            None => format!("\"{w}\" is a value, not a test: compare a field with it, as in tcp.port == {w}"),
        }
    } else {
        format!("\"{w}\" is not a valid protocol or protocol field")
    };
    if !near.is_empty() && !looks_like_value {
        msg.push_str(&format!("; did you mean {}?", or_list(&near)));
    } else if !looks_like_value {
        msg.push_str(" (wirelens --list-fields lists them)");
    }
    FilterError::new(span, msg)
}

/// Decimal, `0x` hex, `0b` binary or leading-zero octal, with an optional
/// minus sign.
fn parse_int(s: &str) -> Option<i128> {
    let (neg, body) = match s.strip_prefix('-') {
        Some(b) => (true, b),
        None => (false, s),
    };
    let v = if let Some(h) = body.strip_prefix("0x").or_else(|| body.strip_prefix("0X")) {
        u64::from_str_radix(h, 16).ok()?
    } else if let Some(b) = body.strip_prefix("0b").or_else(|| body.strip_prefix("0B")) {
        u64::from_str_radix(b, 2).ok()?
    } else if body.len() > 1 && body.starts_with('0') {
        u64::from_str_radix(&body[1..], 8).ok()?
    } else {
        body.parse::<u64>().ok()?
    };
    if !body.starts_with(|c: char| c.is_ascii_digit()) {
        return None;
    }
    Some(if neg { -(v as i128) } else { v as i128 })
}

/// Checks that `n` fits type `t`; the error carries the type's maximum. A
/// negative number for an unsigned field wraps as in Wireshark, so that it
/// never matches rather than failing.
fn int_in_range(n: i128, t: FieldType) -> Result<i128, u64> {
    let max: u64 = match t {
        FieldType::U8 => 0xff,
        FieldType::U16 => 0xffff,
        FieldType::U24 => 0xff_ffff,
        FieldType::U32 | FieldType::FrameNum => 0xffff_ffff,
        FieldType::I32 => i32::MAX as u64,
        _ => u64::MAX,
    };
    if t == FieldType::I32 {
        return if n < i32::MIN as i128 || n > i32::MAX as i128 { Err(max) } else { Ok(n) };
    }
    if n < 0 {
        return Ok((n as i64 as u64) as i128);
    }
    if n > max as i128 {
        Err(max)
    } else {
        Ok(n)
    }
}

fn split_cidr(s: &str) -> (&str, Option<&str>) {
    match s.split_once('/') {
        Some((a, b)) => (a, Some(b)),
        None => (s, None),
    }
}

fn cidr_bits(bits: Option<&str>, max: u8, span: &std::ops::Range<usize>, fam: &str) -> Result<u8, FilterError> {
    match bits {
        None => Ok(max),
        Some(b) => match b.parse::<u8>() {
            Ok(n) if n <= max => Ok(n),
            _ => Err(FilterError::new(
                span.clone(),
                format!("Netmask bits in a CIDR {fam} address should be a number from 0 to {max}, not {b}"),
            )),
        },
    }
}

/// `47:45:54`, `47-45-54`, `47.45.54`, `0x47` or a single `47`.
fn parse_bytes(s: &str) -> Option<Vec<u8>> {
    if let Some(h) = s.strip_prefix("0x") {
        return (h.len() <= 2).then(|| u8::from_str_radix(h, 16).ok()).flatten().map(|b| vec![b]);
    }
    let sep = s.chars().find(|c| matches!(c, ':' | '-' | '.'));
    let parts: Vec<&str> = match sep {
        Some(c) => s.split(c).collect(),
        None => vec![s],
    };
    // Cisco-style MACs (0011.2233.4455) group two bytes per part.
    if sep == Some('.') && parts.len() == 3 && parts.iter().all(|p| p.len() == 4) {
        let joined: String = parts.concat();
        return (0..6).map(|i| u8::from_str_radix(joined.get(i * 2..i * 2 + 2)?, 16).ok()).collect();
    }
    parts
        .iter()
        .map(|p| {
            if p.is_empty() || p.len() > 2 {
                None
            } else {
                u8::from_str_radix(p, 16).ok()
            }
        })
        .collect()
}

/// `1.5`, `-0.25`, `3` seconds as nanoseconds, without float rounding.
fn parse_secs(s: &str) -> Option<i128> {
    let (neg, body) = match s.strip_prefix('-') {
        Some(b) => (true, b),
        None => (false, s),
    };
    let (int, frac) = body.split_once('.').unwrap_or((body, ""));
    if (int.is_empty() && frac.is_empty()) || !int.chars().all(|c| c.is_ascii_digit()) || !frac.chars().all(|c| c.is_ascii_digit()) {
        return None;
    }
    let whole: i128 = if int.is_empty() { 0 } else { int.parse().ok()? };
    let mut ns: i128 = 0;
    for (i, c) in frac.chars().take(9).enumerate() {
        ns += (c as i128 - '0' as i128) * 10i128.pow(8 - i as u32);
    }
    let v = whole.checked_mul(1_000_000_000)?.checked_add(ns)?;
    Some(if neg { -v } else { v })
}

/// `2024-03-07 21:42:06[.frac]` (or with `T`), or Wireshark's own
/// `Mar  7, 2024 21:42:06[.frac]`; an optional `UTC`/`Z`. Times are UTC.
fn parse_abs_time(s: &str) -> Option<i128> {
    const MONTHS: [&str; 12] = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"];
    let s = s.trim();
    let s = s.strip_suffix("UTC").or_else(|| s.strip_suffix('Z')).unwrap_or(s).trim();
    let (date, time) = match s.rsplit_once([' ', 'T']) {
        Some((d, t)) if t.contains(':') => (d.trim(), t),
        _ => (s, "00:00:00"),
    };
    let (y, m, d) = if let Some(mon) = MONTHS.iter().position(|m| date.len() >= 3 && date[..3].eq_ignore_ascii_case(m)) {
        let rest = date.get(3..)?.trim();
        let (day, year) = rest.split_once(',')?;
        (year.trim().parse::<i64>().ok()?, mon as i64 + 1, day.trim().parse::<i64>().ok()?)
    } else {
        let mut it = date.splitn(3, '-');
        (it.next()?.parse().ok()?, it.next()?.parse().ok()?, it.next()?.parse().ok()?)
    };
    if !(1..=12).contains(&m) || !(1..=31).contains(&d) {
        return None;
    }
    let mut hms = time.splitn(3, ':');
    let hh: i64 = hms.next()?.parse().ok()?;
    let mm: i64 = hms.next()?.parse().ok()?;
    let sec = parse_secs(hms.next().unwrap_or("0"))?;
    if hh > 23 || mm > 59 || !(0..61_000_000_000).contains(&sec) {
        return None;
    }
    let days = days_from_civil(y, m, d);
    Some((days as i128 * 86_400 + hh as i128 * 3600 + mm as i128 * 60) * 1_000_000_000 + sec)
}

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant).
fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn integers_in_every_base() {
        assert_eq!(parse_int("136"), Some(136));
        assert_eq!(parse_int("0x88"), Some(136));
        assert_eq!(parse_int("0210"), Some(136));
        assert_eq!(parse_int("0b10001000"), Some(136));
        assert_eq!(parse_int("-1"), Some(-1));
        assert_eq!(parse_int("0"), Some(0));
        assert_eq!(parse_int("08"), None);
        assert_eq!(parse_int("x1"), None);
        assert_eq!(parse_int("-"), None);
        assert_eq!(int_in_range(70000, FieldType::U16), Err(65535));
        assert_eq!(int_in_range(-1, FieldType::U16), Ok(u64::MAX as i128));
    }

    #[test]
    fn bytes_times_and_dates() {
        assert_eq!(parse_bytes("47:45:54"), Some(vec![0x47, 0x45, 0x54]));
        assert_eq!(parse_bytes("47-45"), Some(vec![0x47, 0x45]));
        assert_eq!(parse_bytes("0011.2233.4455"), Some(vec![0, 0x11, 0x22, 0x33, 0x44, 0x55]));
        assert_eq!(parse_bytes("ff"), Some(vec![0xff]));
        assert_eq!(parse_bytes("0x0a"), Some(vec![10]));
        assert_eq!(parse_bytes("141"), None);
        assert_eq!(parse_bytes("g0"), None);
        assert_eq!(parse_secs("1.5"), Some(1_500_000_000));
        assert_eq!(parse_secs("-0.000000001"), Some(-1));
        assert_eq!(parse_secs("."), None);
        let t = 1362692526i128 * 1_000_000_000;
        assert_eq!(parse_abs_time("2013-03-07 21:42:06"), Some(t));
        assert_eq!(parse_abs_time("Mar  7, 2013 21:42:06.5 UTC"), Some(t + 500_000_000));
        assert_eq!(parse_abs_time("2013-03-07T21:42:06Z"), Some(t));
        assert_eq!(parse_abs_time("2013-13-07 21:42:06"), None);
        assert_eq!(days_from_civil(1970, 1, 1), 0);
    }
}
