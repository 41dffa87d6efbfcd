//! What a TLS conversation remembers between records: the version the
//! server chose (a ServerHello's supported_versions makes the rest of the
//! stream TLS 1.3), its cipher suite (how a key exchange message reads) and
//! the protocol ALPN agreed on; with a key log, the randoms and each
//! direction's keys and sequence number.

use super::decrypt::Keys;

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct TlsStream {
    /// The session's version once a ServerHello set it; records before it
    /// are named by their own version field.
    pub version: Option<u16>,
    /// The cipher suite the ServerHello chose.
    pub cipher: Option<u16>,
    /// The application protocol the ServerHello's ALPN named.
    pub alpn: Option<String>,
    /// Each side (client first) sent a change cipher spec: its handshake
    /// messages after it are encrypted.
    pub ccs: [bool; 2],
    /// The hellos' randoms: the client's finds the secrets in the key log,
    /// both seed TLS 1.2's key block.
    pub randoms: [Option<[u8; 32]>; 2],
    /// The keys each direction's records are decrypted with now.
    pub keys: [Option<Keys>; 2],
    /// The keys a direction takes next: TLS 1.2's at its change cipher
    /// spec, TLS 1.3's application traffic keys after its Finished.
    pub next: [Option<Keys>; 2],
    /// Decrypted application data that began a message a later record
    /// completes (Wireshark's TLS reassembly), each direction's.
    pub held: [Held; 2],
}

/// Application data waiting for the rest of its message: the bytes, and
/// the frames and byte counts they came from.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Held {
    pub bytes: Vec<u8>,
    pub segs: Vec<(u32, u32)>,
}

/// Each stream's state and each call's starting state.
pub type TlsState = crate::dissect::conv::CallStates<TlsStream>;
