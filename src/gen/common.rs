//! What every generator shares: the common flags, the stop signal (Ctrl-C,
//! `--count`, `--duration`), binding with one-line errors, line-oriented
//! reads that keep polling the stop signal, and the output sink.

use std::io::{self, BufRead, BufReader, Read, Write};
use std::net::{IpAddr, SocketAddr, TcpListener, TcpStream, UdpSocket};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError};
use std::sync::{Arc, Mutex, Once};
use std::thread;
use std::time::{Duration, Instant};

/// Connections a server serves at once; more are closed on arrival.
const MAX_CONNECTIONS: usize = 128;
/// How often blocking calls wake up to look at the stop signal.
pub const POLL: Duration = Duration::from_millis(100);

/// Flags shared by every generator.
#[derive(clap::Args, Debug, Clone)]
pub struct Common {
    /// Port to listen on (server) or connect to (client).
    #[arg(long)]
    pub port: Option<u16>,
    /// Address the server binds to and the client connects to.
    #[arg(long, default_value = "127.0.0.1")]
    pub bind: IpAddr,
    /// Run only the server (default: server and client in one process).
    #[arg(long, conflicts_with = "client")]
    pub server: bool,
    /// Run only the client, against a server already listening.
    #[arg(long)]
    pub client: bool,
    /// Stop after N connections/datagrams (server) or N messages (client).
    #[arg(long, value_name = "N")]
    pub count: Option<u64>,
    /// Stop after this many seconds (decimals allowed).
    #[arg(long, value_name = "SECS", value_parser = parse_secs)]
    pub duration: Option<Duration>,
}

impl Common {
    pub fn runs_server(&self) -> bool {
        !self.client
    }
    pub fn runs_client(&self) -> bool {
        !self.server
    }
    pub fn addr(&self, default_port: u16) -> SocketAddr {
        SocketAddr::new(self.bind, self.port.unwrap_or(default_port))
    }
    /// The stop signal for this run: Ctrl-C plus `--duration`.
    pub fn stop(&self) -> Stop {
        Stop::new(self.duration)
    }
}

fn parse_secs(s: &str) -> Result<Duration, String> {
    let secs: f64 = s.parse().map_err(|_| format!("not a number of seconds: {s:?}"))?;
    Duration::try_from_secs_f64(secs).map_err(|_| format!("not a usable duration: {s:?}"))
}

static INTERRUPTED: AtomicBool = AtomicBool::new(false);

/// Routes Ctrl-C to the stop signal instead of killing the process, so
/// servers close their sockets and clients print their statistics.
pub fn catch_ctrl_c() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        let first = AtomicBool::new(true);
        // A second Ctrl-C exits at once, for a user whose first one seemed ignored.
        let _ = ctrlc::set_handler(move || {
            if !first.swap(false, Ordering::SeqCst) {
                std::process::exit(130);
            }
            INTERRUPTED.store(true, Ordering::SeqCst);
        });
    });
}

/// Stops every generator in this process, as Ctrl-C does.
pub fn interrupt() {
    INTERRUPTED.store(true, Ordering::SeqCst);
}

/// A shared "time to stop" signal: Ctrl-C, a deadline, or an explicit stop.
#[derive(Clone, Debug)]
pub struct Stop {
    flag: Arc<AtomicBool>,
    parent: Option<Arc<AtomicBool>>,
    deadline: Option<Instant>,
}

impl Stop {
    pub fn new(duration: Option<Duration>) -> Stop {
        Stop { flag: Arc::new(AtomicBool::new(false)), parent: None, deadline: duration.map(|d| Instant::now() + d) }
    }
    pub fn never() -> Stop {
        Stop::new(None)
    }
    /// A signal of its own (for one conversation) that also follows this one.
    pub fn child(&self) -> Stop {
        Stop { flag: Arc::new(AtomicBool::new(false)), parent: Some(self.flag.clone()), deadline: self.deadline }
    }
    pub fn stop(&self) {
        self.flag.store(true, Ordering::SeqCst);
    }
    pub fn stopped(&self) -> bool {
        self.flag.load(Ordering::SeqCst)
            || self.parent.as_ref().is_some_and(|p| p.load(Ordering::SeqCst))
            || INTERRUPTED.load(Ordering::SeqCst)
            || self.deadline.is_some_and(|d| Instant::now() >= d)
    }
}

