//! TCP connections across packets: the stream table, each direction's
//! sequence state and analysis, reassembly, the per-frame results a later
//! dissection of the same packet reads back, and the views the follow-stream
//! pane and the ladder diagram use.

pub mod seq_analysis;
mod frame_rec;
mod frame_store;
pub mod reassembly;

use crate::store::packed::{Pack, Packed};
use crate::dissect::conv::HashMap;
use crate::store::varint::{get_u32, put};
use std::net::IpAddr;

use crate::field::Timestamp;

use crate::dissect::conv::ConvKey;
pub use seq_analysis::{flag, Findings};
use seq_analysis::{Dir, Seg, ACK, FIN, RST, SCALE_NONE, SCALE_UNKNOWN, SYN};
pub use frame_rec::FrameRec;
use frame_rec::Rare;
pub use reassembly::{Accept, Held, Reasm, HELD_LIMIT, PDU_LIMIT};

/// `tcp.completeness` bits.
pub mod complete {
    pub const SYN: u8 = 1;
    pub const SYNACK: u8 = 2;
    pub const ACK: u8 = 4;
    pub const DATA: u8 = 8;
    pub const FIN: u8 = 16;
    pub const RST: u8 = 32;
}

/// A segment's header as the dissector read it.
#[derive(Clone, Copy, Debug)]
pub struct SegIn {
    pub src: IpAddr,
    pub sport: u16,
    pub dst: IpAddr,
    pub dport: u16,
    pub frame: u32,
    pub ts: Timestamp,
    pub seq: u32,
    pub ack: u32,
    pub flags: u16,
    pub win: u16,
    pub len: u32,
    /// The window scale option's shift count, if the segment has one.
    pub wscale: Option<u8>,
    /// Bytes covered by the segment's SACK blocks.
    pub sacked: u32,
    /// An FTP control connection announced this connection (PASV, EPSV,
    /// EPRT) before this segment: tshark's conversation for it exists
    /// before the SYN, and its completeness then leaves the SYN out.
    pub announced: bool,
    /// A header length below 20: Wireshark tracks the segment (its length
    /// is all the bytes after that header) but counts no completeness bit.
    pub bogus: bool,
}

/// What the stream table says about one segment (`tcp.stream`, relative
/// numbers, window, times, analysis).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct SegOut {
    pub stream: u32,
    pub from_client: bool,
    pub seq: u32,
    pub ack: u32,
    pub nxtseq: u32,
    /// The peer's base sequence number (for relative SACK edges).
    pub ack_base: u32,
    /// Calculated window size.
    pub window: u32,
    /// Scaling factor: a multiplier, -1 unknown, -2 not used; 0 for SYNs.
    pub scale: i32,
    /// `tcp.time_relative` and `tcp.time_delta`, ns.
    pub time_rel: i64,
    pub time_delta: i64,
    /// Handshake RTT (ns) if known by this segment, else 0.
    pub irtt: i64,
    pub completeness: u8,
    /// A FIN from the side that closed first (it initiates the closing).
    pub fin_active: bool,
    /// A header quoted in an ICMP error: raw numbers, no analysis.
    pub quoted: bool,
    pub findings: Findings,
}

/// How an application dissector was called on a frame, to call it the same
/// way when the frame is dissected again.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AppCall {
    /// The payload shown as data (no application dissector).
    Data,
    /// Bytes of the frame's own payload.
    Payload { off: u32, len: u32 },
    /// A reassembled message, `TcpTable::pdu(id)`.
    Reassembled(u32),
}

/// The calls made for one frame: almost always none or one, kept inline.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub enum Calls {
    #[default]
    None,
    One(AppCall),
    /// Boxed: a frame's record stays small for the common cases.
    Many(Box<Vec<AppCall>>),
}

impl Calls {
    pub fn push(&mut self, c: AppCall) {
        *self = match std::mem::take(self) {
            Calls::None => Calls::One(c),
            Calls::One(a) => Calls::Many(Box::new(vec![a, c])),
            Calls::Many(mut v) => {
                v.push(c);
                Calls::Many(v)
            }
        };
    }

