//! Differential test against tshark, the reference.
//!
//! For every capture in `sample-captures/` and `../shared/captures/`, tshark
//! and wirelens read the file with the same arguments and their outputs are
//! compared frame by frame:
//! - the default one-line summary (`tshark -n -r F` / `wirelens -r F -P`);
//! - `-T fields` with every field wirelens registers that tshark also knows
//!   (so a field added to the registry is compared from then on);
//! - both again with two passes (`-2`), which is what the inspector shows.
//!
//! Every difference must be listed, with its reason, in
//! `tests/known-differences.tsv` (capture, column, frames, reason), one line
//! per capture and column; a listed difference that no longer occurs is a
//! failure too, so the list stays true. The frame list is informational.
//! Maintenance: `WIRELENS_DIFF_PRUNE=1` drops stale lines;
//! `WIRELENS_DIFF_ADD="reason"` appends the unlisted differences with that
//! reason (review them: a reason is a claim). `WIRELENS_DIFF_ONLY=substr`
//! limits the run to matching capture names.
//!
//! The run also prints how much agrees (and writes it to
//! `target/tshark-agreement.tsv`): summary lines and field values equal to
//! tshark's, over all frames, over the frames made only of protocols
//! wirelens dissects (issue 18's measure), and per frame's last protocol.
//! Every differing value of the one-pass run goes to `target/tshark-diffs.tsv`
//! (capture, frame, field, dissected, wirelens, tshark), to group them by
//! field or cause.

mod common;

use std::collections::{BTreeMap, BTreeSet, HashSet};
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use common::{captures, run_tshark, tshark_available, wirelens};

/// Fields tshark prints differently by design (time zone and locale
/// dependent, or configuration), never compared.
const SKIPPED_FIELDS: &[&str] = &["frame.time", "frame.encap_type"];

const KNOWN: &str = "tests/known-differences.tsv";

#[derive(Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Debug)]
struct Key {
    capture: String,
    column: String,
}

/// Summary lines and field values compared, and how many were equal.
#[derive(Clone, Copy, Default)]
struct Tally {
    lines: u64,
    lines_same: u64,
    values: u64,
    values_same: u64,
}

impl Tally {
    fn add(&mut self, o: &Tally) {
        self.lines += o.lines;
        self.lines_same += o.lines_same;
        self.values += o.values;
        self.values_same += o.values_same;
    }
}

/// Tallies by group: `all`, `dissected` (frames whose tshark protocol list
/// holds only protocols wirelens knows), `last:PROTO` and, for the
/// dissected frames, `capture:NAME`.
type Agreement = BTreeMap<String, Tally>;

/// The one-pass differing values, as rows of `target/tshark-diffs.tsv`.
type DiffRows = Vec<String>;

struct Diff {
    key: Key,
    frame: usize,
    ours: String,
    theirs: String,
}

fn load_known() -> BTreeMap<Key, (String, String)> {
    common::known_rows(KNOWN)
        .into_iter()
        .map(|[capture, column, frames, reason]| (Key { capture, column }, (frames, reason)))
        .collect()
}

fn save_known(known: &BTreeMap<Key, (String, String)>) {
    let mut out = String::from(
        "# Differences from tshark 4.0.17 that are understood. Columns: capture, column \
         (`line` = the one-line summary, else a -T fields field), frames (informational), reason.\n",
    );
    for (k, (frames, reason)) in known {
        let _ = writeln!(out, "{}\t{}\t{}\t{}", k.capture, k.column, frames, reason);
    }
    std::fs::write(KNOWN, out).expect("write known differences");
}

/// Field names both wirelens and tshark know.
fn shared_fields() -> Vec<String> {
    let ours = wirelens(&["--list-fields"]);
    let theirs = run_tshark(&["-G", "fields"]);
    let tshark_names: HashSet<&str> =
        theirs.lines().filter_map(|l| l.split('\t').nth(2)).collect();
    ours.lines()
        .filter_map(|l| l.split('\t').nth(1))
        .filter(|n| !n.starts_with("_ws.") && !SKIPPED_FIELDS.contains(n))
        .filter(|n| tshark_names.contains(n))
        // Protocols print their whole label in tshark's fields output.
        .filter(|n| n.contains('.'))
        .map(String::from)
        .collect()
}

/// The differences on one capture: one pass (tshark's default), then two
/// passes (`-2`, as the inspector shows packets: a request knows its
/// response). A two-pass difference is kept, in column `2:COLUMN`, only
/// where the one-pass output agreed, so each bug is listed once.
fn compare_capture(path: &Path, fields: &[String], ours_protos: &HashSet<String>) -> Option<(Vec<Diff>, Agreement, DiffRows)> {
    let mut agreement = (Agreement::new(), DiffRows::new());
    let mut diffs = compare_pass(path, fields, &[], Some((ours_protos, &mut agreement)))?;
    let one_pass: HashSet<(String, usize)> = diffs.iter().map(|d| (d.key.column.clone(), d.frame)).collect();
    for mut d in compare_pass(path, fields, &["-2"], None)? {
        if !one_pass.contains(&(d.key.column.clone(), d.frame)) {
            d.key.column = format!("2:{}", d.key.column);
            diffs.push(d);
        }
    }
    Some((diffs, agreement.0, agreement.1))
}