/// Counts served items against `--count`.
#[derive(Clone, Debug, Default)]
pub struct Budget {
    used: Arc<AtomicU64>,
    limit: Option<u64>,
}

impl Budget {
    pub fn new(limit: Option<u64>) -> Budget {
        Budget { used: Arc::new(AtomicU64::new(0)), limit }
    }
    /// Takes one unit; false when the budget was already spent.
    pub fn take(&self) -> bool {
        let n = self.used.fetch_add(1, Ordering::SeqCst);
        self.limit.is_none_or(|l| n < l)
    }
    pub fn spent(&self) -> bool {
        self.limit.is_some_and(|l| self.used.load(Ordering::SeqCst) >= l)
    }
}

/// Where a generator prints what it sees: stdout in the CLI, a buffer in tests.
#[derive(Clone)]
pub struct Log(Arc<Mutex<Box<dyn Write + Send>>>);

impl Log {
    pub fn stdout() -> Log {
        Log(Arc::new(Mutex::new(Box::new(io::stdout()))))
    }
    pub fn stderr() -> Log {
        Log(Arc::new(Mutex::new(Box::new(io::stderr()))))
    }
    /// A log whose lines are kept in memory (for tests).
    pub fn memory() -> (Log, Arc<Mutex<Vec<u8>>>) {
        let buf = Arc::new(Mutex::new(Vec::new()));
        (Log(Arc::new(Mutex::new(Box::new(Shared(buf.clone()))))), buf)
    }
    pub fn line(&self, text: impl AsRef<str>) {
        // One write for the line and its newline: `writeln!` writes them
        // apart, and unbuffered stderr lets another writer's line in
        // between (the headless lab's packets, on the same terminal).
        let line = format!("{}\n", text.as_ref());
        if let Ok(mut w) = self.0.lock() {
            // A closed stdout (piped into `head`) must not kill a server.
            let _ = w.write_all(line.as_bytes());
            let _ = w.flush();
        }
    }
}

struct Shared(Arc<Mutex<Vec<u8>>>);

