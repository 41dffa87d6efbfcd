//! `--export-objects http,DIR` and `imf,DIR` against tshark's: on every
//! sample and corpus capture, both write their objects into fresh
//! directories and the files (names and bytes) are compared. Every
//! difference is listed in `KNOWN` with its reason. A URI that names a
//! parent directory, or a name taken by a symbolic link pointing out of
//! the directory, writes nothing outside it.

mod common;

use std::collections::BTreeMap;
use std::path::Path;
use std::process::Command;

use common::{bin, captures, parallel_map, tshark_available};

/// (capture, kind/file name, reason) of the differences understood.
const KNOWN: &[(&str, &str, &str)] = &[
    (
        "suricata-verify__http-event-chunk--input.pcap",
        "http/qwe.asd",
        "chunks delimited by a bare LF: Wireshark takes two bytes as each chunk's boundary and de-chunks 8 bytes, wirelens 12 (tshark_diff lists http.chunk_data in frame 5)",
    ),
    (
        "zeek__smtp-attachment-msg.pcap",
        "imf/.eml",
        "tshark exports the attached message/rfc822 part as a mail of its own; wirelens does not dissect IMF inside MIME parts (tshark_diff lists imf.from in frame 14)",
    ),
];

/// Every file of `dir/kind` (`http`, `imf`): its name under `kind/`, and
/// its bytes.
fn files(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    let mut out = BTreeMap::new();
    for kind in ["http", "imf"] {
        let Ok(rd) = std::fs::read_dir(dir.join(kind)) else { continue };
        for e in rd.filter_map(Result::ok) {
            let bytes = std::fs::read(e.path()).unwrap_or_default();
            out.insert(format!("{kind}/{}", e.file_name().to_string_lossy()), bytes);
        }
    }
    out
}

/// Runs `program` exporting both kinds from `capture` into `dir`; false
/// when it did not end by itself (a damaged file ends in failure, after
/// its objects are written).
fn export(program: &str, capture: &str, dir: &Path) -> bool {
    let http = format!("http,{}", dir.join("http").display());
    let imf = format!("imf,{}", dir.join("imf").display());
    Command::new(program)
        .args(["-n", "-q", "-r", capture, "--export-objects", &http, "--export-objects", &imf])
        .output()
        .is_ok_and(|o| o.status.code().is_some())
}

#[test]
fn exported_objects_equal_tsharks() {
    if !tshark_available() {
        eprintln!("tshark is not installed: skipped");
        return;
    }
    let files_list = captures();
    let results = parallel_map(&files_list, |f| {
        let name = f.file_name().map(|n| n.to_string_lossy().to_string()).unwrap_or_default();
        let p = f.to_string_lossy().to_string();
        let (ours_dir, theirs_dir) = (tempfile::tempdir().expect("tempdir"), tempfile::tempdir().expect("tempdir"));
        let ran = export(bin(), &p, ours_dir.path());
        export("tshark", &p, theirs_dir.path());
        let (ours, theirs) = (files(ours_dir.path()), files(theirs_dir.path()));
        let mut diffs = Vec::new();
        if !ran {
            diffs.push((name.clone(), String::from("*"), String::from("wirelens crashed")));
        }
        for (file, bytes) in &theirs {
            match ours.get(file) {
                None => diffs.push((name.clone(), file.clone(), format!("missing ({} bytes in tshark's)", bytes.len()))),
                Some(b) if b != bytes => {
                    diffs.push((name.clone(), file.clone(), format!("{} bytes, tshark's {}", b.len(), bytes.len())))
                }
                Some(_) => {}
            }
        }
        for file in ours.keys().filter(|f| !theirs.contains_key(*f)) {
            diffs.push((name.clone(), file.clone(), String::from("not in tshark's")));
        }
        (theirs.len() - diffs.iter().filter(|d| theirs.contains_key(&d.1)).count(), diffs)
    });
    let equal: usize = results.iter().map(|r| r.0).sum();
    let mut unlisted = Vec::new();
    let mut seen = Vec::new();
    for (capture, file, what) in results.iter().flat_map(|r| r.1.iter()) {
        match KNOWN.iter().find(|k| k.0 == capture && k.1 == file) {
            Some(k) => seen.push(k),
            None => unlisted.push(format!("{capture}\t{file}\t{what}")),
        }
    }
    for k in KNOWN.iter().filter(|k| !seen.contains(k)) {
        unlisted.push(format!("listed but equal now: {}\t{}", k.0, k.1));
    }
    eprintln!("{equal} exported files equal to tshark's (names and bytes)");
    assert!(unlisted.is_empty(), "differences from tshark's objects:\n{}", unlisted.join("\n"));
    assert!(equal > 0);
}

