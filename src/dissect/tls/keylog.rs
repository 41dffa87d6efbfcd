//! The TLS secrets a key log gives (the `SSLKEYLOGFILE` format browsers,
//! curl and OpenSSL write: `LABEL <client random> <secret>` in hex, one a
//! line), from `-o tls.keylog_file:PATH` or from a pcapng file's Decryption
//! Secrets Blocks, which carry the same text.
//!
//! The store is one per process, like the Decode As table: the user's
//! choice for the whole run, filled before dissecting (a DSB comes before
//! the packets it decrypts) and read by every worker thread. Secrets are
//! found by the ClientHello's random, so those of several captures or
//! files never get in each other's way.

use std::sync::RwLock;

use crate::dissect::conv::HashMap;

/// What a key log says about one connection (one client random).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Secrets {
    /// TLS 1.2 and earlier: `CLIENT_RANDOM`'s 48-byte master secret.
    pub master: Option<Vec<u8>>,
    /// TLS 1.3's handshake traffic secrets, client's then server's.
    pub handshake: [Option<Vec<u8>>; 2],
    /// TLS 1.3's first application traffic secrets, client's then server's.
    pub traffic: [Option<Vec<u8>>; 2],
}

static STORE: RwLock<Option<HashMap<[u8; 32], Secrets>>> = RwLock::new(None);

/// Adds every line of a key log; returns how many lines it understood.
/// Comments, unknown labels (EXPORTER_SECRET, QUIC's) and lines that do not
/// parse are skipped, as Wireshark skips them.
pub fn add_text(text: &str) -> usize {
    let Ok(mut store) = STORE.write() else { return 0 };
    let map = store.get_or_insert_with(HashMap::default);
    text.lines().filter(|l| add_line(map, l).is_some()).count()
}

/// Reads a key log file (`-o tls.keylog_file:PATH`).
pub fn load_file(path: &std::path::Path) -> Result<usize, String> {
    let text = std::fs::read(path).map_err(|e| format!("{}: {e}", path.display()))?;
    Ok(add_text(&String::from_utf8_lossy(&text)))
}

/// The secrets logged for a connection whose ClientHello had `random`.
pub fn lookup(random: &[u8; 32]) -> Option<Secrets> {
    STORE.read().ok()?.as_ref()?.get(random).cloned()
}

fn add_line(map: &mut HashMap<[u8; 32], Secrets>, line: &str) -> Option<()> {
    let mut words = line.split_ascii_whitespace();
    let (label, random, secret) = (words.next()?, words.next()?, words.next()?);
    let random: [u8; 32] = hex(random)?.try_into().ok()?;
    let secret = hex(secret)?;
    let slot = match label {
        "CLIENT_RANDOM" if secret.len() == 48 => &mut map.entry(random).or_default().master,
        "CLIENT_HANDSHAKE_TRAFFIC_SECRET" => &mut map.entry(random).or_default().handshake[0],
        "SERVER_HANDSHAKE_TRAFFIC_SECRET" => &mut map.entry(random).or_default().handshake[1],
        "CLIENT_TRAFFIC_SECRET_0" => &mut map.entry(random).or_default().traffic[0],
        "SERVER_TRAFFIC_SECRET_0" => &mut map.entry(random).or_default().traffic[1],
        _ => return None,
    };
    *slot = Some(secret);
    Some(())
}

fn hex(s: &str) -> Option<Vec<u8>> {
    let b = s.as_bytes();
    if b.len() % 2 != 0 {
        return None;
    }
    let digit = |c: u8| (c as char).to_digit(16).map(|d| d as u8);
    b.chunks_exact(2).map(|p| Some(digit(p[0])? << 4 | digit(p[1])?)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn key_log_lines_fill_their_slots() {
        let random = "aa".repeat(32);
        let text = format!(
            "# a comment\nCLIENT_RANDOM {random} {}\nSERVER_HANDSHAKE_TRAFFIC_SECRET {random} 0102\n\
             CLIENT_TRAFFIC_SECRET_0 {random} 0304\nEXPORTER_SECRET {random} 05\nCLIENT_RANDOM {random} zz\n\
             CLIENT_RANDOM abcd 0102\n",
            "11".repeat(48)
        );
        let mut map = HashMap::default();
        let read = text.lines().filter(|l| add_line(&mut map, l).is_some()).count();
        assert_eq!(read, 3);
        let s = &map[&[0xaa; 32]];
        assert_eq!(s.master.as_deref(), Some(&[0x11; 48][..]));
        assert_eq!(s.handshake, [None, Some(vec![1, 2])]);
        assert_eq!(s.traffic, [Some(vec![3, 4]), None]);
    }
}
