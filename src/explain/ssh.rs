//! SSH's story: the version exchange, the algorithm negotiation and the
//! encrypted packets, after RFC 4253.

use super::{Item, Story};

pub(super) fn story(it: &Item) -> Option<Story> {
    match it.name() {
        "ssh.protocol" => Story::new(
            "RFC 4253, section 4.2 (protocol version exchange)",
            vec![
                format!("{}: each side first sends one line naming the protocol version (2.0) and its software, in the clear.", it.text()),
                "Then comes the key exchange, and everything after it (the password, the commands and their output) is encrypted.".into(),
            ],
        ),
        "ssh.message_code" => {
            let what = match it.uint()? {
                20 => "SSH_MSG_KEXINIT: each side lists, in order of preference, the algorithms it supports for key exchange, host keys, encryption, MAC and compression; for each, the first of the client's list the server also supports wins",
                21 => "SSH_MSG_NEWKEYS: from the next packet on, the new keys are used",
                30 | 31 => "a message of the key exchange method chosen (Diffie-Hellman or elliptic-curve: the public values and, from the server, its host key and a signature)",
                _ => "a message of the SSH transport, authentication or connection protocol",
            };
            Story::new("RFC 4253, sections 7 (key exchange) and 12 (message numbers)", vec![format!("Message code {}: {what}.", it.uint()?)])
        }
        "ssh.kex_algorithms" | "ssh.encryption_algorithms_client_to_server" | "ssh.encryption_algorithms_server_to_client" => Story::new(
            "RFC 4253, section 7.1 (algorithm negotiation)",
            vec!["A comma-separated list in order of preference. The algorithm used is the first one in the client's list that is also in the server's: both sides compute the same choice without another message.".into()],
        ),
        "ssh.packet_length" | "ssh.packet_length_encrypted" => Story::new(
            "RFC 4253, section 6 (binary packet protocol)",
            vec!["Every SSH packet after the version lines is: length, padding length, payload, random padding, MAC. After NEWKEYS the lengths are encrypted too (or authenticated separately), so a capture shows only the sizes of the packets, not their contents.".into()],
        ),
        _ => None,
    }
}
