//! The socket labs of `wirelens lab <kind>`: each lab's generator, its
//! capture and display filters and the hint of what to look for. The
//! runner that captures and shows them is `crate::lab`, above the UI.

use std::thread;
use std::time::Duration;

use clap::Parser;

use super::common::{self, Log};
use super::{dns, smtp, Gen};

/// Run a socket lab on loopback: live capture, server and client, and the
/// packets with the lab's display filter.
#[derive(clap::Args, Debug, Clone)]
pub struct Args {
    #[arg(value_enum)]
    pub kind: Kind,
    /// Print the packets as -P does instead of opening the inspector.
    #[arg(long)]
    pub headless: bool,
    /// The server's port (default: the lab's usual one).
    #[arg(long)]
    pub port: Option<u16>,
    /// Arguments for the generator, replacing the lab's defaults
    /// (`wirelens lab web -- /a.html /b.html`); see `wirelens gen KIND --help`.
    #[arg(last = true, value_name = "GEN ARGS")]
    pub gen_args: Vec<String>,
}

#[derive(clap::ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// TCP uppercase on 12000: handshake, data, teardown per message
    TcpUpper,
    /// UDP uppercase on 12000: a datagram each way per message
    UdpUpper,
    /// TCP chat on 12000: data both ways on one connection
    Chat,
    /// HTTP/1.1 on 6789: a 200 and a 404 on one keep-alive connection
    Web,
    /// UDP pinger on 12000 losing a seeded 30%
    Ping,
    /// DNS on 53 (5353 unless root): every record type and an NXDOMAIN
    Dns,
    /// SMTP on 25 (2525 unless root): one mail from EHLO to QUIT
    Smtp,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Transport {
    Tcp,
    Udp,
    Both,
}

/// What a lab runs and shows.
pub struct Lab {
    transport: Transport,
    port: u16,
    gen_name: &'static str,
    defaults: &'static [&'static str],
    pub hint: &'static str,
    /// The lab's questions, each with the display filter (`{port}` standing
    /// for the server's port) that answers it.
    questions: &'static [(&'static str, Answer, &'static str)],
}

/// How the student answers a question in the inspector.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Answer {
    /// By selecting a packet the filter matches.
    Select,
    /// By displaying exactly the client's requests that got no reply in the
    /// conversations the filter keeps (with any filter that selects them).
    DisplayUnanswered,
}

/// One question of a lab's checklist, its filter for the lab's port.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Question {
    pub text: &'static str,
    pub answer: Answer,
    pub filter: String,
    /// How long the lab's client waits for a reply (the pinger's
    /// `--timeout`): a request unanswered for longer is lost for good.
    pub reply_timeout: Option<Duration>,
}

impl Kind {
    fn lab(self) -> Lab {
        use Transport::*;
        use Answer::{DisplayUnanswered, Select};
        type Questions = &'static [(&'static str, Answer, &'static str)];
        let (transport, port, gen_name, defaults, hint, questions): (_, _, _, &'static [&'static str], _, Questions) = match self {
            Kind::TcpUpper => (
                Tcp,
                super::tcp_upper::PORT,
                "tcp-upper",
                &["-m", "hello wirelens", "-m", "second message"],
                "Each message: SYN, SYN-ACK, ACK, the line and its uppercase reply, then FIN/ACK both ways.",
                &[
                    ("find the SYN of the second connection", Select, "tcp.stream == 1 && tcp.flags.syn == 1 && tcp.flags.ack == 0"),
                    ("find the server's uppercase reply", Select, "tcp.srcport == {port} && tcp.len > 0"),
                    ("find the server's FIN", Select, "tcp.srcport == {port} && tcp.flags.fin == 1"),
                ],
            ),
            Kind::UdpUpper => (
                Udp,
                super::udp_upper::PORT,
                "udp-upper",
                &["-m", "hello wirelens", "-m", "second datagram"],
                "Two datagrams per message, no handshake, no teardown: compare with the TCP lab.",
                &[
                    ("find the server's uppercase reply", Select, "udp.srcport == {port}"),
                    ("find the client's second datagram", Select, "udp.dstport == {port} && udp contains \"second\""),
                ],
            ),
            Kind::Chat => (
                Tcp,
                super::chat::PORT,
                "chat",
                &["-m", "hi, server here?", "-m", "yes, hello client", "-m", "bye"],
                "One connection, data both ways, each segment ACKed by the other side.",
                &[
                    ("find the SYN that opens the chat", Select, "tcp.flags.syn == 1 && tcp.flags.ack == 0"),
                    ("find a message the server sends", Select, "tcp.srcport == {port} && tcp.len > 0"),
                ],
            ),
            Kind::Web => (
                Tcp,
                super::web::PORT,
                "web",
                &["/", "/missing.html"],
                "GET / answered 200 OK, GET /missing.html answered 404 Not Found, on one keep-alive connection.",
                &[
                    ("find the request for /missing.html", Select, "http.request.uri == \"/missing.html\""),
                    ("find the 404", Select, "http.response.code == 404"),
                    ("find the 200 OK", Select, "http.response.code == 200"),
                ],
            ),
            Kind::Ping => (
                Udp,
                super::ping::PORT,
                "ping",
                &["--count", "10", "--loss", "0.3", "--seed", "7"],
                "Pings without a reply are the ones the server dropped; the next ping leaves a second later.",
                &[
                    ("find a ping the server answered", Select, "udp.srcport == {port}"),
                    ("which pings were lost? display exactly them", DisplayUnanswered, "udp.port == {port}"),
                ],
            ),
            Kind::Dns => (
                Both,
                common::preferred_port(dns::PORT, dns::FALLBACK_PORT),
                "dns",
                &[],
                "Each query and its answer share an id; nothere.lab.test gets NXDOMAIN (No such name).",
                &[
                    ("find the NXDOMAIN", Select, "dns.flags.rcode == 3"),
                    ("find the answer to the MX query", Select, "dns.flags.response == 1 && dns.qry.type == 15"),
                ],
            ),
            Kind::Smtp => (
                Tcp,
                common::preferred_port(smtp::PORT, smtp::FALLBACK_PORT),
                "smtp",
                &[],
                "Each command (EHLO, MAIL FROM, RCPT TO, DATA, QUIT) is followed by its numbered reply.",
                &[
                    ("find the DATA command", Select, "smtp.req.command == \"DATA\""),
                    ("find the reply that invites the message (354)", Select, "smtp.response.code == 354"),
                ],
            ),
        };
        Lab { transport, port, gen_name, defaults, hint, questions }
    }
}

