//! tshark 4.0's output options against tshark itself, byte for byte, on every
//! sample and corpus capture: `-T fields` with `-E` (CSV and the rest) and
//! the `_ws.col.*` columns, `-T tabs`, `-x` alone and after `-P`, `-O`,
//! `-q` and `-w` silencing only the default summary, `-G fields` and
//! `-G protocols` (the rows of the fields both know), `-G values` (the
//! words of every value-string field both know), and a reader that goes
//! away early ending every output quietly.
//!
//! A layout option can only be judged where the plain output already
//! agrees (a field tshark decodes differently is `tshark_diff`'s business):
//! the `-E` variants run on captures whose plain `-T fields` lines equal
//! tshark's, `-T tabs` where `-P` does, `-O` where `-V` does (these two on
//! the sample captures only: tshark takes a second or more to start, and
//! the corpus would take minutes more). `-x` runs on every capture. Each remaining difference is listed with its reason in
//! `tests/output-known-differences.tsv`; a listed one that no longer occurs
//! fails too.

mod common;

use std::collections::{BTreeSet, HashMap};
use std::io::Read;
use std::path::Path;
use std::process::{Command, Stdio};

use common::{bin, captures, known_rows, parallel_map, sample, tshark_available, tshark_output};

const KNOWN: &str = "tests/output-known-differences.tsv";

/// Fields with several occurrences (`dns.a`, ICMP errors' `ip.src`), absent
/// ones, and every column.
const FIELDS: &[&str] = &[
    "frame.number",
    "eth.src",
    "ip.src",
    "ip.dst",
    "ipv6.src",
    "tcp.srcport",
    "udp.dstport",
    "dns.qry.name",
    "dns.a",
    "http.request.uri",
    "frame.len",
    "_ws.col.No.",
    "_ws.col.Time",
    "_ws.col.Source",
    "_ws.col.Destination",
    "_ws.col.Protocol",
    "_ws.col.Length",
    "_ws.col.Info",
];

/// CSV, then every other option at once (tshark starts slowly: few runs).
const LAYOUTS: &[&[&str]] = &[
    &["-E", "header=y", "-E", "separator=,", "-E", "quote=d"],
    &["-t", "ud", "-E", "header=y", "-E", "separator=/s", "-E", "quote=s", "-E", "occurrence=l", "-E", "aggregator=;", "-E", "bom=y"],
    &["-E", "occurrence=f", "-E", "separator=/t", "-E", "quote=n", "-E", "header=n"],
];

/// wirelens' standard output, in the zone `common` runs tshark in.
/// Both tools run with `-n`: names are compared by `tests/names.rs`.
fn ours(args: &[&str]) -> Option<String> {
    let out = Command::new(bin()).arg("-n").args(args).env("TZ", "UTC").output().ok()?;
    Some(String::from_utf8_lossy(&out.stdout).into_owned())
}

fn theirs(args: &[&str]) -> Option<String> {
    tshark_output(&[&["-n"][..], args].concat())
}

fn name(p: &Path) -> String {
    p.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default()
}

/// Runs `args` on capture `p` with both tools: Some(whether they agree),
/// None when tshark refuses the file.
fn agree(p: &str, args: &[&str]) -> Option<bool> {
    let args = [&["-r", p][..], args].concat();
    let t = theirs(&args)?;
    Some(ours(&args).is_some_and(|o| o == t))
}

/// Checks the differences found (capture or field, option) against the
/// known list's lines whose option starts with one of `options`; `equal`
/// outputs agreed.
fn check(found: Vec<(String, String)>, equal: usize, options: &[&str]) {
    let what = options.join(" ");
    let listed = |r: &[String; 4]| options.iter().any(|o| r[1].starts_with(o));
    let known: BTreeSet<(String, String)> =
        known_rows(KNOWN).into_iter().filter(listed).map(|r| (r[0].clone(), r[1].clone())).collect();
    let found: BTreeSet<(String, String)> = found.into_iter().collect();
    let new: Vec<_> = found.difference(&known).map(|(a, b)| format!("{a}\t{b}")).collect();
    let stale: Vec<_> = known.difference(&found).map(|(a, b)| format!("{a}\t{b}")).collect();
    eprintln!("{what}: {equal} outputs equal to tshark's, {} known differences", found.len());
    assert!(new.is_empty(), "{what}: new differences (fix, or list in {KNOWN} with a reason):\n{}", new.join("\n"));
    assert!(stale.is_empty(), "{what}: listed differences that no longer occur (drop them from {KNOWN}):\n{}", stale.join("\n"));
    assert!(equal > 0, "{what}: nothing compared");
}

