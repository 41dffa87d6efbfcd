//! Conversations: `-z conv,eth|ip|ipv6|tcp|udp`, and the table behind the
//! TUI's conversations view.

use std::collections::HashMap;
use std::fmt::Write;

use super::scan::{Addr, AddrFields, Transport, TransportFields};
use super::{format_size, nanos_to_sec, Tap, TapFilter};
use crate::dissect::{Dissection, FrameMeta};
use crate::dissect::session::Session;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ConvType {
    Eth,
    Ip,
    Ipv6,
    Tcp,
    Udp,
}

impl ConvType {
    pub fn parse(s: &str) -> Option<ConvType> {
        Some(match s {
            "eth" => ConvType::Eth,
            "ip" => ConvType::Ip,
            "ipv6" => ConvType::Ipv6,
            "tcp" => ConvType::Tcp,
            "udp" => ConvType::Udp,
            _ => return None,
        })
    }

    /// The table title tshark prints.
    pub fn title(self) -> &'static str {
        match self {
            ConvType::Eth => "Ethernet",
            ConvType::Ip => "IPv4",
            ConvType::Ipv6 => "IPv6",
            ConvType::Tcp => "TCP",
            ConvType::Udp => "UDP",
        }
    }

    pub fn has_ports(self) -> bool {
        matches!(self, ConvType::Tcp | ConvType::Udp)
    }

    /// The display filter field of the stream index, when there is one.
    pub fn proto(self) -> &'static str {
        match self {
            ConvType::Eth => "eth",
            ConvType::Ip => "ip",
            ConvType::Ipv6 => "ipv6",
            ConvType::Tcp => "tcp",
            ConvType::Udp => "udp",
        }
    }
}

/// One conversation. Side A sent its first packet.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Conversation {
    pub a: Addr,
    pub b: Addr,
    pub port_a: u16,
    pub port_b: u16,
    /// `tcp.stream` for TCP (a reused port pair is a new conversation).
    pub stream: Option<u32>,
    /// A → B.
    pub frames_ab: u64,
    pub bytes_ab: u64,
    /// B → A.
    pub frames_ba: u64,
    pub bytes_ba: u64,
    /// Relative to the first packet of the capture, in nanoseconds.
    pub start: i64,
    pub stop: i64,
}

impl Conversation {
    pub fn frames_total(&self) -> u64 {
        self.frames_ab + self.frames_ba
    }
    pub fn bytes_total(&self) -> u64 {
        self.bytes_ab + self.bytes_ba
    }
    pub fn duration(&self) -> i64 {
        self.stop - self.start
    }
}

type Key = (Addr, u16, Addr, u16, Option<u32>);

/// One packet's contribution: its endpoints, size and time.
#[derive(Clone, Copy)]
struct Hit {
    src: Addr,
    dst: Addr,
    sport: u16,
    dport: u16,
    stream: Option<u32>,
}

pub struct ConvTap {
    kind: ConvType,
    addrs: AddrFields,
    transport: Option<TransportFields>,
    items: Vec<Conversation>,
    index: HashMap<Key, usize>,
    changed: Vec<usize>,
    /// Whether each row is in `changed`.
    marked: Vec<bool>,
    filter: TapFilter,
}

impl ConvTap {
    pub fn new(kind: ConvType) -> ConvTap {
        let addrs = match kind {
            ConvType::Eth => AddrFields::named("eth.src", "eth.dst"),
            ConvType::Ip | ConvType::Tcp | ConvType::Udp => AddrFields::named("ip.src", "ip.dst"),
            ConvType::Ipv6 => AddrFields::named("ipv6.src", "ipv6.dst"),
        };
        let transport = kind.has_ports().then(|| TransportFields::new(kind.proto()));
        ConvTap { kind, addrs, transport, items: Vec::new(), index: HashMap::new(), changed: Vec::new(), marked: Vec::new(), filter: TapFilter::default() }
    }

