//! The workers behind the follow, ladder and conversations views. Reading
//! a stream or a conversation table means re-dissecting every packet, so
//! each view starts a worker (`walk`) that does it on its own thread and
//! sends what it finds as `Event::View` chunks; the view takes them in as
//! they come (showing "N packets read…" meanwhile) and the worker keeps
//! following a capture still running. Closing the view, or opening
//! another, drops its `Job`, which stops the worker.

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::mpsc::Sender;
use std::sync::Arc;

use crate::dissect::{Depth, Dissection, FrameMeta};
use crate::field::{self, Field, Timestamp, Value};
use crate::stats::conv::{ConvTap, ConvType, Conversation};
use crate::stats::ladder::{Connections, SegFields, SegInfo};
use crate::stats::scan::TransportFields;
use crate::stats::{Addr, Tap};

use crate::tui::event::Event;
use crate::tui::packets::Packets;
use crate::tui::workers::{stored, walk};

/// A chunk of a view worker's findings in packets `..scanned_to`.
#[derive(Debug)]
pub struct ViewProgress {
    /// Which worker this comes from; a closed view's worker is ignored.
    pub generation: u64,
    pub found: Found,
    pub scanned_to: usize,
    /// The worker has read every packet in the store so far (a live
    /// capture's worker then waits for more).
    pub caught_up: bool,
    pub done: bool,
}

#[derive(Debug)]
pub enum Found {
    /// The followed stream's new segments (TCP) or datagrams (UDP, as
    /// segments without sequence numbers), in capture order.
    Segments(Vec<SegInfo>),
    /// Conversation rows that changed.
    Conversations(Vec<ConvRow>),
    /// The flow graph's (or a UDP or ICMP ladder's) new packets.
    Flows(Vec<crate::tui::workers::flows::FlowItem>),
    /// The packets (0-based) an I/O graph line's filter matched.
    Matched(Vec<u32>),
}

/// One row of the conversations table as it now stands.
#[derive(Clone, Debug, PartialEq)]
pub struct ConvRow {
    /// Which table (an index into `CONV_KINDS`) and which row of it, in
    /// order of first appearance.
    pub table: usize,
    pub row: usize,
    pub conv: Conversation,
    /// The TCP connection's state; empty for other kinds.
    pub state: &'static str,
}

/// The conversation tables the view shows.
pub const CONV_KINDS: [ConvType; 4] = [ConvType::Tcp, ConvType::Udp, ConvType::Ip, ConvType::Ipv6];

/// A running worker, as its view holds it: dropping it stops the worker.
#[derive(Debug)]
pub struct Job {
    generation: u64,
    cancel: Arc<AtomicBool>,
    /// Packets read so far, whether that is all the store holds yet, and
    /// whether the source is all read.
    pub scanned: usize,
    pub caught_up: bool,
    pub done: bool,
}

impl Default for Job {
    /// A job for a worker not started yet: its generation and stop flag.
    fn default() -> Job {
        // Views come and go; a closed one's late chunks must not reach the next.
        static GENERATION: AtomicU64 = AtomicU64::new(0);
        let generation = GENERATION.fetch_add(1, Ordering::Relaxed) + 1;
        Job { generation, cancel: Arc::new(AtomicBool::new(false)), scanned: 0, caught_up: false, done: false }
    }
}

impl Job {
    pub fn generation(&self) -> u64 {
        self.generation
    }

    pub fn cancel_flag(&self) -> Arc<AtomicBool> {
        self.cancel.clone()
    }

    /// Whether a chunk is this job's; if so, how far it has come is noted.
    pub fn accept(&mut self, generation: u64, scanned_to: usize, done: bool) -> bool {
        self.accept_at(generation, scanned_to, done, done)
    }

    /// `accept`, noting also whether the worker has caught up with the store.
    pub fn accept_at(&mut self, generation: u64, scanned_to: usize, caught_up: bool, done: bool) -> bool {
        if generation != self.generation {
            return false;
        }
        (self.scanned, self.caught_up, self.done) = (scanned_to, caught_up, done);
        true
    }

