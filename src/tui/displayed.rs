//! Which packets the list shows: all of them, or those a display filter
//! matched (packet indices, ascending), and in which order: packet order,
//! or sorted by a column. Rows are positions in that order.

use std::cmp::Ordering;

use crate::store::labels::Text;

/// The list's columns, by which it can be sorted, are those of `-e _ws.col.*`.
pub use crate::output::Column as SortColumn;

impl SortColumn {
    /// The column after this one in the list (`o`), back to No. after Info.
    pub fn next(self) -> SortColumn {
        use crate::output::Column::*;
        match self {
            Number => Time,
            Time => Source,
            Source => Destination,
            Destination => Protocol,
            Protocol => Length,
            Length => Info,
            Info => Number,
        }
    }

    /// The columns in the list's order.
    pub fn in_order() -> impl Iterator<Item = SortColumn> {
        std::iter::successors(Some(SortColumn::Number), |c| Some(c.next()).filter(|&n| n != SortColumn::Number))
    }

    /// The column's header, lower case (for messages).
    pub fn lower_name(self) -> &'static str {
        match self {
            SortColumn::Number => "number",
            SortColumn::Time => "time",
            SortColumn::Source => "source",
            SortColumn::Destination => "destination",
            SortColumn::Protocol => "protocol",
            SortColumn::Length => "length",
            SortColumn::Info => "info",
        }
    }

    /// The stored labels the column's order comes from, if text.
    pub fn text(self) -> Option<Text> {
        match self {
            SortColumn::Source => Some(Text::Source),
            SortColumn::Destination => Some(Text::Destination),
            SortColumn::Protocol => Some(Text::Protocol),
            SortColumn::Info => Some(Text::Info),
            SortColumn::Number | SortColumn::Time | SortColumn::Length => None,
        }
    }
}

/// The shown packets sorted by a column: the first `rows.len()` of them,
/// those whose key is known, in that order; any others (a live capture's
/// newest packets, before their labels are read) follow in packet order.
#[derive(Debug, Clone)]
pub struct Sorted {
    pub column: SortColumn,
    pub reverse: bool,
    rows: Vec<u32>,
}

impl Sorted {
    pub fn new(column: SortColumn, reverse: bool) -> Sorted {
        Sorted { column, reverse, rows: Vec::new() }
    }

    /// The rows in order: the others follow in packet order.
    pub fn placed(&self) -> usize {
        self.rows.len()
    }
}

#[derive(Default, Debug, Clone)]
pub struct View {
    /// Packets in the store.
    pub loaded: usize,
    /// Matching packets when a filter is applied.
    pub matched: Option<Vec<u32>>,
    /// The order when sorted by a column (see `arrange`).
    pub sorted: Option<Sorted>,
}

