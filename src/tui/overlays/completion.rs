//! Completion in the filter bar: Tab completes the field or protocol name
//! before the cursor, from the field registry, and after `field ==` (or
//! `!=`, `contains`, `matches`, ...) of a string field, the values that
//! field has in the capture. Candidates show in a popup under the bar with
//! each field's display name and description; the app moves in it and
//! accepts one (`App::filter_key`).

use ratatui::layout::Rect;
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph};
use ratatui::Frame;

use crate::field::{self, Field, FieldType};

/// Rows of candidates the popup shows at once.
const ROWS: usize = 10;

/// Operators after which a string field's values are completed.
const STRING_OPS: &[&str] =
    &["==", "!=", "===", "!==", "~", "eq", "ne", "any_eq", "all_ne", "all_eq", "any_ne", "contains", "matches"];

/// What the token before the cursor is.
#[derive(Clone, Copy, Debug)]
pub enum Target {
    /// A field or protocol name.
    Name,
    /// A value of this string field, after a comparison.
    Value(Field),
}

impl PartialEq for Target {
    fn eq(&self, other: &Target) -> bool {
        match (self, other) {
            (Target::Name, Target::Name) => true,
            (Target::Value(a), Target::Value(b)) => a.name == b.name,
            _ => false,
        }
    }
}

impl Eq for Target {}

/// The token being completed: it starts at byte `start` of the filter text
/// and ends at the cursor, `partial` being what is typed of it so far.
#[derive(Debug, PartialEq, Eq)]
pub struct Token<'a> {
    pub start: usize,
    pub target: Target,
    pub partial: &'a str,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Candidate {
    /// What replaces the token when accepted (a value quoted).
    pub insert: String,
    /// What the popup shows: the field name or the value.
    pub name: String,
    /// The field's display name, and its description.
    pub display: &'static str,
    pub desc: &'static str,
}

#[derive(Debug)]
pub struct Completion {
    pub target: Target,
    /// Where the completed token starts in the filter text (a byte offset).
    pub start: usize,
    pub items: Vec<Candidate>,
    pub cursor: usize,
    /// The field's values are still being gathered.
    pub pending: bool,
}

fn is_name_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-')
}

/// The byte offset of the quote that opens a string left unclosed at the end
/// of `s`, if any.
fn open_quote(s: &str) -> Option<usize> {
    let mut open = None;
    let mut escaped = false;
    for (i, c) in s.char_indices() {
        match (open, c) {
            (Some(_), _) if escaped => escaped = false,
            (Some(_), '\\') => escaped = true,
            (Some(_), '"') => open = None,
            (None, '"') => open = Some(i),
            _ => {}
        }
    }
    open
}

/// Where the run of name characters ending `s` starts.
fn name_start(s: &str) -> usize {
    s.char_indices().rev().take_while(|&(_, c)| is_name_char(c)).last().map_or(s.len(), |(i, _)| i)
}

/// The string field compared in `s` (the filter up to the value), if `s`
/// ends with `field OP`.
fn compared_field(s: &str) -> Option<Field> {
    let s = s.trim_end();
    let op_start = match s.chars().last() {
        Some('=' | '~') => s.len() - s.chars().rev().take_while(|c| matches!(c, '=' | '!' | '~')).count(),
        _ => name_start(s),
    };
    if !STRING_OPS.contains(&&s[op_start..]) {
        return None;
    }
    let head = s[..op_start].trim_end();
    field::lookup(&head[name_start(head)..]).filter(|f| f.ftype == FieldType::String)
}

/// The token before the cursor (`before` is the filter text up to it), or
/// None inside a string that is not a string field's value.
pub fn token(before: &str) -> Option<Token<'_>> {
    let quote = open_quote(before);
    let start = quote.unwrap_or_else(|| name_start(before));
    if let Some(f) = compared_field(&before[..start]) {
        let partial = &before[start..];
        return Some(Token { start, target: Target::Value(f), partial: partial.strip_prefix('"').unwrap_or(partial) });
    }
    quote.is_none().then(|| Token { start, target: Target::Name, partial: &before[start..] })
}

