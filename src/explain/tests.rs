//! Explanations of items of the sample captures, with their real numbers.

use super::*;
use crate::capture::Reader;
use crate::dissect::session::Session;
use crate::dissect::{dissect_frame, Arrivals, Depth, Pass};

/// Every frame of a sample capture, dissected with labels in one pass, and its bytes.
fn capture(name: &str) -> Vec<(Dissection, Vec<u8>)> {
    let path = format!("{}/sample-captures/{name}", env!("CARGO_MANIFEST_DIR"));
    let mut r = Reader::new(std::fs::File::open(path).unwrap()).unwrap();
    let mut session = Session::new();
    let mut arrivals = Arrivals::new(false);
    let mut out = Vec::new();
    while let Some((rec, iface, data)) = r.next_packet().unwrap() {
        let meta = arrivals.next(&rec, iface);
        let mut d = Dissection::default();
        dissect_frame(&meta, data, &mut session, Pass::First, Depth::Tree, &mut d);
        out.push((d, data.to_vec()));
    }
    out
}

/// The explanation of the `nth` item of field `name` in frame `frame` (1-based).
fn explain_nth(frames: &[(Dissection, Vec<u8>)], frame: u32, name: &str, nth: usize) -> Explanation {
    let (d, bytes) = &frames[frame as usize - 1];
    let id = d.tree.nodes.iter().enumerate().filter(|(_, n)| n.field.name == name).nth(nth).map(|(i, _)| i);
    let id = id.unwrap_or_else(|| panic!("frame {frame} has no {name}"));
    let mut other = |n: u32| frames.get((n as usize).checked_sub(1)?).map(|(d, _)| d.clone());
    explain(d, bytes, id, &mut other).unwrap()
}

fn explain_item(frames: &[(Dissection, Vec<u8>)], frame: u32, name: &str) -> Explanation {
    explain_nth(frames, frame, name, 0)
}

fn story(e: &Explanation) -> String {
    e.story.join("\n")
}

#[test]
fn an_ack_names_the_segment_it_acknowledges() {
    let tcp = capture("tcp-upper.pcap");
    // Frame 4 carries "hello wirelens\n" (Seq=1, Len=15); frame 5 answers Ack=16.
    let e = explain_item(&tcp, 5, "tcp.ack");
    assert_eq!(e.title, "Acknowledgment Number (tcp.ack), 4 bytes");
    assert!(story(&e).contains("This ACK acknowledges the 15 bytes of frame 4: 1 + 15 = 16."), "{e:?}");
    assert_eq!(e.read.as_deref(), Some("RFC 9293, section 3.4 (sequence numbers)"));
    // The handshake's ACK acknowledges the SYN-ACK; the last ACK the server's FIN.
    assert!(story(&explain_item(&tcp, 3, "tcp.ack")).contains("the SYN of frame 2: 0 + 1 = 1"));
    assert!(story(&explain_item(&tcp, 10, "tcp.ack")).contains("the FIN of frame 9: 16 + 1 = 17"));
    // Frame 9's Ack=17 acknowledges frame 8's FIN, found through the stream
    // although frame 9 is itself a FIN.
    assert!(story(&explain_item(&tcp, 9, "tcp.ack")).contains("the FIN of frame 8: 16 + 1 = 17"));
    // The generated "This is an ACK to the segment in frame" tells the same.
    let e = explain_item(&tcp, 5, "tcp.analysis.acks_frame");
    assert!(story(&e).contains("1 + 15 = 16"), "{e:?}");
}

#[test]
fn sequence_numbers_count_the_bytes_and_the_syn() {
    let tcp = capture("tcp-upper.pcap");
    let s = story(&explain_item(&tcp, 4, "tcp.seq"));
    assert!(s.contains("It carries 15 bytes, numbered 1 to 15: 1 + 15 = 16"), "{s}");
    let raw = tcp[3].0.tree.nodes.iter().find(|n| n.field.name == "tcp.seq_raw").and_then(|n| n.value.as_u64()).unwrap();
    assert!(s.contains(&format!("On the wire it is {raw}; Wireshark subtracts this side's initial sequence number {}", raw - 1)), "{s}");
    let syn = story(&explain_item(&tcp, 1, "tcp.nxtseq"));
    assert!(syn.contains("its SYN takes one sequence number: 0 + 1 = 1"), "{syn}");
}

#[test]
fn each_tcp_flag_is_explained_set_or_not() {
    let tcp = capture("tcp-upper.pcap");
    let e = explain_item(&tcp, 2, "tcp.flags");
    let s = story(&e);
    assert!(s.starts_with("Set: ACK, SYN."), "{s}");
    assert!(s.contains("SYN: with ACK, the second step of the three-way handshake"), "{s}");
    assert!(s.contains("acknowledges the client's SYN with 1"), "{s}");
    let fin = explain_item(&tcp, 8, "tcp.flags.fin");
    assert!(story(&fin).starts_with("FIN: the sender has no more data") && story(&fin).contains("acknowledges it with 17"));
    assert_eq!(fin.read.as_deref(), Some("RFC 9293, section 3.6 (closing a connection)"));
    assert!(story(&explain_item(&tcp, 5, "tcp.flags.reset")).starts_with("RST: not set"));
    assert!(story(&explain_item(&tcp, 4, "tcp.flags.push")).starts_with("PSH: the sender asks the receiver"));
}

