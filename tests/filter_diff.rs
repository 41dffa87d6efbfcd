//! Differential test of display filters against tshark.
//!
//! Every capture of `sample-captures/` and `../shared/captures/` that tshark
//! can read is normalised with `editcap` (which keeps the packets wiretap can
//! read, as tshark does) and the results are concatenated with `mergecap -a`
//! into one file, so that tshark starts once per batch of filters instead of
//! once per filter and capture (see `MARKERS` for how one run evaluates
//! several filters). wirelens runs `-Y FILTER -T fields -e frame.number` on
//! the same file; the matched frame numbers are mapped back to (capture,
//! frame) and compared. The session state both tools build runs on across
//! the concatenated captures, the same for both.
//!
//! Every difference must be listed, with its reason, in
//! `tests/filter-known-differences.tsv` (filter, capture, frames, reason); a
//! filter wirelens rejects because one of its fields is not registered yet is
//! listed once with capture `*` and a reason starting "field not yet
//! dissected", so that those lines are easy to find and drop as dissectors
//! land. A listed difference that no longer occurs fails the test too.
//! Maintenance: `WIRELENS_FILTER_DIFF_PRUNE=1` drops stale lines;
//! `WIRELENS_FILTER_DIFF_ADD="reason"` appends the unlisted differences
//! (unregistered fields get their own reason). Review what it adds.

mod common;

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;

use common::{bin, captures, parallel_map, tshark_available};

const KNOWN: &str = "tests/filter-known-differences.tsv";
const NOT_DISSECTED: &str = "field not yet dissected";

