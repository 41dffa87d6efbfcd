//! Dissectors: pure functions from a packet's bytes (and the session state of
//! the packets before it) to a tree of fields with byte ranges and the
//! summary columns.
//!
//! Every dissector has the shape `fn(cx: &mut Ctx, b: Buf) -> DResult<()>`:
//! it adds its items to `cx.out.tree`, updates the columns and hands its
//! payload to the next dissector through the tables in `dispatch`. An error
//! stops that layer only; the layers already decoded stay in the tree and
//! the packet is flagged, as Wireshark does.

pub mod buf;
pub mod conv;
mod custom_block;
mod enterprises;
pub mod decode_as;
pub mod dhcp;
mod dispatch;
pub mod dns;
pub mod frame;
pub mod ftp;
pub mod imap;
pub mod pop;
pub mod http;
pub mod link;
pub mod nbns;
pub mod net;
pub mod ntp;
pub mod numbers;
pub mod ppp;
pub mod quic;
pub mod registries;
pub mod session;
pub mod smtp;
pub mod ssdp;
pub mod ssh;
pub mod tcp;
pub mod tls;
pub mod udp;
pub mod websocket;

#[cfg(test)]
mod app_props;
#[cfg(test)]
mod tests;
#[cfg(test)]
mod testutil;

use std::fmt::Write;

pub use buf::{Buf, DResult, DissectError};
pub use dispatch::{ethertype, hand_over, ip_proto, link, Pdu, TcpApp, TcpSeg, DATA};

use crate::field::{Field, FieldDef, FieldType, Timestamp, Value};
use crate::dissect::session::Session;
use crate::field::tree::{Labels, NodeId, SourceId, Tree, FRAME};

/// Every protocol's field list. The registry, the filter language and
/// `--list-fields` read this; adding a protocol adds one line here.
pub static FIELD_LISTS: &[&[Field]] = &[
    frame::FIELDS,
    custom_block::FIELDS,
    MALFORMED_FIELDS,
    dispatch::DATA_FIELDS,
    link::eth::FIELDS,
    link::null::FIELDS,
    link::raw::FIELDS,
    link::sll::FIELDS,
    link::vlan::FIELDS,
    net::arp::FIELDS,
    link::llc::FIELDS,
    link::chdlc::FIELDS,
    link::nflog::FIELDS,
    ppp::FIELDS,
    ppp::cp::FIELDS,
    &ppp::cp::ACCM_FIELDS,
    ppp::auth::FIELDS,
    ppp::pppoe::FIELDS,
    net::ipv4::FIELDS,
    net::ipv6::FIELDS,
    net::icmp::FIELDS,
    net::icmpv6::FIELDS,
    net::igmp::FIELDS,
    tcp::FIELDS,
    tcp::options::FIELDS,
    tcp::later_options::FIELDS,
    tcp::expert::FIELDS,
    tcp::pdu::FIELDS,
    udp::FIELDS,
    dns::FIELDS,
    dns::RDATA_FIELDS,
    dns::dnssec::FIELDS,
    dns::svcb::FIELDS,
    dns::rdata_text::FIELDS,
    http::FIELDS,
    &http::HEADER_FIELDS,
    http::body::FIELDS,
    http::encoding::FIELDS,
    smtp::FIELDS,
    &smtp::imf::FIELDS,
    dhcp::FIELDS,
    dhcp::OPTION_FIELDS,
    ntp::FIELDS,
    nbns::FIELDS,
    &nbns::RECORD_FIELDS,
    ssdp::FIELDS,
    ftp::FIELDS,
    ftp::data::FIELDS,
    pop::FIELDS,
    imap::FIELDS,
    websocket::FIELDS,
    tls::FIELDS,
    quic::FIELDS,
    quic::params::FIELDS,
    quic::http3::FIELDS,
    quic::qpack::fields::FIELDS,
    quic::qpack::fields::NAMED_FIELDS,
    ssh::FIELDS,
];

