//! The UDP pinger lab: the server echoes `Ping <seq> <time>` in capitals but
//! drops a seeded share of them; the client measures RTTs and loss like ping.

use std::net::{SocketAddr, UdpSocket};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use super::common::{self, Budget, Common, Log, Stop};

pub const PORT: u16 = 12000;

/// UDP pinger server and client (port 12000): the server drops --loss of the pings.
/// Watch pings without replies: the client prints "Request timed out" for each.
#[derive(clap::Args, Debug, Clone)]
#[command(verbatim_doc_comment)]
pub struct Args {
    #[command(flatten)]
    pub common: Common,
    /// Share of pings the server drops (0 to 1).
    #[arg(long, default_value_t = 0.3, value_parser = parse_share)]
    pub loss: f64,
    /// Seed of the server's drop decisions, so that a run can be repeated.
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// Seconds the client waits for each reply.
    #[arg(long, default_value_t = 1.0)]
    pub timeout: f64,
}

impl Args {
    /// How long the client waits for each reply before it counts the ping lost.
    pub fn reply_timeout(&self) -> Duration {
        Duration::try_from_secs_f64(self.timeout).unwrap_or(Duration::from_secs(1))
    }
}

fn parse_share(s: &str) -> Result<f64, String> {
    match s.parse::<f64>() {
        Ok(v) if (0.0..=1.0).contains(&v) => Ok(v),
        _ => Err(format!("not a share between 0 and 1: {s:?}")),
    }
}

/// The server's drop decisions: splitmix64, so a seed gives the same sequence everywhere.
pub struct Dropper {
    state: u64,
    loss: f64,
}

impl Dropper {
    pub fn new(seed: u64, loss: f64) -> Dropper {
        Dropper { state: seed, loss }
    }
    /// Whether to drop the next datagram.
    pub fn drop_next(&mut self) -> bool {
        self.state = self.state.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.state;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^= z >> 31;
        // The top 53 bits give a uniform float in [0, 1).
        ((z >> 11) as f64 / (1u64 << 53) as f64) < self.loss
    }
}

pub fn run(args: &Args, log: &Log) -> anyhow::Result<()> {
    let c = &args.common;
    let (socket, target) = common::listen(c, PORT, common::bind_udp, UdpSocket::local_addr)?;
    if socket.is_some() {
        log.line(format!("UDP ping server on {target}, dropping {:.0}% (seed {})", args.loss * 100.0, args.seed));
    }
    let budget = Budget::new(if c.runs_client() { None } else { c.count });
    let (server_log, loss, seed) = (log.clone(), args.loss, args.seed);
    let server = socket.map(|s| move |stop: Stop| serve(&s, Dropper::new(seed, loss), &stop, &budget, &server_log));
    let timeout = args.reply_timeout();
    common::run_roles(c, c.stop(), server, |stop| {
        client(target, c.count.unwrap_or(10), timeout, stop, log).map(|_| ())
    })
}

pub fn serve(socket: &UdpSocket, mut dropper: Dropper, stop: &Stop, budget: &Budget, log: &Log) {
    common::udp_loop(socket, stop, budget, log, |data, peer| {
        let text = String::from_utf8_lossy(data);
        if dropper.drop_next() {
            log.line(format!("{peer}: {} (dropped)", text.trim_end()));
            return None;
        }
        log.line(format!("{peer}: {}", text.trim_end()));
        Some(data.to_ascii_uppercase())
    });
}

/// What the client measured: per ping, the RTT or None for a timeout.
#[derive(Debug)]
pub struct Report {
    pub rtts: Vec<Option<Duration>>,
}

impl Report {
    pub fn lost(&self) -> usize {
        self.rtts.iter().filter(|r| r.is_none()).count()
    }
}

