use proptest::prelude::*;

use super::*;
use crate::dissect::testutil::{labels, run_with, values};
use crate::dissect::Dissection;
use crate::dissect::session::Session;

fn seg(from_client: bool) -> TcpSeg {
    let (sport, dport) = if from_client { (40000, 25) } else { (25, 40000) };
    TcpSeg { stream: 0, from_client, sport, dport, fin: false, can_desegment: true }
}

fn run(session: &mut Session, bytes: &[u8], number: u32, from_client: bool) -> (Dissection, DResult<Pdu>) {
    run_with(session, bytes, number, 0, Pass::First, |cx, b| dissect_tcp(cx, b, &seg(from_client)))
}

#[test]
fn dialogue_with_multiline_reply_and_data() {
    let mut s = Session::new();
    let (d, _) = run(&mut s, b"220 mail.example ESMTP\r\n", 1, false);
    assert_eq!(d.cols.info, "S: 220 mail.example ESMTP");
    assert_eq!(values(&d, &CODE), ["220"]);
    let (d, _) = run(&mut s, b"250-mail.example\r\n250-PIPELINING\r\n250 AUTH LOGIN PLAIN\r\n", 2, false);
    assert_eq!(d.cols.info, "S: 250-mail.example | PIPELINING | AUTH LOGIN PLAIN");
    assert_eq!(values(&d, &RESPONSE).len(), 1);
    assert_eq!(values(&d, &RSP_PARAMETER), ["mail.example", "PIPELINING", "AUTH LOGIN PLAIN"]);
    let (d, r) = run(&mut s, b"MAIL FROM:<jain@acm.org>\r\n", 3, true);
    assert_eq!(r, Ok(Pdu::Done(26)));
    assert_eq!(d.cols.info, "C: MAIL FROM:<jain@acm.org>");
    assert_eq!(values(&d, &COMMAND), ["MAIL"]);
    assert_eq!(values(&d, &PARAMETER), ["FROM:<jain@acm.org>"]);
    assert_eq!(values(&d, &COMMAND_LINE), ["MAIL FROM:<jain@acm.org>\\r\\n"]);
    let _ = run(&mut s, b"DATA\r\n", 4, true);
    let (d, _) = run(&mut s, b"From: jain@acm.org\r\nTo: bob@x\r\nSubject: hi\r\n\r\nHello\r\n", 5, true);
    assert_eq!(d.cols.info, "C: DATA fragment, 53 bytes");
    let (d, r) = run(&mut s, b".\r\nQUIT\r\n", 6, true);
    assert_eq!(r, Ok(Pdu::Done(9)));
    assert_eq!(d.cols.protocol, "SMTP/IMF");
    assert_eq!(values(&d, &FRAGMENT), ["5"]);
    assert!(d.cols.info.starts_with("from: jain@acm.org, subject: hi, , Hello  "), "{}", d.cols.info);
    assert!(d.tree.nodes.iter().any(|n| n.field.name == "imf.subject"));
    // As in Wireshark, lines after the end of the message in the same
    // segment are not dissected.
    assert!(values(&d, &COMMAND).is_empty());
    assert_eq!(d.sources.len(), 1);
}

#[test]
fn on_port_25_the_port_tells_the_direction_whoever_spoke_first() {
    // The capture starts after the greeting: the server's reply is the
    // first packet seen, so TCP takes its sender for the client.
    let mut s = Session::new();
    let reply = TcpSeg { stream: 0, from_client: true, sport: 25, dport: 40000, fin: false, can_desegment: true };
    let (d, _) = run_with(&mut s, b"250 OK\r\n", 1, 0, Pass::First, |cx, b| dissect_tcp(cx, b, &reply));
    assert_eq!(d.cols.info, "S: 250 OK");
    let cmd = TcpSeg { from_client: false, sport: 40000, dport: 25, ..reply };
    let (d, _) = run_with(&mut s, b"QUIT\r\n", 2, 0, Pass::First, |cx, b| dissect_tcp(cx, b, &cmd));
    assert_eq!(d.cols.info, "C: QUIT");
}

