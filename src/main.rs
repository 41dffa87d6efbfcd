use std::io::{IsTerminal, Write};
use std::process::ExitCode;

use clap::Parser;

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
    #[arg(short = 'Y', value_name = "FILTER")]
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
    /// List every field and protocol (name, type, description) and exit.
    #[arg(long = "list-fields")]
    list_fields: bool,
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
    if cli.list_fields {
        let mut out = std::io::stdout().lock();
        for f in wirelens::field::all() {
            let kind = if f.ftype == wirelens::field::FieldType::Protocol { "P" } else { "F" };
            let desc = if f.desc.is_empty() { f.display } else { f.desc };
            writeln!(out, "{kind}\t{}\t{}\t{}\t{}", f.name, f.ftype.ws_name(), f.protocol(), desc)?;
        }
        return Ok(ExitCode::SUCCESS);
    }
    let filter = match cli.display_filter.as_deref().map(|t| (t, Filter::compile(t))) {
        None => None,
        Some((_, Ok(f))) => Some(f),
        Some((text, Err(e))) => {
            eprintln!("wirelens: invalid display filter: {}", e.render(text));
            return Ok(ExitCode::from(2));
        }
    };
    let Some(path) = cli.read.clone().or(cli.file.clone()) else {
        anyhow::bail!("nothing to read: give a capture file (-r FILE); see --help");
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
    let headless = cli.print || !std::io::stdout().is_terminal() || !matches!(format, Format::Summary) || cli.verbose || cli.hex;
    if !headless {
        wirelens::tui::run(&path, cli.display_filter.as_deref())?;
        return Ok(ExitCode::SUCCESS);
    }
    let opts = Options { path, format, verbose: cli.verbose, hex: cli.hex, count: cli.count, filter };
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