impl Write for Shared {
    fn write(&mut self, b: &[u8]) -> io::Result<usize> {
        if let Ok(mut v) = self.0.lock() {
            v.extend_from_slice(b);
        }
        Ok(b.len())
    }
    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

fn bind_error(addr: SocketAddr, proto: &str, e: io::Error) -> anyhow::Error {
    let why = match e.kind() {
        io::ErrorKind::AddrInUse => "port already in use (is another server running?)".to_string(),
        io::ErrorKind::PermissionDenied => "permission denied (ports below 1024 need root)".to_string(),
        io::ErrorKind::AddrNotAvailable => "address not available on this machine".to_string(),
        _ => e.to_string(),
    };
    anyhow::anyhow!("cannot listen on {addr}/{proto}: {why}")
}

pub fn bind_tcp(addr: SocketAddr) -> anyhow::Result<TcpListener> {
    let l = TcpListener::bind(addr).map_err(|e| bind_error(addr, "tcp", e))?;
    // Non-blocking accept lets the loop notice Ctrl-C and deadlines.
    l.set_nonblocking(true)?;
    Ok(l)
}

pub fn bind_udp(addr: SocketAddr) -> anyhow::Result<UdpSocket> {
    let s = UdpSocket::bind(addr).map_err(|e| bind_error(addr, "udp", e))?;
    s.set_read_timeout(Some(POLL))?;
    Ok(s)
}

/// Binds the privileged `port` when allowed, else `fallback` (DNS 53/5353,
/// SMTP 25/2525) — unless the user chose a port, which must then work.
pub fn bind_preferred<T>(
    common: &Common,
    port: u16,
    fallback: u16,
    bind: impl Fn(SocketAddr) -> anyhow::Result<T>,
) -> anyhow::Result<T> {
    if common.port.is_some() {
        return bind(common.addr(port));
    }
    bind(common.addr(port)).or_else(|_| bind(common.addr(fallback)))
}

/// The port a client should try when the user gave none: the privileged one
/// for root (who would have bound it), the fallback otherwise.
pub fn preferred_port(port: u16, fallback: u16) -> u16 {
    // SAFETY: geteuid has no preconditions and cannot fail.
    if unsafe { libc::geteuid() } == 0 {
        port
    } else {
        fallback
    }
}

pub fn is_timeout(e: &io::Error) -> bool {
    matches!(e.kind(), io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut)
}

/// Accepts connections until stopped or the budget is spent, one thread per
/// connection; waits for the open connections to finish before returning.
pub fn accept_loop<F>(listener: TcpListener, stop: &Stop, budget: &Budget, log: &Log, handle: F)
where
    F: Fn(TcpStream, SocketAddr, Stop) -> io::Result<()> + Send + Sync + 'static,
{
    let handle = Arc::new(handle);
    let mut workers: Vec<thread::JoinHandle<()>> = Vec::new();
    while !stop.stopped() && !budget.spent() {
        match listener.accept() {
            Ok((stream, peer)) => {
                workers.retain(|w| !w.is_finished());
                if workers.len() >= MAX_CONNECTIONS {
                    // Closing at once beats a thread per connection without bound.
                    log.line(format!("connection from {peer} refused: {MAX_CONNECTIONS} already open"));
                    continue;
                }
                if !budget.take() {
                    break;
                }
                let (handle, stop, log) = (handle.clone(), stop.clone(), log.clone());
                workers.push(thread::spawn(move || {
                    let ready = stream.set_nonblocking(false).and_then(|_| stream.set_read_timeout(Some(POLL)));
                    if let Err(e) = ready.and_then(|_| handle(stream, peer, stop)) {
                        log.line(format!("connection from {peer}: {e}"));
                    }
                }));
            }
            Err(e) if is_timeout(&e) => thread::sleep(Duration::from_millis(20)),
            Err(e) => log.line(format!("accept failed: {e}")),
        }
    }
    for w in workers {
        let _ = w.join();
    }
}

/// Serves datagrams until stopped or the budget is spent: `answer` gets each
/// datagram and its sender and returns the reply to send back, if any.
pub fn udp_loop(
    socket: &UdpSocket,
    stop: &Stop,
    budget: &Budget,
    log: &Log,
    mut answer: impl FnMut(&[u8], SocketAddr) -> Option<Vec<u8>>,
) {
    let mut buf = [0u8; 65535];
    while !stop.stopped() && !budget.spent() {
        match socket.recv_from(&mut buf) {
            Ok((n, peer)) => {
                budget.take();
                let Some(reply) = answer(buf.get(..n).unwrap_or_default(), peer) else { continue };
                if let Err(e) = socket.send_to(&reply, peer) {
                    log.line(format!("reply to {peer} failed: {e}"));
                }
            }
            Err(e) if is_timeout(&e) => {}
            Err(e) => log.line(format!("receive failed: {e}")),
        }
    }
}

/// An unbound UDP socket of the target's address family, for a client.
pub fn udp_client(target: SocketAddr) -> io::Result<UdpSocket> {
    UdpSocket::bind(if target.is_ipv6() { "[::]:0" } else { "0.0.0.0:0" })
}

/// Reads CRLF- or LF-terminated lines from a stream with a read timeout,
/// checking the stop signal between timeouts and bounding line length.
pub struct LineReader<R> {
    inner: BufReader<R>,
    partial: Vec<u8>,
    max: usize,
}

pub enum Line {
    Text(Vec<u8>),
    /// The peer sent more than the limit without a newline; the excess was discarded.
    TooLong,
    Eof,
    Stopped,
}

impl<R: Read> LineReader<R> {
    pub fn new(inner: R, max: usize) -> Self {
        LineReader { inner: BufReader::new(inner), partial: Vec::new(), max }
    }
    /// The next line without its terminator.
    pub fn next(&mut self, stop: &Stop) -> io::Result<Line> {
        loop {
            if stop.stopped() {
                return Ok(Line::Stopped);
            }
            let room = (self.max + 2).saturating_sub(self.partial.len()) as u64;
            match (&mut self.inner).take(room).read_until(b'\n', &mut self.partial) {
                Ok(0) if room > 0 => {
                    return Ok(if self.partial.is_empty() { Line::Eof } else { Line::Text(self.take()) });
                }
                Ok(_) if self.partial.last() == Some(&b'\n') => {
                    let mut line = self.take();
                    line.pop();
                    if line.last() == Some(&b'\r') {
                        line.pop();
                    }
                    if line.len() > self.max {
                        return Ok(Line::TooLong);
                    }
                    return Ok(Line::Text(line));
                }
                Ok(_) if self.partial.len() > self.max => {
                    self.skip_rest(stop)?;
                    return Ok(Line::TooLong);
                }
                Ok(_) => {}
                Err(e) if is_timeout(&e) => {}
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => return Err(e),
            }
        }
    }
    /// Reads exactly `n` bytes (a body whose length was announced).
    pub fn exact(&mut self, n: usize, stop: &Stop) -> io::Result<Option<Vec<u8>>> {
        let mut out = Vec::with_capacity(n.min(1 << 20));
        let mut chunk = [0u8; 4096];
        while out.len() < n {
            if stop.stopped() {
                return Ok(None);
            }
            let want = (n - out.len()).min(chunk.len());
            match self.inner.read(&mut chunk[..want]) {
                Ok(0) => return Ok(None),
                Ok(k) => out.extend_from_slice(chunk.get(..k).unwrap_or_default()),
                Err(e) if is_timeout(&e) || e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => return Err(e),
            }
        }
        Ok(Some(out))
    }
    fn take(&mut self) -> Vec<u8> {
        std::mem::take(&mut self.partial)
    }
    fn skip_rest(&mut self, stop: &Stop) -> io::Result<()> {
        self.partial.clear();
        loop {
            if stop.stopped() {
                return Ok(());
            }
            let mut sink = Vec::new();
            match (&mut self.inner).take(64 * 1024).read_until(b'\n', &mut sink) {
                Ok(0) => return Ok(()),
                Ok(_) if sink.last() == Some(&b'\n') => return Ok(()),
                Ok(_) => {}
                Err(e) if is_timeout(&e) => {}
                Err(e) => return Err(e),
            }
        }
    }
}

/// Binds the server's socket when this run has a server, and gives the
/// address the client should use (the bound one, so `--port 0` works too).
pub fn listen<T>(
    common: &Common,
    port: u16,
    bind: impl Fn(SocketAddr) -> anyhow::Result<T>,
    local: impl Fn(&T) -> io::Result<SocketAddr>,
) -> anyhow::Result<(Option<T>, SocketAddr)> {
    if !common.runs_server() {
        return Ok((None, common.addr(port)));
    }
    let socket = bind(common.addr(port))?;
    let addr = local(&socket)?;
    Ok((Some(socket), addr))
}

/// The `--message` flag of the line-based clients.
#[derive(clap::Args, Debug, Clone)]
pub struct Messages {
    /// Message to send (repeat for more); without it the client sends stdin lines.
    #[arg(long, short = 'm')]
    pub message: Vec<String>,
}

impl Messages {
    /// The client's messages, at most `--count` of them.
    pub fn source<'a>(&self, common: &Common, stop: &'a Stop) -> impl FnMut() -> Option<String> + 'a {
        let mut input = Input::new(&self.message);
        let mut left = common.count;
        move || {
            if left == Some(0) {
                return None;
            }
            left = left.map(|n| n - 1);
            input.next(stop)
        }
    }
}

