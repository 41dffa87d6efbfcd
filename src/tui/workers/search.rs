//! `n` / `N` search through the displayed packets: their bytes, or a display
//! filter. A search scans in
//! steps of a few milliseconds between events, so a search through millions
//! of packets never freezes the keys.

use std::sync::Arc;
use std::time::{Duration, Instant};

use crate::store::columns::Reading;
use crate::dissect::{Depth, Dissection};
use crate::field::tree::Recording;
use crate::filter::Filter;

use crate::tui::packets::Packets;
use crate::tui::displayed::View;

/// What a search looks for.
#[derive(Clone, Debug)]
pub enum Needle {
    /// Text, matched against the packet bytes as Wireshark's "String" search does.
    Text(Vec<u8>),
    /// Hex bytes.
    Bytes(Vec<u8>),
    /// Packets a display filter matches.
    Filter(Arc<Filter>),
}

impl Needle {
    /// `"quoted"` text, `de:ad:be:ef` / `de ad` / `0xdeadbeef` bytes, a
    /// valid display filter, or else plain text.
    pub fn parse(q: &str) -> Result<Needle, String> {
        let q = q.trim();
        if q.is_empty() {
            return Err("nothing to search for".into());
        }
        if let Some(inner) = q.strip_prefix('"').and_then(|s| s.strip_suffix('"')) {
            return Ok(Needle::Text(inner.as_bytes().to_vec()));
        }
        if let Some(h) = q.strip_prefix("0x") {
            return hex(h).map(Needle::Bytes).ok_or_else(|| format!("{q:?} isn't hex bytes"));
        }
        let pairs: Vec<&str> = q.split([':', ' ', '-']).collect();
        if pairs.len() > 1 && pairs.iter().all(|p| p.len() == 2) {
            if let Some(b) = hex(&pairs.concat()) {
                return Ok(Needle::Bytes(b));
            }
        }
        match Filter::compile(q) {
            Ok(f) => Ok(Needle::Filter(Arc::new(f))),
            Err(_) => Ok(Needle::Text(q.as_bytes().to_vec())),
        }
    }

    pub fn describe(&self) -> &'static str {
        match self {
            Needle::Text(_) => "text",
            Needle::Bytes(_) => "bytes",
            Needle::Filter(_) => "filter",
        }
    }
}

fn hex(s: &str) -> Option<Vec<u8>> {
    if s.is_empty() || !s.len().is_multiple_of(2) {
        return None;
    }
    (0..s.len()).step_by(2).map(|i| u8::from_str_radix(s.get(i..i + 2)?, 16).ok()).collect()
}

/// A search in progress: the next row to test and how many remain.
#[derive(Clone, Debug)]
pub struct Scan {
    pub needle: Needle,
    pub forward: bool,
    pub row: usize,
    pub remaining: usize,
    /// For a filter on fields stored records hold: read them from there
    /// (a field without a column yet is dissected).
    reading: Option<Reading>,
}

/// What one step of a scan found.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Step {
    Found(usize),
    NotFound,
    Continue,
}

impl Scan {
    /// Starts after (or before) `from`, wrapping around once through all rows.
    pub fn new(needle: Needle, forward: bool, from: usize, rows: usize) -> Scan {
        let row = if rows == 0 {
            0
        } else if forward {
            (from + 1) % rows
        } else {
            (from + rows - 1) % rows
        };
        let reading = match &needle {
            Needle::Filter(f) => f.stored_fields().map(Reading::new),
            _ => None,
        };
        Scan { needle, forward, row, remaining: rows, reading }
    }

    /// Tests rows for up to `budget`.
    pub fn step(&mut self, packets: &Packets, view: &View, budget: Duration) -> Step {
        let deadline = Instant::now() + budget;
        let rows = view.len();
        let finder = match &self.needle {
            Needle::Text(b) | Needle::Bytes(b) => Some(memchr::memmem::Finder::new(b)),
            Needle::Filter(_) => None,
        };
        let mut buf = Vec::new();
        let mut d = Dissection::default();
        // A packet dissected for a filter builds the items it reads alone
        // when it reads no protocol's bytes (as the filter worker does).
        let mut depth = Depth::Fields;
        if let Needle::Filter(f) = &self.needle {
            if let Some(fields) = f.node_fields() {
                depth = Depth::recorded_to_read(fields.iter().map(|f| f.protocol()));
                d.tree.record(Recording::Nodes(crate::dissect::recorded_fields(fields)));
            }
        }
        let records = packets.records();
        while self.remaining > 0 && rows > 0 {
            let row = self.row % rows;
            self.remaining -= 1;
            self.row = if self.forward { (row + 1) % rows } else { (row + rows - 1) % rows };
            let Some(p) = view.packet(row) else { continue };
            let found = match (&finder, &self.needle) {
                (Some(f), _) => packets.store().fetch(p, &mut buf).is_ok() && f.find(&buf).is_some(),
                (None, Needle::Filter(filter)) => {
                    packets.read_for(&records, p, self.reading.as_mut(), depth, &mut buf, &mut d) && filter.matches(&d, &buf)
                }
                (None, _) => false,
            };
            if found {
                return Step::Found(row);
            }
            if self.remaining.is_multiple_of(256) && Instant::now() >= deadline {
                return Step::Continue;
            }
        }
        Step::NotFound
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bytes(q: &str) -> Option<(&'static str, Vec<u8>)> {
        match Needle::parse(q) {
            Ok(Needle::Text(b)) => Some(("text", b)),
            Ok(Needle::Bytes(b)) => Some(("bytes", b)),
            _ => None,
        }
    }

    #[test]
    fn needles() {
        assert_eq!(bytes("GET"), Some(("text", b"GET".to_vec())));
        assert_eq!(bytes("\"de:ad\""), Some(("text", b"de:ad".to_vec())));
        assert_eq!(bytes("de:ad:be:ef"), Some(("bytes", vec![0xde, 0xad, 0xbe, 0xef])));
        assert_eq!(bytes("0x1a85"), Some(("bytes", vec![0x1a, 0x85])));
        assert!(Needle::parse("0x1a8").is_err());
        assert_eq!(bytes("zz:yy"), Some(("text", b"zz:yy".to_vec())));
        assert!(matches!(Needle::parse("tcp.port == 6789"), Ok(Needle::Filter(_))));
        assert!(matches!(Needle::parse("\"tcp\""), Ok(Needle::Text(_))));
    }
}
