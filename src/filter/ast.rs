//! The syntax tree of a filter, with the span of every operand, and its
//! canonical text form (`Display`): parsing that text gives the same tree.

use std::fmt::{self, Display, Formatter, Write};
use std::ops::Range;

pub type Span = Range<usize>;

#[derive(Clone, Debug, PartialEq)]
pub enum Expr {
    Or(Box<Expr>, Box<Expr>),
    Xor(Box<Expr>, Box<Expr>),
    And(Box<Expr>, Box<Expr>),
    Not(Box<Expr>),
    /// A bare operand: a presence test (`tcp`, `http.request`).
    Test(Operand),
    Cmp(Operand, CmpOp, Span, Operand),
    /// `x in {…}`, or `x not in {…}` when the flag is set.
    In(Operand, bool, Vec<SetItem>),
    /// `any …` or `all …` before a comparison or set test (always a `Cmp`
    /// or an `In`): which of the left side's values must pass.
    Quant(Quant, Box<Expr>),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Quant {
    Any,
    All,
}

/// Arithmetic on values (Wireshark 4.0): `&` binds loosest, then `+ -`,
/// then `* / %`, all left-associative.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ArithOp {
    BitAnd,
    Add,
    Sub,
    Mul,
    Div,
    Mod,
}

impl ArithOp {
    pub fn symbol(self) -> &'static str {
        match self {
            ArithOp::BitAnd => "&",
            ArithOp::Add => "+",
            ArithOp::Sub => "-",
            ArithOp::Mul => "*",
            ArithOp::Div => "/",
            ArithOp::Mod => "%",
        }
    }

    pub fn prec(self) -> u8 {
        match self {
            ArithOp::BitAnd => 1,
            ArithOp::Add | ArithOp::Sub => 2,
            _ => 3,
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CmpOp {
    Eq,
    AllEq,
    Ne,
    AnyNe,
    Lt,
    Le,
    Gt,
    Ge,
    Contains,
    Matches,
}

impl CmpOp {
    pub fn symbol(self) -> &'static str {
        match self {
            CmpOp::Eq => "==",
            CmpOp::AllEq => "===",
            CmpOp::Ne => "!=",
            CmpOp::AnyNe => "~=",
            CmpOp::Lt => "<",
            CmpOp::Le => "<=",
            CmpOp::Gt => ">",
            CmpOp::Ge => ">=",
            CmpOp::Contains => "contains",
            CmpOp::Matches => "matches",
        }
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct Operand {
    pub kind: OperandKind,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq)]
pub enum OperandKind {
    /// A field or protocol name, or an unquoted literal: which one depends
    /// on the registry and on the other side of the comparison.
    Word(String),
    Str(Vec<u8>),
    Char(u32),
    /// `field#2` or `field#[1-2]`: the values in those layers of the
    /// field's protocol (1 is the outermost; negative counts from the last).
    Layer(String, Vec<SliceRange>),
    Slice(Box<Operand>, Vec<SliceRange>),
    Call(String, Vec<Operand>),
    Arith(ArithOp, Box<Operand>, Box<Operand>),
    Neg(Box<Operand>),
    /// `${field}`: the field's value in the reference packet.
    Ref(String),
}

impl Operand {
    /// Binding strength in arithmetic: below that of a neighbour's operator,
    /// an operand is printed in braces.
    fn prec(&self) -> u8 {
        match &self.kind {
            OperandKind::Arith(op, ..) => op.prec(),
            OperandKind::Neg(_) => 4,
            _ => 5,
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SliceRange {
    /// `[i:n]`: `n` bytes from `i`.
    Len(i64, i64),
    /// `[i-j]`: from `i` to `j` inclusive.
    To(i64, i64),
    /// `[i:]`: from `i` to the end.
    ToEnd(i64),
    /// `[i]`: one byte.
    One(i64),
}

#[derive(Clone, Debug, PartialEq)]
pub struct SetItem {
    pub lo: Operand,
    pub hi: Option<Operand>,
}

impl Expr {
    /// Binding strength: `||` < `^^` < `&&` < `!` < relations.
    fn prec(&self) -> u8 {
        match self {
            Expr::Or(..) => 1,
            Expr::Xor(..) => 2,
            Expr::And(..) => 3,
            Expr::Not(_) => 4,
            _ => 5,
        }
    }
}

fn child(f: &mut Formatter, e: &Expr, min: u8) -> fmt::Result {
    if e.prec() < min {
        write!(f, "({e})")
    } else {
        write!(f, "{e}")
    }
}

impl Display for Expr {
    fn fmt(&self, f: &mut Formatter) -> fmt::Result {
        let p = self.prec();
        match self {
            Expr::Or(a, b) | Expr::Xor(a, b) | Expr::And(a, b) => {
                let op = match self {
                    Expr::Or(..) => "||",
                    Expr::Xor(..) => "^^",
                    _ => "&&",
                };
                // Operators are left-associative: a right operand of the
                // same strength needs parentheses to keep its grouping.
                child(f, a, p)?;
                write!(f, " {op} ")?;
                child(f, b, p + 1)
            }
            Expr::Not(e) => {
                f.write_char('!')?;
                child(f, e, p)
            }
            Expr::Test(o) => write!(f, "{o}"),
            Expr::Quant(q, e) => write!(f, "{} {e}", if *q == Quant::Any { "any" } else { "all" }),
            Expr::Cmp(a, op, _, b) => write!(f, "{a} {} {b}", op.symbol()),
            Expr::In(a, neg, items) => {
                write!(f, "{a} {}in {{", if *neg { "not " } else { "" })?;
                for (i, it) in items.iter().enumerate() {
                    if i > 0 {
                        f.write_str(", ")?;
                    }
                    write!(f, "{}", it.lo)?;
                    if let Some(hi) = &it.hi {
                        write!(f, "..{hi}")?;
                    }
                }
                f.write_char('}')
            }
        }
    }
}

impl Display for Operand {
    fn fmt(&self, f: &mut Formatter) -> fmt::Result {
        match &self.kind {
            OperandKind::Word(w) => f.write_str(w),
            OperandKind::Str(s) => {
                f.write_char('"')?;
                for chunk in s.utf8_chunks() {
                    for c in chunk.valid().chars() {
                        escape(f, c, '"')?;
                    }
                    for b in chunk.invalid() {
                        write!(f, "\\x{b:02x}")?;
                    }
                }
                f.write_char('"')
            }
            OperandKind::Char(c) => {
                f.write_char('\'')?;
                match char::from_u32(*c) {
                    Some(ch) if *c < 0x80 => escape(f, ch, '\'')?,
                    _ if *c <= 0xff => write!(f, "\\x{c:02x}")?,
                    Some(ch) => f.write_char(ch)?,
                    None => write!(f, "\\U{c:08x}")?,
                }
                f.write_char('\'')
            }
            OperandKind::Layer(name, ranges) => match ranges[..] {
                [SliceRange::One(n)] if n >= 0 => write!(f, "{name}#{n}"),
                _ => {
                    write!(f, "{name}#")?;
                    ranges_text(f, ranges)
                }
            },
            OperandKind::Slice(base, ranges) => {
                write!(f, "{base}")?;
                ranges_text(f, ranges)
            }
            OperandKind::Call(name, args) => {
                write!(f, "{name}(")?;
                for (i, a) in args.iter().enumerate() {
                    if i > 0 {
                        f.write_str(", ")?;
                    }
                    write!(f, "{a}")?;
                }
                f.write_char(')')
            }
            OperandKind::Arith(op, a, b) => {
                // Left-associative, as for the logical operators.
                braced(f, a, op.prec())?;
                write!(f, " {} ", op.symbol())?;
                braced(f, b, op.prec() + 1)
            }
            OperandKind::Neg(a) => {
                f.write_char('-')?;
                braced(f, a, 4)
            }
            OperandKind::Ref(name) => write!(f, "${{{name}}}"),
        }
    }
}

fn braced(f: &mut Formatter, o: &Operand, min: u8) -> fmt::Result {
    if o.prec() < min {
        write!(f, "{{{o}}}")
    } else {
        write!(f, "{o}")
    }
}

fn ranges_text(f: &mut Formatter, ranges: &[SliceRange]) -> fmt::Result {
    f.write_char('[')?;
    for (i, r) in ranges.iter().enumerate() {
        if i > 0 {
            f.write_char(',')?;
        }
        match r {
            SliceRange::Len(a, n) => write!(f, "{a}:{n}")?,
            SliceRange::To(a, b) => write!(f, "{a}-{b}")?,
            SliceRange::ToEnd(a) => write!(f, "{a}:")?,
            SliceRange::One(a) => write!(f, "{a}")?,
        }
    }
    f.write_char(']')
}

fn escape(f: &mut Formatter, c: char, quote: char) -> fmt::Result {
    match c {
        '\\' => f.write_str("\\\\"),
        c if c == quote => write!(f, "\\{c}"),
        '\n' => f.write_str("\\n"),
        '\t' => f.write_str("\\t"),
        '\r' => f.write_str("\\r"),
        c if (c as u32) < 0x20 || c as u32 == 0x7f => write!(f, "\\x{:02x}", c as u32),
        c => f.write_char(c),
    }
}
