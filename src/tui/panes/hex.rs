//! The hex pane: offset, hex and ASCII of the data source the selected
//! item lives in, with that item's bytes highlighted and, when the pane has
//! focus, a byte cursor.

use std::ops::Range;

use crossterm::event::KeyEvent;
use ratatui::layout::Rect;
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use ratatui::Frame;

use crate::tui::action::Action;
use crate::tui::keymap::{self, Command, Ctx};

#[derive(Default, Debug, Clone)]
pub struct Hex {
    /// Byte under the cursor.
    pub cursor: usize,
    /// First line on screen.
    pub top: usize,
}

/// Bytes per line for a pane `width` columns wide.
pub fn per_line(width: u16) -> usize {
    if width >= 6 + 16 * 3 + 2 + 16 {
        16
    } else {
        8
    }
}

impl Hex {
    /// Answers key `k` in `len` bytes shown `width` columns wide with
    /// `height` lines on screen; `Action::Moved` asks the app to select the
    /// tree item owning the byte under the cursor.
    pub fn handle_key(&mut self, k: KeyEvent, len: usize, width: u16, height: usize) -> Action {
        let Some(cmd) = keymap::command(Ctx::Hex, k) else { return Action::None };
        let pl = per_line(width) as isize;
        let page = pl * height.max(1) as isize;
        let delta = match cmd {
            Command::NextByte => 1,
            Command::PrevByte => -1,
            Command::Down => pl,
            Command::Up => -pl,
            Command::PageDown => page,
            Command::PageUp => -page,
            Command::HalfDown => page / 2,
            Command::HalfUp => -page / 2,
            Command::First => -(self.cursor as isize),
            Command::Last => isize::MAX / 2,
            _ => return Action::None,
        };
        self.step(delta, len);
        Action::Moved
    }

    /// Scrolls so that `range` (or its start, if taller than the pane) shows.
    pub fn reveal(&mut self, range: Range<usize>, width: u16, height: usize) {
        let pl = per_line(width);
        let h = height.max(1);
        let first = range.start / pl;
        let last = range.end.saturating_sub(1).max(range.start) / pl;
        if first < self.top {
            self.top = first;
        } else if last >= self.top + h {
            self.top = (last + 1 - h).min(first);
        }
    }

    /// Moves the cursor by `delta` bytes within `len` bytes.
    pub fn step(&mut self, delta: isize, len: usize) {
        if len == 0 {
            return;
        }
        self.cursor = (self.cursor as isize + delta).clamp(0, len as isize - 1) as usize;
    }

    /// The byte at screen cell (`col`, `line`) of the pane, if any.
    pub fn byte_at(&self, col: u16, line: u16, width: u16, len: usize) -> Option<usize> {
        let pl = per_line(width);
        let base = (self.top + line as usize) * pl;
        let col = col as usize;
        let gap = (pl == 16) as usize;
        let ascii = 6 + pl * 3 + gap + 1;
        let i = if (6..ascii - 1).contains(&col) {
            let c = col - 6;
            // Past the mid-line gap, every column is one further right.
            let c = if c > 8 * 3 && pl == 16 { c - 1 } else { c };
            c / 3
        } else if (ascii..ascii + pl).contains(&col) {
            col - ascii
        } else {
            return None;
        };
        let b = base + i.min(pl - 1);
        (b < len).then_some(b)
    }

    pub fn draw(&self, f: &mut Frame, area: Rect, bytes: &[u8], mark: Range<usize>, focused: bool) {
        let pl = per_line(area.width);
        let mut lines = Vec::new();
        for l in self.top..self.top + area.height as usize {
            let start = l * pl;
            if start >= bytes.len() {
                break;
            }
            let chunk = &bytes[start..(start + pl).min(bytes.len())];
            let mut spans = vec![Span::raw(format!("{start:04x}  "))];
            let style = |i: usize| {
                let mut s = Style::new();
                if mark.contains(&i) {
                    s = s.add_modifier(Modifier::REVERSED);
                }
                if focused && i == self.cursor {
                    s = s.add_modifier(Modifier::UNDERLINED | Modifier::BOLD);
                }
                s
            };
            for (j, b) in chunk.iter().enumerate() {
                let i = start + j;
                spans.push(Span::styled(format!("{b:02x}"), style(i)));
                // The gap after a byte is highlighted when the next byte is too.
                let gap = if mark.contains(&i) && mark.contains(&(i + 1)) && j + 1 < chunk.len() {
                    Style::new().add_modifier(Modifier::REVERSED)
                } else {
                    Style::new()
                };
                spans.push(Span::styled(if j == 7 && pl == 16 { "  " } else { " " }, gap));
            }
            let pad = (pl - chunk.len()) * 3 + (chunk.len() < 8 && pl == 16) as usize;
            spans.push(Span::raw(" ".repeat(pad + 1)));
            for (j, &b) in chunk.iter().enumerate() {
                let c = if (0x20..0x7f).contains(&b) { b as char } else { '.' };
                spans.push(Span::styled(c.to_string(), style(start + j)));
            }
            lines.push(Line::from(spans));
        }
        f.render_widget(Paragraph::new(lines), area);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cells_map_back_to_bytes() {
        let h = Hex::default();
        // "0000  " then "00 01 02 03 04 05 06 07  08 …"
        assert_eq!(h.byte_at(6, 0, 80, 64), Some(0));
        assert_eq!(h.byte_at(9, 0, 80, 64), Some(1));
        assert_eq!(h.byte_at(6 + 8 * 3 + 1, 0, 80, 64), Some(8));
        assert_eq!(h.byte_at(6 + 16 * 3 + 2, 1, 80, 64), Some(16));
        assert_eq!(h.byte_at(2, 0, 80, 64), None);
        assert_eq!(h.byte_at(6, 9, 80, 64), None);
    }

    #[test]
    fn reveal_scrolls_to_the_range() {
        let mut h = Hex::default();
        h.reveal(100..104, 80, 3);
        assert_eq!(h.top, 4);
        h.reveal(0..2, 80, 3);
        assert_eq!(h.top, 0);
    }
}
