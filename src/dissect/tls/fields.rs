//! TLS fields, with Wireshark's filter names, display names and types.

use super::names::*;
use crate::field::{Base, Field, FieldDef, FieldType};

/// Not a brief field: a record's first segment carries TLS's empty layer on
/// the first pass only (as in tshark), so a load-time record would disagree
/// with a later dissection of the frame.
pub static TLS: FieldDef = FieldDef::new("tls", "Transport Layer Security", FieldType::Protocol)
    .desc("Transport Layer Security: encrypted, authenticated streams over TCP (RFC 8446, RFC 5246).");
pub static RECORD: FieldDef = FieldDef::none("tls.record", "Record Layer")
    .desc("One TLS record: content type, version, length and fragment (RFC 8446 section 5.1).");
pub static CONTENT_TYPE: FieldDef = FieldDef::u8("tls.record.content_type", "Content Type").strings(CONTENT_TYPES)
    .desc("What the record holds: 20 change cipher spec, 21 alert, 22 handshake, 23 application data.");
pub static OPAQUE_TYPE: FieldDef = FieldDef::u8("tls.record.opaque_type", "Opaque Type").strings(CONTENT_TYPES)
    .desc("Outer content type of an encrypted TLS 1.3 record, always 23; the real type is inside.");
pub static RECORD_VERSION: FieldDef = FieldDef::u16("tls.record.version", "Version").base(Base::Hex).strings(VERSIONS)
    .desc("Protocol version in the record header (0x0303 even for TLS 1.3).");
pub static RECORD_LENGTH: FieldDef = FieldDef::u16("tls.record.length", "Length")
    .desc("Length of the record's data in bytes.");
pub static APP_DATA: FieldDef = FieldDef::bytes("tls.app_data", "Encrypted Application Data")
    .desc("Encrypted application data, unreadable without the session keys.");
pub static CHANGE_CIPHER_SPEC: FieldDef = FieldDef::none("tls.change_cipher_spec", "Change Cipher Spec Message")
    .desc("Change cipher spec: the sender switches to the negotiated keys (kept in TLS 1.3 for compatibility).");
pub static ALERT: FieldDef = FieldDef::none("tls.alert_message", "Alert Message")
    .desc("An alert: a warning or a fatal error, or the closing of the session.");
pub static ALERT_LEVEL: FieldDef = FieldDef::u8("tls.alert_message.level", "Level").strings(ALERT_LEVELS)
    .desc("Alert level: 1 warning, 2 fatal.");
pub static ALERT_DESC: FieldDef = FieldDef::u8("tls.alert_message.desc", "Description").strings(ALERT_DESCRIPTIONS)
    .desc("Alert description, such as 0 close notify or 40 handshake failure.");

pub static HANDSHAKE: FieldDef = FieldDef::none("tls.handshake", "Handshake Protocol")
    .desc("A handshake message, which sets up the session's parameters and keys.");
pub static HS_TYPE: FieldDef = FieldDef::u8("tls.handshake.type", "Handshake Type").strings(HANDSHAKE_TYPES)
    .desc("Handshake message type, such as 1 ClientHello, 2 ServerHello, 11 Certificate.");
pub static HS_LENGTH: FieldDef = FieldDef::u24("tls.handshake.length", "Length")
    .desc("Length of the handshake message body in bytes.");
pub static HS_VERSION: FieldDef = FieldDef::u16("tls.handshake.version", "Version").base(Base::Hex).strings(VERSIONS)
    .desc("Version in a hello: the highest the client supports, or the one the server chose (0x0303 in TLS 1.3 hellos).");
pub static RANDOM: FieldDef = FieldDef::bytes("tls.handshake.random", "Random")
    .desc("32 random bytes each side contributes to the key derivation.");
pub static RANDOM_TIME: FieldDef = FieldDef::new("tls.handshake.random_time", "GMT Unix Time", FieldType::AbsTime)
    .desc("First four bytes of the random read as a Unix time, as old clients wrote them.");