/// The filters compared. tshark 4.0 accepts each of them (it has no `^^`
/// and wants commas in sets, so those forms are covered by unit tests).
const FILTERS: &[&str] = &[
    // Link layer.
    "eth",
    "eth.type == 0x0800",
    "eth.type == 0x86dd",
    "eth.type != 0x0800",
    "eth.dst == ff:ff:ff:ff:ff:ff",
    "eth.addr == ff:ff:ff:ff:ff:ff",
    "eth.src == 00:10:db:88:d2:ef",
    "eth.addr == c8:bc:c8:96:d2:a0",
    "eth.dst[0] == 01",
    "eth.src[0:3] == 00:10:db",
    "eth.src contains 88:d2",
    "eth.dst == eth.src",
    "arp",
    "arp.opcode == 1",
    "arp.opcode == 2",
    "vlan",
    "vlan.id in {1..4094}",
    "sll",
    "null",
    "null.family == 2",
    // Network layer.
    "ip",
    "ipv6",
    "ip || ipv6",
    "!ip && !ipv6",
    "ip.version == 4",
    "ip.src == 10.0.0.0/8",
    "ip.addr == 192.168.0.0/16",
    "ip.dst == 127.0.0.1",
    "ip.addr == 127.0.0.0/8",
    "!(ip.addr == 10.0.0.0/8)",
    "ip.addr != 10.0.0.0/8",
    "ip.addr ~= 127.0.0.1",
    "ip.src == 8.8.8.8 || ip.dst == 8.8.8.8",
    "ip.addr == 10.16.1.1 && ip.addr == 10.16.1.11",
    "ip.src == 127.0.0.1 && ip.dst != 127.0.0.1",
    "ip.ttl < 64",
    "ip.ttl >= 128",
    "ip.ttl == 64",
    "ip.len > 1000",
    "ip.len <= 40",
    "ip.proto == 17",
    "ip.proto == 6",
    "ip.proto in {1, 58}",
    "ip.flags.df == 1",
    "ip.flags.df == 0",
    "ip.flags.mf == 1",
    "ip.frag_offset > 0",
    "ip.id == 0",
    "ip.id == 0x0000",
    "ip.hdr_len > 20",
    "ip.dsfield.dscp != 0",
    "ip.dsfield.ecn == 0",
    "ip.checksum == 0",
    "ip.src == ip.dst",
    "ip.src > ip.dst",
    "ip.dst[0] == 7f",
    "ip.src[0:2] == 0a:10",
    "ip.src in {10.0.0.0/8, 172.16.0.0/12, 192.168.0.0/16}",
    "ipv6.src == ::1",
    "ipv6.addr == fe80::/10",
    "ipv6.addr == ::1/128",
    "ipv6.nxt == 58",
    "ipv6.hlim == 255",
    "icmp",
    "icmp.type == 8",
    "icmp.type == 0",
    "icmp.type == 3 && icmp.code == 3",
    "icmpv6",
    "icmpv6.type == 135",
    // TCP.
    "tcp",
    "udp",
    "tcp || udp",
    "!tcp",
    "!(tcp || udp)",
    "tcp.port == 80",
    "tcp.port == 25",
    "tcp.port != 80",
    "tcp.port ~= 80",
    "tcp.srcport == 80",
    "tcp.dstport == 80",
    "tcp.port eq 53",
    "tcp.port in {25, 80, 443}",
    "tcp.port in {8000..8080}",
    "tcp.port in {1..1023}",
    "tcp.srcport in {49152..65535}",
    "tcp.port not in {80, 25}",
    "tcp.flags.syn == 1",
    "tcp.flags.syn == 1 && tcp.flags.ack == 0",
    "tcp.flags.syn == 1 && tcp.flags.ack == 1",
    "tcp.flags.fin == 1",
    "tcp.flags.reset == 1",
    "tcp.flags.push == 1",
    "tcp.flags.urg == 1",
    "tcp.flags.ece == 1 || tcp.flags.cwr == 1",
    "tcp.flags == 0x002",
    "tcp.flags == 0x012",
    "tcp.flags & 0x04",
    "tcp.flags & 0x03",
    "tcp.flags.syn == True",
    "tcp.len > 0",
    "tcp.len == 0",
    "tcp.len >= 1000",
    "tcp.hdr_len > 20",
    "tcp.hdr_len == 32",
    "tcp.window_size_value == 0",
    "tcp.window_size_value < 1000",
    "tcp.urgent_pointer != 0",
    "tcp.seq_raw == 0",
    "tcp.ack_raw == 0",
    "tcp.checksum == 0",
    "tcp.srcport == tcp.dstport",
    "tcp.srcport < tcp.dstport",
    "tcp.payload",
    "tcp.payload contains \"HTTP\"",
    "tcp.payload contains 0d:0a",
    "tcp.payload[0:4] == \"GET \"",
    "tcp.payload[0:3] == \"220\"",
    "tcp.payload[0:4] == 47:45:54:20",
    "tcp.payload[-2:] == 0d:0a",
    "tcp.payload matches \"^(GET|POST) \"",
    "tcp.payload matches \"(?i)^ehlo\"",
    "len(tcp.payload) > 100",
    "len(tcp.payload) == 1448",
    "len(tcp) > 20",
    "tcp.options",
    "tcp.options.mss_val == 1460",
    "tcp.options.wscale.shift == 7",
    "tcp.options.sack_perm",
    "tcp.options.timestamp.tsval",
    "tcp.stream == 0",
    "tcp.stream in {0, 1}",
    "tcp.seq == 1",
    "tcp.ack == 1",
    "tcp.nxtseq > 1000",
    "tcp && !(tcp.port == 80)",
    "not tcp.port == 80 and tcp",
    "(tcp.flags.syn == 1 || tcp.flags.fin == 1) && ip.src == 10.0.0.0/8",
    // TCP analysis.
    "tcp.analysis",
    "tcp.analysis.flags",
    "tcp.analysis.retransmission",
    "tcp.analysis.fast_retransmission",
    "tcp.analysis.spurious_retransmission",
    "tcp.analysis.duplicate_ack",
    "tcp.analysis.lost_segment",
    "tcp.analysis.ack_lost_segment",
    "tcp.analysis.out_of_order",
    "tcp.analysis.keep_alive",
    "tcp.analysis.zero_window",
    "tcp.analysis.window_update",
    "tcp.analysis.reused_ports",
    "tcp.analysis.tfo_syn",
    "tcp.analysis.tfo_ack",
    "tcp.options.tfo.cookie",
    "tcp.connection.syn && tcp.flags.ece == 1",
    "_ws.expert && tcp.flags.fin == 1",
    "http.user_agent contains \"curl\"",
    "tcp.analysis.bytes_in_flight > 1000",
    "tcp.analysis.ack_rtt > 0.05",
    "tcp.analysis.initial_rtt > 0",
    "tcp.time_relative > 0.1",
    "tcp.time_delta > 0.1",
    "!tcp.analysis.flags && tcp.len > 0",
    // UDP.
    "udp.port == 53",
    "udp.srcport == 53",
    "udp.dstport == 5353",
    "udp.length > 100",
    "udp.port in {53, 5353, 137..139}",
    "udp.checksum == 0",
    "udp.stream == 0",
    "udp && !dns",
    // DNS.
    "dns",
    "dns && tcp",
    "dns && udp",
    "dns.flags.response == 0",
    "dns.flags.response == 1",
    "dns.qry.name == \"google.com\"",
    "dns.qry.name contains \"google\"",
    "dns.qry.name matches \"(?i)^WWW\\\\.\"",
    "dns.qry.type == 1",
    "dns.qry.type == 28",
    "dns.qry.type in {15, 16}",
    "dns.count.answers > 0",
    "dns.count.answers == 0",
    "dns.flags.rcode == 3",
    "dns.flags.rcode != 0",
    "dns.a",
    "dns.a == 0.0.0.0/0",
    "dns.aaaa",
    "dns.resp.ttl > 3600",
    "dns.id == 0",
    "dns.cname",
    "dns.mx.mail_exchange",
    "dns.txt",
    "lower(dns.qry.name) contains \"google\"",
    "upper(dns.qry.name) contains \"COM\"",
    "len(dns.qry.name) > 20",
    "dns.resp.name == dns.qry.name",
    "dns.flags.opcode == 0",
    "dns.flags.recdesired == 1",
    "dns.flags.truncated == 1",
    // HTTP.
    "http",
    "http.request",
    "http.response",
    "http.request.method == \"GET\"",
    "http.request.method == \"POST\"",
    "http.request.method in {\"GET\", \"HEAD\"}",
    "http.request.uri contains \"download\"",
    "http.request.uri matches \"\\\\.txt$\"",
    "http.host contains \"www\"",
    "lower(http.host) contains \"www\"",
    "http.response.code == 200",
    "http.response.code == 404",
    "http.response.code >= 400",
    "http.response.code in {200..299}",
    "http.user_agent contains \"Mozilla\"",
    "http.content_length > 1000",
    "http.content_type contains \"text\"",
    "http.server",
    "http.request.version == \"HTTP/1.1\"",
    "http.response.phrase == \"OK\"",
    "http.connection == \"keep-alive\"",
    "http.transfer_encoding == \"chunked\"",
    "http.request.full_uri contains \"http://\"",
    "len(http.request.uri) > 30",
    "http.request && !(tcp.port == 80)",
    "http.cookie",
    "http.location",
    "http.referer",
    "http.accept_encoding contains \"gzip\"",
    "http.file_data contains \"html\"",
    "http.request_in",
    "http.time > 0.01",
    // SMTP.
    "smtp",
    "smtp.req",
    "smtp.rsp",
    "smtp.req.command == \"EHLO\"",
    "smtp.req.command == \"MAIL\"",
    "smtp.req.command in {\"RCPT\", \"DATA\"}",
    "smtp.req.parameter contains \"@\"",
    "smtp.response.code == 250",
    "smtp.response.code >= 500",
    "smtp.response.code in {220, 221}",
    "smtp.rsp.parameter contains \"ESMTP\"",
    "smtp.auth.username",
    "lower(smtp.req.command) == \"quit\"",
    "smtp.req.command matches \"(?i)^(helo|ehlo)$\"",
    "smtp && tcp.srcport == 25",
    // DHCP, NTP, NBNS, SSDP.
    "dhcp",
    "dhcp.option.dhcp == 1",
    "dhcp.option.dhcp in {2, 5}",
    "dhcp.option.type == 55",
    "dhcp.option.request_list_item == 121",
    "dhcp.hw.mac_addr == 02:00:00:00:00:02",
    "dhcp.ip.your == 10.99.0.54",
    "dhcp.option.ip_address_lease_time > 1800",
    "dhcp.option.hostname contains \"vm\"",
    "dhcp.flags.bc",
    "ntp",
    "ntp.flags.mode == 3",
    "ntp.stratum > 1",
    "ntp.rootdelay > 0",
    "nbns",
    "nbns.flags.response == 1",
    "nbns.type == 33",
    "nbns.name contains \"LABHOST\"",
    "nbns.addr == 10.99.0.2",
    "nbns.netbios_name == \"LAB\"",
    "ssdp",
    "http.request.method == \"M-SEARCH\"",
    "http.notification",
    "ssdp && http.request_number == 2",
    // FTP.
    "ftp",
    "ftp.request.command == \"USER\"",
    "ftp.response.code == 229",
    "ftp.response.code >= 200 && ftp.response.code < 300",
    "ftp.passive.port || ftp.epsv.port || ftp.active.port || ftp.eprt.port",
    "ftp.request.arg contains \"hello\"",
    "ftp-data",
    "ftp-data.setup-method == \"PASV\" || ftp-data.setup-method == \"EPASV\"",
    "ftp-data.command contains \"RETR\"",
    "ftp.current-working-directory == \"\"",
    "ftp.current-working-directory == \"pub\"",
    // POP and IMAP.
    "pop",
    "pop.request.command == \"RETR\"",
    "pop.response.indicator == \"+OK\" && pop.response.data",
    "pop && imf",
    "imap",
    "imap.request.command == \"SELECT\"",
    "imap.response.status == \"OK\"",
    "imap.request.command.uid",
    "imap.command == \"UID\"",
    "imap.request.username == \"lab\"",
    "imap.response_to && imap.time < 0.01",
    "imap && imf",
    // TLS and SSH.
    "tls",
    "tls.handshake.type == 1",
    "tls.handshake.type in {2, 11}",
    "tls.record.content_type == 23",
    "tls.record.version == 0x0301",
    "tls.handshake.extensions_server_name == \"lab.test\"",
    "tls.handshake.extensions_alpn_str contains \"http\"",
    "tls.handshake.extensions.supported_version == 0x0304",
    "tls.handshake.ciphersuite == 0x1302",
    "tls.handshake.ja3",
    "tls.alert_message",
    "tls.app_data && tcp.srcport == 443",
    "!tls && tcp.port == 443",
    "quic",
    "quic.long.packet_type == 0",
    "quic.header_form == 0 && quic.spin_bit",
    "quic.dcid == 52:f6:33:76:e7:87:b9:c0",
    "quic.connection.number == 1",
    "quic.frame_type == 6",
    "quic.crypto.length > 400",
    "quic.retry_integrity_tag",
    "quic.remaining_payload && udp.port == 4433",
    "tls.quic.parameter.initial_max_data == 1048576",
    "tls.handshake.type == 1 && quic",
    "!quic && udp.port == 443",
    "ssh",
    "ssh.message_code == 20",
    "ssh.protocol contains \"OpenSSH\"",
    "ssh.kex_algorithms contains \"curve25519\"",
    "ssh.encrypted_packet",
    "ssh.direction == 1",
    "ssh.packet_length > 1000",
    // Frame.
    "frame.len > 1000",
    "frame.len < 60",
    "frame.cap_len < frame.len",
    "frame.len == frame.cap_len",
    "frame.number <= 10",
    "frame.number in {1, 3, 5}",
    "frame.number == 1",
    "frame.time_delta > 1",
    "frame.time_delta < 0",
    "frame.time_relative > 10",
    "frame.interface_id == 1",
    "frame.protocols contains \"dns\"",
    "frame.protocols matches \"tcp:(http|smtp)\"",
    "frame contains \"GET\"",
    "frame contains 47:45:54",
    "frame contains \"\\r\\n\\r\\n\"",
    "frame contains \"\\x0d\\x0a\"",
    "frame matches \"(?i)host: \"",
    "frame[0:2] == 00:00",
    "frame[12:2] == 08:00",
    "frame[-4:] == 00:00:00:00",
    "frame[0] == 0xff",
    "frame[100:]",
    "frame[60:4]",
    "len(frame) > 1000",
    "len(frame) == frame.len",
    "_ws.malformed",
    "!_ws.malformed && tcp",
    // Layers, arithmetic, functions and quantifiers (Wireshark 4.0).
    "ip.src#1 == ip.dst#2",
    "ip.src#2",
    "ip.addr#1 == 192.168.0.0/16",
    "ip.dst#2 == 192.168.1.1",
    "ip.proto#2 == 17",
    "ip.ttl#[-1] < 64",
    "ip.ttl#[1-2] == 64",
    "ip#2 && udp.port#1 == 53",
    "eth.src#1[0:3] == 00:0b:db",
    "vlan.id#1 == vlan.id#2",
    "icmp.type == 3 && ip.src#2 == ip.dst#1",
    "ip.ttl - 1 == 63",
    "ip.ttl == +64",
    "ip.ttl + 1 & 0xff == 65",
    "ip.len & 0xf0 == 0x30",
    "ip.len - ip.hdr_len == udp.length",
    "ip.len == {ip.hdr_len + tcp.hdr_len} + tcp.len",
    "tcp.dstport == tcp.srcport + 1",
    "tcp.srcport % 2 == 0",
    "tcp.window_size_value * 2 > 60000",
    "-tcp.len < -1000",
    "tcp.flags & 0x12 == 0x12",
    "frame.len / 100 == 0",
    "frame.len - frame.cap_len > 0",
    "frame.time_delta + 0.5 > 1",
    "udp.length - 8 == len(udp.payload)",
    "dns.count.answers + dns.count.auth_rr > 2",
    "http.content_length / 1000 > 1",
    "count(ip.src) == 2",
    "count(dns.a) > 1",
    "count(tcp.options.sack_perm) == 1",
    "count(http.request.line) > 5",
    "string(ip.src) contains \"192.168\"",
    "string(tcp.dstport) matches \"^6\"",
    "string(udp.port) == \"53\"",
    "string(eth.src) contains \"00:0b\"",
    "abs(tcp.srcport - tcp.dstport) < 100",
    "max(tcp.srcport, tcp.dstport) > 50000",
    "min(udp.srcport, udp.dstport) == 53",
    "max(ip.ttl) == 64",
    "min(dns.resp.ttl) < 60",
    "all ip.ttl == 64",
    "any ip.ttl != 64",
    "all tcp.port > 1024",
    "all dns.a == 0.0.0.0/0",
    "any ip.addr === 127.0.0.1",
    "all ip.ttl in {60..64, 128}",
];

