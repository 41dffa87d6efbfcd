//! The `-w` output of a live capture: one file, or a ring buffer of files
//! switched by size, time or packet count (`-b`), and the autostop
//! conditions (`-a`) that end the capture, with tshark's and dumpcap's
//! meanings: sizes in kB of 1000 bytes, ring files named
//! `PREFIX_NNNNN_YYYYmmddHHMMSS.EXT` in local time, `files:N` keeping the
//! newest N.

use std::collections::VecDeque;
use std::fs::File;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use crate::capture::pcap_writer::PcapWriter;
use crate::capture::pcapng_writer::PcapngWriter;
use crate::capture::{is_pcapng_name, Interface, Record};

/// Limits on one file (`-b`) or on the whole capture (`-a`); each unset
/// limit is no limit.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Limits {
    pub duration: Option<Duration>,
    /// Bytes (the options say kB; 1 kB = 1000 bytes).
    pub filesize: Option<u64>,
    pub packets: Option<u64>,
    /// `-b files:N`: keep the newest N files; `-a files:N`: stop after N.
    pub files: Option<u64>,
}

impl Limits {
    /// Parses one `-a`/`-b` word, `KEY:VALUE`, into these limits.
    pub fn set(&mut self, word: &str) -> Result<(), String> {
        let (key, value) = word.split_once(':').ok_or_else(|| format!("{word:?} is not KEY:VALUE"))?;
        let n: u64 = value.parse().ok().filter(|&n| n > 0).ok_or_else(|| format!("{word:?}: {value:?} is not a positive number"))?;
        match key {
            "duration" => self.duration = Some(Duration::from_secs(n)),
            "filesize" => self.filesize = Some(n.saturating_mul(1000)),
            "packets" => self.packets = Some(n),
            "files" => self.files = Some(n),
            _ => return Err(format!("{word:?}: unknown condition {key:?} (duration, filesize, packets or files)")),
        }
        Ok(())
    }

    pub fn is_empty(&self) -> bool {
        *self == Limits::default()
    }
}

/// One file being written, in the format its name asks for.
enum Writer {
    Pcap(PcapWriter),
    Pcapng(PcapngWriter),
}

impl Writer {
    fn start(file: File, path: &Path, interfaces: &[Interface], nanos: bool) -> std::io::Result<Writer> {
        Ok(if is_pcapng_name(path) {
            Writer::Pcapng(PcapngWriter::new(file, interfaces)?)
        } else {
            let first = interfaces.first().ok_or_else(|| std::io::Error::other("no interface"))?;
            Writer::Pcap(PcapWriter::new(file, first.linktype, first.snaplen, nanos)?)
        })
    }

    fn stage(&mut self, r: &Record, data: &[u8]) -> std::io::Result<u64> {
        match self {
            Writer::Pcap(w) => Ok(w.stage(r.ts, r.origlen, data)),
            Writer::Pcapng(w) => w.stage(r.iface, r.ts, r.origlen, data),
        }
    }

    fn flush(&mut self) -> std::io::Result<()> {
        match self {
            Writer::Pcap(w) => w.flush(),
            Writer::Pcapng(w) => w.flush(),
        }
    }
}

/// The `-w` file or file set.
pub struct Output {
    path: PathBuf,
    nanos: bool,
    ring: Option<Limits>,
    stop: Limits,
    /// The file created at start (so a bad path fails at once); its header
    /// waits for the first interface, which a stream says only with its
    /// first bytes.
    pending: Option<(File, PathBuf)>,
    current: Option<Writer>,
    interfaces: Vec<Interface>,
    /// Files of the ring still on disk, oldest first.
    files: VecDeque<PathBuf>,
    /// Files started so far (the ring's number).
    started: u64,
    file_bytes: u64,
    file_packets: u64,
    file_since: Instant,
    total_packets: u64,
    since: Instant,
}

/// Whether the capture must stop after this write.
#[derive(Debug, PartialEq, Eq)]
pub enum After {
    Go,
    Stop,
}

impl Output {
    /// Creates the first file: `path` itself, or the first of a ring.
    pub fn create(path: &Path, nanos: bool, ring: Option<Limits>, stop: Limits) -> std::io::Result<Output> {
        let mut out = Output {
            path: path.to_path_buf(),
            nanos,
            ring: ring.filter(|r| !r.is_empty()),
            stop,
            pending: None,
            current: None,
            interfaces: Vec::new(),
            files: VecDeque::new(),
            started: 0,
            file_bytes: 0,
            file_packets: 0,
            file_since: Instant::now(),
            total_packets: 0,
            since: Instant::now(),
        };
        let first = out.next_name();
        out.pending = Some((File::create(&first)?, first));
        Ok(out)
    }