/// What the capture file says about one packet.
#[derive(Clone, Copy, Debug, Default)]
pub struct FrameMeta {
    /// 1-based frame number.
    pub number: u32,
    pub ts: Timestamp,
    pub caplen: u32,
    pub origlen: u32,
    pub linktype: u32,
    pub iface: u32,
    /// Whether the file names interfaces (pcapng); pcap files have none and
    /// tshark then shows no `frame.interface_id`.
    pub has_iface: bool,
    /// The pcapng section, from 0, and what the interface is called
    /// (`Interface::shown_name`) and described as.
    pub section: u32,
    pub iface_name: &'static str,
    pub iface_description: Option<&'static str>,
    /// Decimal digits of the timestamp resolution (6 for µs, 9 for ns).
    pub ts_digits: u8,
    /// Time of the first packet, for `frame.time_relative`.
    pub first_ts: Timestamp,
    /// Time of the previous packet, for `frame.time_delta`.
    pub prev_ts: Timestamp,
    /// Time of the previous packet a display filter let through, for
    /// `frame.time_delta_displayed`; `None`: every packet is displayed.
    pub prev_shown: Option<Timestamp>,
    /// The file gives the packet no time (`ts` is 0): no time is shown.
    pub no_ts: bool,
    /// The record is a pcapng custom block, not a packet.
    pub custom: Option<crate::capture::CustomBlock>,
}

impl FrameMeta {
    /// Packet `number` as the file describes it; `first_ts` and `prev_ts`
    /// are the first and the previous packets' times.
    pub fn of(
        number: u32,
        rec: &crate::capture::Record,
        iface: &crate::capture::Interface,
        has_iface: bool,
        first_ts: Timestamp,
        prev_ts: Timestamp,
    ) -> FrameMeta {
        FrameMeta {
            number,
            ts: rec.ts,
            caplen: rec.caplen,
            origlen: rec.origlen,
            linktype: iface.linktype,
            iface: rec.section_iface,
            has_iface: has_iface && rec.custom.is_none(),
            section: iface.section,
            iface_name: iface.shown_name(),
            iface_description: iface.description,
            ts_digits: iface.ts_digits,
            first_ts,
            prev_ts,
            prev_shown: None,
            no_ts: rec.no_ts,
            custom: rec.custom,
        }
    }

    /// What the file says about stored packet `i` (0-based), as the first
    /// pass saw it (`Arrivals` numbered it).
    pub fn stored(store: &crate::capture::PacketStore, i: usize) -> Option<FrameMeta> {
        let (prev, rec) = store.records.get_with_prev(i);
        let rec = rec?;
        let first = store.records.get(0)?.ts;
        let prev = prev.map_or(rec.ts, |p| p.ts);
        let iface = rec.interface(&store.interfaces)?;
        Some(FrameMeta::of(i as u32 + 1, &rec, iface, store.pcapng, first, prev))
    }
}

/// Packets in arrival order, numbered from 1, each with the first and the
/// previous packets' times: the `FrameMeta` of a pass that sees each packet
/// once (a file read through, a live capture).
#[derive(Default)]
pub struct Arrivals {
    /// The packets come from pcapng (which names its interfaces).
    pcapng: bool,
    count: u32,
    first_ts: Option<Timestamp>,
    prev_ts: Timestamp,
}

impl Arrivals {
    pub fn new(pcapng: bool) -> Arrivals {
        Arrivals { pcapng, ..Arrivals::default() }
    }

    /// The next packet's description.
    pub fn next(&mut self, rec: &crate::capture::Record, iface: &crate::capture::Interface) -> FrameMeta {
        self.count += 1;
        let first = *self.first_ts.get_or_insert(rec.ts);
        let prev = if self.count == 1 { rec.ts } else { self.prev_ts };
        self.prev_ts = rec.ts;
        FrameMeta::of(self.count, rec, iface, self.pcapng, first, prev)
    }

    /// Packets seen so far.
    pub fn count(&self) -> u32 {
        self.count
    }
}

