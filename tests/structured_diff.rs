//! Differential test of the structured formats against tshark: for every
//! capture in `sample-captures/` and `../shared/captures/`, `-T json`,
//! `-T ek`, `-T pdml` and `-T psml` of tshark and of wirelens are parsed and compared
//! as values, packet by packet and item by item: each leaf's path (the keys
//! from the document down, `ip/ip.flags_tree/ip.flags.df`; in PDML the
//! elements' `name` attributes, then `@show`, `@showname`, `@value`, ...)
//! and the list of values at that path in that packet. The known-differences file names each place with
//! its text-only labels as `<text>` (`listed_path`).
//!
//! Every difference is listed with its reason in
//! `tests/structured-known-differences.tsv` (capture or `*` for every
//! capture, `FORMAT PATH`, frames, reason); a listed difference that no
//! longer occurs fails too. `WIRELENS_STRUCT_DIFF_PRUNE=1` drops stale lines,
//! `WIRELENS_STRUCT_DIFF_ADD="reason"` appends the unlisted ones (review each:
//! a reason is a claim), `WIRELENS_DIFF_ONLY=substr` limits the captures.
//! Both tools run with `TZ=UTC`: the documents' dates are local.

mod common;

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use std::path::Path;
use std::process::Command;

use common::json::{self, Json};
use common::xml;
use common::{captures, tshark_available};

const KNOWN: &str = "tests/structured-known-differences.tsv";

/// A difference: (capture, "FORMAT PATH").
type Key = (String, String);

struct Found {
    diffs: BTreeMap<Key, Vec<usize>>,
    examples: BTreeMap<Key, (usize, Vec<String>, Vec<String>)>,
    /// Per format: documents, leaf values, equal values.
    counts: BTreeMap<String, [usize; 3]>,
}

