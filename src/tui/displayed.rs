//! Which packets the list shows: all of them, or those a display filter
//! matched (packet indices, ascending). Rows are positions in that order.

#[derive(Default, Debug, Clone)]
pub struct View {
    /// Packets in the store.
    pub loaded: usize,
    /// Matching packets when a filter is applied.
    pub matched: Option<Vec<u32>>,
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
        match &self.matched {
            Some(m) => m.get(row).map(|&p| p as usize),
            None => (row < self.loaded).then_some(row),
        }
    }

    /// The row showing `packet`, or the row of the nearest shown packet
    /// after it (`Err`), as Wireshark's go-to does for hidden packets.
    pub fn row_of(&self, packet: usize) -> Result<usize, usize> {
        match &self.matched {
            Some(m) => m.binary_search(&(packet as u32)),
            None if packet < self.loaded => Ok(packet),
            None => Err(self.loaded),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rows_and_packets() {
        let mut v = View { loaded: 10, matched: None };
        assert_eq!(v.packet(3), Some(3));
        assert_eq!(v.packet(10), None);
        v.matched = Some(vec![2, 5, 7]);
        assert_eq!(v.len(), 3);
        assert_eq!(v.packet(1), Some(5));
        assert_eq!(v.row_of(7), Ok(2));
        assert_eq!(v.row_of(6), Err(2));
    }
}
