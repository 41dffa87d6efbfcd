//! The packet list: one row per displayed packet, built only for the rows
//! on screen by re-dissecting those packets, and cached for a while.

use std::collections::HashMap;

use crossterm::event::KeyEvent;

use ratatui::layout::{Margin, Rect};
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Scrollbar, ScrollbarOrientation, ScrollbarState};
use ratatui::Frame;

use crate::dissect::Dissection;
use crate::field::Timestamp;

use crate::tui::action::Action;
use crate::tui::colors::{classify, Coloring};
use crate::tui::keymap::{self, Command, Ctx};
use crate::tui::layout::Pane;
use crate::tui::packets::Packets;
use crate::tui::time_format::TimeFormat;
use crate::tui::displayed::{SortColumn, View};

/// One packet's columns (all but Time, which depends on its neighbours).
#[derive(Clone, Debug)]
pub struct Row {
    pub number: u32,
    pub ts: Timestamp,
    /// The previous captured packet's time (`-t d`), its own for the first.
    pub prev_ts: Timestamp,
    pub digits: u8,
    /// The file gives no time (a pcapng Simple Packet Block): none shown.
    pub no_ts: bool,
    pub src: String,
    pub dst: String,
    pub protocol: String,
    pub len: u32,
    pub info: String,
    pub color: Option<Coloring>,
}

/// Rows kept before the cache starts over: a few screens' worth.
const CACHE_ROWS: usize = 4096;

#[derive(Default)]
pub struct PacketList {
    /// Selected row and first row on screen.
    pub sel: usize,
    pub top: usize,
    cache: HashMap<usize, Row>,
    bytes: Vec<u8>,
    d: Dissection,
}

impl PacketList {
    /// Answers key `k` with `rows` rows, `height` of them on screen.
    pub fn handle_key(&mut self, k: KeyEvent, rows: usize, height: usize) -> Action {
        let Some(cmd) = keymap::command(Ctx::List, k) else { return Action::None };
        if let Some(row) = super::movement(cmd, self.sel, rows, height) {
            self.select(row, rows, height);
            return Action::Moved;
        }
        match cmd {
            Command::OpenTree => Action::Focus(Pane::Detail),
            _ => Action::None,
        }
    }

    pub fn invalidate(&mut self) {
        self.cache.clear();
    }

    pub fn row(&self, packet: usize) -> Option<&Row> {
        self.cache.get(&packet)
    }

    /// Moves the selection to `row` (clamped) and scrolls it into a window of
    /// `height` rows.
    pub fn select(&mut self, row: usize, rows: usize, height: usize) {
        self.sel = row.min(rows.saturating_sub(1));
        let h = height.max(1);
        if self.sel < self.top {
            self.top = self.sel;
        } else if self.sel >= self.top + h {
            self.top = self.sel + 1 - h;
        }
        self.top = self.top.min(rows.saturating_sub(h));
    }

    /// Scrolls the window by `delta` rows, leaving the selection alone.
    pub fn scroll(&mut self, delta: isize, rows: usize, height: usize) {
        let max = rows.saturating_sub(height.max(1));
        self.top = (self.top as isize + delta).clamp(0, max as isize) as usize;
    }

    /// Builds the rows of the window (and the row above it, whose time the
    /// first row's delta needs).
    pub fn fill(&mut self, packets: &Packets, view: &View, height: usize) {
        if self.cache.len() > CACHE_ROWS {
            self.cache.clear();
        }
        for row in self.top.saturating_sub(1)..self.top + height {
            let Some(p) = view.packet(row) else { break };
            if self.cache.contains_key(&p) {
                continue;
            }
            if let Some(r) = self.build(packets, p) {
                self.cache.insert(p, r);
            }
        }
    }