impl View {
    pub fn len(&self) -> usize {
        match &self.matched {
            Some(m) => m.len(),
            None => self.loaded,
        }
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The packet shown on `row`.
    pub fn packet(&self, row: usize) -> Option<usize> {
        match self.sorted.as_ref().and_then(|s| s.rows.get(row)) {
            Some(&p) => Some(p as usize),
            None => self.shown(row),
        }
    }

    /// The `n`th shown packet in packet order.
    fn shown(&self, n: usize) -> Option<usize> {
        match &self.matched {
            Some(m) => m.get(n).map(|&p| p as usize),
            None => (n < self.loaded).then_some(n),
        }
    }

    /// The position of `packet` among the shown packets in packet order, or
    /// that of the nearest shown packet after it (`Err`).
    fn position(&self, packet: usize) -> Result<usize, usize> {
        match &self.matched {
            Some(m) => m.binary_search(&(packet as u32)),
            None if packet < self.loaded => Ok(packet),
            None => Err(self.loaded),
        }
    }

    /// The row showing `packet`, or the row of the nearest shown packet
    /// after it in packet order (`Err`), as Wireshark's go-to does for
    /// hidden packets.
    pub fn row_of(&self, packet: usize) -> Result<usize, usize> {
        let at = self.position(packet);
        let Some(s) = &self.sorted else { return at };
        let (Ok(n) | Err(n)) = at;
        let Some(target) = self.shown(n).filter(|_| n < s.rows.len()) else { return at };
        let row = s.rows.iter().position(|&p| p as usize == target).unwrap_or(n);
        at.map(|_| row).map_err(|_| row)
    }

    /// Starts the sorted order again (a new filter's matches are coming).
    pub fn restart_order(&mut self) {
        if let Some(s) = self.sorted.as_mut() {
            s.rows.clear();
        }
    }

    /// Puts the shown packets with a key (`key`, known for packets
    /// `..known`) in the sorted column's order, ties in packet order (all
    /// reversed with `reverse`). With `fresh` every row is sorted again (the
    /// column or the keys changed); otherwise the rows already in order stay
    /// and the packets shown since go into place.
    pub fn arrange(&mut self, known: usize, key: impl Fn(u32) -> u128, fresh: bool) {
        let Some(mut s) = self.sorted.take() else { return };
        let covered = match &self.matched {
            Some(m) => m.partition_point(|&p| (p as usize) < known),
            None => self.loaded.min(known),
        };
        let reverse = s.reverse;
        let cmp = |a: &(u128, u32), b: &(u128, u32)| if reverse { b.cmp(a) } else { a.cmp(b) };
        let keyed = |from: usize| -> Vec<(u128, u32)> {
            let mut v: Vec<(u128, u32)> =
                (from..covered).filter_map(|n| self.shown(n)).map(|p| (key(p as u32), p as u32)).collect();
            v.sort_unstable_by(cmp);
            v
        };
        if fresh || s.rows.len() > covered {
            s.rows = keyed(0).into_iter().map(|(_, p)| p).collect();
        } else if s.rows.len() < covered {
            let mut merged = Vec::with_capacity(covered);
            let mut rest = &s.rows[..];
            for (k, p) in keyed(s.rows.len()) {
                let n = rest.partition_point(|&q| cmp(&(key(q), q), &(k, p)) == Ordering::Less);
                merged.extend_from_slice(&rest[..n]);
                merged.push(p);
                rest = &rest[n..];
            }
            merged.extend_from_slice(rest);
            s.rows = merged;
        }
        self.sorted = Some(s);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rows_and_packets() {
        let mut v = View { loaded: 10, matched: None, sorted: None };
        assert_eq!(v.packet(3), Some(3));
        assert_eq!(v.packet(10), None);
        v.matched = Some(vec![2, 5, 7]);
        assert_eq!(v.len(), 3);
        assert_eq!(v.packet(1), Some(5));
        assert_eq!(v.row_of(7), Ok(2));
        assert_eq!(v.row_of(6), Err(2));
    }

    #[test]
    fn sorted_rows_keep_their_order_as_packets_arrive() {
        // Keys: packet 0..6 → 5 3 9 3 1 7; packets from 4 on not known yet.
        let keys = [5u128, 3, 9, 3, 1, 7];
        let key = |p: u32| keys[p as usize];
        let mut v = View { loaded: 4, matched: None, sorted: Some(Sorted::new(SortColumn::Length, false)) };
        v.arrange(4, key, true);
        let rows = |v: &View| (0..v.len()).map(|r| v.packet(r).unwrap()).collect::<Vec<_>>();
        assert_eq!(rows(&v), [1, 3, 0, 2], "equal keys in packet order");
        assert_eq!(v.row_of(0), Ok(2));
        v.loaded = 6;
        v.arrange(4, key, false);
        assert_eq!(rows(&v), [1, 3, 0, 2, 4, 5], "packets without keys follow in packet order");
        v.arrange(6, key, false);
        assert_eq!(rows(&v), [4, 1, 3, 0, 5, 2], "new packets go into place");
        v.sorted.as_mut().unwrap().reverse = true;
        v.arrange(6, key, true);
        assert_eq!(rows(&v), [2, 5, 0, 3, 1, 4]);
        v.matched = Some(vec![1, 2, 4]);
        v.restart_order();
        v.arrange(6, key, false);
        assert_eq!(rows(&v), [2, 1, 4]);
        assert_eq!(v.row_of(4), Ok(2));
        assert_eq!(v.row_of(3), Err(2), "a hidden packet: the row of the next shown one");
        assert_eq!(v.row_of(5), Err(3));
    }

    #[test]
    fn columns_cycle_back_to_the_number() {
        let seen: Vec<SortColumn> = SortColumn::in_order().collect();
        assert_eq!(seen.len(), 7);
        assert_eq!(seen[6], SortColumn::Info);
        assert_eq!(SortColumn::Info.next(), SortColumn::Number);
        assert_eq!(SortColumn::Info.text(), Some(Text::Info));
    }
}