/// A value as a filter's string literal.
fn quoted(v: &str) -> String {
    format!("\"{}\"", v.replace('\\', "\\\\").replace('"', "\\\""))
}

impl Completion {
    /// The field and protocol names starting with the token (protocols only
    /// for an empty token: the whole registry is no help).
    pub fn names(t: &Token) -> Completion {
        let partial = t.partial.to_ascii_lowercase();
        let mut items: Vec<Candidate> = field::all()
            .iter()
            .filter(|f| !f.name.is_empty() && f.name.starts_with(partial.as_str()))
            .filter(|f| !partial.is_empty() || f.ftype == FieldType::Protocol)
            .map(|f| Candidate { insert: f.name.to_string(), name: f.name.to_string(), display: f.display, desc: f.desc })
            .collect();
        items.sort_by(|a, b| a.name.cmp(&b.name));
        Completion { target: Target::Name, start: t.start, items, cursor: 0, pending: false }
    }

    /// `values` of the token's field that start with what is typed, sorted.
    pub fn values(t: &Token, field: Field, values: &[String], pending: bool) -> Completion {
        let mut items: Vec<Candidate> = values
            .iter()
            .filter(|v| v.starts_with(t.partial))
            .map(|v| Candidate { insert: quoted(v), name: v.clone(), display: field.display, desc: "" })
            .collect();
        items.sort_by(|a, b| a.name.cmp(&b.name));
        Completion { target: Target::Value(field), start: t.start, items, cursor: 0, pending }
    }

    /// The longest name all candidates start with, when longer than `typed`:
    /// what a first Tab fills in, as a shell does.
    pub fn common_prefix(&self, typed: &str) -> Option<String> {
        if self.target != Target::Name {
            return None;
        }
        let first = &self.items.first()?.name;
        let len = self.items.iter().fold(first.len(), |n, c| {
            first.bytes().zip(c.name.bytes()).take(n).take_while(|(a, b)| a == b).count()
        });
        (len > typed.len()).then(|| first[..len].to_string())
    }

    pub fn selected(&self) -> Option<&Candidate> {
        self.items.get(self.cursor)
    }

    /// Puts the cursor on the candidate `insert` if it is still there.
    pub fn keep(&mut self, insert: Option<&str>) {
        if let Some(i) = insert.and_then(|s| self.items.iter().position(|c| c.insert == s)) {
            self.cursor = i;
        }
    }

    pub fn next(&mut self) {
        if !self.items.is_empty() {
            self.cursor = (self.cursor + 1) % self.items.len();
        }
    }

    pub fn prev(&mut self) {
        if !self.items.is_empty() {
            self.cursor = (self.cursor + self.items.len() - 1) % self.items.len();
        }
    }

