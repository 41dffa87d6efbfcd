//! Compile and evaluate filters against a real dissection of a hand-built
//! Ethernet/IPv4/TCP packet carrying an HTTP request line.

use super::*;
use crate::dissect::{dissect_frame, FrameMeta, Pass};
use crate::field::Timestamp;
use crate::dissect::session::Session;

fn packet() -> Vec<u8> {
    let payload = b"GET /index.html HTTP/1.1\r\n";
    let mut p = Vec::new();
    p.extend_from_slice(&[0x00, 0x11, 0x22, 0x33, 0x44, 0x55]);
    p.extend_from_slice(&[0x66, 0x77, 0x88, 0x99, 0xaa, 0xbb]);
    p.extend_from_slice(&[0x08, 0x00]);
    let total = (20 + 20 + payload.len()) as u16;
    p.extend_from_slice(&[0x45, 0x00]);
    p.extend_from_slice(&total.to_be_bytes());
    p.extend_from_slice(&[0x12, 0x34, 0x40, 0x00, 64, 6, 0, 0]);
    p.extend_from_slice(&[10, 1, 2, 3]);
    p.extend_from_slice(&[192, 168, 0, 9]);
    p.extend_from_slice(&40000u16.to_be_bytes());
    p.extend_from_slice(&80u16.to_be_bytes());
    p.extend_from_slice(&1000u32.to_be_bytes());
    p.extend_from_slice(&2000u32.to_be_bytes());
    p.extend_from_slice(&[0x50, 0x18, 0xff, 0xff, 0x12, 0x34, 0, 0]);
    p.extend_from_slice(payload);
    p
}

fn dissect(p: &[u8]) -> Dissection {
    let ts = Timestamp { secs: 1362692526, nanos: 500_000_000 };
    let meta = FrameMeta {
        number: 7,
        ts,
        caplen: p.len() as u32,
        origlen: p.len() as u32,
        linktype: 1,
        iface: 0,
        has_iface: false,
        section: 0,
        iface_name: "",
        iface_description: None,
        ts_digits: 9,
        first_ts: Timestamp { secs: 1362692525, nanos: 0 },
        prev_ts: Timestamp { secs: 1362692526, nanos: 250_000_000 },
        prev_shown: None,
        no_ts: false,
        custom: None,
    };
    let mut d = Dissection::default();
    dissect_frame(&meta, p, &mut Session::new(), Pass::First, crate::dissect::Depth::Tree, &mut d);
    d
}

fn eval(filter: &str) -> bool {
    eval_on(&packet(), filter)
}

fn eval_on(p: &[u8], filter: &str) -> bool {
    let d = dissect(p);
    let f = Filter::compile(filter).unwrap_or_else(|e| panic!("{filter}: {}", e.render(filter)));
    f.matches(&d, p)
}

fn error(filter: &str) -> FilterError {
    match Filter::compile(filter) {
        Ok(f) => panic!("{filter} compiled to {f}"),
        Err(e) => e,
    }
}

#[test]
fn presence_of_protocols_and_fields() {
    assert!(eval("tcp"));
    assert!(eval("ip && eth && frame"));
    assert!(!eval("udp"));
    assert!(eval("tcp.payload"));
    assert!(eval("tcp.flags.syn"));
    assert!(!eval("!tcp.flags.syn"));
    assert!(!eval("tcp.options"));
}

#[test]
fn integer_comparisons() {
    assert!(eval("tcp.port == 80"));
    assert!(eval("tcp.port eq 40000"));
    assert!(eval("tcp.dstport == 0x50"));
    assert!(eval("tcp.dstport == 0120"));
    assert!(eval("tcp.dstport == 'P'"));
    assert!(eval("tcp.srcport > 1024 and tcp.dstport < 1024"));
    assert!(eval("tcp.dstport >= 80 && tcp.dstport <= 80"));
    assert!(eval("tcp.dstport ge 80 && tcp.dstport le 80 && tcp.srcport gt 80 && tcp.dstport lt 81"));
    assert!(!eval("tcp.port == 443"));
    assert!(eval("ip.ttl == 64"));
    assert!(eval("frame.number == 7"));
    assert!(eval("ip.proto == TCP"));
    assert!(eval("ip.proto == \"tcp\""));
    assert!(!eval("tcp.len > -1"));
}

