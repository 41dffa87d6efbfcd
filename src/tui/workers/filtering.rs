//! The display filter worker: sends the numbers of the packets that match,
//! in chunks, so the list fills while it runs (see `walk`). Applying a new
//! filter cancels it.
//!
//! A filter on brief fields only reads brief records, which is cheap enough
//! that the work splits: each chunk of packets is shared between this
//! thread and a second one.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::Sender;
use std::sync::Arc;

use crate::store::brief::Plan;
use crate::dissect::{Depth, Dissection};
use crate::filter::Filter;

use crate::tui::event::{Event, FilterProgress};
use crate::tui::packets::Packets;
use crate::tui::workers::walk;

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
    if filter.brief_fields().is_some() {
        return spawn_split(filter, packets, depth, generation, tx, cancel);
    }
    walk::spawn(
        packets,
        depth,
        cancel,
        move |i, d, bytes, matched: &mut Vec<u32>| {
            if filter.matches(d, bytes) {
                matched.push(i as u32);
            }
        },
        move |matched, scanned_to, done| {
            tx.send(Event::Filtered(FilterProgress { generation, matched, scanned_to, done })).is_ok()
        },
    )
}

/// One of the two halves of a split run: its own plan and tree.
struct Half {
    plan: Plan,
    d: Dissection,
    bytes: Vec<u8>,
    matched: Vec<u32>,
}

impl Half {
    /// Tests packets `range`; false if cancelled meanwhile.
    fn run(&mut self, filter: &Filter, packets: &Packets, depth: Depth, range: std::ops::Range<usize>, cancel: &AtomicBool) -> bool {
        let briefs = packets.briefs();
        for i in range {
            if i % 1024 == 0 && cancel.load(Ordering::Relaxed) {
                return false;
            }
            let read = packets.read_for(&briefs, i, Some(&mut self.plan), depth, &mut self.bytes, &mut self.d);
            if read && filter.matches(&self.d, &self.bytes) {
                self.matched.push(i as u32);
            }
        }
        true
    }
}

fn spawn_split(
    filter: Arc<Filter>,
    packets: Arc<Packets>,
    depth: Depth,
    generation: u64,
    tx: Sender<Event>,
    cancel: Arc<AtomicBool>,
) -> std::thread::JoinHandle<()> {
    std::thread::spawn(move || {
        let fields = filter.brief_fields().unwrap_or_default();
        let half = || Half { plan: Plan::new(fields), d: Dissection::default(), bytes: Vec::new(), matched: Vec::new() };
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
            let progress = FilterProgress { generation, matched, scanned_to: next, done };
            if tx.send(Event::Filtered(progress)).is_err() || done {
                return;
            }
        }
    })
}
