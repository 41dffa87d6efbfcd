use super::state::WsStream;
use super::*;
use crate::dissect::session::Session;
use crate::dissect::testutil::{labels, run_with, values};
use crate::dissect::Dissection;

fn run(session: &mut Session, frame: u32, bytes: &[u8], from_client: bool, pass: Pass) -> (Dissection, Pdu) {
    let (sport, dport) = if from_client { (40000, 8765) } else { (8765, 40000) };
    let seg = TcpSeg { stream: 0, from_client, sport, dport, fin: false, can_desegment: true };
    run_with(session, bytes, frame, frame as i64, pass, |cx, b| dissect_tcp(cx, b, &seg).unwrap())
}

/// A client's frame, masked with `key`.
fn masked(first: u8, payload: &[u8], key: [u8; 4]) -> Vec<u8> {
    let mut f = vec![first, 0x80 | payload.len() as u8];
    f.extend(key);
    f.extend(payload.iter().zip(key.iter().cycle()).map(|(c, k)| c ^ k));
    f
}

#[test]
fn a_masked_text_frame_is_unmasked_into_its_own_source() {
    let mut s = Session::new();
    let f = masked(0x81, b"hello websocket", [0xc1, 0x50, 0xe9, 0x1f]);
    let (d, p) = run(&mut s, 8, &f, true, Pass::First);
    assert_eq!(p, Pdu::Done(f.len()));
    assert_eq!(d.cols.info, "WebSocket Text [FIN] [MASKED]");
    assert_eq!(d.cols.protocol, "WebSocket");
    assert_eq!(
        labels(&d),
        [
            "WebSocket",
            "1... .... = Fin: True",
            ".000 .... = Reserved: 0x0",
            ".... 0001 = Opcode: Text (1)",
            "1... .... = Mask: True",
            ".000 1111 = Payload length: 15",
            "Masking-Key: ",
            "Masked payload",
            "Payload",
            "Text: hello websocket",
            "Line-based text data (1 lines)",
            "hello websocket",
        ]
    );
    assert_eq!(d.sources.len(), 1);
    assert_eq!((d.sources[0].name.as_str(), &d.sources[0].bytes[..]), ("Unmasked data", &b"hello websocket"[..]));
    // The server's answer is not masked: the payload is the frame's own bytes.
    let (d, _) = run(&mut s, 9, b"\x81\x0fHELLO WEBSOCKET", false, Pass::First);
    assert_eq!(d.cols.info, "WebSocket Text [FIN] ");
    assert!(d.sources.is_empty());
    assert_eq!(values(&d, &TEXT), ["HELLO WEBSOCKET"]);
}

#[test]
fn extended_lengths_and_frames_cut_by_tcp() {
    let mut s = Session::new();
    let mut f = vec![0x82, 126, 0x01, 0x2c];
    f.extend([7u8; 300]);
    let (_, p) = run(&mut s, 1, &f[..3], false, Pass::First);
    assert_eq!(p, Pdu::NeedMore { offset: 0, more: None });
    let (_, p) = run(&mut s, 1, &f[..100], false, Pass::First);
    assert_eq!(p, Pdu::NeedMore { offset: 0, more: Some(204) });
    let (d, _) = run(&mut s, 2, &f, false, Pass::First);
    assert!(labels(&d).contains(&".111 1110 = Payload length: 126 Extended Payload Length (16 bits)".to_string()));
    assert_eq!(values(&d, &PAYLOAD_LENGTH_16), ["300"]);
    assert!(labels(&d).contains(&"Data (300 bytes)".to_string()));
    let mut big = vec![0x82, 127, 0, 0, 0, 0, 0, 1, 0x02, 0x00];
    big.extend(vec![0u8; 66048]);
    let (d, _) = run(&mut s, 3, &big, false, Pass::First);
    assert_eq!(values(&d, &PAYLOAD_LENGTH_64), ["66048"]);
    // Two frames in one segment: two trees, the Info of the last.
    let two = [masked(0x81, b"one", [1, 2, 3, 4]), masked(0x88, b"\x03\xe8", [1, 2, 3, 4])].concat();
    let (d, p) = run(&mut s, 4, &two, true, Pass::First);
    assert_eq!(p, Pdu::Done(two.len()));
    assert_eq!(values(&d, &OPCODE), ["1", "8"]);
    assert_eq!(d.cols.info, "WebSocket Connection Close [FIN] [MASKED]");
    assert!(labels(&d).contains(&"Status code: Normal Closure (1000)".to_string()));
}

#[test]
fn fragments_close_reasons_and_control_frames() {
    let mut s = Session::new();
    let (d, _) = run(&mut s, 1, &masked(0x01, b"frag", [9, 9, 9, 9]), true, Pass::First);
    assert_eq!(d.cols.info, "WebSocket Text[FRAGMENT]  [MASKED]");
    assert!(labels(&d).ends_with(&["Masked payload".to_string(), "Payload".to_string()]));
    let (d, _) = run(&mut s, 2, &masked(0x00, b"mented ", [9, 9, 9, 9]), true, Pass::First);
    assert_eq!(d.cols.info, "WebSocket Continuation[FRAGMENT]  [MASKED]");
    assert_eq!(d.sources[0].bytes, b"mented ");
    assert_eq!(d.tree.first(&CONTINUE).map(|n| n.depth), Some(0));
    let (d, _) = run(&mut s, 3, b"\x88\x0a\x03\xe9lab over", false, Pass::First);
    assert_eq!(values(&d, &CLOSE_STATUS), ["1001"]);
    assert_eq!(values(&d, &CLOSE_REASON), ["lab over"]);
    let (d, _) = run(&mut s, 4, b"\x8a\x02p1", false, Pass::First);
    assert_eq!(d.cols.info, "WebSocket Pong [FIN] ");
    assert!(d.tree.has(&PONG));
}

#[test]
fn compressed_messages_inflate_with_the_window_of_their_direction() {
    use flate2::{Compress, Compression, FlushCompress};
    let mut c = Compress::new(Compression::default(), false);
    let mut deflate = |text: &[u8]| {
        let mut out = Vec::with_capacity(text.len() + 64);
        c.compress_vec(text, &mut out, FlushCompress::Sync).unwrap();
        out.truncate(out.len() - 4);
        out
    };
    let (first, second) = (deflate(b"hello websocket"), deflate(b"hello websocket"));
    let mut s = Session::new();
    s.websocket.streams.insert(0, WsStream::negotiated("permessage-deflate; client_max_window_bits"));
    let mut frames = Vec::new();
    for (n, payload) in [(1, &first), (2, &second)] {
        let f = masked(0xc1, payload, [5, 6, 7, 8]);
        let (d, _) = run(&mut s, n, &f, true, Pass::First);
        assert_eq!(values(&d, &TEXT), ["hello websocket"], "frame {n}");
        assert_eq!(values(&d, &PMC), ["1"]);
        assert_eq!(d.sources.iter().map(|s| s.name.as_str()).collect::<Vec<_>>(), ["Unmasked data", "Decompressed payload"]);
        frames.push(f);
    }
    // A later pass reads the second message without replaying the first.
    let (d, _) = run(&mut s, 2, &frames[1], true, Pass::Revisit);
    assert_eq!(values(&d, &TEXT), ["hello websocket"]);
    // Garbage does not inflate: Wireshark's warning, no text.
    let (d, _) = run(&mut s, 3, &masked(0xc1, &[0xff; 6], [1, 1, 1, 1]), true, Pass::First);
    assert!(values(&d, &TEXT).is_empty());
    assert!(labels(&d).iter().any(|l| l.contains("Decompression failed")), "{:?}", labels(&d));
}
