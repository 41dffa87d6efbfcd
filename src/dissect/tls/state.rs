//! What a TLS conversation remembers between records: the version the
//! server chose (a ServerHello's supported_versions makes the rest of the
//! stream TLS 1.3), its cipher suite (how a key exchange message reads) and
//! the protocol ALPN agreed on.

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
}

/// Each stream's state and each call's starting state.
pub type TlsState = crate::dissect::conv::CallStates<TlsStream>;
