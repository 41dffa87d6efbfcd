//! DNS names on the wire: labels, compression pointers, and the text
//! Wireshark shows for them.
//!
//! We read names ourselves (not with hickory-proto) because the tree needs
//! what a decoded `Name` forgets: how many bytes the name occupies where it
//! is written (the item's range), and Wireshark's rendering of odd names
//! (`<Root>`, octal escapes, `<Name contains a pointer that loops>`).

use crate::dissect::{Buf, DResult};

/// A name as read at one place in a message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WireName {
    /// Wireshark's text for the name.
    pub text: String,
    /// Bytes the name occupies at the place it was read (up to and including
    /// the first compression pointer).
    pub wire_len: usize,
    /// `dns.qry.name.len`: length of the name before escaping (the text's
    /// own length for the special `<…>` names).
    pub name_len: usize,
    /// `dns.count.labels`.
    pub labels: usize,
}

const LOOP: &str = "<Name contains a pointer that loops>";
const EXTENDED: &str = "<Unknown extended label>";
const ROOT: &str = "<Root>";
const TOO_LONG: &str = "<Name too long>";
/// Names of this many characters or more do not fit Wireshark's buffer.
const MAX_NAME: usize = 254;

/// Reads the name at `off` of the DNS message `msg` (pointers are offsets in
/// `msg`). Running past the message's end is an error of the buffer; a
/// pointer loop or an extended label gives Wireshark's placeholder text.
pub fn read_name(msg: &Buf, off: usize) -> DResult<WireName> {
    let mut raw: Vec<u8> = Vec::new();
    let mut pos = off;
    let mut wire_len: Option<usize> = None;
    // A name that reads more bytes than the message has must revisit some:
    // its pointers loop (Wireshark's test, which also bounds the work).
    let mut seen = 0usize;
    let mut pointers = 0usize;
    let special = loop {
        // Wireshark's 255-byte name buffer: once full, the name is "too
        // long"; the rest is walked only as far as the name's own length.
        if raw.len() >= MAX_NAME && wire_len.is_some() {
            break Some(TOO_LONG);
        }
        let len = msg.u8(pos)?;
        match len & 0xc0 {
            0x00 => {
                if len == 0 {
                    wire_len.get_or_insert_with(|| pos + 1 - off);
                    break (raw.len() >= MAX_NAME).then_some(TOO_LONG);
                }
                let label = msg.bytes(pos + 1, len as usize)?;
                if raw.len() < MAX_NAME {
                    if !raw.is_empty() {
                        raw.push(b'.');
                    }
                    raw.extend_from_slice(label);
                }
                pos += 1 + len as usize;
                seen += 1 + len as usize;
                if seen > msg.len() {
                    break Some(LOOP);
                }
            }
            0xc0 => {
                let target = (msg.u16(pos)? & 0x3fff) as usize;
                wire_len.get_or_insert_with(|| pos + 2 - off);
                seen += 2;
                pointers += 1;
                if seen > msg.len() || pointers > 255 {
                    break Some(LOOP);
                }
                pos = target;
            }
            _ => {
                wire_len.get_or_insert_with(|| pos + 1 - off);
                break Some(EXTENDED);
            }
        }
    };
    let wire_len = wire_len.unwrap_or(0);
    if let Some(s) = special {
        return Ok(WireName { text: s.into(), wire_len, name_len: s.len(), labels: 1 });
    }
    if raw.is_empty() {
        return Ok(WireName { text: ROOT.into(), wire_len, name_len: ROOT.len(), labels: 1 });
    }
    // Wireshark reports a one-character name as having no length and no
    // labels; we keep its figures.
    let (name_len, labels) = match raw.len() {
        0 | 1 => (0, 0),
        n => (n, 1 + raw.iter().filter(|&&c| c == b'.').count()),
    };
    Ok(WireName { text: escape(&raw), wire_len, name_len, labels })
}

