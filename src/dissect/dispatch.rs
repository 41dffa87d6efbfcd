//! The tables that hand a layer's payload to the next dissector: link types,
//! EtherTypes, IP protocol numbers. Port tables live with TCP and UDP.

use std::fmt::Write;

use super::link::{chdlc, eth, nflog, null, raw, sll, sll2, vlan};
use super::net::{arp, icmp, icmpv6, igmp, ipv4, ipv6};
use super::numbers::{ethertype, ipproto, linktype};
use super::{call, dhcp, dns, expert, ftp, http, imap, nbns, ntp, pop, ppp, quic, smtp, ssdp, ssh, tcp, tls, udp, websocket, Buf, Ctx, DResult, DissectError};
use super::decode_as::{self, UdpApp};
use crate::dissect::tcp::stream::{App, AppSlot};
use crate::field::{FieldDef, FieldType};

/// Dissects a frame of link type `linktype` (a LINKTYPE_ value).
pub fn link(cx: &mut Ctx, linktype: u32, b: Buf) {
    match linktype {
        linktype::NULL => call(cx, b, null::dissect_null),
        linktype::ETHERNET => call(cx, b, eth::dissect),
        linktype::RAW_12 | linktype::RAW_14 | linktype::RAW => call(cx, b, raw::dissect),
        linktype::LOOP => call(cx, b, null::dissect_loop),
        linktype::LINUX_SLL => call(cx, b, sll::dissect),
        linktype::IPV4 => call(cx, b, ipv4::dissect),
        linktype::IPV6 => call(cx, b, ipv6::dissect),
        linktype::LINUX_SLL2 => call(cx, b, sll2::dissect),
        linktype::PPP | linktype::PPP_HDLC => call(cx, b, ppp::dissect_link),
        linktype::PPP_ETHER => call(cx, b, ppp::pppoe::dissect_session),
        linktype::C_HDLC => call(cx, b, chdlc::dissect),
        linktype::NFLOG => call(cx, b, nflog::dissect),
        linktype::USER0..=linktype::USER15 => user_link(cx, linktype, b),
        _ => unknown_link(cx, linktype, b),
    }
}

/// Frames of a link type we do not decode: the bytes stay visible and the
/// tree says which link type it was.
fn unknown_link(cx: &mut Ctx, linktype: u32, b: Buf) {
    let r = b.range(0, b.len());
    cx.tree().text(r, format_args!("Data of unsupported link type {} ({})", linktype, link_name(linktype)));
    cx.enter("data", "");
}

pub static USER_DLT: FieldDef = FieldDef::new("user_dlt", "DLT User", FieldType::Protocol)
    .desc("A frame of a link type reserved for private use (DLT_USER0 to DLT_USER15)");
pub static USER_DLT_NOT_HANDLED: FieldDef = FieldDef::new("user_dlt.not_handled", "Formatted text", FieldType::None)
    .desc("No dissector is configured for this private link type");

/// Frames of the private-use link types, which Wireshark decodes only when
/// told how: a note, and the bytes as data.
fn user_link(cx: &mut Ctx, linktype: u32, b: Buf) {
    cx.enter("user_dlt", "");
    let msg = format!("User encapsulation not handled: DLT={linktype}, check your Preferences->Protocols->DLT_USER");
    let id = cx.tree().text(0..0, msg.as_str());
    cx.tree().reopen(id);
    expert(cx, &USER_DLT_NOT_HANDLED, &msg, "Warning", "Undecoded");
    cx.tree().close();
    data(cx, b)
}

/// Dissects the payload of an EtherType (Ethernet, VLAN, SLL, …).
pub fn ethertype(cx: &mut Ctx, ty: u16, b: Buf) {
    cx.enter("ethertype", "");
    ethertype_payload(cx, ty, b)
}

