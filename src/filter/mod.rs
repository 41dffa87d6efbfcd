//! Display filters: Wireshark's filter language over the field registry.
//!
//! `Filter::compile` lexes, parses and type-checks a filter once; `matches`
//! then evaluates it against a dissected packet's tree without re-parsing.
//! The same compiled filter serves `-Y`, the TUI's filter bar and the
//! headless paths. Errors carry the byte span they are about, so the command
//! line can put a caret under it and the TUI can underline it.

mod ast;
mod brief;
mod compile;
mod eval;
mod lexer;
mod parser;
pub mod suggest;
mod values;

use std::fmt;
use std::ops::Range;

use crate::dissect::Dissection;
use crate::field::Field;

/// An invalid filter: what is wrong, and where (a byte range of the text).
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct FilterError {
    pub span: Range<usize>,
    pub message: String,
}

impl FilterError {
    pub fn new(span: Range<usize>, message: impl Into<String>) -> FilterError {
        FilterError { span, message: message.into() }
    }

    /// The message, then the filter with a caret line under the span:
    ///
    /// ```text
    /// "tcp.prot" is not a valid protocol or protocol field; did you mean tcp.port?
    ///     tcp.prot == 80
    ///     ^~~~~~~~
    /// ```
    pub fn render(&self, filter_text: &str) -> String {
        let start = floor_char(filter_text, self.span.start);
        let end = floor_char(filter_text, self.span.end.max(start));
        let pad: String = filter_text[..start].chars().map(|c| if c == '\t' { '\t' } else { ' ' }).collect();
        let width = filter_text[start..end].chars().count();
        let mut marks = String::from("^");
        marks.push_str(&"~".repeat(width.saturating_sub(1)));
        let shown: String = filter_text.chars().map(|c| if c.is_control() && c != '\t' { ' ' } else { c }).collect();
        format!("{}\n    {}\n    {}{}", self.message, shown, pad, marks)
    }
}

fn floor_char(s: &str, mut i: usize) -> usize {
    i = i.min(s.len());
    while !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

/// A compiled display filter.
pub struct Filter {
    ast: ast::Expr,
    prog: eval::Prog,
    fields: Vec<Field>,
    brief: Option<Vec<Field>>,
    stored: Option<Vec<Field>>,
    nodes: Option<Vec<Field>>,
}

impl Filter {
    pub fn compile(text: &str) -> Result<Filter, FilterError> {
        let ast = parser::parse(text)?;
        let mut checker = compile::Checker { fields: Vec::new() };
        let prog = checker.expr(&ast)?;
        let brief = brief::fields(&prog, brief::Records::Brief);
        let stored = brief::fields(&prog, brief::Records::Columns);
        let nodes = brief::fields(&prog, brief::Records::Nodes);
        Ok(Filter { ast, prog, fields: checker.fields, brief, stored, nodes })
    }

    /// Whether the dissected packet matches. `frame` is the packet's bytes,
    /// which byte-valued items (`tcp.payload`, protocols) refer to.
    pub fn matches(&self, d: &Dissection, frame: &[u8]) -> bool {
        eval::run(&self.prog, d, frame)
    }

    /// Every field and protocol the filter reads.
    pub fn fields(&self) -> &[Field] {
        &self.fields
    }

    /// When brief records (`crate::store::brief`) hold everything the filter
    /// reads: the fields to decode from them.
    pub fn brief_fields(&self) -> Option<&[Field]> {
        self.brief.as_deref()
    }

    /// When brief records and columns (`crate::store::columns`) can hold
    /// everything the filter reads: the fields to read from them.
    pub fn stored_fields(&self) -> Option<&[Field]> {
        self.stored.as_deref()
    }

    /// When the items of some fields are all the filter reads of a tree
    /// (no protocol's bytes): those fields, for a tree that keeps no other
    /// (`Depth::Recorded`).
    pub fn node_fields(&self) -> Option<&[Field]> {
        self.nodes.as_deref()
    }

    /// The protocols the filter's fields belong to (`tcp` for `tcp.port`),
    /// so that a caller can skip dissection a filter does not need.
    pub fn protocols(&self) -> Vec<&'static str> {
        let mut out: Vec<&'static str> = Vec::new();
        for f in &self.fields {
            let p = f.protocol();
            if !out.contains(&p) {
                out.push(p);
            }
        }
        out
    }
}

/// The canonical text of the filter: compiling it gives the same filter.
impl fmt::Display for Filter {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        write!(f, "{}", self.ast)
    }
}

impl fmt::Debug for Filter {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        write!(f, "Filter({})", self.ast)
    }
}

#[cfg(test)]
mod tests;
