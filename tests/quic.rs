//! QUIC decryption against tshark with the same key log: aioquic's HTTP/3
//! client and server (sample-captures/quic.pcap, the client's key log
//! quic-keylog.txt beside it, and the pcapng with the key log inside; and
//! quic-chacha.pcap: ChaCha20-Poly1305, a key update, a response whose
//! HTTP/3 DATA frame spans several STREAM frames).
//! Summaries, QUIC and HTTP/3 fields, filters and the trees of the
//! decrypted packets must equal tshark's; without the key log the Initial
//! packets alone decrypt (tests/tshark_diff.rs compares that case).
//!
//! tshark 4.0 is built without nghttp3, so it shows no QPACK: what wirelens
//! adds for it (Wireshark 4.2's decoded headers, encoder stream
//! instructions, the request or status after HEADERS in Info) is taken out
//! of our side before comparing (`without_qpack`), and the decoded headers
//! are checked against what the lab's client and server sent.

mod common;

use common::{assert_same, both_with_keylog, run_tshark, sample, tshark_available, wirelens};

/// wirelens and tshark with the same arguments after `-n -r quic.pcap -o tls.keylog_file:quic-keylog.txt`.
fn both(extra: &[&str]) -> (String, String) {
    keylog_both("quic.pcap", "quic-keylog.txt", extra)
}

/// `both_with_keylog` with our output as tshark 4.0 would show it (`without_qpack`).
fn keylog_both(capture: &str, keylog: &str, extra: &[&str]) -> (String, String) {
    let (ours, theirs) = both_with_keylog(capture, keylog, extra);
    (without_qpack(&ours), theirs)
}

/// The tree lines (with the lines below them) and Info text that QPACK
/// decoding adds, which tshark 4.0 without nghttp3 cannot show.
const QPACK_LINES: &[&str] = &[
    "[Header Length: ", "[Headers Count: ", "Header: ", "[Full request URI: ", "QPACK encoder stream; ",
    "[HEADERS head-of-line-blocked", "Decompressed Header (",
];

fn without_qpack(out: &str) -> String {
    let mut kept = String::new();
    let mut skip_deeper: Option<usize> = None;
    for line in out.split_inclusive('\n') {
        let body = line.trim_start();
        let indent = line.len() - body.len();
        if let Some(depth) = skip_deeper {
            // A data source's hex dump goes on while its lines start with an
            // offset; a tree item's children are indented deeper.
            let dump_row = line.len() > 6 && line[..4].bytes().all(|c| c.is_ascii_hexdigit()) && &line[4..6] == "  ";
            if (depth == usize::MAX && dump_row) || (depth != usize::MAX && indent > depth) {
                continue;
            }
            skip_deeper = None;
        }
        if QPACK_LINES.iter().any(|p| body.starts_with(p)) {
            skip_deeper = Some(if body.starts_with("Decompressed Header (") { usize::MAX } else { indent });
            continue;
        }
        kept.push_str(&without_headers_info(line));
    }
    kept
}

/// "HEADERS: GET /page" or "HEADERS: 200 OK" in an Info column back to "HEADERS".
fn without_headers_info(line: &str) -> String {
    let mut out = String::new();
    let mut rest = line;
    while let Some(i) = rest.find("HEADERS: ") {
        out.push_str(&rest[..i + "HEADERS".len()]);
        let after = &rest[i + "HEADERS: ".len()..];
        let end = after.find(", ").or_else(|| after.find('\n')).unwrap_or(after.len());
        rest = &after[end..];
    }
    out.push_str(rest);
    out
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
    let ours = without_qpack(&wirelens(&["-n", "-r", &dsb]));
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
    let both = |extra: &[&str]| keylog_both("quic-chacha.pcap", "quic-chacha-keylog.txt", extra);
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

/// The decoded request and response headers are those quic_lab.py's client
/// and server sent: the client's five (`Client.get`), the server's four
/// (`Server.quic_event_received`, content-length the length of its PAGES
/// entry); the server's `server` and `content-type` come from its dynamic
/// table, filled by its encoder stream in the same packet.
#[test]
fn decoded_http3_headers_are_what_the_lab_sent() {
    let fields = [
        "frame.number", "http3.headers.method", "http3.headers.scheme", "http3.headers.authority",
        "http3.headers.path", "http3.headers.user_agent", "http3.headers.status", "http3.headers.server",
        "http3.headers.content_type", "http3.headers.content_length", "http3.request.full_uri",
        "http3.headers.count",
    ];
    let mut args = vec!["-Y", "http3.headers.header", "-T", "fields"];
    for f in fields {
        args.extend(["-e", f]);
    }
    let run = |capture: &str, keylog: &str| {
        let path = sample(capture).display().to_string();
        let pref = format!("tls.keylog_file:{}", sample(keylog).display());
        let mut all = vec!["-n", "-r", &path, "-o", &pref];
        all.extend_from_slice(&args);
        wirelens(&all)
    };
    let request = |frame: u32, path: &str| {
        format!("{frame}\tGET\thttps\tlab.test:443\t{path}\taioquic-lab\t\t\t\t\thttps://lab.test:443{path}\t5\n")
    };
    let response = |frame: u32, len: usize| format!("{frame}\t\t\t\t\t\t200\twirelens-lab\ttext/html\t{len}\t\t4\n");
    let want = [request(5, "/lecture.html"), response(7, 87), request(9, "/notes.txt"), response(10, 85)].concat();
    assert_eq!(run("quic.pcap", "quic-keylog.txt"), want);
    let want = [request(5, "/long.txt"), response(7, 5980), request(15, "/notes.txt"), response(16, 85)].concat();
    assert_eq!(run("quic-chacha.pcap", "quic-chacha-keylog.txt"), want);

    // Filters, the Info column and the encoder stream's instructions.
    let path = sample("quic.pcap").display().to_string();
    let pref = format!("tls.keylog_file:{}", sample("quic-keylog.txt").display());
    let base = ["-n", "-r", path.as_str(), "-o", pref.as_str()];
    let with = |extra: &[&str]| wirelens(&[&base[..], extra].concat());
    let out = with(&["-Y", "http3.headers.path == \"/notes.txt\"", "-T", "fields", "-e", "frame.number"]);
    assert_eq!(out, "9\n");
    let out = with(&["-Y", "http3.headers.status == 200 && http3.headers.content_length > 86", "-T", "fields", "-e", "frame.number"]);
    assert_eq!(out, "7\n");
    let info = with(&["-Y", "frame.number == 5 || frame.number == 10"]);
    assert!(info.contains("STREAM(0), HEADERS: GET /lecture.html\n"), "{info}");
    assert!(info.contains("STREAM(7), STREAM(4), HEADERS: 200 OK, DATA\n"), "{info}");
    let out = with(&["-Y", "http3.qpack.encoder", "-T", "fields", "-e", "frame.number", "-e", "http3.qpack.encoder.icnt.inc",
        "-e", "http3.qpack.encoder.icnt", "-e", "http3.qpack.encoder.opcode.dtable_cap.val"]);
    // Each side's encoder stream sets the capacity (the server's right after
    // its type, the client's in a packet of its own); the server's inserts two entries.
    assert_eq!(out, "4\t0\t0\t4096\n6\t0\t0\t4096\n10\t2\t2\t\n");
    // Two passes show the same as one.
    let once = with(&["-V"]);
    assert_eq!(with(&["-2", "-V"]), once);
    assert!(once.contains("Header: server: wirelens-lab") && once.contains("[Full request URI: https://lab.test:443/notes.txt]"));
}
