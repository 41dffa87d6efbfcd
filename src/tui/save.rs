//! `Ctrl-s`: writes all or only the displayed packets to a pcap file, on a
//! worker thread, reporting the outcome as an event.

use std::path::{Path, PathBuf};
use std::sync::mpsc::Sender;
use std::sync::Arc;

use crate::capture::{PcapWriter, Record};

use super::event::Event;
use super::packets::Packets;

/// Saves the packets `which` (indices; all when None) to `path`.
pub fn spawn(packets: Arc<Packets>, which: Option<Vec<u32>>, path: PathBuf, tx: Sender<Event>) {
    std::thread::spawn(move || {
        let result = save(&packets, which, &path).map_err(|e| format!("{}: {e}", path.display()));
        let _ = tx.send(Event::Saved(result.map(|n| (n, path.display().to_string()))));
    });
}

fn save(packets: &Packets, which: Option<Vec<u32>>, path: &Path) -> Result<usize, String> {
    // Copy the records out so the store stays free for the sources while
    // the file is written.
    let (records, linktype, snaplen, nanos): (Vec<(usize, Record)>, u32, u32, bool) = {
        let store = packets.store();
        let records: Vec<(usize, Record)> = match which {
            Some(w) => w.iter().filter_map(|&i| Some((i as usize, *store.records.get(i as usize)?))).collect(),
            None => store.records.iter().copied().enumerate().collect(),
        };
        let mut links = records.iter().map(|(_, r)| store.linktype(r));
        let linktype = links.next().unwrap_or(1);
        if links.any(|l| l != linktype) {
            return Err("these packets have several link types, which a pcap file cannot hold".into());
        }
        let snaplen = store.interfaces.iter().map(|i| i.snaplen).max().unwrap_or(262_144).max(1);
        let nanos = store.interfaces.iter().any(|i| i.ts_digits > 6);
        (records, linktype, snaplen, nanos)
    };
    let mut w = PcapWriter::create(path, linktype, snaplen, nanos).map_err(|e| crate::capture::io_reason(&e))?;
    let mut buf = Vec::new();
    for (i, rec) in &records {
        packets.store().fetch(*i, &mut buf).map_err(|e| format!("packet {}: {e}", i + 1))?;
        w.write(rec.ts, rec.origlen, &buf).map_err(|e| crate::capture::io_reason(&e))?;
    }
    Ok(records.len())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::capture::{Reader, StoreSource};
    use crate::tui::testutil;

    #[test]
    fn saves_the_chosen_packets_readably() {
        let frames = testutil::lab_frames();
        let file = testutil::pcap(&frames);
        let packets = Arc::new(Packets::new(StoreSource::Memory(file.clone()), false));
        {
            let mut r = Reader::new(std::io::Cursor::new(file)).unwrap();
            let mut store = packets.store_mut();
            while let Ok(Some((rec, _, _))) = r.next_packet() {
                store.records.push(rec);
            }
            store.interfaces = r.interfaces().to_vec();
        }
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("some.pcap");
        assert_eq!(save(&packets, Some(vec![1, 4]), &out), Ok(2));
        let mut r = Reader::new(std::fs::File::open(&out).unwrap()).unwrap();
        let (rec, _, data) = r.next_packet().unwrap().unwrap();
        assert_eq!(data, &frames[1][..]);
        assert_eq!(rec.ts.nanos, 10_000_000);
        assert_eq!(r.next_packet().unwrap().unwrap().2, &frames[4][..]);
        assert!(r.next_packet().unwrap().is_none());
        assert_eq!(save(&packets, None, &out), Ok(6));
        assert!(save(&packets, None, &dir.path().join("no/such/dir.pcap")).is_err());
    }
}
