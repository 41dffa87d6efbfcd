use proptest::prelude::*;

use super::*;
use crate::dissect::session::Session;
use crate::dissect::testutil::{run_with, values, values_in};
use crate::dissect::{Dissection, Pass};

fn seg(from_client: bool) -> TcpSeg {
    let (sport, dport) = if from_client { (40000, 443) } else { (443, 40000) };
    TcpSeg { stream: 0, from_client, sport, dport, fin: false, can_desegment: true }
}

fn run(s: &mut Session, bytes: &[u8], number: u32, from_client: bool, pass: Pass) -> (Dissection, DResult<Pdu>) {
    run_with(s, bytes, number, 0, pass, |cx, b| dissect_tcp(cx, b, &seg(from_client)))
}

fn with_len16(body: &[u8]) -> Vec<u8> {
    let mut v = (body.len() as u16).to_be_bytes().to_vec();
    v.extend_from_slice(body);
    v
}

fn ext(t: u16, body: &[u8]) -> Vec<u8> {
    let mut v = t.to_be_bytes().to_vec();
    v.extend(with_len16(body));
    v
}

fn record(ct: u8, version: u16, body: &[u8]) -> Vec<u8> {
    let mut v = vec![ct];
    v.extend_from_slice(&version.to_be_bytes());
    v.extend(with_len16(body));
    v
}

fn handshake(typ: u8, body: &[u8]) -> Vec<u8> {
    let mut v = vec![typ];
    v.extend_from_slice(&(body.len() as u32).to_be_bytes()[1..]);
    v.extend_from_slice(body);
    v
}

/// A ClientHello record: TLS 1.3 and a GREASE suite offered, SNI
/// `lab.test`, ALPN `http/1.1`, an x25519 key share.
fn client_hello() -> Vec<u8> {
    let mut h = vec![0x03, 0x03];
    h.extend([0x11; 32]);
    h.push(0);
    h.extend(with_len16(&[0x13, 0x01, 0xc0, 0x2f, 0x0a, 0x0a]));
    h.extend([1, 0]);
    let mut exts = Vec::new();
    exts.extend(ext(0, &[0, 11, 0, 0, 8, b'l', b'a', b'b', b'.', b't', b'e', b's', b't']));
    exts.extend(ext(16, &[0, 9, 8, b'h', b't', b't', b'p', b'/', b'1', b'.', b'1']));
    exts.extend(ext(43, &[4, 3, 4, 3, 3]));
    let mut share = vec![0, 36, 0, 29, 0, 32];
    share.extend([0x22; 32]);
    exts.extend(ext(51, &share));
    exts.extend(ext(10, &[0, 4, 0, 29, 0, 23]));
    exts.extend(ext(11, &[1, 0]));
    h.extend(with_len16(&exts));
    record(22, 0x0301, &handshake(1, &h))
}

/// A ServerHello choosing TLS 1.3 (supported_versions) and ALPN http/1.1.
fn server_hello() -> Vec<u8> {
    let mut h = vec![0x03, 0x03];
    h.extend([0x33; 32]);
    h.push(0);
    h.extend([0x13, 0x01, 0]);
    let mut exts = ext(43, &[3, 4]);
    let mut share = vec![0, 29, 0, 32];
    share.extend([0x44; 32]);
    exts.extend(ext(51, &share));
    h.extend(with_len16(&exts));
    record(22, 0x0303, &handshake(2, &h))
}

#[test]
fn client_hello_fields_and_ja3() {
    let mut s = Session::new();
    let bytes = client_hello();
    let (d, r) = run(&mut s, &bytes, 1, true, Pass::First);
    assert_eq!(r, Ok(Pdu::Done(bytes.len())));
    assert_eq!(d.cols.protocol, "TLSv1");
    assert_eq!(d.cols.info, "Client Hello");
    assert_eq!(values(&d, &SNI), ["lab.test"]);
    assert_eq!(values(&d, &ALPN_STR), ["http/1.1"]);
    assert_eq!(values(&d, &SUPPORTED_VERSION), ["0x0304", "0x0303"]);
    assert_eq!(values(&d, &CIPHER_SUITE), ["0x1301", "0xc02f", "0x0a0a"]);
    assert_eq!(values(&d, &KEY_SHARE_GROUP), ["29"]);
    assert_eq!(values(&d, &RECORD_VERSION), ["0x0301"]);
    // JA3 leaves the GREASE suite out; its hash is MD5 of the string.
    assert_eq!(values(&d, &JA3_FULL), ["771,4865-49199,0-16-43-51-10-11,29-23,0"]);
    assert_eq!(values(&d, &JA3), ["1d9989804864d4a8989f0995f066b2d1"]);
    assert_eq!(values_in(&d, &RANDOM_BYTES, &bytes), ["11".repeat(28)]);
}

