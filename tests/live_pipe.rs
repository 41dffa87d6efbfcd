//! Packets from a pipe, shown as they arrive: a writer sends one packet,
//! waits, then sends the rest; the first must be printed (headless) before
//! the writer ends. `-i -`, `-r -` and `-r FIFO` all follow the stream.

use std::io::{BufRead, BufReader, Write};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

const BIN: &str = env!("CARGO_BIN_EXE_wirelens");
/// How long the writer waits after the first packet: far longer than a
/// packet may take to be shown.
const PAUSE: Duration = Duration::from_secs(3);

/// The sample capture split into its header, first record and the rest.
fn split_capture() -> (Vec<u8>, Vec<u8>, Vec<u8>) {
    let d = std::fs::read("sample-captures/udp-upper.pcap").unwrap();
    let len = u32::from_le_bytes(d[24 + 8..24 + 12].try_into().unwrap()) as usize;
    let first_end = 24 + 16 + len;
    (d[..24].to_vec(), d[24..first_end].to_vec(), d[first_end..].to_vec())
}

/// Feeds `w` the header and first packet, pauses, then the rest, on a
/// thread; returns when it started.
fn slow_writer(mut w: impl Write + Send + 'static) -> (Instant, std::thread::JoinHandle<()>) {
    let (head, first, rest) = split_capture();
    let start = Instant::now();
    let t = std::thread::spawn(move || {
        w.write_all(&head).unwrap();
        w.write_all(&first).unwrap();
        w.flush().unwrap();
        std::thread::sleep(PAUSE);
        let _ = w.write_all(&rest);
    });
    (start, t)
}

/// The lines of the child's standard output, each with when it came.
fn timed_lines(child: &mut Child) -> mpsc::Receiver<(Instant, String)> {
    let out = child.stdout.take().unwrap();
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(out).lines().map_while(Result::ok) {
            let _ = tx.send((Instant::now(), line));
        }
    });
    rx
}

fn check_first_line_comes_before_the_writer_ends(args: &[&str], child: &mut Child, start: Instant, expect: &str) {
    let lines = timed_lines(child);
    let (at, first) = lines.recv_timeout(Duration::from_secs(30)).unwrap_or_else(|_| panic!("{args:?}: no line at all"));
    assert!(first.contains(expect), "{args:?}: unexpected first line {first:?}");
    assert!(
        at.duration_since(start) < PAUSE,
        "{args:?}: the first packet was printed {:?} after it was sent, only once the writer went on",
        at.duration_since(start)
    );
    let rest: Vec<String> = lines.iter().map(|(_, l)| l).collect();
    assert_eq!(rest.len(), 3, "{args:?}: the other packets: {rest:?}");
    let status = child.wait().unwrap();
    assert!(status.success(), "{args:?}: exit status {status}");
}

fn run_on_stdin(args: &[&str], expect: &str) {
    let mut child = Command::new(BIN).args(args).stdin(Stdio::piped()).stdout(Stdio::piped()).stderr(Stdio::null()).spawn().unwrap();
    let (start, writer) = slow_writer(child.stdin.take().unwrap());
    check_first_line_comes_before_the_writer_ends(args, &mut child, start, expect);
    writer.join().unwrap();
}

#[test]
fn dash_i_dash_prints_each_packet_as_it_arrives() {
    run_on_stdin(&["-i", "-", "-P"], "UDP");
}

#[test]
fn dash_r_dash_on_a_pipe_prints_each_packet_as_it_arrives() {
    run_on_stdin(&["-r", "-", "-P"], "UDP");
    run_on_stdin(&["-r", "-", "-T", "fields", "-e", "frame.number", "-e", "udp.srcport", "-e", "udp.payload"], "1\t60102\t");
}

#[test]
fn a_fifo_is_followed_as_it_is_written() {
    let dir = tempfile::tempdir().unwrap();
    let fifo = dir.path().join("capture.fifo");
    let ok = Command::new("mkfifo").arg(&fifo).status().unwrap();
    assert!(ok.success(), "mkfifo failed");
    let args = ["-r", fifo.to_str().unwrap(), "-P"];
    let mut child = Command::new(BIN).args(args).stdout(Stdio::piped()).stderr(Stdio::null()).spawn().unwrap();
    // Opening the FIFO for writing waits for the reader: wirelens is there.
    let writer = std::fs::OpenOptions::new().write(true).open(&fifo).unwrap();
    let (start, t) = slow_writer(writer);
    check_first_line_comes_before_the_writer_ends(&args, &mut child, start, "UDP");
    t.join().unwrap();
}

#[test]
fn a_stream_needing_the_whole_capture_is_read_whole() {
    // -2 looks ahead, so it prints once the stream has ended: all the
    // packets, as the file gives them.
    let data = std::fs::read("sample-captures/udp-upper.pcap").unwrap();
    let mut child = Command::new(BIN).args(["-r", "-", "-2", "-P"]).stdin(Stdio::piped()).stdout(Stdio::piped()).spawn().unwrap();
    child.stdin.take().unwrap().write_all(&data).unwrap();
    let out = child.wait_with_output().unwrap();
    let want = Command::new(BIN).args(["-r", "sample-captures/udp-upper.pcap", "-2", "-P"]).output().unwrap();
    assert_eq!(String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&want.stdout));
}
