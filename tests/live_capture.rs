//! Live capture on `lo`: the library API, headless `-i`, `-w` files that
//! survive SIGKILL, and the messages for permission and other open errors.
//! These need capture rights (CI and the dev machines run as root).

use std::io::{BufRead, BufReader};
use std::net::UdpSocket;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc;
use std::sync::Arc;
use std::time::{Duration, Instant};

use wirelens::capture::{LiveCapture, LiveEvent, LiveOptions, Reader};

const BIN: &str = env!("CARGO_BIN_EXE_wirelens");
/// Generous bound so a broken capture fails the test instead of hanging it.
const DEADLINE: Duration = Duration::from_secs(60);

/// A bound UDP socket on loopback: its port is free and stays ours.
fn free_port() -> (UdpSocket, u16) {
    let s = UdpSocket::bind("127.0.0.1:0").unwrap();
    let port = s.local_addr().unwrap().port();
    (s, port)
}

fn send(to: u16, payload: &[u8]) {
    let s = UdpSocket::bind("127.0.0.1:0").unwrap();
    s.send_to(payload, ("127.0.0.1", to)).unwrap();
}

/// Starts wirelens and waits until it says it is capturing; returns the
/// child and the rest of its standard error, line by line.
fn spawn_capture(args: &[&str]) -> (Child, mpsc::Receiver<String>) {
    let mut child = Command::new(BIN)
        .args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let stderr = child.stderr.take().unwrap();
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stderr).lines().map_while(Result::ok) {
            let _ = tx.send(line);
        }
    });
    let first = rx.recv_timeout(DEADLINE).expect("wirelens never said it was capturing");
    assert!(first.starts_with("Capturing on 'lo'"), "unexpected first line: {first}");
    (child, rx)
}

