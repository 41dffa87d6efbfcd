//! The display filter worker: re-dissects every packet in order and sends
//! the numbers of those that match, in chunks, so the list fills while it
//! runs. It follows packets still arriving (a file still loading, a live
//! capture) until the source is complete. Applying a new filter cancels it.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::Sender;
use std::sync::Arc;
use std::time::{Duration, Instant};

use crate::dissect::{Depth, Dissection};
use crate::filter::Filter;

use super::event::{Event, FilterProgress};
use super::packets::Packets;

/// How long a chunk runs before its results are sent.
const CHUNK_TIME: Duration = Duration::from_millis(50);
/// How long to wait for more packets when the source is still open.
const IDLE: Duration = Duration::from_millis(20);

pub fn spawn(
    filter: Arc<Filter>,
    packets: Arc<Packets>,
    generation: u64,
    tx: Sender<Event>,
    cancel: Arc<AtomicBool>,
) -> std::thread::JoinHandle<()> {
    std::thread::spawn(move || {
        let mut d = Dissection::default();
        let mut bytes = Vec::new();
        let mut next = 0usize;
        loop {
            // Read completeness before the count: a source that completes
            // after this still has its last packets counted next time round.
            let complete = packets.is_complete();
            let n = packets.len();
            if next >= n && !complete {
                std::thread::sleep(IDLE);
                if cancel.load(Ordering::Relaxed) {
                    return;
                }
                continue;
            }
            let deadline = Instant::now() + CHUNK_TIME;
            let mut matched = Vec::new();
            while next < n {
                if cancel.load(Ordering::Relaxed) {
                    return;
                }
                if packets.dissect_to(next, &mut bytes, &mut d, Depth::Fields) && filter.matches(&d, &bytes) {
                    matched.push(next as u32);
                }
                next += 1;
                if next % 64 == 0 && Instant::now() >= deadline {
                    break;
                }
            }
            let done = complete && next >= n;
            let progress = FilterProgress { generation, matched, scanned_to: next, done };
            if tx.send(Event::Filtered(progress)).is_err() || done {
                return;
            }
        }
    })
}
