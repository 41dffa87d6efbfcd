//! Packets that arrive as a pcap or pcapng stream rather than from libpcap:
//! standard input (`-r -`, `-i -`), a FIFO (`-r FIFO`) or a remote tcpdump's
//! output over ssh (`-i ssh://HOST/IFACE`). The reader thread reads them
//! with the file reader, packet by packet as they come, and hands them on
//! as the interface reader does, so the inspector and the headless printer
//! follow a pipe as they follow an interface.

use std::io::Read;
use std::os::fd::{AsFd, AsRawFd, RawFd};
use std::path::PathBuf;
use std::process::Child;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{channel, Receiver, Sender};
use std::sync::Arc;
use std::time::Duration;

use super::delivery::{Batch, Gather};
use super::ssh::Remote;
use super::stream_read::StoppableRead;
use super::{LiveError, LiveStats};
use crate::capture::{io_reason, CaptureError, Reader};

/// Where a stream comes from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum StreamFrom {
    Stdin,
    /// A FIFO (or any file, read as it grows until its writer closes it).
    Path(PathBuf),
    Ssh(Remote),
}

/// Bytes of a remote command's standard error kept for the error message.
const STDERR_KEEP: usize = 4096;
/// How long the error line waits for the last of ssh's standard error.
const SAID_WAIT: Duration = Duration::from_secs(1);

/// An opened stream, ready for its reader thread.
pub struct Stream {
    name: String,
    src: Box<dyn Read + Send>,
    fd: RawFd,
    ssh: Option<(Remote, Child, Receiver<String>)>,
}

impl Stream {
    /// Opens the source: errors a user must see before anything starts
    /// (a missing FIFO, no ssh client).
    pub fn open(from: &StreamFrom, filter: Option<&str>, snaplen: u32) -> Result<Stream, LiveError> {
        let open_err = |name: &str, e: std::io::Error| LiveError::Open { iface: name.to_string(), reason: io_reason(&e) };
        match from {
            StreamFrom::Stdin => {
                // Not `Stdin`: its own buffer would hold bytes that poll(2)
                // no longer sees.
                let fd = std::io::stdin().as_fd().try_clone_to_owned().map_err(|e| open_err("-", e))?;
                let file = std::fs::File::from(fd);
                Ok(Stream { name: "-".into(), fd: file.as_raw_fd(), src: Box::new(file), ssh: None })
            }
            StreamFrom::Path(path) => {
                let name = path.display().to_string();
                let file = open_nonblocking(path).map_err(|e| open_err(&name, e))?;
                Ok(Stream { name, fd: file.as_raw_fd(), src: Box::new(file), ssh: None })
            }
            StreamFrom::Ssh(remote) => {
                let mut child = remote.spawn(filter, snaplen)?;
                let (Some(out), Some(mut err)) = (child.stdout.take(), child.stderr.take()) else {
                    let _ = child.kill();
                    return Err(LiveError::Open { iface: remote.to_string(), reason: "ssh gave no output pipes".into() });
                };
                let (keep, said) = channel();
                // The remote side's messages, kept for the error line and
                // sent when ssh closes its standard error; read on a thread
                // so a chatty stderr never blocks ssh.
                std::thread::spawn(move || {
                    let mut s = String::new();
                    let mut buf = [0u8; 1024];
                    while let Ok(n @ 1..) = err.read(&mut buf) {
                        s.push_str(&String::from_utf8_lossy(&buf[..n]));
                        if s.len() > STDERR_KEEP {
                            let cut = s.len() - STDERR_KEEP;
                            let cut = (cut..s.len()).find(|&i| s.is_char_boundary(i)).unwrap_or(s.len());
                            s.drain(..cut);
                        }
                    }
                    let _ = keep.send(s);
                });
                Ok(Stream { name: remote.to_string(), fd: out.as_raw_fd(), src: Box::new(out), ssh: Some((remote.clone(), child, said)) })
            }
        }
    }