/// What a client sends: the `--message` values, or else stdin lines read on a
/// thread so that Ctrl-C and deadlines still stop a client waiting for input.
pub enum Input {
    Given(std::collections::VecDeque<String>),
    Stdin(Receiver<String>),
}

impl Input {
    pub fn new(messages: &[String]) -> Input {
        if !messages.is_empty() {
            return Input::Given(messages.iter().cloned().collect());
        }
        let (tx, rx) = mpsc::channel();
        thread::spawn(move || {
            for line in io::stdin().lock().lines() {
                let Ok(line) = line else { break };
                if tx.send(line).is_err() {
                    break;
                }
            }
        });
        Input::Stdin(rx)
    }
    pub fn next(&mut self, stop: &Stop) -> Option<String> {
        match self {
            // Given messages are all sent: nothing to wait for, so nothing to cancel.
            Input::Given(queue) => queue.pop_front(),
            Input::Stdin(rx) => loop {
                if stop.stopped() {
                    return None;
                }
                match rx.recv_timeout(POLL) {
                    Ok(line) => return Some(line),
                    Err(RecvTimeoutError::Timeout) => {}
                    Err(RecvTimeoutError::Disconnected) => return None,
                }
            },
        }
    }
}

/// Runs the server on a thread (when asked) and the client (when asked) on
/// this one; a client run ends the server too, a server-only run waits for
/// its own stop.
pub fn run_roles<S, C>(common: &Common, stop: Stop, server: Option<S>, client: C) -> anyhow::Result<()>
where
    S: FnOnce(Stop) + Send + 'static,
    C: FnOnce(&Stop) -> anyhow::Result<()>,
{
    let server_stop = stop.clone();
    let server_thread = server.map(|s| thread::spawn(move || s(server_stop)));
    let result = if common.runs_client() { client(&stop) } else { Ok(()) };
    if common.runs_client() {
        stop.stop();
    }
    if let Some(t) = server_thread {
        let _ = t.join();
    }
    result
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_log_line_is_one_write_with_its_newline() {
        // Each write kept apart: a line split over two writes lets another
        // writer to the same terminal in between.
        struct Writes(Arc<Mutex<Vec<Vec<u8>>>>);
        impl Write for Writes {
            fn write(&mut self, b: &[u8]) -> io::Result<usize> {
                if let Ok(mut v) = self.0.lock() {
                    v.push(b.to_vec());
                }
                Ok(b.len())
            }
            fn flush(&mut self) -> io::Result<()> {
                Ok(())
            }
        }
        let writes = Arc::new(Mutex::new(Vec::new()));
        let log = Log(Arc::new(Mutex::new(Box::new(Writes(writes.clone())))));
        log.line("127.0.0.1:35481: Ping 3 1796438829.646883");
        log.line(format!("{}: {}", "server", "ready"));
        let got = writes.lock().map(|w| w.clone()).unwrap_or_default();
        assert_eq!(got, [b"127.0.0.1:35481: Ping 3 1796438829.646883\n".to_vec(), b"server: ready\n".to_vec()]);
    }

    #[test]
    fn line_reader_splits_crlf_and_bounds_length() {
        let data = b"HELO a\r\nshort\n0123456789abcdef\nend".to_vec();
        let mut r = LineReader::new(io::Cursor::new(data), 10);
        let stop = Stop::never();
        let mut got = Vec::new();
        loop {
            match r.next(&stop).unwrap() {
                Line::Text(t) => got.push(String::from_utf8(t).unwrap()),
                Line::TooLong => got.push("<too long>".into()),
                Line::Eof | Line::Stopped => break,
            }
        }
        assert_eq!(got, ["HELO a", "short", "<too long>", "end"]);
    }

    #[test]
    fn budget_counts_down() {
        let b = Budget::new(Some(2));
        assert!(b.take() && b.take());
        assert!(b.spent());
        assert!(!b.take());
        assert!(!Budget::new(None).spent());
    }

    #[test]
    fn bind_error_is_one_line() {
        let l = bind_tcp("127.0.0.1:0".parse().unwrap()).unwrap();
        let addr = l.local_addr().unwrap();
        let e = bind_tcp(addr).unwrap_err().to_string();
        assert!(e.contains("port already in use"), "{e}");
        assert!(!e.contains('\n'));
    }
}