/// The EtherType table without Wireshark's `ethertype` layer (SNAP).
pub fn ethertype_payload(cx: &mut Ctx, ty: u16, b: Buf) {
    match ty {
        ethertype::IPV4 => call(cx, b, ipv4::dissect),
        ethertype::IPV6 => call(cx, b, ipv6::dissect),
        ethertype::ARP | ethertype::RARP => call(cx, b, arp::dissect),
        ethertype::VLAN | ethertype::QINQ_OLD => call(cx, b, vlan::dissect_8021q),
        ethertype::QINQ => call(cx, b, vlan::dissect_8021ad),
        ethertype::PPPOE_DISCOVERY => call(cx, b, ppp::pppoe::dissect_discovery),
        ethertype::PPPOE_SESSION => call(cx, b, ppp::pppoe::dissect_session),
        _ => {
            // Wireshark names an EtherType it has no dissector for by its number.
            cx.out.cols.protocol = format!("0x{ty:04x}");
            data(cx, b)
        }
    }
}

/// The payload of an IPv4 datagram or of IPv6's last header. A protocol
/// wirelens does not dissect is named in Info as Wireshark names it.
pub fn ip_proto(cx: &mut Ctx, proto: u8, b: Buf, v6: bool) {
    match proto {
        ipproto::ICMP => call(cx, b, icmp::dissect),
        ipproto::IGMP => call(cx, b, igmp::dissect),
        ipproto::IPIP => call(cx, b, ipv4::dissect),
        ipproto::TCP => call(cx, b, tcp::dissect),
        ipproto::UDP => call(cx, b, udp::dissect),
        ipproto::IPV6 => call(cx, b, ipv6::dissect),
        ipproto::ICMPV6 => call(cx, b, icmpv6::dissect),
        _ => {
            let name = ipv4::proto_name(proto).unwrap_or("Unknown");
            let info = cx.out.cols.info();
            if v6 {
                info.push_str("Unknown IP Protocol: ");
            }
            let _ = write!(info, "{name} ({proto})");
            data(cx, b)
        }
    }
}

/// Which TCP segment an application dissector is looking at.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TcpSeg {
    /// `tcp.stream`.
    pub stream: u32,
    /// Whether the bytes flow from the endpoint that opened the connection
    /// (the SYN sender; when no SYN was seen, the first packet's sender).
    pub from_client: bool,
    pub sport: u16,
    pub dport: u16,
    /// The bytes end where the sender closed its direction (FIN): a message
    /// whose length is "until the connection closes" is complete.
    pub fin: bool,
    /// Whether the application may ask for more bytes (`Pdu::NeedMore`),
    /// Wireshark's `can_desegment`: not when the segment was cut by the
    /// snap length or reassembly is off (`-o tcp.desegment_tcp_streams:FALSE`);
    /// then it shows what it can of the bytes it has.
    pub can_desegment: bool,
}

/// `Pdu::NeedMore`'s `more` for a message that ends only when its sender
/// closes the connection: no bytes before the FIN complete it.
pub const UNTIL_FIN: usize = usize::MAX / 2;

/// What an application dissector made of the bytes it was given.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Pdu {
    /// It dissected complete messages covering this many bytes (normally all
    /// of them; fewer means the rest is not its protocol and shows as data).
    Done(usize),
    /// The messages before `offset` were dissected; the one starting at
    /// `offset` is incomplete. `more`: bytes still missing beyond the end of
    /// the buffer, when the message says its length (None: unknown, call
    /// again with the next segment appended). TCP keeps the bytes from
    /// `offset` and calls again once they are all there. The dissector must
    /// add no items for the incomplete message.
    NeedMore { offset: usize, more: Option<usize> },
    /// Not this protocol (the dissector added nothing): the bytes show as
    /// data and the stream direction is not offered to this dissector again.
    NotMine,
}

/// An application protocol over TCP. It is given the bytes of one segment,
/// or of several segments reassembled in sequence order (then `Buf` refers
/// to a data source of its own, "Reassembled TCP"), always starting at a
/// message boundary. It adds its items to the tree, sets the columns, and
/// says how far it got. It is called on `Pass::First` in capture order and
/// again on `Pass::Revisit` with the very same bytes.
pub type TcpApp = fn(&mut Ctx, Buf, &TcpSeg) -> DResult<Pdu>;

