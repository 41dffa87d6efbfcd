//! Calendar times in the local time zone (what tshark shows unless told
//! UTC): the C library's `localtime_r`, so `TZ` and the system zone apply as
//! they do to tshark.

use crate::field::civil;

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
    use std::fmt::Write;
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
