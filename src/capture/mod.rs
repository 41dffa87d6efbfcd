//! Capture sources: reading pcap/pcapng files (and stdin), live capture with
//! libpcap, writing pcap and pcapng files, and the packet index that lets the TUI fetch
//! any packet's bytes on demand.

mod index;
mod intern;
pub mod live;
mod pcap_writer;
mod pcapng_writer;
mod reader;
mod records;

pub use index::{PacketStore, StoreSource};
pub use intern::intern;
pub use live::{Limits, LiveCapture, LiveError, LiveEvent, LiveOptions, LiveStats, StreamFrom};
pub use pcap_writer::PcapWriter;
pub use pcapng_writer::PcapngWriter;
pub use reader::{CustomBlock, FullPacket, Interface, Reader, Record, CUSTOM_IFACE, LINKTYPE_CUSTOM_BLOCK, MAX_PACKET};

use thiserror::Error;

#[derive(Debug, Error, Clone, PartialEq, Eq)]
pub enum CaptureError {
    #[error("the file is empty")]
    Empty,
    #[error("isn't a capture file in a format wirelens understands (neither pcap nor pcapng)")]
    NotCapture,
    #[error("the file header is cut short")]
    ShortHeader,
    #[error("unsupported {0}")]
    Version(String),
    #[error("appears to have been cut short in the middle of a packet (after packet {after})")]
    CutShort { after: u64 },
    #[error("is corrupt: {0}")]
    Corrupt(String),
    #[error("read error: {0}")]
    Io(String),
}

/// gzip's magic number: a compressed capture (`.pcap.gz`, `.pcapng.gz`) is
/// read through a decoder, as tshark reads it.
pub(crate) const GZIP_MAGIC: [u8; 2] = [0x1f, 0x8b];

/// Opens a capture for streaming: a path, or `-` for standard input;
/// gzip-compressed input is decompressed as it is read.
pub fn open_stream(path: &str) -> Result<Reader<Box<dyn std::io::Read + Send>>, anyhow::Error> {
    use std::io::BufRead;
    let raw: Box<dyn std::io::Read + Send> = if path == "-" {
        Box::new(std::io::stdin())
    } else {
        let f = std::fs::File::open(path)
            .map_err(|e| anyhow::anyhow!("{}: cannot open: {}", path, io_reason(&e)))?;
        Box::new(f)
    };
    let mut buffered = std::io::BufReader::with_capacity(1 << 16, raw);
    let gz = buffered.fill_buf().map(|b| b.starts_with(&GZIP_MAGIC)).unwrap_or(false);
    let src: Box<dyn std::io::Read + Send> =
        if gz { Box::new(flate2::read::MultiGzDecoder::new(buffered)) } else { Box::new(buffered) };
    Reader::new(src).map_err(|e| anyhow::anyhow!("{path}: {e}"))
}

/// Opens a capture to keep, for the packet store: where its packets' bytes
/// can be read again, a reader at its first packet, and its size in bytes.
/// Standard input is kept in memory; a gzip-compressed file is decompressed
/// once into a temporary file (deleted when closed), since packets are
/// fetched back by their offsets.
pub fn open_source(path: &str) -> anyhow::Result<(StoreSource, Reader<Box<dyn std::io::Read + Send>>, u64)> {
    use std::io::{Read, Seek};
    let cannot = |e: std::io::Error| anyhow::anyhow!("{path}: cannot open: {}", io_reason(&e));
    let reader = |src: Box<dyn Read + Send>| Reader::new(src).map_err(|e| anyhow::anyhow!("{path}: {e}"));
    if path == "-" {
        let mut v = Vec::new();
        std::io::stdin().read_to_end(&mut v)?;
        if v.starts_with(&GZIP_MAGIC) {
            let mut plain = Vec::new();
            flate2::read::MultiGzDecoder::new(&v[..]).read_to_end(&mut plain).map_err(|e| anyhow::anyhow!("{path}: {e}"))?;
            v = plain;
        }
        let total = v.len() as u64;
        let r = reader(Box::new(std::io::Cursor::new(v.clone())))?;
        return Ok((StoreSource::Memory(v), r, total));
    }
    let mut file = std::fs::File::open(path).map_err(cannot)?;
    let mut magic = [0u8; 2];
    let gz = file.read_exact(&mut magic).is_ok() && magic == GZIP_MAGIC;
    file.rewind().map_err(cannot)?;
    if gz {
        let mut tmp = tempfile::tempfile().map_err(|e| anyhow::anyhow!("{path}: cannot make a temporary file: {e}"))?;
        let mut dec = flate2::read::MultiGzDecoder::new(std::io::BufReader::new(file));
        std::io::copy(&mut dec, &mut tmp).map_err(|e| anyhow::anyhow!("{path}: {e}"))?;
        tmp.rewind().map_err(cannot)?;
        file = tmp;
    }
    let total = file.metadata().map(|m| m.len()).unwrap_or(0);
    let src = file.try_clone().map_err(cannot)?;
    let r = reader(Box::new(std::io::BufReader::with_capacity(0, src)))?;
    Ok((StoreSource::File(file), r, total))
}

/// Whether a file name asks for pcapng (`.pcapng`) rather than pcap, for
/// `-w` and the inspector's save.
pub fn is_pcapng_name(path: &std::path::Path) -> bool {
    path.extension().is_some_and(|e| e.eq_ignore_ascii_case("pcapng"))
}

pub fn io_reason(e: &std::io::Error) -> String {
    match e.kind() {
        std::io::ErrorKind::NotFound => "no such file".into(),
        std::io::ErrorKind::PermissionDenied => "permission denied".into(),
        _ => e.to_string(),
    }
}
