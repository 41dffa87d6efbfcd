//! A streaming reader of pcap and pcapng files over any `Read` (a file, stdin).
//!
//! Both formats are read by hand rather than through pcap-parser: the index
//! needs the file offset of every packet's bytes, errors must say which packet
//! was damaged and keep everything before it, and a pcapng file may mix link
//! types, byte orders and timestamp resolutions across sections — each of
//! these is a few lines here and an adapter layer around a crate.

use std::io::Read;

use crate::field::Timestamp;

use super::CaptureError;

/// One capture interface (a pcap file has one; a pcapng section may have many).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Interface {
    pub linktype: u32,
    pub snaplen: u32,
    /// Timestamp ticks per second.
    pub ticks_per_sec: u64,
    /// Digits Wireshark shows for this resolution (6 for µs, 9 for ns).
    pub ts_digits: u8,
    /// The pcapng `if_name` and `if_description`, kept for the process's
    /// life (`intern`) so that each packet's metadata can point at them.
    pub name: Option<&'static str>,
    pub description: Option<&'static str>,
    /// The pcapng section that describes it, from 0 (`frame.section_number`
    /// counts from 1).
    pub section: u32,
}

impl Interface {
    /// What tshark calls the interface in a frame's tree: its name, else
    /// its description, else "unknown".
    pub fn shown_name(&self) -> &'static str {
        self.name.or(self.description).unwrap_or("unknown")
    }
}

/// Where a packet is and what the file says about it.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Record {
    /// File offset of the packet's first byte.
    pub offset: u64,
    pub caplen: u32,
    pub origlen: u32,
    pub ts: Timestamp,
    pub iface: u32,
    /// The interface's number within its pcapng section, which tshark shows
    /// as `frame.interface_id` (each section numbers its interfaces from 0);
    /// `iface` numbers them across the file.
    pub section_iface: u32,
    /// The file gives no time (a pcapng Simple Packet Block): `ts` is 0,
    /// which tshark also uses for other packets' deltas, but no time is shown.
    pub no_ts: bool,
    /// A pcapng Custom Block, which tshark shows as a frame of its own: the
    /// bytes are its data and options, `iface` is `CUSTOM_IFACE`.
    pub custom: Option<CustomBlock>,
}

/// What a pcapng Custom Block says besides its bytes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct CustomBlock {
    /// The Private Enterprise Number that defines the data.
    pub pen: u32,
    /// Block type 0x00000BAD (a copy of the file may keep it), not 0x40000BAD.
    pub copy: bool,
    /// The pcapng section it is in, from 0 (it names no interface, whose
    /// section a packet's is).
    pub section: u32,
}

/// `Record::iface` of a custom block: it belongs to no interface.
pub const CUSTOM_IFACE: u32 = u32::MAX;

/// The interface custom blocks are given, so every record has one: no
/// link layer (the frame dissector shows the block itself).
pub static CUSTOM_BLOCK_INTERFACE: Interface =
    Interface { linktype: LINKTYPE_CUSTOM_BLOCK, snaplen: 0, ticks_per_sec: 1_000_000, ts_digits: 6, name: None, description: None, section: 0 };

/// A link type no file uses, for `CUSTOM_BLOCK_INTERFACE`.
pub const LINKTYPE_CUSTOM_BLOCK: u32 = u32::MAX;

impl Record {
    /// The record's interface among a file's (`interfaces`), the custom
    /// blocks' pseudo-interface for a custom block.
    pub fn interface<'a>(&self, interfaces: &'a [Interface]) -> Option<&'a Interface> {
        if self.custom.is_some() {
            return Some(&CUSTOM_BLOCK_INTERFACE);
        }
        interfaces.get(self.iface as usize)
    }
}

/// A packet with its interfaces and comments (`Reader::next_packet_full`).
pub struct FullPacket<'r> {
    pub rec: Record,
    pub interfaces: &'r [Interface],
    pub data: &'r [u8],
    pub comments: &'r [String],
}

