//! TLS fields, with Wireshark's filter names, display names and types.

use super::names::*;
use crate::field::{Base, Field, FieldDef, FieldType};

/// Not a brief field: a record's first segment carries TLS's empty layer on
/// the first pass only (as in tshark), so a load-time record would disagree
/// with a later dissection of the frame.
pub static TLS: FieldDef = FieldDef::new("tls", "Transport Layer Security", FieldType::Protocol);
pub static RECORD: FieldDef = FieldDef::none("tls.record", "Record Layer");
pub static CONTENT_TYPE: FieldDef = FieldDef::u8("tls.record.content_type", "Content Type").strings(CONTENT_TYPES);
pub static OPAQUE_TYPE: FieldDef = FieldDef::u8("tls.record.opaque_type", "Opaque Type").strings(CONTENT_TYPES);
pub static RECORD_VERSION: FieldDef = FieldDef::u16("tls.record.version", "Version").base(Base::Hex).strings(VERSIONS);
pub static RECORD_LENGTH: FieldDef = FieldDef::u16("tls.record.length", "Length");
pub static APP_DATA: FieldDef = FieldDef::bytes("tls.app_data", "Encrypted Application Data");
pub static CHANGE_CIPHER_SPEC: FieldDef = FieldDef::none("tls.change_cipher_spec", "Change Cipher Spec Message");
pub static ALERT: FieldDef = FieldDef::none("tls.alert_message", "Alert Message");
pub static ALERT_LEVEL: FieldDef = FieldDef::u8("tls.alert_message.level", "Level").strings(ALERT_LEVELS);
pub static ALERT_DESC: FieldDef = FieldDef::u8("tls.alert_message.desc", "Description").strings(ALERT_DESCRIPTIONS);

pub static HANDSHAKE: FieldDef = FieldDef::none("tls.handshake", "Handshake Protocol");
pub static HS_TYPE: FieldDef = FieldDef::u8("tls.handshake.type", "Handshake Type").strings(HANDSHAKE_TYPES);
pub static HS_LENGTH: FieldDef = FieldDef::u24("tls.handshake.length", "Length");
pub static HS_VERSION: FieldDef = FieldDef::u16("tls.handshake.version", "Version").base(Base::Hex).strings(VERSIONS);
pub static RANDOM: FieldDef = FieldDef::bytes("tls.handshake.random", "Random");
pub static RANDOM_TIME: FieldDef = FieldDef::new("tls.handshake.random_time", "GMT Unix Time", FieldType::AbsTime);
pub static RANDOM_BYTES: FieldDef = FieldDef::bytes("tls.handshake.random_bytes", "Random Bytes");
/// Wireshark declares it 16-bit though the wire has one byte.
pub static SESSION_ID_LENGTH: FieldDef = FieldDef::u16("tls.handshake.session_id_length", "Session ID Length");
pub static SESSION_ID: FieldDef = FieldDef::bytes("tls.handshake.session_id", "Session ID");
pub static CIPHER_SUITES_LENGTH: FieldDef = FieldDef::u16("tls.handshake.cipher_suites_length", "Cipher Suites Length");
pub static CIPHER_SUITES_LIST: FieldDef = FieldDef::none("tls.handshake.ciphersuites", "Cipher Suites");
pub static CIPHER_SUITE: FieldDef =
    FieldDef::u16("tls.handshake.ciphersuite", "Cipher Suite").base(Base::Hex).strings(CIPHER_SUITES);
pub static COMP_METHODS_LENGTH: FieldDef = FieldDef::u8("tls.handshake.comp_methods_length", "Compression Methods Length");
pub static COMP_METHODS: FieldDef = FieldDef::none("tls.handshake.comp_methods", "Compression Methods");
pub static COMP_METHOD: FieldDef = FieldDef::u8("tls.handshake.comp_method", "Compression Method").strings(COMPRESSION_METHODS);
pub static EXTENSIONS_LENGTH: FieldDef = FieldDef::u16("tls.handshake.extensions_length", "Extensions Length");
pub static EXT_TYPE: FieldDef = FieldDef::u16("tls.handshake.extension.type", "Type").strings(EXTENSIONS);
pub static EXT_LEN: FieldDef = FieldDef::u16("tls.handshake.extension.len", "Length");
pub static EXT_DATA: FieldDef = FieldDef::bytes("tls.handshake.extension.data", "Data");

