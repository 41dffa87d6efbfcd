//! The TCP dissector on hand-built frames: Info column and tree labels.

use crate::dissect::{dissect_frame, Dissection, FrameMeta, Pass};
use crate::field::Timestamp;
use crate::dissect::session::Session;

/// Ethernet + IPv4 + TCP frame from 10.0.0.1:sport to 10.0.0.2:dport.
pub(crate) fn frame(sport: u16, dport: u16, seq: u32, ack: u32, flags: u16, win: u16, opts: &[u8], payload: &[u8]) -> Vec<u8> {
    frame_dir(true, sport, dport, seq, ack, flags, win, opts, payload)
}

#[allow(clippy::too_many_arguments)]
pub(crate) fn frame_dir(fwd: bool, sport: u16, dport: u16, seq: u32, ack: u32, flags: u16, win: u16, opts: &[u8], payload: &[u8]) -> Vec<u8> {
    let hlen = 20 + opts.len();
    let total = 20 + hlen + payload.len();
    let mut f = vec![0u8; 12];
    f.extend_from_slice(&[0x08, 0x00]);
    let (a, b) = if fwd { ([10, 0, 0, 1], [10, 0, 0, 2]) } else { ([10, 0, 0, 2], [10, 0, 0, 1]) };
    f.extend_from_slice(&[0x45, 0, (total >> 8) as u8, total as u8, 0, 0, 0x40, 0, 64, 6, 0, 0]);
    f.extend_from_slice(&a);
    f.extend_from_slice(&b);
    f.extend_from_slice(&sport.to_be_bytes());
    f.extend_from_slice(&dport.to_be_bytes());
    f.extend_from_slice(&seq.to_be_bytes());
    f.extend_from_slice(&ack.to_be_bytes());
    f.extend_from_slice(&((((hlen / 4) as u16) << 12) | flags).to_be_bytes());
    f.extend_from_slice(&win.to_be_bytes());
    f.extend_from_slice(&[0, 0, 0, 0]);
    f.extend_from_slice(opts);
    f.extend_from_slice(payload);
    f
}

pub(crate) fn run(session: &mut Session, n: u32, data: &[u8], pass: Pass) -> Dissection {
    run_cut(session, n, data, data.len(), pass)
}

/// `run` on a frame the snap length cut: `origlen` bytes were sent.
pub(crate) fn run_cut(session: &mut Session, n: u32, data: &[u8], origlen: usize, pass: Pass) -> Dissection {
    let meta = FrameMeta {
        number: n,
        ts: Timestamp { secs: 100, nanos: n * 1000 },
        caplen: data.len() as u32,
        origlen: origlen as u32,
        linktype: 1,
        ts_digits: 6,
        first_ts: Timestamp { secs: 100, nanos: 1000 },
        prev_ts: Timestamp { secs: 100, nanos: 0 },
        ..FrameMeta::default()
    };
    let mut d = Dissection::default();
    dissect_frame(&meta, data, session, pass, crate::dissect::Depth::Tree, &mut d);
    d
}

fn labels(d: &Dissection, data: &[u8]) -> Vec<String> {
    (0..d.tree.nodes.len()).map(|i| d.tree.label(i, d.node_bytes(data, i))).collect()
}

#[test]
fn syn_info_lists_options_as_tshark() {
    let mut s = Session::new();
    // MSS 65495, SACK_PERM, TS 1575347035/0, NOP, WS 10.
    let ts = 1575347035u32.to_be_bytes();
    let opts = [2, 4, 0xff, 0xd7, 4, 2, 8, 10, ts[0], ts[1], ts[2], ts[3], 0, 0, 0, 0, 1, 3, 3, 10];
    let f = frame(51162, 12000, 12345, 0, 0x002, 65495, &opts, &[]);
    let d = run(&mut s, 1, &f, Pass::First);
    assert_eq!(
        d.cols.info,
        "51162 → 12000 [SYN] Seq=0 Win=65495 Len=0 MSS=65495 SACK_PERM TSval=1575347035 TSecr=0 WS=1024"
    );
    let l = labels(&d, &f);
    assert!(l.contains(&"Sequence Number: 0    (relative sequence number)".to_string()));
    assert!(l.contains(&"TCP Option - Window scale: 10 (multiply by 1024)".to_string()));
    assert!(l.contains(&"[Stream index: 0]".to_string()));
    // Seen again, the stream's completeness is what the whole stream
    // showed (its SYN), as in tshark -2.
    let again = run(&mut s, 1, &f, Pass::Revisit);
    let completeness = |x: &String| x.starts_with("[Conversation completeness");
    assert!(l.contains(&"[Conversation completeness: Incomplete (0)]".to_string()));
    let want: Vec<&String> = l.iter().filter(|x| !completeness(x)).collect();
    let got = labels(&again, &f);
    assert_eq!(got.iter().filter(|x| !completeness(x)).collect::<Vec<_>>(), want);
    assert!(got.contains(&"[Conversation completeness: Incomplete, SYN_SENT (1)]".to_string()));
    assert_eq!(again.cols.info, d.cols.info);
}

