//! Each analysis finding on a small synthetic connection.

use std::net::{IpAddr, Ipv4Addr};

use super::*;

const C: IpAddr = IpAddr::V4(Ipv4Addr::new(10, 0, 0, 1));
const S: IpAddr = IpAddr::V4(Ipv4Addr::new(10, 0, 0, 2));
const CISN: u32 = 1000;
const SISN: u32 = 5000;

/// A connection driven segment by segment; times in milliseconds.
struct Conn {
    t: TcpTable,
    frame: u32,
    /// Every segment and the first pass's results for it.
    seen: Vec<(SegIn, SegOut)>,
    /// An FTP control connection announced this connection.
    announced: bool,
}

/// Once the connection is done, seeing each segment again gives what the
/// first pass gave, but for what the whole stream tells (its completeness
/// and handshake RTT).
impl Drop for Conn {
    fn drop(&mut self) {
        if std::thread::panicking() {
            return;
        }
        for (s, out) in &self.seen {
            let st = &self.t.streams[out.stream as usize];
            let want = SegOut { completeness: st.completeness, irtt: st.first_rtt, ..*out };
            assert_eq!(self.t.revisit(s), Some(want), "frame {}", s.frame);
        }
    }
}

impl Conn {
    fn new() -> Conn {
        Conn { t: TcpTable { keep_chunks: true, ..TcpTable::default() }, frame: 0, seen: Vec::new(), announced: false }
    }

    /// A segment from the client (`c`) or server with relative numbers.
    fn seg(&mut self, c: bool, ms: i64, flags: u16, seq: u32, ack: u32, len: u32, win: u16) -> SegOut {
        self.frame += 1;
        let (src, sp, dst, dp, isn, peer) =
            if c { (C, 40000, S, 80, CISN, SISN) } else { (S, 80, C, 40000, SISN, CISN) };
        let ns = 1_700_000_000_000_000_000i64 + ms * 1_000_000;
        let s = SegIn {
            src,
            sport: sp,
            dst,
            dport: dp,
            frame: self.frame,
            ts: Timestamp { secs: ns / 1_000_000_000, nanos: (ns % 1_000_000_000) as u32 },
            seq: isn.wrapping_add(seq),
            ack: if flags & ACK != 0 { peer.wrapping_add(ack) } else { 0 },
            flags,
            win,
            len,
            wscale: None,
            sacked: 0,
            announced: self.announced,
            bogus: false,
        };
        let out = self.t.first_pass(&s);
        self.seen.push((s, out));
        out
    }

    fn handshake(&mut self) {
        self.seg(true, 0, SYN, 0, 0, 0, 1000);
        self.seg(false, 10, SYN | ACK, 0, 1, 0, 1000);
        self.seg(true, 20, ACK, 1, 1, 0, 1000);
    }
}

#[test]
fn handshake_numbers_rtt_and_completeness() {
    let mut c = Conn::new();
    let syn = c.seg(true, 0, SYN, 0, 0, 0, 1000);
    assert_eq!((syn.seq, syn.nxtseq, syn.completeness), (0, 1, 0));
    let sa = c.seg(false, 10, SYN | ACK, 0, 1, 0, 1000);
    assert_eq!((sa.seq, sa.ack, sa.findings.acks_frame, sa.completeness), (0, 1, 1, 1));
    assert_eq!(sa.findings.ack_rtt, 10_000_000);
    let a = c.seg(true, 25, ACK, 1, 1, 0, 1000);
    assert_eq!(a.irtt, 25_000_000);
    assert_eq!(a.findings.acks_frame, 2);
    assert_eq!(a.scale, -2);
    let d = c.seg(true, 30, ACK | PSH_FLAG, 1, 1, 100, 1000);
    assert_eq!((d.nxtseq, d.findings.bytes_in_flight, d.findings.push_bytes), (101, 100, 100));
    assert_eq!(d.completeness, 7);
    assert_eq!(c.seg(false, 40, ACK, 1, 101, 0, 1000).completeness, 15);
}

const PSH_FLAG: u16 = seq_analysis::PSH;

