use super::*;
use crate::dissect::session::Session;
use crate::dissect::testutil::{run_with, values};
use crate::dissect::Dissection;

fn run(session: &mut Session, frame: u32, bytes: &[u8], from_client: bool, pass: Pass) -> Dissection {
    let (sport, dport) = if from_client { (40000, POP_PORT) } else { (POP_PORT, 40000) };
    let seg = TcpSeg { stream: 0, from_client, sport, dport, fin: false, can_desegment: true };
    run_with(session, bytes, frame, 0, pass, |cx, b| dissect_tcp(cx, b, &seg).unwrap()).0
}

#[test]
fn commands_and_status_lines() {
    let mut s = Session::new();
    let d = run(&mut s, 1, b"USER lab\r\n", true, Pass::First);
    assert_eq!(d.cols.info, "C: USER lab");
    assert_eq!((values(&d, &REQUEST_COMMAND), values(&d, &REQUEST_PARAMETER)), (vec!["USER".to_string()], vec!["lab".to_string()]));
    assert_eq!(values(&d, &REQUEST), [""]);
    let d = run(&mut s, 2, b"+OK 1 messages:\r\n1 218\r\n.\r\n", false, Pass::First);
    assert_eq!(d.cols.info, "S: +OK 1 messages:");
    assert_eq!((values(&d, &RESPONSE_INDICATOR), values(&d, &RESPONSE_DESCRIPTION)), (vec!["+OK".to_string()], vec!["1 messages:".to_string()]));
    assert_eq!(values(&d, &RESPONSE_DATA).len(), 2);
    let d = run(&mut s, 3, b"+OK\r\n", false, Pass::First);
    assert!(values(&d, &RESPONSE_DESCRIPTION).is_empty());
    assert_eq!(leading_number(b" 218 octets"), 218);
    assert_eq!(leading_number(b"x"), 0);
}

#[test]
fn a_message_in_pieces_is_reassembled_as_imf() {
    let mut s = Session::new();
    run(&mut s, 1, b"RETR 1\r\n", true, Pass::First);
    run(&mut s, 2, b"+OK 40 octets\r\n", false, Pass::First);
    let d = run(&mut s, 3, b"Subject: lab\r\n\r\n", false, Pass::First);
    assert_eq!(d.cols.info, "S: DATA fragment, 16 bytes");
    assert_eq!(d.protocols, "pop");
    let d = run(&mut s, 4, b"hello, the body text\r\n.\r\n", false, Pass::First);
    assert_eq!(d.protocols, "pop:imf");
    assert_eq!(d.cols.protocol, "POP/IMF");
    assert_eq!(values(&d, &FRAGMENT), ["3", "4"]);
    assert_eq!(values(&d, &REASSEMBLED_LENGTH), ["41"]);
    assert_eq!(crate::dissect::testutil::field(&d, b"", "imf.subject"), "lab");
    // A later pass shows the same without counting again.
    let again = run(&mut s, 4, b"hello, the body text\r\n.\r\n", false, Pass::Revisit);
    assert_eq!(values(&again, &FRAGMENT), ["3", "4"]);
    // A piece that nothing announced completes at once, with no list.
    let d = run(&mut s, 5, b"+ \r\n", false, Pass::First);
    assert_eq!((d.protocols.as_str(), values(&d, &FRAGMENT).len()), ("pop:imf", 0));
}

#[test]
fn after_stls_and_its_ok_the_stream_is_tls() {
    // Dovecot and Python's poplib (sample-captures/make.sh mail_starttls): as tshark 4.0 shows it.
    let Some(cols) = crate::dissect::testutil::sample_columns("pop3-starttls.pcap") else { return };
    let at = cols.iter().position(|(_, info)| info.ends_with("STLS")).unwrap_or_else(|| panic!("no STLS: {cols:#?}"));
    assert!(cols[at + 2].1.contains("Begin TLS negotiation now."), "{cols:#?}");
    assert_eq!(cols[at + 3], ("TLSv1".to_string(), "Client Hello".to_string()));
    assert!(cols[at + 5].1.starts_with("Server Hello, Change Cipher Spec"), "{cols:#?}");
    assert!(cols[at + 3..].iter().all(|(p, _)| p.starts_with("TLS") || p == "TCP"), "{cols:#?}");
}