/// The dissector of the application a TCP stream names.
pub fn tcp_dissector(app: App) -> TcpApp {
    match app {
        App::Dns => dns::dissect_tcp,
        App::Http => http::dissect_tcp,
        App::Smtp => smtp::dissect_tcp,
        App::Ftp => ftp::dissect_tcp,
        App::Tls => tls::dissect_tcp,
        App::Ssh => ssh::dissect_tcp,
        App::FtpData => ftp::data::dissect_tcp,
        App::Pop => pop::dissect_tcp,
        App::Imap => imap::dissect_tcp,
        App::WebSocket => websocket::dissect_tcp,
        #[cfg(test)]
        App::TestLines => tcp::pdu::tests::lines,
        #[cfg(test)]
        App::TestPrefixed => tcp::pdu::tests::prefixed,
    }
}

/// Well-known TCP ports that Wireshark gives to protocols we do not
/// dissect: our heuristics must not claim them (an FTP data connection
/// may carry text that looks like SMTP's, an HTTP request sent to an SSH
/// server is SSH to Wireshark).
const OTHERS_TCP_PORTS: &[u16] = &[
    20, 23, 110, 111, 135, 139, 143, 179, 389, 445, 989, 990, 992, 1433, 1723, 3306, 3389, 5432, 5900, 6379,
];

/// The application dissector for a TCP stream, chosen from its ports (the
/// lower port first, as Wireshark tries; a Decode As rule takes a port's
/// place in the table) or else from the payload bytes (heuristics: HTTP,
/// SMTP, TLS or SSH on any port). `Undecided` when the bytes tell
/// nothing yet: like Wireshark's heuristics, the next payload is tried.
pub fn tcp_app(sport: u16, dport: u16, payload: &[u8]) -> AppSlot {
    let (lo, hi) = if sport <= dport { (sport, dport) } else { (dport, sport) };
    for port in [lo, hi] {
        if let Some(app) = decode_as::tcp(port) {
            return AppSlot::Some(app);
        }
        if dns::is_dns_tcp_port(port) {
            return AppSlot::Some(App::Dns);
        }
        if http::is_http_port(port) {
            return AppSlot::Some(App::Http);
        }
        if smtp::is_smtp_port(port) {
            return AppSlot::Some(App::Smtp);
        }
        if ftp::is_ftp_port(port) {
            return AppSlot::Some(App::Ftp);
        }
        if tls::is_tls_port(port) {
            return AppSlot::Some(App::Tls);
        }
        if ssh::is_ssh_port(port) {
            return AppSlot::Some(App::Ssh);
        }
        if pop::is_pop_port(port) {
            return AppSlot::Some(App::Pop);
        }
        if imap::is_imap_port(port) {
            return AppSlot::Some(App::Imap);
        }
    }
    if [lo, hi].iter().any(|p| OTHERS_TCP_PORTS.contains(p)) {
        return AppSlot::None;
    }
    if http::looks_like_http(payload) {
        // A port of Wireshark's that takes HTTP bytes before its heuristic.
        if [lo, hi].iter().any(|&p| http::ports::taken_from_heuristic(p)) {
            return AppSlot::None;
        }
        return AppSlot::Some(App::Http);
    }
    if smtp::looks_like_smtp(payload) {
        return AppSlot::Some(App::Smtp);
    }
    if tls::looks_like_tls(payload) {
        return AppSlot::Some(App::Tls);
    }
    if ssh::looks_like_ssh(payload) {
        return AppSlot::Some(App::Ssh);
    }
    AppSlot::Undecided
}

/// The application of a TCP stream whose first payload is `payload`: an
/// FTP data connection its control connection announced (Wireshark's
/// conversation dissector, tried before ports), else `tcp_app`.
pub fn tcp_app_of(
    ftp_state: &mut ftp::state::FtpState,
    net: Option<(std::net::IpAddr, std::net::IpAddr)>,
    seg: &TcpSeg,
    payload: &[u8],
) -> AppSlot {
    if let Some((src, dst)) = net {
        if ftp_state.take(seg.stream, (src, seg.sport), (dst, seg.dport)).is_some() {
            return AppSlot::Some(App::FtpData);
        }
    }
    tcp_app(seg.sport, seg.dport, payload)
}

