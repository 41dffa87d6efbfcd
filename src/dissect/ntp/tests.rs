use super::*;
use crate::dissect::session::Session;
use crate::dissect::testutil::{hex, labels, run_with, values};
use crate::dissect::Dissection;

/// ntpdate's request (frame 1 of sample-captures/ntp.pcap) and chronyd's
/// response (frame 2).
const REQUEST: &str = "e3000000000000000000000000000000000000000000000000000000000000000000000000000000eebec4bf62b21000";
const RESPONSE: &str = "240a00e700000000000000007f7f0101eebec4bda7bd9561eebec4bf62b21000eebec4bf62b86fa3eebec4bf62c27fa8";


fn run(s: &mut Session, bytes: &[u8], number: u32, ms: i64, pass: Pass) -> Dissection {
    run_with(s, bytes, number, ms, pass, |cx, b| {
        if let Err(e) = dissect(cx, b, if number % 2 == 1 { 40000 } else { 123 }, if number % 2 == 1 { 123 } else { 40000 }) {
            crate::dissect::note_error(cx, e);
        }
    })
    .0
}

#[test]
fn client_and_server_with_pairing_on_revisit() {
    let (req, rep) = (hex(REQUEST), hex(RESPONSE));
    let mut s = Session::new();
    let d = run(&mut s, &req, 1, 0, Pass::First);
    assert_eq!(d.cols.info, "NTP Version 4, client");
    assert_eq!(values(&d, &REFTIME), ["NULL"]);
    assert!(values(&d, &RESPONSE_IN).is_empty());
    let d = run(&mut s, &rep, 2, 1, Pass::First);
    assert_eq!(d.cols.info, "NTP Version 4, server");
    // As tshark, the links show from the second pass on.
    assert!(values(&d, &REQUEST_IN).is_empty());
    assert_eq!(values(&d, &ROOTDELAY), ["0"]);
    let l = labels(&d);
    assert!(l.contains(&"Peer Clock Stratum: secondary reference (10)".to_string()), "{l:?}");
    assert!(l.contains(&"Reference ID: 127.127.1.1".to_string()));
    assert!(l.contains(&"Flags: 0x24, Leap Indicator: no warning, Version number: NTP Version 4, Mode: server".to_string()));
    assert_eq!(values(&d, &ORG), values(&run(&mut s, &req, 1, 0, Pass::Revisit), &XMT));
    let d = run(&mut s, &req, 1, 0, Pass::Revisit);
    assert_eq!(values(&d, &RESPONSE_IN), ["2"]);
    let d = run(&mut s, &rep, 2, 1, Pass::Revisit);
    assert_eq!((values(&d, &REQUEST_IN), values(&d, &DELTA_TIME)), (vec!["1".to_string()], vec!["0.001000000".to_string()]));
}

#[test]
fn timestamps_and_short_packets() {
    // tshark shows chronyd's transmit timestamp so (frame 2 of ntp.pcap).
    let t = unix_time(0xeebec4bf_62c27fa8);
    let mut s = String::new();
    crate::field::format_value(&XMT, &Value::AbsTime(t), &[], &mut s);
    assert_eq!(s, "Dec  5, 2026 17:13:35.385780313 UTC");
    let d = run(&mut Session::new(), &hex(REQUEST)[..20], 1, 0, Pass::First);
    assert!(d.malformed);
    assert_eq!(d.cols.info, "NTP Version 4, client[Malformed Packet]");
}