pub static RANDOM_BYTES: FieldDef = FieldDef::bytes("tls.handshake.random_bytes", "Random Bytes")
    .desc("The random bytes after the time.");
/// Wireshark declares it 16-bit though the wire has one byte.
pub static SESSION_ID_LENGTH: FieldDef = FieldDef::u16("tls.handshake.session_id_length", "Session ID Length")
    .desc("Length of the session ID.");
pub static SESSION_ID: FieldDef = FieldDef::bytes("tls.handshake.session_id", "Session ID")
    .desc("Session identifier for resumption (in TLS 1.3 a compatibility value).");
pub static CIPHER_SUITES_LENGTH: FieldDef = FieldDef::u16("tls.handshake.cipher_suites_length", "Cipher Suites Length")
    .desc("Length in bytes of the cipher suite list.");
pub static CIPHER_SUITES_LIST: FieldDef = FieldDef::none("tls.handshake.ciphersuites", "Cipher Suites")
    .desc("Cipher suites the client offers, in order of preference.");
pub static CIPHER_SUITE: FieldDef =
    FieldDef::u16("tls.handshake.ciphersuite", "Cipher Suite").base(Base::Hex).strings(CIPHER_SUITES)
        .desc("A cipher suite: key exchange, cipher and hash, such as TLS_AES_128_GCM_SHA256.");
pub static COMP_METHODS_LENGTH: FieldDef = FieldDef::u8("tls.handshake.comp_methods_length", "Compression Methods Length")
    .desc("Length of the compression method list.");
pub static COMP_METHODS: FieldDef = FieldDef::none("tls.handshake.comp_methods", "Compression Methods")
    .desc("Compression methods the client offers (only null today).");
pub static COMP_METHOD: FieldDef = FieldDef::u8("tls.handshake.comp_method", "Compression Method").strings(COMPRESSION_METHODS)
    .desc("A compression method, 0 for none.");
pub static EXTENSIONS_LENGTH: FieldDef = FieldDef::u16("tls.handshake.extensions_length", "Extensions Length")
    .desc("Length in bytes of the hello's extensions.");
pub static EXT_TYPE: FieldDef = FieldDef::u16("tls.handshake.extension.type", "Type").strings(EXTENSIONS)
    .desc("Extension type, such as 0 server name, 10 supported groups, 43 supported versions.");
pub static EXT_LEN: FieldDef = FieldDef::u16("tls.handshake.extension.len", "Length")
    .desc("Length of the extension data in bytes.");
pub static EXT_DATA: FieldDef = FieldDef::bytes("tls.handshake.extension.data", "Data")
    .desc("Data of an extension not decoded further.");

pub static SNI_LIST_LEN: FieldDef = FieldDef::u16("tls.handshake.extensions_server_name_list_len", "Server Name list length")
    .desc("Length of the server name list.");
pub static SNI_TYPE: FieldDef =
    FieldDef::u8("tls.handshake.extensions_server_name_type", "Server Name Type").strings(SERVER_NAME_TYPES)
        .desc("Type of the server name, 0 for a host name.");
pub static SNI_LEN: FieldDef = FieldDef::u16("tls.handshake.extensions_server_name_len", "Server Name length")
    .desc("Length of the server name.");
pub static SNI: FieldDef = FieldDef::string("tls.handshake.extensions_server_name", "Server Name")
    .desc("Server Name Indication: the host name the client wants, sent in clear (RFC 6066 section 3).");
pub static GROUPS_LENGTH: FieldDef =
    FieldDef::u16("tls.handshake.extensions_supported_groups_length", "Supported Groups List Length")
        .desc("Length of the supported groups list.");
pub static GROUPS_LIST: FieldDef = FieldDef::none("tls.handshake.extensions_supported_groups", "Supported Groups List")
    .desc("Key exchange groups the client supports (curves and finite fields).");
