//! `wirelens gen …` run as processes: each lab's server and client on an
//! ephemeral port, clean exits on Ctrl-C and --duration, one-line bind errors,
//! and the web server's refusal to leave its root.

mod common;

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Child, Command, Output, Stdio};

use wirelens::gen::ping::Dropper;

fn gen(args: &[&str]) -> Output {
    Command::new(common::bin()).arg("gen").args(args).stdin(Stdio::null()).output().expect("run wirelens gen")
}

fn stdout_of(args: &[&str]) -> String {
    let out = gen(args);
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(out.status.success(), "gen {args:?} failed: {}\n{text}", String::from_utf8_lossy(&out.stderr));
    text
}

/// A server-only generator in the background and the port it announced in
/// its first line ("… on 127.0.0.1:PORT …").
fn server(args: &[&str]) -> (Child, u16) {
    let mut child = Command::new(common::bin())
        .arg("gen")
        .args(args)
        .args(["--server", "--port", "0"])
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .spawn()
        .expect("start server");
    let mut first = String::new();
    BufReader::new(child.stdout.as_mut().expect("stdout")).read_line(&mut first).expect("announcement");
    let port = first
        .split(|c: char| !c.is_ascii_digit() && c != '.' && c != ':')
        .filter_map(|w| w.strip_prefix("127.0.0.1:"))
        .find_map(|p| p.parse().ok())
        .unwrap_or_else(|| panic!("no port in {first:?}"));
    (child, port)
}

/// Ctrl-C, as a user would press it; the server must exit cleanly.
fn interrupt(mut child: Child) {
    let pid = i32::try_from(child.id()).expect("pid");
    // SAFETY: signalling our own child process by its pid.
    assert_eq!(unsafe { libc::kill(pid, libc::SIGINT) }, 0);
    let status = child.wait().expect("wait");
    assert!(status.success(), "server exited with {status} after Ctrl-C");
}

#[test]
fn tcp_upper_replies_in_capitals() {
    let out = stdout_of(&["tcp-upper", "--port", "0", "-m", "hello there", "-m", "again"]);
    assert!(out.contains("\nHELLO THERE\n") && out.contains("\nAGAIN\n"), "{out}");
    assert_eq!(out.matches("connection from").count(), 2, "one connection per message: {out}");
    let keep = stdout_of(&["tcp-upper", "--port", "0", "--keep", "-m", "a", "-m", "b"]);
    assert_eq!(keep.matches("connection from").count(), 1, "{keep}");
}

#[test]
fn udp_upper_over_ipv6() {
    let out = stdout_of(&["udp-upper", "--bind", "::1", "--port", "0", "-m", "six"]);
    assert!(out.contains("\nSIX\n"), "{out}");
}

