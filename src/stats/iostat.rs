//! `-z io,stat,INTERVAL[,FILTER]…`: frames and bytes per time interval,
//! one column per filter (none: every frame) or per function of a field
//! (`COUNT`, `SUM`, `MIN`, `MAX`, `AVG`, `LOAD`), in tshark 4.0's table.
//!
//! The table's widths follow tshark's: the interval column from the
//! magnitude of the capture's duration and the interval's decimals, each
//! column from its largest count.

use std::fmt::Write;

use super::{Tap, TapFilter};
use crate::dissect::session::Session;
use crate::dissect::{Dissection, FrameMeta};
use crate::field::{same, Field, FieldType, Value};

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
    /// The fields some filter of the run reads: the only ones whose values
    /// tshark's tree keeps for the functions (`Tap::primed`).
    primed: Vec<Field>,
}

/// A column's function: `FRAMES BYTES` (a filter alone), or one of
/// tshark's calculations over a field's values.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Calc {
    FramesBytes,
    Frames,
    Bytes,
    Count,
    Sum,
    Min,
    Max,
    Avg,
    Load,
}

/// The names as typed, longest first so that `FRAMES BYTES` is not taken
/// for `FRAMES`.
const FUNCTIONS: [(&str, Calc); 9] = [
    ("FRAMES BYTES", Calc::FramesBytes),
    ("FRAMES", Calc::Frames),
    ("BYTES", Calc::Bytes),
    ("COUNT", Calc::Count),
    ("SUM", Calc::Sum),
    ("MIN", Calc::Min),
    ("MAX", Calc::Max),
    ("AVG", Calc::Avg),
    ("LOAD", Calc::Load),
];

impl Calc {
    /// The column's heading.
    fn label(self) -> &'static str {
        FUNCTIONS.iter().find(|(_, c)| *c == self).map_or("", |(n, _)| n)
    }
}

/// How a field's values are added up: tshark keeps an integer counter
/// (nanoseconds for times), or a double.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    Unsigned,
    Signed,
    Double,
    Time,
}

struct Column {
    calc: Calc,
    /// The field of a calculation, and how its values add up.
    field: Option<(Field, Kind)>,
    /// The column as typed (None: an empty column, every frame).
    text: Option<String>,
    filter: Option<TapFilter>,
    cells: Vec<Cell>,
    /// The largest frame count and value of any cell at any time (tshark
    /// sizes the columns by them, so a minimum that fell still counts).
    max_frames: u64,
    max_value: u64,
}

/// One interval of one column, as tshark's `io_stat_item_t`.
#[derive(Clone, Copy, Default)]
struct Cell {
    frames: u64,
    /// Bytes, a count, or an integer or time (ns; µs for LOAD) total.
    counter: u64,
    double: f64,
    /// Values averaged.
    num: u64,
}

impl Column {
    /// One `-z io,stat` column (`tcp`, `FRAMES`, `SUM(tcp.len)tcp` …), with
    /// tshark's errors.
    fn parse(arg: &str, text: &str) -> Result<Column, String> {
        let mut col = Column { calc: Calc::FramesBytes, field: None, text: None, filter: None, cells: Vec::new(), max_frames: 0, max_value: 0 };
        if text.is_empty() {
            return Ok(col);
        }
        col.text = Some(text.to_string());
        let mut filter = text;
        if let Some(&(name, calc)) = FUNCTIONS.iter().find(|(n, _)| text.starts_with(n)) {
            let rest = &text[name.len()..];
            match rest.strip_prefix('(') {
                Some(inner) => {
                    let (field, after) = inner.split_once(')').ok_or("Closing parenthesis missing from calculated expression.")?;
                    col.calc = calc;
                    filter = after;
                    if matches!(calc, Calc::Frames | Calc::Bytes) {
                        if !field.is_empty() {
                            return Err(format!("{name} does not require or allow a field name within the parens."));
                        }
                    } else if field.is_empty() {
                        return Err(format!("You didn't specify a field name for {name}(*)."));
                    } else {
                        col.field = Some(field_kind(field, calc, name)?);
                    }
                }
                None if matches!(calc, Calc::Frames | Calc::Bytes | Calc::FramesBytes) => {
                    col.calc = calc;
                    filter = rest;
                }
                None => {}
            }
        }
        col.filter = if filter.is_empty() { None } else { Some(TapFilter::parse(arg, Some(filter))?) };
        Ok(col)
    }
}

