use super::*;
use crate::dissect::session::Session;
use crate::dissect::testutil::{run_with, values};
use crate::dissect::Dissection;

fn run(session: &mut Session, frame: u32, bytes: &[u8], from_client: bool, pass: Pass) -> (Dissection, Pdu) {
    let (sport, dport) = if from_client { (40000, IMAP_PORT) } else { (IMAP_PORT, 40000) };
    let seg = TcpSeg { stream: 0, from_client, sport, dport, fin: false, can_desegment: true };
    run_with(session, bytes, frame, frame as i64 * 100, pass, |cx, b| dissect_tcp(cx, b, &seg).unwrap())
}

fn strings(v: &[&str]) -> Vec<String> {
    v.iter().map(|s| s.to_string()).collect()
}

#[test]
fn requests_and_responses_by_tag() {
    let mut s = Session::new();
    let (d, _) = run(&mut s, 1, b"A1 LOGIN lab \"labpass\"\r\n", true, Pass::First);
    assert_eq!(d.cols.info, "Request: A1 LOGIN lab \"labpass\"");
    assert_eq!(values(&d, &LINE), ["A1 LOGIN lab \"labpass\"\\r\\n"]);
    assert_eq!((values(&d, &REQUEST_TAG), values(&d, &REQUEST_COMMAND)), (strings(&["A1"]), strings(&["LOGIN"])));
    assert_eq!((values(&d, &REQUEST_USERNAME), values(&d, &REQUEST_PASSWORD)), (strings(&["lab"]), strings(&["labpass"])));
    let (d, _) = run(&mut s, 2, b"* CAPABILITY IMAP4rev1\r\nA1 OK Logged in\r\n", false, Pass::First);
    assert_eq!(d.cols.info, "Response: A1 OK Logged in");
    assert_eq!(values(&d, &LINE).len(), 2);
    assert_eq!((values(&d, &RESPONSE_STATUS), values(&d, &RESPONSE_COMMAND)), (strings(&["OK"]), strings(&["Logged"])));
    assert_eq!((values(&d, &RESPONSE_TO), values(&d, &TIME)), (strings(&["1"]), strings(&["0.100000000"])));
    // The request learns its response on a later pass.
    let (d, _) = run(&mut s, 1, b"A1 LOGIN lab \"labpass\"\r\n", true, Pass::Revisit);
    assert_eq!(values(&d, &RESPONSE_IN), ["2"]);
    let (d, _) = run(&mut s, 3, b"A2 UID FETCH 1 (FLAGS)\r\n", true, Pass::First);
    assert_eq!((values(&d, &COMMAND), values(&d, &REQUEST_COMMAND), values(&d, &REQUEST_UID)), (strings(&["UID"]), strings(&["FETCH"]), strings(&["1"])));
    let (d, _) = run(&mut s, 4, b"A3 COPY 1:2 Archive\r\n", true, Pass::First);
    assert_eq!(values(&d, &REQUEST_FOLDER), ["Archive"]);
    // Only untagged lines: Info shows the first.
    let (d, _) = run(&mut s, 5, b"* OK ready\r\n", false, Pass::First);
    assert_eq!(d.cols.info, "Response: * OK ready");
}

#[test]
fn lines_wait_for_their_end() {
    let mut s = Session::new();
    let (_, p) = run(&mut s, 1, b"A1 NOOP", true, Pass::First);
    assert_eq!(p, Pdu::NeedMore { offset: 0, more: None });
    let (_, p) = run(&mut s, 2, b"A1 NOOP\r\nA2 CAPA", true, Pass::First);
    assert_eq!(p, Pdu::NeedMore { offset: 9, more: None });
}

#[test]
fn a_fetched_message_is_imf() {
    let mut s = Session::new();
    let msg = b"Subject: lab\r\n\r\nbody\r\n";
    let mut seg = format!("* 1 FETCH (RFC822 {{{}}}\r\n", msg.len()).into_bytes();
    seg.extend_from_slice(msg);
    // Until the parenthesis after the literal is here, the response waits.
    let (_, p) = run(&mut s, 1, &seg, false, Pass::First);
    assert_eq!(p, Pdu::NeedMore { offset: 0, more: None });
    seg.extend_from_slice(b")\r\nA5 OK Fetch completed\r\n");
    let (d, p) = run(&mut s, 2, &seg, false, Pass::First);
    assert_eq!(p, Pdu::Done(seg.len()));
    assert_eq!(d.protocols, "imap:imf");
    assert_eq!(d.cols.protocol, "IMAP/IMF");
    assert!(d.cols.info.starts_with("subject: lab"), "{}", d.cols.info);
    // The `)` line counts as tagged, as in Wireshark.
    assert_eq!(values(&d, &RESPONSE_TAG), [")", "A5"]);
    // A FETCH without a literal is one line.
    let (d, _) = run(&mut s, 3, b"* 1 FETCH (UID 1 FLAGS (\\Seen))\r\n", false, Pass::First);
    assert_eq!(values(&d, &LINE).len(), 1);
}

#[test]
fn after_starttls_and_its_ok_the_stream_is_tls() {
    // Dovecot and Python's imaplib (sample-captures/make.sh mail_starttls): as tshark 4.0 shows it.
    let Some(cols) = crate::dissect::testutil::sample_columns("imap-starttls.pcap") else { return };
    let at = cols.iter().position(|(_, info)| info.ends_with("STARTTLS")).unwrap_or_else(|| panic!("no STARTTLS: {cols:#?}"));
    assert!(cols[at + 2].1.contains("Begin TLS negotiation now."), "{cols:#?}");
    assert_eq!(cols[at + 3], ("TLSv1".to_string(), "Client Hello".to_string()));
    assert!(cols[at + 5].1.starts_with("Server Hello, Change Cipher Spec"), "{cols:#?}");
    assert!(cols[at + 3..].iter().all(|(p, _)| p.starts_with("TLS") || p == "TCP"), "{cols:#?}");
}
