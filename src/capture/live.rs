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

use std::os::fd::{AsRawFd, RawFd};
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{channel, Receiver, Sender};
use std::sync::Arc;
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use thiserror::Error;

use crate::field::Timestamp;

use super::pcap_writer::PcapWriter;
use super::pcapng_writer::PcapngWriter;
use super::{Interface, Record};

/// Wireshark's default snap length: every packet whole.
pub const DEFAULT_SNAPLEN: u32 = 262_144;
/// How long the capture thread waits when no packet comes: bounds how late a
/// stop request or a statistics event can be. The handle is non-blocking and
/// polled here, since libpcap's blocking read may wait in poll() for a
/// packet that never comes.
const READ_TIMEOUT_MS: i32 = 100;
/// How long the kernel may hold a partly filled block before handing it
/// over: the latest a packet on a quiet link reaches the consumer.
const BLOCK_TIMEOUT_MS: i32 = 50;
const STATS_EVERY: Duration = Duration::from_secs(1);
/// Default kernel buffer (`-B`), in MiB: with TPACKET_V3 some 50,000 small
/// packets per 8 MiB, a few hundred milliseconds of a busy loopback
/// should the reader be descheduled. tcpdump's default is 2 MiB.
pub const DEFAULT_BUFFER_MIB: u32 = 8;
/// A batch is handed on when it holds this many packets or bytes, even
/// while more wait in the kernel: it bounds the delay a long burst adds.
const BATCH_PACKETS: usize = 1024;
const BATCH_BYTES: usize = 1 << 20;

/// The command that gives the binary the capabilities live capture needs.
pub const SETCAP_HINT: &str = "sudo setcap cap_net_raw,cap_net_admin=eip $(command -v wirelens)";

