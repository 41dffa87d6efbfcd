//! The command layer, as ripgrep's: what was typed (`Args`, clap's parse of
//! the command line, each flag defined once) is checked into a `Mode` that
//! says exactly what to run, and `run` runs it and returns its `Outcome`
//! (exit statuses: see `crate::outcome`).
//!
//! tshark's conventions hold: `-r FILE` reads a file, `-i IFACE` captures;
//! words after the options are a capture filter with `-i` and a display
//! filter with `-r` (without either, the first word is the capture to open);
//! standard output that is not a terminal, or any of `-P -V -x -T -z -q`,
//! prints instead of opening the inspector.

use std::io::{IsTerminal, Write};
use std::path::PathBuf;

use clap::{Parser, Subcommand, ValueEnum};

use crate::capture::{LiveCapture, LiveOptions, Limits};
use crate::filter::Filter;
use crate::headless::{self, Format, Options, Printer, SaveFormat, SaveTo};
use crate::outcome::Outcome;
use crate::output::json::{JsonOptions, ProtocolFilter};
use crate::output::glossary::{self, Glossary};
use crate::output::timefmt::TimeFormat;
use crate::output::{FieldList, FieldOptions};
use crate::field::plural;

/// A terminal packet and session inspector: a mini-Wireshark for the terminal.
#[derive(Parser, Debug)]
#[command(name = "wirelens", version, about, disable_version_flag = true)]
pub struct Args {
    /// Print the version and exit.
    #[arg(long = "version", action = clap::ArgAction::Version)]
    version: Option<bool>,
    /// Read packets from FILE (pcap or pcapng, gzip-compressed or not; `-`
    /// for standard input). A pipe or FIFO is followed as packets arrive.
    #[arg(short = 'r', value_name = "FILE")]
    read: Option<String>,
    /// The capture file to open (without -r or -i), then a display filter;
    /// with -r, a display filter; with -i, a capture filter.
    #[arg(value_name = "CAPTURE|FILTER")]
    words: Vec<String>,
    /// Print packet summaries instead of opening the inspector.
    #[arg(short = 'P', long = "print")]
    print: bool,
    /// Stop after N packets.
    #[arg(short = 'c', value_name = "N")]
    count: Option<u64>,
    /// Output format: `text` (default), `tabs` (the summary parted by
    /// tabs), `fields` (with -e), `json` (the detail tree, or the -e
    /// fields), `ek` (Elasticsearch bulk lines), `pdml` (the tree as XML)
    /// or `psml` (the summary columns as XML).
    #[arg(short = 'T', value_name = "FORMAT")]
    format: Option<String>,
    /// How -T fields lays out its lines, as tshark: header=y|n,
    /// separator=/t|/s|CHAR, quote=d|s|n, occurrence=f|l|a,
    /// aggregator=,|/s|CHAR, bom=y|n; repeat for more.
    #[arg(short = 'E', value_name = "OPTION=VALUE")]
    field_options: Vec<String>,
    /// With -T json: only these protocols' and fields' subtrees
    /// (space-separated names; the values of other items stay).
    #[arg(short = 'j', value_name = "PROTOCOLS")]
    json_filter: Option<String>,
    /// -j, with every item below a name given printed.
    #[arg(short = 'J', value_name = "PROTOCOLS")]
    json_filter_children: Option<String>,
    /// A field to print with -T fields (or a column: _ws.col.No.,
    /// _ws.col.Time, _ws.col.Source, _ws.col.Destination,
    /// _ws.col.Protocol, _ws.col.Length, _ws.col.Info); repeat for more.
    #[arg(short = 'e', value_name = "FIELD")]
    fields: Vec<String>,
    /// Display filter (Wireshark syntax): print only the packets it matches.
    #[arg(short = 'Y', value_name = "FILTER", allow_hyphen_values = true)]
    display_filter: Option<String>,
    /// Print the whole detail tree of each packet.
    #[arg(short = 'V')]
    verbose: bool,
    /// Print the detail tree with only these protocols expanded
    /// (comma-separated filter names: -O http,tcp).
    #[arg(short = 'O', value_name = "PROTOCOLS")]
    expand: Option<String>,
    /// Print a hex and ASCII dump of each packet (alone, only the dump;
    /// after the summary with -P, after the tree with -V).
    #[arg(short = 'x')]
    hex: bool,
    /// Disable name resolution (MAC addresses are shown as numbers).
    #[arg(short = 'n')]
    no_resolve: bool,
    /// Name resolution to turn on, as tshark's letters: `m` MAC addresses
    /// (vendor and well-known names, on by default); `n`, `t`, `d`, `N`,
    /// `v` are accepted and resolve nothing (no lookups on the network).
    #[arg(short = 'N', value_name = "FLAGS")]
    resolve: Option<String>,
    /// A statistic to print after the packets (tshark's `-z`: conv,tcp,
    /// conv,udp, conv,ip, conv,ipv6, conv,eth, endpoints,KIND, io,phs, each
    /// with an optional ,FILTER; follow,tcp|udp,ascii|hex|raw,N); repeat
    /// for more.
    #[arg(short = 'z', value_name = "STATISTIC")]
    stats: Vec<String>,
    /// Quiet: print no summary lines (with -z, only the statistics; live,
    /// only the final counts); -P, -V, -O, -x and -T still print theirs,
    /// as in tshark.
    #[arg(short = 'q')]
    quiet: bool,
    /// Write the objects a capture carries into a directory, as tshark:
    /// `http,DIR` (HTTP bodies, named by their URI's last part) or
    /// `imf,DIR` (mails, named by their subject); repeat for both.
    #[arg(long = "export-objects", value_name = "PROTO,DIR")]
    export_objects: Vec<String>,
    /// Flush standard output after each packet (live captures and pipes
    /// also flush whenever no packet waits).
    #[arg(short = 'l')]
    line_buffered: bool,
    /// Two passes: print each packet with what the whole capture tells of
    /// it (a request's response frame, ...), as the inspector shows it.
    #[arg(short = '2')]
    two_pass: bool,
    /// Time column: a (local time), ad (local date and time), adoy (local
    /// year/day of year and time), d (since the previous packet), dd (since
    /// the previous packet shown), e (epoch), r (since the first packet,
    /// the default), u, ud, udoy (as a, ad, adoy in UTC).
    #[arg(short = 't', value_name = "FORMAT")]
    time: Option<String>,
    /// Seconds in time spans: s (the default) or hms (hours, minutes, seconds).
    #[arg(short = 'u', value_name = "UNIT")]
    seconds: Option<String>,
    /// List every field and protocol (name, type, description) and exit.
    #[arg(long = "list-fields")]
    list_fields: bool,
    /// Print a glossary and exit, in tshark's columns: `fields` (the
    /// default) or `protocols`.
    #[arg(short = 'G', value_name = "REPORT", num_args = 0..=1, default_missing_value = "fields")]
    glossary: Option<String>,
    /// Print the completion script for SHELL (bash, zsh, fish, elvish,
    /// powershell) and exit.
    #[arg(long = "completions", value_name = "SHELL")]
    completions: Option<clap_complete::Shell>,
    /// Print the manual page (roff) and exit.
    #[arg(long = "man")]
    man: bool,
    /// Capture live on interface IFACE (`lo`, `any`, …); `-` reads a pcap
    /// stream on standard input; `ssh://[USER@]HOST[:PORT]/IFACE` captures
    /// on a remote host through ssh (tcpdump or dumpcap there).
    #[arg(short = 'i', value_name = "IFACE")]
    interface: Option<String>,
    /// Capture filter in BPF syntax, as tcpdump takes it (with -i).
    #[arg(short = 'f', value_name = "FILTER")]
    capture_filter: Option<String>,
    /// Write packets to FILE: captured ones as they arrive (with -i), or
    /// those of -r FILE that -Y keeps (printed only with -P); pcapng when
    /// the name ends in .pcapng (or with -F pcapng), else pcap.
    #[arg(short = 'w', value_name = "FILE")]
    write: Option<PathBuf>,
    /// The format -w writes a file read with -r in: pcap (microseconds),
    /// nsecpcap (nanoseconds) or pcapng.
    #[arg(short = 'F', value_name = "FORMAT")]
    file_format: Option<String>,
    /// Snap length: bytes kept of each captured packet (with -i).
    #[arg(short = 's', value_name = "SNAPLEN")]
    snaplen: Option<u32>,
    /// Kernel capture buffer in MiB (with -i; default 8), as dumpcap's -B.
    #[arg(short = 'B', value_name = "MiB")]
    buffer: Option<u32>,
    /// Stop the capture on a condition: duration:SECONDS, filesize:KB,
    /// packets:N, files:N (with -b); repeat for more.
    #[arg(short = 'a', value_name = "COND")]
    autostop: Vec<String>,
    /// Write a ring buffer of files (with -w): switch files at
    /// filesize:KB, duration:SECONDS or packets:N, keep files:N.
    #[arg(short = 'b', value_name = "COND")]
    ring: Vec<String>,
    /// List the interfaces available for live capture and exit.
    #[arg(short = 'D')]
    list_interfaces: bool,
    /// Decode As: `LAYER==PORT,PROTOCOL` decodes a port's traffic as a
    /// protocol (tcp.port or udp.port; a port, a range `8000-8010` or a
    /// start and count `8000:3`; e.g. `udp.port==5300,dns`); repeat for more.
    #[arg(short = 'd', value_name = "RULE")]
    decode_as: Vec<String>,
    /// Set a preference, as tshark: `NAME:VALUE` with NAME one of
    /// tcp.analyze_sequence_numbers, tcp.relative_sequence_numbers,
    /// tcp.calculate_timestamps, tcp.desegment_tcp_streams, http.desegment_body,
    /// http.desegment_headers (TRUE or FALSE), gui.column.format
    /// (`"No.","%m","Info","%i"`: title and code pairs; codes %m, %t, %s,
    /// %d, %p, %L, %i), or tls.keylog_file (a key log in the SSLKEYLOGFILE
    /// format, to decrypt TLS); repeat for more.
    #[arg(short = 'o', value_name = "NAME:VALUE")]
    prefs: Vec<String>,
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Run a lab traffic generator (server and client) on loopback.
    #[command(subcommand)]
    Gen(crate::gen::Gen),
    /// Run a socket lab: live capture on lo, the lab's server and client, and
    /// the packets with the lab's display filter.
    Lab(crate::gen::lab::Args),
}