/// No real packet is larger; a bigger length is a corrupt record.
pub const MAX_PACKET: u32 = 16 * 1024 * 1024;
/// Bound on any pcapng block, so a corrupt length cannot exhaust memory.
const MAX_BLOCK: u32 = MAX_PACKET + 4096;

#[derive(Clone, Copy, Debug)]
enum Format {
    Pcap { big: bool, nanos: bool, modified: bool },
    PcapNg { big: bool, first_iface: usize },
}

pub struct Reader<R> {
    src: R,
    buf: Vec<u8>,
    /// Start of the unconsumed bytes in `buf`.
    pos: usize,
    /// End of the valid bytes in `buf`.
    filled: usize,
    /// File offset of `buf[0]`.
    base: u64,
    eof: bool,
    format: Format,
    interfaces: Vec<Interface>,
    /// pcapng sections begun so far.
    sections: u32,
    packets: u64,
    /// The comments (pcapng `opt_comment`) of the packet read last.
    comments: Vec<String>,
    /// The time of the record read last, which a custom block (no time of
    /// its own) keeps, as Wireshark's reader leaves it.
    last_ts: Timestamp,
}

fn u16e(b: &[u8], big: bool) -> u16 {
    let a = [b[0], b[1]];
    if big {
        u16::from_be_bytes(a)
    } else {
        u16::from_le_bytes(a)
    }
}

fn u32e(b: &[u8], big: bool) -> u32 {
    let a = [b[0], b[1], b[2], b[3]];
    if big {
        u32::from_be_bytes(a)
    } else {
        u32::from_le_bytes(a)
    }
}

pub const PCAPNG_SHB: u32 = 0x0A0D_0D0A;

impl<R: Read> Reader<R> {
    /// Reads the file header and recognises the format by its magic number.
    pub fn new(src: R) -> Result<Reader<R>, CaptureError> {
        let mut r = Reader {
            src,
            buf: vec![0; 1 << 20],
            pos: 0,
            filled: 0,
            base: 0,
            eof: false,
            format: Format::Pcap { big: false, nanos: false, modified: false },
            interfaces: Vec::new(),
            sections: 0,
            packets: 0,
            comments: Vec::new(),
            last_ts: Timestamp::default(),
        };
        r.fill(4)?;
        if r.avail() == 0 {
            return Err(CaptureError::Empty);
        }
        if r.avail() < 4 {
            return Err(CaptureError::NotCapture);
        }
        let m = &r.buf[0..4];
        let magic_le = u32::from_le_bytes([m[0], m[1], m[2], m[3]]);
        let magic_be = u32::from_be_bytes([m[0], m[1], m[2], m[3]]);
        match (magic_le, magic_be) {
            (PCAPNG_SHB, _) => {
                r.format = Format::PcapNg { big: false, first_iface: 0 };
                r.section_header()?;
            }
            _ => {
                let (big, nanos, modified) = match (magic_le, magic_be) {
                    (0xa1b2c3d4, _) => (false, false, false),
                    (_, 0xa1b2c3d4) => (true, false, false),
                    (0xa1b23c4d, _) => (false, true, false),
                    (_, 0xa1b23c4d) => (true, true, false),
                    (0xa1b2cd34, _) => (false, false, true),
                    (_, 0xa1b2cd34) => (true, false, true),
                    _ => return Err(CaptureError::NotCapture),
                };
                r.format = Format::Pcap { big, nanos, modified };
                r.pcap_header(big, nanos)?;
            }
        }
        Ok(r)
    }

    pub fn interfaces(&self) -> &[Interface] {
        &self.interfaces
    }

    /// The comments the file attaches to the packet `next_packet` returned
    /// last (pcapng only; pcap has no room for them).
    pub fn comments(&self) -> &[String] {
        &self.comments
    }

