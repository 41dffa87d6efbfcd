//! The detail tree of the selected packet: its layers and fields, expanded
//! and collapsed as the user likes. Which subtrees are open is remembered by
//! field across packets, as Wireshark remembers its subtree types.

use std::collections::HashSet;
use std::fmt::Write;
use std::ops::Range;

use crossterm::event::KeyEvent;

use ratatui::layout::Rect;
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use ratatui::Frame;

use crate::dissect::Dissection;
use crate::field::{format_value, FieldType, Value};
use crate::field::tree::{NodeId, SourceId, FRAME};

use crate::tui::action::Action;
use crate::tui::keymap::{self, Command, Ctx};
use crate::tui::packets::Packets;

#[derive(Default)]
pub struct Detail {
    /// The packet shown (0-based), if any.
    pub packet: Option<usize>,
    pub d: Dissection,
    pub bytes: Vec<u8>,
    labels: Vec<String>,
    /// Per item: the key under which its open/closed state is remembered,
    /// empty for items without children.
    keys: Vec<String>,
    expanded: HashSet<String>,
    /// Items on screen, in order.
    pub rows: Vec<NodeId>,
    pub cursor: usize,
    pub top: usize,
}

impl Detail {
    /// Answers key `k` with `height` rows on screen. Any answer but
    /// `Action::None` means the key was used; the app then puts the bytes
    /// pane on the selected item.
    pub fn handle_key(&mut self, k: KeyEvent, height: usize) -> Action {
        let Some(cmd) = keymap::command(Ctx::Detail, k) else { return Action::None };
        if let Some(row) = super::movement(cmd, self.cursor, self.rows.len(), height) {
            self.set_cursor(row, height);
            return Action::Moved;
        }
        if let (Command::Activate, Some(frame)) = (cmd, self.link()) {
            return Action::Link(frame);
        }
        let action = match cmd {
            Command::Activate | Command::Toggle => {
                self.toggle();
                Action::Moved
            }
            Command::Expand => {
                self.expand(height);
                Action::Moved
            }
            Command::Collapse => {
                self.collapse(height);
                Action::Moved
            }
            Command::ExpandAll => {
                self.set_all(true);
                Action::Moved
            }
            Command::CollapseAll => {
                self.set_all(false);
                Action::Moved
            }
            Command::ApplyField => self.field_filter(true),
            Command::PrepareField => self.field_filter(false),
            Command::ItemMenu => Action::ItemMenu,
            Command::Explain => Action::Explain,
            _ => return Action::None,
        };
        self.scroll_into_view(height);
        action
    }

    /// "Apply as Filter" (`apply`) or "Prepare as Filter" on the selected field.
    pub fn field_filter(&self, apply: bool) -> Action {
        match self.filter_expr() {
            Some(expr) if apply => Action::Filter(expr),
            Some(expr) => Action::PrepareFilter(expr),
            None => Action::Message("this item has no value to filter on".into()),
        }
    }

    /// The frame the selected item links to (`[Response In: 2]`,
    /// `tcp.analysis.acks_frame`, `[Reassembled in]`...): the value of a
    /// frame-number field.
    pub fn link(&self) -> Option<u32> {
        let n = &self.d.tree.nodes[self.selected()?];
        match (n.field.ftype, &n.value) {
            (FieldType::FrameNum, Value::FrameNum(f)) if *f > 0 => Some(*f),
            _ => None,
        }
    }

    /// The selected item's value as `-T fields` prints it, or a text item's
    /// label after its name: what Wireshark's Copy › Value gives.
    pub fn value_text(&self) -> Option<String> {
        let id = self.selected()?;
        let n = &self.d.tree.nodes[id];
        if n.field.name.is_empty() {
            let label = self.label(id);
            return Some(label.split_once(": ").map_or(label, |(_, v)| v).to_string());
        }
        let mut out = String::new();
        format_value(n.field, &n.value, self.d.node_bytes(&self.bytes, id), &mut out);
        (!out.is_empty()).then_some(out)
    }

    /// The selected item's bytes as a hex stream (`450000...`), if it has any.
    pub fn selected_hex(&self) -> Option<String> {
        let (src, range) = self.shown_bytes();
        let b = src.get(range).filter(|b| !b.is_empty())?;
        Some(b.iter().map(|x| format!("{x:02x}")).collect())
    }

    /// The selected item's bytes, in its data source.
    pub fn selected_range(&self) -> Option<Range<usize>> {
        self.selected().map(|id| self.d.tree.nodes[id].range())
    }

    /// The data source the bytes pane shows (the selected item's) and the
    /// item's range in it.
    pub fn shown_bytes(&self) -> (&[u8], Range<usize>) {
        match self.selected() {
            Some(id) => {
                let n = &self.d.tree.nodes[id];
                (self.d.source_bytes(&self.bytes, n.source), n.range())
            }
            None => (&self.bytes, 0..0),
        }
    }

    /// Selects the item owning byte `off` of the data source shown.
    pub fn select_at_byte(&mut self, off: usize, height: usize) {
        let src = self.selected().map(|id| self.d.tree.nodes[id].source).unwrap_or(FRAME);
        if let Some(id) = self.node_at_byte(src, off) {
            self.select_node(id, height);
        }
    }

