//! QUIC's fields, with Wireshark 4.0's filter names (`tshark -G fields`, protocol `quic`).

use crate::field::{Base, Field, FieldDef, FieldType, TRUE_FALSE};

pub static QUIC: FieldDef = FieldDef::new("quic", "QUIC IETF", FieldType::Protocol)
    .desc("QUIC (RFC 9000): a transport over UDP, its packets protected by keys TLS 1.3 agrees on (RFC 9001).");
pub static CONNECTION_NUMBER: FieldDef = FieldDef::u32("quic.connection.number", "Connection Number")
    .desc("Which QUIC connection of the capture this packet belongs to, counted from 0 in order of appearance.")
    .capture_wide();
pub static PACKET_LENGTH: FieldDef = FieldDef::u32("quic.packet_length", "Packet Length")
    .desc("Size of this QUIC packet in the datagram (several may share one datagram).");
pub static HEADER_FORM: FieldDef = FieldDef::u8("quic.header_form", "Header Form").mask(0x80)
    .strings(&[(0, "Short Header"), (1, "Long Header")])
    .desc("The first bit: 1 for a long header (handshake packets), 0 for a short header (1-RTT).");
pub static LONG_PACKET_TYPE: FieldDef = FieldDef::u8("quic.long.packet_type", "Packet Type").mask(0x30)
    .strings(&[(0, "Initial"), (1, "0-RTT"), (2, "Handshake"), (3, "Retry")])
    .desc("Long header packet type in QUIC version 1: Initial, 0-RTT, Handshake or Retry.");
pub static LONG_PACKET_TYPE_V2: FieldDef = FieldDef::u8("quic.long.packet_type_v2", "Packet Type").mask(0x30)
    .strings(&[(0, "Retry"), (1, "Initial"), (2, "0-RTT"), (3, "Handshake")])
    .desc("Long header packet type in QUIC version 2 (RFC 9369), which renumbers them.");
pub static LONG_RESERVED: FieldDef = FieldDef::u8("quic.long.reserved", "Reserved").mask(0x0c)
    .desc("Reserved bits of a long header, readable once header protection is removed; must be 0.");
pub static PN_LENGTH: FieldDef = FieldDef::u8("quic.packet_number_length", "Packet Number Length").mask(0x03)
    .strings(&[(0, "1 bytes"), (1, "2 bytes"), (2, "3 bytes"), (3, "4 bytes")])
    .desc("Length of the packet number field minus one, readable once header protection is removed.");
pub static DCID: FieldDef = FieldDef::bytes("quic.dcid", "Destination Connection ID")
    .desc("The connection ID the receiver chose: how it finds the connection.");
pub static SCID: FieldDef = FieldDef::bytes("quic.scid", "Source Connection ID")
    .desc("The connection ID the sender chose for packets sent to it (long headers only).");
pub static DCIL: FieldDef = FieldDef::u8("quic.dcil", "Destination Connection ID Length")
    .desc("Length in bytes of the Destination Connection ID (0 to 20).");
pub static SCIL: FieldDef = FieldDef::u8("quic.scil", "Source Connection ID Length")
    .desc("Length in bytes of the Source Connection ID (0 to 20).");
pub static TOKEN_LENGTH: FieldDef = FieldDef::new("quic.token_length", "Token Length", FieldType::U64)
    .desc("Length of an Initial packet's token (a variable-length integer).");
pub static TOKEN: FieldDef = FieldDef::bytes("quic.token", "Token")
    .desc("The token a client repeats from a Retry or a NEW_TOKEN frame to prove its address.");
pub static LENGTH: FieldDef = FieldDef::new("quic.length", "Length", FieldType::U64)
    .desc("Length of the packet number and the payload of a long header packet.");
pub static PACKET_NUMBER: FieldDef = FieldDef::new("quic.packet_number", "Packet Number", FieldType::U64)
    .desc("The packet number, decoded to its full value from the truncated one on the wire.");
pub static VERSION: FieldDef = FieldDef::u32("quic.version", "Version").base(Base::Hex).strings(VERSIONS)
    .desc("QUIC version of a long header packet (1, 2, a draft); 0 in a Version Negotiation packet.");
pub static SUPPORTED_VERSION: FieldDef =
    FieldDef::u32("quic.supported_version", "Supported Version").base(Base::Hex).strings(VERSIONS)
        .desc("A version the server of a Version Negotiation packet supports.");
