//! `-z` statistics compared with tshark's, the reference.
//!
//! For every capture in `sample-captures/` and `../shared/captures/`, tshark
//! (`-n -q -z …`) and wirelens run with the same statistics; their outputs
//! are cut into one block per statistic and compared block by block.
//! Every tshark run is bounded (`TSHARK_LIMIT`): a capture it cannot finish
//! in time is skipped with a printed note.
//!
//! Every difference must be listed with its reason in
//! `tests/stats-known-differences.tsv` (capture, statistic, reason).
//! Listed differences that no longer occur are reported; `WIRELENS_STATS_PRUNE=1`
//! drops them (they depend on other engineers' dissectors, which fix them
//! as they land, so a stale line does not fail the test).
//! `WIRELENS_STATS_ADD="reason"` appends the unlisted differences with that
//! reason (review them: a reason is a claim); `WIRELENS_STATS_ONLY=substr`
//! limits the run to matching capture names.

mod common;

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::io::Read as _;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use common::{captures, tshark_available, wirelens};

const KNOWN: &str = "tests/stats-known-differences.tsv";

/// The statistics compared on every capture.
const STATS: &[&str] = &[
    "conv,eth",
    "conv,ip",
    "conv,ipv6",
    "conv,tcp",
    "conv,udp",
    "endpoints,eth",
    "endpoints,ip",
    "endpoints,ipv6",
    "endpoints,tcp",
    "endpoints,udp",
    "io,phs",
    "follow,udp,ascii,0",
    "follow,udp,hex,1",
    "follow,udp,raw,0",
    "follow,tcp,ascii,0",
    "follow,tcp,hex,1",
    "follow,tcp,raw,0",
];

/// tshark's filtered forms, compared in a run of their own: a filter that
/// reads `frame` items changes the hierarchy of every statistic of its run.
const FILTERED: &[&str] = &[
    "conv,tcp,tcp.len > 0",
    "conv,udp,udp.port == 53",
    "conv,ip,tcp",
    "conv,ip,",
    "endpoints,udp,udp.port == 53",
    "io,phs,udp or http",
    "conv,tcp,frame.number <= 10",
    "io,phs,tcp.flags.syn == 1",
];

/// The stats trees and io,stat, in a run of their own (their filters build
/// the tree, which would change the hierarchy of `io,phs`).
const TREES: &[&str] = &[
    "plen,tree",
    "dns,tree",
    "http,tree",
    "http_req,tree",
    "http_srv,tree",
    "io,stat,1",
    "io,stat,0,tcp,udp",
    "io,stat,0.01,,dns",
    "plen,tree,tcp",
    "http,tree,http.request",
    "dns,tree,dns.flags.response == 1",
    "io,stat,1,COUNT(tcp.len)tcp.len,SUM(tcp.len)tcp.len,MIN(tcp.len)tcp,MAX(tcp.len),AVG(tcp.len)",
    "io,stat,0.5,AVG(frame.time_delta)frame.time_delta,MAX(frame.time_delta),LOAD(frame.time_delta),COUNT(dns.qry.name)dns",
    "io,stat,0,SUM(udp.length)udp.length,MIN(frame.number)frame.number,FRAMES()ip,BYTES",
];

/// The expert summaries, each in a run of its own: tshark keeps one lowest
/// severity for all of them, and their sections have no framing rules to
/// cut them apart by.
const EXPERT: &[&[&str]] = &[&["expert"], &["expert,note,tcp or dns"]];

/// The longest one tshark run may take. tshark 4.0 runs for over half an
/// hour on a capture whose timestamps span centuries with an io,stat
/// interval (zeek__variant-01-chunk_2pow64_overflow.pcap: one row per
/// interval); such a capture is skipped with a note instead of hanging
/// the test.
const TSHARK_LIMIT: Duration = Duration::from_secs(60);

type Key = (String, String);

