//! SMTP conversation state: whether the client is sending a message (after
//! DATA or BDAT), the message collected so far, AUTH LOGIN's exchange, and
//! STARTTLS.

use std::collections::HashMap;

/// At most this many bytes of one DATA message are kept for the IMF view;
/// the rest is counted but not stored.
pub const MAX_MESSAGE: usize = 1 << 20;

/// AUTH LOGIN's exchange as Wireshark follows it: a client line is a
/// credential only after the server's 334 asked for it, so a command such as
/// QUIT after a refused AUTH stays a command.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub enum Auth {
    #[default]
    None,
    /// AUTH LOGIN sent, no 334 yet.
    Start,
    /// The server asked for the user name (334).
    UserAsked,
    /// The user name was sent (on its own line or after `AUTH LOGIN `).
    UserSent,
    /// The server asked for the password (334).
    PassAsked,
    /// The password was sent: the next reply ends the exchange.
    PassSent,
}

/// CHUNKING (RFC 3030) as Wireshark counts it: the sizes of every BDAT of
/// the session added up, and the bytes read since, compared after each line
/// of a segment; the counts are never reset, as in Wireshark.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Chunks {
    pub total: u64,
    pub read: u64,
    /// The last BDAT said LAST: its chunk ends the message.
    pub last: bool,
}

/// Where the client's side of the dialogue stands, as Wireshark tracks it
/// line by line; kept per frame so a later pass replays the frame alike.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Phase {
    /// The client sent DATA: its bytes are the message until the `.` line.
    pub data: bool,
    /// A DATA command was seen once: a later line that is no command is
    /// message text.
    pub data_seen: bool,
    /// The last client segment in DATA ended with CRLF, so a segment that
    /// starts with `.` CRLF ends the message.
    pub crlf_seen: bool,
    pub auth: Auth,
    /// A BDAT was seen: `data` then ends when the chunks' bytes are read.
    pub chunks: Option<Chunks>,
    /// The server has answered once. Before that (Wireshark's START state)
    /// a client line that is no command is taken as message text, as when
    /// a capture begins in the middle of a message.
    pub answered: bool,
    /// STARTTLS was sent: a 220 reply makes what follows TLS.
    pub starttls_sent: bool,
}

#[derive(Default)]
pub struct SmtpStream {
    pub phase: Phase,
    pub message: Vec<u8>,
    /// Frames and lengths of the message's fragments.
    pub fragments: Vec<(u32, usize)>,
    /// STARTTLS was accepted: what follows is TLS.
    pub tls: bool,
}

/// What a frame was, decided on the first pass, for later passes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FrameState {
    /// The phase before the frame.
    pub phase: Phase,
    /// The complete message, when this frame ended one.
    pub message: Option<(Vec<u8>, Vec<(u32, usize)>)>,
}

#[derive(Default)]
pub struct SmtpState {
    pub streams: HashMap<u32, SmtpStream>,
    /// Keyed by frame and a digest of the bytes handed over: TCP may call
    /// SMTP more than once in a frame (its own bytes, then a held segment
    /// they complete), each call starting from its own phase.
    pub frames: HashMap<(u32, u64), FrameState>,
}