/// `-T`: the headless output formats.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum OutputKind {
    Text,
    Tabs,
    Fields,
    Json,
    Pdml,
    Psml,
    Ek,
}

/// What to run, checked.
pub enum Mode {
    Gen(crate::gen::Gen),
    Lab(crate::gen::lab::Args),
    ListFields,
    /// `-G fields`, `-G protocols` or `-G values`.
    Glossary(Glossary),
    /// `--completions SHELL`.
    Completions(clap_complete::Shell),
    /// `--man`.
    Man,
    ListInterfaces,
    /// The inspector on a file.
    /// (`time`: the list's time column, from -t and -u.)
    Inspect { path: String, filter: Option<String>, time: crate::tui::TimeColumn },
    /// The inspector on a live capture or a stream.
    InspectLive { live: LiveOptions, filter: Option<String>, time: crate::tui::TimeColumn },
    /// No capture named: pick an interface, then the live inspector.
    PickInterface { live: LiveOptions, filter: Option<String>, time: crate::tui::TimeColumn },
    /// Headless output of a file.
    Print(Options),
    /// Headless output of a live capture or a stream.
    PrintLive(LivePrint),
}

/// Headless live capture: what to print of each packet (nothing when only
/// writing a file, or with -q).
pub struct LivePrint {
    pub live: LiveOptions,
    pub format: Format,
    pub verbose: bool,
    pub expand: Option<Vec<String>>,
    pub hex: bool,
    pub filter: Option<Filter>,
    pub print: bool,
    pub flush_each: bool,
    /// A capture (`-i`), which says where it captures and what it kept; a
    /// stream read with `-r` prints only its packets, as a file does.
    pub announce: bool,
}

