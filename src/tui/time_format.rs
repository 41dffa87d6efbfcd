//! The Time column's formats, cycled with `t`.

use crate::field::{civil, Timestamp};
use crate::output::time_digits;

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum TimeFormat {
    /// Seconds since the first packet (Wireshark's default).
    #[default]
    Relative,
    /// Date and time of day, UTC.
    Absolute,
    /// Seconds since the previous displayed packet.
    DeltaDisplayed,
    /// Seconds since 1970-01-01 UTC.
    Epoch,
}

impl TimeFormat {
    pub fn next(self) -> TimeFormat {
        match self {
            TimeFormat::Relative => TimeFormat::Absolute,
            TimeFormat::Absolute => TimeFormat::DeltaDisplayed,
            TimeFormat::DeltaDisplayed => TimeFormat::Epoch,
            TimeFormat::Epoch => TimeFormat::Relative,
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            TimeFormat::Relative => "seconds since first packet",
            TimeFormat::Absolute => "date and time of day (UTC)",
            TimeFormat::DeltaDisplayed => "seconds since previous displayed packet",
            TimeFormat::Epoch => "seconds since the epoch",
        }
    }

    /// `ts` in this format; `first` is the first packet's time and `prev`
    /// the previous displayed packet's.
    pub fn format(self, ts: Timestamp, first: Timestamp, prev: Timestamp, digits: u8, out: &mut String) {
        match self {
            TimeFormat::Relative => time_digits(ts.since(first), digits, out),
            TimeFormat::DeltaDisplayed => time_digits(ts.since(prev), digits, out),
            TimeFormat::Epoch => time_digits(ts.since(Timestamp::default()), digits, out),
            TimeFormat::Absolute => {
                let (y, mo, d, h, mi, s) = civil(ts.secs);
                out.push_str(&format!("{y:04}-{mo:02}-{d:02} {h:02}:{mi:02}:{s:02}"));
                let mut frac = String::new();
                time_digits(ts.nanos as i64, digits, &mut frac);
                // time_digits writes "0.ffffff"; keep the fraction.
                out.push_str(frac.trim_start_matches('0'));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn four_formats() {
        let first = Timestamp { secs: 1_700_000_000, nanos: 0 };
        let prev = Timestamp { secs: 1_700_000_001, nanos: 500_000_000 };
        let ts = Timestamp { secs: 1_700_000_002, nanos: 250_000_000 };
        let mut got = Vec::new();
        let mut f = TimeFormat::default();
        for _ in 0..4 {
            let mut s = String::new();
            f.format(ts, first, prev, 6, &mut s);
            got.push(s);
            f = f.next();
        }
        assert_eq!(got, ["2.250000", "2023-11-14 22:13:22.250000", "0.750000", "1700000002.250000"]);
        assert_eq!(f, TimeFormat::Relative);
    }
}
