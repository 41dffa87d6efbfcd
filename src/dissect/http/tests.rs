use proptest::prelude::*;

use super::*;
use crate::dissect::testutil::{labels, run_with, values};
use crate::dissect::Dissection;
use crate::dissect::session::Session;

fn run_in(session: &mut Session, bytes: &[u8], number: u32, from_client: bool) -> (Dissection, DResult<Pdu>) {
    let seg = TcpSeg { stream: 0, from_client, sport: if from_client { 40000 } else { 80 }, dport: 80, fin: false, can_desegment: true };
    run_with(session, bytes, number, 0, Pass::First, |cx, b| dissect_tcp(cx, b, &seg))
}

fn strings(d: &Dissection, f: Field) -> Vec<String> {
    values(d, f)
}

#[test]
fn a_response_without_length_ends_at_the_servers_fin() {
    let mut s = Session::new();
    let _ = run_in(&mut s, GET, 4, true);
    let open = b"HTTP/1.0 200 OK\r\nContent-Type: text/html\r\n\r\n<html>";
    let (d, r) = run_in(&mut s, open, 6, false);
    assert_eq!(r, Ok(Pdu::NeedMore { offset: 0, more: Some(crate::dissect::dispatch::UNTIL_FIN) }));
    assert_eq!(d.cols.info, "HTTP/1.0 200 OK ");
    let seg = TcpSeg { stream: 0, from_client: false, sport: 80, dport: 40000, fin: true, can_desegment: true };
    let (d, r) = run_with(&mut s, open, 8, 0, Pass::First, |cx, b| dissect_tcp(cx, b, &seg));
    assert_eq!(r, Ok(Pdu::Done(open.len())));
    assert_eq!(d.cols.info, "HTTP/1.0 200 OK  (text/html)");
    assert_eq!(strings(&d, &FILE_DATA), ["<html>"]);
}

const GET: &[u8] = b"GET /file.txt HTTP/1.1\r\nHost: localhost:6789\r\nUser-Agent: curl/8.5.0\r\n\r\n";
const OK: &[u8] = b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 6\r\n\r\nhello\n";

#[test]
fn request_and_response_pair() {
    let mut s = Session::new();
    let (d, r) = run_in(&mut s, GET, 4, true);
    assert_eq!(r, Ok(Pdu::Done(GET.len())));
    assert_eq!(d.cols.info, "GET /file.txt HTTP/1.1 ");
    assert_eq!(strings(&d, &METHOD), ["GET"]);
    assert_eq!(strings(&d, &URI), ["/file.txt"]);
    assert_eq!(strings(&d, &FULL_URI), ["http://localhost:6789/file.txt"]);
    assert_eq!(strings(&d, &REQUEST_LINE), ["Host: localhost:6789\\r\\n", "User-Agent: curl/8.5.0\\r\\n"]);
    let uri = d.tree.first(&URI).unwrap();
    assert_eq!(uri.range(), 4..13);
    let (d, _) = run_in(&mut s, OK, 6, false);
    assert_eq!(d.cols.info, "HTTP/1.1 200 OK  (text/plain)");
    assert_eq!(strings(&d, &CODE), ["200"]);
    assert_eq!(strings(&d, &REQUEST_IN), ["4"]);
    assert_eq!(strings(&d, &FILE_DATA), ["hello\\n"]);
    assert_eq!(strings(&d, &CONTENT_LENGTH), ["6"]);
    assert!(d.protocols.ends_with("http:data-text-lines"), "{}", d.protocols);
}

#[test]
fn pipelined_messages_share_a_segment() {
    let mut two = GET.to_vec();
    two.extend_from_slice(b"GET /b HTTP/1.1\r\nHost: h\r\n\r\n");
    let (d, r) = run_in(&mut Session::new(), &two, 1, true);
    assert_eq!(r, Ok(Pdu::Done(two.len())));
    assert_eq!(d.cols.info, "GET /file.txt HTTP/1.1 GET /b HTTP/1.1 ");
    assert_eq!(strings(&d, &REQUEST_NUMBER), ["1", "2"]);
}

#[test]
fn incomplete_messages_ask_for_more() {
    let (d, r) = run_in(&mut Session::new(), &OK[..OK.len() - 2], 1, false);
    assert_eq!(r, Ok(Pdu::NeedMore { offset: 0, more: Some(2) }));
    assert!(d.tree.nodes.is_empty());
    let (_, r) = run_in(&mut Session::new(), &GET[..20], 1, true);
    assert_eq!(r, Ok(Pdu::NeedMore { offset: 0, more: None }));
}

