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

pub static SSH: FieldDef = FieldDef::new("ssh", "SSH Protocol", FieldType::Protocol).brief()
    .desc("Secure Shell: version banners, then binary packets for the key exchange and the encrypted session (RFC 4253).");
pub static PROTOCOL: FieldDef = FieldDef::string("ssh.protocol", "Protocol")
    .desc("The identification line a side sends first, such as SSH-2.0-OpenSSH_9.6 (RFC 4253 section 4.2).");
pub static PACKET_LENGTH: FieldDef = FieldDef::u32("ssh.packet_length", "Packet Length")
    .desc("Length in bytes of the packet after this field: padding length, payload and padding (RFC 4253 section 6).");
pub static PACKET_LENGTH_ENCRYPTED: FieldDef = FieldDef::bytes("ssh.packet_length_encrypted", "Packet Length (encrypted)")
    .desc("The packet length field when it is encrypted and cannot be read.");
pub static PADDING_LENGTH: FieldDef = FieldDef::new("ssh.padding_length", "Padding Length", FieldType::U8)
    .desc("Number of random padding bytes at the end of the packet.");
pub static PAYLOAD: FieldDef = FieldDef::bytes("ssh.payload", "Payload")
    .desc("The packet's payload (a message) before padding.");
pub static ENCRYPTED_PACKET: FieldDef = FieldDef::bytes("ssh.encrypted_packet", "Encrypted Packet")
    .desc("A packet encrypted with the negotiated keys; its contents cannot be read without them.");
pub static PADDING_STRING: FieldDef = FieldDef::bytes("ssh.padding_string", "Padding String")
    .desc("Random bytes padding the packet to the cipher's block size.");
pub static SEQ_NUM: FieldDef = FieldDef::u32("ssh.seq_num", "Sequence number")
    .desc("Implicit packet counter of this direction, used in the MAC and never sent on the wire.");
pub static MAC: FieldDef = FieldDef::bytes("ssh.mac", "MAC")
    .desc("Message authentication code that protects the packet's integrity.");
pub static DIRECTION: FieldDef = FieldDef::new("ssh.direction", "Direction", FieldType::Bool)
    .strings(&[(1, "server-to-client"), (0, "client-to-server")])
    .desc("Which side sent the message: client to server or server to client.");
pub static MESSAGE_CODE: FieldDef = FieldDef::new("ssh.message_code", "Message Code", FieldType::U8).strings(MSG_CODES)
    .desc("Message number saying what the packet is, such as 20 for KEXINIT or 30 for ECDH key exchange init.");
pub static COOKIE: FieldDef = FieldDef::bytes("ssh.cookie", "Cookie")
    .desc("16 random bytes in KEXINIT that make each key exchange unique (RFC 4253 section 7.1).");
pub static FIRST_KEX_FOLLOWS: FieldDef =
    FieldDef::new("ssh.first_kex_packet_follows", "First KEX Packet Follows", FieldType::U8)
        .desc("Whether the sender already sends its first key exchange packet on a guess of the agreed method.");
pub static KEX_RESERVED: FieldDef = FieldDef::bytes("ssh.kex.reserved", "Reserved")
    .desc("Four reserved bytes at the end of KEXINIT, zero.");
pub static HASSH_ALGORITHMS: FieldDef = FieldDef::string("ssh.kex.hassh_algorithms", "hasshAlgorithms")
    .desc("The client's key exchange, cipher, MAC and compression lists joined as the HASSH fingerprint's input.");
pub static HASSH: FieldDef = FieldDef::string("ssh.kex.hassh", "hassh")
    .desc("HASSH: MD5 digest of the client's algorithm lists, a fingerprint of the client software.");
pub static HASSH_SERVER_ALGORITHMS: FieldDef = FieldDef::string("ssh.kex.hasshserver_algorithms", "hasshServerAlgorithms")
    .desc("The server's algorithm lists joined as the HASSH server fingerprint's input.");
pub static HASSH_SERVER: FieldDef = FieldDef::string("ssh.kex.hasshserver", "hasshServer")
    .desc("HASSH server: MD5 digest of the server's algorithm lists, a fingerprint of the server software.");

