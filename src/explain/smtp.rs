//! SMTP's story: commands and reply codes, after RFC 5321.

use super::{Item, Story};

pub(super) fn story(it: &Item) -> Option<Story> {
    match it.name() {
        "smtp.req.command" => {
            let cmd = it.text().to_ascii_uppercase();
            let (what, read) = match cmd.as_str() {
                "EHLO" => ("the client greets the server with its own name and asks for the extensions the server supports (SIZE, 8BITMIME, STARTTLS, AUTH), listed in a multi-line 250 reply", "RFC 5321, section 4.1.1.1"),
                "HELO" => ("the older greeting: the client names itself, and no extensions are offered", "RFC 5321, section 4.1.1.1"),
                "MAIL" => ("MAIL FROM starts a mail transaction and gives the return path, where bounces go (the envelope sender, which need not match the From: header)", "RFC 5321, section 4.1.1.2"),
                "RCPT" => ("RCPT TO names one recipient of the envelope; a client sends one per recipient and the server accepts or refuses each", "RFC 5321, section 4.1.1.3"),
                "DATA" => ("the client asks to send the message itself; after the server's 354 come the header lines, a blank line and the body, ended by a line holding only a dot", "RFC 5321, section 4.1.1.4"),
                "RSET" => ("aborts the current mail transaction; the connection stays open", "RFC 5321, section 4.1.1.5"),
                "VRFY" => ("asks whether a user or mailbox exists (servers often refuse to say)", "RFC 5321, section 4.1.1.6"),
                "EXPN" => ("asks for the members of a mailing list", "RFC 5321, section 4.1.1.7"),
                "HELP" => ("asks the server for help text", "RFC 5321, section 4.1.1.8"),
                "NOOP" => ("does nothing but get a 250 reply: a check that the server is alive", "RFC 5321, section 4.1.1.9"),
                "QUIT" => ("asks the server to close: it replies 221 and closes the connection", "RFC 5321, section 4.1.1.10"),
                "STARTTLS" => ("asks to start TLS on this connection; after the 220 reply everything is encrypted", "RFC 3207, section 4"),
                "AUTH" => ("starts authentication with the named SASL mechanism (PLAIN and LOGIN send the password in base64, readable without TLS)", "RFC 4954, section 4"),
                "BDAT" => ("sends a chunk of the message of the size given, without dot-stuffing (CHUNKING)", "RFC 3030, section 2"),
                _ => ("a command RFC 5321 does not define; the server answers 500 or 502", "RFC 5321, section 4.1"),
            };
            Story::new(read, vec![format!("{cmd}: {what}.")])
        }
        "smtp.response.code" => {
            let code = it.uint()?;
            let what = match code {
                211 => "system status",
                214 => "help text",
                220 => "the greeting: the service is ready (the server sends it first, before the client says anything)",
                221 => "the server closes the connection (the answer to QUIT)",
                235 => "authentication succeeded",
                250 => "the requested action was done (after EHLO the lines list the extensions)",
                251 => "the user is not local; the server forwards the mail",
                252 => "the server cannot verify the user but will try to deliver",
                334 => "the server waits for the next piece of an authentication exchange",
                354 => "start the message: send it now, ending with a line holding only a dot",
                421 => "the service is not available and the connection closes (try again later)",
                450 => "the mailbox is unavailable for now (busy, greylisting): try again later",
                451 => "the action was aborted by a local error: try again later",
                452 => "the server lacks storage for now",
                500 => "syntax error: the command was not recognized",
                501 => "syntax error in the parameters",
                502 => "the command is not implemented",
                503 => "bad sequence of commands (RCPT before MAIL, MAIL before HELO)",
                504 => "the command parameter is not implemented",
                530 => "authentication required",
                535 => "authentication failed",
                550 => "the mailbox is unavailable (no such user, or refused by policy): the mail is not delivered",
                551 => "the user is not local",
                552 => "the message exceeds the storage allocation (too large)",
                553 => "the mailbox name is not allowed",
                554 => "the transaction failed",
                _ => "a code outside RFC 5321's list",
            };
            let class = match code / 100 {
                2 => "2yz: positive completion, the action succeeded",
                3 => "3yz: positive intermediate, the server waits for more from the client",
                4 => "4yz: transient failure, the client may try the same again later",
                5 => "5yz: permanent failure, repeating the same command will fail again",
                _ => "outside the four classes",
            };
            Story::new(
                "RFC 5321, sections 4.2.1 (reply code severities) and 4.2.3 (reply codes in numeric order)",
                vec![format!("{code}: {what}."), format!("The first digit gives the class, {class}.")],
            )
        }
        _ => None,
    }
}