/// Parses the command line and checks it; a usage error ends the process
/// with clap's message and status 2.
pub fn parse() -> Result<Mode, String> {
    let args = Args::parse();
    crate::dissect::decode_as::set(decode_as_rules(&args.decode_as)?);
    crate::prefs::set_from_args(&args.prefs)?;
    crate::names::set_mac(resolve_macs(args.no_resolve, args.resolve.as_deref())?);
    check(args)
}

/// `-n`, `-N FLAGS`: whether MAC addresses are named. As in tshark, `-N`
/// names only what its letters say, and `-n` turns everything off.
fn resolve_macs(off: bool, flags: Option<&str>) -> Result<bool, String> {
    if let Some(f) = flags {
        if let Some(bad) = f.chars().find(|c| !"mntdNvg".contains(*c)) {
            return Err(format!("-N {f}: unknown name resolution flag '{bad}' (use m, n, t, d, N, v or g)"));
        }
    }
    Ok(!off && flags.is_none_or(|f| f.contains('m')))
}

/// `-d`: the Decode As rules, in tshark's syntax and with its errors.
fn decode_as_rules(texts: &[String]) -> Result<Vec<crate::dissect::decode_as::Rule>, String> {
    let mut rules = Vec::new();
    for t in texts {
        let rule = crate::dissect::decode_as::parse(t).map_err(|e| format!("-d: {e}"))?;
        if !t.contains("==") {
            eprintln!("wirelens: warning: -d requires \"==\" instead of \"=\". Option will be treated as \"{}\"", rule.text);
        }
        rules.push(rule);
    }
    Ok(rules)
}