impl Lab {
    /// The capture filter (BPF) for the lab's traffic.
    pub fn capture_filter(&self, port: u16) -> String {
        match self.transport {
            Transport::Tcp => format!("tcp port {port}"),
            Transport::Udp => format!("udp port {port}"),
            Transport::Both => format!("port {port}"),
        }
    }
    /// The display filter the lab opens with.
    pub fn display_filter(&self, port: u16) -> String {
        match self.transport {
            Transport::Tcp => format!("tcp.port == {port}"),
            Transport::Udp => format!("udp.port == {port}"),
            Transport::Both => format!("tcp.port == {port} || udp.port == {port}"),
        }
    }
}

#[derive(Parser)]
#[command(no_binary_name = true)]
struct GenLine {
    #[command(subcommand)]
    gen: Gen,
}

/// A lab ready to run: its generator with arguments, and what to capture and show.
pub struct Prepared {
    /// The generator that makes the lab's traffic.
    pub gen: Gen,
    pub name: &'static str,
    /// BPF filter for the capture.
    pub capture_filter: String,
    /// Display filter the packets are shown with.
    pub display_filter: String,
    /// What to look for, in one line.
    pub hint: &'static str,
    /// The checklist the inspector ticks as the student finds the answers.
    pub questions: Vec<Question>,
}

impl Kind {
    /// The lab on `port` (default: its usual one), with the generator's
    /// arguments `gen_args` or, when empty, the lab's own exchange.
    pub fn prepare(self, port: Option<u16>, gen_args: &[String]) -> anyhow::Result<Prepared> {
        let lab = self.lab();
        let port = port.unwrap_or(lab.port);
        let port_text = port.to_string();
        let mut line = vec![lab.gen_name, "--port", &port_text];
        if gen_args.is_empty() {
            line.extend(lab.defaults);
        } else {
            line.extend(gen_args.iter().map(String::as_str));
        }
        let gen = GenLine::try_parse_from(&line).map_err(|e| anyhow::anyhow!("bad generator arguments: {e}"))?.gen;
        let reply_timeout = match &gen {
            Gen::Ping(a) => Some(a.reply_timeout()),
            _ => None,
        };
        Ok(Prepared {
            gen,
            name: lab.gen_name,
            capture_filter: lab.capture_filter(port),
            display_filter: lab.display_filter(port),
            hint: lab.hint,
            questions: lab
                .questions
                .iter()
                .map(|&(text, answer, filter)| {
                    Question { text, answer, filter: filter.replace("{port}", &port_text), reply_timeout }
                })
                .collect(),
        })
    }
}

impl Prepared {
    /// Runs the generator on a thread of its own, printing nothing (for a
    /// caller that owns the terminal, like the inspector's generator menu).
    /// It starts `after` this delay (time for a capture to start) and ends
    /// when its exchange is done, or at [`common::interrupt`].
    pub fn spawn_quiet(self, after: Duration) -> thread::JoinHandle<anyhow::Result<()>> {
        thread::spawn(move || {
            thread::sleep(after);
            let (log, _) = Log::memory();
            super::run_with(&self.gen, &log)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::filter::Filter;
    use clap::ValueEnum;

    #[test]
    fn every_lab_has_valid_filters_and_generator_defaults() {
        for kind in Kind::value_variants() {
            let lab = kind.prepare(None, &[]).unwrap();
            assert!(Filter::compile(&lab.display_filter).is_ok(), "{}", lab.display_filter);
            assert!(!lab.questions.is_empty(), "{kind:?} asks nothing");
            for q in &lab.questions {
                assert!(Filter::compile(&q.filter).is_ok() && !q.filter.contains('{'), "{kind:?}: {}", q.filter);
            }
        }
        let custom = Kind::Web.prepare(Some(7000), &["--pipeline".into(), "/a".into()]).unwrap();
        assert_eq!((custom.capture_filter.as_str(), custom.display_filter.as_str()), ("tcp port 7000", "tcp.port == 7000"));
        let ping = Kind::Ping.prepare(Some(7001), &[]).unwrap();
        assert_eq!(ping.questions[1].filter, "udp.port == 7001");
        assert_eq!(ping.questions[1].answer, Answer::DisplayUnanswered);
        assert_eq!(ping.questions[1].reply_timeout, Some(Duration::from_secs(1)));
        let quick = Kind::Ping.prepare(None, &["--timeout".into(), "0.3".into()]).unwrap();
        assert_eq!(quick.questions[1].reply_timeout, Some(Duration::from_millis(300)));
        assert!(Kind::Web.prepare(None, &["--no-such-flag".into()]).is_err());
        assert_eq!(Kind::Dns.lab().capture_filter(53), "port 53");
        assert_eq!(Kind::Dns.lab().display_filter(53), "tcp.port == 53 || udp.port == 53");
    }
}
