//! The data of the DNSSEC records (RRSIG/SIG, DNSKEY/CDNSKEY, DS/CDS/DLV,
//! NSEC, NSEC3, NSEC3PARAM) and of the key fingerprints published beside
//! them (SSHFP, TLSA), item by item as Wireshark shows them.
//!
//! Like Wireshark, a record's fixed fields are read at their place even when
//! the record's data length says less (the message's end is the limit), and
//! variable parts run to the end the data length gives.

use crate::field::{Base, Field, FieldDef, FieldType, Timestamp, Value, ValueStrings};

use super::RESP_TYPE;
use super::name::read_name;
use super::numbers::{duration, TYPE_STRINGS};
use super::rdata::{bytes_item, info, name_item};
use crate::dissect::{Buf, Ctx, DResult};

/// DNSSEC algorithm numbers (RFC 4034 and successors), worded as Wireshark 4.0.
pub(super) const ALGORITHMS: ValueStrings = &[
    (1, "RSA/MD5"),
    (2, "Diffie-Hellman"),
    (3, "DSA"),
    (4, "Elliptic curve crypto"),
    (5, "RSA/SHA1"),
    (6, "DSA + NSEC3/SHA1"),
    (7, "RSA/SHA1 + NSEC3/SHA1"),
    (8, "RSA/SHA-256"),
    (10, "RSA/SHA-512"),
    (12, "GOST R 34.10-2001"),
    (13, "ECDSA Curve P-256 with SHA-256"),
    // Wireshark 4.0's own misspelling of P-384.
    (14, "ECDSA Curve P-386 with SHA-386"),
    (15, "Ed25519"),
    (16, "Ed448"),
    (157, "HMAC/MD5"),
    (252, "Indirect key"),
    (253, "Private, domain name"),
    (254, "Private, OID"),
];
pub(super) const DIGESTS: ValueStrings =
    &[(0, "Reserved digest"), (1, "SHA-1"), (2, "SHA-256"), (3, "GOST R 34.11-94"), (4, "SHA-384")];
const SSHFP_ALGORITHMS: ValueStrings =
    &[(0, "Reserved"), (1, "RSA"), (2, "DSA"), (3, "ECDSA"), (4, "Ed25519"), (5, "XMSS")];
const SSHFP_DIGESTS: ValueStrings = &[(0, "Reserved"), (1, "SHA1"), (2, "SHA256")];
pub(super) const NSEC3_HASHES: ValueStrings = &[(0, "Reserved"), (1, "SHA-1")];
const TLSA_USAGES: ValueStrings = &[
    (0, "CA constraint (PKIX-TA)"),
    (1, "Service certificate constraint (PKIX-EE)"),
    (2, "Trust anchor assertion (DANE-TA)"),
    (3, "Domain-issued certificate (DANE-EE)"),
];
const TLSA_SELECTORS: ValueStrings = &[(0, "Full certificate (Cert)"), (1, "SubjectPublicKeyInfo (SPKI)")];
const TLSA_MATCHING_TYPES: ValueStrings = &[
    (0, "No Hash Used (Full)"),
    (1, "256 bit hash by SHA2 (SHA2-256)"),
    (2, "512 bit hash by SHA2 (SHA2-512)"),
];
const YES_NO: ValueStrings = &[(1, "Yes"), (0, "No")];

pub static RRSIG_TYPE: FieldDef =
    FieldDef::new("dns.rrsig.type_covered", "Type Covered", FieldType::U16).strings(&TYPE_STRINGS)
        .desc("Record type of the record set this signature covers (RFC 4034 section 3.1).");
pub static RRSIG_ALGORITHM: FieldDef =
    FieldDef::new("dns.rrsig.algorithm", "Algorithm", FieldType::U8).strings(ALGORITHMS)
        .desc("Cryptographic algorithm of the signature, such as 8 RSA/SHA-256 or 13 ECDSA P-256.");
pub static RRSIG_LABELS: FieldDef = FieldDef::new("dns.rrsig.labels", "Labels", FieldType::U8)
    .desc("Number of labels of the signed owner name (a wildcard has more).");
