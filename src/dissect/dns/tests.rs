use proptest::prelude::*;

use super::*;
use crate::dissect::testutil::{labels, run_with, values, values_in};
use crate::dissect::{note_error, Dissection};
use crate::dissect::session::Session;

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
    assert_eq!(values(&d, &super::rdata::CNAME), ["www.gaia.cs.umass.edu"]);
    assert_eq!(values(&d, &super::rdata::A), ["128.119.245.12"]);
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
    assert_eq!(values(&d, &super::rdata::CNAME), ["www.gaia.cs.umass.edu"]);
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
    assert_eq!(values(&d, &super::rdata::A), ["9.9.9.9"]);
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
    let seg = TcpSeg { stream: 0, from_client: true, sport: 40000, dport: 53, fin: false, can_desegment: true };
    let (out, r) = run_with(&mut Session::new(), &stream[..cut], 1, 0, Pass::First, |cx, b| dissect_tcp(cx, b, &seg));
    assert_eq!(r, Ok(Pdu::NeedMore { offset: q.len() + 2, more: Some(5) }));
    assert_eq!(out.tree.find(&ID).count(), 1);
    assert_eq!(out.tree.find(&LENGTH).count(), 1);
}

/// A response to `example.com <ty>` whose answers are `records`.
fn answers(ty: u16, records: &[Vec<u8>]) -> Vec<u8> {
    let mut m = header(0x1000, 0x8180, [1, records.len() as u16, 0, 0]);
    m.extend_from_slice(b"\x07example\x03com\x00");
    m.extend_from_slice(&ty.to_be_bytes());
    m.extend_from_slice(&[0, 1]);
    for r in records {
        m.extend_from_slice(r);
    }
    m
}

/// A record owned by the question's name (a pointer to it).
fn record_of(ty: u16, rdata: &[u8]) -> Vec<u8> {
    let mut r = vec![0xc0, 12];
    r.extend_from_slice(&ty.to_be_bytes());
    r.extend_from_slice(&[0, 1, 0, 0, 0x0e, 0x10]);
    r.extend_from_slice(&(rdata.len() as u16).to_be_bytes());
    r.extend_from_slice(rdata);
    r
}

// Expected values below are tshark 4.0.17's for the same bytes.
#[test]
fn dnssec_records_field_by_field() {
    use super::dnssec as sec;
    let mut key = vec![0x01, 0x01, 3, 8];
    key.extend(1..40u8);
    let mut nsec3 = vec![1, 1, 0, 10, 4, 0xaa, 0xbb, 0xcc, 0xdd, 20];
    nsec3.extend(0..20u8);
    nsec3.extend_from_slice(&[0, 6, 0x60, 0, 0, 0, 0, 0x02]);
    let param = [1, 0, 0, 10, 4, 0xaa, 0xbb, 0xcc, 0xdd];
    let mut cds = vec![0x09, 0x43, 13, 2];
    cds.extend(0..32u8);
    let mut rrsig = vec![0, 1, 8, 2, 0, 0, 0x0e, 0x10, 0x65, 0x53, 0xf1, 0x00, 0x64, 0xbb, 0x5a, 0x80, 0x30, 0x39, 0];
    rrsig.extend(0..64u8);
    let recs = [record_of(48, &key), record_of(50, &nsec3), record_of(51, &param), record_of(59, &cds), record_of(46, &rrsig)];
    let m = answers(48, &recs);
    let d = run(&m);
    assert!(!d.malformed);
    assert_eq!(
        d.cols.info,
        "Standard query response 0x1000 DNSKEY example.com DNSKEY NSEC3 NSEC3PARAM example.com CDS RRSIG"
    );
    assert_eq!(values(&d, &sec::KEY_ID), ["38278"]);
    assert_eq!(values(&d, &sec::KEY_ZONE), ["1"]);
    assert_eq!(values(&d, &sec::KEY_SEP), ["1"]);
    assert_eq!(values(&d, &sec::KEY_RESERVED), ["0x0000"]);
    assert_eq!(values(&d, &sec::NSEC3_HASH), ["000g40o40k30e209185go38e1s8124gj"]);
    assert_eq!(values_in(&d, &sec::NSEC3_SALT, &m), ["aabbccdd", "aabbccdd"]);
    assert_eq!(values(&d, &sec::NSEC3_ITERATIONS), ["10", "10"]);
    // The NSEC3's bit map: A, NS and RRSIG, filed under dns.resp.type.
    assert_eq!(values(&d, &RESP_TYPE), ["48", "50", "1", "2", "46", "51", "59", "46"]);
    assert_eq!(values(&d, &sec::DS_KEY_ID), ["0x0943"]);
    assert_eq!(values(&d, &sec::RRSIG_EXPIRATION), ["Nov 14, 2023 22:13:20.000000000 UTC"]);
    assert_eq!(values(&d, &sec::RRSIG_SIGNER), ["<Root>"]);
    let labels = labels(&d);
    for l in [
        "[Key id: 38278]",
        ".... ...1 .... .... = Zone Key: This is the zone key for specified zone",
        "0000 000. .000 000. = Key Signing Key: 0x0000",
        "Algorithm: RSA/SHA-256 (8)",
        "RR type in bit map: RRSIG (Resource Record Signature)",
        ".... ...1 = NSEC3 Opt-out flag: Additional insecure delegations allowed",
        "[Next hashed owner: 000g40o40k30e209185go38e1s8124gj]",
        "Digest Type: SHA-256 (2)",
        "Algorithm: ECDSA Curve P-256 with SHA-256 (13)",
        "Type Covered: A (Host Address) (1)",
        "Original TTL: 3600 (1 hour)",
    ] {
        assert!(labels.contains(&l.to_string()), "{l}");
    }
}

