use super::crypto::{retry_tag_ok, Keys, V1};
use super::frames::varint;
use super::state::Reassembly;
use super::*;
use crate::dissect::session::Session;
use crate::dissect::testutil::{field, hex, labels, run_with, values};
use crate::dissect::Dissection;

/// RFC 9001 Appendix A.3: the server's Initial packet (an empty DCID, SCID
/// f067a5502a4262b5, packet number 1) answering a client whose first
/// Destination Connection ID was 8394c8f03e515708 (A.1).
const SERVER_INITIAL: &str = "cf000000010008f067a5502a4262b5004075c0d95a482cd0991cd25b0aac406a\
5816b6394100f37a1c69797554780bb38cc5a99f5ede4cf73c3ec2493a1839b3dbcba3f6ea46c5b7684df3548e7ddeb9\
c3bf9c73cc3f3bded74b562bfb19fb84022f8ef4cdd93795d77d06edbb7aaf2f58891850abbdca3d20398c276456cbc4\
2158407dd074ee";
/// A.3's plaintext: an ACK frame, then a CRYPTO frame with the ServerHello.
const SERVER_PAYLOAD: &str = "02000000000600405a020000560303eefce7f7b37ba1d1632e96677825ddf739\
88cfc79825df566dc5430b9a045a1200130100002e00330024001d00209d3c940d89690b84d08a60993c144eca684d1081\
287c834d5311bcf32bb9da1a002b00020304";
/// A.4: a Retry with token "token".
const RETRY: &str = "ff000000010008f067a5502a4262b5746f6b656e04a265ba2eff4d829058fb3f0f2496ba";
const ODCID: &str = "8394c8f03e515708";

#[test]
fn initial_keys_open_rfc_9001s_server_initial() {
    let keys = Keys::initial(V1, &hex(ODCID)).unwrap();
    let packet = hex(SERVER_INITIAL);
    // First byte, version, DCIL 0, SCIL 8 and the SCID, the 2-byte Length.
    let opened = keys[1].open(&packet, 18, true, None).unwrap();
    assert_eq!((opened.first, opened.pn_len, opened.pn), (0xc1, 2, 1));
    assert_eq!(opened.plain, hex(SERVER_PAYLOAD));
    // The client's keys do not authenticate it.
    assert!(keys[0].open(&packet, 18, true, None).is_none());
    // Nor does a flipped ciphertext bit.
    let mut bad = packet.clone();
    *bad.last_mut().unwrap() ^= 1;
    assert!(keys[1].open(&bad, 18, true, None).is_none());
}

#[test]
fn retry_tags_are_checked_against_the_original_dcid() {
    assert!(retry_tag_ok(V1, &hex(ODCID), &hex(RETRY)));
    assert!(!retry_tag_ok(V1, &hex("8394c8f03e515709"), &hex(RETRY)));
    assert!(!retry_tag_ok(0xff00_001d, &hex(ODCID), &hex(RETRY)));
    assert!(!retry_tag_ok(V1, &hex(ODCID), &hex("ff00")));
}

#[test]
fn variable_length_integers_read_as_rfc_9000_a1_shows() {
    for (bytes, value) in [("c2197c5eff14e88c", 151_288_809_941_952_652u64), ("9d7f3e7d", 494_878_333), ("7bbd", 15293), ("25", 37)] {
        let b = hex(bytes);
        assert_eq!(varint(&Buf::new(&b, b.len()), 0).unwrap(), (value, b.len()));
    }
    let cut = hex("9d7f");
    assert!(varint(&Buf::new(&cut, cut.len()), 0).is_err());
}

#[test]
fn crypto_streams_hand_on_whole_messages_in_order() {
    let mut r = Reassembly::default();
    // A 6-byte handshake message (type 1, length 2) and the start of the next.
    let stream = hex("010000020a0b02000003");
    assert_eq!(r.add(0, &stream[..6]), Some((stream[..6].to_vec(), true)));
    // Bytes already seen are a retransmission.
    assert_eq!(r.add(0, &stream[..6]), None);
    // A frame beyond the next expected offset waits.
    assert_eq!(r.add(8, &stream[8..]), Some((Vec::new(), false)));
    // The missing bytes bring it in; the message still lacks its body.
    assert_eq!(r.add(6, &stream[6..8]), Some((Vec::new(), false)));
    // Its body completes it: bytes of three frames, not this one's alone.
    assert_eq!(r.add(10, &hex("aabbcc")), Some((hex("02000003aabbcc"), false)));
}

