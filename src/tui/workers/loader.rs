//! Packet sources for the UI: the file loader and the live capture feeder.
//! Each runs on its own thread, in packet order, running the first
//! dissection pass (which builds the session state) and appending each
//! packet's record to the shared store in batches, so the UI shows the first
//! packets at once while the rest keep coming.

use std::io::Read;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{Receiver, RecvTimeoutError, Sender};
use std::sync::Arc;
use std::time::{Duration, Instant};

use crate::store::brief;
use crate::capture::{Interface, LiveEvent, Reader, Record};
use crate::dissect::{dissect_frame, Arrivals, Dissection, Pass};
use crate::dissect::session::Session;

use crate::tui::event::{Event, Progress};
use crate::tui::packets::Packets;

/// How long a source holds the session before publishing a batch: short
/// enough that the UI, which needs the session to build rows, never waits
/// noticeably, long enough that publishing costs little.
const BATCH_TIME: Duration = Duration::from_millis(15);
const BATCH_MAX: usize = 16_384;

/// The first pass over packets in arrival order, and their publication.
struct Ingest {
    packets: Arc<Packets>,
    arrivals: Arrivals,
    d: Dissection,
    brief: brief::Encoder,
    batch: Vec<Record>,
    /// The file's comments on packets of the batch, by position in it.
    comments: Vec<(usize, Vec<String>)>,
    /// Bytes of the batch's packets, for a store kept in memory (a live
    /// capture not written to a file); offsets are relative to it.
    bytes: Option<Vec<u8>>,
}

impl Ingest {
    fn new(packets: Arc<Packets>, pcapng: bool, keep_bytes: bool) -> Ingest {
        let mut d = Dissection::default();
        d.tree.record(crate::field::tree::Recording::Brief);
        Ingest {
            packets,
            arrivals: Arrivals::new(pcapng),
            d,
            brief: brief::Encoder::new(),
            batch: Vec::with_capacity(4096),
            comments: Vec::new(),
            bytes: keep_bytes.then(Vec::new),
        }
    }

    /// The first pass over the next packet.
    fn add(&mut self, session: &mut Session, mut rec: Record, iface: &Interface, data: &[u8]) {
        let meta = self.arrivals.next(&rec, iface);
        dissect_frame(&meta, data, session, Pass::First, crate::dissect::Depth::Columns, &mut self.d);
        self.brief.push(&self.d.tree.brief);
        if let Some(b) = self.bytes.as_mut() {
            rec.offset = b.len() as u64;
            b.extend_from_slice(data);
        }
        self.batch.push(rec);
    }

    fn full(&self, deadline: Instant) -> bool {
        self.batch.len() >= BATCH_MAX || (self.batch.len() % 64 == 0 && Instant::now() >= deadline)
    }

    /// Appends the batch to the store; returns the number of packets in it.
    /// When the batch's bytes cannot be kept, says why in `error`.
    fn publish(&mut self, interfaces: &[Interface], error: &mut Option<String>) -> usize {
        let mut store = self.packets.store_mut();
        if let Some(bytes) = self.bytes.as_mut() {
            let kept = store.append(bytes);
            bytes.clear();
            match kept {
                Ok(base) => self.batch.iter_mut().for_each(|r| r.offset += base),
                Err(e) => {
                    // The batch is lost, not half-kept: the records and the
                    // brief records stay aligned.
                    self.batch.clear();
                    self.comments.clear();
                    self.brief.discard();
                    *error = Some(format!("cannot keep captured packets: {e}"));
                    return store.len();
                }
            }
        }
        self.brief.publish(&mut self.packets.brief_mut());
        let base = store.records.len();
        for (k, c) in self.comments.drain(..) {
            store.comments.insert(base + k, c);
        }
        for rec in self.batch.drain(..) {
            store.records.push(&rec);
        }
        if store.interfaces.len() != interfaces.len() {
            store.interfaces = interfaces.to_vec();
        }
        store.len()
    }
}

/// Loads `reader` (a capture of `total` bytes, 0 if unknown) into `packets`,
/// sending an `Event::Packets` after each batch. Stops early when `stop` is set.
pub fn spawn<R: Read + Send + 'static>(
    mut reader: Reader<R>,
    total: u64,
    packets: Arc<Packets>,
    tx: Sender<Event>,
    stop: Arc<AtomicBool>,
) -> std::thread::JoinHandle<()> {
    std::thread::spawn(move || {
        let mut ingest = Ingest::new(packets.clone(), reader.is_pcapng(), false);
        let mut bytes = 0u64;
        let mut error = None;
        let mut done = false;
        while !done {
            let deadline = Instant::now() + BATCH_TIME;
            {
                let mut session = packets.session();
                loop {
                    match reader.next_packet_full() {
                        Ok(Some(p)) => {
                            bytes = p.rec.offset + p.rec.caplen as u64;
                            if !p.comments.is_empty() {
                                ingest.comments.push((ingest.batch.len(), p.comments.to_vec()));
                            }
                            // The reader only returns packets on interfaces it has described.
                            if let Some(iface) = p.rec.interface(p.interfaces) {
                                ingest.add(&mut session, p.rec, iface, p.data);
                            }
                        }
                        Ok(None) => done = true,
                        Err(e) => {
                            error = Some(e.to_string());
                            done = true;
                        }
                    }
                    if done || ingest.full(deadline) {
                        break;
                    }
                }
            }
            let count = ingest.publish(reader.interfaces(), &mut error);
            if stop.load(Ordering::Relaxed) {
                done = true;
            }
            if done {
                packets.set_complete();
            }
            let progress = Progress {
                packets: count,
                bytes: if done && error.is_none() { total.max(bytes) } else { bytes },
                total,
                done,
                error: error.clone(),
                dropped: None,
            };
            if tx.send(Event::Packets(progress)).is_err() {
                break;
            }
        }
    })
}

