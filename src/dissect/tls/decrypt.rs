//! Record decryption with the secrets of a key log: the keys of each
//! direction derived as TLS 1.2 (the PRF's key block from the master
//! secret, RFC 5246 6.3) or TLS 1.3 (HKDF-Expand-Label of a traffic secret,
//! RFC 8446 7.3) derive them, then each record opened with its AEAD and
//! sequence number. Only the AEAD suites: AES-128/256-GCM and
//! ChaCha20-Poly1305 (what TLS 1.3 allows, and what TLS 1.2 servers choose
//! today); a CBC suite's records stay encrypted.
//!
//! The crypto is RustCrypto's (aes-gcm, chacha20poly1305, hkdf, hmac,
//! sha2): pure Rust, audited for the AES-GCM and ChaCha20-Poly1305 parts,
//! and without the C toolchain ring's assembly needs.

use aes_gcm::aead::{AeadInOut, KeyInit, Nonce};
use aes_gcm::{Aes128Gcm, Aes256Gcm};
use chacha20poly1305::ChaCha20Poly1305;
use hmac::{Hmac, Mac};
use sha2::{Sha256, Sha384};

use super::keylog::{self, Secrets};
use super::state::TlsStream;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Aead {
    Aes128Gcm,
    Aes256Gcm,
    ChaCha20,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Hash {
    Sha256,
    Sha384,
}

impl Aead {
    pub fn key_len(self) -> usize {
        match self {
            Aead::Aes128Gcm => 16,
            Aead::Aes256Gcm | Aead::ChaCha20 => 32,
        }
    }
}

/// The AEAD and PRF hash of a cipher suite we can decrypt.
fn suite(id: u16) -> Option<(Aead, Hash)> {
    Some(match id {
        // TLS 1.3.
        0x1301 => (Aead::Aes128Gcm, Hash::Sha256),
        0x1302 => (Aead::Aes256Gcm, Hash::Sha384),
        0x1303 => (Aead::ChaCha20, Hash::Sha256),
        // TLS 1.2: RSA, DHE-RSA, ECDHE-ECDSA and ECDHE-RSA with AES-GCM.
        0x009c | 0x009e | 0xc02b | 0xc02f => (Aead::Aes128Gcm, Hash::Sha256),
        0x009d | 0x009f | 0xc02c | 0xc030 => (Aead::Aes256Gcm, Hash::Sha384),
        // ECDHE-RSA, ECDHE-ECDSA and DHE-RSA with ChaCha20-Poly1305.
        0xcca8 | 0xcca9 | 0xccaa => (Aead::ChaCha20, Hash::Sha256),
        _ => return None,
    })
}

/// One direction's record protection.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Keys {
    aead: Aead,
    key: Vec<u8>,
    /// TLS 1.3's and ChaCha20's 12-byte IV, or GCM's 4-byte salt in TLS 1.2.
    iv: Vec<u8>,
    /// The next record's sequence number.
    seq: u64,
    tls13: bool,
    /// The AEAD keyed with `key`, made at the first record: its key schedule
    /// (and GHASH's) cost about what opening a small record does.
    cipher: Cached,
}

/// An AEAD with its key set up (boxed: a stream holds up to four `Keys`).
#[derive(Clone)]
enum Cipher {
    Aes128(Box<Aes128Gcm>),
    Aes256(Box<Aes256Gcm>),
    ChaCha20(Box<ChaCha20Poly1305>),
}

/// `Keys`' cipher, made from the key alone: it takes no part in comparing
/// and printing keys.
#[derive(Clone, Default)]
struct Cached(Option<Cipher>);

impl PartialEq for Cached {
    fn eq(&self, _: &Cached) -> bool {
        true
    }
}

impl Eq for Cached {}

impl std::fmt::Debug for Cached {
    fn fmt(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str(if self.0.is_some() { "Cached(cipher)" } else { "Cached(none)" })
    }
}

impl Cipher {
    fn new(aead: Aead, key: &[u8]) -> Option<Cipher> {
        Some(match aead {
            Aead::Aes128Gcm => Cipher::Aes128(Box::new(Aes128Gcm::new_from_slice(key).ok()?)),
            Aead::Aes256Gcm => Cipher::Aes256(Box::new(Aes256Gcm::new_from_slice(key).ok()?)),
            Aead::ChaCha20 => Cipher::ChaCha20(Box::new(ChaCha20Poly1305::new_from_slice(key).ok()?)),
        })
    }

    fn decrypt(&self, nonce: [u8; 12], aad: &[u8], buf: &mut Vec<u8>) -> bool {
        match self {
            Cipher::Aes128(c) => decrypt_with(&**c, nonce, aad, buf),
            Cipher::Aes256(c) => decrypt_with(&**c, nonce, aad, buf),
            Cipher::ChaCha20(c) => decrypt_with(&**c, nonce, aad, buf),
        }
    }
}

