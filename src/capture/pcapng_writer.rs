//! Writes a pcapng file: one section, an interface block for each interface
//! of the source (so every packet keeps its link type, snap length, name and
//! time resolution), then an enhanced packet block per packet.
//!
//! Blocks are staged whole and leave in one `write(2)` per `flush` (or when
//! 64 KiB are staged), so, as with `PcapWriter`, a kill loses at most the
//! packets staged since the last flush and never leaves a torn block
//! behind: a live capture to `-w NAME.pcapng` stays readable.

use std::fs::File;
use std::io::Write;
use std::path::Path;

use crate::field::Timestamp;

use super::Interface;

const SECTION_HEADER: u32 = 0x0a0d_0d0a;
const INTERFACE_DESCRIPTION: u32 = 1;
const ENHANCED_PACKET: u32 = 6;
const BYTE_ORDER_MAGIC: u32 = 0x1a2b_3c4d;
const OPT_END: u16 = 0;
const OPT_COMMENT: u16 = 1;
const IF_NAME: u16 = 2;
const IF_DESCRIPTION: u16 = 3;
const IF_TSRESOL: u16 = 9;
/// `write` flushes once this much is staged, as a buffered writer would.
const FLUSH_AT: usize = 64 << 10;

pub struct PcapngWriter {
    out: File,
    /// Bytes written so far: the file offset of the first staged byte.
    offset: u64,
    /// Timestamp units per second of each interface, by interface id.
    ticks: Vec<u64>,
    /// Whole blocks waiting for the next write.
    staged: Vec<u8>,
}

impl PcapngWriter {
    /// Creates (or truncates) `path` and writes the section header and one
    /// interface block per entry of `interfaces`; packets then name their
    /// interface by its index there.
    pub fn create(path: &Path, interfaces: &[Interface]) -> std::io::Result<PcapngWriter> {
        PcapngWriter::new(File::create(path)?, interfaces)
    }

    /// The same on a file already open (and empty).
    pub fn new(out: File, interfaces: &[Interface]) -> std::io::Result<PcapngWriter> {
        let mut w = PcapngWriter { out, offset: 0, ticks: Vec::new(), staged: Vec::new() };
        let mut body = Vec::with_capacity(16);
        body.extend_from_slice(&BYTE_ORDER_MAGIC.to_le_bytes());
        body.extend_from_slice(&1u16.to_le_bytes());
        body.extend_from_slice(&0u16.to_le_bytes());
        // Section length unknown: the file is written in one pass.
        body.extend_from_slice(&(-1i64).to_le_bytes());
        w.block(SECTION_HEADER, &body)?;
        for iface in interfaces {
            w.add_interface(iface)?;
        }
        w.flush()?;
        Ok(w)
    }

    /// Describes one more interface (staged): packets name it by the number
    /// of interfaces described before it.
    pub fn add_interface(&mut self, iface: &Interface) -> std::io::Result<()> {
        let (ticks, resol) = resolution(iface.ticks_per_sec);
        self.ticks.push(ticks);
        let mut body = Vec::with_capacity(32);
        // pcapng holds 16-bit link types; larger ones cannot come from a file.
        body.extend_from_slice(&(iface.linktype as u16).to_le_bytes());
        body.extend_from_slice(&0u16.to_le_bytes());
        body.extend_from_slice(&iface.snaplen.to_le_bytes());
        if let Some(name) = iface.name {
            option(&mut body, IF_NAME, name.as_bytes());
        }
        if let Some(description) = iface.description {
            option(&mut body, IF_DESCRIPTION, description.as_bytes());
        }
        option(&mut body, IF_TSRESOL, &[resol]);
        option(&mut body, OPT_END, &[]);
        self.block(INTERFACE_DESCRIPTION, &body)
    }

    /// Interfaces described so far.
    pub fn interfaces(&self) -> usize {
        self.ticks.len()
    }

    /// Appends one packet captured on interface `iface` (an index into the
    /// interfaces given to `create`).
    pub fn write(&mut self, iface: u32, ts: Timestamp, origlen: u32, data: &[u8]) -> std::io::Result<()> {
        self.write_commented(iface, ts, origlen, data, &[])
    }

