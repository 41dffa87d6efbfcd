//! Key exchange packets: KEXINIT with its ten algorithm lists and hassh,
//! the method's own messages (30 to 39), NEWKEYS; and the sequence numbers
//! Wireshark gives them.

use md5::{Digest, Md5};

use super::fields::*;
use super::state::{KexKind, SshStream};
use super::{string_at, MSG_KEXINIT, MSG_NEWKEYS};
use crate::dissect::{Buf, Ctx, DResult};
use crate::field::{Field, Value, TEXT};

const DH_NAMES: [&str; 2] = ["Diffie-Hellman Key Exchange Init", "Diffie-Hellman Key Exchange Reply"];
const ECDH_NAMES: [&str; 2] =
    ["Elliptic Curve Diffie-Hellman Key Exchange Init", "Elliptic Curve Diffie-Hellman Key Exchange Reply"];

fn gex_name(code: u8) -> Option<&'static str> {
    Some(match code {
        30 => "Diffie-Hellman Group Exchange Request (Old)",
        31 => "Diffie-Hellman Group Exchange Group",
        32 => "Diffie-Hellman Group Exchange Init",
        33 => "Diffie-Hellman Group Exchange Reply",
        34 => "Diffie-Hellman Group Exchange Request",
        _ => return None,
    })
}

/// One key exchange packet at `off` (`plen`: its length field); returns the
/// offset after it.
pub fn packet(
    cx: &mut Ctx,
    b: &Buf,
    off: usize,
    plen: usize,
    d: usize,
    st: &mut SshStream,
    parts: &mut Vec<String>,
) -> DResult<usize> {
    cx.uint(&PACKET_LENGTH, b, off)?;
    let pad = cx.uint(&PADDING_LENGTH, b, off + 4)? as usize;
    let end = off + 4 + plen;
    let body_end = end.checked_sub(pad).filter(|&e| e >= off + 5).ok_or(crate::dissect::DissectError::Malformed)?;
    // Wireshark's Key Exchange item spans the packet: one the snap length
    // cut ends the dissection there, before its message is named.
    if end > b.len() && !cx.quoted {
        return Err(crate::dissect::DissectError::Truncated);
    }
    let title = match &st.kex {
        Some(m) => format!("Key Exchange (method:{m})"),
        None => "Key Exchange".into(),
    };
    let id = cx.tree().open(&TEXT, b.range(off + 5, plen.saturating_sub(1)), Value::None);
    cx.tree().set_text(id, title);
    let code = b.u8(off + 5)?;
    let mut p = off + 6;
    let seq;
    if (30..40).contains(&code) {
        cx.uint(&MESSAGE_CODE, b, off + 5)?;
        let (name, s) = kex_message(cx, b, &mut p, code, st)?;
        parts.push(name.unwrap_or_else(|| format!("Unknown ({code})")));
        seq = s;
    } else {
        cx.uint(&MESSAGE_CODE, b, off + 5)?;
        parts.push(MESSAGE_CODE.value_string(code as u64).map_or_else(|| format!("Unknown ({code})"), str::to_string));
        let peer = &mut st.peers[d];
        seq = match code {
            MSG_KEXINIT => {
                p = kexinit(cx, b, p, d, st)?;
                let peer = &mut st.peers[d];
                *peer.seq_kexinit.get_or_insert_with(|| {
                    peer.seq += 1;
                    peer.seq - 1
                })
            }
            MSG_NEWKEYS => {
                if !peer.newkeys {
                    peer.newkeys = true;
                    // Wireshark 4.0 settles the algorithms on the way to its
                    // decryption, which a group exchange does not take.
                    if st.kind != KexKind::Gex {
                        newkeys(st, d);
                    }
                }
                let peer = &mut st.peers[d];
                *peer.seq_newkeys.get_or_insert_with(|| {
                    peer.seq += 1;
                    peer.seq - 1
                })
            }
            _ => 0,
        };
    }
    if p > body_end {
        return Err(crate::dissect::DissectError::Malformed);
    }
    if body_end > p {
        b.bytes(p, body_end - p)?;
        cx.tree().add(&PAYLOAD, b.range(p, body_end - p), Value::None);
    }
    cx.tree().close();
    b.bytes(body_end, pad)?;
    cx.tree().add(&PADDING_STRING, b.range(body_end, pad), Value::None);
    cx.tree().add(&SEQ_NUM, b.range(end, 0), Value::UInt(seq as u64));
    Ok(end)
}