/// The keys of both directions (client first) for the handshake and, in
/// TLS 1.3, for the application data after each side's Finished.
struct Derived {
    pub first: [Option<Keys>; 2],
    pub traffic: [Option<Keys>; 2],
}

/// The keys of a connection from its logged secrets, once the ServerHello
/// named the version and suite.
fn derive(secrets: &Secrets, tls13: bool, suite_id: u16, randoms: (&[u8; 32], &[u8; 32])) -> Option<Derived> {
    let (aead, hash) = suite(suite_id)?;
    if tls13 {
        let keys = |s: &Option<Vec<u8>>| s.as_deref().and_then(|s| tls13_keys(aead, hash, s));
        return Some(Derived {
            first: [keys(&secrets.handshake[0]), keys(&secrets.handshake[1])],
            traffic: [keys(&secrets.traffic[0]), keys(&secrets.traffic[1])],
        });
    }
    let master = secrets.master.as_deref()?;
    let (client_random, server_random) = randoms;
    let seed = [&server_random[..], &client_random[..]].concat();
    let key_len = aead.key_len();
    let iv_len = if aead == Aead::ChaCha20 { 12 } else { 4 };
    let block = prf(hash, master, b"key expansion", &seed, 2 * (key_len + iv_len));
    let part = |at: usize, len: usize| block.get(at..at + len).map(<[u8]>::to_vec);
    let keys = |d: usize| {
        Some(Keys {
            aead,
            key: part(d * key_len, key_len)?,
            iv: part(2 * key_len + d * iv_len, iv_len)?,
            seq: 0,
            tls13: false,
            cipher: Cached::default(),
        })
    };
    Some(Derived { first: [keys(0), keys(1)], traffic: [None, None] })
}

/// Sets up a connection's keys after its ServerHello, when the key log
/// knows its client random: TLS 1.3's handshake keys protect the records
/// from here on; TLS 1.2's wait for each side's change cipher spec.
pub fn start(st: &mut TlsStream) {
    let (Some(client), Some(server), Some(suite)) = (st.randoms[0], st.randoms[1], st.cipher) else { return };
    let Some(secrets) = keylog::lookup(&client) else { return };
    let tls13 = st.version == Some(super::TLS13);
    let Some(keys) = derive(&secrets, tls13, suite, (&client, &server)) else { return };
    if tls13 {
        st.keys = keys.first;
        st.next = keys.traffic;
    } else {
        st.next = keys.first;
    }
}

/// TLS 1.2's PRF (P_hash with HMAC).
fn prf(hash: Hash, secret: &[u8], label: &[u8], seed: &[u8], len: usize) -> Vec<u8> {
    match hash {
        Hash::Sha256 => p_hash::<Hmac<Sha256>>(secret, &[label, seed].concat(), len),
        Hash::Sha384 => p_hash::<Hmac<Sha384>>(secret, &[label, seed].concat(), len),
    }
}

fn p_hash<M: Mac + KeyInit + Clone>(secret: &[u8], seed: &[u8], len: usize) -> Vec<u8> {
    let mut out = Vec::with_capacity(len);
    let Ok(base) = <M as KeyInit>::new_from_slice(secret) else { return out };
    let mut a = seed.to_vec();
    while out.len() < len {
        let mut m = base.clone();
        m.update(&a);
        a = m.finalize().into_bytes().to_vec();
        let mut m = base.clone();
        m.update(&a);
        m.update(seed);
        out.extend_from_slice(&m.finalize().into_bytes());
    }
    out.truncate(len);
    out
}

fn tls13_keys(aead: Aead, hash: Hash, secret: &[u8]) -> Option<Keys> {
    // Both labels expand one HMAC keyed once with the secret: its key
    // setup is half the hashing, SHA-384's a tenth of a TLS 1.3 run.
    let labels: [(&[u8], usize); 2] = [(b"key", aead.key_len()), (b"iv", 12)];
    let [key, iv] = match hash {
        Hash::Sha256 => expand_labels(&hkdf::Hkdf::<Sha256>::from_prk(secret).ok()?, labels)?,
        Hash::Sha384 => expand_labels(&hkdf::Hkdf::<Sha384>::from_prk(secret).ok()?, labels)?,
    };
    Some(Keys { aead, key, iv, seq: 0, tls13: true, cipher: Cached::default() })
}

