//! The headless output on several threads. A capture's conversations are
//! independent of each other, so workers each dissect the conversations the
//! router gives them, with their own session state, while the main thread
//! reads the file, numbers the packets and writes the workers' text back in
//! packet order. The output is byte for byte what one thread prints.

use std::collections::VecDeque;
use std::io::{Read, Write};
use std::sync::mpsc::{sync_channel, Receiver, SyncSender};

use anyhow::anyhow;

use super::numbering::{counts, Counter, Note, Numbers, Table};
use super::route::Router;
use super::{Format, Options, Printer};
use crate::capture::Reader;
use crate::dissect::{Arrivals, Dissection, FrameMeta, Pass};
use crate::outcome::Outcome;

/// Packets per batch: enough that handing a batch over costs little per
/// packet, few enough that the workers start early and memory stays small.
const BATCH: usize = 2048;
/// Packets per batch when trees wait for their numbers: few, so that the
/// trees held between dissecting and printing stay in the cache and the
/// allocator reuses their labels' memory as it does on one thread (with 2048,
/// freeing and allocating cost a third more).
const TREE_BATCH: usize = 32;
/// Packet bytes per batch, whichever limit comes first.
const BATCH_BYTES: usize = 1 << 20;
/// Batches a worker may have queued, and printed but not yet written.
const IN_FLIGHT: usize = 2;

/// Environment variable that sets the number of worker threads (1: none).
pub const THREADS_VAR: &str = "WIRELENS_THREADS";

/// Worker threads for a run with `opts`: none (0) when its output depends on
/// more than one conversation at a time (statistics, two passes, fields or
/// a filter that read numbers counted across the capture) or when the
/// machine has one core. The trees' capture-wide numbers are handed out by
/// the reading thread (`numbering`).
pub fn workers(opts: &Options) -> usize {
    let wide = |fields: &[crate::field::Field]| fields.iter().any(|f| f.capture_wide);
    let fields_ok = match &opts.format {
        Format::Summary | Format::Tabs | Format::Hex | Format::Psml | Format::Json(_) | Format::Pdml { .. } | Format::Ek => true,
        Format::Fields(fl) => !wide(fl.fields()),
    };
    let filter_ok = opts.filter.as_ref().is_none_or(|f| !wide(f.fields()));
    // Writing a file (-w) happens in packet order, on the reading thread,
    // and -t dd needs the packet displayed before, whichever worker had it.
    let displayed_delta = opts.time == crate::output::timefmt::TimeFormat::DeltaDisplayed;
    // -l flushes after each packet, which the reading thread cannot know;
    // -q prints nothing to share out.
    if opts.quiet || opts.flush_each || displayed_delta || opts.two_pass || !opts.stats.is_empty() || !opts.export.is_empty() || !fields_ok || !filter_ok || opts.save.is_some() {
        return 0;
    }
    let n = match std::env::var(THREADS_VAR).ok().and_then(|v| v.parse::<usize>().ok()) {
        Some(n) => n.min(64),
        None => std::thread::available_parallelism().map_or(1, |n| n.get().min(4)),
    };
    if n < 2 {
        0
    } else {
        n
    }
}

/// A batch of one worker's packets, and on the way back the text printed for
/// each (empty when the filter rejected it). Batches go back and forth so
/// their buffers are reused.
#[derive(Default)]
struct Batch {
    metas: Vec<FrameMeta>,
    /// Each packet's comments from the file (nearly always none).
    comments: Vec<Vec<String>>,
    /// End of each packet's bytes in `data`.
    data_ends: Vec<usize>,
    data: Vec<u8>,
    text: Vec<u8>,
    text_ends: Vec<usize>,
}

impl Batch {
    fn clear(&mut self) {
        self.metas.clear();
        self.comments.clear();
        self.data_ends.clear();
        self.data.clear();
    }

    fn push(&mut self, meta: FrameMeta, data: &[u8], comments: &[String]) {
        self.metas.push(meta);
        self.comments.push(comments.to_vec());
        self.data.extend_from_slice(data);
        self.data_ends.push(self.data.len());
    }

