//! gzip-compressed captures (`.pcap.gz`, `.pcapng.gz`, or gzip on standard
//! input) read as the plain file reads, in one pass and in two, as tshark
//! reads them.

use std::io::Write;
use std::process::{Command, Stdio};

const BIN: &str = env!("CARGO_BIN_EXE_wirelens");

fn output(args: &[&str], stdin: Option<&[u8]>) -> (bool, String, String) {
    let mut child = Command::new(BIN)
        .args(args)
        .stdin(if stdin.is_some() { Stdio::piped() } else { Stdio::null() })
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // Written from a thread: with -c the reader may stop before the end and
    // close the pipe (as tshark does), which is not a failure of the reader.
    let writer = stdin.zip(child.stdin.take()).map(|(data, mut pipe)| {
        let data = data.to_vec();
        std::thread::spawn(move || drop(pipe.write_all(&data)))
    });
    let out = child.wait_with_output().unwrap();
    if let Some(w) = writer {
        w.join().unwrap();
    }
    (out.status.success(), String::from_utf8_lossy(&out.stdout).into_owned(), String::from_utf8_lossy(&out.stderr).into_owned())
}

#[test]
fn gzipped_captures_read_as_the_plain_ones() {
    let dir = tempfile::tempdir().unwrap();
    let mut checked = 0;
    for entry in std::fs::read_dir("sample-captures").unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        if !(name.ends_with(".pcap") || name.ends_with(".pcapng")) {
            continue;
        }
        let plain = std::fs::read(&path).unwrap();
        let gz_path = dir.path().join(format!("{name}.gz"));
        let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        enc.write_all(&plain).unwrap();
        let gz = enc.finish().unwrap();
        std::fs::write(&gz_path, &gz).unwrap();
        let p = path.to_str().unwrap();
        let g = gz_path.to_str().unwrap();
        for args in [&["-P"][..], &["-2", "-P"], &["-V", "-c", "3"]] {
            let want = output(&[&["-r", p], args].concat(), None);
            assert!(want.0, "{name} {args:?}: {}", want.2);
            let got = output(&[&["-r", g], args].concat(), None);
            assert_eq!(got, want, "{name}.gz {args:?} reads differently from {name}");
            let piped = output(&[&["-r", "-"], args].concat(), Some(&gz));
            assert_eq!(piped.1, want.1, "{name}.gz on standard input {args:?}");
        }
        checked += 1;
    }
    assert!(checked > 10, "only {checked} sample captures found");
}
