//! Live capture with libpcap on threads of their own.
//!
//! The capture thread only reads: it copies each packet into a batch and
//! hands full batches (or what it has when the kernel has nothing more) to
//! a delivery thread, which writes the `-w` file (one `write(2)` a batch)
//! and passes the packets to the consumer. Neither the file nor the
//! consumer can make the reader wait; a slow consumer costs memory in the
//! channel, never packets in the kernel.
//!
//! Why not libpcap's immediate mode: on Linux it uses TPACKET_V2, whose ring
//! has fixed-size frames sized by the snap length, so an 8 MiB buffer holds
//! only a few dozen packets of a 256 KiB snap length and a burst of small
//! packets overflows it (a quarter of 300k datagrams/s lost on `lo`). Without
//! it, TPACKET_V3 packs packets into blocks back to back (some 50,000 small
//! packets in 8 MiB) and hands over a block when it is full or after
//! `BLOCK_TIMEOUT_MS`, which bounds how late a packet on a quiet link is
//! shown. libpcap's drop counters are sent as events every second and at
//! the end.

mod delivery;
mod device;
mod output;
pub mod ssh;
mod stream;
mod stream_read;

use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{channel, Receiver};
use std::sync::Arc;
use std::thread::JoinHandle;

use thiserror::Error;

use super::Interface;
use super::Record;
use delivery::Delivery;
use output::Output;
pub use output::Limits;
use device::Device;
pub use device::DEFAULT_BUFFER_MIB;
use stream::Stream;
pub use stream::StreamFrom;

/// Wireshark's default snap length: every packet whole.
pub const DEFAULT_SNAPLEN: u32 = 262_144;
/// The command that gives the binary the capabilities live capture needs.
pub const SETCAP_HINT: &str = "sudo setcap cap_net_raw,cap_net_admin=eip $(command -v wirelens)";

#[derive(Clone, Debug, Default)]
pub struct LiveOptions {
    /// Interface name (`lo`, `eth0`, `any`); `-` for a pcap stream on
    /// standard input, `ssh://[USER@]HOST[:PORT]/IFACE` for a remote one.
    pub iface: String,
    /// Reads a pcap or pcapng stream from this FIFO or file (`-` standard
    /// input) as it arrives, instead of capturing on `iface`.
    pub pipe: Option<PathBuf>,
    /// BPF capture filter (`-f`), as tcpdump takes it.
    pub filter: Option<String>,
    pub snaplen: u32,
    /// Writes every captured packet to this file as it arrives (`-w`):
    /// pcapng when the name ends in `.pcapng`, else pcap.
    pub write_to: Option<PathBuf>,
    /// Stops after this many packets (`-c`).
    pub count: Option<u64>,
    /// Kernel buffer in MiB (`-B`, as dumpcap's); 0 for the default.
    pub buffer_mib: u32,
    /// `-a`: stop the capture after this long, this many packets, or (with
    /// `-w`) this much written or this many ring files.
    pub autostop: Limits,
    /// `-b`: write a ring of files, switching at these limits (with `-w`).
    pub ring: Option<Limits>,
}

/// libpcap's counters. `received` and `dropped` are the kernel's (packets
/// that passed the filter, and those lost because the buffer was full);
/// `if_dropped` are lost by the interface or driver; `captured` are the
/// packets wirelens delivered.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct LiveStats {
    pub captured: u64,
    pub received: u64,
    pub dropped: u64,
    pub if_dropped: u64,
}

#[derive(Debug)]
pub enum LiveEvent {
    /// One packet. `record.offset` is the offset of its bytes in the `-w`
    /// file when there is one (so it can be fetched back from there), else 0;
    /// `record.iface` is 0.
    Packet { record: Record, linktype: u32, data: Vec<u8>, comments: Vec<String> },
    Stats(LiveStats),
    /// The interfaces the packets come from (a packet's `record.iface`
    /// indexes them), once known: a stream says them with its first bytes,
    /// so they come before the first packet (and replace what
    /// `LiveCapture::interface` said), and again when a pcapng stream adds
    /// one. `pcapng`: packets name their interface (`frame.interface_id`).
    Interfaces { list: Vec<Interface>, pcapng: bool },
    /// The capture stopped on this error (a read or `-w` write failure).
    Error(String),
}