#[test]
fn svcb_params_as_wireshark_words_them() {
    use super::svcb as svcb;
    let mut rd = vec![0, 1, 0];
    for (key, value) in [
        (0u16, &[0u8, 1, 0, 3][..]),
        (1, b"\x02h2\x02h3"),
        (2, b""),
        (3, &[0x20, 0xfb]),
        (4, &[1, 2, 3, 4, 5, 6, 7, 8]),
        (5, &[0, 1, 2]),
        (9999, b"xy"),
    ] {
        rd.extend_from_slice(&key.to_be_bytes());
        rd.extend_from_slice(&(value.len() as u16).to_be_bytes());
        rd.extend_from_slice(value);
    }
    let m = answers(65, &[record_of(65, &rd)]);
    let d = run(&m);
    assert!(!d.malformed);
    assert_eq!(values(&d, &svcb::TARGET), ["<Root>"]);
    assert_eq!(values(&d, &svcb::ALPN), ["h2", "h3"]);
    assert_eq!(values_in(&d, &svcb::ECHCONFIG, &m), ["000102"]);
    assert_eq!(values_in(&d, &svcb::VALUE, &m), ["7879"]);
    let labels = labels(&d);
    for l in [
        "SvcParam: mandatory=alpn,port",
        "SvcParam: alpn=h2,h3",
        "SvcParam: no-default-alpn",
        "SvcParam: port=8443",
        "SvcParam: ipv4hint=1.2.3.4,5.6.7.8",
        "SvcParam: echconfig=AAEC",
        "ECHConfig: AAEC",
        "SvcParam: key9999=xy",
        "SvcParamKey: Unknown (9999)",
    ] {
        assert!(labels.contains(&l.to_string()), "{l}");
    }
}

#[test]
fn empty_record_data_has_no_items() {
    let d = run(&answers(2, &[record_of(2, &[])]));
    assert!(!d.malformed);
    assert!(!d.tree.has(&super::rdata::NS));
}

#[test]
fn the_udp_heuristic_takes_plausible_headers_only() {
    let (q, r) = (query(), response());
    assert!(looks_like_dns_udp(&q, q.len()));
    assert!(looks_like_dns_udp(&r, r.len()));
    // A query with an answer, an inverse query, a header alone, text.
    let mut odd = q.clone();
    odd[7] = 1;
    assert!(!looks_like_dns_udp(&odd, odd.len()));
    let mut inverse = q.clone();
    inverse[2] |= 0x08;
    assert!(!looks_like_dns_udp(&inverse, inverse.len()));
    assert!(!looks_like_dns_udp(&q[..12], 12));
    assert!(!looks_like_dns_udp(b"hello wirelens, hello", 21));
    // More records counted than the datagram can hold.
    let mut short = r.clone();
    short[7] = 90;
    assert!(!looks_like_dns_udp(&short, short.len()));
}

proptest! {
    #[test]
    fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..600)) {
        let d = run(&bytes);
        prop_assert!(d.tree.nodes.len() < 100_000);
    }

    /// Arbitrary data under each record type decoded field by field.
    #[test]
    fn arbitrary_record_data_never_panics(
        ty in proptest::sample::select(vec![1u16, 2, 6, 13, 15, 16, 24, 33, 35, 41, 43, 44, 46, 47, 48, 50, 51, 52, 59, 60, 64, 65, 257]),
        data in proptest::collection::vec(any::<u8>(), 0..120),
    ) {
        let d = run(&answers(ty, &[record_of(ty, &data)]));
        prop_assert!(d.tree.nodes.len() < 10_000);
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