fn ours(args: &[&str]) -> String {
    let out = Command::new(common::bin()).args(args).env("TZ", "UTC").output().expect("run wirelens");
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// The documents of one format's output, or None when it does not parse.
fn documents(format: &str, text: &str) -> Option<Vec<Json>> {
    match format {
        "json" => match json::parse(text).ok()? {
            Json::Arr(a) => Some(a),
            _ => None,
        },
        // Index lines name each document's index; the documents follow.
        "ek" => Some(json::parse_many(text).ok()?.into_iter().filter(|d| matches!(d, Json::Obj(m) if m.iter().any(|(k, _)| k == "layers"))).collect()),
        // The document's own attributes (its time, the file's name) are
        // not the packets'.
        "pdml" | "psml" => {
            let root = xml::parse(text).ok()?;
            Some(root.children.iter().filter(|c| c.tag == "packet").map(|c| c.to_json()).collect())
        }
        _ => None,
    }
}

/// A path as the known-differences file lists it: keys that are labels of
/// text-only items (no field name: no dot, not `_ws`), which name packet
/// contents such as a DNS record, become `<text>`, so one line covers a
/// difference at that place in every packet. (Paths are compared whole.)
fn listed_path(path: &str) -> String {
    let field_like = |p: &str| p.contains('.') || p.starts_with('_') || p == "[]" || !p.contains([' ', ':', '\\', '\r', '\n']);
    // A PDML element's attributes (`@show`, `@size`, ...) share its line.
    let path = path.rsplit_once("/@").map_or(path, |(element, _)| element);
    path.split('/').map(|p| if field_like(p) { p } else { "<text>" }).collect::<Vec<_>>().join("/")
}

/// Each path's values in one document.
fn by_path(doc: &Json) -> BTreeMap<String, Vec<String>> {
    let mut m: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for (p, v) in doc.leaves() {
        m.entry(p).or_default().push(v);
    }
    m
}

fn compare(path: &Path, format: &str, found: &mut Found) -> Result<(), String> {
    let name = path.file_name().unwrap().to_string_lossy().into_owned();
    let p = path.to_string_lossy().into_owned();
    let Some(theirs) = common::tshark_output(&["-n", "-r", &p, "-T", format]) else { return Ok(()) };
    let mine = ours(&["-n", "-r", &p, "-T", format]);
    let a = documents(format, &mine).ok_or_else(|| format!("{name}: our -T {format} output does not parse"))?;
    // tshark stops its array where a damaged file ends without closing it.
    let Some(b) = documents(format, &theirs) else { return Ok(()) };
    for i in 0..a.len().max(b.len()) {
        let empty = Json::Obj(Vec::new());
        let (x, y) = (by_path(a.get(i).unwrap_or(&empty)), by_path(b.get(i).unwrap_or(&empty)));
        let c = found.counts.entry(format.to_string()).or_default();
        c[0] += 1;
        let paths: BTreeSet<&String> = x.keys().chain(y.keys()).collect();
        for k in paths {
            let (u, v) = (x.get(k).cloned().unwrap_or_default(), y.get(k).cloned().unwrap_or_default());
            let c = found.counts.entry(format.to_string()).or_default();
            c[1] += v.len().max(u.len());
            if u == v {
                c[2] += u.len();
                continue;
            }
            let key = (name.clone(), format!("{format} {}", listed_path(k)));
            found.diffs.entry(key.clone()).or_default().push(i + 1);
            found.examples.entry(key).or_insert((i + 1, u, v));
        }
    }
    Ok(())
}

/// A first reason for a difference (`WIRELENS_STRUCT_DIFF_ADD=auto`), and
/// whether it holds for every capture (`*`): a field wirelens does not
/// register is missing wherever tshark has it.
fn classify(k: &Key, ours: &[String], theirs: &[String], registered: &BTreeSet<String>) -> (String, String) {
    // The item's name: the last path segment that is not an attribute
    // (PDML's `@show`), text or array element.
    let leaf = k.1.rsplit('/').find(|p| !matches!(p.chars().next(), Some('@' | '#')) && *p != "[]").unwrap_or("");
    let field = leaf.strip_suffix("_tree").or_else(|| leaf.strip_suffix("_raw")).unwrap_or(leaf);
    let looks_like_field = field.contains('.') || field.starts_with("_ws");
    match (ours.is_empty(), theirs.is_empty()) {
        (true, false) if looks_like_field && !registered.contains(field) => {
            ("*".into(), format!("not dissected by wirelens: {field} is not in its field registry"))
        }
        (true, false) => (k.0.clone(), "only in tshark's tree at this path: wirelens does not add the item here (its -V tree differs the same way)".into()),
        (false, true) => (k.0.clone(), "only in wirelens's tree at this path: tshark names or places the item differently (its -V tree differs the same way)".into()),
        _ => (k.0.clone(), "the values differ at the same path (a dissection difference, as in -T fields or -V)".into()),
    }
}

#[test]
fn structured_formats_match_tshark() {
    if !tshark_available() {
        eprintln!("tshark is not installed: skipped");
        return;
    }
    let only = std::env::var("WIRELENS_DIFF_ONLY").ok();
    let files: Vec<_> = captures().into_iter().filter(|p| only.as_deref().is_none_or(|o| p.to_string_lossy().contains(o))).collect();
    let formats = ["json", "ek", "pdml", "psml"];
    let results = common::parallel_map(&files, |p| {
        let mut f = Found { diffs: BTreeMap::new(), examples: BTreeMap::new(), counts: BTreeMap::new() };
        let errors: Vec<String> = formats.iter().filter_map(|fmt| compare(p, fmt, &mut f).err()).collect();
        (f, errors)
    });
    let mut all = Found { diffs: BTreeMap::new(), examples: BTreeMap::new(), counts: BTreeMap::new() };
    let mut errors = Vec::new();
    for (f, e) in results {
        all.diffs.extend(f.diffs);
        all.examples.extend(f.examples);
        for (k, c) in f.counts {
            let t = all.counts.entry(k).or_default();
            (0..3).for_each(|i| t[i] += c[i]);
        }
        errors.extend(e);
    }
    assert!(errors.is_empty(), "{}", errors.join("\n"));

    let rows = common::known_rows(KNOWN);
    let mut known: BTreeMap<Key, (String, String)> =
        rows.into_iter().map(|[c, k, frames, reason]| ((c, k), (frames, reason))).collect();
    let listed = |k: &Key, known: &BTreeMap<Key, (String, String)>| known.contains_key(k) || known.contains_key(&("*".to_string(), k.1.clone()));
    let unlisted: Vec<&Key> = all.diffs.keys().filter(|k| !listed(k, &known)).collect();
    let names: BTreeSet<String> = files.iter().map(|p| p.file_name().unwrap().to_string_lossy().into_owned()).collect();
    let stale: Vec<Key> = known
        .keys()
        .filter(|(c, k)| {
            if c == "*" {
                only.is_none() && !all.diffs.keys().any(|(_, dk)| dk == k)
            } else {
                names.contains(c) && !all.diffs.contains_key(&(c.clone(), k.clone()))
            }
        })
        .cloned()
        .collect();
    let save = |known: &BTreeMap<Key, (String, String)>| {
        let mut out = String::from(
            "# Differences of -T json, ek, pdml and psml from tshark 4.0.17 that are understood. Columns: capture (* for any), \
             format and leaf path, frames (informational), reason.\n",
        );
        for ((c, k), (frames, reason)) in known {
            let _ = writeln!(out, "{c}\t{k}\t{frames}\t{reason}");
        }
        std::fs::write(KNOWN, out).expect("write known differences");
    };
    if std::env::var("WIRELENS_STRUCT_DIFF_PRUNE").is_ok() {
        stale.iter().for_each(|k| drop(known.remove(k)));
        save(&known);
    }
    if let Ok(reason) = std::env::var("WIRELENS_STRUCT_DIFF_ADD") {
        let registered: BTreeSet<String> =
            common::wirelens(&["--list-fields"]).lines().filter_map(|l| l.split('\t').nth(1)).map(String::from).collect();
        for k in &unlisted {
            let (_, u, v) = &all.examples[*k];
            // `auto`: a first reason from what the difference is; review it.
            let (capture, why) = match reason.as_str() {
                "auto" => classify(k, u, v, &registered),
                _ => (k.0.clone(), reason.clone()),
            };
            let frames = if capture == "*" { String::from("-") } else { common::frame_list(&all.diffs[*k]) };
            known.insert((capture, k.1.clone()), (frames, why));
        }
        save(&known);
        return;
    }
    let mut report = String::new();
    for k in unlisted.iter().take(40) {
        let (frame, u, v) = &all.examples[*k];
        let _ = writeln!(report, "{} frame {frame} {}:\n  tshark:   {v:?}\n  wirelens: {u:?}", k.0, k.1);
    }
    if !stale.is_empty() && std::env::var("WIRELENS_STRUCT_DIFF_PRUNE").is_err() {
        let _ = writeln!(report, "{} listed differences no longer occur (WIRELENS_STRUCT_DIFF_PRUNE=1 drops them):", stale.len());
        for (c, k) in stale.iter().take(20) {
            let _ = writeln!(report, "  {c}\t{k}");
        }
    }
    for (format, [docs, leaves, equal]) in &all.counts {
        eprintln!(
            "-T {format}: {docs} packets, {leaves} leaf values, {equal} equal ({:.1}%)",
            100.0 * *equal as f64 / (*leaves).max(1) as f64
        );
    }
    eprintln!("{} differing capture/path pairs", all.diffs.len());
    assert!(report.is_empty(), "{} unlisted differences:\n{report}", unlisted.len());
}