/// A difference between the tools for one filter on one capture (`*`: the
/// filter as a whole).
#[derive(Clone, PartialEq, Eq, PartialOrd, Ord, Debug)]
struct Key {
    filter: String,
    capture: String,
}

fn load_known() -> BTreeMap<Key, (String, String)> {
    common::known_rows(KNOWN)
        .into_iter()
        .map(|[filter, capture, frames, reason]| (Key { filter, capture }, (frames, reason)))
        .collect()
}

fn save_known(known: &BTreeMap<Key, (String, String)>) {
    let mut out = String::from(
        "# Display filter results that differ from tshark 4.0.17, understood. Columns: filter, capture \
         (`*`: the filter as a whole), frames (+ only wirelens, - only tshark; informational), reason.\n",
    );
    for (k, (frames, reason)) in known {
        let _ = writeln!(out, "{}\t{}\t{}\t{}", k.filter, k.capture, frames, reason);
    }
    std::fs::write(KNOWN, out).expect("write known differences");
}

fn tool_available(name: &str) -> bool {
    Command::new(name).arg("-h").output().is_ok_and(|o| o.status.success())
}

/// One file with every capture tshark can read, and for each capture its
/// name and the number of frames wirelens reads from it, in order.
fn merged(dir: &Path) -> (PathBuf, Vec<(String, usize)>) {
    let indexed: Vec<(usize, PathBuf)> = captures().into_iter().enumerate().collect();
    let parts: Vec<Option<(String, PathBuf, usize)>> = parallel_map(&indexed, |(i, c)| {
        let out = dir.join(format!("{i:04}.pcapng"));
        let ok = Command::new("editcap").arg("-F").arg("pcapng").arg(c).arg(&out).output().is_ok_and(|o| o.status.success());
        let name = c.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        if !ok || !out.exists() {
            return None;
        }
        let ours = Command::new(bin()).arg("-r").arg(&out).args(["-T", "fields", "-e", "frame.number"]).output().ok()?;
        Some((name, out, String::from_utf8_lossy(&ours.stdout).lines().count()))
    });
    let parts: Vec<(String, PathBuf, usize)> = parts.into_iter().flatten().collect();
    let all = dir.join("all.pcapng");
    let st = Command::new("mergecap")
        .arg("-a")
        .arg("-F")
        .arg("pcapng")
        .arg("-w")
        .arg(&all)
        .args(parts.iter().map(|p| &p.1))
        .status()
        .expect("run mergecap");
    assert!(st.success(), "mergecap failed");
    (all, parts.into_iter().map(|(name, _, n)| (name, n)).collect())
}