/// The field a calculation reads, if its type allows the calculation (the
/// checks and words of tshark 4.0).
fn field_kind(name: &str, calc: Calc, func: &str) -> Result<(Field, Kind), String> {
    let field = crate::field::lookup(name).ok_or_else(|| format!("There is no field named '{name}'."))?;
    let kind = match field.ftype {
        FieldType::U8 | FieldType::U16 | FieldType::U24 | FieldType::U32 | FieldType::U64 | FieldType::FrameNum => Some(Kind::Unsigned),
        FieldType::I32 => Some(Kind::Signed),
        FieldType::Double => Some(Kind::Double),
        FieldType::RelTime => Some(Kind::Time),
        _ => None,
    };
    match (kind, calc) {
        (Some(Kind::Double), Calc::Load) => Err(format!("{name} is a float field, so {func}(*) calculations are not supported on it.")),
        // tshark finds this at the first packet with a value; refused here
        // before any packet.
        (Some(Kind::Unsigned | Kind::Signed), Calc::Load) => Err("LOAD() is only supported for relative-time fields such as smb.time".into()),
        (Some(k), _) => Ok((field, k)),
        // A count needs no values: any field (or protocol) can be counted.
        (None, Calc::Count) => Ok((field, Kind::Unsigned)),
        (None, _) => Err(format!("{name} doesn't have integral values, so {func}(*) calculations are not supported on it.")),
    }
}

/// A value as tshark's counter holds it: integers as 64 bits (signed ones
/// sign-extended), times in nanoseconds.
fn counter_value(v: &Value) -> u64 {
    match v {
        Value::Int(i) => *i as u64,
        Value::RelTime(ns) => *ns as u64,
        v => v.as_u64().unwrap_or(0),
    }
}

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
        let columns = filters
            .map_or_else(|| vec![""], |f| f.split(',').collect())
            .into_iter()
            .map(|text| Column::parse(arg, text).map_err(|e| format!("-z {arg}: {e}")))
            .collect::<Result<_, _>>()?;
        Ok(IoStatTap { interval, precision, columns, elapsed: 0, last_us: 0, primed: Vec::new() })
    }
}

impl Column {
    /// Adds a packet (which passed the column's filter) to interval `row`;
    /// `interval` is in µs (LOAD spreads a time back over the intervals
    /// before).
    fn add(&mut self, row: usize, interval: u64, meta_len: u64, values: &mut dyn Iterator<Item = &Value>) {
        if self.cells.len() <= row {
            self.cells.resize(row + 1, Cell::default());
        }
        let kind = self.field.map(|(_, k)| k);
        let cell = &mut self.cells[row];
        cell.frames += 1;
        match self.calc {
            Calc::FramesBytes | Calc::Frames | Calc::Bytes => cell.counter += meta_len,
            Calc::Count => cell.counter += values.count() as u64,
            Calc::Sum | Calc::Avg => {
                for v in values {
                    cell.num += 1;
                    match (kind, v) {
                        (Some(Kind::Double), Value::Double(x)) => cell.double += x,
                        _ => cell.counter = cell.counter.wrapping_add(counter_value(v)),
                    }
                }
            }
            Calc::Min | Calc::Max => {
                let min = self.calc == Calc::Min;
                for (i, v) in values.enumerate() {
                    // A minimum starts from the first value of the interval's
                    // first frame only: a first frame without one leaves 0.
                    let first = min && cell.frames == 1 && i == 0;
                    match (kind, v) {
                        (Some(Kind::Double), Value::Double(x)) => {
                            if first || (min && *x < cell.double) || (!min && *x > cell.double) {
                                cell.double = *x;
                            }
                        }
                        (Some(Kind::Signed), _) => {
                            let (x, c) = (counter_value(v) as i64, cell.counter as i64);
                            if first || (min && x < c) || (!min && x > c) {
                                cell.counter = x as u64;
                            }
                        }
                        _ => {
                            let x = counter_value(v);
                            if first || (min && x < cell.counter) || (!min && x > cell.counter) {
                                cell.counter = x;
                            }
                        }
                    }
                }
            }
            Calc::Load => {
                for v in values {
                    let us = counter_value(v) / 1000;
                    let own = us % interval;
                    self.cells[row].counter += own;
                    let mut left = us - own;
                    // Whole intervals before this one are busy; as in tshark,
                    // the interval before the first is the current one.
                    let mut r = row;
                    while left > 0 {
                        r = if r == 0 { row } else { r - 1 };
                        let add = left.min(interval);
                        self.cells[r].counter += add;
                        left -= add;
                    }
                }
            }
        }
        let cell = self.cells[row];
        self.max_frames = self.max_frames.max(cell.frames);
        let value = match (self.calc, kind) {
            (Calc::Sum | Calc::Min | Calc::Max, Some(Kind::Double)) => (cell.double + 0.5) as u64,
            (Calc::Avg, _) if cell.num == 0 => return,
            (Calc::Avg, Some(Kind::Double)) => cell.double as u64 / cell.num,
            (Calc::Avg, Some(Kind::Time)) => (cell.counter / cell.num + 500_000_000) / 1_000_000_000,
            (Calc::Avg, _) => cell.counter / cell.num,
            _ => cell.counter,
        };
        self.max_value = self.max_value.max(value);
    }