    /// Packet `i`'s bytes.
    fn data(&self, i: usize) -> &[u8] {
        let start = if i == 0 { 0 } else { self.data_ends[i - 1] };
        &self.data[start..self.data_ends[i]]
    }

    /// Dissects and prints every packet at once.
    fn print(&mut self, printer: &mut Printer) {
        let Batch { metas, comments, data_ends, data, text, text_ends } = self;
        text.clear();
        text_ends.clear();
        let mut start = 0;
        for ((meta, &end), comments) in metas.iter().zip(data_ends.iter()).zip(comments.iter_mut()) {
            std::mem::swap(&mut printer.d.comments, comments);
            // Writing to a Vec cannot fail.
            let _ = printer.show(meta, &data[start..end], Pass::First, text);
            start = end;
            text_ends.push(text.len());
        }
    }
}

/// What the reading thread sends a worker: a batch to dissect, then the
/// numbers to print it with (see `numbering`).
enum ToWorker {
    Dissect(Batch),
    Print(Numbers),
}

/// What a worker sends back: notes on a batch dissected, then the batch
/// with its text.
enum FromWorker {
    Notes(Vec<Note>),
    Printed(Batch),
}

/// A batch dissected and waiting for its numbers, with its packets' trees.
struct Held {
    batch: Batch,
    trees: Vec<Dissection>,
    shown: Vec<bool>,
}

/// A worker's state: its printer (with the session of its conversations)
/// and the batches it dissected but has not printed.
struct Worker<'f> {
    printer: Printer<'f>,
    /// The output holds capture-wide numbers (the trees): each batch is
    /// printed once numbered. Other formats print a batch as it is dissected.
    deferred: bool,
    held: VecDeque<Held>,
    /// Trees of batches printed, reused.
    spare: Vec<Vec<Dissection>>,
    table: Table,
}

impl Worker<'_> {
    fn dissect(&mut self, mut batch: Batch) -> Vec<Note> {
        if !self.deferred {
            batch.print(&mut self.printer);
            self.held.push_back(Held { batch, trees: Vec::new(), shown: Vec::new() });
            return Vec::new();
        }
        let mut trees = self.spare.pop().unwrap_or_default();
        trees.resize_with(batch.metas.len(), Dissection::default);
        let mut notes = Vec::with_capacity(batch.metas.len());
        for (i, d) in trees.iter_mut().enumerate() {
            std::mem::swap(&mut d.comments, &mut batch.comments[i]);
            let before = counts(&self.printer.session);
            let meta = &batch.metas[i];
            let shown = self.printer.dissect(meta, batch.data(i), Pass::First, d);
            let after = counts(&self.printer.session);
            let created = std::array::from_fn(|k| after[k] - before[k]);
            notes.push(Note { shown, created, ts: meta.ts });
        }
        let shown = notes.iter().map(|n| n.shown).collect();
        self.held.push_back(Held { batch, trees, shown });
        notes
    }

    /// Prints the oldest batch dissected with the capture's `numbers`.
    fn print(&mut self, numbers: &Numbers) -> Option<Batch> {
        let Held { mut batch, mut trees, shown } = self.held.pop_front()?;
        if !self.deferred {
            return Some(batch);
        }
        self.table.extend(numbers);
        let mut prev_shown = numbers.prev_shown.iter();
        let mut text = std::mem::take(&mut batch.text);
        text.clear();
        batch.text_ends.clear();
        for (i, d) in trees.iter_mut().enumerate() {
            if shown[i] {
                let meta = &batch.metas[i];
                let prev = if self.printer.filter.is_some() { prev_shown.next().copied() } else { None };
                self.table.renumber(d, meta.ts, prev);
                // Writing to a Vec cannot fail.
                let _ = self.printer.print(meta, d, batch.data(i), &mut text);
            }
            batch.text_ends.push(text.len());
        }
        batch.text = text;
        self.spare.push(trees);
        Some(batch)
    }
}

struct Lane {
    to_worker: SyncSender<ToWorker>,
    from_worker: Receiver<FromWorker>,
    /// Notes and batches received before they were wanted (a worker sends
    /// them in the order it works, which need not be the order read).
    notes: VecDeque<Vec<Note>>,
    printed: VecDeque<Batch>,
}