/// The summary columns of the packet list.
#[derive(Default, Clone, Debug)]
pub struct Columns {
    pub src: String,
    pub dst: String,
    pub protocol: String,
    pub info: String,
    /// A lower layer (TCP) will put its Info text in front of `info` once
    /// its payload is dissected, unless a higher layer replaces the text
    /// first (`info()`): most TCP segments carry a message that does.
    pub info_deferred: bool,
}

impl Columns {
    pub fn clear(&mut self) {
        self.src.clear();
        self.dst.clear();
        self.protocol.clear();
        self.info.clear();
        self.info_deferred = false;
    }

    pub fn set_protocol(&mut self, p: &str) {
        self.protocol.clear();
        self.protocol.push_str(p);
    }

    pub fn set_addrs(&mut self, src: impl std::fmt::Display, dst: impl std::fmt::Display) {
        self.src.clear();
        self.dst.clear();
        let _ = write!(self.src, "{src}");
        let _ = write!(self.dst, "{dst}");
    }

    /// `set_addrs` for IPv4, the commonest, without the formatting machinery.
    pub fn set_ipv4_addrs(&mut self, src: std::net::Ipv4Addr, dst: std::net::Ipv4Addr) {
        self.src.clear();
        self.dst.clear();
        crate::field::push_ipv4(src, &mut self.src);
        crate::field::push_ipv4(dst, &mut self.dst);
    }

    /// Replaces the Info text (a higher layer describes the packet better).
    pub fn info(&mut self) -> &mut String {
        self.info.clear();
        self.info_deferred = false;
        &mut self.info
    }

    /// Wireshark keeps at most 4095 bytes of the Info column (a DNS packet
    /// can describe thousands of records).
    fn cap_info(&mut self) {
        const MAX: usize = 4095;
        if self.info.len() > MAX {
            let mut end = MAX;
            while !self.info.is_char_boundary(end) {
                end -= 1;
            }
            self.info.truncate(end);
        }
    }
}

/// An extra buffer an item's bytes may refer to (a reassembled PDU).
#[derive(Clone, Debug)]
pub struct DataSource {
    pub name: String,
    pub bytes: Vec<u8>,
}

/// The result of dissecting one packet. Reused between packets.
#[derive(Default, Clone, Debug)]
pub struct Dissection {
    pub tree: Tree,
    pub cols: Columns,
    /// Data sources after the frame itself; `SourceId` n is `sources[n - 1]`.
    pub sources: Vec<DataSource>,
    /// `frame.protocols`: the layers in order (`eth:ethertype:ip:tcp`).
    pub protocols: String,
    pub malformed: bool,
    pub truncated: bool,
    /// The file's comments on the packet, set by the caller before
    /// `dissect_frame` (which does not clear them) and shown as `frame.comment`.
    pub comments: Vec<String>,
}

impl Dissection {
    pub fn clear(&mut self) {
        self.tree.clear();
        self.cols.clear();
        self.sources.clear();
        self.protocols.clear();
        self.malformed = false;
        self.truncated = false;
    }

    /// The bytes of data source `id` (`FRAME` is the frame passed in).
    pub fn source_bytes<'s>(&'s self, frame: &'s [u8], id: SourceId) -> &'s [u8] {
        if id == FRAME {
            frame
        } else {
            self.sources.get(id as usize - 1).map(|s| s.bytes.as_slice()).unwrap_or(&[])
        }
    }

    /// The captured bytes item `id` covers: an item running past the end of
    /// a cut-short packet has the part that was captured, as in Wireshark.
    pub fn node_bytes<'s>(&'s self, frame: &'s [u8], id: usize) -> &'s [u8] {
        let Some(n) = self.tree.nodes.get(id) else { return &[] };
        let src = self.source_bytes(frame, n.source);
        let r = n.range();
        src.get(r.start..r.end.min(src.len())).unwrap_or(&[])
    }

    /// Adds a data source and returns its id.
    pub fn add_source(&mut self, name: impl Into<String>, bytes: Vec<u8>) -> SourceId {
        self.sources.push(DataSource { name: name.into(), bytes });
        self.sources.len() as SourceId
    }
}

