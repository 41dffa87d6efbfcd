//! Remote capture over ssh, like Wireshark's sshdump: `-i
//! ssh://[USER@]HOST[:PORT]/IFACE` runs tcpdump (or dumpcap) on HOST through
//! the system `ssh` client — so its config, keys and agent apply — and reads
//! the pcap stream it writes to standard output.
//!
//! The remote command passes through the remote user's shell, so the
//! interface and the capture filter are single-quoted there: no text a user
//! types can run a command on the host. ssh runs with `BatchMode=yes`: a
//! password or host-key prompt would hide behind the inspector, so it fails
//! at once with an error that says what to set up instead.

use std::process::{Child, Command, Stdio};

use super::LiveError;

/// Where to capture: `ssh://[USER@]HOST[:PORT]/IFACE`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Remote {
    pub user: Option<String>,
    pub host: String,
    pub port: Option<u16>,
    pub iface: String,
}

/// The exit status the remote command gives when the host has neither
/// tcpdump nor dumpcap (a shell's "command not found").
const NO_CAPTURE_TOOL: i32 = 127;

impl Remote {
    /// Parses `ssh://[USER@]HOST[:PORT]/IFACE`; `None` when `s` is not an
    /// ssh address at all, an error when it is one but malformed.
    pub fn parse(s: &str) -> Option<Result<Remote, LiveError>> {
        let rest = s.strip_prefix("ssh://")?;
        let bad = |why: &str| LiveError::Open { iface: s.to_string(), reason: format!("{why} (use ssh://[USER@]HOST[:PORT]/IFACE)") };
        let Some((authority, iface)) = rest.split_once('/') else { return Some(Err(bad("no interface after the host"))) };
        if iface.is_empty() {
            return Some(Err(bad("no interface after the host")));
        }
        let (user, hostport) = match authority.rsplit_once('@') {
            Some((u, h)) if !u.is_empty() => (Some(u.to_string()), h),
            Some(_) => return Some(Err(bad("an empty user name"))),
            None => (None, authority),
        };
        // [v6:addr]:port, host:port or host.
        let (host, port) = if let Some(v6) = hostport.strip_prefix('[') {
            match v6.split_once(']') {
                Some((h, "")) => (h, None),
                Some((h, p)) => match p.strip_prefix(':') {
                    Some(p) => (h, Some(p)),
                    None => return Some(Err(bad("junk after the IPv6 address"))),
                },
                None => return Some(Err(bad("an IPv6 address without its closing ]"))),
            }
        } else {
            match hostport.rsplit_once(':') {
                Some((h, p)) => (h, Some(p)),
                None => (hostport, None),
            }
        };
        if host.is_empty() || host.starts_with('-') {
            return Some(Err(bad("no host name")));
        }
        let port = match port.map(str::parse::<u16>) {
            None => None,
            Some(Ok(p)) if p > 0 => Some(p),
            Some(_) => return Some(Err(bad("a port must be a number from 1 to 65535"))),
        };
        Some(Ok(Remote { user, host: host.to_string(), port, iface: iface.to_string() }))
    }

    /// The command run on the host: tcpdump writing pcap to standard output
    /// packet by packet (`-U`), or dumpcap when there is no tcpdump; every
    /// word the user chose is quoted for the remote shell.
    pub fn remote_command(&self, filter: Option<&str>, snaplen: u32) -> String {
        let iface = quote(&self.iface);
        let filter = filter.filter(|f| !f.trim().is_empty());
        let snap = if snaplen == 0 { String::new() } else { format!(" -s {snaplen}") };
        let tcpdump_filter = filter.map_or(String::new(), |f| format!(" -- {}", quote(f)));
        let dumpcap_filter = filter.map_or(String::new(), |f| format!(" -f {}", quote(f)));
        // tcpdump lives in sbin, which a non-root login's PATH may lack.
        format!(
            "PATH=\"$PATH:/usr/sbin:/sbin:/usr/local/sbin\"; \
             if command -v tcpdump >/dev/null 2>&1; then exec tcpdump -i {iface} -U -w -{snap} -q{tcpdump_filter}; \
             elif command -v dumpcap >/dev/null 2>&1; then exec dumpcap -i {iface} -q -F pcap -w -{snap}{dumpcap_filter}; \
             else echo 'wirelens: neither tcpdump nor dumpcap is installed on this host' >&2; exit {NO_CAPTURE_TOOL}; fi"
        )
    }

