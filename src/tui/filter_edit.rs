//! The filter bar's keys: editing (`line_editor`), Tab completion of field
//! names and of string fields' values (`overlays::completion`, with the
//! values from `workers::values`), and the history kept across runs
//! (`history`).

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use crossterm::event::{KeyCode, KeyEvent};

use crate::field::Field;
use crate::filter::suggest;

use crate::tui::app::{App, Mode};
use crate::tui::line_editor::Edit;
use crate::tui::overlays::completion::{self, Completion, Target};
use crate::tui::workers::values::{self, FieldValues};

/// A string field's values gathered for completion, and its worker's switch.
#[derive(Debug)]
pub struct Gathered {
    values: Vec<String>,
    done: bool,
    cancel: Arc<AtomicBool>,
}

impl Drop for Gathered {
    fn drop(&mut self) {
        self.cancel.store(true, Ordering::Relaxed);
    }
}

impl App {
    pub(super) fn filter_key(&mut self, k: KeyEvent) {
        self.mode = Mode::Filter;
        if self.completion_key(k) {
            return;
        }
        if k.code == KeyCode::Tab {
            self.complete(true);
            return;
        }
        match self.filter.handle(k) {
            Edit::Submit => {
                self.mode = Mode::Normal;
                self.apply_filter();
            }
            Edit::Cancel => {
                self.mode = Mode::Normal;
                self.filter.clear();
                self.check = None;
                if self.applied.is_some() {
                    self.apply_filter();
                }
            }
            Edit::Changed => {
                self.check_filter();
                if self.completion.is_some() {
                    self.complete(false);
                }
            }
            _ => {}
        }
    }

    /// A key for the open completion popup; false if it is not one (the
    /// popup then stays and follows the edit).
    fn completion_key(&mut self, k: KeyEvent) -> bool {
        let Some(c) = self.completion.as_mut() else { return false };
        match k.code {
            KeyCode::Tab | KeyCode::Down => c.next(),
            KeyCode::BackTab | KeyCode::Up => c.prev(),
            KeyCode::Enter => {
                if let Some(item) = c.selected() {
                    let (start, insert) = (c.start, item.insert.clone());
                    self.filter.replace_to_cursor(start, &insert);
                    self.check_filter();
                }
                self.completion = None;
            }
            KeyCode::Esc => self.completion = None,
            _ => return false,
        }
        true
    }

    /// Completes the token before the cursor: on Tab (`first`), a lone
    /// candidate is taken and the candidates' common prefix filled in;
    /// otherwise (after an edit, or when values arrive) the open popup is
    /// brought up to date.
    fn complete(&mut self, first: bool) {
        let before = self.filter.before_cursor().to_string();
        let Some(tok) = completion::token(&before) else {
            self.completion = None;
            return;
        };
        let mut c = match tok.target {
            Target::Name => Completion::names(&tok),
            Target::Value(f) => {
                let (seen, pending) = self.field_values(f);
                Completion::values(&tok, f, &seen, pending)
            }
        };
        if c.items.is_empty() && !c.pending {
            self.completion = None;
            if first {
                self.message = Some(no_completion(&tok));
            }
            return;
        }
        if first {
            if let ([only], false) = (c.items.as_slice(), c.pending) {
                self.filter.replace_to_cursor(c.start, &only.insert);
                self.check_filter();
                self.completion = None;
                return;
            }
            if let Some(prefix) = c.common_prefix(tok.partial) {
                self.filter.replace_to_cursor(c.start, &prefix);
                self.check_filter();
            }
        }
        let kept = self.completion.as_ref().and_then(|o| o.selected()).map(|s| s.insert.clone());
        c.keep(kept.as_deref());
        self.completion = Some(c);
    }

    /// The values of string field `f` gathered so far, and whether more may
    /// come; the first call starts gathering them.
    fn field_values(&mut self, f: Field) -> (Vec<String>, bool) {
        let g = self.values.entry(f.name).or_insert_with(|| {
            let cancel = Arc::new(AtomicBool::new(false));
            values::spawn(f, self.packets.clone(), self.tx.clone(), cancel.clone());
            Gathered { values: Vec::new(), done: false, cancel }
        });
        (g.values.clone(), !g.done)
    }

    /// A values worker's report: kept, and shown if its popup is open.
    pub(super) fn values_arrived(&mut self, v: FieldValues) {
        if let Some(g) = self.values.get_mut(v.field) {
            g.values = v.values;
            g.done = v.done;
        }
        let showing = matches!(self.completion.as_ref().map(|c| c.target), Some(Target::Value(f)) if f.name == v.field);
        if showing && self.mode == Mode::Filter {
            self.complete(false);
        }
    }

    /// Records an applied filter in the history file, if there is one.
    pub(super) fn save_history(&mut self, filter: &str) {
        if let Some(path) = &self.history_file {
            if let Err(e) = crate::tui::history::append(path, filter) {
                self.message = Some(format!("filter history not saved in {}: {e}", path.display()));
            }
        }
    }
}

/// Why Tab found nothing, with the names meant if it was a misspelt name.
fn no_completion(tok: &completion::Token) -> String {
    match tok.target {
        Target::Value(f) => format!("no {} values in this capture start with {:?}", f.name, tok.partial),
        Target::Name => {
            let similar = suggest::similar(tok.partial);
            let mut m = format!("no field name starts with {:?}", tok.partial);
            if !similar.is_empty() {
                m.push_str(&format!("; did you mean {}?", suggest::or_list(&similar)));
            }
            m
        }
    }
}
