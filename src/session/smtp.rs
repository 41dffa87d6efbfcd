//! SMTP conversation state: whether the client is sending a message (after
//! DATA), the message collected so far, AUTH LOGIN's exchange, and STARTTLS.

use std::collections::HashMap;

/// At most this many bytes of one DATA message are kept for the IMF view;
/// the rest is counted but not stored.
pub const MAX_MESSAGE: usize = 1 << 20;

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub enum Auth {
    #[default]
    None,
    /// AUTH LOGIN sent: the client's next lines are the user, then the password.
    User,
    Pass,
}

#[derive(Default)]
pub struct SmtpStream {
    /// The client sent DATA: its bytes are the message until `CRLF.CRLF`.
    pub data: bool,
    pub message: Vec<u8>,
    /// Frames and lengths of the message's fragments.
    pub fragments: Vec<(u32, usize)>,
    pub auth: Auth,
    /// STARTTLS was accepted: what follows is TLS.
    pub starttls_sent: bool,
    pub tls: bool,
}

/// What a frame was, decided on the first pass, for later passes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FrameState {
    pub data: bool,
    pub auth: Auth,
    /// The complete message, when this frame ended one.
    pub message: Option<(Vec<u8>, Vec<(u32, usize)>)>,
}

#[derive(Default)]
pub struct SmtpState {
    pub streams: HashMap<u32, SmtpStream>,
    pub frames: HashMap<u32, FrameState>,
}