pub static VN_UNUSED: FieldDef = FieldDef::u8("quic.vn.unused", "Unused").base(Base::Hex).mask(0x7f)
    .desc("The bits of a Version Negotiation packet's first byte that carry no meaning.");
pub static SHORT: FieldDef = FieldDef::none("quic.short", "QUIC Short Header")
    .desc("A short header (1-RTT packet): first byte, Destination Connection ID and packet number.");
pub static FIXED_BIT: FieldDef = FieldDef::new("quic.fixed_bit", "Fixed Bit", FieldType::Bool).bit(8, 0x40)
    .strings(TRUE_FALSE)
    .desc("The second bit, set to 1 in every QUIC version 1 packet except Version Negotiation.");
pub static SPIN_BIT: FieldDef = FieldDef::new("quic.spin_bit", "Spin Bit", FieldType::Bool).bit(8, 0x20)
    .strings(TRUE_FALSE)
    .desc("Latency spin bit of a short header: it flips once per round trip, for passive RTT measurement.");
pub static SHORT_RESERVED: FieldDef = FieldDef::u8("quic.short.reserved", "Reserved").mask(0x18)
    .desc("Reserved bits of a short header, readable once header protection is removed; must be 0.");
pub static KEY_PHASE: FieldDef = FieldDef::new("quic.key_phase", "Key Phase Bit", FieldType::Bool).bit(8, 0x04)
    .strings(TRUE_FALSE)
    .desc("Which generation of 1-RTT keys protects the packet (flips at each key update).");
pub static PAYLOAD: FieldDef = FieldDef::bytes("quic.payload", "Payload")
    .desc("The encrypted payload of a long header packet, with its authentication tag.");
pub static PROTECTED_PAYLOAD: FieldDef = FieldDef::bytes("quic.protected_payload", "Protected Payload")
    .desc("The encrypted payload of a 1-RTT packet, with its authentication tag.");
pub static REMAINING_PAYLOAD: FieldDef = FieldDef::bytes("quic.remaining_payload", "Remaining Payload")
    .desc("Bytes of a packet that could not be decrypted: the protected packet number and payload.");
pub static RETRY_TOKEN: FieldDef = FieldDef::bytes("quic.retry_token", "Retry Token")
    .desc("The token a Retry gives the client to repeat in its next Initial packet.");
pub static RETRY_INTEGRITY_TAG: FieldDef = FieldDef::bytes("quic.retry_integrity_tag", "Retry Integrity Tag")
    .desc("AES-128-GCM tag over the Retry and the client's original Destination Connection ID (RFC 9001 5.8).");
pub static FRAME: FieldDef = FieldDef::none("quic.frame", "Frame")
    .desc("One frame of a decrypted packet's payload.");
/// Wireshark's base is hex, but tshark prints a 64-bit number's value in
/// decimal: the tree label is written out (`frames::frame_type`).
pub static FRAME_TYPE: FieldDef = FieldDef::new("quic.frame_type", "Frame Type", FieldType::U64).strings(FRAME_TYPES)
    .desc("The frame's type (a variable-length integer).");
pub static PADDING_LENGTH: FieldDef = FieldDef::u32("quic.padding_length", "Padding Length")
    .desc("How many PADDING frames (zero bytes) follow one another.");
pub static ACK_LARGEST: FieldDef = FieldDef::new("quic.ack.largest_acknowledged", "Largest Acknowledged", FieldType::U64)
    .desc("Largest packet number the peer acknowledges in this ACK frame.");
pub static ACK_DELAY: FieldDef = FieldDef::new("quic.ack.ack_delay", "ACK Delay", FieldType::U64)
    .desc("Time between receiving the largest acknowledged packet and sending the ACK, scaled by ack_delay_exponent.");
pub static ACK_RANGE_COUNT: FieldDef = FieldDef::new("quic.ack.ack_range_count", "ACK Range Count", FieldType::U64)
    .desc("Number of Gap and ACK Range pairs after the first range.");
pub static ACK_FIRST_RANGE: FieldDef = FieldDef::new("quic.ack.first_ack_range", "First ACK Range", FieldType::U64)
    .desc("Number of packets acknowledged just below the largest acknowledged one.");
pub static ACK_GAP: FieldDef = FieldDef::new("quic.ack.gap", "Gap", FieldType::U64)
    .desc("Number of unacknowledged packets below the previous range, minus one.");
