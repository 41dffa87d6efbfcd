//! State that lives across packets: the `Session` that holds every
//! protocol's tables (each table lives in its protocol's folder, beside the
//! dissector that fills it).

use super::dns::pairing as dns;
use super::ftp::state as ftp;
use super::http::state as http;
use super::net::{arp_duplicates as arp, echo_pairs as echo, fragments as frag};
use super::imap::state as imap;
use super::ntp::pairing as ntp;
use super::pop::state as pop;
use super::quic::state as quic;
use super::smtp::state as smtp;
use super::ssdp::state as ssdp;
use super::ssh::state as ssh;
use super::tls::state as tls;
use super::tcp::stream as tcp;
use super::udp::streams as udp;
use super::websocket::state as websocket;

#[derive(Default)]
pub struct Session {
    /// UDP flows: `udp.stream` and the datagrams' times.
    pub udp: udp::UdpStreams,
    /// Which MAC address each IPv4 address was announced from (ARP).
    pub arp: arp::ArpTable,
    /// ICMP and ICMPv6 echo request/reply pairs.
    pub echo: echo::EchoTable,
    /// IPv4 and IPv6 fragments waiting for the rest of their datagram.
    pub frags: frag::FragTable,
    pub tcp: tcp::TcpTable,
    pub dns: dns::DnsState,
    pub http: http::HttpState,
    pub smtp: smtp::SmtpState,
    pub ntp: ntp::NtpState,
    pub ssdp: ssdp::SsdpState,
    pub tls: tls::TlsState,
    /// QUIC connections, found by their connection IDs.
    pub quic: quic::QuicState,
    pub ssh: ssh::SshState,
    pub ftp: ftp::FtpState,
    pub pop: pop::PopState,
    pub imap: imap::ImapState,
    pub websocket: websocket::WsState,
}

impl Session {
    pub fn new() -> Session {
        Session::default()
    }

    /// Whether frames will be dissected again (a second pass, a view):
    /// the tables then keep what each frame's dissection started from.
    /// One headless pass turns this off and saves those copies.
    pub fn keep_frames(&mut self, keep: bool) {
        self.tcp.keep_frames = keep;
        self.http.keep_frames = keep;
        self.tls.keep_frames = keep;
        self.ssh.keep_frames = keep;
    }
}