fn compare_pass(
    path: &Path,
    fields: &[String],
    passes: &[&str],
    tally: Option<(&HashSet<String>, &mut (Agreement, DiffRows))>,
) -> Option<Vec<Diff>> {
    let name = path.file_name()?.to_string_lossy().to_string();
    let p = path.to_string_lossy().to_string();
    let mut args: Vec<String> = vec!["-n".into(), "-r".into(), p.clone()];
    args.extend(passes.iter().map(|a| a.to_string()));
    let targs: Vec<&str> = args.iter().map(String::as_str).collect();
    let Some(theirs) = common::tshark_output(&targs) else {
        return None; // tshark refuses the file: the bad-input tests cover it
    };
    let mut ours_args = targs.to_vec();
    ours_args.push("-P");
    let ours = wirelens(&ours_args);
    let mut diffs = Vec::new();
    diff_lines(&name, "line", &ours, &theirs, &mut diffs, None);
    let line_same: Vec<bool> = theirs.lines().zip(ours.lines().map(Some).chain(std::iter::repeat(None))).map(|(t, o)| o == Some(t)).collect();

    args.extend(["-T".into(), "fields".into()]);
    for f in fields {
        args.push("-e".into());
        args.push(f.clone());
    }
    let targs: Vec<&str> = args.iter().map(String::as_str).collect();
    let theirs = common::tshark_output(&targs).unwrap_or_default();
    let ours = wirelens(&targs);
    diff_lines(&name, "", &ours, &theirs, &mut diffs, Some(fields));
    if let Some((known, (agreement, rows))) = tally {
        count_agreement(&name, fields, &line_same, &ours, &theirs, known, agreement, rows);
    }
    Some(diffs)
}

/// Adds one capture's frames to the tallies (see `Agreement`) and its
/// differing values to `rows`.
#[allow(clippy::too_many_arguments)]
fn count_agreement(
    capture: &str,
    fields: &[String],
    line_same: &[bool],
    ours: &str,
    theirs: &str,
    known: &HashSet<String>,
    agreement: &mut Agreement,
    rows: &mut DiffRows,
) {
    let protocols = fields.iter().position(|f| f == "frame.protocols");
    let ours: Vec<&str> = ours.lines().collect();
    for (i, t) in theirs.lines().enumerate() {
        let ys: Vec<&str> = t.split('\t').collect();
        let xs: Vec<&str> = ours.get(i).map(|l| l.split('\t').collect()).unwrap_or_default();
        let mut frame = Tally { lines: 1, lines_same: line_same.get(i).copied().unwrap_or(false) as u64, ..Tally::default() };
        let list = protocols.and_then(|p| ys.get(p).copied()).unwrap_or("");
        let dissected = list.split(':').all(|p| known.contains(p));
        for (j, f) in fields.iter().enumerate() {
            let (u, v) = (xs.get(j).copied().unwrap_or(""), ys.get(j).copied().unwrap_or(""));
            if !u.is_empty() || !v.is_empty() {
                frame.values += 1;
                frame.values_same += (u == v) as u64;
            }
            if u != v {
                rows.push(format!("{capture}\t{}\t{f}\t{}\t{u}\t{v}", i + 1, dissected as u8));
            }
        }
        let mut groups = vec!["all".to_string(), format!("last:{}", list.rsplit(':').next().unwrap_or(""))];
        if dissected {
            groups.push("dissected".into());
            groups.push(format!("capture:{capture}"));
        }
        for g in groups {
            agreement.entry(g).or_default().add(&frame);
        }
    }
}

/// Prints the tallies and writes them to `target/tshark-agreement.tsv`.
fn report_agreement(agreement: &Agreement, rows: &[String]) {
    let _ = std::fs::create_dir_all("target");
    let _ = std::fs::write("target/tshark-diffs.tsv", rows.join("\n") + "\n");
    let pct = |a: u64, b: u64| if b == 0 { 100.0 } else { 100.0 * a as f64 / b as f64 };
    let mut out = String::from("group\tframes\tlines equal\t%\tfield values\tequal\t%\n");
    for (g, t) in agreement {
        let _ = writeln!(
            out,
            "{g}\t{}\t{}\t{:.2}\t{}\t{}\t{:.3}",
            t.lines,
            t.lines_same,
            pct(t.lines_same, t.lines),
            t.values,
            t.values_same,
            pct(t.values_same, t.values)
        );
    }
    let _ = std::fs::write("target/tshark-agreement.tsv", &out);
    for l in out.lines().filter(|l| !l.starts_with("last:") && !l.starts_with("capture:")) {
        eprintln!("{l}");
    }
}

