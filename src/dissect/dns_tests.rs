use proptest::prelude::*;

use super::*;
use crate::dissect::app_testutil::{labels, run_with, values};
use crate::dissect::{note_error, Dissection};
use crate::session::Session;

fn run_in(session: &mut Session, msg: &[u8], number: u32, ms: i64, pass: Pass) -> Dissection {
    let (d, r) = run_with(session, msg, number, ms, pass, |cx, b| message(cx, b, Flavor::Dns, None).map_err(|e| note_error(cx, e)));
    let _ = r;
    d
}

fn run(msg: &[u8]) -> Dissection {
    run_in(&mut Session::new(), msg, 1, 0, Pass::First)
}

fn header(id: u16, flags: u16, counts: [u16; 4]) -> Vec<u8> {
    let mut v = Vec::new();
    for x in [id, flags, counts[0], counts[1], counts[2], counts[3]] {
        v.extend_from_slice(&x.to_be_bytes());
    }
    v
}

const GAIA: &[u8] = b"\x04gaia\x02cs\x05umass\x03edu\x00";

fn query() -> Vec<u8> {
    let mut m = header(0x5614, 0x0100, [1, 0, 0, 1]);
    m.extend_from_slice(GAIA);
    m.extend_from_slice(&[0, 1, 0, 1]);
    // OPT: root name, type 41, payload 1232, DO bit, no options.
    m.extend_from_slice(&[0, 0, 41, 0x04, 0xd0, 0, 0, 0x80, 0, 0, 0]);
    m
}

fn response() -> Vec<u8> {
    let mut m = header(0x5614, 0x8180, [1, 2, 0, 0]);
    m.extend_from_slice(GAIA);
    m.extend_from_slice(&[0, 1, 0, 1]);
    // CNAME www.gaia… → pointer to the question name.
    m.extend_from_slice(&[0xc0, 12, 0, 5, 0, 1, 0, 0, 0x0e, 0x10, 0, 6]);
    m.extend_from_slice(b"\x03www\xc0\x0c");
    m.extend_from_slice(&[0xc0, 12, 0, 1, 0, 1, 0, 0, 0, 60, 0, 4, 128, 119, 245, 12]);
    m
}

#[test]
fn query_fields_and_info() {
    let d = run(&query());
    assert_eq!(d.cols.info, "Standard query 0x5614 A gaia.cs.umass.edu OPT");
    assert_eq!(d.cols.protocol, "DNS");
    assert_eq!(values(&d, &ID), ["0x5614"]);
    assert_eq!(values(&d, &FLAGS), ["0x0100"]);
    assert_eq!(values(&d, &QRY_NAME), ["gaia.cs.umass.edu"]);
    assert_eq!(values(&d, &QRY_NAME_LEN), ["17"]);
    assert_eq!(values(&d, &COUNT_LABELS), ["4"]);
    assert_eq!(values(&d, &UDP_PAYLOAD_SIZE), ["1232"]);
    assert_eq!(values(&d, &RESP_Z_DO), ["1"]);
    // Queries carry no reply code or recursion-available bit.
    assert!(!d.tree.has(&F_RCODE) && !d.tree.has(&F_RA));
    let name = d.tree.first(&QRY_NAME).unwrap();
    assert_eq!(name.range(), 12..31);
    assert!(!d.malformed);
}

#[test]
fn response_records_with_compression() {
    let d = run(&response());
    assert_eq!(
        d.cols.info,
        "Standard query response 0x5614 A gaia.cs.umass.edu CNAME www.gaia.cs.umass.edu A 128.119.245.12"
    );
    assert_eq!(values(&d, &RESP_NAME), ["gaia.cs.umass.edu", "gaia.cs.umass.edu"]);
    assert_eq!(values(&d, &super::super::dns_rdata::CNAME), ["www.gaia.cs.umass.edu"]);
    assert_eq!(values(&d, &super::super::dns_rdata::A), ["128.119.245.12"]);
    assert_eq!(values(&d, &RESP_TTL), ["3600", "60"]);
    let labels = labels(&d);
    assert!(labels.contains(&"Flags: 0x8180 Standard query response, No error".to_string()));
    assert!(labels.contains(&"gaia.cs.umass.edu: type A, class IN, addr 128.119.245.12".to_string()));
    assert!(labels.contains(&"Time to live: 3600 (1 hour)".to_string()));
}

