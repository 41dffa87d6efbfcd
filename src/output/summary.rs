use crate::dissect::{Dissection, FrameMeta};
use crate::field::{push_u64, push_u64_zeros};
use crate::prefs::Column;

/// One packet as `tshark -r FILE` prints it by default:
/// number, relative time, source → destination, protocol, length, Info.
///
/// Built with pushes rather than `write!`: this runs once per packet of a
/// capture of millions, where the formatting machinery was a visible share
/// of the headless run.
pub fn summary_line(meta: &FrameMeta, d: &Dissection, out: &mut String) {
    summary_line_timed(meta, d, None, ' ', out)
}

/// tshark's default columns.
const DEFAULT_COLUMNS: [Column; 7] =
    [Column::Number, Column::Time, Column::Source, Column::Destination, Column::Protocol, Column::Length, Column::Info];

/// `summary_line` with its time column already written in `time` (`-t`,
/// `-u`), or the default relative time when None; `sep` parts the columns
/// (a space, or a tab for `-T tabs`, which pads them alike).
pub fn summary_line_timed(meta: &FrameMeta, d: &Dissection, time: Option<&str>, sep: char, out: &mut String) {
    summary_columns(meta, d, time, sep, &DEFAULT_COLUMNS, out)
}

/// The summary line with the columns `cols` (`-o gui.column.format`), padded
/// as tshark pads them (tshark.c, `print_columns`): the number to 5
/// characters and the time to 10 on the left, the source to 12 on the left
/// and the destination to 12 on the right, with an arrow between them.
pub fn summary_columns(meta: &FrameMeta, d: &Dissection, time: Option<&str>, sep: char, cols: &[Column], out: &mut String) {
    let c = &d.cols;
    for (i, col) in cols.iter().enumerate() {
        match col {
            Column::Number => right_aligned(out, 5, |o| push_u64(meta.number as u64, o)),
            Column::Time => match time {
                _ if meta.no_ts => right_aligned(out, 10, |_| {}),
                Some(t) => right_aligned(out, 10, |o| o.push_str(t)),
                None => right_aligned(out, 10, |o| time_digits(meta.ts.since(meta.first_ts), meta.ts_digits, o)),
            },
            Column::Source => right_aligned(out, 12, |o| o.push_str(&c.src)),
            Column::Destination => {
                out.push_str(&c.dst);
                out.push_str(spaces(12usize.saturating_sub(width(&c.dst))));
            }
            Column::Protocol => out.push_str(&c.protocol),
            Column::Length => push_u64(meta.origlen as u64, out),
            Column::Info => out.push_str(&c.info),
        }
        let Some(next) = cols.get(i + 1) else { break };
        out.push(sep);
        let arrow = match (col, next) {
            (Column::Source, Column::Destination) => Some('→'),
            (Column::Destination, Column::Source) => Some('←'),
            _ => None,
        };
        if let Some(a) = arrow {
            out.push(a);
            out.push(sep);
        }
    }
}

/// Columns are padded to at most this many characters.
const SPACES: &str = "            ";

fn spaces(n: usize) -> &'static str {
    &SPACES[..n.min(SPACES.len())]
}

/// Characters in `s`, counted quickly when they are all ASCII (addresses
/// and numbers nearly always are).
fn width(s: &str) -> usize {
    if s.is_ascii() {
        s.len()
    } else {
        s.chars().count()
    }
}

/// Writes with `f`, then pads on the left to `width` characters, as `{:>w}`
/// (`width` at most 12).
fn right_aligned(out: &mut String, width: usize, f: impl FnOnce(&mut String)) {
    let start = out.len();
    f(out);
    let written = self::width(&out[start..]);
    if written < width {
        out.insert_str(start, spaces(width - written));
    }
}

/// Seconds with `digits` decimals, truncated as Wireshark does.
pub fn time_digits(ns: i64, digits: u8, out: &mut String) {
    if ns < 0 {
        out.push('-');
    }
    let a = ns.unsigned_abs();
    push_u64(a / 1_000_000_000, out);
    let d = digits.min(9) as u32;
    if d > 0 {
        out.push('.');
        const SCALE: [u64; 10] = [1_000_000_000, 100_000_000, 10_000_000, 1_000_000, 100_000, 10_000, 1000, 100, 10, 1];
        push_u64_zeros(a % 1_000_000_000 / SCALE[d as usize], d as usize, out);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_are_truncated_to_the_resolution() {
        let cases = [(0, 9, "0.000000000"), (1_234_567_891, 6, "1.234567"), (-1_500_000_000, 3, "-1.500"), (42_999_999_999, 0, "42")];
        for (ns, digits, want) in cases {
            let mut s = String::new();
            time_digits(ns, digits, &mut s);
            assert_eq!(s, want);
        }
    }

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

    #[test]
    fn a_packet_without_a_time_has_a_blank_time_column() {
        // tshark's line for a pcapng Simple Packet Block, whatever -t asks for.
        let meta = FrameMeta { number: 1, origlen: 314, ts_digits: 6, no_ts: true, ..Default::default() };
        let mut d = Dissection::default();
        d.cols.set_addrs("0.0.0.0", "255.255.255.255");
        d.cols.set_protocol("DHCP");
        for time in [None, Some("12:00:00.000000")] {
            let mut s = String::new();
            summary_line_timed(&meta, &d, time, ' ', &mut s);
            assert_eq!(s, "    1                 0.0.0.0 → 255.255.255.255 DHCP 314 ");
        }
    }

    #[test]
    fn chosen_columns_are_padded_and_joined_like_tshark() {
        let meta = FrameMeta { number: 1, origlen: 56, ts_digits: 6, ..Default::default() };
        let mut d = Dissection::default();
        d.cols.set_addrs("127.0.0.1", "127.0.0.1");
        d.cols.info.push_str("x");
        let mut s = String::new();
        summary_columns(&meta, &d, None, ' ', &[Column::Destination, Column::Source, Column::Info], &mut s);
        assert_eq!(s, "127.0.0.1    ←    127.0.0.1 x");
        s.clear();
        summary_columns(&meta, &d, None, ' ', &[Column::Number, Column::Destination], &mut s);
        assert_eq!(s, "    1 127.0.0.1   ");
    }

    #[test]
    fn padding_matches_format_width() {
        for (text, width) in [("7", 5), ("12345", 5), ("123456", 5), ("0.000000000", 10), ("1.5", 10)] {
            let mut s = String::from("x");
            right_aligned(&mut s, width, |o| o.push_str(text));
            assert_eq!(s, format!("x{text:>width$}"));
        }
    }
}