    /// The width of the column's cells, without their padding and border.
    fn width(&self, interval: u64) -> usize {
        let kind = self.field.map(|(_, k)| k);
        let frames = magnitude(self.max_frames, 15).max(6) as usize;
        let value = |min: u32| magnitude(self.max_value, 15).max(min) as usize;
        match (self.calc, kind) {
            (Calc::FramesBytes, _) => frames + 3 + value(5),
            (Calc::Frames, _) => frames,
            (Calc::Bytes | Calc::Count, _) => value(5),
            (_, Some(Kind::Double)) => value(1) + 7,
            (_, Some(Kind::Time)) => self.time_digits(interval) + 7,
            (calc, _) => value(calc.label().len() as u32),
        }
    }

    /// Digits of the seconds of a time column's largest value.
    fn time_digits(&self, interval: u64) -> usize {
        let secs = match self.calc {
            Calc::Load => self.max_value / interval.max(1),
            Calc::Avg => self.max_value,
            _ => (self.max_value + 500_000_000) / 1_000_000_000,
        };
        magnitude(secs, 15) as usize
    }

    /// One cell of the table: `span` is the row's length in µs, which LOAD
    /// divides by.
    fn draw_cell(&self, row: usize, span: u64, interval: u64, out: &mut String) {
        let c = self.cells.get(row).copied().unwrap_or_default();
        let w = self.width(interval);
        let kind = self.field.map(|(_, k)| k);
        let time = |ns: u64, out: &mut String| {
            let us = (ns + 500) / 1000;
            let _ = write!(out, " {:>d$}.{:06} |", us / 1_000_000, us % 1_000_000, d = self.time_digits(interval));
        };
        let num = c.num.max(1);
        match (self.calc, kind) {
            (Calc::FramesBytes, _) => {
                let f = magnitude(self.max_frames, 15).max(6) as usize;
                let _ = write!(out, " {:>f$} | {:>b$} |", c.frames, c.counter, b = w - f - 3);
            }
            (Calc::Frames, _) => {
                let _ = write!(out, " {:>w$} |", c.frames);
            }
            (Calc::Load, _) => {
                let span = span.max(1);
                let d = self.time_digits(interval);
                let _ = write!(out, " {:>d$}.{:06} |", c.counter / span, c.counter % span * 1_000_000 / span);
            }
            (Calc::Sum | Calc::Min | Calc::Max, Some(Kind::Double)) => {
                let _ = write!(out, " {:>d$.6} |", c.double, d = w - 7);
            }
            (Calc::Avg, Some(Kind::Double)) => {
                let _ = write!(out, " {:>d$.6} |", c.double / num as f64, d = w - 7);
            }
            (Calc::Sum | Calc::Min | Calc::Max, Some(Kind::Time)) => time(c.counter, out),
            (Calc::Avg, Some(Kind::Time)) => time(c.counter / num, out),
            (Calc::Avg, Some(Kind::Signed)) => {
                let _ = write!(out, " {:>w$} |", (c.counter / num) as i64);
            }
            (Calc::Avg, _) => {
                let _ = write!(out, " {:>w$} |", c.counter / num);
            }
            (_, Some(Kind::Signed)) => {
                let _ = write!(out, " {:>w$} |", c.counter as i64);
            }
            _ => {
                let _ = write!(out, " {:>w$} |", c.counter);
            }
        }
    }