    /// `next_packet` with what a copy of the packet keeps: every interface
    /// described so far (the packet's is `rec.iface`) and its comments.
    pub fn next_packet_full(&mut self) -> Result<Option<FullPacket<'_>>, CaptureError> {
        let (rec, at) = match self.next_packet()? {
            // The bytes are a slice of `buf`: found again by their offset
            // once the borrow `next_packet` returned ends.
            Some((rec, _, data)) => (rec, data.as_ptr() as usize - self.buf.as_ptr() as usize),
            None => return Ok(None),
        };
        let data = &self.buf[at..at + rec.caplen as usize];
        Ok(Some(FullPacket { rec, interfaces: &self.interfaces, data, comments: &self.comments }))
    }

    /// Packets read so far.
    pub fn count(&self) -> u64 {
        self.packets
    }

    pub fn is_pcapng(&self) -> bool {
        matches!(self.format, Format::PcapNg { .. })
    }

    /// Bytes read from the source but not yet consumed: 0 when the next
    /// packet needs another read (which may wait, on a pipe).
    pub fn buffered(&self) -> usize {
        self.avail()
    }

    fn avail(&self) -> usize {
        self.filled - self.pos
    }

    /// Makes at least `n` unconsumed bytes available, unless the input ends.
    fn fill(&mut self, n: usize) -> Result<(), CaptureError> {
        if self.avail() >= n || self.eof {
            return Ok(());
        }
        if self.pos > 0 {
            self.buf.copy_within(self.pos..self.filled, 0);
            self.base += self.pos as u64;
            self.filled -= self.pos;
            self.pos = 0;
        }
        if self.buf.len() < n {
            self.buf.resize(n.next_power_of_two(), 0);
        }
        while self.filled < n {
            match self.src.read(&mut self.buf[self.filled..]) {
                Ok(0) => {
                    self.eof = true;
                    break;
                }
                Ok(k) => self.filled += k,
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
                Err(e) => return Err(CaptureError::Io(e.to_string())),
            }
        }
        Ok(())
    }

    fn pcap_header(&mut self, big: bool, nanos: bool) -> Result<(), CaptureError> {
        self.fill(24)?;
        if self.avail() < 24 {
            return Err(CaptureError::ShortHeader);
        }
        let h = &self.buf[self.pos..self.pos + 24];
        let major = u16e(&h[4..], big);
        let minor = u16e(&h[6..], big);
        if major != 2 || minor > 4 && minor != 5 {
            return Err(CaptureError::Version(format!("pcap version {major}.{minor}")));
        }
        let snaplen = u32e(&h[16..], big);
        let raw_link = u32e(&h[20..], big);
        // pcap-linktype(7): the low 16 bits are the link type, the top six
        // may carry the FCS length; the bits between are reserved and a file
        // that sets them is damaged (libpcap and tshark refuse it too).
        if raw_link & 0x03ff_0000 != 0 {
            return Err(CaptureError::Corrupt(format!(
                "the link-type field has reserved bits set (0x{:08x})",
                raw_link & 0x03ff_0000
            )));
        }
        let linktype = raw_link & 0xffff;
        let (ticks, digits) = if nanos { (1_000_000_000, 9) } else { (1_000_000, 6) };
        self.interfaces.push(Interface { linktype, snaplen, ticks_per_sec: ticks, ts_digits: digits, name: None, description: None, section: 0 });
        self.pos += 24;
        Ok(())
    }

    /// Reads the next packet: its record and its bytes.
    pub fn next_packet(&mut self) -> Result<Option<(Record, &Interface, &[u8])>, CaptureError> {
        self.comments.clear();
        match self.format {
            Format::Pcap { big, nanos, modified } => self.next_pcap(big, nanos, modified),
            Format::PcapNg { .. } => self.next_pcapng(),
        }
    }

    fn cut_short(&self) -> CaptureError {
        CaptureError::CutShort { after: self.packets }
    }

    fn next_pcap(
        &mut self,
        big: bool,
        nanos: bool,
        modified: bool,
    ) -> Result<Option<(Record, &Interface, &[u8])>, CaptureError> {
        let hlen = if modified { 24 } else { 16 };
        self.fill(hlen)?;
        if self.avail() == 0 {
            return Ok(None);
        }
        if self.avail() < hlen {
            return Err(self.cut_short());
        }
        let h = &self.buf[self.pos..self.pos + hlen];
        let secs = u32e(h, big);
        let frac = u32e(&h[4..], big);
        let caplen = u32e(&h[8..], big);
        let origlen = u32e(&h[12..], big);
        if caplen > MAX_PACKET {
            return Err(CaptureError::Corrupt(format!(
                "packet {} has a captured length of {caplen} bytes, more than any packet can have",
                self.packets + 1
            )));
        }
        let nanos_v = if nanos { frac } else { frac.saturating_mul(1000) };
        let ts = Timestamp { secs: secs as i64, nanos: nanos_v.min(999_999_999) };
        self.fill(hlen + caplen as usize)?;
        if self.avail() < hlen + caplen as usize {
            return Err(self.cut_short());
        }
        let start = self.pos + hlen;
        let rec = Record {
            offset: self.base + start as u64,
            caplen,
            origlen: origlen.max(caplen),
            ts,
            iface: 0,
            section_iface: 0,
            no_ts: false,
            custom: None,
        };
        self.pos = start + caplen as usize;
        self.packets += 1;
        Ok(Some((rec, &self.interfaces[0], &self.buf[start..start + caplen as usize])))
    }

    /// Reads a section header block at `pos` and starts a new section.
    fn section_header(&mut self) -> Result<(), CaptureError> {
        self.fill(28)?;
        if self.avail() < 28 {
            return Err(if self.packets == 0 && self.base == 0 {
                CaptureError::ShortHeader
            } else {
                self.cut_short()
            });
        }
        let h = &self.buf[self.pos..self.pos + 28];
        let big = match u32::from_le_bytes([h[8], h[9], h[10], h[11]]) {
            0x1A2B_3C4D => false,
            0x4D3C_2B1A => true,
            _ => return Err(CaptureError::Corrupt("pcapng section header has a bad byte-order magic".into())),
        };
        let major = u16e(&h[12..], big);
        let minor = u16e(&h[14..], big);
        if major != 1 {
            return Err(CaptureError::Version(format!("pcapng version {major}.{minor}")));
        }
        let total = u32e(&h[4..], big);
        self.format = Format::PcapNg { big, first_iface: self.interfaces.len() };
        self.sections += 1;
        let body = self.block(total, big)?;
        let _ = body;
        Ok(())
    }

    /// Checks a block's length, reads it whole and consumes it; returns the
    /// buffer position of its start.
    fn block(&mut self, total: u32, big: bool) -> Result<usize, CaptureError> {
        if total < 12 || total % 4 != 0 || total > MAX_BLOCK {
            return Err(CaptureError::Corrupt(format!(
                "pcapng block after packet {} has an impossible length of {total} bytes",
                self.packets
            )));
        }
        self.fill(total as usize)?;
        if self.avail() < total as usize {
            return Err(self.cut_short());
        }
        let start = self.pos;
        let trailer = u32e(&self.buf[start + total as usize - 4..], big);
        if trailer != total {
            return Err(CaptureError::Corrupt(format!(
                "pcapng block after packet {} has mismatched lengths ({total} and {trailer})",
                self.packets
            )));
        }
        self.pos += total as usize;
        Ok(start)
    }

    fn next_pcapng(&mut self) -> Result<Option<(Record, &Interface, &[u8])>, CaptureError> {
        loop {
            self.fill(8)?;
            if self.avail() == 0 {
                return Ok(None);
            }
            if self.avail() < 8 {
                return Err(self.cut_short());
            }
            let p = self.pos;
            let raw_type = u32::from_le_bytes([self.buf[p], self.buf[p + 1], self.buf[p + 2], self.buf[p + 3]]);
            if raw_type == PCAPNG_SHB {
                self.section_header()?;
                continue;
            }
            let (big, first_iface) = match self.format {
                Format::PcapNg { big, first_iface } => (big, first_iface),
                Format::Pcap { .. } => unreachable!("pcapng block in a pcap file"),
            };
            let btype = u32e(&self.buf[p..], big);
            let total = u32e(&self.buf[p + 4..], big);
            let start = self.block(total, big)?;
            let blk = start..start + total as usize;
            match btype {
                1 => self.interface_block(blk, big)?,
                DSB => secrets_block(&self.buf[blk], big),
                6 | 2 | SPB => {
                    if let Some((rec, data)) = self.packet_block(btype, blk.clone(), big, first_iface)? {
                        if btype != 3 {
                            // Options follow the packet bytes, padded to 32 bits
                            // from the block's start.
                            let from = blk.start + (data.end - blk.start).next_multiple_of(4);
                            let opts = from.min(blk.end - 4)..blk.end - 4;
                            self.comments = comment_options(&self.buf[opts], big);
                        }
                        self.packets += 1;
                        self.last_ts = rec.ts;
                        return Ok(Some((rec, &self.interfaces[rec.iface as usize], &self.buf[data])));
                    }
                }
                CB_COPY | CB_NO_COPY if total >= 16 => {
                    let pen = u32e(&self.buf[blk.start + 8..], big);
                    let data = blk.start + 12..blk.end - 4;
                    let len = data.len() as u32;
                    let rec = Record {
                        offset: self.base + data.start as u64,
                        caplen: len,
                        origlen: len,
                        ts: self.last_ts,
                        iface: CUSTOM_IFACE,
                        section_iface: 0,
                        no_ts: true,
                        custom: Some(CustomBlock { pen, copy: btype == CB_COPY, section: self.sections.saturating_sub(1) }),
                    };
                    self.packets += 1;
                    return Ok(Some((rec, &CUSTOM_BLOCK_INTERFACE, &self.buf[data])));
                }
                _ => {}
            }
        }
    }

    fn interface_block(&mut self, blk: std::ops::Range<usize>, big: bool) -> Result<(), CaptureError> {
        let b = &self.buf[blk.clone()];
        if b.len() < 20 {
            return Err(CaptureError::Corrupt("pcapng interface block is too short".into()));
        }
        let linktype = u16e(&b[8..], big) as u32;
        let snaplen = u32e(&b[12..], big);
        let mut iface =
            Interface { linktype, snaplen, ticks_per_sec: 1_000_000, ts_digits: 6, name: None, description: None, section: self.sections.saturating_sub(1) };
        for (code, val) in options(&b[16..b.len() - 4], big) {
            match code {
                2 | 3 => {
                    let text = Some(super::intern(String::from_utf8_lossy(val).trim_end_matches('\0')));
                    if code == 2 { iface.name = text } else { iface.description = text }
                }
                9 if !val.is_empty() => {
                    let r = val[0];
                    let n = (r & 0x7f) as u32;
                    if r & 0x80 == 0 {
                        if n > 19 {
                            return Err(CaptureError::Corrupt(format!("pcapng interface has an impossible time resolution 10^-{n}")));
                        }
                        iface.ticks_per_sec = 10u64.pow(n);
                        iface.ts_digits = n.min(9) as u8;
                    } else {
                        if n > 63 {
                            return Err(CaptureError::Corrupt(format!("pcapng interface has an impossible time resolution 2^-{n}")));
                        }
                        iface.ticks_per_sec = 1u64 << n;
                        iface.ts_digits = 9;
                    }
                }
                _ => {}
            }
        }
        self.interfaces.push(iface);
        Ok(())
    }

    #[allow(clippy::type_complexity)]
    fn packet_block(
        &self,
        btype: u32,
        blk: std::ops::Range<usize>,
        big: bool,
        first_iface: usize,
    ) -> Result<Option<(Record, std::ops::Range<usize>)>, CaptureError> {
        let b = &self.buf[blk.clone()];
        let n = self.packets + 1;
        let body_end = b.len() - 4;
        let (iface, ts_raw, caplen, origlen, data_off) = match btype {
            6 | 2 => {
                if b.len() < 32 {
                    return Err(CaptureError::Corrupt(format!("packet {n}: pcapng packet block is too short")));
                }
                let iface = if btype == 6 { u32e(&b[8..], big) } else { u16e(&b[8..], big) as u32 };
                let ts = ((u32e(&b[12..], big) as u64) << 32) | u32e(&b[16..], big) as u64;
                (iface, ts, u32e(&b[20..], big), u32e(&b[24..], big), 28)
            }
            _ => {
                if b.len() < 16 {
                    return Err(CaptureError::Corrupt(format!("packet {n}: pcapng simple packet block is too short")));
                }
                let origlen = u32e(&b[8..], big);
                let snap = self.interfaces.get(first_iface).map(|i| i.snaplen).unwrap_or(0);
                let room = (body_end - 12) as u32;
                let mut cap = origlen.min(room);
                if snap != 0 {
                    cap = cap.min(snap);
                }
                (0, 0, cap, origlen, 12)
            }
        };
        if data_off + caplen as usize > body_end {
            return Err(CaptureError::Corrupt(format!(
                "packet {n}: captured length {caplen} does not fit in its pcapng block"
            )));
        }
        let gi = first_iface + iface as usize;
        let Some(ifd) = self.interfaces.get(gi) else {
            return Err(CaptureError::Corrupt(format!("packet {n} refers to interface {iface}, which the section does not describe")));
        };
        let tps = ifd.ticks_per_sec.max(1);
        let secs = ts_raw / tps;
        let rem = ts_raw % tps;
        // The common resolutions without a 128-bit division per packet.
        let nanos = match tps {
            1_000_000_000 => rem as u32,
            1_000_000 => (rem * 1000) as u32,
            _ => (rem as u128 * 1_000_000_000 / tps as u128) as u32,
        };
        let start = blk.start + data_off;
        let rec = Record {
            offset: self.base + start as u64,
            caplen,
            origlen: origlen.max(caplen),
            ts: Timestamp { secs: secs as i64, nanos },
            iface: gi as u32,
            section_iface: iface,
            no_ts: btype == SPB,
            custom: None,
        };
        Ok(Some((rec, start..start + caplen as usize)))
    }
}