#[test]
fn window_and_options_use_the_handshake() {
    let tcp = capture("tcp-upper.pcap");
    // Window 64 scaled by 1024 (WS=1024 in both SYNs): 65536 bytes.
    let s = story(&explain_item(&tcp, 5, "tcp.window_size_value"));
    assert!(s.contains("The window field says 64; the handshake's window scale option multiplies it by 1024: 64 × 1024 = 65536 bytes"), "{s}");
    assert!(story(&explain_item(&tcp, 1, "tcp.window_size_value")).contains("The window of a SYN is never scaled"));
    assert!(story(&explain_item(&tcp, 1, "tcp.options.mss_val")).starts_with("MSS 65495: the sender can receive segments of at most 65495 bytes"));
    assert!(story(&explain_item(&tcp, 1, "tcp.options.wscale.shift")).contains("2^10 = 1024"));
    assert!(story(&explain_item(&tcp, 1, "tcp.options.timestamp.tsecr")).contains("TSecr 0: there is nothing to echo yet"));
}

#[test]
fn ip_ttl_and_addresses() {
    let dns = capture("dns-udp.pcap");
    let ttl = explain_item(&dns, 1, "ip.ttl");
    assert_eq!(ttl.title, "Time to Live (ip.ttl), 1 byte");
    assert!(story(&ttl).contains("this one probably started at 64 and crossed 0 routers"), "{ttl:?}");
    let src = explain_item(&dns, 1, "ip.src");
    assert!(story(&src).starts_with("The sender's address, 127.0.0.1: loopback (127.0.0.0/8)"), "{src:?}");
    let six = capture("tcp-upper-ipv6.pcap");
    assert!(story(&explain_item(&six, 1, "ipv6.dst")).contains("loopback (::1)"));
    assert!(story(&explain_item(&six, 1, "ipv6.hlim")).starts_with("Hop limit 64"));
}

#[test]
fn udp_length_counts_header_and_data() {
    let udp = capture("udp-upper.pcap");
    let s = story(&explain_item(&udp, 1, "udp.length"));
    // "hello wirelens" is 14 bytes.
    assert!(s.starts_with("Length 22 = 8 bytes of UDP header (source port, destination port, length, checksum) + 14 bytes of data"), "{s}");
}

#[test]
fn dns_header_bits_types_and_ttls() {
    let dns = capture("dns-udp.pcap");
    let id = explain_item(&dns, 2, "dns.id");
    assert_eq!(id.title, "Transaction ID (dns.id), 2 bytes");
    assert!(story(&id).starts_with("Transaction ID 0x295a") && story(&id).contains("It answers the query of frame 1."));
    assert_eq!(story(&explain_item(&dns, 1, "dns.flags.response")), "QR = 0: a query, from the client.");
    assert_eq!(story(&explain_item(&dns, 2, "dns.flags.response")), "QR = 1: a response, from the server.");
    assert!(story(&explain_item(&dns, 1, "dns.flags.opcode")).starts_with("Opcode 0: a standard query"));
    assert!(story(&explain_item(&dns, 1, "dns.flags.recdesired")).starts_with("RD = 1"));
    assert!(story(&explain_item(&dns, 16, "dns.flags.rcode")).starts_with("Reply code 3: NXDomain"));
    let ttl = explain_item(&dns, 2, "dns.resp.ttl");
    assert!(story(&ttl).starts_with("TTL 300: a resolver may keep this record in its cache for 5 minutes (300 s)"), "{ttl:?}");
    let aaaa = explain_item(&dns, 3, "dns.qry.type");
    assert!(story(&aaaa).starts_with("Type 28: AAAA, an IPv6 address"));
    assert_eq!(aaaa.read.as_deref(), Some("RFC 3596, section 2"));
    assert_eq!(explain_item(&dns, 1, "dns.flags").read.as_deref(), Some("RFC 1035, section 4.1.1 (header section format)"));
}

#[test]
fn http_methods_status_codes_and_headers() {
    let web = capture("web.pcap");
    let get = explain_item(&web, 4, "http.request.method");
    assert!(story(&get).starts_with("GET asks for the current representation"));
    assert_eq!(get.read.as_deref(), Some("RFC 9110, section 9.3.1"));
    let nf = explain_item(&web, 9, "http.response.code");
    assert!(story(&nf).starts_with("404: Not Found") && story(&nf).contains("4xx: the client's error"));
    assert_eq!(nf.read.as_deref(), Some("RFC 9110, section 15.5.5"));
    let host = explain_item(&web, 4, "http.host");
    assert!(story(&host).starts_with("Host: 127.0.0.1:6789. This header field gives the host"), "{host:?}");
}