fn wait_exit(child: &mut Child) -> std::process::ExitStatus {
    let start = Instant::now();
    loop {
        if let Some(st) = child.try_wait().unwrap() {
            return st;
        }
        if start.elapsed() > DEADLINE {
            let _ = child.kill();
            panic!("wirelens did not stop");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// Every packet of a pcap file, read with our reader, which must reach the
/// end without error.
fn read_all(path: &Path) -> Vec<(u32, Vec<u8>)> {
    let mut r = Reader::new(std::fs::File::open(path).unwrap()).unwrap();
    let mut out = Vec::new();
    while let Some((rec, iface, data)) = r.next_packet().unwrap_or_else(|e| panic!("{}: {e}", path.display())) {
        assert_eq!(iface.linktype, 1, "lo is Ethernet");
        assert_eq!(iface.ts_digits, 9, "live captures keep nanoseconds");
        out.push((rec.origlen, data.to_vec()));
    }
    out
}

/// The UDP destination port of an Ethernet/IPv4 frame without IP options.
fn udp_dport(frame: &[u8]) -> Option<u16> {
    let b = frame.get(36..38)?;
    Some(u16::from_be_bytes([b[0], b[1]]))
}

fn tshark_available() -> bool {
    Command::new("tshark").arg("-v").stdout(Stdio::null()).stderr(Stdio::null()).status().is_ok()
}

#[test]
fn the_api_delivers_filtered_packets_and_counts() {
    let (_sock, port) = free_port();
    let (_other, other_port) = free_port();
    let opts = LiveOptions { iface: "lo".into(), filter: Some(format!("udp dst port {port}")), ..Default::default() };
    let (cap, rx) = LiveCapture::start(&opts).unwrap();
    assert_eq!(cap.interface().linktype, 1);
    for i in 0..4 {
        send(other_port, b"not for us");
        send(port, format!("api-{i}").as_bytes());
    }
    let mut got = Vec::new();
    let start = Instant::now();
    while got.len() < 4 && start.elapsed() < DEADLINE {
        if let Ok(LiveEvent::Packet { record, linktype, data, .. }) = rx.recv_timeout(Duration::from_millis(200)) {
            assert_eq!(linktype, 1);
            assert_eq!(record.caplen as usize, data.len());
            assert_eq!(record.offset, 0, "no -w file, no offset");
            got.push(data);
        }
    }
    let stats = cap.stop();
    assert_eq!(got.len(), 4);
    for (i, frame) in got.iter().enumerate() {
        assert_eq!(udp_dport(frame), Some(port));
        assert!(frame.ends_with(format!("api-{i}").as_bytes()));
    }
    assert_eq!(stats.captured, 4);
    // The final counts also arrive as the last event before the channel ends.
    let last = rx.iter().filter_map(|e| if let LiveEvent::Stats(s) = e { Some(s) } else { None }).last();
    assert_eq!(last, Some(stats));
}

#[test]
fn headless_live_prints_the_filtered_datagrams_and_writes_them() {
    let (_sock, port) = free_port();
    let (_other, other_port) = free_port();
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("live.pcap");
    let filter = format!("udp port {port}");
    let (mut child, err) = spawn_capture(&["-i", "lo", "-f", &filter, "-c", "5", "-P", "-w", file.to_str().unwrap()]);
    // Datagrams are sent until wirelens has its five: a test running beside
    // this one floods the loopback, where the kernel may drop a datagram
    // before any capture sees it.
    let mut sent = 0;
    while child.try_wait().unwrap().is_none() && sent < 200 {
        send(other_port, b"filtered out");
        send(port, format!("wirelens-live-{sent:03}").as_bytes());
        sent += 1;
        if sent >= 5 {
            std::thread::sleep(Duration::from_millis(20));
        }
    }
    let status = wait_exit(&mut child);
    let mut stdout = String::new();
    std::io::Read::read_to_string(&mut child.stdout.take().unwrap(), &mut stdout).unwrap();
    let stderr: Vec<String> = err.iter().collect();
    assert!(status.success(), "{status} {stderr:?}");
    let lines: Vec<&str> = stdout.lines().collect();
    assert_eq!(lines.len(), 5, "{stdout}");
    for (i, l) in lines.iter().enumerate() {
        assert!(l.trim_start().starts_with(&format!("{} ", i + 1)), "{l}");
        assert!(l.contains(" 127.0.0.1 → 127.0.0.1    UDP "), "{l}");
        assert!(l.contains(&format!("→ {port} Len=17")), "{l}");
    }
    assert!(stderr.contains(&"5 packets captured".to_string()), "{stderr:?}");
    assert!(stderr.contains(&"0 packets dropped from lo".to_string()), "{stderr:?}");

    let packets = read_all(&file);
    assert_eq!(packets.len(), 5);
    let mut last = None;
    for (_, frame) in &packets {
        assert_eq!(udp_dport(frame), Some(port));
        let tail = frame.get(frame.len().saturating_sub(3)..).unwrap_or_default();
        let n: u32 = std::str::from_utf8(tail).unwrap().parse().unwrap();
        assert!(frame.ends_with(format!("wirelens-live-{n:03}").as_bytes()));
        assert!(last < Some(n), "datagrams out of order");
        last = Some(n);
    }
    if tshark_available() {
        let out = Command::new("tshark")
            .args(["-n", "-r", file.to_str().unwrap(), "-T", "fields", "-e", "udp.dstport"])
            .output()
            .unwrap();
        assert!(out.status.success());
        let want = format!("{port}\n").repeat(5);
        assert_eq!(String::from_utf8_lossy(&out.stdout), want);
    }
}

#[test]
fn a_capture_file_survives_sigkill() {
    let (_sock, port) = free_port();
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("killed.pcap");
    let filter = format!("udp dst port {port}");
    let (mut child, _err) = spawn_capture(&["-i", "lo", "-f", &filter, "-w", file.to_str().unwrap()]);
    // A steady stream of datagrams of many sizes, so records straddle page
    // boundaries and the kill lands while packets are being written.
    let running = Arc::new(AtomicBool::new(true));
    let flag = running.clone();
    let sender = std::thread::spawn(move || {
        let s = UdpSocket::bind("127.0.0.1:0").unwrap();
        let payload = vec![b'k'; 1400];
        let mut n = 0usize;
        while flag.load(Ordering::Relaxed) {
            let _ = s.send_to(&payload[..1 + n % 1400], ("127.0.0.1", port));
            n += 1;
            if n % 64 == 0 {
                std::thread::sleep(Duration::from_millis(1));
            }
        }
    });
    let start = Instant::now();
    while std::fs::metadata(&file).map(|m| m.len()).unwrap_or(0) < 256 * 1024 {
        assert!(start.elapsed() < DEADLINE, "the capture file does not grow");
        std::thread::sleep(Duration::from_millis(10));
    }
    child.kill().unwrap(); // SIGKILL
    child.wait().unwrap();
    running.store(false, Ordering::Relaxed);
    sender.join().unwrap();

    let packets = read_all(&file);
    assert!(packets.len() > 100, "only {} packets", packets.len());
    let mut expect_size = 24u64;
    for (origlen, frame) in &packets {
        assert_eq!(udp_dport(frame), Some(port));
        assert_eq!(*origlen as usize, frame.len());
        expect_size += 16 + frame.len() as u64;
    }
    assert_eq!(std::fs::metadata(&file).unwrap().len(), expect_size, "bytes after the last whole record");
    if tshark_available() {
        let out = Command::new("tshark").args(["-n", "-r", file.to_str().unwrap()]).output().unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(out.status.success(), "tshark: {stderr}");
        assert!(!stderr.contains("cut short"), "tshark: {stderr}");
        assert_eq!(String::from_utf8_lossy(&out.stdout).lines().count(), packets.len());
    }
}

#[test]
fn without_capture_rights_the_error_says_what_to_run() {
    // setpriv drops every capability, as for an unprivileged user.
    let Ok(out) = Command::new("setpriv")
        .args(["--inh-caps=-all", "--bounding-set=-all", "--", BIN, "-i", "lo", "-P"])
        .output()
    else {
        eprintln!("setpriv is not installed; skipped");
        return;
    };
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("you don't have permission to capture on lo"), "{stderr}");
    assert!(stderr.contains("sudo setcap cap_net_raw,cap_net_admin=eip $(command -v wirelens)"), "{stderr}");
    assert!(!stderr.contains("libpcap error"), "{stderr}");
}

#[test]
fn open_errors_name_the_interface_or_the_filter() {
    let out = Command::new(BIN).args(["-i", "nosuch0", "-P"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        String::from_utf8_lossy(&out.stderr),
        "wirelens: there is no interface named \"nosuch0\" (`wirelens -D` lists them)\n"
    );
    let out = Command::new(BIN).args(["-i", "lo", "-f", "udp prt 1", "-P"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.starts_with("wirelens: invalid capture filter \"udp prt 1\": "), "{stderr}");
}

#[test]
fn dash_d_lists_loopback() {
    let out = Command::new(BIN).arg("-D").output().unwrap();
    assert!(out.status.success());
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.lines().any(|l| l.ends_with(". lo (Loopback)")), "{text}");
    assert!(text.lines().any(|l| l.contains(". any")), "{text}");
}

/// Runs wirelens until it exits by itself, sending datagrams to `port`
/// (and to `other`) every few milliseconds meanwhile; returns its status,
/// standard output and standard error lines.
fn run_while_sending(args: &[&str], port: u16, other: u16) -> (std::process::ExitStatus, String, Vec<String>) {
    let (mut child, err) = spawn_capture(args);
    let mut n = 0u32;
    while child.try_wait().unwrap().is_none() {
        assert!(n < 20_000, "wirelens did not stop by itself: {args:?}");
        send(other, b"not for us");
        send(port, format!("dgram-{n:05}").as_bytes());
        n += 1;
        std::thread::sleep(Duration::from_millis(2));
    }
    let status = wait_exit(&mut child);
    let mut stdout = String::new();
    std::io::Read::read_to_string(&mut child.stdout.take().unwrap(), &mut stdout).unwrap();
    (status, stdout, err.iter().collect())
}

#[test]
fn trailing_words_are_the_capture_filter_and_q_prints_no_packets() {
    let (_sock, port) = free_port();
    let (_other, other_port) = free_port();
    let filter = format!("udp dst port {port}");
    let (status, out, err) = run_while_sending(&["-i", "lo", "-c", "3", "-P", &filter], port, other_port);
    assert!(status.success(), "{err:?}");
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines.len(), 3, "{out}");
    assert!(lines.iter().all(|l| l.contains(&format!("→ {port} Len=11"))), "the trailing capture filter was not applied:\n{out}");

    let (status, out, err) = run_while_sending(&["-i", "lo", "-q", "-c", "3", "-f", &filter], port, other_port);
    assert!(status.success(), "{err:?}");
    assert_eq!(out, "", "-q printed packet lines");
    assert!(err.contains(&"3 packets captured".to_string()), "{err:?}");
}

#[test]
fn a_trailing_display_filter_applies_to_a_file() {
    let out = Command::new(BIN).args(["-r", "sample-captures/web.pcap", "-P", "http.response"]).output().unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success());
    assert_eq!(text.lines().count(), 3, "{text}");
    assert!(text.lines().all(|l| l.contains("HTTP/1.1 ")), "{text}");
    let out = Command::new(BIN).args(["-r", "sample-captures/web.pcap", "-Y", "http", "tcp"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2), "a filter given twice is an error");
}

/// Packets in a capture file as tshark reads it, which must read it whole.
fn tshark_count(path: &Path) -> usize {
    let out = Command::new("tshark").args(["-n", "-r", path.to_str().unwrap()]).output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    // tshark warns when run as root; anything else it says is a problem.
    let complaints: Vec<&str> = stderr.lines().filter(|l| !l.contains("Running as user") && !l.trim().is_empty()).collect();
    assert!(out.status.success() && complaints.is_empty(), "tshark on {}: {stderr}", path.display());
    String::from_utf8_lossy(&out.stdout).lines().count()
}

#[test]
fn a_ring_buffer_keeps_its_newest_files_each_valid() {
    if !tshark_available() {
        eprintln!("tshark is not installed; skipped");
        return;
    }
    let (_sock, port) = free_port();
    let (_other, other_port) = free_port();
    let dir = tempfile::tempdir().unwrap();
    let base = dir.path().join("ring.pcapng");
    let filter = format!("udp dst port {port}");
    let args = ["-i", "lo", "-f", &filter, "-w", base.to_str().unwrap(), "-b", "packets:5", "-b", "files:3", "-a", "packets:17"];
    let (status, _, err) = run_while_sending(&args, port, other_port);
    assert!(status.success(), "{err:?}");
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir.path()).unwrap().map(|e| e.unwrap().path()).collect();
    files.sort();
    let names: Vec<String> = files.iter().map(|f| f.file_name().unwrap().to_string_lossy().into_owned()).collect();
    assert_eq!(files.len(), 3, "files:3 keeps three files: {names:?}");
    // dumpcap's names: ring_NNNNN_YYYYmmddHHMMSS.pcapng, numbered 2 to 4.
    for (name, n) in names.iter().zip(2..) {
        let stamp = name.strip_prefix(&format!("ring_{n:05}_")).and_then(|r| r.strip_suffix(".pcapng"));
        assert!(stamp.is_some_and(|s| s.len() == 14 && s.bytes().all(|b| b.is_ascii_digit())), "{name}");
    }
    let counts: Vec<usize> = files.iter().map(|f| tshark_count(f)).collect();
    assert_eq!(counts, [5, 5, 2], "packets:5 per file, 17 in all: {names:?}");
}

