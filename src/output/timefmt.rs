//! Calendar times in the local time zone (what tshark shows unless told
//! UTC): the C library's `localtime_r`, so `TZ` and the system zone apply as
//! they do to tshark.

use std::fmt::Write as _;

use crate::field::{civil, Timestamp};

use super::summary::time_digits;

extern "C" {
    /// POSIX; the libc crate does not declare it.
    fn tzset();
}

/// A broken-down local time: year, month (1-12), day, hour, minute,
/// second, day of the year (1-366).
pub struct LocalTime {
    pub year: i64,
    pub month: u32,
    pub day: u32,
    pub hour: u32,
    pub min: u32,
    pub sec: u32,
    pub yday: u32,
}

/// `secs` since the epoch in the local zone; UTC if the C library cannot
/// represent it.
pub fn local(secs: i64) -> LocalTime {
    // SAFETY: `tm` is plain old data, all zeros a valid value.
    let mut tm: libc::tm = unsafe { std::mem::zeroed() };
    let t = secs as libc::time_t;
    // SAFETY: localtime_r writes only the `tm` it is given (tzset reads
    // TZ, as localtime does, so a zone set for the run applies).
    static TZSET: std::sync::Once = std::sync::Once::new();
    TZSET.call_once(|| unsafe { tzset() });
    let ok = unsafe { !libc::localtime_r(&t, &mut tm).is_null() };
    if !ok {
        let (year, month, day, hour, min, sec) = civil(secs);
        return LocalTime { year, month, day, hour, min, sec, yday: 0 };
    }
    LocalTime {
        year: tm.tm_year as i64 + 1900,
        month: tm.tm_mon as u32 + 1,
        day: tm.tm_mday as u32,
        hour: tm.tm_hour as u32,
        min: tm.tm_min as u32,
        sec: tm.tm_sec as u32,
        yday: tm.tm_yday as u32 + 1,
    }
}

/// `YYYY-MM-DD` of `secs` in the local zone.
pub fn local_date(secs: i64, out: &mut String) {
    // Every packet's JSON and EK document names its day: the last quarter
    // hour's answer is kept (zones move by whole quarter hours).
    thread_local!(static LAST: std::cell::RefCell<(i64, String)> = const { std::cell::RefCell::new((i64::MIN, String::new())) });
    LAST.with_borrow_mut(|(quarter, date)| {
        if *quarter != secs.div_euclid(900) {
            let t = local(secs);
            date.clear();
            let _ = write!(date, "{:04}-{:02}-{:02}", t.year, t.month, t.day);
            *quarter = secs.div_euclid(900);
        }
        out.push_str(date);
    });
}

/// `-t`: how the packet list's time column shows each packet's time.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum TimeFormat {
    /// `a`: local time of day.
    Absolute,
    /// `ad`: local date and time.
    AbsoluteDate,
    /// `adoy`: local year/day-of-year and time.
    AbsoluteDoy,
    /// `d`: since the previous packet captured.
    Delta,
    /// `dd`: since the previous packet displayed.
    DeltaDisplayed,
    /// `e`: seconds since the epoch.
    Epoch,
    /// `r` (the default): since the first packet.
    #[default]
    Relative,
    /// `u`, `ud`, `udoy`: as `a`, `ad`, `adoy` in UTC.
    Utc,
    UtcDate,
    UtcDoy,
}

impl TimeFormat {
    /// tshark's name for a format (`-t NAME`).
    pub fn by_name(name: &str) -> Option<TimeFormat> {
        Some(match name {
            "a" => TimeFormat::Absolute,
            "ad" => TimeFormat::AbsoluteDate,
            "adoy" => TimeFormat::AbsoluteDoy,
            "d" => TimeFormat::Delta,
            "dd" => TimeFormat::DeltaDisplayed,
            "e" => TimeFormat::Epoch,
            "r" => TimeFormat::Relative,
            "u" => TimeFormat::Utc,
            "ud" => TimeFormat::UtcDate,
            "udoy" => TimeFormat::UtcDoy,
            _ => return None,
        })
    }
}

