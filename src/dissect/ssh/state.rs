//! What an SSH conversation remembers: the protocol version the client's
//! banner named, each side's banner and key exchange progress, the
//! algorithms both sides proposed and the ones agreed, and the packet
//! sequence numbers Wireshark shows during the key exchange.

/// How the agreed key exchange method's messages 30 to 39 read.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum KexKind {
    /// Diffie-Hellman with a fixed group, Wireshark's default (also for
    /// methods it does not know, such as sntrup761x25519).
    #[default]
    Dh,
    /// Diffie-Hellman group exchange.
    Gex,
    /// Elliptic-curve Diffie-Hellman (and curve25519/448).
    Ecdh,
}

/// One side of the conversation (index 0: the client).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Peer {
    /// The frame that held this side's banner: later frames starting with
    /// `SSH-` are not banners any more.
    pub banner_frame: Option<u32>,
    /// A KEXINIT from this side was seen.
    pub kexinit: bool,
    /// This side sent NEWKEYS: its later packets are encrypted.
    pub newkeys: bool,
    /// Proposals of its KEXINIT: kex, then encryption, MAC and compression
    /// for each direction (client to server first).
    pub kex: Option<String>,
    pub enc: [Option<String>; 2],
    pub mac: [Option<String>; 2],
    pub comp: [Option<String>; 2],
    /// What this side sends with after its NEWKEYS.
    pub enc_chosen: Option<String>,
    pub mac_chosen: Option<String>,
    pub comp_chosen: Option<String>,
    /// MAC bytes after each encrypted packet, when known.
    pub mac_length: Option<usize>,
    /// The packet length is sent in the clear (encrypt-then-MAC, GCM).
    pub length_in_clear: bool,
    /// Wireshark's sequence numbering of key exchange messages.
    pub seq: u32,
    pub seq_kexinit: Option<u32>,
    /// The numbers of messages 30 to 39, each fixed when first seen.
    pub seq_kex: [Option<u32>; 10],
    pub seq_newkeys: Option<u32>,
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SshStream {
    /// 2 (or 1) once the client's banner named it.
    pub version: Option<u8>,
    pub peers: [Peer; 2],
    /// The agreed key exchange method.
    pub kex: Option<String>,
    pub kind: KexKind,
}

/// Each stream's state and each call's starting state.
pub type SshState = crate::dissect::conv::CallStates<SshStream>;