pub static SNI_LIST_LEN: FieldDef = FieldDef::u16("tls.handshake.extensions_server_name_list_len", "Server Name list length");
pub static SNI_TYPE: FieldDef =
    FieldDef::u8("tls.handshake.extensions_server_name_type", "Server Name Type").strings(SERVER_NAME_TYPES);
pub static SNI_LEN: FieldDef = FieldDef::u16("tls.handshake.extensions_server_name_len", "Server Name length");
pub static SNI: FieldDef = FieldDef::string("tls.handshake.extensions_server_name", "Server Name");
pub static GROUPS_LENGTH: FieldDef =
    FieldDef::u16("tls.handshake.extensions_supported_groups_length", "Supported Groups List Length");
pub static GROUPS_LIST: FieldDef = FieldDef::none("tls.handshake.extensions_supported_groups", "Supported Groups List");
pub static GROUP: FieldDef =
    FieldDef::u16("tls.handshake.extensions_supported_group", "Supported Group").base(Base::Hex).strings(GROUPS);
pub static POINT_FORMATS_LENGTH: FieldDef =
    FieldDef::u8("tls.handshake.extensions_ec_point_formats_length", "EC point formats Length");
pub static POINT_FORMATS: FieldDef = FieldDef::none("tls.handshake.extensions_ec_point_formats", "EC point formats");
pub static POINT_FORMAT: FieldDef =
    FieldDef::u8("tls.handshake.extensions_ec_point_format", "EC point format").strings(EC_POINT_FORMATS);
pub static ALPN_LEN: FieldDef = FieldDef::u16("tls.handshake.extensions_alpn_len", "ALPN Extension Length");
pub static ALPN_LIST: FieldDef = FieldDef::none("tls.handshake.extensions_alpn_list", "ALPN Protocol");
pub static ALPN_STR_LEN: FieldDef = FieldDef::u8("tls.handshake.extensions_alpn_str_len", "ALPN string length");
pub static ALPN_STR: FieldDef = FieldDef::string("tls.handshake.extensions_alpn_str", "ALPN Next Protocol");
pub static RENEG_LEN: FieldDef =
    FieldDef::u8("tls.handshake.extensions_reneg_info_len", "Renegotiation info extension length");
pub static RENEG_INFO: FieldDef = FieldDef::bytes("tls.handshake.extensions_reneg_info", "Renegotiation info");
pub static KEY_SHARE_CLIENT_LENGTH: FieldDef =
    FieldDef::u16("tls.handshake.extensions_key_share_client_length", "Client Key Share Length");
pub static KEY_SHARE_GROUP: FieldDef = FieldDef::u16("tls.handshake.extensions_key_share_group", "Group").strings(GROUPS);
pub static KEY_SHARE_KE_LENGTH: FieldDef =
    FieldDef::u16("tls.handshake.extensions_key_share_key_exchange_length", "Key Exchange Length");
pub static KEY_SHARE_KE: FieldDef = FieldDef::bytes("tls.handshake.extensions_key_share_key_exchange", "Key Exchange");
pub static KEY_SHARE_SELECTED: FieldDef =
    FieldDef::u16("tls.handshake.extensions_key_share_selected_group", "Selected Group").strings(GROUPS);
pub static VERSIONS_LEN: FieldDef =
    FieldDef::u8("tls.handshake.extensions.supported_versions_len", "Supported Versions length");
pub static SUPPORTED_VERSION: FieldDef =
    FieldDef::u16("tls.handshake.extensions.supported_version", "Supported Version").base(Base::Hex).strings(VERSIONS);
pub static PSK_MODES_LENGTH: FieldDef = FieldDef::u8("tls.extension.psk_ke_modes_length", "PSK Key Exchange Modes Length");
pub static PSK_MODE: FieldDef = FieldDef::u8("tls.extension.psk_ke_mode", "PSK Key Exchange Mode").strings(PSK_KE_MODES);
pub static PADDING: FieldDef = FieldDef::bytes("tls.handshake.extensions_padding_data", "Padding Data");
pub static RECORD_SIZE_LIMIT: FieldDef = FieldDef::u16("tls.record_size_limit", "Record Size Limit");
pub static SIG_ALGS_LEN: FieldDef = FieldDef::u16("tls.handshake.sig_hash_alg_len", "Signature Hash Algorithms Length");
pub static SIG_ALGS: FieldDef = FieldDef::none("tls.handshake.sig_hash_algs", "Signature Algorithms");
pub static SIG_ALG: FieldDef =
    FieldDef::u16("tls.handshake.sig_hash_alg", "Signature Algorithm").base(Base::Hex).strings(SIGNATURE_SCHEMES);
