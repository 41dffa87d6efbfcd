//! Preferences (tshark's `-o NAME:VALUE`): the few behaviours of the
//! dissectors and outputs a user can change, each a row of one registry
//! (its name, and how a value is parsed into `Prefs`), so another is one
//! more row.
//!
//! As with Decode As (`dissect::decode_as`), the preferences are one per
//! process: the user's choice for the whole run, set before any packet is
//! dissected. Dissectors read them at a few named places (`prefs::tcp()`
//! once per segment), a lock read of a few nanoseconds.

use std::sync::RwLock;

/// The summary line's columns, which `_ws.col.*` names too.
pub use crate::output::Column;

/// TCP's preferences, as Wireshark names them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TcpPrefs {
    /// `tcp.analyze_sequence_numbers`: the SEQ/ACK analysis (retransmissions,
    /// lost segments, RTT); relative numbers need it.
    pub analyze_seq: bool,
    /// `tcp.relative_sequence_numbers`: numbers from each side's initial one.
    pub relative_seq: bool,
    /// `tcp.calculate_timestamps`: the times since the stream's first and
    /// previous frames.
    pub timestamps: bool,
    /// `tcp.desegment_tcp_streams`: messages spanning segments are put
    /// together for the application; off, each segment's payload goes to
    /// the application on its own, which shows what it can of it.
    pub desegment: bool,
}

impl TcpPrefs {
    /// Whether sequence numbers are shown relative (Wireshark's rule: the
    /// preference counts only with the analysis on).
    pub fn relative(&self) -> bool {
        self.relative_seq && self.analyze_seq
    }
}

/// HTTP's preferences, as Wireshark names them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct HttpPrefs {
    /// `http.desegment_body`: a body spanning several TCP segments is put
    /// together before the message is dissected; off, a message is
    /// dissected with the body bytes its segment holds, and the rest of the
    /// body shows as Continuation.
    pub desegment_body: bool,
    /// `http.desegment_headers`: a message head spanning several segments
    /// is put together before it is dissected; off, a head is dissected up
    /// to the segment's end, and (Wireshark's quirk) a response whose length
    /// the unread head would tell waits for the connection's end.
    pub desegment_headers: bool,
}

/// The format codes wirelens draws (`gui.column.format`), by tshark's codes.
const COLUMN_CODES: [(&str, Column); 7] = [
    ("%m", Column::Number),
    ("%t", Column::Time),
    ("%s", Column::Source),
    ("%d", Column::Destination),
    ("%p", Column::Protocol),
    ("%L", Column::Length),
    ("%i", Column::Info),
];

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Prefs {
    pub tcp: TcpPrefs,
    pub http: HttpPrefs,
    /// `gui.column.format`: the summary's columns (None: tshark's default
    /// No., Time, Source, Destination, Protocol, Length, Info).
    pub columns: Option<Vec<Column>>,
}

impl Prefs {
    pub const DEFAULT: Prefs = Prefs {
        tcp: TcpPrefs { analyze_seq: true, relative_seq: true, timestamps: true, desegment: true },
        http: HttpPrefs { desegment_body: true, desegment_headers: true },
        columns: None,
    };
}

/// One preference: its name and how a value changes `Prefs` (Err: the
/// value is not one the preference takes).
struct Pref {
    name: &'static str,
    apply: fn(&mut Prefs, &str) -> Result<(), String>,
}

/// Every preference wirelens honours.
const REGISTRY: &[Pref] = &[
    Pref { name: "tcp.analyze_sequence_numbers", apply: |p, v| Ok(p.tcp.analyze_seq = boolean(v)) },
    Pref { name: "tcp.relative_sequence_numbers", apply: |p, v| Ok(p.tcp.relative_seq = boolean(v)) },
    Pref { name: "tcp.calculate_timestamps", apply: |p, v| Ok(p.tcp.timestamps = boolean(v)) },
    Pref { name: "tcp.desegment_tcp_streams", apply: |p, v| Ok(p.tcp.desegment = boolean(v)) },
    Pref { name: "http.desegment_body", apply: |p, v| Ok(p.http.desegment_body = boolean(v)) },
    Pref { name: "http.desegment_headers", apply: |p, v| Ok(p.http.desegment_headers = boolean(v)) },
    Pref { name: "gui.column.format", apply: |p, v| Ok(p.columns = Some(columns(v)?)) },
    // The key log's secrets go to the TLS dissector's store, not to `Prefs`.
    Pref {
        name: "tls.keylog_file",
        apply: |_, v| crate::dissect::tls::keylog::load_file(std::path::Path::new(v)).map(drop).map_err(|e| format!("-o {e}")),
    },
];

/// A boolean as Wireshark reads one: `TRUE` in any case is true, any other
/// word false.
fn boolean(v: &str) -> bool {
    v.eq_ignore_ascii_case("true")
}