fn field_args() -> Vec<&'static str> {
    let mut args = vec!["-T", "fields"];
    for f in FIELDS {
        args.extend(["-e", f]);
    }
    args
}

/// What one capture's comparisons found: outputs equal to tshark's, and
/// (capture, option) for each that was not.
#[derive(Default)]
struct Tally {
    equal: usize,
    found: Vec<(String, String)>,
}

impl Tally {
    /// Compares `args` on capture `f`, counted under `label`; returns
    /// whether they agreed (false also when tshark refused the file).
    fn run(&mut self, f: &Path, args: &[&str], label: &str) -> bool {
        match agree(f.to_str().unwrap_or_default(), args) {
            Some(true) => {
                self.equal += 1;
                true
            }
            Some(false) => {
                self.found.push((name(f), label.to_string()));
                false
            }
            None => false,
        }
    }
}

/// Runs `compare` on every capture (two at a time), then checks what it
/// found against the known differences listed under `options`.
fn over_captures(options: &[&str], compare: impl Fn(&Path, &mut Tally) + Sync) {
    if !tshark_available() {
        eprintln!("tshark is not installed: skipped");
        return;
    }
    let tallies = parallel_map(&captures(), |f| {
        let mut t = Tally::default();
        compare(f, &mut t);
        t
    });
    let equal = tallies.iter().map(|t| t.equal).sum();
    check(tallies.into_iter().flat_map(|t| t.found).collect(), equal, options);
}

/// Whether plain `args` agree on `f`, without counting it.
fn baseline(f: &Path, args: &[&str]) -> bool {
    agree(f.to_str().unwrap_or_default(), args) == Some(true)
}

#[test]
fn field_layouts_and_columns_match_tshark() {
    over_captures(&["-E"], |f, t| {
        let base = field_args();
        if t.run(f, &base, "-E (none)") {
            for layout in LAYOUTS {
                t.run(f, &[&base[..], layout].concat(), &format!("-E {}", layout.join(" ")));
            }
        } else {
            // A field decoded differently is tshark_diff's to list.
            t.found.pop();
        }
    });
}

#[test]
fn tabs_and_hex_dumps_match_tshark() {
    over_captures(&["-x", "-T tabs", "-P -x"], |f, t| {
        t.run(f, &["-x"], "-x");
        if f.starts_with(sample("")) && baseline(f, &["-P"]) {
            t.run(f, &["-T", "tabs", "-t", "e"], "-T tabs");
            t.run(f, &["-P", "-x", "-c", "20"], "-P -x");
        }
    });
}

#[test]
fn expanded_protocols_match_tshark() {
    over_captures(&["-O"], |f, t| {
        if f.starts_with(sample("")) && baseline(f, &["-V"]) {
            for protos in ["tcp,dns,data", "ip,udp"] {
                t.run(f, &["-O", protos], &format!("-O {protos}"));
            }
        }
    });
}