/// The time column's text for a packet at `ts`, given the first packet's,
/// the previous captured and the previous displayed packets' times, with
/// `digits` decimals; `hms` (`-u hms`) writes spans as hours, minutes and
/// seconds.
#[allow(clippy::too_many_arguments)]
pub fn time_column(
    f: TimeFormat,
    ts: Timestamp,
    first: Timestamp,
    prev: Timestamp,
    prev_displayed: Timestamp,
    digits: u8,
    hms: bool,
    out: &mut String,
) {
    let span = |ns: i64, out: &mut String| {
        if hms {
            hours_minutes_seconds(ns, digits, out)
        } else {
            time_digits(ns, digits, out)
        }
    };
    let clock = |t: LocalTime, date: Option<bool>, out: &mut String| {
        match date {
            Some(false) => {
                let _ = write!(out, "{:04}-{:02}-{:02} ", t.year, t.month, t.day);
            }
            Some(true) => {
                let _ = write!(out, "{:04}/{:03} ", t.year, t.yday);
            }
            None => {}
        }
        let _ = write!(out, "{:02}:{:02}:{:02}", t.hour, t.min, t.sec);
        fraction(ts.nanos, digits, out);
    };
    match f {
        TimeFormat::Relative => span(ts.since(first), out),
        TimeFormat::Delta => span(ts.since(prev), out),
        TimeFormat::DeltaDisplayed => span(ts.since(prev_displayed), out),
        TimeFormat::Epoch => {
            let _ = write!(out, "{}", ts.secs);
            fraction(ts.nanos, digits, out);
        }
        TimeFormat::Absolute => clock(local(ts.secs), None, out),
        TimeFormat::AbsoluteDate => clock(local(ts.secs), Some(false), out),
        TimeFormat::AbsoluteDoy => clock(local(ts.secs), Some(true), out),
        TimeFormat::Utc => clock(utc(ts.secs), None, out),
        TimeFormat::UtcDate => clock(utc(ts.secs), Some(false), out),
        TimeFormat::UtcDoy => clock(utc(ts.secs), Some(true), out),
    }
}

/// `secs` in UTC.
fn utc(secs: i64) -> LocalTime {
    let (year, month, day, hour, min, sec) = civil(secs);
    let jan1 = secs.div_euclid(86_400) - days_before(year);
    LocalTime { year, month, day, hour, min, sec, yday: jan1 as u32 + 1 }
}

/// Days from 1970-01-01 to January 1st of `year`.
fn days_before(year: i64) -> i64 {
    let y = year - 1;
    let leaps = |y: i64| y.div_euclid(4) - y.div_euclid(100) + y.div_euclid(400);
    365 * (year - 1970) + leaps(y) - leaps(1969)
}

/// `.` and the first `digits` decimals of `nanos`, truncated.
fn fraction(nanos: u32, digits: u8, out: &mut String) {
    let d = digits.min(9) as u32;
    if d > 0 {
        let _ = write!(out, ".{:0w$}", nanos / 10u32.pow(9 - d), w = d as usize);
    }
}

/// A span as `-u hms` writes it: `2.641635s`, `1m 0.991770s`,
/// `6736h 28m 13.529840s`.
fn hours_minutes_seconds(ns: i64, digits: u8, out: &mut String) {
    if ns < 0 {
        out.push('-');
    }
    let a = ns.unsigned_abs();
    let secs = a / 1_000_000_000;
    let (h, m, s) = (secs / 3600, secs / 60 % 60, secs % 60);
    // Below a larger unit, minutes and seconds take two columns, as tshark
    // prints them (`1m  0.022379s`).
    if h > 0 {
        let _ = write!(out, "{h}h {m:2}m {s:2}");
    } else if m > 0 {
        let _ = write!(out, "{m}m {s:2}");
    } else if ns < 0 {
        // tshark keeps the column after a sign too: `- 0.000027s`.
        let _ = write!(out, "{s:2}");
    } else {
        let _ = write!(out, "{s}");
    }
    fraction((a % 1_000_000_000) as u32, digits, out);
    out.push('s');
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spans_in_hours_minutes_seconds() {
        for (ns, want) in [(2_641_635_000, "2.641635s"), (60_991_770_000, "1m  0.991770s"), (3_605_000_000_000, "1h  0m  5.000000s"), (24_251_308_425_876_000, "6736h 28m 28.425876s")] {
            let mut s = String::new();
            hours_minutes_seconds(ns, 6, &mut s);
            assert_eq!(s, want);
        }
    }

    #[test]
    fn utc_columns_with_date_and_day_of_year() {
        let ts = Timestamp { secs: 1_795_375_046, nanos: 65_998_000 };
        let col = |f| {
            let mut s = String::new();
            time_column(f, ts, ts, ts, ts, 6, false, &mut s);
            s
        };
        assert_eq!(col(TimeFormat::Utc), "19:17:26.065998");
        assert_eq!(col(TimeFormat::UtcDate), "2026-11-22 19:17:26.065998");
        assert_eq!(col(TimeFormat::UtcDoy), "2026/326 19:17:26.065998");
        assert_eq!(col(TimeFormat::Epoch), "1795375046.065998");
        assert_eq!(utc(0).yday, 1);
        assert_eq!(utc(951_782_400).yday, 60); // 2000-02-29
    }
}
