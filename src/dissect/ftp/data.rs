//! FTP data connections (`ftp-data`): a TCP stream that a control
//! connection announced (`state::FtpState::take`), shown segment by segment
//! as Wireshark does, with where and how it was set up and the command it
//! answers; text as line-based text data.

use std::fmt::Write;

use crate::field::{Field, FieldDef, FieldType, Value};

use super::{Buf, Ctx, DResult, Pdu, TcpSeg};
use crate::dissect::Pass;

pub static FTP_DATA: FieldDef = FieldDef::new("ftp-data", "FTP Data", FieldType::Protocol)
    .desc("The bytes of an FTP data connection (a listing or a file)");
pub static SETUP_FRAME: FieldDef = FieldDef::new("ftp-data.setup-frame", "Setup frame", FieldType::FrameNum)
    .desc("The control connection's frame that announced this data connection");
pub static SETUP_METHOD: FieldDef = FieldDef::new("ftp-data.setup-method", "Setup method", FieldType::String)
    .desc("How the data connection was announced: PORT, PASV, EPRT or EPASV");
pub static COMMAND: FieldDef = FieldDef::new("ftp-data.command", "Command", FieldType::String)
    .desc("The first command sent on the control connection after the announcement");
pub static COMMAND_FRAME: FieldDef = FieldDef::new("ftp-data.command-frame", "Command frame", FieldType::FrameNum)
    .desc("The frame of that command");
pub static CWD: FieldDef =
    FieldDef::new("ftp-data.current-working-directory", "Current working directory", FieldType::String)
        .desc("The control connection's working directory when the data connection was announced");

pub static FIELDS: &[Field] = &[&FTP_DATA, &SETUP_FRAME, &SETUP_METHOD, &COMMAND, &COMMAND_FRAME, &CWD];

/// One segment of a data connection.
pub fn dissect_tcp(cx: &mut Ctx, b: Buf, seg: &TcpSeg) -> DResult<Pdu> {
    let data = b.tail(0);
    let len = b.reported_len();
    cx.enter("ftp-data", "FTP-DATA");
    let _ = write!(cx.out.cols.info(), "FTP Data: {len} bytes");
    let id = cx.tree().add(&FTP_DATA, b.range(0, data.len()), Value::None);
    cx.tree().set_text(id, format_args!("FTP Data ({} bytes data)", data.len()));
    let (number, ts) = (cx.meta.number, cx.meta.ts);
    let ftp = &mut cx.session.ftp;
    if let Some(conv) = ftp.streams.get(&seg.stream).and_then(|&i| ftp.data.get_mut(i)) {
        if cx.pass == Pass::First {
            let s = &mut conv.seen;
            if s.frames == 0 {
                s.first = (number, ts);
            }
            s.last = (number, ts);
            s.frames += 1;
            s.bytes = s.bytes.wrapping_add(len as u32);
        }
        let (setup, method, cwd) = (conv.setup_frame, conv.method, conv.cwd.clone());
        let command = conv.command.clone();
        let _ = write!(cx.out.cols.info, " ({method})");
        let t = cx.tree();
        t.generated(&SETUP_FRAME, 0..0, Value::FrameNum(setup));
        t.generated(&SETUP_METHOD, 0..0, Value::str(method));
        if let Some((text, frame)) = command {
            t.generated(&COMMAND, 0..0, Value::str(text.clone()));
            // Wireshark marks the command's item generated, not its frame's.
            t.add(&COMMAND_FRAME, 0..0, Value::FrameNum(frame));
            let _ = write!(cx.out.cols.info, " ({text})");
        }
        cx.tree().generated(&CWD, 0..0, Value::str(&*cwd));
    }
    // Text when its first 20 bytes are printable or line ends (Wireshark's test).
    let text = data.iter().take(20).all(|&c| c == b'\r' || c == b'\n' || c == b' ' || c.is_ascii_graphic());
    if text && !data.is_empty() {
        crate::dissect::smtp::text_lines(cx, &b, data.len());
    }
    Ok(Pdu::Done(data.len()))
}