/// Turns what was typed into what to run.
pub fn check(a: Args) -> Result<Mode, String> {
    match a.command {
        Some(Command::Gen(g)) => return Ok(Mode::Gen(g)),
        Some(Command::Lab(l)) => return Ok(Mode::Lab(l)),
        None => {}
    }
    if a.list_fields {
        return Ok(Mode::ListFields);
    }
    if let Some(g) = &a.glossary {
        return Glossary::by_name(g).map(Mode::Glossary).ok_or_else(|| format!("-G {g}: unknown report (use fields, protocols or values)"));
    }
    if let Some(shell) = a.completions {
        return Ok(Mode::Completions(shell));
    }
    if a.man {
        return Ok(Mode::Man);
    }
    if a.list_interfaces {
        return Ok(Mode::ListInterfaces);
    }
    // Trailing words: the capture file first when neither -r nor -i names
    // one, the rest a filter of the kind the source takes.
    let mut words = a.words.clone();
    let read = match (&a.read, &a.interface) {
        (None, None) if !words.is_empty() => Some(words.remove(0)),
        (r, _) => r.clone(),
    };
    let trailing = (!words.is_empty()).then(|| words.join(" "));
    let (mut display_text, mut capture_filter) = (a.display_filter.clone(), a.capture_filter.clone());
    if let Some(t) = trailing {
        if a.interface.is_some() {
            if capture_filter.is_some() {
                return Err("a capture filter was given both with -f and after the options".into());
            }
            capture_filter = Some(t);
        } else {
            if display_text.is_some() {
                return Err("a display filter was given both with -Y and after the options".into());
            }
            display_text = Some(t);
        }
    }
    let filter = match display_text.as_deref().map(|t| (t, Filter::compile(t))) {
        None => None,
        Some((_, Ok(f))) => Some(f),
        Some((text, Err(e))) => return Err(format!("invalid display filter: {}", e.render(text))),
    };
    let kind = match a.format.as_deref() {
        None => OutputKind::Text,
        Some(t) => OutputKind::from_str(t, false).map_err(|_| format!("unknown output format {t:?} (use text, tabs, fields, json, ek, pdml or psml)"))?,
    };
    if a.hex && matches!(kind, OutputKind::Fields | OutputKind::Pdml | OutputKind::Psml) {
        return Err("-x: raw packet hex data can only be printed as text, JSON or EK".into());
    }
    let mut field_options = FieldOptions::default();
    for o in &a.field_options {
        field_options.set(o)?;
    }
    let expand = a.expand.as_deref().map(|list| list.split(',').map(str::to_string).collect::<Vec<_>>());
    let verbose = a.verbose || expand.is_some();
    let fields = || FieldList::new(&a.fields).map_err(|e| e.to_string());
    let format = match kind {
        // -x alone prints the dump alone; -P asks for the summary too.
        OutputKind::Text | OutputKind::Tabs if a.hex && !a.print && !verbose => Format::Hex,
        OutputKind::Text => Format::Summary,
        OutputKind::Tabs => Format::Tabs,
        OutputKind::Fields => {
            if a.fields.is_empty() {
                return Err("-T fields needs at least one -e FIELD".into());
            }
            Format::Fields(fields()?.with_options(field_options))
        }
        OutputKind::Json => {
            let filter = match (&a.json_filter, &a.json_filter_children) {
                (Some(j), None) => Some(ProtocolFilter::new(j, false)),
                (None, Some(j)) => Some(ProtocolFilter::new(j, true)),
                (None, None) => None,
                (Some(_), Some(_)) => return Err("give -j or -J, not both".into()),
            };
            let fields = if a.fields.is_empty() { None } else { Some(fields()?) };
            Format::Json(JsonOptions { hex: a.hex, filter, fields })
        }
        OutputKind::Pdml => Format::Pdml { file: read.clone().or(a.interface.clone()).unwrap_or_default() },
        OutputKind::Psml => Format::Psml,
        OutputKind::Ek => Format::Ek,
    };
    // -x is part of the document in the structured formats.
    let hex = a.hex && matches!(kind, OutputKind::Text | OutputKind::Tabs);
    // What prints packets even with -q or -w, as in tshark: any option that
    // names an output (-q and -w only silence the default summary).
    let named_output = a.print || verbose || a.hex || a.format.is_some();
    let mut autostop = Limits::default();
    for w in &a.autostop {
        autostop.set(w).map_err(|e| format!("-a {e}"))?;
    }
    let mut ring = Limits::default();
    for w in &a.ring {
        ring.set(w).map_err(|e| format!("-b {e}"))?;
    }
    if !ring.is_empty() && a.write.is_none() {
        return Err("-b writes a ring buffer of files: give it -w FILE".into());
    }
    let save_format = match a.file_format.as_deref() {
        None => None,
        Some(_) if a.write.is_none() || a.interface.is_some() => {
            return Err("-F chooses the format -w writes a file read with -r in (with -i, the name chooses)".into())
        }
        Some(n) => Some(SaveFormat::by_name(n).ok_or_else(|| format!("-F {n}: unknown file format (use pcap, nsecpcap or pcapng)"))?),
    };
    let export = crate::output::export_objects::parse(&a.export_objects)?;
    let headless = a.print
        || a.quiet
        || !a.stats.is_empty()
        || !export.is_empty()
        || !std::io::stdout().is_terminal()
        || kind != OutputKind::Text
        || verbose
        || a.hex;
    let live = |iface: String, pipe: Option<PathBuf>| LiveOptions {
        iface,
        pipe,
        filter: capture_filter.clone(),
        snaplen: a.snaplen.unwrap_or(0),
        write_to: a.write.clone(),
        count: a.count,
        buffer_mib: a.buffer.unwrap_or(0),
        autostop,
        ring: (!ring.is_empty()).then_some(ring),
    };
    let live_print = |live: LiveOptions, filter: Option<Filter>, format: Format| LivePrint {
        print: named_output || !a.quiet && a.write.is_none(),
        live,
        format,
        verbose,
        expand: expand.clone(),
        hex,
        filter,
        flush_each: a.line_buffered,
        announce: a.interface.is_some(),
    };
    if !export.is_empty() && (a.interface.is_some() || a.write.is_some()) {
        return Err("--export-objects reads a capture file (-r FILE), without -i or -w".into());
    }
    let time = match a.time.as_deref() {
        None => TimeFormat::Relative,
        Some(t) => TimeFormat::by_name(t).ok_or_else(|| format!("-t {t}: unknown time format (use a, ad, adoy, d, dd, e, r, u, ud or udoy)"))?,
    };
    let hms = match a.seconds.as_deref() {
        None | Some("s") => false,
        Some("hms") => true,
        Some(u) => return Err(format!("-u {u}: unknown seconds format (use s or hms)")),
    };
    // The inspector's time column starts as -t and -u say.
    let column = crate::tui::TimeColumn { format: time, hms };
    if let Some(iface) = a.interface.clone() {
        let live = live(iface, None);
        return Ok(if headless {
            Mode::PrintLive(live_print(live, filter, format))
        } else {
            Mode::InspectLive { live, filter: display_text, time: column }
        });
    }
    let Some(path) = read else {
        if !headless {
            return Ok(Mode::PickInterface { live: live(String::new(), None), filter: display_text, time: column });
        }
        return Err("nothing to read: give a capture file (-r FILE) or an interface (-i IFACE); see --help".into());
    };
    // A pipe or FIFO is followed as it arrives, like a live capture,
    // unless the output needs the whole capture first (-2, statistics).
    let needs_whole = a.two_pass || !a.stats.is_empty() || !export.is_empty();
    if is_stream(&path) && !needs_whole {
        let live = LiveOptions { write_to: None, ..live(path.clone(), Some(PathBuf::from(&path))) };
        if a.write.is_some() {
            return Err("-w with -r: writing a file read is not supported yet (use -i - to capture a stream)".into());
        }
        return Ok(if headless {
            Mode::PrintLive(live_print(live, filter, format))
        } else {
            Mode::InspectLive { live, filter: display_text, time: column }
        });
    }
    let save = a.write.clone().map(|path| SaveTo { path, format: save_format });
    if save.is_some() && a.two_pass {
        return Err("-w with -2 is not supported: write in one pass, then read the file with -2".into());
    }
    if !headless && save.is_none() {
        return Ok(Mode::Inspect { path, filter: display_text, time: column });
    }
    Ok(Mode::Print(Options {
        path,
        format,
        verbose,
        hex,
        count: a.count,
        filter,
        stats: a.stats,
        export,
        // -q and writing a file silence the default summary only, as tshark.
        quiet: (a.quiet || save.is_some()) && !named_output,
        two_pass: a.two_pass,
        save,
        time,
        hms,
        expand,
        flush_each: a.line_buffered,
    }))
}