/// A little-endian pcap of Ethernet/IPv4/TCP segments from 10.0.0.1:40000
/// to 10.0.0.2:80 (`true`: client to server), numbered in order.
fn tcp_capture(segments: &[(bool, &[u8])]) -> Vec<u8> {
    let mut f = Vec::new();
    f.extend(0xa1b2c3d4u32.to_le_bytes());
    f.extend(2u16.to_le_bytes());
    f.extend(4u16.to_le_bytes());
    f.extend([0u8; 8]);
    f.extend(65535u32.to_le_bytes());
    f.extend(1u32.to_le_bytes());
    let (mut seq_c, mut seq_s) = (1000u32, 5000u32);
    for (i, (from_client, data)) in segments.iter().enumerate() {
        let (src, dst, sport, dport) =
            if *from_client { ([10, 0, 0, 1], [10, 0, 0, 2], 40000u16, 80u16) } else { ([10, 0, 0, 2], [10, 0, 0, 1], 80, 40000) };
        let (seq, ack) = if *from_client { (seq_c, seq_s) } else { (seq_s, seq_c) };
        let mut p = vec![2, 0, 0, 0, 0, 2, 2, 0, 0, 0, 0, 1, 0x08, 0x00];
        let total = (20 + 20 + data.len()) as u16;
        p.extend([0x45, 0, (total >> 8) as u8, total as u8, 0, i as u8, 0x40, 0, 64, 6, 0, 0]);
        p.extend(src);
        p.extend(dst);
        p.extend(sport.to_be_bytes());
        p.extend(dport.to_be_bytes());
        p.extend(seq.to_be_bytes());
        p.extend(ack.to_be_bytes());
        p.extend([0x50, 0x18, 0xff, 0xff, 0, 0, 0, 0]);
        p.extend(*data);
        if *from_client {
            seq_c += data.len() as u32;
        } else {
            seq_s += data.len() as u32;
        }
        f.extend((1_700_000_000u32 + i as u32).to_le_bytes());
        f.extend(0u32.to_le_bytes());
        f.extend((p.len() as u32).to_le_bytes());
        f.extend((p.len() as u32).to_le_bytes());
        f.extend(p);
    }
    f
}

#[test]
fn uris_naming_other_directories_write_inside_the_directory() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let response: &[u8] = b"HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello";
    let capture = tcp_capture(&[
        (true, b"GET /x/.. HTTP/1.1\r\nHost: a\r\n\r\n"),
        (false, response),
        (true, b"GET ..\\..\\up HTTP/1.1\r\nHost: a\r\n\r\n"),
        (false, response),
        (true, b"GET /a/../../linked HTTP/1.1\r\nHost: a\r\n\r\n"),
        (false, response),
    ]);
    let path = tmp.path().join("traversal.pcap");
    std::fs::write(&path, capture).expect("write capture");
    let out = tmp.path().join("out");
    let outside = tmp.path().join("outside");
    std::fs::create_dir_all(&out).expect("mkdir");
    std::fs::create_dir_all(&outside).expect("mkdir");
    // A name already taken by a link out of the directory is not written
    // through.
    std::os::unix::fs::symlink(outside.join("linked"), out.join("linked")).expect("symlink");
    let arg = format!("http,{}", out.display());
    let o = Command::new(bin())
        .args(["-q", "-r", &path.to_string_lossy(), "--export-objects", &arg])
        .output()
        .expect("run wirelens");
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let mut names: Vec<String> = std::fs::read_dir(&out)
        .expect("read dir")
        .filter_map(Result::ok)
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(names, [".(1).", "..%5c..%5cup", "linked", "linked(1)"]);
    assert_eq!(std::fs::read(out.join("linked(1)")).unwrap_or_default(), b"hello");
    assert_eq!(std::fs::read_dir(&outside).map(|rd| rd.count()).unwrap_or(1), 0, "nothing is written outside");
    let parent: Vec<String> = std::fs::read_dir(tmp.path())
        .expect("read dir")
        .filter_map(Result::ok)
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(parent.len(), 3, "only the capture and the two directories: {parent:?}");
}

#[test]
fn unknown_kinds_are_refused_with_tsharks_words() {
    let web = common::sample("web.pcap");
    let o = Command::new(bin())
        .args(["-q", "-r", &web.to_string_lossy(), "--export-objects", "smb,/nonexistent/x"])
        .output()
        .expect("run wirelens");
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("\"--export-objects\" are specified as: <protocol>,<destdir>"));
}