/// `"Title","%code",…`: pairs of a title (unused: `-P` prints no header)
/// and a format code. A code wirelens does not draw is refused by name.
fn columns(v: &str) -> Result<Vec<Column>, String> {
    let items: Vec<&str> = v.split(',').map(|s| s.trim().trim_matches('"')).collect();
    if items.len() % 2 != 0 || items.is_empty() {
        return Err(String::new());
    }
    items
        .chunks(2)
        .map(|pair| {
            let code = pair.get(1).copied().unwrap_or_default();
            match COLUMN_CODES.iter().find(|(c, _)| *c == code) {
                Some(&(_, col)) => Ok(col),
                None if code.starts_with('%') && code.len() > 1 => Err(format!(
                    "column format {code:?} is not drawn by wirelens (it draws %m, %t, %s, %d, %p, %L and %i)"
                )),
                None => Err(String::new()),
            }
        })
        .collect()
}

static PREFS: RwLock<Prefs> = RwLock::new(Prefs::DEFAULT);

/// Applies `-o` arguments (`NAME:VALUE`) in order over the defaults and
/// makes them the process's preferences; a bad one is refused with
/// tshark's words.
pub fn set_from_args(args: &[String]) -> Result<(), String> {
    let mut p = Prefs::DEFAULT;
    for a in args {
        apply(&mut p, a)?;
    }
    set(p);
    Ok(())
}

/// One `-o NAME:VALUE` applied to `p`.
pub fn apply(p: &mut Prefs, arg: &str) -> Result<(), String> {
    let invalid = || format!("Invalid -o flag \"{arg}\"");
    let (name, value) = arg.split_once(':').ok_or_else(invalid)?;
    let pref = REGISTRY
        .iter()
        .find(|r| r.name.eq_ignore_ascii_case(name.trim()))
        .ok_or_else(|| format!("-o flag \"{arg}\" specifies unknown preference"))?;
    (pref.apply)(p, value.trim()).map_err(|e| if e.is_empty() { invalid() } else { format!("-o {arg}: {e}") })
}

pub fn set(p: Prefs) {
    *PREFS.write().unwrap_or_else(|e| e.into_inner()) = p;
}

/// The process's preferences.
pub fn get() -> Prefs {
    PREFS.read().unwrap_or_else(|e| e.into_inner()).clone()
}

/// TCP's preferences (read once per segment).
pub fn tcp() -> TcpPrefs {
    PREFS.read().unwrap_or_else(|e| e.into_inner()).tcp
}

/// HTTP's preferences (read when a message's head or body is incomplete).
pub fn http() -> HttpPrefs {
    PREFS.read().unwrap_or_else(|e| e.into_inner()).http
}

#[cfg(test)]
mod tests {
    use super::*;

    fn applied(arg: &str) -> Result<Prefs, String> {
        let mut p = Prefs::DEFAULT;
        apply(&mut p, arg).map(|()| p)
    }

    #[test]
    fn booleans_are_true_only_for_the_word_true_as_in_wireshark() {
        assert!(!applied("tcp.relative_sequence_numbers:FALSE").map(|p| p.tcp.relative_seq).unwrap_or(true));
        assert!(!applied("tcp.relative_sequence_numbers:1").map(|p| p.tcp.relative_seq).unwrap_or(true));
        assert!(applied("TCP.relative_sequence_numbers: True").map(|p| p.tcp.relative_seq).unwrap_or(false));
        let p = applied("tcp.analyze_sequence_numbers:false").unwrap_or(Prefs::DEFAULT);
        assert!(p.tcp.relative_seq && !p.tcp.relative());
        assert!(!applied("http.desegment_body:FALSE").map(|p| p.http.desegment_body).unwrap_or(true));
        assert!(!applied("http.desegment_headers:FALSE").map(|p| p.http.desegment_headers).unwrap_or(true));
        assert!(!applied("tcp.desegment_tcp_streams:FALSE").map(|p| p.tcp.desegment).unwrap_or(true));
    }

    #[test]
    fn unknown_preferences_and_bad_values_get_tsharks_words() {
        assert_eq!(applied("no.such:1").err().unwrap_or_default(), "-o flag \"no.such:1\" specifies unknown preference");
        assert_eq!(applied("tcp.calculate_timestamps").err().unwrap_or_default(), "Invalid -o flag \"tcp.calculate_timestamps\"");
        let odd = "gui.column.format:\"No.\",\"%m\",\"Src\"";
        assert_eq!(applied(odd).err().unwrap_or_default(), format!("Invalid -o flag \"{odd}\""));
        assert!(applied("gui.column.format:\"No.\",\"%Q\"").is_err());
        assert!(applied("gui.column.format:\"A\",\"%Cus:tcp.port\"").err().unwrap_or_default().contains("not drawn by wirelens"));
    }

    #[test]
    fn columns_are_read_in_pairs_with_or_without_quotes() {
        let p = applied("gui.column.format:\"No.\",%m,\"Info\",\"%i\"").unwrap_or(Prefs::DEFAULT);
        assert_eq!(p.columns, Some(vec![Column::Number, Column::Info]));
    }
}
