//! The two bars around the panes: the filter bar at the top and the status
//! bar at the bottom. They only show the app's state; the keys that edit
//! the filter go to its line editor (`line_editor`).

use ratatui::layout::Rect;
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use ratatui::Frame;

use crate::tui::app::{App, Mode};
use crate::tui::layout::Pane;

impl App {
    /// The filter bar: the filter typed, green when it compiles, red with
    /// the error underlined, and whether it is applied.
    pub(in crate::tui) fn draw_filter_bar(&self, f: &mut Frame, r: Rect) {
        let editing = self.mode == Mode::Filter;
        let mut spans = vec![Span::styled("Filter: ", Style::new().add_modifier(Modifier::BOLD))];
        let text = &self.filter.text;
        if text.is_empty() && !editing {
            spans.push(Span::styled("press / to enter a display filter", Style::new().fg(Color::DarkGray)));
        } else {
            let ok = Style::new().fg(Color::Black).bg(Color::Rgb(0xaf, 0xff, 0xaf));
            let bad = Style::new().fg(Color::Black).bg(Color::Rgb(0xff, 0xaf, 0xaf));
            match &self.check {
                None => spans.push(Span::raw(text.clone())),
                Some(Ok(())) => spans.push(Span::styled(text.clone(), ok)),
                Some(Err(e)) => {
                    // Underline the part the error is about (at least one cell,
                    // past the end when the filter stops too early).
                    let start = e.span.start.min(text.len());
                    let end = e.span.end.clamp(start, text.len());
                    let (a, rest) = text.split_at(floor(text, start));
                    let (b, c) = rest.split_at(floor(rest, end - a.len()));
                    let under = bad.add_modifier(Modifier::UNDERLINED);
                    spans.push(Span::styled(a.to_string(), bad));
                    spans.push(Span::styled(if b.is_empty() && c.is_empty() { " ".to_string() } else { b.to_string() }, under));
                    spans.push(Span::styled(c.to_string(), bad));
                    spans.push(Span::styled(format!("  {}", e.message), Style::new().fg(Color::LightRed)));
                }
            }
            let applied = self.applied.as_ref().map(|a| a.text.as_str()).unwrap_or("");
            if !editing && text.trim() != applied {
                spans.push(Span::styled("  (not applied)", Style::new().fg(Color::DarkGray)));
            }
        }
        f.render_widget(Paragraph::new(Line::from(spans)), r);
        if editing {
            let col = text.chars().take(self.filter.cursor).count() as u16;
            f.set_cursor_position((r.x + 8 + col, r.y));
        }
    }

    /// The status bar: a note, the selected tree item (while the tree or
    /// the bytes have the keys), the packet counts, the work in progress.
    pub(in crate::tui) fn draw_status(&self, f: &mut Frame, r: Rect) {
        let mut parts: Vec<String> = Vec::new();
        if let Some(m) = &self.message {
            parts.push(m.clone());
        }
        if let Some(item) = self.selected_item() {
            parts.push(item);
        }
        let n = self.view.loaded;
        match &self.view.matched {
            Some(m) => {
                let pct = if n == 0 { 0.0 } else { m.len() as f64 * 100.0 / n as f64 };
                parts.push(format!("Packets: {n} · Displayed: {} ({pct:.1}%)", m.len()));
            }
            None => parts.push(format!("Packets: {n}")),
        }
        let p = &self.progress;
        if let Some(a) = self.applied.as_ref().filter(|a| !a.done) {
            let pct = (a.scanned * 100).checked_div(n).unwrap_or(100);
            parts.push(format!("Filtering {pct}%"));
        }
        if self.live.is_some() {
            parts.push(match (p.done, self.paused) {
                (true, _) if self.stream => "End of stream".to_string(),
                (true, _) => "Capture stopped".to_string(),
                (false, true) => {
                    format!("Paused, {} new (Space resumes)", p.packets.saturating_sub(self.view.loaded))
                }
                (false, false) => "● Capturing".to_string(),
            });
        } else if !p.done {
            let pct = (p.bytes * 100).checked_div(p.total).map_or(0, |x| x.min(100));
            let filled = (pct / 10) as usize;
            parts.push(format!("Loading {}{} {pct}%", "█".repeat(filled), "░".repeat(10 - filled)));
        }
        if let Some(e) = &p.error {
            parts.push(format!("stopped: {e}"));
        }
        if let Some(d) = p.dropped {
            parts.push(format!("Dropped: {d}"));
        }
        if self.scan.is_some() {
            parts.push("searching…".into());
        }
        if self.time != crate::tui::time_format::TimeFormat::default() {
            parts.push(format!("Time {}", self.time.name()));
        }
        let rules = crate::dissect::decode_as::rules();
        if !rules.is_empty() {
            // As `-d` takes them.
            let texts: Vec<&str> = rules.iter().map(|r| r.text.as_str()).collect();
            parts.push(format!("Decode As {} (D)", texts.join(" ")));
        }
        if !self.keylogs.is_empty() {
            parts.push(format!("TLS keys {}", self.keylogs.join(" ")));
        }
        parts.push(self.source.clone());
        let left = parts.join(" │ ");
        let right = "? help";
        let w = r.width as usize;
        let pad = w.saturating_sub(left.chars().count() + right.len());
        let line = format!("{left}{}{right}", " ".repeat(pad));
        f.render_widget(Paragraph::new(line).style(Style::new().add_modifier(Modifier::REVERSED)), r);
    }
}

impl App {
    /// The selected tree item as Wireshark's status bar names it
    /// (`Transaction ID (dns.id), 2 bytes`), when the tree or the bytes pane
    /// has the keys: in the list the tree's cursor is not what the user looks at.
    pub(in crate::tui) fn selected_item(&self) -> Option<String> {
        if !matches!(self.focus, Pane::Detail | Pane::Hex) {
            return None;
        }
        let id = self.detail.selected()?;
        Some(crate::explain::summary(&self.detail.d.tree.nodes[id]))
    }
}

/// The largest char boundary of `s` at or before `i`.
fn floor(s: &str, mut i: usize) -> usize {
    while i > 0 && !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}