/// Dissects the packets of `old` (a source read to its end) again into
/// `new`, whose first pass sees the Decode As table and the TLS key log now
/// in force, as the loader did the first time; `copy` keeps their bytes in
/// `new`'s memory (a source that cannot be read again, such as stdin), else
/// `new` reads the same file. Progress counts packets, not bytes.
pub fn spawn_again(
    old: Arc<Packets>,
    new: Arc<Packets>,
    copy: bool,
    tx: Sender<Event>,
    stop: Arc<AtomicBool>,
) -> std::thread::JoinHandle<()> {
    std::thread::spawn(move || {
        let (total, interfaces, pcapng) = {
            let s = old.store();
            (s.len(), s.interfaces.clone(), s.pcapng)
        };
        let mut ingest = Ingest::new(new.clone(), pcapng, copy);
        let (mut data, mut next, mut error, mut done) = (Vec::new(), 0, None, false);
        while !done {
            let deadline = Instant::now() + BATCH_TIME;
            {
                let mut session = new.session();
                while next < total && !ingest.full(deadline) {
                    let store = old.store();
                    let Some(rec) = store.records.get(next) else { break };
                    if let Err(e) = store.read(&rec, &mut data) {
                        error = Some(format!("packet {}: {e}", next + 1));
                        break;
                    }
                    let comments = store.comments_of(next);
                    if !comments.is_empty() {
                        ingest.comments.push((ingest.batch.len(), comments.to_vec()));
                    }
                    drop(store);
                    // The store only holds packets on interfaces it has described.
                    if let Some(iface) = rec.interface(&interfaces) {
                        ingest.add(&mut session, rec, iface, &data);
                    }
                    next += 1;
                }
            }
            let count = ingest.publish(&interfaces, &mut error);
            done = next >= total || error.is_some() || stop.load(Ordering::Relaxed);
            if done {
                new.set_complete();
            }
            let progress =
                Progress { packets: count, bytes: next as u64, total: total as u64, done, error: error.clone(), dropped: None };
            if tx.send(Event::Packets(progress)).is_err() {
                break;
            }
        }
    })
}