#[test]
fn auth_login_credentials_are_flagged() {
    let mut s = Session::new();
    let (d, _) = run(&mut s, b"AUTH LOGIN\r\n", 1, true);
    assert!(labels(&d).iter().any(|l| l.starts_with("[Cleartext credentials")));
    let _ = run(&mut s, b"334 VXNlcm5hbWU6\r\n", 2, false);
    let (d, _) = run(&mut s, b"dXNlcg==\r\n", 3, true);
    assert_eq!(d.cols.info, "C: User: dXNlcg==");
    assert_eq!(values(&d, &AUTH_USERNAME), ["dXNlcg=="]);
    let _ = run(&mut s, b"334 UGFzc3dvcmQ6\r\n", 4, false);
    let (d, _) = run(&mut s, b"cGFzcw==\r\n", 5, true);
    assert_eq!(d.cols.info, "C: Pass: cGFzcw==");
    assert_eq!(values(&d, &AUTH_PASSWORD), ["cGFzcw=="]);
    let _ = run(&mut s, b"235 ok\r\n", 6, false);
    let (d, _) = run(&mut s, b"MAIL FROM:<a@b>\r\n", 7, true);
    assert_eq!(d.cols.info, "C: MAIL FROM:<a@b>");
}

#[test]
fn a_refused_auth_login_leaves_commands_as_commands() {
    // Credentials are lines the server asked for with 334: after a refusal
    // the client's QUIT is a command.
    let mut s = Session::new();
    let _ = run(&mut s, b"AUTH LOGIN\r\n", 1, true);
    let _ = run(&mut s, b"454 4.7.0 Temporary authentication failure\r\n", 2, false);
    let (d, _) = run(&mut s, b"QUIT\r\n", 3, true);
    assert_eq!(d.cols.info, "C: QUIT");
    assert_eq!(values(&d, &COMMAND), ["QUIT"]);
    // The user name on the AUTH line: the next 334 asks for the password.
    let (d, _) = run(&mut s, b"AUTH LOGIN dXNlcg==\r\n", 4, true);
    assert_eq!(values(&d, &AUTH_USERNAME), ["dXNlcg=="]);
    let _ = run(&mut s, b"334 UGFzc3dvcmQ6\r\n", 5, false);
    let (d, _) = run(&mut s, b"cGFzcw==\r\n", 6, true);
    assert_eq!(d.cols.info, "C: Pass: cGFzcw==");
}

#[test]
fn bdat_chunks_are_message_text_until_their_size_is_read() {
    // As tshark 4.0 shows CHUNKING: a segment with BDAT and its chunk is one
    // DATA fragment, BDAT line included; the LAST chunk ends the message
    // without an IMF view; then commands again (QUIT inside a chunk is text).
    let mut s = Session::new();
    let _ = run(&mut s, b"220 x\r\n", 1, false);
    let (d, r) = run(&mut s, b"BDAT 12\r\nSubject: x\r\n", 2, true);
    assert_eq!(r, Ok(Pdu::Done(21)));
    assert_eq!(d.cols.info, "C: DATA fragment, 21 bytes");
    assert!(values(&d, &COMMAND).is_empty());
    let _ = run(&mut s, b"250 12 bytes received\r\n", 3, false);
    let (d, _) = run(&mut s, b"BDAT 6 LAST\r\n", 4, true);
    assert_eq!(d.cols.info, "C: BDAT 6 LAST");
    let (d, _) = run(&mut s, b"QUIT\r\n", 5, true);
    assert_eq!(d.cols.info, "C: DATA fragment, 6 bytes");
    assert_eq!(d.cols.protocol, "SMTP");
    let (d, _) = run(&mut s, b"QUIT\r\n", 6, true);
    assert_eq!(d.cols.info, "C: QUIT");
    let mut s = Session::new();
    let (d, _) = run(&mut s, b"BDAT 0 LAST\r\n", 1, true);
    assert_eq!(d.cols.info, "C: BDAT 0 LAST");
    let (d, _) = run(&mut s, b"RSET\r\n", 2, true);
    assert_eq!(d.cols.info, "C: RSET");
}

