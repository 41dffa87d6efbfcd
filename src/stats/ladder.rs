//! One TCP connection as a sequence of segments with what the capture
//! shows of each endpoint's state: the model of the ladder diagram and of
//! the conversations table's state column.

use std::collections::HashMap;

use super::scan::{Addr, TransportFields};
use crate::dissect::Dissection;
use crate::field::{self, Field};
use crate::dissect::conv::ConvKey;

pub use crate::dissect::tcp::flags::{ACK, FIN, PSH, RST, SYN};

/// One segment as the dissection shows it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SegInfo {
    pub frame: u32,
    /// Since the first packet of the capture, in nanoseconds.
    pub rel: i64,
    pub src: (Addr, u16),
    pub dst: (Addr, u16),
    pub seq: u32,
    pub ack: u32,
    pub flags: u16,
    pub len: u32,
    /// The payload (for following the stream).
    pub payload: Vec<u8>,
    /// The dissector flagged it (`tcp.analysis.retransmission`).
    pub retrans: bool,
}

/// The TCP items a segment is read from.
pub struct SegFields {
    transport: TransportFields,
    seq: Option<Field>,
    ack: Option<Field>,
    flags: Option<Field>,
    len: Option<Field>,
    retrans: Option<Field>,
    /// Whether `read` copies the payload.
    pub payload: bool,
}

impl Default for SegFields {
    fn default() -> Self {
        SegFields {
            transport: TransportFields::new("tcp"),
            seq: field::lookup("tcp.seq_raw"),
            ack: field::lookup("tcp.ack_raw"),
            flags: field::lookup("tcp.flags"),
            len: field::lookup("tcp.len"),
            retrans: field::lookup("tcp.analysis.retransmission"),
            payload: true,
        }
    }
}

impl SegFields {
    /// The packet's TCP segment and its `tcp.stream`, if it has one.
    pub fn read(&self, d: &Dissection, frame_bytes: &[u8], frame: u32, rel: i64) -> Option<(Option<u32>, SegInfo)> {
        let t = self.transport.read(d)?;
        let get = |f: Option<Field>| {
            let f = f?;
            d.tree.nodes.iter().find(|n| field::same(n.field, f)).and_then(|n| n.value.as_u64())
        };
        let payload = t.payload.filter(|_| self.payload).map(|id| d.node_bytes(frame_bytes, id).to_vec()).unwrap_or_default();
        let seg = SegInfo {
            frame,
            rel,
            src: (t.src, t.sport),
            dst: (t.dst, t.dport),
            seq: get(self.seq)? as u32,
            ack: get(self.ack).unwrap_or(0) as u32,
            flags: get(self.flags)? as u16,
            len: get(self.len).or(t.payload.map(|id| d.node_bytes(frame_bytes, id).len() as u64)).unwrap_or(0) as u32,
            payload,
            retrans: self.retrans.is_some_and(|f| d.tree.has(f)),
        };
        Some((t.stream, seg))
    }
}

/// What an endpoint's state looks like from the packets it sent and got.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TcpState {
    Closed,
    Listen,
    SynSent,
    SynRcvd,
    Established,
    FinWait1,
    FinWait2,
    CloseWait,
    Closing,
    LastAck,
    TimeWait,
    Reset,
}

impl TcpState {
    pub fn name(self) -> &'static str {
        match self {
            TcpState::Closed => "CLOSED",
            TcpState::Listen => "LISTEN",
            TcpState::SynSent => "SYN_SENT",
            TcpState::SynRcvd => "SYN_RCVD",
            TcpState::Established => "ESTABLISHED",
            TcpState::FinWait1 => "FIN_WAIT_1",
            TcpState::FinWait2 => "FIN_WAIT_2",
            TcpState::CloseWait => "CLOSE_WAIT",
            TcpState::Closing => "CLOSING",
            TcpState::LastAck => "LAST_ACK",
            TcpState::TimeWait => "TIME_WAIT",
            TcpState::Reset => "RESET",
        }
    }
}

/// One arrow of the ladder.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Rung {
    pub seg: SegInfo,
    pub from_client: bool,
    /// Relative to the sender's initial sequence number.
    pub rel_seq: u32,
    /// Relative to the receiver's initial sequence number (when ACK is set
    /// and that number is known).
    pub rel_ack: Option<u32>,
    /// Since the previous segment of the connection, in nanoseconds.
    pub delta: i64,
    pub retrans: bool,
    /// Each endpoint's state once this segment is seen.
    pub client: TcpState,
    pub server: TcpState,
}

/// A connection's segments in capture order.
#[derive(Clone, Debug)]
pub struct Ladder {
    pub client: (Addr, u16),
    pub server: (Addr, u16),
    pub rungs: Vec<Rung>,
    state: [TcpState; 2],
    isn: [Option<u32>; 2],
    /// One past the highest sequence number each side has sent.
    high: [Option<u32>; 2],
    /// The sequence number each side's FIN took.
    fin: [Option<u32>; 2],
}