/// Each frame's lengths, the key used to pair up the two tools' frames.
fn signatures(out: &[u8]) -> Vec<String> {
    String::from_utf8_lossy(out).lines().map(str::to_string).collect()
}

/// Maps tshark's frame numbers to wirelens's. They are the same unless one
/// tool shows a frame the other does not (tshark shows some pcapng blocks
/// as frames): the two sequences of frame lengths are walked together and
/// re-synchronised after such a frame.
fn align(theirs: &[String], ours: &[String]) -> BTreeMap<usize, usize> {
    const WINDOW: usize = 64;
    let mut map = BTreeMap::new();
    let (mut t, mut w) = (0, 0);
    while t < theirs.len() && w < ours.len() {
        if theirs[t] == ours[w] {
            map.insert(t + 1, w + 1);
            t += 1;
            w += 1;
            continue;
        }
        let resync = (1..WINDOW).find_map(|k| {
            if t + k < theirs.len() && theirs[t + k] == ours[w] {
                Some((k, 0))
            } else if w + k < ours.len() && theirs[t] == ours[w + k] {
                Some((0, k))
            } else {
                None
            }
        });
        match resync {
            Some((dt, dw)) => {
                t += dt;
                w += dw;
            }
            None => {
                t += 1;
                w += 1;
            }
        }
    }
    map
}

