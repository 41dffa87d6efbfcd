//! The protocol hierarchy: `-z io,phs`.
//!
//! Each packet's top-level protocol items (its layers, after `frame`) form a
//! path such as `eth → ip → tcp → http`; the statistic counts frames and
//! bytes at every prefix of every path, in order of first appearance.

use std::fmt::Write;

use super::{Tap, TapFilter};
use crate::dissect::{Dissection, FrameMeta};
use crate::field::FieldType;
use crate::dissect::session::Session;

#[derive(Clone, Debug)]
pub struct PhsNode {
    pub name: &'static str,
    pub frames: u32,
    pub bytes: u64,
    pub children: Vec<usize>,
}

#[derive(Default)]
pub struct PhsTap {
    nodes: Vec<PhsNode>,
    roots: Vec<usize>,
    filter: TapFilter,
    /// tshark builds the `frame` item only when a filter of the run reads
    /// it (`frame.len > 60`); then it is the hierarchy's root.
    frame: bool,
}

/// Lines longer than this are cut, as tshark's fixed line buffer cuts them.
const MAX_LINE: usize = 79;
const RULE: &str = "===================================================================\n";

impl PhsTap {
    /// `io,phs,FILTER`.
    pub fn filtered(filter: TapFilter) -> PhsTap {
        PhsTap { filter, ..PhsTap::default() }
    }

    pub fn nodes(&self) -> &[PhsNode] {
        &self.nodes
    }

    pub fn roots(&self) -> &[usize] {
        &self.roots
    }

    fn child(&mut self, parent: Option<usize>, name: &'static str) -> usize {
        let list = match parent {
            Some(p) => &self.nodes[p].children,
            None => &self.roots,
        };
        if let Some(&i) = list.iter().find(|&&i| self.nodes[i].name == name) {
            return i;
        }
        self.nodes.push(PhsNode { name, frames: 0, bytes: 0, children: Vec::new() });
        let i = self.nodes.len() - 1;
        match parent {
            Some(p) => self.nodes[p].children.push(i),
            None => self.roots.push(i),
        }
        i
    }

    /// Counts one packet whose layers are `path`.
    pub fn add_path(&mut self, path: impl IntoIterator<Item = &'static str>, bytes: u64) {
        let mut at = None;
        for name in path {
            let i = self.child(at, name);
            self.nodes[i].frames += 1;
            self.nodes[i].bytes += bytes;
            at = Some(i);
        }
    }

    fn draw_level(&self, list: &[usize], depth: usize, out: &mut String) {
        for &i in list {
            let n = &self.nodes[i];
            let mut s = String::new();
            for k in 0..depth {
                if k > 15 {
                    s.push_str("...");
                    break;
                }
                s.push_str("  ");
            }
            s.push_str(n.name);
            s.truncate(MAX_LINE);
            let _ = writeln!(out, "{s:<40} frames:{} bytes:{}", n.frames, n.bytes);
            self.draw_level(&n.children, depth + 1, out);
        }
    }
}

impl Tap for PhsTap {
    fn packet(&mut self, meta: &FrameMeta, d: &Dissection, data: &[u8]) {
        if !self.filter.passes(d, data) {
            return;
        }
        let frame = self.frame;
        let path = d
            .tree
            .nodes
            .iter()
            .filter(|n| n.depth == 0 && n.field.ftype == FieldType::Protocol && (frame || n.field.name != "frame"))
            .map(|n| n.field.name);
        let path: Vec<&'static str> = path.collect();
        self.add_path(path, meta.origlen as u64);
    }

    fn draw(&self, _session: &Session, out: &mut String) {
        out.push('\n');
        out.push_str(RULE);
        out.push_str("Protocol Hierarchy Statistics\n");
        let _ = writeln!(out, "Filter: {}\n", self.filter.text.as_deref().unwrap_or(""));
        self.draw_level(&self.roots, 0, out);
        out.push_str(RULE);
    }

    fn filter_fields(&self) -> Vec<crate::field::Field> {
        self.filter.fields()
    }

    fn primed(&mut self, fields: &[crate::field::Field]) {
        self.frame = fields.iter().any(|f| f.protocol() == "frame");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_share_prefixes_in_order_of_appearance() {
        let mut t = PhsTap::default();
        t.add_path(["eth", "ip", "tcp"], 60);
        t.add_path(["eth", "ip", "udp", "dns"], 80);
        t.add_path(["eth", "ip", "tcp", "http"], 100);
        let mut s = String::new();
        t.draw(&Session::new(), &mut s);
        let body: Vec<&str> = s.lines().skip(5).collect();
        assert_eq!(
            body,
            [
                "eth                                      frames:3 bytes:240",
                "  ip                                     frames:3 bytes:240",
                "    tcp                                  frames:2 bytes:160",
                "      http                               frames:1 bytes:100",
                "    udp                                  frames:1 bytes:80",
                "      dns                                frames:1 bytes:80",
                "===================================================================",
            ]
        );
    }
}
