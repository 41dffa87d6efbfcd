//! Decode As… (`D`, or the packet menu), as Wireshark's dialog: the rules
//! in force (from `-d` or added here), each removed by Enter, then the
//! selected packet's ports; Enter on a port lists the protocols its layer
//! can be decoded as (those `-d` accepts) and Enter on one adds the rule.
//! The app then dissects the whole capture again with the new table.

use crossterm::event::KeyEvent;
use ratatui::Frame;

use crate::dissect::decode_as::{self, Rule};
use crate::dissect::Dissection;
use crate::tui::layout::centered;
use crate::tui::overlays::menu::{self, MenuKey};

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DecodeAs {
    /// The rules in force.
    rules: Vec<Rule>,
    /// The selected packet's ports: layer, port and which end it is.
    ports: Vec<(&'static str, u16, &'static str)>,
    /// The port (an index into `ports`) whose protocol is being chosen.
    picking: Option<usize>,
    pub cursor: usize,
}

/// What a key does in the dialog.
#[derive(Debug, PartialEq, Eq)]
pub enum Choice {
    Stay,
    Close,
    /// The new table: dissect the capture again with it.
    Apply(Vec<Rule>),
}

impl DecodeAs {
    /// The dialog for the packet dissected in `d` (its TCP or UDP ports;
    /// none when it has neither) with `rules` in force.
    pub fn new(d: &Dissection, rules: Vec<Rule>) -> DecodeAs {
        let mut ports = Vec::new();
        for (layer, fields) in [("tcp.port", ["tcp.srcport", "tcp.dstport"]), ("udp.port", ["udp.srcport", "udp.dstport"])] {
            for (name, end) in fields.into_iter().zip(["source", "destination"]) {
                let port = crate::field::lookup(name).and_then(|f| d.tree.first(f)).and_then(|n| n.value.as_u64());
                if let Some(p) = port.and_then(|p| u16::try_from(p).ok()) {
                    if !ports.iter().any(|&(l, q, _)| l == layer && q == p) {
                        ports.push((layer, p, end));
                    }
                }
            }
        }
        DecodeAs { rules, ports, picking: None, cursor: 0 }
    }

    /// The rows shown: (text, key column).
    fn rows(&self) -> Vec<(String, String)> {
        if let Some(&(layer, port, _)) = self.picking.and_then(|i| self.ports.get(i)) {
            return decode_as::protocols_of(layer).into_iter().map(|p| (format!("{layer} == {port} → {p}"), String::new())).collect();
        }
        let rules = self.rules.iter().map(|r| (format!("{}  (Enter removes)", r.text), "-d".to_string()));
        let ports = self.ports.iter().map(|(layer, port, end)| (format!("{layer} == {port}  ({end}) →"), String::new()));
        rules.chain(ports).collect()
    }

    pub fn key(&mut self, k: KeyEvent) -> Choice {
        let len = self.rows().len();
        match menu::key(k, self.cursor, len, 'D') {
            MenuKey::Stay(row) => self.cursor = row,
            MenuKey::Close if self.picking.is_some() => (self.picking, self.cursor) = (None, 0),
            MenuKey::Close => return Choice::Close,
            MenuKey::Pick(i) => return self.pick(i),
        }
        Choice::Stay
    }

    fn pick(&mut self, i: usize) -> Choice {
        if let Some(&(layer, port, _)) = self.picking.and_then(|p| self.ports.get(p)) {
            let Some(proto) = decode_as::protocols_of(layer).get(i).copied() else { return Choice::Stay };
            let Ok(rule) = decode_as::parse(&format!("{layer}=={port},{proto}")) else { return Choice::Stay };
            let mut rules = self.rules.clone();
            rules.retain(|r| r.text != rule.text);
            rules.push(rule);
            return Choice::Apply(rules);
        }
        if i < self.rules.len() {
            let mut rules = self.rules.clone();
            rules.remove(i);
            return Choice::Apply(rules);
        }
        (self.picking, self.cursor) = (Some(i - self.rules.len()), 0);
        Choice::Stay
    }

    pub fn draw(&self, f: &mut Frame) {
        let rows = self.rows();
        let mut entries: Vec<(&str, &str)> = rows.iter().map(|(n, k)| (n.as_str(), k.as_str())).collect();
        let empty = "this packet has no TCP or UDP port";
        if entries.is_empty() {
            entries.push((empty, ""));
        }
        let title = match self.picking.and_then(|i| self.ports.get(i)) {
            Some((layer, port, _)) => format!("Decode {layer} == {port} As…"),
            None => "Decode As…".to_string(),
        };
        let r = centered(f.area(), 54, entries.len() as u16 + 2);
        menu::draw(f, r, &title, &entries, self.cursor, 44);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tui::testutil::{dissect, tcp_frame};
    use crossterm::event::{KeyCode, KeyModifiers};

    fn press(d: &mut DecodeAs, code: KeyCode) -> Choice {
        d.key(KeyEvent::new(code, KeyModifiers::NONE))
    }

    #[test]
    fn a_port_of_the_packet_gets_a_protocol_and_a_rule_goes() {
        let d = dissect(&tcp_frame(0x18, b"hello"));
        let mut dlg = DecodeAs::new(&d, Vec::new());
        assert_eq!(dlg.ports, [("tcp.port", 40000, "source"), ("tcp.port", 6789, "destination")]);
        press(&mut dlg, KeyCode::Down);
        assert_eq!(press(&mut dlg, KeyCode::Enter), Choice::Stay);
        let protocols = decode_as::protocols_of("tcp.port");
        let smtp = protocols.iter().position(|p| *p == "smtp").unwrap();
        for _ in 0..smtp {
            press(&mut dlg, KeyCode::Down);
        }
        let Choice::Apply(rules) = press(&mut dlg, KeyCode::Enter) else { panic!("no rule") };
        assert_eq!(rules.iter().map(|r| r.text.as_str()).collect::<Vec<_>>(), ["tcp.port==6789,smtp"]);
        // With that rule in force, its row comes first; Enter removes it.
        let mut dlg = DecodeAs::new(&d, rules);
        assert_eq!(press(&mut dlg, KeyCode::Enter), Choice::Apply(Vec::new()));
        // Esc leaves the protocol list first, then the dialog.
        let mut dlg = DecodeAs::new(&d, Vec::new());
        press(&mut dlg, KeyCode::Enter);
        assert_eq!(press(&mut dlg, KeyCode::Esc), Choice::Stay);
        assert_eq!(dlg.picking, None);
        assert_eq!(press(&mut dlg, KeyCode::Esc), Choice::Close);
    }
}
