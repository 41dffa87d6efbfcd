//! Capture sources: reading pcap/pcapng files (and stdin), live capture with
//! libpcap, writing pcap and pcapng files, and the packet index that lets the TUI fetch
//! any packet's bytes on demand.

mod index;
pub mod live;
mod pcap_writer;
mod pcapng_writer;
mod reader;
mod records;

pub use index::{PacketStore, StoreSource};
pub use live::{LiveCapture, LiveError, LiveEvent, LiveOptions, LiveStats, StreamFrom};
pub use pcap_writer::PcapWriter;
pub use pcapng_writer::PcapngWriter;
pub use reader::{Interface, Reader, Record, MAX_PACKET};

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

/// Opens a capture for streaming: a path, or `-` for standard input.
pub fn open_stream(path: &str) -> Result<Reader<Box<dyn std::io::Read + Send>>, anyhow::Error> {
    let src: Box<dyn std::io::Read + Send> = if path == "-" {
        Box::new(std::io::stdin())
    } else {
        let f = std::fs::File::open(path)
            .map_err(|e| anyhow::anyhow!("{}: cannot open: {}", path, io_reason(&e)))?;
        Box::new(f)
    };
    Reader::new(src).map_err(|e| anyhow::anyhow!("{path}: {e}"))
}

/// Whether a file name asks for pcapng (`.pcapng`, or `.ntar`, its old
/// name) rather than pcap, as Wireshark decides when saving.
pub fn is_pcapng_name(path: &std::path::Path) -> bool {
    path.extension().and_then(|e| e.to_str()).is_some_and(|e| e.eq_ignore_ascii_case("pcapng") || e.eq_ignore_ascii_case("ntar"))
}

pub fn io_reason(e: &std::io::Error) -> String {
    match e.kind() {
        std::io::ErrorKind::NotFound => "no such file".into(),
        std::io::ErrorKind::PermissionDenied => "permission denied".into(),
        _ => e.to_string(),
    }
}
