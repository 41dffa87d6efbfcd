//! A one-line text input with a cursor and history, shared by the filter
//! bar and the go-to and search prompts.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

#[derive(Default, Clone, Debug, PartialEq, Eq)]
pub struct LineInput {
    pub text: String,
    /// Cursor position, in chars.
    pub cursor: usize,
    history: Vec<String>,
    /// Position while browsing the history (`history.len()` = the new line).
    hist_pos: usize,
}

/// What a key did to the input.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Edit {
    Changed,
    Moved,
    Submit,
    Cancel,
    Ignored,
}

impl LineInput {
    pub fn set(&mut self, text: &str) {
        self.text = text.to_string();
        self.cursor = self.text.chars().count();
        self.hist_pos = self.history.len();
    }

    pub fn clear(&mut self) {
        self.set("");
    }

    /// Remembers a submitted line (once, most recent last).
    pub fn remember(&mut self, line: &str) {
        if !line.is_empty() {
            self.history.retain(|h| h != line);
            self.history.push(line.to_string());
        }
        self.hist_pos = self.history.len();
    }

    /// Replaces the history (the filters of earlier runs), oldest first.
    pub fn set_history(&mut self, lines: Vec<String>) {
        self.history = lines;
        self.hist_pos = self.history.len();
    }

    /// The text before the cursor.
    pub fn before_cursor(&self) -> &str {
        &self.text[..self.byte_at(self.cursor)]
    }

    /// Replaces the text from byte `start` up to the cursor with `with` (a
    /// completion), leaving the cursor after it.
    pub fn replace_to_cursor(&mut self, start: usize, with: &str) {
        let end = self.byte_at(self.cursor);
        let start = start.min(end);
        if !self.text.is_char_boundary(start) {
            return;
        }
        self.text.replace_range(start..end, with);
        self.cursor = self.text[..start + with.len()].chars().count();
    }

    fn byte_at(&self, chars: usize) -> usize {
        self.text.char_indices().nth(chars).map(|(i, _)| i).unwrap_or(self.text.len())
    }

    pub fn handle(&mut self, k: KeyEvent) -> Edit {
        let ctrl = k.modifiers.contains(KeyModifiers::CONTROL);
        let len = self.text.chars().count();
        match k.code {
            KeyCode::Enter => Edit::Submit,
            KeyCode::Esc => Edit::Cancel,
            KeyCode::Char('u') if ctrl => {
                self.clear();
                Edit::Changed
            }
            KeyCode::Char('a') if ctrl => {
                self.cursor = 0;
                Edit::Moved
            }
            KeyCode::Char('e') if ctrl => {
                self.cursor = len;
                Edit::Moved
            }
            KeyCode::Char(c) if !ctrl => {
                let at = self.byte_at(self.cursor);
                self.text.insert(at, c);
                self.cursor += 1;
                Edit::Changed
            }
            KeyCode::Backspace if self.cursor > 0 => {
                self.cursor -= 1;
                let at = self.byte_at(self.cursor);
                self.text.remove(at);
                Edit::Changed
            }
            KeyCode::Delete if self.cursor < len => {
                let at = self.byte_at(self.cursor);
                self.text.remove(at);
                Edit::Changed
            }
            KeyCode::Left => {
                self.cursor = self.cursor.saturating_sub(1);
                Edit::Moved
            }
            KeyCode::Right => {
                self.cursor = (self.cursor + 1).min(len);
                Edit::Moved
            }
            KeyCode::Home => {
                self.cursor = 0;
                Edit::Moved
            }
            KeyCode::End => {
                self.cursor = len;
                Edit::Moved
            }
            KeyCode::Up if self.hist_pos > 0 => {
                self.hist_pos -= 1;
                self.text = self.history[self.hist_pos].clone();
                self.cursor = self.text.chars().count();
                Edit::Changed
            }
            KeyCode::Down if self.hist_pos < self.history.len() => {
                self.hist_pos += 1;
                self.text = self.history.get(self.hist_pos).cloned().unwrap_or_default();
                self.cursor = self.text.chars().count();
                Edit::Changed
            }
            _ => Edit::Ignored,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(c: KeyCode) -> KeyEvent {
        KeyEvent::new(c, KeyModifiers::NONE)
    }

    #[test]
    fn editing_and_history() {
        let mut i = LineInput::default();
        for c in "tcpx".chars() {
            i.handle(key(KeyCode::Char(c)));
        }
        assert_eq!(i.handle(key(KeyCode::Backspace)), Edit::Changed);
        i.handle(key(KeyCode::Home));
        i.handle(key(KeyCode::Char('!')));
        assert_eq!(i.text, "!tcp");
        assert_eq!(i.handle(key(KeyCode::Enter)), Edit::Submit);
        i.remember("!tcp");
        i.set("udp");
        i.remember("udp");
        i.clear();
        i.handle(key(KeyCode::Up));
        assert_eq!(i.text, "udp");
        i.handle(key(KeyCode::Up));
        assert_eq!(i.text, "!tcp");
        i.handle(key(KeyCode::Up));
        assert_eq!(i.text, "!tcp");
        i.handle(key(KeyCode::Down));
        i.handle(key(KeyCode::Down));
        assert_eq!(i.text, "");
        // A history from an earlier run, walked newest first.
        i.set_history(vec!["tcp".into(), "dns".into()]);
        i.handle(key(KeyCode::Up));
        assert_eq!(i.text, "dns");
    }

    #[test]
    fn completion_replaces_the_token_before_the_cursor() {
        let mut i = LineInput::default();
        i.set("é && dns.qry.na || udp");
        i.cursor = "é && dns.qry.na".chars().count();
        assert_eq!(i.before_cursor(), "é && dns.qry.na");
        i.replace_to_cursor("é && ".len(), "dns.qry.name");
        assert_eq!(i.text, "é && dns.qry.name || udp");
        assert_eq!(i.cursor, "é && dns.qry.name".chars().count());
    }
}
