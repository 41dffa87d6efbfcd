//! `-z io,stat,INTERVAL[,FILTER]…`: frames and bytes per time interval,
//! one column per filter (none: every frame), in tshark's table.
//!
//! The table's widths follow tshark's: the interval column from the
//! magnitude of the capture's duration and the interval's decimals, each
//! column from its largest count.

use std::fmt::Write;

use super::{Tap, TapFilter};
use crate::dissect::session::Session;
use crate::dissect::{Dissection, FrameMeta};

pub struct IoStatTap {
    /// Microseconds; None: the whole capture (an interval of 0).
    interval: Option<u64>,
    /// Decimals of the interval as given (1.5 → 1, 0.001 → 3).
    precision: u32,
    columns: Vec<Column>,
    /// The last packet's time since the first (tshark's elapsed time), ns.
    elapsed: i64,
    /// The last non-negative relative time, in µs, which packets that go
    /// back in time are counted at.
    last_us: u64,
}

struct Column {
    /// None: the column counts every frame.
    filter: Option<TapFilter>,
    /// Frames and bytes per interval.
    cells: Vec<(u64, u64)>,
}

/// io,stat's functions (`COUNT(tcp.len)tcp` …), which wirelens does not compute.
const FUNCTIONS: [&str; 9] = ["FRAMES", "BYTES", "FRAMES BYTES", "COUNT", "SUM", "MIN", "MAX", "AVG", "LOAD"];

impl IoStatTap {
    /// `rest` follows `io,stat,`; `arg` is all of `-z`'s text.
    pub fn parse(arg: &str, rest: &str) -> Result<IoStatTap, String> {
        let usage = || format!("invalid \"-z io,stat,<interval>[,<filter>][,<filter>]...\" argument {arg:?}");
        if arg.ends_with(',') {
            return Err(usage());
        }
        let (interval_text, filters) = match rest.split_once(',') {
            Some((i, f)) => (i, Some(f)),
            None => (rest, None),
        };
        let seconds: f64 = interval_text.trim().parse().map_err(|_| usage())?;
        if !seconds.is_finite() || seconds < 0.0 {
            return Err(usage());
        }
        let (interval, precision) = if seconds == 0.0 {
            (None, 0)
        } else {
            let us = (seconds * 1_000_000.0 + 0.5) as u64;
            if us < 1 {
                return Err("-z io,stat: the interval must be >=0.000001 seconds or \"0\" for the entire capture duration".into());
            }
            let mut precision = 6;
            let mut i = 10;
            while i < 10_000_000 && us % i == 0 {
                precision -= 1;
                i *= 10;
            }
            if precision == 0 {
                // Zeros written after the point ask for that many decimals.
                if let Some((_, frac)) = interval_text.split_once('.') {
                    precision = frac.len().min(6) as u32;
                }
            }
            (Some(us), precision)
        };
        let mut columns = Vec::new();
        for text in filters.map_or_else(|| vec![""], |f| f.split(',').collect()) {
            if FUNCTIONS.iter().any(|f| text.starts_with(f) && text[f.len()..].starts_with('(')) {
                return Err(format!("-z {arg}: io,stat's functions (COUNT, SUM, MIN, MAX, AVG, LOAD …) are not supported"));
            }
            let filter = if text.is_empty() { None } else { Some(TapFilter::parse(arg, Some(text))?) };
            columns.push(Column { filter, cells: Vec::new() });
        }
        Ok(IoStatTap { interval, precision, columns, elapsed: 0, last_us: 0 })
    }
}

/// Digits of `v`, at least 1 and at most `max` (tshark's `magnitude`).
fn magnitude(mut v: u64, max: u32) -> u32 {
    let mut m = 0;
    for _ in 0..max {
        m += 1;
        v /= 10;
        if v == 0 {
            break;
        }
    }
    m
}

/// `label` centred in a column `width` wide with its padding, as tshark's
/// `printcenter` places it.
fn centred(label: &str, width: usize, out: &mut String) {
    const SPACES: &str = "      ";
    let len = SPACES.len() as i64 - ((width as i64 - label.len() as i64) / 2 + 1);
    if len > 0 && len < 6 {
        let pad = &SPACES[len as usize..];
        let left = if (width as i64 - label.len() as i64) % 2 == 0 { pad } else { &SPACES[len as usize - 1..] };
        let _ = write!(out, "{left}{label}{pad}|");
    } else if len > 0 && len <= 15 {
        let _ = write!(out, "{label}|");
    }
}

/// `us` microseconds as seconds with `precision` decimals.
fn seconds(us: u64, precision: u32) -> String {
    if precision == 0 {
        return (us / 1_000_000).to_string();
    }
    let dv = 10u64.pow(6 - precision);
    format!("{}.{:0p$}", us / 1_000_000, us % 1_000_000 / dv, p = precision as usize)
}

