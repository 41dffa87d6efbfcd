//! Drawing the whole screen from the state. Nothing here changes the state.

use ratatui::layout::Rect;
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph};
use ratatui::Frame;

use super::app::{App, Mode};
use super::overlays::{buttons, copy_menu, explain, gen_menu, help, time_menu, tree_menu};
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
        if let Some(c) = self.checklist.as_ref().filter(|c| c.shown && self.session_view.is_none()) {
            c.render(a.list, f.buffer_mut());
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
                let format = if crate::capture::is_pcapng_name(std::path::Path::new(&input.text)) { "pcapng" } else { "pcap" };
                let title = format!(" Save as {format} ");
                prompt(f, &title, input, &format!("saves {which} (Tab changes); name.pcapng for pcapng; Enter saves"))
            }
            Mode::Generators { cursor } => gen_menu::draw(f, *cursor),
            Mode::Explain { text, scroll } => explain::draw(f, f.area(), text, *scroll),
            Mode::TreeMenu { cursor } => {
                let field = self.detail.filter_expr().unwrap_or_else(|| "this item".into());
                tree_menu::draw(f, *cursor, &field)
            }
            Mode::CopyMenu { cursor } => copy_menu::draw(f, *cursor),
            Mode::TimeMenu { cursor } => time_menu::draw(f, *cursor, self.time),
            Mode::DecodeAs(dlg) => dlg.draw(f),
            Mode::KeyLog(input) => {
                prompt(f, " TLS key log file ", input, "SSLKEYLOGFILE format; Tab completes; Enter decrypts")
            }
            Mode::Buttons { cursor } => buttons::draw(f, &self.buttons, *cursor),
            Mode::NameButton(input) => {
                let hint = format!("label for {}; Enter saves", self.filter.text.trim());
                prompt(f, " Save as a filter button ", input, &hint)
            }
            Mode::Filter => {
                if let Some(c) = &self.completion {
                    let col = self.filter.text.get(..c.start).unwrap_or("").chars().count() as u16;
                    c.draw(f, a.filter, 8 + col, f.area());
                }
            }
            Mode::Normal => {}
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
