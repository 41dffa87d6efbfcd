//! `-T fields`: the `-e` fields of each packet on one line, laid out by
//! tshark's `-E` options; `_ws.col.*` names print the summary's columns.

use crate::dissect::{Columns, Dissection, FrameMeta};
use crate::field::{self, format_value, push_u64, Field};

/// The fields of `-T fields -e F1 -e F2 …`, resolved against the registry
/// (or naming a summary column), and how the line is laid out.
#[derive(Clone, Debug)]
pub struct FieldList {
    entries: Vec<Entry>,
    /// The registry fields among `entries`: what the dissection must give.
    fields: Vec<Field>,
    pub opts: FieldOptions,
}

#[derive(Clone, Copy, Debug)]
enum Entry {
    Field(Field),
    Column(Column),
}

/// A column of the packet list, printed by `-e _ws.col.NAME` (tshark 4.0
/// names them by the default columns' titles).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Column {
    Number,
    Time,
    Source,
    Destination,
    Protocol,
    Length,
    Info,
}

impl Column {
    const NAMES: [(&'static str, Column); 7] = [
        ("_ws.col.No.", Column::Number),
        ("_ws.col.Time", Column::Time),
        ("_ws.col.Source", Column::Source),
        ("_ws.col.Destination", Column::Destination),
        ("_ws.col.Protocol", Column::Protocol),
        ("_ws.col.Length", Column::Length),
        ("_ws.col.Info", Column::Info),
    ];

    pub fn by_name(name: &str) -> Option<Column> {
        Column::NAMES.iter().find(|(n, _)| *n == name).map(|&(_, c)| c)
    }

    pub fn name(self) -> &'static str {
        Column::NAMES.iter().find(|(_, c)| *c == self).map_or("", |(n, _)| n)
    }
}

/// What the summary columns of one packet say, for `_ws.col.*`.
pub struct Row<'a> {
    pub meta: &'a FrameMeta,
    pub cols: &'a Columns,
    /// The time column as `-t` and `-u` write it.
    pub time: &'a str,
}

impl Row<'_> {
    fn column(&self, c: Column, out: &mut String) {
        match c {
            Column::Number => push_u64(self.meta.number as u64, out),
            Column::Time => out.push_str(self.time),
            Column::Source => out.push_str(&self.cols.src),
            Column::Destination => out.push_str(&self.cols.dst),
            Column::Protocol => out.push_str(&self.cols.protocol),
            Column::Length => push_u64(self.meta.origlen as u64, out),
            Column::Info => out.push_str(&self.cols.info),
        }
    }
}

#[derive(Debug, thiserror::Error)]
#[error("Some fields aren't valid: {0}")]
pub struct UnknownField(pub String);

/// `-E occurrence=`: which values of a field that occurs several times.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Occurrence {
    First,
    Last,
    All,
}

/// tshark's `-E` options of `-T fields`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FieldOptions {
    /// `header=y`: a first line naming the fields.
    pub header: bool,
    /// `bom=y`: the output starts with a UTF-8 byte order mark.
    pub bom: bool,
    pub separator: char,
    /// Between the values of a field that occurs several times.
    pub aggregator: char,
    /// Around each field's values (`quote=d|s`), none with `quote=n`.
    pub quote: Option<char>,
    pub occurrence: Occurrence,
}

impl Default for FieldOptions {
    fn default() -> FieldOptions {
        FieldOptions { header: false, bom: false, separator: '\t', aggregator: ',', quote: None, occurrence: Occurrence::All }
    }
}

