//! SSH over TCP, as a `TcpApp`: each side's banner (the protocol version
//! line), the binary packets of the key exchange (KEXINIT's algorithm
//! lists with the hassh fingerprints, Diffie-Hellman, group exchange and
//! elliptic-curve messages, host keys and signatures, NEWKEYS), then
//! encrypted packets.
//!
//! After NEWKEYS Wireshark 4.0 shows a packet as "Encrypted packet
//! (len=N)" only when the key exchange was a group exchange; after a
//! Diffie-Hellman or elliptic-curve exchange it prepares its decryption
//! (which needs keys from a key log) and, without keys, shows nothing of
//! the packet. We do the same, so the Info column matches.

mod fields;
mod kex;
pub mod state;
#[cfg(test)]
mod tests;

use std::fmt::Write;

use self::fields::*;
use self::state::{KexKind, SshStream};
use crate::dissect::{Buf, Ctx, DResult, DissectError, Pdu, TcpSeg};
use crate::field::{Value, TEXT};

pub use self::fields::FIELDS;

const MSG_KEXINIT: u8 = 20;
const MSG_NEWKEYS: u8 = 21;

/// Ports Wireshark gives SSH.
pub fn is_ssh_port(port: u16) -> bool {
    matches!(port, 22 | 29418)
}

/// A banner opens the stream: the heuristic for SSH on any port.
pub fn looks_like_ssh(first: &[u8]) -> bool {
    first.len() >= 4 && first[..4].eq_ignore_ascii_case(b"SSH-")
}

/// SSH over TCP: the banners and packets complete in `b`.
pub fn dissect_tcp(cx: &mut Ctx, b: Buf, seg: &TcpSeg) -> DResult<Pdu> {
    // A later pass names records by the version the conversation settled on.
    let at = (seg.stream, cx.pass, cx.quoted);
    let (mut st, first_pass) = cx.session.ssh.begin(cx.meta.number, b.tail(0), at, |st, fin| st.version = fin.version);
    let r = packets(cx, &b, seg, &mut st);
    cx.session.ssh.end(seg.stream, st, first_pass);
    r
}

/// Whether the bytes come from the server: Wireshark asks whether they go
/// away from the SSH port, or, on another port, whether the connection's
/// opener sent them.
fn from_server(seg: &TcpSeg) -> bool {
    match (is_ssh_port(seg.sport), is_ssh_port(seg.dport)) {
        (_, true) => false,
        (true, false) => true,
        _ => !seg.from_client,
    }
}

fn packets(cx: &mut Ctx, b: &Buf, seg: &TcpSeg, st: &mut SshStream) -> DResult<Pdu> {
    let server = from_server(seg);
    let d = server as usize;
    // Undone when the first packet is incomplete: TCP asks again with more
    // bytes, and a call that adds nothing is one a later pass need not repeat.
    let (mark, protocols, cols) = (cx.out.tree.mark(), cx.out.protocols.len(), cx.out.cols.clone());
    cx.enter("ssh", match st.version {
        Some(2) => "SSHv2",
        Some(1) => "SSHv1",
        _ => "SSH",
    });
    let root = cx.tree().open(&SSH, b.range(0, b.len()), Value::None);
    cx.out.cols.info().clear();
    let data = b.tail(0);
    let mut off = 0;
    let mut parts: Vec<String> = Vec::new();
    let mut need = None;
    while off < data.len() {
        let frame = cx.meta.number;
        let banner_ok = st.peers[d].banner_frame.is_none_or(|f| f == frame);
        let r = if banner_ok && looks_like_ssh(&data[off..]) {
            banner(cx, b, off, server, st, &mut parts)
        } else if st.version == Some(2) {
            ssh2(cx, b, off, d, st, &mut parts)
        } else {
            Ok(encrypted(cx, b, off, d, st, &mut parts))
        };
        match r {
            Ok(Step::Next(next)) => off = next,
            Ok(Step::More(more)) if !cx.quoted => {
                need = Some(more);
                break;
            }
            Ok(Step::More(_)) => break,
            Err(e) => {
                // Wireshark's exception skips the direction it writes last:
                // Info keeps the packets named so far, without "Client: ".
                cx.tree().close_to(root);
                cx.tree().close();
                cx.out.cols.info().push_str(&parts.join(", "));
                return Err(e);
            }
        }
    }
    if let (Some(more), 0) = (need, off) {
        cx.tree().close_to(root);
        cx.tree().close();
        cx.out.tree.rollback(mark);
        cx.out.protocols.truncate(protocols);
        cx.out.cols = cols;
        return Ok(Pdu::NeedMore { offset: 0, more });
    }
    finish(cx, root, server, &parts);
    match need {
        Some(more) => Ok(Pdu::NeedMore { offset: off, more }),
        None => Ok(Pdu::Done(data.len())),
    }
}

/// The Info column ("Client: " or "Server: " and the packets) and the
/// direction item that ends every SSH tree.
fn finish(cx: &mut Ctx, root: usize, server: bool, parts: &[String]) {
    cx.tree().close_to(root);
    let info = cx.out.cols.info();
    let _ = write!(info, "{}: {}", if server { "Server" } else { "Client" }, parts.join(", "));
    let t = cx.tree();
    let id = t.generated(&DIRECTION, 0..0, Value::Bool(server));
    t.set_text(id, format_args!("[Direction: {}]", if server { "server-to-client" } else { "client-to-server" }));
    t.close();
}

/// How far one step got: to the next offset, or waiting for more bytes
/// (how many when known).
enum Step {
    Next(usize),
    More(Option<usize>),
}