enum Outcome {
    Frames(BTreeSet<usize>),
    Rejected(String),
}

fn tshark(args: &[&str], file: &Path) -> std::process::Output {
    Command::new("tshark").arg("-n").arg("-r").arg(file).args(args).env("TZ", "UTC").output().expect("run tshark")
}

fn tshark_frames(file: &Path, filter: &str) -> Outcome {
    let o = tshark(&["-Y", filter, "-T", "fields", "-e", "frame.number"], file);
    if !o.status.success() && o.stdout.is_empty() {
        let err = String::from_utf8_lossy(&o.stderr);
        return Outcome::Rejected(err.lines().filter(|l| !l.contains("Running as user")).collect::<Vec<_>>().join(" "));
    }
    Outcome::Frames(String::from_utf8_lossy(&o.stdout).lines().filter_map(|l| l.trim().parse().ok()).collect())
}

/// Frame fields present in every frame of a pcapng file, used as markers:
/// tshark's `-z proto,colinfo,FILTER,FIELD` appends `FIELD == value` to the
/// Info column of the packets FILTER matches, so one tshark run evaluates
/// one filter per marker. The first marks every frame, to detect an Info
/// column too long to carry the markers (such frames are not compared).
const MARKERS: &[&str] = &[
    "frame.number",
    "frame.len",
    "frame.cap_len",
    "frame.encap_type",
    "frame.time_epoch",
    "frame.time_delta",
    "frame.time_delta_displayed",
    "frame.time_relative",
    "frame.protocols",
    "frame.interface_id",
    "frame.marked",
    "frame.ignored",
    "frame.section_number",
    "frame.offset_shift",
    "frame.time",
];

