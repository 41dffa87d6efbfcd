use super::*;
use crate::dissect::session::Session;
use crate::dissect::testutil::{labels, run_with, values};
use crate::dissect::{Dissection, Pass};

/// A BOOTP header from client 02:00:00:00:00:02, transaction 0xb651e18,
/// followed by the magic cookie and `options`.
fn message(op: u8, options: &[u8]) -> Vec<u8> {
    let mut m = vec![op, 1, 6, 0, 0x0b, 0x65, 0x1e, 0x18, 0, 0, 0x80, 0];
    m.extend([0u8; 16]); // ciaddr, yiaddr, siaddr, giaddr
    m.extend([2, 0, 0, 0, 0, 2]);
    m.extend([0u8; 10 + 64 + 128]);
    m.extend(MAGIC.to_be_bytes());
    m.extend(options);
    m
}

fn run(bytes: &[u8]) -> Dissection {
    run_with(&mut Session::new(), bytes, 1, 0, Pass::First, |cx, b| {
        if let Err(e) = dissect(cx, b) {
            crate::dissect::note_error(cx, e);
        }
    })
    .0
}

#[test]
fn discover_with_request_list() {
    let m = message(1, &[53, 1, 1, 12, 2, b'v', b'm', 55, 3, 1, 3, 121, 255, 0, 0]);
    let d = run(&m);
    assert_eq!(d.cols.protocol, "DHCP");
    assert_eq!(d.cols.info, "DHCP Discover - Transaction ID 0xb651e18");
    assert_eq!(values(&d, &options::OPTION_TYPE), ["53", "12", "55", "0"]);
    assert_eq!(values(&d, &options::REQUEST_LIST_ITEM), ["1", "3", "121"]);
    assert_eq!(values(&d, &FLAGS_BC), ["1"]);
    assert_eq!(values(&d, &HW_MAC_ADDR), ["02:00:00:00:00:02"]);
    let l = labels(&d);
    assert!(l.contains(&"Option: (53) DHCP Message Type (Discover)".to_string()), "{l:?}");
    assert!(l.contains(&"Parameter Request List Item: (121) Classless Static Route".to_string()));
    assert!(l.contains(&"Host Name: vm".to_string()));
    assert!(l.contains(&"Bootp flags: 0x8000 (Broadcast)".to_string()));
    assert!(l.contains(&"Server host name not given".to_string()));
}

#[test]
fn ack_addresses_and_times() {
    let opts = [53, 1, 5, 54, 4, 10, 99, 0, 1, 51, 4, 0, 0, 0x0c, 0x4e, 3, 8, 10, 0, 0, 1, 10, 0, 0, 2, 255];
    let d = run(&message(2, &opts));
    assert_eq!(d.cols.info, "DHCP ACK      - Transaction ID 0xb651e18");
    let l = labels(&d);
    assert!(l.contains(&"Option: (54) DHCP Server Identifier (10.99.0.1)".to_string()), "{l:?}");
    assert!(l.contains(&"IP Address Lease Time: (3150s) 52 minutes, 30 seconds".to_string()));
    // A list of addresses is not repeated after the option's name.
    assert!(l.contains(&"Option: (3) Router".to_string()));
    assert_eq!(values(&d, &options::OPTION_LENGTH), ["1", "4", "4", "8"]);
}

#[test]
fn bootp_without_cookie_and_bad_lengths() {
    let mut m = message(2, &[]);
    let n = m.len();
    m[n - 4..].copy_from_slice(&[0, 0, 0, 0]);
    let d = run(&m);
    assert_eq!((d.cols.protocol.as_str(), d.cols.info.as_str()), ("BOOTP", "Boot Reply"));
    // A request cut before its options still names its client.
    let d = run(&message(1, &[])[..100]);
    assert_eq!(d.cols.info, "Boot Request from 02:00:00:00:00:02 (02:00:00:00:00:02)[Malformed Packet]");
    // An option longer than the datagram.
    let d = run(&message(1, &[53, 1, 3, 12, 40, b'x']));
    assert!(d.malformed);
    assert_eq!(d.cols.protocol, "BOOTP");
}