/// Feeds a live capture's packets (from `events`, captured on `iface`) into
/// `packets`, keeping their bytes in memory. (Not read back from a `-w`
/// file: a row built before the writer flushed would show a packet that
/// cannot be read.) Ends when the capture does.
pub fn spawn_live(
    events: Receiver<LiveEvent>,
    iface: Interface,
    packets: Arc<Packets>,
    tx: Sender<Event>,
) -> std::thread::JoinHandle<()> {
    std::thread::spawn(move || {
        let mut interfaces = vec![iface];
        let mut ingest = Ingest::new(packets.clone(), false, true);
        let mut dropped = 0;
        let mut error = None;
        let mut done = false;
        while !done {
            // Wait for something to happen, then take all that came with it.
            let first = match events.recv_timeout(Duration::from_millis(200)) {
                Ok(ev) => Some(ev),
                Err(RecvTimeoutError::Timeout) => continue,
                Err(RecvTimeoutError::Disconnected) => None,
            };
            let deadline = Instant::now() + BATCH_TIME;
            {
                let mut session = packets.session();
                let mut next = first;
                loop {
                    match next {
                        Some(LiveEvent::Packet { record, data, .. }) => {
                            let iface = record.interface(&interfaces).unwrap_or(&interfaces[0]);
                            ingest.add(&mut session, record, iface, &data);
                        }
                        Some(LiveEvent::Stats(s)) => dropped = s.dropped + s.if_dropped,
                        // A stream's own description, before its first packet.
                        Some(LiveEvent::Interfaces { list, pcapng }) => {
                            if !list.is_empty() {
                                interfaces = list;
                            }
                            ingest.arrivals = Arrivals::new(pcapng);
                            packets.store_mut().pcapng = pcapng;
                        }
                        Some(LiveEvent::Error(e)) => error = Some(e),
                        None => {
                            done = true;
                            break;
                        }
                    }
                    if ingest.full(deadline) {
                        break;
                    }
                    next = match events.try_recv() {
                        Ok(ev) => Some(ev),
                        Err(std::sync::mpsc::TryRecvError::Empty) => break,
                        Err(std::sync::mpsc::TryRecvError::Disconnected) => None,
                    };
                }
            }
            let count = ingest.publish(&interfaces, &mut error);
            if done {
                packets.set_complete();
            }
            let progress =
                Progress { packets: count, bytes: 0, total: 0, done, error: error.clone(), dropped: Some(dropped) };
            if tx.send(Event::Packets(progress)).is_err() {
                break;
            }
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::capture::StoreSource;
    use crate::tui::testutil;

    #[test]
    fn live_packets_are_kept_in_memory_and_dropped_counts_reported() {
        let packets = Arc::new(Packets::new(StoreSource::Memory(Vec::new()), false));
        let (ev_tx, ev_rx) = std::sync::mpsc::channel();
        let (tx, rx) = std::sync::mpsc::channel();
        let iface = Interface { linktype: 1, snaplen: 65535, ticks_per_sec: 1_000_000, ts_digits: 6, name: None, description: None, section: 0 };
        let h = spawn_live(ev_rx, iface, packets.clone(), tx);
        for i in 0..3u8 {
            let data = testutil::udp_frame(&[i; 4]);
            let record = Record { offset: 0, caplen: data.len() as u32, origlen: data.len() as u32, ..Record::default() };
            ev_tx.send(LiveEvent::Packet { record, linktype: 1, data, comments: Vec::new() }).unwrap();
        }
        ev_tx.send(LiveEvent::Stats(crate::capture::LiveStats { dropped: 2, ..Default::default() })).unwrap();
        drop(ev_tx);
        let last = rx.iter().filter_map(|e| if let Event::Packets(p) = e { Some(p) } else { None }).last().unwrap();
        h.join().unwrap();
        assert!(last.done && packets.is_complete());
        assert_eq!((last.packets, last.dropped), (3, Some(2)));
        let mut bytes = Vec::new();
        let mut d = Dissection::default();
        assert!(packets.dissect(2, &mut bytes, &mut d));
        assert_eq!(bytes, testutil::udp_frame(&[2; 4]));
        assert_eq!(d.cols.protocol, "UDP");
    }

    #[test]
    fn live_packets_beyond_the_budget_move_to_a_file_and_stay_readable() {
        let packets = Arc::new(Packets::new(StoreSource::Memory(Vec::new()), false));
        packets.store_mut().budget = 1000;
        let (ev_tx, ev_rx) = std::sync::mpsc::channel();
        let (tx, rx) = std::sync::mpsc::channel();
        let iface = Interface { linktype: 1, snaplen: 65535, ticks_per_sec: 1_000_000, ts_digits: 6, name: None, description: None, section: 0 };
        let h = spawn_live(ev_rx, iface, packets.clone(), tx);
        let frames: Vec<Vec<u8>> = (0..100u8).map(|i| testutil::udp_frame(&[i; 40])).collect();
        for data in &frames {
            let record = Record { caplen: data.len() as u32, origlen: data.len() as u32, ..Record::default() };
            ev_tx.send(LiveEvent::Packet { record, linktype: 1, data: data.clone(), comments: Vec::new() }).unwrap();
        }
        drop(ev_tx);
        let last = rx.iter().filter_map(|e| if let Event::Packets(p) = e { Some(p) } else { None }).last().unwrap();
        h.join().unwrap();
        assert_eq!((last.packets, last.error), (100, None));
        assert!(matches!(packets.store().source, StoreSource::Spilled { .. }));
        let mut bytes = Vec::new();
        for (i, f) in frames.iter().enumerate() {
            packets.store().fetch(i, &mut bytes).unwrap();
            assert_eq!(&bytes, f, "packet {}", i + 1);
        }
    }

    #[test]
    fn loads_every_packet_and_reports_done() {
        let frames: Vec<Vec<u8>> = (0..1000).map(|i| testutil::udp_frame(&[i as u8; 20])).collect();
        let file = testutil::pcap(&frames);
        let packets = Arc::new(Packets::new(StoreSource::Memory(file.clone()), false));
        let reader = Reader::new(std::io::Cursor::new(file.clone())).unwrap();
        let (tx, rx) = std::sync::mpsc::channel();
        let h = spawn(reader, file.len() as u64, packets.clone(), tx, Arc::new(AtomicBool::new(false)));
        let mut last = Progress::default();
        for ev in rx.iter() {
            if let Event::Packets(p) = ev {
                assert!(p.packets >= last.packets);
                last = p;
            }
        }
        h.join().unwrap();
        assert!(last.done);
        assert_eq!(last.packets, 1000);
        assert_eq!(last.bytes, file.len() as u64);
        assert_eq!(packets.len(), 1000);
        let mut bytes = Vec::new();
        let mut d = Dissection::default();
        assert!(packets.dissect(999, &mut bytes, &mut d));
        assert_eq!(bytes.last(), Some(&(999u32 as u8)));
        assert!(!packets.dissect(1000, &mut bytes, &mut d));
    }
}