    fn build(&mut self, packets: &Packets, p: usize) -> Option<Row> {
        let (rec, prev_ts, digits) = {
            let store = packets.store();
            let rec = store.records.get(p)?;
            let prev_ts = p.checked_sub(1).and_then(|q| store.records.get(q)).map_or(rec.ts, |r| r.ts);
            let digits = rec.interface(&store.interfaces).map(|i| i.ts_digits).unwrap_or(6);
            (rec, prev_ts, digits)
        };
        let ok = packets.dissect(p, &mut self.bytes, &mut self.d);
        let c = &self.d.cols;
        Some(Row {
            number: p as u32 + 1,
            ts: rec.ts,
            prev_ts,
            digits,
            no_ts: rec.no_ts,
            src: c.src.clone(),
            dst: c.dst.clone(),
            protocol: c.protocol.clone(),
            len: rec.origlen,
            info: if ok { c.info.clone() } else { "[packet bytes unreadable]".into() },
            color: if ok { classify(&self.d, &self.bytes) } else { None },
        })
    }
}

/// Pads or cuts `s` to exactly `w` columns (right-aligned when `right`).
pub fn fit(s: &str, w: usize, right: bool) -> String {
    let n = s.chars().count();
    if n > w {
        let mut t: String = s.chars().take(w.saturating_sub(1)).collect();
        if w > 0 {
            t.push('…');
        }
        t
    } else if right {
        format!("{s:>w$}")
    } else {
        format!("{s:<w$}")
    }
}

pub struct ListView<'a> {
    pub list: &'a PacketList,
    pub view: &'a View,
    pub time: TimeFormat,
    pub first_ts: Timestamp,
    pub focused: bool,
}

