//! The SMTP lab: a server that accepts mail and prints it, enforcing the
//! command order (503), known commands (500) and a size limit (552); and a
//! client that runs EHLO/HELO, MAIL FROM, RCPT TO, DATA, QUIT.

use std::io::Write;
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::time::Duration;

use super::common::{self, Budget, Common, Line, LineReader, Log, Stop};

pub const PORT: u16 = 25;
pub const FALLBACK_PORT: u16 = 2525;
/// RFC 5321's limit on a command line, with room for the CRLF.
const MAX_LINE: usize = 1000;
const MAX_RECIPIENTS: usize = 100;
/// After this many errors the server gives up on a client (421).
const MAX_ERRORS: u32 = 20;

/// SMTP server and client (port 25 as root, else 2525): the server prints each mail.
/// Watch EHLO, MAIL FROM, RCPT TO, DATA and QUIT, each with its numbered reply.
#[derive(clap::Args, Debug, Clone)]
#[command(verbatim_doc_comment)]
pub struct Args {
    #[command(flatten)]
    pub common: Common,
    /// Largest message the server accepts, in bytes (larger ones get 552).
    #[arg(long, default_value_t = 1 << 20, value_name = "BYTES")]
    pub max_size: usize,
    /// Sender address.
    #[arg(long, default_value = "alice@lab.test")]
    pub from: String,
    /// Recipient address (repeat for more).
    #[arg(long, default_values = ["bob@lab.test"])]
    pub to: Vec<String>,
    #[arg(long, default_value = "wirelens SMTP lab")]
    pub subject: String,
    /// Body line (repeat for more).
    #[arg(long, short = 'm', default_values = ["Hello Bob,", "this mail crossed the loopback.", ".leading dot"])]
    pub message: Vec<String>,
    /// Greet with HELO instead of EHLO.
    #[arg(long)]
    pub helo: bool,
}

pub fn run(args: &Args, log: &Log) -> anyhow::Result<()> {
    let c = &args.common;
    let (listener, target) = if c.runs_server() {
        let l = common::bind_preferred(c, PORT, FALLBACK_PORT, common::bind_tcp)?;
        let addr = l.local_addr()?;
        log.line(format!("SMTP server on {addr}, messages up to {} bytes", args.max_size));
        (Some(l), addr)
    } else {
        (None, c.addr(common::preferred_port(PORT, FALLBACK_PORT)))
    };
    let budget = Budget::new(if c.runs_client() { None } else { c.count });
    let (server_log, max) = (log.clone(), args.max_size);
    let server = listener.map(|l| move |stop: Stop| serve(l, max, &stop, &budget, &server_log));
    let mail = Mail {
        from: args.from.clone(),
        to: args.to.clone(),
        subject: args.subject.clone(),
        body: args.message.clone(),
    };
    common::run_roles(c, c.stop(), server, |_| {
        let copies = c.count.unwrap_or(1);
        send(target, &mail, copies, args.helo, log).map(|_| ())
    })
}

pub fn serve(listener: TcpListener, max_size: usize, stop: &Stop, budget: &Budget, log: &Log) {
    let conn_log = log.clone();
    common::accept_loop(listener, stop, budget, log, move |stream, peer, stop| {
        conn_log.line(format!("connection from {peer}"));
        Session::new(stream, peer, max_size, conn_log.clone())?.run(&stop)
    });
}

struct Session {
    out: TcpStream,
    lines: LineReader<TcpStream>,
    peer: SocketAddr,
    max_size: usize,
    log: Log,
    greeted: bool,
    from: Option<String>,
    to: Vec<String>,
    errors: u32,
    queued: u32,
}

impl Session {
    fn new(stream: TcpStream, peer: SocketAddr, max_size: usize, log: Log) -> std::io::Result<Session> {
        let out = stream.try_clone()?;
        let lines = LineReader::new(stream, MAX_LINE);
        Ok(Session { out, lines, peer, max_size, log, greeted: false, from: None, to: Vec::new(), errors: 0, queued: 0 })
    }

    fn reply(&mut self, text: &str) -> std::io::Result<()> {
        if text.starts_with(['4', '5']) {
            self.errors += 1;
        }
        // One write per reply, so that each reply is one segment on the wire.
        self.out.write_all(format!("{}\r\n", text.replace('\n', "\r\n")).as_bytes())
    }