    /// Shows no packet (the filter left none); expansions are kept.
    pub fn clear(&mut self) {
        self.packet = None;
        self.d.clear();
        self.bytes.clear();
        self.labels.clear();
        self.keys.clear();
        self.rows.clear();
        self.cursor = 0;
        self.top = 0;
    }

    /// Shows packet `p`, keeping the selected field when the new packet has it.
    pub fn load(&mut self, packets: &Packets, p: usize) {
        let keep = self.selected().map(|id| self.key_path(id));
        self.packet = Some(p);
        if !packets.dissect(p, &mut self.bytes, &mut self.d) {
            self.d.clear();
            self.bytes.clear();
        }
        let nodes = &self.d.tree.nodes;
        self.labels = (0..nodes.len()).map(|id| self.d.tree.label(id, self.d.node_bytes(&self.bytes, id))).collect();
        self.keys = Vec::with_capacity(nodes.len());
        let mut path: Vec<String> = Vec::new();
        for (id, n) in nodes.iter().enumerate() {
            path.truncate(n.depth as usize);
            let has_children = nodes.get(id + 1).is_some_and(|c| c.depth > n.depth);
            // Text items have no field name; their label (up to a colon) names them.
            let own = if n.field.name.is_empty() {
                let l = &self.labels[id];
                l.split(':').next().unwrap_or(l).to_string()
            } else {
                n.field.name.to_string()
            };
            let key = match path.last() {
                Some(parent) if n.field.name.is_empty() => format!("{parent}/{own}"),
                _ => own,
            };
            self.keys.push(if has_children { key.clone() } else { String::new() });
            path.push(key);
        }
        self.rebuild();
        self.cursor = 0;
        self.top = 0;
        if let Some(k) = keep {
            if let Some(i) = self.rows.iter().position(|&id| self.key_path(id) == k) {
                self.cursor = i;
            }
        }
    }

    /// The labels from the root down to `id`: how an item is found again in
    /// another packet.
    fn key_path(&self, id: NodeId) -> String {
        let nodes = &self.d.tree.nodes;
        let own = self.labels[id].split(':').next().unwrap_or("");
        let mut parts = vec![format!("{}={own}", nodes[id].field.name)];
        let mut depth = nodes[id].depth;
        for j in (0..id).rev() {
            if nodes[j].depth < depth {
                depth = nodes[j].depth;
                parts.push(nodes[j].field.name.to_string());
            }
        }
        parts.reverse();
        parts.join("/")
    }

    fn has_children(&self, id: NodeId) -> bool {
        !self.keys.get(id).is_none_or(|k| k.is_empty())
    }

    fn is_open(&self, id: NodeId) -> bool {
        self.has_children(id) && self.expanded.contains(&self.keys[id])
    }

    /// Recomputes the visible rows after an expansion change.
    fn rebuild(&mut self) {
        self.rows.clear();
        let mut skip_deeper: Option<u16> = None;
        for (id, n) in self.d.tree.nodes.iter().enumerate() {
            if let Some(d) = skip_deeper {
                if n.depth > d {
                    continue;
                }
                skip_deeper = None;
            }
            if n.hidden() {
                skip_deeper = Some(n.depth);
                continue;
            }
            self.rows.push(id);
            if !self.is_open(id) {
                skip_deeper = Some(n.depth);
            }
        }
        self.cursor = self.cursor.min(self.rows.len().saturating_sub(1));
    }

    pub fn selected(&self) -> Option<NodeId> {
        self.rows.get(self.cursor).copied()
    }

    pub fn label(&self, id: NodeId) -> &str {
        self.labels.get(id).map(String::as_str).unwrap_or("")
    }

    pub fn move_cursor(&mut self, delta: isize, height: usize) {
        let max = self.rows.len().saturating_sub(1) as isize;
        self.cursor = (self.cursor as isize + delta).clamp(0, max.max(0)) as usize;
        self.scroll_into_view(height);
    }

    pub fn set_cursor(&mut self, row: usize, height: usize) {
        self.cursor = row.min(self.rows.len().saturating_sub(1));
        self.scroll_into_view(height);
    }

    pub fn scroll_into_view(&mut self, height: usize) {
        let h = height.max(1);
        if self.cursor < self.top {
            self.top = self.cursor;
        } else if self.cursor >= self.top + h {
            self.top = self.cursor + 1 - h;
        }
    }

    /// Records whether `id`'s subtree is open (for this and later packets).
    fn remember(&mut self, id: NodeId, open: bool) {
        if !self.has_children(id) {
            return;
        }
        let key = self.keys[id].clone();
        if open {
            self.expanded.insert(key);
        } else {
            self.expanded.remove(&key);
        }
    }

    fn set_open(&mut self, id: NodeId, open: bool) {
        self.remember(id, open);
        self.rebuild();
    }

    pub fn toggle(&mut self) {
        if let Some(id) = self.selected() {
            let open = !self.is_open(id);
            self.set_open(id, open);
        }
    }

