//! Traffic generators for the classic socket labs (`wirelens gen <kind>`):
//! small servers and clients on loopback, built on std threads and
//! `std::net`, that make traffic worth inspecting.

pub mod chat;
pub mod common;
pub mod dns;
pub mod lab;
pub mod ping;
pub mod smtp;
pub mod tcp_upper;
pub mod udp_upper;
pub mod web;

use common::Log;

/// The generators, one per lab.
#[derive(clap::Subcommand, Debug, Clone)]
pub enum Gen {
    TcpUpper(tcp_upper::Args),
    UdpUpper(udp_upper::Args),
    Chat(chat::Args),
    Web(web::Args),
    Ping(ping::Args),
    Dns(dns::Args),
    Smtp(smtp::Args),
}

/// Runs a generator until its client is done, `--count`/`--duration` is
/// reached, or Ctrl-C.
pub fn run(gen: &Gen) -> anyhow::Result<()> {
    common::catch_ctrl_c();
    run_with(gen, &Log::stdout())
}

/// Runs a generator printing to `log`.
pub fn run_with(gen: &Gen, log: &Log) -> anyhow::Result<()> {
    match gen {
        Gen::TcpUpper(a) => tcp_upper::run(a, log),
        Gen::UdpUpper(a) => udp_upper::run(a, log),
        Gen::Chat(a) => chat::run(a, log),
        Gen::Web(a) => web::run(a, log),
        Gen::Ping(a) => ping::run(a, log),
        Gen::Dns(a) => dns::run(a, log),
        Gen::Smtp(a) => smtp::run(a, log),
    }
}