    pub fn as_slice(&self) -> &[AppCall] {
        match self {
            Calls::None => &[],
            Calls::One(c) => std::slice::from_ref(c),
            Calls::Many(v) => v,
        }
    }

    pub fn is_empty(&self) -> bool {
        matches!(self, Calls::None)
    }
}

/// A message reassembled from several segments.
#[derive(Clone, Debug)]
pub struct StoredPdu {
    pub bytes: Box<[u8]>,
    /// (frame, bytes it contributed), in sequence order.
    pub segments: Box<[(u32, u32)]>,
}

/// Where a follow-stream chunk's bytes are.
#[derive(Clone, Debug)]
enum ChunkAt {
    /// At this offset in the frame.
    Frame(u32),
    /// Bytes not in the frame as captured (reassembled from others),
    /// `TcpTable::inline[i]`; kept aside so that a chunk stays small.
    Inline(u32),
}

#[derive(Clone, Debug)]
struct ChunkRef {
    dir: u8,
    frame: u32,
    len: u32,
    at: ChunkAt,
}

/// Chunks are packed against the previous chunk's frame.
impl Pack for ChunkRef {
    type Carry = u32;
    type Shared = ();
    /// Read by position only.
    type Key = ();

    fn key(&self) {}

    fn pack(&self, frame: &mut u32, _: &mut (), out: &mut Vec<u8>) {
        let (inline, at) = match self.at {
            ChunkAt::Frame(off) => (0, off),
            ChunkAt::Inline(i) => (2, i),
        };
        out.push(self.dir & 1 | inline);
        put(out, self.frame.wrapping_sub(*frame) as u64);
        put(out, self.len as u64);
        put(out, at as u64);
        *frame = self.frame;
    }

    fn unpack(frame: &mut u32, _: &(), rd: &mut &[u8]) -> Option<ChunkRef> {
        let (&tag, rest) = rd.split_first()?;
        *rd = rest;
        *frame = frame.wrapping_add(get_u32(rd)?);
        let len = get_u32(rd)?;
        let at = get_u32(rd)?;
        let at = if tag & 2 != 0 { ChunkAt::Inline(at) } else { ChunkAt::Frame(at) };
        Some(ChunkRef { dir: tag & 1, frame: *frame, len, at })
    }
}

/// An application protocol over TCP. The stream table only names it;
/// `dissect::dispatch` maps it to its dissector, so this state does not
/// depend on the dissectors' calling convention.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum App {
    Dns,
    Http,
    Smtp,
    Ftp,
    Tls,
    Ssh,
    /// An FTP data connection (announced on a control connection).
    FtpData,
    Pop,
    Imap,
    /// After an HTTP upgrade.
    WebSocket,
    /// The reassembly tests' line-based protocol (`tcp::pdu`).
    #[cfg(test)]
    TestLines,
    /// The reassembly tests' length-prefixed protocol (`tcp::pdu`).
    #[cfg(test)]
    TestPrefixed,
}

impl App {
    /// Every application, in declaration order.
    const ALL: &[App] = &[
        App::Dns,
        App::Http,
        App::Smtp,
        App::Ftp,
        App::Tls,
        App::Ssh,
        App::FtpData,
        App::Pop,
        App::Imap,
        App::WebSocket,
        #[cfg(test)]
        App::TestLines,
        #[cfg(test)]
        App::TestPrefixed,
    ];

    /// The application's number in a packed record (0 is none).
    pub fn packed(self) -> u64 {
        self as u64 + 1
    }

    /// The application of packed number `n` (1 and up).
    pub fn unpacked(n: u64) -> Option<App> {
        App::ALL.get((n as usize).checked_sub(1)?).copied()
    }
}

/// The application dissector chosen for a direction.
#[derive(Clone, Copy, Debug, Default)]
pub enum AppSlot {
    #[default]
    Undecided,
    None,
    Some(App),
}

