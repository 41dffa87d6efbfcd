use std::fmt::Write;

use crate::dissect::{Dissection, FrameMeta};

/// One packet as `tshark -r FILE` prints it by default:
/// number, relative time, source → destination, protocol, length, Info.
pub fn summary_line(meta: &FrameMeta, d: &Dissection, out: &mut String) {
    let rel = meta.ts.since(meta.first_ts);
    let _ = write!(out, "{:>5} ", meta.number);
    let mut t = String::new();
    time_digits(rel, meta.ts_digits, &mut t);
    let _ = write!(out, "{t:>10} ");
    let c = &d.cols;
    if c.src.is_empty() && c.dst.is_empty() {
        out.push_str("   ");
    } else {
        let _ = write!(out, "{} → {}", c.src, c.dst);
    }
    let _ = write!(out, " {} {} {}", c.protocol, meta.origlen, c.info);
}

/// Seconds with `digits` decimals, truncated as Wireshark does.
pub fn time_digits(ns: i64, digits: u8, out: &mut String) {
    let sign = if ns < 0 { "-" } else { "" };
    let a = ns.unsigned_abs();
    let secs = a / 1_000_000_000;
    let frac = a % 1_000_000_000;
    let d = digits.min(9) as u32;
    if d == 0 {
        let _ = write!(out, "{sign}{secs}");
    } else {
        let f = frac / 10u64.pow(9 - d);
        let _ = write!(out, "{sign}{secs}.{f:0w$}", w = d as usize);
    }
}
