//! Endpoints: `-z endpoints,eth|ip|ipv6|tcp|udp[,FILTER]`, and the
//! endpoints table of the TUI's conversations view. An endpoint's counts
//! are the sums of its conversations' (what it sent in each, and what it
//! got), so both read the conversation table.

use std::collections::HashMap;
use std::fmt::Write;

use super::conv::{ConvTap, Conversation};
use super::scan::Addr;
use super::Tap;
use crate::dissect::{Dissection, FrameMeta};
use crate::dissect::session::Session;

/// One address (with its port, for TCP and UDP).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Endpoint {
    pub addr: Addr,
    pub port: u16,
    pub tx_frames: u64,
    pub tx_bytes: u64,
    pub rx_frames: u64,
    pub rx_bytes: u64,
}

impl Endpoint {
    pub fn frames(&self) -> u64 {
        self.tx_frames + self.rx_frames
    }
    pub fn bytes(&self) -> u64 {
        self.tx_bytes + self.rx_bytes
    }
}

/// The endpoints of `convs`, in order of first appearance (a
/// conversation's side A, the first sender, before its side B, as
/// tshark's taps add a packet's source before its destination).
pub fn endpoints<'c>(convs: impl IntoIterator<Item = &'c Conversation>) -> Vec<Endpoint> {
    let mut out: Vec<Endpoint> = Vec::new();
    let mut index: HashMap<(Addr, u16), usize> = HashMap::new();
    for c in convs {
        for (addr, port, tx, rx) in [
            (c.a, c.port_a, (c.frames_ab, c.bytes_ab), (c.frames_ba, c.bytes_ba)),
            (c.b, c.port_b, (c.frames_ba, c.bytes_ba), (c.frames_ab, c.bytes_ab)),
        ] {
            let i = *index.entry((addr, port)).or_insert_with(|| {
                out.push(Endpoint { addr, port, tx_frames: 0, tx_bytes: 0, rx_frames: 0, rx_bytes: 0 });
                out.len() - 1
            });
            if let Some(e) = out.get_mut(i) {
                e.tx_frames += tx.0;
                e.tx_bytes += tx.1;
                e.rx_frames += rx.0;
                e.rx_bytes += rx.1;
            }
        }
    }
    out
}

pub struct EndpointsTap {
    conv: ConvTap,
}

impl EndpointsTap {
    /// `tcp`, `ip,FILTER` … (what follows `endpoints,`).
    pub fn parse(arg: &str) -> Result<EndpointsTap, String> {
        let conv = ConvTap::parse(arg).map_err(|e| e.replacen("-z conv,", "-z endpoints,", 1))?;
        Ok(EndpointsTap { conv })
    }
}

const RULE: &str = "================================================================================\n";

impl Tap for EndpointsTap {
    fn packet(&mut self, meta: &FrameMeta, d: &Dissection, data: &[u8]) {
        self.conv.packet(meta, d, data);
    }

    fn draw(&self, _session: &Session, out: &mut String) {
        let kind = self.conv.kind();
        let ports = kind.has_ports();
        out.push_str(RULE);
        let _ = writeln!(out, "{} Endpoints", kind.title());
        let _ = writeln!(out, "Filter:{}", self.conv.filter_text().unwrap_or("<No Filter>"));
        let port_head = if ports { "|  Port  |" } else { "" };
        let _ = writeln!(
            out,
            "                       {port_head}|  Packets  | |  Bytes  | | Tx Packets | | Tx Bytes | | Rx Packets | | Rx Bytes |"
        );
        let mut list = endpoints(self.conv.conversations());
        // Stable: ties keep the order of first appearance.
        list.sort_by_key(|e| std::cmp::Reverse(e.frames()));
        for e in &list {
            let _ = write!(out, "{:<20}", e.addr.to_string());
            if ports {
                let _ = write!(out, "      {:>5}     {:>6}", e.port, e.frames());
            } else {
                let _ = write!(out, "      {:>6}", e.frames());
            }
            let _ = writeln!(
                out,
                "     {:>9}     {:>6}       {:>9}      {:>6}       {:>9}   ",
                e.bytes(),
                e.tx_frames,
                e.tx_bytes,
                e.rx_frames,
                e.rx_bytes
            );
        }
        out.push_str(RULE);
    }

    fn filter_fields(&self) -> Vec<crate::field::Field> {
        self.conv.filter_fields()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::net::Ipv4Addr;

    fn conv(a: u8, pa: u16, b: u8, pb: u16, ab: (u64, u64), ba: (u64, u64)) -> Conversation {
        let ip = |x| Addr::V4(Ipv4Addr::new(10, 0, 0, x));
        Conversation {
            a: ip(a),
            b: ip(b),
            port_a: pa,
            port_b: pb,
            stream: None,
            frames_ab: ab.0,
            bytes_ab: ab.1,
            frames_ba: ba.0,
            bytes_ba: ba.1,
            start: 0,
            stop: 0,
        }
    }

    #[test]
    fn an_endpoint_sums_what_it_sent_and_got_in_each_conversation() {
        let convs = [conv(1, 40000, 2, 80, (3, 300), (2, 1000)), conv(3, 40001, 2, 80, (1, 60), (1, 70))];
        let e = endpoints(&convs);
        let seen: Vec<(u8, u16, u64, u64, u64, u64)> = e
            .iter()
            .map(|e| {
                let Addr::V4(a) = e.addr else { panic!("{e:?}") };
                (a.octets()[3], e.port, e.tx_frames, e.tx_bytes, e.rx_frames, e.rx_bytes)
            })
            .collect();
        assert_eq!(seen, [(1, 40000, 3, 300, 2, 1000), (2, 80, 3, 1070, 4, 360), (3, 40001, 1, 60, 1, 70)]);
        // A conversation of an address with itself counts both ways for it.
        let e = endpoints(&[conv(1, 0, 1, 0, (20, 1412), (0, 0))]);
        assert_eq!((e.len(), e[0].frames(), e[0].tx_frames, e[0].rx_frames), (1, 40, 20, 20));
    }
}