#[derive(Clone, Debug, Default)]
pub struct LiveOptions {
    /// Interface name (`lo`, `eth0`, `any`).
    pub iface: String,
    /// BPF capture filter (`-f`), as tcpdump takes it.
    pub filter: Option<String>,
    pub snaplen: u32,
    /// Writes every captured packet to this file as it arrives (`-w`):
    /// pcapng when the name ends in `.pcapng` or `.ntar`, else pcap.
    pub write_to: Option<PathBuf>,
    /// Stops after this many packets (`-c`).
    pub count: Option<u64>,
    /// Kernel buffer in MiB (`-B`, as dumpcap's); 0 for the default.
    pub buffer_mib: u32,
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
    Packet { record: Record, linktype: u32, data: Vec<u8> },
    Stats(LiveStats),
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

/// A running capture. Dropping it stops the capture.
pub struct LiveCapture {
    interface: Interface,
    stop: Arc<AtomicBool>,
    thread: Option<JoinHandle<LiveStats>>,
    delivery: Option<JoinHandle<()>>,
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
        let snaplen = if opts.snaplen == 0 { DEFAULT_SNAPLEN } else { opts.snaplen };
        let buffer_mib = if opts.buffer_mib == 0 { DEFAULT_BUFFER_MIB } else { opts.buffer_mib };
        let iface = opts.iface.clone();
        let mut cap = pcap::Capture::from_device(iface.as_str())
            .and_then(|c| {
                c.immediate_mode(false)
                    .timeout(BLOCK_TIMEOUT_MS)
                    .snaplen(i32::try_from(snaplen).unwrap_or(i32::MAX))
                    .buffer_size(i32::try_from(u64::from(buffer_mib) << 20).unwrap_or(i32::MAX))
                    .precision(pcap::Precision::Nano)
                    .promisc(false)
                    .open()
            })
            .and_then(|c| c.setnonblock())
            .map_err(|e| open_error(&iface, &e))?;
        if let Some(f) = &opts.filter {
            cap.filter(f, true).map_err(|e| LiveError::Filter {
                filter: f.clone(),
                reason: match e {
                    pcap::Error::PcapError(s) => s,
                    other => other.to_string(),
                },
            })?;
        }
        let linktype = cap.get_datalink().0 as u32;
        let nanos = tstamp_is_nanos(&cap);
        let interface = Interface {
            linktype,
            snaplen,
            ticks_per_sec: if nanos { 1_000_000_000 } else { 1_000_000 },
            ts_digits: if nanos { 9 } else { 6 },
            name: Some(iface.clone()),
        };
        let file = match &opts.write_to {
            Some(path) => Some(LiveFile::create(path, &interface, nanos).map_err(|e| LiveError::Write {
                path: path.display().to_string(),
                reason: super::io_reason(&e),
            })?),
            None => None,
        };
        let stop = Arc::new(AtomicBool::new(false));
        let (batches, received) = channel();
        let reader = Reader { cap, nanos, count: opts.count, stop: stop.clone(), batches };
        let spawn_err = |e: std::io::Error| LiveError::Open { iface: iface.clone(), reason: e.to_string() };
        let thread = std::thread::Builder::new()
            .name(format!("capture {iface}"))
            .spawn(move || reader.run())
            .map_err(spawn_err)?;
        let delivery = Delivery { file, write_path: opts.write_to.clone(), linktype, stop: stop.clone() };
        let delivery = std::thread::Builder::new()
            .name(format!("deliver {iface}"))
            .spawn(move || delivery.run(received, sink))
            .map_err(spawn_err)?;
        Ok(LiveCapture { interface, stop, thread: Some(thread), delivery: Some(delivery) })
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

extern "C" {
    fn pcap_get_tstamp_precision(p: *mut libc::c_void) -> libc::c_int;
}

/// Whether libpcap delivers nanosecond timestamps: asking for them can fail
/// silently on a platform that lacks them, and reading microseconds as
/// nanoseconds would be a thousandfold error.
fn tstamp_is_nanos(cap: &pcap::Capture<pcap::Active>) -> bool {
    const PCAP_TSTAMP_PRECISION_NANO: libc::c_int = 1;
    // SAFETY: the handle is a live, activated pcap_t owned by `cap`.
    unsafe { pcap_get_tstamp_precision(cap.as_ptr().cast()) == PCAP_TSTAMP_PRECISION_NANO }
}

/// What the capture thread hands on: packets read together (their bytes
/// back to back in `data`, each record's `offset` its start there), the
/// counters at one moment, or the error that stopped the capture.
enum Batch {
    Packets { records: Vec<Record>, data: Vec<u8> },
    Stats(LiveStats),
    Error(String),
}

/// The capture thread: reads libpcap and hands on batches, nothing else.
struct Reader {
    cap: pcap::Capture<pcap::Active>,
    nanos: bool,
    count: Option<u64>,
    stop: Arc<AtomicBool>,
    batches: Sender<Batch>,
}

impl Reader {
    fn run(mut self) -> LiveStats {
        let fd = self.cap.as_raw_fd();
        let mut captured = 0u64;
        let mut last_stats = Instant::now();
        let (mut records, mut data) = (Vec::new(), Vec::new());
        let mut error = None;
        while !self.stop.load(Ordering::Relaxed) && self.count.is_none_or(|c| captured < c) {
            let waiting = match self.cap.next_packet() {
                Ok(p) => {
                    captured += 1;
                    let ts = timestamp(&p.header.ts, self.nanos);
                    let offset = data.len() as u64;
                    records.push(Record { offset, caplen: p.data.len() as u32, origlen: p.header.len, ts, iface: 0 });
                    data.extend_from_slice(p.data);
                    true
                }
                Err(pcap::Error::TimeoutExpired) => false,
                Err(e) => {
                    error = Some(format!("capture stopped: {e}"));
                    break;
                }
            };
            let full = records.len() >= BATCH_PACKETS || data.len() >= BATCH_BYTES;
            if (full || !waiting) && !records.is_empty() && self.hand_on(packets(&mut records, &mut data)) {
                break;
            }
            if !waiting {
                wait_readable(fd);
            }
            if last_stats.elapsed() >= STATS_EVERY {
                last_stats = Instant::now();
                let stats = self.stats(captured);
                if self.hand_on(Batch::Stats(stats)) {
                    break;
                }
            }
        }
        self.hand_on(packets(&mut records, &mut data));
        if let Some(e) = error {
            self.hand_on(Batch::Error(e));
        }
        let last = self.stats(captured);
        self.hand_on(Batch::Stats(last));
        last
    }

    /// Sends a batch on; true when no one receives any more.
    fn hand_on(&self, batch: Batch) -> bool {
        self.batches.send(batch).is_err()
    }

