//! `n` / `N` search through the displayed packets' bytes. A search scans in
//! steps of a few milliseconds between events, so a search through millions
//! of packets never freezes the keys.

use std::time::{Duration, Instant};

use super::packets::Packets;
use super::view::View;

/// What a search looks for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Needle {
    /// Text, matched against the packet bytes as Wireshark's "String" search does.
    Text(Vec<u8>),
    /// Hex bytes.
    Bytes(Vec<u8>),
}

impl Needle {
    /// `"quoted"` or plain text, `de:ad:be:ef` / `de ad` / `0xdeadbeef` bytes.
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
        Ok(Needle::Text(q.as_bytes().to_vec()))
    }

    pub fn describe(&self) -> &'static str {
        match self {
            Needle::Text(_) => "text",
            Needle::Bytes(_) => "bytes",
        }
    }

    fn bytes(&self) -> &[u8] {
        match self {
            Needle::Text(b) | Needle::Bytes(b) => b,
        }
    }
}

fn hex(s: &str) -> Option<Vec<u8>> {
    if s.is_empty() || s.len() % 2 != 0 {
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
        Scan { needle, forward, row, remaining: rows }
    }

    /// Tests rows for up to `budget`.
    pub fn step(&mut self, packets: &Packets, view: &View, budget: Duration) -> Step {
        let deadline = Instant::now() + budget;
        let rows = view.len();
        let finder = memchr::memmem::Finder::new(self.needle.bytes());
        let mut buf = Vec::new();
        let store = packets.store();
        while self.remaining > 0 && rows > 0 {
            let row = self.row % rows;
            self.remaining -= 1;
            self.row = if self.forward { (row + 1) % rows } else { (row + rows - 1) % rows };
            if let Some(p) = view.packet(row) {
                if store.fetch(p, &mut buf).is_ok() && finder.find(&buf).is_some() {
                    return Step::Found(row);
                }
            }
            if self.remaining % 256 == 0 && Instant::now() >= deadline {
                return Step::Continue;
            }
        }
        Step::NotFound
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn needles() {
        assert_eq!(Needle::parse("GET"), Ok(Needle::Text(b"GET".to_vec())));
        assert_eq!(Needle::parse("\"de:ad\""), Ok(Needle::Text(b"de:ad".to_vec())));
        assert_eq!(Needle::parse("de:ad:be:ef"), Ok(Needle::Bytes(vec![0xde, 0xad, 0xbe, 0xef])));
        assert_eq!(Needle::parse("0x1a85"), Ok(Needle::Bytes(vec![0x1a, 0x85])));
        assert!(Needle::parse("0x1a8").is_err());
        assert_eq!(Needle::parse("zz:yy"), Ok(Needle::Text(b"zz:yy".to_vec())));
    }
}