pub struct Stream {
    pub index: u32,
    pub client: (IpAddr, u16),
    pub server: (IpAddr, u16),
    /// Client to server, server to client.
    dirs: [Dir; 2],
    pub reasm: [Reasm; 2],
    pub apps: [AppSlot; 2],
    first_ts: i64,
    prev_ts: i64,
    mru_syn: i64,
    first_rtt: i64,
    completeness: u8,
    /// Which direction sent the first FIN (0 client, 1 server).
    closer: Option<u8>,
    /// A bit for each direction that sent a FIN; both after a RST.
    ended: u8,
    /// Segments seen.
    count: u32,
}

impl Stream {
    fn new(index: u32, client: (IpAddr, u16), server: (IpAddr, u16)) -> Stream {
        Stream {
            index,
            client,
            server,
            dirs: [Dir::default(), Dir::default()],
            reasm: [Reasm::default(), Reasm::default()],
            apps: [AppSlot::Undecided; 2],
            first_ts: 0,
            prev_ts: 0,
            mru_syn: 0,
            first_rtt: 0,
            completeness: 0,
            closer: None,
            ended: 0,
            count: 0,
        }
    }

    /// Frees the spare room a closed stream keeps from its busy time (a
    /// capture of many short connections holds thousands of them). Its
    /// state stays: late segments are still tracked as before.
    fn trim(&mut self) {
        self.dirs.iter_mut().for_each(Dir::trim);
        self.reasm.iter_mut().for_each(Reasm::trim);
    }
}

/// Bytes of one direction in stream order, from one frame.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FollowChunk {
    pub from_client: bool,
    pub frame: u32,
    pub bytes: Vec<u8>,
}

pub struct TcpTable {
    by_conv: HashMap<ConvKey, u32>,
    streams: Vec<Stream>,
    frames: frame_store::FrameStore,
    rare: Vec<Rare>,
    /// Each stream's follow-stream chunks, when kept (`keep_chunks`).
    chunks: Vec<Packed<ChunkRef>>,
    inline: Vec<Box<[u8]>>,
    pdus: Vec<StoredPdu>,
    /// Whether frames will be dissected again (the inspector, `-2`): then
    /// per-frame results and reassembled messages are kept. A one-pass run
    /// has no use for them.
    pub keep_frames: bool,
    /// Whether streams will be followed from this table (`-z follow,tcp`):
    /// then their chunks are kept. The inspector's follow view reads the
    /// stream's packets again instead.
    pub keep_chunks: bool,
}

impl Default for TcpTable {
    fn default() -> TcpTable {
        TcpTable {
            by_conv: HashMap::default(),
            streams: Vec::new(),
            frames: frame_store::FrameStore::default(),
            rare: Vec::new(),
            chunks: Vec::new(),
            inline: Vec::new(),
            pdus: Vec::new(),
            keep_frames: true,
            keep_chunks: false,
        }
    }
}

fn nanos(t: Timestamp) -> i64 {
    t.as_nanos() as i64
}

impl TcpTable {
    /// The stream a segment belongs to, opening a new one for a new
    /// connection or a port reuse (a SYN with a new initial sequence number
    /// on a known connection). A SYN/ACK with a new initial sequence number
    /// stays on its connection, as in tshark 4.0, and moves the sender's
    /// base sequence number.
    fn stream_for(&mut self, s: &SegIn) -> (usize, bool, Found) {
        let key = ConvKey::new(s.src, s.sport, s.dst, s.dport);
        let me = (s.src, s.sport);
        let peer = (s.dst, s.dport);
        let mut found = Found::New;
        if let Some(&i) = self.by_conv.get(&key) {
            let st = &mut self.streams[i as usize];
            let fc = st.client == me;
            let fwd = &mut st.dirs[if fc { 0 } else { 1 }];
            let new_isn = s.flags & SYN != 0 && fwd.base_set && s.seq != fwd.base_seq;
            if !new_isn {
                return (i as usize, fc, Found::Known);
            }
            if s.flags & ACK != 0 {
                fwd.move_base(s.frame, s.seq);
                return (i as usize, fc, Found::Reused);
            }
            found = Found::ReusedNew;
        }
        let index = self.streams.len() as u32;
        let (client, server) =
            if s.flags & (SYN | ACK) == (SYN | ACK) { (peer, me) } else { (me, peer) };
        let mut st = Stream::new(index, client, server);
        if found == Found::ReusedNew {
            st.completeness = complete::SYN;
        }
        self.streams.push(st);
        self.by_conv.insert(key, index);
        (index as usize, client == me, found)
    }