/// The ten name lists of a KEXINIT, each a length and a string.
pub static PROPOSALS: [(FieldDef, FieldDef); 10] = [
    (FieldDef::u32("ssh.kex_algorithms_length", "kex_algorithms length")
        .desc("Length in bytes of the key exchange algorithm list."), FieldDef::string("ssh.kex_algorithms", "kex_algorithms string")
        .desc("Key exchange methods the sender supports, in order of preference, comma-separated.")),
    (
        FieldDef::u32("ssh.server_host_key_algorithms_length", "server_host_key_algorithms length")
            .desc("Length in bytes of the host key algorithm list."),
        FieldDef::string("ssh.server_host_key_algorithms", "server_host_key_algorithms string")
            .desc("Host key (signature) algorithms the sender supports, in order of preference."),
    ),
    (
        FieldDef::u32("ssh.encryption_algorithms_client_to_server_length", "encryption_algorithms_client_to_server length")
            .desc("Length in bytes of the client-to-server cipher list."),
        FieldDef::string("ssh.encryption_algorithms_client_to_server", "encryption_algorithms_client_to_server string")
            .desc("Ciphers the sender supports for data from client to server, in order of preference."),
    ),
    (
        FieldDef::u32("ssh.encryption_algorithms_server_to_client_length", "encryption_algorithms_server_to_client length")
            .desc("Length in bytes of the server-to-client cipher list."),
        FieldDef::string("ssh.encryption_algorithms_server_to_client", "encryption_algorithms_server_to_client string")
            .desc("Ciphers the sender supports for data from server to client, in order of preference."),
    ),
    (
        FieldDef::u32("ssh.mac_algorithms_client_to_server_length", "mac_algorithms_client_to_server length")
            .desc("Length in bytes of the client-to-server MAC list."),
        FieldDef::string("ssh.mac_algorithms_client_to_server", "mac_algorithms_client_to_server string")
            .desc("MAC algorithms the sender supports from client to server, in order of preference."),
    ),
    (
        FieldDef::u32("ssh.mac_algorithms_server_to_client_length", "mac_algorithms_server_to_client length")
            .desc("Length in bytes of the server-to-client MAC list."),
        FieldDef::string("ssh.mac_algorithms_server_to_client", "mac_algorithms_server_to_client string")
            .desc("MAC algorithms the sender supports from server to client, in order of preference."),
    ),
    (
        FieldDef::u32("ssh.compression_algorithms_client_to_server_length", "compression_algorithms_client_to_server length")
            .desc("Length in bytes of the client-to-server compression list."),
        FieldDef::string("ssh.compression_algorithms_client_to_server", "compression_algorithms_client_to_server string")
            .desc("Compression methods the sender supports from client to server (none, zlib@openssh.com)."),
    ),
    (
        FieldDef::u32("ssh.compression_algorithms_server_to_client_length", "compression_algorithms_server_to_client length")
            .desc("Length in bytes of the server-to-client compression list."),
        FieldDef::string("ssh.compression_algorithms_server_to_client", "compression_algorithms_server_to_client string")
            .desc("Compression methods the sender supports from server to client."),
    ),
    (
        FieldDef::u32("ssh.languages_client_to_server_length", "languages_client_to_server length")
            .desc("Length in bytes of the client-to-server language list."),
        FieldDef::string("ssh.languages_client_to_server", "languages_client_to_server string")
            .desc("Language tags for client-to-server messages, usually empty."),
    ),
    (
        FieldDef::u32("ssh.languages_server_to_client_length", "languages_server_to_client length")
            .desc("Length in bytes of the server-to-client language list."),
        FieldDef::string("ssh.languages_server_to_client", "languages_server_to_client string")
            .desc("Language tags for server-to-client messages, usually empty."),
    ),
];

pub static HOST_KEY_LENGTH: FieldDef = FieldDef::u32("ssh.host_key.length", "Host key length")
    .desc("Length in bytes of the server's public host key blob.");
pub static HOST_KEY_TYPE_LENGTH: FieldDef = FieldDef::u32("ssh.host_key.type_length", "Host key type length")
    .desc("Length in bytes of the host key's type name.");
pub static HOST_KEY_TYPE: FieldDef = FieldDef::string("ssh.host_key.type", "Host key type")
    .desc("Type name of the server's host key, such as ssh-ed25519 or rsa-sha2-256.");
pub static HOST_KEY_DATA: FieldDef = FieldDef::bytes("ssh.host_key.data", "Host key data")
    .desc("The host key's bytes after its type name.");
pub static RSA_N: FieldDef = FieldDef::bytes("ssh.host_key.rsa.n", "RSA modulus (N)")
    .desc("The RSA host key's modulus n.");
pub static RSA_E: FieldDef = FieldDef::bytes("ssh.host_key.rsa.e", "RSA public exponent (e)")
    .desc("The RSA host key's public exponent e.");
pub static DSA_P: FieldDef = FieldDef::bytes("ssh.host_key.dsa.p", "DSA prime modulus (p)")
    .desc("The DSA host key's prime modulus p.");
pub static DSA_Q: FieldDef = FieldDef::bytes("ssh.host_key.dsa.q", "DSA prime divisor (q)")
    .desc("The DSA host key's prime divisor q.");
pub static DSA_G: FieldDef = FieldDef::bytes("ssh.host_key.dsa.g", "DSA subgroup generator (g)")
    .desc("The DSA host key's generator g.");
pub static DSA_Y: FieldDef = FieldDef::bytes("ssh.host_key.dsa.y", "DSA public key (y)")
    .desc("The DSA host key's public value y.");
