//! Wireshark's names for TLS numbers: versions, content and handshake
//! types, alerts, cipher suites, extensions, groups and signature schemes.

use crate::field::ValueStrings;

pub const CONTENT_TYPES: ValueStrings = &[
    (20, "Change Cipher Spec"),
    (21, "Alert"),
    (22, "Handshake"),
    (23, "Application Data"),
    (24, "Heartbeat"),
    (25, "Connection ID"),
];

pub const VERSIONS: ValueStrings = &[
    (0x0002, "SSL 2.0"),
    (0x0300, "SSL 3.0"),
    (0x0301, "TLS 1.0"),
    (0x0302, "TLS 1.1"),
    (0x0303, "TLS 1.2"),
    (0x0304, "TLS 1.3"),
    (0x0101, "GMTLS"),
    (0xfeff, "DTLS 1.0"),
    (0xfefd, "DTLS 1.2"),
    (0x0100, "DTLS 1.0 (OpenSSL pre 0.9.8f)"),
    (0x0a0a, "Reserved (GREASE)"),
    (0x1a1a, "Reserved (GREASE)"),
    (0x2a2a, "Reserved (GREASE)"),
    (0x3a3a, "Reserved (GREASE)"),
    (0x4a4a, "Reserved (GREASE)"),
    (0x5a5a, "Reserved (GREASE)"),
    (0x6a6a, "Reserved (GREASE)"),
    (0x7a7a, "Reserved (GREASE)"),
    (0x7f0e, "TLS 1.3 (draft 14)"),
    (0x7f0f, "TLS 1.3 (draft 15)"),
    (0x7f10, "TLS 1.3 (draft 16)"),
    (0x7f11, "TLS 1.3 (draft 17)"),
    (0x7f12, "TLS 1.3 (draft 18)"),
    (0x7f13, "TLS 1.3 (draft 19)"),
    (0x7f14, "TLS 1.3 (draft 20)"),
    (0x7f15, "TLS 1.3 (draft 21)"),
    (0x7f16, "TLS 1.3 (draft 22)"),
    (0x7f17, "TLS 1.3 (draft 23)"),
    (0x7f18, "TLS 1.3 (draft 24)"),
    (0x7f19, "TLS 1.3 (draft 25)"),
    (0x7f1a, "TLS 1.3 (draft 26)"),
    (0x7f1b, "TLS 1.3 (draft 27)"),
    (0x7f1c, "TLS 1.3 (draft 28)"),
    (0x8a8a, "Reserved (GREASE)"),
    (0x9a9a, "Reserved (GREASE)"),
    (0xaaaa, "Reserved (GREASE)"),
    (0xbaba, "Reserved (GREASE)"),
    (0xcaca, "Reserved (GREASE)"),
    (0xdada, "Reserved (GREASE)"),
    (0xeaea, "Reserved (GREASE)"),
    (0xfafa, "Reserved (GREASE)"),
    (0xfb17, "TLS 1.3 (Facebook draft 23)"),
    (0xfb1a, "TLS 1.3 (Facebook draft 26)"),
];

/// The Protocol column's short name of a version; `None` for versions
/// Wireshark has no short name for.
pub fn short_name(version: u16) -> Option<&'static str> {
    Some(match version {
        0x0002 => "SSLv2",
        0x0300 => "SSLv3",
        0x0301 => "TLSv1",
        0x0302 => "TLSv1.1",
        0x0303 => "TLSv1.2",
        0x0304 => "TLSv1.3",
        0x0101 => "GMTLS",
        _ => return None,
    })
}

pub const HANDSHAKE_TYPES: ValueStrings = &[
    (0, "Hello Request"),
    (1, "Client Hello"),
    (2, "Server Hello"),
    (3, "Hello Verify Request"),
    (4, "New Session Ticket"),
    (5, "End of Early Data"),
    (6, "Hello Retry Request"),
    (8, "Encrypted Extensions"),
    (11, "Certificate"),
    (12, "Server Key Exchange"),
    (13, "Certificate Request"),
    (14, "Server Hello Done"),
    (15, "Certificate Verify"),
    (16, "Client Key Exchange"),
    (20, "Finished"),
    (21, "Client Certificate URL"),
    (22, "Certificate Status"),
    (23, "Supplemental Data"),
    (24, "Key Update"),
    (25, "Compressed Certificate"),
    (67, "Encrypted Extensions"),
    (254, "Message Hash"),
    (7, "Request Certificate"),
];

pub const ALERT_LEVELS: ValueStrings = &[(1, "Warning"), (2, "Fatal")];