    fn run(mut self, stop: &Stop) -> std::io::Result<()> {
        self.reply("220 lab.test ESMTP wirelens SMTP lab ready")?;
        loop {
            if self.errors >= MAX_ERRORS {
                return self.reply("421 4.7.0 Too many errors, closing connection");
            }
            let line = match self.lines.next(stop)? {
                Line::Text(t) => String::from_utf8_lossy(&t).into_owned(),
                Line::TooLong => {
                    self.reply("500 5.5.2 Line too long")?;
                    continue;
                }
                Line::Eof => return Ok(()),
                Line::Stopped => return self.reply("421 4.3.2 Server shutting down"),
            };
            let (verb, arg) = match line.split_once(' ') {
                Some((v, a)) => (v.to_ascii_uppercase(), a.trim().to_string()),
                None => (line.trim().to_ascii_uppercase(), String::new()),
            };
            match verb.as_str() {
                "HELO" | "EHLO" if arg.is_empty() => self.reply("501 5.5.4 Syntax: HELO/EHLO hostname")?,
                "HELO" => {
                    self.greet();
                    self.reply(&format!("250 lab.test Hello {arg}"))?;
                }
                "EHLO" => {
                    self.greet();
                    let size = self.max_size;
                    self.reply(&format!("250-lab.test Hello {arg}\n250-SIZE {size}\n250-8BITMIME\n250 HELP"))?;
                }
                "MAIL" => self.mail(&arg)?,
                "RCPT" => self.rcpt(&arg)?,
                "DATA" => self.data(stop)?,
                "RSET" => {
                    self.from = None;
                    self.to.clear();
                    self.reply("250 2.0.0 OK")?;
                }
                "NOOP" => self.reply("250 2.0.0 OK")?,
                "VRFY" => self.reply("252 2.1.5 Cannot VRFY user, but will accept message")?,
                "HELP" => self.reply("214 2.0.0 Commands: HELO EHLO MAIL RCPT DATA RSET NOOP VRFY HELP QUIT")?,
                "QUIT" => return self.reply("221 2.0.0 lab.test closing connection"),
                _ => self.reply("500 5.5.2 Syntax error, command unrecognized")?,
            }
        }
    }

    fn greet(&mut self) {
        self.greeted = true;
        self.from = None;
        self.to.clear();
    }

    fn mail(&mut self, arg: &str) -> std::io::Result<()> {
        if !self.greeted {
            return self.reply("503 5.5.1 Bad sequence of commands: send HELO/EHLO first");
        }
        if self.from.is_some() {
            return self.reply("503 5.5.1 Bad sequence of commands: sender already given");
        }
        let Some((addr, params)) = path_arg(arg, "FROM:") else {
            return self.reply("501 5.5.4 Syntax: MAIL FROM:<address>");
        };
        let size = params
            .split_whitespace()
            .find_map(|p| p.to_ascii_uppercase().strip_prefix("SIZE=").map(|n| n.parse::<usize>().unwrap_or(usize::MAX)));
        if size.is_some_and(|s| s > self.max_size) {
            return self.reply("552 5.3.4 Message size exceeds fixed maximum message size");
        }
        self.from = Some(addr);
        self.reply("250 2.1.0 Sender OK")
    }

    fn rcpt(&mut self, arg: &str) -> std::io::Result<()> {
        if self.from.is_none() {
            return self.reply("503 5.5.1 Bad sequence of commands: need MAIL before RCPT");
        }
        let Some((addr, _)) = path_arg(arg, "TO:").filter(|(a, _)| !a.is_empty()) else {
            return self.reply("501 5.5.4 Syntax: RCPT TO:<address>");
        };
        if self.to.len() >= MAX_RECIPIENTS {
            return self.reply("452 4.5.3 Too many recipients");
        }
        self.to.push(addr);
        self.reply("250 2.1.5 Recipient OK")
    }

    fn data(&mut self, stop: &Stop) -> std::io::Result<()> {
        if self.to.is_empty() {
            return self.reply("503 5.5.1 Bad sequence of commands: need RCPT before DATA");
        }
        self.reply("354 End data with <CR><LF>.<CR><LF>")?;
        let mut body = Vec::new();
        let mut too_big = false;
        loop {
            let line = match self.lines.next(stop)? {
                Line::Text(t) => t,
                // An overlong body line is kept out of the message but does not end DATA.
                Line::TooLong => {
                    too_big = true;
                    continue;
                }
                Line::Eof | Line::Stopped => return Ok(()),
            };
            if line == b"." {
                break;
            }
            // Dot-stuffing: a leading dot was doubled by the sender.
            let line = line.strip_prefix(b".").unwrap_or(&line);
            if body.len() + line.len() + 2 > self.max_size {
                too_big = true;
            }
            if !too_big {
                body.extend_from_slice(line);
                body.extend_from_slice(b"\r\n");
            }
        }
        let (from, to) = (self.from.take().unwrap_or_default(), std::mem::take(&mut self.to));
        if too_big {
            return self.reply("552 5.3.4 Message size exceeds fixed maximum message size");
        }
        self.queued += 1;
        self.log.line(format!(
            "--- mail {} from {} <{from}> to <{}> ({} bytes) ---\n{}--- end of mail ---",
            self.queued,
            self.peer,
            to.join(">, <"),
            body.len(),
            String::from_utf8_lossy(&body).replace("\r\n", "\n")
        ));
        let n = self.queued;
        self.reply(&format!("250 2.0.0 OK: queued as {n}"))
    }
}

