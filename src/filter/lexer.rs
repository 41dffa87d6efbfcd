//! Tokens of the display filter language, each with its byte span.
//!
//! Wireshark's literals (addresses, byte strings, numbers, CIDR blocks) are
//! not typed by their spelling alone: `ab:cd` may be bytes or half a MAC
//! address. So the lexer keeps them as words and the checker interprets each
//! word against the type of the field it is compared with.

use std::ops::Range;

use super::ast::{ArithOp, CmpOp};
use super::FilterError;

#[derive(Clone, Debug, PartialEq)]
pub enum Tok {
    LParen,
    RParen,
    LBrace,
    RBrace,
    Comma,
    DotDot,
    And,
    Or,
    Xor,
    Not,
    /// A comparison operator, in either spelling.
    Cmp(CmpOp),
    In,
    /// An arithmetic operator (`-` also negates).
    Arith(ArithOp),
    /// `#2` or `#[1-2]` right after a field: the text a slice would hold.
    Layer(String),
    /// `${name}`, holding the name.
    Ref(String),
    /// A quoted string, escapes already decoded. Bytes, not text: `\xff`
    /// is the byte 0xff, as in Wireshark.
    Str(Vec<u8>),
    /// A character constant such as `'a'`.
    Char(u32),
    /// A field name, function name or unquoted literal.
    Word(String),
    /// The raw text between `[` and `]`; the span covers the brackets.
    Slice(String),
    Eof,
}

impl Tok {
    /// How the token is named in "expected …, found …" messages.
    pub fn describe(&self) -> String {
        match self {
            Tok::Str(s) => format!("string \"{}\"", s.escape_ascii()),
            Tok::Char(_) => "character constant".into(),
            Tok::Word(w) => format!("\"{w}\""),
            Tok::Slice(s) => format!("\"[{s}]\""),
            Tok::Layer(s) => format!("layer \"#{s}\""),
            Tok::Ref(s) => format!("\"${{{s}}}\""),
            Tok::Eof => "end of filter".into(),
            other => format!("\"{}\"", other.symbol()),
        }
    }

    pub fn symbol(&self) -> &'static str {
        match self {
            Tok::LParen => "(",
            Tok::RParen => ")",
            Tok::LBrace => "{",
            Tok::RBrace => "}",
            Tok::Comma => ",",
            Tok::DotDot => "..",
            Tok::And => "&&",
            Tok::Or => "||",
            Tok::Xor => "^^",
            Tok::Not => "!",
            Tok::Cmp(op) => op.symbol(),
            Tok::In => "in",
            Tok::Arith(op) => op.symbol(),
            _ => "",
        }
    }
}

#[derive(Clone, Debug)]
pub struct Token {
    pub tok: Tok,
    pub span: Range<usize>,
}

fn word_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | ':' | '-' | '/')
}

fn keyword(w: &str) -> Option<Tok> {
    Some(match w {
        "and" => Tok::And,
        "or" => Tok::Or,
        "xor" => Tok::Xor,
        "not" => Tok::Not,
        "eq" => Tok::Cmp(CmpOp::Eq),
        "all_eq" => Tok::Cmp(CmpOp::AllEq),
        "ne" => Tok::Cmp(CmpOp::Ne),
        "any_ne" => Tok::Cmp(CmpOp::AnyNe),
        "lt" => Tok::Cmp(CmpOp::Lt),
        "le" => Tok::Cmp(CmpOp::Le),
        "gt" => Tok::Cmp(CmpOp::Gt),
        "ge" => Tok::Cmp(CmpOp::Ge),
        "contains" => Tok::Cmp(CmpOp::Contains),
        "matches" => Tok::Cmp(CmpOp::Matches),
        "in" => Tok::In,
        _ => return None,
    })
}

