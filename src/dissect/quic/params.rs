//! QUIC's transport parameters (RFC 9000 18), a TLS extension of the hellos
//! and EncryptedExtensions (type 57): Wireshark's TLS dissector shows each
//! parameter with its `tls.quic.*` fields, which live here beside QUIC.

use super::fields::VERSIONS;
use super::frames::varint;
use crate::dissect::{Buf, Ctx, DResult, DissectError};
use crate::field::{Base, Field, FieldDef, FieldType, Value, TEXT};

pub static TYPE: FieldDef = FieldDef::new("tls.quic.parameter.type", "Type", FieldType::U64)
    .desc("The transport parameter's identifier (a variable-length integer).");
pub static LENGTH: FieldDef = FieldDef::new("tls.quic.parameter.length", "Length", FieldType::U64)
    .desc("Length of the transport parameter's value.");
pub static VALUE: FieldDef = FieldDef::bytes("tls.quic.parameter.value", "Value")
    .desc("The transport parameter's value bytes.");
pub static ODCID: FieldDef =
    FieldDef::bytes("tls.quic.parameter.original_destination_connection_id", "original_destination_connection_id")
        .desc("The Destination Connection ID of the client's first Initial packet (server only).");
pub static MAX_IDLE_TIMEOUT: FieldDef =
    FieldDef::new("tls.quic.parameter.max_idle_timeout", "max_idle_timeout", FieldType::U64)
        .desc("Idle timeout in milliseconds; 0 disables it.");
pub static RESET_TOKEN: FieldDef =
    FieldDef::bytes("tls.quic.parameter.stateless_reset_token", "stateless_reset_token")
        .desc("The server's stateless reset token for its first connection ID.");
pub static MAX_UDP_PAYLOAD: FieldDef =
    FieldDef::new("tls.quic.parameter.max_udp_payload_size", "max_udp_payload_size", FieldType::U64)
        .desc("Largest UDP payload the endpoint accepts.");
pub static MAX_DATA: FieldDef = FieldDef::new("tls.quic.parameter.initial_max_data", "initial_max_data", FieldType::U64)
    .desc("Initial connection-wide flow control limit, in bytes.");
pub static MAX_BIDI_LOCAL: FieldDef = FieldDef::new(
    "tls.quic.parameter.initial_max_stream_data_bidi_local",
    "initial_max_stream_data_bidi_local",
    FieldType::U64,
)
.desc("Initial flow control limit of bidirectional streams the endpoint opens.");
pub static MAX_BIDI_REMOTE: FieldDef = FieldDef::new(
    "tls.quic.parameter.initial_max_stream_data_bidi_remote",
    "initial_max_stream_data_bidi_remote",
    FieldType::U64,
)
.desc("Initial flow control limit of bidirectional streams the peer opens.");
pub static MAX_UNI: FieldDef =
    FieldDef::new("tls.quic.parameter.initial_max_stream_data_uni", "initial_max_stream_data_uni", FieldType::U64)
        .desc("Initial flow control limit of unidirectional streams the peer opens.");
pub static MAX_STREAMS_BIDI: FieldDef =
    FieldDef::new("tls.quic.parameter.initial_max_streams_bidi", "initial_max_streams_bidi", FieldType::U64)
        .desc("How many bidirectional streams the peer may open at first.");
pub static MAX_STREAMS_UNI: FieldDef =
    FieldDef::new("tls.quic.parameter.initial_max_streams_uni", "initial_max_streams_uni", FieldType::U64)
        .desc("How many unidirectional streams the peer may open at first.");
pub static ACK_DELAY_EXPONENT: FieldDef =
    FieldDef::new("tls.quic.parameter.ack_delay_exponent", "ack_delay_exponent", FieldType::U64)
        .desc("Exponent that scales the ACK Delay field of ACK frames (default 3).");
pub static MAX_ACK_DELAY: FieldDef = FieldDef::new("tls.quic.parameter.max_ack_delay", "max_ack_delay", FieldType::U64)
    .desc("Longest time in milliseconds the endpoint delays acknowledgments.");
pub static CID_LIMIT: FieldDef =
    FieldDef::new("tls.quic.parameter.active_connection_id_limit", "Active Connection ID Limit", FieldType::U64)
        .desc("How many connection IDs of the peer's the endpoint keeps.");
pub static INITIAL_SCID: FieldDef =
    FieldDef::bytes("tls.quic.parameter.initial_source_connection_id", "Initial Source Connection ID")
        .desc("The Source Connection ID of the endpoint's first Initial packet.");
pub static RETRY_SCID: FieldDef =
    FieldDef::bytes("tls.quic.parameter.retry_source_connection_id", "Retry Source Connection ID")
        .desc("The Source Connection ID of the server's Retry packet.");
pub static MAX_DATAGRAM: FieldDef =
    FieldDef::new("tls.quic.parameter.max_datagram_frame_size", "max_datagram_frame_size", FieldType::U64)
        .desc("Largest DATAGRAM frame the endpoint accepts (RFC 9221).");
pub static CHOSEN_VERSION: FieldDef =
    FieldDef::u32("tls.quic.parameter.vi.chosen_version", "Chosen Version").base(Base::Hex).strings(VERSIONS)
        .desc("The QUIC version the connection uses (version_information, RFC 9368).");