/// A banner line: `SSH-protoversion-softwareversion comments`. The client's
/// names the protocol version of the whole conversation.
fn banner(cx: &mut Ctx, b: &Buf, off: usize, server: bool, st: &mut SshStream, parts: &mut Vec<String>) -> DResult<Step> {
    let rest = &b.tail(0)[off..];
    // A line the snap length cut (or a quoted one) is what was captured of
    // it, as Wireshark reads it when it cannot ask for more.
    let cut = cx.quoted || b.len() < b.reported_len();
    let (text_len, next) = match memchr::memchr(b'\n', rest) {
        Some(nl) if nl > 0 && rest[nl - 1] == b'\r' => (nl - 1, off + nl + 1),
        Some(nl) => (nl, off + nl + 1),
        None if cut => (rest.len(), off + rest.len()),
        None => return Ok(Step::More(None)),
    };
    if !server {
        let upper = rest[..rest.len().min(9)].to_ascii_uppercase();
        if upper.starts_with(b"SSH-2.") || upper.starts_with(b"SSH-1.99-") {
            st.version = Some(2);
        } else if upper.starts_with(b"SSH-1.") {
            st.version = Some(1);
        }
    }
    st.peers[server as usize].banner_frame = Some(cx.meta.number);
    let text = crate::dissect::http::format_text(&rest[..text_len]);
    parts.push(format!("Protocol ({text})"));
    let line = String::from_utf8_lossy(&rest[..text_len]).into_owned();
    cx.tree().add(&PROTOCOL, b.range(off, text_len), Value::str(line));
    Ok(Step::Next(next))
}

/// The title of an SSH version 2 packet's subtree: the algorithms this side
/// sends with, once agreed.
fn v2_title(st: &SshStream, d: usize) -> String {
    let p = &st.peers[d];
    let mut items = Vec::new();
    if let Some(e) = &p.enc_chosen {
        items.push(format!("encryption:{e}"));
    }
    if let Some(m) = &p.mac_chosen {
        items.push(format!("mac:{m}"));
    }
    if let Some(c) = &p.comp_chosen {
        items.push(format!("compression:{c}"));
    }
    if items.is_empty() {
        "SSH Version 2".into()
    } else {
        format!("SSH Version 2 ({})", items.join(" "))
    }
}

/// One SSH version 2 packet: a key exchange packet in the clear until this
/// side sent NEWKEYS, encrypted after.
fn ssh2(cx: &mut Ctx, b: &Buf, off: usize, d: usize, st: &mut SshStream, parts: &mut Vec<String>) -> DResult<Step> {
    let title = v2_title(st, d);
    if st.peers[d].newkeys {
        let id = cx.tree().open(&TEXT, b.range(off, b.len() - off), Value::None);
        cx.tree().set_text(id, title);
        let step = encrypted(cx, b, off, d, st, parts);
        cx.tree().close();
        return Ok(step);
    }
    let rest = b.len() - off;
    // Cut by the snap length, the packet is read up to the cut (and the
    // segment marked so), as Wireshark does when it cannot ask for more.
    let cut = b.len() < b.reported_len();
    let plen = match b.u32(off) {
        Ok(n) => n as usize,
        Err(e) if cut => return Err(e),
        Err(_) => return Ok(Step::More(None)),
    };
    if plen + 4 > rest && !cx.quoted && !cut {
        return Ok(Step::More(Some(plen + 4 - rest)));
    }
    let id = cx.tree().open(&TEXT, b.range(off, (plen + 4).min(rest)), Value::None);
    cx.tree().set_text(id, title);
    let next = kex::packet(cx, b, off, plen, d, st, parts);
    cx.tree().close();
    next.map(Step::Next)
}

/// The rest of the segment as one encrypted packet (Wireshark cannot tell
/// where encrypted packets end).
fn encrypted(cx: &mut Ctx, b: &Buf, off: usize, d: usize, st: &SshStream, parts: &mut Vec<String>) -> Step {
    let end = b.reported_len();
    // After a Diffie-Hellman or elliptic-curve exchange Wireshark 4.0 takes
    // the decryption path, which shows nothing without keys.
    let decrypting = st.peers[d].newkeys && st.kind != KexKind::Gex;
    if decrypting {
        return Step::Next(end);
    }
    let len = end - off;
    parts.push(format!("Encrypted packet (len={len})"));
    let p = &st.peers[d];
    let mut enc_len = len;
    let t = cx.tree();
    if len > 4 {
        if p.length_in_clear {
            let v = b.u32(off).unwrap_or(0);
            t.add(&PACKET_LENGTH, b.range(off, 4), Value::UInt(v as u64));
        } else {
            t.add(&PACKET_LENGTH_ENCRYPTED, b.range(off, 4), Value::None);
        }
        enc_len -= 4;
    }
    let mac = p.mac_length.unwrap_or(0).min(enc_len);
    enc_len -= mac;
    t.add(&ENCRYPTED_PACKET, b.range(off + 4, enc_len.min(len.saturating_sub(4))), Value::None);
    if mac > 0 {
        t.add(&MAC, b.range(off + 4 + enc_len, mac), Value::None);
    }
    Step::Next(end)
}

/// A string with its four-byte length before it: (length, its bytes).
fn string_at<'a>(b: &Buf<'a>, off: usize) -> DResult<(usize, &'a [u8])> {
    let n = b.u32(off)? as usize;
    let s = b.bytes(off + 4, n).map_err(|_| DissectError::Malformed)?;
    Ok((n, s))
}
