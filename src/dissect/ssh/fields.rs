//! SSH fields, with Wireshark's filter names, display names and types.

use crate::field::{Field, FieldDef, FieldType};

pub const MSG_CODES: crate::field::ValueStrings = &[
    (1, "Disconnect"),
    (2, "Ignore"),
    (3, "Unimplemented"),
    (4, "Debug"),
    (5, "Service Request"),
    (6, "Service Accept"),
    (7, "Extension Information"),
    (20, "Key Exchange Init"),
    (21, "New Keys"),
    (50, "User Authentication Request"),
    (51, "User Authentication Failure"),
    (52, "User Authentication Success"),
    (53, "User Authentication Banner"),
    (60, "Public Key algorithm accepted"),
    (80, "Global Request"),
    (81, "Request Success"),
    (82, "Request Failure"),
    (90, "Channel Open"),
    (91, "Channel Open Confirmation"),
    (92, "Channel Open Failure"),
    (93, "Window Adjust"),
    (94, "Channel Data"),
    (95, "Channel Extended Data"),
    (96, "Channel EOF"),
    (97, "Channel Close"),
    (98, "Channel Request"),
    (99, "Channel Success"),
    (100, "Channel Failure"),
];

pub static SSH: FieldDef = FieldDef::new("ssh", "SSH Protocol", FieldType::Protocol).brief();
pub static PROTOCOL: FieldDef = FieldDef::string("ssh.protocol", "Protocol");
pub static PACKET_LENGTH: FieldDef = FieldDef::u32("ssh.packet_length", "Packet Length");
pub static PACKET_LENGTH_ENCRYPTED: FieldDef = FieldDef::bytes("ssh.packet_length_encrypted", "Packet Length (encrypted)");
pub static PADDING_LENGTH: FieldDef = FieldDef::new("ssh.padding_length", "Padding Length", FieldType::U8);
pub static PAYLOAD: FieldDef = FieldDef::bytes("ssh.payload", "Payload");
pub static ENCRYPTED_PACKET: FieldDef = FieldDef::bytes("ssh.encrypted_packet", "Encrypted Packet");
pub static PADDING_STRING: FieldDef = FieldDef::bytes("ssh.padding_string", "Padding String");
pub static SEQ_NUM: FieldDef = FieldDef::u32("ssh.seq_num", "Sequence number");
pub static MAC: FieldDef = FieldDef::bytes("ssh.mac", "MAC");
pub static DIRECTION: FieldDef = FieldDef::new("ssh.direction", "Direction", FieldType::Bool)
    .strings(&[(1, "server-to-client"), (0, "client-to-server")]);
pub static MESSAGE_CODE: FieldDef = FieldDef::new("ssh.message_code", "Message Code", FieldType::U8).strings(MSG_CODES);
pub static COOKIE: FieldDef = FieldDef::bytes("ssh.cookie", "Cookie");
pub static FIRST_KEX_FOLLOWS: FieldDef =
    FieldDef::new("ssh.first_kex_packet_follows", "First KEX Packet Follows", FieldType::U8);
pub static KEX_RESERVED: FieldDef = FieldDef::bytes("ssh.kex.reserved", "Reserved");
pub static HASSH_ALGORITHMS: FieldDef = FieldDef::string("ssh.kex.hassh_algorithms", "hasshAlgorithms");
pub static HASSH: FieldDef = FieldDef::string("ssh.kex.hassh", "hassh");
pub static HASSH_SERVER_ALGORITHMS: FieldDef = FieldDef::string("ssh.kex.hasshserver_algorithms", "hasshServerAlgorithms");
pub static HASSH_SERVER: FieldDef = FieldDef::string("ssh.kex.hasshserver", "hasshServer");

