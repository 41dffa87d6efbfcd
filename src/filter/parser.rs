//! A hand-written recursive-descent parser: one function per precedence
//! level, so each error knows exactly which token it stopped at and what
//! could have come instead.

use super::ast::{ArithOp, Expr, Operand, OperandKind, Quant, SetItem, SliceRange, Span};
use super::lexer::{lex, Tok, Token};
use super::FilterError;

/// Deepest nesting accepted: keeps recursion bounded on hostile input.
const MAX_DEPTH: usize = 200;

pub fn parse(src: &str) -> Result<Expr, FilterError> {
    let toks = lex(src)?;
    let mut p = Parser { toks, pos: 0, depth: 0 };
    if p.peek() == &Tok::Eof {
        return Err(FilterError::new(0..src.len(), "The filter is empty"));
    }
    let e = p.or()?;
    match p.peek() {
        Tok::Eof => Ok(e),
        Tok::RParen => Err(p.here("This \")\" has no matching \"(\"")),
        t => {
            let msg = format!(
                "{} was unexpected here: expected \"&&\", \"||\", \"^^\" or the end of the filter",
                t.describe()
            );
            Err(p.here(msg))
        }
    }
}

struct Parser {
    toks: Vec<Token>,
    pos: usize,
    depth: usize,
}

impl Parser {
    fn peek(&self) -> &Tok {
        &self.toks[self.pos.min(self.toks.len() - 1)].tok
    }

    fn peek2(&self) -> &Tok {
        &self.toks[(self.pos + 1).min(self.toks.len() - 1)].tok
    }

    fn span(&self) -> Span {
        self.toks[self.pos.min(self.toks.len() - 1)].span.clone()
    }

    fn next(&mut self) -> Token {
        let t = self.toks[self.pos.min(self.toks.len() - 1)].clone();
        if self.pos < self.toks.len() - 1 {
            self.pos += 1;
        }
        t
    }

    fn here(&self, msg: impl Into<String>) -> FilterError {
        FilterError::new(self.span(), msg)
    }

    fn or(&mut self) -> Result<Expr, FilterError> {
        let mut e = self.xor()?;
        while self.peek() == &Tok::Or {
            self.next();
            e = Expr::Or(Box::new(e), Box::new(self.xor()?));
        }
        Ok(e)
    }

    fn xor(&mut self) -> Result<Expr, FilterError> {
        let mut e = self.and()?;
        while self.peek() == &Tok::Xor {
            self.next();
            e = Expr::Xor(Box::new(e), Box::new(self.and()?));
        }
        Ok(e)
    }

    fn and(&mut self) -> Result<Expr, FilterError> {
        let mut e = self.unary()?;
        while self.peek() == &Tok::And {
            self.next();
            e = Expr::And(Box::new(e), Box::new(self.unary()?));
        }
        Ok(e)
    }

    fn unary(&mut self) -> Result<Expr, FilterError> {
        self.nest()?;
        let r = match self.peek() {
            Tok::Not => {
                self.next();
                self.unary().map(|e| Expr::Not(Box::new(e)))
            }
            Tok::LParen => {
                let open = self.next().span;
                let e = self.or()?;
                if self.peek() != &Tok::RParen {
                    let msg = format!(
                        "Expected \")\" to close the \"(\" at position {}, found {}",
                        open.start + 1,
                        self.peek().describe()
                    );
                    return Err(self.here(msg));
                }
                self.next();
                Ok(e)
            }
            _ => self.relation(),
        };
        self.depth -= 1;
        r
    }

    fn relation(&mut self) -> Result<Expr, FilterError> {
        let quant = match self.peek() {
            Tok::Word(w) if starts_operand(self.peek2()) && (w == "any" || w == "all") => {
                let q = if w == "any" { Quant::Any } else { Quant::All };
                Some((q, self.next().span))
            }
            _ => None,
        };
        let lhs = self.arith("a field, a protocol, \"!\" or \"(\"")?;
        let e = match *self.peek() {
            Tok::Cmp(op) => {
                let op_span = self.next().span;
                let what = format!("a value or a field after \"{}\"", op.symbol());
                let rhs = self.arith(&what)?;
                Expr::Cmp(lhs, op, op_span, rhs)
            }
            Tok::In => {
                self.next();
                Expr::In(lhs, false, self.set()?)
            }
            Tok::Not if self.peek2() == &Tok::In => {
                self.next();
                self.next();
                Expr::In(lhs, true, self.set()?)
            }
            _ => match quant {
                Some((_, span)) => {
                    let msg = "\"any\" and \"all\" need a comparison or a set test after them, as in all tcp.port > 1024";
                    return Err(FilterError::new(span, msg));
                }
                None => return Ok(Expr::Test(lhs)),
            },
        };
        Ok(match quant {
            Some((q, _)) => Expr::Quant(q, Box::new(e)),
            None => e,
        })
    }