fn run(s: &mut Session, bytes: &[u8], number: u32, pass: Pass) -> Dissection {
    run_with(s, bytes, number, 0, pass, |cx, b| {
        if let Err(e) = dissect(cx, b, 443, 50000) {
            crate::dissect::note_error(cx, e);
        }
    })
    .0
}

#[test]
fn a_retry_shows_its_token_and_unverified_tag_without_a_connection() {
    let mut s = Session::new();
    let retry = hex(RETRY);
    let d = run(&mut s, &retry, 1, Pass::First);
    assert_eq!(d.cols.info, "Retry, SCID=f067a5502a4262b5");
    assert_eq!(field(&d, &retry, "quic.retry_token"), "746f6b656e");
    let l = labels(&d);
    assert!(l.contains(&"..11 .... = Packet Type: Retry (3)".to_string()), "{l:?}");
    // No connection knows the original DCID: the tag is not verified.
    assert_eq!(field(&d, &retry, "quic.retry_integrity_tag"), "04a265ba2eff4d829058fb3f0f2496ba");
    assert!(!l.iter().any(|l| l.contains("[verified]")), "{l:?}");
    assert!(!l.iter().any(|l| l.contains("Fixed Bit")));
}

#[test]
fn version_negotiation_lists_the_versions() {
    let mut s = Session::new();
    let vn = hex("c00000000008aabbccddeeff001108f067a5502a4262b5000000016b3343cf1a2a3a4a");
    let d = run(&mut s, &vn, 1, Pass::First);
    assert_eq!(d.cols.info, "Version Negotiation, DCID=aabbccddeeff0011, SCID=f067a5502a4262b5");
    assert_eq!(values(&d, &SUPPORTED_VERSION), ["0x00000001", "0x6b3343cf", "0x1a2a3a4a"]);
    let l = labels(&d);
    assert!(l.contains(&"Supported Version: 2 (0x6b3343cf)".to_string()), "{l:?}");
    assert!(l.contains(&"Supported Version: 0x1a2a3a4a (GREASE)".to_string()), "{l:?}");
}

/// sample-captures/quic.pcap: aioquic's first Initial (frame 1, without the
/// datagram's padding) and the server's Initial answering it (frame 2).
const CLIENT_INITIAL: &str = "cb00000001088cee50f466acb88a0852f63376e787b9c00041eb00f42901cbb29a4f9f970f4f215ab81306a7b727b578c727\
6a68d249ab70aeb0af0da22961d6c32213f2c6773b9799f56852a7080a4fa9b711b7a05b124d672f4a23093cb52c430c789b\
02561d986c4e8baf2c2e210855461101f99b08dc90744a892928c6367d25ec10228802570efc3a7beb1dd146f3ee715ae4c0\
887de13b8a3ba2c41148958a110d240f4269a6de6563084653d8934dcb8bc1b7a13a2d115b5814cee938155be3cd99e39d88\
381909964f484153fb5820020167b722bb071ba6c12a633af34569eec572462674b81d3d78f950df1e596fc6fe65561549ce\
86cc1dd082a07b817bb6dc8e84f41ee5162d18c1633a3d7570cc5997b7935ddda941f55c2c19660d0331ac9eed78ec30ca29\
2243fb5c246a89768587a685acc26b2502d99da24fc0d2ebb19a848aee228197b65acacbdd5bf9990ac5235d201d590cedb2\
51a3798b609769d18434600cb5811adc686f6f180009ff0a756aa9da04cee4a86ab87569cf07a90f283938cd9760b71aa163\
ae78d6b23d12ed11f0f3cd979c85a146eac3e7b1f0c3f4741f95049ae446bdc04615308d2fce3d483ed3d1dba0839eba4044\
da6466adb6739aff429c02b8b355ecf352838b8dbfebc32885dd8eec740f51bf8a9d57cbb59bf7dee32f27cc4460f7bb5dd6\
9690e77b43505698721e0bc368581d1bd6";
const SERVER_ANSWER: &str = "c6000000010852f63376e787b9c008b56535725b950c080040971ba0a3a5c0122add7c85a006f42066dfc6e78b9c254a00cc\
5895e7cfffb13313b45d2797240196351466a61d27bd2be566213be284f4abf4408f5f4a50958c126d35f8f0d82e41a81c6b\
bf4998653b9a6228ea6bf3cb64d8a26c2a55bb1ac98d83fa4cc23fe4574feb78dfe924e4c4ab3866a809f0522385d2a94196\
6ca6b1e539eaa964e81d47f920b5b5336dd894c4491c23b1bbecd1";