impl Tap for IoStatTap {
    fn packet(&mut self, meta: &FrameMeta, d: &Dissection, data: &[u8]) {
        let rel = meta.ts.since(meta.first_ts);
        self.elapsed = self.elapsed.max(rel);
        let us = if rel >= 0 { (rel as u64 + 500) / 1000 } else { self.last_us };
        self.last_us = us;
        let row = self.interval.map_or(0, |i| (us / i) as usize);
        for c in &mut self.columns {
            if c.filter.as_ref().is_some_and(|f| !f.passes(d, data)) {
                continue;
            }
            if c.cells.len() <= row {
                c.cells.resize(row + 1, (0, 0));
            }
            c.cells[row].0 += 1;
            c.cells[row].1 += meta.origlen as u64;
        }
    }

    fn draw(&self, _session: &Session, out: &mut String) {
        let elapsed = self.elapsed.max(0) as u64;
        let mut duration = elapsed / 1_000_000_000 * 1_000_000 + (elapsed % 1_000_000_000 + 500) / 1000;
        let whole = self.interval.is_none_or(|i| i > duration);
        let mut interval = if whole { duration } else { self.interval.unwrap_or(duration) };
        let mut dur_mag = magnitude(duration / 1_000_000, 5);
        let invl_mag = magnitude(interval / 1_000_000, 5);
        let (precision, border) = if whole {
            let p = match dur_mag {
                m if m >= 2 => 1,
                1 => 3,
                _ => 6,
            };
            (p, 30 + dur_mag + if p == 0 { 0 } else { p + 1 })
        } else {
            let p = self.precision;
            (p, 25 + invl_mag.max(dur_mag) + if p == 0 { 0 } else { p + 1 })
        };
        // The duration rounded to the shown precision.
        let dv = 10u64.pow(6 - precision);
        if duration % dv > 5 * (dv / 10) {
            duration = (duration + 5 * (dv / 10)) / dv * dv;
            dur_mag = magnitude(duration / 1_000_000, 5);
        }
        if whole {
            interval = duration;
        }
        let m = dur_mag as usize;
        let invl_w = if precision == 0 { 2 * dur_mag + 8 } else { 2 * dur_mag + 2 * precision + 10 }.max(12) as usize;
        let widths: Vec<(usize, usize)> = self
            .columns
            .iter()
            .map(|c| {
                let frames = c.cells.iter().map(|x| x.0).max().unwrap_or(0);
                let bytes = c.cells.iter().map(|x| x.1).max().unwrap_or(0);
                (magnitude(frames, 15).max(6) as usize, magnitude(bytes, 15).max(5) as usize)
            })
            .collect();
        let row_w = invl_w + widths.iter().map(|(f, b)| f + 3 + b + 3).sum::<usize>();
        let mut border = (border as usize).max(row_w);
        let filter_w = self.columns.iter().map(|c| c.text().map_or(26, |t| t.len() + 11)).max().unwrap_or(0);
        if filter_w > border && border < 102 {
            border = filter_w.min(102);
        }
        if border - row_w == 1 {
            border += 1;
        }
        let filler = if row_w < border { format!("{:>w$}", "|", w = border - row_w) } else { String::new() };

        out.push('\n');
        out.extend(std::iter::repeat_n('=', border));
        let _ = write!(out, "\n|{:<w$}|\n|{:<w$}|\n", " IO Statistics", "", w = border - 2);
        // The duration at the interval's precision (µs for whole seconds).
        let dur_prec = if precision == 0 { 6 } else { precision };
        let ddv = 10u64.pow(6 - dur_prec);
        let dur_shown = (elapsed / 1_000_000_000 * 1_000_000 + (elapsed % 1_000_000_000 + 500) / 1000 + ddv / 2) / ddv * ddv;
        let dur_w = m + if precision == 0 { 0 } else { precision as usize + 1 };
        // With whole seconds tshark 4.0 pads the duration's microseconds with
        // spaces, not zeros ("1. 64057"): kept for byte equality.
        let dur_text = if precision == 0 {
            format!("{}.{:>6}", dur_shown / 1_000_000, dur_shown % 1_000_000)
        } else {
            seconds(dur_shown, dur_prec)
        };
        for (label, text) in [("Duration", dur_text), ("Interval", seconds(interval, precision))] {
            let line = format!("| {label}: {text:>dur_w$} secs");
            let _ = writeln!(out, "{line}{:>w$}", "|", w = border.saturating_sub(line.len()));
        }
        let _ = writeln!(out, "|{:<w$}|", "", w = border - 2);
        for (j, c) in self.columns.iter().enumerate() {
            let head = if j == 0 { format!("| Col {}: ", j + 1) } else { format!("|     {}: ", j + 1) };
            self.draw_filter(head, c.text().unwrap_or("Frames and bytes"), border, out);
        }
        let _ = writeln!(out, "|-{}|", "-".repeat(border - 3));

        let _ = write!(out, "|{:>w$}", "|", w = invl_w - 1);
        for (j, (f, b)) in widths.iter().enumerate() {
            let _ = write!(out, "{:<2}{:w$}|", j + 1, "", w = f + b + 3);
        }
        let _ = write!(out, "{filler}\n| Interval{:>w$}", "|", w = invl_w - 10);
        for (f, b) in &widths {
            centred("Frames", *f, out);
            centred("Bytes", *b, out);
        }
        let _ = writeln!(out, "{filler}\n|-{}|{filler}", "-".repeat(row_w - 3));

        let mut t = 0;
        let mut row = 0;
        while t < duration {
            let end = (t + interval).min(duration);
            let last = t + interval >= duration;
            if precision > 0 {
                let dv = 10u64.pow(6 - precision);
                let p = precision as usize;
                let _ = write!(
                    out,
                    "| {:>m$}.{:0p$} <> {:>m$}.{:0p$} |",
                    t / 1_000_000,
                    t % 1_000_000 / dv,
                    end / 1_000_000,
                    end % 1_000_000 / dv
                );
            } else if last {
                let pad = if dur_mag == 1 { " " } else { "" };
                let w = if dur_mag >= 3 { m + 1 } else { 3 };
                let _ = write!(out, "| {pad}{:>m$} <> {:<w$}|", t / 1_000_000, "Dur");
            } else if dur_mag == 1 {
                let _ = write!(out, "|  {:>m$} <> {:>m$}  |", t / 1_000_000, end / 1_000_000);
            } else {
                let _ = write!(out, "| {:>m$} <> {:>m$} |", t / 1_000_000, end / 1_000_000);
            }
            for (c, (f, b)) in self.columns.iter().zip(&widths) {
                let (frames, bytes) = c.cells.get(row).copied().unwrap_or((0, 0));
                let _ = write!(out, " {frames:>f$} | {bytes:>b$} |");
            }
            let _ = writeln!(out, "{filler}");
            if interval == 0 {
                break;
            }
            t += interval;
            row += 1;
        }
        out.extend(std::iter::repeat_n('=', border));
        out.push('\n');
    }