pub static GROUP: FieldDef =
    FieldDef::u16("tls.handshake.extensions_supported_group", "Supported Group").base(Base::Hex).strings(GROUPS)
        .desc("A key exchange group, such as x25519 or secp256r1.");
pub static POINT_FORMATS_LENGTH: FieldDef =
    FieldDef::u8("tls.handshake.extensions_ec_point_formats_length", "EC point formats Length")
        .desc("Length of the point format list.");
pub static POINT_FORMATS: FieldDef = FieldDef::none("tls.handshake.extensions_ec_point_formats", "EC point formats")
    .desc("Elliptic-curve point formats the sender supports.");
pub static POINT_FORMAT: FieldDef =
    FieldDef::u8("tls.handshake.extensions_ec_point_format", "EC point format").strings(EC_POINT_FORMATS)
        .desc("A point format, 0 for uncompressed.");
pub static ALPN_LEN: FieldDef = FieldDef::u16("tls.handshake.extensions_alpn_len", "ALPN Extension Length")
    .desc("Length of the ALPN protocol list.");
pub static ALPN_LIST: FieldDef = FieldDef::none("tls.handshake.extensions_alpn_list", "ALPN Protocol")
    .desc("Application protocols offered or chosen (RFC 7301).");
pub static ALPN_STR_LEN: FieldDef = FieldDef::u8("tls.handshake.extensions_alpn_str_len", "ALPN string length")
    .desc("Length of one protocol name.");
pub static ALPN_STR: FieldDef = FieldDef::string("tls.handshake.extensions_alpn_str", "ALPN Next Protocol")
    .desc("An application protocol name, such as h2 or http/1.1.");
pub static RENEG_LEN: FieldDef =
    FieldDef::u8("tls.handshake.extensions_reneg_info_len", "Renegotiation info extension length")
        .desc("Length of the renegotiation info.");
pub static RENEG_INFO: FieldDef = FieldDef::bytes("tls.handshake.extensions_reneg_info", "Renegotiation info")
    .desc("Renegotiation info that binds a renegotiation to the previous handshake (RFC 5746).");
pub static KEY_SHARE_CLIENT_LENGTH: FieldDef =
    FieldDef::u16("tls.handshake.extensions_key_share_client_length", "Client Key Share Length")
        .desc("Length of the client's key shares.");
pub static KEY_SHARE_GROUP: FieldDef = FieldDef::u16("tls.handshake.extensions_key_share_group", "Group").strings(GROUPS)
    .desc("Group of a key share.");
pub static KEY_SHARE_KE_LENGTH: FieldDef =
    FieldDef::u16("tls.handshake.extensions_key_share_key_exchange_length", "Key Exchange Length")
        .desc("Length of the key exchange value.");
pub static KEY_SHARE_KE: FieldDef = FieldDef::bytes("tls.handshake.extensions_key_share_key_exchange", "Key Exchange")
    .desc("The ephemeral public key of a key share (RFC 8446 section 4.2.8).");
pub static KEY_SHARE_SELECTED: FieldDef =
    FieldDef::u16("tls.handshake.extensions_key_share_selected_group", "Selected Group").strings(GROUPS)
        .desc("Group the server asks the client to use, in a HelloRetryRequest.");
pub static VERSIONS_LEN: FieldDef =
    FieldDef::u8("tls.handshake.extensions.supported_versions_len", "Supported Versions length")
        .desc("Length of the supported versions list.");
pub static SUPPORTED_VERSION: FieldDef =
    FieldDef::u16("tls.handshake.extensions.supported_version", "Supported Version").base(Base::Hex).strings(VERSIONS)
        .desc("A TLS version the client supports, or the one the server chose (0x0304 for TLS 1.3).");
pub static PSK_MODES_LENGTH: FieldDef = FieldDef::u8("tls.extension.psk_ke_modes_length", "PSK Key Exchange Modes Length")
    .desc("Length of the PSK key exchange modes list.");