/// The conversation continues in another protocol from its next segment
/// on (SMTP's STARTTLS makes it TLS), as Wireshark's dissectors hand a
/// conversation over. Only the first pass moves the stream's state.
pub fn hand_over(cx: &mut Ctx, stream: u32, app: App) {
    if cx.pass == super::Pass::First && !cx.quoted {
        if let Some(st) = cx.session.tcp.stream_mut(stream) {
            st.apps = [AppSlot::Some(app); 2];
        }
    }
}

/// Hands a TCP payload to its application dissector, or shows it as data.
/// The reassembly in `tcp` decides which bytes `b` holds.
pub fn tcp_port(cx: &mut Ctx, app: Option<App>, seg: &TcpSeg, b: Buf) -> Pdu {
    cx.application(|cx| tcp_app_call(cx, app, seg, b))
}

fn tcp_app_call(cx: &mut Ctx, app: Option<App>, seg: &TcpSeg, b: Buf) -> Pdu {
    let Some(app) = app else {
        data(cx, b);
        return Pdu::NotMine;
    };
    match tcp_dissector(app)(cx, b, seg) {
        Ok(Pdu::NotMine) => {
            data(cx, b);
            Pdu::NotMine
        }
        // A message the snap length cut: Wireshark's dissector reads up to
        // the cut and stops there, the packet marked as cut short.
        Ok(Pdu::NeedMore { offset: 0, .. }) if b.len() < b.reported_len() => {
            super::note_error(cx, DissectError::Truncated);
            Pdu::Done(b.len())
        }
        Ok(p) => p,
        // A message running past its segment's bytes, where reassembly is
        // off, is "Unreassembled" to Wireshark, not malformed.
        Err(DissectError::Malformed) if !seg.can_desegment && b.len() == b.reported_len() => {
            super::note_error(cx, DissectError::Unreassembled);
            Pdu::Done(b.len())
        }
        Err(e) => {
            super::note_error(cx, e);
            Pdu::Done(b.len())
        }
    }
}

/// The application of a UDP datagram between these ports: a Decode As
/// rule's first (lower port first), then DNS's flavours (as before this
/// table), then the lower port first, as Wireshark tries them; failing
/// those, the heuristics (DNS's) on the payload `b`.
fn udp_app(sport: u16, dport: u16, b: Buf) -> Option<UdpApp> {
    udp_port_app(sport, dport).or_else(|| dns::looks_like_dns_udp(b.tail(0), b.reported_len()).then_some(UdpApp::Dns))
}

fn udp_port_app(sport: u16, dport: u16) -> Option<UdpApp> {
    let (lo, hi) = if sport <= dport { (sport, dport) } else { (dport, sport) };
    if let Some(app) = [lo, hi].into_iter().find_map(decode_as::udp) {
        return Some(app);
    }
    if dns::is_udp(sport, dport) {
        return Some(UdpApp::Dns);
    }
    [lo, hi].into_iter().find_map(|port| {
        if dhcp::is_dhcp_port(port) {
            return Some(UdpApp::Dhcp);
        }
        if ntp::is_ntp_port(port) {
            return Some(UdpApp::Ntp);
        }
        if nbns::is_nbns_port(port) {
            return Some(UdpApp::Nbns);
        }
        if ssdp::is_ssdp_port(port) {
            return Some(UdpApp::Ssdp);
        }
        if quic::is_quic_port(port) {
            return Some(UdpApp::Quic);
        }
        None
    })
}