#[test]
fn multi_valued_fields_follow_wireshark() {
    assert!(eval("tcp.port == 80"));
    assert!(!eval("tcp.port != 80"), "!= is \"no value equals\"");
    assert!(eval("tcp.port ne 443"));
    assert!(eval("tcp.port ~= 80"), "~= is \"some value differs\"");
    assert!(eval("tcp.port any_ne 80"));
    assert!(!eval("tcp.port === 80"));
    assert!(eval("tcp.dstport all_eq 80"));
    assert!(!eval("udp.port != 53"), "an absent field fails every comparison");
}

#[test]
fn booleans() {
    assert!(eval("tcp.flags.push == 1"));
    assert!(eval("tcp.flags.push == True"));
    assert!(eval("tcp.flags.syn == False"));
    assert!(eval("tcp.flags.syn == 0"));
    assert!(eval("tcp.flags.ack == 2"));
    assert!(eval("tcp.flags & 0x10"));
    assert!(!eval("tcp.flags & 0x02"));
    assert!(eval("tcp.flags == 0x018"));
}

#[test]
fn addresses_and_cidr() {
    assert!(eval("ip.src == 10.1.2.3"));
    assert!(eval("ip.addr == 192.168.0.9"));
    assert!(eval("ip.addr == 10.0.0.0/8"));
    assert!(eval("ip.dst == 192.168.0.0/16 && !(ip.src == 192.168.0.0/16)"));
    assert!(eval("ip.src in {10.0.0.0/8, 172.16.0.0/12}"));
    assert!(eval("ip.src < 192.168.0.9"));
    assert!(eval("eth.src == 66:77:88:99:aa:bb"));
    assert!(eval("eth.dst == 00-11-22-33-44-55"));
    assert!(eval("eth.dst == 0011.2233.4455"));
    assert!(eval("eth.addr == 00:11:22:33:44:55"));
    assert!(eval("eth.src[0:2] == 66:77"));
    assert!(eval("ip.src[0] == 0a"));
}

#[test]
fn strings_bytes_contains_and_matches() {
    assert!(eval("tcp.payload contains \"GET\""));
    assert!(eval("tcp.payload contains 47:45:54"));
    assert!(eval("frame contains \"index\""));
    assert!(eval("ip contains \"HTTP\""), "a protocol's value runs to the end of its layer");
    assert!(eval("tcp.payload matches \"^GET /[a-z]+\\\\.html\""));
    assert!(eval("tcp.payload matches \"(?i)get /INDEX\""));
    assert!(!eval("tcp.payload matches \"get /INDEX\""));
    assert!(eval("frame.protocols[0:4] == \"eth:\""));
    assert!(eval("frame.protocols contains \"tcp\""));
    assert!(eval("ip.src_host == \"10.1.2.3\""));
    assert!(eval("tcp.payload contains \"\\x0d\\x0a\""));
    assert!(eval("tcp.payload[0:4] == \"GET \""));
    assert!(eval("tcp.payload[0:4] == 47:45:54:20"));
    assert!(eval("tcp.payload[-2:] == 0d:0a"));
    assert!(eval("tcp.payload[0-2] == \"GET\""));
    assert!(eval("tcp.payload[0,2] == \"GT\""));
    assert!(eval("frame[0:2] == 00:11"));
    assert!(eval("frame[12:2] == 08:00"));
    assert!(eval("frame[14] == 45"));
    assert!(!eval("frame[1000:2] == 00:00"));
    assert!(!eval("frame[1000:2]"));
    assert!(eval("frame[-1:]"));
    assert!(eval("tcp.payload > \"GEA\""));
}

#[test]
fn functions() {
    assert!(eval("len(tcp.payload) == 26"));
    assert!(eval("len(tcp) == 20"), "a protocol's length is its item's");
    assert!(eval("len(tcp.port) == 2"));
    assert!(eval("len(frame) == 80"));
    assert!(eval("len(tcp.payload[0:4]) == 4"));
    assert!(eval("upper(frame.protocols)[0:4] == \"ETH:\""));
    assert!(eval("lower(upper(frame.protocols)) contains \"tcp\""));
    assert!(eval("lower(frame.protocols)[0:3] == \"eth\""));
}