    /// Tracks a segment on the first pass and records the results.
    pub fn first_pass(&mut self, s: &SegIn) -> SegOut {
        let (si, fc, found) = self.stream_for(s);
        let st = &mut self.streams[si];
        let ts = nanos(s.ts);
        let (fi, ri) = if fc { (0, 1) } else { (1, 0) };
        let [d0, d1] = &mut st.dirs;
        let (fwd, rev) = if fi == 0 { (d0, d1) } else { (d1, d0) };

        if !fwd.base_set {
            fwd.set_base(s.frame, if s.flags & SYN != 0 { s.seq } else { s.seq.wrapping_sub(1) });
        }
        if !rev.base_set && s.flags & ACK != 0 {
            rev.set_base(s.frame, s.ack.wrapping_sub(1));
        }

        if s.flags & SYN != 0 {
            if let Some(shift) = s.wscale {
                fwd.win_scale = shift.min(14) as i8;
            }
            window_scaling(s.flags & ACK != 0, fwd, rev);
        }
        let (window, scale) = if s.flags & SYN != 0 {
            (s.win as u32, 0)
        } else if fwd.win_scale >= 0 {
            ((s.win as u32) << fwd.win_scale, 1i32 << fwd.win_scale)
        } else {
            (s.win as u32, fwd.win_scale as i32)
        };

        let first = st.count == 0;
        st.count += 1;
        if first {
            st.first_ts = ts;
            st.prev_ts = ts;
        }
        let time_rel = ts - st.first_ts;
        let time_delta = ts - st.prev_ts;
        st.prev_ts = ts;
        if s.flags & (SYN | ACK) == SYN {
            st.mru_syn = ts;
        }
        if s.flags & (SYN | ACK) == ACK && st.first_rtt == 0 && st.mru_syn != 0 {
            st.first_rtt = ts - st.mru_syn;
        }

        // The analysis sees the header's own numbers, as Wireshark's does.
        let seg = Seg { frame: s.frame, ts, seq: s.seq, ack: s.ack, len: s.len, flags: s.flags, window: s.win as u32 };
        fwd_sacked(&mut st.dirs[fi], s.sacked);
        let (fwd, rev) = if fi == 0 {
            let [a, b] = &mut st.dirs;
            (a, b)
        } else {
            let [a, b] = &mut st.dirs;
            (b, a)
        };
        let mut findings = seq_analysis::analyze(fwd, rev, &seg, st.first_rtt);
        if found != Found::Known && found != Found::New {
            findings.flags |= flag::REUSED_PORTS;
        }
        if s.flags & SYN != 0 {
            fwd.first_ack = true;
        } else if s.flags & ACK != 0 {
            fwd.first_ack = false;
        }
        let seq = s.seq.wrapping_sub(fwd.base_seq);
        let ack = if s.flags & ACK != 0 { s.ack.wrapping_sub(rev.base_seq) } else { 0 };
        let mut nxtseq = seq.wrapping_add(s.len);
        if s.flags & (SYN | FIN) != 0 {
            nxtseq = nxtseq.wrapping_add(1);
        }
        let fin_active = s.flags & FIN != 0 && *st.closer.get_or_insert(fi as u8) == fi as u8;
        if s.flags & FIN != 0 {
            st.ended |= 1 << fi;
        }
        if s.flags & RST != 0 {
            st.ended = 3;
        }
        if st.ended == 3 {
            st.trim();
        }
        let completeness = st.completeness;
        if !s.bogus {
            st.completeness |= completeness_bits(found == Found::New && !s.announced, s);
        }
        let out = SegOut {
            stream: st.index,
            from_client: fc,
            seq,
            ack,
            nxtseq,
            ack_base: st.dirs[ri].base_seq,
            window,
            scale,
            time_rel,
            time_delta,
            irtt: st.first_rtt,
            completeness,
            fin_active,
            quoted: false,
            findings,
        };
        let (shift, ack_base) = (st.dirs[fi].win_scale, st.dirs[ri].base_set);
        self.record(s, &out, shift, ack_base);
        out
    }

