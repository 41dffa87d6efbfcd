//! The background walk over every packet that the display filter and the
//! transactions view share: re-dissects each packet in order on a thread of
//! its own, gathers what it finds into chunks sent every `CHUNK_TIME` (so
//! the UI fills while it runs), and follows packets still arriving (a file
//! still loading, a live capture) until the source is complete. Setting
//! `cancel` ends it.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use crate::dissect::{Depth, Dissection};
use crate::brief::Plan;
use crate::field::Field;

use super::packets::Packets;

/// How long a chunk runs before its results are sent.
const CHUNK_TIME: Duration = Duration::from_millis(50);
/// How long to wait for more packets when the source is still open.
const IDLE: Duration = Duration::from_millis(20);

/// How a walk reads each packet.
pub struct Reading {
    /// How far packets are dissected.
    pub depth: Depth,
    /// Read these fields' items from the brief records instead, when the
    /// packet has one; the bytes passed on are then empty.
    pub brief: Option<Vec<Field>>,
}

/// Calls `visit(packet index, dissection, bytes, chunk)` for each packet
/// dissected to `depth`, then `send(chunk, packets scanned, done)` for each
/// chunk; `send` answers false when nobody listens any more.
pub fn spawn<C, V, S>(
    packets: Arc<Packets>,
    depth: Depth,
    cancel: Arc<AtomicBool>,
    visit: V,
    send: S,
) -> std::thread::JoinHandle<()>
where
    C: Default,
    V: FnMut(usize, &Dissection, &[u8], &mut C) + Send + 'static,
    S: FnMut(C, usize, bool) -> bool + Send + 'static,
{
    spawn_reading(packets, Reading { depth, brief: None }, cancel, visit, send)
}

/// `spawn`, reading packets as `reading` says.
pub fn spawn_reading<C, V, S>(
    packets: Arc<Packets>,
    reading: Reading,
    cancel: Arc<AtomicBool>,
    mut visit: V,
    mut send: S,
) -> std::thread::JoinHandle<()>
where
    C: Default,
    V: FnMut(usize, &Dissection, &[u8], &mut C) + Send + 'static,
    S: FnMut(C, usize, bool) -> bool + Send + 'static,
{
    std::thread::spawn(move || {
        let mut plan = reading.brief.as_deref().map(Plan::new);
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
            let mut chunk = C::default();
            while next < n {
                if cancel.load(Ordering::Relaxed) {
                    return;
                }
                let from_brief = plan.as_mut().is_some_and(|plan| packets.read_brief(next, plan, &mut d));
                let read = if from_brief {
                    bytes.clear();
                    true
                } else {
                    packets.dissect_to(next, reading.depth, &mut bytes, &mut d)
                };
                if read {
                    visit(next, &d, &bytes, &mut chunk);
                }
                next += 1;
                if next.is_multiple_of(64) && Instant::now() >= deadline {
                    break;
                }
            }
            let done = complete && next >= n;
            if !send(chunk, next, done) || done {
                return;
            }
        }
    })
}