#[derive(Debug, Error, Clone, PartialEq, Eq)]
pub enum LiveError {
    #[error("you don't have permission to capture on {iface}: give wirelens the capture capabilities with\n    {SETCAP_HINT}\n(or run it as root)")]
    Permission { iface: String },
    #[error("there is no interface named {iface:?} (`wirelens -D` lists them)")]
    NoSuchInterface { iface: String },
    #[error("interface {iface} is down")]
    InterfaceDown { iface: String },
    #[error("invalid capture filter {filter:?}: {reason}")]
    Filter { filter: String, reason: String },
    #[error("cannot capture on {iface}: {reason}")]
    Open { iface: String, reason: String },
    #[error("{path}: cannot write: {reason}")]
    Write { path: String, reason: String },
    #[error("cannot list interfaces: {0}")]
    List(String),
}

/// Turns a libpcap error from opening `iface` into what the user should
/// read. libpcap's status code is lost by the `pcap` crate, so the text is
/// matched: these are the messages libpcap writes on Linux and the BSDs.
pub fn open_error(iface: &str, e: &pcap::Error) -> LiveError {
    let text = match e {
        pcap::Error::PcapError(s) => s.clone(),
        other => other.to_string(),
    };
    let lower = text.to_ascii_lowercase();
    let iface = iface.to_string();
    if lower.contains("permission") || lower.contains("not permitted") || lower.contains("cap_net_raw") {
        LiveError::Permission { iface }
    } else if lower.contains("no such device") || lower.contains("doesn't exist") {
        LiveError::NoSuchInterface { iface }
    } else if lower.contains("is not up") || lower.contains("network is down") {
        LiveError::InterfaceDown { iface }
    } else {
        LiveError::Open { iface, reason: text }
    }
}

/// An interface libpcap can capture on, for `-D` and the interface picker.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LiveInterface {
    pub name: String,
    pub description: Option<String>,
    pub loopback: bool,
    pub up: bool,
}

impl LiveInterface {
    /// The name and what it is, as tshark's `-D` shows them.
    pub fn label(&self) -> String {
        match (&self.description, self.loopback) {
            (_, true) => format!("{} (Loopback)", self.name),
            (Some(desc), _) => format!("{} ({desc})", self.name),
            (None, _) => self.name.clone(),
        }
    }
}

pub fn list_interfaces() -> Result<Vec<LiveInterface>, LiveError> {
    let devs = pcap::Device::list().map_err(|e| LiveError::List(e.to_string()))?;
    Ok(devs
        .into_iter()
        .map(|d| LiveInterface {
            loopback: d.flags.is_loopback(),
            up: d.flags.is_up(),
            description: d.desc,
            name: d.name,
        })
        .collect())
}

enum Source {
    Device,
    Stream(StreamFrom),
}

/// Where `opts` asks to capture from.
fn source(opts: &LiveOptions) -> Result<Source, LiveError> {
    if let Some(p) = &opts.pipe {
        return Ok(Source::Stream(if p.as_os_str() == "-" { StreamFrom::Stdin } else { StreamFrom::Path(p.clone()) }));
    }
    if opts.iface == "-" {
        return Ok(Source::Stream(StreamFrom::Stdin));
    }
    match ssh::Remote::parse(&opts.iface) {
        Some(remote) => Ok(Source::Stream(StreamFrom::Ssh(remote?))),
        None => Ok(Source::Device),
    }
}

/// A running capture. Dropping it stops the capture.
pub struct LiveCapture {
    interface: Interface,
    stop: Arc<AtomicBool>,
    thread: Option<JoinHandle<LiveStats>>,
    delivery: Option<JoinHandle<()>>,
    stream: bool,
}

impl LiveCapture {
    /// Starts capturing; events arrive on the returned channel until the
    /// capture stops (the sender is then dropped).
    pub fn start(opts: &LiveOptions) -> Result<(LiveCapture, Receiver<LiveEvent>), LiveError> {
        let (tx, rx) = channel();
        let cap = LiveCapture::start_with(opts, move |ev| tx.send(ev).is_ok())?;
        Ok((cap, rx))
    }