impl FieldOptions {
    /// Applies one `-E NAME=VALUE` as tshark 4.0 reads it: a yes/no or
    /// letter option looks at the value's first character only, and a
    /// separator or aggregator is one character, `/t` a tab, `/s` a space
    /// and `/` before anything else a backslash.
    pub fn set(&mut self, arg: &str) -> Result<(), String> {
        let (name, value) = arg.split_once('=').unwrap_or((arg, ""));
        let first = value.chars().next();
        let invalid = || {
            format!(
                "-E {arg}: {name:?} is not a valid field output option=value pair \
                 (bom=y|n, header=y|n, separator=/t|/s|CHAR, occurrence=f|l|a, aggregator=,|/s|CHAR, quote=d|s|n)"
            )
        };
        let slashed = |c: char| match value.strip_prefix('/') {
            Some(rest) if rest.starts_with('t') => '\t',
            Some(rest) if rest.starts_with('s') => ' ',
            Some(_) => '\\',
            None => c,
        };
        match (name, first) {
            ("bom", Some('y')) => self.bom = true,
            ("bom", Some('n')) => self.bom = false,
            ("header", Some('y')) => self.header = true,
            ("header", Some('n')) => self.header = false,
            ("separator", Some(c)) => self.separator = slashed(c),
            ("aggregator", Some(c)) => self.aggregator = slashed(c),
            ("quote", Some('d')) => self.quote = Some('"'),
            ("quote", Some('s')) => self.quote = Some('\''),
            ("quote", Some('n')) => self.quote = None,
            ("occurrence", Some('f')) => self.occurrence = Occurrence::First,
            ("occurrence", Some('l')) => self.occurrence = Occurrence::Last,
            ("occurrence", Some('a')) => self.occurrence = Occurrence::All,
            _ => return Err(invalid()),
        }
        Ok(())
    }
}

impl FieldList {
    pub fn new(names: &[String]) -> Result<FieldList, UnknownField> {
        let mut entries = Vec::new();
        for n in names {
            let entry = match Column::by_name(n) {
                Some(c) => Entry::Column(c),
                None => Entry::Field(field::lookup(n).ok_or_else(|| UnknownField(n.clone()))?),
            };
            entries.push(entry);
        }
        let fields = entries.iter().filter_map(|e| if let Entry::Field(f) = e { Some(*f) } else { None }).collect();
        Ok(FieldList { entries, fields, opts: FieldOptions::default() })
    }

    pub fn with_options(self, opts: FieldOptions) -> FieldList {
        FieldList { opts, ..self }
    }

    /// The registry fields printed (not the columns).
    pub fn fields(&self) -> &[Field] {
        &self.fields
    }

    /// Whether a `_ws.col.Time` column is printed (its text is then made
    /// for every packet).
    pub fn needs_time(&self) -> bool {
        self.entries.iter().any(|e| matches!(e, Entry::Column(Column::Time)))
    }

    /// What comes before the first line: the byte order mark and the
    /// header line, when asked for.
    pub fn preamble(&self, out: &mut String) {
        if self.opts.bom {
            out.push('\u{feff}');
        }
        if self.opts.header {
            for (i, e) in self.entries.iter().enumerate() {
                if i > 0 {
                    out.push(self.opts.separator);
                }
                out.push_str(match e {
                    Entry::Field(f) => f.name,
                    Entry::Column(c) => c.name(),
                });
            }
            out.push('\n');
        }
    }

    /// One line (without its newline): each field's values joined by the
    /// aggregator, the fields by the separator, a field that is absent
    /// empty and unquoted, as tshark does. `d` holds the items, `row` the
    /// columns.
    pub fn line(&self, d: &Dissection, frame: &[u8], row: &Row, out: &mut String) {
        let o = &self.opts;
        for (i, e) in self.entries.iter().enumerate() {
            if i > 0 {
                out.push(o.separator);
            }
            let start = out.len();
            if let Some(q) = o.quote {
                out.push(q);
            }
            let present = match *e {
                Entry::Column(c) => {
                    row.column(c, out);
                    true
                }
                Entry::Field(f) => self.values(d, frame, f, out),
            };
            match o.quote {
                _ if !present => out.truncate(start),
                Some(q) => out.push(q),
                None => {}
            }
        }
    }

    /// The values of `f` that `-E occurrence` chooses; whether there were any.
    fn values(&self, d: &Dissection, frame: &[u8], f: Field, out: &mut String) -> bool {
        let mut found = d.tree.nodes.iter().enumerate().filter(|(_, n)| field::same(n.field, f)).map(|(id, _)| id);
        let chosen: Vec<usize> = match self.opts.occurrence {
            Occurrence::All => found.collect(),
            Occurrence::First => found.next().into_iter().collect(),
            Occurrence::Last => found.last().into_iter().collect(),
        };
        for (k, &id) in chosen.iter().enumerate() {
            if k > 0 {
                out.push(self.opts.aggregator);
            }
            let start = out.len();
            item_value(d, frame, id, out);
            if matches!(d.tree.nodes[id].value, field::Value::Str(_)) {
                escape_controls(out, start);
            }
        }
        !chosen.is_empty()
    }
}