pub static RRSIG_TTL: FieldDef = FieldDef::new("dns.rrsig.original_ttl", "Original TTL", FieldType::U32)
    .desc("TTL of the covered records as the zone gives it.");
pub static RRSIG_EXPIRATION: FieldDef =
    FieldDef::new("dns.rrsig.signature_expiration", "Signature Expiration", FieldType::AbsTime)
        .desc("Time after which the signature is no longer valid.");
pub static RRSIG_INCEPTION: FieldDef =
    FieldDef::new("dns.rrsig.signature_inception", "Signature Inception", FieldType::AbsTime)
        .desc("Time before which the signature is not yet valid.");
pub static RRSIG_KEY_TAG: FieldDef = FieldDef::new("dns.rrsig.key_tag", "Key Tag", FieldType::U16)
    .desc("Tag of the DNSKEY that verifies the signature.");
pub static RRSIG_SIGNER: FieldDef = FieldDef::new("dns.rrsig.signers_name", "Signer's name", FieldType::String)
    .desc("Zone whose key made the signature.");
pub static RRSIG_SIGNATURE: FieldDef = FieldDef::new("dns.rrsig.signature", "Signature", FieldType::Bytes)
    .desc("The signature over the record set.");
pub static KEY_FLAGS: FieldDef = FieldDef::new("dns.dnskey.flags", "Flags", FieldType::U16).base(Base::Hex)
    .desc("Flags of the key: zone key, revoked, secure entry point (RFC 4034 section 2.1.1).");
pub static KEY_ZONE: FieldDef = FieldDef::new("dns.dnskey.flags.zone_key", "Zone Key", FieldType::Bool)
    .bit(16, 0x0100)
    .strings(&[(1, "This is the zone key for specified zone"), (0, "This it not a zone key")])
    .desc("The key is a zone key, used to sign the zone.");
pub static KEY_REVOKED: FieldDef =
    FieldDef::new("dns.dnskey.flags.key_revoked", "Key Revoked", FieldType::Bool).bit(16, 0x0080).strings(YES_NO)
        .desc("The key is revoked (RFC 5011).");
pub static KEY_SEP: FieldDef = FieldDef::new("dns.dnskey.flags.secure_entry_point", "Key Signing Key", FieldType::Bool)
    .bit(16, 0x0001)
    .strings(YES_NO).desc("Secure entry point: a key-signing key, pointed to by the parent's DS.");
/// Wireshark labels the reserved bits "Key Signing Key" too.
pub static KEY_RESERVED: FieldDef =
    FieldDef::new("dns.dnskey.flags.reserved", "Key Signing Key", FieldType::U16).base(Base::Hex).mask(0xfe7e)
        .desc("Reserved flag bits, zero.");
pub static KEY_PROTOCOL: FieldDef = FieldDef::new("dns.dnskey.protocol", "Protocol", FieldType::U8)
    .desc("Protocol field, always 3.");
pub static KEY_ALGORITHM: FieldDef =
    FieldDef::new("dns.dnskey.algorithm", "Algorithm", FieldType::U8).strings(ALGORITHMS)
        .desc("Cryptographic algorithm of the public key.");
pub static KEY_ID: FieldDef = FieldDef::new("dns.dnskey.key_id", "Key id", FieldType::U16)
    .desc("Key tag computed from the key, as RRSIG and DS records name it.");
pub static KEY_PUBLIC: FieldDef = FieldDef::new("dns.dnskey.public_key", "Public Key", FieldType::Bytes)
    .desc("The public key.");
pub static DS_KEY_ID: FieldDef = FieldDef::new("dns.ds.key_id", "Key id", FieldType::U16).base(Base::Hex)
    .desc("Key tag of the child zone's DNSKEY this DS points to (RFC 4034 section 5).");
pub static DS_ALGORITHM: FieldDef = FieldDef::new("dns.ds.algorithm", "Algorithm", FieldType::U8).strings(ALGORITHMS)
    .desc("Algorithm of that DNSKEY.");