/// The ten name lists of a KEXINIT, each a length and a string.
pub static PROPOSALS: [(FieldDef, FieldDef); 10] = [
    (FieldDef::u32("ssh.kex_algorithms_length", "kex_algorithms length"), FieldDef::string("ssh.kex_algorithms", "kex_algorithms string")),
    (
        FieldDef::u32("ssh.server_host_key_algorithms_length", "server_host_key_algorithms length"),
        FieldDef::string("ssh.server_host_key_algorithms", "server_host_key_algorithms string"),
    ),
    (
        FieldDef::u32("ssh.encryption_algorithms_client_to_server_length", "encryption_algorithms_client_to_server length"),
        FieldDef::string("ssh.encryption_algorithms_client_to_server", "encryption_algorithms_client_to_server string"),
    ),
    (
        FieldDef::u32("ssh.encryption_algorithms_server_to_client_length", "encryption_algorithms_server_to_client length"),
        FieldDef::string("ssh.encryption_algorithms_server_to_client", "encryption_algorithms_server_to_client string"),
    ),
    (
        FieldDef::u32("ssh.mac_algorithms_client_to_server_length", "mac_algorithms_client_to_server length"),
        FieldDef::string("ssh.mac_algorithms_client_to_server", "mac_algorithms_client_to_server string"),
    ),
    (
        FieldDef::u32("ssh.mac_algorithms_server_to_client_length", "mac_algorithms_server_to_client length"),
        FieldDef::string("ssh.mac_algorithms_server_to_client", "mac_algorithms_server_to_client string"),
    ),
    (
        FieldDef::u32("ssh.compression_algorithms_client_to_server_length", "compression_algorithms_client_to_server length"),
        FieldDef::string("ssh.compression_algorithms_client_to_server", "compression_algorithms_client_to_server string"),
    ),
    (
        FieldDef::u32("ssh.compression_algorithms_server_to_client_length", "compression_algorithms_server_to_client length"),
        FieldDef::string("ssh.compression_algorithms_server_to_client", "compression_algorithms_server_to_client string"),
    ),
    (
        FieldDef::u32("ssh.languages_client_to_server_length", "languages_client_to_server length"),
        FieldDef::string("ssh.languages_client_to_server", "languages_client_to_server string"),
    ),
    (
        FieldDef::u32("ssh.languages_server_to_client_length", "languages_server_to_client length"),
        FieldDef::string("ssh.languages_server_to_client", "languages_server_to_client string"),
    ),
];

pub static HOST_KEY_LENGTH: FieldDef = FieldDef::u32("ssh.host_key.length", "Host key length");
pub static HOST_KEY_TYPE_LENGTH: FieldDef = FieldDef::u32("ssh.host_key.type_length", "Host key type length");
pub static HOST_KEY_TYPE: FieldDef = FieldDef::string("ssh.host_key.type", "Host key type");
pub static HOST_KEY_DATA: FieldDef = FieldDef::bytes("ssh.host_key.data", "Host key data");
pub static RSA_N: FieldDef = FieldDef::bytes("ssh.host_key.rsa.n", "RSA modulus (N)");
pub static RSA_E: FieldDef = FieldDef::bytes("ssh.host_key.rsa.e", "RSA public exponent (e)");
pub static DSA_P: FieldDef = FieldDef::bytes("ssh.host_key.dsa.p", "DSA prime modulus (p)");
pub static DSA_Q: FieldDef = FieldDef::bytes("ssh.host_key.dsa.q", "DSA prime divisor (q)");
pub static DSA_G: FieldDef = FieldDef::bytes("ssh.host_key.dsa.g", "DSA subgroup generator (g)");
pub static DSA_Y: FieldDef = FieldDef::bytes("ssh.host_key.dsa.y", "DSA public key (y)");
pub static ECDSA_ID: FieldDef = FieldDef::string("ssh.host_key.ecdsa.id", "ECDSA elliptic curve identifier");
pub static ECDSA_ID_LENGTH: FieldDef = FieldDef::u32("ssh.host_key.ecdsa.id_length", "ECDSA elliptic curve identifier length");
pub static ECDSA_Q: FieldDef = FieldDef::bytes("ssh.host_key.ecdsa.q", "ECDSA public key (Q)");
pub static ECDSA_Q_LENGTH: FieldDef = FieldDef::u32("ssh.host_key.ecdsa.q_length", "ECDSA public key length");
pub static EDDSA_KEY: FieldDef = FieldDef::bytes("ssh.host_key.eddsa.key", "EdDSA public key");
pub static EDDSA_KEY_LENGTH: FieldDef = FieldDef::u32("ssh.host_key.eddsa.key_length", "EdDSA public key length");
pub static HOST_SIG_LENGTH: FieldDef = FieldDef::u32("ssh.host_sig.length", "Host signature length");
pub static HOST_SIG_TYPE_LENGTH: FieldDef = FieldDef::u32("ssh.host_sig.type_length", "Host signature type length");
pub static HOST_SIG_TYPE: FieldDef = FieldDef::string("ssh.host_sig.type", "Host signature type");
pub static HOST_SIG_DATA: FieldDef = FieldDef::bytes("ssh.host_sig.data", "Host signature data");
pub static HOST_SIG_RSA: FieldDef = FieldDef::bytes("ssh.host_sig.rsa", "RSA signature");
pub static HOST_SIG_DSA: FieldDef = FieldDef::bytes("ssh.host_sig.dsa", "DSA signature");
pub static DH_E: FieldDef = FieldDef::bytes("ssh.dh.e", "DH client e");
pub static DH_F: FieldDef = FieldDef::bytes("ssh.dh.f", "DH server f");
pub static GEX_MIN: FieldDef = FieldDef::u32("ssh.dh_gex.min", "DH GEX Min");
pub static GEX_NBITS: FieldDef = FieldDef::u32("ssh.dh_gex.nbits", "DH GEX Number of Bits");
pub static GEX_MAX: FieldDef = FieldDef::u32("ssh.dh_gex.max", "DH GEX Max");
pub static GEX_P: FieldDef = FieldDef::bytes("ssh.dh_gex.p", "DH GEX modulus (P)");
pub static GEX_G: FieldDef = FieldDef::bytes("ssh.dh_gex.g", "DH GEX base (G)");
pub static ECDH_Q_C: FieldDef = FieldDef::bytes("ssh.ecdh.q_c", "ECDH client's ephemeral public key (Q_C)");
pub static ECDH_Q_C_LENGTH: FieldDef = FieldDef::u32("ssh.ecdh.q_c_length", "ECDH client's ephemeral public key length");
pub static ECDH_Q_S: FieldDef = FieldDef::bytes("ssh.ecdh.q_s", "ECDH server's ephemeral public key (Q_S)");
pub static ECDH_Q_S_LENGTH: FieldDef = FieldDef::u32("ssh.ecdh.q_s_length", "ECDH server's ephemeral public key length");
pub static MPINT_LENGTH: FieldDef = FieldDef::u32("ssh.mpint_length", "Multi Precision Integer Length");