/// `FROM:<a@b> SIZE=10` → ("a@b", "SIZE=10"); also accepts a space after the colon.
fn path_arg(arg: &str, keyword: &str) -> Option<(String, String)> {
    let head = arg.get(..keyword.len())?;
    if !head.eq_ignore_ascii_case(keyword) {
        return None;
    }
    let rest = arg.get(keyword.len()..)?.trim_start();
    let rest = rest.strip_prefix('<')?;
    let (addr, params) = rest.split_once('>')?;
    Some((addr.to_string(), params.trim().to_string()))
}

pub struct Mail {
    pub from: String,
    pub to: Vec<String>,
    pub subject: String,
    pub body: Vec<String>,
}

/// Sends `copies` copies of the mail on one connection; returns every
/// (command, reply code) of the dialogue.
pub fn send(target: SocketAddr, mail: &Mail, copies: u64, helo: bool, log: &Log) -> anyhow::Result<Vec<(String, u16)>> {
    let stream =
        TcpStream::connect(target).map_err(|e| anyhow::anyhow!("cannot connect to {target}: {e}"))?;
    stream.set_read_timeout(Some(Duration::from_secs(5)))?;
    let mut client = Client { out: stream.try_clone()?, lines: LineReader::new(stream, 4096), log: log.clone(), dialogue: Vec::new() };
    client.expect("(greeting)", None, 220)?;
    // A server that does not know EHLO gets HELO instead.
    if helo || client.command("EHLO", Some("EHLO client.lab.test"))? != 250 {
        client.expect("HELO", Some("HELO client.lab.test"), 250)?;
    }
    for _ in 0..copies {
        client.expect("MAIL", Some(&format!("MAIL FROM:<{}>", mail.from)), 250)?;
        for to in &mail.to {
            client.expect("RCPT", Some(&format!("RCPT TO:<{to}>")), 250)?;
        }
        client.expect("DATA", Some("DATA"), 354)?;
        let mut text = format!(
            "From: <{}>\r\nTo: {}\r\nSubject: {}\r\n\r\n",
            mail.from,
            mail.to.iter().map(|t| format!("<{t}>")).collect::<Vec<_>>().join(", "),
            mail.subject
        );
        for line in &mail.body {
            if line.starts_with('.') {
                text.push('.');
            }
            text.push_str(line);
            text.push_str("\r\n");
        }
        text.push_str(".\r\n");
        log.line(format!("C: <{} body bytes>", text.len()));
        client.out.write_all(text.as_bytes())?;
        client.expect("(end of data)", None, 250)?;
    }
    client.expect("QUIT", Some("QUIT"), 221)?;
    Ok(client.dialogue)
}

struct Client {
    out: TcpStream,
    lines: LineReader<TcpStream>,
    log: Log,
    dialogue: Vec<(String, u16)>,
}

impl Client {
    /// Sends a command (or nothing, for the greeting) and reads the reply's code.
    fn command(&mut self, name: &str, line: Option<&str>) -> anyhow::Result<u16> {
        if let Some(l) = line {
            self.log.line(format!("C: {l}"));
            self.out.write_all(format!("{l}\r\n").as_bytes())?;
        }
        let stop = Stop::never();
        loop {
            let text = match self.lines.next(&stop)? {
                Line::Text(t) => String::from_utf8_lossy(&t).into_owned(),
                _ => anyhow::bail!("the server closed the connection after {name}"),
            };
            self.log.line(format!("S: {text}"));
            // "250-..." continues a multi-line reply, "250 ..." ends it.
            if text.as_bytes().get(3) != Some(&b'-') {
                let code = text.get(..3).and_then(|c| c.parse().ok()).unwrap_or(0);
                self.dialogue.push((name.to_string(), code));
                return Ok(code);
            }
        }
    }