/// A message of the agreed method; returns its name and sequence number.
fn kex_message(cx: &mut Ctx, b: &Buf, p: &mut usize, code: u8, st: &mut SshStream) -> DResult<(Option<String>, u32)> {
    let kind = st.kind;
    let name = match kind {
        KexKind::Dh => DH_NAMES.get((code - 30) as usize).copied(),
        KexKind::Ecdh => ECDH_NAMES.get((code - 30) as usize).copied(),
        KexKind::Gex => gex_name(code),
    };
    // Client messages and server messages: which side's number moves.
    let (side, pre) = match (kind, code) {
        (KexKind::Dh, 30) | (KexKind::Gex, 32 | 34) => (0, true),
        (KexKind::Dh, 31) | (KexKind::Gex, 31 | 33) => (1, true),
        (KexKind::Ecdh, 30) => (0, false),
        (KexKind::Ecdh, 31) => (1, false),
        _ => (2, false),
    };
    match (kind, code) {
        (KexKind::Dh, 30) | (KexKind::Gex, 32) => *p += mpint(cx, b, *p, &DH_E)?,
        (KexKind::Dh, 31) | (KexKind::Gex, 33) => {
            *p += host_key(cx, b, *p)?;
            *p += mpint(cx, b, *p, &DH_F)?;
            *p += host_signature(cx, b, *p)?;
        }
        (KexKind::Gex, 30) => {
            cx.uint(&GEX_NBITS, b, *p)?;
            *p += 4;
        }
        (KexKind::Gex, 31) => {
            *p += mpint(cx, b, *p, &GEX_P)?;
            *p += mpint(cx, b, *p, &GEX_G)?;
        }
        (KexKind::Gex, 34) => {
            cx.uint(&GEX_MIN, b, *p)?;
            cx.uint(&GEX_NBITS, b, *p + 4)?;
            cx.uint(&GEX_MAX, b, *p + 8)?;
            *p += 12;
        }
        (KexKind::Ecdh, 30) => *p += string_item(cx, b, *p, &ECDH_Q_C_LENGTH, &ECDH_Q_C)?,
        (KexKind::Ecdh, 31) => {
            *p += host_key(cx, b, *p)?;
            *p += string_item(cx, b, *p, &ECDH_Q_S_LENGTH, &ECDH_Q_S)?;
            *p += host_signature(cx, b, *p)?;
        }
        _ => {}
    }
    let seq = match st.peers.get_mut(side) {
        Some(peer) => *peer.seq_kex[(code - 30) as usize].get_or_insert_with(|| {
            peer.seq += 1;
            if pre {
                peer.seq
            } else {
                peer.seq - 1
            }
        }),
        None => 0,
    };
    Ok((name.map(str::to_string), seq))
}