fn diff_lines(capture: &str, column: &str, ours: &str, theirs: &str, out: &mut Vec<Diff>, fields: Option<&[String]>) {
    let a: Vec<&str> = ours.lines().collect();
    let b: Vec<&str> = theirs.lines().collect();
    for i in 0..a.len().max(b.len()) {
        let (x, y) = (a.get(i).copied().unwrap_or("<missing>"), b.get(i).copied().unwrap_or("<missing>"));
        let frame = i + 1;
        match fields {
            None => {
                if x != y {
                    out.push(Diff {
                        key: Key { capture: capture.into(), column: column.into() },
                        frame,
                        ours: x.into(),
                        theirs: y.into(),
                    });
                }
            }
            Some(names) => {
                let xs: Vec<&str> = x.split('\t').collect();
                let ys: Vec<&str> = y.split('\t').collect();
                for (j, n) in names.iter().enumerate() {
                    let (u, v) = (xs.get(j).copied().unwrap_or(""), ys.get(j).copied().unwrap_or(""));
                    if u != v {
                        out.push(Diff {
                            key: Key { capture: capture.into(), column: n.clone() },
                            frame,
                            ours: u.into(),
                            theirs: v.into(),
                        });
                    }
                }
            }
        }
    }
}

#[test]
fn matches_tshark_on_every_capture() {
    if !tshark_available() {
        eprintln!("tshark is not installed: differential test skipped");
        return;
    }
    let fields = shared_fields();
    assert!(fields.iter().any(|f| f == "ip.src"), "field list looks wrong: {fields:?}");
    let only = std::env::var("WIRELENS_DIFF_ONLY").ok();
    let files: Vec<PathBuf> = captures()
        .into_iter()
        .filter(|p| only.as_deref().is_none_or(|o| p.to_string_lossy().contains(o)))
        .collect();
    assert!(!files.is_empty(), "no captures found");

    // tshark lists the Ethernet type as a layer of its own ("ethertype");
    // wirelens dissects it as part of the link layer.
    let ours_protos: HashSet<String> = wirelens(&["-G", "protocols"])
        .lines()
        .filter_map(|l| l.split('\t').nth(2))
        .chain(["ethertype"])
        .map(String::from)
        .collect();
    let results = common::parallel_map(&files, |p| compare_capture(p, &fields, &ours_protos));
    let mut seen_captures = BTreeSet::new();
    let mut all = Vec::new();
    let mut agreement = Agreement::new();
    let mut rows = DiffRows::new();
    for (p, r) in files.iter().zip(results) {
        if let Some((d, a, dr)) = r {
            rows.extend(dr);
            seen_captures.insert(p.file_name().map(|n| n.to_string_lossy().to_string()).unwrap_or_default());
            all.extend(d);
            for (g, t) in a {
                agreement.entry(g).or_default().add(&t);
            }
        }
    }
    report_agreement(&agreement, &rows);

    let mut known = load_known();
    let found: HashSet<Key> = all.iter().map(|d| d.key.clone()).collect();
    let unlisted: Vec<&Diff> = all.iter().filter(|d| !known.contains_key(&d.key)).collect();
    let unlisted_keys: BTreeSet<&Key> = unlisted.iter().map(|d| &d.key).collect();
    let stale: Vec<Key> = known
        .keys()
        .filter(|k| seen_captures.contains(&k.capture) && !found.contains(*k))
        .filter(|k| only.as_deref().is_none_or(|o| k.capture.contains(o)))
        .cloned()
        .collect();

    if std::env::var("WIRELENS_DIFF_PRUNE").is_ok() {
        for k in &stale {
            known.remove(k);
        }
        save_known(&known);
    }
    if let Ok(reason) = std::env::var("WIRELENS_DIFF_ADD") {
        let mut frames: BTreeMap<Key, Vec<usize>> = BTreeMap::new();
        for d in &unlisted {
            frames.entry(d.key.clone()).or_default().push(d.frame);
        }
        for (k, f) in frames {
            known.insert(k, (common::frame_list(&f), reason.clone()));
        }
        save_known(&known);
        return;
    }

    let mut report = String::new();
    let mut shown = HashSet::new();
    for d in unlisted.iter().filter(|d| shown.insert(&d.key)).take(60) {
        let _ = writeln!(
            report,
            "{} frame {} {}:\n  tshark:   {}\n  wirelens: {}",
            d.key.capture, d.frame, d.key.column, d.theirs, d.ours
        );
    }
    if unlisted_keys.len() > 60 {
        let _ = writeln!(report, "… and {} more captures/columns", unlisted_keys.len() - 60);
    }
    if !stale.is_empty() && std::env::var("WIRELENS_DIFF_PRUNE").is_err() {
        let _ = writeln!(report, "{} listed differences no longer occur (run with WIRELENS_DIFF_PRUNE=1):", stale.len());
        for k in stale.iter().take(20) {
            let _ = writeln!(report, "  {}\t{}", k.capture, k.column);
        }
    }
    assert!(
        report.is_empty(),
        "{} unlisted differences ({} capture/column pairs) from tshark over {} captures, {} fields \
         (first frame of each shown):\n{report}",
        unlisted.len(),
        unlisted_keys.len(),
        seen_captures.len(),
        fields.len()
    );
    eprintln!(
        "compared {} captures on {} fields; {} known differences",
        seen_captures.len(),
        fields.len(),
        all.len()
    );
}