pub static DS_DIGEST_TYPE: FieldDef =
    FieldDef::new("dns.ds.digest_type", "Digest Type", FieldType::U8).strings(DIGESTS)
        .desc("Hash algorithm of the digest, such as 2 for SHA-256.");
pub static DS_DIGEST: FieldDef = FieldDef::new("dns.ds.digest", "Digest", FieldType::Bytes)
    .desc("Digest of the child zone's DNSKEY.");
pub static NSEC_NEXT: FieldDef =
    FieldDef::new("dns.nsec.next_domain_name", "Next Domain Name", FieldType::String)
        .desc("Next name in the zone's canonical order: no names exist in between (RFC 4034 section 4).");
pub static NSEC3_ALGO: FieldDef = FieldDef::new("dns.nsec3.algo", "Hash algorithm", FieldType::U8).strings(NSEC3_HASHES)
    .desc("Hash algorithm of NSEC3, 1 for SHA-1 (RFC 5155).");
pub static NSEC3_FLAGS: FieldDef = FieldDef::new("dns.nsec3.flags", "NSEC3 flags", FieldType::U8).desc("NSEC3 flags.");
pub static NSEC3_OPT_OUT: FieldDef = FieldDef::new("dns.nsec3.flags.opt_out", "NSEC3 Opt-out flag", FieldType::Bool)
    .bit(8, 0x01)
    .strings(&[
        (1, "Additional insecure delegations allowed"),
        (0, "Additional insecure delegations forbidden"),
    ]).desc("Opt-out: unsigned delegations may lie in this gap.");
pub static NSEC3_ITERATIONS: FieldDef = FieldDef::new("dns.nsec3.iterations", "NSEC3 iterations", FieldType::U16)
    .desc("Number of extra hashing iterations.");
pub static NSEC3_SALT_LEN: FieldDef = FieldDef::new("dns.nsec3.salt_length", "Salt length", FieldType::U8)
    .desc("Length of the salt in bytes.");
pub static NSEC3_SALT: FieldDef = FieldDef::new("dns.nsec3.salt_value", "Salt value", FieldType::Bytes)
    .desc("Salt appended to names before hashing.");
pub static NSEC3_HASH_LEN: FieldDef = FieldDef::new("dns.nsec3.hash_length", "Hash length", FieldType::U8)
    .desc("Length of the next hashed owner name in bytes.");
pub static NSEC3_HASH: FieldDef = FieldDef::new("dns.nsec3.hash_value", "Next hashed owner", FieldType::String)
    .desc("Next hashed owner name in hash order, base32hex-encoded.");
pub static SSHFP_ALGORITHM: FieldDef =
    FieldDef::new("dns.sshfp.algorithm", "Algorithm", FieldType::U8).strings(SSHFP_ALGORITHMS)
        .desc("SSH host key algorithm of the fingerprint (RFC 4255).");
pub static SSHFP_TYPE: FieldDef =
    FieldDef::new("dns.sshfp.fingerprint.type", "Fingerprint type", FieldType::U8).strings(SSHFP_DIGESTS)
        .desc("Hash type of the fingerprint: 1 SHA-1, 2 SHA-256.");
pub static SSHFP_FINGERPRINT: FieldDef = FieldDef::new("dns.sshfp.fingerprint", "Fingerprint", FieldType::Bytes)
    .desc("Fingerprint of the SSH host key.");
pub static TLSA_USAGE: FieldDef =
    FieldDef::new("dns.tlsa.certificate_usage", "Certificate Usage", FieldType::U8).strings(TLSA_USAGES)
        .desc("How the certificate data is used: CA or end entity, with or without PKIX validation (RFC 6698 section 2.1.1).");
pub static TLSA_SELECTOR: FieldDef =
    FieldDef::new("dns.tlsa.selector", "Selector", FieldType::U8).strings(TLSA_SELECTORS)
        .desc("Which part is matched: the full certificate (0) or its public key (1).");