pub static ACK_RANGE: FieldDef = FieldDef::new("quic.ack.ack_range", "ACK Range", FieldType::U64)
    .desc("Number of acknowledged packets below the gap, minus one.");
pub static ACK_ECT0: FieldDef = FieldDef::new("quic.ack.ect0_count", "ECT(0) Count", FieldType::U64)
    .desc("Packets received with the ECT(0) codepoint (ACK frames of type 0x03).");
pub static ACK_ECT1: FieldDef = FieldDef::new("quic.ack.ect1_count", "ECT(1) Count", FieldType::U64)
    .desc("Packets received with the ECT(1) codepoint (ACK frames of type 0x03).");
pub static ACK_ECN_CE: FieldDef = FieldDef::new("quic.ack.ecn_ce_count", "ECN-CE Count", FieldType::U64)
    .desc("Packets received with the CE (congestion experienced) codepoint (ACK frames of type 0x03).");
pub static RSTS_STREAM_ID: FieldDef = FieldDef::new("quic.rsts.stream_id", "Stream ID", FieldType::U64)
    .desc("The stream a RESET_STREAM frame abandons.");
pub static RSTS_ERROR: FieldDef =
    FieldDef::new("quic.rsts.application_error_code", "Application Error code", FieldType::U64)
        .desc("The application's reason for resetting the stream.");
pub static RSTS_FINAL_SIZE: FieldDef = FieldDef::new("quic.rsts.final_size", "Final Size", FieldType::U64)
    .desc("How many bytes the sender had sent on the stream it resets.");
pub static SS_STREAM_ID: FieldDef = FieldDef::new("quic.ss.stream_id", "Stream ID", FieldType::U64)
    .desc("The stream a STOP_SENDING frame asks the peer to stop sending on.");
pub static SS_ERROR: FieldDef = FieldDef::new("quic.ss.application_error_code", "Application Error code", FieldType::U64)
    .desc("The application's reason for ignoring the stream.");
pub static CRYPTO_OFFSET: FieldDef = FieldDef::new("quic.crypto.offset", "Offset", FieldType::U64)
    .desc("Where the CRYPTO frame's data starts in its encryption level's TLS handshake stream.");
pub static CRYPTO_LENGTH: FieldDef = FieldDef::new("quic.crypto.length", "Length", FieldType::U64)
    .desc("How many bytes of TLS handshake data the CRYPTO frame carries.");
pub static CRYPTO_DATA: FieldDef = FieldDef::none("quic.crypto.crypto_data", "Crypto Data")
    .desc("The TLS handshake bytes of a CRYPTO frame.");
pub static NT_LENGTH: FieldDef = FieldDef::new("quic.nt.length", "(Token) Length", FieldType::U64)
    .desc("Length of a NEW_TOKEN frame's token.");
pub static NT_TOKEN: FieldDef = FieldDef::bytes("quic.nt.token", "Token")
    .desc("A token the server gives the client for the Initial packets of a later connection.");
pub static STREAM_FIN: FieldDef = FieldDef::new("quic.stream.fin", "Fin", FieldType::Bool).bit(8, 0x01)
    .strings(TRUE_FALSE)
    .desc("The STREAM frame ends its stream.");
pub static STREAM_LEN: FieldDef = FieldDef::new("quic.stream.len", "Len(gth)", FieldType::Bool).bit(8, 0x02)
    .strings(TRUE_FALSE)
    .desc("The STREAM frame has a Length field (else its data runs to the end of the packet).");
pub static STREAM_OFF: FieldDef = FieldDef::new("quic.stream.off", "Off(set)", FieldType::Bool).bit(8, 0x04)
    .strings(TRUE_FALSE)
    .desc("The STREAM frame has an Offset field (else its data starts the stream).");
pub static STREAM_ID: FieldDef = FieldDef::new("quic.stream.stream_id", "Stream ID", FieldType::U64)
    .desc("The stream the STREAM frame carries data of; its two low bits say who opened it and its direction.");
pub static STREAM_INITIATOR: FieldDef = FieldDef::new("quic.stream.initiator", "Stream initiator", FieldType::U64)
    .mask(0x01).strings(&[(0, "Client-initiated"), (1, "Server-initiated")])
    .desc("Which endpoint opened the stream (the stream ID's lowest bit).");
