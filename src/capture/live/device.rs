//! Capturing from a network interface with libpcap: the reader thread reads
//! and hands on batches, nothing else.
//!
//! Why not libpcap's immediate mode: on Linux it uses TPACKET_V2, whose ring
//! has fixed-size frames sized by the snap length, so an 8 MiB buffer holds
//! only a few dozen packets of a 256 KiB snap length and a burst of small
//! packets overflows it (a quarter of 300k datagrams/s were lost on `lo`).
//! Without it, TPACKET_V3 packs packets into blocks back to back (some
//! 50,000 small packets in 8 MiB) and hands over a block when it is full or
//! after `BLOCK_TIMEOUT_MS`, which bounds how late a packet on a quiet link
//! is shown.

use std::os::fd::{AsRawFd, RawFd};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::Sender;
use std::sync::Arc;
use std::time::{Duration, Instant};

use super::delivery::{Batch, Gather};
use super::{open_error, LiveError, LiveOptions, LiveStats, DEFAULT_SNAPLEN};
use crate::capture::{Interface, Record};
use crate::field::Timestamp;

/// How long the reader waits when no packet comes: bounds how late a stop
/// request or a statistics event can be. The handle is non-blocking and
/// polled here, since libpcap's blocking read may wait in poll() for a
/// packet that never comes.
const READ_TIMEOUT_MS: i32 = 100;
/// How long the kernel may hold a partly filled block before handing it
/// over: the latest a packet on a quiet link reaches the consumer.
const BLOCK_TIMEOUT_MS: i32 = 50;
const STATS_EVERY: Duration = Duration::from_secs(1);
/// Default kernel buffer (`-B`), in MiB: with TPACKET_V3 some 50,000 small
/// packets, a few hundred milliseconds of a busy loopback should the reader
/// be descheduled. tcpdump's default is 2 MiB.
pub const DEFAULT_BUFFER_MIB: u32 = 8;

/// An opened interface, ready for its reader thread.
pub struct Device {
    cap: pcap::Capture<pcap::Active>,
    nanos: bool,
    pub interface: Interface,
}

impl Device {
    /// Opens the interface and sets the capture filter: the errors a user
    /// must see before anything starts.
    pub fn open(opts: &LiveOptions) -> Result<Device, LiveError> {
        let snaplen = if opts.snaplen == 0 { DEFAULT_SNAPLEN } else { opts.snaplen };
        let buffer_mib = if opts.buffer_mib == 0 { DEFAULT_BUFFER_MIB } else { opts.buffer_mib };
        let iface = opts.iface.as_str();
        let mut cap = pcap::Capture::from_device(iface)
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
            .map_err(|e| open_error(iface, &e))?;
        if let Some(f) = &opts.filter {
            cap.filter(f, true).map_err(|e| LiveError::Filter {
                filter: f.clone(),
                reason: match e {
                    pcap::Error::PcapError(s) => s,
                    other => other.to_string(),
                },
            })?;
        }
        let nanos = tstamp_is_nanos(&cap);
        let interface = Interface {
            linktype: cap.get_datalink().0 as u32,
            snaplen,
            ticks_per_sec: if nanos { 1_000_000_000 } else { 1_000_000 },
            ts_digits: if nanos { 9 } else { 6 },
            name: Some(crate::capture::intern(iface)),
            description: None,
            section: 0,
        };
        Ok(Device { cap, nanos, interface })
    }

    /// Whether timestamps come in nanoseconds.
    pub fn nanos(&self) -> bool {
        self.nanos
    }

    /// The reader thread's loop: until `stop` or `count` packets.
    pub fn run(mut self, count: Option<u64>, stop: Arc<AtomicBool>, to: Sender<Batch>) -> LiveStats {
        let fd = self.cap.as_raw_fd();
        let mut captured = 0u64;
        let mut last_stats = Instant::now();
        let mut gather = Gather::default();
        let mut error = None;
        let mut open = to.send(Batch::Interfaces(vec![self.interface.clone()], false)).is_ok();
        while open && !stop.load(Ordering::Relaxed) && count.is_none_or(|c| captured < c) {
            let waiting = match self.cap.next_packet() {
                Ok(p) => {
                    captured += 1;
                    let ts = timestamp(&p.header.ts, self.nanos);
                    gather.push(Record { offset: 0, caplen: 0, origlen: p.header.len, ts, iface: 0, section_iface: 0, no_ts: false, custom: None }, p.data, &[]);
                    true
                }
                Err(pcap::Error::TimeoutExpired) => false,
                Err(e) => {
                    error = Some(format!("capture stopped: {e}"));
                    break;
                }
            };
            if gather.is_full() || !waiting {
                open = gather.hand_on(&to);
            }
            if !waiting {
                wait_readable(fd);
            }
            if open && last_stats.elapsed() >= STATS_EVERY {
                last_stats = Instant::now();
                open = to.send(Batch::Stats(self.stats(captured))).is_ok();
            }
        }
        gather.hand_on(&to);
        if let Some(e) = error {
            let _ = to.send(Batch::Error(e));
        }
        let last = self.stats(captured);
        let _ = to.send(Batch::Stats(last));
        last
    }

    fn stats(&mut self, captured: u64) -> LiveStats {
        let s = self.cap.stats().unwrap_or(pcap::Stat { received: 0, dropped: 0, if_dropped: 0 });
        LiveStats { captured, received: s.received as u64, dropped: s.dropped as u64, if_dropped: s.if_dropped as u64 }
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

    #[test]
    fn timestamps_follow_the_precision() {
        let tv = libc::timeval { tv_sec: 5, tv_usec: 123_456 };
        assert_eq!(timestamp(&tv, true), Timestamp { secs: 5, nanos: 123_456 });
        assert_eq!(timestamp(&tv, false), Timestamp { secs: 5, nanos: 123_456_000 });
    }
}