/// Runs up to `MARKERS.len() - 1` filters in one tshark pass; returns each
/// filter's frames and the frames whose markers were cut off. `None` when
/// tshark rejects the batch (a filter in it is invalid).
fn tshark_batch(file: &Path, filters: &[&str]) -> Option<(Vec<BTreeSet<usize>>, BTreeSet<usize>)> {
    let mut args: Vec<String> = vec!["-T".into(), "fields".into(), "-e".into(), "frame.number".into(), "-e".into(), "_ws.col.Info".into()];
    args.push("-z".into());
    args.push(format!("proto,colinfo,{0},{0}", MARKERS[0]));
    for (f, m) in filters.iter().zip(&MARKERS[1..]) {
        args.push("-z".into());
        args.push(format!("proto,colinfo,({f}) && {m},{m}"));
    }
    let argv: Vec<&str> = args.iter().map(String::as_str).collect();
    let o = tshark(&argv, file);
    if !o.status.success() {
        return None;
    }
    let mut sets = vec![BTreeSet::new(); filters.len()];
    let mut cut = BTreeSet::new();
    let text = String::from_utf8_lossy(&o.stdout);
    // An Info column may hold a newline: a record runs until the next line
    // that starts with a frame number and a tab.
    let mut records: Vec<(usize, String)> = Vec::new();
    for line in text.lines() {
        match line.split_once('\t').and_then(|(n, rest)| Some((n.parse::<usize>().ok()?, rest))) {
            Some((n, rest)) => records.push((n, rest.to_string())),
            None => {
                if let Some(last) = records.last_mut() {
                    last.1.push('\n');
                    last.1.push_str(line);
                }
            }
        }
    }
    for (n, info) in records {
        if !info.contains(&format!("  {} == ", MARKERS[0])) {
            cut.insert(n);
            continue;
        }
        for (i, m) in MARKERS[1..=filters.len()].iter().enumerate() {
            if info.contains(&format!("  {m} == ")) {
                sets[i].insert(n);
            }
        }
    }
    Some((sets, cut))
}

