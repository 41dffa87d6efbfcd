//! The headless path: read a capture in one pass (a file, or a live
//! interface), dissect, print in tshark's formats. Used by `-P`, `-T fields`,
//! `-V`, `-x` and whenever standard output is not a terminal.

mod numbering;
mod parallel;
mod route;
mod save;

pub use parallel::THREADS_VAR;
pub use save::{SaveFormat, SaveTo};

use std::io::Write;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{Receiver, RecvTimeoutError};
use std::time::Duration;

use anyhow::anyhow;

use crate::capture::{self, Interface, LiveCapture, LiveEvent, LiveStats, PacketStore, Record};
use crate::dissect::{dissect_frame, Arrivals, Depth, Dissection, FrameMeta, Pass};
use crate::field::{Field, FieldType};
use crate::filter::Filter;
use crate::outcome::Outcome;
use crate::output::json::{self, JsonOptions};
use crate::output::{ek, pdml, psml};
use crate::output::timefmt::{time_column, TimeFormat};
use crate::output::{hexdump, summary_columns, summary_line_timed, verbose_tree, FieldList, Row};
use crate::field::Timestamp;
use crate::dissect::session::Session;
use crate::output::export_objects::{ExportTo, Exporter};
use crate::stats::Stats;
use save::Saver;
use crate::field::tree::Recording;
use crate::field::plural;

pub enum Format {
    Summary,
    /// `-T tabs`: the summary with its columns parted by tabs.
    Tabs,
    /// `-x` alone: each packet's hex dump and nothing else, as tshark.
    Hex,
    Fields(FieldList),
    /// `-T json`: an array of documents, one per packet.
    Json(JsonOptions),
    /// `-T pdml`: the tree as XML; the capture's name heads the document.
    Pdml { file: String },
    /// `-T psml`: the summary columns as XML.
    Psml,
    /// `-T ek`: Elasticsearch bulk lines.
    Ek,
}

impl Format {
    /// What the output starts with, before any packet (the structured
    /// formats' opening).
    pub fn preamble(&self, out: &mut impl Write) -> std::io::Result<()> {
        let mut s = String::new();
        match self {
            Format::Json(_) => json::preamble(&mut s),
            Format::Pdml { file } => pdml::preamble(file, &mut s),
            Format::Psml => psml::preamble(&mut s),
            Format::Fields(fl) => fl.preamble(&mut s),
            Format::Summary | Format::Tabs | Format::Hex | Format::Ek => {}
        }
        out.write_all(s.as_bytes())
    }

    /// What closes the output after the last packet (`any`: whether a
    /// packet was printed).
    pub fn finale(&self, any: bool, out: &mut impl Write) -> std::io::Result<()> {
        let mut s = String::new();
        match self {
            Format::Json(_) => json::finale(any, &mut s),
            Format::Pdml { .. } => pdml::finale(&mut s),
            Format::Psml => psml::finale(&mut s),
            Format::Summary | Format::Tabs | Format::Hex | Format::Fields(_) | Format::Ek => {}
        }
        out.write_all(s.as_bytes())
    }

    /// The fields the output prints, when it names them (`-e`).
    fn fields(&self) -> Option<&FieldList> {
        match self {
            Format::Summary | Format::Tabs | Format::Hex | Format::Pdml { .. } | Format::Psml | Format::Ek => None,
            Format::Fields(fl) => Some(fl),
            Format::Json(o) => o.fields.as_ref(),
        }
    }
}

pub struct Options {
    pub path: String,
    pub format: Format,
    pub verbose: bool,
    pub hex: bool,
    pub count: Option<u64>,
    /// `-Y`: every packet is dissected (later packets depend on the state it
    /// builds) but only matching ones are printed.
    pub filter: Option<Filter>,
    /// `-z` statistics, drawn after the packets.
    pub stats: Vec<String>,
    /// `--export-objects`: where the objects found are written.
    pub export: Vec<ExportTo>,
    /// `-q`: no per-packet output.
    pub quiet: bool,
    /// `-2`: print after a first pass over the whole capture, as the
    /// inspector shows packets (a request knows its response).
    pub two_pass: bool,
    /// `-w`: the packets shown are written to this file (and printed only
    /// with `-P`).
    pub save: Option<SaveTo>,
    /// `-t`, `-u`: the summary's time column.
    pub time: TimeFormat,
    pub hms: bool,
    /// `-O`: the protocols whose trees `-V` expands (all when None).
    pub expand: Option<Vec<String>>,
    /// `-l`: flush the output after each packet.
    pub flush_each: bool,
}

