//! Live capture with libpcap on a thread of its own.
//!
//! The interface is opened in immediate mode, so the kernel hands over each
//! packet as it arrives instead of waiting to fill a buffer: a packet reaches
//! the consumer within milliseconds. The capture thread only reads, writes
//! the `-w` file and sends events; it never waits on the consumer (the channel
//! is unbounded), because a reader that stalls makes the kernel drop packets.
//! libpcap's drop counters are sent as events every second and at the end.

use std::os::fd::{AsRawFd, RawFd};
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{channel, Receiver};
use std::sync::Arc;
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use thiserror::Error;

use crate::field::Timestamp;

use super::pcap_writer::PcapWriter;
use super::{Interface, Record};

/// Wireshark's default snap length: every packet whole.
pub const DEFAULT_SNAPLEN: u32 = 262_144;
/// How long the capture thread waits when no packet comes: bounds how late a
/// stop request or a statistics event can be. libpcap's own read timeout is
/// not used for this: in immediate mode on Linux its read blocks in poll()
/// until a packet comes, so the handle is non-blocking and polled here.
const READ_TIMEOUT_MS: i32 = 100;
const STATS_EVERY: Duration = Duration::from_secs(1);
/// Kernel buffer: a few seconds of a busy loopback before drops start.
const BUFFER_BYTES: i32 = 8 << 20;

/// The command that gives the binary the capabilities live capture needs.
pub const SETCAP_HINT: &str = "sudo setcap cap_net_raw,cap_net_admin=eip $(command -v wirelens)";

#[derive(Clone, Debug, Default)]
pub struct LiveOptions {
    /// Interface name (`lo`, `eth0`, `any`).
    pub iface: String,
    /// BPF capture filter (`-f`), as tcpdump takes it.
    pub filter: Option<String>,
    pub snaplen: u32,
    /// Writes every captured packet to this pcap file as it arrives (`-w`).
    pub write_to: Option<PathBuf>,
    /// Stops after this many packets (`-c`).
    pub count: Option<u64>,
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
        let iface = opts.iface.clone();
        let mut cap = pcap::Capture::from_device(iface.as_str())
            .and_then(|c| {
                c.immediate_mode(true)
                    .snaplen(i32::try_from(snaplen).unwrap_or(i32::MAX))
                    .buffer_size(BUFFER_BYTES)
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
        let writer = match &opts.write_to {
            Some(path) => Some(PcapWriter::create(path, linktype, snaplen, nanos).map_err(|e| LiveError::Write {
                path: path.display().to_string(),
                reason: super::io_reason(&e),
            })?),
            None => None,
        };
        let stop = Arc::new(AtomicBool::new(false));
        let worker = Worker {
            cap,
            writer,
            write_path: opts.write_to.clone(),
            linktype,
            nanos,
            count: opts.count,
            stop: stop.clone(),
        };
        let thread = std::thread::Builder::new()
            .name(format!("capture {iface}"))
            .spawn(move || worker.run(sink))
            .map_err(|e| LiveError::Open { iface: iface.clone(), reason: e.to_string() })?;
        Ok(LiveCapture { interface, stop, thread: Some(thread) })
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

    /// Whether the capture thread is still running.
    pub fn is_running(&self) -> bool {
        self.thread.as_ref().is_some_and(|t| !t.is_finished())
    }

    /// Stops the capture, waits for the thread and returns the final counts.
    pub fn stop(mut self) -> LiveStats {
        self.join()
    }

    fn join(&mut self) -> LiveStats {
        self.request_stop();
        self.thread.take().and_then(|t| t.join().ok()).unwrap_or_default()
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

struct Worker {
    cap: pcap::Capture<pcap::Active>,
    writer: Option<PcapWriter>,
    write_path: Option<PathBuf>,
    linktype: u32,
    nanos: bool,
    count: Option<u64>,
    stop: Arc<AtomicBool>,
}

impl Worker {
    fn run(mut self, mut sink: impl FnMut(LiveEvent) -> bool) -> LiveStats {
        let fd = self.cap.as_raw_fd();
        let mut captured = 0u64;
        let mut last_stats = Instant::now();
        while !self.stop.load(Ordering::Relaxed) && self.count.is_none_or(|c| captured < c) {
            match self.cap.next_packet() {
                Ok(p) => {
                    captured += 1;
                    let ts = timestamp(&p.header.ts, self.nanos);
                    let mut record = Record { offset: 0, caplen: p.data.len() as u32, origlen: p.header.len, ts, iface: 0 };
                    if let Some(w) = &mut self.writer {
                        match w.write(ts, p.header.len, p.data) {
                            Ok(at) => record.offset = at,
                            Err(e) => {
                                let path = self.write_path.as_ref().map(|p| p.display().to_string()).unwrap_or_default();
                                sink(LiveEvent::Error(format!("{path}: cannot write: {}", super::io_reason(&e))));
                                break;
                            }
                        }
                    }
                    let ev = LiveEvent::Packet { record, linktype: self.linktype, data: p.data.to_vec() };
                    if !sink(ev) {
                        break;
                    }
                }
                Err(pcap::Error::TimeoutExpired) => wait_readable(fd),
                Err(e) => {
                    sink(LiveEvent::Error(format!("capture stopped: {e}")));
                    break;
                }
            }
            if last_stats.elapsed() >= STATS_EVERY {
                last_stats = Instant::now();
                if !sink(LiveEvent::Stats(self.stats(captured))) {
                    break;
                }
            }
        }
        let last = self.stats(captured);
        sink(LiveEvent::Stats(last));
        last
    }

    fn stats(&mut self, captured: u64) -> LiveStats {
        let s = self.cap.stats().unwrap_or(pcap::Stat { received: 0, dropped: 0, if_dropped: 0 });
        LiveStats { captured, received: s.received as u64, dropped: s.dropped as u64, if_dropped: s.if_dropped as u64 }
    }
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