/// tshark's conversation for an FTP data connection exists before its SYN
/// (the control connection announced it), and its completeness then leaves
/// the SYN out.
#[test]
fn an_announced_connection_counts_no_syn() {
    let mut c = Conn::new();
    c.announced = true;
    assert_eq!(c.seg(true, 0, SYN, 0, 0, 0, 1000).completeness, 0);
    assert_eq!(c.seg(false, 10, SYN | ACK, 0, 1, 0, 1000).completeness, 0);
    assert_eq!(c.seg(true, 20, ACK, 1, 1, 0, 1000).completeness, 2);
}

#[test]
fn retransmission_and_rto() {
    let mut c = Conn::new();
    c.handshake();
    c.seg(true, 30, ACK, 1, 1, 100, 1000);
    let r = c.seg(true, 500, ACK, 1, 1, 100, 1000);
    assert_eq!(r.findings.flags, flag::RETRANSMISSION);
    assert_eq!(r.findings.rto_frame, 4);
    assert_eq!(r.findings.rto, 470_000_000);
}

#[test]
fn out_of_order_soon_after() {
    let mut c = Conn::new();
    c.handshake();
    c.seg(true, 30, ACK, 101, 1, 100, 1000);
    let lost = c.seen.last().map(|r| r.1.findings.flags);
    assert_eq!(lost, Some(flag::LOST_PACKET));
    let o = c.seg(true, 31, ACK, 1, 1, 100, 1000);
    assert_eq!(o.findings.flags, flag::OUT_OF_ORDER);
}

#[test]
fn duplicate_acks_then_fast_retransmission() {
    let mut c = Conn::new();
    c.handshake();
    c.seg(true, 30, ACK, 1, 1, 100, 1000);
    c.seg(true, 31, ACK, 101, 1, 100, 1000);
    c.seg(true, 32, ACK, 201, 1, 100, 1000);
    let ack = c.seg(false, 40, ACK, 1, 101, 0, 1000);
    assert_eq!(ack.findings.flags, 0);
    let d1 = c.seg(false, 41, ACK, 1, 101, 0, 1000);
    assert_eq!(d1.findings.flags, flag::DUPLICATE_ACK);
    assert_eq!((d1.findings.dupack_num, d1.findings.dupack_frame), (1, 7));
    let d2 = c.seg(false, 42, ACK, 1, 101, 0, 1000);
    assert_eq!(d2.findings.dupack_num, 2);
    let f = c.seg(true, 43, ACK, 101, 1, 100, 1000);
    assert_eq!(f.findings.flags, flag::FAST_RETRANSMISSION);
}

#[test]
fn spurious_retransmission_of_acked_data() {
    let mut c = Conn::new();
    c.handshake();
    c.seg(true, 30, ACK, 1, 1, 100, 1000);
    c.seg(false, 40, ACK, 1, 101, 0, 1000);
    let s = c.seg(true, 500, ACK, 1, 1, 100, 1000);
    assert_eq!(s.findings.flags, flag::SPURIOUS_RETRANSMISSION);
}

#[test]
fn acked_unseen_segment() {
    let mut c = Conn::new();
    c.handshake();
    c.seg(true, 30, ACK, 1, 1, 100, 1000);
    let a = c.seg(false, 40, ACK, 1, 301, 0, 1000);
    assert_eq!(a.findings.flags & flag::ACK_LOST_PACKET, flag::ACK_LOST_PACKET);
}

#[test]
fn window_update_zero_window_and_probe() {
    let mut c = Conn::new();
    c.handshake();
    let u = c.seg(true, 30, ACK, 1, 1, 0, 2000);
    assert_eq!(u.findings.flags, flag::WINDOW_UPDATE);
    let z = c.seg(false, 40, ACK, 1, 1, 0, 0);
    assert_eq!(z.findings.flags, flag::ZERO_WINDOW);
    let p = c.seg(true, 50, ACK, 1, 1, 1, 2000);
    assert_eq!(p.findings.flags, flag::ZERO_WINDOW_PROBE);
    let pa = c.seg(false, 60, ACK, 1, 1, 0, 0);
    assert_eq!(pa.findings.flags & flag::ZERO_WINDOW_PROBE_ACK, flag::ZERO_WINDOW_PROBE_ACK);
}

#[test]
fn window_full() {
    let mut c = Conn::new();
    c.handshake();
    c.seg(false, 25, ACK, 1, 1, 0, 100);
    let f = c.seg(true, 30, ACK, 1, 1, 100, 1000);
    assert_eq!(f.findings.flags, flag::WINDOW_FULL);
}