impl Lane {
    fn send(&self, m: ToWorker) -> anyhow::Result<()> {
        self.to_worker.send(m).map_err(|_| anyhow!("a dissection thread stopped"))
    }

    fn receive(&mut self) -> anyhow::Result<()> {
        match self.from_worker.recv().map_err(|_| anyhow!("a dissection thread stopped"))? {
            FromWorker::Notes(n) => self.notes.push_back(n),
            FromWorker::Printed(b) => self.printed.push_back(b),
        }
        Ok(())
    }

    fn notes(&mut self) -> anyhow::Result<Vec<Note>> {
        loop {
            if let Some(n) = self.notes.pop_front() {
                return Ok(n);
            }
            self.receive()?;
        }
    }

    fn printed(&mut self) -> anyhow::Result<Batch> {
        loop {
            if let Some(b) = self.printed.pop_front() {
                return Ok(b);
            }
            self.receive()?;
        }
    }
}

/// The worker thread: dissects and prints what the reading thread sends.
fn work(mut w: Worker, inbox: Receiver<ToWorker>, outbox: SyncSender<FromWorker>) {
    for m in inbox {
        let reply = match m {
            ToWorker::Dissect(batch) => FromWorker::Notes(w.dissect(batch)),
            ToWorker::Print(numbers) => match w.print(&numbers) {
                Some(b) => FromWorker::Printed(b),
                None => break,
            },
        };
        if outbox.send(reply).is_err() {
            break;
        }
    }
}

/// What the reading thread keeps of the output written so far.
struct Output {
    /// JSON documents come with the comma before them, the first's dropped.
    json: bool,
    /// Whether a packet was printed.
    any: bool,
}

/// Prints every packet of `reader` as `super::run` does, on `workers`
/// threads; returns the damage that ended the file, if any.
pub fn run<R: Read>(
    opts: &Options,
    reader: &mut Reader<R>,
    workers: usize,
    out: &mut impl Write,
) -> anyhow::Result<Outcome> {
    let pcapng = reader.is_pcapng();
    let deferred = prints_trees(opts);
    let batch = if deferred { TREE_BATCH } else { BATCH };
    opts.format.preamble(out)?;
    std::thread::scope(|s| {
        let mut lanes = Vec::with_capacity(workers);
        for _ in 0..workers {
            let (to_worker, inbox) = sync_channel(IN_FLIGHT);
            // Room for every message a worker sends before the reading
            // thread asks for it, so that neither waits on the other.
            let (outbox, from_worker) = sync_channel(2 * IN_FLIGHT + 2);
            s.spawn(move || {
                let mut printer = Printer::new(&opts.format, opts.verbose, opts.hex, opts.filter.as_ref(), pcapng)
                    .with_time(opts.time, opts.hms)
                    .with_expanded(opts.expand.as_deref());
                printer.comma_always = true;
                let worker = Worker { printer, deferred, held: VecDeque::new(), spare: Vec::new(), table: Table::default() };
                work(worker, inbox, outbox);
            });
            lanes.push(Lane { to_worker, from_worker, notes: VecDeque::new(), printed: VecDeque::new() });
        }
        let mut router = Router::new(workers);
        let mut arrivals = Arrivals::new(pcapng);
        let mut counter = Counter::new(opts.filter.is_some());
        let mut output = Output { json: matches!(opts.format, Format::Json(_)), any: false };
        let mut spares: Vec<Batch> = Vec::new();
        // Rounds dissecting, and rounds numbered and printing.
        let mut dissecting: VecDeque<Vec<u8>> = VecDeque::new();
        let mut printing: VecDeque<Vec<u8>> = VecDeque::new();
        let mut end = Outcome::Success;
        let mut done = false;
        while !done {
            let mut batches: Vec<Batch> = lanes.iter().map(|_| spares.pop().unwrap_or_default()).collect();
            batches.iter_mut().for_each(Batch::clear);
            let mut order = Vec::with_capacity(batch);
            let mut bytes = 0;
            while order.len() < batch && bytes < BATCH_BYTES {
                if opts.count.is_some_and(|c| arrivals.count() as u64 >= c) {
                    done = true;
                    break;
                }
                match reader.next_packet_full() {
                    Ok(Some(p)) => {
                        let iface = p.rec.interface(p.interfaces).ok_or_else(|| anyhow!("packet {}: no interface", arrivals.count() + 1))?;
                        let (rec, data) = (p.rec, p.data);
                        let meta = arrivals.next(&rec, iface);
                        let w = router.route(iface.linktype, data);
                        batches[w].push(meta, data, p.comments);
                        order.push(w as u8);
                        bytes += data.len();
                    }
                    Ok(None) => done = true,
                    Err(e) => {
                        end = Outcome::Failure(format!("{}: {e}", opts.path));
                        done = true;
                    }
                }
                if done {
                    break;
                }
            }
            for (lane, batch) in lanes.iter().zip(batches) {
                lane.send(ToWorker::Dissect(batch))?;
            }
            dissecting.push_back(order);
            // A round is numbered once the next is being dissected, and
            // written once the next is being printed.
            while dissecting.len() > 1 || done && !dissecting.is_empty() {
                if let Some(order) = dissecting.pop_front() {
                    number(&order, &mut lanes, &mut counter)?;
                    printing.push_back(order);
                }
                while printing.len() > 1 {
                    if let Some(order) = printing.pop_front() {
                        write_in_order(&order, &mut lanes, &mut spares, &mut output, out)?;
                    }
                }
            }
            while done && !printing.is_empty() {
                if let Some(order) = printing.pop_front() {
                    write_in_order(&order, &mut lanes, &mut spares, &mut output, out)?;
                }
            }
        }
        // Only JSON closes differently when no packet was printed.
        opts.format.finale(output.any, out)?;
        out.flush()?;
        Ok(end)
    })
}