/// `-q` and `-w` silence the default summary only: an output asked for by
/// name (-P, -V, -O, -x, -T) is printed anyway, as tshark does.
#[test]
fn quiet_and_write_silence_only_the_default_summary() {
    if !tshark_available() {
        eprintln!("tshark is not installed: skipped");
        return;
    }
    let dir = tempfile::tempdir().expect("temp dir");
    let out = |tool: &str| dir.path().join(format!("{tool}.pcap")).to_string_lossy().into_owned();
    let (ours_w, theirs_w) = (out("ours"), out("tshark"));
    // "-W" stands for -w and a file of each tool's own.
    let cases: &[&[&str]] = &[
        &["-q"],
        &["-q", "-P"],
        &["-q", "-T", "fields", "-e", "frame.number", "-e", "_ws.col.Info"],
        &["-q", "-V", "-c", "2"],
        &["-q", "-x", "-c", "2"],
        &["-q", "-T", "tabs"],
        &["-q", "-O", "udp", "-c", "2"],
        &["-W"],
        &["-W", "-P"],
        &["-W", "-T", "fields", "-e", "frame.number"],
    ];
    let mut failures = Vec::new();
    let mut compared = 0;
    // Captures whose summaries equal tshark's.
    for capture in ["arp.pcap", "dns-udp.pcap"] {
        let p = sample(capture);
        let p = p.to_str().unwrap_or_default();
        for case in cases {
            let with = |w: &str| -> Vec<String> {
                let mut v = vec!["-r".to_string(), p.to_string()];
                for a in *case {
                    match *a {
                        "-W" => v.extend(["-w".to_string(), w.to_string()]),
                        a => v.push(a.to_string()),
                    }
                }
                v
            };
            let (a, b) = (with(&ours_w), with(&theirs_w));
            let a: Vec<&str> = a.iter().map(String::as_str).collect();
            let b: Vec<&str> = b.iter().map(String::as_str).collect();
            let (o, t) = (ours(&a).unwrap_or_default(), theirs(&b).unwrap_or_default());
            compared += usize::from(!t.is_empty());
            if o != t {
                failures.push(format!("{capture} {}:\n  tshark:   {t:?}\n  wirelens: {o:?}", case.join(" ")));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    assert!(compared > 0);
}

/// `-G fields`: for every field and protocol tshark also registers, the
/// display name, type, protocol, base and mask columns agree (the
/// descriptions are being filled in: their agreement is counted, not
/// required); `-G protocols`: the long and short names.
#[test]
fn glossaries_match_tshark_on_the_fields_both_know() {
    if !tshark_available() {
        eprintln!("tshark is not installed: skipped");
        return;
    }
    let rows = |text: &str| -> Vec<Vec<String>> { text.lines().map(|l| l.split('\t').map(str::to_string).collect()).collect() };
    let ours_rows = rows(&ours(&["-G", "fields"]).unwrap_or_default());
    let theirs_rows = rows(&tshark_output(&["-G", "fields"]).unwrap_or_default());
    let theirs_by_name: HashMap<&str, &Vec<String>> =
        theirs_rows.iter().filter(|r| r.len() >= 3).map(|r| (r[2].as_str(), r)).collect();
    let columns = [(1, "name"), (3, "type"), (4, "protocol"), (5, "base"), (6, "mask")];
    let (mut equal, mut descs, mut compared) = (0, 0, 0);
    let mut found = Vec::new();
    for r in &ours_rows {
        let Some(t) = r.get(2).and_then(|n| theirs_by_name.get(n.as_str())) else { continue };
        compared += 1;
        if r[0] != t[0] {
            found.push((r[2].clone(), "-G kind".to_string()));
            continue;
        }
        for (i, col) in columns {
            if r.get(i) == t.get(i) {
                equal += 1;
            } else {
                found.push((r[2].clone(), format!("-G {col}")));
            }
        }
        descs += usize::from(r.get(7) == t.get(7));
    }
    eprintln!("-G fields: {compared} rows of fields both know, {descs} with tshark's description");
    let protocols = rows(&ours(&["-G", "protocols"]).unwrap_or_default());
    let theirs_protocols = rows(&tshark_output(&["-G", "protocols"]).unwrap_or_default());
    for r in &protocols {
        if let Some(t) = theirs_protocols.iter().find(|t| t.get(2) == r.get(2)) {
            if r == t {
                equal += 1;
            } else {
                found.push((r[2].clone(), "-G protocols".to_string()));
            }
        }
    }
    check(found, equal, &["-G kind", "-G name", "-G type", "-G protocol", "-G base", "-G mask"]);
}

/// `-G values`: for every field both register, the words wirelens gives
/// its values are tshark's (`-G values word`: a value named otherwise,
/// `extra`: one tshark does not name, `missing`: one only tshark names,
/// `bool`: a boolean's true and false words). These words label the tree
/// (`Protocol: TCP (6)`) and some Info texts, whatever the capture. A field
/// tshark registers more than once may name a value in several ways; any
/// of them will do.
#[test]
fn value_strings_match_tshark() {
    if !tshark_available() {
        eprintln!("tshark is not installed: skipped");
        return;
    }
    type Words = HashMap<String, HashMap<u64, BTreeSet<String>>>;
    fn parse(text: &str) -> (Words, HashMap<String, BTreeSet<(String, String)>>) {
        let (mut values, mut bools): (Words, HashMap<_, BTreeSet<_>>) = Default::default();
        for l in text.lines() {
            let c: Vec<&str> = l.split('\t').collect();
            match c[..] {
                ["V", f, v, w, ..] => {
                    let n = v.strip_prefix("0x").map_or_else(|| v.parse().ok(), |h| u64::from_str_radix(h, 16).ok());
                    if let Some(n) = n {
                        values.entry(f.into()).or_default().entry(n).or_default().insert(w.into());
                    }
                }
                ["T", f, t, u, ..] => {
                    bools.entry(f.into()).or_default().insert((t.into(), u.into()));
                }
                _ => {}
            }
        }
        (values, bools)
    }
    let (ours_v, ours_b) = parse(&ours(&["-G", "values"]).unwrap_or_default());
    let (theirs_v, theirs_b) = parse(&tshark_output(&["-G", "values"]).unwrap_or_default());
    assert!(ours_v.contains_key("ip.proto"), "wirelens -G values lists no ip.proto");
    let mut found = Vec::new();
    let mut equal = 0;
    for (f, words) in &ours_v {
        let Some(t) = theirs_v.get(f) else { continue };
        let mut kinds = BTreeSet::new();
        for (v, w) in words {
            match t.get(v) {
                None => kinds.insert("extra"),
                Some(tw) if w.iter().any(|w| tw.contains(w)) => {
                    equal += 1;
                    false
                }
                Some(_) => kinds.insert("word"),
            };
        }
        if t.keys().any(|v| !words.contains_key(v)) {
            kinds.insert("missing");
        }
        found.extend(kinds.into_iter().map(|k| (f.clone(), format!("-G values {k}"))));
    }
    for (f, words) in &ours_b {
        if theirs_b.get(f).is_some_and(|t| !words.iter().any(|w| t.contains(w))) {
            found.push((f.clone(), "-G values bool".into()));
        }
    }
    check(found, equal, &["-G values"]);
}

/// A reader that stops early (`| head`) ends every output path with status
/// 0 and nothing on standard error. Each output here is several times what
/// a pipe and the writer's buffer hold, so the write does fail.
#[test]
fn a_closed_pipe_ends_quietly() {
    let ssh = sample("ssh.pcap");
    let p = ssh.to_str().unwrap_or_default();
    let cases: &[&[&str]] = &[
        &["-r", p, "-V"],
        &["-r", p, "-T", "json"],
        &["-r", p, "-T", "pdml"],
        &["-r", p, "-T", "ek"],
        &["-r", p, "-x"],
        &["-r", p, "-O", "tcp,ssh", "-x"],
        &["-r", p, "-V", "-2"],
        &["-r", p, "-V", "-z", "io,phs"],
    ];
    for args in cases {
        let mut child =
            Command::new(bin()).args(*args).stdout(Stdio::piped()).stderr(Stdio::piped()).spawn().expect("run wirelens");
        let mut first = [0u8; 1];
        child.stdout.take().expect("stdout").read_exact(&mut first).expect("some output");
        let out = child.wait_with_output().expect("wait");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(out.status.success() && err.is_empty(), "{}: {:?}, stderr {err:?}", args.join(" "), out.status);
    }
}