#[test]
fn pairing_is_backwards_first_and_both_ways_on_revisit() {
    let mut s = Session::new();
    let q = run_in(&mut s, &query(), 94, 1000, Pass::First);
    assert!(!q.tree.has(&RESPONSE_IN));
    let r = run_in(&mut s, &response(), 95, 1004, Pass::First);
    assert_eq!(values(&r, &RESPONSE_TO), ["94"]);
    assert_eq!(values(&r, &TIME), ["0.004000000"]);
    let q = run_in(&mut s, &query(), 94, 1000, Pass::Revisit);
    assert_eq!(values(&q, &RESPONSE_IN), ["95"]);
    let labels = labels(&q);
    assert!(labels.contains(&"[Response In: 95]".to_string()));
}

#[test]
fn no_such_name() {
    let mut m = header(0x266d, 0x8183, [1, 0, 0, 0]);
    m.extend_from_slice(b"\x03www\x07example\x07notginh\x00\x00\x1c\x00\x01");
    assert_eq!(run(&m).cols.info, "Standard query response 0x266d No such name AAAA www.example.notginh");
}

#[test]
fn compression_loop_is_named_not_followed() {
    let mut m = header(0x2223, 0x0100, [1, 0, 0, 0]);
    m.extend_from_slice(&[0xc0, 12, 0, 1, 0, 1]);
    let d = run(&m);
    assert_eq!(d.cols.info, "Standard query 0x2223 A <Name contains a pointer that loops>");
    assert!(!d.malformed);
}

#[test]
fn bad_lengths_keep_what_decoded() {
    // The answer says 40 bytes of data but the message ends first.
    let mut m = response();
    let n = m.len();
    m[n - 5] = 40;
    let d = run(&m);
    assert!(d.malformed);
    assert!(d.cols.info.ends_with(" A[Malformed Packet]"), "{}", d.cols.info);
    assert_eq!(values(&d, &super::super::dns_rdata::CNAME), ["www.gaia.cs.umass.edu"]);
    // A header that stops in the middle.
    let d = run(&query()[..7]);
    assert!(d.malformed);
    assert_eq!(values(&d, &ID), ["0x5614"]);
}

#[test]
fn hickory_rejection_flags_malformed_and_keeps_records() {
    // An A record with five bytes of data is in bounds for the walk, but
    // hickory-proto refuses it.
    let mut m = header(1, 0x8180, [0, 2, 0, 0]);
    m.extend_from_slice(&[0, 0, 1, 0, 1, 0, 0, 0, 1, 0, 5, 1, 2, 3, 4, 5]);
    m.extend_from_slice(&[0, 0, 1, 0, 1, 0, 0, 0, 1, 0, 4, 9, 9, 9, 9]);
    let d = run(&m);
    assert!(d.malformed);
    assert_eq!(values(&d, &super::super::dns_rdata::A), ["9.9.9.9"]);
}

#[test]
fn tcp_messages_and_partial_ones() {
    let q = query();
    let mut stream = Vec::new();
    for _ in 0..2 {
        stream.extend_from_slice(&(q.len() as u16).to_be_bytes());
        stream.extend_from_slice(&q);
    }
    let cut = stream.len() - 5;
    let seg = TcpSeg { stream: 0, from_client: true, sport: 40000, dport: 53, fin: false };
    let (out, r) = run_with(&mut Session::new(), &stream[..cut], 1, 0, Pass::First, |cx, b| dissect_tcp(cx, b, &seg));
    assert_eq!(r, Ok(Pdu::NeedMore { offset: q.len() + 2, more: Some(5) }));
    assert_eq!(out.tree.find(&ID).count(), 1);
    assert_eq!(out.tree.find(&LENGTH).count(), 1);
}

proptest! {
    #[test]
    fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..600)) {
        let d = run(&bytes);
        prop_assert!(d.tree.nodes.len() < 100_000);
    }

    #[test]
    fn mutated_messages_never_panic(pos in 0usize..80, val in any::<u8>(), cut in 0usize..80) {
        let mut m = response();
        if pos < m.len() {
            m[pos] = val;
        }
        m.truncate(m.len().saturating_sub(cut % 8));
        run(&m);
    }
}
