//! The display filter worker: sends the numbers of the packets that match,
//! in chunks, so the list fills while it runs (see `walk`). Applying a new
//! filter cancels it.
//!
//! A filter whose fields stored records hold (brief records, and columns
//! for the others: `crate::store::columns`) reads them instead of
//! dissecting, which is cheap enough that the work splits: each chunk of
//! packets is shared between this thread and a second one. The first
//! filter on a field without a column dissects every packet and makes the
//! column on the way, once the capture is complete (a packet of a capture
//! still growing may gain a link to a later one: a request its response).
//! A dissecting run builds only the items the filter and the columns read
//! when the filter reads no protocol's bytes (`Filter::node_fields`).

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::Sender;
use std::sync::Arc;

use crate::dissect::{Depth, Dissection};
use crate::field::tree::Recording;
use crate::field::Field;
use crate::filter::Filter;
use crate::store::columns::Reading;

use crate::tui::event::{Event, FilterProgress};
use crate::tui::packets::Packets;
use crate::tui::workers::{stored, walk};

/// Packets per chunk of a split run: a few milliseconds of work.
const SPLIT_CHUNK: usize = 1 << 15;

pub fn spawn(
    filter: Arc<Filter>,
    packets: Arc<Packets>,
    generation: u64,
    tx: Sender<Event>,
    cancel: Arc<AtomicBool>,
) -> std::thread::JoinHandle<()> {
    let depth = Depth::to_read(filter.protocols());
    // The whole tree, or the items of the fields read alone.
    let dissecting = |more: &[Field]| match filter.node_fields() {
        Some(fields) => {
            let fields: Vec<Field> = fields.iter().chain(more).copied().collect();
            let depth = Depth::recorded_to_read(fields.iter().map(|f| f.protocol()));
            (depth, Recording::Nodes(crate::dissect::recorded_fields(&fields)))
        }
        None => (depth, Recording::Nothing),
    };
    let send = move |matched, scanned_to, done| {
        tx.send(Event::Filtered(FilterProgress { generation, matched, scanned_to, done })).is_ok()
    };
    if let Some(fields) = filter.stored_fields() {
        let missing = packets.records().missing(fields);
        if missing.is_empty() {
            return spawn_split(filter, packets, depth, cancel, send);
        }
        if packets.is_complete() {
            let (depth, recording) = dissecting(&missing);
            return spawn_building(filter, packets, depth, recording, &missing, cancel, send);
        }
    }
    let (depth, recording) = dissecting(&[]);
    walk::spawn_recording(
        packets,
        depth,
        recording,
        cancel,
        Vec::new(),
        move |matched: &mut Vec<u32>, i, d, bytes| {
            if filter.matches(d, bytes) {
                matched.push(i as u32);
            }
        },
        move |matched, scanned_to, done| send(std::mem::take(matched), scanned_to, done),
    )
}

/// Dissects every packet, as `walk::spawn`, and makes the columns of
/// `missing` from the same dissections; they are kept once the walk ends.
fn spawn_building<S>(
    filter: Arc<Filter>,
    packets: Arc<Packets>,
    depth: Depth,
    recording: Recording,
    missing: &[Field],
    cancel: Arc<AtomicBool>,
    mut send: S,
) -> std::thread::JoinHandle<()>
where
    S: FnMut(Vec<u32>, usize, bool) -> bool + Send + 'static,
{
    stored::spawn_building(
        packets,
        depth,
        recording,
        missing,
        cancel,
        Vec::new(),
        move |matched: &mut Vec<u32>, i, d, bytes| {
            if filter.matches(d, bytes) {
                matched.push(i as u32);
            }
        },
        move |matched, scanned_to, done| send(std::mem::take(matched), scanned_to, done),
    )
}

/// One of the two halves of a split run: its own reading and tree.
struct Half {
    reading: Reading,
    d: Dissection,
    bytes: Vec<u8>,
    matched: Vec<u32>,
}

impl Half {
    /// Tests packets `range`; false if cancelled meanwhile.
    fn run(&mut self, filter: &Filter, packets: &Packets, depth: Depth, range: std::ops::Range<usize>, cancel: &AtomicBool) -> bool {
        let records = packets.records();
        for i in range {
            if i % 1024 == 0 && cancel.load(Ordering::Relaxed) {
                return false;
            }
            let read = packets.read_for(&records, i, Some(&mut self.reading), depth, &mut self.bytes, &mut self.d);
            if read && filter.matches(&self.d, &self.bytes) {
                self.matched.push(i as u32);
            }
        }
        true
    }
}

fn spawn_split<S>(
    filter: Arc<Filter>,
    packets: Arc<Packets>,
    depth: Depth,
    cancel: Arc<AtomicBool>,
    mut send: S,
) -> std::thread::JoinHandle<()>
where
    S: FnMut(Vec<u32>, usize, bool) -> bool + Send + 'static,
{
    std::thread::spawn(move || {
        let fields = filter.stored_fields().unwrap_or_default();
        let half = || Half { reading: Reading::new(fields), d: Dissection::default(), bytes: Vec::new(), matched: Vec::new() };
        let (mut a, mut b) = (half(), half());
        let mut next = 0usize;
        loop {
            let Some((n, complete)) = walk::wait_for_packets(&packets, next, &cancel) else { return };
            let end = n.min(next + SPLIT_CHUNK);
            let mid = next + (end - next) / 2;
            let (f, p, c) = (&*filter, &*packets, &*cancel);
            let finished = std::thread::scope(|s| {
                let second = s.spawn(|| b.run(f, p, depth, mid..end, c));
                let first = a.run(f, p, depth, next..mid, c);
                second.join().unwrap_or(false) && first
            });
            if !finished {
                return;
            }
            next = end;
            let mut matched = std::mem::take(&mut a.matched);
            matched.append(&mut b.matched);
            let done = complete && next >= n;
            if !send(matched, next, done) || done {
                return;
            }
        }
    })
}
