//! Labels: the packet list's text columns (Source, Destination, Protocol,
//! Info) of every packet, kept once a sort by one of them has needed them,
//! so the list can be sorted again, filtered or not, without dissecting.
//!
//! Source, Destination and Protocol repeat a few texts over millions of
//! packets, so each packet keeps three indices into one table of distinct
//! texts (12 bytes a packet). Info is nearly unique per packet (sequence
//! numbers, queries), so while the capture may still grow its texts are
//! kept whole, and once it is complete they give way to each packet's rank
//! among them (4 bytes a packet): a sort needs the order, not the text.

use std::borrow::Cow;
use std::cmp::Ordering;
use std::net::{Ipv4Addr, Ipv6Addr};

use crate::dissect::conv::HashMap;
use crate::dissect::Columns;

/// A text column of the packet list.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Text {
    Source,
    Destination,
    Protocol,
    Info,
}

#[derive(Debug)]
enum Info {
    /// The texts, one after another, and where each packet's ends.
    Texts { arena: String, ends: Vec<u32> },
    /// Each packet's place among the texts in order (equal texts, equal
    /// ranks): what is left once no packet will be added.
    Ranks(Vec<u32>),
}

/// The labels of packets `0..len()`.
#[derive(Debug)]
pub struct Labels {
    texts: Vec<Box<str>>,
    index: HashMap<Box<str>, u32>,
    /// Each packet's Source, Destination and Protocol, as indices into `texts`.
    ids: Vec<[u32; 3]>,
    info: Info,
}

impl Default for Labels {
    fn default() -> Labels {
        Labels {
            texts: Vec::new(),
            index: HashMap::default(),
            ids: Vec::new(),
            info: Info::Texts { arena: String::new(), ends: Vec::new() },
        }
    }
}

impl Labels {
    /// Packets labelled so far.
    pub fn len(&self) -> usize {
        self.ids.len()
    }

    pub fn is_empty(&self) -> bool {
        self.ids.is_empty()
    }

    /// Whether no packet can be added any more.
    pub fn is_sealed(&self) -> bool {
        matches!(self.info, Info::Ranks(_))
    }

    fn intern(&mut self, s: &str) -> u32 {
        if let Some(&id) = self.index.get(s) {
            return id;
        }
        let id = self.texts.len() as u32;
        self.texts.push(s.into());
        self.index.insert(s.into(), id);
        id
    }

    /// Adds the next packet's columns; ignored once sealed.
    pub fn push(&mut self, cols: &Columns) {
        if self.is_sealed() {
            return;
        }
        let ids = [self.intern(&cols.src), self.intern(&cols.dst), self.intern(&cols.protocol)];
        self.ids.push(ids);
        if let Info::Texts { arena, ends } = &mut self.info {
            arena.push_str(&cols.info);
            ends.push(arena.len() as u32);
        }
    }

    fn info_text(&self, p: usize) -> Option<&str> {
        let Info::Texts { arena, ends } = &self.info else { return None };
        let start = p.checked_sub(1).map_or(Some(0), |q| ends.get(q).copied())? as usize;
        arena.get(start..*ends.get(p)? as usize)
    }

    /// The capture is complete: Info's texts give way to their ranks.
    pub fn seal(&mut self) {
        if !self.is_sealed() {
            self.info = Info::Ranks(self.ranks(Text::Info).into_owned());
            // Grown by doubling: up to half of it spare.
            self.ids.shrink_to_fit();
        }
    }

    /// Each packet's rank in column `which`'s order (equal texts rank equal):
    /// addresses by address, IPv4 before IPv6 before MAC, then other texts;
    /// Protocol and Info by their text.
    pub fn ranks(&self, which: Text) -> Cow<'_, [u32]> {
        let slot = match which {
            Text::Source => 0,
            Text::Destination => 1,
            Text::Protocol => 2,
            Text::Info => return self.info_ranks(),
        };
        let mut order: Vec<u32> = (0..self.texts.len() as u32).collect();
        let text = |i: u32| self.texts.get(i as usize).map(|t| &**t).unwrap_or("");
        if which == Text::Protocol {
            order.sort_unstable_by(|&a, &b| text(a).cmp(text(b)));
        } else {
            order.sort_by_cached_key(|&i| (address_key(text(i)), self.texts.get(i as usize).cloned()));
        }
        let mut rank = vec![0u32; self.texts.len()];
        for (r, &i) in order.iter().enumerate() {
            if let Some(slot) = rank.get_mut(i as usize) {
                *slot = r as u32;
            }
        }
        Cow::Owned(self.ids.iter().map(|ids| rank.get(ids[slot] as usize).copied().unwrap_or(0)).collect())
    }

    fn info_ranks(&self) -> Cow<'_, [u32]> {
        match &self.info {
            Info::Ranks(r) => Cow::Borrowed(r),
            Info::Texts { .. } => {
                let text = |p: u32| self.info_text(p as usize).unwrap_or("");
                let mut order: Vec<u32> = (0..self.len() as u32).collect();
                order.sort_unstable_by(|&a, &b| text(a).cmp(text(b)));
                let mut ranks = vec![0u32; self.len()];
                let mut r = 0u32;
                for (k, &p) in order.iter().enumerate() {
                    if k > 0 && text(order[k - 1]) != text(p) {
                        r = k as u32;
                    }
                    if let Some(slot) = ranks.get_mut(p as usize) {
                        *slot = r;
                    }
                }
                Cow::Owned(ranks)
            }
        }
    }
}