    /// An arithmetic expression: one level per binding strength.
    fn arith(&mut self, expected: &str) -> Result<Operand, FilterError> {
        self.binary(1, expected)
    }

    fn binary(&mut self, level: u8, expected: &str) -> Result<Operand, FilterError> {
        let operand = |p: &mut Parser| if level == 3 { p.negation(expected) } else { p.binary(level + 1, expected) };
        let mut a = operand(self)?;
        loop {
            let op = match *self.peek() {
                Tok::Arith(op) if op.prec() == level => op,
                _ => return Ok(a),
            };
            let op_span = self.next().span;
            let what = format!("a value or a field after \"{}\"", op.symbol());
            let b = if level == 3 { self.negation(&what)? } else { self.binary(level + 1, &what)? };
            let span = a.span.start..b.span.end.max(op_span.end);
            a = Operand { kind: OperandKind::Arith(op, Box::new(a), Box::new(b)), span };
        }
    }

    fn negation(&mut self, expected: &str) -> Result<Operand, FilterError> {
        self.nest()?;
        let r = match self.peek() {
            Tok::Arith(ArithOp::Sub) => {
                let start = self.next().span.start;
                self.negation(expected).map(|a| {
                    let span = start..a.span.end;
                    Operand { kind: OperandKind::Neg(Box::new(a)), span }
                })
            }
            // Unary plus changes nothing, so the tree does not keep it.
            Tok::Arith(ArithOp::Add) => {
                self.next();
                self.negation(expected)
            }
            Tok::LBrace => {
                let open = self.next().span;
                let mut inner = self.arith("a value or a field inside \"{\"")?;
                if self.peek() != &Tok::RBrace {
                    let msg = format!(
                        "Expected \"}}\" to close the \"{{\" at position {}, found {}",
                        open.start + 1,
                        self.peek().describe()
                    );
                    return Err(self.here(msg));
                }
                inner.span = open.start..self.next().span.end;
                Ok(inner)
            }
            _ => self.operand(expected),
        };
        self.depth -= 1;
        r
    }