/// Whether `path` is standard input or a FIFO that is a pipe or socket:
/// bytes that arrive over time, shown as they come.
fn is_stream(path: &str) -> bool {
    use std::os::unix::fs::FileTypeExt;
    let path = if path == "-" { "/dev/stdin" } else { path };
    std::fs::metadata(path).is_ok_and(|m| m.file_type().is_fifo() || m.file_type().is_socket())
}

/// Runs what `mode` says.
pub fn run(mode: Mode) -> Outcome {
    match mode {
        Mode::Gen(g) => Outcome::of(crate::gen::run(&g).map(|()| Outcome::Success)),
        Mode::Lab(l) => Outcome::of(crate::lab::run(&l).map(|()| Outcome::Success)),
        Mode::ListFields => Outcome::of(list_fields()),
        Mode::Glossary(g) => Outcome::of(print_glossary(g)),
        Mode::Completions(shell) => Outcome::of(print_with(|out| {
            clap_complete::generate(shell, &mut <Args as clap::CommandFactory>::command(), "wirelens", out);
            Ok(())
        })),
        Mode::Man => Outcome::of(print_with(|out| clap_mangen::Man::new(<Args as clap::CommandFactory>::command()).render(out))),
        Mode::ListInterfaces => Outcome::of(list_interfaces()),
        Mode::Inspect { path, filter, time } => {
            Outcome::of(crate::tui::run(&path, filter.as_deref(), time).map(|()| Outcome::Success))
        }
        Mode::InspectLive { live, filter, time } => {
            Outcome::of(crate::tui::run_live(&live, filter.as_deref(), time).map(|()| Outcome::Success))
        }
        Mode::PickInterface { live, filter, time } => Outcome::of((|| {
            // Nothing to read in a terminal: offer live capture instead
            // (written to the -w file, if given).
            if let Some(iface) = crate::tui::pick_interface()? {
                crate::tui::run_live(&LiveOptions { iface, ..live }, filter.as_deref(), time)?;
            }
            Ok(Outcome::Success)
        })()),
        Mode::Print(opts) => {
            let stdout = std::io::stdout();
            let mut out = std::io::BufWriter::with_capacity(1 << 16, stdout.lock());
            headless::run(&opts, &mut out)
        }
        Mode::PrintLive(p) => Outcome::of(live_capture(p)),
    }
}

