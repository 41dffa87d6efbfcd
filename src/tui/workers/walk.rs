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
use crate::field::tree::Recording;

use crate::tui::packets::Packets;

/// How long a chunk runs before its results are sent.
const CHUNK_TIME: Duration = Duration::from_millis(50);
/// How long to wait for more packets when the source is still open.
const IDLE: Duration = Duration::from_millis(20);

/// Calls `visit(packet index, dissection, bytes, chunk)` for each packet
/// dissected to `depth`, then `send(chunk, packets scanned, done)` for each
/// chunk; `send` answers false when nobody listens any more.
pub fn spawn<C, V, S>(
    packets: Arc<Packets>,
    depth: Depth,
    cancel: Arc<AtomicBool>,
    mut visit: V,
    mut send: S,
) -> std::thread::JoinHandle<()>
where
    C: Default + Send + 'static,
    V: FnMut(usize, &Dissection, &[u8], &mut C) + Send + 'static,
    S: FnMut(C, usize, bool) -> bool + Send + 'static,
{
    spawn_with(
        packets,
        depth,
        cancel,
        C::default(),
        move |chunk, i, d, bytes| visit(i, d, bytes, chunk),
        move |chunk, scanned, done| send(std::mem::take(chunk), scanned, done),
    )
}

/// `spawn` for a worker whose state outlives a chunk (a table it keeps
/// adding to): `visit` and `send` both get `state`, and `send` decides what
/// of it to report.
pub fn spawn_with<T, V, S>(
    packets: Arc<Packets>,
    depth: Depth,
    cancel: Arc<AtomicBool>,
    state: T,
    visit: V,
    send: S,
) -> std::thread::JoinHandle<()>
where
    T: Send + 'static,
    V: FnMut(&mut T, usize, &Dissection, &[u8]) + Send + 'static,
    S: FnMut(&mut T, usize, bool) -> bool + Send + 'static,
{
    spawn_recording(packets, depth, Recording::Nothing, cancel, state, visit, send)
}

/// `spawn_with` whose trees record as `recording` says: with
/// `Depth::Recorded` and `Recording::Nodes`, only the items a filter reads
/// are built.
pub fn spawn_recording<T, V, S>(
    packets: Arc<Packets>,
    depth: Depth,
    recording: Recording,
    cancel: Arc<AtomicBool>,
    mut state: T,
    mut visit: V,
    mut send: S,
) -> std::thread::JoinHandle<()>
where
    T: Send + 'static,
    V: FnMut(&mut T, usize, &Dissection, &[u8]) + Send + 'static,
    S: FnMut(&mut T, usize, bool) -> bool + Send + 'static,
{
    std::thread::spawn(move || {
        let mut d = Dissection::default();
        d.tree.record(recording);
        let mut bytes = Vec::new();
        let mut next = 0usize;
        loop {
            let Some((n, complete)) = wait_for_packets(&packets, next, &cancel) else { return };
            let deadline = Instant::now() + CHUNK_TIME;
            while next < n {
                if cancel.load(Ordering::Relaxed) {
                    return;
                }
                if packets.dissect_to(next, depth, &mut bytes, &mut d) {
                    visit(&mut state, next, &d, &bytes);
                }
                next += 1;
                if next.is_multiple_of(64) && Instant::now() >= deadline {
                    break;
                }
            }
            let done = complete && next >= n;
            if !send(&mut state, next, done) || done {
                return;
            }
        }
    })
}

/// Waits until there are packets from index `next` on or the source is
/// complete; returns the packet count and whether the source is complete,
/// or None once `cancel` is set.
pub fn wait_for_packets(packets: &Packets, next: usize, cancel: &AtomicBool) -> Option<(usize, bool)> {
    loop {
        // Read completeness before the count: a source that completes
        // after this still has its last packets counted next time round.
        let complete = packets.is_complete();
        let n = packets.len();
        if next < n || complete {
            return Some((n, complete));
        }
        std::thread::sleep(IDLE);
        if cancel.load(Ordering::Relaxed) {
            return None;
        }
    }
}