/// pcapng's Simple Packet Block: no interface, no time.
const SPB: u32 = 3;

/// pcapng's Custom Blocks, which a copy of the file may keep or not.
const CB_COPY: u32 = 0x0000_0BAD;
const CB_NO_COPY: u32 = 0x4000_0BAD;

/// pcapng's Decryption Secrets Block, and the type of its TLS key log.
const DSB: u32 = 0x0000_000a;
const TLS_KEY_LOG: u32 = 0x544c_534b;

/// A Decryption Secrets Block: a TLS key log goes to the key store TLS
/// decrypts with (`dissect::tls::keylog`); other secrets are skipped.
fn secrets_block(b: &[u8], big: bool) {
    let (Some(kind), Some(len)) = (b.get(8..12), b.get(12..16)) else { return };
    if u32e(kind, big) != TLS_KEY_LOG {
        return;
    }
    if let Some(text) = b.get(16..b.len().saturating_sub(4)).and_then(|rest| rest.get(..u32e(len, big) as usize)) {
        crate::dissect::tls::keylog::add_text(&String::from_utf8_lossy(text));
    }
}

/// The `opt_comment` values among a block's options, as text.
fn comment_options(b: &[u8], big: bool) -> Vec<String> {
    options(b, big).into_iter().filter(|&(code, _)| code == 1).map(|(_, v)| String::from_utf8_lossy(v).into_owned()).collect()
}