    /// " · N packets read…" while the worker runs, empty once it is done
    /// with a complete source.
    pub fn status(&self) -> String {
        if self.done {
            String::new()
        } else {
            format!(" · {} packets read…", self.scanned)
        }
    }
}

impl Drop for Job {
    fn drop(&mut self) {
        self.cancel.store(true, Ordering::Relaxed);
    }
}

/// The time since the first packet, as the frame tree gives it.
pub fn relative_time(d: &Dissection, f: Option<Field>) -> i64 {
    f.and_then(|f| d.tree.first(f))
        .and_then(|n| match n.value {
            Value::RelTime(ns) => Some(ns),
            _ => None,
        })
        .unwrap_or(0)
}

/// Which TCP stream or UDP flow a view follows.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StreamKey {
    pub proto: &'static str,
    /// `tcp.stream` / `udp.stream`, when the dissector numbers streams.
    pub index: Option<u32>,
    /// The two endpoints, in the order of the selected packet.
    pub ends: [(Addr, u16); 2],
}

impl StreamKey {
    /// The stream of `frame` (1-based): one packet dissected, cheap enough
    /// for the UI thread, so the view's filter and title are known at once.
    pub fn of_frame(packets: &Packets, frame: u32) -> Option<StreamKey> {
        let i = (frame as usize).checked_sub(1)?;
        let (mut bytes, mut d) = (Vec::new(), Dissection::default());
        if !packets.dissect_to(i, Depth::Transport, &mut bytes, &mut d) {
            return None;
        }
        ["tcp", "udp"].into_iter().find_map(|proto| {
            let t = TransportFields::new(proto).read(&d)?;
            Some(StreamKey { proto, index: t.stream, ends: [(t.src, t.sport), (t.dst, t.dport)] })
        })
    }

    fn matches(&self, stream: Option<u32>, src: (Addr, u16), dst: (Addr, u16)) -> bool {
        match self.index {
            Some(i) => stream == Some(i),
            None => [src, dst] == self.ends || [dst, src] == self.ends,
        }
    }

    /// Starts the worker that sends the stream's segments (with payloads).
    pub fn spawn(&self, packets: Arc<Packets>, tx: Sender<Event>, job: &Job) {
        let key = self.clone();
        let (generation, rel) = (job.generation, field::lookup("frame.time_relative"));
        let (tcp, udp) = (SegFields::default(), TransportFields::new("udp"));
        let store = packets.clone();
        walk::spawn(
            packets,
            Depth::Transport,
            job.cancel_flag(),
            move |i, d, bytes, segs: &mut Vec<SegInfo>| {
                let frame = i as u32 + 1;
                if key.proto == "tcp" {
                    if let Some((stream, seg)) = tcp.read(d, bytes, frame, relative_time(d, rel)) {
                        if key.matches(stream, seg.src, seg.dst) {
                            segs.push(seg);
                        }
                    }
                    return;
                }
                let Some(t) = udp.read(d) else { return };
                if key.matches(t.stream, (t.src, t.sport), (t.dst, t.dport)) {
                    let payload = t.payload.map(|id| d.node_bytes(bytes, id).to_vec()).unwrap_or_default();
                    segs.push(unsequenced(frame, relative_time(d, rel), (t.src, t.sport), (t.dst, t.dport), payload));
                }
            },
            segments_sender(store, tx, generation),
        );
    }
}