    /// `write` with the packet's comments (`opt_comment`, one option each).
    pub fn write_commented(&mut self, iface: u32, ts: Timestamp, origlen: u32, data: &[u8], comments: &[String]) -> std::io::Result<()> {
        self.stage_commented(iface, ts, origlen, data, comments)?;
        if self.staged.len() >= FLUSH_AT {
            self.flush()?;
        }
        Ok(())
    }

    /// Stages one packet for the next `flush` and returns the file offset
    /// its bytes will have (what a `Record` of this file says).
    pub fn stage(&mut self, iface: u32, ts: Timestamp, origlen: u32, data: &[u8]) -> std::io::Result<u64> {
        self.stage_commented(iface, ts, origlen, data, &[])
    }

    fn stage_commented(&mut self, iface: u32, ts: Timestamp, origlen: u32, data: &[u8], comments: &[String]) -> std::io::Result<u64> {
        let Some(&ticks) = self.ticks.get(iface as usize) else {
            return Err(std::io::Error::other(format!("interface {iface} was not described")));
        };
        let caplen = u32::try_from(data.len()).map_err(|_| std::io::Error::other("packet too large for pcapng"))?;
        // Times before 1970 cannot be written: pcapng timestamps are unsigned.
        let units = (ts.secs.max(0) as u64).saturating_mul(ticks).saturating_add(ts.nanos as u64 * ticks / 1_000_000_000);
        let mut body = Vec::with_capacity(20 + data.len() + 3);
        body.extend_from_slice(&iface.to_le_bytes());
        body.extend_from_slice(&((units >> 32) as u32).to_le_bytes());
        body.extend_from_slice(&(units as u32).to_le_bytes());
        body.extend_from_slice(&caplen.to_le_bytes());
        body.extend_from_slice(&origlen.max(caplen).to_le_bytes());
        body.extend_from_slice(data);
        pad(&mut body);
        if !comments.is_empty() {
            for c in comments {
                option(&mut body, OPT_COMMENT, c.as_bytes());
            }
            option(&mut body, OPT_END, &[]);
        }
        let at = self.offset + self.staged.len() as u64 + 8 + 20;
        self.block(ENHANCED_PACKET, &body)?;
        Ok(at)
    }

    /// Writes the staged blocks in one `write(2)`.
    pub fn flush(&mut self) -> std::io::Result<()> {
        if self.staged.is_empty() {
            return Ok(());
        }
        self.out.write_all(&self.staged)?;
        self.offset += self.staged.len() as u64;
        self.staged.clear();
        Ok(())
    }

    /// Writes out what is buffered; errors surface here rather than being
    /// lost in a drop.
    pub fn finish(mut self) -> std::io::Result<()> {
        self.flush()
    }

    fn block(&mut self, kind: u32, body: &[u8]) -> std::io::Result<()> {
        let len = u32::try_from(12 + body.len()).map_err(|_| std::io::Error::other("block too large for pcapng"))?;
        self.staged.extend_from_slice(&kind.to_le_bytes());
        self.staged.extend_from_slice(&len.to_le_bytes());
        self.staged.extend_from_slice(body);
        self.staged.extend_from_slice(&len.to_le_bytes());
        Ok(())
    }
}

/// The units per second to write and their `if_tsresol` byte: the source's
/// own decimal resolution, or nanoseconds (what a `Timestamp` holds) for a
/// binary or finer one.
fn resolution(ticks_per_sec: u64) -> (u64, u8) {
    (0..=9u32).find(|&n| 10u64.pow(n) == ticks_per_sec).map_or((1_000_000_000, 9), |n| (ticks_per_sec, n as u8))
}

fn option(body: &mut Vec<u8>, code: u16, value: &[u8]) {
    body.extend_from_slice(&code.to_le_bytes());
    // An option holds at most 64 KiB (a longer comment is cut; a comment
    // read from a pcapng file cannot be longer).
    let value = &value[..value.len().min(u16::MAX as usize)];
    body.extend_from_slice(&(value.len() as u16).to_le_bytes());
    body.extend_from_slice(value);
    pad(body);
}