#[test]
fn sets() {
    assert!(eval("tcp.port in {80 443 8000..8080}"));
    assert!(eval("tcp.dstport in {79..81}"));
    assert!(eval("tcp.port in {1, 2, 40000}"));
    assert!(!eval("tcp.dstport in {1..79, 81..100}"));
    assert!(eval("tcp.dstport not in {443}"));
    assert!(!eval("tcp.dstport not in {80}"));
    assert!(eval("ip.src_host in {\"x\" \"10.1.2.3\"}"));
}

#[test]
fn field_to_field() {
    assert!(!eval("tcp.srcport == tcp.dstport"));
    assert!(eval("tcp.srcport > tcp.dstport"));
    assert!(eval("tcp.srcport != tcp.dstport"));
    assert!(eval("ip.src != ip.dst"));
    assert!(eval("ip.addr == ip.dst"));
    assert!(eval("frame.len == frame.cap_len"));
    assert!(eval("tcp.payload contains tcp.payload"));
}

#[test]
fn times() {
    assert!(eval("frame.time_delta == 0.25"));
    assert!(eval("frame.time_relative > 1 && frame.time_relative < 1.6"));
    assert!(eval("frame.time == \"2013-03-07 21:42:06.5\""));
    assert!(eval("frame.time >= \"Mar  7, 2013 21:42:06\""));
    assert!(!eval("frame.time > \"2013-03-07 21:42:07\""));
}

#[test]
fn logic() {
    assert!(eval("tcp || udp"));
    assert!(eval("tcp or udp"));
    assert!(!eval("tcp && udp"));
    assert!(eval("tcp ^^ udp"));
    assert!(!eval("tcp xor ip"));
    assert!(eval("not udp"));
    assert!(eval("!(tcp && udp)"));
    assert!(eval("udp && tcp || ip"));
    assert!(!eval("udp && (tcp || ip)"));
}

#[test]
fn error_unknown_field_suggests_names() {
    let e = error("tcp.prot == 80");
    assert_eq!(e.span, 0..8);
    assert!(e.message.contains("\"tcp.prot\" is not a valid protocol or protocol field"), "{}", e.message);
    assert!(e.message.contains("did you mean tcp.port"), "{}", e.message);
    let e = error("tcp && ip.sorc");
    assert_eq!(e.span, 7..14);
    assert!(e.message.contains("did you mean ip.src"), "{}", e.message);
    assert!(error("qqqqqqqqqqqq").message.contains("--list-fields"));
    let e = error("tcp.srcport == tcp.dstprt");
    assert!(e.message.contains("did you mean tcp.dstport"), "{}", e.message);
    assert!(error("80 == tcp.port").message.contains("left side of \"==\" must be a field"));
    assert!(error("\"abc\"").message.contains("is a value, not a test"));
}

#[test]
fn error_type_mismatch_names_the_type() {
    let e = error("ip.src == \"abc\"");
    assert_eq!(e.span, 10..15);
    assert!(e.message.contains("ip.src is an IPv4 address"), "{}", e.message);
    let e = error("tcp.port == 70000");
    assert!(e.message.contains("too big for tcp.port, whose maximum is 65535"), "{}", e.message);
    assert!(error("tcp.port == abc").message.contains("tcp.port is an unsigned 16-bit integer"));
    assert!(error("tcp.port == \"80\"").message.contains("without quotes"));
    assert!(error("ip.src == 1.2.3.4/33").message.contains("Netmask bits"));
    assert!(error("eth.src == 00:11").message.contains("valid MAC address"));
    assert!(error("tcp.payload == GET").message.contains("valid byte string"));
    assert!(error("tcp.flags.syn == yes").message.contains("a boolean"));
    assert!(error("frame.time_delta > soon").message.contains("time in seconds"));
    assert!(error("frame.time > \"yesterday\"").message.contains("absolute time"));
    let e = error("ip.dst matches \"192\"");
    assert_eq!(e.span, 7..14);
    assert!(e.message.contains("strings, byte fields and protocols only"));
    assert!(error("tcp.port contains 80").message.contains("\"contains\" works on"));
    assert!(error("ip.src & 1").message.contains("\"&\" does not apply to it"));
    assert!(error("tcp.payload matches 47").message.contains("quoted regular expression"));
    assert!(error("frame matches \"(\"").message.contains("Invalid regular expression"));
    assert!(error("tcp.port[0:1] == 00").message.contains("cannot be sliced") || error("tcp.port[0:1] == 00").message.contains("can be sliced"));
    assert!(error("lower(tcp.port) == 1").message.contains("lower() works on strings"));
    let e = error("size(frame) > 1");
    assert_eq!(e.span, 0..4);
    assert!(e.message.contains("not a function"));
    assert!(error("ip.src == tcp.port").message.contains("cannot be compared"));
    assert!(error("tcp.analysis.flags == 1").message.contains("label with no value"));
    assert!(error("frame.number == 1.5").message.contains("valid number"));
}