pub static PSK_MODE: FieldDef = FieldDef::u8("tls.extension.psk_ke_mode", "PSK Key Exchange Mode").strings(PSK_KE_MODES)
    .desc("A mode for resuming with a pre-shared key: with or without a fresh key exchange.");
pub static PADDING: FieldDef = FieldDef::bytes("tls.handshake.extensions_padding_data", "Padding Data")
    .desc("Zero bytes padding the ClientHello to a chosen size (RFC 7685).");
pub static RECORD_SIZE_LIMIT: FieldDef = FieldDef::u16("tls.record_size_limit", "Record Size Limit")
    .desc("Largest record the sender will accept, in bytes (RFC 8449).");
pub static SIG_ALGS_LEN: FieldDef = FieldDef::u16("tls.handshake.sig_hash_alg_len", "Signature Hash Algorithms Length")
    .desc("Length of the signature algorithm list.");
pub static SIG_ALGS: FieldDef = FieldDef::none("tls.handshake.sig_hash_algs", "Signature Algorithms")
    .desc("Signature algorithms the sender accepts.");
pub static SIG_ALG: FieldDef =
    FieldDef::u16("tls.handshake.sig_hash_alg", "Signature Algorithm").base(Base::Hex).strings(SIGNATURE_SCHEMES)
        .desc("A signature algorithm, such as rsa_pss_rsae_sha256 or ed25519.");
pub static SIG_HASH: FieldDef =
    FieldDef::u8("tls.handshake.sig_hash_hash", "Signature Hash Algorithm Hash").strings(HASH_ALGORITHMS)
        .desc("Hash half of a TLS 1.2 signature algorithm.");
pub static SIG_SIG: FieldDef =
    FieldDef::u8("tls.handshake.sig_hash_sig", "Signature Hash Algorithm Signature").strings(SIGNATURE_ALGORITHMS)
        .desc("Signature half of a TLS 1.2 signature algorithm.");

pub static CERTIFICATES_LENGTH: FieldDef = FieldDef::u24("tls.handshake.certificates_length", "Certificates Length")
    .desc("Length in bytes of the certificate list.");
pub static CERTIFICATES: FieldDef = FieldDef::none("tls.handshake.certificates", "Certificates")
    .desc("The sender's certificate chain, its own certificate first.");
pub static CERTIFICATE_LENGTH: FieldDef = FieldDef::u24("tls.handshake.certificate_length", "Certificate Length")
    .desc("Length of one certificate.");
pub static CERTIFICATE: FieldDef = FieldDef::bytes("tls.handshake.certificate", "Certificate")
    .desc("One X.509 certificate, DER-encoded.");
pub static CERT_CONTEXT_LENGTH: FieldDef =
    FieldDef::u8("tls.handshake.certificate_request_context_length", "Certificate Request Context Length")
        .desc("Length of the certificate request context (TLS 1.3).");
pub static CURVE_TYPE: FieldDef = FieldDef::u8("tls.handshake.server_curve_type", "Curve Type").base(Base::Hex)
    .desc("Curve type in ServerKeyExchange, 3 for a named curve.");
pub static NAMED_CURVE: FieldDef =
    FieldDef::u16("tls.handshake.server_named_curve", "Named Curve").base(Base::Hex).strings(GROUPS)
        .desc("The curve the server chose for the ephemeral key exchange.");
pub static SERVER_POINT_LEN: FieldDef = FieldDef::u8("tls.handshake.server_point_len", "Pubkey Length")
    .desc("Length of the server's ephemeral public key.");
pub static SERVER_POINT: FieldDef = FieldDef::bytes("tls.handshake.server_point", "Pubkey")
    .desc("The server's ephemeral elliptic-curve Diffie-Hellman public key.");
pub static CLIENT_POINT_LEN: FieldDef = FieldDef::u8("tls.handshake.client_point_len", "Pubkey Length")
    .desc("Length of the client's ephemeral public key.");