pub static STREAM_DIRECTION: FieldDef = FieldDef::new("quic.stream.direction", "Stream direction", FieldType::U64)
    .mask(0x02).strings(&[(0, "Bidirectional"), (1, "Unidirectional")])
    .desc("Whether the stream carries data both ways (the stream ID's second bit).");
pub static STREAM_OFFSET: FieldDef = FieldDef::new("quic.stream.offset", "Offset", FieldType::U64)
    .desc("Where the STREAM frame's data starts in its stream.");
pub static STREAM_LENGTH: FieldDef = FieldDef::new("quic.stream.length", "Length", FieldType::U64)
    .desc("How many bytes of stream data the STREAM frame carries.");
pub static STREAM_DATA: FieldDef = FieldDef::bytes("quic.stream_data", "Stream Data")
    .desc("The application bytes of a STREAM frame.");
pub static MD_MAX: FieldDef = FieldDef::new("quic.md.maximum_data", "Maximum Data", FieldType::U64)
    .desc("How many bytes the peer may send on the whole connection (MAX_DATA).");
pub static MSD_STREAM_ID: FieldDef = FieldDef::new("quic.msd.stream_id", "Stream ID", FieldType::U64)
    .desc("The stream a MAX_STREAM_DATA frame raises the limit of.");
pub static MSD_MAX: FieldDef = FieldDef::new("quic.msd.maximum_stream_data", "Maximum Stream Data", FieldType::U64)
    .desc("How many bytes the peer may send on the stream (MAX_STREAM_DATA).");
pub static MS_MAX: FieldDef = FieldDef::new("quic.ms.max_streams", "Max Streams", FieldType::U64)
    .desc("How many streams of the frame's kind the peer may open over the connection (MAX_STREAMS).");
pub static SB_LIMIT: FieldDef = FieldDef::new("quic.sb.stream_data_limit", "Stream Data Limit", FieldType::U64)
    .desc("The connection or stream limit at which the sender is blocked (DATA_BLOCKED, STREAM_DATA_BLOCKED).");
pub static SDB_STREAM_ID: FieldDef = FieldDef::new("quic.sdb.stream_id", "Stream ID", FieldType::U64)
    .desc("The stream a STREAM_DATA_BLOCKED frame says is blocked.");
pub static SIB_LIMIT: FieldDef = FieldDef::new("quic.sib.stream_limit", "Stream Limit", FieldType::U64)
    .desc("The stream count at which the sender of STREAMS_BLOCKED could open no more.");
pub static NCI_RETIRE: FieldDef = FieldDef::new("quic.nci.retire_prior_to", "Retire Prior To", FieldType::U64)
    .desc("Connection IDs with lower sequence numbers must be retired (NEW_CONNECTION_ID).");
pub static NCI_SEQUENCE: FieldDef = FieldDef::new("quic.nci.sequence", "Sequence", FieldType::U64)
    .desc("Sequence number of the new connection ID.");
pub static NCI_CID_LENGTH: FieldDef = FieldDef::u8("quic.nci.connection_id.length", "Connection ID Length")
    .desc("Length of the new connection ID.");
pub static NCI_CID: FieldDef = FieldDef::bytes("quic.nci.connection_id", "Connection ID")
    .desc("A further connection ID the sender will accept packets for.");
pub static NCI_RESET_TOKEN: FieldDef = FieldDef::bytes("quic.nci.stateless_reset_token", "Stateless Reset Token")
    .desc("The 16 bytes that end a stateless reset for this connection ID.");
pub static RCI_SEQUENCE: FieldDef = FieldDef::new("quic.rci.sequence", "Sequence", FieldType::U64)
    .desc("Sequence number of the connection ID retired (RETIRE_CONNECTION_ID).");
pub static PATH_CHALLENGE: FieldDef = FieldDef::bytes("quic.path_challenge.data", "Data")
    .desc("Eight arbitrary bytes a PATH_RESPONSE must echo.");
pub static PATH_RESPONSE: FieldDef = FieldDef::bytes("quic.path_response.data", "Data")
    .desc("The eight bytes of the PATH_CHALLENGE answered.");
pub static CC_ERROR: FieldDef = FieldDef::new("quic.cc.error_code", "Error code", FieldType::U64).strings(ERRORS)
    .desc("Transport error code of a CONNECTION_CLOSE frame (type 0x1c).");
