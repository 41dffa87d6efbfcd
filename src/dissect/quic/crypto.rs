//! QUIC packet protection (RFC 9001 5): the Initial keys every observer can
//! derive from the client's first Destination Connection ID (HKDF-SHA256
//! with the version's salt), the Handshake and 1-RTT keys from a key log's
//! TLS 1.3 traffic secrets, header protection (an AES block over a sample of
//! the ciphertext masks the first byte's low bits and the packet number:
//! an AES block, or for ChaCha20-Poly1305 the ChaCha20 key stream) and the
//! AEAD that opens the payload; key updates (6) derive each generation of
//! 1-RTT keys from the last. Retry packets carry an integrity tag made with
//! a fixed key (5.8).
//!
//! The crypto is RustCrypto's (aes for the header protection block,
//! aes-gcm, chacha20 and chacha20poly1305, hkdf and sha2), as TLS's
//! decryption uses them; the HKDF-Expand-Label of a suite's hash is TLS's
//! (`tls::decrypt`).

use aes::cipher::{BlockCipherEncrypt, KeyInit};
use aes_gcm::aead::{AeadInOut, Nonce};
use aes_gcm::{Aes128Gcm, Aes256Gcm};
use chacha20::cipher::{KeyIvInit, StreamCipher, StreamCipherSeek};
use chacha20poly1305::ChaCha20Poly1305;

use crate::dissect::tls::decrypt::{self, Aead};

/// TLS_AES_128_GCM_SHA256: the suite Initial packets are protected with.
const INITIAL_SUITE: u16 = 0x1301;
pub const V1: u32 = 1;
pub const V2: u32 = 0x6b33_43cf;

/// The salt of the Initial secret of a version we know (RFC 9001 5.2, RFC 9369 3.3.1, draft-29 to -32).
fn initial_salt(version: u32) -> Option<&'static [u8; 20]> {
    match version {
        V1 => Some(&[
            0x38, 0x76, 0x2c, 0xf7, 0xf5, 0x59, 0x34, 0xb3, 0x4d, 0x17, 0x9a, 0xe6, 0xa4, 0xc8, 0x0c, 0xad, 0xcc, 0xbb,
            0x7f, 0x0a,
        ]),
        V2 => Some(&[
            0x0d, 0xed, 0xe3, 0xde, 0xf7, 0x00, 0xa6, 0xdb, 0x81, 0x93, 0x81, 0xbe, 0x6e, 0x26, 0x9d, 0xcb, 0xf9, 0xbd,
            0x2e, 0xd9,
        ]),
        0xff00_001d..=0xff00_0020 => Some(&[
            0xaf, 0xbf, 0xec, 0x28, 0x99, 0x93, 0xd2, 0x4c, 0x9e, 0x97, 0x86, 0xf1, 0x9c, 0x61, 0x11, 0xe0, 0x43, 0x90,
            0xa8, 0x99,
        ]),
        _ => None,
    }
}

/// One direction's packet protection at one encryption level.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Keys {
    aead: Aead,
    key: Vec<u8>,
    iv: Vec<u8>,
    hp: Vec<u8>,
    /// What the next generation's keys come from (a key update).
    suite: u16,
    secret: Vec<u8>,
    version: u32,
}

impl Keys {
    /// The keys of a TLS 1.3 traffic secret (`suite` names its AEAD and
    /// hash); QUIC version 2 has labels of its own.
    pub fn from_secret(suite: u16, secret: &[u8], version: u32) -> Option<Keys> {
        let key_len = decrypt::tls13_aead(suite)?.key_len();
        let (aead, key) = decrypt::tls13_expand(suite, secret, &label(version, b"key"), key_len)?;
        let (_, iv) = decrypt::tls13_expand(suite, secret, &label(version, b"iv"), 12)?;
        let (_, hp) = decrypt::tls13_expand(suite, secret, &label(version, b"hp"), key_len)?;
        Some(Keys { aead, key, iv, hp, suite, secret: secret.to_vec(), version })
    }

    /// The next generation of 1-RTT keys after a key update (RFC 9001 6.1):
    /// a new secret from the last, new key and IV; the header protection key stays.
    pub fn updated(&self) -> Option<Keys> {
        let (_, secret) = decrypt::tls13_expand(self.suite, &self.secret, &label(self.version, b"ku"), self.secret.len())?;
        let next = Keys::from_secret(self.suite, &secret, self.version)?;
        Some(Keys { hp: self.hp.clone(), ..next })
    }

    #[cfg(test)]
    pub fn secret(&self) -> &[u8] {
        &self.secret
    }

    /// The Initial keys of both directions (client first) of a connection
    /// whose client first sent to `dcid`.
    pub fn initial(version: u32, dcid: &[u8]) -> Option<[Keys; 2]> {
        let (secret, _) = hkdf::Hkdf::<sha2::Sha256>::extract(Some(&initial_salt(version)?[..]), dcid);
        let side = |label: &[u8]| {
            let (_, s) = decrypt::tls13_expand(INITIAL_SUITE, &secret, label, 32)?;
            Keys::from_secret(INITIAL_SUITE, &s, version)
        };
        Some([side(b"client in")?, side(b"server in")?])
    }

