//! TLS decryption against tshark with the same key log: the capture of curl
//! fetching three pages (the last longer than a record) from nginx over TLS 1.3 (AES-128-GCM, AES-256-GCM,
//! ChaCha20-Poly1305) and TLS 1.2 (ECDHE-RSA with the same three), read
//! with `-o tls.keylog_file:` and, as pcapng, with the key log inside.
//! Summaries, HTTP fields and filters inside TLS, the decrypted records'
//! trees and `-z follow,tls` must equal tshark's.

mod common;

use common::{assert_same, both_with_keylog, run_tshark, sample, tshark_available, wirelens};

/// wirelens and tshark with the same arguments after `-n -r FILE -o PREF`.
fn both(file: &str, extra: &[&str]) -> (String, String) {
    both_with_keylog(file, "tls-keylog.txt", extra)
}

#[test]
fn decrypted_summaries_match_tshark() {
    if !tshark_available() {
        return;
    }
    for passes in [&[][..], &["-2"][..]] {
        let (ours, theirs) = both("tls-keylog.pcap", passes);
        let mut ours_args = passes.to_vec();
        ours_args.push("-P");
        let (ours_p, _) = both("tls-keylog.pcap", &ours_args);
        assert!(ours.lines().count() == 133, "the capture has 133 frames");
        assert_same("-P", &ours_p, &theirs);
        assert!(theirs.contains("GET /notes.txt HTTP/1.1"), "tshark decrypted the capture");
    }
    // The pcapng file carries the key log itself.
    let dsb = sample("tls-keylog-dsb.pcapng").display().to_string();
    let ours = wirelens(&["-n", "-r", &dsb, "-P"]);
    assert_same("-P of the pcapng with its secrets", &ours, &run_tshark(&["-n", "-r", &dsb]));
    assert_eq!(ours.matches("HTTP/1.1 200 OK").count(), 18);
}

#[test]
fn http_inside_tls_fields_and_filters_match_tshark() {
    if !tshark_available() {
        return;
    }
    let fields = [
        "frame.number", "tls.record.content_type", "tls.record.opaque_type", "tls.handshake.type",
        "tls.app_data_proto", "tls.handshake.client_cert_vrfy.sig_len", "tls.handshake.extensions_alpn_str",
        "tls.alert_message.desc", "http.request.method", "http.request.uri", "http.request.full_uri", "http.host",
        "http.response.code", "http.content_type", "http.content_length", "http.request_in", "http.response_in",
        "http.file_data", "tls.segment", "tls.segment.count", "tls.reassembled.length", "tls.segment.data",
    ];
    let mut args = vec!["-T", "fields"];
    for f in &fields {
        args.extend(["-e", f]);
    }
    let (ours, theirs) = both("tls-keylog.pcap", &args);
    assert_same("-T fields", &ours, &theirs);
    assert!(ours.contains("https://lab.test/notes.txt"));
    assert!(ours.lines().any(|l| l.contains("\t2\t18197\t")), "a response over two records: {ours}");
    for filter in ["http.request.uri == \"/notes.txt\"", "http.response.code == 200 && tls.record.version == 0x0303", "tls.handshake.type == 20"] {
        let (ours, theirs) = both("tls-keylog.pcap", &["-Y", filter, "-T", "fields", "-e", "frame.number"]);
        assert!(!ours.is_empty(), "{filter} matches frames");
        assert_same(filter, &ours, &theirs);
    }
}

#[test]
fn decrypted_records_trees_match_tshark() {
    if !tshark_available() {
        return;
    }
    // The records after the hellos: HTTP in TLS 1.3 and 1.2, the encrypted
    // Finished, session tickets and alerts (the hellos' and certificates'
    // trees are the plain TLS dissector's, compared elsewhere).
    let filter = "http || tls.segment.data || tls.handshake.type == 4 || tls.alert_message \
                  || (tls.handshake.type == 20 && !tls.handshake.type == 11)";
    let (ours, theirs) = both("tls-keylog.pcap", &["-Y", filter, "-V", "-x"]);
    assert!(ours.contains("Decrypted TLS (322 bytes):") && ours.contains("[2 Reassembled TLS segments (18197 bytes):"));
    // tshark cuts an item's label at 240 characters ("[truncated]"): the
    // long line of the reassembled page's text differs in that alone.
    let uncut = |s: &str| s.lines().filter(|l| l.len() < 240).collect::<Vec<_>>().join("\n");
    assert_same("-V -x", &uncut(&ours), &uncut(&theirs));
}

#[test]
fn follow_tls_matches_tshark() {
    if !tshark_available() {
        return;
    }
    for stream in 0..6 {
        for mode in ["ascii", "hex"] {
            let z = format!("follow,tls,{mode},{stream}");
            let (ours, theirs) = both("tls-keylog.pcap", &["-q", "-z", &z]);
            assert!(ours.contains("GET /lecture.html") || ours.contains("GET /lec"), "{z} shows the request");
            assert_same(&z, &ours, &theirs);
        }
    }
}

#[test]
fn without_the_key_log_the_records_stay_encrypted() {
    let path = sample("tls-keylog.pcap").display().to_string();
    let ours = wirelens(&["-n", "-r", &path, "-P"]);
    assert!(!ours.contains("HTTP"));
    assert_eq!(ours.matches("Application Data").count(), 66);
}