fn after(a: u32, b: u32) -> bool {
    (a.wrapping_sub(b) as i32) > 0
}

impl Ladder {
    pub fn new(client: (Addr, u16), server: (Addr, u16)) -> Ladder {
        Ladder {
            client,
            server,
            rungs: Vec::new(),
            state: [TcpState::Closed, TcpState::Closed],
            isn: [None, None],
            high: [None, None],
            fin: [None, None],
        }
    }

    /// The ladder a connection's first segment starts: the sender of a SYN
    /// is the client, the receiver of a SYN-ACK too; without either, the
    /// first sender.
    pub fn starting(seg: &SegInfo) -> Ladder {
        if seg.flags & (SYN | ACK) == SYN | ACK {
            Ladder::new(seg.dst, seg.src)
        } else {
            Ladder::new(seg.src, seg.dst)
        }
    }

    pub fn states(&self) -> (TcpState, TcpState) {
        (self.state[0], self.state[1])
    }

    /// The connection's state in one word, as `ss` would show the client.
    pub fn summary(&self) -> &'static str {
        let (c, s) = self.states();
        if c == TcpState::Reset {
            return "RESET";
        }
        match (c, s) {
            (TcpState::SynSent, _) => "SYN_SENT",
            (TcpState::Established, TcpState::Established) | (TcpState::Established, _) => "ESTABLISHED",
            (TcpState::TimeWait | TcpState::Closed, TcpState::Closed | TcpState::LastAck) => "CLOSED",
            (TcpState::Closed, _) => "CLOSED",
            _ if matches!(s, TcpState::Established | TcpState::SynRcvd) => "ESTABLISHED",
            _ => "FIN_WAIT",
        }
    }

    pub fn push(&mut self, seg: SegInfo) {
        let from_client = seg.src == self.client;
        let (me, peer) = if from_client { (0, 1) } else { (1, 0) };
        let f = seg.flags;
        if f & SYN != 0 || self.isn[me].is_none() {
            self.isn[me].get_or_insert(seg.seq);
        }
        let isn = self.isn[me].unwrap_or(seg.seq);
        let span = seg.len + u32::from(f & SYN != 0) + u32::from(f & FIN != 0);
        let end = seg.seq.wrapping_add(span);
        let retrans = seg.retrans
            || (span > 0 && f & RST == 0 && self.high[me].is_some_and(|h| !after(end, h)));
        if self.high[me].is_none_or(|h| after(end, h)) {
            self.high[me] = Some(end);
        }
        let rel_ack = (f & ACK != 0).then(|| self.isn[peer].map(|i| seg.ack.wrapping_sub(i))).flatten();
        self.step(me, peer, &seg, retrans);
        let delta = self.rungs.last().map(|r| seg.rel - r.seg.rel).unwrap_or(0);
        self.rungs.push(Rung {
            rel_seq: seg.seq.wrapping_sub(isn),
            rel_ack,
            delta,
            retrans,
            from_client,
            client: self.state[0],
            server: self.state[1],
            seg,
        });
    }

    /// The endpoint state machine, driven by what each side sends.
    fn step(&mut self, me: usize, peer: usize, seg: &SegInfo, retrans: bool) {
        use TcpState::*;
        let f = seg.flags;
        if f & RST != 0 {
            self.state = [Reset, Reset];
            return;
        }
        if retrans {
            return;
        }
        if f & SYN != 0 {
            if f & ACK == 0 {
                self.state[me] = SynSent;
                if self.state[peer] == Closed {
                    self.state[peer] = Listen;
                }
            } else {
                self.state[me] = SynRcvd;
            }
            return;
        }
        // The peer's FIN acknowledged?
        if f & ACK != 0 && self.fin[peer].is_some_and(|s| !after(s.wrapping_add(1), seg.ack)) {
            self.state[peer] = match self.state[peer] {
                FinWait1 => FinWait2,
                LastAck => Closed,
                Closing => TimeWait,
                s => s,
            };
        }
        if matches!(self.state[me], SynSent | SynRcvd | Closed) && f & ACK != 0 {
            self.state[me] = Established;
            if self.state[peer] == SynRcvd || self.state[peer] == SynSent {
                self.state[peer] = Established;
            }
        }
        if f & FIN != 0 {
            self.fin[me] = Some(seg.seq.wrapping_add(seg.len));
            self.state[me] = match self.state[me] {
                CloseWait => LastAck,
                FinWait1 | FinWait2 => self.state[me],
                _ => FinWait1,
            };
            self.state[peer] = match self.state[peer] {
                FinWait1 => Closing,
                FinWait2 => TimeWait,
                LastAck | Closed | TimeWait => self.state[peer],
                _ => CloseWait,
            };
        }
    }
}