/// Whether the session state is being built (the first, in-order pass over
/// the capture) or read back (any later dissection of a packet already seen,
/// as when the TUI selects it). Mirrors Wireshark's `pinfo->fd->visited`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Pass {
    First,
    Revisit,
}

pub struct Ctx<'a> {
    pub meta: &'a FrameMeta,
    pub out: &'a mut Dissection,
    pub session: &'a mut Session,
    pub pass: Pass,
    /// Short name of the protocol being dissected, for error notes.
    pub layer: &'static str,
    /// Whether the caller needs field items or only the columns (`Depth`);
    /// dissectors skip costly values when it is false.
    pub full: bool,
    /// Whether application layers keep their items too (`Depth`).
    pub apps: bool,
    /// The TTL or hop limit of the innermost IP header so far (ICMP's Info
    /// shows it).
    pub hop_limit: Option<u8>,
    /// Application messages already shown in this frame: a later one, even
    /// from another call (a reassembled PDU, then the frame's own bytes),
    /// appends to the Info column instead of replacing it.
    pub messages: u16,
    /// Addresses of the innermost network layer, for conversation keys.
    pub net: Option<(std::net::IpAddr, std::net::IpAddr)>,
    /// Where the innermost network layer's bytes end (absolute); what follows
    /// in the frame is link-layer padding or trailer.
    pub net_end: Option<usize>,
    /// Dissecting a datagram quoted inside an ICMP error (Wireshark's
    /// `in_error_pkt`): it is shown, but must not change session state.
    pub quoted: bool,
}

impl<'a> Ctx<'a> {
    pub fn tree(&mut self) -> &mut Tree {
        &mut self.out.tree
    }

    /// Reads the unsigned number of `f` at `off` in `b`, as many bytes as
    /// `f`'s type holds (big-endian), and adds it as an item with that byte
    /// range: one call instead of a read and a range that repeat the offset.
    /// The read comes first, so a field past the captured bytes adds nothing
    /// and fails as the read alone would (`Truncated` or `Malformed`).
    pub fn uint_item(&mut self, f: Field, b: &Buf, off: usize) -> DResult<(NodeId, u64)> {
        let (v, width) = match f.ftype {
            FieldType::U8 => (b.u8(off)? as u64, 1),
            FieldType::U16 => (b.u16(off)? as u64, 2),
            FieldType::U24 => (b.u24(off)? as u64, 3),
            FieldType::U32 => (b.u32(off)? as u64, 4),
            FieldType::U64 => (u64::from_be_bytes(b.array(off)?), 8),
            t => unreachable!("{} is {t:?}, not an unsigned number", f.name),
        };
        Ok((self.tree().add(f, b.range(off, width), Value::UInt(v)), v))
    }

    /// Reads the word a masked field of `f` lives in at `off` (as wide as
    /// `f`'s type, or `f.bits` for a boolean) and adds the field's bits as
    /// its item, shifted down; returns them. Flags and sub-byte numbers that
    /// share their bytes are then one call each, named by their masks.
    pub fn masked(&mut self, f: Field, b: &Buf, off: usize) -> DResult<u64> {
        let bits = match f.ftype {
            FieldType::U8 => 8,
            FieldType::U16 => 16,
            FieldType::U24 => 24,
            FieldType::U32 => 32,
            FieldType::Bool => f.bits,
            t => unreachable!("{} is {t:?}, not a masked field", f.name),
        };
        let word = match bits {
            8 => b.u8(off)? as u64,
            16 => b.u16(off)? as u64,
            24 => b.u24(off)? as u64,
            32 => b.u32(off)? as u64,
            n => unreachable!("{} lives in {n} bits", f.name),
        };
        assert!(f.mask != 0, "{} has no mask", f.name);
        let v = (word & f.mask) >> f.mask.trailing_zeros();
        let value = if f.ftype == FieldType::Bool { Value::Bool(v != 0) } else { Value::UInt(v) };
        self.tree().add(f, b.range(off, bits as usize / 8), value);
        Ok(v)
    }

