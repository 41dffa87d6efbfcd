//! QUIC decryption against tshark with the same key log: aioquic's HTTP/3
//! client and server (sample-captures/quic.pcap, the client's key log
//! quic-keylog.txt beside it, and the pcapng with the key log inside; and
//! quic-chacha.pcap: ChaCha20-Poly1305, a key update, a response whose
//! HTTP/3 DATA frame spans several STREAM frames).
//! Summaries, QUIC and HTTP/3 fields, filters and the trees of the
//! decrypted packets must equal tshark's; without the key log the Initial
//! packets alone decrypt (tests/tshark_diff.rs compares that case).

mod common;

use common::{assert_same, both_with_keylog, run_tshark, sample, tshark_available, wirelens};

/// wirelens and tshark with the same arguments after `-n -r quic.pcap -o tls.keylog_file:quic-keylog.txt`.
fn both(extra: &[&str]) -> (String, String) {
    both_with_keylog("quic.pcap", "quic-keylog.txt", extra)
}

#[test]
fn decrypted_summaries_match_tshark() {
    if !tshark_available() {
        return;
    }
    for passes in [&[][..], &["-2"][..]] {
        let (ours, theirs) = both(passes);
        assert_eq!(ours.lines().count(), 23, "the capture has 23 frames");
        assert_same("-P", &ours, &theirs);
        assert!(theirs.contains("HTTP3 199 Protected Payload (KP0), DCID=52f63376e787b9c0, PKN: 3, ACK, STREAM(0), HEADERS, DATA"));
    }
    let dsb = sample("quic-keylog-dsb.pcapng").display().to_string();
    let ours = wirelens(&["-n", "-r", &dsb]);
    assert_same("-P of the pcapng with its secrets", &ours, &run_tshark(&["-n", "-r", &dsb]));
    assert_eq!(ours.matches("HTTP3").count(), 8);
}

/// The QUIC, TLS and HTTP/3 fields compared with `-T fields`.
const FIELDS: &[&str] = &[
        "frame.number", "quic.connection.number", "quic.packet_length", "quic.long.packet_type", "quic.dcid",
        "quic.scid", "quic.packet_number", "quic.key_phase", "quic.frame_type", "quic.crypto.offset",
        "quic.crypto.length", "quic.stream.stream_id", "quic.stream.offset", "quic.stream.length", "quic.stream.fin",
        "quic.stream_data", "quic.nci.connection_id", "quic.nci.sequence", "quic.ack.largest_acknowledged",
        "quic.ack.first_ack_range", "quic.cc.error_code.app", "quic.remaining_payload", "quic.retry_token",
        "tls.handshake.type", "tls.handshake.extensions_server_name", "tls.handshake.extensions_alpn_str",
        "tls.quic.parameter.initial_max_data", "tls.quic.parameter.initial_source_connection_id",
        "http3.stream_type", "http3.frame_type", "http3.frame_length", "http3.frame_payload", "http3.settings.id",
        "http3.settings.value",
];

fn fields_args() -> Vec<&'static str> {
    let mut args = vec!["-T", "fields"];
    for f in FIELDS {
        args.extend(["-e", f]);
    }
    args
}

#[test]
fn quic_and_http3_fields_and_filters_match_tshark() {
    if !tshark_available() {
        return;
    }
    let (ours, theirs) = both(&fields_args());
    assert_same("-T fields", &ours, &theirs);
    assert!(ours.contains("lab.test") && ours.contains("1048576"));
    for filter in [
        "http3.frame_type == 1",
        "quic.stream.stream_id == 0 && quic.stream.fin",
        "quic.long.packet_type == 2 && quic.packet_number",
        "tls.handshake.type == 8",
        "quic.frame_type == 0x18",
    ] {
        let (ours, theirs) = both(&["-Y", filter, "-T", "fields", "-e", "frame.number"]);
        assert!(!ours.is_empty(), "{filter} matches frames");
        assert_same(filter, &ours, &theirs);
    }
}

#[test]
fn decrypted_packets_trees_match_tshark() {
    if !tshark_available() {
        return;
    }
    // Frame 2's Handshake packet holds the certificate, whose X.509 tree is
    // TLS's difference (compared with the TLS captures): every other frame.
    let (ours, theirs) = both(&["-Y", "frame.number != 2", "-V", "-x"]);
    assert!(ours.contains("Decrypted QUIC (") && ours.contains("Hypertext Transfer Protocol Version 3"));
    assert_same("-V -x", &ours, &theirs);
}

/// The ChaCha20-Poly1305 connection: its header protection is ChaCha20's
/// key stream; after the client's key update both sides send with key
/// phase 1; the 6000-byte page's DATA frame is not shown, as tshark 4.0
/// joins no HTTP/3 frame over STREAM frames.
#[test]
fn chacha20_a_key_update_and_a_split_data_frame_match_tshark() {
    if !tshark_available() {
        return;
    }
    let both = |extra: &[&str]| both_with_keylog("quic-chacha.pcap", "quic-chacha-keylog.txt", extra);
    for passes in [&[][..], &["-2"][..]] {
        let (ours, theirs) = both(passes);
        assert_same("-P", &ours, &theirs);
        assert!(ours.contains("Protected Payload (KP1)") && ours.contains("STREAM(4), HEADERS"), "{ours}");
        assert!(!ours.contains("Protected Payload (KP0), DCID=8015bb14ca258cb3\n"), "every packet opens: {ours}");
    }
    let (ours, theirs) = both(&fields_args());
    assert_same("-T fields", &ours, &theirs);
    let (ours, theirs) = both(&["-Y", "frame.number != 2", "-V", "-x"]);
    assert_same("-V -x", &ours, &theirs);
}

#[test]
fn without_the_key_log_only_initial_packets_decrypt() {
    let path = sample("quic.pcap").display().to_string();
    let ours = wirelens(&["-n", "-r", &path, "-T", "fields", "-e", "quic.packet_number", "-e", "tls.handshake.extensions_server_name"]);
    let numbered: Vec<&str> = ours.lines().filter(|l| !l.starts_with('\t')).collect();
    // The client's three Initials, the server's two, and the client's Initial in frame 3 and 17.
    assert_eq!(numbered.len(), 7, "{ours}");
    assert_eq!(ours.matches("lab.test").count(), 2);
}