pub static TLSA_MATCHING: FieldDef =
    FieldDef::new("dns.tlsa.matching_type", "Matching Type", FieldType::U8).strings(TLSA_MATCHING_TYPES)
        .desc("How the data is given: exactly (0), SHA-256 (1) or SHA-512 (2).");
pub static TLSA_DATA: FieldDef = FieldDef::new(
    "dns.tlsa.certificate_association_data",
    "Certificate Association Data",
    FieldType::Bytes,
).desc("The certificate, key or their hash to match.");

pub static FIELDS: &[Field] = &[
    &RRSIG_TYPE, &RRSIG_ALGORITHM, &RRSIG_LABELS, &RRSIG_TTL, &RRSIG_EXPIRATION, &RRSIG_INCEPTION,
    &RRSIG_KEY_TAG, &RRSIG_SIGNER, &RRSIG_SIGNATURE, &KEY_FLAGS, &KEY_ZONE, &KEY_REVOKED, &KEY_SEP,
    &KEY_RESERVED, &KEY_PROTOCOL, &KEY_ALGORITHM, &KEY_ID, &KEY_PUBLIC, &DS_KEY_ID, &DS_ALGORITHM,
    &DS_DIGEST_TYPE, &DS_DIGEST, &NSEC_NEXT, &NSEC3_ALGO, &NSEC3_FLAGS, &NSEC3_OPT_OUT, &NSEC3_ITERATIONS,
    &NSEC3_SALT_LEN, &NSEC3_SALT, &NSEC3_HASH_LEN, &NSEC3_HASH, &SSHFP_ALGORITHM, &SSHFP_TYPE,
    &SSHFP_FINGERPRINT, &TLSA_USAGE, &TLSA_SELECTOR, &TLSA_MATCHING, &TLSA_DATA,
];

/// RRSIG (and the older SIG): the signature over one RRset.
pub fn rrsig(cx: &mut Ctx, b: &Buf, off: usize, len: usize) -> DResult<()> {
    cx.uint(&RRSIG_TYPE, b, off)?;
    cx.uint(&RRSIG_ALGORITHM, b, off + 2)?;
    cx.uint(&RRSIG_LABELS, b, off + 3)?;
    let ttl = b.u32(off + 4)?;
    let id = cx.tree().add(&RRSIG_TTL, b.range(off + 4, 4), Value::UInt(ttl as u64));
    cx.tree().set_text(id, format_args!("Original TTL: {ttl} ({})", duration(ttl)));
    for (i, f) in [&RRSIG_EXPIRATION, &RRSIG_INCEPTION].into_iter().enumerate() {
        let secs = b.u32(off + 8 + 4 * i)?;
        cx.tree().add(f, b.range(off + 8 + 4 * i, 4), Value::AbsTime(Timestamp { secs: secs as i64, nanos: 0 }));
    }
    cx.uint(&RRSIG_KEY_TAG, b, off + 16)?;
    let signer = read_name(b, off + 18)?;
    cx.tree().add(&RRSIG_SIGNER, b.range(off + 18, signer.wire_len), Value::str(signer.text.as_str()));
    let used = 18 + signer.wire_len;
    if len > used {
        bytes_item(cx, &RRSIG_SIGNATURE, b, off + used, len - used)?;
    }
    Ok(())
}

/// DNSKEY and CDNSKEY: a zone's public key, with its computed key tag.
pub fn dnskey(cx: &mut Ctx, b: &Buf, off: usize, len: usize) -> DResult<()> {
    let flags = b.u16(off)?;
    let r = b.range(off, 2);
    let bit = |m: u16| Value::Bool(flags & m != 0);
    let t = cx.tree();
    t.open(&KEY_FLAGS, r.clone(), Value::UInt(flags as u64));
    t.add(&KEY_ZONE, r.clone(), bit(0x0100));
    t.add(&KEY_REVOKED, r.clone(), bit(0x0080));
    t.add(&KEY_SEP, r.clone(), bit(0x0001));
    t.add(&KEY_RESERVED, r, Value::UInt(((flags & 0xfe7e) >> 1) as u64));
    t.close();
    cx.uint(&KEY_PROTOCOL, b, off + 2)?;
    let algorithm = cx.uint(&KEY_ALGORITHM, b, off + 3)? as u8;
    if len >= 4 {
        let tag = key_tag(b.bytes(off, len)?, algorithm);
        cx.tree().generated(&KEY_ID, b.range(off, 0), Value::UInt(tag as u64));
    }
    bytes_item(cx, &KEY_PUBLIC, b, off + 4, len.saturating_sub(4))
}