#[test]
fn chunked_body_is_reassembled() {
    let msg = b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nContent-Type: text/html\r\n\r\n5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n";
    let (d, r) = run_in(&mut Session::new(), msg, 1, false);
    assert_eq!(r, Ok(Pdu::Done(msg.len())));
    assert_eq!(strings(&d, &FILE_DATA), ["hello world"]);
    assert_eq!(d.sources.len(), 1);
    assert_eq!(d.sources[0].bytes, b"hello world");
    let (_, r) = run_in(&mut Session::new(), &msg[..msg.len() - 7], 1, false);
    assert!(matches!(r, Ok(Pdu::NeedMore { offset: 0, .. })));
}

#[test]
fn unreasonable_chunk_size_is_malformed() {
    // 2^64 in hex: Wireshark's strtol saturates, the size passes 2^31, the
    // reassembly gives up and the dissection fails after the headers.
    let msg = b"POST / HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n10000000000000000\r\n\r\nGET /x HTTP/1.1\r\n\r\n";
    let (d, r) = run_in(&mut Session::new(), msg, 1, true);
    assert_eq!(r, Err(crate::dissect::DissectError::Malformed));
    assert_eq!(strings(&d, &METHOD), ["POST"]);
    assert!(!d.tree.has(&FILE_DATA) && !d.tree.has(&super::body::CHUNK_SIZE));
}

#[test]
fn bytes_before_any_request_show_as_wireshark_shows_them() {
    // As tshark 4.0 shows the first bytes of a stream on an HTTP port
    // (checked on crafted captures): binary ones are taken and shown by no
    // one, and the stream stays HTTP.
    let tls = b"\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03";
    let mut s = Session::new();
    let (d, r) = run_in(&mut s, tls, 1, true);
    assert_eq!(r, Ok(Pdu::Done(11)));
    assert!(!d.tree.has(&HTTP) && d.cols.info.is_empty());
    // Text waits for its line's end.
    assert_eq!(run_in(&mut s, b"hello", 2, false).1, Ok(Pdu::NeedMore { offset: 0, more: None }));
    // A line that is no header shows nothing; header lines show, unnamed.
    let (d, r) = run_in(&mut s, b"hello world\r\n", 3, false);
    assert_eq!((r, d.tree.has(&HTTP)), (Ok(Pdu::Done(13)), false));
    let (d, _) = run_in(&mut s, b"Server: x\r\n\r\nbody", 4, false);
    assert!(d.tree.has(&HTTP) && d.tree.has(&FILE_DATA));
    assert_eq!((d.cols.info.as_str(), d.cols.protocol.as_str()), ("", ""));
    // Once the stream had a request, odd bytes are a "Continuation".
    run_in(&mut s, GET, 5, true).1.unwrap();
    let (d, r) = run_in(&mut s, tls, 6, true);
    assert_eq!(r, Ok(Pdu::Done(11)));
    assert_eq!(d.cols.info, "Continuation");
    assert!(starts_like_http(b"GE") && starts_like_http(b"HTTP/") && !starts_like_http(b"hello"));
    assert!(looks_like_http(b"POST /x HTTP/1.0\r\n"));
    assert!(!looks_like_http(b"GETX / HTTP/1.1"));
}

proptest! {
    #[test]
    fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..400), client in any::<bool>()) {
        let _ = run_in(&mut Session::new(), &bytes, 1, client);
    }

    #[test]
    fn arbitrary_bodies_never_panic(body in proptest::collection::vec(any::<u8>(), 0..200), chunked in any::<bool>()) {
        let mut m = b"HTTP/1.1 200 OK\r\n".to_vec();
        m.extend_from_slice(if chunked { b"Transfer-Encoding: chunked\r\n" } else { b"Content-Length: 20\r\n" });
        m.extend_from_slice(b"Content-Type: text/plain\r\n\r\n");
        m.extend_from_slice(&body);
        let _ = run_in(&mut Session::new(), &m, 1, false);
    }
}

