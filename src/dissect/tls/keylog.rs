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

/// The secrets of every client random, compact: a key log of many
/// connections is read before the workers start, and a map of `Secrets`
/// (a vector per secret, tables rehashed as they grow) cost more in page
/// faults than the parsing.
#[derive(Default)]
struct Store {
    /// Where each secret of a client random lies in `bytes` (offset and
    /// length; length 0: not logged), in `SLOTS` order.
    index: HashMap<[u8; 32], [(u32, u32); 5]>,
    bytes: Vec<u8>,
}

/// The labels we use, in the order of a `Store` entry's slots.
const SLOTS: [&[u8]; 5] = [
    b"CLIENT_RANDOM",
    b"CLIENT_HANDSHAKE_TRAFFIC_SECRET",
    b"SERVER_HANDSHAKE_TRAFFIC_SECRET",
    b"CLIENT_TRAFFIC_SECRET_0",
    b"SERVER_TRAFFIC_SECRET_0",
];

static STORE: RwLock<Option<Store>> = RwLock::new(None);

/// Adds every line of a key log; returns how many lines it understood.
/// Comments, unknown labels (EXPORTER_SECRET, QUIC's) and lines that do not
/// parse are skipped, as Wireshark skips them.
pub fn add_text(text: &str) -> usize {
    let Ok(mut store) = STORE.write() else { return 0 };
    let store = store.get_or_insert_with(Store::default);
    text.lines().filter(|l| store.add_line(l.as_bytes()).is_some()).count()
}

/// Reads a key log file (`-o tls.keylog_file:PATH`) a line at a time, its
/// bytes as they are: a key log is ASCII, and a line with other bytes is
/// skipped as its hex does not parse.
pub fn load_file(path: &std::path::Path) -> Result<usize, String> {
    use std::io::BufRead;
    let err = |e: std::io::Error| format!("{}: {e}", path.display());
    let file = std::fs::File::open(path).map_err(err)?;
    let len = file.metadata().map_or(0, |m| m.len() as usize);
    let mut reader = std::io::BufReader::with_capacity(1 << 16, file);
    let Ok(mut store) = STORE.write() else { return Ok(0) };
    let store = store.get_or_insert_with(Store::default);
    // A connection's lines take 200 to 1000 bytes: the index is sized once
    // for most logs rather than rehashed as it grows.
    store.index.reserve(len / 400);
    let (mut line, mut read) = (Vec::new(), 0);
    while reader.read_until(b'\n', &mut line).map_err(err)? > 0 {
        read += usize::from(store.add_line(&line).is_some());
        line.clear();
    }
    Ok(read)
}

/// The secrets logged for a connection whose ClientHello had `random`.
pub fn lookup(random: &[u8; 32]) -> Option<Secrets> {
    STORE.read().ok()?.as_ref()?.secrets(random)
}

impl Store {
    fn secrets(&self, random: &[u8; 32]) -> Option<Secrets> {
        let slots = self.index.get(random)?;
        let secret = |i: usize| {
            let (at, len) = slots[i];
            (len > 0).then(|| self.bytes.get(at as usize..(at + len) as usize).map(<[u8]>::to_vec)).flatten()
        };
        Some(Secrets { master: secret(0), handshake: [secret(1), secret(2)], traffic: [secret(3), secret(4)] })
    }

    fn add_line(&mut self, line: &[u8]) -> Option<()> {
        let mut rest = line;
        // Labels we do not use are skipped before the rest is read.
        let label = word(&mut rest)?;
        let slot = SLOTS.iter().position(|&l| l == label)?;
        let mut r = [0; 32];
        hex_into(random_word(&mut rest)?, &mut r)?;
        let secret = word(&mut rest)?;
        // CLIENT_RANDOM's master secret is 48 bytes; a secret is not empty
        // (its word has at least two digits).
        if secret.len() % 2 != 0 || (slot == 0 && secret.len() != 96) {
            return None;
        }
        let at = self.bytes.len();
        self.bytes.resize(at + secret.len() / 2, 0);
        if hex_into(secret, &mut self.bytes[at..]).is_none() {
            self.bytes.truncate(at);
            return None;
        }
        let span = (u32::try_from(at).ok()?, u32::try_from(secret.len() / 2).ok()?);
        self.index.entry(r).or_default()[slot] = span;
        Some(())
    }
}

/// The next word of `rest` (words are split at ASCII whitespace), which
/// then starts after it.
fn word<'a>(rest: &mut &'a [u8]) -> Option<&'a [u8]> {
    let start = rest.iter().position(|b| !b.is_ascii_whitespace())?;
    let tail = &rest[start..];
    let len = tail.iter().position(u8::is_ascii_whitespace).unwrap_or(tail.len());
    *rest = &tail[len..];
    Some(&tail[..len])
}

/// `word` for the client random, which only 64 digits make: their end is
/// not searched for (whitespace among them fails as a digit).
fn random_word<'a>(rest: &mut &'a [u8]) -> Option<&'a [u8]> {
    let start = rest.iter().position(|b| !b.is_ascii_whitespace())?;
    let tail = &rest[start..];
    let (w, after) = tail.split_at_checked(64)?;
    if after.first().is_some_and(|b| !b.is_ascii_whitespace()) {
        return None;
    }
    *rest = after;
    Some(w)
}

/// Each byte's value as a hex digit; 0xff for the others.
static DIGITS: [u8; 256] = {
    let mut t = [0xff; 256];
    let mut i = 0;
    while i < 16 {
        t[b"0123456789abcdef"[i] as usize] = i as u8;
        t[b"0123456789ABCDEF"[i] as usize] = i as u8;
        i += 1;
    }
    t
};

/// Decodes `s` into `out`, which it must fill exactly. A non-digit's 0xff
/// shows in the OR of all the values, checked once at the end.
fn hex_into(s: &[u8], out: &mut [u8]) -> Option<()> {
    if s.len() != 2 * out.len() {
        return None;
    }
    let mut all = 0;
    for (o, p) in out.iter_mut().zip(s.chunks_exact(2)) {
        let (hi, lo) = (DIGITS[p[0] as usize], DIGITS[p[1] as usize]);
        all |= hi | lo;
        *o = hi << 4 | lo;
    }
    (all < 16).then_some(())
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
             CLIENT_RANDOM abcd 0102\nCLIENT_TRAFFIC_SECRET_0 {random} 0x\nCLIENT_RANDOM {random} 11\n",
            "11".repeat(48)
        );
        let mut store = Store::default();
        let read = text.lines().filter(|l| store.add_line(l.as_bytes()).is_some()).count();
        assert_eq!(read, 3);
        let s = store.secrets(&[0xaa; 32]).unwrap();
        assert_eq!(s.master.as_deref(), Some(&[0x11; 48][..]));
        assert_eq!(s.handshake, [None, Some(vec![1, 2])]);
        assert_eq!(s.traffic, [Some(vec![3, 4]), None]);
    }
}