/// QUIC's keys come from TLS 1.3 secrets (RFC 9001 5.1): the AEAD of TLS 1.3
/// suite `suite_id` and HKDF-Expand-Label of `secret` with its hash (the
/// "quic key", "quic iv" and "quic hp" labels, or the initial secrets').
pub fn tls13_expand(suite_id: u16, secret: &[u8], label: &[u8], len: usize) -> Option<(Aead, Vec<u8>)> {
    let (aead, hash) = suite(suite_id).filter(|_| (0x1301..=0x1303).contains(&suite_id))?;
    Some((aead, expand_label(hash, secret, label, len)?))
}

/// The AEAD of TLS 1.3 suite `suite_id`.
pub fn tls13_aead(suite_id: u16) -> Option<Aead> {
    suite(suite_id).filter(|_| (0x1301..=0x1303).contains(&suite_id)).map(|(aead, _)| aead)
}

/// HKDF-Expand-Label with an empty context (RFC 8446 7.1).
fn expand_label(hash: Hash, secret: &[u8], label: &[u8], len: usize) -> Option<Vec<u8>> {
    let [out] = match hash {
        Hash::Sha256 => expand_labels(&hkdf::Hkdf::<Sha256>::from_prk(secret).ok()?, [(label, len)])?,
        Hash::Sha384 => expand_labels(&hkdf::Hkdf::<Sha384>::from_prk(secret).ok()?, [(label, len)])?,
    };
    Some(out)
}

/// HKDF-Expand-Label of each (label, length) with one keyed HKDF.
fn expand_labels<I: hkdf::HmacImpl, const N: usize>(prk: &hkdf::GenericHkdf<I>, labels: [(&[u8], usize); N]) -> Option<[Vec<u8>; N]> {
    let mut outs = [const { Vec::new() }; N];
    for (out, (label, len)) in outs.iter_mut().zip(labels) {
        let full = [b"tls13 ", label].concat();
        let mut info = Vec::with_capacity(4 + full.len());
        info.extend_from_slice(&(len as u16).to_be_bytes());
        info.push(full.len() as u8);
        info.extend_from_slice(&full);
        info.push(0);
        out.resize(len, 0);
        prk.expand(&info, out).ok()?;
    }
    Some(outs)
}

/// What a record holds once opened.
pub struct Opened {
    /// The real content type (TLS 1.3 hides it inside the record).
    pub content_type: u8,
    pub plain: Vec<u8>,
}

impl Keys {
    /// Opens the record with header `header` (type, version, length) and
    /// body `body`, and moves on to the next sequence number. None when the
    /// record does not authenticate (wrong keys, a record missed, or one
    /// seen again), and then, as in Wireshark, the number stays: a resent
    /// record does not spoil the ones after it.
    pub fn open(&mut self, header: &[u8; 5], body: &[u8]) -> Option<Opened> {
        let seq = self.seq;
        let mut nonce = [0u8; 12];
        let (aad, ciphertext) = if self.tls13 || self.aead == Aead::ChaCha20 {
            nonce.copy_from_slice(self.iv.get(..12)?);
            for (n, s) in nonce[4..].iter_mut().zip(seq.to_be_bytes()) {
                *n ^= s;
            }
            (self.aad(header, seq, body.len().checked_sub(16)?), body)
        } else {
            // TLS 1.2's GCM: a 4-byte salt from the key block, then the
            // record's own 8-byte explicit nonce.
            nonce[..4].copy_from_slice(self.iv.get(..4)?);
            nonce[4..].copy_from_slice(body.get(..8)?);
            let ciphertext = body.get(8..)?;
            (self.aad(header, seq, ciphertext.len().checked_sub(16)?), ciphertext)
        };
        let mut buf = ciphertext.to_vec();
        if self.cipher.0.is_none() {
            self.cipher.0 = Some(Cipher::new(self.aead, &self.key)?);
        }
        let (aad, aad_len) = aad;
        if !self.cipher.0.as_ref()?.decrypt(nonce, &aad[..aad_len], &mut buf) {
            return None;
        }
        self.seq = seq.wrapping_add(1);
        if !self.tls13 {
            return Some(Opened { content_type: header[0], plain: buf });
        }
        // TLS 1.3's inner plaintext: content, its real type, zero padding.
        let end = buf.iter().rposition(|&b| b != 0)?;
        let content_type = buf[end];
        buf.truncate(end);
        Some(Opened { content_type, plain: buf })
    }

    /// Frees the cipher made for the records (their key stays).
    pub fn release(&mut self) {
        self.cipher.0 = None;
    }

    /// The additional data and its length: TLS 1.3's record header, or
    /// TLS 1.2's sequence number, type, version and plaintext length.
    fn aad(&self, header: &[u8; 5], seq: u64, plain_len: usize) -> ([u8; 13], usize) {
        let mut aad = [0; 13];
        if self.tls13 {
            aad[..5].copy_from_slice(header);
            return (aad, 5);
        }
        aad[..8].copy_from_slice(&seq.to_be_bytes());
        aad[8..11].copy_from_slice(&header[..3]);
        aad[11..].copy_from_slice(&(plain_len as u16).to_be_bytes());
        (aad, 13)
    }
}