    /// The local `ssh` invocation: options first, `--` before the host so
    /// that no host name is read as an option, then the remote command.
    pub fn command(&self, filter: Option<&str>, snaplen: u32) -> Command {
        let mut c = Command::new("ssh");
        c.args(["-o", "BatchMode=yes", "-o", "ConnectTimeout=10", "-o", "ServerAliveInterval=15", "-T"]);
        if let Some(p) = self.port {
            c.args(["-p", &p.to_string()]);
        }
        if let Some(u) = &self.user {
            c.args(["-l", u]);
        }
        c.arg("--").arg(&self.host).arg(self.remote_command(filter, snaplen));
        c.stdin(Stdio::null()).stdout(Stdio::piped()).stderr(Stdio::piped());
        c
    }

    /// Starts ssh; its standard output is the pcap stream.
    pub fn spawn(&self, filter: Option<&str>, snaplen: u32) -> Result<Child, LiveError> {
        self.command(filter, snaplen).spawn().map_err(|e| match e.kind() {
            std::io::ErrorKind::NotFound => LiveError::Open {
                iface: self.to_string(),
                reason: "there is no ssh client here: install one (apt-get install openssh-client)".into(),
            },
            _ => LiveError::Open { iface: self.to_string(), reason: format!("cannot run ssh: {e}") },
        })
    }

    /// What went wrong, from ssh's exit status and what it and the remote
    /// command wrote to standard error: one line saying what to do.
    pub fn failure(&self, status: Option<i32>, stderr: &str) -> String {
        let host = &self.host;
        let lower = stderr.to_ascii_lowercase();
        let last = stderr.lines().rev().find(|l| !l.trim().is_empty()).unwrap_or("").trim();
        if status == Some(NO_CAPTURE_TOOL) || lower.contains("neither tcpdump nor dumpcap") {
            format!("{host} has neither tcpdump nor dumpcap: install tcpdump there (apt-get install tcpdump)")
        } else if lower.contains("permission denied (") || lower.contains("too many authentication failures") {
            format!("ssh to {host} refused the authentication: wirelens runs ssh without prompts (BatchMode), so load a key into the agent (ssh-add) or name one in ~/.ssh/config ({last})")
        } else if lower.contains("host key verification failed") {
            format!("ssh does not know {host}'s host key: connect once with `ssh {host}` to accept it ({last})")
        } else if lower.contains("could not resolve")
            || lower.contains("connection refused")
            || lower.contains("timed out")
            || lower.contains("no route to host")
            || lower.contains("network is unreachable")
            || lower.contains("connection closed by")
        {
            format!("cannot reach {host} over ssh: check the host name, the port and that sshd runs there ({last})")
        } else if lower.contains("permission")
            || lower.contains("not permitted")
            || lower.contains("you don't have permission")
        {
            format!("no permission to capture on {} at {host}: capture as root there or give tcpdump the capture capabilities ({last})", self.iface)
        } else if lower.contains("no such device") || lower.contains("doesn't exist") || lower.contains("no suitable device") {
            format!("{host} has no interface named {:?} ({last})", self.iface)
        } else if lower.contains("syntax error") || lower.contains("can't parse filter") {
            format!("the capture filter was refused on {host}: {last}")
        } else if last.is_empty() {
            format!("the capture on {host} ended (ssh exit status {})", status.map_or("unknown".into(), |s| s.to_string()))
        } else {
            format!("the capture on {host} failed: {last}")
        }
    }
}

