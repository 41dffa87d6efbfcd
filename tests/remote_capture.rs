//! Remote capture over ssh (`-i ssh://USER@HOST:PORT/IFACE`) against a real
//! OpenSSH server that the test starts on 127.0.0.1 with keys it makes in a
//! temporary directory; wirelens runs the system `ssh`, found through a
//! wrapper first in PATH that names the test's client config. Needs root
//! (sshd, and tcpdump capturing on `lo` behind it) and openssh-server,
//! which `.ci/run` installs.

use std::io::Read;
use std::net::{TcpListener, UdpSocket};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

const BIN: &str = env!("CARGO_BIN_EXE_wirelens");
const DEADLINE: Duration = Duration::from_secs(60);

struct Sshd {
    child: Child,
    port: u16,
    dir: tempfile::TempDir,
}

impl Drop for Sshd {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn run(cmd: &mut Command) {
    let out = cmd.output().unwrap_or_else(|e| panic!("cannot run {cmd:?}: {e}"));
    assert!(out.status.success(), "{cmd:?} failed: {}", String::from_utf8_lossy(&out.stderr));
}

fn free_tcp_port() -> u16 {
    TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

/// Starts sshd on 127.0.0.1 with a host key and one authorized client key,
/// and writes `bin/ssh`, a wrapper that connects with that key.
fn start_sshd() -> Sshd {
    let sshd = ["/usr/sbin/sshd", "/usr/bin/sshd"].into_iter().find(|p| Path::new(p).exists());
    let sshd = sshd.expect("no sshd: install openssh-server (apt-get install openssh-server), as .ci/run does");
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    for key in ["host", "client"] {
        run(Command::new("ssh-keygen").args(["-q", "-t", "ed25519", "-N", "", "-f"]).arg(d.join(key)));
    }
    std::fs::copy(d.join("client.pub"), d.join("authorized_keys")).unwrap();
    // sshd insists on its privilege separation directory.
    std::fs::create_dir_all("/run/sshd").unwrap();
    let port = free_tcp_port();
    let config = format!(
        "Port {port}\nListenAddress 127.0.0.1\nHostKey {host}\nAuthorizedKeysFile {keys}\nPidFile {pid}\n\
         StrictModes no\nUsePAM no\nPasswordAuthentication no\nKbdInteractiveAuthentication no\nPermitRootLogin yes\n",
        host = d.join("host").display(),
        keys = d.join("authorized_keys").display(),
        pid = d.join("sshd.pid").display(),
    );
    std::fs::write(d.join("sshd_config"), config).unwrap();
    let child = Command::new(sshd)
        .args(["-D", "-e", "-f"])
        .arg(d.join("sshd_config"))
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let start = Instant::now();
    while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(start.elapsed() < DEADLINE, "sshd did not start listening on 127.0.0.1:{port}");
        std::thread::sleep(Duration::from_millis(50));
    }
    let client = format!(
        "Host *\n  IdentityFile {key}\n  IdentitiesOnly yes\n  UserKnownHostsFile /dev/null\n  StrictHostKeyChecking no\n  LogLevel ERROR\n",
        key = d.join("client").display()
    );
    std::fs::write(d.join("ssh_config"), client).unwrap();
    wrapper(d, "bin", "ssh_config");
    // A second client with no key the server knows.
    std::fs::write(d.join("ssh_config_nokey"), "Host *\n  IdentityFile /nonexistent\n  IdentitiesOnly yes\n  UserKnownHostsFile /dev/null\n  StrictHostKeyChecking no\n  LogLevel ERROR\n").unwrap();
    wrapper(d, "bin-nokey", "ssh_config_nokey");
    Sshd { child, port, dir }
}

/// `DIR/BIN/ssh`: the system ssh with the config `CONFIG`.
fn wrapper(d: &Path, bin: &str, config: &str) {
    use std::os::unix::fs::PermissionsExt;
    std::fs::create_dir_all(d.join(bin)).unwrap();
    let path = d.join(bin).join("ssh");
    std::fs::write(&path, format!("#!/bin/sh\nexec /usr/bin/ssh -F '{}' \"$@\"\n", d.join(config).display())).unwrap();
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).unwrap();
}

/// wirelens with `args`, its `ssh` from `DIR/BIN`.
fn wirelens(sshd: &Sshd, bin: &str, args: &[&str]) -> Child {
    let path = format!("{}:{}", sshd.dir.path().join(bin).display(), std::env::var("PATH").unwrap_or_default());
    Command::new(BIN).args(args).env("PATH", path).stdout(Stdio::piped()).stderr(Stdio::piped()).spawn().unwrap()
}

