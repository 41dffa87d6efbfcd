//! The stream a follow or ladder view shows: its segments as the worker
//! sends them, turned into the ladder's rungs (TCP) and into the bytes
//! each side said, in order, each byte once.

use std::sync::mpsc::Sender;
use std::sync::Arc;

use crate::stats::follow::{Chunk, TcpFollower};
use crate::stats::ladder::Ladder;
use crate::stats::Addr;
use crate::tui::event::Event;
use crate::tui::packets::Packets;

use crate::tui::workers::session::{Found, Job, StreamKey, ViewProgress};

pub struct Stream {
    pub key: StreamKey,
    /// The SYN's sender for TCP (see `Ladder::starting`), the first sender
    /// of a payload for UDP (as tshark's follow names it).
    pub client: (Addr, u16),
    pub server: (Addr, u16),
    /// TCP only: the connection's segments (their payloads dropped once
    /// read into `chunks`).
    pub ladder: Option<Ladder>,
    pub chunks: Vec<Chunk>,
    follower: TcpFollower,
    named: bool,
    /// The stream's decrypted TLS application data (Follow TLS stream)
    /// rather than its TCP payloads: no ladder, one chunk per record.
    pub decrypted: bool,
    pub job: Job,
}

impl Stream {
    /// Starts reading the stream of `frame`; None when it is in none.
    pub fn start(frame: u32, packets: &Arc<Packets>, tx: &Sender<Event>) -> Option<Stream> {
        let key = StreamKey::of_frame(packets, frame)?;
        let job = Job::default();
        key.spawn(packets.clone(), tx.clone(), &job);
        Some(Stream::of(key, job, false))
    }

    /// Starts reading the decrypted TLS data of `frame`'s TCP stream; None
    /// when it is in no TCP stream.
    pub fn start_decrypted(frame: u32, packets: &Arc<Packets>, tx: &Sender<Event>) -> Option<Stream> {
        let key = StreamKey::of_frame(packets, frame).filter(|k| k.proto == "tcp")?;
        let job = Job::default();
        key.spawn_decrypted(packets.clone(), tx.clone(), &job);
        Some(Stream::of(key, job, true))
    }

    fn of(key: StreamKey, job: Job, decrypted: bool) -> Stream {
        Stream {
            client: key.ends[0],
            server: key.ends[1],
            key,
            ladder: None,
            chunks: Vec::new(),
            follower: TcpFollower::default(),
            named: false,
            decrypted,
            job,
        }
    }

    /// Takes in a chunk of the worker's findings; false when it is another
    /// view's.
    pub fn progress(&mut self, p: ViewProgress) -> bool {
        if !self.job.accept_at(p.generation, p.scanned_to, p.caught_up, p.done) {
            return false;
        }
        let Found::Segments(segs) = p.found else { return true };
        for seg in segs {
            if self.key.proto != "tcp" || self.decrypted {
                if seg.payload.is_empty() {
                    continue;
                }
                if !self.named {
                    (self.client, self.server, self.named) = (seg.src, seg.dst, true);
                }
                self.chunks.push(Chunk { from_client: seg.src == self.client, frame: seg.frame, bytes: seg.payload });
                continue;
            }
            let l = self.ladder.get_or_insert_with(|| Ladder::starting(&seg));
            (self.client, self.server) = (l.client, l.server);
            l.push(seg);
            if let Some(r) = l.rungs.last_mut() {
                self.chunks.extend(self.follower.push(r));
                r.seg.payload = Vec::new();
            }
        }
        true
    }
}