fn load_known() -> BTreeMap<Key, String> {
    let text = std::fs::read_to_string(KNOWN).unwrap_or_default();
    let mut m = BTreeMap::new();
    for line in text.lines() {
        if line.starts_with('#') || line.trim().is_empty() {
            continue;
        }
        let parts: Vec<&str> = line.splitn(3, '\t').collect();
        assert!(
            parts.len() == 3 && !parts[2].trim().is_empty(),
            "{KNOWN}: bad line {line:?} (want capture, statistic, reason)"
        );
        m.insert((parts[0].to_string(), parts[1].to_string()), parts[2].to_string());
    }
    m
}

fn save_known(known: &BTreeMap<Key, String>) {
    let mut out = String::from(
        "# Differences of the -z statistics from tshark 4.0.17 that are understood. \
         Columns: capture, statistic, reason.\n",
    );
    for ((capture, stat), reason) in known {
        let _ = writeln!(out, "{capture}\t{stat}\t{reason}");
    }
    std::fs::write(KNOWN, out).expect("write known differences");
}

/// Cuts an output into its statistics' blocks. Each block is framed by two
/// identical rules of `=` (a stats tree's closing rule is of `-`, after a
/// blank line); what precedes the first rule (a blank line) belongs to the
/// block.
fn blocks(out: &str) -> Vec<String> {
    let mut v = Vec::new();
    let mut cur = String::new();
    let mut rule: Option<&str> = None;
    let mut after_blank = false;
    for line in out.lines() {
        cur.push_str(line);
        cur.push('\n');
        let is_rule = line.len() > 25 && line.bytes().all(|b| b == b'=');
        let tree_end = |r: &str| after_blank && line.len() == r.len() && line.bytes().all(|b| b == b'-');
        let blank = line.is_empty();
        let closing = rule.is_some_and(|r| line == r || tree_end(r));
        after_blank = blank;
        match rule {
            None if is_rule => rule = Some(line),
            Some(_) if closing => {
                v.push(std::mem::take(&mut cur));
                rule = None;
            }
            _ => {}
        }
    }
    if !cur.trim().is_empty() {
        v.push(cur);
    }
    v
}

/// tshark ran past `TSHARK_LIMIT` and was stopped.
struct TimedOut;

/// tshark's standard output (None: it refuses the file, as
/// `common::tshark_output`), stopped after `TSHARK_LIMIT`.
fn tshark_bounded(args: &[&str]) -> Result<Option<String>, TimedOut> {
    let mut child = Command::new("tshark")
        .args(args)
        .env("TZ", "UTC")
        .env("LC_ALL", "C.UTF-8")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("run tshark");
    // Read on a thread, so a full pipe cannot stall tshark while it is timed.
    let mut stdout = child.stdout.take().expect("piped stdout");
    let reader = std::thread::spawn(move || {
        let mut buf = Vec::new();
        let _ = stdout.read_to_end(&mut buf);
        buf
    });
    let start = Instant::now();
    let status = loop {
        match child.try_wait().expect("wait for tshark") {
            Some(status) => break status,
            None if start.elapsed() > TSHARK_LIMIT => {
                let _ = child.kill();
                let _ = child.wait();
                let _ = reader.join();
                return Err(TimedOut);
            }
            None => std::thread::sleep(Duration::from_millis(50)),
        }
    };
    let out = reader.join().unwrap_or_default();
    Ok((status.success() || !out.is_empty()).then(|| String::from_utf8_lossy(&out).into_owned()))
}

/// (statistic, ours, theirs) for every block that differs, over the
/// statistics of all runs.
fn compare(path: &Path) -> Result<Vec<(String, String, String)>, TimedOut> {
    let mut diffs = compare_run(path, STATS)?;
    diffs.extend(compare_run(path, FILTERED)?);
    diffs.extend(compare_run(path, TREES)?);
    for run in EXPERT {
        diffs.extend(compare_run(path, run)?);
    }
    Ok(diffs)
}