    /// The column's heading: its function centred (two for `FRAMES BYTES`).
    fn draw_heading(&self, interval: u64, out: &mut String) {
        let w = self.width(interval);
        if self.calc == Calc::FramesBytes {
            let f = magnitude(self.max_frames, 15).max(6) as usize;
            centred("Frames", f, out);
            centred("Bytes", w - f - 3, out);
        } else {
            centred(self.calc.label(), w, out);
        }
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
        // With no interval, tshark's LOAD spreads times over G_MAXINT32 µs.
        let interval = self.interval.unwrap_or(i32::MAX as u64);
        for c in &mut self.columns {
            if c.filter.as_ref().is_some_and(|f| !f.passes(d, data)) {
                continue;
            }
            let field = c.field.map(|(f, _)| f).filter(|&f| self.primed.iter().any(|&p| same(p, f)));
            let mut values = d.tree.nodes.iter().filter(|n| field.is_some_and(|f| same(n.field, f))).map(|n| &n.value);
            c.add(row, interval, meta.origlen as u64, &mut values);
        }
    }

    fn draw(&self, _session: &Session, out: &mut String) {
        let elapsed = self.elapsed.max(0) as u64;
        let elapsed_us = elapsed / 1_000_000_000 * 1_000_000 + (elapsed % 1_000_000_000 + 500) / 1000;
        let mut duration = elapsed_us;
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
        let widths: Vec<usize> = self.columns.iter().map(|c| c.width(interval)).collect();
        let row_w = invl_w + widths.iter().map(|w| w + 3).sum::<usize>();
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
        for (j, w) in widths.iter().enumerate() {
            let _ = write!(out, "{:<2}{:w$}|", j + 1, "", w = *w);
        }
        let _ = write!(out, "{filler}\n| Interval{:>w$}", "|", w = invl_w - 10);
        for c in &self.columns {
            c.draw_heading(interval, out);
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
            // LOAD's last row is as long as what is left of the capture.
            let span = if last { elapsed_us.saturating_sub(t) } else { interval };
            for c in &self.columns {
                c.draw_cell(row, span, interval, out);
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

    fn filter_fields(&self) -> Vec<Field> {
        self.columns.iter().filter_map(|c| c.filter.as_ref()).flat_map(TapFilter::fields).collect()
    }

    fn primed(&mut self, fields: &[Field]) {
        self.primed = fields.to_vec();
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
        self.text.as_deref()
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
        let t = IoStatTap::parse("io,stat,1,COUNT(tcp.len)tcp,FRAMES BYTESudp,BYTES", "1,COUNT(tcp.len)tcp,FRAMES BYTESudp,BYTES")
            .unwrap_or_else(|e| panic!("{e}"));
        let calcs: Vec<_> = t.columns.iter().map(|c| (c.calc, c.filter.as_ref().and_then(|f| f.text.clone()))).collect();
        assert_eq!(calcs, [(Calc::Count, Some("tcp".into())), (Calc::FramesBytes, Some("udp".into())), (Calc::Bytes, None)]);
        let err = |z: &str| IoStatTap::parse(z, &z["io,stat,".len()..]).err().unwrap_or_default();
        assert!(err("io,stat,1,SUM(tcp.len").ends_with("Closing parenthesis missing from calculated expression."));
        assert!(err("io,stat,1,SUM()").ends_with("You didn't specify a field name for SUM(*)."));
        assert!(err("io,stat,1,FRAMES(tcp.len)").ends_with("FRAMES does not require or allow a field name within the parens."));
        assert!(err("io,stat,1,MAX(no.such)").ends_with("There is no field named 'no.such'."));
        assert!(err("io,stat,1,AVG(ip.src)").ends_with("ip.src doesn't have integral values, so AVG(*) calculations are not supported on it."));
        assert!(err("io,stat,1,LOAD(icmp.resptime)").ends_with("icmp.resptime is a float field, so LOAD(*) calculations are not supported on it."));
        assert!(err("io,stat,1,COUNT(ip.src)").is_empty());
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
