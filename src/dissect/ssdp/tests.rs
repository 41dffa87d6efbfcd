use super::*;
use crate::dissect::session::Session;
use crate::dissect::testutil::{run_with, values};
use crate::dissect::Dissection;

/// ssdpy's search and its server's answer (sample-captures/ssdp.pcap).
const SEARCH: &[u8] = b"M-SEARCH * HTTP/1.1\r\nHOST:239.255.255.250:1900\r\nMAN: \"ssdp:discover\"\r\nST:ssdp:all\r\nMX:1\r\n\r\n";
const NOTIFY: &[u8] = b"NOTIFY * HTTP/1.1\r\nHOST:239.255.255.250\r\nNT:urn:lab-test:device:Lamp:1\r\nNTS:ssdp:alive\r\n\
USN:uuid:wirelens-lab-device\r\nLOCATION:http://10.99.0.2:8080/description.xml\r\nCache-Control:max-age=1800\r\n\r\n";

fn run(s: &mut Session, bytes: &[u8], number: u32, pass: Pass) -> Dissection {
    run_with(s, bytes, number, 0, pass, |cx, b| dissect(cx, b, 40000, 1900).unwrap()).0
}

#[test]
fn searches_are_numbered_and_notifications_are_not() {
    let mut s = Session::new();
    let d = run(&mut s, SEARCH, 1, Pass::First);
    assert_eq!((d.cols.protocol.as_str(), d.cols.info.as_str()), ("SSDP", "M-SEARCH * HTTP/1.1 "));
    assert_eq!(values(&d, &http::FULL_URI), ["http://239.255.255.250:1900*"]);
    assert_eq!(values(&d, &http::REQUEST_NUMBER), ["1"]);
    assert_eq!(values(&d, &http::REQUEST_LINE).len(), 4);
    let d = run(&mut s, NOTIFY, 2, Pass::First);
    assert_eq!(d.cols.info, "NOTIFY * HTTP/1.1 ");
    assert!(values(&d, &http::REQUEST_NUMBER).is_empty());
    assert!(values(&d, &http::REQUEST_LINE).is_empty());
    assert_eq!(values(&d, &http::NOTIFICATION), ["1"]);
    let d = run(&mut s, SEARCH, 3, Pass::First);
    assert_eq!((values(&d, &http::REQUEST_NUMBER), values(&d, &http::PREV_REQUEST_IN)), (vec!["2".to_string()], vec!["1".to_string()]));
    let d = run(&mut s, SEARCH, 3, Pass::Revisit);
    assert_eq!(values(&d, &http::REQUEST_NUMBER), ["2"]);
}

#[test]
fn not_http_is_shown_as_is() {
    let d = run(&mut Session::new(), b"\x01\x02garbage", 1, Pass::First);
    assert_eq!(d.cols.protocol, "SSDP");
    assert!(values(&d, &http::METHOD).is_empty());
}