    /// Adds `len` bytes at `off` as an item of `f` without a value (reserved
    /// and padding bytes); fails as reading them would when they are not there.
    pub fn bytes_item(&mut self, f: Field, b: &Buf, off: usize, len: usize) -> DResult<NodeId> {
        b.bytes(off, len)?;
        Ok(self.tree().add(f, b.range(off, len), Value::None))
    }

    /// `uint_item` for a word whose bits follow as its children: the item
    /// stays open until the caller's `close`.
    pub fn uint_open(&mut self, f: Field, b: &Buf, off: usize) -> DResult<(NodeId, u64)> {
        let (id, v) = self.uint_item(f, b, off)?;
        self.tree().reopen(id);
        Ok((id, v))
    }

    /// `uint_item` when only the value is needed.
    pub fn uint(&mut self, f: Field, b: &Buf, off: usize) -> DResult<u64> {
        Ok(self.uint_item(f, b, off)?.1)
    }

    /// Reads the IPv4 address of `f` at `off` and adds its item (see `uint_item`).
    pub fn ipv4(&mut self, f: Field, b: &Buf, off: usize) -> DResult<std::net::Ipv4Addr> {
        let a = std::net::Ipv4Addr::from(b.array::<4>(off)?);
        self.tree().add(f, b.range(off, 4), Value::Ipv4(a));
        Ok(a)
    }

    /// Reads the IPv6 address of `f` at `off` and adds its item (see `uint_item`).
    pub fn ipv6(&mut self, f: Field, b: &Buf, off: usize) -> DResult<std::net::Ipv6Addr> {
        let a = std::net::Ipv6Addr::from(b.array::<16>(off)?);
        self.tree().add(f, b.range(off, 16), Value::Ipv6(a));
        Ok(a)
    }

    /// Reads the Ethernet address of `f` at `off` and adds its item (see `uint_item`).
    pub fn ether(&mut self, f: Field, b: &Buf, off: usize) -> DResult<[u8; 6]> {
        let a = b.array::<6>(off)?;
        self.tree().add(f, b.range(off, 6), Value::Ether(a));
        Ok(a)
    }

    /// Runs an application layer, without its items when the reader does
    /// not need them (`Depth::Transport`).
    pub fn application<T>(&mut self, f: impl FnOnce(&mut Ctx) -> T) -> T {
        if self.apps || !self.full {
            return f(self);
        }
        self.full = false;
        let kept = self.out.tree.keeps_items();
        self.out.tree.keep_items(false);
        let r = f(self);
        self.full = true;
        self.out.tree.keep_items(kept);
        r
    }

    /// A further message of the layer entered last by the same call: the
    /// Protocol column and error notes name it, but `frame.protocols` lists
    /// a layer once per call, as Wireshark's does.
    pub fn enter_again(&mut self, column: &'static str) {
        self.layer = column;
        self.out.cols.set_protocol(column);
    }

    /// Records that a layer is present (for `frame.protocols` and the
    /// Protocol column) and names it for error notes.
    pub fn enter(&mut self, proto_id: &str, column: &'static str) {
        if !self.out.protocols.is_empty() {
            self.out.protocols.push(':');
        }
        self.out.protocols.push_str(proto_id);
        if !column.is_empty() {
            self.enter_again(column);
        }
    }
}

pub static MALFORMED: FieldDef =
    FieldDef::new("_ws.malformed", "Malformed Packet", FieldType::Protocol)
        .desc("A header lies about a length or a value is impossible");
pub static TRUNCATED: FieldDef = FieldDef::new(
    "_ws.short",
    "Packet size limited during capture",
    FieldType::Protocol,
)
.desc("The packet was cut short by the snap length");
// Wireshark registers its expert notes as a protocol of their own, whose
// items are the note's field, message, severity and group.
pub static EXPERT: FieldDef = FieldDef::new("_ws.expert", "Expert Info", FieldType::Protocol)
    .desc("A note from the dissectors' expert analysis (a warning, an error or a remark) about this packet.");
