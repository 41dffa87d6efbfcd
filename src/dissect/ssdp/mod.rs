//! SSDP (UPnP discovery): HTTP messages in UDP datagrams on port 1900.
//! The message is HTTP's (the `http.*` fields, read by `http`'s head
//! parser) under an `ssdp` layer; requests and responses are numbered per
//! UDP conversation (`state.rs`), as Wireshark numbers them per
//! conversation.

pub mod state;
#[cfg(test)]
mod tests;

use crate::dissect::http::{self, HeaderSlots};
use crate::dissect::conv::ConvKey;
use crate::field::{Field, FieldDef, FieldType, Value};

use super::{Buf, Ctx, DResult, Pass};

pub static SSDP: FieldDef = FieldDef::new("ssdp", "Simple Service Discovery Protocol", FieldType::Protocol)
    .desc("Simple Service Discovery Protocol: UPnP devices announce and search for services with HTTP-like messages on UDP port 1900.");

pub static FIELDS: &[Field] = &[&SSDP];

pub fn is_ssdp_port(port: u16) -> bool {
    port == 1900
}

pub fn dissect(cx: &mut Ctx, b: Buf, sport: u16, dport: u16) -> DResult<()> {
    cx.enter("ssdp", "SSDP");
    let data = b.tail(0);
    let mut slots: HeaderSlots = [const { std::mem::MaybeUninit::uninit() }; 128];
    let head = match http::parse_head(data, &mut slots) {
        Ok(Some(h)) => h,
        // Not a whole HTTP head: the bytes are shown as the datagram's data.
        _ => {
            cx.tree().add(&SSDP, b.range(0, b.len()), Value::None);
            return Ok(());
        }
    };
    head.push_first_line(cx.out.cols.info());
    let full = cx.full;
    cx.tree().open(&SSDP, b.range(0, b.len()), Value::None);
    if full {
        http::head_items(&mut cx.out.tree, &b, 0, &head);
    }
    let here = b.range(0, 0);
    if let Some((_, uri, _)) = head.request {
        if full {
            let host = http::header(&head, "host").map(String::from_utf8_lossy).unwrap_or_default();
            // Wireshark joins the Host header and the URI (`*` included).
            let full_uri = if uri.starts_with("http://") { uri.to_string() } else { format!("http://{host}{uri}") };
            let id = cx.tree().generated(&http::FULL_URI, here.clone(), Value::str(full_uri.as_str()));
            cx.tree().set_text(id, format_args!("[Full request URI: {full_uri}]"));
        }
    }
    if !head.is_notification() {
        let conv = cx.net.map(|(s, d)| ConvKey::new(s, sport, d, dport));
        let response = head.response.is_some();
        let frame = cx.meta.number;
        let links = match cx.pass {
            Pass::First if !cx.quoted => cx.session.ssdp.first_pass(conv, response, frame),
            _ => cx.session.ssdp.revisit(frame),
        };
        if full {
            http::mark(&mut cx.out.tree, here.clone(), &head);
            if response {
                http::response_links(&mut cx.out.tree, here, links);
            } else {
                http::request_links(&mut cx.out.tree, here, &links);
            }
        }
    }
    cx.tree().close();
    Ok(())
}