pub static CC_ERROR_APP: FieldDef = FieldDef::new("quic.cc.error_code.app", "Application Error code", FieldType::U64)
    .desc("Application error code of a CONNECTION_CLOSE frame (type 0x1d).");
pub static CC_TLS_ALERT: FieldDef = FieldDef::u8("quic.cc.error_code.tls_alert", "TLS Alert Description")
    .desc("The TLS alert a CRYPTO_ERROR code (0x0100 to 0x01ff) carries.");
pub static CC_FRAME_TYPE: FieldDef = FieldDef::new("quic.cc.frame_type", "Frame Type", FieldType::U64)
    .desc("Type of the frame that triggered the error (0 when unknown).");
pub static CC_REASON_LENGTH: FieldDef =
    FieldDef::new("quic.cc.reason_phrase.length", "Reason phrase Length", FieldType::U64)
        .desc("Length of the reason phrase.");
pub static CC_REASON: FieldDef = FieldDef::string("quic.cc.reason_phrase", "Reason phrase")
    .desc("A human-readable explanation of why the connection was closed.");
pub static DG_LENGTH: FieldDef = FieldDef::new("quic.dg.length", "Datagram Length", FieldType::U64)
    .desc("Length of a DATAGRAM frame's data (RFC 9221).");
pub static DG: FieldDef = FieldDef::bytes("quic.dg", "Datagram")
    .desc("The application bytes of a DATAGRAM frame.");
pub static CONNECTION_UNKNOWN: FieldDef =
    FieldDef::none("quic.connection.unknown", "Unknown QUIC connection. Missing Initial Packet or migrated connection?")
        .desc("Expert note: a packet whose connection IDs match no connection seen so far.");
pub static FT_UNKNOWN: FieldDef = FieldDef::none("quic.ft.unknown", "Unknown Frame Type")
    .desc("Expert note: a frame type QUIC does not define; the rest of the payload cannot be read.");
pub static DECRYPTION_FAILED: FieldDef = FieldDef::none("quic.decryption_failed", "Failed to decrypt handshake")
    .desc("Expert note: the packet could not be decrypted (no secrets for its keys, or they did not authenticate it).");
pub static RETRANSMISSION: FieldDef =
    FieldDef::none("quic.retransmission", "This QUIC frame has a reused stream offset (retransmission?)")
        .desc("Expert note: a CRYPTO frame whose bytes the stream already had.");
pub static COALESCED_PADDING: FieldDef = FieldDef::none("quic.coalesced_padding_data", "Coalesced Padding Data")
    .desc("Expert note: bytes after the last packet of a datagram, which are padding.");

pub static FIELDS: &[Field] = &[
    &QUIC, &CONNECTION_NUMBER, &PACKET_LENGTH, &HEADER_FORM, &LONG_PACKET_TYPE, &LONG_PACKET_TYPE_V2, &LONG_RESERVED,
    &PN_LENGTH, &DCID, &SCID, &DCIL, &SCIL, &TOKEN_LENGTH, &TOKEN, &LENGTH, &PACKET_NUMBER, &VERSION,
    &SUPPORTED_VERSION, &VN_UNUSED, &SHORT, &FIXED_BIT, &SPIN_BIT, &SHORT_RESERVED, &KEY_PHASE, &PAYLOAD,
    &PROTECTED_PAYLOAD, &REMAINING_PAYLOAD, &RETRY_TOKEN, &RETRY_INTEGRITY_TAG, &FRAME, &FRAME_TYPE, &PADDING_LENGTH,
    &ACK_LARGEST, &ACK_DELAY, &ACK_RANGE_COUNT, &ACK_FIRST_RANGE, &ACK_GAP, &ACK_RANGE, &ACK_ECT0, &ACK_ECT1,
    &ACK_ECN_CE, &RSTS_STREAM_ID, &RSTS_ERROR, &RSTS_FINAL_SIZE, &SS_STREAM_ID, &SS_ERROR, &CRYPTO_OFFSET,
    &CRYPTO_LENGTH, &CRYPTO_DATA, &NT_LENGTH, &NT_TOKEN, &STREAM_FIN, &STREAM_LEN, &STREAM_OFF, &STREAM_ID,
    &STREAM_INITIATOR, &STREAM_DIRECTION, &STREAM_OFFSET, &STREAM_LENGTH, &STREAM_DATA, &MD_MAX, &MSD_STREAM_ID,
    &MSD_MAX, &MS_MAX, &SB_LIMIT, &SDB_STREAM_ID, &SIB_LIMIT, &NCI_RETIRE, &NCI_SEQUENCE, &NCI_CID_LENGTH, &NCI_CID,
    &NCI_RESET_TOKEN, &RCI_SEQUENCE, &PATH_CHALLENGE, &PATH_RESPONSE, &CC_ERROR, &CC_ERROR_APP, &CC_TLS_ALERT,
    &CC_FRAME_TYPE, &CC_REASON_LENGTH, &CC_REASON, &DG_LENGTH, &DG, &CONNECTION_UNKNOWN, &FT_UNKNOWN,
    &DECRYPTION_FAILED, &RETRANSMISSION, &COALESCED_PADDING,
];