/// Every TCP connection of a capture, fed one dissection at a time.
#[derive(Default)]
pub struct Connections {
    fields: SegFields,
    /// Connections by `tcp.stream` (or, before the dissector numbers
    /// streams, by address pair in order of appearance).
    by_stream: HashMap<u32, usize>,
    by_key: HashMap<ConvKey, u32>,
    list: Vec<(u32, Ladder)>,
    states_only: bool,
}

impl Connections {
    pub fn packet(&mut self, d: &Dissection, bytes: &[u8], frame: u32, rel: i64) {
        let Some((stream, seg)) = self.fields.read(d, bytes, frame, rel) else { return };
        let stream = match stream {
            Some(s) => s,
            None => {
                let (Some(a), Some(b)) = (seg.src.0.ip(), seg.dst.0.ip()) else { return };
                let next = self.by_key.len() as u32;
                *self.by_key.entry(ConvKey::new(a, seg.src.1, b, seg.dst.1)).or_insert(next)
            }
        };
        let i = match self.by_stream.get(&stream) {
            Some(&i) => i,
            None => {
                self.list.push((stream, Ladder::starting(&seg)));
                self.by_stream.insert(stream, self.list.len() - 1);
                self.list.len() - 1
            }
        };
        let l = &mut self.list[i].1;
        l.push(seg);
        if self.states_only {
            // The state machine needs the previous rung only.
            let n = l.rungs.len();
            l.rungs.drain(..n.saturating_sub(1));
        }
    }

    /// Connections that keep each endpoint's state but not the segments
    /// (the conversations table's state column over a whole capture).
    pub fn states_only() -> Connections {
        let mut c = Connections { states_only: true, ..Connections::default() };
        c.fields.payload = false;
        c
    }

    pub fn get(&self, stream: u32) -> Option<&Ladder> {
        self.by_stream.get(&stream).and_then(|&i| self.list.get(i)).map(|(_, l)| l)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::net::Ipv4Addr;

    fn seg(frame: u32, from_client: bool, seq: u32, ack: u32, flags: u16, len: u32) -> SegInfo {
        let c = (Addr::V4(Ipv4Addr::LOCALHOST), 44848);
        let s = (Addr::V4(Ipv4Addr::LOCALHOST), 12000);
        let (src, dst) = if from_client { (c, s) } else { (s, c) };
        SegInfo { frame, rel: frame as i64 * 1000, src, dst, seq, ack, flags, len, payload: Vec::new(), retrans: false }
    }

    #[test]
    fn handshake_data_and_close_walk_the_states() {
        let c = (Addr::V4(Ipv4Addr::LOCALHOST), 44848);
        let s = (Addr::V4(Ipv4Addr::LOCALHOST), 12000);
        let mut l = Ladder::new(c, s);
        let (ci, si) = (1000u32, 5000u32);
        l.push(seg(1, true, ci, 0, SYN, 0));
        assert_eq!(l.states(), (TcpState::SynSent, TcpState::Listen));
        l.push(seg(2, false, si, ci + 1, SYN | ACK, 0));
        l.push(seg(3, true, ci + 1, si + 1, ACK, 0));
        assert_eq!(l.states(), (TcpState::Established, TcpState::Established));
        l.push(seg(4, true, ci + 1, si + 1, PSH | ACK, 15));
        l.push(seg(5, true, ci + 1, si + 1, PSH | ACK, 15));
        assert!(l.rungs[4].retrans && !l.rungs[3].retrans);
        l.push(seg(6, true, ci + 16, si + 1, FIN | ACK, 0));
        assert_eq!(l.states(), (TcpState::FinWait1, TcpState::CloseWait));
        l.push(seg(7, false, si + 1, ci + 17, FIN | ACK, 0));
        assert_eq!(l.states(), (TcpState::TimeWait, TcpState::LastAck));
        l.push(seg(8, true, ci + 17, si + 2, ACK, 0));
        assert_eq!(l.states(), (TcpState::TimeWait, TcpState::Closed));
        assert_eq!(l.summary(), "CLOSED");
        let r = &l.rungs[6];
        assert_eq!((r.rel_seq, r.rel_ack), (1, Some(17)));
        assert_eq!(l.rungs[0].rel_ack, None);
    }

    #[test]
    fn reset_ends_both_sides() {
        let c = (Addr::V4(Ipv4Addr::LOCALHOST), 44848);
        let mut l = Ladder::new(c, (Addr::V4(Ipv4Addr::LOCALHOST), 12000));
        l.push(seg(1, true, 7, 0, SYN, 0));
        l.push(seg(2, false, 0, 8, RST | ACK, 0));
        assert_eq!(l.summary(), "RESET");
    }
}