fn run_from(s: &mut Session, bytes: &[u8], number: u32, pass: Pass, from_server: bool) -> Dissection {
    let (client, server) = ("127.0.0.1".parse().unwrap(), "127.0.0.2".parse().unwrap());
    run_with(s, bytes, number, 0, pass, |cx, b| {
        cx.net = Some(if from_server { (server, client) } else { (client, server) });
        let (sport, dport) = if from_server { (443, 41946) } else { (41946, 443) };
        if let Err(e) = dissect(cx, b, sport, dport) {
            crate::dissect::note_error(cx, e);
        }
    })
    .0
}

#[test]
fn initials_of_both_sides_decrypt_and_carry_the_hellos() {
    let mut s = Session::new();
    let (client, server) = (hex(CLIENT_INITIAL), hex(SERVER_ANSWER));
    let d = run_from(&mut s, &client, 1, Pass::First, false);
    assert_eq!(d.cols.info, "Initial, DCID=8cee50f466acb88a, SCID=52f63376e787b9c0, PKN: 0, CRYPTO");
    assert_eq!(values(&d, &CONNECTION_NUMBER), ["0"]);
    assert_eq!(values(&d, &CRYPTO_LENGTH), ["469"]);
    assert_eq!(d.protocols, "quic:tls");
    let l = labels(&d);
    for want in ["Server Name: lab.test", "ALPN Next Protocol: h3", "Parameter: max_idle_timeout (len=4) 60000 ms",
        "TLSv1.3 Record Layer: Handshake Protocol: Client Hello", ".... ..01 = Packet Number Length: 2 bytes (1)"] {
        assert!(l.contains(&want.to_string()), "{want} not in {l:?}");
    }
    let d = run_from(&mut s, &server, 2, Pass::First, true);
    assert_eq!(d.cols.info, "Initial, DCID=52f63376e787b9c0, SCID=b56535725b950c08, PKN: 0, ACK, CRYPTO");
    assert!(labels(&d).contains(&"Cipher Suite: TLS_AES_256_GCM_SHA384 (0x1302)".to_string()));
    // A later pass shows the same from what the first one recorded.
    let again = run_from(&mut s, &client, 1, Pass::Revisit, false);
    assert_eq!(labels(&again), l);
    // The client's Initial again (a retransmission): its CRYPTO bytes are old.
    let d = run_from(&mut s, &client, 3, Pass::First, false);
    assert!(labels(&d).contains(&"This QUIC frame has a reused stream offset (retransmission?)".to_string()));
    assert!(!d.protocols.contains("tls"));
}

#[test]
fn the_heuristic_wants_a_long_header_of_a_known_version() {
    assert!(looks_like_quic(&hex("c000000001088394c8f03e51570800")));
    assert!(looks_like_quic(&hex("c0ff00001d088394c8f03e51570800")));
    assert!(!looks_like_quic(&hex("c0ff00000a088394c8f03e51570800")));
    assert!(!looks_like_quic(&hex("4000000001088394c8f03e51570800")));
    assert!(!looks_like_quic(&hex("c0000000010883")));
}

/// RFC 9001 Appendix A.5: a short header packet (empty DCID, packet number
/// 654360564 in 3 bytes) protected with ChaCha20-Poly1305; its payload is a PING.
const CHACHA_SECRET: &str = "9ac312a7f877468ebe69422748ad00a15443f18203a07d6060f688f30f21632b";
const CHACHA_PACKET: &str = "4cfe4189655e5cd55c41f69080575d7999c25a5bfb";

#[test]
fn chacha20_header_protection_and_payload_open_rfc_9001s_a5_packet() {
    let keys = Keys::from_secret(0x1303, &hex(CHACHA_SECRET), V1).unwrap();
    let opened = keys.open(&hex(CHACHA_PACKET), 1, false, Some(654_360_563)).unwrap();
    assert_eq!((opened.first, opened.pn_len, opened.pn), (0x42, 3, 654_360_564));
    assert_eq!(opened.plain, vec![0x01]);
}

#[test]
fn a_key_update_derives_the_next_generation_from_the_secret() {
    // A.5's "ku": the secret after one key update.
    let keys = Keys::from_secret(0x1303, &hex(CHACHA_SECRET), V1).unwrap();
    let updated = keys.updated().unwrap();
    assert_eq!(updated.secret(), hex("1223504755036d556342ee9361d253421a826c9ecdf3c7148684b36b714881f9"));
    // New packet keys: the A.5 packet, protected with the first generation, no longer opens.
    assert!(updated.open(&hex(CHACHA_PACKET), 1, false, Some(654_360_563)).is_none());
}
