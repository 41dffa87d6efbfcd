//! Copying to the clipboard of the terminal the user sits at, through the
//! OSC 52 escape (`ESC ] 52 ; c ; BASE64 BEL`): the terminal (xterm, kitty,
//! iTerm2, WezTerm, tmux with `set-clipboard on`) puts the text on its
//! clipboard, so copying works over ssh, where no X or Wayland clipboard of
//! the user's machine is reachable.

use std::io::Write;

/// The escape that asks the terminal to put `text` on its clipboard (`c`).
pub fn osc52(text: &str) -> Vec<u8> {
    let mut out = b"\x1b]52;c;".to_vec();
    out.extend_from_slice(base64(text.as_bytes()).as_bytes());
    out.push(0x07);
    out
}

/// Writes the escape for `text` to `out` (the terminal, or a test's buffer).
pub fn copy(out: &mut dyn Write, text: &str) -> std::io::Result<()> {
    out.write_all(&osc52(text))?;
    out.flush()
}

/// Standard base64 with padding (RFC 4648 §4), which OSC 52 takes.
fn base64(b: &[u8]) -> String {
    const ABC: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut s = String::with_capacity(b.len().div_ceil(3) * 4);
    for chunk in b.chunks(3) {
        let n = chunk.iter().enumerate().fold(0u32, |n, (i, &x)| n | (x as u32) << (16 - 8 * i));
        for i in 0..4 {
            if i <= chunk.len() {
                s.push(ABC[(n >> (18 - 6 * i) & 63) as usize] as char);
            } else {
                s.push('=');
            }
        }
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64_of_the_rfc_test_vectors() {
        let cases = [("", ""), ("f", "Zg=="), ("fo", "Zm8="), ("foo", "Zm9v"), ("foob", "Zm9vYg=="), ("fooba", "Zm9vYmE="), ("foobar", "Zm9vYmFy")];
        for (plain, encoded) in cases {
            assert_eq!(base64(plain.as_bytes()), encoded, "{plain:?}");
        }
    }

    #[test]
    fn the_escape_wraps_the_text_in_base64() {
        assert_eq!(osc52("ip.src == 127.0.0.1"), b"\x1b]52;c;aXAuc3JjID09IDEyNy4wLjAuMQ==\x07");
        let mut out = Vec::new();
        copy(&mut out, "→").unwrap();
        assert_eq!(out, b"\x1b]52;c;4oaS\x07");
    }
}