#[test]
fn client_reads_stdin_lines() {
    let mut child = Command::new(common::bin())
        .args(["gen", "tcp-upper", "--port", "0"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("start");
    child.stdin.take().expect("stdin").write_all(b"from stdin\nsecond\n").expect("write");
    let out = child.wait_with_output().expect("wait");
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("FROM STDIN") && text.contains("SECOND"), "{text}");
}

#[test]
fn web_serves_200_and_404() {
    let out = stdout_of(&["web", "--port", "0", "/", "/nope.html", "/style.css"]);
    assert!(out.contains("GET / -> 200"), "{out}");
    assert!(out.contains("GET /nope.html -> 404"), "{out}");
    assert!(out.contains("GET /style.css -> 200"), "{out}");
    let piped = stdout_of(&["web", "--port", "0", "--pipeline", "/", "/x"]);
    assert!(piped.contains("GET / -> 200") && piped.contains("GET /x -> 404"), "{piped}");
}

#[test]
fn web_server_never_leaves_its_root() {
    let dir = tempfile::tempdir().expect("tempdir");
    let root = dir.path().join("site");
    std::fs::create_dir(&root).expect("mkdir");
    std::fs::write(root.join("index.html"), "<p>inside</p>").expect("write");
    std::fs::write(dir.path().join("secret.txt"), "TOP SECRET").expect("write");
    std::os::unix::fs::symlink(dir.path().join("secret.txt"), root.join("escape.txt")).expect("symlink");
    let root_arg = root.to_string_lossy().into_owned();
    let (child, port) = server(&["web", "--root", &root_arg]);
    for target in [
        "/",
        "/../secret.txt",
        "/../../etc/passwd",
        "/%2e%2e/secret.txt",
        "/%2e%2e%2f%2e%2e%2fetc%2fpasswd",
        "/escape.txt",
    ] {
        let mut s = TcpStream::connect(("127.0.0.1", port)).expect("connect");
        write!(s, "GET {target} HTTP/1.1\r\nHost: lab\r\nConnection: close\r\n\r\n").expect("send");
        let mut reply = String::new();
        s.read_to_string(&mut reply).expect("reply");
        if target == "/" {
            assert!(reply.starts_with("HTTP/1.1 200") && reply.contains("inside"), "{reply}");
        } else {
            assert!(reply.starts_with("HTTP/1.1 400") || reply.starts_with("HTTP/1.1 404"), "{target}: {reply}");
            assert!(!reply.contains("TOP SECRET") && !reply.contains("root:"), "{target} leaked: {reply}");
        }
    }
    interrupt(child);
}

#[test]
fn ping_losses_match_the_seed() {
    let out = stdout_of(&["ping", "--port", "0", "--count", "8", "--seed", "7", "--loss", "0.3", "--timeout", "0.3"]);
    let mut d = Dropper::new(7, 0.3);
    let lost = (0..8).filter(|_| d.drop_next()).count();
    assert_eq!(out.matches("Request timed out").count(), lost, "{out}");
    assert!(out.contains(&format!("8 packets sent, {} received", 8 - lost)), "{out}");
    assert!(out.contains("Reply from 127.0.0.1:") && out.contains("rtt min/avg/max"), "{out}");
}

#[test]
fn dns_answers_from_the_zone_over_udp_and_tcp() {
    for transport in [&[][..], &["--tcp"][..]] {
        let mut args = vec!["dns", "--port", "0"];
        args.extend_from_slice(transport);
        args.extend(["www", "AAAA", "lab.test", "MX", "nothere"]);
        let out = stdout_of(&args);
        assert!(out.contains("www.lab.test.\t300\tIN\tAAAA\t::1"), "{out}");
        assert!(out.contains("lab.test.\t300\tIN\tMX\t10 mail.lab.test."), "{out}");
        assert!(out.contains("status: NXDOMAIN"), "{out}");
    }
}

#[test]
fn dig_gets_answers_from_our_dns_server() {
    if Command::new("dig").arg("-v").output().is_err() {
        eprintln!("dig is not installed: skipped");
        return;
    }
    let (child, port) = server(&["dns"]);
    let port_arg = port.to_string();
    let dig = |extra: &[&str]| {
        let out = Command::new("dig")
            .args(["@127.0.0.1", "-p", &port_arg, "+short", "+time=2", "+tries=1"])
            .args(extra)
            .output()
            .expect("dig");
        String::from_utf8_lossy(&out.stdout).trim().to_string()
    };
    assert_eq!(dig(&["www.lab.test", "A"]), "127.0.0.1");
    assert_eq!(dig(&["+tcp", "web.lab.test", "A"]), "www.lab.test.\n127.0.0.1");
    assert_eq!(dig(&["info.lab.test", "TXT"]), "\"wirelens DNS lab\" \"second string\"");
    interrupt(child);
}

#[test]
fn smtp_delivers_and_the_server_prints_the_mail() {
    let out = stdout_of(&["smtp", "--port", "0", "--to", "bob@lab.test", "--to", "eve@lab.test", "-m", "hi"]);
    let order: Vec<&str> = out
        .lines()
        .filter_map(|l| l.strip_prefix("C: "))
        .filter(|c| !c.starts_with('<'))
        .map(|c| c.split(' ').next().unwrap_or(c))
        .collect();
    assert_eq!(order, ["EHLO", "MAIL", "RCPT", "RCPT", "DATA", "QUIT"], "{out}");
    assert!(out.contains("to <bob@lab.test>, <eve@lab.test>") && out.contains("--- end of mail ---"), "{out}");
    assert!(out.contains("S: 221 "), "{out}");
}

#[test]
fn chat_in_one_process_alternates_sides() {
    let out = stdout_of(&["chat", "--port", "0", "-m", "ping?", "-m", "pong!"]);
    assert!(out.contains("server got from client: ping?"), "{out}");
    assert!(out.contains("client got from server: pong!"), "{out}");
}

#[test]
fn duration_stops_a_server() {
    let out = gen(&["udp-upper", "--server", "--port", "0", "--duration", "0.3"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
}

#[test]
fn bind_errors_are_one_line() {
    let taken = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let port = taken.local_addr().expect("addr").port().to_string();
    let out = gen(&["tcp-upper", "--server", "--port", &port]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(err.contains("port already in use"), "{err}");
    let out = gen(&["web", "--bind", "192.0.2.1", "--server"]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!((out.status.code(), err.lines().count()), (Some(2), 1), "{err}");
}
