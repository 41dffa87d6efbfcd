use proptest::prelude::*;

use super::*;
use crate::dissect::session::Session;
use crate::dissect::testutil::{run_with, values};
use crate::dissect::{Dissection, Pass};

fn seg(from_client: bool) -> TcpSeg {
    let (sport, dport) = if from_client { (40000, 22) } else { (22, 40000) };
    TcpSeg { stream: 0, from_client, sport, dport, fin: false, can_desegment: true }
}

fn run(s: &mut Session, bytes: &[u8], number: u32, from_client: bool) -> (Dissection, DResult<Pdu>) {
    run_with(s, bytes, number, 0, Pass::First, |cx, b| dissect_tcp(cx, b, &seg(from_client)))
}

fn string(s: &str) -> Vec<u8> {
    let mut v = (s.len() as u32).to_be_bytes().to_vec();
    v.extend_from_slice(s.as_bytes());
    v
}

/// A binary packet around `payload` (message code first), padded to 8.
fn packet(payload: &[u8]) -> Vec<u8> {
    let pad = 8 - (5 + payload.len()) % 8 + 4;
    let mut v = ((1 + payload.len() + pad) as u32).to_be_bytes().to_vec();
    v.push(pad as u8);
    v.extend_from_slice(payload);
    v.extend(std::iter::repeat_n(0, pad));
    v
}

fn kexinit(kex: &str) -> Vec<u8> {
    let mut p = vec![20];
    p.extend([0x5a; 16]);
    for list in [kex, "ssh-ed25519", "aes128-ctr", "aes128-ctr", "hmac-sha2-256", "hmac-sha2-256", "none", "none", "", ""] {
        p.extend(string(list));
    }
    p.extend([0, 0, 0, 0, 0]);
    packet(&p)
}

/// Banners, KEXINITs and NEWKEYS of a conversation using `kex`.
fn handshake(s: &mut Session, kex: &str) {
    let _ = run(s, b"SSH-2.0-OpenSSH_9.2\r\n", 1, true);
    let _ = run(s, b"SSH-2.0-OpenSSH_9.2\r\n", 2, false);
    let _ = run(s, &kexinit(kex), 3, true);
    let _ = run(s, &kexinit(kex), 4, false);
    let _ = run(s, &packet(&[21]), 5, true);
}

#[test]
fn banners_name_the_version() {
    let mut s = Session::new();
    let (d, r) = run(&mut s, b"SSH-2.0-OpenSSH_9.2 Debian\r\n", 1, true);
    assert_eq!(r, Ok(Pdu::Done(28)));
    assert_eq!(d.cols.protocol, "SSH");
    assert_eq!(d.cols.info, "Client: Protocol (SSH-2.0-OpenSSH_9.2 Debian)");
    assert_eq!(values(&d, &PROTOCOL), ["SSH-2.0-OpenSSH_9.2 Debian"]);
    let (_, r) = run(&mut s, b"SSH-2.0-Open", 2, false);
    assert_eq!(r, Ok(Pdu::NeedMore { offset: 0, more: None }));
    let (d, _) = run(&mut s, b"SSH-2.0-OpenSSH_9.2\r\n", 2, false);
    assert_eq!(d.cols.protocol, "SSHv2");
    assert_eq!(d.cols.info, "Server: Protocol (SSH-2.0-OpenSSH_9.2)");
    assert!(looks_like_ssh(b"SSH-1.99-x") && !looks_like_ssh(b"GET /"));
}

