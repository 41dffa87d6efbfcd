//! Damaged, empty and foreign files: a one-line error naming the file and
//! the reason, a non-zero exit status, and every packet before the damage
//! still printed.

mod common;

use std::path::Path;
use std::process::{Command, Output};

use common::bin;

fn run(args: &[&str]) -> Output {
    Command::new(bin()).args(args).output().expect("run wirelens")
}

/// A little-endian microsecond pcap of Ethernet/IPv4/UDP packets.
fn pcap_bytes(n: usize) -> Vec<u8> {
    let mut f = Vec::new();
    for v in [0xa1b2c3d4u32.to_le_bytes().as_slice(), &2u16.to_le_bytes(), &4u16.to_le_bytes()] {
        f.extend(v);
    }
    f.extend([0u8; 8]);
    f.extend(65535u32.to_le_bytes());
    f.extend(1u32.to_le_bytes());
    for i in 0..n {
        let mut p = vec![0xff; 6];
        p.extend([2, 0, 0, 0, 0, 1, 0x08, 0x00]);
        let ip = [
            0x45, 0, 0, 33, 0, i as u8, 0, 0, 64, 17, 0, 0, 127, 0, 0, 1, 127, 0, 0, 1,
        ];
        p.extend(ip);
        p.extend([0x30, 0x39, 0x2e, 0xe0, 0, 13, 0, 0]);
        p.extend(b"hello");
        f.extend((1_700_000_000u32 + i as u32).to_le_bytes());
        f.extend(0u32.to_le_bytes());
        f.extend((p.len() as u32).to_le_bytes());
        f.extend((p.len() as u32).to_le_bytes());
        f.extend(p);
    }
    f
}

fn write(dir: &Path, name: &str, bytes: &[u8]) -> String {
    let p = dir.join(name);
    std::fs::write(&p, bytes).expect("write capture");
    p.to_string_lossy().into_owned()
}

fn one_line_error(o: &Output, path: &str, reason: &str) {
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(!o.status.success(), "exit status should be non-zero");
    assert_eq!(err.lines().count(), 1, "want one line, got {err:?}");
    assert!(err.contains(path), "error should name the file: {err:?}");
    assert!(err.contains(reason), "error should say {reason:?}: {err:?}");
}

#[test]
fn empty_file() {
    let d = tempfile::tempdir().unwrap();
    let p = write(d.path(), "empty.pcap", b"");
    let o = run(&["-r", &p, "-P"]);
    one_line_error(&o, &p, "empty");
    assert!(o.stdout.is_empty());
}

#[test]
fn not_a_capture() {
    let d = tempfile::tempdir().unwrap();
    let p = write(d.path(), "notes.pcap", b"These are my lecture notes, not packets.\n");
    one_line_error(&run(&["-r", &p, "-P"]), &p, "isn't a capture file");
}

#[test]
fn missing_file() {
    let o = run(&["-r", "/nonexistent/x.pcap", "-P"]);
    one_line_error(&o, "/nonexistent/x.pcap", "no such file");
}

#[test]
fn cut_short_prints_what_came_before() {
    let d = tempfile::tempdir().unwrap();
    let full = pcap_bytes(5);
    let p = write(d.path(), "cut.pcap", &full[..full.len() - 7]);
    let o = run(&["-r", &p, "-P"]);
    one_line_error(&o, &p, "cut short in the middle of a packet");
    let out = String::from_utf8_lossy(&o.stdout);
    assert_eq!(out.lines().count(), 4, "{out}");
    if common::tshark_available() {
        let theirs = common::run_tshark(&["-n", "-r", &p]);
        assert_eq!(theirs.lines().count(), out.lines().count());
    }
}

#[test]
fn corrupt_record_length_keeps_earlier_packets() {
    let d = tempfile::tempdir().unwrap();
    let mut f = pcap_bytes(3);
    let rec3 = 24 + 2 * (16 + 47);
    f[rec3 + 8..rec3 + 12].copy_from_slice(&0xfff0_0000u32.to_le_bytes());
    let p = write(d.path(), "corrupt.pcap", &f);
    let o = run(&["-r", &p, "-P"]);
    one_line_error(&o, &p, "corrupt");
    assert_eq!(String::from_utf8_lossy(&o.stdout).lines().count(), 2);
}

#[test]
fn unsupported_version() {
    let d = tempfile::tempdir().unwrap();
    let mut f = pcap_bytes(1);
    f[4] = 1;
    let p = write(d.path(), "v1.pcap", &f);
    one_line_error(&run(&["-r", &p, "-P"]), &p, "unsupported pcap version 1.4");
}

#[test]
fn stdin_reads_like_a_file() {
    let d = tempfile::tempdir().unwrap();
    let p = write(d.path(), "ok.pcap", &pcap_bytes(3));
    let from_file = run(&["-r", &p, "-P"]);
    let from_stdin = Command::new(bin())
        .args(["-r", "-", "-P"])
        .stdin(std::fs::File::open(&p).unwrap())
        .output()
        .unwrap();
    assert!(from_stdin.status.success());
    assert_eq!(from_file.stdout, from_stdin.stdout);
    assert_eq!(String::from_utf8_lossy(&from_file.stdout).lines().count(), 3);
}

/// The corpus's damaged files: wirelens refuses what tshark refuses, and
/// prints the same number of packets before the damage.
#[test]
fn corpus_damaged_files_match_tshark_packet_counts() {
    let Some(dir) = common::corpus_dir() else { return };
    if !common::tshark_available() {
        return;
    }
    for name in [
        "libpcap__linktype-reserved-field-not-zero.pcap",
        "libpcap__pcap-invalid-version-1.pcap",
        "libpcap__pcapng-invalid-vers-1.pcapng",
        "suricata-verify__smtp-to-comma--10.7.29.101_49898-178.63.41.150_25.pcap",
        "pcap-parser__err-buffertoosmall.pcapng",
    ] {
        let p = dir.join(name).to_string_lossy().into_owned();
        let o = run(&["-r", &p, "-P"]);
        let theirs = common::run_tshark(&["-n", "-r", &p]);
        let ours = String::from_utf8_lossy(&o.stdout);
        assert_eq!(ours.lines().count(), theirs.lines().count(), "{name}");
        let err = String::from_utf8_lossy(&o.stderr);
        assert!(err.lines().count() <= 1, "{name}: {err}");
    }
}
