//! End-to-end: the inspector in a real terminal (tmux), driven by keys and
//! read back from the screen. Skipped when tmux or the capture is missing.

use std::net::UdpSocket;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

/// A session on a tmux server of its own, so that other tests' sessions (or
/// a `kill-server`) cannot disturb it.
struct Session(String);

impl Drop for Session {
    fn drop(&mut self) {
        self.tmux(&["kill-server"]);
    }
}

impl Session {
    /// Starts `wirelens ARGS` in a 120×40 terminal; after it exits, the pane
    /// shows whether the terminal is still raw and the exit status.
    fn start(name: &str, args: &str) -> Option<Session> {
        if Command::new("tmux").arg("-V").output().is_err() {
            eprintln!("skipping: tmux is not installed");
            return None;
        }
        let s = Session(format!("wirelens-tui-{name}-{}", std::process::id()));
        let cmd = format!(
            "{} {args}; echo EXITED $?; echo STTY $(stty -a | grep -o -- '-icanon' || echo cooked); sleep 30",
            env!("CARGO_BIN_EXE_wirelens"),
        );
        s.tmux(&["new-session", "-d", "-x", "120", "-y", "40", "-s", &s.0, &cmd]);
        Some(s)
    }

    fn tmux(&self, args: &[&str]) -> String {
        match Command::new("tmux").args(["-L", &self.0]).args(args).output() {
            Ok(out) => String::from_utf8_lossy(&out.stdout).into_owned(),
            Err(e) => panic!("tmux {args:?}: {e}"),
        }
    }

    fn screen(&self) -> String {
        self.tmux(&["capture-pane", "-p", "-t", &self.0])
    }

    fn keys(&self, keys: &[&str]) {
        for k in keys {
            self.tmux(&["send-keys", "-t", &self.0, k]);
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
    let Some(s) = Session::start("browse", &file.display().to_string()) else { return };
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
    let flags = s.tmux(&["display-message", "-p", "-t", &s.0, "#{alternate_on}#{mouse_any_flag}"]);
    assert_eq!(flags.trim(), "00", "alternate screen or mouse reporting left on");
}

#[test]
fn live_capture_shows_packets_as_they_arrive() {
    let port = 20_000 + (std::process::id() % 20_000) as u16;
    let Some(s) = Session::start("live", &format!("-i lo -f 'udp port {port}'")) else { return };
    let first = s.wait_for("Capturing");
    if first.contains("permission") || first.contains("EXITED") {
        eprintln!("skipping: cannot capture on lo here:\n{first}");
        return;
    }
    let sock = UdpSocket::bind("127.0.0.1:0").expect("bind");
    for i in 0..3 {
        sock.send_to(format!("ping {i}").as_bytes(), ("127.0.0.1", port)).expect("send");
    }
    let screen = s.wait_for("Packets: 3 │");
    assert!(screen.contains(&format!("→ {port} Len=6")), "{screen}");
    assert!(screen.contains("Dropped: 0") && screen.contains(&format!("lo (udp port {port})")), "{screen}");
    // The list follows: the newest packet is selected and shown in the tree.
    assert!(screen.contains("Frame 3:"), "{screen}");
    s.keys(&["q"]);
    let after = s.wait_for("STTY");
    assert!(after.contains("EXITED 0") && after.contains("STTY cooked"), "{after}");
}