    fn expect(&mut self, name: &str, line: Option<&str>, want: u16) -> anyhow::Result<()> {
        let got = self.command(name, line)?;
        anyhow::ensure!(got == want, "{name}: the server answered {got}, expected {want}");
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Read;
    use std::thread;

    fn start(max: usize) -> (SocketAddr, Stop, thread::JoinHandle<()>, std::sync::Arc<std::sync::Mutex<Vec<u8>>>) {
        let l = common::bind_tcp("127.0.0.1:0".parse().unwrap()).unwrap();
        let addr = l.local_addr().unwrap();
        let stop = Stop::never();
        let s = stop.clone();
        let (log, buf) = Log::memory();
        (addr, stop, thread::spawn(move || serve(l, max, &s, &Budget::new(None), &log)), buf)
    }

    fn mail() -> Mail {
        Mail {
            from: "alice@lab.test".into(),
            to: vec!["bob@lab.test".into(), "carol@lab.test".into()],
            subject: "hi".into(),
            body: vec!["line one".into(), ".dotted".into()],
        }
    }

    #[test]
    fn delivers_and_prints_the_mail() {
        let (addr, stop, h, buf) = start(4096);
        let (log, _) = Log::memory();
        let d = send(addr, &mail(), 2, false, &log).unwrap();
        let names: Vec<&str> = d.iter().map(|(n, _)| n.as_str()).collect();
        assert_eq!(names[..7], ["(greeting)", "EHLO", "MAIL", "RCPT", "RCPT", "DATA", "(end of data)"]);
        assert_eq!(d.last().unwrap(), &("QUIT".to_string(), 221));
        let d2 = send(addr, &mail(), 1, true, &log).unwrap();
        assert_eq!(d2[1], ("HELO".to_string(), 250));
        stop.stop();
        h.join().unwrap();
        let out = String::from_utf8_lossy(&buf.lock().unwrap()).into_owned();
        assert_eq!(out.matches("--- end of mail ---").count(), 3);
        assert!(out.contains("to <bob@lab.test>, <carol@lab.test>"), "{out}");
        assert!(out.contains("\n.dotted\n") && !out.contains("..dotted"), "{out}");
    }

    /// Runs a raw dialogue and returns the reply codes, one per reply.
    fn raw(addr: SocketAddr, script: &str) -> Vec<u16> {
        let mut s = TcpStream::connect(addr).unwrap();
        s.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
        s.write_all(script.as_bytes()).unwrap();
        // A server that hangs up on unread input may reset the connection:
        // what arrived before the reset still counts.
        let mut bytes = Vec::new();
        let mut chunk = [0u8; 4096];
        while let Ok(n @ 1..) = s.read(&mut chunk) {
            bytes.extend_from_slice(&chunk[..n]);
        }
        let text = String::from_utf8_lossy(&bytes);
        text.lines().filter(|l| l.as_bytes().get(3) != Some(&b'-')).filter_map(|l| l.get(..3)?.parse().ok()).collect()
    }

    #[test]
    fn answers_errors_by_the_rfc() {
        let (addr, stop, h, buf) = start(64);
        // Out of order, unknown, then a correct transaction too big for the limit.
        let codes = raw(
            addr,
            "MAIL FROM:<a@b>\r\nRCPT TO:<c@d>\r\nDATA\r\nFROB\r\nHELO\r\nHELO me\r\nRCPT TO:<c@d>\r\n\
             MAIL FROM:<a@b>\r\nMAIL FROM:<a@b>\r\nDATA\r\nRCPT TO:<c@d>\r\nDATA\r\n\
             0123456789012345678901234567890123456789\r\n0123456789012345678901234567890123456789\r\n.\r\n\
             MAIL FROM:<a@b> SIZE=100000\r\nMAIL FROM:oops\r\nQUIT\r\n",
        );
        assert_eq!(codes, [220, 503, 503, 503, 500, 501, 250, 503, 250, 503, 503, 250, 354, 552, 552, 501, 221]);
        stop.stop();
        h.join().unwrap();
        assert!(!String::from_utf8_lossy(&buf.lock().unwrap()).contains("--- mail"));
    }

    #[test]
    fn survives_junk_and_long_lines() {
        let (addr, stop, h, _) = start(64);
        let long = "X".repeat(5000);
        let codes = raw(addr, &format!("\u{0}\u{ff}\r\n{long}\r\nEHLO x\r\nQUIT\r\n"));
        assert_eq!(codes, [220, 500, 500, 250, 221]);
        let many: String = "NOPE\r\n".repeat(30);
        let codes = raw(addr, &many);
        assert_eq!(codes.last(), Some(&421));
        stop.stop();
        h.join().unwrap();
    }
}