    /// Keeps a segment's results for revisits and the stream's views.
    fn record(&mut self, s: &SegIn, seg: &SegOut, shift: i8, ack_base: bool) {
        if !self.keep_frames {
            return;
        }
        self.frames.push(FrameRec::new(s.frame, seg, shift, ack_base, &mut self.rare));
    }

    /// A header quoted in an ICMP error: its stream's numbers as they are,
    /// raw sequence numbers, no analysis; tshark still counts it in the
    /// stream's times.
    pub fn first_pass_quoted(&mut self, s: &SegIn) -> Option<SegOut> {
        let i = *self.by_conv.get(&ConvKey::new(s.src, s.sport, s.dst, s.dport))? as usize;
        let st = self.streams.get_mut(i)?;
        let fc = st.client == (s.src, s.sport);
        let ts = nanos(s.ts);
        let scale = st.dirs[if fc { 0 } else { 1 }].win_scale;
        let (window, factor) = if scale >= 0 {
            ((s.win as u32) << scale, 1i32 << scale)
        } else {
            (s.win as u32, scale as i32)
        };
        let out = SegOut {
            stream: st.index,
            from_client: fc,
            seq: s.seq,
            ack: s.ack,
            window,
            scale: factor,
            time_rel: ts - st.first_ts,
            time_delta: ts - st.prev_ts,
            completeness: st.completeness,
            quoted: true,
            ..SegOut::default()
        };
        st.prev_ts = ts;
        self.record(s, &out, scale, false);
        Some(out)
    }

    /// The first pass's results for segment `s`, seen again.
    pub fn revisit(&self, s: &SegIn) -> Option<SegOut> {
        let r = self.frame(s.frame)?;
        Some(r.seg_out(s, self.streams.get(r.stream() as usize)?, &self.rare))
    }

    /// The first-pass record of `frame`.
    pub fn frame(&self, frame: u32) -> Option<FrameRec> {
        self.frames.get(frame)
    }

    /// The record of the segment being dissected on the first pass.
    pub fn current(&mut self) -> Option<&mut FrameRec> {
        self.frames.current()
    }

    pub fn stream_mut(&mut self, index: u32) -> Option<&mut Stream> {
        self.streams.get_mut(index as usize)
    }

    pub fn pdu(&self, id: u32) -> Option<&StoredPdu> {
        self.pdus.get(id as usize)
    }

    /// Keeps a reassembled message for re-dissection and tells its earlier
    /// segments where it was completed. Returns the id for `AppCall`.
    pub fn store_pdu(&mut self, frame: u32, bytes: &[u8], segments: &[(u32, u32)]) -> Option<u32> {
        for &(f, _) in segments {
            if f != frame {
                self.frames.set_reassembled_in(f, frame);
            }
        }
        if !self.keep_frames {
            return None;
        }
        self.pdus.push(StoredPdu { bytes: bytes.into(), segments: segments.into() });
        Some(self.pdus.len() as u32 - 1)
    }

    /// Records bytes delivered in stream order, for follow-stream.
    pub fn add_chunk(&mut self, stream: u32, from_client: bool, frame: u32, frame_off: Option<u32>, bytes: &[u8]) {
        if bytes.is_empty() || !self.keep_chunks || stream as usize >= self.streams.len() {
            return;
        }
        if self.chunks.len() <= stream as usize {
            self.chunks.resize_with(stream as usize + 1, Packed::default);
        }
        let at = match frame_off {
            Some(o) => ChunkAt::Frame(o),
            None => {
                self.inline.push(bytes.into());
                ChunkAt::Inline(self.inline.len() as u32 - 1)
            }
        };
        self.chunks[stream as usize].push(&ChunkRef { dir: (!from_client) as u8, frame, len: bytes.len() as u32, at });
    }