pub static FIELDS: &[Field] = &[
    &SSH, &PROTOCOL, &PACKET_LENGTH, &PACKET_LENGTH_ENCRYPTED, &PADDING_LENGTH, &PAYLOAD, &ENCRYPTED_PACKET,
    &PADDING_STRING, &SEQ_NUM, &MAC, &DIRECTION, &MESSAGE_CODE, &COOKIE, &FIRST_KEX_FOLLOWS, &KEX_RESERVED,
    &HASSH_ALGORITHMS, &HASSH, &HASSH_SERVER_ALGORITHMS, &HASSH_SERVER, &PROPOSALS[0].0, &PROPOSALS[0].1,
    &PROPOSALS[1].0, &PROPOSALS[1].1, &PROPOSALS[2].0, &PROPOSALS[2].1, &PROPOSALS[3].0, &PROPOSALS[3].1,
    &PROPOSALS[4].0, &PROPOSALS[4].1, &PROPOSALS[5].0, &PROPOSALS[5].1, &PROPOSALS[6].0, &PROPOSALS[6].1,
    &PROPOSALS[7].0, &PROPOSALS[7].1, &PROPOSALS[8].0, &PROPOSALS[8].1, &PROPOSALS[9].0, &PROPOSALS[9].1,
    &HOST_KEY_LENGTH, &HOST_KEY_TYPE_LENGTH, &HOST_KEY_TYPE, &HOST_KEY_DATA, &RSA_N, &RSA_E, &DSA_P, &DSA_Q, &DSA_G,
    &DSA_Y, &ECDSA_ID, &ECDSA_ID_LENGTH, &ECDSA_Q, &ECDSA_Q_LENGTH, &EDDSA_KEY, &EDDSA_KEY_LENGTH, &HOST_SIG_LENGTH,
    &HOST_SIG_TYPE_LENGTH, &HOST_SIG_TYPE, &HOST_SIG_DATA, &HOST_SIG_RSA, &HOST_SIG_DSA, &DH_E, &DH_F, &GEX_MIN,
    &GEX_NBITS, &GEX_MAX, &GEX_P, &GEX_G, &ECDH_Q_C, &ECDH_Q_C_LENGTH, &ECDH_Q_S, &ECDH_Q_S_LENGTH, &MPINT_LENGTH,
];