#[test]
fn autostop_ends_the_capture_and_the_file_is_valid() {
    if !tshark_available() {
        eprintln!("tshark is not installed; skipped");
        return;
    }
    let (_sock, port) = free_port();
    let (_other, other_port) = free_port();
    let dir = tempfile::tempdir().unwrap();
    let filter = format!("udp dst port {port}");

    // filesize:1 is 1000 bytes: the packet that crosses it is the last.
    let file = dir.path().join("size.pcap");
    let (status, _, err) = run_while_sending(&["-i", "lo", "-f", &filter, "-w", file.to_str().unwrap(), "-a", "filesize:1"], port, other_port);
    assert!(status.success(), "{err:?}");
    let n = tshark_count(&file);
    let size = std::fs::metadata(&file).unwrap().len();
    assert!(size >= 1000 + 24 && size < 1000 + 24 + 16 + 60, "{size} bytes, {n} packets");

    // duration:1 stops a second after the start.
    let file = dir.path().join("time.pcapng");
    let start = Instant::now();
    let (status, _, err) = run_while_sending(&["-i", "lo", "-f", &filter, "-w", file.to_str().unwrap(), "-a", "duration:1"], port, other_port);
    assert!(status.success(), "{err:?}");
    assert!(start.elapsed() < Duration::from_secs(20), "duration:1 took {:?}", start.elapsed());
    assert!(tshark_count(&file) > 0);
    // -w NAME.pcapng writes pcapng, with the interface's name.
    let out = Command::new("tshark").args(["-r", file.to_str().unwrap(), "-c", "1", "-T", "fields", "-e", "frame.interface_name"]).output().unwrap();
    assert_eq!(String::from_utf8_lossy(&out.stdout).trim(), "lo");
    let mut r = Reader::new(std::fs::File::open(&file).unwrap()).unwrap();
    assert!(r.is_pcapng(), "-w NAME.pcapng wrote pcap");
    assert!(r.next_packet().unwrap().is_some());
}