/// tshark's frames for every filter: batched through markers where the
/// filter has no comma (`-z` splits its argument at commas), one `-Y` run
/// per filter otherwise or when a batch fails.
fn tshark_all(file: &Path) -> (Vec<Outcome>, BTreeSet<usize>) {
    let batchable: Vec<usize> = (0..FILTERS.len()).filter(|&i| !FILTERS[i].contains(',')).collect();
    let chunks: Vec<Vec<usize>> = batchable.chunks(MARKERS.len() - 1).map(<[usize]>::to_vec).collect();
    let batch_results = parallel_map(&chunks, |c| {
        let fs: Vec<&str> = c.iter().map(|&i| FILTERS[i]).collect();
        tshark_batch(file, &fs)
    });
    let mut out: Vec<Option<Outcome>> = (0..FILTERS.len()).map(|_| None).collect();
    let mut cut = BTreeSet::new();
    for (c, r) in chunks.iter().zip(batch_results) {
        if let Some((sets, c_cut)) = r {
            cut.extend(c_cut);
            for (&i, s) in c.iter().zip(sets) {
                out[i] = Some(Outcome::Frames(s));
            }
        }
    }
    let rest: Vec<usize> = (0..FILTERS.len()).filter(|&i| out[i].is_none()).collect();
    let single = parallel_map(&rest, |&i| tshark_frames(file, FILTERS[i]));
    for (i, r) in rest.into_iter().zip(single) {
        out[i] = Some(r);
    }
    (out.into_iter().map(|o| o.unwrap_or(Outcome::Rejected("not run".into()))).collect(), cut)
}

fn wirelens_frames(file: &Path, filter: &str) -> Outcome {
    let o = Command::new(bin())
        .arg("-r")
        .arg(file)
        .args(["-Y", filter, "-T", "fields", "-e", "frame.number"])
        .output()
        .expect("run wirelens");
    if o.status.code() == Some(2) && o.stdout.is_empty() {
        return Outcome::Rejected(String::from_utf8_lossy(&o.stderr).lines().next().unwrap_or("").to_string());
    }
    Outcome::Frames(String::from_utf8_lossy(&o.stdout).lines().filter_map(|l| l.trim().parse().ok()).collect())
}

/// The capture and its own frame number for a frame of the merged file.
fn locate(list: &[(String, usize)], mut frame: usize) -> (String, usize) {
    for (name, n) in list {
        if frame <= *n {
            return (name.clone(), frame);
        }
        frame -= n;
    }
    ("?".into(), frame)
}

