//! The worker behind the flow graph (`W`) and the ladder of a conversation
//! without sequence numbers (UDP, ICMP echo): reads each packet's two ends,
//! its conversation and its Info, and sends them as `Found::Flows` chunks,
//! following a capture still running, as the other views' workers do. A
//! reply of FTP, POP3, IMAP or a TLS Server Hello names the command (or
//! Client Hello) it answers and the time since (`stats::command_replies`);
//! the TCP ladder labels its arrows with those commands and replies.

use std::collections::HashMap;
use std::sync::mpsc::Sender;
use std::sync::Arc;

use crate::dissect::{Depth, Dissection};
use crate::field::{self, Field};
use crate::filter::Filter;
use crate::stats::scan::{first_from, AddrFields, TransportFields};
use crate::stats::command_replies::{self, CommandReplies};
use crate::stats::exchange::{rtt_text, Exchange};
use crate::stats::Addr;

use crate::tui::event::Event;
use crate::tui::packets::Packets;
use crate::tui::workers::session::{relative_time, Found, Job, ViewProgress};
use crate::tui::workers::walk;

/// Which conversation a packet belongs to, for the ladder of one.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Conv {
    /// A UDP flow by `udp.stream`, or by its two ends (sorted) without one.
    UdpStream(u32),
    UdpEnds([(Addr, u16); 2]),
    /// An ICMP or ICMPv6 echo exchange: the two hosts (sorted) and the identifier.
    Echo([Addr; 2], u16),
}

impl Conv {
    /// What the ladder's title calls it.
    pub fn name(&self) -> &'static str {
        match self {
            Conv::UdpStream(_) | Conv::UdpEnds(_) => "UDP",
            Conv::Echo(..) => "ICMP echo",
        }
    }
}

/// One packet as the flow graph and the ladder draw it.
#[derive(Clone, Debug, PartialEq)]
pub struct FlowItem {
    /// 1-based frame number.
    pub frame: u32,
    /// Time since the first packet, in nanoseconds.
    pub rel: i64,
    /// The two ends: `address:port` for TCP and UDP (on loopback every host
    /// is 127.0.0.1, so the ports are what tells the programs apart), the
    /// address columns otherwise.
    pub src: String,
    pub dst: String,
    pub conv: Option<Conv>,
    /// An echo request (true) or reply (false): on loopback both come
    /// from 127.0.0.1, so the type tells the sides apart.
    pub request: Option<bool>,
    pub protocol: String,
    /// The Info column; for a UDP datagram no dissector reads, its
    /// printable payload (the pinger's "Ping 3 …").
    pub info: String,
    /// The commands and replies it carries (FTP, POP3, IMAP, the TLS
    /// handshake's hellos), each reply with the time since the command it
    /// answers and that command's frame: `331 Username ok (229 µs after 6)`.
    pub said: String,
}

/// The fields a flow item is read from, looked up once.
pub struct FlowFields {
    tcp: TransportFields,
    udp: TransportFields,
    icmp: [(Option<Field>, Option<Field>, [u64; 2]); 2],
    nets: [AddrFields; 2],
    rel: Option<Field>,
}

impl Default for FlowFields {
    fn default() -> FlowFields {
        FlowFields {
            tcp: TransportFields::new("tcp"),
            udp: TransportFields::new("udp"),
            // Echo request and reply types of ICMP and ICMPv6.
            icmp: [
                (field::lookup("icmp.type"), field::lookup("icmp.ident"), [8, 0]),
                (field::lookup("icmpv6.type"), field::lookup("icmpv6.echo.identifier"), [128, 129]),
            ],
            nets: [AddrFields::named("ip.src", "ip.dst"), AddrFields::named("ipv6.src", "ipv6.dst")],
            rel: field::lookup("frame.time_relative"),
        }
    }
}

impl FlowItem {
    /// Whether the item comes from the side of its conversation whose end
    /// is `client` (the first sender).
    pub fn from_client(&self, client: &str) -> bool {
        self.request.unwrap_or(self.src == client)
    }
}

/// The requests and replies of every conversation without sequence
/// numbers, paired as their flow items come in capture order: the ladder,
/// the flow graph and the lab checklist all pair this way.
#[derive(Default)]
pub struct Exchanges {
    /// Per conversation: its client (the first sender's end) and its messages.
    convs: HashMap<Conv, (String, Exchange)>,
}

impl Exchanges {
    /// Pairs `it` in its conversation (an item in none is left out).
    pub fn push(&mut self, it: &FlowItem) {
        let Some(conv) = it.conv else { return };
        let (client, x) = self.convs.entry(conv).or_insert_with(|| (it.src.clone(), Exchange::default()));
        let from_client = it.from_client(client);
        x.push(it.frame, it.rel, from_client, it.info.clone());
    }

    pub fn get(&self, conv: Conv) -> Option<&Exchange> {
        self.convs.get(&conv).map(|(_, x)| x)
    }

    /// Whether a request may still be answered (`Exchange::waiting`).
    pub fn waiting(&self, now: Option<i64>, timeout: Option<i64>) -> bool {
        self.convs.values().any(|(_, x)| x.waiting(now, timeout))
    }

