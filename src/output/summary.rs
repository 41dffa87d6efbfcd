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
    // tshark pads the source to 12 columns on the left and the destination
    // to 12 on the right (tshark.c, print_columns).
    let c = &d.cols;
    let _ = write!(out, "{:>12} → {:<12} {} {} {}", c.src, c.dst, c.protocol, meta.origlen, c.info);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dissect::Dissection;

    #[test]
    fn short_addresses_are_padded_like_tshark() {
        let meta = FrameMeta { number: 1, origlen: 56, ts_digits: 6, ..Default::default() };
        let mut d = Dissection::default();
        d.cols.set_addrs("127.0.0.1", "127.0.0.1");
        d.cols.set_protocol("UDP");
        d.cols.info.push_str("60102 → 12000 Len=14");
        let mut s = String::new();
        summary_line(&meta, &d, &mut s);
        assert_eq!(s, "    1   0.000000    127.0.0.1 → 127.0.0.1    UDP 56 60102 → 12000 Len=14");
    }
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