#[test]
fn request_lines_httparse_refuses_are_read_as_wireshark_reads_them() {
    let mut s = Session::new();
    // No target: the version is taken as the URI and the version is empty.
    let (d, r) = run_in(&mut s, b"OPTIONS HTTP/1.1\r\n\r\n", 4, true);
    assert_eq!(r, Ok(Pdu::Done(20)));
    assert_eq!(d.cols.info, "OPTIONS HTTP/1.1 ");
    assert_eq!(strings(&d, &URI), ["HTTP/1.1"]);
    assert_eq!(strings(&d, &REQ_VERSION), [""]);
    // The server's HTTP/0.9-style answer (no status line) continues the
    // stream, once its line has ended.
    assert!(matches!(run_in(&mut s, b"<html>bad request</html>", 6, false).1, Ok(Pdu::NeedMore { .. })));
    let (d, _) = run_in(&mut s, b"<html>bad request</html>\n", 6, false);
    assert_eq!(d.cols.info, "Continuation");
    let mut s = Session::new();
    let (d, _) = run_in(&mut s, b"GET / HTTP/1.\r\nHost: x\r\n\r\n", 4, true);
    assert_eq!(d.cols.info, "GET / HTTP/1. ");
    assert_eq!(strings(&d, &REQ_VERSION), ["HTTP/1."]);
    // HTTP/0.9: a request line alone; the head never ends, so more is awaited.
    let mut s = Session::new();
    let (d, r) = run_in(&mut s, b"GET /style.css\r\n", 4, true);
    assert_eq!(r, Ok(Pdu::NeedMore { offset: 0, more: None }));
    assert_eq!(d.cols.info, "GET /style.css ");
    // A line no method starts: not shown.
    let mut s = Session::new();
    let (d, r) = run_in(&mut s, b"\x16\x03\x01 hello\r\n\r\n", 4, true);
    assert_eq!((r, d.tree.has(&HTTP)), (Ok(Pdu::Done(13)), false));
}

#[test]
fn a_2xx_answer_to_connect_has_no_body_and_the_tunnel_is_data_under_http() {
    let mut s = Session::new();
    let _ = run_in(&mut s, b"CONNECT 127.0.0.1:8080 HTTP/1.1\r\nHost: 127.0.0.1:8080\r\n\r\n", 4, true);
    let ok = b"HTTP/1.1 200 Connection established\r\n\r\n";
    let (d, r) = run_in(&mut s, ok, 6, false);
    assert_eq!(r, Ok(Pdu::Done(ok.len())));
    assert_eq!(d.cols.info, "HTTP/1.1 200 Connection established ");
    // As Wireshark: the tunnel's bytes are data under an HTTP layer naming
    // the far end, and no request is read from them.
    let (d, r) = run_in(&mut s, GET, 8, true);
    assert_eq!(r, Ok(Pdu::Done(GET.len())));
    assert_eq!(strings(&d, &PROXY_CONNECT_HOST), ["127.0.0.1"]);
    assert!(strings(&d, &METHOD).is_empty());
    assert!(d.protocols.ends_with("http:data"), "{}", d.protocols);
    // A refused CONNECT keeps its body and the stream stays HTTP.
    let mut s = Session::new();
    let _ = run_in(&mut s, b"CONNECT x:443 HTTP/1.1\r\n\r\n", 4, true);
    let (_, r) = run_in(&mut s, b"HTTP/1.1 403 Forbidden\r\nContent-Length: 2\r\n\r\nno", 6, false);
    assert_eq!(r, Ok(Pdu::Done(47)));
    let (_, r) = run_in(&mut s, GET, 8, true);
    assert_eq!(r, Ok(Pdu::Done(GET.len())));
}

/// `bytes` as a segment the snap length cut: `origlen` bytes were sent.
fn run_cut(session: &mut Session, bytes: &[u8], origlen: usize, from_client: bool) -> (Dissection, DResult<Pdu>) {
    let seg = TcpSeg { stream: 0, from_client, sport: 40000, dport: 80, fin: false, can_desegment: false };
    run_with(session, bytes, 4, 0, Pass::First, |cx, b| dissect_tcp(cx, Buf::new(b.source(), origlen), &seg))
}

#[test]
fn a_head_cut_inside_a_header_shows_up_to_the_cut_and_counts() {
    let mut s = Session::new();
    let (d, r) = run_cut(&mut s, &GET[..35], GET.len(), true);
    assert_eq!(r, Err(DissectError::Truncated));
    assert_eq!(d.cols.info, "GET /file.txt HTTP/1.1 ");
    assert_eq!(strings(&d, &URI), ["/file.txt"]);
    assert_eq!(strings(&d, &HEADERS[0].1), ["local"]);
    assert_eq!(strings(&d, &FULL_URI), ["http://local/file.txt"]);
    assert_eq!(strings(&d, &REQUEST_NUMBER), ["1"]);
    // No blank line: the head has none yet.
    assert!(!labels(&d).iter().any(|l| l == "\\r\\n"), "{:?}", labels(&d));
}