pub static OTHER_VERSION: FieldDef =
    FieldDef::u32("tls.quic.parameter.vi.other_version", "Other Version").base(Base::Hex).strings(VERSIONS)
        .desc("A QUIC version the endpoint also supports (version_information, RFC 9368).");

pub static FIELDS: &[Field] = &[
    &TYPE, &LENGTH, &VALUE, &ODCID, &MAX_IDLE_TIMEOUT, &RESET_TOKEN, &MAX_UDP_PAYLOAD, &MAX_DATA,
    &MAX_BIDI_LOCAL, &MAX_BIDI_REMOTE, &MAX_UNI, &MAX_STREAMS_BIDI, &MAX_STREAMS_UNI, &ACK_DELAY_EXPONENT,
    &MAX_ACK_DELAY, &CID_LIMIT, &INITIAL_SCID, &RETRY_SCID, &MAX_DATAGRAM, &CHOSEN_VERSION, &OTHER_VERSION,
];

/// How a parameter's value reads: a number (with the unit Wireshark appends
/// to the parameter's line, if any), bytes, or a version list.
enum Kind {
    Number(Field, Option<&'static str>),
    Bytes(Field),
    Versions,
    Empty,
}

fn parameter(t: u64) -> Option<(&'static str, Kind)> {
    use Kind::*;
    Some(match t {
        0x00 => ("original_destination_connection_id", Bytes(&ODCID)),
        0x01 => ("max_idle_timeout", Number(&MAX_IDLE_TIMEOUT, Some(" ms"))),
        0x02 => ("stateless_reset_token", Bytes(&RESET_TOKEN)),
        0x03 => ("max_udp_payload_size", Number(&MAX_UDP_PAYLOAD, Some(""))),
        0x04 => ("initial_max_data", Number(&MAX_DATA, Some(""))),
        0x05 => ("initial_max_stream_data_bidi_local", Number(&MAX_BIDI_LOCAL, Some(""))),
        0x06 => ("initial_max_stream_data_bidi_remote", Number(&MAX_BIDI_REMOTE, Some(""))),
        0x07 => ("initial_max_stream_data_uni", Number(&MAX_UNI, Some(""))),
        0x08 => ("initial_max_streams_bidi", Number(&MAX_STREAMS_BIDI, Some(""))),
        0x09 => ("initial_max_streams_uni", Number(&MAX_STREAMS_UNI, Some(""))),
        0x0a => ("ack_delay_exponent", Number(&ACK_DELAY_EXPONENT, None)),
        0x0b => ("max_ack_delay", Number(&MAX_ACK_DELAY, Some(""))),
        0x0c => ("disable_active_migration", Empty),
        0x0e => ("active_connection_id_limit", Number(&CID_LIMIT, Some(""))),
        0x0f => ("initial_source_connection_id", Bytes(&INITIAL_SCID)),
        0x10 => ("retry_source_connection_id", Bytes(&RETRY_SCID)),
        0x11 => ("version_information", Versions),
        0x20 => ("max_datagram_frame_size", Number(&MAX_DATAGRAM, Some(""))),
        _ => return None,
    })
}

/// The parameters of a quic_transport_parameters extension's value `e`.
pub fn dissect(cx: &mut Ctx, e: &Buf) -> DResult<()> {
    let mut p = 0;
    while p < e.len() {
        let (t, tw) = varint(e, p)?;
        let (l, lw) = varint(e, p + tw)?;
        let l = usize::try_from(l).map_err(|_| DissectError::Malformed)?;
        let at = p + tw + lw;
        let v = e.sub(at, l)?;
        e.bytes(at, l)?;
        let known = parameter(t);
        let name = known.as_ref().map_or(if t % 31 == 27 { "GREASE" } else { "Unknown" }, |(n, _)| *n);
        // tshark's `-T fields` shows no value for tls.quic.parameter: a text item here.
        let id = cx.tree().open(&TEXT, e.range(p, tw + lw + l), Value::None);
        let ty = cx.tree().add(&TYPE, e.range(p, tw), Value::UInt(t));
        cx.tree().set_text(ty, format_args!("Type: {name} ({t:#04x})"));
        cx.tree().add(&LENGTH, e.range(p + tw, lw), Value::UInt(l as u64));
        if l > 0 {
            cx.tree().add(&VALUE, e.range(at, l), Value::None);
        }
        let mut suffix = String::new();
        match known.map(|(_, k)| k) {
            Some(Kind::Number(f, unit)) => {
                let (n, _) = varint(&v, 0)?;
                cx.tree().add(f, e.range(at, l), Value::UInt(n));
                if let Some(unit) = unit {
                    suffix = format!(" {n}{unit}");
                }
            }
            Some(Kind::Bytes(f)) => {
                cx.tree().add(f, e.range(at, l), Value::None);
            }
            Some(Kind::Versions) => {
                cx.uint(&CHOSEN_VERSION, &v, 0)?;
                let mut q = 4;
                while q + 4 <= l {
                    cx.uint(&OTHER_VERSION, &v, q)?;
                    q += 4;
                }
            }
            Some(Kind::Empty) | None => {}
        }
        cx.tree().set_text(id, format_args!("Parameter: {name} (len={l}){suffix}"));
        cx.tree().close();
        p = at + l;
    }
    Ok(())
}