/// Whether the output is the packets' trees, which hold capture-wide
/// numbers and are printed once numbered.
fn prints_trees(opts: &Options) -> bool {
    opts.verbose || matches!(opts.format, Format::Json(_) | Format::Pdml { .. } | Format::Ek)
}

/// Hands out the capture-wide numbers of one round (`order` names the
/// worker of each packet) from the workers' notes, and has them print it.
fn number(order: &[u8], lanes: &mut [Lane], counter: &mut Counter) -> anyhow::Result<()> {
    let mut notes = Vec::with_capacity(lanes.len());
    for lane in lanes.iter_mut() {
        notes.push(lane.notes()?.into_iter());
    }
    let mut numbers: Vec<Numbers> = lanes.iter().map(|_| Numbers::default()).collect();
    // Formats printed at once send no notes.
    if notes.iter().any(|n| !n.as_slice().is_empty()) {
        for &w in order {
            let note = notes[w as usize].next().ok_or_else(|| anyhow!("a dissection thread lost a packet"))?;
            counter.packet(&note, &mut numbers[w as usize]);
        }
    }
    for (lane, numbers) in lanes.iter().zip(numbers) {
        lane.send(ToWorker::Print(numbers))?;
    }
    Ok(())
}

/// Writes one round of batches (one per worker) in packet order: `order`
/// names the worker of each packet. The batches are kept in `spares`.
fn write_in_order(order: &[u8], lanes: &mut [Lane], spares: &mut Vec<Batch>, output: &mut Output, out: &mut impl Write) -> anyhow::Result<()> {
    let mut printed = Vec::with_capacity(lanes.len());
    for lane in lanes.iter_mut() {
        printed.push(lane.printed()?);
    }
    let mut next = vec![0usize; lanes.len()];
    let mut starts = vec![0usize; lanes.len()];
    // Consecutive packets of one worker are one write.
    let mut i = 0;
    while i < order.len() {
        let w = order[i] as usize;
        let mut j = i;
        while j < order.len() && order[j] as usize == w {
            j += 1;
        }
        let b = &printed[w];
        let mut from = starts[w];
        next[w] += j - i;
        let to = b.text_ends[next[w] - 1];
        // The first packet printed starts the text: its comma goes.
        if !output.any && from < to {
            output.any = true;
            if output.json && b.text[from] == b',' {
                from += 1;
            }
        }
        out.write_all(&b.text[from..to])?;
        starts[w] = to;
        i = j;
    }
    spares.extend(printed);
    Ok(())
}