#[test]
fn a_head_cut_inside_a_line_without_colon_shows_no_links() {
    let mut s = Session::new();
    let (d, r) = run_cut(&mut s, &GET[..50], GET.len(), true);
    assert_eq!(r, Err(DissectError::Truncated));
    assert_eq!(strings(&d, &HEADERS[0].1), ["localhost:6789"]);
    assert!(strings(&d, &FULL_URI).is_empty() && strings(&d, &REQUEST_NUMBER).is_empty());
    // Its response knows no request frame, and its URI only as written.
    let (d, _) = run_in(&mut s, OK, 6, false);
    assert!(strings(&d, &REQUEST_IN).is_empty() && strings(&d, &TIME).is_empty());
    assert_eq!(strings(&d, &RESPONSE_FOR_URI), ["/file.txt"]);
}

#[test]
fn without_reassembly_a_partial_head_and_body_show_what_the_segment_holds() {
    let seg = TcpSeg { stream: 0, from_client: false, sport: 80, dport: 40000, fin: false, can_desegment: false };
    let mut s = Session::new();
    let (d, r) = run_with(&mut s, &OK[..40], 6, 0, Pass::First, |cx, b| dissect_tcp(cx, b, &seg));
    assert_eq!(r, Ok(Pdu::Done(40)));
    assert_eq!(strings(&d, &CODE), ["200"]);
    assert_eq!(strings(&d, &HEADERS[2].1), ["text/plai"]);
    assert_eq!(strings(&d, &RESPONSE_NUMBER), ["1"]);
    // The body's first bytes: the message ends with the segment.
    let (d, r) = run_with(&mut s, &OK[..OK.len() - 2], 8, 0, Pass::First, |cx, b| dissect_tcp(cx, b, &seg));
    assert_eq!(r, Ok(Pdu::Done(OK.len() - 2)));
    assert_eq!(strings(&d, &FILE_DATA), ["hell"]);
    // The first line incomplete: its items, the columns left to TCP; cut
    // there by the snap length, not taken for HTTP.
    let (d, r) = run_with(&mut Session::new(), &GET[..10], 4, 0, Pass::First, |cx, b| dissect_tcp(cx, b, &seg));
    assert_eq!(r, Ok(Pdu::Done(10)));
    assert_eq!(strings(&d, &URI), ["/file."]);
    assert!(d.cols.info.is_empty() && d.cols.protocol.is_empty(), "{:?}", d.cols);
    assert_eq!(run_cut(&mut Session::new(), &GET[..10], GET.len(), true).1, Ok(Pdu::NotMine));
    // A line without a colon cut after the first: Wireshark looks past the
    // bytes for its end.
    let (_, r) = run_with(&mut Session::new(), &GET[..50], 4, 0, Pass::First, |cx, b| dissect_tcp(cx, b, &seg));
    assert_eq!(r, Err(DissectError::Malformed));
}

#[test]
fn a_continuation_reads_header_lines_then_hands_the_body_to_data() {
    let mut s = Session::new();
    let _ = run_in(&mut s, GET, 2, true);
    let (d, r) = run_cut(&mut s, b"<html><head>", 400, false);
    assert_eq!(r, Err(DissectError::Truncated));
    assert_eq!(d.cols.info, "Continuation");
    assert_eq!(strings(&d, &FILE_DATA), ["<html><head>"]);
    assert!(d.protocols.ends_with("http:data"), "{}", d.protocols);
    // Lines with a colon are headers to Wireshark, a name with a space
    // noted; the body begins at the first line without one.
    let (d, r) = run_in(&mut s, b"p { margin: 0 }\nX-Ok: 1\n<p>\n", 4, false);
    assert_eq!(r, Ok(Pdu::Done(28)));
    assert_eq!(d.tree.find(&BAD_HEADER_NAME).count(), 1);
    assert!(labels(&d).contains(&"X-Ok: 1\\n".to_string()), "{:?}", labels(&d));
    assert_eq!(strings(&d, &FILE_DATA), ["<p>\\n"]);
    // Ended by a blank line, with a length: the next message follows.
    let mut two = b"Length: 2\r\nContent-Length: 3\r\n\r\nab\n".to_vec();
    two.extend_from_slice(OK);
    let (d, r) = run_in(&mut s, &two, 6, false);
    assert_eq!(r, Ok(Pdu::Done(two.len())));
    assert_eq!(d.cols.info, "ContinuationHTTP/1.1 200 OK  (text/plain)");
    assert_eq!(strings(&d, &FILE_DATA), ["ab\\n", "hello\\n"]);
}