#[test]
fn smtp_commands_and_reply_codes() {
    let smtp = capture("smtp.pcap");
    let ehlo = explain_item(&smtp, 6, "smtp.req.command");
    assert!(story(&ehlo).starts_with("EHLO: the client greets the server"));
    assert_eq!(ehlo.read.as_deref(), Some("RFC 5321, section 4.1.1.1"));
    let go = story(&explain_item(&smtp, 14, "smtp.response.code"));
    assert!(go.starts_with("354: start the message") && go.contains("3yz: positive intermediate"), "{go}");
    assert!(story(&explain_item(&smtp, 4, "smtp.response.code")).starts_with("220: the greeting"));
}

#[test]
fn protocols_text_items_and_generated_items_are_summarised_as_wireshark_does() {
    let dns = capture("dns-udp.pcap");
    let (d, _) = &dns[0];
    let summary_of = |name: &str| summary(d.tree.nodes.iter().find(|n| n.field.name == name).unwrap());
    assert_eq!(summary_of("dns"), "Domain Name System (dns), 30 bytes");
    assert_eq!(summary_of("udp.stream"), "Stream index (udp.stream)");
    let text = d.tree.nodes.iter().find(|n| n.field.name.is_empty() && n.len > 0).unwrap();
    assert_eq!(summary(text), format!("Text item (text), {} bytes", text.len));
    // A field without a story still has its description.
    let e = explain_item(&dns, 1, "udp.srcport");
    assert!(e.story.is_empty() && e.read.is_none() && !e.about.is_empty());
}

#[test]
fn a_ping_reply_names_its_request_and_the_round_trip() {
    let icmp = capture("icmp.pcap");
    let e = explain_item(&icmp, 1, "icmp.type");
    assert!(story(&e).starts_with("Type 8, Echo Request"), "{e:?}");
    let e = explain_item(&icmp, 2, "icmp.type");
    assert!(story(&e).starts_with("Type 0, Echo Reply"), "{e:?}");
    assert!(story(&e).contains("answers the request of frame 1, 0.015 ms later"), "{e:?}");
    assert!(story(&explain_item(&icmp, 2, "icmp.seq")).contains("copied unchanged into the reply"));
    let v6 = capture("icmpv6.pcap");
    let first = v6.iter().position(|(d, _)| d.tree.nodes.iter().any(|n| n.field.name == "icmpv6.type")).unwrap();
    assert!(explain_item(&v6, first as u32 + 1, "icmpv6.type").read.unwrap().starts_with("RFC 4"));
}

#[test]
fn arp_requests_and_replies_name_the_addresses() {
    let arp = capture("arp.pcap");
    let e = explain_item(&arp, 1, "arp.opcode");
    assert!(story(&e).contains("10.99.0.1 asks who has 10.99.0.2"), "{e:?}");
    assert!(story(&explain_item(&arp, 2, "arp.opcode")).contains("Opcode 2, reply: 10.99.0.2 answers"));
}

#[test]
fn dhcp_dora_and_the_lease() {
    let dhcp = capture("dhcp.pcap");
    let kinds: Vec<String> = (1..=4).map(|f| story(&explain_item(&dhcp, f, "dhcp.option.dhcp"))).collect();
    for (k, want) in kinds.iter().zip(["DHCPDISCOVER", "DHCPOFFER", "DHCPREQUEST", "DHCPACK"]) {
        assert!(k.starts_with(want), "{k}");
    }
    let e = explain_item(&dhcp, 4, "dhcp.option.ip_address_lease_time");
    assert!(story(&e).contains("renews after half of it"), "{e:?}");
    assert!(story(&explain_item(&dhcp, 2, "dhcp.ip.your")).contains("Your client IP address 10.99.0.54"));
}

#[test]
fn ntp_modes_and_stratum() {
    let ntp = capture("ntp.pcap");
    assert!(story(&explain_item(&ntp, 1, "ntp.flags.mode")).starts_with("Mode 3: client"));
    assert!(story(&explain_item(&ntp, 2, "ntp.flags.mode")).starts_with("Mode 4: server"));
    assert!(story(&explain_item(&ntp, 2, "ntp.xmt")).contains("Offset = "));
}

#[test]
fn tls_records_handshakes_and_sni() {
    let tls = capture("tls13.pcap");
    let e = explain_item(&tls, 4, "tls.handshake.type");
    assert!(story(&e).starts_with("Client Hello"), "{e:?}");
    assert_eq!(e.read.as_deref(), Some("RFC 8446, section 4.1.2"));
    assert!(story(&explain_item(&tls, 4, "tls.record.content_type")).starts_with("Content type 22: Handshake"));
    assert!(story(&explain_item(&tls, 4, "tls.handshake.version")).contains("supported_versions"));
    assert!(story(&explain_item(&tls, 6, "tls.handshake.type")).starts_with("Server Hello"));
}

#[test]
fn ssh_banner_and_ftp_commands() {
    let ssh = capture("ssh.pcap");
    assert!(story(&explain_item(&ssh, 4, "ssh.protocol")).starts_with("SSH-2.0-OpenSSH"));
    let ftp = capture("ftp.pcap");
    assert!(story(&explain_item(&ftp, 4, "ftp.response.code")).starts_with("220: the service is ready"));
    assert!(story(&explain_item(&ftp, 6, "ftp.request.command")).starts_with("USER: names the user"));
}
