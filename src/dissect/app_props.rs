//! Property tests of the application dissectors behind TCP reassembly:
//! an HTTP, SMTP or DNS-over-TCP conversation cut into arbitrary segments,
//! delivered in arbitrary order with repeats and losses, never panics,
//! replays alike on a later pass, and keeps every buffer within its bound.

use proptest::prelude::*;

use super::{dissect_frame, Depth, Dissection, FrameMeta, Pass};
use crate::field::Timestamp;
use crate::dissect::smtp::state::MAX_MESSAGE;
use crate::dissect::tcp::stream::{HELD_LIMIT, PDU_LIMIT};
use crate::dissect::session::Session;

const CLIENT: [u8; 4] = [10, 0, 0, 1];
const SERVER: [u8; 4] = [10, 0, 0, 2];
const CLIENT_PORT: u16 = 40000;
/// Initial sequence numbers of the client and the server.
const ISN: [u32; 2] = [1000, 5000];

/// An Ethernet/IPv4/TCP frame from the client (or the server) carrying
/// `payload` at relative sequence number `rel` (1 = the first data byte).
fn frame(from_client: bool, port: u16, rel: u32, flags: u16, payload: &[u8]) -> Vec<u8> {
    let (src, dst, sport, dport) =
        if from_client { (CLIENT, SERVER, CLIENT_PORT, port) } else { (SERVER, CLIENT, port, CLIENT_PORT) };
    let (mine, theirs) = if from_client { (ISN[0], ISN[1]) } else { (ISN[1], ISN[0]) };
    let mut f = vec![0u8; 12];
    f.extend_from_slice(&[0x08, 0x00]);
    let total = (20 + 20 + payload.len()) as u16;
    f.extend_from_slice(&[0x45, 0, (total >> 8) as u8, total as u8, 0, 0, 0x40, 0, 64, 6, 0, 0]);
    f.extend_from_slice(&src);
    f.extend_from_slice(&dst);
    f.extend_from_slice(&sport.to_be_bytes());
    f.extend_from_slice(&dport.to_be_bytes());
    f.extend_from_slice(&mine.wrapping_add(rel).to_be_bytes());
    f.extend_from_slice(&theirs.wrapping_add(1).to_be_bytes());
    f.extend_from_slice(&[0x50, flags as u8, 0xff, 0xff, 0, 0, 0, 0]);
    f.extend_from_slice(payload);
    f
}

fn dissect(session: &mut Session, number: u32, bytes: &[u8], pass: Pass) -> Dissection {
    let meta = FrameMeta {
        number,
        ts: Timestamp { secs: number as i64, nanos: 0 },
        caplen: bytes.len() as u32,
        origlen: bytes.len() as u32,
        linktype: 1,
        ..FrameMeta::default()
    };
    let mut d = Dissection::default();
    dissect_frame(&meta, bytes, session, pass, Depth::Tree, &mut d);
    d
}

const HTTP_CLIENT: &[u8] = b"GET / HTTP/1.1\r\nHost: a\r\n\r\nPOST /f HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\n\r\nhelloGET /x HTTP/1.1\r\nHost: a\r\n\r\n";
const HTTP_SERVER: &[u8] = b"HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\nabcHTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nContent-Type: text/plain\r\n\r\n4\r\nwxyz\r\n0\r\n\r\nHTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n";
const SMTP_CLIENT: &[u8] = b"EHLO x\r\nAUTH LOGIN\r\ndXNlcg==\r\ncGFzcw==\r\nMAIL FROM:<a@b>\r\nRCPT TO:<c@d>\r\nDATA\r\nFrom: a@b\r\nSubject: s\r\n\r\nbody line\r\n..dot\r\n.\r\nQUIT\r\n";
const SMTP_SERVER: &[u8] = b"220 mx ESMTP\r\n250-mx\r\n250 AUTH LOGIN\r\n334 VXNlcm5hbWU6\r\n334 UGFzc3dvcmQ6\r\n235 ok\r\n250 ok\r\n250 ok\r\n354 go\r\n250 queued\r\n221 bye\r\n";
const DNS_CLIENT: &[u8] = b"\x00\x1d\x12\x34\x01\x00\x00\x01\x00\x00\x00\x00\x00\x00\x03www\x07example\x03com\x00\x00\x01\x00\x01";
const DNS_SERVER: &[u8] = b"\x00\x2d\x12\x34\x81\x80\x00\x01\x00\x01\x00\x00\x00\x00\x03www\x07example\x03com\x00\x00\x01\x00\x01\xc0\x0c\x00\x01\x00\x01\x00\x00\x0e\x10\x00\x04\x7f\x00\x00\x01";

/// One conversation: its port and both directions' bytes.
fn conversation(which: usize) -> (u16, &'static [u8], &'static [u8]) {
    match which % 3 {
        0 => (80, HTTP_CLIENT, HTTP_SERVER),
        1 => (25, SMTP_CLIENT, SMTP_SERVER),
        _ => (53, DNS_CLIENT, DNS_SERVER),
    }
}

/// Segments of both directions: `cuts` split each stream, `order` picks
/// segments by index (repeats and omissions allowed).
fn segments(port: u16, streams: [&[u8]; 2], cuts: &[usize], order: &[prop::sample::Index]) -> Vec<Vec<u8>> {
    let mut all = Vec::new();
    for (dir, data) in streams.into_iter().enumerate() {
        let mut points: Vec<usize> = cuts.iter().map(|c| c % data.len().max(1)).collect();
        points.extend([0, data.len()]);
        points.sort_unstable();
        points.dedup();
        for w in points.windows(2) {
            all.push(frame(dir == 0, port, w[0] as u32 + 1, 0x018, &data[w[0]..w[1]]));
        }
    }
    order.iter().map(|i| all[i.index(all.len())].clone()).collect()
}

fn check_bounds(session: &mut Session) -> Result<(), TestCaseError> {
    for i in 0..session.tcp.stream_count() {
        if let Some(st) = session.tcp.stream_mut(i) {
            for r in &st.reasm {
                prop_assert!(r.pending().len() <= PDU_LIMIT);
                prop_assert!(r.held_bytes() <= HELD_LIMIT);
            }
        }
    }
    for st in session.smtp.streams.values() {
        prop_assert!(st.message.len() <= MAX_MESSAGE);
    }
    Ok(())
}

proptest! {
    #[test]
    fn any_segment_order_through_the_applications(
        which in 0usize..3,
        cuts in proptest::collection::vec(0usize..200, 0..12),
        order in proptest::collection::vec(any::<prop::sample::Index>(), 1..40),
        fin in any::<bool>(),
    ) {
        let (port, client, server) = conversation(which);
        let mut s = Session::new();
        let mut frames = vec![
            frame(true, port, 0, 0x002, &[]),
            frame(false, port, 0, 0x012, &[]),
        ];
        frames.extend(segments(port, [client, server], &cuts, &order));
        if fin {
            frames.push(frame(true, port, client.len() as u32 + 1, 0x011, &[]));
            frames.push(frame(false, port, server.len() as u32 + 1, 0x011, &[]));
        }
        let mut first = Vec::new();
        for (i, f) in frames.iter().enumerate() {
            let d = dissect(&mut s, i as u32 + 1, f, Pass::First);
            first.push(d.cols.protocol.clone());
            check_bounds(&mut s)?;
        }
        // A later pass (the TUI selecting a packet) finds the same protocol.
        for (i, f) in frames.iter().enumerate() {
            let d = dissect(&mut s, i as u32 + 1, f, Pass::Revisit);
            prop_assert_eq!(&d.cols.protocol, &first[i], "frame {}", i + 1);
        }
    }
}