    /// The next file's name: `path`, or in a ring PREFIX_NNNNN_TIME.EXT.
    fn next_name(&mut self) -> PathBuf {
        self.started += 1;
        if self.ring.is_none() {
            return self.path.clone();
        }
        ring_name(&self.path, self.started, &local_time_stamp())
    }

    /// The interfaces the packets name; the first call writes the header.
    pub fn interfaces(&mut self, list: &[Interface]) -> std::io::Result<()> {
        self.interfaces = list.to_vec();
        if let Some((file, path)) = self.pending.take() {
            self.current = Some(Writer::start(file, &path, list, self.nanos)?);
            self.opened(path);
        }
        Ok(())
    }

    fn opened(&mut self, path: PathBuf) {
        self.files.push_back(path);
        self.file_bytes = 0;
        self.file_packets = 0;
        self.file_since = Instant::now();
        // The ring keeps the newest `files`.
        if let Some(keep) = self.ring.and_then(|r| r.files) {
            while self.files.len() as u64 > keep {
                if let Some(old) = self.files.pop_front() {
                    let _ = std::fs::remove_file(old);
                }
            }
        }
    }

    /// Writes a batch (in one `write(2)` per file) and returns where each
    /// packet's bytes are in the file it went to, and whether an autostop
    /// condition was met: packets past it are not written.
    pub fn write(&mut self, records: &[Record], data: &[u8]) -> std::io::Result<(Vec<u64>, After)> {
        let mut at = Vec::with_capacity(records.len());
        for r in records {
            if self.stop_reached() {
                self.flush()?;
                return Ok((at, After::Stop));
            }
            if self.ring_full() {
                self.switch()?;
                if self.current.is_none() {
                    return Ok((at, After::Stop));
                }
            }
            let Some(w) = &mut self.current else { return Err(std::io::Error::other("a packet before its interface")) };
            let bytes = super::delivery::bytes(r, data);
            at.push(w.stage(r, bytes)?);
            let size = 16 + bytes.len() as u64;
            self.file_bytes += size;
            self.file_packets += 1;
            self.total_packets += 1;
        }
        self.flush()?;
        Ok((at, if self.stop_reached() { After::Stop } else { After::Go }))
    }

    /// Checks the time limits when no packet comes: a ring file switches
    /// and `duration` stops the capture on a quiet link too.
    pub fn tick(&mut self) -> std::io::Result<After> {
        if self.stop_reached() {
            return Ok(After::Stop);
        }
        if self.current.is_some() && self.ring.and_then(|r| r.duration).is_some_and(|d| self.file_since.elapsed() >= d) {
            self.switch()?;
        }
        Ok(After::Go)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.current.as_mut().map_or(Ok(()), Writer::flush)
    }

    fn ring_full(&self) -> bool {
        let Some(ring) = self.ring else { return false };
        ring.filesize.is_some_and(|max| self.file_bytes >= max)
            || ring.packets.is_some_and(|max| self.file_packets >= max)
            || ring.duration.is_some_and(|d| self.file_since.elapsed() >= d)
    }

    fn stop_reached(&self) -> bool {
        let s = &self.stop;
        let whole_file = self.ring.is_none() && s.filesize.is_some_and(|max| self.file_bytes >= max);
        // With a ring, files:N stops once N files are full.
        let files = s.files.is_some_and(|n| self.ring.is_some() && self.started > n);
        whole_file
            || files
            || s.packets.is_some_and(|max| self.total_packets >= max)
            || s.duration.is_some_and(|d| self.since.elapsed() >= d)
    }

    /// Closes the current file and starts the next of the ring.
    fn switch(&mut self) -> std::io::Result<()> {
        self.flush()?;
        let path = self.next_name();
        if self.stop_reached() {
            // `-a files:N` reached: no file N+1.
            self.current = None;
            return Ok(());
        }
        let file = File::create(&path)?;
        self.current = Some(Writer::start(file, &path, &self.interfaces, self.nanos)?);
        self.opened(path);
        Ok(())
    }
}

/// dumpcap's ring file name: `out.pcapng` → `out_00001_20261205080013.pcapng`.
pub fn ring_name(base: &Path, n: u64, stamp: &str) -> PathBuf {
    let name = base.file_name().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default();
    let (stem, ext) = match name.rsplit_once('.') {
        Some((s, e)) if !s.is_empty() => (s.to_string(), format!(".{e}")),
        _ => (name.clone(), String::new()),
    };
    base.with_file_name(format!("{stem}_{n:05}_{stamp}{ext}"))
}