#[test]
fn duplicate_ack_note_leads_the_info() {
    let mut s = Session::new();
    let pkts = [
        frame(1000, 4444, 10, 0, 0x002, 100, &[], &[]),
        frame_dir(false, 4444, 1000, 50, 11, 0x012, 100, &[], &[]),
        frame(1000, 4444, 11, 51, 0x010, 100, &[], &[]),
        frame(1000, 4444, 11, 51, 0x018, 100, &[], b"hello"),
        frame_dir(false, 4444, 1000, 51, 16, 0x010, 100, &[], &[]),
        frame_dir(false, 4444, 1000, 51, 16, 0x010, 100, &[], &[]),
    ];
    let mut last = Dissection::default();
    for (i, p) in pkts.iter().enumerate() {
        last = run(&mut s, i as u32 + 1, p, Pass::First);
    }
    assert_eq!(last.cols.info, "[TCP Dup ACK 5#1] 4444 → 1000 [ACK] Seq=1 Ack=6 Win=100 Len=0");
    let l = labels(&last, &pkts[5]);
    assert!(l.contains(&"[Duplicate to the ACK in frame: 5]".to_string()));
    assert!(l.contains(&"[Expert Info (Note/Sequence): Duplicate ACK (#1)]".to_string()));
    // Revisiting an earlier frame reads its stored results.
    let d4 = run(&mut s, 4, &pkts[3], Pass::Revisit);
    assert_eq!(d4.cols.info, "1000 → 4444 [PSH, ACK] Seq=1 Ack=1 Win=100 Len=5");
    assert!(labels(&d4, &pkts[3]).contains(&"Data (5 bytes)".to_string()));
}

#[test]
fn a_bogus_header_length_still_moves_the_stream() {
    // As tshark 4.0 shows it: the segment is tracked with every byte after
    // its 8-byte "header" as data (so the next one seems out of order), its
    // numbers are relative, and it adds no completeness bit.
    let mut s = Session::new();
    let mut bogus = frame(1000, 80, 11, 51, 0x018, 100, &[], b"hello world!");
    bogus[14 + 20 + 12] = 0x20;
    let pkts = [
        frame(1000, 80, 10, 0, 0x002, 100, &[], &[]),
        frame_dir(false, 80, 1000, 50, 11, 0x012, 100, &[], &[]),
        frame(1000, 80, 11, 51, 0x010, 100, &[], &[]),
        bogus.clone(),
        frame(1000, 80, 11, 51, 0x018, 100, &[], b"hello world!"),
    ];
    let d: Vec<Dissection> = pkts.iter().enumerate().map(|(i, p)| run(&mut s, i as u32 + 1, p, Pass::First)).collect();
    assert_eq!(d[3].cols.info, "1000 → 80 [PSH, ACK] Seq=1 Ack=1 Win=100, bogus TCP header length (8, must be at least 20)");
    let l = labels(&d[3], &bogus);
    assert!(l.contains(&"Transmission Control Protocol, Src Port: 1000, Dst Port: 80, Seq: 1".to_string()), "{l:?}");
    assert!(l.contains(&"[TCP Segment Len: 24]".to_string()));
    assert!(!l.iter().any(|x| x.starts_with("Acknowledgment Number")), "no ACK item: {l:?}");
    assert!(d[4].cols.info.starts_with("[TCP Out-Of-Order]"), "{}", d[4].cols.info);
    let completeness = |d: &Dissection, data: &[u8]| labels(d, data).into_iter().find(|x| x.starts_with("[Conversation"));
    assert_eq!(completeness(&d[4], &pkts[4]).as_deref(), Some("[Conversation completeness: Incomplete, ESTABLISHED (7)]"));
}