/// Dissects and prints packets one at a time, carrying what a run keeps from
/// packet to packet (numbering, first and previous timestamps, sessions), so
/// a file and a live interface print alike.
pub struct Printer<'f> {
    format: &'f Format,
    verbose: bool,
    hex: bool,
    filter: Option<&'f Filter>,
    arrivals: Arrivals,
    session: Session,
    d: Dissection,
    line: String,
    stats: Stats,
    quiet: bool,
    /// `--export-objects`: the objects collected, written by `finish`.
    export: Option<Exporter>,
    /// How deep every packet is dissected (`depth_for`).
    depth: Depth,
    /// When the filter reads brief fields only and nothing else reads the
    /// tree: a tree for the items of those fields, which the dissection
    /// gathers while it builds the columns only.
    brief: Option<Dissection>,
    /// Packets printed so far (the structured formats separate them).
    printed: u64,
    /// `-t`, `-u`: the time column of the summary and PSML.
    time: TimeFormat,
    hms: bool,
    /// The time of the last packet printed, for `-t dd`.
    prev_displayed: Option<Timestamp>,
    /// `-O`: the protocols whose subtrees the tree shows.
    expand: Option<&'f [String]>,
    /// `-o gui.column.format`: the summary's columns (None: the default).
    columns: Option<Vec<crate::prefs::Column>>,
    /// Every JSON document is printed with the comma that parts it from
    /// the one before: a worker's reading thread drops the first one's.
    comma_always: bool,
}

