//! The packet store: an index built in one streaming pass (offset, lengths,
//! timestamp and interface of every packet) and on-demand reads of packet
//! bytes, so memory grows with the packet count, not the file size.

use std::fs::File;
use std::io::Write;
use std::os::unix::fs::FileExt;

use super::{CaptureError, Interface, Record};
use crate::store::packed::Packed;

/// Where packet bytes are read from.
pub enum StoreSource {
    File(File),
    /// Input that cannot be re-read (stdin, a live capture), kept in memory.
    Memory(Vec<u8>),
    /// Live packets beyond the memory budget: a temporary file (deleted
    /// when closed) that grows as they arrive, `len` bytes long.
    Spilled { file: File, len: u64 },
}

/// How many bytes of live packets are kept in memory before they move to a
/// temporary file, so a capture that runs for hours stays bounded.
pub const MEMORY_BUDGET: usize = 64 << 20;

pub struct PacketStore {
    pub source: StoreSource,
    pub records: Packed<Record>,
    pub interfaces: Vec<Interface>,
    /// Set when indexing stopped on damage; the records before it are valid.
    pub error: Option<CaptureError>,
    /// Bytes of packets kept in memory before they spill to a file.
    pub budget: usize,
    /// The packets come from pcapng (which names its interfaces, so the
    /// frame tree shows which): read by `index_file`, told by whoever
    /// fills a store made with `new`.
    pub pcapng: bool,
    /// The file's comments on packets, by packet index (few packets have
    /// any, so they are kept aside rather than in every record).
    pub comments: std::collections::BTreeMap<usize, Vec<String>>,
}

impl PacketStore {
    /// Indexes a whole file. `progress` is called now and then with the
    /// bytes read so far; returning false stops indexing early.
    pub fn index_file(path: &str, mut progress: impl FnMut(u64) -> bool) -> anyhow::Result<PacketStore> {
        let (file, mut reader, _) = super::open_source(path)?;
        let mut records = Packed::default();
        let mut comments = std::collections::BTreeMap::new();
        let mut error = None;
        loop {
            match reader.next_packet_full() {
                Ok(Some(p)) => {
                    let rec = p.rec;
                    if !p.comments.is_empty() {
                        comments.insert(records.len(), p.comments.to_vec());
                    }
                    records.push(&rec);
                    if records.len() % 65_536 == 0 && !progress(rec.offset) {
                        break;
                    }
                }
                Ok(None) => break,
                Err(e) => {
                    error = Some(e);
                    break;
                }
            }
        }
        let interfaces = reader.interfaces().to_vec();
        let pcapng = reader.is_pcapng();
        Ok(PacketStore { source: file, records, interfaces, error, budget: MEMORY_BUDGET, pcapng, comments })
    }

    /// An empty store over `source`, for packets that will be appended.
    pub fn new(source: StoreSource) -> PacketStore {
        PacketStore {
            source,
            records: Packed::default(),
            interfaces: Vec::new(),
            error: None,
            budget: MEMORY_BUDGET,
            pcapng: false,
            comments: std::collections::BTreeMap::new(),
        }
    }

    /// The file's comments on packet `i` (0-based).
    pub fn comments_of(&self, i: usize) -> &[String] {
        self.comments.get(&i).map_or(&[], Vec::as_slice)
    }

    /// Keeps the bytes of packets that arrive live; returns where they
    /// start. Beyond the memory budget, everything moves to a temporary
    /// file, which then takes what comes.
    pub fn append(&mut self, bytes: &[u8]) -> std::io::Result<u64> {
        if let StoreSource::Memory(mem) = &mut self.source {
            if mem.len() + bytes.len() <= self.budget {
                let at = mem.len() as u64;
                mem.extend_from_slice(bytes);
                return Ok(at);
            }
            let mut file = tempfile::tempfile()?;
            file.write_all(mem)?;
            self.source = StoreSource::Spilled { len: mem.len() as u64, file };
        }
        match &mut self.source {
            StoreSource::Spilled { file, len } => {
                let at = *len;
                file.write_all_at(bytes, at)?;
                *len += bytes.len() as u64;
                Ok(at)
            }
            _ => Err(std::io::Error::other("packets cannot be added to a capture file")),
        }
    }

    pub fn len(&self) -> usize {
        self.records.len()
    }

    pub fn is_empty(&self) -> bool {
        self.records.is_empty()
    }

    /// Reads the bytes of packet `i` (0-based) into `buf`.
    pub fn fetch(&self, i: usize, buf: &mut Vec<u8>) -> std::io::Result<()> {
        let rec = self.records.get(i).ok_or_else(|| std::io::Error::other("no such packet"))?;
        self.read(&rec, buf)
    }

    /// Reads the bytes of the packet `rec` describes into `buf`.
    pub fn read(&self, rec: &Record, buf: &mut Vec<u8>) -> std::io::Result<()> {
        buf.resize(rec.caplen as usize, 0);
        match &self.source {
            StoreSource::File(f) | StoreSource::Spilled { file: f, .. } => f.read_exact_at(buf, rec.offset),
            StoreSource::Memory(v) => {
                let s = rec.offset as usize;
                let src = v.get(s..s + rec.caplen as usize).ok_or_else(|| std::io::Error::other("out of range"))?;
                buf.copy_from_slice(src);
                Ok(())
            }
        }
    }

    pub fn linktype(&self, rec: &Record) -> u32 {
        rec.interface(&self.interfaces).map(|i| i.linktype).unwrap_or(u32::MAX)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::capture::Record;

    #[test]
    fn appended_bytes_spill_to_a_file_past_the_budget() {
        let mut store = PacketStore::new(StoreSource::Memory(Vec::new()));
        store.budget = 100;
        let packets: Vec<Vec<u8>> = (0..5u8).map(|i| vec![i; 45]).collect();
        for p in &packets {
            let offset = store.append(p).unwrap();
            let rec = Record { offset, caplen: p.len() as u32, origlen: p.len() as u32, ..Record::default() };
            store.records.push(&rec);
            let spilled = matches!(store.source, StoreSource::Spilled { .. });
            assert_eq!(spilled, store.len() > 2, "after {} packets", store.len());
        }
        let mut buf = Vec::new();
        for (i, p) in packets.iter().enumerate() {
            store.fetch(i, &mut buf).unwrap();
            assert_eq!(&buf, p);
        }
        let mut file = PacketStore::index_file("sample-captures/udp-upper.pcap", |_| true).unwrap();
        assert!(file.append(&[1, 2, 3]).is_err(), "a capture file is not written to");
    }
}
