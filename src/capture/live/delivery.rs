//! What the reader threads hand on, and the delivery thread that writes it
//! to the `-w` file (one `write(2)` a batch) and passes it to the consumer.

use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{Receiver, RecvTimeoutError, Sender};
use std::sync::Arc;
use std::time::{Duration, Instant};

use super::output::{After, Output};
use super::{LiveEvent, LiveStats};
use crate::capture::{io_reason, Interface, Record};

/// A batch is handed on when it holds this many packets or bytes, even
/// while more wait: it bounds the delay a long burst adds.
pub const BATCH_PACKETS: usize = 1024;
pub const BATCH_BYTES: usize = 1 << 20;

/// What a reader thread hands on: the interfaces its packets name (before
/// the first packet, and again when a stream adds one), packets read
/// together (their bytes back to back in `data`, each record's `offset` its
/// start there, its `iface` an index into the interfaces), the counters at
/// one moment, or the error that stopped the capture.
pub enum Batch {
    /// The interfaces, and whether they come from pcapng (which names them).
    Interfaces(Vec<Interface>, bool),
    /// `comments`: each packet's pcapng comments (from a stream that has them).
    Packets { records: Vec<Record>, data: Vec<u8>, comments: Vec<Vec<String>> },
    Stats(LiveStats),
    Error(String),
}

/// Packets gathered by a reader thread until it hands them on.
#[derive(Default)]
pub struct Gather {
    records: Vec<Record>,
    data: Vec<u8>,
    comments: Vec<Vec<String>>,
}

impl Gather {
    pub fn push(&mut self, mut record: Record, bytes: &[u8], comments: &[String]) {
        record.offset = self.data.len() as u64;
        record.caplen = bytes.len() as u32;
        self.records.push(record);
        self.data.extend_from_slice(bytes);
        self.comments.push(comments.to_vec());
    }

    pub fn is_full(&self) -> bool {
        self.records.len() >= BATCH_PACKETS || self.data.len() >= BATCH_BYTES
    }

    /// Sends what was gathered, if anything; false when no one receives
    /// any more.
    pub fn hand_on(&mut self, to: &Sender<Batch>) -> bool {
        if self.records.is_empty() {
            return true;
        }
        let records = std::mem::replace(&mut self.records, Vec::with_capacity(BATCH_PACKETS));
        let data = std::mem::replace(&mut self.data, Vec::with_capacity(64 << 10));
        let comments = std::mem::take(&mut self.comments);
        to.send(Batch::Packets { records, data, comments }).is_ok()
    }
}

/// The delivery thread: writes each batch to the `-w` file, then hands its
/// packets to the consumer one by one.
pub struct Delivery {
    pub file: Option<Output>,
    pub write_path: Option<PathBuf>,
    pub stop: Arc<AtomicBool>,
    pub interfaces: Vec<Interface>,
    /// `-a duration:N`, with or without a file.
    pub deadline: Option<Instant>,
}

/// How often the delivery thread checks time limits when nothing comes.
const TICK: Duration = Duration::from_millis(100);

impl Delivery {
    pub fn run(mut self, batches: Receiver<Batch>, mut sink: impl FnMut(LiveEvent) -> bool) {
        loop {
            let batch = match batches.recv_timeout(TICK) {
                Ok(b) => b,
                Err(RecvTimeoutError::Disconnected) => return,
                Err(RecvTimeoutError::Timeout) => {
                    if self.deadline.is_some_and(|d| Instant::now() >= d) {
                        self.stop.store(true, Ordering::Relaxed);
                    }
                    match self.file.as_mut().map(Output::tick) {
                        Some(Err(e)) => {
                            sink(LiveEvent::Error(self.write_error(&e)));
                            self.stop.store(true, Ordering::Relaxed);
                        }
                        Some(Ok(After::Stop)) => self.stop.store(true, Ordering::Relaxed),
                        _ => {}
                    }
                    continue;
                }
            };
            let ok = match batch {
                Batch::Stats(s) => sink(LiveEvent::Stats(s)),
                Batch::Error(e) => sink(LiveEvent::Error(e)),
                Batch::Interfaces(list, pcapng) => match self.start_file(&list) {
                    Err(e) => {
                        sink(LiveEvent::Error(e));
                        false
                    }
                    Ok(()) => {
                        self.interfaces = list.clone();
                        sink(LiveEvent::Interfaces { list, pcapng })
                    }
                },
                Batch::Packets { records, data, mut comments } => match self.write(&records, &data) {
                    Err(e) => {
                        sink(LiveEvent::Error(e));
                        false
                    }
                    Ok((at, after)) => {
                        // With a file, only what it took is delivered: an
                        // autostop ends both at the same packet.
                        let n = if self.file.is_some() { at.len() } else { records.len() };
                        let delivered = records[..n].iter().enumerate().all(|(i, r)| {
                            let record = Record { offset: at.get(i).copied().unwrap_or(0), ..*r };
                            let linktype = self.interfaces.get(r.iface as usize).map_or(0, |i| i.linktype);
                            let comments = comments.get_mut(i).map(std::mem::take).unwrap_or_default();
                            sink(LiveEvent::Packet { record, linktype, data: bytes(r, &data).to_vec(), comments })
                        });
                        let late = self.deadline.is_some_and(|d| Instant::now() >= d);
                        delivered && after == After::Go && !late
                    }
                },
            };
            if !ok {
                // The reader stops within its poll timeout and sends its
                // final counts, which are still delivered.
                self.stop.store(true, Ordering::Relaxed);
                for batch in batches {
                    if let Batch::Stats(s) = batch {
                        sink(LiveEvent::Stats(s));
                    }
                }
                return;
            }
        }
    }

    fn start_file(&mut self, interfaces: &[Interface]) -> Result<(), String> {
        match &mut self.file {
            Some(file) => file.interfaces(interfaces).map_err(|e| self.write_error(&e)),
            None => Ok(()),
        }
    }

    /// Writes a batch to the file, when there is one, and returns where
    /// each packet's bytes are in the file.
    fn write(&mut self, records: &[Record], data: &[u8]) -> Result<(Vec<u64>, After), String> {
        let Some(file) = &mut self.file else { return Ok((Vec::new(), After::Go)) };
        file.write(records, data).map_err(|e| self.write_error(&e))
    }

    fn write_error(&self, e: &std::io::Error) -> String {
        let path = self.write_path.as_ref().map(|p| p.display().to_string()).unwrap_or_default();
        format!("{path}: cannot write: {}", io_reason(e))
    }
}

/// A batched record's bytes (its `offset` is its start in the batch, which
/// `Gather::push` built).
pub fn bytes<'a>(r: &Record, data: &'a [u8]) -> &'a [u8] {
    let start = r.offset as usize;
    data.get(start..start + r.caplen as usize).unwrap_or_default()
}
