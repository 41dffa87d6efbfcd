//! The help overlay: every key and mouse action, in one table.

use ratatui::layout::Rect;
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph};
use ratatui::Frame;

/// `(keys, what they do)`. Key handling lives in `app`; its tests check
/// that each key listed here does something.
pub const KEYS: &[(&str, &str)] = &[
    ("Tab  Shift-Tab", "next / previous pane"),
    ("j k  ↓ ↑", "move down / up"),
    ("g G  Home End", "first / last row"),
    ("PgDn PgUp", "page down / up"),
    ("Ctrl-d Ctrl-u", "half a page down / up"),
    ("Enter", "list: open the tree; tree: expand / collapse"),
    ("l h  → ←", "tree: expand / collapse (or child / parent); bytes: next / previous byte"),
    ("e c", "tree: expand all / collapse all"),
    ("a", "tree: apply the selected field as the display filter"),
    ("A", "tree: prepare a filter from the field (edit, then Enter)"),
    ("m  right-click", "tree: the item's menu (apply / prepare as filter, follow, ladder, conversations)"),
    ("/ f", "edit the display filter: Enter applies, Esc clears, ↑ ↓ history"),
    (": Ctrl-g", "go to packet number"),
    ("s Ctrl-f", "search: \"text\", hex bytes (de:ad:be:ef or 0xdeadbeef) or a filter"),
    ("n N", "next / previous search match"),
    ("Ctrl-s", "save all or the displayed packets (pcap; pcapng for a .pcapng name)"),
    ("Space", "live capture: pause / resume the display (capture goes on)"),
    ("R", "live capture: run a lab's traffic generator (server and client on loopback)"),
    ("t", "cycle the time format: relative, absolute, delta displayed, epoch"),
    ("z", "maximise / restore the focused pane"),
    ("F", "follow the TCP/UDP stream (m mode, d side, / search, w save)"),
    ("C", "conversations (Tab kind, e endpoints, s sort, r reverse, Enter filters)"),
    ("L", "TCP ladder diagram of the connection (moving selects the arrow's packet)"),
    ("T", "DNS, HTTP, SMTP transactions (Tab protocol, Enter / r: request / response)"),
    ("Esc", "back to the transactions after Enter; else hide a lab's \"Look for\" line"),
    ("?", "show / hide this help"),
    ("q Ctrl-c", "quit"),
    ("mouse", "click: select and focus; wheel: scroll; right-click on the tree: the item's menu"),
];

pub fn draw(f: &mut Frame, area: Rect, scroll: usize) {
    let r = crate::tui::layout::centered(area, 100, KEYS.len() as u16 + 4);
    let key_w = KEYS.iter().map(|(k, _)| k.chars().count()).max().unwrap_or(0) + 2;
    let mut lines: Vec<Line> = KEYS
        .iter()
        .skip(scroll)
        .map(|(k, d)| {
            Line::from(vec![
                Span::styled(format!(" {k:<key_w$}"), Style::new().add_modifier(Modifier::BOLD)),
                Span::raw(*d),
            ])
        })
        .collect();
    lines.push(Line::from(""));
    lines.push(Line::from(" Esc, q or ? closes this help; j / k scroll it."));
    f.render_widget(Clear, r);
    f.render_widget(Paragraph::new(lines).block(Block::new().borders(Borders::ALL).title(" Keys ")), r);
}
