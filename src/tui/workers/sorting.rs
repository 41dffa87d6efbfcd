//! Sorting the packet list: each column's key for a packet, from the packet
//! index (No., Time, Length) or from the labels (`crate::store::labels`:
//! Source, Destination, Protocol, Info), which a walk reads on the first
//! sort by a text column and keeps, following a capture that still grows.

use std::sync::atomic::AtomicBool;
use std::sync::mpsc::Sender;
use std::sync::Arc;

use crate::dissect::{Columns, Depth};
use crate::store::labels::Labels;

use crate::tui::displayed::SortColumn;
use crate::tui::event::Event;
use crate::tui::packets::Packets;
use crate::tui::workers::walk;

/// What a column's keys come from.
pub enum Keys {
    Number,
    /// Each packet's timestamp or length, read from the index in one pass
    /// (a read by position decodes a whole block of records).
    Index(Vec<u128>),
    /// Each packet's rank in a text column, for the packets labelled so far.
    Ranks(Vec<u32>),
}

impl Keys {
    /// The keys of `column` and the number of packets they are known for.
    pub fn of(column: SortColumn, packets: &Packets) -> (Keys, usize) {
        if let Some(text) = column.text() {
            let ranks = packets.labels().ranks(text).into_owned();
            let known = ranks.len();
            return (Keys::Ranks(ranks), known);
        }
        let store = packets.store();
        let keys: Vec<u128> = match column {
            SortColumn::Time => store.records.iter().map(|r| time_key(&r)).collect(),
            SortColumn::Length => store.records.iter().map(|r| r.origlen as u128).collect(),
            _ => return (Keys::Number, usize::MAX),
        };
        let known = keys.len();
        (Keys::Index(keys), known)
    }

    /// Brings `column`'s keys up to date with a capture that has grown: the
    /// index's keys of the new packets are added, a text column's ranks
    /// made again. Returns the number of packets they are known for.
    pub fn update(&mut self, column: SortColumn, packets: &Packets) -> usize {
        let Keys::Index(keys) = self else {
            let known;
            (*self, known) = Keys::of(column, packets);
            return known;
        };
        let store = packets.store();
        for r in (keys.len()..store.len()).map_while(|i| store.records.get(i)) {
            keys.push(if column == SortColumn::Time { time_key(&r) } else { r.origlen as u128 });
        }
        keys.len()
    }

    /// Packet `p`'s key (any packet the keys do not know sorts last).
    pub fn key(&self, p: u32) -> u128 {
        match self {
            Keys::Number => p as u128,
            Keys::Index(k) => k.get(p as usize).copied().unwrap_or(u128::MAX),
            Keys::Ranks(r) => r.get(p as usize).map_or(u128::MAX, |&r| r as u128),
        }
    }
}

/// A timestamp as one number: seconds moved to be unsigned, then nanoseconds.
fn time_key(r: &crate::capture::Record) -> u128 {
    ((r.ts.secs as i128 - i64::MIN as i128) as u128) << 32 | r.ts.nanos as u128
}

/// Reads every packet's labels into `packets`' store of them (revisited,
/// as the list shows them), sending `Event::Labelled` after each chunk;
/// once the capture is complete they are sealed.
pub fn spawn(packets: Arc<Packets>, tx: Sender<Event>, cancel: Arc<AtomicBool>) -> std::thread::JoinHandle<()> {
    let (visited, sent) = (packets.clone(), packets.clone());
    walk::spawn_with(
        packets,
        Depth::Columns,
        cancel,
        (),
        move |_, i, d, _| {
            let mut labels = visited.labels_mut();
            pad(&mut labels, i);
            labels.push(&d.cols);
        },
        move |_, scanned_to, done| {
            let mut labels = sent.labels_mut();
            pad(&mut labels, scanned_to);
            if done {
                labels.seal();
            }
            drop(labels);
            tx.send(Event::Labelled).is_ok()
        },
    )
}

/// Gives the packets before `to` that could not be read empty labels, as
/// their rows have.
fn pad(labels: &mut Labels, to: usize) {
    while labels.len() < to {
        labels.push(&Columns::default());
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dissect::Dissection;
    use crate::store::labels::Text;

    /// On every sample and corpus capture, the labels the worker reads order
    /// the packets as the texts of the list's own rows (fully dissected) do.
    #[test]
    fn labels_order_packets_as_the_rows_texts_do() {
        let mut checked = 0;
        for dir in ["sample-captures", "../shared/captures"] {
            let Ok(rd) = std::fs::read_dir(dir) else { continue };
            for path in rd.flatten().map(|e| e.path()) {
                if !path.extension().is_some_and(|x| x == "pcap" || x == "pcapng") {
                    continue;
                }
                let Some(packets) = crate::tui::testutil::load(&path) else { continue };
                let (tx, _rx) = std::sync::mpsc::channel();
                assert!(spawn(packets.clone(), tx, Arc::new(AtomicBool::new(false))).join().is_ok());
                let read = packets.labels();
                assert!(read.is_sealed() && read.len() == packets.len(), "{}", path.display());
                let mut rows = Labels::default();
                let (mut bytes, mut d) = (Vec::new(), Dissection::default());
                for i in 0..packets.len() {
                    match packets.dissect(i, &mut bytes, &mut d) {
                        true => rows.push(&d.cols),
                        false => rows.push(&Columns::default()),
                    }
                }
                for text in [Text::Source, Text::Destination, Text::Protocol, Text::Info] {
                    assert_eq!(read.ranks(text), rows.ranks(text), "{text:?} of {}", path.display());
                }
                checked += packets.len();
            }
        }
        assert!(checked > 1000, "only {checked} packets checked");
    }
}
