//! Copying to the clipboard of the terminal the user sits at, through the
//! OSC 52 escape (`ESC ] 52 ; c ; BASE64 BEL`): the terminal (xterm, kitty,
//! iTerm2, WezTerm, tmux with `set-clipboard on`) puts the text on its
//! clipboard, so copying works over ssh, where no X or Wayland clipboard of
//! the user's machine is reachable.

use std::io::Write;

use crate::field::base64;

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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_escape_wraps_the_text_in_base64() {
        assert_eq!(osc52("ip.src == 127.0.0.1"), b"\x1b]52;c;aXAuc3JjID09IDEyNy4wLjAuMQ==\x07");
        let mut out = Vec::new();
        copy(&mut out, "→").unwrap();
        assert_eq!(out, b"\x1b]52;c;4oaS\x07");
    }
}
