//! `-r IN [-Y F] [-c N] -w OUT`: the packets read (those the display filter
//! keeps) written to a new file, pcap or pcapng, as `tshark -w` does.

use std::path::{Path, PathBuf};

use crate::capture::{io_reason, Interface, PcapWriter, PcapngWriter, Record};

/// `-F`: the file format written, by tshark's names.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SaveFormat {
    /// pcap with microsecond timestamps (tshark's `pcap`).
    Pcap,
    /// pcap with nanosecond timestamps (`nsecpcap`).
    NsecPcap,
    /// pcapng: every interface and packet comment kept.
    Pcapng,
}

impl SaveFormat {
    /// tshark's name for a format (`-F NAME`).
    pub fn by_name(name: &str) -> Option<SaveFormat> {
        match name {
            "pcap" | "libpcap" => Some(SaveFormat::Pcap),
            "nsecpcap" => Some(SaveFormat::NsecPcap),
            "pcapng" => Some(SaveFormat::Pcapng),
            _ => None,
        }
    }
}

/// Where `-w` writes, and in which format (`None`: by the name, pcapng for
/// `.pcapng`, else pcap in the resolution of the source's first interface).
#[derive(Clone, Debug)]
pub struct SaveTo {
    pub path: PathBuf,
    pub format: Option<SaveFormat>,
}

/// The file being written. A pcap file is created at its first packet,
/// whose interface gives the file's link type; a pcapng file describes the
/// source's interfaces as they appear, so packets keep their interface ids.
pub struct Saver {
    path: PathBuf,
    format: Option<SaveFormat>,
    out: Option<Out>,
}

enum Out {
    Pcap { w: PcapWriter, linktype: u32 },
    Pcapng(PcapngWriter),
}

impl Saver {
    pub fn new(to: &SaveTo) -> Saver {
        let pcapng = crate::capture::is_pcapng_name(&to.path);
        let format = to.format.or(pcapng.then_some(SaveFormat::Pcapng));
        Saver { path: to.path.clone(), format, out: None }
    }

    /// Writes packet `number` (1-based, for errors), captured on
    /// `ifaces[rec.iface]` (the reader's interfaces so far).
    pub fn write(&mut self, number: u32, rec: &Record, ifaces: &[Interface], data: &[u8], comments: &[String]) -> anyhow::Result<()> {
        // A pcapng custom block is a frame but no packet: not written.
        if rec.custom.is_some() {
            return Ok(());
        }
        let iface = ifaces.get(rec.iface as usize).ok_or_else(|| anyhow::anyhow!("packet {number}: no interface"))?;
        if self.out.is_none() {
            self.out = Some(self.create(ifaces, iface)?);
        }
        let cannot = |e: std::io::Error| anyhow::anyhow!("{}: cannot write: {}", self.path.display(), io_reason(&e));
        match self.out.as_mut() {
            Some(Out::Pcap { w, linktype }) => {
                if iface.linktype != *linktype {
                    anyhow::bail!(
                        "{}: packet {number} has link type {}, the file's first packet {}: a pcap file holds one (use -F pcapng)",
                        self.path.display(),
                        iface.linktype,
                        linktype
                    );
                }
                w.write(rec.ts, rec.origlen, data).map_err(cannot)?;
            }
            Some(Out::Pcapng(w)) => {
                for i in ifaces.iter().skip(w.interfaces()) {
                    w.add_interface(i).map_err(cannot)?;
                }
                w.write_commented(rec.iface, rec.ts, rec.origlen, data, comments).map_err(cannot)?;
            }
            None => {}
        }
        Ok(())
    }

    /// Writes out what is staged; a run that wrote no packet still leaves a
    /// valid, empty file (on the source's first interface, if it has one).
    pub fn finish(mut self, ifaces: &[Interface]) -> anyhow::Result<()> {
        let default = Interface { linktype: 1, snaplen: 262_144, ticks_per_sec: 1_000_000, ts_digits: 6, name: None, description: None, section: 0 };
        let out = match self.out.take() {
            Some(out) => out,
            None => self.create(ifaces, ifaces.first().unwrap_or(&default))?,
        };
        let done = match out {
            Out::Pcap { mut w, .. } => w.flush(),
            Out::Pcapng(mut w) => {
                for i in ifaces.iter().skip(w.interfaces()) {
                    w.add_interface(i).map_err(|e| self.cannot(e))?;
                }
                w.finish()
            }
        };
        done.map_err(|e| self.cannot(e))
    }

    fn cannot(&self, e: std::io::Error) -> anyhow::Error {
        anyhow::anyhow!("{}: cannot write: {}", self.path.display(), io_reason(&e))
    }

    fn create(&self, ifaces: &[Interface], first: &Interface) -> anyhow::Result<Out> {
        let path: &Path = &self.path;
        let nanos = match self.format {
            Some(SaveFormat::Pcapng) => {
                let mut w = PcapngWriter::create(path, &[]).map_err(|e| self.cannot(e))?;
                for i in ifaces {
                    w.add_interface(i).map_err(|e| self.cannot(e))?;
                }
                return Ok(Out::Pcapng(w));
            }
            Some(SaveFormat::Pcap) => false,
            Some(SaveFormat::NsecPcap) => true,
            None => first.ts_digits > 6,
        };
        let w = PcapWriter::create(path, first.linktype, first.snaplen.max(1), nanos).map_err(|e| self.cannot(e))?;
        Ok(Out::Pcap { w, linktype: first.linktype })
    }
}