    /// Right / `l`: open the item, or step to its first child when open.
    pub fn expand(&mut self, height: usize) {
        let Some(id) = self.selected() else { return };
        if self.is_open(id) {
            self.move_cursor(1, height);
        } else {
            self.set_open(id, true);
        }
    }

    /// Left / `h`: close the item, or step to its parent when closed.
    pub fn collapse(&mut self, height: usize) {
        let Some(id) = self.selected() else { return };
        if self.is_open(id) {
            self.set_open(id, false);
        } else if let Some(parent) = self.parent(id) {
            if let Some(row) = self.rows.iter().position(|&r| r == parent) {
                self.set_cursor(row, height);
            }
        }
    }

    fn parent(&self, id: NodeId) -> Option<NodeId> {
        let depth = self.d.tree.nodes.get(id)?.depth;
        (0..id).rev().find(|&j| self.d.tree.nodes[j].depth < depth)
    }

    /// Expands (`e`) or collapses (`c`) every subtree.
    pub fn set_all(&mut self, open: bool) {
        let sel = self.selected();
        for id in 0..self.keys.len() {
            self.remember(id, open);
        }
        self.rebuild();
        // Keep the selection on the same item, or on its visible ancestor.
        let mut target = sel;
        while let Some(id) = target {
            if let Some(row) = self.rows.iter().position(|&r| r == id) {
                self.cursor = row;
                break;
            }
            target = self.parent(id);
        }
    }

    /// Selects item `id`, opening its ancestors.
    pub fn select_node(&mut self, id: NodeId, height: usize) {
        let mut p = self.parent(id);
        while let Some(a) = p {
            self.remember(a, true);
            p = self.parent(a);
        }
        self.rebuild();
        if let Some(row) = self.rows.iter().position(|&r| r == id) {
            self.set_cursor(row, height);
        }
    }

    /// The most specific shown item covering byte `off` of data source `src`.
    pub fn node_at_byte(&self, src: SourceId, off: usize) -> Option<NodeId> {
        let mut best: Option<NodeId> = None;
        for (id, n) in self.d.tree.nodes.iter().enumerate() {
            if n.hidden() || n.source != src || n.len == 0 || !n.range().contains(&off) {
                continue;
            }
            if best.is_none_or(|b| n.depth > self.d.tree.nodes[b].depth) {
                best = Some(id);
            }
        }
        best
    }

    /// The display filter that matches the selected item's value, as
    /// Wireshark's "Apply as Filter" builds it.
    pub fn filter_expr(&self) -> Option<String> {
        let id = self.selected()?;
        let n = &self.d.tree.nodes[id];
        let name = n.field.name;
        if name.is_empty() || name.starts_with('_') || n.field.ftype == FieldType::None {
            return None;
        }
        let bytes = self.d.node_bytes(&self.bytes, id);
        let mut out = String::new();
        match (&n.value, n.field.ftype) {
            (Value::None, FieldType::Protocol) => out.push_str(name),
            (Value::None, FieldType::Bytes) | (Value::Bytes(_), _) => {
                let b: &[u8] = match &n.value {
                    Value::Bytes(b) => b,
                    _ => bytes,
                };
                if b.is_empty() {
                    out.push_str(name);
                } else {
                    let hex: Vec<String> = b.iter().map(|x| format!("{x:02x}")).collect();
                    let _ = write!(out, "{name} == {}", hex.join(":"));
                }
            }
            (Value::None, _) => return None,
            (Value::Str(_) | Value::AbsTime(_), _) => {
                let mut v = String::new();
                format_value(n.field, &n.value, bytes, &mut v);
                let _ = write!(out, "{name} == \"{}\"", v.replace('\\', "\\\\").replace('"', "\\\""));
            }
            _ => {
                let _ = write!(out, "{name} == ");
                format_value(n.field, &n.value, bytes, &mut out);
            }
        }
        Some(out)
    }

    pub fn draw(&self, f: &mut Frame, area: Rect, focused: bool) {
        let height = area.height as usize;
        let mut lines = Vec::with_capacity(height);
        for (row, &id) in self.rows.iter().enumerate().skip(self.top).take(height) {
            let n = &self.d.tree.nodes[id];
            let marker = if !self.has_children(id) {
                "  "
            } else if self.is_open(id) {
                "▾ "
            } else {
                "▸ "
            };
            let indent = "  ".repeat(n.depth as usize);
            let mut style = Style::new();
            if n.field.name.starts_with("_ws.") {
                style = style.fg(ratatui::style::Color::LightRed);
            }
            if row == self.cursor {
                style = style.add_modifier(Modifier::REVERSED);
                if !focused {
                    style = style.add_modifier(Modifier::DIM);
                }
            }
            lines.push(Line::from(Span::styled(format!("{indent}{marker}{}", self.labels[id]), style)));
        }
        if self.packet.is_some() && self.rows.is_empty() {
            lines.push(Line::from("[packet bytes unreadable]"));
        }
        f.render_widget(Paragraph::new(lines), area);
    }
}
