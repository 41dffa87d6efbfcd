//! The TCP uppercase lab: the server answers each line with the line in
//! upper case; the client opens a connection per message (handshake, data,
//! FIN exchange each time) or keeps one open with `--keep`.

use std::io::Write;
use std::net::{SocketAddr, TcpListener, TcpStream};

use super::common::{self, Budget, Common, Line, LineReader, Log, Messages, Stop};

pub const PORT: u16 = 12000;
/// Longest line the server accepts; longer ones are answered with an error.
const MAX_LINE: usize = 64 * 1024;

/// TCP uppercase server and client (port 12000): each line sent comes back in capitals.
/// Watch the handshake, the data and its ACK, then FIN/ACK both ways for each message.
#[derive(clap::Args, Debug, Clone)]
#[command(verbatim_doc_comment)]
pub struct Args {
    #[command(flatten)]
    pub common: Common,
    #[command(flatten)]
    pub messages: Messages,
    /// Keep one connection open for all messages instead of one per message.
    #[arg(long)]
    pub keep: bool,
}

pub fn run(args: &Args, log: &Log) -> anyhow::Result<()> {
    let c = &args.common;
    let stop = c.stop();
    let (listener, target) = common::listen(c, PORT, common::bind_tcp, TcpListener::local_addr)?;
    if listener.is_some() {
        log.line(format!("TCP uppercase server listening on {target}"));
    }
    let budget = Budget::new(if c.runs_client() { None } else { c.count });
    let server_log = log.clone();
    let server = listener.map(|l| move |stop: Stop| serve(l, &stop, &budget, &server_log));
    common::run_roles(c, stop, server, |stop| {
        let mut next = args.messages.source(c, stop);
        client(target, args.keep, &mut next, log).map(|_| ())
    })
}

pub fn serve(listener: TcpListener, stop: &Stop, budget: &Budget, log: &Log) {
    let conn_log = log.clone();
    common::accept_loop(listener, stop, budget, log, move |stream, peer, stop| {
        conn_log.line(format!("connection from {peer}"));
        let mut writer = stream.try_clone()?;
        let mut lines = LineReader::new(stream, MAX_LINE);
        loop {
            match lines.next(&stop)? {
                Line::Text(text) => {
                    let mut reply = text.to_ascii_uppercase();
                    conn_log.line(format!("{peer}: {}", String::from_utf8_lossy(&text)));
                    reply.push(b'\n');
                    writer.write_all(&reply)?;
                }
                Line::TooLong => writer.write_all(b"ERROR: line too long\n")?,
                Line::Eof | Line::Stopped => break,
            }
        }
        conn_log.line(format!("{peer} closed"));
        Ok(())
    });
}

/// Sends each message and prints its reply; returns the replies.
pub fn client(
    target: SocketAddr,
    keep: bool,
    next: &mut dyn FnMut() -> Option<String>,
    log: &Log,
) -> anyhow::Result<Vec<String>> {
    let stop = Stop::never();
    let mut conn: Option<(TcpStream, LineReader<TcpStream>)> = None;
    let mut replies = Vec::new();
    while let Some(msg) = next() {
        let (w, r) = match &mut conn {
            Some(c) => c,
            None => {
                let s = TcpStream::connect(target)
                    .map_err(|e| anyhow::anyhow!("cannot connect to {target}: {e}"))?;
                s.set_read_timeout(Some(std::time::Duration::from_secs(5)))?;
                let r = LineReader::new(s.try_clone()?, MAX_LINE);
                conn.insert((s, r))
            }
        };
        w.write_all(format!("{msg}\n").as_bytes())?;
        let reply = match r.next(&stop) {
            Ok(Line::Text(t)) => String::from_utf8_lossy(&t).into_owned(),
            Ok(_) => anyhow::bail!("{target} closed the connection without replying"),
            Err(e) if common::is_timeout(&e) => anyhow::bail!("no reply from {target} within 5 s"),
            Err(e) => return Err(e.into()),
        };
        log.line(&reply);
        replies.push(reply);
        if !keep {
            if let Some((w, mut r)) = conn.take() {
                // Close our side and wait for the server's FIN so that each
                // exchange shows the full teardown.
                let _ = w.shutdown(std::net::Shutdown::Write);
                while let Ok(Line::Text(_)) = r.next(&stop) {}
            }
        }
    }
    if let Some((w, mut r)) = conn.take() {
        let _ = w.shutdown(std::net::Shutdown::Write);
        while let Ok(Line::Text(_)) = r.next(&stop) {}
    }
    Ok(replies)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::thread;

    fn exchange(keep: bool) -> (Vec<String>, String) {
        let l = common::bind_tcp("127.0.0.1:0".parse().unwrap()).unwrap();
        let addr = l.local_addr().unwrap();
        let (log, buf) = Log::memory();
        let stop = Stop::never();
        let s = stop.clone();
        let slog = log.clone();
        let server = thread::spawn(move || serve(l, &s, &Budget::new(None), &slog));
        let mut msgs = vec!["hello world".to_string(), "Ünïcode ok".to_string()].into_iter();
        let replies = client(addr, keep, &mut || msgs.next(), &log).unwrap();
        stop.stop();
        server.join().unwrap();
        let out = String::from_utf8(buf.lock().unwrap().clone()).unwrap();
        (replies, out)
    }

    #[test]
    fn replies_in_upper_case_one_connection_per_message() {
        let (replies, log) = exchange(false);
        assert_eq!(replies, ["HELLO WORLD", "ÜNïCODE OK"]);
        assert_eq!(log.matches("connection from").count(), 2);
    }

    #[test]
    fn keep_uses_one_connection() {
        let (replies, log) = exchange(true);
        assert_eq!(replies.len(), 2);
        assert_eq!(log.matches("connection from").count(), 1);
    }

    #[test]
    fn server_stops_after_count_connections() {
        let l = common::bind_tcp("127.0.0.1:0".parse().unwrap()).unwrap();
        let addr = l.local_addr().unwrap();
        let (log, _) = Log::memory();
        let server = thread::spawn(move || serve(l, &Stop::never(), &Budget::new(Some(1)), &log));
        let mut msgs = vec!["x".to_string()].into_iter();
        let (log2, _) = Log::memory();
        assert_eq!(client(addr, false, &mut || msgs.next(), &log2).unwrap(), ["X"]);
        server.join().unwrap();
    }
}