#[test]
fn render_puts_a_caret_under_the_span() {
    let text = "tcp.prot == 80";
    let r = error(text).render(text);
    let lines: Vec<&str> = r.lines().collect();
    assert_eq!(lines[1], "    tcp.prot == 80");
    assert_eq!(lines[2], "    ^~~~~~~~");
    let text = "ip.src == \"abc\"";
    let r = error(text).render(text);
    assert_eq!(r.lines().nth(2), Some("              ^~~~~"));
    let text = "tcp.port ==";
    assert_eq!(error(text).render(text).lines().nth(2), Some("               ^"));
}

#[test]
fn fields_and_protocols_needed() {
    let f = Filter::compile("tcp.port == 80 && ip.src == 10.0.0.0/8 || tcp.flags.syn").unwrap();
    let names: Vec<&str> = f.fields().iter().map(|f| f.name).collect();
    assert_eq!(names, ["tcp.port", "ip.src", "tcp.flags.syn"]);
    assert_eq!(f.protocols(), ["tcp", "ip"]);
    let f = Filter::compile("tcp.srcport == tcp.dstport").unwrap();
    assert_eq!(f.fields().len(), 2);
}

#[test]
fn canonical_text_compiles_to_the_same_filter() {
    for text in [
        "tcp.port==80&&ip.src==10.0.0.0/8",
        "not tcp or udp and ip",
        "tcp.port in {80 443 8000..8080}",
        "tcp.payload[0:4] == \"GET \" && frame[-2:] == 0d:0a",
        "len(lower(frame.protocols)) > 3",
        "frame matches \"(?i)\\x00\\\\d\"",
    ] {
        let f = Filter::compile(text).unwrap();
        let again = Filter::compile(&f.to_string()).unwrap();
        assert_eq!(f.to_string(), again.to_string());
    }
}

/// An ICMP "port unreachable" quoting the UDP datagram it is about: two IP
/// layers, the inner one with the addresses swapped and a TTL of 63.
fn icmp_error() -> Vec<u8> {
    let ip = |len: u16, ttl: u8, proto: u8, src: [u8; 4], dst: [u8; 4]| {
        let mut h = vec![0x45, 0x00];
        h.extend_from_slice(&len.to_be_bytes());
        h.extend_from_slice(&[0, 1, 0, 0, ttl, proto, 0, 0]);
        h.extend_from_slice(&src);
        h.extend_from_slice(&dst);
        h
    };
    let mut p = vec![0x00, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88, 0x99, 0xaa, 0xbb, 0x08, 0x00];
    p.extend(ip(56, 64, 1, [10, 0, 0, 2], [10, 0, 0, 1]));
    p.extend_from_slice(&[3, 3, 0, 0, 0, 0, 0, 0]);
    p.extend(ip(28, 63, 17, [10, 0, 0, 1], [10, 0, 0, 2]));
    p.extend_from_slice(&[0x9c, 0x40, 0x00, 0x35, 0x00, 0x08, 0x00, 0x00]);
    p
}

fn eval_icmp(filter: &str) -> bool {
    eval_on(&icmp_error(), filter)
}

