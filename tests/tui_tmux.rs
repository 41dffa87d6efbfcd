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
        Session::launch(name, "", args, "sleep 30")
    }

    /// `start` with `env` (`VAR=value …`) before the command and `then` run
    /// after the status lines.
    fn launch(name: &str, env: &str, args: &str, then: &str) -> Option<Session> {
        if Command::new("tmux").arg("-V").output().is_err() {
            eprintln!("skipping: tmux is not installed");
            return None;
        }
        let s = Session(format!("wirelens-tui-{name}-{}", std::process::id()));
        let cmd = format!(
            "{env} {} {args}; echo EXITED $?; echo STTY $(stty -a | grep -o -- '-icanon' || echo cooked); {then}",
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

    /// Waits (up to 15 s) for `text` to leave the screen.
    fn wait_until_gone(&self, text: &str) {
        let start = Instant::now();
        while self.screen().contains(text) {
            assert!(start.elapsed() < Duration::from_secs(15), "{text:?} stays on screen");
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// Waits (up to 15 s) for the screen to contain `text`.
    fn wait_for(&self, text: &str) -> String {
        self.wait_until(text, |s| s.contains(text))
    }

    /// Waits (up to 15 s) for a screen holding every one of `texts`: a
    /// terminal is drawn a piece at a time, and a screen captured on its
    /// first text may still miss the others.
    fn wait_for_all(&self, texts: &[&str]) -> String {
        self.wait_until(&format!("{texts:?}"), |s| texts.iter().all(|t| s.contains(t)))
    }

    /// Waits (up to 15 s) for a screen that `ok` accepts; `what` names it.
    fn wait_until(&self, what: &str, ok: impl Fn(&str) -> bool) -> String {
        let start = Instant::now();
        loop {
            let s = self.screen();
            if ok(&s) {
                return s;
            }
            if start.elapsed() > Duration::from_secs(15) {
                panic!("screen never showed {what}:\n{s}");
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

/// The text of `line` (from `capture-pane -e`) shown in reverse video.
fn reversed(line: &str) -> String {
    let mut out = String::new();
    let mut rev = false;
    let mut chars = line.chars().peekable();
    while let Some(c) = chars.next() {
        if c != '\x1b' {
            if rev {
                out.push(c);
            }
            continue;
        }
        if chars.next_if_eq(&'[').is_none() {
            continue;
        }
        let mut params = String::new();
        for p in chars.by_ref() {
            if p.is_ascii_alphabetic() {
                if p == 'm' {
                    for code in params.split(';') {
                        match code {
                            "" | "0" | "27" => rev = false,
                            "7" => rev = true,
                            _ => {}
                        }
                    }
                }
                break;
            }
            params.push(p);
        }
    }
    out
}

/// Live capture needs root; without it a test skips with a note.
fn can_capture() -> bool {
    // SAFETY: geteuid has no preconditions.
    let root = unsafe { libc::geteuid() } == 0;
    if !root {
        eprintln!("skipping: live capture needs root");
    }
    root
}

fn sample(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("sample-captures").join(name)
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
    // Waiting for each part in turn: a capture can catch a frame half drawn.
    s.wait_for("2545 → 80 [SYN]");
    s.wait_for("Frame 1: 74 bytes on wire");
    s.wait_for("0000  38 97 d6 b0");
    // Packet 4 via go-to; open its IPv4 layer; the status bar stays.
    s.keys(&[":", "4", "Enter"]);
    s.wait_for("Frame 4: 1506 bytes on wire");
    s.keys(&["Tab", "j", "j", "Enter"]);
    s.wait_for("Identification: 0xd481 (54401)");
    // A display filter: the count agrees with `tshark -Y "tcp.dstport == 80"` (16 of 36).
    s.keys(&["/", "tcp.dstport == 80", "Enter"]);
    s.wait_for("Packets: 36 · Displayed: 16 (44.4%)");
    s.wait_until_gone("80 → 2545");
    s.keys(&["?"]);
    s.wait_for("time display format");
    // Esc and q sent together read as Alt-q: let the Esc land first.
    s.keys(&["Escape"]);
    s.wait_until_gone("time display format");
    s.keys(&["q"]);
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
    s.wait_for(&format!("Packets: 3 │ ● Capturing │ Dropped: 0 │ lo (udp port {port})"));
    s.wait_for(&format!("→ {port} Len=6"));
    // The list follows: the newest packet is selected and shown in the tree.
    s.wait_for("Frame 3:");
    s.keys(&["q"]);
    let after = s.wait_for("STTY");
    assert!(after.contains("EXITED 0") && after.contains("STTY cooked"), "{after}");
}

#[test]
fn filter_a_lab_capture_and_follow_bytes_to_fields() {
    let Some(s) = Session::start("web", &sample("web.pcap").display().to_string()) else { return };
    s.wait_for("34508 → 6789 [SYN]");
    s.keys(&["/", "tcp.port == 6789", "Enter"]);
    s.wait_for("Packets: 14 · Displayed: 14 (100.0%)");
    // The data-carrying segments only, as `tshark -Y` counts them (6).
    s.keys(&["/", "C-u", "tcp.port == 6789 && tcp.len > 0", "Enter"]);
    s.wait_for("Packets: 14 · Displayed: 6 (42.9%)");
    s.wait_until_gone("[SYN]");
    // In the bytes pane, byte 26 is the IPv4 source address: the tree
    // selects it and its four bytes are highlighted.
    s.keys(&["Tab", "Tab", "j"]);
    s.keys(&["l"; 10]);
    s.wait_for("Source Address: 127.0.0.1");
    let start = Instant::now();
    loop {
        let colored = s.tmux(&["capture-pane", "-p", "-e", "-t", &s.0]);
        let line = colored.lines().find(|l| l.starts_with("0010")).unwrap_or("").to_string();
        let marked = reversed(&line);
        if marked.starts_with("7f 00 00 01") {
            break;
        }
        assert!(start.elapsed() < Duration::from_secs(15), "highlighted {marked:?} in {line:?}");
        std::thread::sleep(Duration::from_millis(50));
    }
    s.keys(&["q"]);
    s.wait_for("EXITED 0");
}

#[test]
fn web_lab_opens_with_its_hint_and_pairs_its_transactions() {
    if !can_capture() {
        return;
    }
    let port = std::net::TcpListener::bind("127.0.0.1:0").and_then(|l| l.local_addr()).expect("free port").port();
    let Some(s) = Session::start("lab", &format!("lab web --port {port}")) else { return };
    s.wait_for("Look for: GET / answered 200 OK, GET /missing.html answered 404 Not Found");
    s.wait_for("HTTP/1.1 404 Not Found");
    // The transactions view reads the live capture: each request beside its answer.
    s.keys(&["T"]);
    let row = |screen: &str| screen.lines().find(|l| l.contains("/missing.html")).unwrap_or_default().to_string();
    let whole = |screen: &str| {
        let r = row(screen);
        screen.contains("[HTTP 2]") && r.contains("GET") && r.contains("404 Not Found") && r.contains("text/html")
    };
    s.wait_until("the 404's transaction row", whole);
    s.keys(&["Escape"]);
    s.wait_until_gone("[HTTP 2]");
    s.keys(&["Escape"]);
    s.wait_until_gone("Look for:");
    s.keys(&["q"]);
    let after = s.wait_for("STTY");
    assert!(after.contains("EXITED 0") && after.contains("STTY cooked"), "{after}");
}

#[test]
fn a_generator_started_from_the_menu_shows_up_in_the_live_list() {
    if !can_capture() {
        return;
    }
    // The menu runs a lab on its usual port (UDP uppercase: 12000).
    if std::net::UdpSocket::bind("127.0.0.1:12000").is_err() {
        eprintln!("skipping: port 12000 is in use");
        return;
    }
    let Some(s) = Session::start("gen", "-i lo -f 'udp port 12000'") else { return };
    s.wait_for("● Capturing");
    s.keys(&["R"]);
    s.wait_for("Run a lab's traffic generator");
    s.keys(&["2"]);
    s.wait_until_gone("Run a lab's traffic generator");
    s.wait_for("Look for: udp-upper: Two datagrams per message, no handshake");
    // Two messages and their uppercase replies, and nothing printed over the screen.
    let screen = s.wait_for("udp-upper: the exchange is over │ Packets: 4 │");
    assert!(!screen.contains("server listening on") && !screen.contains(": hello wirelens"), "{screen}");
    s.keys(&["q"]);
    let after = s.wait_for("STTY");
    assert!(after.contains("EXITED 0") && after.contains("STTY cooked"), "{after}");
}

#[test]
fn a_panic_gives_the_terminal_back_with_its_message() {
    let file = sample("web.pcap").display().to_string();
    let Some(s) = Session::launch("panic", "WIRELENS_TEST_PANIC=1", &file, "exec sh") else { return };
    s.wait_for("34508 → 6789 [SYN]");
    s.keys(&["j"]);
    let after = s.wait_for("STTY");
    assert!(after.contains("WIRELENS_TEST_PANIC is set: panicking on the first key"), "{after}");
    assert!(after.contains("EXITED 101"), "{after}");
    assert!(after.contains("STTY cooked"), "raw mode left on:\n{after}");
    assert!(!after.contains("Packets ─"), "alternate screen not left:\n{after}");
    let flags = s.tmux(&["display-message", "-p", "-t", &s.0, "#{alternate_on}#{mouse_any_flag}#{cursor_flag}"]);
    assert_eq!(flags.trim(), "001", "alternate screen, mouse reporting or hidden cursor left behind");
    // The shell that follows reads and echoes a line as usual.
    s.keys(&["echo o''k", "Enter"]);
    s.wait_until("the shell's answer", |screen| screen.lines().any(|l| l.trim_end() == "ok"));
}

#[test]
fn all_three_panes_survive_a_resize() {
    let Some(s) = Session::start("resize", &sample("web.pcap").display().to_string()) else { return };
    // Every pane's title, and the status bar on the last row: a frame drawn
    // for the current size, not what is left of an older one.
    let whole = |rows: usize| {
        move |screen: &str| {
            let lines: Vec<&str> = screen.lines().collect();
            [" Packets ", " Details ", " Bytes "].iter().all(|t| screen.contains(t))
                && lines.len() == rows
                && lines.last().is_some_and(|l| l.contains("Packets: 14"))
        }
    };
    s.wait_until("the panes at 120×40", whole(40));
    s.tmux(&["resize-window", "-t", &s.0, "-x", "80", "-y", "24"]);
    let small = s.wait_until("the panes at 80×24", whole(24));
    assert!(small.lines().all(|l| l.chars().count() <= 80), "{small}");
    s.tmux(&["resize-window", "-t", &s.0, "-x", "120", "-y", "40"]);
    s.wait_until("the panes at 120×40 again", whole(40));
    s.keys(&["q"]);
    let after = s.wait_for("STTY");
    assert!(after.contains("EXITED 0") && after.contains("STTY cooked"), "{after}");
}

#[test]
fn the_follow_view_grows_with_live_traffic() {
    use std::io::Write;
    use std::net::{TcpListener, TcpStream};
    let port = 41_000 + (std::process::id() % 20_000) as u16;
    let Ok(listener) = TcpListener::bind(("127.0.0.1", port)) else {
        eprintln!("skipping: port {port} is busy");
        return;
    };
    let Some(s) = Session::start("follow-live", &format!("-i lo -f 'tcp port {port}'")) else { return };
    let first = s.wait_for("Capturing");
    if first.contains("permission") || first.contains("EXITED") {
        eprintln!("skipping: cannot capture on lo here:\n{first}");
        return;
    }
    let mut client = TcpStream::connect(("127.0.0.1", port)).expect("connect");
    let (mut server, _) = listener.accept().expect("accept");
    client.write_all(b"first line from the client\n").expect("client write");
    s.wait_for("Len=27");
    // The list follows the newest packet, which belongs to the stream.
    s.keys(&["F"]);
    s.wait_for("first line from the client");
    // Bytes sent after the view opened appear in it (a hex dump never shows
    // 27 characters on one line, so this is the follow view).
    server.write_all(b"SECOND LINE FROM THE SERVER\n").expect("server write");
    s.wait_for("SECOND LINE FROM THE SERVER");
    client.write_all(b"third line, client again\n").expect("client write");
    s.wait_for("third line, client again");
    s.keys(&["Escape", "q"]);
    let after = s.wait_for("STTY");
    assert!(after.contains("EXITED 0") && after.contains("STTY cooked"), "{after}");
}

#[test]
fn with_no_file_and_no_interface_a_picker_starts_a_live_capture() {
    if !can_capture() {
        return;
    }
    // The picked capture is written to the -w file, as `-i lo -w` would.
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("picked.pcap");
    let Some(s) = Session::start("picker", &format!("-f 'udp port 47913' -w {}", out.display())) else { return };
    let screen = s.wait_for("capture on which interface?");
    // Move down to `lo`, wherever libpcap lists it.
    let n = screen
        .lines()
        .find_map(|l| l.split_once(". lo (Loopback)"))
        .and_then(|(before, _)| before.trim_start_matches(['│', ' ']).parse::<usize>().ok());
    let Some(n) = n.filter(|&n| n > 0) else { panic!("no lo in the picker:\n{screen}") };
    s.keys(&vec!["j"; n - 1]);
    s.keys(&["Enter"]);
    s.wait_for("● Capturing │ Dropped: 0 │ lo");
    let sock = UdpSocket::bind("127.0.0.1:0").unwrap();
    s.wait_until("a datagram captured", |screen| {
        let _ = sock.send_to(b"picked", "127.0.0.1:47913");
        let count = screen.split_once("Packets: ").map(|(_, rest)| rest.chars().take_while(char::is_ascii_digit).collect::<String>());
        count.and_then(|n| n.parse::<u32>().ok()).is_some_and(|n| n > 0)
    });
    s.keys(&["q"]);
    let after = s.wait_for("STTY");
    assert!(after.contains("EXITED 0") && after.contains("STTY cooked"), "{after}");
    let written = Command::new("tshark").args(["-n", "-r"]).arg(&out).output().unwrap();
    let text = String::from_utf8_lossy(&written.stdout);
    assert!(written.status.success() && text.contains("47913"), "{text}");
}

/// A pipe into `-r -` and a FIFO read with `-r`: the inspector draws before
/// the first byte (and `q` works then), shows the first packet while the
/// writer waits, and says when the stream has ended.
#[test]
fn a_pipe_is_followed_as_it_arrives_and_its_end_is_shown() {
    let dir = tempfile::tempdir().unwrap();
    let fifo = dir.path().join("c.fifo");
    assert!(Command::new("mkfifo").arg(&fifo).status().unwrap().success(), "mkfifo failed");
    let Some(s) = Session::start("fifo", &format!("-r {}", fifo.display())) else { return };
    s.wait_for("Packets: 0");
    s.keys(&["q"]);
    s.wait_for("EXITED 0");
    drop(s);

    // A writer that sends the header and one packet, waits, then the rest.
    let data = std::fs::read(sample("udp-upper.pcap")).unwrap();
    let len = u32::from_le_bytes(data[32..36].try_into().unwrap()) as usize;
    let first_end = 24 + 16 + len;
    let script = dir.path().join("slow.sh");
    std::fs::write(dir.path().join("head"), &data[..first_end]).unwrap();
    std::fs::write(dir.path().join("rest"), &data[first_end..]).unwrap();
    let d = dir.path().display();
    std::fs::write(&script, format!("cat {d}/head; sleep 4; cat {d}/rest\n")).unwrap();
    let Some(s) = Session::launch("pipe", &format!("sh {} |", script.display()), "-r -", "sleep 30") else { return };
    let start = Instant::now();
    let screen = s.wait_for_all(&["60102 → 12000", "Packets: 1 "]);
    assert!(start.elapsed() < Duration::from_secs(4), "the first packet came only after the writer went on:\n{screen}");
    s.wait_for_all(&["End of stream", "Packets: 4 "]);
    s.keys(&["q"]);
    s.wait_for("EXITED 0");
}

#[test]
fn the_pinger_ladder_shows_each_reply_with_its_rtt_and_the_lost_pings_alone() {
    let file = sample("ping.pcap").display().to_string();
    let Some(s) = Session::start("ladder", &file) else { return };
    s.wait_for("50554 → 12000 Len=24");
    // Frame 3 is ping 2, which the server dropped.
    s.keys(&[":", "3", "Enter"]);
    s.wait_for("Frame 3: 66 bytes on wire");
    s.keys(&["L"]);
    // The whole ladder: its title, the lost ping 2, the answered ping 3 and three lost pings in all.
    let row = |screen: &str, frame: &str| {
        screen.lines().find(|l| l.trim_start_matches('│').split_whitespace().next() == Some(frame)).unwrap_or_default().to_string()
    };
    s.wait_until("the ladder with its three lost pings", |screen| {
        let (lost, answered) = (row(screen, "3"), row(screen, "5"));
        screen.contains("UDP ladder · 3 unanswered")
            && lost.contains("Ping 2 ")
            && lost.contains("─✗")
            && lost.contains("✗ no reply")
            && answered.contains("<─")
            && answered.contains("PING 3 ")
            && answered.contains("RTT 105 µs")
            && screen.matches("✗ no reply").count() == 3
    });
    // Moving down selects the next arrow's packet in the list.
    s.keys(&["j", "Escape"]);
    s.wait_until_gone("UDP ladder");
    s.wait_for("Frame 4: 66 bytes on wire");
    s.keys(&["q"]);
    s.wait_for("EXITED 0");
}

#[test]
fn the_flow_graph_marks_the_lost_pings_and_follows_the_display_filter() {
    let file = sample("ping.pcap").display().to_string();
    let Some(s) = Session::start("flowgraph", &file) else { return };
    s.wait_for("50554 → 12000 Len=24");
    s.keys(&["W"]);
    let lost_rows = |screen: &str| screen.lines().filter(|l| l.contains("─✗│")).count();
    s.wait_until("the graph with its three lost pings", |screen| {
        screen.contains("Flow graph: 17 packets, 2 ends, 3 unanswered") && lost_rows(screen) == 3
    });
    // `/` in the graph edits the display filter; the graph redraws with what it keeps.
    s.keys(&["/", "frame.number <= 4", "Enter"]);
    s.wait_until("the graph of the four displayed packets", |screen| {
        screen.contains("Flow graph: 4 packets, 2 ends, 2 unanswered · frame.number <= 4") && lost_rows(screen) == 2
    });
    s.keys(&["Escape"]);
    s.wait_until_gone("Flow graph");
    s.wait_for("Displayed: 4");
    s.keys(&["q"]);
    s.wait_for("EXITED 0");
}

#[test]
fn the_ftp_ladder_labels_each_command_and_its_reply() {
    let file = sample("ftp.pcap").display().to_string();
    let Some(s) = Session::start("ftpladder", &file) else { return };
    s.wait_for("Request: USER anonymous");
    s.keys(&[":", "6", "Enter"]);
    s.wait_for("Frame 6: 82 bytes on wire");
    s.keys(&["L"]);
    s.wait_for_all(&["TCP ladder", " USER anonymous · PSH, ACK", " 331 Username ok, send password. (229 µs after 6) · PSH, ACK"]);
    s.keys(&["Escape"]);
    s.wait_until_gone("TCP ladder");
    s.keys(&["q"]);
    s.wait_for("EXITED 0");
}

#[test]
fn the_io_graph_opens_on_i_and_takes_a_filter_line() {
    let file = sample("ping.pcap").display().to_string();
    let Some(s) = Session::start("iograph", &file) else { return };
    s.wait_for("50554 → 12000 Len=24");
    s.keys(&["I"]);
    s.wait_for("I/O graph: packets/s, interval 1 s");
    s.wait_for("all: frame (17 packets)");
    s.keys(&["1"]);
    s.wait_for("filter 1:");
    s.keys(&["udp.srcport == 12000", "Enter"]);
    s.wait_for("1: udp.srcport == 12000");
    s.keys(&["b"]);
    s.wait_for("I/O graph: bytes/s, interval 1 s");
    s.keys(&["Escape"]);
    s.wait_until_gone("I/O graph");
    s.keys(&["q"]);
    s.wait_for("EXITED 0");
}

#[test]
fn the_ping_lab_checklist_ticks_what_the_student_finds() {
    if !can_capture() {
        return;
    }
    let port = UdpSocket::bind("127.0.0.1:0").and_then(|u| u.local_addr()).expect("free port").port();
    // Four pings with seed 7: the second is dropped (frame 3); the rest are answered.
    let args = format!("lab ping --port {port} -- --count 4 --seed 7 --loss 0.3 --timeout 0.3");
    let Some(s) = Session::start("checklist", &args) else { return };
    s.wait_for("Lab questions 0/2");
    s.wait_for("[ ] which pings were lost? display exactly them");
    s.wait_for("Packets: 7 ·");
    // The first reply: frame 2.
    s.keys(&[":", "2", "Enter"]);
    s.wait_for_all(&["Lab questions 1/2", "[✓] find a ping the server answered"]);
    // Displaying a ping that was answered is not the answer; the lost one is.
    s.keys(&["/", "C-u", "frame.number == 1", "Enter"]);
    s.wait_for("Displayed: 1");
    assert!(s.screen().contains("Lab questions 1/2"), "{}", s.screen());
    s.keys(&["/", "C-u", "frame.number == 3", "Enter"]);
    s.wait_for_all(&["Lab questions 2/2", "[✓] which pings were lost? display exactly them"]);
    s.keys(&["K"]);
    s.wait_until_gone("Lab questions");
    s.keys(&["q"]);
    let after = s.wait_for("STTY");
    assert!(after.contains("EXITED 0") && after.contains("STTY cooked"), "{after}");
}

/// `XDG_STATE_HOME` and `XDG_CONFIG_HOME` in `dir`, before the command, so
/// that the filter history and buttons never touch the user's home.
fn xdg_env(dir: &Path) -> String {
    format!("XDG_STATE_HOME={0}/state XDG_CONFIG_HOME={0}/config", dir.display())
}

#[test]
fn enter_on_response_in_goes_to_frame_2_and_backspace_comes_back() {
    let dir = tempfile::tempdir().unwrap();
    let file = sample("dns-udp.pcap").display().to_string();
    let Some(s) = Session::launch("links", &xdg_env(dir.path()), &file, "sleep 30") else { return };
    s.wait_for("Packets: 20");
    // Down and back up, so that the tree is built with every packet known.
    s.keys(&["j", "k"]);
    s.wait_for("Frame 1: 72 bytes on wire");
    // Into the tree, all of it open, to its last row: the query's link.
    s.keys(&["Tab", "e", "G"]);
    s.wait_for("[Response In: 2]");
    s.keys(&["Enter"]);
    s.wait_for("Frame 2: 88 bytes on wire");
    s.wait_for("packet 2 · Backspace: back to packet 1");
    s.keys(&["BSpace"]);
    s.wait_for("Frame 1: 72 bytes on wire");
    s.keys(&["q"]);
    s.wait_for("EXITED 0");
}

#[test]
fn tab_completes_dns_qry_na_and_then_the_names_seen() {
    let dir = tempfile::tempdir().unwrap();
    let file = sample("dns-udp.pcap").display().to_string();
    let Some(s) = Session::launch("complete", &xdg_env(dir.path()), &file, "sleep 30") else { return };
    s.wait_for("Packets: 20");
    s.keys(&["/", "dns.qry.na", "Tab"]);
    s.wait_until("the completion popup under the completed name", |screen| {
        screen.contains("dns.qry.name.len  Name Length") && screen.lines().next().map(str::trim_end) == Some("Filter: dns.qry.name")
    });
    // Enter takes the first name; after `==`, Tab lists the names queried.
    s.keys(&["Enter", " == w", "Tab"]);
    s.wait_for("dns.qry.name values seen");
    s.keys(&["Down", "Enter"]);
    s.wait_for("Filter: dns.qry.name == \"www.lab.test\"");
    s.keys(&["Enter"]);
    // As many as `tshark -Y 'dns.qry.name == "www.lab.test"'` shows.
    s.wait_for("Packets: 20 · Displayed: 6 (30.0%)");
    s.keys(&["q"]);
    s.wait_for("EXITED 0");
}

#[test]
fn the_filter_history_survives_a_restart() {
    let dir = tempfile::tempdir().unwrap();
    let file = sample("dns-udp.pcap").display().to_string();
    let Some(s) = Session::launch("history1", &xdg_env(dir.path()), &file, "sleep 30") else { return };
    s.wait_for("Packets: 20");
    s.keys(&["/", "dns.flags.response == 1", "Enter"]);
    s.wait_for("Displayed: 10 (50.0%)");
    s.keys(&["q"]);
    s.wait_for("EXITED 0");
    drop(s);
    let history = dir.path().join("state/wirelens/filter_history");
    assert_eq!(std::fs::read_to_string(&history).unwrap(), "dns.flags.response == 1\n");
    let Some(s) = Session::launch("history2", &xdg_env(dir.path()), &file, "sleep 30") else { return };
    s.wait_for("Packets: 20");
    s.keys(&["/", "Up"]);
    s.wait_for("Filter: dns.flags.response == 1");
    s.keys(&["Enter"]);
    s.wait_for("Displayed: 10 (50.0%)");
    s.keys(&["q"]);
    s.wait_for("EXITED 0");
}

#[test]
fn a_selected_dns_item_is_named_in_the_status_bar_and_explained_by_i() {
    let Some(s) = Session::start("explain", &sample("dns-udp.pcap").display().to_string()) else { return };
    s.wait_for("Standard query 0x295a A www.lab.test");
    s.wait_for("Frame 1: 72 bytes on wire");
    // The tree: expand everything, go down to the transaction ID.
    s.keys(&["Tab", "e"]);
    s.wait_for("▾ Frame 1: 72 bytes on wire");
    // Down one row at a time, each step waiting for the status bar to name
    // the next item, until it names the ID as Wireshark does.
    let mut last = s.wait_until("the tree's first item in the status bar", |x| x.lines().last().is_some_and(|l| l.starts_with("Frame (frame)")));
    last = last.lines().last().unwrap_or("").to_string();
    while !last.starts_with("Transaction ID (dns.id), 2 bytes │ Packets: 20 │") {
        s.keys(&["j"]);
        let before = last.clone();
        last = s.wait_until("the next item in the status bar", |x| x.lines().last().is_some_and(|l| l != before));
        last = last.lines().last().unwrap_or("").to_string();
        assert!(!last.starts_with("Flags (dns.flags)"), "went past the DNS id: {last}");
    }
    // i explains it: the id pairs the query with its response in frame 2.
    s.keys(&["i"]);
    s.wait_for("Its response is frame 2.");
    s.wait_for("Read: RFC 1035, section 4.1.1 (header section format)");
    s.keys(&["Escape"]);
    s.wait_until_gone("Its response is frame 2.");
    s.keys(&["q"]);
    let after = s.wait_for("STTY");
    assert!(after.contains("EXITED 0") && after.contains("STTY cooked"), "{after}");
}

#[test]
fn dash_t_sets_the_time_column_and_t_picks_another_format() {
    let file = sample("dns-udp.pcap").display().to_string();
    let Some(s) = Session::start("time", &format!("-t ud {file}")) else { return };
    // As `wirelens -r dns-udp.pcap -t ud` (and tshark) print packet 1.
    s.wait_for("2026-11-22 19:17:26.065998");
    s.wait_for("Time -t ud");
    s.keys(&["t"]);
    s.wait_for("Time Display Format");
    s.wait_for("● UTC Date and Time of Day");
    // Row 4: seconds since the epoch.
    s.keys(&["4"]);
    s.wait_for("1795375046.065998");
    s.wait_for("Time -t e");
    s.keys(&["q"]);
    s.wait_for("EXITED 0");
}

#[test]
fn decode_as_from_the_packet_menu_applies_to_the_list_and_filters_and_goes_again() {
    let file = sample("tcp-upper.pcap").display().to_string();
    let Some(s) = Session::start("decode", &file) else { return };
    s.wait_for("Packets: 20");
    s.keys(&[":", "4", "Enter"]);
    s.wait_for("Frame 4: 81 bytes on wire");
    // The tree's menu has the entry; it opens the dialog on this packet's ports.
    s.keys(&["Tab", "m"]);
    s.wait_for("Decode As…");
    s.keys(&["7"]);
    s.wait_for("tcp.port == 12000  (destination)");
    s.keys(&["j", "Enter"]);
    s.wait_for("tcp.port == 12000 → smtp");
    s.keys(&["3"]);
    // As `tshark -d tcp.port==12000,smtp` shows packet 4, and its filter count (4 of 20).
    s.wait_for("C: DATA fragment, 15 bytes");
    s.wait_for("Decode As tcp.port==12000,smtp (D)");
    s.keys(&["/", "smtp", "Enter"]);
    s.wait_for("Packets: 20 · Displayed: 4 (20.0%)");
    // Enter on the rule removes it: nothing is SMTP any more.
    s.keys(&["D"]);
    s.wait_for("tcp.port==12000,smtp  (Enter removes)");
    s.keys(&["Enter"]);
    s.wait_for("Packets: 20 · Displayed: 0 (0.0%)");
    s.wait_until_gone("Decode As tcp.port");
    s.keys(&["q"]);
    s.wait_for("EXITED 0");
}

#[test]
fn a_key_log_picked_in_the_inspector_decrypts_and_follow_tls_shows_the_http() {
    let file = sample("tls-keylog.pcap").display().to_string();
    let keys = sample("tls-keylog.txt").display().to_string();
    let Some(s) = Session::start("keylog", &file) else { return };
    s.wait_for("Packets: 133");
    s.keys(&[":", "9", "Enter"]);
    s.wait_for("Frame 9: 172 bytes on wire");
    assert!(!s.screen().contains("GET /lecture.html"));
    s.keys(&["C-k"]);
    s.wait_for("TLS key log file");
    // Tab completes the name from its start.
    s.keys(&[keys.trim_end_matches("xt"), "Tab"]);
    s.wait_for("tls-keylog.txt");
    s.keys(&["Enter"]);
    s.wait_for("GET /lecture.html HTTP/1.1");
    s.wait_for("TLS keys tls-keylog.txt");
    s.keys(&["F"]);
    s.wait_for("Follow TCP");
    s.keys(&["t"]);
    s.wait_for("Follow TLS");
    s.wait_for("Server: nginx/1.22.1");
    s.keys(&["Escape"]);
    s.wait_until_gone("Follow TLS");
    s.keys(&["q"]);
    s.wait_for("EXITED 0");
    // `-o tls.keylog_file:` on the command line decrypts from the start.
    let Some(s) = Session::start("keylog-o", &format!("-o tls.keylog_file:{keys} {file}")) else { return };
    s.wait_for("Packets: 133");
    s.keys(&[":", "9", "Enter"]);
    s.wait_for("GET /lecture.html HTTP/1.1");
    s.keys(&["q"]);
    s.wait_for("EXITED 0");
}
