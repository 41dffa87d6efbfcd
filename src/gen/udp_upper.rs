//! The UDP uppercase lab: one datagram in, the same text in capitals out.
//! No connection, no handshake: compare with the TCP lab's packets.

use std::net::{SocketAddr, UdpSocket};
use std::time::Duration;

use super::common::{self, Budget, Common, Log, Messages, Stop};

pub const PORT: u16 = 12000;

/// UDP uppercase server and client (port 12000): each datagram comes back in capitals.
/// Watch two datagrams per message and no handshake, unlike the TCP lab.
#[derive(clap::Args, Debug, Clone)]
#[command(verbatim_doc_comment)]
pub struct Args {
    #[command(flatten)]
    pub common: Common,
    #[command(flatten)]
    pub messages: Messages,
}

pub fn run(args: &Args, log: &Log) -> anyhow::Result<()> {
    let c = &args.common;
    let (socket, target) = common::listen(c, PORT, common::bind_udp, UdpSocket::local_addr)?;
    if socket.is_some() {
        log.line(format!("UDP uppercase server listening on {target}"));
    }
    let budget = Budget::new(if c.runs_client() { None } else { c.count });
    let server_log = log.clone();
    let server = socket.map(|s| move |stop: Stop| serve(&s, &stop, &budget, &server_log));
    common::run_roles(c, c.stop(), server, |stop| {
        let mut next = args.messages.source(c, stop);
        client(target, &mut next, log).map(|_| ())
    })
}

pub fn serve(socket: &UdpSocket, stop: &Stop, budget: &Budget, log: &Log) {
    common::udp_loop(socket, stop, budget, log, |data, peer| {
        log.line(format!("{peer}: {}", String::from_utf8_lossy(data).trim_end()));
        Some(data.to_ascii_uppercase())
    });
}

/// Sends each message as one datagram and prints the reply (or a timeout).
pub fn client(target: SocketAddr, next: &mut dyn FnMut() -> Option<String>, log: &Log) -> anyhow::Result<Vec<String>> {
    let socket = common::udp_client(target)?;
    socket.set_read_timeout(Some(Duration::from_secs(1)))?;
    let mut replies = Vec::new();
    let mut buf = [0u8; 65535];
    while let Some(msg) = next() {
        socket.send_to(msg.as_bytes(), target)?;
        match socket.recv_from(&mut buf) {
            Ok((n, _)) => {
                let reply = String::from_utf8_lossy(buf.get(..n).unwrap_or_default()).into_owned();
                log.line(&reply);
                replies.push(reply);
            }
            Err(e) if common::is_timeout(&e) => log.line("Request timed out"),
            Err(e) => return Err(e.into()),
        }
    }
    Ok(replies)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::thread;

    #[test]
    fn replies_in_upper_case() {
        let s = common::bind_udp("127.0.0.1:0".parse().unwrap()).unwrap();
        let addr = s.local_addr().unwrap();
        let (log, buf) = Log::memory();
        let stop = Stop::never();
        let (st, slog) = (stop.clone(), log.clone());
        let server = thread::spawn(move || serve(&s, &st, &Budget::new(None), &slog));
        let mut msgs = vec!["abc def".to_string(), "x1".to_string()].into_iter();
        let replies = client(addr, &mut || msgs.next(), &log).unwrap();
        stop.stop();
        server.join().unwrap();
        assert_eq!(replies, ["ABC DEF", "X1"]);
        assert!(String::from_utf8_lossy(&buf.lock().unwrap()).contains(": abc def"));
    }
}
