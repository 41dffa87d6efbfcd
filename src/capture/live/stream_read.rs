//! Packets that arrive as a pcap or pcapng stream rather than from libpcap:
//! standard input (`-r -`, `-i -`), a FIFO (`-r FIFO`) or a remote tcpdump's
//! output over ssh (`-i ssh://HOST/IFACE`). The live capture's reader thread
//! reads them with the file reader, packet by packet as they come, so the
//! inspector and the headless printer follow them as they follow an
//! interface.

use std::io::Read;
use std::os::fd::RawFd;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

/// How often a read waiting for the next bytes checks for a stop request:
/// `q` must work before the first byte of a silent pipe arrives.
const POLL_MS: i32 = 100;

/// A byte stream that gives up when `stop` is set: each read first waits
/// for data with poll(2), in slices of `POLL_MS`, so a blocked reader
/// thread ends when asked instead of holding the program open.
pub struct StoppableRead<R> {
    inner: R,
    fd: RawFd,
    stop: Arc<AtomicBool>,
}

impl<R: Read> StoppableRead<R> {
    /// `fd` is `inner`'s file descriptor, open as long as `inner` is.
    pub fn new(inner: R, fd: RawFd, stop: Arc<AtomicBool>) -> StoppableRead<R> {
        StoppableRead { inner, fd, stop }
    }
}

impl<R: Read> Read for StoppableRead<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        loop {
            if self.stop.load(Ordering::Relaxed) {
                // Not `Interrupted`: the file reader retries those.
                return Err(std::io::Error::other("stopped"));
            }
            let mut p = libc::pollfd { fd: self.fd, events: libc::POLLIN, revents: 0 };
            // SAFETY: one valid pollfd; `fd` belongs to `inner`, open while
            // `self` lives.
            let ready = unsafe { libc::poll(&mut p, 1, POLL_MS) };
            // Readable, closed (POLLHUP) or in error: read says which.
            if ready > 0 {
                return self.inner.read(buf);
            }
            if ready < 0 {
                let e = std::io::Error::last_os_error();
                if e.kind() != std::io::ErrorKind::Interrupted {
                    return Err(e);
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;
    use std::os::fd::AsRawFd;
    use std::os::unix::net::UnixStream;
    use std::time::{Duration, Instant};

    #[test]
    fn a_silent_stream_stops_when_asked() {
        let (a, _b) = UnixStream::pair().unwrap();
        let stop = Arc::new(AtomicBool::new(false));
        let fd = a.as_raw_fd();
        let mut r = StoppableRead::new(a, fd, stop.clone());
        let flag = stop.clone();
        let t = std::thread::spawn(move || {
            std::thread::sleep(Duration::from_millis(150));
            flag.store(true, Ordering::Relaxed);
        });
        let start = Instant::now();
        let mut buf = [0u8; 8];
        assert!(r.read(&mut buf).is_err(), "a stopped read is an error");
        assert!(start.elapsed() < Duration::from_secs(5));
        t.join().unwrap();
    }

    #[test]
    fn bytes_and_the_end_pass_through() {
        let (a, mut b) = UnixStream::pair().unwrap();
        let fd = a.as_raw_fd();
        let mut r = StoppableRead::new(a, fd, Arc::new(AtomicBool::new(false)));
        b.write_all(b"abc").unwrap();
        drop(b);
        let mut got = Vec::new();
        r.read_to_end(&mut got).unwrap();
        assert_eq!(got, b"abc");
    }
}
