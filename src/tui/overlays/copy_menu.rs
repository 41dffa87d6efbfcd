//! The copy menu (`y`), after Wireshark's Copy submenu: the selected tree
//! item's value, the item as a filter, the packet's summary line, or the
//! item's bytes as a hex stream. Its letter picks an entry at once.

use crossterm::event::{KeyCode, KeyEvent};
use ratatui::Frame;

use crate::tui::layout::centered;
use crate::tui::overlays::menu::{self, MenuKey};

/// What gets copied.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Copy {
    Value,
    Filter,
    Summary,
    Hex,
}

const ENTRIES: &[(Copy, &str, char)] = &[
    (Copy::Value, "Value", 'v'),
    (Copy::Filter, "As Filter", 'f'),
    (Copy::Summary, "Summary as Text", 's'),
    (Copy::Hex, "Bytes as Hex Stream", 'x'),
];

/// What a key does in the menu.
#[derive(Debug, PartialEq, Eq)]
pub enum Choice {
    Stay(usize),
    Close,
    Do(Copy),
}

/// The answer to key `k` with the cursor on row `cursor`.
pub fn key(k: KeyEvent, cursor: usize) -> Choice {
    if let KeyCode::Char(c) = k.code {
        if let Some(e) = ENTRIES.iter().find(|e| e.2 == c) {
            return Choice::Do(e.0);
        }
    }
    match menu::key(k, cursor, ENTRIES.len(), 'y') {
        MenuKey::Stay(row) => Choice::Stay(row),
        MenuKey::Close => Choice::Close,
        MenuKey::Pick(i) => Choice::Do(ENTRIES[i].0),
    }
}

pub fn draw(f: &mut Frame, cursor: usize) {
    let r = centered(f.area(), 32, ENTRIES.len() as u16 + 2);
    let keys: Vec<String> = ENTRIES.iter().map(|e| e.2.to_string()).collect();
    let entries: Vec<(&str, &str)> = ENTRIES.iter().zip(&keys).map(|(e, k)| (e.1, k.as_str())).collect();
    menu::draw(f, r, "Copy", &entries, cursor, 22);
}
