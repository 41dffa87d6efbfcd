//! QPACK's fields in the HTTP/3 layer, with Wireshark 4.2's filter names
//! (packet-http3.c built with nghttp3): the decoded headers, a blocked
//! section, the encoder stream's instructions, and the headers Wireshark
//! gives fields of their own.

use crate::field::{Field, FieldDef, FieldType};

pub static HEADER_LENGTH: FieldDef = FieldDef::u32("http3.headers.header.length", "Header Length")
    .desc("Size of a HEADERS frame's decompressed fields: each name and value with a 4-byte length before it.");
pub static HEADERS_COUNT: FieldDef = FieldDef::u32("http3.headers.count", "Headers Count")
    .desc("How many field lines a HEADERS frame's QPACK field section decoded to.");
pub static HEADER: FieldDef = FieldDef::none("http3.headers.header", "Header")
    .desc("One decoded field line (header) of a HEADERS frame; it covers the line's encoded bytes.");
pub static NAME_LENGTH: FieldDef = FieldDef::u32("http3.headers.header.name.length", "Name Length")
    .desc("Length of the decoded header's name.");
// Wireshark registers the name as "http3.header.header.name" (sic).
pub static NAME: FieldDef = FieldDef::string("http3.header.header.name", "Name")
    .desc("The decoded header's name.");
pub static VALUE_LENGTH: FieldDef = FieldDef::u32("http3.headers.header.value.length", "Value Length")
    .desc("Length of the decoded header's value.");
pub static VALUE: FieldDef = FieldDef::string("http3.headers.header.value", "Value")
    .desc("The decoded header's value.");
pub static FULL_URI: FieldDef = FieldDef::string("http3.request.full_uri", "Full request URI")
    .desc("The full requested URI (scheme, authority and path of the request's pseudo-headers).");
pub static BLOCKED: FieldDef =
    FieldDef::new("http3.header.qpack.blocked", "HEADERS head-of-line-blocked on QPACK encoder stream", FieldType::Bool)
        .desc("The field section needs dynamic table entries the encoder stream had not inserted yet.");
pub static BLOCKED_RICNT: FieldDef = FieldDef::u32("http3.header.qpack.blocked.rcint", "Required instruction count")
    .desc("The blocked section's Required Insert Count.");
pub static BLOCKED_ICNT: FieldDef = FieldDef::u32("http3.header.qpack.blocked.wcint", "Available instruction count")
    .desc("Entries the encoder stream had inserted when the blocked section arrived.");
pub static DECODING_FAILED: FieldDef =
    FieldDef::none("http3.expert.header_decoding.failed", "Failed to decode HTTP3 header name/value")
        .desc("Expert note: the QPACK field section is invalid.");
pub static DECODING_BLOCKED: FieldDef =
    FieldDef::none("http3.expert.header_decoding.blocked", "Failed to decode HTTP3 header name/value (blocked on QPACK)")
        .desc("Expert note: the QPACK field section is blocked on the encoder stream.");
pub static ENCODER: FieldDef = FieldDef::bytes("http3.qpack.encoder", "QPACK encoder")
    .desc("The QPACK encoder stream's instructions in this STREAM frame.");
pub static ICNT: FieldDef = FieldDef::new("http3.qpack.encoder.icnt", "QPACK encoder instruction count", FieldType::U64)
    .desc("Dynamic table entries the encoder stream has inserted up to here.");
pub static ICNT_INC: FieldDef = FieldDef::u32("http3.qpack.encoder.icnt.inc", "QPACK encoder instruction count increment")
    .desc("Dynamic table entries inserted by this part of the encoder stream.");
pub static INSERT_INDEXED: FieldDef =
    FieldDef::bytes("http3.qpack.encoder.opcode.insert_indexed", "Insert with Name Reference")
        .desc("Encoder instruction: insert an entry whose name is a table entry's.");
pub static INSERT_INDEXED_REF: FieldDef = FieldDef::bytes("http3.qpack.encoder.opcode.insert_indexed.ref", "Name Reference")
    .desc("The table entry whose name the inserted entry takes.");
pub static INSERT_INDEXED_VAL: FieldDef = FieldDef::bytes("http3.qpack.encoder.opcode.insert_indexed.val", "Value")
    .desc("The inserted entry's value.");
pub static INSERT_INDEXED_HVAL: FieldDef =
    FieldDef::bytes("http3.qpack.encoder.opcode.insert_indexed.hval", "Value (Huffman)")
        .desc("The inserted entry's value, Huffman-coded.");
pub static INSERT: FieldDef = FieldDef::bytes("http3.qpack.encoder.opcode.insert", "Insert with Literal Name")
    .desc("Encoder instruction: insert an entry with a literal name.");
pub static INSERT_NAME: FieldDef = FieldDef::bytes("http3.qpack.encoder.opcode.insert.name", "Literal Name")
    .desc("The inserted entry's name.");
pub static INSERT_HNAME: FieldDef = FieldDef::bytes("http3.qpack.encoder.opcode.insert.hname", "Literal Name (Huffman)")
    .desc("The inserted entry's name, Huffman-coded.");
pub static INSERT_VAL: FieldDef = FieldDef::bytes("http3.qpack.encoder.opcode.insert.val", "Value")
    .desc("The inserted entry's value.");
pub static INSERT_HVAL: FieldDef = FieldDef::bytes("http3.qpack.encoder.opcode.insert.hval", "Value (Huffman)")
    .desc("The inserted entry's value, Huffman-coded.");
pub static DUPLICATE: FieldDef = FieldDef::bytes("http3.qpack.encoder.opcode.duplicate", "Duplicate")
    .desc("Encoder instruction: insert a copy of an entry.");