/// The options of a pcapng block body: (code, value) pairs up to opt_endofopt.
fn options(mut b: &[u8], big: bool) -> Vec<(u16, &[u8])> {
    let mut out = Vec::new();
    while b.len() >= 4 {
        let code = u16e(b, big);
        let len = u16e(&b[2..], big) as usize;
        if code == 0 {
            break;
        }
        let padded = (len + 3) & !3;
        if 4 + len > b.len() {
            break;
        }
        out.push((code, &b[4..4 + len]));
        b = &b[(4 + padded).min(b.len())..];
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pcap(big: bool, nanos: bool, linktype: u32, packets: &[(u32, u32, &[u8])]) -> Vec<u8> {
        let w32 = |v: u32| if big { v.to_be_bytes() } else { v.to_le_bytes() };
        let w16 = |v: u16| if big { v.to_be_bytes() } else { v.to_le_bytes() };
        let mut f = Vec::new();
        f.extend(w32(if nanos { 0xa1b23c4d } else { 0xa1b2c3d4 }));
        f.extend(w16(2));
        f.extend(w16(4));
        f.extend(w32(0));
        f.extend(w32(0));
        f.extend(w32(65535));
        f.extend(w32(linktype));
        for (secs, frac, data) in packets {
            f.extend(w32(*secs));
            f.extend(w32(*frac));
            f.extend(w32(data.len() as u32));
            f.extend(w32(data.len() as u32 + 10));
            f.extend(*data);
        }
        f
    }

    fn read_all(bytes: &[u8]) -> (Vec<(Record, u32, Vec<u8>)>, Option<CaptureError>) {
        let mut r = match Reader::new(bytes) {
            Ok(r) => r,
            Err(e) => return (vec![], Some(e)),
        };
        let mut v = Vec::new();
        loop {
            match r.next_packet() {
                Ok(Some((rec, i, d))) => v.push((rec, i.linktype, d.to_vec())),
                Ok(None) => return (v, None),
                Err(e) => return (v, Some(e)),
            }
        }
    }

    #[test]
    fn pcap_in_both_byte_orders_and_resolutions() {
        for big in [false, true] {
            for nanos in [false, true] {
                let f = pcap(big, nanos, 1, &[(10, 5, b"abc"), (11, 7, b"defg")]);
                let (pk, err) = read_all(&f);
                assert!(err.is_none(), "{err:?}");
                assert_eq!(pk.len(), 2);
                assert_eq!(pk[1].2, b"defg");
                assert_eq!(pk[1].0.origlen, 14);
                assert_eq!(pk[0].0.offset, 40);
                assert_eq!(pk[1].0.ts.secs, 11);
                assert_eq!(pk[1].0.ts.nanos, if nanos { 7 } else { 7000 });
            }
        }
    }

    #[test]
    fn cut_short_keeps_packets_before_the_damage() {
        let f = pcap(false, false, 1, &[(1, 0, b"abcd"), (2, 0, b"efgh")]);
        let (pk, err) = read_all(&f[..f.len() - 2]);
        assert_eq!(pk.len(), 1);
        assert_eq!(err, Some(CaptureError::CutShort { after: 1 }));
    }

    #[test]
    fn empty_and_foreign_files_are_refused() {
        assert_eq!(read_all(b"").1, Some(CaptureError::Empty));
        assert_eq!(read_all(b"hello world, not a capture").1, Some(CaptureError::NotCapture));
        assert_eq!(read_all(&[0xd4, 0xc3, 0xb2, 0xa1, 2, 0]).1, Some(CaptureError::ShortHeader));
    }

    fn block(t: u32, body: &[u8]) -> Vec<u8> {
        let total = 12 + body.len().div_ceil(4) * 4;
        let mut b = Vec::new();
        b.extend(t.to_le_bytes());
        b.extend((total as u32).to_le_bytes());
        b.extend(body);
        b.resize(total - 4, 0);
        b.extend((total as u32).to_le_bytes());
        b
    }

    fn shb() -> Vec<u8> {
        let mut body = Vec::new();
        body.extend(0x1A2B3C4Du32.to_le_bytes());
        body.extend(1u16.to_le_bytes());
        body.extend(0u16.to_le_bytes());
        body.extend((-1i64).to_le_bytes());
        block(PCAPNG_SHB, &body)
    }

    fn idb(linktype: u16, tsresol: Option<u8>) -> Vec<u8> {
        let mut body = Vec::new();
        body.extend(linktype.to_le_bytes());
        body.extend(0u16.to_le_bytes());
        body.extend(0u32.to_le_bytes());
        if let Some(r) = tsresol {
            body.extend(9u16.to_le_bytes());
            body.extend(1u16.to_le_bytes());
            body.extend([r, 0, 0, 0]);
            body.extend([0u8; 4]);
        }
        block(1, &body)
    }

    fn epb(iface: u32, ts: u64, data: &[u8]) -> Vec<u8> {
        let mut body = Vec::new();
        body.extend(iface.to_le_bytes());
        body.extend(((ts >> 32) as u32).to_le_bytes());
        body.extend((ts as u32).to_le_bytes());
        body.extend((data.len() as u32).to_le_bytes());
        body.extend((data.len() as u32).to_le_bytes());
        body.extend(data);
        block(6, &body)
    }

    #[test]
    fn pcapng_sections_interfaces_and_resolutions() {
        let mut f = shb();
        f.extend(idb(1, None));
        f.extend(idb(0, Some(9)));
        f.extend(epb(0, 1_500_000, b"eth"));
        f.extend(block(5, &[0u8; 8])); // statistics: skipped
        f.extend(epb(1, 2_000_000_001, b"null"));
        f.extend(shb());
        f.extend(idb(101, None));
        f.extend(epb(0, 3_000_000, b"raw"));
        let (pk, err) = read_all(&f);
        assert!(err.is_none(), "{err:?}");
        let links: Vec<u32> = pk.iter().map(|p| p.1).collect();
        assert_eq!(links, vec![1, 0, 101]);
        assert_eq!(pk[0].0.ts, Timestamp { secs: 1, nanos: 500_000_000 });
        assert_eq!(pk[1].0.ts, Timestamp { secs: 2, nanos: 1 });
        assert_eq!(pk[2].0.iface, 2);
        // Each section numbers its interfaces from 0 (frame.interface_id).
        let local: Vec<u32> = pk.iter().map(|p| p.0.section_iface).collect();
        assert_eq!(local, vec![0, 1, 0]);
        let mut r = Reader::new(&f[..]).unwrap();
        while r.next_packet().unwrap().is_some() {}
        let sections: Vec<u32> = r.interfaces().iter().map(|i| i.section).collect();
        assert_eq!(sections, vec![0, 0, 1]);
        let off = pk[2].0.offset as usize;
        assert_eq!(&f[off..off + 3], b"raw");
    }

    #[test]
    fn simple_packet_blocks_have_no_time() {
        let mut f = shb();
        f.extend(idb(1, None));
        f.extend(epb(0, 1_500_000, b"eth"));
        let mut spb = 5u32.to_le_bytes().to_vec();
        spb.extend(*b"spb\0");
        f.extend(block(SPB, &spb));
        let (pk, err) = read_all(&f);
        assert!(err.is_none(), "{err:?}");
        assert_eq!((pk[0].0.no_ts, pk[1].0.no_ts), (false, true));
        // tshark counts it as time 0 in the others' deltas.
        assert_eq!((pk[1].0.ts, pk[1].0.origlen, &pk[1].2[..]), (Timestamp::default(), 5, &b"spb\0"[..]));
    }

    #[test]
    fn pcapng_packet_for_an_unknown_interface_is_an_error() {
        let mut f = shb();
        f.extend(idb(1, None));
        f.extend(epb(0, 0, b"ok"));
        f.extend(epb(3, 0, b"bad"));
        let (pk, err) = read_all(&f);
        assert_eq!(pk.len(), 1);
        assert!(matches!(err, Some(CaptureError::Corrupt(_))));
    }

    proptest::proptest! {
        #[test]
        fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(proptest::num::u8::ANY, 0..600)) {
            let _ = read_all(&bytes);
        }

        #[test]
        fn damaged_valid_files_never_panic(cut in 0usize..200, flip in 0usize..200, val in proptest::num::u8::ANY) {
            let mut f = shb();
            f.extend(idb(1, Some(6)));
            f.extend(epb(0, 7, b"abcdefgh"));
            f.extend(epb(0, 9, b"ijkl"));
            if flip < f.len() { f[flip] = val; }
            f.truncate(cut.max(1).min(f.len()));
            let _ = read_all(&f);
            let p = pcap(true, false, 1, &[(1, 2, b"xyz")]);
            let mut p2 = p.clone();
            if flip < p2.len() { p2[flip] = val; }
            let _ = read_all(&p2[..cut.min(p2.len())]);
        }
    }
}
