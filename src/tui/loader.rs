//! The file loader: reads a capture once, in order, on its own thread,
//! running the first dissection pass (which builds the session state) and
//! appending each packet's record to the shared store in batches, so the
//! UI can show the first packets while the rest are still loading.

use std::io::Read;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::Sender;
use std::sync::Arc;
use std::time::{Duration, Instant};

use crate::capture::Reader;
use crate::dissect::{dissect_frame, Dissection, FrameMeta, Pass};
use crate::field::Timestamp;

use super::event::{Event, Progress};
use super::packets::Packets;

/// How long the loader holds the session before publishing a batch: short
/// enough that the UI, which needs the session to build rows, never waits
/// noticeably, long enough that publishing costs little.
const BATCH_TIME: Duration = Duration::from_millis(15);
const BATCH_MAX: usize = 16_384;

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
        let pcapng = reader.is_pcapng();
        let mut d = Dissection::default();
        let mut batch = Vec::with_capacity(4096);
        let mut first_ts: Option<Timestamp> = None;
        let mut prev_ts = Timestamp::default();
        let mut number = 0u32;
        let mut bytes = 0u64;
        let mut error = None;
        let mut done = false;
        while !done {
            let deadline = Instant::now() + BATCH_TIME;
            {
                let mut session = packets.session();
                loop {
                    match reader.next_packet() {
                        Ok(Some((rec, iface, data))) => {
                            number += 1;
                            let first = *first_ts.get_or_insert(rec.ts);
                            let prev = if number == 1 { rec.ts } else { prev_ts };
                            let meta = FrameMeta::of(number, &rec, iface, pcapng, first, prev);
                            prev_ts = rec.ts;
                            dissect_frame(&meta, data, &mut session, Pass::First, false, &mut d);
                            bytes = rec.offset + rec.caplen as u64;
                            batch.push(rec);
                        }
                        Ok(None) => done = true,
                        Err(e) => {
                            error = Some(e.to_string());
                            done = true;
                        }
                    }
                    if done
                        || batch.len() >= BATCH_MAX
                        || (batch.len() % 64 == 0 && Instant::now() >= deadline)
                    {
                        break;
                    }
                }
            }
            let count = {
                let mut store = packets.store_mut();
                store.records.append(&mut batch);
                if store.interfaces.len() != reader.interfaces().len() {
                    store.interfaces = reader.interfaces().to_vec();
                }
                store.len()
            };
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::capture::StoreSource;
    use crate::tui::testutil;

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