fn compare_run(path: &Path, stats: &[&str]) -> Result<Vec<(String, String, String)>, TimedOut> {
    let p = path.to_string_lossy().to_string();
    let mut args: Vec<&str> = vec!["-n", "-q", "-r", &p];
    for s in stats {
        args.push("-z");
        args.push(s);
    }
    let Some(theirs) = tshark_bounded(&args)? else {
        return Ok(Vec::new()); // tshark refuses the file: the bad-input tests cover it
    };
    let ours = wirelens(&args);
    let (ours, theirs) = (blocks(&ours), blocks(&theirs));
    // Both draw the last statistic given first.
    let mut diffs = Vec::new();
    for (i, stat) in stats.iter().rev().enumerate() {
        let (o, t) = (ours.get(i).cloned().unwrap_or_default(), theirs.get(i).cloned().unwrap_or_default());
        if o != t {
            diffs.push((stat.to_string(), o, t));
        }
    }
    Ok(diffs)
}

#[test]
fn statistics_match_tshark() {
    if !tshark_available() {
        eprintln!("tshark not installed: skipped");
        return;
    }
    let only = std::env::var("WIRELENS_STATS_ONLY").ok();
    let files: Vec<_> = captures()
        .into_iter()
        .filter(|p| only.as_deref().is_none_or(|o| p.to_string_lossy().contains(o)))
        .collect();
    let results: Vec<(String, Vec<_>)> = common::parallel_map(&files, |p| {
        let name = p.file_name().map(|n| n.to_string_lossy().to_string()).unwrap_or_default();
        match compare(p) {
            Ok(diffs) => Some((name, diffs)),
            Err(TimedOut) => {
                eprintln!("skipped {name}: tshark ran over {} s on it", TSHARK_LIMIT.as_secs());
                None
            }
        }
    })
    .into_iter()
    .flatten()
    .collect();
    let mut known = load_known();
    let mut seen = Vec::new();
    let mut unlisted = String::new();
    let add = std::env::var("WIRELENS_STATS_ADD").ok();
    for (name, diffs) in &results {
        for (stat, ours, theirs) in diffs {
            let key = (name.clone(), stat.clone());
            seen.push(key.clone());
            if known.contains_key(&key) {
                continue;
            }
            match &add {
                Some(reason) => {
                    known.insert(key, reason.clone());
                }
                None => {
                    let _ = writeln!(unlisted, "--- {name} -z {stat}\n[ours]\n{ours}[tshark]\n{theirs}");
                }
            }
        }
    }
    let stale: Vec<Key> = known
        .keys()
        .filter(|k| !seen.contains(k))
        .filter(|k| results.iter().any(|(n, _)| *n == k.0))
        .cloned()
        .collect();
    for k in &stale {
        eprintln!("stale known difference (now equal): {}\t{}", k.0, k.1);
    }
    if std::env::var("WIRELENS_STATS_PRUNE").is_ok() {
        for k in &stale {
            known.remove(k);
        }
    }
    if add.is_some() || std::env::var("WIRELENS_STATS_PRUNE").is_ok() {
        save_known(&known);
    }
    assert!(unlisted.is_empty(), "differences from tshark not in {KNOWN}:\n{unlisted}");
}

#[test]
fn block_cutting_keeps_statistics_apart() {
    let out = "\n=====================================================\nA\n=====================================================\n\
               ==========================================================================\nB\n\
               ==========================================================================\n";
    let b = blocks(out);
    assert_eq!(b.len(), 2);
    assert!(b[0].contains('A') && b[1].contains('B'));
    // A stats tree closes with dashes after a blank line; the dashes under
    // its header do not close it.
    let tree = "\n==============================\nT:\nTopic / Item\n------------------------------\nrow\n\n\
                ------------------------------\n\n==============================\nU:\n\n\
                ------------------------------\n";
    let b = blocks(tree);
    assert_eq!(b.len(), 2, "{b:?}");
    assert!(b[0].contains("row") && b[1].contains("U:"));
}
