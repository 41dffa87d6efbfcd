//! `-T psml` as tshark 4.0 writes it: the packet list's columns as XML.

use crate::dissect::{Dissection, FrameMeta};

use super::pdml::xml;

/// The columns of the default packet list, in order.
const COLUMNS: [&str; 7] = ["No.", "Time", "Source", "Destination", "Protocol", "Length", "Info"];

pub fn preamble(out: &mut String) {
    out.push_str("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<psml version=\"0\" creator=\"wireshark/4.0.17\">\n<structure>\n");
    for c in COLUMNS {
        section(c, out);
    }
    out.push_str("</structure>\n\n");
}

pub fn finale(out: &mut String) {
    out.push_str("</psml>\n");
}

fn section(text: &str, out: &mut String) {
    out.push_str("<section>");
    xml(text, out);
    out.push_str("</section>\n");
}

/// One packet's row, with its time column's text.
pub fn psml_packet(meta: &FrameMeta, d: &Dissection, time: &str, out: &mut String) {
    out.push_str("<packet>\n");
    section(&meta.number.to_string(), out);
    section(time, out);
    section(&d.cols.src, out);
    section(&d.cols.dst, out);
    section(&d.cols.protocol, out);
    section(&meta.origlen.to_string(), out);
    section(&d.cols.info, out);
    out.push_str("</packet>\n\n");
}
