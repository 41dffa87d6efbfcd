//! Drawing the whole screen from the state. Nothing here changes the state.

use ratatui::layout::Rect;
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph};
use ratatui::Frame;

use super::app::{App, Mode};
use super::help;
use super::input::LineInput;
use super::layout::{inner, Pane};
use super::list::ListView;

impl App {
    pub fn draw(&self, f: &mut Frame) {
        let a = self.areas();
        self.draw_filter_bar(f, a.filter);
        for (pane, title) in [(Pane::List, "Packets"), (Pane::Detail, "Details"), (Pane::Hex, "Bytes")] {
            let r = a.pane(pane);
            if r.height == 0 {
                continue;
            }
            let focused = self.focus == pane;
            let style = if focused {
                Style::new().fg(Color::Cyan).add_modifier(Modifier::BOLD)
            } else {
                Style::new().fg(Color::DarkGray)
            };
            let title = match pane {
                Pane::Hex => self.hex_title(title),
                _ => format!(" {title} "),
            };
            f.render_widget(Block::new().borders(Borders::TOP).border_style(style).title(title), r);
            let body = inner(r);
            match pane {
                Pane::List => ListView {
                    list: &self.list,
                    view: &self.view,
                    time: self.time,
                    first_ts: self.first_ts,
                    focused,
                }
                .draw(f, body),
                Pane::Detail => self.detail.draw(f, body, focused),
                Pane::Hex => {
                    let (bytes, mark) = self.hex_view();
                    self.hex.draw(f, body, bytes, mark, focused);
                }
            }
        }
        self.draw_status(f, a.status);
        match &self.mode {
            Mode::Help { scroll } => help::draw(f, f.area(), *scroll),
            Mode::GoTo(input) => prompt(f, " Go to packet ", input, "packet number, Enter to go, Esc to cancel"),
            Mode::Search(input) => prompt(f, " Search ", input, "\"text\", de:ad:be:ef or 0xdeadbeef; Enter"),
            Mode::Normal | Mode::Filter => {}
        }
    }

    fn hex_title(&self, title: &str) -> String {
        let src = self.detail.selected().map(|id| self.detail.d.tree.nodes[id].source).unwrap_or(0);
        match src {
            0 => format!(" {title} "),
            n => match self.detail.d.sources.get(n as usize - 1) {
                Some(s) => format!(" {title}: {} ({} bytes) ", s.name, s.bytes.len()),
                None => format!(" {title} "),
            },
        }
    }

    fn draw_filter_bar(&self, f: &mut Frame, r: Rect) {
        let editing = self.mode == Mode::Filter;
        let label = Span::styled("Filter: ", Style::new().add_modifier(Modifier::BOLD));
        let text = if self.filter.text.is_empty() && !editing {
            Span::styled("press / to enter a display filter", Style::new().fg(Color::DarkGray))
        } else {
            Span::raw(self.filter.text.clone())
        };
        f.render_widget(Paragraph::new(Line::from(vec![label, text])), r);
        if editing {
            f.set_cursor_position((r.x + 8 + self.filter.cursor as u16, r.y));
        }
    }

    fn draw_status(&self, f: &mut Frame, r: Rect) {
        let mut parts: Vec<String> = Vec::new();
        if let Some(m) = &self.message {
            parts.push(m.clone());
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
        if !p.done {
            let pct = if p.total > 0 { (p.bytes * 100 / p.total).min(100) } else { 0 };
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
        parts.push(self.source.clone());
        let left = parts.join(" │ ");
        let right = "? help";
        let w = r.width as usize;
        let pad = w.saturating_sub(left.chars().count() + right.len());
        let line = format!("{left}{}{right}", " ".repeat(pad));
        f.render_widget(Paragraph::new(line).style(Style::new().add_modifier(Modifier::REVERSED)), r);
    }
}

/// A small centered dialog with one input line.
fn prompt(f: &mut Frame, title: &str, input: &LineInput, hint: &str) {
    let area = f.area();
    let w = area.width.min(60);
    let r = Rect { x: area.x + (area.width - w) / 2, y: area.y + area.height / 3, width: w, height: 4.min(area.height) };
    f.render_widget(Clear, r);
    let lines = vec![
        Line::from(input.text.clone()),
        Line::from(Span::styled(hint.to_string(), Style::new().fg(Color::DarkGray))),
    ];
    f.render_widget(Paragraph::new(lines).block(Block::new().borders(Borders::ALL).title(title.to_string())), r);
    f.set_cursor_position((r.x + 1 + input.cursor as u16, r.y + 1));
}
