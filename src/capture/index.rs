//! The packet store: an index built in one streaming pass (offset, lengths,
//! timestamp and interface of every packet) and on-demand reads of packet
//! bytes, so memory grows with the packet count, not the file size.

use std::fs::File;
use std::io::Read;
use std::os::unix::fs::FileExt;

use super::{CaptureError, Interface, Reader, Record};

/// Where packet bytes are read from.
pub enum StoreSource {
    File(File),
    /// Input that cannot be re-read (stdin), kept in memory.
    Memory(Vec<u8>),
}

pub struct PacketStore {
    pub source: StoreSource,
    pub records: Vec<Record>,
    pub interfaces: Vec<Interface>,
    /// Set when indexing stopped on damage; the records before it are valid.
    pub error: Option<CaptureError>,
}

impl PacketStore {
    /// Indexes a whole file. `progress` is called now and then with the
    /// bytes read so far; returning false stops indexing early.
    pub fn index_file(path: &str, mut progress: impl FnMut(u64) -> bool) -> anyhow::Result<PacketStore> {
        let (file, src): (StoreSource, Box<dyn Read>) = if path == "-" {
            let mut v = Vec::new();
            std::io::stdin().read_to_end(&mut v)?;
            (StoreSource::Memory(v.clone()), Box::new(std::io::Cursor::new(v)))
        } else {
            let f = File::open(path)
                .map_err(|e| anyhow::anyhow!("{}: cannot open: {}", path, super::io_reason(&e)))?;
            let f2 = f.try_clone()?;
            (StoreSource::File(f), Box::new(std::io::BufReader::with_capacity(0, f2)))
        };
        let mut reader = Reader::new(src).map_err(|e| anyhow::anyhow!("{path}: {e}"))?;
        let mut records = Vec::new();
        let mut error = None;
        loop {
            match reader.next_packet() {
                Ok(Some((rec, _, _))) => {
                    records.push(rec);
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
        Ok(PacketStore { source: file, records, interfaces, error })
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
        buf.resize(rec.caplen as usize, 0);
        match &self.source {
            StoreSource::File(f) => f.read_exact_at(buf, rec.offset),
            StoreSource::Memory(v) => {
                let s = rec.offset as usize;
                let src = v.get(s..s + rec.caplen as usize).ok_or_else(|| std::io::Error::other("out of range"))?;
                buf.copy_from_slice(src);
                Ok(())
            }
        }
    }

    pub fn linktype(&self, rec: &Record) -> u32 {
        self.interfaces.get(rec.iface as usize).map(|i| i.linktype).unwrap_or(u32::MAX)
    }
}
