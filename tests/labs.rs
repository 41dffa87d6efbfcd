//! `wirelens lab <kind> --headless` end to end: a real capture on `lo`, the
//! lab's server and client, and the packets printed as -P does. Needs the
//! right to capture (root); skipped with a note otherwise.

mod common;

use std::process::{Command, Stdio};

use wirelens::gen::ping::Dropper;

fn can_capture() -> bool {
    // SAFETY: geteuid has no preconditions.
    if unsafe { libc::geteuid() } != 0 {
        eprintln!("not root: live capture tests skipped");
        return false;
    }
    true
}

/// A port free for both TCP and UDP right now.
fn free_port() -> u16 {
    loop {
        let t = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
        let port = t.local_addr().expect("addr").port();
        if std::net::UdpSocket::bind(("127.0.0.1", port)).is_ok() {
            return port;
        }
    }
}

/// Runs a lab headless on a fresh port: (packet lines, generator output).
fn lab(kind: &str, extra: &[&str]) -> (Vec<String>, String, u16) {
    let port = free_port();
    let port_arg = port.to_string();
    let mut args = vec!["lab", kind, "--headless", "--port", &port_arg];
    if !extra.is_empty() {
        args.push("--");
        args.extend_from_slice(extra);
    }
    let out = Command::new(common::bin()).args(&args).stdin(Stdio::null()).output().expect("run lab");
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert!(out.status.success(), "lab {kind} failed:\n{stderr}\n{stdout}");
    (stdout.lines().map(String::from).collect(), stderr, port)
}

fn count(lines: &[String], needle: &str) -> usize {
    lines.iter().filter(|l| l.contains(needle)).count()
}

#[test]
fn tcp_lab_shows_handshake_data_and_teardown() {
    if !can_capture() {
        return;
    }
    let (lines, log, port) = lab("tcp-upper", &["-m", "hello lab"]);
    assert_eq!(lines.len(), 10, "{lines:#?}");
    let flags: Vec<&str> = lines.iter().filter_map(|l| Some(l.split_once('[')?.1.split_once(']')?.0)).collect();
    assert_eq!(&flags[..3], ["SYN", "SYN, ACK", "ACK"], "{lines:#?}");
    assert_eq!(count(&lines, "[PSH, ACK]"), 2, "the line and its reply: {lines:#?}");
    assert_eq!(count(&lines, "[FIN, ACK]"), 2, "FIN both ways: {lines:#?}");
    assert!(lines[0].contains(&format!("→ {port} [SYN]")), "{}", lines[0]);
    assert!(log.contains("HELLO LAB") && log.contains("Look for:"), "{log}");
}

#[test]
fn ping_lab_loses_what_the_seed_says() {
    if !can_capture() {
        return;
    }
    let (lines, log, _) = lab("ping", &["--count", "6", "--seed", "7", "--loss", "0.3", "--timeout", "0.3"]);
    let mut d = Dropper::new(7, 0.3);
    let lost = (0..6).filter(|_| d.drop_next()).count();
    assert!(lost > 0);
    assert_eq!(lines.len(), 6 + (6 - lost), "6 pings and a reply to each kept one: {lines:#?}");
    assert_eq!(log.matches("Request timed out").count(), lost, "{log}");
}

#[test]
fn web_lab_pairs_requests_with_200_and_404() {
    if !can_capture() {
        return;
    }
    let (lines, log, _) = lab("web", &[]);
    assert_eq!(count(&lines, "[SYN]"), 1, "one keep-alive connection: {lines:#?}");
    assert_eq!(count(&lines, "[FIN, ACK]"), 2, "{lines:#?}");
    let get_200 = log.find("GET / -> 200").expect("200 for /");
    let get_404 = log.find("GET /missing.html -> 404").expect("404 for /missing.html");
    assert!(get_200 < get_404, "{log}");
}

#[test]
fn dns_lab_answers_every_query() {
    if !can_capture() {
        return;
    }
    let (lines, log, _) = lab("dns", &[]);
    assert_eq!(lines.len(), 16, "8 queries and 8 answers: {lines:#?}");
    // The lab's port is not 53: DNS is found by the UDP heuristic, as tshark finds it.
    assert_eq!(count(&lines, "DNS "), 16, "{lines:#?}");
    assert_eq!(count(&lines, "Standard query response 0x"), 8, "{lines:#?}");
    assert!(log.contains("www.lab.test.\t300\tIN\tA\t127.0.0.1") && log.contains("status: NXDOMAIN"), "{log}");
}

#[test]
fn smtp_lab_runs_the_dialogue_in_order() {
    if !can_capture() {
        return;
    }
    let (lines, log, _) = lab("smtp", &[]);
    assert_eq!(count(&lines, "[SYN]"), 1, "{lines:#?}");
    let replies: Vec<&str> = log.lines().filter_map(|l| l.strip_prefix("S: ")).filter_map(|r| r.get(..4)).collect();
    assert_eq!(replies, ["220 ", "250-", "250-", "250-", "250 ", "250 ", "250 ", "354 ", "250 ", "221 "], "{log}");
}

#[test]
fn ping_lab_log_and_packets_share_a_terminal_by_whole_lines() {
    if !can_capture() {
        return;
    }
    // Both streams into one pipe, as on a terminal: each line is either the
    // generator's or a packet's, never a mix of the two.
    let port = free_port().to_string();
    let out = Command::new("sh")
        .arg("-c")
        .arg(format!("'{}' lab ping --headless --port {port} -- --count 6 --seed 7 --loss 0.3 --timeout 0.3 2>&1", common::bin()))
        .stdin(Stdio::null())
        .output()
        .expect("run lab");
    assert!(out.status.success());
    let text = String::from_utf8_lossy(&out.stdout);
    let packet = |l: &str| l.trim_start().split_whitespace().next().is_some_and(|n| n.parse::<u32>().is_ok()) && l.contains(" UDP ");
    let packets: Vec<&str> = text.lines().filter(|l| packet(l)).collect();
    let mut d = Dropper::new(7, 0.3);
    let lost = (0..6).filter(|_| d.drop_next()).count();
    assert_eq!(packets.len(), 6 + (6 - lost), "6 pings and a reply to each kept one: {text}");
    for l in text.lines() {
        if l.contains(" UDP ") {
            assert!(packet(l) && !l.contains("Ping ") && !l.contains("timed out"), "a packet line with the log in it: {l:?}\n{text}");
        }
    }
    assert_eq!(text.matches("Request timed out").count(), lost, "{text}");
    assert!(text.contains("[ ] which pings were lost? display exactly them"), "the questions are listed: {text}");
}
