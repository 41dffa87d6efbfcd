//! End-to-end: the inspector in a real terminal (tmux), driven by keys and
//! read back from the screen. Skipped when tmux or the capture is missing.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

fn tmux(args: &[&str]) -> String {
    match Command::new("tmux").args(args).output() {
        Ok(out) => String::from_utf8_lossy(&out.stdout).into_owned(),
        Err(e) => panic!("tmux {args:?}: {e}"),
    }
}

struct Session(String);

impl Drop for Session {
    fn drop(&mut self) {
        let _ = Command::new("tmux").args(["kill-session", "-t", &self.0]).output();
    }
}

impl Session {
    /// Starts `wirelens FILE` in a 120×40 terminal; after it exits, the pane
    /// shows whether the terminal is still raw and the exit status.
    fn start(name: &str, file: &Path) -> Option<Session> {
        if Command::new("tmux").arg("-V").output().is_err() {
            eprintln!("skipping: tmux is not installed");
            return None;
        }
        let s = Session(format!("wirelens-{name}-{}", std::process::id()));
        let cmd = format!(
            "{} {}; echo EXITED $?; echo STTY $(stty -a | grep -o -- '-icanon' || echo cooked); sleep 30",
            env!("CARGO_BIN_EXE_wirelens"),
            file.display()
        );
        tmux(&["new-session", "-d", "-x", "120", "-y", "40", "-s", &s.0, &cmd]);
        Some(s)
    }

    fn screen(&self) -> String {
        tmux(&["capture-pane", "-p", "-t", &self.0])
    }

    fn keys(&self, keys: &[&str]) {
        for k in keys {
            tmux(&["send-keys", "-t", &self.0, k]);
        }
    }

    /// Waits (up to 15 s) for the screen to contain `text`.
    fn wait_for(&self, text: &str) -> String {
        let start = Instant::now();
        loop {
            let s = self.screen();
            if s.contains(text) {
                return s;
            }
            if start.elapsed() > Duration::from_secs(15) {
                panic!("screen never showed {text:?}:\n{s}");
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

fn capture(name: &str) -> Option<PathBuf> {
    let p = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/captures").join(name);
    if p.exists() {
        Some(p)
    } else {
        eprintln!("skipping: {} is absent", p.display());
        None
    }
}

#[test]
fn browse_a_capture_and_quit_cleanly() {
    let Some(file) = capture("suricata-verify__http-protocol-nodup--input.pcap") else { return };
    let Some(s) = Session::start("browse", &file) else { return };
    let first = s.wait_for("2545 → 80 [SYN]");
    assert!(first.contains("Frame 1: 74 bytes on wire"), "{first}");
    assert!(first.contains("0000  38 97 d6 b0"), "{first}");
    // Packet 4 via go-to; open its IPv4 layer; the status bar stays.
    s.keys(&[":", "4", "Enter"]);
    s.wait_for("Frame 4: 1506 bytes on wire");
    s.keys(&["Tab", "j", "j", "Enter"]);
    let tree = s.wait_for("Identification: 0xd481 (54401)");
    assert!(tree.contains("Packets: "), "{tree}");
    // A display filter: the count agrees with `tshark -Y "tcp.dstport == 80"` (16 of 36).
    s.keys(&["/", "tcp.dstport == 80", "Enter"]);
    let filtered = s.wait_for("Displayed: 16 (44.4%)");
    assert!(filtered.contains("Packets: 36"), "{filtered}");
    assert!(!filtered.contains("80 → 2545"), "{filtered}");
    s.keys(&["?"]);
    s.wait_for("cycle the time format");
    s.keys(&["Escape", "q"]);
    let after = s.wait_for("STTY");
    assert!(after.contains("EXITED 0"), "{after}");
    assert!(after.contains("STTY cooked"), "raw mode left on:\n{after}");
    assert!(!after.contains("Packets ─"), "alternate screen not left:\n{after}");
    let flags = tmux(&["display-message", "-p", "-t", &s.0, "#{alternate_on}#{mouse_any_flag}"]);
    assert_eq!(flags.trim(), "00", "alternate screen or mouse reporting left on");
}