/// The key tag of a DNSKEY's data (RFC 4034 appendix B; its own rule for
/// RSA/MD5 keys).
fn key_tag(rdata: &[u8], algorithm: u8) -> u16 {
    if algorithm == 1 {
        let at = rdata.len().saturating_sub(3);
        return match rdata.get(at..at + 2) {
            Some(&[hi, lo]) => u16::from_be_bytes([hi, lo]),
            _ => 0,
        };
    }
    let mut acc: u32 = 0;
    for pair in rdata.chunks(2) {
        acc += (pair[0] as u32) << 8 | pair.get(1).copied().unwrap_or(0) as u32;
    }
    acc += (acc >> 16) & 0xffff;
    acc as u16
}

/// DS, CDS and DLV: a digest of the child zone's key.
pub fn ds(cx: &mut Ctx, b: &Buf, off: usize, len: usize) -> DResult<()> {
    cx.uint(&DS_KEY_ID, b, off)?;
    cx.uint(&DS_ALGORITHM, b, off + 2)?;
    cx.uint(&DS_DIGEST_TYPE, b, off + 3)?;
    bytes_item(cx, &DS_DIGEST, b, off + 4, len.saturating_sub(4))
}

/// NSEC: the next owner name and the types present; returns the name.
pub fn nsec(cx: &mut Ctx, b: &Buf, off: usize, len: usize) -> DResult<String> {
    let next = read_name(b, off)?;
    let text = name_item(cx, b, off, &NSEC_NEXT)?;
    info(cx, format_args!(" {text}"));
    type_bitmap(cx, b, off + next.wire_len, off + len)?;
    Ok(text)
}

/// NSEC3: hashed denial of existence.
pub fn nsec3(cx: &mut Ctx, b: &Buf, off: usize, len: usize) -> DResult<()> {
    let mut p = nsec3_params(cx, b, off, true)?;
    let hash_len = cx.uint(&NSEC3_HASH_LEN, b, p)? as usize;
    p += 1;
    if hash_len > 0 {
        let hash = base32hex(b.bytes(p, hash_len)?);
        cx.tree().generated(&NSEC3_HASH, b.range(p, hash_len), Value::str(hash));
        p += hash_len;
    }
    type_bitmap(cx, b, p, off + len)
}

/// NSEC3PARAM: the parameters a zone's NSEC3 records use.
pub fn nsec3param(cx: &mut Ctx, b: &Buf, off: usize) -> DResult<()> {
    nsec3_params(cx, b, off, false).map(|_| ())
}

/// The fields NSEC3 and NSEC3PARAM share, up to the salt; returns the offset
/// after the salt. Only NSEC3 details its flags.
fn nsec3_params(cx: &mut Ctx, b: &Buf, off: usize, flag_items: bool) -> DResult<usize> {
    cx.uint(&NSEC3_ALGO, b, off)?;
    let flags = b.u8(off + 1)?;
    let r = b.range(off + 1, 1);
    if flag_items {
        let t = cx.tree();
        t.open(&NSEC3_FLAGS, r.clone(), Value::UInt(flags as u64));
        t.add(&NSEC3_OPT_OUT, r, Value::Bool(flags & 1 != 0));
        t.close();
    } else {
        cx.tree().add(&NSEC3_FLAGS, r, Value::UInt(flags as u64));
    }
    cx.uint(&NSEC3_ITERATIONS, b, off + 2)?;
    let salt_len = cx.uint(&NSEC3_SALT_LEN, b, off + 4)? as usize;
    bytes_item(cx, &NSEC3_SALT, b, off + 5, salt_len)?;
    Ok(off + 5 + salt_len)
}