pub fn lex(src: &str) -> Result<Vec<Token>, FilterError> {
    let mut out = Vec::new();
    let b = src.as_bytes();
    let mut i = 0;
    while i < b.len() {
        let c = b[i];
        if c.is_ascii_whitespace() {
            i += 1;
            continue;
        }
        let start = i;
        let two = src.get(i..i + 2).unwrap_or("");
        let three = src.get(i..i + 3).unwrap_or("");
        let (tok, len) = match (three, two, c) {
            ("===", _, _) => (Tok::Cmp(CmpOp::AllEq), 3),
            ("!==", _, _) => (Tok::Cmp(CmpOp::AnyNe), 3),
            (_, "==", _) => (Tok::Cmp(CmpOp::Eq), 2),
            (_, "!=", _) => (Tok::Cmp(CmpOp::Ne), 2),
            (_, "~=", _) => (Tok::Cmp(CmpOp::AnyNe), 2),
            (_, "<=", _) => (Tok::Cmp(CmpOp::Le), 2),
            (_, ">=", _) => (Tok::Cmp(CmpOp::Ge), 2),
            (_, "&&", _) => (Tok::And, 2),
            (_, "||", _) => (Tok::Or, 2),
            (_, "^^", _) => (Tok::Xor, 2),
            (_, "..", _) => (Tok::DotDot, 2),
            (_, _, b'<') => (Tok::Cmp(CmpOp::Lt), 1),
            (_, _, b'>') => (Tok::Cmp(CmpOp::Gt), 1),
            (_, _, b'!') => (Tok::Not, 1),
            (_, _, b'&') => (Tok::Arith(ArithOp::BitAnd), 1),
            (_, _, b'+') => (Tok::Arith(ArithOp::Add), 1),
            // Inside a word `-` and `/` belong to it (`ab-cd`, `10.0.0.0/8`);
            // at a word's start they are operators, as in Wireshark, where
            // `ip.ttl -1` subtracts.
            (_, _, b'-') => (Tok::Arith(ArithOp::Sub), 1),
            (_, _, b'/') => (Tok::Arith(ArithOp::Div), 1),
            (_, _, b'*') => (Tok::Arith(ArithOp::Mul), 1),
            (_, _, b'%') => (Tok::Arith(ArithOp::Mod), 1),
            (_, _, b'#') => {
                let (text, end) = layer(src, i)?;
                out.push(Token { tok: Tok::Layer(text), span: start..end });
                i = end;
                continue;
            }
            (_, _, b'$') if src[i..].starts_with("${") => {
                let (text, end) = enclosed(src, i, 2, '}', "field reference")?;
                out.push(Token { tok: Tok::Ref(text), span: start..end });
                i = end;
                continue;
            }
            (_, _, b'(') => (Tok::LParen, 1),
            (_, _, b')') => (Tok::RParen, 1),
            (_, _, b'{') => (Tok::LBrace, 1),
            (_, _, b'}') => (Tok::RBrace, 1),
            (_, _, b',') => (Tok::Comma, 1),
            (_, _, b'"') => {
                let (s, end) = string(src, i + 1, b'"')?;
                out.push(Token { tok: Tok::Str(s), span: start..end });
                i = end;
                continue;
            }
            (_, _, b'r') if src[i..].starts_with("r\"") => {
                let end = match src[i + 2..].find('"') {
                    Some(j) => i + 2 + j + 1,
                    None => return Err(FilterError::new(start..src.len(), "This string is never closed: a \" is missing")),
                };
                out.push(Token { tok: Tok::Str(src.as_bytes()[i + 2..end - 1].to_vec()), span: start..end });
                i = end;
                continue;
            }
            (_, _, b'\'') => {
                let (s, end) = string(src, i + 1, b'\'')?;
                let text = String::from_utf8_lossy(&s);
                let mut chars = text.chars();
                let ch = match (chars.next(), chars.next()) {
                    (Some(ch), None) => ch,
                    _ => {
                        return Err(FilterError::new(
                            start..end,
                            "A character constant holds exactly one character, as in 'a'",
                        ))
                    }
                };
                let code = if s.len() == 1 { s[0] as u32 } else { ch as u32 };
                out.push(Token { tok: Tok::Char(code), span: start..end });
                i = end;
                continue;
            }
            (_, _, b'[') => {
                let (text, end) = enclosed(src, i, 1, ']', "slice")?;
                out.push(Token { tok: Tok::Slice(text), span: start..end });
                i = end;
                continue;
            }
            _ => {
                let mut j = i;
                for (k, ch) in src[i..].char_indices() {
                    // `..` separates the ends of a range in a set.
                    if !word_char(ch) || src[i + k..].starts_with("..") {
                        break;
                    }
                    j = i + k + ch.len_utf8();
                }
                if j == i {
                    let ch = src[i..].chars().next().unwrap_or(' ');
                    let msg = match ch {
                        '=' => "\"=\" is not an operator here: use \"==\" to compare".to_string(),
                        '|' => "\"|\" is not an operator: use \"||\" or \"or\"".to_string(),
                        '^' => "\"^\" is not an operator: use \"^^\" or \"xor\"".to_string(),
                        '~' => "\"~\" is not an operator: use \"~=\" (any value differs)".to_string(),
                        _ => format!("\"{ch}\" was unexpected in this context"),
                    };
                    return Err(FilterError::new(i..i + ch.len_utf8(), msg));
                }
                let w = &src[i..j];
                let tok = keyword(w).unwrap_or_else(|| Tok::Word(w.to_string()));
                (tok, j - i)
            }
        };
        out.push(Token { tok, span: start..start + len });
        i += len;
    }
    out.push(Token { tok: Tok::Eof, span: src.len()..src.len() });
    Ok(out)
}