/// Waits for the child, sending a datagram to `port` every 50 ms meanwhile
/// (the remote tcpdump starts some time after ssh connects); returns its
/// exit status, standard output and standard error.
fn finish(mut child: Child, port: Option<u16>) -> (std::process::ExitStatus, String, String) {
    let sock = UdpSocket::bind("127.0.0.1:0").unwrap();
    let start = Instant::now();
    let status = loop {
        if let Some(st) = child.try_wait().unwrap() {
            break st;
        }
        if start.elapsed() > DEADLINE {
            let _ = child.kill();
            panic!("wirelens did not finish within {DEADLINE:?}");
        }
        if let Some(p) = port {
            let _ = sock.send_to(b"over ssh", ("127.0.0.1", p));
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    let (mut out, mut err) = (String::new(), String::new());
    child.stdout.take().unwrap().read_to_string(&mut out).unwrap();
    child.stderr.take().unwrap().read_to_string(&mut err).unwrap();
    (status, out, err)
}

fn udp_port() -> (UdpSocket, u16) {
    let s = UdpSocket::bind("127.0.0.1:0").unwrap();
    let p = s.local_addr().unwrap().port();
    (s, p)
}

#[test]
fn packets_captured_remotely_are_printed_and_written() {
    let sshd = start_sshd();
    let (_sink, port) = udp_port();
    let out_file: PathBuf = sshd.dir.path().join("remote.pcapng");
    let iface = format!("ssh://root@127.0.0.1:{}/lo", sshd.port);
    let filter = format!("udp dst port {port}");
    let child = wirelens(&sshd, "bin", &["-i", &iface, "-f", &filter, "-c", "3", "-P", "-w", out_file.to_str().unwrap()]);
    let (status, out, err) = finish(child, Some(port));
    assert!(status.success(), "wirelens failed over ssh: {err}");
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines.len(), 3, "expected 3 packets printed, got:\n{out}\nstderr:\n{err}");
    for l in &lines {
        assert!(l.contains(&format!("→ {port} Len=8")), "a packet not for port {port}: {l}");
    }
    let mut r = wirelens::capture::Reader::new(std::fs::File::open(&out_file).unwrap()).unwrap();
    assert!(r.is_pcapng(), "-w NAME.pcapng writes pcapng");
    let mut n = 0;
    while r.next_packet().unwrap_or_else(|e| panic!("{}: {e}", out_file.display())).is_some() {
        n += 1;
    }
    assert_eq!(n, 3, "the -w file holds what was printed");
}

#[test]
fn a_filter_cannot_run_a_command_on_the_host() {
    let sshd = start_sshd();
    let marker = sshd.dir.path().join("injected");
    let iface = format!("ssh://root@127.0.0.1:{}/lo", sshd.port);
    for filter in [format!("udp'; touch {} #", marker.display()), format!("udp\"; touch {}; \"", marker.display()), format!("$(touch {})", marker.display())] {
        let child = wirelens(&sshd, "bin", &["-i", &iface, "-f", &filter, "-c", "1", "-P"]);
        let (status, _, err) = finish(child, None);
        assert!(!status.success(), "a bad filter must fail: {filter}");
        assert!(err.contains("capture filter was refused") || err.contains("failed"), "no error line for {filter}: {err}");
        assert!(!marker.exists(), "the filter {filter:?} ran a command on the host");
    }
    // An interface name is quoted too.
    let iface = format!("ssh://root@127.0.0.1:{}/lo;touch {}", sshd.port, marker.display());
    let (status, _, err) = finish(wirelens(&sshd, "bin", &["-i", &iface, "-c", "1", "-P"]), None);
    assert!(!status.success(), "an unknown interface must fail");
    assert!(!marker.exists(), "the interface name ran a command on the host: {err}");
}

#[test]
fn ssh_failures_say_what_to_do() {
    let sshd = start_sshd();
    let iface = format!("ssh://root@127.0.0.1:{}/lo", sshd.port);
    let (status, _, err) = finish(wirelens(&sshd, "bin-nokey", &["-i", &iface, "-c", "1", "-P"]), None);
    assert!(!status.success());
    assert!(err.contains("refused the authentication") && err.contains("ssh-add"), "authentication: {err}");

    let closed = free_tcp_port();
    let iface = format!("ssh://root@127.0.0.1:{closed}/lo");
    let (status, _, err) = finish(wirelens(&sshd, "bin", &["-i", &iface, "-c", "1", "-P"]), None);
    assert!(!status.success());
    assert!(err.contains("cannot reach 127.0.0.1"), "unreachable: {err}");

    let iface = format!("ssh://root@127.0.0.1:{}/nosuchif0", sshd.port);
    let (status, _, err) = finish(wirelens(&sshd, "bin", &["-i", &iface, "-c", "1", "-P"]), None);
    assert!(!status.success());
    assert!(err.contains("no interface named \"nosuchif0\""), "no such interface: {err}");
}