pub static CLIENT_POINT: FieldDef = FieldDef::bytes("tls.handshake.client_point", "Pubkey")
    .desc("The client's ephemeral elliptic-curve Diffie-Hellman public key.");
pub static EPMS_LEN: FieldDef = FieldDef::u16("tls.handshake.epms_len", "Encrypted PreMaster length")
    .desc("Length of the encrypted premaster secret.");
pub static EPMS: FieldDef = FieldDef::bytes("tls.handshake.epms", "Encrypted PreMaster")
    .desc("Premaster secret encrypted with the server's RSA key (RSA key exchange).");
pub static SIG_LEN: FieldDef = FieldDef::u16("tls.handshake.sig_len", "Signature Length")
    .desc("Length of the signature.");
pub static SIG: FieldDef = FieldDef::bytes("tls.handshake.sig", "Signature")
    .desc("The server's signature over the key exchange parameters.");
pub static TICKET_LIFETIME: FieldDef = FieldDef::new(
    "tls.handshake.session_ticket_lifetime_hint",
    "Session Ticket Lifetime Hint",
    FieldType::U32,
).desc("Seconds the ticket may be kept for resumption.");
pub static TICKET_AGE_ADD: FieldDef =
    FieldDef::new("tls.handshake.session_ticket_age_add", "Session Ticket Age Add", FieldType::U32)
        .desc("Random value added to the ticket's age to hide it (TLS 1.3).");
pub static TICKET_NONCE_LENGTH: FieldDef =
    FieldDef::u8("tls.handshake.session_ticket_nonce_length", "Session Ticket Nonce Length")
        .desc("Length of the ticket nonce.");
pub static TICKET_NONCE: FieldDef = FieldDef::bytes("tls.handshake.session_ticket_nonce", "Session Ticket Nonce")
    .desc("Per-ticket value used to derive the resumption key.");
pub static TICKET_LENGTH: FieldDef = FieldDef::u16("tls.handshake.session_ticket_length", "Session Ticket Length")
    .desc("Length of the session ticket.");
pub static TICKET: FieldDef = FieldDef::bytes("tls.handshake.session_ticket", "Session Ticket")
    .desc("Opaque ticket the client presents to resume the session.");
pub static JA3_FULL: FieldDef = FieldDef::string("tls.handshake.ja3_full", "JA3 Fullstring")
    .desc("JA3 input: the ClientHello's version, ciphers, extensions, groups and point formats as text.");
pub static JA3: FieldDef = FieldDef::string("tls.handshake.ja3", "JA3")
    .desc("JA3: MD5 of the JA3 input, a fingerprint of the client's TLS library.");
pub static JA3S_FULL: FieldDef = FieldDef::string("tls.handshake.ja3s_full", "JA3S Fullstring")
    .desc("JA3S input: the ServerHello's version, cipher and extensions as text.");
pub static JA3S: FieldDef = FieldDef::string("tls.handshake.ja3s", "JA3S")
    .desc("JA3S: MD5 of the JA3S input, a fingerprint of the server's TLS answer.");

pub static APP_DATA_PROTO: FieldDef = FieldDef::string("tls.app_data_proto", "Application Data Protocol")
    .desc("The protocol the application data carries, from the ALPN the server chose or the port.");
pub static VERIFY_DATA: FieldDef = FieldDef::none("tls.handshake.verify_data", "Verify Data")
    .desc("A Finished message's MAC over the whole handshake (readable only once decrypted).");
pub static CERT_VERIFY_SIG_LEN: FieldDef = FieldDef::u16("tls.handshake.client_cert_vrfy.sig_len", "Signature length")
    .desc("Length of a CertificateVerify's signature.");
pub static CERT_VERIFY_SIG: FieldDef = FieldDef::bytes("tls.handshake.client_cert_vrfy.sig", "Signature")
    .desc("A CertificateVerify's signature over the handshake, made with the certificate's key.");
pub static SEGMENTS: FieldDef = FieldDef::none("tls.segments", "Reassembled TLS segments")
    .desc("The records whose decrypted data was put together into one application message.");