/// Runs `write` on buffered standard output and flushes it; a reader that
/// goes away ends it quietly (see `Outcome::from`).
fn print_with(write: impl FnOnce(&mut dyn Write) -> std::io::Result<()>) -> anyhow::Result<Outcome> {
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    write(&mut out)?;
    out.flush()?;
    Ok(Outcome::Success)
}

fn list_fields() -> anyhow::Result<Outcome> {
    print_with(|out| {
        for f in crate::field::all() {
            let kind = if f.listed_as_protocol() { "P" } else { "F" };
            writeln!(out, "{kind}\t{}\t{}\t{}\t{}\t{}", f.name, f.ftype.ws_name(), f.protocol(), f.display, f.desc)?;
        }
        Ok(())
    })
}

fn print_glossary(g: Glossary) -> anyhow::Result<Outcome> {
    print_with(|out| {
        let mut s = String::new();
        match g {
            Glossary::Fields => glossary::fields(&mut s),
            Glossary::Protocols => glossary::protocols(&mut s),
            Glossary::Values => glossary::values(&mut s),
        }
        out.write_all(s.as_bytes())
    })
}

/// `-D`: the interfaces, numbered as tshark lists them.
fn list_interfaces() -> anyhow::Result<Outcome> {
    let mut out = std::io::stdout().lock();
    for (i, d) in crate::capture::live::list_interfaces()?.iter().enumerate() {
        writeln!(out, "{}. {}", i + 1, d.label())?;
    }
    Ok(Outcome::Success)
}