    /// Counts one more level of nesting, failing past `MAX_DEPTH`.
    fn nest(&mut self) -> Result<(), FilterError> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return Err(self.here("The filter nests too deeply"));
        }
        Ok(())
    }

    fn set(&mut self) -> Result<Vec<SetItem>, FilterError> {
        if self.peek() != &Tok::LBrace {
            let msg = format!("Expected \"{{\" to open a set after \"in\", found {}", self.peek().describe());
            return Err(self.here(msg));
        }
        self.next();
        let mut items = Vec::new();
        loop {
            match self.peek() {
                Tok::RBrace if !items.is_empty() => {
                    self.next();
                    return Ok(items);
                }
                Tok::Comma if !items.is_empty() => {
                    self.next();
                }
                _ => {}
            }
            let lo = self.member("a value in the set, or \"}\"")?;
            let hi = if self.peek() == &Tok::DotDot {
                self.next();
                Some(self.member("the upper end of the range after \"..\"")?)
            } else {
                None
            };
            items.push(SetItem { lo, hi });
            if !matches!(self.peek(), Tok::RBrace | Tok::Comma) && !starts_operand(self.peek()) {
                let msg = format!("Expected \",\", another value or \"}}\" in the set, found {}", self.peek().describe());
                return Err(self.here(msg));
            }
        }
    }

    /// A set member: a value, possibly negative (sets hold no arithmetic).
    fn member(&mut self, expected: &str) -> Result<Operand, FilterError> {
        if self.peek() != &Tok::Arith(ArithOp::Sub) {
            return self.operand(expected);
        }
        let start = self.next().span.start;
        let a = self.operand(expected)?;
        let span = start..a.span.end;
        Ok(Operand { kind: OperandKind::Neg(Box::new(a)), span })
    }

    fn operand(&mut self, expected: &str) -> Result<Operand, FilterError> {
        let t = self.next();
        let kind = match t.tok {
            Tok::Word(w) => {
                if self.peek() == &Tok::LParen {
                    return self.call(w, t.span);
                }
                if let Tok::Layer(text) = self.peek().clone() {
                    let span = self.next().span;
                    // `#2` or `#[…]`: the text starts one or two bytes in.
                    let base = span.start + 1 + (span.len() > text.len() + 1) as usize;
                    let ranges = slice_ranges(&text, base)?;
                    return self.slices(Operand { kind: OperandKind::Layer(w, ranges), span: t.span.start..span.end });
                }
                OperandKind::Word(w)
            }
            Tok::Str(s) => OperandKind::Str(s),
            Tok::Char(c) => OperandKind::Char(c),
            Tok::Ref(name) => OperandKind::Ref(name),
            Tok::Eof => {
                return Err(FilterError::new(t.span, format!("The filter ends too early: expected {expected}")));
            }
            other => {
                return Err(FilterError::new(t.span, format!("Expected {expected}, found {}", other.describe())));
            }
        };
        self.slices(Operand { kind, span: t.span })
    }

    /// `name(arg, …)`, the `(` being next.
    fn call(&mut self, name: String, name_span: Span) -> Result<Operand, FilterError> {
        self.next();
        self.nest()?;
        let mut args = vec![self.arith("a field inside the function's parentheses")?];
        while self.peek() == &Tok::Comma {
            self.next();
            args.push(self.arith("another argument after \",\"")?);
        }
        self.depth -= 1;
        if self.peek() != &Tok::RParen {
            let msg = format!("Expected \")\" to close the call to {name}(), found {}", self.peek().describe());
            return Err(self.here(msg));
        }
        let end = self.next().span.end;
        self.slices(Operand { kind: OperandKind::Call(name, args), span: name_span.start..end })
    }

    fn slices(&mut self, mut o: Operand) -> Result<Operand, FilterError> {
        while let Tok::Slice(text) = self.peek().clone() {
            let span = self.next().span;
            let ranges = slice_ranges(&text, span.start + 1)?;
            let whole = o.span.start..span.end;
            o = Operand { kind: OperandKind::Slice(Box::new(o), ranges), span: whole };
        }
        Ok(o)
    }
}

/// Whether a token can begin an operand (after a quantifier, or as the next
/// member of a set written without commas).
fn starts_operand(t: &Tok) -> bool {
    matches!(
        t,
        Tok::Word(_) | Tok::Str(_) | Tok::Char(_) | Tok::Ref(_) | Tok::LBrace | Tok::Arith(ArithOp::Sub | ArithOp::Add)
    )
}

