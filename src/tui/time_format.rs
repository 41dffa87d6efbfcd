//! The Time column's format: tshark's `-t` choices and `-u`'s seconds or
//! hours-minutes-seconds, written by the headless output's code
//! (`output::timefmt`), so that the list shows what `tshark -t` prints.
//! `t` opens a menu of them (Wireshark's View ▸ Time Display Format).

use crate::field::Timestamp;
use crate::output::timefmt::{time_column, TimeFormat as Format};

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct TimeFormat {
    pub format: Format,
    /// `-u hms`: spans (relative, delta) as hours, minutes and seconds.
    pub hms: bool,
}

/// The formats in Wireshark's menu order, with its wording and tshark's name.
pub const FORMATS: [(Format, &str, &str); 10] = [
    (Format::AbsoluteDate, "Date and Time of Day", "ad"),
    (Format::AbsoluteDoy, "Year, Day of Year, and Time of Day", "adoy"),
    (Format::Absolute, "Time of Day", "a"),
    (Format::Epoch, "Seconds Since 1970-01-01", "e"),
    (Format::Relative, "Seconds Since First Captured Packet", "r"),
    (Format::Delta, "Seconds Since Previous Captured Packet", "d"),
    (Format::DeltaDisplayed, "Seconds Since Previous Displayed Packet", "dd"),
    (Format::UtcDate, "UTC Date and Time of Day", "ud"),
    (Format::UtcDoy, "UTC Year, Day of Year, and Time of Day", "udoy"),
    (Format::Utc, "UTC Time of Day", "u"),
];

impl TimeFormat {
    /// What the status bar says: tshark's options that give this format.
    pub fn name(self) -> String {
        let t = FORMATS.iter().find(|f| f.0 == self.format).map_or("r", |f| f.2);
        format!("-t {t}{}", if self.hms { " -u hms" } else { "" })
    }

    /// Whether `-u hms` changes this format (it writes spans only).
    pub fn is_span(self) -> bool {
        matches!(self.format, Format::Relative | Format::Delta | Format::DeltaDisplayed)
    }

    /// `ts` in this format; `first` is the first packet's time, `prev` the
    /// previous captured packet's and `prev_displayed` the previous
    /// displayed packet's.
    pub fn format(self, ts: Timestamp, first: Timestamp, prev: Timestamp, prev_displayed: Timestamp, digits: u8, out: &mut String) {
        time_column(self.format, ts, first, prev, prev_displayed, digits, self.hms, out);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_format_writes_what_tshark_t_writes() {
        let first = Timestamp { secs: 1_700_000_000, nanos: 0 };
        let prev = Timestamp { secs: 1_700_000_001, nanos: 0 };
        let shown = Timestamp { secs: 1_700_000_001, nanos: 500_000_000 };
        let ts = Timestamp { secs: 1_700_000_062, nanos: 250_000_000 };
        let col = |format, hms| {
            let mut s = String::new();
            TimeFormat { format, hms }.format(ts, first, prev, shown, 6, &mut s);
            s
        };
        assert_eq!(col(Format::Relative, false), "62.250000");
        assert_eq!(col(Format::Relative, true), "1m  2.250000s");
        assert_eq!(col(Format::Delta, false), "61.250000");
        assert_eq!(col(Format::DeltaDisplayed, false), "60.750000");
        assert_eq!(col(Format::Epoch, true), "1700000062.250000");
        assert_eq!(col(Format::UtcDate, false), "2023-11-14 22:14:22.250000");
        assert_eq!(col(Format::UtcDoy, false), "2023/318 22:14:22.250000");
        assert_eq!(TimeFormat { format: Format::UtcDoy, hms: false }.name(), "-t udoy");
        assert_eq!(TimeFormat { format: Format::Relative, hms: true }.name(), "-t r -u hms");
        for (f, _, name) in FORMATS {
            assert_eq!(Format::by_name(name), Some(f));
        }
    }
}