/// Headless live capture: prints packets as they arrive (unless only
/// writing a file, or -q), stops on Ctrl-C, -c, -a or the end of a stream,
/// then reports the counts on standard error as tshark does.
fn live_capture(p: LivePrint) -> anyhow::Result<Outcome> {
    use std::sync::atomic::{AtomicBool, Ordering};
    use std::sync::Arc;

    let stop = Arc::new(AtomicBool::new(false));
    let flag = stop.clone();
    ctrlc::set_handler(move || flag.store(true, Ordering::Relaxed))?;
    let (cap, rx) = LiveCapture::start(&p.live)?;
    let iface = p.live.iface.clone();
    if p.announce {
        eprintln!("Capturing on '{iface}'");
    }
    let printer = p.print.then(|| Printer::new(&p.format, p.verbose, p.hex, p.filter.as_ref(), false).with_expanded(p.expand.as_deref()));
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::with_capacity(1 << 16, stdout.lock());
    let end = headless::run_live(cap, rx, printer, &stop, p.flush_each, &mut out)?;
    if !p.announce {
        return Ok(end.error.map_or(Outcome::Success, Outcome::Failure));
    }
    let s = end.stats;
    eprintln!("{} packet{} captured", s.captured, plural(s.captured));
    // Shown even when zero (tshark omits it then): a reader of the output
    // should never have to guess whether packets were lost.
    eprintln!("{} packet{} dropped from {iface}", s.dropped, plural(s.dropped));
    if s.if_dropped > 0 {
        eprintln!("{} packet{} dropped by the interface or its driver", s.if_dropped, plural(s.if_dropped));
    }
    Ok(match end.error {
        Some(e) => Outcome::Failure(e),
        None => Outcome::Success,
    })
}
