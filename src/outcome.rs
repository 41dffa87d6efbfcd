//! How a command ends: what every driver (the headless printer, live
//! capture, the inspector, the generators and labs) returns and `main`
//! turns into the exit status.
//!
//! Exit statuses: 0 success, including output cut short by a closed pipe
//! (`wirelens --list-fields | head -1`): the reader had what it wanted;
//! 2 failure: a usage error (clap's own, or a checked option), an
//! unreadable or damaged capture (after printing every packet before the
//! damage), an invalid filter, a capture that could not start or stopped
//! on an error. 1 is never returned: wirelens has no "nothing matched"
//! status (ripgrep's 1), since tshark has none either.

/// How a command ended.
#[derive(Debug, PartialEq, Eq)]
pub enum Outcome {
    Success,
    /// Printed as `wirelens: MESSAGE` on standard error, status 2.
    Failure(String),
}

impl Outcome {
    /// The process exit status.
    pub fn code(&self) -> u8 {
        match self {
            Outcome::Success => 0,
            Outcome::Failure(_) => 2,
        }
    }

    /// A driver's result: its own outcome, or the error that ended it.
    pub fn of(r: anyhow::Result<Outcome>) -> Outcome {
        r.unwrap_or_else(Outcome::from)
    }
}

impl From<anyhow::Error> for Outcome {
    fn from(e: anyhow::Error) -> Outcome {
        let broken_pipe = e.chain().any(|c| {
            c.downcast_ref::<std::io::Error>().is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
        });
        if broken_pipe {
            Outcome::Success
        } else {
            Outcome::Failure(e.to_string())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_closed_pipe_is_success_and_other_errors_fail() {
        let pipe = anyhow::Error::from(std::io::Error::from(std::io::ErrorKind::BrokenPipe));
        assert_eq!(Outcome::from(pipe).code(), 0);
        let other = anyhow::anyhow!("x.pcap: cannot open: no such file");
        assert_eq!(Outcome::from(other), Outcome::Failure("x.pcap: cannot open: no such file".into()));
        assert_eq!(Outcome::of(Ok(Outcome::Success)).code(), 0);
    }
}