/// Base 32 with the extended hex alphabet (RFC 4648 §7), no padding, as
/// Wireshark writes an NSEC3 hash.
fn base32hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 32] = b"0123456789abcdefghijklmnopqrstuv";
    let bits = bytes.len() * 8;
    let mut out = String::with_capacity(bits.div_ceil(5));
    let mut at = 0;
    while at < bits {
        let mut group = 0u8;
        for i in at..at + 5 {
            let bit = bytes.get(i / 8).map_or(0, |byte| (byte >> (7 - i % 8)) & 1);
            group = group << 1 | bit;
        }
        out.push(DIGITS[group as usize] as char);
        at += 5;
    }
    out
}

/// The window blocks of an NSEC/NSEC3 type bit map from `p` to `end`: one
/// item per type present, on the byte that holds its bit.
fn type_bitmap(cx: &mut Ctx, b: &Buf, mut p: usize, end: usize) -> DResult<()> {
    while p < end {
        let window = b.u8(p)? as u16;
        let size = b.u8(p + 1)? as usize;
        p += 2;
        for (i, &bits) in b.bytes(p, size)?.iter().enumerate() {
            for bit in 0..8 {
                if bits & (0x80 >> bit) == 0 {
                    continue;
                }
                let ty = window << 8 | (i * 8 + bit) as u16;
                // Wireshark files a bit map's types under `dns.resp.type`.
                let id = cx.tree().add(&RESP_TYPE, b.range(p + i, 1), Value::UInt(ty as u64));
                cx.tree().set_text(id, format_args!("RR type in bit map: {}", type_description(ty)));
            }
        }
        p += size;
    }
    Ok(())
}

fn type_description(ty: u16) -> String {
    match TYPE_STRINGS.iter().find(|e| e.0 == ty as u64) {
        Some(e) => e.1.to_string(),
        None => format!("Unknown ({ty})"),
    }
}

/// SSHFP: a fingerprint of a host's SSH key.
pub fn sshfp(cx: &mut Ctx, b: &Buf, off: usize, len: usize) -> DResult<()> {
    cx.uint(&SSHFP_ALGORITHM, b, off)?;
    cx.uint(&SSHFP_TYPE, b, off + 1)?;
    if len > 2 {
        bytes_item(cx, &SSHFP_FINGERPRINT, b, off + 2, len - 2)?;
    }
    Ok(())
}

/// TLSA (DANE): which certificate a TLS service may present.
pub fn tlsa(cx: &mut Ctx, b: &Buf, off: usize, len: usize) -> DResult<()> {
    cx.uint(&TLSA_USAGE, b, off)?;
    cx.uint(&TLSA_SELECTOR, b, off + 1)?;
    cx.uint(&TLSA_MATCHING, b, off + 2)?;
    bytes_item(cx, &TLSA_DATA, b, off + 3, len.saturating_sub(3))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn key_tags_as_rfc_4034() {
        // Wireshark's key ids for these (made-up) keys: 38278 and 62734.
        let mut k = vec![0x01, 0x01, 3, 8];
        k.extend(1..40u8);
        assert_eq!(key_tag(&k, 8), 38278);
        let mut k = vec![0x01, 0x01, 3, 13];
        k.extend(0..32u8);
        assert_eq!(key_tag(&k, 13), 62734);
        assert_eq!(key_tag(&[1, 2, 3, 4, 5, 6], 1), 0x0405);
    }

    #[test]
    fn base32hex_without_padding() {
        let hash: Vec<u8> = (0..20).collect();
        assert_eq!(base32hex(&hash), "000g40o40k30e209185go38e1s8124gj");
        assert_eq!(base32hex(&[0xff]), "vs");
        assert_eq!(base32hex(&[]), "");
    }
}