impl<'f> Printer<'f> {
    pub fn new(format: &'f Format, verbose: bool, hex: bool, filter: Option<&'f Filter>, pcapng: bool) -> Printer<'f> {
        let mut session = Session::new();
        // One pass: no frame is dissected twice and no stream is viewed.
        session.keep_frames(false);
        Printer {
            format,
            verbose,
            hex,
            filter,
            arrivals: Arrivals::new(pcapng),
            session,
            d: Dissection::default(),
            line: String::with_capacity(512),
            stats: Stats::default(),
            quiet: false,
            export: None,
            depth: depth_for(format, verbose, filter, false),
            brief: None,
            printed: 0,
            time: TimeFormat::Relative,
            hms: false,
            prev_displayed: None,
            expand: None,
            columns: crate::prefs::get().columns,
            comma_always: false,
        }
        .brief_filtering()
    }

    /// Turns on brief filtering (see `brief`) when it applies: the output
    /// is the summary line, or field values that brief items hold. Else,
    /// when the filter and the output read only their fields' items, the
    /// tree keeps those alone (`Depth::Recorded`).
    fn brief_filtering(mut self) -> Printer<'f> {
        let mut fields = self.filter.and_then(Filter::brief_fields).map(<[Field]>::to_vec);
        let output_ok = match self.format {
            Format::Summary | Format::Tabs | Format::Hex | Format::Psml => true,
            Format::Fields(fl) => fl.fields().iter().all(|f| f.brief && f.ftype != FieldType::Protocol),
            Format::Json(_) | Format::Pdml { .. } | Format::Ek => false,
        };
        if let (Format::Fields(fl), Some(fields)) = (self.format, fields.as_mut()) {
            fields.extend(fl.fields().iter().copied());
        }
        let simple = output_ok && !self.verbose && !self.hex && self.stats.is_empty() && self.export.is_none();
        self.brief = None;
        self.d.tree.record(Recording::Nothing);
        match fields.filter(|_| simple) {
            Some(fields) => {
                self.brief = Some(Dissection::default());
                self.depth = Depth::Columns;
                self.d.tree.record(Recording::Only(fields));
            }
            // Only where a tree would be built for the filter or the fields.
            None if matches!(self.depth, Depth::Transport | Depth::Fields) => {
                if let Some(fields) = self.node_fields().filter(|_| !self.verbose && self.stats.is_empty() && self.export.is_none()) {
                    self.depth = Depth::recorded_to_read(fields.iter().map(|f| f.protocol()));
                    self.d.tree.record(Recording::Nodes(crate::dissect::recorded_fields(&fields)));
                }
            }
            None => {}
        }
        self
    }

    /// The fields whose items are all that the filter and the output read
    /// of a tree, when that is so.
    fn node_fields(&self) -> Option<Vec<Field>> {
        let mut fields = match self.filter {
            Some(f) => f.node_fields()?.to_vec(),
            None => Vec::new(),
        };
        match self.format {
            Format::Summary | Format::Tabs | Format::Hex | Format::Psml => {}
            Format::Fields(fl) => fields.extend(fl.fields().iter().copied()),
            Format::Json(_) | Format::Pdml { .. } | Format::Ek => return None,
        }
        Some(fields)
    }

    /// Shows the time column as `-t` and `-u` say.
    pub fn with_time(mut self, time: TimeFormat, hms: bool) -> Printer<'f> {
        self.time = time;
        self.hms = hms;
        self
    }

    /// `-O`: the tree expands only these protocols.
    pub fn with_expanded(mut self, expand: Option<&'f [String]>) -> Printer<'f> {
        self.expand = expand;
        self
    }

    /// Feeds every packet to `stats` (drawn by `finish`); `quiet` prints
    /// no packet lines.
    pub fn with_stats(mut self, stats: Stats, quiet: bool) -> Printer<'f> {
        // Following a TCP stream reads the stream table's chunks.
        if !stats.is_empty() {
            self.session.keep_frames(true);
            self.session.tcp.keep_chunks = true;
        }
        self.depth = depth_for(self.format, self.verbose || stats.needs_labels(), self.filter, !stats.is_empty());
        self.stats = stats;
        self.quiet = quiet;
        self.brief_filtering()
    }

    /// What the output starts with, before any packet (the structured
    /// formats' opening).
    pub fn start(&self, out: &mut impl Write) -> std::io::Result<()> {
        self.format.preamble(out)
    }

    /// Collects the objects `--export-objects` asks for (read from each
    /// packet's tree, so the tree is built whole).
    pub fn with_export(mut self, export: &[ExportTo]) -> Printer<'f> {
        if export.is_empty() {
            return self;
        }
        self.export = Some(Exporter::new(export.to_vec()));
        self.depth = Depth::Tree;
        self.brief_filtering()
    }

    /// Closes the output once the packets are done, then draws the
    /// statistics.
    pub fn finish(&self, out: &mut impl Write) -> std::io::Result<()> {
        self.format.finale(self.printed > 0, out)?;
        let mut s = String::new();
        self.stats.draw(&self.session, &mut s);
        out.write_all(s.as_bytes())?;
        out.flush()
    }

    /// Writes the objects `--export-objects` collected.
    pub fn write_objects(&self) -> anyhow::Result<()> {
        self.export.as_ref().map_or(Ok(()), Exporter::finish)
    }

    /// Packets dissected so far (printed or not).
    pub fn count(&self) -> u32 {
        self.arrivals.count()
    }

    /// Dissects the next packet (with the file's `comments` on it) and
    /// writes its text to `out` unless the display filter rejects it;
    /// returns whether it did not.
    pub fn packet(
        &mut self,
        rec: &Record,
        iface: &Interface,
        data: &[u8],
        comments: &[String],
        out: &mut impl Write,
    ) -> std::io::Result<bool> {
        let mut meta = self.arrivals.next(rec, iface);
        if self.filter.is_some() {
            meta.prev_shown = Some(self.prev_displayed.unwrap_or(meta.ts));
        }
        self.d.comments.clear();
        self.d.comments.extend_from_slice(comments);
        self.show(&meta, data, Pass::First, out)
    }

    /// `-2`: a first pass over every packet of `store` builds the session
    /// state, then a second dissects and prints each as the inspector does.
    pub fn two_pass(&mut self, store: &PacketStore, out: &mut impl Write) -> anyhow::Result<()> {
        self.session.keep_frames(true);
        let mut bytes = Vec::new();
        let mut first = Dissection::default();
        for pass in [Pass::First, Pass::Revisit] {
            // Each pass numbers the stored packets in order, as they came.
            let mut arrivals = Arrivals::new(store.pcapng);
            for (i, rec) in store.records.iter().enumerate() {
                let iface = rec.interface(&store.interfaces);
                let iface = iface.ok_or_else(|| anyhow!("packet {}: no interface", i + 1))?;
                let meta = arrivals.next(&rec, iface);
                store.read(&rec, &mut bytes).map_err(|e| anyhow!("packet {}: cannot read it again: {e}", i + 1))?;
                self.d.comments.clear();
                self.d.comments.extend_from_slice(store.comments_of(i));
                match pass {
                    Pass::First => dissect_frame(&meta, &bytes, &mut self.session, pass, Depth::Columns, &mut first),
                    Pass::Revisit => {
                        self.show(&meta, &bytes, pass, out)?;
                    }
                }
            }
        }
        Ok(())
    }

    /// Dissects a packet (in `pass`) and writes its text to `out` unless the
    /// display filter rejects it; returns whether it did not.
    fn show(&mut self, meta: &FrameMeta, data: &[u8], pass: Pass, out: &mut impl Write) -> std::io::Result<bool> {
        // The dissection is taken out of the printer while it is read.
        let mut d = std::mem::take(&mut self.d);
        let shown = self.dissect(meta, data, pass, &mut d);
        let printed = if shown && !self.quiet { self.print(meta, &d, data, out) } else { Ok(()) };
        self.d = d;
        printed.map(|()| shown)
    }

    /// Dissects a packet (in `pass`) into `d`, feeds the statistics and the
    /// exported objects; returns whether the display filter shows it.
    fn dissect(&mut self, meta: &FrameMeta, data: &[u8], pass: Pass, d: &mut Dissection) -> bool {
        dissect_frame(meta, data, &mut self.session, pass, self.depth, d);
        self.stats.packet(meta, d, data);
        if let Some(e) = &mut self.export {
            e.packet(meta, d, data);
        }
        match (self.filter, &mut self.brief) {
            (Some(f), Some(items)) => {
                items.clear();
                for (field, v) in d.tree.brief.drain(..) {
                    items.tree.add(field, 0..0, v);
                }
                f.matches(items, &[])
            }
            (Some(f), None) => f.matches(d, data),
            (None, _) => true,
        }
    }

    /// Writes the text of a packet dissected into `d` that the filter shows.
    fn print(&mut self, meta: &FrameMeta, d: &Dissection, data: &[u8], out: &mut impl Write) -> std::io::Result<()> {
        let line = &mut self.line;
        line.clear();
        let time_needed = match self.format {
            Format::Psml => true,
            Format::Fields(fl) => fl.needs_time(),
            _ => false,
        };
        let time = (self.time != TimeFormat::Relative || self.hms || time_needed).then(|| {
            let mut t = String::new();
            let prev_displayed = self.prev_displayed.unwrap_or(meta.ts);
            if !meta.no_ts {
                time_column(self.time, meta.ts, meta.first_ts, meta.prev_ts, prev_displayed, meta.ts_digits, self.hms, &mut t);
            }
            t
        });
        self.prev_displayed = Some(meta.ts);
        match (self.format, &self.brief) {
            (Format::Json(o), _) => json::json_packet(meta, d, data, o, self.printed == 0 && !self.comma_always, line),
            (Format::Pdml { .. }, _) => pdml::pdml_packet(meta, d, data, line),
            (Format::Psml, _) => psml::psml_packet(meta, d, time.as_deref().unwrap_or_default(), line),
            (Format::Ek, _) => ek::ek_packet(meta, d, data, line),
            _ if self.verbose => verbose_tree(d, data, !self.hex, self.expand, line),
            (Format::Summary | Format::Tabs, _) => {
                let sep = if matches!(self.format, Format::Tabs) { '\t' } else { ' ' };
                match &self.columns {
                    Some(cols) => summary_columns(meta, d, time.as_deref(), sep, cols, line),
                    None => summary_line_timed(meta, d, time.as_deref(), sep, line),
                }
                line.push('\n');
            }
            (Format::Hex, _) => {}
            (Format::Fields(fl), brief) => {
                let row = Row { meta, cols: &d.cols, time: time.as_deref().unwrap_or_default() };
                match brief {
                    Some(items) => fl.line(items, &[], &row, line),
                    None => fl.line(d, data, &row, line),
                }
                line.push('\n');
            }
        }
        self.printed += 1;
        if self.hex {
            // A blank line parts the dump from the summary or the tree.
            if !matches!(self.format, Format::Hex) {
                line.push('\n');
            }
            // With more than one source, each dump is headed by its name
            // and size, the frame's first, as tshark does.
            if !d.sources.is_empty() {
                line.push_str(&format!("Frame ({} byte{}):\n", data.len(), plural(data.len())));
            }
            hexdump(data, line);
            for s in &d.sources {
                line.push_str(&format!("{} ({} byte{}):\n", s.name, s.bytes.len(), plural(s.bytes.len())));
                hexdump(&s.bytes, line);
            }
        }
        if self.verbose || self.hex {
            line.push('\n');
        }
        out.write_all(line.as_bytes())
    }
}