/// Wireshark's names of QUIC versions: 1, 2, and the IETF drafts.
pub static VERSIONS: &[(u64, &str)] = &[
    (0x0000_0000, "Version Negotiation"),
    (0x0000_0001, "1"),
    (0x6b33_43cf, "2"),
    (0xff00_001b, "draft-27"),
    (0xff00_001c, "draft-28"),
    (0xff00_001d, "draft-29"),
    (0xff00_001e, "draft-30"),
    (0xff00_001f, "draft-31"),
    (0xff00_0020, "draft-32"),
    (0xff00_0021, "draft-33"),
    (0xff00_0022, "draft-34"),
    (0x709a_50c4, "v2-draft-00"),
];

pub static FRAME_TYPES: &[(u64, &str)] = &[
    (0x00, "PADDING"),
    (0x01, "PING"),
    (0x02, "ACK"),
    (0x03, "ACK_ECN"),
    (0x04, "RESET_STREAM"),
    (0x05, "STOP_SENDING"),
    (0x06, "CRYPTO"),
    (0x07, "NEW_TOKEN"),
    (0x08, "STREAM"),
    (0x09, "STREAM"),
    (0x0a, "STREAM"),
    (0x0b, "STREAM"),
    (0x0c, "STREAM"),
    (0x0d, "STREAM"),
    (0x0e, "STREAM"),
    (0x0f, "STREAM"),
    (0x10, "MAX_DATA"),
    (0x11, "MAX_STREAM_DATA"),
    (0x12, "MAX_STREAMS (BIDI)"),
    (0x13, "MAX_STREAMS (UNI)"),
    (0x14, "DATA_BLOCKED"),
    (0x15, "STREAM_DATA_BLOCKED"),
    (0x16, "STREAMS_BLOCKED (BIDI)"),
    (0x17, "STREAMS_BLOCKED (UNI)"),
    (0x18, "NEW_CONNECTION_ID"),
    (0x19, "RETIRE_CONNECTION_ID"),
    (0x1a, "PATH_CHALLENGE"),
    (0x1b, "PATH_RESPONSE"),
    (0x1c, "CONNECTION_CLOSE"),
    (0x1d, "CONNECTION_CLOSE (Application)"),
    (0x1e, "HANDSHAKE_DONE"),
    (0x30, "DATAGRAM"),
    (0x31, "DATAGRAM"),
];

/// Transport error codes (RFC 9000 20.1).
static ERRORS: &[(u64, &str)] = &[
    (0x00, "NO_ERROR"),
    (0x01, "INTERNAL_ERROR"),
    (0x02, "CONNECTION_REFUSED"),
    (0x03, "FLOW_CONTROL_ERROR"),
    (0x04, "STREAM_LIMIT_ERROR"),
    (0x05, "STREAM_STATE_ERROR"),
    (0x06, "FINAL_SIZE_ERROR"),
    (0x07, "FRAME_ENCODING_ERROR"),
    (0x08, "TRANSPORT_PARAMETER_ERROR"),
    (0x09, "CONNECTION_ID_LIMIT_ERROR"),
    (0x0a, "PROTOCOL_VIOLATION"),
    (0x0b, "INVALID_TOKEN"),
    (0x0c, "APPLICATION_ERROR"),
    (0x0d, "CRYPTO_BUFFER_EXCEEDED"),
    (0x0e, "KEY_UPDATE_ERROR"),
    (0x0f, "AEAD_LIMIT_REACHED"),
    (0x10, "NO_VIABLE_PATH"),
];
