//! What a tree item means: the one-line summary Wireshark's status bar
//! shows for a selected item, and the longer explanation the inspector's
//! `i` panel shows — the field's description and, for the fields a
//! networking lab meets, this packet's value told in the protocol's story
//! with the RFC section to read. One file per protocol; the TUI only shows
//! the text.

mod arp;
mod dhcp;
mod dns;
mod ftp;
mod http;
mod icmp;
mod ip;
mod ntp;
mod smtp;
mod ssh;
mod tcp;
mod tls;
mod udp;

#[cfg(test)]
mod tests;

use crate::dissect::Dissection;
use crate::field::tree::{Node, NodeId};
use crate::field::{self, FieldType, Value};

/// Another frame's dissection (values only), by frame number: how a story
/// reaches the packet an item refers to (the segment an ACK acknowledges).
pub type Frames<'a> = &'a mut dyn FnMut(u32) -> Option<Dissection>;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Explanation {
    /// The item as the status bar names it (`Transaction ID (dns.id), 2 bytes`).
    pub title: String,
    /// What the field is, whatever the packet.
    pub about: String,
    /// This packet's value in the protocol's story, one paragraph a line.
    pub story: Vec<String>,
    /// Where to read more (`RFC 1035, section 4.1.1`).
    pub read: Option<String>,
}

/// What a protocol file tells about one item.
struct Story {
    lines: Vec<String>,
    read: String,
}

impl Story {
    fn new(read: impl Into<String>, lines: Vec<String>) -> Option<Story> {
        Some(Story { lines, read: read.into() })
    }
}

/// The selected item as Wireshark's status bar words it: the field's
/// display name, its filter name in parentheses and the bytes it covers
/// (`Transaction ID (dns.id), 2 bytes`; `Domain Name System (dns), 40 bytes`).
/// Wireshark registers text-only items as "Text item" (`text`), and an item
/// covering no bytes (most generated ones) gets no byte count.
pub fn summary(n: &Node) -> String {
    let (display, name) = if n.field.name.is_empty() { ("Text item", "text") } else { (n.field.display, n.field.name) };
    match n.len {
        0 => format!("{display} ({name})"),
        1 => format!("{display} ({name}), 1 byte"),
        len => format!("{display} ({name}), {len} bytes"),
    }
}

/// Explains item `id` of a packet's tree (`bytes`: the frame it was
/// dissected from); `frames` gives the other packets a story may need.
pub fn explain(d: &Dissection, bytes: &[u8], id: NodeId, frames: Frames) -> Option<Explanation> {
    let n = d.tree.nodes.get(id)?;
    let about = if n.field.name.is_empty() {
        "A line of text the dissector adds to the tree; it has no field name to filter on.".to_string()
    } else if n.field.desc.is_empty() {
        n.field.display.to_string()
    } else {
        n.field.desc.to_string()
    };
    let item = Item { d, bytes, id, n };
    let story = match n.field.protocol() {
        "tcp" => tcp::story(&item, frames),
        "ip" | "ipv6" => ip::story(&item),
        "udp" => udp::story(&item),
        "dns" => dns::story(&item),
        "http" => http::story(&item),
        "smtp" => smtp::story(&item),
        "icmp" | "icmpv6" => icmp::story(&item),
        "arp" => arp::story(&item),
        "dhcp" => dhcp::story(&item),
        "ntp" => ntp::story(&item),
        "tls" => tls::story(&item),
        "ssh" => ssh::story(&item),
        "ftp" => ftp::story(&item),
        _ => None,
    };
    let (story, read) = match story {
        Some(s) => (s.lines, Some(s.read)),
        None => (Vec::new(), None),
    };
    Some(Explanation { title: summary(n), about, story, read })
}

/// The item being explained and the layer it sits in.
struct Item<'a> {
    d: &'a Dissection,
    bytes: &'a [u8],
    id: NodeId,
    n: &'a Node,
}

impl<'a> Item<'a> {
    fn name(&self) -> &'static str {
        self.n.field.name
    }

    fn uint(&self) -> Option<u64> {
        self.n.value.as_u64()
    }

    fn flag(&self) -> bool {
        matches!(self.n.value, Value::Bool(true)) || self.n.value.as_u64().is_some_and(|v| v != 0)
    }

    /// The item's value as `-T fields` prints it.
    fn text(&self) -> String {
        let mut s = String::new();
        field::format_value(self.n.field, &self.n.value, self.d.node_bytes(self.bytes, self.id), &mut s);
        s
    }

    /// The items of this item's protocol layer (the nearest protocol item
    /// above it, itself included, and not a protocol-typed part such as a
    /// TCP option), so that a TCP header quoted in an ICMP error is read
    /// apart from the packet's own.
    fn layer(&self) -> std::ops::Range<NodeId> {
        let nodes = &self.d.tree.nodes;
        let mut depth = self.n.depth + 1;
        let mut start = 0;
        for i in (0..=self.id).rev() {
            if nodes[i].depth < depth {
                depth = nodes[i].depth;
                if nodes[i].field.ftype == FieldType::Protocol && !nodes[i].field.name.contains('.') {
                    start = i;
                    break;
                }
            }
        }
        start..self.d.tree.subtree_end(start)
    }

    /// The first item of field `name` in this item's layer.
    fn find(&self, name: &str) -> Option<&'a Node> {
        let nodes = &self.d.tree.nodes;
        self.layer().map(|i| &nodes[i]).find(|n| n.field.name == name)
    }

    fn num(&self, name: &str) -> Option<u64> {
        self.find(name)?.value.as_u64()
    }

    fn int(&self, name: &str) -> Option<i64> {
        match self.find(name)?.value {
            Value::Int(v) => Some(v),
            ref v => v.as_u64().map(|v| v as i64),
        }
    }

    fn is_set(&self, name: &str) -> bool {
        self.find(name).is_some_and(|n| matches!(n.value, Value::Bool(true)) || n.value.as_u64().is_some_and(|v| v != 0))
    }

    /// This packet's frame number.
    fn frame(&self) -> Option<u32> {
        first_num(self.d, "frame.number").map(|v| v as u32)
    }
}

/// The first value of field `name` anywhere in a dissection.
fn first_num(d: &Dissection, name: &str) -> Option<u64> {
    d.tree.nodes.iter().find(|n| n.field.name == name)?.value.as_u64()
}

/// `n` with its noun, singular or plural (`1 byte`, `17 bytes`).
fn count(n: u64, one: &str, many: &str) -> String {
    if n == 1 {
        format!("1 {one}")
    } else {
        format!("{n} {many}")
    }
}

/// A duration in seconds as people say it (`3600` → `1 hour`, `90` → `1 minute 30 seconds`).
fn seconds(s: u64) -> String {
    let parts = [(86_400, "day", "days"), (3_600, "hour", "hours"), (60, "minute", "minutes"), (1, "second", "seconds")];
    let mut left = s;
    let mut out = Vec::new();
    for (unit, one, many) in parts {
        if left >= unit {
            out.push(count(left / unit, one, many));
            left %= unit;
        }
    }
    if out.is_empty() {
        "0 seconds".into()
    } else {
        out.join(" ")
    }
}