pub(crate) fn decrypt<A: AeadInOut>(cipher: A, nonce: [u8; 12], aad: &[u8], buf: &mut Vec<u8>) -> bool
where
    Nonce<A>: From<[u8; 12]>,
{
    decrypt_with(&cipher, nonce, aad, buf)
}

fn decrypt_with<A: AeadInOut>(cipher: &A, nonce: [u8; 12], aad: &[u8], buf: &mut Vec<u8>) -> bool
where
    Nonce<A>: From<[u8; 12]>,
{
    cipher.decrypt_in_place(&Nonce::<A>::from(nonce), aad, buf).is_ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn unhex(s: &str) -> Vec<u8> {
        (0..s.len()).step_by(2).map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap()).collect()
    }

    #[test]
    fn tls13_keys_are_rfc_8448s() {
        // RFC 8448 section 3: the server's handshake traffic secret and the
        // key and IV derived from it.
        let secret = unhex("b67b7d690cc16c4e75e54213cb2d37b4e9c912bcded9105d42befd59d391ad38");
        let k = tls13_keys(Aead::Aes128Gcm, Hash::Sha256, &secret).unwrap();
        assert_eq!(k.key, unhex("3fce516009c21727d0f2e4e86ee403bc"));
        assert_eq!(k.iv, unhex("5d313eb2671276ee13000b30"));
    }

    #[test]
    fn tls12_key_block_is_the_prf_of_the_master_secret() {
        // P_SHA256 and P_SHA384 as Python's hmac computes them.
        let seed: Vec<u8> = (0..64).collect();
        let block = prf(Hash::Sha256, &[1; 48], b"key expansion", &seed, 40);
        assert_eq!(block, unhex("55f2f1e570ea687f4c72457cb45c3a74f37292039c0083076ec474000ace6bd66b268cef230a3ba7"));
        let block = prf(Hash::Sha384, &[1; 48], b"key expansion", &seed, 72);
        assert_eq!(block[..32], unhex("74996e333d314a76923d1b4dda089fa757ab79ac67eaebd62fdf29c3d0d225c7")[..]);
        let (client, server) = ([7; 32], [9; 32]);
        let secrets = Secrets { master: Some(vec![1; 48]), ..Secrets::default() };
        let d = derive(&secrets, false, 0xc02f, (&client, &server)).unwrap();
        let (c, s) = (d.first[0].as_ref().unwrap(), d.first[1].as_ref().unwrap());
        assert_eq!((c.key.len(), c.iv.len(), s.key.len(), s.iv.len()), (16, 4, 16, 4));
        assert_ne!(c.key, s.key);
        assert!(derive(&secrets, false, 0x002f, (&client, &server)).is_none(), "CBC suites are not decrypted");
    }

    #[test]
    fn records_open_with_their_nonce_and_additional_data() {
        // Records sealed by Python's cryptography package: TLS 1.2's
        // AES-128-GCM with an explicit nonce (sequence number 0), TLS 1.3's
        // ChaCha20-Poly1305 (sequence number 1) with its inner type.
        let cipher = Cached::default();
        let mut k = Keys { aead: Aead::Aes128Gcm, key: (0..16).collect(), iv: unhex("a0a1a2a3"), seq: 0, tls13: false, cipher };
        let body = unhex("000102030405060731626413a5f080a68a1bea966093c8e1ade9ceeff762ac7b97d5985bea317a5079e0");
        let o = k.open(&[0x17, 3, 3, 0, 42], &body).unwrap();
        assert_eq!((o.content_type, o.plain.as_slice()), (0x17, &b"GET / HTTP/1.1\r\n\r\n"[..]));
        assert!(k.open(&[0x17, 3, 3, 0, 42], &body).is_none(), "the next sequence number does not open it");
        let cipher = Cached::default();
        let mut k = Keys { aead: Aead::ChaCha20, key: (0x20..0x40).collect(), iv: (0x40..0x4c).collect(), seq: 1, tls13: true, cipher };
        let o = k.open(&[0x17, 3, 3, 0, 0x18], &unhex("5bf44104669d9efb9cbd2a504130b5ba6cbff1493426992b")).unwrap();
        assert_eq!((o.content_type, o.plain.as_slice()), (0x16, &b"hello"[..]));
        assert!(k.open(&[0x17, 3, 3, 0, 3], &[1, 2, 3]).is_none(), "shorter than a tag");
    }
}
