//! The netcat chat lab: two people type lines at each other over one TCP
//! connection. Run `--server` and `--client` in two terminals, or both in
//! one process where the prompts take turns (client, server, client…).

use std::io::Write;
use std::net::{TcpListener, TcpStream};
use std::thread;
use std::time::Duration;

use super::common::{self, Common, Input, Line, LineReader, Log, Messages, Stop};

pub const PORT: u16 = 12000;
const MAX_LINE: usize = 64 * 1024;

/// Two-way TCP chat (port 12000), as with `nc -l` and `nc`: each side sends its lines.
/// Watch data flow both ways on one connection, each segment ACKed by the other side.
#[derive(clap::Args, Debug, Clone)]
#[command(verbatim_doc_comment)]
pub struct Args {
    #[command(flatten)]
    pub common: Common,
    /// Line to send (repeat for more); in one process they alternate client, server, client…
    #[command(flatten)]
    pub messages: Messages,
}

pub fn run(args: &Args, log: &Log) -> anyhow::Result<()> {
    let c = &args.common;
    let stop = c.stop();
    let (listener, target) = common::listen(c, PORT, common::bind_tcp, TcpListener::local_addr)?;
    let mut input = Input::new(&args.messages.message);
    let prompts = args.messages.message.is_empty();
    match listener {
        Some(l) if c.runs_client() => {
            let client = TcpStream::connect(target)?;
            let Some(server) = accept(&l, &stop) else { return Ok(()) };
            let limit = c.count.unwrap_or(u64::MAX);
            converse(client, server, &mut || input.next(&stop), limit, prompts, log)?;
        }
        Some(l) => {
            log.line(format!("chat server on {target}, waiting for a client"));
            let mut left = c.count.unwrap_or(u64::MAX);
            while left > 0 {
                let Some(stream) = accept(&l, &stop) else { break };
                left -= 1;
                let peer = stream.peer_addr()?;
                log.line(format!("{peer} joined; type lines to send"));
                talk(stream, "client", &mut input, &stop, log)?;
                log.line(format!("{peer} left"));
            }
        }
        None => {
            let stream = TcpStream::connect(target).map_err(|e| anyhow::anyhow!("cannot connect to {target}: {e}"))?;
            log.line(format!("connected to {target}; type lines to send"));
            talk(stream, "server", &mut input, &stop, log)?;
        }
    }
    Ok(())
}

fn accept(l: &TcpListener, stop: &Stop) -> Option<TcpStream> {
    while !stop.stopped() {
        match l.accept() {
            Ok((s, _)) => return s.set_nonblocking(false).ok().map(|_| s),
            Err(_) => thread::sleep(Duration::from_millis(20)),
        }
    }
    None
}

/// One side of a chat: prints what the peer sends (on a thread) while
/// sending our input lines; ends when either side is done.
fn talk(stream: TcpStream, peer_name: &str, input: &mut Input, stop: &Stop, log: &Log) -> anyhow::Result<()> {
    stream.set_read_timeout(Some(common::POLL))?;
    let convo = stop.child();
    let (reader_stop, reader_log, name) = (convo.clone(), log.clone(), peer_name.to_string());
    let mut lines = LineReader::new(stream.try_clone()?, MAX_LINE);
    let reader = thread::spawn(move || {
        while let Ok(Line::Text(t)) = lines.next(&reader_stop) {
            reader_log.line(format!("{name}> {}", String::from_utf8_lossy(&t)));
        }
        // The peer hung up: stop waiting for the user to type.
        reader_stop.stop();
    });
    let mut out = stream;
    while let Some(line) = input.next(&convo) {
        if out.write_all(format!("{line}\n").as_bytes()).is_err() {
            break;
        }
    }
    let _ = out.shutdown(std::net::Shutdown::Write);
    let _ = reader.join();
    Ok(())
}

/// Both sides in one process: lines alternate client → server, server → client.
pub fn converse(
    client: TcpStream,
    server: TcpStream,
    next: &mut dyn FnMut() -> Option<String>,
    limit: u64,
    prompts: bool,
    log: &Log,
) -> anyhow::Result<Vec<String>> {
    let stop = Stop::never();
    let mut ends = [
        ("client", client.try_clone()?, LineReader::new(server.try_clone()?, MAX_LINE), "server"),
        ("server", server.try_clone()?, LineReader::new(client.try_clone()?, MAX_LINE), "client"),
    ];
    for s in [&client, &server] {
        s.set_read_timeout(Some(Duration::from_secs(5)))?;
    }
    let mut heard = Vec::new();
    for turn in 0..limit {
        let (from, out, their_reader, to) = &mut ends[usize::from(turn % 2 == 1)];
        if prompts {
            log.line(format!("{from}> (type a line for the {from} to send)"));
        }
        let Some(line) = next() else { break };
        out.write_all(format!("{line}\n").as_bytes())?;
        match their_reader.next(&stop)? {
            Line::Text(t) => {
                let text = String::from_utf8_lossy(&t).into_owned();
                log.line(format!("{to} got from {from}: {text}"));
                heard.push(format!("{to}<{from}: {text}"));
            }
            _ => anyhow::bail!("the {to} side closed the connection"),
        }
    }
    // The client leaves first, as in the lab.
    client.shutdown(std::net::Shutdown::Write)?;
    let mut server_reader = LineReader::new(server.try_clone()?, MAX_LINE);
    while let Ok(Line::Text(_)) = server_reader.next(&stop) {}
    server.shutdown(std::net::Shutdown::Both)?;
    Ok(heard)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::net::SocketAddr;

    fn local_pair() -> (SocketAddr, TcpListener) {
        let l = TcpListener::bind("127.0.0.1:0").unwrap();
        (l.local_addr().unwrap(), l)
    }

    #[test]
    fn lines_alternate_between_the_two_sides() {
        let (addr, l) = local_pair();
        let client = TcpStream::connect(addr).unwrap();
        let (server, _) = l.accept().unwrap();
        let mut msgs = vec!["hi server".to_string(), "hi client".to_string(), "bye".to_string()].into_iter();
        let (log, _) = Log::memory();
        let heard = converse(client, server, &mut || msgs.next(), u64::MAX, false, &log).unwrap();
        assert_eq!(heard, ["server<client: hi server", "client<server: hi client", "server<client: bye"]);
    }

    #[test]
    fn separate_sides_each_print_the_other() {
        let (addr, l) = local_pair();
        let (slog, sbuf) = Log::memory();
        let server = thread::spawn(move || {
            let (s, _) = l.accept().unwrap();
            let mut input = Input::new(&["from server".to_string()]);
            talk(s, "client", &mut input, &Stop::never(), &slog).unwrap();
        });
        let (clog, cbuf) = Log::memory();
        let c = TcpStream::connect(addr).unwrap();
        let mut input = Input::new(&["from client".to_string()]);
        talk(c, "server", &mut input, &Stop::never(), &clog).unwrap();
        server.join().unwrap();
        assert!(String::from_utf8_lossy(&sbuf.lock().unwrap()).contains("client> from client"));
        let c = String::from_utf8_lossy(&cbuf.lock().unwrap()).into_owned();
        assert!(c.contains("server> from server"), "{c:?}");
    }
}
