//! `Ctrl-s`: writes all or only the displayed packets to a pcap file, or a
//! pcapng file when the name ends in `.pcapng`, on a worker thread,
//! reporting the outcome as an event.

use std::path::{Path, PathBuf};
use std::sync::mpsc::Sender;
use std::sync::Arc;

use crate::capture::{io_reason, Interface, PcapWriter, PcapngWriter, Record};

use crate::tui::event::Event;
use crate::tui::packets::Packets;

/// Saves the packets `which` (indices; all when None) to `path`.
pub fn spawn(packets: Arc<Packets>, which: Option<Vec<u32>>, path: PathBuf, tx: Sender<Event>) {
    std::thread::spawn(move || {
        let result = save(&packets, which, &path).map_err(|e| format!("{}: {e}", path.display()));
        let _ = tx.send(Event::Saved(result.map(|n| (n, path.display().to_string()))));
    });
}

/// Whether `path` names a pcapng file: the extension chooses, as in
/// Wireshark's "Save As" and `editcap`, so the prompt needs no extra toggle.

fn save(packets: &Packets, which: Option<Vec<u32>>, path: &Path) -> Result<usize, String> {
    // Copy the records out so the store stays free for the sources while
    // the file is written.
    let (records, interfaces): (Vec<(usize, Record)>, Vec<Interface>) = {
        let store = packets.store();
        let records: Vec<(usize, Record)> = match which {
            Some(w) => w.iter().filter_map(|&i| Some((i as usize, store.records.get(i as usize)?))).collect(),
            None => store.records.iter().enumerate().collect(),
        };
        // A pcapng custom block is a frame but no packet: not written.
        let records = records.into_iter().filter(|(_, r)| r.custom.is_none()).collect();
        (records, store.interfaces.clone())
    };
    let mut sink = if crate::capture::is_pcapng_name(path) {
        Sink::Pcapng(PcapngWriter::create(path, &interfaces).map_err(|e| io_reason(&e))?)
    } else {
        Sink::Pcap(pcap(path, &records, &interfaces)?)
    };
    let mut buf = Vec::new();
    for (i, rec) in &records {
        packets.store().fetch(*i, &mut buf).map_err(|e| format!("packet {}: {e}", i + 1))?;
        match &mut sink {
            Sink::Pcap(w) => w.write(rec.ts, rec.origlen, &buf).map(drop),
            Sink::Pcapng(w) => w.write(rec.iface, rec.ts, rec.origlen, &buf),
        }
        .map_err(|e| io_reason(&e))?;
    }
    if let Sink::Pcapng(w) = sink {
        w.finish().map_err(|e| io_reason(&e))?;
    }
    Ok(records.len())
}

enum Sink {
    Pcap(PcapWriter),
    Pcapng(PcapngWriter),
}

/// A pcap file for `records`, which must share one link type: pcap has a
/// single one in its header.
fn pcap(path: &Path, records: &[(usize, Record)], interfaces: &[Interface]) -> Result<PcapWriter, String> {
    let linktype_of = |r: &Record| r.interface(&interfaces).map_or(u32::MAX, |i| i.linktype);
    let mut links = records.iter().map(|(_, r)| linktype_of(r));
    let linktype = links.next().unwrap_or(1);
    if links.any(|l| l != linktype) {
        return Err("these packets have several link types, which a pcap file cannot hold (save as .pcapng)".into());
    }
    let snaplen = interfaces.iter().map(|i| i.snaplen).max().unwrap_or(262_144).max(1);
    let nanos = interfaces.iter().any(|i| i.ts_digits > 6);
    PcapWriter::create(path, linktype, snaplen, nanos).map_err(|e| io_reason(&e))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::capture::{Reader, StoreSource};
    use crate::tui::testutil;

    /// The packets of a capture file, as the loader leaves them in the store.
    fn loaded(file: Vec<u8>) -> Arc<Packets> {
        let packets = Arc::new(Packets::new(StoreSource::Memory(file.clone()), false));
        let mut r = Reader::new(std::io::Cursor::new(file)).unwrap();
        let mut store = packets.store_mut();
        while let Ok(Some((rec, _, _))) = r.next_packet() {
            store.records.push(&rec);
        }
        store.interfaces = r.interfaces().to_vec();
        drop(store);
        packets
    }

    #[test]
    fn saves_the_chosen_packets_readably() {
        let frames = testutil::lab_frames();
        let packets = loaded(testutil::pcap(&frames));
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

    /// Every packet as a reader returns it: interface, link type, time, bytes.
    fn packets_of(path: &Path) -> Vec<(u32, u32, crate::field::Timestamp, Vec<u8>)> {
        let mut r = Reader::new(std::fs::File::open(path).unwrap()).unwrap();
        let mut out = Vec::new();
        while let Some((rec, iface, data)) = r.next_packet().unwrap() {
            out.push((rec.iface, iface.linktype, rec.ts, data.to_vec()));
        }
        out
    }

    #[test]
    fn a_pcapng_name_saves_pcapng_with_each_packets_interface() {
        let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("sample-captures/two-interfaces.pcapng");
        let packets = loaded(std::fs::read(&src).unwrap());
        let dir = tempfile::tempdir().unwrap();
        // Two link types: pcap cannot hold them, pcapng can.
        let err = save(&packets, None, &dir.path().join("both.pcap")).unwrap_err();
        assert!(err.contains("several link types"), "{err}");
        let out = dir.path().join("both.PCAPNG");
        assert_eq!(save(&packets, None, &out), Ok(4));
        let (mine, theirs) = (packets_of(&out), packets_of(&src));
        assert_eq!(mine, theirs);
        assert_ne!(mine[0].1, mine[3].1, "the sample has two link types");
        // tshark, when installed, reads the same packets on the same
        // interfaces at the same times from both files.
        let tshark = |path: &Path| {
            let out = std::process::Command::new("tshark")
                .env("TZ", "UTC")
                .args(["-n", "-r"])
                .arg(path)
                .args(["-T", "fields", "-e", "frame.interface_id", "-e", "frame.time_epoch", "-e", "frame.len"])
                .output()
                .ok()?;
            Some(String::from_utf8_lossy(&out.stdout).into_owned())
        };
        match (tshark(&out), tshark(&src)) {
            (Some(a), Some(b)) => assert_eq!((a.lines().count(), a), (4, b)),
            _ => eprintln!("skipping the tshark part: tshark is not installed"),
        }
        assert_eq!(save(&packets, Some(vec![3]), &out), Ok(1));
        assert_eq!(packets_of(&out), theirs[3..]);
    }
}