#[cfg(test)]
mod tests;

/// How deep packets are dissected: as deep as the output, the filter and
/// the statistics read. Decided once per run, not per packet.
fn depth_for(format: &Format, verbose: bool, filter: Option<&Filter>, stats: bool) -> Depth {
    let mut protocols: Vec<&str> = filter.map(|f| f.protocols()).unwrap_or_default();
    if let Some(fl) = format.fields() {
        protocols.extend(fl.fields().iter().map(|f| f.protocol()));
    }
    // A protocol's value in `-e` is its label, which only documents keep.
    let protocol_asked = format.fields().is_some_and(|fl| fl.fields().iter().any(|f| f.ftype == FieldType::Protocol));
    let document = matches!(format, Format::Json(JsonOptions { fields: None, .. }) | Format::Ek) || protocol_asked;
    if verbose || matches!(format, Format::Pdml { .. }) {
        Depth::Tree
    } else if document {
        Depth::Document
    } else if stats {
        Depth::Fields
    } else if format.fields().is_some() || filter.is_some() {
        Depth::to_read(protocols)
    } else {
        Depth::Columns
    }
}

/// Prints the capture `opts.path` names. It ends in success at its end,
/// or fails on damage after printing every packet before it.
pub fn run(opts: &Options, out: &mut impl Write) -> Outcome {
    Outcome::of(print_file(opts, out))
}

