//! Helpers shared by the integration tests.
#![allow(dead_code)]

pub mod json;
pub mod xml;

use std::path::{Path, PathBuf};
use std::process::Command;

/// The wirelens binary built for this test run.
pub fn bin() -> &'static str {
    env!("CARGO_BIN_EXE_wirelens")
}

/// Runs wirelens and returns its standard output (whatever its exit status).
pub fn wirelens(args: &[&str]) -> String {
    let out = Command::new(bin()).args(args).output().expect("run wirelens");
    String::from_utf8_lossy(&out.stdout).into_owned()
}

pub fn tshark_available() -> bool {
    Command::new("tshark").arg("--version").output().is_ok_and(|o| o.status.success())
}

fn tshark_cmd(args: &[&str]) -> std::process::Output {
    Command::new("tshark")
        .args(args)
        .env("TZ", "UTC")
        .env("LC_ALL", "C.UTF-8")
        .output()
        .expect("run tshark")
}

/// tshark's standard output.
pub fn run_tshark(args: &[&str]) -> String {
    String::from_utf8_lossy(&tshark_cmd(args).stdout).into_owned()
}

/// tshark's standard output, or None when it refuses the file outright
/// (a damaged file it partly read still counts: it prints what it read).
pub fn tshark_output(args: &[&str]) -> Option<String> {
    let o = tshark_cmd(args);
    if o.status.success() || !o.stdout.is_empty() {
        Some(String::from_utf8_lossy(&o.stdout).into_owned())
    } else {
        None
    }
}

/// The repository root.
pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The public corpus, when this checkout sits next to it.
pub fn corpus_dir() -> Option<PathBuf> {
    let d = root().join("../shared/captures");
    d.is_dir().then_some(d)
}

fn capture_files(dir: &Path) -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(dir)
        .map(|rd| {
            rd.filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|p| {
                    let n = p.to_string_lossy();
                    n.ends_with(".pcap") || n.ends_with(".pcapng")
                })
                .collect()
        })
        .unwrap_or_default();
    v.sort();
    v
}

/// Our own sample captures, then the public corpus if present.
pub fn captures() -> Vec<PathBuf> {
    let mut v = capture_files(&root().join("sample-captures"));
    if let Some(d) = corpus_dir() {
        v.extend(capture_files(&d));
    }
    v
}

pub fn sample(name: &str) -> PathBuf {
    root().join("sample-captures").join(name)
}

/// Maps `f` over `items` on two threads (the CI machine has two cores),
/// keeping the order.
pub fn parallel_map<T: Sync, R: Send>(items: &[T], f: impl Fn(&T) -> R + Sync) -> Vec<R> {
    let n = 2.min(items.len()).max(1);
    let chunk = items.len().div_ceil(n).max(1);
    std::thread::scope(|s| {
        let handles: Vec<_> = items.chunks(chunk).map(|c| s.spawn(|| c.iter().map(&f).collect::<Vec<R>>())).collect();
        handles.into_iter().flat_map(|h| h.join().expect("worker")).collect()
    })
}

/// The lines of a known-differences file (`#` comments and blank lines
/// skipped), each split into its four tab-separated columns: two naming
/// the difference, the frames, the reason.
pub fn known_rows(path: &str) -> Vec<[String; 4]> {
    let text = std::fs::read_to_string(path).unwrap_or_default();
    text.lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        .map(|line| {
            let p: Vec<&str> = line.splitn(4, '\t').collect();
            assert_eq!(p.len(), 4, "{path}: bad line {line:?} (want 4 tab-separated columns)");
            [p[0].to_string(), p[1].to_string(), p[2].to_string(), p[3].to_string()]
        })
        .collect()
}

/// `1-3,7` from a sorted frame list.
pub fn frame_list(f: &[usize]) -> String {
    use std::fmt::Write as _;
    let mut out = String::new();
    let mut i = 0;
    while i < f.len() {
        let mut j = i;
        while j + 1 < f.len() && f[j + 1] == f[j] + 1 {
            j += 1;
        }
        if !out.is_empty() {
            out.push(',');
        }
        if j > i {
            let _ = write!(out, "{}-{}", f[i], f[j]);
        } else {
            let _ = write!(out, "{}", f[i]);
        }
        i = j + 1;
    }
    out
}

/// Panics with the first line where wirelens's output differs from tshark's.
pub fn assert_same(what: &str, ours: &str, theirs: &str) {
    if ours != theirs {
        let first = ours.lines().zip(theirs.lines()).position(|(a, b)| a != b);
        let at = first.map_or_else(|| "length".to_string(), |i| format!("line {}", i + 1));
        let ctx = |s: &str| first.and_then(|i| s.lines().nth(i)).unwrap_or("").to_string();
        panic!("{what}: differs from tshark at {at}\n  ours:   {}\n  tshark: {}", ctx(ours), ctx(theirs));
    }
}

/// wirelens and tshark with the same arguments after `-n -r CAPTURE -o
/// tls.keylog_file:KEYLOG` (both files in sample-captures/).
pub fn both_with_keylog(capture: &str, keylog: &str, extra: &[&str]) -> (String, String) {
    let path = sample(capture).display().to_string();
    let pref = format!("tls.keylog_file:{}", sample(keylog).display());
    let mut args = vec!["-n", "-r", &path, "-o", &pref];
    args.extend_from_slice(extra);
    (wirelens(&args), run_tshark(&args))
}