/// Reads the text between an opening of `open` bytes at `i` and the next
/// `close`; returns it and the offset after `close`.
fn enclosed(src: &str, i: usize, open: usize, close: char, what: &str) -> Result<(String, usize), FilterError> {
    match src[i + open..].find(close) {
        Some(j) => Ok((src[i + open..i + open + j].to_string(), i + open + j + 1)),
        None => Err(FilterError::new(i..src.len(), format!("This {what} is never closed: a {close} is missing"))),
    }
}

/// Reads the layer after the `#` at `i`: digits, or a bracketed list of
/// ranges (returned without its brackets). Nothing may come between.
fn layer(src: &str, i: usize) -> Result<(String, usize), FilterError> {
    let rest = &src[i + 1..];
    let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
    if digits > 0 {
        return Ok((rest[..digits].to_string(), i + 1 + digits));
    }
    if rest.starts_with('[') {
        return enclosed(src, i, 2, ']', "layer range");
    }
    let next = rest.chars().next().map_or("the end of the filter".to_string(), |c| format!("\"{c}\""));
    let len = rest.chars().next().map_or(0, char::len_utf8);
    Err(FilterError::new(i..i + 1 + len, format!("Expected a layer number or \"[\" right after \"#\", not {next}")))
}

/// Reads a quoted string whose body starts at `i`; returns the decoded text
/// and the offset after the closing quote.
fn string(src: &str, mut i: usize, quote: u8) -> Result<(Vec<u8>, usize), FilterError> {
    let open = i - 1;
    let b = src.as_bytes();
    let mut s = Vec::new();
    while i < b.len() {
        let c = b[i];
        if c == quote {
            return Ok((s, i + 1));
        }
        if c != b'\\' {
            s.push(c);
            i += 1;
            continue;
        }
        let esc = i;
        let Some(&e) = b.get(i + 1) else { break };
        i += 2;
        let simple = match e {
            b'a' => Some(7),
            b'b' => Some(8),
            b'f' => Some(0x0c),
            b'n' => Some(b'\n'),
            b'r' => Some(b'\r'),
            b't' => Some(b'\t'),
            b'v' => Some(0x0b),
            b'\\' | b'"' | b'\'' | b'?' => Some(e),
            _ => None,
        };
        if let Some(byte) = simple {
            s.push(byte);
            continue;
        }
        let (radix, max) = match e {
            b'x' => (16, 2),
            b'0'..=b'7' => {
                i -= 1;
                (8, 3)
            }
            b'u' => (16, 4),
            b'U' => (16, 8),
            _ => {
                let ch = src[esc + 1..].chars().next().unwrap_or(' ');
                return Err(FilterError::new(
                    esc..esc + 1 + ch.len_utf8(),
                    format!("\\{ch} is not a valid character escape sequence (write \\\\ for a backslash)"),
                ));
            }
        };
        let digits: String = src[i..].chars().take(max).take_while(|c| c.is_digit(radix)).collect();
        let code = u32::from_str_radix(&digits, radix).ok();
        i += digits.len();
        match (code, code.and_then(char::from_u32)) {
            (Some(_), Some(ch)) if e == b'u' || e == b'U' => {
                let mut buf = [0; 4];
                s.extend_from_slice(ch.encode_utf8(&mut buf).as_bytes());
            }
            (Some(v), _) if v <= 0xff && !digits.is_empty() => s.push(v as u8),
            _ => {
                return Err(FilterError::new(esc..i, "This escape sequence does not name a valid character"));
            }
        }
    }
    Err(FilterError::new(open..src.len(), "This string is never closed: a quote is missing"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn toks(s: &str) -> Vec<Tok> {
        lex(s).unwrap().into_iter().map(|t| t.tok).collect()
    }

    #[test]
    fn operators_and_words() {
        assert_eq!(
            toks("tcp.port==80&&!ip||a^^b"),
            vec![
                Tok::Word("tcp.port".into()),
                Tok::Cmp(CmpOp::Eq),
                Tok::Word("80".into()),
                Tok::And,
                Tok::Not,
                Tok::Word("ip".into()),
                Tok::Or,
                Tok::Word("a".into()),
                Tok::Xor,
                Tok::Word("b".into()),
                Tok::Eof
            ]
        );
        assert_eq!(toks("{80..90}")[1..4], [Tok::Word("80".into()), Tok::DotDot, Tok::Word("90".into())]);
        assert_eq!(toks("a ~= 1")[1], Tok::Cmp(CmpOp::AnyNe));
        assert_eq!(toks("a !== 1")[1], Tok::Cmp(CmpOp::AnyNe));
        assert_eq!(toks("a === 1")[1], Tok::Cmp(CmpOp::AllEq));
        assert_eq!(toks("frame[0:2]")[1], Tok::Slice("0:2".into()));
    }

    #[test]
    fn arithmetic_layers_and_references() {
        assert_eq!(
            toks("a -1 + b*2 /c%d & 3"),
            vec![
                Tok::Word("a".into()),
                Tok::Arith(ArithOp::Sub),
                Tok::Word("1".into()),
                Tok::Arith(ArithOp::Add),
                Tok::Word("b".into()),
                Tok::Arith(ArithOp::Mul),
                Tok::Word("2".into()),
                Tok::Arith(ArithOp::Div),
                Tok::Word("c".into()),
                Tok::Arith(ArithOp::Mod),
                Tok::Word("d".into()),
                Tok::Arith(ArithOp::BitAnd),
                Tok::Word("3".into()),
                Tok::Eof
            ]
        );
        assert_eq!(toks("ab-cd 10.0.0.0/8")[..2], [Tok::Word("ab-cd".into()), Tok::Word("10.0.0.0/8".into())]);
        assert_eq!(toks("ip.src#2")[1], Tok::Layer("2".into()));
        assert_eq!(toks("ip.src#[1-2,4]")[1], Tok::Layer("1-2,4".into()));
        assert_eq!(toks("${ip.src}")[0], Tok::Ref("ip.src".into()));
        let e = lex("ip.src# 2").unwrap_err();
        assert_eq!(e.span, 6..8);
        assert!(e.message.contains("right after \"#\""), "{}", e.message);
        assert!(lex("ip.src#").unwrap_err().message.contains("not the end of the filter"));
        assert!(lex("ip.src#[1").unwrap_err().message.contains("] is missing"));
        assert!(lex("${ip.src").unwrap_err().message.contains("} is missing"));
    }

    #[test]
    fn strings_and_escapes() {
        assert_eq!(toks(r#""a\"b\x41\101\n""#)[0], Tok::Str(b"a\"bAA\n".to_vec()));
        assert_eq!(toks(r#"r"a\d""#)[0], Tok::Str(b"a\\d".to_vec()));
        assert_eq!(toks("'P'")[0], Tok::Char('P' as u32));
        assert_eq!(toks(r"'\n'")[0], Tok::Char(10));
        let e = lex(r#"frame matches "GET\s""#).unwrap_err();
        assert_eq!(e.span, 18..20);
        assert!(e.message.contains("\\s is not a valid character escape"));
        let e = lex("http.host == \"abc").unwrap_err();
        assert_eq!(e.span, 13..17);
        assert!(e.message.contains("never closed"));
    }

    #[test]
    fn stray_characters() {
        assert!(lex("a = 1").unwrap_err().message.contains("use \"==\""));
        assert!(lex("a | b").unwrap_err().message.contains("\"||\""));
        assert_eq!(lex("a @ b").unwrap_err().span, 2..3);
        assert!(lex("frame[0:2").unwrap_err().message.contains("] is missing"));
        assert!(lex("'ab'").unwrap_err().message.contains("exactly one character"));
    }
}
