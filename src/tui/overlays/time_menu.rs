//! The time format menu (`t`), Wireshark's View ▸ Time Display Format: the
//! ten formats of tshark's `-t` (each with its letters, which the status bar
//! shows once chosen) and, last, the `-u hms` switch for the spans.

use crossterm::event::KeyEvent;
use ratatui::Frame;

use crate::tui::layout::centered;
use crate::tui::overlays::menu::{self, MenuKey};
use crate::tui::time_format::{TimeFormat, FORMATS};

/// Rows: the formats, then the hours-minutes-seconds switch.
const ROWS: usize = FORMATS.len() + 1;

/// What a key does in the menu.
#[derive(Debug, PartialEq, Eq)]
pub enum Choice {
    Stay(usize),
    Close,
    /// A format chosen: the menu closes.
    Set(TimeFormat),
    /// `-u hms` switched: the menu stays open on the same row.
    Switch(TimeFormat, usize),
}

/// The row the menu opens on: the format in use.
pub fn cursor_of(current: TimeFormat) -> usize {
    FORMATS.iter().position(|f| f.0 == current.format).unwrap_or(0)
}

/// The answer to key `k` with the cursor on row `cursor`, the format in use
/// being `current`: a format row sets it (keeping `-u`), the last row
/// switches `-u hms` and stays open.
pub fn key(k: KeyEvent, cursor: usize, current: TimeFormat) -> Choice {
    match menu::key(k, cursor, ROWS, 't') {
        MenuKey::Stay(row) => Choice::Stay(row),
        MenuKey::Close => Choice::Close,
        MenuKey::Pick(i) => match FORMATS.get(i) {
            Some(f) => Choice::Set(TimeFormat { format: f.0, ..current }),
            None => Choice::Switch(TimeFormat { hms: !current.hms, ..current }, i),
        },
    }
}

pub fn draw(f: &mut Frame, cursor: usize, current: TimeFormat) {
    let r = centered(f.area(), 60, ROWS as u16 + 2);
    let mark = |on: bool| if on { "●" } else { " " };
    let mut names: Vec<(String, String)> =
        FORMATS.iter().map(|(fmt, name, t)| (format!("{} {name}", mark(*fmt == current.format)), format!("-t {t}"))).collect();
    let check = if current.hms { "[x]" } else { "[ ]" };
    names.push((format!("{check} Seconds as Hours, Minutes, Seconds"), "-u hms".into()));
    let entries: Vec<(&str, &str)> = names.iter().map(|(n, k)| (n.as_str(), k.as_str())).collect();
    menu::draw(f, r, "Time Display Format", &entries, cursor, 41);
}