impl StreamKey {
    /// Starts the worker that sends the TCP stream's decrypted TLS
    /// application data (Follow TLS stream, as `-z follow,tls` reads it):
    /// one segment per record, without sequence numbers.
    pub fn spawn_decrypted(&self, packets: Arc<Packets>, tx: Sender<Event>, job: &Job) {
        let key = self.clone();
        let (generation, rel) = (job.generation, field::lookup("frame.time_relative"));
        let tcp = TransportFields::new("tcp");
        let store = packets.clone();
        walk::spawn(
            packets,
            Depth::Fields,
            job.cancel_flag(),
            move |i, d, _, segs: &mut Vec<SegInfo>| {
                let Some(t) = tcp.read(d) else { return };
                if !key.matches(t.stream, (t.src, t.sport), (t.dst, t.dport)) {
                    return;
                }
                for payload in crate::stats::follow::decrypted_app_data(d) {
                    segs.push(unsequenced(i as u32 + 1, relative_time(d, rel), (t.src, t.sport), (t.dst, t.dport), payload.to_vec()));
                }
            },
            segments_sender(store, tx, generation),
        );
    }
}

/// A segment without sequence numbers: a UDP datagram, or a decrypted TLS record.
fn unsequenced(frame: u32, rel: i64, src: (Addr, u16), dst: (Addr, u16), payload: Vec<u8>) -> SegInfo {
    SegInfo { frame, rel, src, dst, seq: 0, ack: 0, flags: 0, len: payload.len() as u32, payload, retrans: false }
}

/// What a stream worker does with each chunk of segments: sends it, false
/// once the view is gone.
fn segments_sender(store: Arc<Packets>, tx: Sender<Event>, generation: u64) -> impl FnMut(Vec<SegInfo>, usize, bool) -> bool {
    move |segs, scanned_to, done| {
        let found = Found::Segments(segs);
        let caught_up = scanned_to >= store.len();
        tx.send(Event::View(ViewProgress { generation, found, scanned_to, caught_up, done })).is_ok()
    }
}

/// What the conversations worker keeps between chunks.
struct ConvState {
    taps: Vec<ConvTap>,
    conns: Connections,
}

impl ConvState {
    fn new() -> ConvState {
        ConvState { taps: CONV_KINDS.iter().map(|&k| ConvTap::new(k)).collect(), conns: Connections::states_only() }
    }

    /// Adds packet `frame`, `len` bytes on the wire, `rel` ns after the first.
    fn packet(&mut self, frame: u32, d: &Dissection, bytes: &[u8], len: u32, rel: i64) {
        // The taps read the time since the first packet from the meta.
        let meta = FrameMeta {
            number: frame,
            ts: Timestamp { secs: rel.div_euclid(1_000_000_000), nanos: rel.rem_euclid(1_000_000_000) as u32 },
            origlen: len,
            caplen: bytes.len() as u32,
            ..FrameMeta::default()
        };
        for t in &mut self.taps {
            t.packet(&meta, d, bytes);
        }
        self.conns.packet(d, bytes, frame, rel);
    }

    /// The rows changed since the last call.
    fn changed(&mut self) -> Vec<ConvRow> {
        let mut rows = Vec::new();
        for (table, tap) in self.taps.iter_mut().enumerate() {
            for row in tap.take_changed() {
                let Some(conv) = tap.conversations().get(row) else { continue };
                let state = match (tap.kind(), conv.stream) {
                    (ConvType::Tcp, Some(st)) => self.conns.get(st).map(|l| l.summary()).unwrap_or(""),
                    _ => "",
                };
                rows.push(ConvRow { table, row, conv: conv.clone(), state });
            }
        }
        rows
    }
}

/// The fields the conversation taps and the TCP states read (`stats::scan`,
/// `stats::ladder::SegFields`), with the protocols `stored::own_layers`
/// places them by; the last four have columns.
const CONV_FIELDS: [&str; 22] = [
    "ip", "ipv6", "icmp", "icmpv6", "tcp", "udp", "ip.src", "ip.dst", "ipv6.src", "ipv6.dst", "tcp.srcport",
    "tcp.dstport", "tcp.len", "tcp.stream", "tcp.flags", "udp.srcport", "udp.dstport", "udp.stream", "udp.checksum",
    "tcp.seq_raw", "tcp.ack_raw", "tcp.analysis.retransmission",
];

