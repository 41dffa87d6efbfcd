//! TLS's story: records, the handshake's messages and alerts, after RFC
//! 8446 (TLS 1.3) and RFC 5246 (TLS 1.2).

use super::{Item, Story};

pub(super) fn story(it: &Item) -> Option<Story> {
    match it.name() {
        "tls.record.content_type" => {
            let what = match it.uint()? {
                20 => "ChangeCipherSpec: in TLS 1.2 it says that what follows is encrypted; TLS 1.3 sends it only for middleboxes that expect it",
                21 => "Alert: a warning or the reason the connection ends",
                22 => "Handshake: the messages that agree on a version, a cipher suite and keys, and prove the server's identity",
                23 => "Application Data: the protected bytes of the protocol inside (HTTP for https); without the keys they cannot be read",
                24 => "Heartbeat",
                _ => "a content type TLS does not define",
            };
            Story::new(
                "RFC 8446, section 5.1 (record layer)",
                vec![
                    format!("Content type {}: {what}.", it.uint()?),
                    "TLS cuts everything it sends into records of at most 16 KiB, each with this 5-byte header (type, version, length); one TCP segment can carry several records, and one record can span several segments.".into(),
                ],
            )
        }
        "tls.record.version" | "tls.handshake.version" => Story::new(
            "RFC 8446, sections 4.1.2 (ClientHello: legacy_version) and 4.2.1 (supported_versions)",
            vec![
                format!("Version {}: TLS 1.0 is 0x0301, 1.1 0x0302, 1.2 0x0303, 1.3 0x0304.", it.text()),
                "TLS 1.3 keeps 0x0303 (or 0x0301 in the first record) in these fields so that old middleboxes let it pass, and names the real version in the supported_versions extension instead: look there, not here.".into(),
            ],
        ),
        "tls.handshake.type" => {
            let (what, read) = match it.uint()? {
                1 => ("Client Hello: the client offers its TLS versions, cipher suites and extensions (the server name it wants in SNI, the application protocols in ALPN, its key shares), with a random number", "RFC 8446, section 4.1.2"),
                2 => ("Server Hello: the server picks one version and one cipher suite from the client's offer and sends its own random number and key share; in TLS 1.3 everything after it is encrypted", "RFC 8446, section 4.1.3"),
                4 => ("New Session Ticket: a ticket the client can present later to resume without a full handshake", "RFC 8446, section 4.6.1"),
                8 => ("Encrypted Extensions: the TLS 1.3 server's extensions that need not be in the clear", "RFC 8446, section 4.3.1"),
                11 => ("Certificate: the server's certificate chain, which the client checks against the names and authorities it trusts", "RFC 8446, section 4.4.2"),
                12 => ("Server Key Exchange: the TLS 1.2 server's (EC)DHE share, signed with its certificate's key", "RFC 5246, section 7.4.3"),
                13 => ("Certificate Request: the server asks the client for a certificate too", "RFC 8446, section 4.3.2"),
                14 => ("Server Hello Done: the TLS 1.2 server has sent all its hello messages", "RFC 5246, section 7.4.5"),
                15 => ("Certificate Verify: a signature over the handshake so far, proving the sender owns the certificate's private key", "RFC 8446, section 4.4.3"),
                16 => ("Client Key Exchange: the TLS 1.2 client's (EC)DHE share; both sides now compute the keys", "RFC 5246, section 7.4.7"),
                20 => ("Finished: a MAC over the whole handshake with the new keys, so that tampering with any earlier message is detected", "RFC 8446, section 4.4.4"),
                _ => ("a handshake message type", "RFC 8446, section 4"),
            };
            Story::new(read, vec![format!("{what}.")])
        }
        "tls.handshake.extensions_server_name" => Story::new(
            "RFC 6066, section 3 (Server Name Indication)",
            vec![format!("The client asks for {}: one address can serve many sites, and the server picks the certificate for this name. It is sent in the clear, so anyone on the path sees which site is visited even though the rest is encrypted.", it.text())],
        ),
        "tls.alert_message.level" | "tls.alert_message.desc" => Story::new(
            "RFC 8446, section 6 (alert protocol)",
            vec![format!(
                "Alert {}: level 1 is a warning, 2 is fatal (the connection ends at once). close_notify (0) is the polite end of a connection; the others name what went wrong (bad_certificate, handshake_failure, …).",
                it.text()
            )],
        ),
        _ => None,
    }
}