#[test]
fn filters_match_the_same_frames_as_tshark() {
    if !tshark_available() || !["editcap", "mergecap", "capinfos"].iter().all(|t| tool_available(t)) {
        eprintln!("skipped: tshark, editcap, mergecap or capinfos is not installed");
        return;
    }
    assert!(FILTERS.len() >= 150, "the comparison covers at least 150 filters");
    let dir = tempfile::tempdir().expect("temp dir");
    let (file, list) = merged(dir.path());
    assert!(!list.is_empty(), "no captures to compare on");
    let lengths = ["-T", "fields", "-e", "frame.len", "-e", "frame.cap_len"];
    let theirs_sig = signatures(&tshark(&lengths, &file).stdout);
    let ours_sig = Command::new(bin()).arg("-r").arg(&file).args(lengths).output().expect("run wirelens");
    let ours_sig = signatures(&ours_sig.stdout);
    let to_ours = align(&theirs_sig, &ours_sig);
    let (theirs_all, cut) = tshark_all(&file);
    let mut excluded: BTreeSet<usize> = BTreeSet::new();
    for t in 1..=theirs_sig.len() {
        let why = match to_ours.get(&t) {
            None => "wirelens has no such frame",
            Some(_) if cut.contains(&t) => "tshark's Info column too long to carry the markers",
            Some(_) => continue,
        };
        if let Some(&w) = to_ours.get(&t) {
            excluded.insert(w);
        }
        eprintln!("not compared: tshark's frame {t} of the merged file ({why})");
    }
    let paired: BTreeSet<usize> = to_ours.values().copied().collect();
    for w in (1..=ours_sig.len()).filter(|w| !paired.contains(w)) {
        excluded.insert(w);
        eprintln!("not compared: wirelens's frame {w} of the merged file (tshark has no such frame)");
    }
    let ours_all = parallel_map(FILTERS, |f| wirelens_frames(&file, f));
    let mut found: BTreeMap<Key, String> = BTreeMap::new();
    let mut problems = Vec::new();
    for ((filter, theirs), ours) in FILTERS.iter().zip(theirs_all).zip(ours_all) {
        match (theirs, ours) {
            (Outcome::Rejected(e), _) => problems.push(format!("tshark rejects {filter:?}: {e}")),
            (Outcome::Frames(_), Outcome::Rejected(e)) => {
                let reason = if e.contains("is not a valid protocol or protocol field") {
                    let name = e.split('"').nth(1).unwrap_or("");
                    format!("{NOT_DISSECTED}: {name}")
                } else {
                    format!("wirelens rejects the filter: {e}")
                };
                found.insert(Key { filter: filter.to_string(), capture: "*".into() }, reason);
            }
            (Outcome::Frames(t), Outcome::Frames(w)) => {
                let t: BTreeSet<usize> = t.iter().filter_map(|f| to_ours.get(f).copied()).collect();
                let mut per_capture: BTreeMap<String, Vec<String>> = BTreeMap::new();
                for f in w.symmetric_difference(&t).filter(|f| !excluded.contains(*f)) {
                    let (cap, n) = locate(&list, *f);
                    let sign = if w.contains(f) { '+' } else { '-' };
                    per_capture.entry(cap).or_default().push(format!("{sign}{n}"));
                }
                for (cap, frames) in per_capture {
                    found.insert(Key { filter: filter.to_string(), capture: cap }, frames.join(","));
                }
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));

    let mut known = load_known();
    let unlisted: Vec<(&Key, &String)> = found.iter().filter(|(k, _)| !known.contains_key(*k)).collect();
    // Rows of captures absent from this run (the corpus is optional) are
    // neither confirmed nor stale.
    let compared: BTreeSet<&str> = list.iter().map(|(n, _)| n.as_str()).collect();
    let stale: Vec<Key> = known
        .keys()
        .filter(|k| !found.contains_key(*k) && (k.capture == "*" || compared.contains(k.capture.as_str())))
        .cloned()
        .collect();
    let prune = std::env::var_os("WIRELENS_FILTER_DIFF_PRUNE").is_some();
    let add = std::env::var("WIRELENS_FILTER_DIFF_ADD").ok();
    if prune || add.is_some() {
        if prune {
            for k in &stale {
                known.remove(k);
            }
        }
        if let Some(reason) = &add {
            for (k, detail) in &unlisted {
                let (frames, why) = if detail.starts_with(NOT_DISSECTED) {
                    (String::new(), detail.to_string())
                } else {
                    (detail.to_string(), reason.clone())
                };
                known.insert((*k).clone(), (frames, why));
            }
        }
        save_known(&known);
        return;
    }
    let mut report = String::new();
    for (k, detail) in &unlisted {
        let _ = writeln!(report, "unlisted difference: {:?} on {}: {detail}", k.filter, k.capture);
    }
    for k in &stale {
        let _ = writeln!(report, "stale entry (no longer differs): {:?} on {}", k.filter, k.capture);
    }
    assert!(
        report.is_empty(),
        "{report}\nFix the difference, or list it with its reason in {KNOWN} \
         (WIRELENS_FILTER_DIFF_PRUNE=1 drops stale lines; WIRELENS_FILTER_DIFF_ADD=\"reason\" appends)"
    );
}