/// Dissects a UDP datagram's payload by port.
pub fn udp_port(cx: &mut Ctx, sport: u16, dport: u16, b: Buf) {
    if b.reported_len() == 0 {
        return;
    }
    let udp_info = cx.out.cols.info.len();
    cx.application(|cx| {
        // A conversation QUIC was found on stays QUIC's (Wireshark's heuristic
        // sets the conversation's dissector); a long header of a QUIC version
        // is QUIC's on any port no other protocol claims.
        let app = if quic::known(cx, sport, dport, b.tail(0)) {
            Some(UdpApp::Quic)
        } else {
            udp_app(sport, dport, b).or_else(|| quic::looks_like_quic(b.tail(0)).then_some(UdpApp::Quic))
        };
        let r = match app {
            Some(UdpApp::Dns) => dns::dissect_udp(cx, b, sport, dport),
            Some(UdpApp::Dhcp) => dhcp::dissect(cx, b),
            Some(UdpApp::Ntp) => ntp::dissect(cx, b, sport, dport),
            Some(UdpApp::Nbns) => nbns::dissect(cx, b),
            Some(UdpApp::Ssdp) => ssdp::dissect(cx, b, sport, dport),
            Some(UdpApp::Quic) => quic::dissect(cx, b, sport, dport),
            Some(UdpApp::Llc) => super::link::llc::dissect(cx, b),
            None => {
                data(cx, b);
                Ok(())
            }
        };
        if let Err(e) = r {
            // Wireshark's applications clear Info before reading: one that
            // named itself and failed before its own text shows the error alone.
            if cx.out.cols.protocol != "UDP" && cx.out.cols.info.len() == udp_info {
                cx.out.cols.info();
            }
            super::note_error(cx, e);
        }
    })
}

pub static DATA: crate::field::FieldDef =
    crate::field::FieldDef::new("data", "Data", crate::field::FieldType::Protocol)
        .desc("Bytes no dissector claimed, shown as raw data.");
pub static DATA_DATA: crate::field::FieldDef =
    crate::field::FieldDef::new("data.data", "Data", crate::field::FieldType::Bytes)
        .desc("The undissected bytes themselves.");
pub static DATA_LEN: crate::field::FieldDef =
    crate::field::FieldDef::new("data.len", "Length", crate::field::FieldType::U32)
        .desc("How many undissected bytes there are.");
pub static DATA_FIELDS: &[crate::field::Field] = &[&DATA, &DATA_DATA, &DATA_LEN, &USER_DLT, &USER_DLT_NOT_HANDLED];

/// Bytes no dissector claims, shown as Wireshark's `Data (N bytes)`.
pub fn data(cx: &mut Ctx, b: Buf) {
    let n = b.len();
    if n == 0 {
        return;
    }
    cx.enter("data", "");
    let t = cx.tree();
    let id = t.open(&DATA, b.range(0, n), crate::field::Value::None);
    t.set_text(id, format_args!("Data ({n} bytes)"));
    t.add(&DATA_DATA, b.range(0, n), crate::field::Value::None);
    let l = t.generated(&DATA_LEN, b.range(0, 0), crate::field::Value::UInt(n as u64));
    t.set_text(l, format_args!("[Length: {n}]"));
    t.close();
}

/// Wireshark's name of a link type, for the frame tree and error notes.
pub fn link_name(linktype: u32) -> &'static str {
    match linktype {
        0 => "NULL/Loopback",
        1 => "Ethernet",
        12 | 14 | 101 => "Raw IP",
        108 => "OpenBSD loopback",
        113 => "Linux cooked-mode capture v1",
        228 => "Raw IPv4",
        229 => "Raw IPv6",
        276 => "Linux cooked-mode capture v2",
        9 | 50 => "PPP",
        51 => "PPP-over-Ethernet session",
        104 => "Cisco HDLC",
        239 => "NFLOG",
        147..=162 => USER_NAMES[(linktype - 147) as usize],
        _ => "Unknown",
    }
}

const USER_NAMES: [&str; 16] = [
    "USER 0", "USER 1", "USER 2", "USER 3", "USER 4", "USER 5", "USER 6", "USER 7", "USER 8", "USER 9", "USER 10",
    "USER 11", "USER 12", "USER 13", "USER 14", "USER 15",
];

/// Wireshark's WTAP_ENCAP number for a link type (`frame.encap_type`).
pub fn wtap_encap(linktype: u32) -> i32 {
    match linktype {
        0 => 15,
        1 => 1,
        12 | 14 | 101 => 7,
        108 => 15,
        113 => 25,
        228 => 129,
        229 => 130,
        276 => 210,
        9 | 50 => 4,
        51 => 139,
        104 => 28,
        239 => 141,
        // WTAP_ENCAP_USER0 to USER15 follow each other.
        147..=162 => 45 + (linktype as i32 - 147),
        _ => -1,
    }
}