    /// The reader thread's loop: until the stream ends, `stop`, or `count`
    /// packets.
    pub fn run(mut self, count: Option<u64>, stop: Arc<AtomicBool>, to: Sender<Batch>) -> LiveStats {
        let src = StoppableRead::new(std::mem::replace(&mut self.src, Box::new(std::io::empty())), self.fd, stop.clone());
        let mut captured = 0u64;
        let mut error = None;
        // Whether the stream itself ended (its end or its error), rather
        // than the user, `count` or a closed consumer ending the capture.
        let mut ended = true;
        match Reader::new(maybe_gunzip(src)) {
            Err(e) => error = Some(e),
            Ok(mut reader) => {
                let mut gather = Gather::default();
                let mut known = reader.interfaces().len();
                let mut open = to.send(Batch::Interfaces(reader.interfaces().to_vec(), reader.is_pcapng())).is_ok();
                ended = false;
                while open && !stop.load(Ordering::Relaxed) && count.is_none_or(|c| captured < c) {
                    match reader.next_packet_full() {
                        Ok(Some(p)) => {
                            captured += 1;
                            gather.push(p.rec, p.data, p.comments);
                        }
                        Ok(None) => ended = true,
                        Err(e) => {
                            error = Some(e);
                            ended = true;
                        }
                    }
                    if ended {
                        break;
                    }
                    if reader.interfaces().len() != known {
                        known = reader.interfaces().len();
                        open = to.send(Batch::Interfaces(reader.interfaces().to_vec(), reader.is_pcapng())).is_ok();
                    }
                    // Hand on whenever the next packet needs another read,
                    // which may wait: a packet is shown as soon as it came.
                    if gather.is_full() || reader.buffered() == 0 {
                        open = open && gather.hand_on(&to);
                    }
                }
                gather.hand_on(&to);
            }
        }
        let ours = !ended || stop.load(Ordering::Relaxed);
        if let Some(msg) = self.finish(error, ours) {
            let _ = to.send(Batch::Error(msg));
        }
        let last = LiveStats { captured, received: captured, ..LiveStats::default() };
        let _ = to.send(Batch::Stats(last));
        last
    }

    /// Ends ssh (killed when we `stopped` reading, else waited for) and
    /// says what went wrong, if anything did.
    fn finish(&mut self, error: Option<CaptureError>, stopped: bool) -> Option<String> {
        let Some((remote, child, said)) = &mut self.ssh else {
            return error.filter(|_| !stopped).map(|e| format!("{}: {e}", self.name));
        };
        if stopped {
            let _ = child.kill();
            let _ = child.wait();
            return None;
        }
        let status = child.wait().ok().and_then(|s| s.code());
        // ssh has exited, so its standard error is closing; a process it
        // left behind holding it open (a control master) gets a second.
        let said = said.recv_timeout(SAID_WAIT).unwrap_or_default();
        match (error, status) {
            (None, Some(0)) => None,
            (e, st) if st != Some(0) || matches!(e, Some(CaptureError::Empty | CaptureError::NotCapture)) => {
                Some(format!("{}: {}", self.name, remote.failure(st, &said)))
            }
            (e, _) => e.map(|e| format!("{}: {e}", self.name)),
        }
    }
}

/// The stream itself, or its decompression when it starts with gzip's
/// magic (`zcat`-able captures, as tshark reads them). Waiting for the
/// first bytes happens here, on the reader thread.
fn maybe_gunzip<R: Read + Send + 'static>(src: R) -> Box<dyn Read + Send> {
    use std::io::BufRead;
    let mut b = std::io::BufReader::with_capacity(1 << 16, src);
    let gz = b.fill_buf().map(|head| head.starts_with(&crate::capture::GZIP_MAGIC)).unwrap_or(false);
    if gz {
        Box::new(flate2::read::MultiGzDecoder::new(b))
    } else {
        Box::new(b)
    }
}

/// Opens `path` for reading without waiting: a FIFO's plain open blocks
/// until a writer opens it, and the inspector must draw (and quit) before
/// that. The descriptor is made blocking again at once; reads still wait
/// in poll(2) first (`StoppableRead`), and on Linux a FIFO that never had
/// a writer does not poll readable, so its end is not mistaken for EOF.
fn open_nonblocking(path: &std::path::Path) -> std::io::Result<std::fs::File> {
    use std::os::unix::fs::OpenOptionsExt;
    let file = std::fs::OpenOptions::new().read(true).custom_flags(libc::O_NONBLOCK).open(path)?;
    let fd = file.as_raw_fd();
    // SAFETY: fcntl on a descriptor `file` owns; only the flags change.
    let flags = unsafe { libc::fcntl(fd, libc::F_GETFL) };
    if flags < 0 || unsafe { libc::fcntl(fd, libc::F_SETFL, flags & !libc::O_NONBLOCK) } < 0 {
        return Err(std::io::Error::last_os_error());
    }
    Ok(file)
}

impl Drop for Stream {
    fn drop(&mut self) {
        if let Some((_, child, _)) = &mut self.ssh {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}
