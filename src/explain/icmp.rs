//! ICMP's and ICMPv6's story: what a type and code report, and how a ping
//! pairs a request with its reply, after RFC 792 and RFC 4443.

use super::{Item, Story};

const RFC792: &str = "RFC 792 (Internet Control Message Protocol), the message of that type";

pub(super) fn story(it: &Item) -> Option<Story> {
    match it.name() {
        "icmp.type" | "icmp.code" => {
            let (ty, code) = (it.num("icmp.type")?, it.num("icmp.code").unwrap_or(0));
            Story::new(RFC792, vec![v4_meaning(ty, code), echo_pairing(it, "icmp")].into_iter().filter(|l| !l.is_empty()).collect())
        }
        "icmpv6.type" | "icmpv6.code" => {
            let (ty, code) = (it.num("icmpv6.type")?, it.num("icmpv6.code").unwrap_or(0));
            let (line, read) = v6_meaning(ty, code);
            Story::new(read, vec![line, echo_pairing(it, "icmpv6")].into_iter().filter(|l| !l.is_empty()).collect())
        }
        "icmp.seq" | "icmp.ident" | "icmp.seq_le" | "icmp.ident_le" | "icmpv6.echo.sequence_number" | "icmpv6.echo.identifier" => Story::new(
            "RFC 792, Echo or Echo Reply Message",
            vec![
                "The identifier and the sequence number are chosen by the pinging program and copied unchanged into the reply, so that it can tell which request each reply answers: ping keeps one identifier per run and adds 1 to the sequence number for each request.".into(),
                "Wireshark shows both numbers twice (big- and little-endian, `seq=1/256`) because the RFC does not say which byte order a sender uses.".into(),
            ],
        ),
        "icmp.resp_in" | "icmp.resp_to" | "icmp.resptime" | "icmp.no_resp" => {
            let line = echo_pairing(it, "icmp");
            Story::new("RFC 792, Echo or Echo Reply Message", vec![line]).filter(|s| !s.lines[0].is_empty())
        }
        _ => None,
    }
}

/// What an ICMPv4 type and code report.
fn v4_meaning(ty: u64, code: u64) -> String {
    match (ty, code) {
        (0, _) => "Type 0, Echo Reply: the answer to an Echo Request (ping), carrying back its identifier, sequence number and data.".into(),
        (8, _) => "Type 8, Echo Request: ping asks the destination to send the same data back, to test that it is reachable and to time the round trip.".into(),
        (3, c) => format!(
            "Type 3, Destination Unreachable, code {c}: {}. The message quotes the IP header and the first bytes of the packet that could not be delivered, so the sender can tell which one it was.",
            match c {
                0 => "no route to the destination network",
                1 => "the destination host cannot be reached",
                2 => "the destination host does not run the protocol",
                3 => "the host was reached but no program listens on that port (a UDP datagram to a closed port gets this)",
                4 => "the packet needed fragmenting but its Don't Fragment flag was set (path MTU discovery reads the MTU from it)",
                9 | 10 => "communication with the destination is administratively prohibited",
                13 => "communication is administratively prohibited by a filter (a firewall)",
                _ => "a reason RFC 792 and its updates number",
            }
        ),
        (11, 0) => "Type 11, Time Exceeded, code 0: a router dropped the packet because its TTL reached 0 on the way (traceroute sends packets with TTL 1, 2, 3… and reads the routers from these messages).".into(),
        (11, _) => "Type 11, Time Exceeded, code 1: the receiver could not reassemble all fragments of a datagram in time.".into(),
        (5, _) => "Type 5, Redirect: a router tells the sender a better first hop for this destination.".into(),
        (12, _) => "Type 12, Parameter Problem: a router or host could not process a field of the IP header.".into(),
        (13 | 14, _) => "Types 13 and 14, Timestamp Request and Reply: clocks compared in milliseconds since midnight UT (rarely used now).".into(),
        (t, c) => format!("Type {t}, code {c}: a message type RFC 792 or a later RFC defines."),
    }
}

/// What an ICMPv6 type and code report, and where to read about it.
fn v6_meaning(ty: u64, code: u64) -> (String, &'static str) {
    match ty {
        128 => ("Type 128, Echo Request: ping over IPv6 asks the destination to send the data back.".into(), "RFC 4443, section 4.1"),
        129 => ("Type 129, Echo Reply: the answer to an Echo Request, with its identifier, sequence number and data.".into(), "RFC 4443, section 4.2"),
        1 => (format!("Type 1, Destination Unreachable, code {code}: {}.", match code {
            0 => "no route to the destination",
            1 => "communication is administratively prohibited",
            3 => "the address cannot be reached",
            4 => "the host was reached but no program listens on that port",
            _ => "a reason RFC 4443 numbers",
        }), "RFC 4443, section 3.1"),
        2 => ("Type 2, Packet Too Big: the packet is larger than the next link's MTU; IPv6 routers never fragment, so the sender must send smaller packets (path MTU discovery).".into(), "RFC 4443, section 3.2"),
        3 => ("Type 3, Time Exceeded: the hop limit reached 0 on the way (code 0), or fragments were not all received in time (code 1).".into(), "RFC 4443, section 3.3"),
        133 => ("Type 133, Router Solicitation: a host asks the routers on the link to announce themselves now.".into(), "RFC 4861, section 4.1"),
        134 => ("Type 134, Router Advertisement: a router announces itself, the prefixes of the link and whether hosts configure addresses themselves (SLAAC) or ask DHCPv6.".into(), "RFC 4861, section 4.2"),
        135 => ("Type 135, Neighbor Solicitation: IPv6's ARP: who has this address? (also sent to check that an address is not already used).".into(), "RFC 4861, section 4.3"),
        136 => ("Type 136, Neighbor Advertisement: the answer to a Neighbor Solicitation, giving the link-layer address.".into(), "RFC 4861, section 4.4"),
        t => (format!("Type {t}, code {code}: an ICMPv6 message type."), "RFC 4443, section 2.1"),
    }
}

/// For an echo request or reply: which packet answers it, or which one it answers, and how long it took.
fn echo_pairing(it: &Item, proto: &str) -> String {
    let field = |f: &str| format!("{proto}.{f}");
    if let Some(reply) = it.num(&field("resp_in")) {
        return format!("Frame {reply} carries the reply to this request.");
    }
    if let Some(req) = it.num(&field("resp_to")) {
        let time = it.find(&field("resptime")).and_then(|n| match n.value {
            crate::field::Value::Double(ms) => Some(ms),
            _ => None,
        });
        return match time {
            Some(ms) => format!("This reply answers the request of frame {req}, {ms:.3} ms later: the round-trip time ping prints."),
            None => format!("This reply answers the request of frame {req}."),
        };
    }
    if it.find(&field("no_resp")).is_some() {
        return "No reply to this request was captured: the request or its reply was lost, or the capture stopped first.".into();
    }
    String::new()
}