fn pad(v: &mut Vec<u8>) {
    v.resize(v.len().next_multiple_of(4), 0);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::capture::Reader;

    fn iface(linktype: u32, ticks_per_sec: u64, name: Option<&str>) -> Interface {
        Interface { linktype, snaplen: 65_535, ticks_per_sec, ts_digits: 0, name: name.map(crate::capture::intern), description: None, section: 0 }
    }

    #[test]
    fn packets_read_back_on_their_interfaces() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("w.pcapng");
        let described = Interface { description: Some("WLAN"), ..iface(276, 1_000_000_000, None) };
        let ifaces = [iface(1, 1_000_000, Some("eth0")), described, iface(0, 1 << 20, None)];
        let mut w = PcapngWriter::create(&path, &ifaces).unwrap();
        let t1 = Timestamp { secs: 1_700_000_000, nanos: 123_456_789 };
        let t2 = Timestamp { secs: 1_700_000_001, nanos: 5 };
        w.write(0, t1, 60, &[1, 2, 3, 4, 5]).unwrap();
        w.write(1, t2, 3, &[9, 8, 7]).unwrap();
        w.write(2, t2, 0, &[]).unwrap();
        assert!(w.write(3, t2, 1, &[0]).is_err());
        w.finish().unwrap();
        let mut r = Reader::new(std::fs::File::open(&path).unwrap()).unwrap();
        assert!(r.is_pcapng());
        let (rec, i, data) = r.next_packet().unwrap().unwrap();
        assert_eq!((i.linktype, i.ts_digits, i.name), (1, 6, Some("eth0")));
        // Microseconds: the nanoseconds below them are not kept.
        assert_eq!((rec.ts, rec.origlen, data), (Timestamp { secs: 1_700_000_000, nanos: 123_456_000 }, 60, &[1u8, 2, 3, 4, 5][..]));
        let (rec, i, data) = r.next_packet().unwrap().unwrap();
        assert_eq!((i.linktype, i.ts_digits, rec.iface), (276, 9, 1));
        // Described but unnamed: tshark calls it by its description.
        assert_eq!((i.name, i.description, i.shown_name(), i.section), (None, Some("WLAN"), "WLAN", 0));
        assert_eq!((rec.ts, data), (t2, &[9u8, 8, 7][..]));
        // A binary resolution is written as nanoseconds.
        let (rec, i, _) = r.next_packet().unwrap().unwrap();
        assert_eq!((i.ticks_per_sec, rec.ts), (1_000_000_000, t2));
        assert!(r.next_packet().unwrap().is_none());
    }

    #[test]
    fn comments_and_late_interfaces_read_back() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("c.pcapng");
        let mut w = PcapngWriter::create(&path, &[]).unwrap();
        w.add_interface(&iface(1, 1_000_000, Some("lo"))).unwrap();
        let t = Timestamp { secs: 1_700_000_000, nanos: 0 };
        let notes = ["odd length".to_string(), "second, with ünïcode".to_string()];
        w.write_commented(0, t, 3, &[1, 2, 3], &notes).unwrap();
        w.add_interface(&iface(113, 1_000_000_000, None)).unwrap();
        w.write_commented(1, t, 1, &[4], &[]).unwrap();
        assert_eq!(w.interfaces(), 2);
        w.finish().unwrap();
        let mut r = Reader::new(std::fs::File::open(&path).unwrap()).unwrap();
        let p = r.next_packet_full().unwrap().unwrap();
        assert_eq!((p.data, p.comments), (&[1u8, 2, 3][..], &notes[..]));
        let p = r.next_packet_full().unwrap().unwrap();
        assert_eq!((p.rec.iface, p.interfaces[1].linktype, p.comments.len()), (1, 113, 0));
    }

    #[test]
    fn staged_packets_say_where_their_bytes_land() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("s.pcapng");
        let mut w = PcapngWriter::create(&path, &[iface(1, 1_000_000_000, Some("lo"))]).unwrap();
        let t = Timestamp { secs: 1_700_000_000, nanos: 1 };
        let a = w.stage(0, t, 5, &[1, 2, 3, 4, 5]).unwrap();
        let b = w.stage(0, t, 2, &[6, 7]).unwrap();
        // Nothing reaches the file before the flush.
        let before = std::fs::metadata(&path).unwrap().len();
        assert_eq!(a, before + 28);
        w.flush().unwrap();
        let mut r = Reader::new(std::fs::File::open(&path).unwrap()).unwrap();
        let (rec, _, data) = r.next_packet().unwrap().unwrap();
        assert_eq!((rec.offset, data), (a, &[1u8, 2, 3, 4, 5][..]));
        let (rec, _, data) = r.next_packet().unwrap().unwrap();
        assert_eq!((rec.offset, data), (b, &[6u8, 7][..]));
    }
}