pub static EXPERT_MESSAGE: FieldDef =
    FieldDef::string("_ws.expert.message", "Message").desc("An expert note's text (hidden in the tree, which shows it as the note's own item)");
pub static EXPERT_SEVERITY: FieldDef = FieldDef::u32("_ws.expert.severity", "Severity level")
    .base(crate::field::Base::None)
    .strings(SEVERITIES)
    .desc("How grave an expert note is: Comment, Chat, Note, Warning or Error (Wireshark's PI_ values)");
pub static EXPERT_GROUP: FieldDef = FieldDef::u32("_ws.expert.group", "Group")
    .base(crate::field::Base::None)
    .strings(GROUPS)
    .desc("What an expert note is about: Sequence, Malformed, Protocol, ... (Wireshark's PI_ values)");
/// Wireshark's expert severities (`PI_COMMENT` ...) and their words.
const SEVERITIES: crate::field::ValueStrings =
    &[(0x0010_0000, "Comment"), (0x0020_0000, "Chat"), (0x0040_0000, "Note"), (0x0060_0000, "Warning"), (0x0080_0000, "Error")];
/// Wireshark's expert groups (`PI_CHECKSUM` ...) and their words.
const GROUPS: crate::field::ValueStrings = &[
    (0x0100_0000, "Checksum"),
    (0x0200_0000, "Sequence"),
    (0x0300_0000, "Response"),
    (0x0400_0000, "Request"),
    (0x0500_0000, "Undecoded"),
    (0x0600_0000, "Reassemble"),
    (0x0700_0000, "Malformed"),
    (0x0800_0000, "Debug"),
    (0x0900_0000, "Protocol"),
    (0x0a00_0000, "Security"),
    (0x0b00_0000, "Comment"),
    (0x0c00_0000, "Decryption"),
    (0x0d00_0000, "Assumption"),
    (0x0e00_0000, "Deprecated"),
];
pub static MALFORMED_EXPERT: FieldDef =
    FieldDef::new("_ws.malformed.expert", "Malformed Packet (Exception occurred)", FieldType::None)
        .desc("The expert note that a dissector ran out of bytes its headers promised");
pub static MALFORMED_REASSEMBLY: FieldDef = FieldDef::new("_ws.malformed.reassembly", "Reassembly error", FieldType::None)
    .desc("The expert note that a reassembly refused a fragment (a late copy of bytes of a message already put together)");
pub static UNREASSEMBLED: FieldDef =
    FieldDef::new("_ws.unreassembled", "Unreassembled Fragmented Packet", FieldType::Protocol)
        .desc("A message longer than the bytes at hand, where reassembly was off");
pub static UNREASSEMBLED_EXPERT: FieldDef =
    FieldDef::new("_ws.unreassembled.expert", "Unreassembled fragment (change preferences to enable reassembly)", FieldType::None)
        .desc("The expert note that a message needed bytes of segments not put together");
pub static MALFORMED_FIELDS: &[Field] = &[
    &MALFORMED,
    &TRUNCATED,
    &EXPERT,
    &EXPERT_MESSAGE,
    &EXPERT_SEVERITY,
    &EXPERT_GROUP,
    &MALFORMED_EXPERT,
    &MALFORMED_REASSEMBLY,
    &UNREASSEMBLED,
    &UNREASSEMBLED_EXPERT,
];

/// An expert item as tshark writes it: the summary line at the start of
/// the item it is about, then the note's own field, the message (hidden),
/// severity and group. `severity` and `group` are Wireshark's words.
pub fn expert(cx: &mut Ctx, f: Field, msg: &str, severity: &str, group: &str) {
    expert_in(cx.tree(), f, msg, severity, group)
}

/// `expert` where only the tree is at hand.
pub fn expert_in(t: &mut crate::field::tree::Tree, f: Field, msg: &str, severity: &str, group: &str) {
    let at = t.open_start();
    expert_at(t, at, f, msg, severity, group)
}