/// Where an address text sorts: IPv4 addresses (by number) before IPv6
/// ones, then MAC addresses, then any other text (a name, nothing).
fn address_key(s: &str) -> (u8, u128) {
    if let Ok(a) = s.parse::<Ipv4Addr>() {
        return (0, u32::from(a) as u128);
    }
    if let Ok(a) = s.parse::<Ipv6Addr>() {
        return (1, u128::from(a));
    }
    match mac(s) {
        Some(m) => (2, m as u128),
        None => (3, 0),
    }
}

/// `aa:bb:cc:dd:ee:ff` as a number.
fn mac(s: &str) -> Option<u64> {
    let mut n = 0u64;
    let mut parts = 0;
    for part in s.split(':') {
        if part.len() != 2 {
            return None;
        }
        n = n << 8 | u64::from(u8::from_str_radix(part, 16).ok()?);
        parts += 1;
    }
    (parts == 6).then_some(n)
}

/// Compares two packets by their ranks in a column (a packet without one
/// after every packet with one), then by their numbers.
pub fn by_rank(ranks: &[u32], a: u32, b: u32) -> Ordering {
    let r = |p: u32| ranks.get(p as usize).copied().unwrap_or(u32::MAX);
    r(a).cmp(&r(b)).then(a.cmp(&b))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cols(src: &str, dst: &str, protocol: &str, info: &str) -> Columns {
        Columns { src: src.into(), dst: dst.into(), protocol: protocol.into(), info: info.into(), info_deferred: false }
    }

    #[test]
    fn addresses_sort_as_addresses_then_macs_then_names() {
        let mut l = Labels::default();
        for s in ["::1", "10.0.0.2", "Broadcast", "9.0.0.1", "00:11:22:33:44:55", "fe80::1", "10.0.0.10", ""] {
            l.push(&cols(s, "", "", ""));
        }
        let ranks = l.ranks(Text::Source);
        let mut order: Vec<u32> = (0..8).collect();
        order.sort_by(|&a, &b| by_rank(&ranks, a, b));
        let texts: Vec<&str> = order.iter().map(|&p| &*l.texts[l.ids[p as usize][0] as usize]).collect();
        assert_eq!(texts, ["9.0.0.1", "10.0.0.2", "10.0.0.10", "::1", "fe80::1", "00:11:22:33:44:55", "", "Broadcast"]);
    }

    #[test]
    fn info_ranks_are_the_same_before_and_after_sealing_and_equal_texts_tie() {
        let mut l = Labels::default();
        for info in ["b", "a", "c", "a"] {
            l.push(&cols("", "", "TCP", info));
        }
        let before = l.ranks(Text::Info).into_owned();
        assert_eq!(before, [2, 0, 3, 0]);
        let mut copy = Labels::default();
        for info in ["b", "a", "c", "a"] {
            copy.push(&cols("", "", "TCP", info));
        }
        copy.seal();
        assert!(copy.is_sealed());
        assert_eq!(&*copy.ranks(Text::Info), &before[..]);
        copy.push(&cols("", "", "", "z"));
        assert_eq!(copy.len(), 4, "a sealed store takes no more packets");
        let protocol = copy.ranks(Text::Protocol);
        assert!(protocol.iter().all(|&r| r == protocol[0]), "one protocol, one rank: {protocol:?}");
        assert_eq!(by_rank(&before, 1, 3), Ordering::Less, "ties go by packet number");
        assert_eq!(by_rank(&before, 2, 9), Ordering::Less, "a packet without a label comes last");
    }
}
