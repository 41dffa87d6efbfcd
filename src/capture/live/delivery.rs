//! What the reader threads hand on, and the delivery thread that writes it
//! to the `-w` file (one `write(2)` a batch) and passes it to the consumer.

use std::fs::File;
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{Receiver, Sender};
use std::sync::Arc;

use super::{LiveEvent, LiveStats};
use crate::capture::pcap_writer::PcapWriter;
use crate::capture::pcapng_writer::PcapngWriter;
use crate::capture::{io_reason, is_pcapng_name, Interface, Record};

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
    Interfaces(Vec<Interface>),
    Packets { records: Vec<Record>, data: Vec<u8> },
    Stats(LiveStats),
    Error(String),
}

/// Packets gathered by a reader thread until it hands them on.
#[derive(Default)]
pub struct Gather {
    records: Vec<Record>,
    data: Vec<u8>,
}

impl Gather {
    pub fn push(&mut self, mut record: Record, bytes: &[u8]) {
        record.offset = self.data.len() as u64;
        record.caplen = bytes.len() as u32;
        self.records.push(record);
        self.data.extend_from_slice(bytes);
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
        to.send(Batch::Packets { records, data }).is_ok()
    }
}

/// The `-w` file: created when the capture starts (so a bad path fails at
/// once), its header written when the first interface is known (a stream
/// says it only when its first bytes arrive).
pub enum LiveFile {
    Created { file: File, pcapng: bool, nanos: bool },
    Pcap(PcapWriter),
    Pcapng(PcapngWriter),
}

impl LiveFile {
    pub fn create(path: &std::path::Path, nanos: bool) -> std::io::Result<LiveFile> {
        Ok(LiveFile::Created { file: File::create(path)?, pcapng: is_pcapng_name(path), nanos })
    }

    /// Writes the file header for `interfaces`; a pcap file has the first
    /// one's link type, a pcapng file describes them all.
    fn start(&mut self, interfaces: &[Interface]) -> std::io::Result<()> {
        let LiveFile::Created { file, pcapng, nanos } = self else { return Ok(()) };
        let file = file.try_clone()?;
        *self = if *pcapng {
            LiveFile::Pcapng(PcapngWriter::new(file, interfaces)?)
        } else {
            let first = interfaces.first().ok_or_else(|| std::io::Error::other("no interface"))?;
            LiveFile::Pcap(PcapWriter::new(file, first.linktype, first.snaplen, *nanos)?)
        };
        Ok(())
    }

    fn stage(&mut self, r: &Record, data: &[u8]) -> std::io::Result<u64> {
        match self {
            LiveFile::Pcap(w) => Ok(w.stage(r.ts, r.origlen, data)),
            LiveFile::Pcapng(w) => w.stage(r.iface, r.ts, r.origlen, data),
            LiveFile::Created { .. } => Err(std::io::Error::other("a packet before its interface")),
        }
    }

    fn flush(&mut self) -> std::io::Result<()> {
        match self {
            LiveFile::Pcap(w) => w.flush(),
            LiveFile::Pcapng(w) => w.flush(),
            LiveFile::Created { .. } => Ok(()),
        }
    }
}

/// The delivery thread: writes each batch to the `-w` file, then hands its
/// packets to the consumer one by one.
pub struct Delivery {
    pub file: Option<LiveFile>,
    pub write_path: Option<PathBuf>,
    pub stop: Arc<AtomicBool>,
    pub interfaces: Vec<Interface>,
}

impl Delivery {
    pub fn run(mut self, batches: Receiver<Batch>, mut sink: impl FnMut(LiveEvent) -> bool) {
        for batch in batches {
            let ok = match batch {
                Batch::Stats(s) => sink(LiveEvent::Stats(s)),
                Batch::Error(e) => sink(LiveEvent::Error(e)),
                Batch::Interfaces(list) => match self.start_file(&list) {
                    Err(e) => {
                        sink(LiveEvent::Error(e));
                        false
                    }
                    Ok(()) => {
                        let first = list.first().cloned();
                        self.interfaces = list;
                        first.is_none_or(|i| sink(LiveEvent::Interface(i)))
                    }
                },
                Batch::Packets { records, data } => match self.write(&records, &data) {
                    Err(e) => {
                        sink(LiveEvent::Error(e));
                        false
                    }
                    Ok(at) => records.iter().enumerate().all(|(i, r)| {
                        let record = Record { offset: at.get(i).copied().unwrap_or(0), ..*r };
                        let linktype = self.interfaces.get(r.iface as usize).map_or(0, |i| i.linktype);
                        sink(LiveEvent::Packet { record, linktype, data: bytes(r, &data).to_vec() })
                    }),
                },
            };
            if !ok {
                // The reader stops within its poll timeout; the batches
                // still on their way are dropped with the receiver.
                self.stop.store(true, Ordering::Relaxed);
                return;
            }
        }
    }

    fn start_file(&mut self, interfaces: &[Interface]) -> Result<(), String> {
        match &mut self.file {
            Some(file) => file.start(interfaces).map_err(|e| self.write_error(&e)),
            None => Ok(()),
        }
    }

    /// Writes a batch to the file, when there is one, and returns where
    /// each packet's bytes are in the file.
    fn write(&mut self, records: &[Record], data: &[u8]) -> Result<Vec<u64>, String> {
        let Some(file) = &mut self.file else { return Ok(Vec::new()) };
        let mut staged = || -> std::io::Result<Vec<u64>> {
            let at = records.iter().map(|r| file.stage(r, bytes(r, data))).collect::<Result<_, _>>()?;
            file.flush()?;
            Ok(at)
        };
        staged().map_err(|e| self.write_error(&e))
    }

    fn write_error(&self, e: &std::io::Error) -> String {
        let path = self.write_path.as_ref().map(|p| p.display().to_string()).unwrap_or_default();
        format!("{path}: cannot write: {}", io_reason(e))
    }
}

/// A batched record's bytes (its `offset` is its start in the batch, which
/// `Gather::push` built).
fn bytes<'a>(r: &Record, data: &'a [u8]) -> &'a [u8] {
    let start = r.offset as usize;
    data.get(start..start + r.caplen as usize).unwrap_or_default()
}
