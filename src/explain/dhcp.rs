//! DHCP's story: the four messages that lease an address, after RFC 2131
//! and the options of RFC 2132.

use super::{seconds, Item, Story};

pub(super) fn story(it: &Item) -> Option<Story> {
    match it.name() {
        "dhcp.option.dhcp" => {
            let what = match it.uint()? {
                1 => "DHCPDISCOVER: a client without an address broadcasts from 0.0.0.0 to find the servers on its link",
                2 => "DHCPOFFER: a server offers an address (in Your client IP address) with a lease time and the network's settings",
                3 => "DHCPREQUEST: the client asks for the address it was offered (broadcast, so the other servers learn their offers were declined), or renews its lease",
                4 => "DHCPDECLINE: the client found the offered address already in use",
                5 => "DHCPACK: the server confirms; the client may now use the address for the lease time",
                6 => "DHCPNAK: the server refuses the request (the client moved to another network, or the lease expired); the client starts again",
                7 => "DHCPRELEASE: the client gives its address back",
                8 => "DHCPINFORM: a client with an address asks only for the settings",
                _ => "a message type outside RFC 2132",
            };
            Story::new(
                "RFC 2131, section 3.1 (client-server interaction), and RFC 2132, section 9.6 (message type)",
                vec![
                    format!("{what}."),
                    "A client gets an address in four messages, Discover, Offer, Request, Ack (DORA), all linked by one Transaction ID; it renews half-way through the lease with a Request straight to the server.".into(),
                ],
            )
        }
        "dhcp.option.ip_address_lease_time" => {
            let s = it.uint()?;
            Story::new(
                "RFC 2132, section 9.2 (IP address lease time), and RFC 2131, section 4.4.5 (reacquisition and expiration)",
                vec![format!("The client may use the address for {s} s ({}). It renews after half of it (T1) and rebinds with any server after seven eighths (T2).", seconds(s))],
            )
        }
        "dhcp.ip.your" => Story::new(
            "RFC 2131, section 2 (protocol summary: yiaddr)",
            vec![format!("Your client IP address {}: the address the server offers or confirms to the client.", it.text())],
        ),
        "dhcp.id" => Story::new(
            "RFC 2131, section 2 (protocol summary: xid)",
            vec!["A random number the client chooses; the server copies it into its answers, so a client can tell which answers are for it (until it has an address, they are broadcast).".into()],
        ),
        _ => None,
    }
}
