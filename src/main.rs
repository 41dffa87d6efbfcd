use std::io::{IsTerminal, Write};
use std::process::ExitCode;

use clap::{Parser, Subcommand};

use wirelens::filter::Filter;
use wirelens::headless::{self, Format, Options};
use wirelens::output::FieldList;

/// A terminal packet and session inspector: a mini-Wireshark for the terminal.
#[derive(Parser, Debug)]
#[command(name = "wirelens", version, about, disable_version_flag = true)]
struct Cli {
    /// Print the version and exit.
    #[arg(long = "version", action = clap::ArgAction::Version)]
    version: Option<bool>,
    /// Read packets from FILE (pcap or pcapng; `-` for standard input).
    #[arg(short = 'r', value_name = "FILE")]
    read: Option<String>,
    /// A capture file to open (same as -r).
    #[arg(value_name = "CAPTURE")]
    file: Option<String>,
    /// Print packet summaries instead of opening the inspector.
    #[arg(short = 'P', long = "print")]
    print: bool,
    /// Stop after N packets.
    #[arg(short = 'c', value_name = "N")]
    count: Option<u64>,
    /// Output format: `text` (default) or `fields` (with -e).
    #[arg(short = 'T', value_name = "FORMAT")]
    format: Option<String>,
    /// A field to print with -T fields; repeat for more.
    #[arg(short = 'e', value_name = "FIELD")]
    fields: Vec<String>,
    /// Display filter (Wireshark syntax): print only the packets it matches.
    #[arg(short = 'Y', value_name = "FILTER", allow_hyphen_values = true)]
    display_filter: Option<String>,
    /// Print the whole detail tree of each packet.
    #[arg(short = 'V')]
    verbose: bool,
    /// Print a hex and ASCII dump of each packet.
    #[arg(short = 'x')]
    hex: bool,
    /// Disable name resolution (accepted for tshark compatibility: wirelens
    /// never resolves names).
    #[arg(short = 'n')]
    no_resolve: bool,
    /// A statistic to print after the packets (tshark's `-z`: conv,tcp,
    /// conv,udp, conv,ip, conv,ipv6, conv,eth, endpoints,KIND, io,phs, each
    /// with an optional ,FILTER; follow,tcp|udp,ascii|hex|raw,N); repeat
    /// for more.
    #[arg(short = 'z', value_name = "STATISTIC")]
    stats: Vec<String>,
    /// Quiet: print no packet lines (with -z, only the statistics).
    #[arg(short = 'q')]
    quiet: bool,
    /// Two passes: print each packet with what the whole capture tells of
    /// it (a request's response frame, ...), as the inspector shows it.
    #[arg(short = '2')]
    two_pass: bool,
    /// List every field and protocol (name, type, description) and exit.
    #[arg(long = "list-fields")]
    list_fields: bool,
    /// Capture live on interface IFACE (`lo`, `any`, …).
    #[arg(short = 'i', value_name = "IFACE")]
    interface: Option<String>,
    /// Capture filter in BPF syntax, as tcpdump takes it (with -i).
    #[arg(short = 'f', value_name = "FILTER")]
    capture_filter: Option<String>,
    /// Write captured packets to FILE (pcap) as they arrive (with -i).
    #[arg(short = 'w', value_name = "FILE")]
    write: Option<std::path::PathBuf>,
    /// Snap length: bytes kept of each captured packet (with -i).
    #[arg(short = 's', value_name = "SNAPLEN")]
    snaplen: Option<u32>,
    /// List the interfaces available for live capture and exit.
    #[arg(short = 'D')]
    list_interfaces: bool,
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Run a lab traffic generator (server and client) on loopback.
    #[command(subcommand)]
    Gen(wirelens::gen::Gen),
    /// Run a socket lab: live capture on lo, the lab's server and client, and
    /// the packets with the lab's display filter.
    Lab(wirelens::gen::lab::Args),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("wirelens: {e}");
            ExitCode::from(2)
        }
    }
}

fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    match &cli.command {
        Some(Command::Gen(gen)) => return wirelens::gen::run(gen).map(|_| ExitCode::SUCCESS),
        Some(Command::Lab(lab)) => return wirelens::gen::lab::run(lab).map(|_| ExitCode::SUCCESS),
        None => {}
    }
    if cli.list_fields {
        let mut out = std::io::stdout().lock();
        for f in wirelens::field::all() {
            let kind = if f.ftype == wirelens::field::FieldType::Protocol { "P" } else { "F" };
            let desc = if f.desc.is_empty() { f.display } else { f.desc };
            writeln!(out, "{kind}\t{}\t{}\t{}\t{}", f.name, f.ftype.ws_name(), f.protocol(), desc)?;
        }
        return Ok(ExitCode::SUCCESS);
    }
    if cli.list_interfaces {
        return list_interfaces();
    }
    let filter = match cli.display_filter.as_deref().map(|t| (t, Filter::compile(t))) {
        None => None,
        Some((_, Ok(f))) => Some(f),
        Some((text, Err(e))) => {
            eprintln!("wirelens: invalid display filter: {}", e.render(text));
            return Ok(ExitCode::from(2));
        }
    };
    let format = match cli.format.as_deref() {
        None | Some("text") => Format::Summary,
        Some("fields") => {
            if cli.fields.is_empty() {
                anyhow::bail!("-T fields needs at least one -e FIELD");
            }
            Format::Fields(FieldList::new(&cli.fields)?)
        }
        Some(other) => anyhow::bail!("unknown output format {other:?} (use text or fields)"),
    };
    let headless = cli.print || cli.quiet || !cli.stats.is_empty() || !std::io::stdout().is_terminal() || !matches!(format, Format::Summary) || cli.verbose || cli.hex;
    if let Some(iface) = cli.interface.clone() {
        if !headless {
            wirelens::tui::run_live(&live_options(&cli, iface), cli.display_filter.as_deref())?;
            return Ok(ExitCode::SUCCESS);
        }
        return live_capture(&cli, iface, format, filter);
    }
    let Some(path) = cli.read.clone().or(cli.file.clone()) else {
        if !headless {
            // Nothing to read in a terminal: offer live capture instead
            // (written to the -w file, if given).
            if let Some(iface) = wirelens::tui::pick_interface()? {
                wirelens::tui::run_live(&live_options(&cli, iface), cli.display_filter.as_deref())?;
            }
            return Ok(ExitCode::SUCCESS);
        }
        anyhow::bail!("nothing to read: give a capture file (-r FILE) or an interface (-i IFACE); see --help");
    };
    if cli.write.is_some() {
        anyhow::bail!("-w writes live captures only (use it with -i IFACE)");
    }
    if !headless {
        wirelens::tui::run(&path, cli.display_filter.as_deref())?;
        return Ok(ExitCode::SUCCESS);
    }
    let opts = Options {
        path,
        format,
        verbose: cli.verbose,
        hex: cli.hex,
        count: cli.count,
        filter,
        stats: cli.stats,
        quiet: cli.quiet,
        two_pass: cli.two_pass,
    };
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::with_capacity(1 << 16, stdout.lock());
    match headless::run(&opts, &mut out) {
        Ok(Ok(())) => Ok(ExitCode::SUCCESS),
        Ok(Err(msg)) => {
            eprintln!("wirelens: {msg}");
            Ok(ExitCode::from(2))
        }
        Err(e) if is_broken_pipe(&e) => Ok(ExitCode::SUCCESS),
        Err(e) => Err(e),
    }
}

fn is_broken_pipe(e: &anyhow::Error) -> bool {
    e.downcast_ref::<std::io::Error>().is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
}

/// `-D`: the interfaces, numbered as tshark lists them.
fn list_interfaces() -> anyhow::Result<ExitCode> {
    let mut out = std::io::stdout().lock();
    for (i, d) in wirelens::capture::live::list_interfaces()?.iter().enumerate() {
        writeln!(out, "{}. {}", i + 1, d.label())?;
    }
    Ok(ExitCode::SUCCESS)
}

fn live_options(cli: &Cli, iface: String) -> wirelens::capture::LiveOptions {
    wirelens::capture::LiveOptions {
        iface,
        filter: cli.capture_filter.clone(),
        snaplen: cli.snaplen.unwrap_or(0),
        write_to: cli.write.clone(),
        count: cli.count,
        ..Default::default()
    }
}

/// Headless live capture: prints packets as they arrive (unless only
/// writing a file), stops on Ctrl-C or -c, then reports libpcap's counts on
/// standard error as tshark does.
fn live_capture(cli: &Cli, iface: String, format: Format, filter: Option<Filter>) -> anyhow::Result<ExitCode> {
    use std::sync::atomic::{AtomicBool, Ordering};
    use std::sync::Arc;
    use wirelens::capture::LiveCapture;

    let opts = live_options(cli, iface.clone());
    let stop = Arc::new(AtomicBool::new(false));
    let flag = stop.clone();
    ctrlc::set_handler(move || flag.store(true, Ordering::Relaxed))?;
    let (cap, rx) = LiveCapture::start(&opts)?;
    eprintln!("Capturing on '{iface}'");
    let print = cli.print || cli.write.is_none();
    let printer = print.then(|| headless::Printer::new(&format, cli.verbose, cli.hex, filter.as_ref(), false));
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::with_capacity(1 << 16, stdout.lock());
    let end = match headless::run_live(cap, rx, printer, &stop, &mut out) {
        Ok(end) => end,
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => return Ok(ExitCode::SUCCESS),
        Err(e) => return Err(e.into()),
    };
    let s = end.stats;
    let plural = |n: u64| if n == 1 { "" } else { "s" };
    eprintln!("{} packet{} captured", s.captured, plural(s.captured));
    // Shown even when zero (tshark omits it then): a reader of the output
    // should never have to guess whether packets were lost.
    eprintln!("{} packet{} dropped from {iface}", s.dropped, plural(s.dropped));
    if s.if_dropped > 0 {
        eprintln!("{} packet{} dropped by the interface or its driver", s.if_dropped, plural(s.if_dropped));
    }
    match end.error {
        Some(e) => {
            eprintln!("wirelens: {e}");
            Ok(ExitCode::from(2))
        }
        None => Ok(ExitCode::SUCCESS),
    }
}