/// tshark 4.0 writes these control characters of a string value as C
/// escapes (`\n`), so that a value stays on its line; any other byte goes
/// out as it is, a backslash included.
fn escape_controls(out: &mut String, start: usize) {
    const ESCAPED: [(char, char); 5] = [('\u{8}', 'b'), ('\u{c}', 'f'), ('\n', 'n'), ('\r', 'r'), ('\t', 't')];
    if !out[start..].contains(|c| ESCAPED.iter().any(|&(e, _)| e == c)) {
        return;
    }
    let value = out.split_off(start);
    for c in value.chars() {
        match ESCAPED.iter().find(|&&(e, _)| e == c) {
            Some(&(_, letter)) => {
                out.push('\\');
                out.push(letter);
            }
            None => out.push(c),
        }
    }
}

/// An item's value as `-e` prints it: a protocol's is its label when its
/// dissector wrote one of its own (tshark's representation, `Transmission
/// Control Protocol, Src Port: ...`), else its name (`ipv6.hopopts`); any
/// other field's its value.
pub fn item_value(d: &Dissection, frame: &[u8], id: usize, out: &mut String) {
    let n = &d.tree.nodes[id];
    let bytes = d.node_bytes(frame, id);
    if n.field.ftype == field::FieldType::Protocol {
        let label = d.tree.label(id, bytes);
        out.push_str(if label == n.field.display { n.field.name } else { &label });
    } else {
        format_value(n.field, &n.value, bytes, out);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn opts(args: &[&str]) -> Result<FieldOptions, String> {
        let mut o = FieldOptions::default();
        for a in args {
            o.set(a)?;
        }
        Ok(o)
    }

    #[test]
    fn string_controls_are_escaped_as_tshark_escapes_them() {
        let mut out = String::from("x\t");
        out.push_str("a\tb\\c\u{1}d\u{b}e\u{8}f\u{c}g\r\n");
        escape_controls(&mut out, 2);
        assert_eq!(out, "x\ta\\tb\\c\u{1}d\u{b}e\\bf\\fg\\r\\n");
    }

    #[test]
    fn options_read_as_tshark_reads_them() {
        let o = opts(&["header=yes", "separator=/s", "aggregator=ab", "quote=dd", "occurrence=l", "bom=y"]).unwrap();
        let want = FieldOptions { header: true, bom: true, separator: ' ', aggregator: 'a', quote: Some('"'), occurrence: Occurrence::Last };
        assert_eq!(o, want);
        assert_eq!(opts(&["separator=/t"]).unwrap().separator, '\t');
        assert_eq!(opts(&["separator=/x"]).unwrap().separator, '\\');
        assert_eq!(opts(&["aggregator=/s"]).unwrap().aggregator, ' ');
        assert_eq!(opts(&["quote=s"]).unwrap().quote, Some('\''));
        for bad in ["header=Y", "occurrence=2", "separator=", "quote=x", "escape=n", "bogus"] {
            assert!(opts(&[bad]).is_err(), "{bad} accepted");
        }
    }

    #[test]
    fn header_and_columns() {
        let names: Vec<String> = ["frame.number", "_ws.col.Info", "_ws.col.No."].map(String::from).to_vec();
        let fl = FieldList::new(&names).unwrap().with_options(opts(&["header=y", "separator=,"]).unwrap());
        assert_eq!(fl.fields().len(), 1);
        let mut s = String::new();
        fl.preamble(&mut s);
        assert_eq!(s, "frame.number,_ws.col.Info,_ws.col.No.\n");
        let meta = FrameMeta { number: 7, origlen: 60, ..Default::default() };
        let mut d = Dissection::default();
        d.cols.info.push_str("Echo");
        let row = Row { meta: &meta, cols: &d.cols, time: "0.5" };
        let fl = fl.with_options(opts(&["quote=d", "separator=;"]).unwrap());
        s.clear();
        fl.line(&d, &[], &row, &mut s);
        // frame.number has no item here: empty and unquoted.
        assert_eq!(s, ";\"Echo\";\"7\"");
        assert!(FieldList::new(&["_ws.col.Nope".to_string()]).is_err());
    }
}