#[test]
fn layer_operator_picks_one_protocol_occurrence() {
    assert!(eval_icmp("ip.src#1 == 10.0.0.2 && ip.src#2 == 10.0.0.1"));
    assert!(!eval_icmp("ip.src#1 == 10.0.0.1"));
    assert!(eval_icmp("ip.ttl#2 == 63 && ip.ttl#[-1] == 63 && ip.ttl#[-2] == 64"));
    assert!(eval_icmp("ip.ttl#[1-2] == 63 && ip.ttl#[1:2] == 64 && ip.ttl#[2:] == 63"));
    assert!(eval_icmp("ip.ttl#2 in {63} && !(ip.ttl#2 in {64})"));
    assert!(!eval_icmp("ip.ttl#[2:] == 64"));
    assert!(!eval_icmp("ip.src#3") && !eval_icmp("ip.src#0"));
    assert!(eval_icmp("ip#2 && udp.port#1 == 53"));
    assert!(eval_icmp("ip.src#1 == ip.dst#2"));
    assert!(eval_icmp("ip.src#2[3] == 01"));
}

#[test]
fn arithmetic_on_integer_fields() {
    assert!(eval_icmp("ip.ttl + 1 == 65"));
    assert!(eval_icmp("ip.ttl#2 == ip.ttl#1 - 1"));
    assert!(eval_icmp("ip.ttl == {ip.ttl#2 + 1}"));
    assert!(eval_icmp("ip.ttl - 100 == -36"), "arithmetic is signed, so it can go below zero");
    assert!(eval_icmp("ip.ttl - 100 < 0"));
    assert!(eval_icmp("-ip.ttl == -64"));
    assert!(eval_icmp("ip.len & 0xf0 == 0x30"), "& binds looser than ==");
    assert!(!eval_icmp("ip.ttl & 0x40 + 0x40 == 0x40"), "& binds looser than +");
    assert!(eval_icmp("ip.ttl + 1 * 2 == 66"), "* binds tighter than +");
    assert!(eval_icmp("{ip.ttl + 1} * 2 == 130"));
    assert!(eval_icmp("ip.len % 10 == 6 && ip.len / 10 == 5"));
    assert!(!eval_icmp("ip.ttl / 0 == 0"), "a division by zero has no value");
    assert!(eval_icmp("ip.ttl - ip.ttl == 1"), "two values each give every pairing");
    assert!(eval_icmp("ip.ttl & 0x40") && !eval_icmp("ip.ttl & 0x80"), "a bare expression tests for nonzero");
    assert!(eval("frame.time_relative + 0.5 > 1.9"));
    assert!(eval("tcp.srcport -1 == 39999"));
    assert!(eval("tcp.srcport + +1 == +40001"));
}

#[test]
fn functions_count_string_abs_max_min() {
    assert!(eval_icmp("count(ip.src) == 2 && count(udp.port) == 2 && count(ip) == 2"));
    assert!(eval_icmp("count(ip.src#2) == 1"));
    assert!(!eval_icmp("count(tcp.port) == 0"), "a field that never occurs has no count");
    assert!(eval_icmp("string(ip.src) == \"10.0.0.1\""));
    assert!(eval_icmp("string(ip.proto) == \"17\""), "numbers as decimal, not their names");
    assert!(eval_icmp("string(eth.src) == \"66:77:88:99:aa:bb\""));
    assert!(eval_icmp("string(udp.dstport) matches \"^5\""));
    assert!(eval_icmp("abs(-ip.ttl) == 64 && abs(ip.ttl - 100) == 37"));
    assert!(eval_icmp("max(ip.ttl) == 64 && min(ip.ttl) == 63"));
    assert!(eval_icmp("max(ip.ttl, 70) == 70 && min(ip.ttl#1, ip.ttl#2) == 63"));
    assert!(eval_icmp("max(ip.src) == 10.0.0.2"));
    assert!(eval_icmp("count(ip.ttl) + 1 == 3 && len(ip.src) * 2 == 8"));
}

#[test]
fn quantifiers() {
    assert!(!eval_icmp("all ip.ttl == 64"));
    assert!(eval_icmp("any ip.ttl == 64"));
    assert!(eval_icmp("all ip.ttl >= 63"));
    assert!(!eval_icmp("all ip.ttl != 64"));
    assert!(eval_icmp("any ip.ttl != 64"));
    assert!(eval_icmp("any ip.ttl === 64"), "any overrides ==='s own quantifier");
    assert!(eval_icmp("all ip.ttl in {60..64}"));
    assert!(!eval_icmp("all ip.ttl in {60..63, 64}"), "each member is tested under the quantifier");
    assert!(eval_icmp("any ip.ttl in {64}"));
    assert!(!eval_icmp("all tcp.port > 0"), "all needs at least one value");
    assert!(!eval_icmp("ip.ttl == ${ip.ttl}"), "no reference packet, as in tshark");
    assert!(!eval_icmp("ip.ttl == ${ip.ttl#1}"));
}