fn print_file(opts: &Options, out: &mut impl Write) -> anyhow::Result<Outcome> {
    let stats = Stats::new(&opts.stats, opts.filter.as_ref()).map_err(anyhow::Error::msg)?;
    if opts.two_pass {
        let mut store = PacketStore::index_file(&opts.path, |_| true)?;
        // Stopping at the count stops before any damage after it.
        if let Some(c) = opts.count.and_then(|c| usize::try_from(c).ok()).filter(|&c| c < store.records.len()) {
            store.records.truncate(c);
            store.error = None;
        }
        let mut printer = Printer::new(&opts.format, opts.verbose, opts.hex, opts.filter.as_ref(), store.pcapng)
            .with_stats(stats, opts.quiet)
            .with_time(opts.time, opts.hms)
            .with_expanded(opts.expand.as_deref())
            .with_export(&opts.export);
        printer.start(out)?;
        printer.two_pass(&store, out)?;
        printer.finish(out)?;
        printer.write_objects()?;
        return Ok(match store.error {
            Some(e) => Outcome::Failure(format!("{}: {e}", opts.path)),
            None => Outcome::Success,
        });
    }
    let mut reader = capture::open_stream(&opts.path)?;
    let workers = parallel::workers(opts);
    if workers > 0 {
        return parallel::run(opts, &mut reader, workers, out);
    }
    let pcapng = reader.is_pcapng();
    let mut printer = Printer::new(&opts.format, opts.verbose, opts.hex, opts.filter.as_ref(), pcapng)
        .with_stats(stats, opts.quiet)
        .with_time(opts.time, opts.hms)
        .with_expanded(opts.expand.as_deref())
        .with_export(&opts.export);
    let mut saver = opts.save.as_ref().map(Saver::new);
    let mut damage = None;
    printer.start(out)?;
    loop {
        if opts.count.is_some_and(|c| printer.count() as u64 >= c) {
            break;
        }
        let p = match reader.next_packet_full() {
            Ok(Some(p)) => p,
            Ok(None) => break,
            Err(e) => {
                damage = Some(format!("{}: {e}", opts.path));
                break;
            }
        };
        let iface = p.rec.interface(p.interfaces).ok_or_else(|| anyhow!("packet {}: no interface", printer.count() + 1))?;
        let shown = printer.packet(&p.rec, iface, p.data, p.comments, out)?;
        if opts.flush_each {
            out.flush()?;
        }
        if let Some(s) = saver.as_mut().filter(|_| shown) {
            s.write(printer.count(), &p.rec, p.interfaces, p.data, p.comments)?;
        }
    }
    if let Some(s) = saver {
        s.finish(reader.interfaces())?;
    }
    printer.finish(out)?;
    out.flush()?;
    printer.write_objects()?;
    Ok(damage.map_or(Outcome::Success, Outcome::Failure))
}