pub static SIG_HASH: FieldDef =
    FieldDef::u8("tls.handshake.sig_hash_hash", "Signature Hash Algorithm Hash").strings(HASH_ALGORITHMS);
pub static SIG_SIG: FieldDef =
    FieldDef::u8("tls.handshake.sig_hash_sig", "Signature Hash Algorithm Signature").strings(SIGNATURE_ALGORITHMS);

pub static CERTIFICATES_LENGTH: FieldDef = FieldDef::u24("tls.handshake.certificates_length", "Certificates Length");
pub static CERTIFICATES: FieldDef = FieldDef::none("tls.handshake.certificates", "Certificates");
pub static CERTIFICATE_LENGTH: FieldDef = FieldDef::u24("tls.handshake.certificate_length", "Certificate Length");
pub static CERTIFICATE: FieldDef = FieldDef::bytes("tls.handshake.certificate", "Certificate");
pub static CERT_CONTEXT_LENGTH: FieldDef =
    FieldDef::u8("tls.handshake.certificate_request_context_length", "Certificate Request Context Length");
pub static CURVE_TYPE: FieldDef = FieldDef::u8("tls.handshake.server_curve_type", "Curve Type").base(Base::Hex);
pub static NAMED_CURVE: FieldDef =
    FieldDef::u16("tls.handshake.server_named_curve", "Named Curve").base(Base::Hex).strings(GROUPS);
pub static SERVER_POINT_LEN: FieldDef = FieldDef::u8("tls.handshake.server_point_len", "Pubkey Length");
pub static SERVER_POINT: FieldDef = FieldDef::bytes("tls.handshake.server_point", "Pubkey");
pub static CLIENT_POINT_LEN: FieldDef = FieldDef::u8("tls.handshake.client_point_len", "Pubkey Length");
pub static CLIENT_POINT: FieldDef = FieldDef::bytes("tls.handshake.client_point", "Pubkey");
pub static EPMS_LEN: FieldDef = FieldDef::u16("tls.handshake.epms_len", "Encrypted PreMaster length");
pub static EPMS: FieldDef = FieldDef::bytes("tls.handshake.epms", "Encrypted PreMaster");
pub static SIG_LEN: FieldDef = FieldDef::u16("tls.handshake.sig_len", "Signature Length");
pub static SIG: FieldDef = FieldDef::bytes("tls.handshake.sig", "Signature");
pub static TICKET_LIFETIME: FieldDef = FieldDef::new(
    "tls.handshake.session_ticket_lifetime_hint",
    "Session Ticket Lifetime Hint",
    FieldType::U32,
);
pub static TICKET_AGE_ADD: FieldDef =
    FieldDef::new("tls.handshake.session_ticket_age_add", "Session Ticket Age Add", FieldType::U32);
pub static TICKET_NONCE_LENGTH: FieldDef =
    FieldDef::u8("tls.handshake.session_ticket_nonce_length", "Session Ticket Nonce Length");
pub static TICKET_NONCE: FieldDef = FieldDef::bytes("tls.handshake.session_ticket_nonce", "Session Ticket Nonce");
pub static TICKET_LENGTH: FieldDef = FieldDef::u16("tls.handshake.session_ticket_length", "Session Ticket Length");
pub static TICKET: FieldDef = FieldDef::bytes("tls.handshake.session_ticket", "Session Ticket");
pub static JA3_FULL: FieldDef = FieldDef::string("tls.handshake.ja3_full", "JA3 Fullstring");
pub static JA3: FieldDef = FieldDef::string("tls.handshake.ja3", "JA3");
pub static JA3S_FULL: FieldDef = FieldDef::string("tls.handshake.ja3s_full", "JA3S Fullstring");
pub static JA3S: FieldDef = FieldDef::string("tls.handshake.ja3s", "JA3S");

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
];
