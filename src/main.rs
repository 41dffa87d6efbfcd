//! `wirelens`: `run(cli::parse())`. Everything else is in the library; the
//! command layer is `wirelens::cli`, the exit statuses `wirelens::outcome`.

use std::process::ExitCode;

use wirelens::cli;
use wirelens::outcome::Outcome;

fn main() -> ExitCode {
    let outcome = match cli::parse() {
        Ok(mode) => cli::run(mode),
        Err(usage) => Outcome::Failure(usage),
    };
    if let Outcome::Failure(msg) = &outcome {
        eprintln!("wirelens: {msg}");
    }
    ExitCode::from(outcome.code())
}
