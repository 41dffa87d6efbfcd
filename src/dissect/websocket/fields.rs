//! WebSocket's fields, with Wireshark's names.

use crate::field::{Field, FieldDef, FieldType, TRUE_FALSE};

pub static WEBSOCKET: FieldDef = FieldDef::new("websocket", "WebSocket", FieldType::Protocol)
    .desc("A WebSocket frame (RFC 6455): a message, or part of one, on a connection upgraded from HTTP");
pub static FIN: FieldDef = FieldDef::new("websocket.fin", "Fin", FieldType::Bool)
    .strings(TRUE_FALSE)
    .bit(8, 0x80)
    .desc("Set on the last frame of a message; a message sent in fragments clears it on the others");
pub static RSV: FieldDef = FieldDef::u8("websocket.rsv", "Reserved")
    .base(crate::field::Base::Hex)
    .mask(0x70)
    .desc("Three bits an extension may use (permessage-deflate uses the first); zero otherwise");
pub static PMC: FieldDef = FieldDef::new("websocket.pmc", "Per-Message Compressed", FieldType::Bool)
    .strings(TRUE_FALSE)
    .bit(8, 0x40)
    .desc("With permessage-deflate negotiated: the message's payload is compressed (RFC 7692)");
pub static OPCODE: FieldDef = FieldDef::u8("websocket.opcode", "Opcode")
    .mask(0x0f)
    .strings(OPCODES)
    .desc("What the frame carries: a text or binary message, its continuation, or a control frame (close, ping, pong)");
pub static MASK: FieldDef = FieldDef::new("websocket.mask", "Mask", FieldType::Bool)
    .strings(TRUE_FALSE)
    .bit(8, 0x80)
    .desc("Whether the payload is masked: a client masks every frame it sends, a server none");
pub static PAYLOAD_LENGTH: FieldDef = FieldDef::u8("websocket.payload_length", "Payload length")
    .mask(0x7f)
    .desc("The payload's length, or 126 and 127 for a 16- or 64-bit length that follows");
pub static PAYLOAD_LENGTH_16: FieldDef = FieldDef::u16("websocket.payload_length_ext_16", "Extended Payload length (16 bits)")
    .desc("The payload's length when 126 to 65535 bytes");
pub static PAYLOAD_LENGTH_64: FieldDef =
    FieldDef::new("websocket.payload_length_ext_64", "Extended Payload length (64 bits)", FieldType::U64)
        .desc("The payload's length when 65536 bytes or more");
pub static MASKING_KEY: FieldDef = FieldDef::bytes("websocket.masking_key", "Masking-Key")
    .desc("Four random bytes the client XORs with its payload, so that a proxy cannot be fooled into caching it");
pub static PAYLOAD: FieldDef = FieldDef::none("websocket.payload", "Payload").desc("The payload, unmasked");
pub static MASKED_PAYLOAD: FieldDef =
    FieldDef::none("websocket.masked_payload", "Masked payload").desc("The payload as sent, masked");
pub static CONTINUE: FieldDef = FieldDef::bytes("websocket.payload.continue", "Continue")
    .desc("A middle fragment of a message sent in several frames");
pub static TEXT: FieldDef =
    FieldDef::string("websocket.payload.text", "Text").desc("The payload of a text message (UTF-8)");
pub static CLOSE: FieldDef = FieldDef::none("websocket.payload.close", "Close")
    .desc("The body of a close frame: a status code and a reason, both optional");
pub static CLOSE_STATUS: FieldDef = FieldDef::u16("websocket.payload.close.status_code", "Status code")
    .strings(CLOSE_CODES)
    .desc("Why the connection closes (RFC 6455 section 7.4.1: 1000 normal, 1001 going away, ...)");
pub static CLOSE_REASON: FieldDef =
    FieldDef::string("websocket.payload.close.reason", "Reason").desc("The closing side's reason, in words");
pub static PING: FieldDef = FieldDef::bytes("websocket.payload.ping", "Ping")
    .desc("The data of a ping, which the other side sends back in a pong");
pub static PONG: FieldDef =
    FieldDef::bytes("websocket.payload.pong", "Pong").desc("The data of a pong: a ping's data sent back");
pub static UNKNOWN: FieldDef = FieldDef::bytes("websocket.payload.unknown", "Unknown")
    .desc("The payload of a frame whose opcode RFC 6455 reserves");
pub static UNKNOWN_EXPERT: FieldDef =
    FieldDef::none("websocket.payload.unknown.expert", "Dissector for Websocket Opcode")
        .desc("Expert note: a frame with a reserved opcode");
pub static DECOMPRESSION_FAILED: FieldDef =
    FieldDef::none("websocket.decompression.failed.expert", "Decompression failed")
        .desc("Expert warning: a compressed payload could not be inflated");

pub static FRAGMENTS: FieldDef = FieldDef::none("websocket.fragments", "Reassembled websocket Fragments")
    .desc("The frames whose payloads make up a message sent in fragments");
pub static FRAGMENT: FieldDef = FieldDef::new("websocket.fragment", "Websocket Fragment", FieldType::FrameNum)
    .desc("A frame carrying one fragment of the message");
pub static FRAGMENT_COUNT: FieldDef =
    FieldDef::u32("websocket.fragment.count", "Fragment count").desc("How many fragments the message was sent in");
pub static REASSEMBLED_LENGTH: FieldDef =
    FieldDef::u32("websocket.reassembled.length", "Reassembled websocket Payload length")
        .desc("The total length of the reassembled payload");

pub static FIELDS: &[Field] = &[
    &WEBSOCKET, &FIN, &RSV, &PMC, &OPCODE, &MASK, &PAYLOAD_LENGTH, &PAYLOAD_LENGTH_16, &PAYLOAD_LENGTH_64,
    &MASKING_KEY, &PAYLOAD, &MASKED_PAYLOAD, &CONTINUE, &TEXT, &CLOSE, &CLOSE_STATUS, &CLOSE_REASON, &PING, &PONG,
    &UNKNOWN, &UNKNOWN_EXPERT, &DECOMPRESSION_FAILED, &FRAGMENTS, &FRAGMENT, &FRAGMENT_COUNT, &REASSEMBLED_LENGTH,
];

pub const OPCODES: &[(u64, &str)] = &[
    (0, "Continuation"),
    (1, "Text"),
    (2, "Binary"),
    (8, "Connection Close"),
    (9, "Ping"),
    (10, "Pong"),
];

const CLOSE_CODES: &[(u64, &str)] = &[
    (1000, "Normal Closure"),
    (1001, "Going Away"),
    (1002, "Protocol error"),
    (1003, "Unsupported Data"),
    (1004, "---Reserved----"),
    (1005, "No Status Rcvd"),
    (1006, "Abnormal Closure"),
    (1007, "Invalid frame payload data"),
    (1008, "Policy Violation"),
    (1009, "Message Too Big"),
    (1010, "Mandatory Ext."),
    (1011, "Internal Server"),
    (1015, "TLS handshake"),
];