pub static ECDSA_ID: FieldDef = FieldDef::string("ssh.host_key.ecdsa.id", "ECDSA elliptic curve identifier")
    .desc("Name of the ECDSA host key's curve, such as nistp256.");
pub static ECDSA_ID_LENGTH: FieldDef = FieldDef::u32("ssh.host_key.ecdsa.id_length", "ECDSA elliptic curve identifier length")
    .desc("Length in bytes of the curve name.");
pub static ECDSA_Q: FieldDef = FieldDef::bytes("ssh.host_key.ecdsa.q", "ECDSA public key (Q)")
    .desc("The ECDSA host key's public point Q.");
pub static ECDSA_Q_LENGTH: FieldDef = FieldDef::u32("ssh.host_key.ecdsa.q_length", "ECDSA public key length")
    .desc("Length in bytes of the ECDSA public point.");
pub static EDDSA_KEY: FieldDef = FieldDef::bytes("ssh.host_key.eddsa.key", "EdDSA public key")
    .desc("The Ed25519 or Ed448 public host key.");
pub static EDDSA_KEY_LENGTH: FieldDef = FieldDef::u32("ssh.host_key.eddsa.key_length", "EdDSA public key length")
    .desc("Length in bytes of the EdDSA public key.");
pub static HOST_SIG_LENGTH: FieldDef = FieldDef::u32("ssh.host_sig.length", "Host signature length")
    .desc("Length in bytes of the server's signature over the exchange hash.");
pub static HOST_SIG_TYPE_LENGTH: FieldDef = FieldDef::u32("ssh.host_sig.type_length", "Host signature type length")
    .desc("Length in bytes of the signature's type name.");
pub static HOST_SIG_TYPE: FieldDef = FieldDef::string("ssh.host_sig.type", "Host signature type")
    .desc("Signature algorithm name, such as ssh-ed25519.");
pub static HOST_SIG_DATA: FieldDef = FieldDef::bytes("ssh.host_sig.data", "Host signature data")
    .desc("The signature bytes that prove the server holds its host key.");
pub static HOST_SIG_RSA: FieldDef = FieldDef::bytes("ssh.host_sig.rsa", "RSA signature")
    .desc("An RSA signature over the exchange hash.");
pub static HOST_SIG_DSA: FieldDef = FieldDef::bytes("ssh.host_sig.dsa", "DSA signature")
    .desc("A DSA signature over the exchange hash.");
pub static DH_E: FieldDef = FieldDef::bytes("ssh.dh.e", "DH client e")
    .desc("The client's Diffie-Hellman public value e (RFC 4253 section 8).");
pub static DH_F: FieldDef = FieldDef::bytes("ssh.dh.f", "DH server f")
    .desc("The server's Diffie-Hellman public value f.");
pub static GEX_MIN: FieldDef = FieldDef::u32("ssh.dh_gex.min", "DH GEX Min")
    .desc("Smallest Diffie-Hellman group size in bits the client accepts (RFC 4419).");
pub static GEX_NBITS: FieldDef = FieldDef::u32("ssh.dh_gex.nbits", "DH GEX Number of Bits")
    .desc("Diffie-Hellman group size in bits the client prefers.");
pub static GEX_MAX: FieldDef = FieldDef::u32("ssh.dh_gex.max", "DH GEX Max")
    .desc("Largest Diffie-Hellman group size in bits the client accepts.");
pub static GEX_P: FieldDef = FieldDef::bytes("ssh.dh_gex.p", "DH GEX modulus (P)")
    .desc("Prime modulus p of the group the server chose.");
pub static GEX_G: FieldDef = FieldDef::bytes("ssh.dh_gex.g", "DH GEX base (G)")
    .desc("Generator g of the group the server chose.");
pub static ECDH_Q_C: FieldDef = FieldDef::bytes("ssh.ecdh.q_c", "ECDH client's ephemeral public key (Q_C)")
    .desc("The client's ephemeral elliptic-curve public key (RFC 5656 section 4).");
pub static ECDH_Q_C_LENGTH: FieldDef = FieldDef::u32("ssh.ecdh.q_c_length", "ECDH client's ephemeral public key length")
    .desc("Length in bytes of the client's ephemeral public key.");
pub static ECDH_Q_S: FieldDef = FieldDef::bytes("ssh.ecdh.q_s", "ECDH server's ephemeral public key (Q_S)")
    .desc("The server's ephemeral elliptic-curve public key.");
pub static ECDH_Q_S_LENGTH: FieldDef = FieldDef::u32("ssh.ecdh.q_s_length", "ECDH server's ephemeral public key length")
    .desc("Length in bytes of the server's ephemeral public key.");
pub static MPINT_LENGTH: FieldDef = FieldDef::u32("ssh.mpint_length", "Multi Precision Integer Length")
    .desc("Length in bytes of a multiple-precision integer that follows (RFC 4251 section 5).");

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

