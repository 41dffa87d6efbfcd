//! The headless output on several threads is byte for byte the output on
//! one: every sample and corpus capture, printed as lines, as every field
//! and through a filter, with one thread and with two and three workers
//! (different workers get different conversations).

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
        let runs: [Vec<&str>; 4] = [
            vec!["-r", &p, "-P"],
            [vec!["-r", &p], field_args.clone()].concat(),
            vec!["-r", &p, "-Y", "tcp.len > 0 || dns || icmp || ip.flags.mf == 1", "-P"],
            vec!["-r", &p, "-x", "-c", "300"],
        ];
        let mut bad = Vec::new();
        for args in &runs {
            let one = run("1", args);
            for threads in ["2", "3"] {
                let many = run(threads, args);
                if many.stdout != one.stdout || many.stderr != one.stderr || many.status.code() != one.status.code() {
                    bad.push(format!("{p}: {} threads differ from one for {:?}", threads, &args[2..args.len().min(4)]));
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