    /// `tcp`, `udp`, `tcp,FILTER` … (what follows `conv,`).
    pub fn parse(arg: &str) -> Result<ConvTap, String> {
        let (kind, filter) = match arg.split_once(',') {
            Some((k, f)) => (k, Some(f)),
            None => (arg, None),
        };
        let Some(kind) = ConvType::parse(kind) else {
            return Err(format!("-z conv,{arg}: unknown conversation type {kind:?} (eth, ip, ipv6, tcp, udp)"));
        };
        let filter = TapFilter::parse(&format!("conv,{arg}"), filter)?;
        Ok(ConvTap { filter, ..ConvTap::new(kind) })
    }

    pub fn kind(&self) -> ConvType {
        self.kind
    }

    /// The tap's own filter as given, if any.
    pub fn filter_text(&self) -> Option<&str> {
        self.filter.text.as_deref()
    }

    /// The conversations in order of first appearance.
    pub fn conversations(&self) -> &[Conversation] {
        &self.items
    }

    fn hits(&self, d: &Dissection) -> Vec<Hit> {
        match &self.transport {
            Some(t) => t
                .read(d)
                .map(|Transport { src, dst, sport, dport, stream, .. }| Hit {
                    src,
                    dst,
                    sport,
                    dport,
                    stream: if self.kind == ConvType::Tcp { stream } else { None },
                })
                .into_iter()
                .collect(),
            None => self
                .addrs
                .pairs(d)
                .into_iter()
                .map(|(src, dst)| Hit { src, dst, sport: 0, dport: 0, stream: None })
                .collect(),
        }
    }

    fn add(&mut self, h: Hit, len: u64, rel: i64) {
        // The key is the same both ways; the row itself names the first
        // packet's sender as side A, as Wireshark's table does.
        let key = if (h.src, h.sport) <= (h.dst, h.dport) {
            (h.src, h.sport, h.dst, h.dport, h.stream)
        } else {
            (h.dst, h.dport, h.src, h.sport, h.stream)
        };
        let i = match self.index.get(&key) {
            Some(&i) => i,
            None => {
                self.items.push(Conversation {
                    a: h.src,
                    port_a: h.sport,
                    b: h.dst,
                    port_b: h.dport,
                    stream: h.stream,
                    frames_ab: 0,
                    bytes_ab: 0,
                    frames_ba: 0,
                    bytes_ba: 0,
                    start: rel,
                    stop: rel,
                });
                self.index.insert(key, self.items.len() - 1);
                self.marked.push(false);
                self.items.len() - 1
            }
        };
        let c = &mut self.items[i];
        if h.src == c.a && h.dst == c.b && h.sport == c.port_a && h.dport == c.port_b {
            c.frames_ab += 1;
            c.bytes_ab += len;
        } else {
            c.frames_ba += 1;
            c.bytes_ba += len;
        }
        if rel > c.stop {
            c.stop = rel;
        } else if rel < c.start {
            c.start = rel;
        }
        if let Some(m) = self.marked.get_mut(i).filter(|m| !**m) {
            *m = true;
            self.changed.push(i);
        }
    }

    /// The rows changed since the last call (a view that follows a capture
    /// sends only those).
    pub fn take_changed(&mut self) -> Vec<usize> {
        for &i in &self.changed {
            if let Some(m) = self.marked.get_mut(i) {
                *m = false;
            }
        }
        std::mem::take(&mut self.changed)
    }

    fn endpoint(&self, addr: Addr, port: u16) -> String {
        if self.kind.has_ports() {
            format!("{addr}:{port}")
        } else {
            addr.to_string()
        }
    }
}

const RULE: &str = "================================================================================\n";

impl Tap for ConvTap {
    fn packet(&mut self, meta: &FrameMeta, d: &Dissection, data: &[u8]) {
        if !self.filter.passes(d, data) {
            return;
        }
        let rel = meta.ts.since(meta.first_ts);
        for h in self.hits(d) {
            self.add(h, meta.origlen as u64, rel);
        }
    }