    /// The header protection mask of the 16-byte `sample` (RFC 9001 5.4.3).
    fn mask(&self, sample: &[u8; 16]) -> Option<[u8; 5]> {
        let mut block = aes::Block::from(*sample);
        match self.aead {
            Aead::Aes128Gcm => aes::Aes128::new_from_slice(&self.hp).ok()?.encrypt_block(&mut block),
            Aead::Aes256Gcm => aes::Aes256::new_from_slice(&self.hp).ok()?.encrypt_block(&mut block),
            Aead::ChaCha20 => {
                // The sample's first 4 bytes are the block counter (little
                // endian), the other 12 the nonce; the mask is the key stream.
                let key: [u8; 32] = self.hp.as_slice().try_into().ok()?;
                let nonce: [u8; 12] = sample[4..].try_into().ok()?;
                let mut c = chacha20::ChaCha20::new(&key.into(), &nonce.into());
                c.seek(u32::from_le_bytes([sample[0], sample[1], sample[2], sample[3]]) as u64 * 64);
                let mut m = [0u8; 5];
                c.apply_keystream(&mut m);
                return Some(m);
            }
        }
        let mut m = [0u8; 5];
        m.copy_from_slice(&block[..5]);
        Some(m)
    }

    /// Removes header protection and decrypts one packet. `packet` holds
    /// the packet from its first byte to its end, the packet number at
    /// `pn_off`; `largest` is the largest packet number seen so far in its
    /// number space (RFC 9000 A.3 decodes the truncated one against it).
    pub fn open(&self, packet: &[u8], pn_off: usize, long: bool, largest: Option<u64>) -> Option<Opened> {
        let sample: [u8; 16] = packet.get(pn_off + 4..pn_off + 20)?.try_into().ok()?;
        let mask = self.mask(&sample)?;
        let first = packet.first()? ^ (mask[0] & if long { 0x0f } else { 0x1f });
        let pn_len = (first & 3) as usize + 1;
        let mut header = packet.get(..pn_off + pn_len)?.to_vec();
        header[0] = first;
        let mut truncated = 0u64;
        for (i, m) in mask[1..=pn_len].iter().enumerate() {
            header[pn_off + i] ^= m;
            truncated = truncated << 8 | header[pn_off + i] as u64;
        }
        let pn = decode_pn(largest, truncated, pn_len);
        let mut nonce = [0u8; 12];
        nonce.copy_from_slice(self.iv.get(..12)?);
        for (n, p) in nonce[4..].iter_mut().zip(pn.to_be_bytes()) {
            *n ^= p;
        }
        let mut buf = packet.get(pn_off + pn_len..)?.to_vec();
        let ok = match self.aead {
            Aead::Aes128Gcm => decrypt::decrypt(Aes128Gcm::new_from_slice(&self.key).ok()?, nonce, &header, &mut buf),
            Aead::Aes256Gcm => decrypt::decrypt(Aes256Gcm::new_from_slice(&self.key).ok()?, nonce, &header, &mut buf),
            Aead::ChaCha20 => decrypt::decrypt(ChaCha20Poly1305::new_from_slice(&self.key).ok()?, nonce, &header, &mut buf),
        };
        ok.then_some(Opened { first, pn_len, pn, plain: buf })
    }
}

/// A QUIC version's label for HKDF-Expand-Label (version 2 has its own).
fn label(version: u32, l: &[u8]) -> Vec<u8> {
    let prefix: &[u8] = if version == V2 { b"quicv2 " } else { b"quic " };
    [prefix, l].concat()
}

/// A packet once opened.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Opened {
    /// The first byte without header protection.
    pub first: u8,
    pub pn_len: usize,
    pub pn: u64,
    pub plain: Vec<u8>,
}

/// The full packet number closest to the next one expected (RFC 9000 A.3).
fn decode_pn(largest: Option<u64>, truncated: u64, pn_len: usize) -> u64 {
    let expected = largest.map_or(0, |l| l.wrapping_add(1));
    let win = 1u64 << (pn_len * 8);
    let half = win / 2;
    let candidate = (expected & !(win - 1)) | truncated;
    if candidate.wrapping_add(half) <= expected && candidate < (1u64 << 62) - win {
        candidate + win
    } else if candidate > expected.wrapping_add(half) && candidate >= win {
        candidate - win
    } else {
        candidate
    }
}

/// Whether a Retry's integrity tag (its last 16 bytes) is right for the
/// client's original Destination Connection ID `odcid` (RFC 9001 5.8).
pub fn retry_tag_ok(version: u32, odcid: &[u8], retry: &[u8]) -> bool {
    let (key, nonce): ([u8; 16], [u8; 12]) = match version {
        V1 => (
            [0xbe, 0x0c, 0x69, 0x0b, 0x9f, 0x66, 0x57, 0x5a, 0x1d, 0x76, 0x6b, 0x54, 0xe3, 0x68, 0xc8, 0x4e],
            [0x46, 0x15, 0x99, 0xd3, 0x5d, 0x63, 0x2b, 0xf2, 0x23, 0x98, 0x25, 0xbb],
        ),
        V2 => (
            [0x8f, 0xb4, 0xb0, 0x1b, 0x56, 0xac, 0x48, 0xe2, 0x60, 0xfb, 0xcb, 0xce, 0xad, 0x7c, 0xcc, 0x92],
            [0xd8, 0x69, 0x69, 0xbc, 0x2d, 0x7c, 0x6d, 0x99, 0x90, 0xef, 0xb0, 0x4a],
        ),
        _ => return false,
    };
    let Some(split) = retry.len().checked_sub(16) else { return false };
    let (body, tag) = retry.split_at(split);
    let mut pseudo = Vec::with_capacity(1 + odcid.len() + body.len());
    pseudo.push(odcid.len() as u8);
    pseudo.extend_from_slice(odcid);
    pseudo.extend_from_slice(body);
    let Ok(cipher) = Aes128Gcm::new_from_slice(&key) else { return false };
    // The tag authenticates an empty plaintext with the pseudo-packet as additional data.
    let mut empty = tag.to_vec();
    cipher.decrypt_in_place(&Nonce::<Aes128Gcm>::from(nonce), &pseudo, &mut empty).is_ok()
}
