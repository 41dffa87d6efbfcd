//! FTP's story: commands, reply codes and the separate data connection,
//! after RFC 959 and RFC 2428.

use super::{Item, Story};

pub(super) fn story(it: &Item) -> Option<Story> {
    match it.name() {
        "ftp.request.command" => {
            let cmd = it.text().to_ascii_uppercase();
            let what = match cmd.as_str() {
                "USER" => "names the user to log in as (anonymous for public servers)",
                "PASS" => "sends the password, in the clear: anyone on the path can read it",
                "PASV" => "asks the server to open a port for the data connection and say which (227 reply); the client connects to it",
                "EPSV" => "PASV for IPv6 and IPv4: the server answers with a port only (229 reply)",
                "PORT" => "the client opens a port and tells the server to connect to it for the data (active mode; firewalls and NAT often block it)",
                "EPRT" => "PORT with an IPv6 or IPv4 address",
                "LIST" | "NLST" => "asks for a directory listing, sent over a new data connection",
                "RETR" => "downloads a file over a new data connection",
                "STOR" => "uploads a file over a new data connection",
                "CWD" => "changes the working directory",
                "PWD" => "asks for the working directory",
                "TYPE" => "chooses how the file is sent: A (ASCII, line ends converted) or I (image, the bytes unchanged)",
                "SYST" => "asks for the server's system type",
                "FEAT" => "asks for the extensions the server supports",
                "QUIT" => "ends the session",
                "AUTH" => "asks to switch the control connection to TLS (FTPS)",
                _ => "a command of RFC 959 or a later extension",
            };
            Story::new(
                "RFC 959, sections 4.1 (FTP commands) and 3.2 (establishing data connections); RFC 2428 for EPSV/EPRT",
                vec![
                    format!("{cmd}: {what}."),
                    "FTP uses two connections: this control connection (port 21) carries commands and replies as text lines; each listing or file goes over its own data connection.".into(),
                ],
            )
        }
        "ftp.response.code" => {
            let code = it.uint()?;
            let class = match code / 100 {
                1 => "1yz: positive preliminary, the action is starting (a data transfer opens); another reply will follow",
                2 => "2yz: positive completion",
                3 => "3yz: positive intermediate, the server needs another command (PASS after USER)",
                4 => "4yz: transient failure, try again",
                5 => "5yz: permanent failure",
                _ => "outside the five classes",
            };
            let what = match code {
                150 => "the file status is okay and the data connection is about to open",
                220 => "the service is ready for a new user (the greeting)",
                221 => "the server closes the control connection",
                226 => "the transfer is complete and the data connection closes",
                227 => "entering passive mode: the six numbers are the IPv4 address and the port (p1 × 256 + p2) to connect to",
                229 => "entering extended passive mode: the port to connect to",
                230 => "the user is logged in",
                331 => "user name okay, the password is needed",
                425 => "the data connection cannot be opened",
                530 => "not logged in",
                550 => "the file is unavailable (not found, no access)",
                _ => "see the RFC's list",
            };
            Story::new("RFC 959, section 4.2 (FTP replies)", vec![format!("{code}: {what}."), format!("The first digit gives the class, {class}.")])
        }
        _ => None,
    }
}