    /// Draws the popup under the filter bar `bar`, from column `col` (where
    /// the token starts), within `screen`.
    pub fn draw(&self, f: &mut Frame, bar: Rect, col: u16, screen: Rect) {
        let shown = self.items.len().clamp(1, ROWS);
        let top = self.cursor.saturating_sub(ROWS - 1);
        let name_w = self.items.iter().map(|c| c.name.chars().count()).max().unwrap_or(0).clamp(8, 40);
        let mut lines: Vec<Line> = self
            .items
            .iter()
            .enumerate()
            .skip(top)
            .take(shown)
            .map(|(i, c)| {
                let mut style = Style::new();
                if i == self.cursor {
                    style = style.add_modifier(Modifier::REVERSED);
                }
                let name: String = c.name.chars().take(name_w).collect();
                let mut spans = vec![Span::styled(format!(" {name:<name_w$} "), style.add_modifier(Modifier::BOLD))];
                if self.target == Target::Name {
                    spans.push(Span::styled(format!(" {} ", c.display), style));
                    if !c.desc.is_empty() {
                        spans.push(Span::styled(format!("{} ", c.desc), style.fg(Color::DarkGray)));
                    }
                }
                Line::from(spans)
            })
            .collect();
        if self.items.is_empty() {
            lines.push(Line::from(Span::styled(" gathering values… ", Style::new().fg(Color::DarkGray))));
        }
        let title = match self.target {
            Target::Name => format!(" {} fields ", self.items.len()),
            Target::Value(fd) if self.pending => format!(" {} values so far ", fd.name),
            Target::Value(fd) => format!(" {} values seen ", fd.name),
        };
        let want = lines.iter().map(Line::width).max().unwrap_or(0).max(title.chars().count()) as u16 + 2;
        let width = want.min(screen.width);
        let x = (bar.x + col).min(screen.x + screen.width - width);
        let y = bar.y + 1;
        let height = (lines.len() as u16 + 2).min((screen.y + screen.height).saturating_sub(y));
        let r = Rect { x, y, width, height };
        f.render_widget(Clear, r);
        f.render_widget(Paragraph::new(lines).block(Block::new().borders(Borders::ALL).title(title)), r);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_token_before_the_cursor() {
        let t = token("ip.src == 1.2.3.4 && dns.qry.na").unwrap();
        assert_eq!((t.start, t.target, t.partial), (21, Target::Name, "dns.qry.na"));
        assert_eq!(token("").unwrap().partial, "");
        assert_eq!(token("(tc").unwrap().start, 1);
        let name = field::lookup("dns.qry.name").unwrap();
        for (before, partial) in [
            ("dns.qry.name == ", ""),
            ("dns.qry.name==\"exa", "exa"),
            ("dns.qry.name contains ex", "ex"),
            ("udp && dns.qry.name != \"a\\\"b", "a\\\"b"),
            ("dns.qry.name ~ ", ""),
        ] {
            let t = token(before).unwrap();
            assert_eq!((t.target, t.partial), (Target::Value(name), partial), "{before}");
        }
        // A number field's values are not completed; its name is a name.
        assert_eq!(token("tcp.port == 8").unwrap().target, Target::Name);
        // Inside a string of no string field there is nothing to complete.
        assert_eq!(token("frame contains \"ab"), None);
        assert_eq!(token("\"x\" == dns.q").unwrap().partial, "dns.q");
    }

    #[test]
    fn names_complete_to_their_common_prefix_with_descriptions() {
        let t = token("dns.qry.na").unwrap();
        let c = Completion::names(&t);
        let names: Vec<&str> = c.items.iter().map(|c| c.name.as_str()).collect();
        assert_eq!(names, ["dns.qry.name", "dns.qry.name.len"]);
        assert_eq!(c.items[0].display, "Name");
        assert_eq!(c.common_prefix(t.partial).as_deref(), Some("dns.qry.name"));
        assert_eq!(c.common_prefix("dns.qry.name"), None);
        // Nothing typed: the protocols.
        let c = Completion::names(&token("").unwrap());
        assert!(c.items.iter().any(|c| c.name == "dns") && !c.items.iter().any(|c| c.name == "dns.qry.name"));
        assert!(Completion::names(&token("zzz").unwrap()).items.is_empty());
    }

    #[test]
    fn values_are_quoted_and_filtered_by_what_is_typed() {
        let f = field::lookup("dns.qry.name").unwrap();
        let seen = ["b.example".to_string(), "a\"q".to_string(), "a.example".to_string()];
        let t = token("dns.qry.name == a").unwrap();
        let mut c = Completion::values(&t, f, &seen, false);
        let inserts: Vec<&str> = c.items.iter().map(|c| c.insert.as_str()).collect();
        assert_eq!(inserts, ["\"a\\\"q\"", "\"a.example\""]);
        assert_eq!(c.common_prefix("a"), None);
        c.prev();
        assert_eq!(c.cursor, 1);
        c.next();
        assert_eq!(c.cursor, 0);
        c.keep(Some("\"a.example\""));
        assert_eq!(c.selected().map(|c| c.name.as_str()), Some("a.example"));
    }
}