    fn draw(&self, _session: &Session, out: &mut String) {
        out.push_str(RULE);
        let _ = writeln!(out, "{} Conversations", self.kind.title());
        let _ = writeln!(out, "Filter:{}", self.filter_text().unwrap_or("<No Filter>"));
        let pad = if self.kind.has_ports() { 59 } else { 47 };
        let _ = writeln!(
            out,
            "{:pad$}|       <-      | |       ->      | |     Total     |    Relative    |   Duration   |",
            ""
        );
        let _ = writeln!(
            out,
            "{:pad$}| Frames  Bytes | | Frames  Bytes | | Frames  Bytes |      Start     |              |",
            ""
        );
        let mut order: Vec<&Conversation> = self.items.iter().collect();
        // Stable: ties keep the order of first appearance, as tshark's
        // repeated scans for the next-largest count do.
        order.sort_by_key(|c| std::cmp::Reverse(c.frames_total()));
        let w = if self.kind.has_ports() { 26 } else { 20 };
        for c in order {
            let _ = write!(
                out,
                "{:<w$} <-> {:<w$}",
                self.endpoint(c.a, c.port_a),
                self.endpoint(c.b, c.port_b)
            );
            let _ = writeln!(
                out,
                "  {:>6} {:<9}  {:>6} {:<9}  {:>6} {:<9}  {:>14.9}   {:>12.4}",
                c.frames_ba,
                format_size(c.bytes_ba),
                c.frames_ab,
                format_size(c.bytes_ab),
                c.frames_total(),
                format_size(c.bytes_total()),
                nanos_to_sec(c.start),
                nanos_to_sec(c.stop) - nanos_to_sec(c.start),
            );
        }
        out.push_str(RULE);
    }

    fn filter_fields(&self) -> Vec<crate::field::Field> {
        self.filter.fields()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::net::Ipv4Addr;

    fn v4(last: u8) -> Addr {
        Addr::V4(Ipv4Addr::new(10, 0, 0, last))
    }

    fn hit(src: Addr, sport: u16, dst: Addr, dport: u16) -> Hit {
        Hit { src, dst, sport, dport, stream: None }
    }

    #[test]
    fn side_a_is_the_first_sender_and_both_ways_meet() {
        let mut t = ConvTap::new(ConvType::Udp);
        t.add(hit(v4(1), 53, v4(2), 40000), 100, 0);
        t.add(hit(v4(2), 40000, v4(1), 53), 60, 1_500_000_000);
        t.add(hit(v4(2), 40001, v4(1), 53), 60, 1_600_000_000);
        assert_eq!(t.conversations().len(), 2);
        let c = &t.conversations()[0];
        assert_eq!((c.a, c.port_a, c.b, c.port_b), (v4(1), 53, v4(2), 40000));
        assert_eq!((c.frames_ab, c.bytes_ab, c.frames_ba, c.bytes_ba), (1, 100, 1, 60));
        assert_eq!(c.duration(), 1_500_000_000);
        assert_eq!(t.take_changed(), [0, 1]);
        assert!(t.take_changed().is_empty());
    }

    #[test]
    fn table_layout_matches_tshark() {
        let mut t = ConvTap::new(ConvType::Tcp);
        let a = Addr::V4(Ipv4Addr::new(192, 168, 43, 213));
        let b = Addr::V4(Ipv4Addr::new(207, 148, 248, 143));
        for (i, (fwd, len)) in [(true, 66), (false, 66), (true, 54)].into_iter().enumerate() {
            let h = if fwd { hit(a, 65218, b, 80) } else { hit(b, 80, a, 65218) };
            t.add(h, len, i as i64 * 100_000_000);
        }
        let mut s = String::new();
        t.draw(&Session::new(), &mut s);
        let row = s.lines().nth(5).unwrap_or_default();
        assert_eq!(
            row,
            "192.168.43.213:65218       <-> 207.148.248.143:80               1 66 bytes        2 120 bytes       3 186 bytes     0.000000000         0.2000"
        );
        assert!(s.starts_with(RULE) && s.ends_with(RULE));
    }
}
