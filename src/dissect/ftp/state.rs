//! FTP state across packets: each control connection's working directory
//! and the data connections its PORT, PASV, EPRT and EPSV lines announce
//! (Wireshark's ftp-data conversations), with what the data connections
//! carried, for the ftp-data layer and the command's summary on a later pass.

use std::net::IpAddr;
use std::sync::Arc;

use crate::dissect::conv::HashMap;
use crate::field::Timestamp;

/// A control connection, as its lines so far leave it.
#[derive(Default)]
pub struct Control {
    /// Empty until a PWD reply or a CWD says it, as in Wireshark.
    pub cwd: Arc<str>,
    /// The last command line, for the reply that answers it (250 to CWD).
    pub last_command: String,
    /// The data conversation announced last, waiting for its command.
    pub current: Option<usize>,
}

/// A data conversation announced on a control connection.
pub struct DataConv {
    /// The endpoint the announcement names in full (address and port)...
    pub fixed: (IpAddr, u16),
    /// ...and the other end's address (any port), as Wireshark's
    /// conversation with a wildcard port.
    pub other: IpAddr,
    pub setup_frame: u32,
    /// `PORT`, `PASV`, `EPRT` or `EPASV`, as tshark names them.
    pub method: &'static str,
    /// The control connection's directory when the data connection was announced.
    pub cwd: Arc<str>,
    /// The first command after the announcement (tshark 4.0 keeps that one,
    /// even a TYPE before the RETR), and its frame.
    pub command: Option<(Box<str>, u32)>,
    /// A data connection took it (Wireshark binds the wildcard port then).
    pub taken: bool,
    pub seen: Seen,
}

/// What the data connection carried, counted on the first pass.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Seen {
    pub frames: u32,
    pub bytes: u32,
    pub first: (u32, Timestamp),
    pub last: (u32, Timestamp),
}

#[derive(Default)]
pub struct FtpState {
    /// Control connections by `tcp.stream`.
    pub controls: HashMap<u32, Control>,
    /// Data conversations in the order they were announced.
    pub data: Vec<DataConv>,
    /// Data connections found: `tcp.stream` to its conversation in `data`.
    pub streams: HashMap<u32, usize>,
    /// The directory each control frame showed on the first pass.
    pub frame_cwd: HashMap<u32, Arc<str>>,
    /// Setup and command frames to their data conversation.
    pub by_frame: HashMap<u32, usize>,
}

impl FtpState {
    /// The data conversation a new TCP stream between these endpoints
    /// belongs to: the latest announcement not yet taken whose endpoint is
    /// one of the two and whose other address is the other's. Records the
    /// stream under it.
    pub fn take(&mut self, stream: u32, a: (IpAddr, u16), b: (IpAddr, u16)) -> Option<usize> {
        let i = self.waiting(a, b)?;
        self.data[i].taken = true;
        self.streams.insert(stream, i);
        Some(i)
    }

    /// Whether a data conversation between these endpoints is announced and
    /// not yet taken.
    pub fn announced(&self, a: (IpAddr, u16), b: (IpAddr, u16)) -> bool {
        self.waiting(a, b).is_some()
    }

    /// The latest announcement not yet taken whose endpoint is one of the
    /// two and whose other address is the other's.
    fn waiting(&self, a: (IpAddr, u16), b: (IpAddr, u16)) -> Option<usize> {
        if self.data.is_empty() {
            return None;
        }
        self.data.iter().rposition(|c| !c.taken && ((c.fixed == a && c.other == b.0) || (c.fixed == b && c.other == a.0)))
    }
}