pub const ALERT_DESCRIPTIONS: ValueStrings = &[
    (0, "Close Notify"),
    (1, "End of Early Data"),
    (10, "Unexpected Message"),
    (20, "Bad Record MAC"),
    (21, "Decryption Failed"),
    (22, "Record Overflow"),
    (30, "Decompression Failure"),
    (40, "Handshake Failure"),
    (41, "No Certificate"),
    (42, "Bad Certificate"),
    (43, "Unsupported Certificate"),
    (44, "Certificate Revoked"),
    (45, "Certificate Expired"),
    (46, "Certificate Unknown"),
    (47, "Illegal Parameter"),
    (48, "Unknown CA"),
    (49, "Access Denied"),
    (50, "Decode Error"),
    (51, "Decrypt Error"),
    (60, "Export Restriction"),
    (70, "Protocol Version"),
    (71, "Insufficient Security"),
    (80, "Internal Error"),
    (86, "Inappropriate Fallback"),
    (90, "User Canceled"),
    (100, "No Renegotiation"),
    (109, "Missing Extension"),
    (110, "Unsupported Extension"),
    (111, "Certificate Unobtainable"),
    (112, "Unrecognized Name"),
    (113, "Bad Certificate Status Response"),
    (114, "Bad Certificate Hash Value"),
    (115, "Unknown PSK Identity"),
    (116, "Certificate Required"),
    (120, "No application Protocol"),
    (121, "ECH Required"),
];

pub const COMPRESSION_METHODS: ValueStrings = &[(0, "null"), (1, "DEFLATE"), (64, "LZS")];

pub const SERVER_NAME_TYPES: ValueStrings = &[(0, "host_name")];

pub const EC_POINT_FORMATS: ValueStrings =
    &[(0, "uncompressed"), (1, "ansiX962_compressed_prime"), (2, "ansiX962_compressed_char2")];

pub const PSK_KE_MODES: ValueStrings = &[
    (0, "PSK-only key establishment (psk_ke)"),
    (1, "PSK with (EC)DHE key establishment (psk_dhe_ke)"),
];

pub const HASH_ALGORITHMS: ValueStrings =
    &[(0, "None"), (1, "MD5"), (2, "SHA1"), (3, "SHA224"), (4, "SHA256"), (5, "SHA384"), (6, "SHA512"), (7, "SM3")];

pub const SIGNATURE_ALGORITHMS: ValueStrings =
    &[(0, "Anonymous"), (1, "RSA"), (2, "DSA"), (3, "ECDSA"), (4, "SM2")];

pub const EXTENSIONS: ValueStrings = &[
    (0, "server_name"),
    (1, "max_fragment_length"),
    (2, "client_certificate_url"),
    (3, "trusted_ca_keys"),
    (4, "truncated_hmac"),
    (5, "status_request"),
    (6, "user_mapping"),
    (7, "client_authz"),
    (8, "server_authz"),
    (9, "cert_type"),
    (10, "supported_groups"),
    (11, "ec_point_formats"),
    (12, "srp"),
    (13, "signature_algorithms"),
    (14, "use_srtp"),
    (15, "heartbeat"),
    (16, "application_layer_protocol_negotiation"),
    (17, "status_request_v2"),
    (18, "signed_certificate_timestamp"),
    (19, "client_certificate_type"),
    (20, "server_certificate_type"),
    (21, "padding"),
    (22, "encrypt_then_mac"),
    (23, "extended_master_secret"),
    (24, "token_binding"),
    (25, "cached_info"),
    (27, "compress_certificate"),
    (28, "record_size_limit"),
    (35, "session_ticket"),
    (41, "pre_shared_key"),
    (42, "early_data"),
    (43, "supported_versions"),
    (44, "cookie"),
    (45, "psk_key_exchange_modes"),
    (47, "certificate_authorities"),
    (48, "oid_filters"),
    (49, "post_handshake_auth"),
    (50, "signature_algorithms_cert"),
    (51, "key_share"),
    (52, "transparency_info"),
    (53, "connection_id (deprecated)"),
    (54, "connection_id"),
    (55, "external_id_hash"),
    (56, "external_session_id"),
    (57, "quic_transport_parameters"),
    (58, "ticket_request"),
    (59, "dnssec_chain"),
    (13172, "next_protocol_negotiation"),
    (17513, "application_settings"),
    (30032, "channel_id"),
    (65037, "encrypted_client_hello"),
    (65281, "renegotiation_info"),
    (34, "delegated_credentials"),
    (40, "Reserved (key_share)"),
    (46, "Reserved (ticket_early_data_info)"),
    (2570, "Reserved (GREASE)"),
    (6682, "Reserved (GREASE)"),
    (10794, "Reserved (GREASE)"),
    (14906, "Reserved (GREASE)"),
    (19018, "Reserved (GREASE)"),
    (23130, "Reserved (GREASE)"),
    (27242, "Reserved (GREASE)"),
    (30031, "channel_id_old"),
    (31354, "Reserved (GREASE)"),
    (35466, "Reserved (GREASE)"),
    (39578, "Reserved (GREASE)"),
    (43690, "Reserved (GREASE)"),
    (47802, "Reserved (GREASE)"),
    (51914, "Reserved (GREASE)"),
    (56026, "Reserved (GREASE)"),
    (60138, "Reserved (GREASE)"),
    (64250, "Reserved (GREASE)"),
    (65445, "quic_transport_parameters (drafts version)"),
    (65486, "encrypted_server_name"),
];

pub use crate::dissect::registries::GROUPS;

pub use crate::dissect::registries::SIGNATURE_SCHEMES;

pub use crate::dissect::registries::CIPHER_SUITES;

/// GREASE values (RFC 8701): JA3 leaves them out.
pub fn is_grease(v: u16) -> bool {
    v & 0x0f0f == 0x0a0a && v >> 8 == v & 0xff
}
