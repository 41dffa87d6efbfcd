//! The headless output on several threads is byte for byte the output on
//! one: every sample and corpus capture, printed as lines, as every field,
//! as trees in every format (which hold numbers counted across the capture,
//! `tcp.stream`, `udp.stream`, `quic.connection.number`, and with a filter
//! `frame.time_delta_displayed`) and through filters, with one thread and
//! with two and three workers (different workers get different conversations).

mod common;

use std::process::{Command, Output};

use common::{bin, captures, parallel_map};

fn run(threads: &str, args: &[&str]) -> Output {
    Command::new(bin()).args(args).env("WIRELENS_THREADS", threads).output().expect("run wirelens")
}

/// Every registered field but those numbered across the capture, which
/// keep a run on one thread.
fn fields() -> Vec<String> {
    let list = run("1", &["--list-fields"]);
    String::from_utf8_lossy(&list.stdout)
        .lines()
        .filter_map(|l| l.split('\t').nth(1))
        .filter(|n| n.contains('.') && !n.ends_with(".stream"))
        .map(String::from)
        .collect()
}

/// The tree formats, whole and in part, shown all or through filters that
/// hide packets (one hides them all).
const TREES: [&[&str]; 14] = [
    &["-T", "json"],
    &["-T", "json", "-x"],
    &["-T", "json", "-e", "tcp.stream", "-e", "udp.stream", "-e", "quic.connection.number", "-e", "frame.time_delta_displayed", "-e", "ip.src"],
    &["-T", "json", "-j", "frame tcp udp", "-J", "quic"],
    &["-T", "ek"],
    &["-T", "pdml"],
    &["-V"],
    &["-V", "-x", "-O", "tcp,udp"],
    &["-T", "json", "-Y", "http || dns"],
    &["-T", "json", "-Y", "frame.number == 0"],
    &["-T", "ek", "-Y", "tcp.len > 0 || quic"],
    &["-T", "pdml", "-Y", "http || dns"],
    &["-V", "-Y", "tcp.len > 0"],
    &["-T", "json", "-e", "tcp.stream", "-e", "frame.time_delta_displayed", "-Y", "tcp.len > 0 || udp"],
];

/// The output without PDML's date of writing, which two runs may not share.
fn undated(out: &[u8]) -> Vec<u8> {
    let head = b"<pdml version=";
    let from = out.windows(head.len()).position(|w| w == head);
    let to = from.and_then(|f| out[f..].iter().position(|&b| b == b'\n').map(|n| f + n));
    match (from, to) {
        (Some(from), Some(to)) => [&out[..from], &out[to..]].concat(),
        _ => out.to_vec(),
    }
}

#[test]
fn threads_print_what_one_thread_prints() {
    let fields = fields();
    assert!(fields.len() > 300, "{} fields", fields.len());
    let mut field_args = vec!["-T", "fields"];
    for f in &fields {
        field_args.extend(["-e", f.as_str()]);
    }
    let files = captures();
    assert!(files.len() >= 10);
    let failures: Vec<String> = parallel_map(&files, |path| {
        let p = path.to_string_lossy().to_string();
        let mut runs: Vec<Vec<&str>> = vec![
            vec!["-r", &p, "-P"],
            [vec!["-r", &p], field_args.clone()].concat(),
            vec!["-r", &p, "-Y", "tcp.len > 0 || dns || icmp || ip.flags.mf == 1", "-P"],
            vec!["-r", &p, "-x", "-c", "300"],
        ];
        runs.extend(TREES.iter().map(|args| [vec!["-r", p.as_str()], args.to_vec()].concat()));
        let mut bad = Vec::new();
        for args in &runs {
            let one = run("1", args);
            for threads in ["2", "3"] {
                let many = run(threads, args);
                if undated(&many.stdout) != undated(&one.stdout) || many.stderr != one.stderr || many.status.code() != one.status.code() {
                    bad.push(format!("{p}: {} threads differ from one for {:?}", threads, &args[2..args.len().min(8)]));
                }
            }
        }
        bad
    })
    .into_iter()
    .flatten()
    .collect();
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