    pub fn stream_count(&self) -> u32 {
        self.streams.len() as u32
    }

    /// The client and server endpoints of a stream.
    pub fn endpoints(&self, stream: u32) -> Option<((IpAddr, u16), (IpAddr, u16))> {
        self.streams.get(stream as usize).map(|s| (s.client, s.server))
    }

    /// Both directions' bytes in stream order (retransmitted bytes once,
    /// out-of-order bytes in their place), as chunks in the order they were
    /// completed. `frame_bytes(n)` gives frame n's captured bytes.
    pub fn follow(&self, stream: u32, mut frame_bytes: impl FnMut(u32) -> Option<Vec<u8>>) -> Vec<FollowChunk> {
        let Some(chunks) = self.chunks.get(stream as usize) else { return Vec::new() };
        let mut out: Vec<FollowChunk> = Vec::with_capacity(chunks.len());
        let mut cache: Option<(u32, Vec<u8>)> = None;
        for c in chunks.iter() {
            let bytes = match &c.at {
                ChunkAt::Inline(i) => match self.inline.get(*i as usize) {
                    Some(b) => b.to_vec(),
                    None => continue,
                },
                ChunkAt::Frame(off) => {
                    if cache.as_ref().map(|(f, _)| *f) != Some(c.frame) {
                        cache = frame_bytes(c.frame).map(|b| (c.frame, b));
                    }
                    let Some((_, data)) = &cache else { continue };
                    let (s, e) = (*off as usize, *off as usize + c.len as usize);
                    match data.get(s..e) {
                        Some(b) => b.to_vec(),
                        None => continue,
                    }
                }
            };
            let from_client = c.dir == 0;
            match out.last_mut() {
                Some(l) if l.from_client == from_client && l.frame == c.frame => l.bytes.extend(bytes),
                _ => out.push(FollowChunk { from_client, frame: c.frame, bytes }),
            }
        }
        out
    }
}

/// `tcp.completeness` bits a segment adds. As in tshark, a stream's first
/// segment (`new`) counts only if it is a SYN (with its data, TCP Fast Open),
/// a later one only if it is not a SYN, an ACK only without data, and a FIN
/// only with an ACK.
fn completeness_bits(new: bool, s: &SegIn) -> u8 {
    let syn_ack = s.flags & (SYN | ACK);
    if new {
        return match syn_ack {
            SYN if s.len > 0 => complete::SYN | complete::DATA,
            SYN => complete::SYN,
            _ => 0,
        };
    }
    let mut b = 0;
    if syn_ack == SYN | ACK {
        b |= complete::SYNACK;
    }
    if syn_ack == ACK {
        b |= if s.len > 0 { complete::DATA } else { complete::ACK };
    }
    if s.flags & (FIN | ACK) == FIN | ACK {
        b |= complete::FIN;
    }
    if s.flags & RST != 0 {
        b |= complete::RST;
    }
    b
}

/// How `TcpTable::stream_for` placed a segment.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Found {
    /// On a stream it opened.
    New,
    /// On a known stream.
    Known,
    /// On a known stream whose sender's base its SYN/ACK moved.
    Reused,
    /// On a stream its SYN opened on a known connection.
    ReusedNew,
}

fn fwd_sacked(d: &mut Dir, sacked: u32) {
    d.sacked = sacked;
}

/// Settles whether window scaling is in use once a SYN is seen: both SYNs
/// must carry the option.
fn window_scaling(synack: bool, fwd: &mut Dir, rev: &mut Dir) {
    if fwd.win_scale == SCALE_UNKNOWN {
        fwd.win_scale = SCALE_NONE;
        rev.win_scale = SCALE_NONE;
    } else if synack && rev.win_scale == SCALE_NONE {
        fwd.win_scale = SCALE_NONE;
    }
}

#[cfg(test)]
mod tests;