pub static DTABLE_CAP: FieldDef = FieldDef::bytes("http3.qpack.encoder.opcode.dtable_cap", "Set Dynamic Table Capacity")
    .desc("Encoder instruction: set the dynamic table's capacity.");
pub static DTABLE_CAP_VAL: FieldDef =
    FieldDef::new("http3.qpack.encoder.opcode.dtable_cap.val", "Capacity", FieldType::U64)
        .desc("The dynamic table's new capacity in bytes.");

/// Declares the header fields Wireshark names, as statics and a table from
/// header name to field.
macro_rules! named {
    ($($id:ident $ty:ident $header:literal $filter:literal;)*) => {
        $(static $id: FieldDef = FieldDef::new($filter, $header, FieldType::$ty)
            .desc(concat!("The value of the `", $header, "` header of a HEADERS frame."));)*
        pub(super) static NAMED: &[(&str, Field)] = &[$(($header, &$id)),*];
        /// The named header fields, registered beside `FIELDS`.
        pub static NAMED_FIELDS: &[Field] = &[$(&$id),*];
    };
}

named! {
    H_AUTHORITY String ":authority" "http3.headers.authority";
    H_STATUS U16 ":status" "http3.headers.status";
    H_PATH String ":path" "http3.headers.path";
    H_METHOD String ":method" "http3.headers.method";
    H_SCHEME String ":scheme" "http3.headers.scheme";
    H_ACCEPT String "accept" "http3.headers.accept";
    H_ACCEPT_CHARSET String "accept-charset" "http3.headers.accept_charset";
    H_ACCEPT_ENCODING String "accept-encoding" "http3.headers.accept_encoding";
    H_ACCEPT_LANGUAGE String "accept-language" "http3.headers.accept_language";
    H_ACCEPT_RANGES String "accept-ranges" "http3.headers.accept_ranges";
    H_ACAO String "access-control-allow-origin" "http3.headers.access_control_allow_origin";
    H_AGE U64 "age" "http3.headers.age";
    H_ALLOW String "allow" "http3.headers.allow";
    H_AUTHORIZATION String "authorization" "http3.headers.authorization";
    H_CACHE_CONTROL String "cache-control" "http3.headers.cache_control";
    H_CONTENT_DISPOSITION String "content-disposition" "http3.headers.content_disposition";
    H_CONTENT_ENCODING String "content-encoding" "http3.headers.content_encoding";
    H_CONTENT_LANGUAGE String "content-language" "http3.headers.content_language";
    H_CONTENT_LENGTH U64 "content-length" "http3.headers.content_length";
    H_CONTENT_LOCATION String "content-location" "http3.headers.content_location";
    H_CONTENT_RANGE String "content-range" "http3.headers.content_range";
    H_CONTENT_TYPE String "content-type" "http3.headers.content_type";
    H_COOKIE String "cookie" "http3.headers.cookie";
    H_DATE String "date" "http3.headers.date";
    H_ETAG String "etag" "http3.headers.etag";
    H_EXPECT String "expect" "http3.headers.expect";
    H_EXPIRES String "expires" "http3.headers.expires";
    H_FROM String "from" "http3.headers.from";
    H_IF_MATCH String "if-match" "http3.headers.if_match";
    H_IF_MODIFIED_SINCE String "if-modified-since" "http3.headers.if_modified_since";
    H_IF_NONE_MATCH String "if-none-match" "http3.headers.if_none_match";
    H_IF_RANGE String "if-range" "http3.headers.if_range";
    H_IF_UNMODIFIED_SINCE String "if-unmodified-since" "http3.headers.if_unmodified_since";
    H_LAST_MODIFIED String "last-modified" "http3.headers.last_modified";
    H_LINK String "link" "http3.headers.link";
    H_LOCATION String "location" "http3.headers.location";
    H_MAX_FORWARDS U64 "max-forwards" "http3.headers.max_forwards";
    H_PROXY_AUTHENTICATE String "proxy-authenticate" "http3.headers.proxy_authenticate";
    H_PROXY_AUTHORIZATION String "proxy-authorization" "http3.headers.proxy_authorization";
    H_RANGE String "range" "http3.headers.range";
    H_REFERER String "referer" "http3.headers.referer";
    H_REFRESH String "refresh" "http3.headers.refresh";
    H_RETRY_AFTER String "retry-after" "http3.headers.retry_after";
    H_SERVER String "server" "http3.headers.server";
    H_SET_COOKIE String "set-cookie" "http3.headers.set_cookie";
    H_HSTS String "strict-transport-security" "http3.headers.strict_transport_security";
    H_USER_AGENT String "user-agent" "http3.headers.user_agent";
    H_VARY String "vary" "http3.headers.vary";
    H_VIA String "via" "http3.headers.via";
    H_WWW_AUTHENTICATE String "www-authenticate" "http3.headers.www_authenticate";
}

pub static FIELDS: &[Field] = &[
    &HEADER_LENGTH, &HEADERS_COUNT, &HEADER, &NAME_LENGTH, &NAME, &VALUE_LENGTH, &VALUE, &FULL_URI, &BLOCKED,
    &BLOCKED_RICNT, &BLOCKED_ICNT, &DECODING_FAILED, &DECODING_BLOCKED, &ENCODER, &ICNT, &ICNT_INC, &INSERT_INDEXED,
    &INSERT_INDEXED_REF, &INSERT_INDEXED_VAL, &INSERT_INDEXED_HVAL, &INSERT, &INSERT_NAME, &INSERT_HNAME, &INSERT_VAL,
    &INSERT_HVAL, &DUPLICATE, &DTABLE_CAP, &DTABLE_CAP_VAL,
];

