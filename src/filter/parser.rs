//! A hand-written recursive-descent parser: one function per precedence
//! level, so each error knows exactly which token it stopped at and what
//! could have come instead.

use super::ast::{Expr, Operand, OperandKind, SetItem, SliceRange, Span};
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
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return Err(self.here("The filter nests too deeply"));
        }
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
        let lhs = self.operand("a field, a protocol, \"!\" or \"(\"")?;
        let op = match *self.peek() {
            Tok::Cmp(op) => op,
            Tok::In => {
                self.next();
                return Ok(Expr::In(lhs, false, self.set()?));
            }
            Tok::Not if self.peek2() == &Tok::In => {
                self.next();
                self.next();
                return Ok(Expr::In(lhs, true, self.set()?));
            }
            _ => return Ok(Expr::Test(lhs)),
        };
        let op_span = self.next().span;
        let what = format!("a value or a field after \"{}\"", op.symbol());
        let rhs = self.operand(&what)?;
        Ok(Expr::Cmp(lhs, op, op_span, rhs))
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
            let lo = self.operand("a value in the set, or \"}\"")?;
            let hi = if self.peek() == &Tok::DotDot {
                self.next();
                Some(self.operand("the upper end of the range after \"..\"")?)
            } else {
                None
            };
            items.push(SetItem { lo, hi });
            if !matches!(self.peek(), Tok::RBrace | Tok::Comma | Tok::Word(_) | Tok::Str(_) | Tok::Char(_)) {
                let msg = format!("Expected \",\", another value or \"}}\" in the set, found {}", self.peek().describe());
                return Err(self.here(msg));
            }
        }
    }

    fn operand(&mut self, expected: &str) -> Result<Operand, FilterError> {
        let t = self.next();
        let kind = match t.tok {
            Tok::Word(w) => {
                if self.peek() == &Tok::LParen {
                    self.next();
                    self.depth += 1;
                    if self.depth > MAX_DEPTH {
                        return Err(self.here("The filter nests too deeply"));
                    }
                    let arg = self.operand("a field inside the function's parentheses")?;
                    self.depth -= 1;
                    if self.peek() != &Tok::RParen {
                        let msg = format!("Expected \")\" to close the call to {w}(), found {}", self.peek().describe());
                        return Err(self.here(msg));
                    }
                    let end = self.next().span.end;
                    let call = Operand { kind: OperandKind::Call(w, Box::new(arg)), span: t.span.start..end };
                    return self.slices(call);
                }
                OperandKind::Word(w)
            }
            Tok::Str(s) => OperandKind::Str(s),
            Tok::Char(c) => OperandKind::Char(c),
            Tok::Eof => {
                return Err(FilterError::new(t.span, format!("The filter ends too early: expected {expected}")));
            }
            other => {
                return Err(FilterError::new(t.span, format!("Expected {expected}, found {}", other.describe())));
            }
        };
        self.slices(Operand { kind, span: t.span })
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
