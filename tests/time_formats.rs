//! `-t` and `-u` against tshark, byte for byte: on every sample and corpus
//! capture whose default summary lines already equal tshark's, every time
//! format (and `-u hms`) prints the same lines as tshark, in a time zone
//! with a half-hour offset (`TZ=Asia/Kolkata`) so local and UTC differ.
//! A display filter drops frame 2, so `dd` (since the previous packet shown)
//! differs from `d`.

mod common;

use std::process::Command;

use common::{bin, captures, parallel_map, tshark_available};

const ZONE: &str = "Asia/Kolkata";

fn run(program: &str, args: &[&str]) -> Option<String> {
    let out = Command::new(program).args(args).env("TZ", ZONE).output().ok()?;
    out.status.success().then(|| String::from_utf8_lossy(&out.stdout).into_owned())
}

#[test]
fn time_columns_match_tshark() {
    if !tshark_available() {
        eprintln!("tshark is not installed: skipped");
        return;
    }
    let files = captures();
    let results = parallel_map(&files, |f| {
        let p = f.to_str().unwrap();
        let ours = run(bin(), &["-n", "-r", p, "-P"]);
        let theirs = run("tshark", &["-n", "-r", p]);
        // Only captures whose summaries agree already: the time column is
        // then the only thing that can differ.
        if ours.is_none() || ours != theirs || ours.as_deref() == Some("") {
            return (0, Vec::new());
        }
        let mut lines = 0;
        let mut failures = Vec::new();
        for t in ["a", "ad", "adoy", "d", "dd", "e", "r", "u", "ud", "udoy"] {
            for unit in ["s", "hms"] {
                let args = ["-r", p, "-t", t, "-u", unit, "-Y", "frame.number != 2"];
                let ours = run(bin(), &[&["-n"][..], &args[..]].concat()).unwrap_or_default();
                let theirs = run("tshark", &[&["-n"][..], &args[..]].concat()).unwrap_or_default();
                match ours.lines().zip(theirs.lines()).find(|(a, b)| a != b) {
                    Some((a, b)) => failures.push(format!("{p} -t {t} -u {unit}:\n  tshark:   {b}\n  wirelens: {a}")),
                    None if ours.lines().count() != theirs.lines().count() => failures.push(format!("{p} -t {t}: line counts differ")),
                    None => lines += ours.lines().count(),
                }
            }
        }
        (lines, failures)
    });
    let lines: usize = results.iter().map(|r| r.0).sum();
    let failures: Vec<String> = results.into_iter().flat_map(|r| r.1).collect();
    eprintln!("{lines} summary lines equal to tshark's over 10 time formats x 2 units");
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    assert!(lines > 0);
}
