//! `-r IN [-Y F] [-c N] -w OUT` against editcap: for every sample and corpus
//! capture, the frames wirelens keeps (its own `-T fields -e frame.number`
//! with the same filter and count) are cut out of the input by `editcap` as
//! pcapng, and both files are read back and compared packet by packet: time,
//! lengths, bytes, the interface's link type, name and resolution, and the
//! packet's comments.

mod common;

use std::path::Path;
use std::process::Command;

use common::{bin, captures, parallel_map};
use wirelens::capture::Reader;

struct Packet {
    ts: (i64, u32),
    caplen: u32,
    origlen: u32,
    data: Vec<u8>,
    link: (u32, Option<String>, u8),
    comments: Vec<String>,
}

/// Every packet of `path` (up to any damage); none when an unreadable
/// input left no file.
fn read_back(path: &Path) -> Vec<Packet> {
    let Ok(f) = std::fs::File::open(path) else { return Vec::new() };
    let Ok(mut r) = Reader::new(f) else { return Vec::new() };
    let mut v = Vec::new();
    while let Ok(Some(p)) = r.next_packet_full() {
        // A pcapng custom block has no interface of the file's (its record
        // names the custom blocks' pseudo-interface): not indexed directly.
        let Some(i) = p.rec.interface(p.interfaces) else { continue };
        v.push(Packet {
            ts: (p.rec.ts.secs, p.rec.ts.nanos),
            caplen: p.rec.caplen,
            origlen: p.rec.origlen,
            data: p.data.to_vec(),
            link: (i.linktype, i.name.map(str::to_string), i.ts_digits),
            comments: p.comments.to_vec(),
        });
    }
    v
}

/// `1-3,7`-style ranges of sorted frame numbers, editcap's selection syntax.
fn ranges(frames: &[u32]) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let mut i = 0;
    while i < frames.len() {
        let mut j = i;
        while j + 1 < frames.len() && frames[j + 1] == frames[j] + 1 {
            j += 1;
        }
        out.push(if i == j { frames[i].to_string() } else { format!("{}-{}", frames[i], frames[j]) });
        i = j + 1;
    }
    out
}

/// Compares one run; returns the packets compared, or what differs.
fn compare(capture: &Path, filter: Option<&str>, count: Option<&str>, dir: &Path, tag: &str) -> Result<usize, String> {
    let name = capture.file_name().unwrap().to_string_lossy().into_owned();
    let ours = dir.join(format!("{name}.{tag}.ours.pcapng"));
    let mut sel: Vec<&str> = vec!["-r", capture.to_str().unwrap(), "-T", "fields", "-e", "frame.number"];
    let mut w: Vec<&str> = vec!["-r", capture.to_str().unwrap(), "-w", ours.to_str().unwrap()];
    for extra in [filter.map(|f| ["-Y", f]), count.map(|c| ["-c", c])].into_iter().flatten() {
        sel.extend(extra);
        w.extend(extra);
    }
    let listed = Command::new(bin()).args(&sel).output().unwrap();
    let frames: Vec<u32> = String::from_utf8_lossy(&listed.stdout).lines().filter_map(|l| l.parse().ok()).collect();
    let written = Command::new(bin()).args(&w).output().unwrap();
    if !written.stdout.is_empty() {
        return Err(format!("{name}: -w without -P printed {} bytes", written.stdout.len()));
    }
    let reference = dir.join(format!("{name}.{tag}.editcap.pcapng"));
    let mut editcap = Command::new("editcap");
    editcap.args(["-F", "pcapng", "-r", capture.to_str().unwrap(), reference.to_str().unwrap()]).args(ranges(&frames));
    if frames.is_empty() {
        // editcap with no frame keeps everything: ask for one that is not there.
        editcap.arg("0");
    }
    editcap.output().unwrap();
    let (a, b) = (read_back(&ours), read_back(&reference));
    if a.len() != b.len() {
        return Err(format!("{name} {tag}: {} packets written, editcap kept {}", a.len(), b.len()));
    }
    for (k, (x, y)) in a.iter().zip(&b).enumerate() {
        let what = [
            (x.ts != y.ts, "time"),
            ((x.caplen, x.origlen) != (y.caplen, y.origlen), "lengths"),
            (x.data != y.data, "bytes"),
            (x.link != y.link, "interface"),
            (x.comments != y.comments, "comments"),
        ];
        if let Some((_, w)) = what.iter().find(|(differs, _)| *differs) {
            return Err(format!("{name} {tag}: written packet {} differs from editcap's in its {w}", k + 1));
        }
    }
    Ok(a.len())
}

/// Captures where editcap's copy differs, with the reason; each must still
/// differ, so the list stays true.
const KNOWN: &[(&str, &str)] = &[
    (
        "pcapng-test-generator__le_test102.pcapng",
        "editcap 4.0 refuses the file (\"can't be written as pcapng\": it holds custom blocks) and writes nothing",
    ),
    (
        "pcapng-test-generator__le_test202.pcapng",
        "Wireshark 4.0 numbers custom blocks as frames, so editcap's frame numbers are not ours and it keeps other packets",
    ),
    (
        "tls-keylog-dsb.pcapng",
        "editcap 4.0 refuses a file with a Decryption Secrets Block (\"can't be written as a pcapng file\") and writes nothing",
    ),
    (
        "quic-keylog-dsb.pcapng",
        "editcap 4.0 refuses a file with a Decryption Secrets Block (\"can't be written as a pcapng file\") and writes nothing",
    ),
    (
        "tcpdump__timestamp_invalid_nano.pcap",
        "a nanosecond fraction of 10^9 or more: wirelens reads it as 999999999 ns, editcap carries it into the seconds",
    ),
];

#[test]
fn written_packets_are_editcaps_selection() {
    if Command::new("editcap").arg("-V").output().is_err() {
        eprintln!("editcap not installed: skipped");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let runs: [(Option<&str>, Option<&str>, &str); 3] =
        [(None, None, "all"), (Some("tcp || dns"), None, "filtered"), (Some("frame.len > 60"), Some("5"), "counted")];
    let files = captures();
    let results = parallel_map(&files, |c| runs.iter().map(|(f, n, tag)| compare(c, *f, *n, dir.path(), tag)).collect::<Vec<_>>());
    let mut packets = 0;
    let mut failures = Vec::new();
    let mut seen = std::collections::BTreeSet::new();
    for (file, rs) in files.iter().zip(results) {
        let name = file.file_name().unwrap().to_string_lossy().into_owned();
        let known = KNOWN.iter().any(|(k, _)| *k == name);
        for r in rs {
            match r {
                Ok(n) => packets += n,
                Err(_) if known => drop(seen.insert(name.clone())),
                Err(e) => failures.push(e),
            }
        }
    }
    for (k, _) in KNOWN {
        if !seen.contains(*k) && files.iter().any(|f| f.ends_with(k)) {
            failures.push(format!("{k}: listed as differing from editcap, but it no longer does"));
        }
    }
    eprintln!("{packets} written packets identical to editcap's over {} captures x {} runs", files.len(), runs.len());
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    assert!(packets > 0);
}

#[test]
fn pcap_holds_one_link_type() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("two.pcap");
    let r = Command::new(bin())
        .args(["-r", "sample-captures/two-interfaces.pcapng", "-F", "pcap", "-w", out.to_str().unwrap()])
        .output()
        .unwrap();
    assert_eq!(r.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&r.stderr).contains("use -F pcapng"));
}