impl std::fmt::Display for Remote {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "ssh://")?;
        if let Some(u) = &self.user {
            write!(f, "{u}@")?;
        }
        match (self.host.contains(':'), self.port) {
            (true, Some(p)) => write!(f, "[{}]:{p}", self.host)?,
            (true, None) => write!(f, "[{}]", self.host)?,
            (false, Some(p)) => write!(f, "{}:{p}", self.host)?,
            (false, None) => write!(f, "{}", self.host)?,
        }
        write!(f, "/{}", self.iface)
    }
}

/// `s` as one word for a POSIX shell: single quotes, with each single quote
/// inside written as `'\''`. Nothing inside single quotes is special.
pub fn quote(s: &str) -> String {
    format!("'{}'", s.replace('\'', r"'\''"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn remote(s: &str) -> Remote {
        Remote::parse(s).expect("an ssh address").expect("a valid one")
    }

    #[test]
    fn addresses_parse() {
        assert_eq!(remote("ssh://lab/eth0"), Remote { user: None, host: "lab".into(), port: None, iface: "eth0".into() });
        assert_eq!(
            remote("ssh://me@10.0.0.5:2222/any"),
            Remote { user: Some("me".into()), host: "10.0.0.5".into(), port: Some(2222), iface: "any".into() }
        );
        assert_eq!(remote("ssh://[::1]:22/lo").host, "::1");
        assert_eq!(remote("ssh://[::1]/lo").port, None);
        assert_eq!(remote("ssh://me@[::1]:22/lo").to_string(), "ssh://me@[::1]:22/lo");
        assert!(Remote::parse("lo").is_none());
        for bad in ["ssh://lab", "ssh://lab/", "ssh://@lab/lo", "ssh://lab:0/lo", "ssh://lab:x/lo", "ssh://-oProxyCommand=x/lo", "ssh://[::1/lo"] {
            assert!(matches!(Remote::parse(bad), Some(Err(_))), "{bad}");
        }
    }

    #[test]
    fn quoting_keeps_every_word_whole() {
        assert_eq!(quote("eth0"), "'eth0'");
        assert_eq!(quote("a'b"), r"'a'\''b'");
        // What a shell makes of the quoted text is the text itself.
        for text in ["udp port 53", "'; touch /tmp/x'", "$(reboot)", "`id`", "a\nb", "\"\\'"] {
            let out = std::process::Command::new("sh").arg("-c").arg(format!("printf %s {}", quote(text))).output().unwrap();
            assert_eq!(String::from_utf8_lossy(&out.stdout), text);
        }
    }

    #[test]
    fn the_remote_command_quotes_the_interface_and_filter() {
        let r = remote("ssh://lab/eth0;reboot");
        let cmd = r.remote_command(Some("port 22'; touch /tmp/x #"), 0);
        assert!(cmd.contains("-i 'eth0;reboot'"), "{cmd}");
        assert!(cmd.contains(r"-- 'port 22'\''; touch /tmp/x #'"), "{cmd}");
        let args: Vec<String> = r.command(None, 0).get_args().map(|a| a.to_string_lossy().into_owned()).collect();
        let dashdash = args.iter().position(|a| a == "--").unwrap();
        assert_eq!(args[dashdash + 1], "lab");
        assert!(args.contains(&"BatchMode=yes".to_string()));
    }

    #[test]
    fn failures_say_what_to_do() {
        let r = remote("ssh://lab/eth0");
        let says = |status, err: &str| r.failure(status, err);
        assert!(says(Some(255), "me@lab: Permission denied (publickey).").contains("ssh-add"));
        assert!(says(Some(255), "ssh: connect to host lab port 22: Connection refused").contains("cannot reach lab"));
        assert!(says(Some(255), "ssh: Could not resolve hostname lab: Name or service not known").contains("cannot reach"));
        assert!(says(Some(127), "wirelens: neither tcpdump nor dumpcap is installed on this host").contains("install tcpdump"));
        assert!(says(Some(1), "tcpdump: eth0: You don't have permission to capture on that device").contains("no permission"));
        assert!(says(Some(1), "tcpdump: nope: No such device exists").contains("no interface"));
    }
}