pub fn client(target: SocketAddr, count: u64, timeout: Duration, stop: &Stop, log: &Log) -> anyhow::Result<Report> {
    let socket = common::udp_client(target)?;
    let mut rtts = Vec::new();
    let mut buf = [0u8; 65535];
    for seq in 1..=count {
        if stop.stopped() {
            break;
        }
        let now = SystemTime::now().duration_since(UNIX_EPOCH).unwrap_or_default();
        let msg = format!("Ping {seq} {:.6}", now.as_secs_f64());
        let sent = Instant::now();
        socket.send_to(msg.as_bytes(), target)?;
        let want = msg.to_ascii_uppercase();
        let rtt = loop {
            let left = timeout.saturating_sub(sent.elapsed());
            if left.is_zero() {
                break None;
            }
            socket.set_read_timeout(Some(left))?;
            match socket.recv_from(&mut buf) {
                // A late reply to an earlier ping is not this ping's reply.
                Ok((n, from)) if buf.get(..n) == Some(want.as_bytes()) => {
                    let rtt = sent.elapsed();
                    log.line(format!("Reply from {from}: {want}  RTT {:.3} ms", ms(rtt)));
                    break Some(rtt);
                }
                Ok(_) => {}
                Err(e) if common::is_timeout(&e) => break None,
                Err(e) => return Err(e.into()),
            }
        };
        if rtt.is_none() {
            log.line(format!("Ping {seq}: Request timed out"));
        }
        rtts.push(rtt);
    }
    let report = Report { rtts };
    summarize(&report, target, log);
    Ok(report)
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

fn summarize(r: &Report, target: SocketAddr, log: &Log) {
    let sent = r.rtts.len();
    let got: Vec<f64> = r.rtts.iter().flatten().map(|d| ms(*d)).collect();
    let loss = if sent == 0 { 0.0 } else { 100.0 * r.lost() as f64 / sent as f64 };
    log.line(format!("--- {target} ping statistics ---"));
    log.line(format!("{sent} packets sent, {} received, {loss:.1}% packet loss", got.len()));
    if !got.is_empty() {
        let min = got.iter().copied().fold(f64::INFINITY, f64::min);
        let max = got.iter().copied().fold(0.0, f64::max);
        let avg = got.iter().sum::<f64>() / got.len() as f64;
        log.line(format!("rtt min/avg/max = {min:.3}/{avg:.3}/{max:.3} ms"));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::thread;

    #[test]
    fn losses_follow_the_seed() {
        let s = common::bind_udp("127.0.0.1:0".parse().unwrap()).unwrap();
        let addr = s.local_addr().unwrap();
        let (log, buf) = Log::memory();
        let stop = Stop::never();
        let (st, slog) = (stop.clone(), log.clone());
        let server = thread::spawn(move || serve(&s, Dropper::new(7, 0.3), &st, &Budget::new(None), &slog));
        let report = client(addr, 12, Duration::from_millis(300), &Stop::never(), &log).unwrap();
        stop.stop();
        server.join().unwrap();
        let mut d = Dropper::new(7, 0.3);
        let expected: Vec<bool> = (0..12).map(|_| d.drop_next()).collect();
        let got: Vec<bool> = report.rtts.iter().map(|r| r.is_none()).collect();
        assert_eq!(got, expected);
        assert!(expected.contains(&true) && expected.contains(&false), "seed 7 should drop some, not all");
        let out = String::from_utf8_lossy(&buf.lock().unwrap()).into_owned();
        assert_eq!(out.matches("Request timed out").count(), report.lost());
        assert!(out.contains(&format!("12 packets sent, {} received", 12 - report.lost())), "{out}");
        assert!(out.contains("rtt min/avg/max"));
    }

    #[test]
    fn loss_share_is_roughly_respected() {
        let mut d = Dropper::new(1, 0.3);
        let dropped = (0..10_000).filter(|_| d.drop_next()).count();
        assert!((2_700..3_300).contains(&dropped), "{dropped}");
        let mut none = Dropper::new(1, 0.0);
        assert!(!(0..1000).any(|_| none.drop_next()));
    }
}