    /// The frames (ascending) of the requests that can no longer be answered.
    pub fn lost(&self, now: Option<i64>, timeout: Option<i64>) -> Vec<u32> {
        let mut lost: Vec<u32> = self.convs.values().flat_map(|(_, x)| x.lost(now, timeout)).collect();
        lost.sort_unstable();
        lost
    }
}

/// Up to 48 characters of a payload, non-printable bytes as dots.
fn printable(payload: &[u8]) -> String {
    payload.iter().take(48).map(|&b| if (0x20..0x7f).contains(&b) { b as char } else { '.' }).collect()
}

impl FlowFields {
    /// The flow item of a packet dissected to `Depth::Transport` at least.
    pub fn read(&self, d: &Dissection, bytes: &[u8], frame: u32) -> FlowItem {
        let mut item = FlowItem {
            frame,
            rel: relative_time(d, self.rel),
            src: d.cols.src.clone(),
            dst: d.cols.dst.clone(),
            conv: None,
            request: None,
            protocol: d.cols.protocol.clone(),
            info: d.cols.info.clone(),
            said: String::new(),
        };
        let ends = |a: Addr, p: u16| crate::tui::views::address_port(a, p);
        if let Some(t) = self.tcp.read(d) {
            (item.src, item.dst) = (ends(t.src, t.sport), ends(t.dst, t.dport));
        } else if let Some(t) = self.udp.read(d) {
            (item.src, item.dst) = (ends(t.src, t.sport), ends(t.dst, t.dport));
            let mut pair = [(t.src, t.sport), (t.dst, t.dport)];
            pair.sort();
            item.conv = Some(t.stream.map(Conv::UdpStream).unwrap_or(Conv::UdpEnds(pair)));
            if item.protocol == "UDP" {
                let payload = t.payload.map(|id| d.node_bytes(bytes, id)).unwrap_or_default();
                item.info = format!("{} Len={}", printable(payload), payload.len());
            }
        } else if let Some((conv, request)) = self.echo(d) {
            (item.conv, item.request) = (Some(conv), Some(request));
        }
        item
    }

    /// The echo exchange of an ICMP or ICMPv6 echo request or reply, and
    /// whether it is the request.
    fn echo(&self, d: &Dissection) -> Option<(Conv, bool)> {
        let value = |f, from| first_from(d, f, from).and_then(|i| Some((i, d.tree.nodes[i].value.as_u64()?)));
        self.icmp.iter().find_map(|&(ty, ident, echo)| {
            let (i, t) = value(ty, 0)?;
            if !echo.contains(&t) {
                return None;
            }
            let (_, id) = value(ident, i)?;
            let (a, b) = self.nets.iter().find_map(|n| n.pairs(d).pop())?;
            Some((Conv::Echo(if a <= b { [a, b] } else { [b, a] }, id as u16), t == echo[0]))
        })
    }
}

/// Starts the worker that sends the flow item of every packet `filter`
/// keeps (all without one) and, with `only`, of that conversation alone.
pub fn spawn(packets: Arc<Packets>, filter: Option<Arc<Filter>>, only: Option<Conv>, tx: Sender<Event>, job: &Job) {
    let generation = job.generation();
    let fields = FlowFields::default();
    let store = packets.clone();
    let mut halves = Vec::new();
    // The application fields pair commands with their replies.
    walk::spawn_with(
        packets,
        Depth::Fields,
        job.cancel_flag(),
        (Vec::new(), CommandReplies::default()),
        move |(items, pairs): &mut (Vec<FlowItem>, CommandReplies), i, d, bytes| {
            if filter.as_ref().is_some_and(|f| !f.matches(d, bytes)) {
                return;
            }
            let mut item = fields.read(d, bytes, i as u32 + 1);
            halves.clear();
            command_replies::items(item.frame, d, bytes, &mut halves);
            for h in halves.drain(..) {
                let text = h.text.clone();
                let answered = pairs.add(h);
                if !item.said.is_empty() {
                    item.said.push_str("; ");
                }
                item.said.push_str(&text);
                if let Some((request, ns)) = answered {
                    item.info.push_str(&format!("  [reply to {request}, {:.6} s]", ns as f64 / 1e9));
                    item.said.push_str(&format!(" ({} after {request})", rtt_text(ns)));
                }
            }
            if only.is_none() || item.conv == only {
                items.push(item);
            }
        },
        move |(items, _), scanned_to, done| {
            let found = Found::Flows(std::mem::take(items));
            let caught_up = scanned_to >= store.len();
            tx.send(Event::View(ViewProgress { generation, found, scanned_to, caught_up, done })).is_ok()
        },
    );
}

/// The flow item of one packet, read on the caller's thread (the ladder
/// learns at once which conversation it draws).
pub fn of_frame(packets: &Packets, frame: u32) -> Option<FlowItem> {
    let i = (frame as usize).checked_sub(1)?;
    let (mut bytes, mut d) = (Vec::new(), Dissection::default());
    packets.dissect_to(i, Depth::Transport, &mut bytes, &mut d).then(|| FlowFields::default().read(&d, &bytes, frame))
}