    fn reads_frame(&self) -> bool {
        self.columns.iter().any(|c| c.filter.as_ref().is_some_and(TapFilter::reads_frame))
    }
}

impl IoStatTap {
    /// One column's filter, wrapped at spaces to the table's width.
    fn draw_filter(&self, head: String, text: &str, border: usize, out: &mut String) {
        let max_w = border - 11;
        let mut line = head;
        let mut rest = text;
        while rest.len() > max_w {
            let cut = rest.get(..max_w).and_then(|s| s.rfind(' '));
            let (len, next) = match cut {
                Some(i) => (i, i + 1),
                None => (max_w, max_w),
            };
            let (Some(now), Some(later)) = (rest.get(..len), rest.get(next..)) else { break };
            line.push_str(now);
            let _ = writeln!(out, "{line}{:>w$}", "|", w = border.saturating_sub(line.len()));
            line = "|         ".to_string();
            rest = later;
        }
        line.push_str(rest);
        let _ = writeln!(out, "{line}{:>w$}", "|", w = border.saturating_sub(line.len()));
    }
}

impl Column {
    fn text(&self) -> Option<&str> {
        self.filter.as_ref().and_then(|f| f.text.as_deref())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_interval_sets_the_precision_and_functions_are_refused() {
        let t = IoStatTap::parse("io,stat,0.001", "0.001").unwrap_or_else(|e| panic!("{e}"));
        assert_eq!((t.interval, t.precision), (Some(1000), 3));
        let t = IoStatTap::parse("io,stat,1.00", "1.00").unwrap_or_else(|e| panic!("{e}"));
        assert_eq!((t.interval, t.precision), (Some(1_000_000), 2));
        let t = IoStatTap::parse("io,stat,0,tcp,,udp", "0,tcp,,udp").unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(t.interval, None);
        assert_eq!(t.columns.iter().map(|c| c.text()).collect::<Vec<_>>(), [Some("tcp"), None, Some("udp")]);
        assert!(IoStatTap::parse("io,stat,1,", "1,").is_err());
        assert!(IoStatTap::parse("io,stat,x", "x").is_err());
        assert!(IoStatTap::parse("io,stat,1,COUNT(tcp.len)tcp", "1,COUNT(tcp.len)tcp").is_err());
    }

    #[test]
    fn headers_centre_their_labels_as_tshark() {
        let mut s = String::new();
        centred("Frames", 6, &mut s);
        centred("Bytes", 5, &mut s);
        centred("Bytes", 7, &mut s);
        centred("Frames", 7, &mut s);
        assert_eq!(s, " Frames | Bytes |  Bytes  |  Frames |");
    }
}