#[test]
fn partial_lines_and_starttls() {
    let mut s = Session::new();
    // A segment whose first line is complete is shown whole, its last line
    // even if cut; one whose first line is not waits for the next segment.
    let (d, r) = run(&mut s, b"EHLO x\r\nMAIL FR", 1, true);
    assert_eq!(r, Ok(Pdu::Done(15)));
    assert_eq!(d.cols.info, "C: EHLO x | MAIL FR");
    let (_, r) = run(&mut s, b"MAIL FR", 5, true);
    assert_eq!(r, Ok(Pdu::NeedMore { offset: 0, more: None }));
    let _ = run(&mut s, b"STARTTLS\r\n", 2, true);
    let _ = run(&mut s, b"220 go ahead\r\n", 3, false);
    let (_, r) = run(&mut s, b"\x16\x03\x01\x00\x05hello", 4, true);
    assert_eq!(r, Ok(Pdu::NotMine));
    assert!(looks_like_smtp(b"220 ready\r\n") && !looks_like_smtp(b"HTTP/1.1 220"));
}

#[test]
fn data_segments_wait_for_a_line_end() {
    let mut s = Session::new();
    let _ = run(&mut s, b"DATA\r\n", 1, true);
    let (d, r) = run(&mut s, b"Subject: x\r\n\r\nline one\r\nlong", 2, true);
    assert_eq!(r, Ok(Pdu::Done(28)));
    assert_eq!(d.cols.info, "C: DATA fragment, 28 bytes");
    assert!(labels(&d).contains(&"Line-based text data (4 lines)".to_string()));
    // A segment inside a long line has no line end: Wireshark asks for more
    // and the segment becomes part of a reassembled PDU.
    let (_, r) = run(&mut s, b"er and longer", 3, true);
    assert_eq!(r, Ok(Pdu::NeedMore { offset: 0, more: None }));
    let (d, r) = run(&mut s, b"er and longer\r\n", 4, true);
    assert_eq!(r, Ok(Pdu::Done(15)));
    assert_eq!(d.cols.info, "C: DATA fragment, 15 bytes");
    let (d, _) = run(&mut s, b".\r\n", 5, true);
    assert_eq!(values(&d, &FRAGMENT), ["2", "4"]);
}

#[test]
fn pipelined_commands_with_the_message_are_message_text() {
    // MAIL, RCPT, DATA, the message and its end in one segment: Wireshark
    // takes everything before the end as the message's last piece.
    let mut s = Session::new();
    let seg = b"MAIL FROM:<a@b>\r\nRCPT TO:<c@d>\r\nDATA\r\nThis is a test\r\n.\r\nQUIT\r\n";
    let (d, r) = run(&mut s, seg, 1, true);
    assert_eq!(r, Ok(Pdu::Done(seg.len())));
    assert_eq!(d.cols.protocol, "SMTP/IMF");
    assert_eq!(d.cols.info, "MAIL FROM:<a@b>  , RCPT TO:<c@d>  , DATA  , This is a test  ");
    assert_eq!(values(&d, &REASSEMBLED_LENGTH), ["54"]);
    assert!(values(&d, &COMMAND).is_empty());
}

proptest! {
    #[test]
    fn arbitrary_bytes_never_panic(chunks in proptest::collection::vec((proptest::collection::vec(any::<u8>(), 0..200), any::<bool>()), 0..6)) {
        let mut s = Session::new();
        for (i, (bytes, client)) in chunks.iter().enumerate() {
            let _ = run(&mut s, bytes, i as u32 + 1, *client);
        }
    }
}