/// KEXINIT: cookie, the ten name lists, the follows flag, the reserved
/// word and the hassh fingerprint of this side's offer.
fn kexinit(cx: &mut Ctx, b: &Buf, start: usize, d: usize, st: &mut SshStream) -> DResult<usize> {
    let id = cx.tree().open(&TEXT, b.range(start, 0), Value::None);
    cx.tree().set_text(id, "Algorithms");
    b.bytes(start, 16)?;
    cx.tree().add(&COOKIE, b.range(start, 16), Value::None);
    let mut p = start + 16;
    let mut lists: Vec<String> = Vec::new();
    for (len_f, str_f) in PROPOSALS.iter() {
        let (n, s) = string_at(b, p)?;
        cx.tree().add(len_f, b.range(p, 4), Value::UInt(n as u64));
        let s = String::from_utf8_lossy(s).into_owned();
        cx.tree().add(str_f, b.range(p + 4, n), Value::str(s.as_str()));
        lists.push(s);
        p += 4 + n;
    }
    cx.uint(&FIRST_KEX_FOLLOWS, b, p)?;
    b.bytes(p + 1, 4)?;
    cx.tree().add(&KEX_RESERVED, b.range(p + 1, 4), Value::None);
    p += 5;
    // hassh: this side's offer for the direction it sends in.
    let (enc, mac, comp) = if d == 0 { (2, 4, 6) } else { (3, 5, 7) };
    let algos = format!("{};{};{};{}", lists[0], lists[enc], lists[mac], lists[comp]);
    let hash = Md5::digest(algos.as_bytes());
    let mut hex = String::new();
    crate::field::hex_bytes(&hash, &mut hex);
    let (fa, fh) = if d == 0 { (&HASSH_ALGORITHMS, &HASSH) } else { (&HASSH_SERVER_ALGORITHMS, &HASSH_SERVER) };
    let t = cx.tree();
    t.generated(fa, b.range(p, 0), Value::str(algos));
    t.generated(fh, b.range(p, 0), Value::str(hex));
    t.set_len(id, p - start);
    t.close();
    let mut it = lists.into_iter();
    let peer = &mut st.peers[d];
    peer.kexinit = true;
    peer.kex = it.next();
    it.next();
    peer.enc = [it.next(), it.next()];
    peer.mac = [it.next(), it.next()];
    peer.comp = [it.next(), it.next()];
    if st.kex.is_none() {
        if let (Some(c), Some(s)) = (&st.peers[0].kex, &st.peers[1].kex) {
            st.kex = choose(c, s);
            st.kind = match st.kex.as_deref() {
                Some("diffie-hellman-group-exchange-sha1" | "diffie-hellman-group-exchange-sha256") => KexKind::Gex,
                Some(m) if m.starts_with("ecdh-sha2-") => KexKind::Ecdh,
                Some("curve25519-sha256@libssh.org" | "curve25519-sha256" | "curve448-sha512") => KexKind::Ecdh,
                _ => KexKind::Dh,
            };
        }
    }
    Ok(p)
}

/// The first of the client's algorithms the server also offers.
fn choose(client: &str, server: &str) -> Option<String> {
    client.split(',').find(|a| server.split(',').any(|s| s == *a)).map(str::to_string)
}

/// NEWKEYS from side `d`: the algorithms it now sends with.
fn newkeys(st: &mut SshStream, d: usize) {
    let pick = |f: fn(&super::state::Peer) -> &Option<String>| match (f(&st.peers[0]), f(&st.peers[1])) {
        (Some(c), Some(s)) => choose(c, s),
        _ => None,
    };
    let enc = match d {
        0 => pick(|p| &p.enc[0]),
        _ => pick(|p| &p.enc[1]),
    };
    let mac = match d {
        0 => pick(|p| &p.mac[0]),
        _ => pick(|p| &p.mac[1]),
    };
    let comp = match d {
        0 => pick(|p| &p.comp[0]),
        _ => pick(|p| &p.comp[1]),
    };
    let peer = &mut st.peers[d];
    let aead = enc.as_deref().filter(|e| {
        matches!(*e, "aes128-gcm@openssh.com" | "aes256-gcm@openssh.com" | "chacha20-poly1305@openssh.com")
    });
    if let Some(e) = aead {
        // These ciphers carry their own 16-byte tag; GCM leaves the length
        // in the clear.
        peer.length_in_clear = e.contains("gcm");
        peer.mac_chosen = Some("<implicit>".into());
        peer.mac_length = Some(16);
    } else {
        peer.mac_length = mac.as_deref().and_then(|m| mac_length(m, &mut peer.length_in_clear));
        peer.mac_chosen = mac;
    }
    peer.enc_chosen = enc;
    peer.comp_chosen = comp;
}

/// The MAC's length in bytes, from its name as Wireshark reads it (the
/// number after the last dash is its bits); an encrypt-then-MAC name also
/// leaves the length in the clear.
fn mac_length(name: &str, length_in_clear: &mut bool) -> Option<usize> {
    let base = if let Some(b) = name.strip_suffix("-etm@openssh.com") {
        *length_in_clear = true;
        b
    } else {
        name.strip_suffix("@openssh.com").unwrap_or(name)
    };
    let bits = base.rsplit_once('-').and_then(|(_, n)| n.parse::<usize>().ok()).filter(|&n| n > 0 && n % 8 == 0);
    match (bits, base) {
        (Some(n), _) => Some(n / 8),
        (None, "hmac-sha1" | "hmac-ripemd160") => Some(20),
        (None, "hmac-md5") => Some(16),
        (None, "none") => Some(0),
        _ => None,
    }
}