#[test]
fn server_hello_makes_the_rest_tls13() {
    let mut s = Session::new();
    let _ = run(&mut s, &client_hello(), 1, true, Pass::First);
    let mut bytes = server_hello();
    bytes.extend(record(20, 0x0303, &[1]));
    bytes.extend(record(23, 0x0303, &[0x55; 40]));
    let (d, _) = run(&mut s, &bytes, 2, false, Pass::First);
    assert_eq!(d.cols.info, "Server Hello, Change Cipher Spec, Application Data");
    assert_eq!(d.cols.protocol, "TLSv1.3");
    assert_eq!(values(&d, &OPAQUE_TYPE), ["23"]);
    assert_eq!(values(&d, &CONTENT_TYPE), ["22", "20"]);
    // A TLS 1.3 ServerHello's random is not split into time and bytes.
    assert!(values(&d, &RANDOM_TIME).is_empty());
    assert_eq!(values(&d, &JA3S), ["f4febc55ea12b31ae17cfb7e614afda8"]);
    // A second pass names the ClientHello's record by the final version too.
    let (d, _) = run(&mut s, &client_hello(), 1, true, Pass::Revisit);
    assert_eq!(d.cols.protocol, "TLSv1.3");
    assert!(values(&d, &RANDOM_TIME).is_empty());
}

#[test]
fn records_across_segments_ask_for_the_rest() {
    let mut s = Session::new();
    let hello = client_hello();
    let (_, r) = run(&mut s, &hello[..3], 1, true, Pass::First);
    assert_eq!(r, Ok(Pdu::NeedMore { offset: 0, more: None }));
    let (d, r) = run(&mut s, &hello[..20], 1, true, Pass::First);
    assert_eq!(r, Ok(Pdu::NeedMore { offset: 0, more: Some(hello.len() - 20) }));
    // Only the empty layer, as Wireshark's first pass leaves it.
    assert_eq!(d.tree.nodes.len(), 1);
    assert_eq!(d.protocols, "tls");
    let mut two = record(21, 0x0303, &[2, 40]);
    let first = two.len();
    two.extend(&hello[..10]);
    let (d, r) = run(&mut s, &two, 2, true, Pass::First);
    assert_eq!(r, Ok(Pdu::NeedMore { offset: first, more: Some(hello.len() - 10) }));
    assert_eq!(d.cols.info, "Alert (Level: Fatal, Description: Handshake Failure)");
}

#[test]
fn encrypted_messages_after_change_cipher_spec() {
    let mut s = Session::new();
    // TLS 1.2: a Finished after the change cipher spec whose first bytes
    // (a GCM nonce of zeros) would parse as Hello Requests.
    let mut bytes = record(20, 0x0303, &[1]);
    bytes.extend(record(22, 0x0303, &[0; 40]));
    bytes.extend(record(21, 0x0303, &[0x9a; 26]));
    let (d, _) = run(&mut s, &bytes, 1, true, Pass::First);
    assert_eq!(d.cols.info, "Change Cipher Spec, Encrypted Handshake Message, Encrypted Alert");
    assert!(values(&d, &HS_TYPE).is_empty());
    assert!(values(&d, &ALERT_LEVEL).is_empty());
}

#[test]
fn heuristics_and_what_is_not_tls() {
    assert!(looks_like_tls(&client_hello()));
    assert!(!looks_like_tls(b"GET / HTTP/1.1\r\n"));
    assert!(!looks_like_tls(&record(21, 0x0303, &[2, 40])));
    assert!(is_tls_port(443) && is_tls_port(993) && !is_tls_port(8443));
    // As tshark 4.0 shows a stream on a TLS port (checked on crafted
    // captures): four printable characters are text, shown as data, and the
    // stream stays TLS's; other bytes that start no record are
    // "Continuation Data" until the session's version is known.
    let mut s = Session::new();
    let (d, r) = run(&mut s, b"220 smtp.example ESMTP\r\n", 1, false, Pass::First);
    assert_eq!(r, Ok(Pdu::Done(24)));
    assert!(!d.tree.has(&TLS) && d.protocols.ends_with("data"), "{}", d.protocols);
    let (d, r) = run(&mut s, b"\x00\x05hello", 2, false, Pass::First);
    assert_eq!(r, Ok(Pdu::Done(7)));
    assert_eq!((d.cols.info.as_str(), d.cols.protocol.as_str()), ("Continuation Data", "SSL"));
    assert!(matches!(run(&mut s, b"ABCD", 3, false, Pass::First).1, Ok(Pdu::NeedMore { .. })));
}

#[test]
fn a_lying_length_is_malformed() {
    let mut s = Session::new();
    let mut bytes = client_hello();
    // The extensions length claims more than the hello holds.
    let at = 5 + 4 + 2 + 32 + 1 + 2 + 6 + 2;
    bytes[at] = 0x7f;
    let (_, r) = run(&mut s, &bytes, 1, true, Pass::First);
    assert_eq!(r, Err(crate::dissect::DissectError::Malformed));
}

proptest! {
    #[test]
    fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..300), from_client: bool) {
        let mut s = Session::new();
        let _ = run(&mut s, &bytes, 1, from_client, Pass::First);
        let mut hello = client_hello();
        let n = bytes.len().min(hello.len() - 5);
        hello[5..5 + n].copy_from_slice(&bytes[..n]);
        let _ = run(&mut s, &hello, 2, from_client, Pass::First);
        let _ = run(&mut s, &hello, 2, from_client, Pass::Revisit);
    }
}
