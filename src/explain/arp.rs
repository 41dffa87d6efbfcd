//! ARP's story: who asks, who answers, and the gratuitous kinds, after
//! RFC 826 and RFC 5227.

use super::{Item, Story};

pub(super) fn story(it: &Item) -> Option<Story> {
    let sender = it.find("arp.src.proto_ipv4").map(|n| field_text(it, n));
    let target = it.find("arp.dst.proto_ipv4").map(|n| field_text(it, n));
    match it.name() {
        "arp.opcode" => {
            let (s, t) = (sender.unwrap_or_default(), target.unwrap_or_default());
            let mut lines = vec![match it.uint()? {
                1 if s == t => format!("Opcode 1, request, for the sender's own address {s}: a gratuitous ARP, announcing the address (or checking, at start-up, that no one else uses it)."),
                1 if s == "0.0.0.0" => format!("Opcode 1, request, from 0.0.0.0: an ARP probe, checking that no host already uses {t} before taking it."),
                1 => format!("Opcode 1, request: {s} asks who has {t}, to learn its link-layer (MAC) address. It goes to the broadcast address, so every host on the link receives it; only {t} answers."),
                2 => format!("Opcode 2, reply: {s} answers that it has that address, and gives its MAC address. The reply goes only to the asker, which keeps the pair in its ARP cache for a while."),
                op => format!("Opcode {op}: not a request (1) or reply (2); RARP and InARP use other opcodes."),
            }];
            lines.push("ARP sits below IP: a host that wants to send an IP packet on the link first needs the MAC address of the next hop, and ARP finds it.".into());
            Story::new("RFC 826 (An Ethernet Address Resolution Protocol), and RFC 5227 for probes and announcements", lines)
        }
        "arp.duplicate-address-detected" | "arp.duplicate-address-frame" => Story::new(
            "RFC 5227, section 2.4 (ongoing address conflict detection)",
            vec!["Two different MAC addresses have claimed the same IP address in this capture: two hosts are configured with one address, or a host changed its network card. Traffic for that address may go to either.".into()],
        ),
        _ => None,
    }
}

fn field_text(it: &Item, n: &crate::field::tree::Node) -> String {
    match &n.value {
        crate::field::Value::Ipv4(a) => a.to_string(),
        _ => it.text(),
    }
}