    fn stats(&mut self, captured: u64) -> LiveStats {
        let s = self.cap.stats().unwrap_or(pcap::Stat { received: 0, dropped: 0, if_dropped: 0 });
        LiveStats { captured, received: s.received as u64, dropped: s.dropped as u64, if_dropped: s.if_dropped as u64 }
    }
}

/// The packets gathered so far as a batch, leaving room for the next.
fn packets(records: &mut Vec<Record>, data: &mut Vec<u8>) -> Batch {
    let records = std::mem::replace(records, Vec::with_capacity(BATCH_PACKETS));
    let data = std::mem::replace(data, Vec::with_capacity(data.len().max(64 << 10)));
    Batch::Packets { records, data }
}

/// The `-w` file of a live capture, in the format its name asks for.
enum LiveFile {
    Pcap(PcapWriter),
    Pcapng(PcapngWriter),
}

impl LiveFile {
    fn create(path: &std::path::Path, interface: &Interface, nanos: bool) -> std::io::Result<LiveFile> {
        Ok(if super::is_pcapng_name(path) {
            LiveFile::Pcapng(PcapngWriter::create(path, std::slice::from_ref(interface))?)
        } else {
            LiveFile::Pcap(PcapWriter::create(path, interface.linktype, interface.snaplen, nanos)?)
        })
    }

    fn stage(&mut self, r: &Record, data: &[u8]) -> std::io::Result<u64> {
        match self {
            LiveFile::Pcap(w) => Ok(w.stage(r.ts, r.origlen, data)),
            LiveFile::Pcapng(w) => w.stage(0, r.ts, r.origlen, data),
        }
    }

    fn flush(&mut self) -> std::io::Result<()> {
        match self {
            LiveFile::Pcap(w) => w.flush(),
            LiveFile::Pcapng(w) => w.flush(),
        }
    }
}

/// The delivery thread: writes each batch to the `-w` file, then hands its
/// packets to the consumer one by one.
struct Delivery {
    file: Option<LiveFile>,
    write_path: Option<PathBuf>,
    linktype: u32,
    stop: Arc<AtomicBool>,
}

impl Delivery {
    fn run(mut self, batches: Receiver<Batch>, mut sink: impl FnMut(LiveEvent) -> bool) {
        for batch in batches {
            let ok = match batch {
                Batch::Stats(s) => sink(LiveEvent::Stats(s)),
                Batch::Error(e) => sink(LiveEvent::Error(e)),
                Batch::Packets { records, data } => match self.write(&records, &data) {
                    Err(e) => {
                        sink(LiveEvent::Error(e));
                        false
                    }
                    Ok(at) => records.iter().enumerate().all(|(i, r)| {
                        let record = Record { offset: at.get(i).copied().unwrap_or(0), ..*r };
                        sink(LiveEvent::Packet { record, linktype: self.linktype, data: bytes(r, &data).to_vec() })
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

    /// Writes a batch to the file, when there is one, and returns where
    /// each packet's bytes are in the file.
    fn write(&mut self, records: &[Record], data: &[u8]) -> Result<Vec<u64>, String> {
        let Some(file) = &mut self.file else { return Ok(Vec::new()) };
        let mut staged = || -> std::io::Result<Vec<u64>> {
            let at = records.iter().map(|r| file.stage(r, bytes(r, data))).collect::<Result<_, _>>()?;
            file.flush()?;
            Ok(at)
        };
        staged().map_err(|e| {
            let path = self.write_path.as_ref().map(|p| p.display().to_string()).unwrap_or_default();
            format!("{path}: cannot write: {}", super::io_reason(&e))
        })
    }
}

/// A batched record's bytes (its `offset` is its start in the batch).
fn bytes<'a>(r: &Record, data: &'a [u8]) -> &'a [u8] {
    let start = r.offset as usize;
    &data[start..start + r.caplen as usize]
}

/// Waits until the capture has a packet to read, or the read timeout.
fn wait_readable(fd: RawFd) {
    let mut p = libc::pollfd { fd, events: libc::POLLIN, revents: 0 };
    // SAFETY: one valid pollfd, and `fd` stays open while the capture lives.
    // An error (EINTR) only means an early return to the caller's loop.
    unsafe { libc::poll(&mut p, 1, READ_TIMEOUT_MS) };
}

/// libpcap's `timeval`, whose second field holds nanoseconds when the
/// capture was opened with nanosecond precision.
fn timestamp(tv: &libc::timeval, nanos: bool) -> Timestamp {
    let frac = tv.tv_usec.clamp(0, 999_999_999) as u32;
    Timestamp { secs: tv.tv_sec, nanos: if nanos { frac } else { frac.saturating_mul(1000).min(999_999_999) } }
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

    #[test]
    fn timestamps_follow_the_precision() {
        let tv = libc::timeval { tv_sec: 5, tv_usec: 123_456 };
        assert_eq!(timestamp(&tv, true), Timestamp { secs: 5, nanos: 123_456 });
        assert_eq!(timestamp(&tv, false), Timestamp { secs: 5, nanos: 123_456_000 });
    }
}