    /// Starts capturing and hands each event to `sink` on the capture
    /// thread (to wrap it into the caller's own event type); the capture
    /// stops when `sink` returns false. Errors opening the interface, in the
    /// filter or creating the `-w` file are returned here, before any event.
    pub fn start_with(
        opts: &LiveOptions,
        sink: impl FnMut(LiveEvent) -> bool + Send + 'static,
    ) -> Result<LiveCapture, LiveError> {
        let stop = Arc::new(AtomicBool::new(false));
        let (to, batches) = channel();
        // `-a packets:N` is `-c N`.
        let count = match (opts.count, opts.autostop.packets) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        };
        let source = source(opts)?;
        let stream = matches!(source, Source::Stream(_));
        let (interface, name, nanos, reader): (Interface, String, bool, Box<dyn FnOnce() -> LiveStats + Send>) =
            match source {
                Source::Device => {
                    let dev = Device::open(opts)?;
                    let (interface, nanos, stop) = (dev.interface.clone(), dev.nanos(), stop.clone());
                    (interface, opts.iface.clone(), nanos, Box::new(move || dev.run(count, stop, to)))
                }
                Source::Stream(from) => {
                    let s = Stream::open(&from, opts.filter.as_deref(), opts.snaplen)?;
                    let name = match &from {
                        StreamFrom::Stdin => "-".to_string(),
                        StreamFrom::Path(p) => p.display().to_string(),
                        StreamFrom::Ssh(r) => r.to_string(),
                    };
                    // Until the stream's header says otherwise.
                    let interface = Interface {
                        linktype: 1,
                        snaplen: DEFAULT_SNAPLEN,
                        ticks_per_sec: 1_000_000,
                        ts_digits: 6,
                        name: Some(crate::capture::intern(&name)),
                        description: None,
                        section: 0,
                    };
                    let stop = stop.clone();
                    (interface, name, true, Box::new(move || s.run(count, stop, to)))
                }
            };
        let file = match &opts.write_to {
            Some(path) => Some(Output::create(path, nanos, opts.ring, opts.autostop).map_err(|e| LiveError::Write {
                path: path.display().to_string(),
                reason: super::io_reason(&e),
            })?),
            None => None,
        };
        let spawn_err = |e: std::io::Error| LiveError::Open { iface: name.clone(), reason: e.to_string() };
        let thread = std::thread::Builder::new().name(format!("capture {name}")).spawn(reader).map_err(spawn_err)?;
        let deadline = opts.autostop.duration.map(|d| std::time::Instant::now() + d);
        let delivery =
            Delivery { file, write_path: opts.write_to.clone(), stop: stop.clone(), interfaces: Vec::new(), deadline };
        let delivery = std::thread::Builder::new()
            .name(format!("deliver {name}"))
            .spawn(move || delivery.run(batches, sink))
            .map_err(spawn_err)?;
        Ok(LiveCapture { interface, stop, thread: Some(thread), delivery: Some(delivery), stream })
    }

    /// The interface as a capture file would describe it (link type, snap
    /// length, timestamp resolution), for dissecting the packets.
    pub fn interface(&self) -> &Interface {
        &self.interface
    }

    /// Asks the capture thread to stop (within the read timeout) and returns
    /// at once; the final statistics and the end of the channel follow.
    pub fn request_stop(&self) {
        self.stop.store(true, Ordering::Relaxed);
    }

    /// Whether the packets come from a stream (a pipe, a FIFO, ssh), which
    /// ends when its writer does, rather than from an interface.
    pub fn is_stream(&self) -> bool {
        self.stream
    }

    /// Whether the capture is still running (reading, or delivering what it
    /// read).
    pub fn is_running(&self) -> bool {
        [self.thread.as_ref().map(|t| t.is_finished()), self.delivery.as_ref().map(|t| t.is_finished())]
            .into_iter()
            .any(|done| done == Some(false))
    }

    /// Stops the capture, waits for the thread and returns the final counts.
    pub fn stop(mut self) -> LiveStats {
        self.join()
    }

    fn join(&mut self) -> LiveStats {
        self.request_stop();
        let stats = self.thread.take().and_then(|t| t.join().ok()).unwrap_or_default();
        if let Some(d) = self.delivery.take() {
            let _ = d.join();
        }
        stats
    }
}

impl Drop for LiveCapture {
    fn drop(&mut self) {
        self.join();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn err(s: &str) -> pcap::Error {
        pcap::Error::PcapError(s.into())
    }

    #[test]
    fn permission_errors_say_what_to_run() {
        for msg in [
            "socket: Operation not permitted",
            "lo: You don't have permission to perform this capture on that device (socket: Operation not permitted)",
            "Attempt to create packet socket failed - CAP_NET_RAW may be required",
        ] {
            let e = open_error("lo", &err(msg));
            assert_eq!(e, LiveError::Permission { iface: "lo".into() }, "{msg}");
            let text = e.to_string();
            assert!(text.contains("sudo setcap cap_net_raw,cap_net_admin=eip $(command -v wirelens)"), "{text}");
        }
    }

    #[test]
    fn other_open_errors_are_named() {
        assert_eq!(
            open_error("nope0", &err("SIOCGIFINDEX: No such device")),
            LiveError::NoSuchInterface { iface: "nope0".into() }
        );
        assert_eq!(
            open_error("eth9", &err("eth9: That device is not up")),
            LiveError::InterfaceDown { iface: "eth9".into() }
        );
        assert_eq!(
            open_error("lo", &err("something else")),
            LiveError::Open { iface: "lo".into(), reason: "something else".into() }
        );
    }
}