/// How a live run ended: libpcap's final counts, and the error that stopped
/// the capture, if one did.
pub struct LiveEnd {
    pub stats: LiveStats,
    pub error: Option<String>,
}

/// Prints a live capture (started by the caller, which reports errors in
/// opening it) until `stop` is set (Ctrl-C) or the capture ends (its `-c`
/// count, an error). Each packet is printed as it arrives when `printer` is
/// given (`-w` alone prints nothing, as tshark).
pub fn run_live(
    cap: LiveCapture,
    rx: Receiver<LiveEvent>,
    mut printer: Option<Printer>,
    stop: &AtomicBool,
    flush_each: bool,
    out: &mut impl Write,
) -> std::io::Result<LiveEnd> {
    let mut ifaces = vec![cap.interface().clone()];
    let mut end = LiveEnd { stats: LiveStats::default(), error: None };
    if let Some(p) = &printer {
        p.start(out)?;
    }
    loop {
        // Flushing only when nothing is waiting shows each packet as it
        // arrives without a write per packet during a burst.
        let ev = match rx.try_recv() {
            Ok(ev) => ev,
            Err(_) => {
                out.flush()?;
                match rx.recv_timeout(Duration::from_millis(100)) {
                    Ok(ev) => ev,
                    Err(RecvTimeoutError::Timeout) => {
                        if stop.load(Ordering::Relaxed) {
                            cap.request_stop();
                        }
                        continue;
                    }
                    Err(RecvTimeoutError::Disconnected) => break,
                }
            }
        };
        match ev {
            LiveEvent::Packet { record, data, comments, .. } => {
                if let Some(p) = &mut printer {
                    p.packet(&record, ifaces.get(record.iface as usize).unwrap_or(&ifaces[0]), &data, &comments, out)?;
                    if flush_each {
                        out.flush()?;
                    }
                }
            }
            LiveEvent::Stats(_) => {}
            LiveEvent::Interfaces { list, pcapng } => {
                if !list.is_empty() {
                    ifaces = list;
                }
                if let Some(p) = &mut printer {
                    p.arrivals = Arrivals::new(pcapng);
                }
            }
            LiveEvent::Error(e) => end.error = Some(e),
        }
        if stop.load(Ordering::Relaxed) {
            cap.request_stop();
        }
    }
    if let Some(p) = &printer {
        p.finish(out)?;
    }
    out.flush()?;
    end.stats = cap.stop();
    Ok(end)
}