/// `expert_in` with the summary item at `at`: Wireshark places the note of
/// an exception (Malformed, Unreassembled) at 0, not where its item is.
fn expert_at(t: &mut crate::field::tree::Tree, at: usize, f: Field, msg: &str, severity: &str, group: &str) {
    use crate::field::Value;
    let e = t.open(&EXPERT, at..at, Value::None);
    t.set_flags(e, crate::field::tree::GENERATED);
    t.set_text(e, format_args!("[Expert Info ({severity}/{group}): {msg}]"));
    let m = t.generated(f, 0..0, Value::None);
    t.set_text(m, format_args!("[{msg}]"));
    if t.wants(&EXPERT_MESSAGE) {
        t.hidden(&EXPERT_MESSAGE, 0..0, Value::Str(msg.into()));
    }
    t.generated(&EXPERT_SEVERITY, 0..0, Value::UInt(EXPERT_SEVERITY.value_named(severity).unwrap_or(0)));
    t.generated(&EXPERT_GROUP, 0..0, Value::UInt(EXPERT_GROUP.value_named(group).unwrap_or(0)));
    t.close();
    // As in Wireshark, a note of the Malformed group makes `_ws.malformed`
    // match, though the packet is not cut short by an error.
    if group == "Malformed" {
        t.hidden(&MALFORMED, 0..0, crate::field::Value::None);
    }
}

/// How much of a dissection its reader needs; the less, the faster.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Depth {
    /// The columns only (a packet list, `-P`): no tree is built.
    Columns,
    /// Items of the link, network and transport layers; application layers
    /// give their columns only (a filter on `tcp.port` needs no HTTP items).
    Transport,
    /// Every field item with its value, unlabelled (filters, `-T fields`,
    /// statistics).
    Fields,
    /// Items and their labels (`-V`, the detail pane).
    Tree,
    /// Every item, but labels only where a document without labels has
    /// no other text: protocols and items without a field (`-T json`,
    /// `-T ek`). Formatting the others' labels was a fifth of the time.
    Document,
    /// Dissected as for `Fields` (`Transport` without `apps`), but the tree
    /// keeps only the items of the fields its `Recording::Nodes` names: a
    /// filter or field list reading a few fields builds no other item.
    Recorded { apps: bool },
}

impl Depth {
    /// The depth that gives every field of these protocols (the prefixes
    /// of the field names a filter or field list reads).
    pub fn to_read<'p>(protocols: impl IntoIterator<Item = &'p str>) -> Depth {
        // `_ws` is not among these: its expert items come from any layer.
        const TRANSPORT_AND_BELOW: &[&str] = &[
            "frame", "eth", "vlan", "llc", "sll", "null", "arp", "ip", "ipv6", "icmp", "icmpv6", "tcp", "udp",
        ];
        if protocols.into_iter().all(|p| TRANSPORT_AND_BELOW.contains(&p)) {
            Depth::Transport
        } else {
            Depth::Fields
        }
    }

    /// `to_read` keeping only the items of the fields recorded
    /// (`Depth::Recorded`).
    pub fn recorded_to_read<'p>(protocols: impl IntoIterator<Item = &'p str>) -> Depth {
        Depth::Recorded { apps: Depth::to_read(protocols) != Depth::Transport }
    }
}

/// The fields a `Recording::Nodes` tree keeps so that `fields` come out as
/// in a whole tree: their own, and their protocols' items, under which
/// some dissectors place an item they add later (TCP's `[PDU Size]`).
pub fn recorded_fields(fields: &[Field]) -> Vec<Field> {
    let mut out: Vec<Field> = Vec::with_capacity(fields.len() * 2);
    let protocols = fields.iter().filter_map(|f| crate::field::lookup(f.protocol()));
    for f in fields.iter().copied().chain(protocols) {
        if !out.iter().any(|g| crate::field::same(f, g)) {
            out.push(f);
        }
    }
    out
}

