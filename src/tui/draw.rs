//! Drawing the whole screen from the state. Nothing here changes the state.

use ratatui::layout::Rect;
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph};
use ratatui::Frame;

use super::app::{App, Mode};
use super::overlays::{gen_menu, help, tree_menu};
use crate::tui::line_editor::LineInput;
use super::layout::{inner, Pane};
use crate::tui::panes::list::ListView;

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
        if let Some(v) = &self.session_view {
            let panes = [a.detail, a.hex].into_iter().filter(|r| r.height > 0).fold(a.list, |x, y| x.union(y));
            let r = v.area(a.list, panes);
            f.render_widget(Clear, r);
            v.render(r, f.buffer_mut());
        }
        self.draw_status(f, a.status);
        if let Some(h) = &self.hint {
            let mut line = format!(" Look for: {h}");
            let (len, w) = (line.chars().count(), a.hint.width as usize);
            if len + 12 <= w {
                line.push_str(&format!("{:>1$}", "Esc hides ", w - len));
            }
            f.render_widget(Paragraph::new(line).style(Style::new().fg(Color::Black).bg(Color::Yellow)), a.hint);
        }
        match &self.mode {
            Mode::Help { scroll } => help::draw(f, f.area(), *scroll),
            Mode::GoTo(input) => prompt(f, " Go to packet ", input, "packet number, Enter to go, Esc to cancel"),
            Mode::Search(input) => prompt(f, " Search ", input, "\"text\", de:ad:be:ef or 0xdeadbeef; Enter"),
            Mode::Save { input, displayed } => {
                let which = if *displayed { "the displayed packets" } else { "all packets" };
                // The name chooses the format; the title says which one it is.
                let format = if crate::tui::overlays::save::is_pcapng(std::path::Path::new(&input.text)) { "pcapng" } else { "pcap" };
                let title = format!(" Save as {format} ");
                prompt(f, &title, input, &format!("saves {which} (Tab changes); name.pcapng for pcapng; Enter saves"))
            }
            Mode::Generators { cursor } => gen_menu::draw(f, *cursor),
            Mode::TreeMenu { cursor } => {
                let field = self.detail.filter_expr().unwrap_or_else(|| "this item".into());
                tree_menu::draw(f, *cursor, &field)
            }
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
        if let Some(a) = self.applied.as_ref().filter(|a| !a.done) {
            let pct = (a.scanned * 100).checked_div(n).unwrap_or(100);
            parts.push(format!("Filtering {pct}%"));
        }
        if self.live.is_some() {
            parts.push(match (p.done, self.paused) {
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
        parts.push(self.source.clone());
        let left = parts.join(" │ ");
        let right = "? help";
        let w = r.width as usize;
        let pad = w.saturating_sub(left.chars().count() + right.len());
        let line = format!("{left}{}{right}", " ".repeat(pad));
        f.render_widget(Paragraph::new(line).style(Style::new().add_modifier(Modifier::REVERSED)), r);
    }
}

/// The largest char boundary of `s` at or before `i`.
fn floor(s: &str, mut i: usize) -> usize {
    while i > 0 && !s.is_char_boundary(i) {
        i -= 1;
    }
    i
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