#[test]
fn a_packet_the_snap_length_cut_is_read_up_to_the_cut() {
    let mut s = Session::new();
    let cut = |s: &mut Session, bytes: &[u8], keep: usize, n: u32, client: bool| {
        let whole = bytes.len();
        run_with(s, &bytes[..keep], n, 0, Pass::First, |cx, b| dissect_tcp(cx, Buf::new(b.tail(0), whole), &seg(client)))
    };
    // A banner cut before its line end is what was captured of it.
    let (d, r) = cut(&mut s, b"SSH-2.0-OpenSSH_9.2\r\n", 19, 1, true);
    assert_eq!(r, Ok(Pdu::Done(19)));
    assert_eq!(d.cols.info, "Client: Protocol (SSH-2.0-OpenSSH_9.2)");
    // A key exchange packet cut ends the dissection before its message is
    // named, and without the direction, as Wireshark's exception does.
    let bytes = kexinit("curve25519-sha256");
    let (d, r) = cut(&mut s, &bytes, 40, 2, true);
    assert_eq!(r, Err(DissectError::Truncated));
    assert_eq!((d.cols.protocol.as_str(), d.cols.info.as_str()), ("SSHv2", ""));
}

#[test]
fn kexinit_lists_and_hassh() {
    let mut s = Session::new();
    let _ = run(&mut s, b"SSH-2.0-x\r\n", 1, true);
    let bytes = kexinit("curve25519-sha256");
    let (d, r) = run(&mut s, &bytes[..30], 2, true);
    assert_eq!(r, Ok(Pdu::NeedMore { offset: 0, more: Some(bytes.len() - 30) }));
    assert!(d.tree.nodes.is_empty() && d.protocols.is_empty());
    let (d, r) = run(&mut s, &bytes, 2, true);
    assert_eq!(r, Ok(Pdu::Done(bytes.len())));
    assert_eq!(d.cols.info, "Client: Key Exchange Init");
    assert_eq!(values(&d, &PROPOSALS[0].1), ["curve25519-sha256"]);
    assert_eq!(values(&d, &HASSH_ALGORITHMS), ["curve25519-sha256;aes128-ctr;hmac-sha2-256;none"]);
    assert_eq!(values(&d, &HASSH), ["e97d07603350d1111ec2b64bf25413c9"]);
    assert_eq!(values(&d, &SEQ_NUM), ["0"]);
    assert_eq!(values(&d, &DIRECTION), ["0"]);
}

#[test]
fn after_a_group_exchange_packets_show_their_length() {
    let mut s = Session::new();
    handshake(&mut s, "diffie-hellman-group-exchange-sha256");
    let (d, _) = run(&mut s, &[0xab; 48], 6, true);
    assert_eq!(d.cols.info, "Client: Encrypted packet (len=48)");
    assert_eq!(values(&d, &PACKET_LENGTH_ENCRYPTED).len(), 1);
    assert_eq!(values(&d, &ENCRYPTED_PACKET).len(), 1);
}

#[test]
fn after_an_elliptic_curve_exchange_packets_show_nothing() {
    let mut s = Session::new();
    handshake(&mut s, "curve25519-sha256");
    let (d, r) = run(&mut s, &[0xab; 48], 6, true);
    assert_eq!(r, Ok(Pdu::Done(48)));
    assert_eq!(d.cols.info, "Client: ");
    assert!(values(&d, &ENCRYPTED_PACKET).is_empty());
    // The server has not sent NEWKEYS yet: its packets are still readable.
    let (d, _) = run(&mut s, &packet(&[21]), 7, false);
    assert_eq!(d.cols.info, "Server: New Keys");
}

#[test]
fn a_padding_longer_than_the_packet_is_malformed() {
    let mut s = Session::new();
    let _ = run(&mut s, b"SSH-2.0-x\r\n", 1, true);
    let (_, r) = run(&mut s, &[0, 0, 0, 8, 200, 20, 0, 0, 0, 0, 0, 0], 2, true);
    assert_eq!(r, Err(crate::dissect::DissectError::Malformed));
}

proptest! {
    #[test]
    fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..300), from_client: bool) {
        let mut s = Session::new();
        let _ = run(&mut s, b"SSH-2.0-x\r\n", 1, true);
        let _ = run(&mut s, &bytes, 2, from_client);
        let mut kex = kexinit("diffie-hellman-group-exchange-sha256");
        let n = bytes.len().min(kex.len() - 6);
        kex[6..6 + n].copy_from_slice(&bytes[..n]);
        let _ = run(&mut s, &kex, 3, from_client);
    }
}
