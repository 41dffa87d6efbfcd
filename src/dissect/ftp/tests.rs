use super::*;
use crate::dissect::session::Session;
use crate::dissect::testutil::{run_with, values};
use crate::dissect::{Dissection, Pass};

fn run(bytes: &[u8], from_client: bool) -> Dissection {
    let (sport, dport) = if from_client { (40000, FTP_PORT) } else { (FTP_PORT, 40000) };
    let seg = TcpSeg { stream: 0, from_client, sport, dport, fin: false };
    run_with(&mut Session::new(), bytes, 1, 0, Pass::First, |cx, b| dissect_tcp(cx, b, &seg).unwrap()).0
}

#[test]
fn commands_and_replies() {
    let d = run(b"USER anonymous\r\n", true);
    assert_eq!(d.cols.info, "Request: USER anonymous");
    assert_eq!((values(&d, &COMMAND), values(&d, &ARG)), (vec!["USER".to_string()], vec!["anonymous".to_string()]));
    assert_eq!((values(&d, &REQUEST), values(&d, &RESPONSE)), (vec!["1".to_string()], vec!["0".to_string()]));
    let d = run(b"PWD\r\n", true);
    assert!(values(&d, &ARG).is_empty());
    let d = run(b"220-first line\r\n220 pyftpdlib ready.\r\n", false);
    assert_eq!(d.cols.info, "Response: 220-first line");
    // Only the first line of a segment is read as a reply.
    assert_eq!((values(&d, &CODE), values(&d, &RESPONSE_ARG)), (vec!["220".to_string()], vec!["first line".to_string()]));
}

#[test]
fn data_connection_addresses() {
    let d = run(b"227 Entering passive mode (127,0,0,1,162,55).\r\n", false);
    assert_eq!((values(&d, &PASSIVE_IP), values(&d, &PASSIVE_PORT)), (vec!["127.0.0.1".to_string()], vec!["41527".to_string()]));
    let d = run(b"PORT 127,0,0,1,231,89\r\n", true);
    assert_eq!(values(&d, &ACTIVE_PORT), ["59225"]);
    let d = run(b"EPRT |1|127.0.0.1|40949|\r\n", true);
    assert_eq!((values(&d, &EPRT_AF), values(&d, &EPRT_IP), values(&d, &EPRT_PORT)), (vec!["1".into()], vec!["127.0.0.1".into()], vec!["40949".to_string()]));
    let d = run(b"229 Entering extended passive mode (|||53579|).\r\n", false);
    assert_eq!(values(&d, &EPSV_PORT), ["53579"]);
    // Malformed arguments give no address.
    assert!(values(&d, &PASSIVE_PORT).is_empty());
    assert_eq!(six_numbers(b"x 1,2,3 then 10,0,0,2,1,2"), Some((Ipv4Addr::new(10, 0, 0, 2), 258)));
    assert_eq!(six_numbers(b"1,2,3,4,5"), None);
    assert_eq!(eprt(b"|3|x|1|"), None);
    assert_eq!(epsv_port(b"(|||)"), None);
}