/// The local time as YYYYmmddHHMMSS.
fn local_time_stamp() -> String {
    let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_secs()) as libc::time_t;
    // SAFETY: localtime_r writes into the zeroed `tm` we own; `now` is a
    // valid time_t.
    let mut tm: libc::tm = unsafe { std::mem::zeroed() };
    unsafe { libc::localtime_r(&now, &mut tm) };
    format!("{:04}{:02}{:02}{:02}{:02}{:02}", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::field::Timestamp;

    #[test]
    fn limits_parse_as_tshark_words_them() {
        let mut l = Limits::default();
        l.set("duration:5").unwrap();
        l.set("filesize:10").unwrap();
        l.set("packets:7").unwrap();
        l.set("files:3").unwrap();
        assert_eq!(l, Limits { duration: Some(Duration::from_secs(5)), filesize: Some(10_000), packets: Some(7), files: Some(3) });
        for bad in ["duration", "duration:", "duration:x", "size:3", "packets:0", "packets:-1"] {
            assert!(Limits::default().set(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn ring_files_are_named_as_dumpcap_names_them() {
        assert_eq!(ring_name(Path::new("/tmp/out.pcapng"), 1, "20261205080013"), Path::new("/tmp/out_00001_20261205080013.pcapng"));
        assert_eq!(ring_name(Path::new("cap"), 12, "20261205080013"), Path::new("cap_00012_20261205080013"));
        assert_eq!(local_time_stamp().len(), 14);
    }

    fn packets(n: usize, size: usize) -> (Vec<Record>, Vec<u8>) {
        let recs = (0..n)
            .map(|i| Record { offset: (i * size) as u64, caplen: size as u32, origlen: size as u32, ts: Timestamp { secs: 1, nanos: 0 }, iface: 0, section_iface: 0, no_ts: false, custom: None })
            .collect();
        (recs, vec![0u8; n * size])
    }

    fn iface() -> Interface {
        Interface { linktype: 1, snaplen: 65535, ticks_per_sec: 1_000_000_000, ts_digits: 9, name: Some("lo"), description: None, section: 0 }
    }

    fn count_packets(path: &Path) -> usize {
        let mut r = crate::capture::Reader::new(File::open(path).unwrap()).unwrap();
        let mut n = 0;
        while r.next_packet().unwrap().is_some() {
            n += 1;
        }
        n
    }

    #[test]
    fn a_ring_keeps_the_newest_files_each_valid() {
        let dir = tempfile::tempdir().unwrap();
        let ring = Limits { packets: Some(10), files: Some(3), ..Limits::default() };
        let mut out = Output::create(&dir.path().join("r.pcap"), true, Some(ring), Limits::default()).unwrap();
        out.interfaces(&[iface()]).unwrap();
        let (recs, data) = packets(45, 60);
        assert_eq!(out.write(&recs, &data).unwrap().1, After::Go);
        let mut names: Vec<PathBuf> = std::fs::read_dir(dir.path()).unwrap().map(|e| e.unwrap().path()).collect();
        names.sort();
        assert_eq!(names.len(), 3, "{names:?}");
        let counts: Vec<usize> = names.iter().map(|p| count_packets(p)).collect();
        assert_eq!(counts, [10, 10, 5]);
        assert!(names[0].to_string_lossy().contains("r_00003_"), "{names:?}");
    }

    #[test]
    fn autostop_by_packets_and_by_size() {
        let dir = tempfile::tempdir().unwrap();
        let stop = Limits { packets: Some(7), ..Limits::default() };
        let mut out = Output::create(&dir.path().join("p.pcapng"), true, None, stop).unwrap();
        out.interfaces(&[iface()]).unwrap();
        let (recs, data) = packets(10, 60);
        let (at, after) = out.write(&recs, &data).unwrap();
        assert_eq!((at.len(), after), (7, After::Stop));
        assert_eq!(count_packets(&dir.path().join("p.pcapng")), 7);

        // filesize:1 = 1000 bytes: packets of 76 bytes with their headers;
        // the one that crosses the limit is still written, as dumpcap does.
        let stop = Limits { filesize: Some(1000), ..Limits::default() };
        let mut out = Output::create(&dir.path().join("s.pcap"), true, None, stop).unwrap();
        out.interfaces(&[iface()]).unwrap();
        let (at, after) = out.write(&recs, &data).unwrap();
        assert_eq!((at.len(), after), (10, After::Go));
        let (recs, data) = packets(10, 60);
        let (at, after) = out.write(&recs, &data).unwrap();
        assert_eq!((at.len(), after), (4, After::Stop));
    }

    #[test]
    fn autostop_files_ends_a_ring() {
        let dir = tempfile::tempdir().unwrap();
        let ring = Limits { packets: Some(5), ..Limits::default() };
        let stop = Limits { files: Some(2), ..Limits::default() };
        let mut out = Output::create(&dir.path().join("f.pcap"), true, Some(ring), stop).unwrap();
        out.interfaces(&[iface()]).unwrap();
        let (recs, data) = packets(20, 60);
        let (at, after) = out.write(&recs, &data).unwrap();
        assert_eq!((at.len(), after), (10, After::Stop));
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 2);
    }
}
