//! Writes a pcap file that stays valid however the program ends.
//!
//! The file header goes out in one `write(2)` when the file is created.
//! Packet records are staged whole (16-byte header and bytes) and leave in
//! one `write(2)` per `flush`: the live capture flushes once per batch of
//! packets it read together (one write per packet cost a system call each,
//! a third of a core at 300k packets/s), `write` flushes every record.
//! What a write hands to the kernel is in the page cache at once and
//! survives the process, so a kill — SIGKILL included — loses at most the
//! packets staged since the last flush and never tears the file header.
//! The one window left is the kernel's: it checks for a fatal signal between
//! the pages a write spans, so a SIGKILL landing in the microseconds while a
//! batch is copied can cut its last record short; readers then report a
//! capture cut short after every earlier packet. Surviving a power cut
//! would need `fsync`, which costs milliseconds; that is not the promise here.

use std::fs::File;
use std::io::Write;
use std::path::Path;

use crate::field::Timestamp;

const MAGIC_MICROS: u32 = 0xa1b2_c3d4;
const MAGIC_NANOS: u32 = 0xa1b2_3c4d;

pub struct PcapWriter {
    file: File,
    nanos: bool,
    /// Bytes written so far: the file offset of the next record.
    offset: u64,
    /// Whole records staged here so that they leave in a single write.
    staged: Vec<u8>,
}

impl PcapWriter {
    /// Creates (or truncates) `path` and writes the file header. `nanos`
    /// chooses nanosecond timestamps (the magic a1b23c4d) over microseconds.
    pub fn create(path: &Path, linktype: u32, snaplen: u32, nanos: bool) -> std::io::Result<PcapWriter> {
        let file = File::create(path)?;
        PcapWriter::new(file, linktype, snaplen, nanos)
    }

    pub fn new(mut file: File, linktype: u32, snaplen: u32, nanos: bool) -> std::io::Result<PcapWriter> {
        let mut h = Vec::with_capacity(24);
        h.extend_from_slice(&(if nanos { MAGIC_NANOS } else { MAGIC_MICROS }).to_le_bytes());
        h.extend_from_slice(&2u16.to_le_bytes());
        h.extend_from_slice(&4u16.to_le_bytes());
        h.extend_from_slice(&0i32.to_le_bytes()); // thiszone
        h.extend_from_slice(&0u32.to_le_bytes()); // sigfigs
        h.extend_from_slice(&snaplen.to_le_bytes());
        h.extend_from_slice(&linktype.to_le_bytes());
        file.write_all(&h)?;
        Ok(PcapWriter { file, nanos, offset: 24, staged: Vec::with_capacity(2048) })
    }

    /// Appends one packet and returns the file offset of its bytes (what a
    /// `Record` of this file says, so the packet can be fetched back).
    pub fn write(&mut self, ts: Timestamp, origlen: u32, data: &[u8]) -> std::io::Result<u64> {
        let at = self.stage(ts, origlen, data);
        self.flush()?;
        Ok(at)
    }

    /// Stages one packet for the next `flush` and returns the file offset
    /// its bytes will have. `data` longer than `u32::MAX` is impossible from
    /// libpcap; it is cut.
    pub fn stage(&mut self, ts: Timestamp, origlen: u32, data: &[u8]) -> u64 {
        let caplen = u32::try_from(data.len()).unwrap_or(u32::MAX);
        let data = &data[..caplen as usize];
        let frac = if self.nanos { ts.nanos } else { ts.nanos / 1000 };
        let start = self.staged.len();
        // pcap stores unsigned 32-bit seconds; times before 1970 or after
        // 2106 cannot be written and are clamped.
        self.staged.extend_from_slice(&(ts.secs.clamp(0, u32::MAX as i64) as u32).to_le_bytes());
        self.staged.extend_from_slice(&frac.to_le_bytes());
        self.staged.extend_from_slice(&caplen.to_le_bytes());
        self.staged.extend_from_slice(&origlen.max(caplen).to_le_bytes());
        self.staged.extend_from_slice(data);
        self.offset + start as u64 + 16
    }

    /// Writes the staged records in one `write(2)`.
    pub fn flush(&mut self) -> std::io::Result<()> {
        if self.staged.is_empty() {
            return Ok(());
        }
        self.file.write_all(&self.staged)?;
        self.offset += self.staged.len() as u64;
        self.staged.clear();
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::capture::Reader;

    #[test]
    fn records_read_back_with_their_offsets() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("w.pcap");
        let mut w = PcapWriter::create(&path, 1, 262_144, true).unwrap();
        let t1 = Timestamp { secs: 1_700_000_000, nanos: 123_456_789 };
        let t2 = Timestamp { secs: 1_700_000_001, nanos: 5 };
        let o1 = w.write(t1, 60, &[1, 2, 3, 4]).unwrap();
        let o2 = w.write(t2, 3, &[9, 8, 7]).unwrap();
        assert_eq!((o1, o2), (40, 60));
        let f = std::fs::File::open(&path).unwrap();
        let mut r = Reader::new(f).unwrap();
        let (rec, iface, data) = r.next_packet().unwrap().unwrap();
        assert_eq!((iface.linktype, iface.snaplen, iface.ts_digits), (1, 262_144, 9));
        assert_eq!((rec.ts, rec.caplen, rec.origlen, rec.offset, data), (t1, 4, 60, 40, &[1u8, 2, 3, 4][..]));
        let (rec, _, data) = r.next_packet().unwrap().unwrap();
        assert_eq!((rec.ts, rec.origlen, rec.offset, data), (t2, 3, 60, &[9u8, 8, 7][..]));
        assert!(r.next_packet().unwrap().is_none());
    }

    #[test]
    fn microsecond_files_keep_microseconds() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("w.pcap");
        let mut w = PcapWriter::create(&path, 1, 65_535, false).unwrap();
        w.write(Timestamp { secs: 10, nanos: 999_999_999 }, 1, &[0]).unwrap();
        let mut r = Reader::new(std::fs::File::open(&path).unwrap()).unwrap();
        let (rec, iface, _) = r.next_packet().unwrap().unwrap();
        assert_eq!(iface.ts_digits, 6);
        assert_eq!(rec.ts, Timestamp { secs: 10, nanos: 999_999_000 });
    }
}