#[test]
fn errors_for_the_new_forms() {
    assert!(error("1 + ip.ttl > 0").message.contains("start it with a field"));
    assert!(error("ip.src + 1 == 1").message.contains("ip.src is an IPv4 address: \"+\" does not apply"));
    assert!(error("frame.time_relative * 2 > 0").message.contains("\"*\" does not apply"));
    assert!(error("ip.ttl + 300 > 0").message.contains("too big for ip.ttl"));
    assert!(error("ip.ttl + ip.src > 0").message.contains("cannot be compared"));
    assert!(error("count(ip.ttl)").message.contains("is a value, not a test"));
    assert!(error("count(ip.ttl, ip.len) == 1").message.contains("exactly 1 argument"));
    assert!(error("count(ip.ttl + 1) == 1").message.contains("give it a field"));
    assert!(error("len(ip.ttl + 1) == 1").message.contains("takes a field, not arithmetic"));
    assert!(error("abs(ip.src) == 1").message.contains("abs() works on numbers"));
    assert!(error("max(ip.ttl, ip.len) == 1").message.contains("must have the same type"));
    assert!(error("string(frame.time_relative) == \"0\"").message.contains("cannot convert"));
    assert!(error("string(tcp.flags.syn) == \"1\"").message.contains("cannot convert"));
    assert!(error("string(tcp.payload) == \"1\"").message.contains("cannot convert"));
    assert!(error("string(frame.protocols) == \"1\"").message.contains("cannot convert"));
    for lhs in ["ip.ttl + 1", "-ip.ttl", "len(ip.src)", "count(ip.ttl)", "frame[0:1]"] {
        let e = error(&format!("{lhs} in {{1}}"));
        assert!(e.message.contains("Only a field may be tested for membership"), "{lhs}: {}", e.message);
        assert_eq!(e.span, 0..lhs.len());
    }
    let e = error("foo(ip.ttl) == 1");
    assert_eq!(e.span, 0..3);
    assert!(e.message.contains("the functions are abs(), count(), len()"), "{}", e.message);
    assert!(error("ip.ttl == ${ip.tt}").message.contains("is not a field"));
    assert!(error("ip.ttl == ${udp}").message.contains("is not a field"));
    assert!(error("all ip.ttl").message.contains("need a comparison"));
    assert!(error("ip.ttl#0x").message.contains("\"0x\" was unexpected") || error("ip.ttl#0x").message.contains("unexpected"));
}

/// `packet()` with its HTTP request's head complete (the blank line after it).
fn whole_request() -> Vec<u8> {
    let mut p = packet();
    p.extend_from_slice(b"\r\n");
    let total = (p.len() - 14) as u16;
    p[16..18].copy_from_slice(&total.to_be_bytes());
    p
}

#[test]
fn expert_notes_carry_wiresharks_message_severity_and_group() {
    // The request line's Chat note, as Wireshark words and numbers it.
    let p = whole_request();
    assert!(eval_on(&p, r#"_ws.expert.message contains "GET /index.html""#));
    assert!(eval_on(&p, "_ws.expert.severity == 2097152 && _ws.expert.group == 33554432"));
    assert!(eval_on(&p, r#"_ws.expert.severity == "Chat" && _ws.expert.group == "Sequence""#));
    assert!(!eval_on(&p, r#"_ws.expert.severity == "Error""#));
    let d = dissect(&p);
    let label = |name: &str| {
        let i = d.tree.nodes.iter().position(|n| n.field.name == name).unwrap_or_else(|| panic!("no {name}"));
        (d.tree.label(i, &[]), d.tree.nodes[i].hidden())
    };
    assert_eq!(label("_ws.expert.severity"), ("[Severity level: Chat]".to_string(), false));
    assert_eq!(label("_ws.expert.group"), ("[Group: Sequence]".to_string(), false));
    assert!(label("_ws.expert.message").1, "the message is hidden, as in Wireshark");
}