pub static SEGMENT: FieldDef = FieldDef::new("tls.segment", "TLS segment", FieldType::FrameNum)
    .desc("A frame whose record carries part of the reassembled message.");
pub static SEGMENT_COUNT: FieldDef = FieldDef::new("tls.segment.count", "Segment count", FieldType::U32)
    .desc("Number of records reassembled.");
pub static REASSEMBLED_LENGTH: FieldDef = FieldDef::new("tls.reassembled.length", "Reassembled PDU length", FieldType::U32)
    .desc("Length in bytes of the reassembled decrypted data.");
pub static REASSEMBLED_DATA: FieldDef = FieldDef::bytes("tls.reassembled.data", "Reassembled PDU data")
    .desc("The reassembled decrypted data of several records.");
pub static SEGMENT_DATA: FieldDef = FieldDef::bytes("tls.segment.data", "TLS segment data")
    .desc("Decrypted data of this record that belongs to a message completed in a later record.");

pub static FIELDS: &[Field] = &[
    &TLS, &RECORD, &CONTENT_TYPE, &OPAQUE_TYPE, &RECORD_VERSION, &RECORD_LENGTH, &APP_DATA, &CHANGE_CIPHER_SPEC,
    &ALERT, &ALERT_LEVEL, &ALERT_DESC, &HANDSHAKE, &HS_TYPE, &HS_LENGTH, &HS_VERSION, &RANDOM, &RANDOM_TIME,
    &RANDOM_BYTES, &SESSION_ID_LENGTH, &SESSION_ID, &CIPHER_SUITES_LENGTH, &CIPHER_SUITES_LIST, &CIPHER_SUITE,
    &COMP_METHODS_LENGTH, &COMP_METHODS, &COMP_METHOD, &EXTENSIONS_LENGTH, &EXT_TYPE, &EXT_LEN, &EXT_DATA,
    &SNI_LIST_LEN, &SNI_TYPE, &SNI_LEN, &SNI, &GROUPS_LENGTH, &GROUPS_LIST, &GROUP, &POINT_FORMATS_LENGTH,
    &POINT_FORMATS, &POINT_FORMAT, &ALPN_LEN, &ALPN_LIST, &ALPN_STR_LEN, &ALPN_STR, &RENEG_LEN, &RENEG_INFO,
    &KEY_SHARE_CLIENT_LENGTH, &KEY_SHARE_GROUP, &KEY_SHARE_KE_LENGTH, &KEY_SHARE_KE, &KEY_SHARE_SELECTED,
    &VERSIONS_LEN, &SUPPORTED_VERSION, &PSK_MODES_LENGTH, &PSK_MODE, &PADDING, &RECORD_SIZE_LIMIT, &SIG_ALGS_LEN,
    &SIG_ALGS, &SIG_ALG, &SIG_HASH, &SIG_SIG, &CERTIFICATES_LENGTH, &CERTIFICATES, &CERTIFICATE_LENGTH,
    &CERTIFICATE, &CERT_CONTEXT_LENGTH, &CURVE_TYPE, &NAMED_CURVE, &SERVER_POINT_LEN, &SERVER_POINT,
    &CLIENT_POINT_LEN, &CLIENT_POINT, &EPMS_LEN, &EPMS, &SIG_LEN, &SIG, &TICKET_LIFETIME, &TICKET_AGE_ADD,
    &TICKET_NONCE_LENGTH, &TICKET_NONCE, &TICKET_LENGTH, &TICKET, &JA3_FULL, &JA3, &JA3S_FULL, &JA3S,
    &APP_DATA_PROTO, &VERIFY_DATA, &CERT_VERIFY_SIG_LEN, &CERT_VERIFY_SIG, &SEGMENTS, &SEGMENT, &SEGMENT_COUNT,
    &REASSEMBLED_LENGTH, &REASSEMBLED_DATA, &SEGMENT_DATA,
];