pub fn conv_fields() -> Vec<Field> {
    CONV_FIELDS.iter().filter_map(|name| field::lookup(name)).collect()
}

/// Starts the worker that builds every conversation table, from the store
/// (`stored`): the time and length of each packet come from the index.
pub fn spawn_conversations(packets: Arc<Packets>, tx: Sender<Event>, job: &Job) {
    let generation = job.generation;
    let (store, index) = (packets.clone(), packets.clone());
    stored::spawn(
        packets,
        conv_fields(),
        Depth::Transport,
        job.cancel_flag(),
        ConvState::new(),
        move |s: &mut ConvState, i, d, bytes| {
            let Some(meta) = FrameMeta::stored(&index.store(), i) else { return };
            // A packet the file gives no time has no `frame.time_relative`: 0, as the tree reads.
            let rel = if meta.no_ts { 0 } else { meta.ts.since(meta.first_ts) };
            s.packet(meta.number, d, bytes, meta.origlen, rel);
        },
        move |s, scanned_to, done| {
            let found = Found::Conversations(s.changed());
            let caught_up = scanned_to >= store.len();
            tx.send(Event::View(ViewProgress { generation, found, scanned_to, caught_up, done })).is_ok()
        },
    );
}

/// The conversation rows as the worker made them before it read the store:
/// by dissecting every packet to the transport layer.
#[cfg(test)]
pub(crate) fn conversations_dissected(packets: Arc<Packets>) -> Vec<ConvRow> {
    let rel = field::lookup("frame.time_relative");
    let (tx, rx) = std::sync::mpsc::channel();
    let visit = move |s: &mut ConvState, i: usize, d: &Dissection, bytes: &[u8]| {
        let len = d.tree.first(&crate::dissect::frame::LEN).and_then(|x| x.value.as_u64()).unwrap_or(bytes.len() as u64);
        s.packet(i as u32 + 1, d, bytes, len as u32, relative_time(d, rel));
    };
    let send = move |s: &mut ConvState, _, _| tx.send(s.changed()).is_ok();
    let cancel = Arc::new(AtomicBool::new(false));
    let walk = walk::spawn_with(packets, Depth::Transport, cancel, ConvState::new(), visit, send);
    walk.join().ok();
    rx.into_iter().flatten().collect()
}

#[cfg(test)]
mod tests {
    use std::sync::mpsc::{channel, RecvTimeoutError};
    use std::time::Duration;

    use super::*;
    use crate::capture::StoreSource;

    #[test]
    fn dropping_the_job_stops_a_worker_that_follows_a_capture() {
        // A source still open (a live capture): the worker waits for more
        // packets until its job goes.
        let packets = Arc::new(Packets::new(StoreSource::Memory(Vec::new()), false));
        let (tx, rx) = channel();
        let job = Job::default();
        spawn_conversations(packets, tx, &job);
        assert!(matches!(rx.recv_timeout(Duration::from_millis(200)), Err(RecvTimeoutError::Timeout)));
        drop(job);
        // The worker's sender goes with it: the channel closes.
        loop {
            match rx.recv_timeout(Duration::from_secs(20)) {
                Ok(_) => continue,
                Err(RecvTimeoutError::Disconnected) => break,
                Err(RecvTimeoutError::Timeout) => panic!("the worker outlived its job"),
            }
        }
    }

    #[test]
    fn chunks_of_another_job_are_refused() {
        let (mut a, b) = (Job::default(), Job::default());
        assert!(!a.accept(b.generation(), 10, true));
        assert_eq!((a.scanned, a.done), (0, false));
        assert!(a.accept(a.generation(), 10, false));
        assert_eq!(a.status(), " · 10 packets read…");
        assert!(a.accept(a.generation(), 12, true));
        assert_eq!(a.status(), "");
    }
}