/// A multiple-precision integer: its length, then its bytes as `f`.
fn mpint(cx: &mut Ctx, b: &Buf, p: usize, f: Field) -> DResult<usize> {
    string_item(cx, b, p, &MPINT_LENGTH, f)
}

/// A length-prefixed string as two items; returns the bytes it took.
fn string_item(cx: &mut Ctx, b: &Buf, p: usize, len_f: Field, f: Field) -> DResult<usize> {
    let (n, s) = string_at(b, p)?;
    cx.tree().add(len_f, b.range(p, 4), Value::UInt(n as u64));
    let v = if f.ftype == crate::field::FieldType::String {
        Value::str(String::from_utf8_lossy(s).into_owned())
    } else {
        Value::None
    };
    cx.tree().add(f, b.range(p + 4, n), v);
    Ok(4 + n)
}

/// The start of a host key or signature: its length and its type name,
/// under a subtree (left open) titled `what (type: …)`. Returns the
/// blob's length, the type name's length and the name.
fn typed_blob(cx: &mut Ctx, b: &Buf, p: usize, what: &str, fields: [Field; 3]) -> DResult<(usize, usize, String)> {
    let (len, _) = string_at(b, p)?;
    let (type_len, ty) = string_at(b, p + 4)?;
    let ty = String::from_utf8_lossy(ty).into_owned();
    let t = cx.tree();
    let id = t.open(&TEXT, b.range(p, 4 + len), Value::None);
    t.set_text(id, format_args!("{what} (type: {ty})"));
    t.add(fields[0], b.range(p, 4), Value::UInt(len as u64));
    t.add(fields[1], b.range(p + 4, 4), Value::UInt(type_len as u64));
    t.add(fields[2], b.range(p + 8, type_len), Value::str(ty.as_str()));
    Ok((len, type_len, ty))
}

/// The server's host key (K_S) by its type.
fn host_key(cx: &mut Ctx, b: &Buf, p: usize) -> DResult<usize> {
    let fields = [&HOST_KEY_LENGTH, &HOST_KEY_TYPE_LENGTH, &HOST_KEY_TYPE];
    let (key_len, type_len, ty) = typed_blob(cx, b, p, "KEX host key", fields)?;
    let q = p + 8 + type_len;
    if ty == "ssh-rsa" {
        let n = mpint(cx, b, q, &RSA_E)?;
        mpint(cx, b, q + n, &RSA_N)?;
    } else if ty == "ssh-dss" {
        let mut o = q;
        for f in [&DSA_P, &DSA_Q, &DSA_G] {
            o += mpint(cx, b, o, f)?;
        }
        mpint(cx, b, o, &DSA_Y)?;
    } else if ty.starts_with("ecdsa-sha2-") {
        let n = string_item(cx, b, q, &ECDSA_ID_LENGTH, &ECDSA_ID)?;
        string_item(cx, b, q + n, &ECDSA_Q_LENGTH, &ECDSA_Q)?;
    } else if ty.starts_with("ssh-ed") {
        string_item(cx, b, q, &EDDSA_KEY_LENGTH, &EDDSA_KEY)?;
    } else {
        let rest = key_len.saturating_sub(type_len + 4);
        b.bytes(q, rest)?;
        cx.tree().add(&HOST_KEY_DATA, b.range(q, rest), Value::None);
    }
    cx.tree().close();
    Ok(4 + key_len)
}

/// The server's signature of the exchange hash, by its type.
fn host_signature(cx: &mut Ctx, b: &Buf, p: usize) -> DResult<usize> {
    let fields = [&HOST_SIG_LENGTH, &HOST_SIG_TYPE_LENGTH, &HOST_SIG_TYPE];
    let (sig_len, type_len, ty) = typed_blob(cx, b, p, "KEX host signature", fields)?;
    let q = p + 8 + type_len;
    if ty == "ssh-rsa" {
        mpint(cx, b, q, &HOST_SIG_RSA)?;
    } else if ty == "ssh-dss" {
        mpint(cx, b, q, &HOST_SIG_DSA)?;
    } else if !ty.starts_with("ecdsa-sha2-") && !ty.starts_with("ssh-ed") {
        let rest = sig_len.saturating_sub(type_len + 4);
        b.bytes(q, rest)?;
        cx.tree().add(&HOST_SIG_DATA, b.range(q, rest), Value::None);
    }
    cx.tree().close();
    Ok(4 + sig_len)
}
