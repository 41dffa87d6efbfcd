//! The headless output on several threads. A capture's conversations are
//! independent of each other, so workers each dissect the conversations the
//! router gives them, with their own session state, while the main thread
//! reads the file, numbers the packets and writes the workers' text back in
//! packet order. The output is byte for byte what one thread prints.

use std::collections::VecDeque;
use std::io::{Read, Write};
use std::sync::mpsc::{sync_channel, Receiver, SyncSender};

use anyhow::anyhow;

use super::route::Router;
use super::{Format, Options, Printer};
use crate::capture::Reader;
use crate::dissect::{Arrivals, FrameMeta, Pass};
use crate::outcome::Outcome;

/// Packets per batch: enough that handing a batch over costs little per
/// packet, few enough that the workers start early and memory stays small.
const BATCH: usize = 2048;
/// Packet bytes per batch, whichever limit comes first.
const BATCH_BYTES: usize = 1 << 20;
/// Batches a worker may have queued, and printed but not yet written.
const IN_FLIGHT: usize = 2;

/// Environment variable that sets the number of worker threads (1: none).
pub const THREADS_VAR: &str = "WIRELENS_THREADS";

/// Worker threads for a run with `opts`: none (0) when its output depends on
/// more than one conversation at a time (statistics, two passes, the tree
/// with its stream indices, fields numbered across the capture) or when the
/// machine has one core.
pub fn workers(opts: &Options) -> usize {
    let wide = |fields: &[crate::field::Field]| fields.iter().any(|f| f.capture_wide);
    let fields_ok = match &opts.format {
        Format::Summary | Format::Tabs | Format::Hex | Format::Psml => true,
        Format::Fields(fl) => !wide(fl.fields()),
        // JSON documents are separated by commas, and the trees hold
        // capture-wide numbers (tcp.stream): printed on one thread.
        Format::Json(_) | Format::Pdml { .. } | Format::Ek => false,
    };
    let filter_ok = opts.filter.as_ref().is_none_or(|f| !wide(f.fields()));
    // Writing a file (-w) happens in packet order, on the reading thread,
    // and -t dd needs the packet displayed before, whichever worker had it.
    let displayed_delta = opts.time == crate::output::timefmt::TimeFormat::DeltaDisplayed;
    // -l flushes after each packet, which the reading thread cannot know;
    // -q prints nothing to share out.
    if opts.quiet || opts.flush_each || displayed_delta || opts.two_pass || opts.verbose || !opts.stats.is_empty() || !opts.export.is_empty() || !fields_ok || !filter_ok || opts.save.is_some() {
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

struct Lane {
    to_worker: SyncSender<Batch>,
    from_worker: Receiver<Batch>,
    spare: Option<Batch>,
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
    opts.format.preamble(out)?;
    std::thread::scope(|s| {
        let mut lanes = Vec::with_capacity(workers);
        for _ in 0..workers {
            let (to_worker, inbox) = sync_channel::<Batch>(IN_FLIGHT);
            let (outbox, from_worker) = sync_channel::<Batch>(IN_FLIGHT);
            s.spawn(move || {
                let mut printer =
                    Printer::new(&opts.format, false, opts.hex, opts.filter.as_ref(), pcapng).with_time(opts.time, opts.hms);
                for mut batch in inbox {
                    batch.print(&mut printer);
                    if outbox.send(batch).is_err() {
                        break;
                    }
                }
            });
            lanes.push(Lane { to_worker, from_worker, spare: None });
        }
        let mut router = Router::new(workers);
        let mut arrivals = Arrivals::new(pcapng);
        let mut pending: VecDeque<Vec<u8>> = VecDeque::new();
        let mut end = Outcome::Success;
        let mut done = false;
        while !done {
            let mut batches: Vec<Batch> = lanes.iter_mut().map(|l| l.spare.take().unwrap_or_default()).collect();
            batches.iter_mut().for_each(Batch::clear);
            let mut order = Vec::with_capacity(BATCH);
            let mut bytes = 0;
            while order.len() < BATCH && bytes < BATCH_BYTES {
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
                lane.to_worker.send(batch).map_err(|_| anyhow!("a dissection thread stopped"))?;
            }
            pending.push_back(order);
            while pending.len() > IN_FLIGHT || done && !pending.is_empty() {
                if let Some(order) = pending.pop_front() {
                    write_in_order(&order, &mut lanes, out)?;
                }
            }
        }
        // The formats printed here close alike whatever was printed.
        opts.format.finale(true, out)?;
        out.flush()?;
        Ok(end)
    })
}

/// Writes one round of batches (one per worker) in packet order: `order`
/// names the worker of each packet.
fn write_in_order(order: &[u8], lanes: &mut [Lane], out: &mut impl Write) -> anyhow::Result<()> {
    let mut printed = Vec::with_capacity(lanes.len());
    for lane in lanes.iter() {
        printed.push(lane.from_worker.recv().map_err(|_| anyhow!("a dissection thread stopped"))?);
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
        let from = starts[w];
        next[w] += j - i;
        let to = b.text_ends[next[w] - 1];
        out.write_all(&b.text[from..to])?;
        starts[w] = to;
        i = j;
    }
    for (lane, b) in lanes.iter_mut().zip(printed) {
        lane.spare = Some(b);
    }
    Ok(())
}