/// Dissects one frame. `session` carries the state of the packets before it.
pub fn dissect_frame(
    meta: &FrameMeta,
    data: &[u8],
    session: &mut Session,
    pass: Pass,
    depth: Depth,
    out: &mut Dissection,
) {
    out.clear();
    out.tree.keep_labels(match depth {
        Depth::Tree => Labels::All,
        Depth::Document => Labels::Structural,
        _ => Labels::None,
    });
    out.tree.keep_items(matches!(depth, Depth::Transport | Depth::Fields | Depth::Tree | Depth::Document));
    let full = depth != Depth::Columns;
    let apps = !matches!(depth, Depth::Transport | Depth::Recorded { apps: false });
    let mut cx = Ctx {
        meta,
        out,
        session,
        pass,
        layer: "Frame",
        full,
        apps,
        net: None,
        net_end: None,
        quoted: false,
        hop_limit: None,
        messages: 0,
    };
    let b = Buf::new(data, meta.origlen as usize);
    frame::dissect(&mut cx, b);
    out.cols.cap_info();
}

/// Turns a dissector error into the packet's flag and the note Wireshark
/// shows at the end of the tree and the Info column.
pub fn note_error(cx: &mut Ctx, err: DissectError) {
    cx.out.tree.close_all();
    let layer = cx.layer;
    let end = cx.meta.caplen as usize;
    match err {
        DissectError::Truncated => {
            cx.out.truncated = true;
            let id = cx.out.tree.add(&TRUNCATED, end..end, crate::field::Value::None);
            cx.out.tree.set_text(id, format_args!("[Packet size limited during capture: {layer} truncated]"));
            cx.out.cols.info.push_str("[Packet size limited during capture]");
        }
        DissectError::Malformed => {
            cx.out.malformed = true;
            let t = &mut cx.out.tree;
            let id = t.open(&MALFORMED, end..end, crate::field::Value::None);
            t.set_text(id, format_args!("[Malformed Packet: {layer}]"));
            expert_at(t, 0, &MALFORMED_EXPERT, "Malformed Packet (Exception occurred)", "Error", "Malformed");
            t.close();
            cx.out.cols.info.push_str("[Malformed Packet]");
        }
        DissectError::Unreassembled => {
            let t = &mut cx.out.tree;
            let id = t.open(&UNREASSEMBLED, end..end, crate::field::Value::None);
            t.set_text(id, format_args!("[BoundError Unreassembled Packet: {layer}]"));
            let msg = "Unreassembled fragment (change preferences to enable reassembly)";
            expert_at(t, 0, &UNREASSEMBLED_EXPERT, msg, "Note", "Reassemble");
            t.close();
            cx.out.cols.info.push_str("[BoundErrorUnreassembled Packet]");
        }
    }
}

/// Wireshark's `ReassemblyError`: the note at the end of the tree and the
/// Info column when `layer`'s reassembly refused a fragment. It ends the
/// packet's dissection, as the exception does. The item sits where the
/// layer that called `layer` starts, as Wireshark's does.
pub fn reassembly_error(cx: &mut Ctx, layer: &str, msg: &str) {
    cx.out.malformed = true;
    cx.out.tree.close_all();
    let t = &mut cx.out.tree;
    let at = t.nodes.iter().rev().filter(|n| n.depth == 0).nth(1).map_or(0, |n| n.start as usize);
    let id = t.open(&MALFORMED, at..at, crate::field::Value::None);
    t.set_text(id, format_args!("[Reassembly error, protocol {layer}: {msg}]"));
    expert_at(t, at, &MALFORMED_REASSEMBLY, msg, "Error", "Malformed");
    t.close();
    cx.out.cols.info.push_str(&format!("[Reassembly error, protocol {layer}: {msg}]"));
}

/// Runs a dissector, noting its error instead of propagating it: the caller's
/// own items stay.
pub fn call(cx: &mut Ctx, b: Buf, f: fn(&mut Ctx, Buf) -> DResult<()>) {
    if let Err(e) = f(cx, b) {
        note_error(cx, e);
    }
}