#[test]
fn keep_alive_and_its_ack() {
    let mut c = Conn::new();
    c.handshake();
    c.seg(true, 30, ACK, 1, 1, 10, 1000);
    c.seg(false, 40, ACK, 1, 11, 0, 1000);
    let k = c.seg(true, 5000, ACK, 10, 1, 1, 1000);
    assert_eq!(k.findings.flags, flag::KEEP_ALIVE);
    let ka = c.seg(false, 5010, ACK, 1, 11, 0, 1000);
    assert_eq!(ka.findings.flags, flag::KEEP_ALIVE_ACK);
}

#[test]
fn port_reuse_opens_a_new_stream() {
    let mut c = Conn::new();
    c.handshake();
    c.seg(true, 30, FIN | ACK, 1, 1, 0, 1000);
    let again = c.seg(true, 9000, SYN, 77_777, 0, 0, 1000);
    assert_eq!(again.stream, 1);
    assert_eq!(again.findings.flags, flag::REUSED_PORTS);
    assert_eq!(again.seq, 0);
    // A retransmitted SYN is not a new connection.
    let mut d = Conn::new();
    d.seg(true, 0, SYN, 0, 0, 0, 1000);
    let r = d.seg(true, 1000, SYN, 0, 0, 0, 1000);
    assert_eq!(r.stream, 0);
    assert_eq!(r.findings.flags, flag::RETRANSMISSION);
}

#[test]
fn window_scaling_needs_both_syns() {
    let mut t = TcpTable::default();
    let mk = |frame, src, sp, dst, dp, seq, ack, flags, ws| SegIn {
        src,
        sport: sp,
        dst,
        dport: dp,
        frame,
        ts: Timestamp { secs: 1, nanos: frame * 1000 },
        seq,
        ack,
        flags,
        win: 100,
        len: 0,
        wscale: ws,
        sacked: 0,
        announced: false,
        bogus: false,
    };
    t.first_pass(&mk(1, C, 1, S, 2, 10, 0, SYN, Some(4)));
    t.first_pass(&mk(2, S, 2, C, 1, 90, 11, SYN | ACK, Some(7)));
    let a = t.first_pass(&mk(3, C, 1, S, 2, 11, 91, ACK, None));
    assert_eq!((a.window, a.scale), (1600, 16));
    let b = t.first_pass(&mk(4, S, 2, C, 1, 91, 11, ACK, None));
    assert_eq!((b.window, b.scale), (12800, 128));
    let again = |s: &SegIn| t.revisit(s).map(|o| (o.window, o.scale));
    assert_eq!(again(&mk(3, C, 1, S, 2, 11, 91, ACK, None)), Some((1600, 16)));
    assert_eq!(again(&mk(4, S, 2, C, 1, 91, 11, ACK, None)), Some((12800, 128)));
}

#[test]
fn mid_stream_start_is_relative_to_one() {
    let mut c = Conn::new();
    let s = c.seg(true, 0, ACK, 500, 700, 10, 1000);
    assert_eq!((s.seq, s.ack, s.scale), (1, 1, -1));
}

#[test]
fn follow_gives_each_byte_once_in_order() {
    let mut t = TcpTable::default();
    t.add_chunk(0, true, 1, None, b"ab");
    assert!(t.follow(0, |_| None).is_empty());
    let mut c = Conn::new();
    c.handshake();
    c.t.add_chunk(0, true, 4, Some(2), b"hello");
    c.t.add_chunk(0, false, 5, None, b"xyz");
    let f = c.t.follow(0, |n| (n == 4).then(|| b"..hello".to_vec()));
    assert_eq!(f.len(), 2);
    assert_eq!(f[0], FollowChunk { from_client: true, frame: 4, bytes: b"hello".to_vec() });
    assert_eq!(f[1].bytes, b"xyz");
}

#[test]
fn a_closed_stream_keeps_its_numbers_not_its_spare_room() {
    let mut c = Conn::new();
    c.handshake();
    c.seg(true, 30, ACK, 1, 1, 100, 1000);
    c.seg(false, 40, ACK, 1, 101, 0, 1000);
    assert!(c.t.streams[0].dirs[0].unacked_room() > 0, "the data segment was remembered");
    c.seg(true, 50, FIN | ACK, 101, 1, 0, 1000);
    c.seg(false, 60, FIN | ACK, 1, 102, 0, 1000);
    c.seg(true, 70, ACK, 102, 2, 0, 1000);
    assert!(c.t.streams[0].dirs.iter().all(|d| d.unacked_room() == 0));
    // A late copy of acknowledged data is still seen as such.
    let late = c.seg(true, 80, ACK, 1, 1, 100, 1000);
    assert_eq!(late.findings.flags, flag::SPURIOUS_RETRANSMISSION, "{:?}", late.findings);
}