/// Parses the inside of `[…]`, whose first byte is at `base` in the filter.
fn slice_ranges(text: &str, base: usize) -> Result<Vec<SliceRange>, FilterError> {
    let mut out = Vec::new();
    let mut off = 0;
    for part in text.split(',') {
        let span = base + off..base + off + part.len();
        off += part.len() + 1;
        let p = part.trim();
        let bad = || {
            FilterError::new(
                span.clone(),
                format!("\"{p}\" is not a valid slice: use [i], [i:n], [i-j], [i:] or [:n], with byte offsets"),
            )
        };
        let num = |s: &str| -> Result<i64, FilterError> { s.trim().parse::<i64>().map_err(|_| bad()) };
        let r = if let Some((a, n)) = p.split_once(':') {
            let a = if a.trim().is_empty() { 0 } else { num(a)? };
            if n.trim().is_empty() {
                SliceRange::ToEnd(a)
            } else {
                let n = num(n)?;
                if n <= 0 {
                    return Err(FilterError::new(span, format!("The length in slice \"{p}\" must be positive")));
                }
                SliceRange::Len(a, n)
            }
        } else if let Some(i) = p.get(1..).and_then(|rest| rest.find('-')).map(|i| i + 1) {
            let (a, b) = (num(&p[..i])?, num(&p[i + 1..])?);
            if (a >= 0) == (b >= 0) && b < a {
                return Err(FilterError::new(span, format!("Slice \"{p}\" ends before it starts")));
            }
            SliceRange::To(a, b)
        } else {
            SliceRange::One(num(p)?)
        };
        out.push(r);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn canon(s: &str) -> String {
        parse(s).unwrap_or_else(|e| panic!("{s}: {}", e.message)).to_string()
    }

    fn err(s: &str) -> FilterError {
        match parse(s) {
            Ok(e) => panic!("{s} parsed as {e}"),
            Err(e) => e,
        }
    }

    #[test]
    fn comparison_operators_in_both_spellings() {
        for (sym, word) in [("==", "eq"), ("!=", "ne"), ("<", "lt"), ("<=", "le"), (">", "gt"), (">=", "ge"), ("~=", "any_ne"), ("===", "all_eq")] {
            assert_eq!(canon(&format!("a {sym} 1")), format!("a {sym} 1"));
            assert_eq!(canon(&format!("a {word} 1")), format!("a {sym} 1"));
        }
        assert_eq!(canon("a contains \"x\""), "a contains \"x\"");
        assert_eq!(canon("a matches \"(?i)x\""), "a matches \"(?i)x\"");
        assert_eq!(canon("a & 0x02"), "a & 0x02");
        assert_eq!(canon("a !== 1"), "a ~= 1");
    }

    #[test]
    fn logical_operators_and_precedence() {
        assert_eq!(canon("a and b or c"), "a && b || c");
        assert_eq!(canon("a || b && c"), "a || b && c");
        assert!(matches!(parse("a || b && c").unwrap(), Expr::Or(_, r) if matches!(*r, Expr::And(..))));
        assert!(matches!(parse("a && b || c").unwrap(), Expr::Or(l, _) if matches!(*l, Expr::And(..))));
        assert!(matches!(parse("a or b xor c").unwrap(), Expr::Or(_, r) if matches!(*r, Expr::Xor(..))));
        assert!(matches!(parse("a xor b and c").unwrap(), Expr::Xor(_, r) if matches!(*r, Expr::And(..))));
        assert_eq!(canon("not a && b"), "!a && b");
        assert_eq!(canon("!(a && b)"), "!(a && b)");
        assert_eq!(canon("(a || b) && c"), "(a || b) && c");
        assert_eq!(canon("a || (b || c)"), "a || (b || c)");
        assert_eq!(canon("((a))"), "a");
        assert_eq!(canon("a ^^ b"), "a ^^ b");
        assert_eq!(canon("!!a"), "!!a");
    }

    #[test]
    fn values_sets_slices_and_calls() {
        assert_eq!(canon("ip.addr == 10.0.0.0/8"), "ip.addr == 10.0.0.0/8");
        assert_eq!(canon("eth.src == 00:11:22:33:44:55"), "eth.src == 00:11:22:33:44:55");
        assert_eq!(canon("ipv6.src == fe80::1/64"), "ipv6.src == fe80::1/64");
        assert_eq!(canon("x == \"a\\\"b\\\\\""), "x == \"a\\\"b\\\\\"");
        assert_eq!(canon("x == 'a'"), "x == 'a'");
        assert_eq!(canon("tcp.port in {80 443 8000..8080}"), "tcp.port in {80, 443, 8000..8080}");
        assert_eq!(canon("tcp.port in {80,443}"), "tcp.port in {80, 443}");
        assert_eq!(canon("tcp.port not in {80}"), "tcp.port not in {80}");
        assert_eq!(canon("frame[0:2] == 00:00"), "frame[0:2] == 00:00");
        assert_eq!(canon("frame[:2]"), "frame[0:2]");
        assert_eq!(canon("frame[-2:]"), "frame[-2:]");
        assert_eq!(canon("frame[1-3,5]"), "frame[1-3,5]");
        assert_eq!(canon("frame[2]"), "frame[2]");
        assert_eq!(canon("len(tcp.payload) > 3"), "len(tcp.payload) > 3");
        assert_eq!(canon("lower(http.host)[0:2] == \"ab\""), "lower(http.host)[0:2] == \"ab\"");
        assert_eq!(canon("tcp.srcport == tcp.dstport"), "tcp.srcport == tcp.dstport");
    }

    #[test]
    fn arithmetic_precedence_and_braces() {
        assert_eq!(canon("a + b * c"), "a + b * c");
        assert!(matches!(parse("a + b * c == 1").unwrap(), Expr::Cmp(Operand { kind: OperandKind::Arith(ArithOp::Add, _, r), .. }, ..) if matches!(r.kind, OperandKind::Arith(ArithOp::Mul, ..))));
        assert_eq!(canon("{a + b} * c"), "{a + b} * c");
        assert_eq!(canon("a - {b - c}"), "a - {b - c}");
        assert_eq!(canon("{a - b} - c"), "a - b - c");
        assert_eq!(canon("a & 0xf0 == 0x30"), "a & 0xf0 == 0x30");
        assert!(matches!(parse("a & 1 + 2").unwrap(), Expr::Test(Operand { kind: OperandKind::Arith(ArithOp::BitAnd, ..), .. })));
        assert_eq!(canon("a -1 == 2"), "a - 1 == 2");
        assert_eq!(canon("a == -1"), "a == -1");
        assert_eq!(canon("-a == - -1"), "-a == --1");
        assert_eq!(canon("a + +1 == +64"), "a + 1 == 64");
        assert_eq!(canon("-{a + 1} % 3"), "-{a + 1} % 3");
        assert_eq!(canon("{a}"), "a");
        assert_eq!(canon("a in {-1, 2}"), "a in {-1, 2}");
    }

    #[test]
    fn layers_functions_quantifiers_and_references() {
        assert_eq!(canon("ip.src#2"), "ip.src#2");
        assert_eq!(canon("ip.src#[2]"), "ip.src#2");
        assert_eq!(canon("ip.src#02 == 1.2.3.4"), "ip.src#2 == 1.2.3.4");
        assert_eq!(canon("ip.src#[1-2,-1:]"), "ip.src#[1-2,-1:]");
        assert_eq!(canon("ip.src#2[0:2] == 0a:00"), "ip.src#2[0:2] == 0a:00");
        assert_eq!(canon("max(a,b, 3) > min(c)"), "max(a, b, 3) > min(c)");
        assert_eq!(canon("abs(-a) == count(b#1)"), "abs(-a) == count(b#1)");
        assert_eq!(canon("all a != 1"), "all a != 1");
        assert_eq!(canon("any a in {1}"), "any a in {1}");
        assert_eq!(canon("!any a == 1 && b"), "!any a == 1 && b");
        assert_eq!(canon("any == 1"), "any == 1");
        assert_eq!(canon("a == ${ip.src}"), "a == ${ip.src}");
        let e = err("all a");
        assert_eq!(e.span, 0..3);
        assert!(err("{a + 1").message.contains("to close the \"{\" at position 1"));
        assert!(err("a + ").message.contains("after \"+\""));
        assert!(err("max(a,)").message.contains("another argument"));
        let e = err("ip.src#[x]");
        assert_eq!(e.span, 8..9);
    }

    #[test]
    fn operand_spans() {
        let Expr::Cmp(l, _, op, r) = parse("  len(a)[1:2] == \"x\"").unwrap() else { panic!() };
        assert_eq!(l.span, 2..13);
        assert_eq!(op, 14..16);
        assert_eq!(r.span, 17..20);
    }

    #[test]
    fn error_messages() {
        let e = err("");
        assert!(e.message.contains("empty"));
        let e = err("tcp.port ==");
        assert_eq!(e.span, 11..11);
        assert!(e.message.contains("ends too early: expected a value or a field after \"==\""), "{}", e.message);
        let e = err("tcp.port == 80 80");
        assert_eq!(e.span, 15..17);
        assert!(e.message.contains("\"80\" was unexpected here"));
        let e = err("(tcp");
        assert!(e.message.contains("to close the \"(\" at position 1"));
        let e = err("tcp)");
        assert!(e.message.contains("no matching \"(\""));
        let e = err("== 1");
        assert!(e.message.contains("Expected a field, a protocol"));
        assert_eq!(e.span, 0..2);
        let e = err("a in 80");
        assert!(e.message.contains("to open a set"));
        let e = err("a in {}");
        assert!(e.message.contains("a value in the set"));
        let e = err("a in {1 ==");
        assert!(e.message.contains("in the set, found \"==\""));
        let e = err("a in {1..}");
        assert!(e.message.contains("upper end of the range"));
        let e = err("frame[x]");
        assert!(e.message.contains("not a valid slice"));
        assert_eq!(e.span, 6..7);
        assert!(err("frame[0:0]").message.contains("must be positive"));
        assert!(err("frame[3-1]").message.contains("ends before it starts"));
        assert!(err("len(a").message.contains("close the call to len()"));
        assert!(err("len()").message.contains("inside the function's parentheses"));
        let deep = "(".repeat(1000) + "a" + &")".repeat(1000);
        assert!(err(&deep).message.contains("too deeply"));
    }
}
