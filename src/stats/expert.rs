//! `-z expert[,error|warn|note|chat|comment][,FILTER]`: the expert notes the
//! dissectors left (`_ws.expert` items), counted per severity by protocol
//! and summary, as tshark 4.0 prints them.
//!
//! A note's severity, group and summary live in its item's label
//! (`[Expert Info (Chat/Sequence): GET / HTTP/1.1\r\n]`, what `-V` shows),
//! so this tap asks for labelled trees (`Tap::needs_labels`).

use std::fmt::Write;

use super::{Tap, TapFilter};
use crate::dissect::session::Session;
use crate::dissect::frame::{FRAME, PKT_COMMENT};
use crate::dissect::{Dissection, FrameMeta, EXPERT, MALFORMED, TRUNCATED};
use crate::field::{same, Field, FieldType};
use crate::output::glossary::short_name;

/// The severities from the lowest, with their section titles.
const SEVERITIES: [(&str, &str); 5] =
    [("Comment", "Comments"), ("Chat", "Chats"), ("Note", "Notes"), ("Warning", "Warns"), ("Error", "Errors")];

struct Entry {
    group: String,
    protocol: &'static str,
    summary: String,
    frequency: u64,
}

pub struct ExpertTap {
    /// The lowest severity kept (an index into `SEVERITIES`).
    lowest: usize,
    filter: TapFilter,
    /// Per severity, the notes in the order first seen.
    entries: [Vec<Entry>; 5],
}

impl ExpertTap {
    /// `rest` follows `expert` in `-z`'s text `arg`: a severity word (any
    /// case, matched by its start as tshark matches it), then a filter.
    pub fn parse(arg: &str, rest: &str) -> Result<ExpertTap, String> {
        let words = [",comment", ",chat", ",note", ",warn", ",error"];
        let mut lowest = 0;
        let mut rest = rest;
        for (i, w) in words.iter().enumerate() {
            if rest.get(..w.len()).is_some_and(|s| s.eq_ignore_ascii_case(w)) {
                lowest = i;
                rest = &rest[w.len()..];
                break;
            }
        }
        let filter = TapFilter::parse(arg, rest.strip_prefix(','))?;
        Ok(ExpertTap { lowest, filter, entries: Default::default() })
    }
}

/// `[Expert Info (SEVERITY/GROUP): SUMMARY]` taken apart.
fn parse_label(label: &str) -> Option<(&str, &str, &str)> {
    let inner = label.strip_prefix("[Expert Info (")?.strip_suffix(']')?;
    let (head, summary) = inner.split_once("): ")?;
    let (severity, group) = head.split_once('/')?;
    Some((severity, group, summary))
}

/// The protocol a note belongs to, as tshark names it (its short name): the
/// layer it sits in, or for a note on damage the layer that was cut short.
fn protocol_of(d: &Dissection, at: usize) -> &'static str {
    let nodes = &d.tree.nodes;
    let layer =
        |f: Field| f.ftype == FieldType::Protocol && !same(f, &MALFORMED) && !same(f, &TRUNCATED) && !same(f, &EXPERT);
    let Some(i) = (0..=at).rev().find(|&i| nodes[i].depth == 0 && layer(nodes[i].field)) else { return "" };
    // The comments come before the frame's item, but Wireshark's frame
    // dissector adds them.
    if same(nodes[i].field, &PKT_COMMENT) {
        return short_name(&FRAME);
    }
    short_name(nodes[i].field)
}

impl Tap for ExpertTap {
    fn packet(&mut self, _meta: &FrameMeta, d: &Dissection, data: &[u8]) {
        if !self.filter.passes(d, data) {
            return;
        }
        for (i, n) in d.tree.nodes.iter().enumerate() {
            if !same(n.field, &EXPERT) {
                continue;
            }
            let Some((severity, group, summary)) = n.text.as_deref().and_then(parse_label) else { continue };
            let Some(level) = SEVERITIES.iter().position(|(s, _)| *s == severity) else { continue };
            if level < self.lowest {
                continue;
            }
            let protocol = protocol_of(d, i);
            let list = &mut self.entries[level];
            // tshark's key is the protocol and summary; the group is the first seen.
            match list.iter_mut().find(|e| e.protocol == protocol && e.summary == summary) {
                Some(e) => e.frequency += 1,
                None => list.push(Entry { group: group.to_string(), protocol, summary: summary.to_string(), frequency: 1 }),
            }
        }
    }

    fn draw(&self, _session: &Session, out: &mut String) {
        for (level, (_, title)) in SEVERITIES.iter().enumerate().rev() {
            let list = &self.entries[level];
            if list.is_empty() {
                continue;
            }
            let total: u64 = list.iter().map(|e| e.frequency).sum();
            let _ = write!(out, "\n{title} ({total})\n=============\n   Frequency      Group           Protocol  Summary\n");
            for e in list {
                let _ = writeln!(out, "{:12} {:>10} {:>18}  {}", e.frequency, e.group, e.protocol, e.summary);
            }
        }
    }

    fn filter_fields(&self) -> Vec<Field> {
        self.filter.fields()
    }

    fn needs_labels(&self) -> bool {
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn severity_words_and_filters_are_taken_as_tshark_takes_them() {
        let t = |rest: &str| ExpertTap::parse(&format!("expert{rest}"), rest).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(t("").lowest, 0);
        assert_eq!(t(",WARN").lowest, 3);
        let e = t(",error,tcp.port == 80");
        assert_eq!((e.lowest, e.filter.text.as_deref()), (4, Some("tcp.port == 80")));
        let f = t(",dns");
        assert_eq!((f.lowest, f.filter.text.as_deref()), (0, Some("dns")));
        assert_eq!(parse_label("[Expert Info (Chat/Sequence): GET / HTTP/1.1\\r\\n]"), Some(("Chat", "Sequence", "GET / HTTP/1.1\\r\\n")));
        assert_eq!(parse_label("[Expert Info (Note/Sequence): a: b (c/d)]"), Some(("Note", "Sequence", "a: b (c/d)")));
    }

    #[test]
    fn sections_run_from_errors_to_comments_with_tsharks_columns() {
        let mut t = ExpertTap::parse("expert", "").unwrap_or_else(|e| panic!("{e}"));
        t.entries[1].push(Entry { group: "Sequence".into(), protocol: "TCP", summary: "Connection finish (FIN)".into(), frequency: 2 });
        t.entries[4].push(Entry { group: "Malformed".into(), protocol: "DNS", summary: "Malformed Packet (Exception occurred)".into(), frequency: 1 });
        let mut out = String::new();
        t.draw(&Session::new(), &mut out);
        assert_eq!(
            out,
            "\nErrors (1)\n=============\n   Frequency      Group           Protocol  Summary\n           1  Malformed                DNS  Malformed Packet (Exception occurred)\n\
             \nChats (2)\n=============\n   Frequency      Group           Protocol  Summary\n           2   Sequence                TCP  Connection finish (FIN)\n"
        );
    }
}