impl ListView<'_> {
    fn rows(&self, height: usize) -> Vec<(usize, &Row)> {
        (self.list.top..self.list.top + height)
            .map_while(|r| Some((r, self.list.row(self.view.packet(r)?)?)))
            .collect()
    }

    /// The column headers, the sorted one with its arrow.
    fn headers(&self) -> [String; 7] {
        const NAMES: [&str; 7] = ["No.", "Time", "Source", "Destination", "Protocol", "Length", "Info"];
        let sorted = self.view.sorted.as_ref();
        let mut out = NAMES.map(String::from);
        for (name, column) in out.iter_mut().zip(SortColumn::in_order()) {
            if let Some(s) = sorted.filter(|s| s.column == column) {
                name.push(if s.reverse { '▼' } else { '▲' });
            }
        }
        out
    }

    /// The rows on screen in `area`, their times, and the columns' widths.
    fn layout(&self, area: Rect) -> (Vec<(usize, &Row)>, Vec<String>, [usize; 7]) {
        let height = (area.height as usize).saturating_sub(1);
        let rows = self.rows(height);
        let times: Vec<String> = rows
            .iter()
            .map(|(row, r)| {
                let prev = row
                    .checked_sub(1)
                    .and_then(|p| self.list.row(self.view.packet(p)?))
                    .map(|p| p.ts)
                    .unwrap_or(r.ts);
                let mut t = String::new();
                if !r.no_ts {
                    self.time.format(r.ts, self.first_ts, r.prev_ts, prev, r.digits, &mut t);
                }
                t
            })
            .collect();
        let head = self.headers().map(|h| h.chars().count());
        // The widest number: the last packet shown in packet order.
        let last = self.view.matched.as_ref().map_or(self.view.loaded, |m| m.last().map_or(0, |&p| p as usize + 1));
        let w_no = last.max(1).to_string().len().max(head[0]);
        let w_time = times.iter().map(|t| t.len()).max().unwrap_or(0).max(4).max(head[1]);
        let addr = |f: fn(&Row) -> &str, min: usize| {
            rows.iter().map(|(_, r)| f(r).chars().count()).max().unwrap_or(0).clamp(min, 26.max(min))
        };
        let w_src = addr(|r| &r.src, head[2]);
        let w_dst = addr(|r| &r.dst, head[3]);
        let w_proto = rows.iter().map(|(_, r)| r.protocol.len()).max().unwrap_or(0).clamp(8, 10).max(head[4]);
        let w_len = 6.max(head[5]);
        let fixed = w_no + w_time + w_src + w_dst + w_proto + w_len + 6;
        let scroll = self.view.len() > height;
        let width = (area.width as usize).saturating_sub(scroll as usize);
        (rows, times, [w_no, w_time, w_src, w_dst, w_proto, w_len, width.saturating_sub(fixed)])
    }

    /// The column whose header cell is at column `x` of the screen.
    pub fn column_at(&self, area: Rect, x: u16) -> Option<SortColumn> {
        let (_, _, widths) = self.layout(area);
        let mut right = area.x as usize;
        for (w, c) in widths.iter().zip(SortColumn::in_order()) {
            right += w + 1;
            if (x as usize) < right {
                return Some(c);
            }
        }
        None
    }

    /// Draws the list inside `area` (its title line already drawn).
    pub fn draw(&self, f: &mut Frame, area: Rect) {
        if area.height == 0 {
            return;
        }
        let height = area.height as usize - 1;
        let (rows, times, [w_no, w_time, w_src, w_dst, w_proto, w_len, w_info]) = self.layout(area);
        let scroll = self.view.len() > height;
        let line = |cells: [String; 7]| cells.join(" ");
        let [h_no, h_time, h_src, h_dst, h_proto, h_len, h_info] = self.headers();
        let header = line([
            fit(&h_no, w_no, true),
            fit(&h_time, w_time, false),
            fit(&h_src, w_src, false),
            fit(&h_dst, w_dst, false),
            fit(&h_proto, w_proto, false),
            fit(&h_len, w_len, true),
            fit(&h_info, w_info, false),
        ]);
        let mut lines = vec![Line::from(Span::styled(header, Style::new().add_modifier(Modifier::BOLD)))];
        for ((row, r), t) in rows.iter().zip(&times) {
            let text = line([
                fit(&r.number.to_string(), w_no, true),
                fit(t, w_time, false),
                fit(&r.src, w_src, false),
                fit(&r.dst, w_dst, false),
                fit(&r.protocol, w_proto, false),
                fit(&r.len.to_string(), w_len, true),
                fit(&r.info, w_info, false),
            ]);
            let mut style = match r.color {
                Some(c) => Style::new().fg(c.fg).bg(c.bg),
                None => Style::new(),
            };
            if *row == self.list.sel {
                style = style.add_modifier(Modifier::REVERSED);
                if !self.focused {
                    style = style.add_modifier(Modifier::DIM);
                }
            }
            lines.push(Line::from(Span::styled(text, style)));
        }
        f.render_widget(Paragraph::new(lines), area);
        if scroll {
            let mut state = ScrollbarState::new(self.view.len().saturating_sub(height)).position(self.list.top);
            let bar = area.inner(Margin { vertical: 0, horizontal: 0 });
            let bar = Rect { y: bar.y + 1, height: bar.height - 1, ..bar };
            f.render_stateful_widget(
                Scrollbar::new(ScrollbarOrientation::VerticalRight).begin_symbol(None).end_symbol(None),
                bar,
                &mut state,
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fit_pads_and_cuts() {
        assert_eq!(fit("abc", 5, false), "abc  ");
        assert_eq!(fit("abc", 5, true), "  abc");
        assert_eq!(fit("abcdef", 4, false), "abc…");
    }

    #[test]
    fn selection_stays_in_window() {
        let mut l = PacketList::default();
        l.select(30, 100, 10);
        assert_eq!((l.sel, l.top), (30, 21));
        l.select(5, 100, 10);
        assert_eq!((l.sel, l.top), (5, 5));
        l.select(500, 100, 10);
        assert_eq!((l.sel, l.top), (99, 90));
        l.scroll(-3, 100, 10);
        assert_eq!(l.top, 87);
    }
}