/// tshark 4.0 reports an ACKed unseen segment once, not on the ACKs that
/// follow, and again once the sender has skipped sequence numbers itself.
#[test]
fn an_acked_unseen_segment_is_reported_once() {
    let mut c = Conn::new();
    c.handshake();
    c.seg(true, 30, ACK | PSH_FLAG, 1, 1, 100, 1000);
    let first = c.seg(false, 40, ACK, 1, 301, 0, 1000);
    assert_eq!(first.findings.flags, flag::ACK_LOST_PACKET);
    let dup = c.seg(false, 50, ACK, 1, 301, 0, 1000);
    assert_eq!(dup.findings.flags, flag::DUPLICATE_ACK | flag::NOTED);
    let gap = c.seg(true, 70, ACK | PSH_FLAG, 301, 1, 50, 1000);
    assert_eq!(gap.findings.flags, flag::LOST_PACKET);
    let again = c.seg(false, 80, ACK, 1, 351, 0, 1000);
    assert_eq!(again.findings.flags, flag::ACK_LOST_PACKET);
    assert_eq!(c.seg(false, 90, ACK, 1, 401, 0, 1000).findings.flags, flag::NOTED);
}

/// A SYN/ACK with a new initial sequence number on a known connection (its
/// SYN not captured) stays on the stream, as in tshark 4.0: its sender's base
/// moves, the peer's does not; a second pass shows the reuse on every SYN/ACK.
#[test]
fn a_syn_ack_with_a_new_isn_stays_on_its_stream() {
    let mut c = Conn::new();
    c.seg(false, 0, SYN | ACK, 0, 1, 0, 1000);
    c.seg(true, 1, ACK, 1, 1, 0, 1000);
    c.seg(true, 2, RST | ACK, 1, 1, 0, 1000);
    let sa = c.seg(false, 500, SYN | ACK, 700_000, 90_001, 0, 1000);
    assert_eq!((sa.stream, sa.seq, sa.ack), (0, 0, 90_001));
    let want = flag::REUSED_PORTS | flag::LOST_PACKET | flag::ACK_LOST_PACKET;
    assert_eq!(sa.findings.flags, want);
    let a = c.seg(true, 501, ACK, 90_001, 700_001, 0, 1000);
    assert_eq!((a.stream, a.seq, a.ack), (0, 90_001, 1));
    // The first SYN/ACK, seen again after the base moved.
    c.seen[0].1.findings.flags |= flag::REUSED_PORTS;
}

/// A stream first seen mid-connection, its server's base set from the
/// client's ACK, then a SYN/ACK with a new initial sequence number: seen
/// again, the segments before it keep the numbers of the first pass (the
/// brief records hold those; the pipeline fuzz target compares the two).
#[test]
fn a_base_set_from_an_ack_stays_for_the_segments_before_a_moved_one() {
    let mut c = Conn::new();
    c.seg(true, 0, ACK, 1, 1, 10, 1000);
    let a = c.seg(false, 1, ACK, 1, 11, 0, 1000);
    assert_eq!((a.seq, a.ack), (1, 11));
    let sa = c.seg(false, 500, SYN | ACK, 700_000, 11, 0, 1000);
    assert_eq!(sa.stream, 0);
    c.seen[2].1.findings.flags = sa.findings.flags;
}

/// A stream whose first segment is a SYN/ACK counts no SYN/ACK in its
/// completeness; a later SYN/ACK does.
#[test]
fn a_first_syn_ack_is_not_counted_in_completeness() {
    let mut c = Conn::new();
    c.seg(false, 0, SYN | ACK, 0, 1, 0, 1000);
    assert_eq!(c.seg(true, 1, ACK, 1, 1, 0, 1000).completeness, 0);
    assert_eq!(c.seg(true, 2, ACK, 1, 1, 10, 1000).completeness, complete::ACK);
}