/// Control characters as `\ooo`, as Wireshark writes them; bytes that are not
/// ASCII become U+FFFD, as its UTF-8 output does.
pub fn escape(raw: &[u8]) -> String {
    let mut s = String::with_capacity(raw.len());
    for &c in raw {
        match c {
            0x20..=0x7e => s.push(c as char),
            0x80..=0xff => s.push('\u{fffd}'),
            _ => {
                s.push('\\');
                s.push(char::from(b'0' + (c >> 6)));
                s.push(char::from(b'0' + ((c >> 3) & 7)));
                s.push(char::from(b'0' + (c & 7)));
            }
        }
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dissect::DissectError;

    fn name(msg: &[u8], off: usize) -> DResult<WireName> {
        read_name(&Buf::new(msg, msg.len()), off)
    }

    #[test]
    fn plain_and_compressed() {
        let msg = b"\x03www\x07example\x03com\x00\x04mail\xc0\x04";
        let n = name(msg, 0).unwrap();
        assert_eq!((n.text.as_str(), n.wire_len, n.name_len, n.labels), ("www.example.com", 17, 15, 3));
        let n = name(msg, 17).unwrap();
        assert_eq!((n.text.as_str(), n.wire_len, n.labels), ("mail.example.com", 7, 3));
    }

    #[test]
    fn root_escapes_and_extended_labels() {
        let n = name(b"\x01a\x00", 0).unwrap();
        assert_eq!((n.text.as_str(), n.name_len, n.labels), ("a", 0, 0));
        let n = name(b"\x00", 0).unwrap();
        assert_eq!((n.text.as_str(), n.wire_len, n.name_len), ("<Root>", 1, 6));
        let n = name(b"\x03a\x01b\x02c.\x00", 0).unwrap();
        assert_eq!((n.text.as_str(), n.name_len, n.labels), ("a\\001b.c.", 6, 3));
        let n = name(b"\x03abc\x40\x00", 0).unwrap();
        assert_eq!((n.text.as_str(), n.wire_len, n.name_len), ("<Unknown extended label>", 5, 24));
    }

    #[test]
    fn loops_and_bad_lengths() {
        let n = name(b"\x01a\xc0\x00", 0).unwrap();
        assert_eq!((n.text.as_str(), n.wire_len), (LOOP, 4));
        assert_eq!(name(b"\xc0\x00", 0).unwrap().text, LOOP);
        assert_eq!(name(b"\x05ab", 0), Err(DissectError::Malformed));
        assert_eq!(name(b"\x01a\xc0\x40", 0), Err(DissectError::Malformed));
        assert_eq!(name(b"\x01a", 0), Err(DissectError::Malformed));
    }

    #[test]
    fn names_past_wiresharks_buffer_are_too_long() {
        // 4 labels of 63: 255 characters with the dots.
        let mut msg = Vec::new();
        for _ in 0..4 {
            msg.push(63);
            msg.extend_from_slice(&[b'x'; 63]);
        }
        msg.push(0);
        let n = name(&msg, 0).unwrap();
        assert_eq!((n.text.as_str(), n.wire_len, n.name_len, n.labels), (TOO_LONG, 257, 15, 1));
        // 253 characters still fit.
        let mut msg = vec![63; 1];
        msg.extend_from_slice(&[b'y'; 63]);
        for _ in 0..2 {
            msg.push(63);
            msg.extend_from_slice(&[b'y'; 63]);
        }
        msg.push(61);
        msg.extend_from_slice(&[b'y'; 61]);
        msg.push(0);
        assert_eq!(name(&msg, 0).unwrap().name_len, 253);
        // A chain of forward pointers stops at 255 of them.
        let mut msg = Vec::new();
        for i in 0..300u16 {
            msg.extend_from_slice(&(0xc000 | (2 * i + 2)).to_be_bytes());
        }
        assert_eq!(name(&msg, 0).unwrap().text, LOOP);
    }
}
