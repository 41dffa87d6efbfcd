//! `-T pdml` as tshark 4.0 writes it: the `-V` tree as XML, each item a
//! `<proto>` or `<field>` with its label (`showname`), value (`show`), bytes
//! (`value`, hex), offset and size, after a `geninfo` block.

use std::fmt::Write as _;

use crate::dissect::{Dissection, FrameMeta};
use crate::field::tree::NodeId;
use crate::field::{FieldType, Value};

use super::json::json_value;

/// XML attribute text, escaped as Wireshark's `print_escaped_xml` does.
pub(super) fn xml(s: &str, out: &mut String) {
    // Runs without a special character are copied whole (each special one
    // is ASCII, so a run never splits a character).
    let mut start = 0;
    for (i, b) in s.bytes().enumerate() {
        let esc = match b {
            b'&' => "&amp;",
            b'<' => "&lt;",
            b'>' => "&gt;",
            b'"' => "&quot;",
            b'\'' => "&#x27;",
            _ => continue,
        };
        out.push_str(&s[start..i]);
        out.push_str(esc);
        start = i + 1;
    }
    out.push_str(&s[start..]);
}

fn attr(name: &str, value: &str, out: &mut String) {
    out.push(' ');
    out.push_str(name);
    out.push_str("=\"");
    xml(value, out);
    out.push('"');
}

fn hex(bytes: &[u8], out: &mut String) {
    super::json::hex(bytes, "", out);
}

/// The document's opening: `file` is the capture's name as given.
pub fn preamble(file: &str, out: &mut String) {
    out.push_str("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n");
    out.push_str("<?xml-stylesheet type=\"text/xsl\" href=\"pdml2html.xsl\"?>\n");
    out.push_str("<!-- You can find pdml2html.xsl in /usr/share/wireshark or at https://gitlab.com/wireshark/wireshark/-/raw/master/pdml2html.xsl. -->\n");
    out.push_str("<pdml version=\"0\" creator=\"wireshark/4.0.17\" time=\"");
    asctime_now(out);
    out.push_str("\" capture_file=\"");
    xml(file, out);
    out.push_str("\">\n");
}

pub fn finale(out: &mut String) {
    out.push_str("</pdml>\n");
}

/// The current local time as C's `asctime` writes it (`Sat Dec  5 17:24:14 2026`).
fn asctime_now(out: &mut String) {
    const DAYS: [&str; 7] = ["Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"];
    const MONTHS: [&str; 12] = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
    let secs = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_secs() as i64);
    let t = super::timefmt::local(secs);
    // 1970-01-01 was a Thursday; the weekday of the local date.
    let days = days_from_civil(t.year, t.month, t.day);
    let wday = DAYS[days.rem_euclid(7) as usize];
    let month = MONTHS[(t.month as usize).saturating_sub(1).min(11)];
    let _ = write!(out, "{wday} {month} {:>2} {:02}:{:02}:{:02} {}", t.day, t.hour, t.min, t.sec, t.year);
}

/// Days since 1970-01-01 of a date (Howard Hinnant's algorithm).
fn days_from_civil(y: i64, m: u32, d: u32) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m as i64 + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d as i64 - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// One packet's `<packet>` element.
pub fn pdml_packet(meta: &FrameMeta, d: &Dissection, frame: &[u8], out: &mut String) {
    out.push_str("<packet>\n");
    geninfo(meta, out);
    let roots: Vec<NodeId> = (0..d.tree.nodes.len()).filter(|&i| d.tree.nodes[i].depth == 0).collect();
    for id in roots {
        let n = &d.tree.nodes[id];
        // Top-level items that are not protocols sit in a wrapper, so that
        // a packet holds only <proto> elements.
        let wrap = n.field.ftype != FieldType::Protocol || n.field.name == "data";
        if wrap {
            out.push_str("  <proto name=\"fake-field-wrapper\">\n");
        }
        item(d, frame, id, if wrap { 2 } else { 1 }, out);
        if wrap {
            out.push_str("  </proto>\n");
        }
    }
    out.push_str("</packet>\n\n");
}

fn geninfo(meta: &FrameMeta, out: &mut String) {
    let size = meta.caplen;
    let _ = writeln!(out, "  <proto name=\"geninfo\" pos=\"0\" showname=\"General information\" size=\"{size}\">");
    let _ = writeln!(out, "    <field name=\"num\" pos=\"0\" show=\"{}\" showname=\"Number\" value=\"{:x}\" size=\"{size}\"/>", meta.number, meta.number);
    let _ = writeln!(out, "    <field name=\"len\" pos=\"0\" show=\"{}\" showname=\"Frame Length\" value=\"{:x}\" size=\"{size}\"/>", meta.origlen, meta.origlen);
    let _ = writeln!(out, "    <field name=\"caplen\" pos=\"0\" show=\"{}\" showname=\"Captured Length\" value=\"{:x}\" size=\"{size}\"/>", meta.caplen, meta.caplen);
    let mut when = String::new();
    crate::field::format_value(&crate::dissect::frame::TIME, &Value::AbsTime(meta.ts), &[], &mut when);
    let _ = writeln!(
        out,
        "    <field name=\"timestamp\" pos=\"0\" show=\"{when}\" showname=\"Captured Time\" value=\"{}.{:09}\" size=\"{size}\"/>",
        meta.ts.secs, meta.ts.nanos
    );
    out.push_str("  </proto>\n");
}

/// An item and its children, indented `level` steps.
fn item(d: &Dissection, frame: &[u8], id: NodeId, level: usize, out: &mut String) {
    let n = &d.tree.nodes[id];
    let bytes = d.node_bytes(frame, id);
    for _ in 0..level {
        out.push_str("  ");
    }
    let whole = d.tree.label(id, bytes);
    let label = match whole.strip_prefix('[').and_then(|l| l.strip_suffix(']')) {
        Some(inner) if n.generated() => inner,
        _ => &whole,
    };
    // Wireshark's expert info is a protocol written as a plain field.
    let proto = n.field.ftype == FieldType::Protocol && n.field.name != "data" && n.field.name != "_ws.expert";
    if proto {
        out.push_str("<proto");
        attr("name", n.field.name, out);
        attr("showname", label, out);
        let _ = write!(out, " size=\"{}\" pos=\"{}\"", n.len, n.start);
    } else if n.field.name.is_empty() {
        // A text-only item: its label is what it shows.
        out.push_str("<field name=\"\"");
        attr("show", label, out);
        let _ = write!(out, " size=\"{}\" pos=\"{}\"", n.len, n.start);
        if n.len > 0 {
            out.push_str(" value=\"");
            hex(bytes, out);
            out.push('"');
        }
    } else if n.field.name == "_ws.expert" {
        out.push_str("<field name=\"_ws.expert\"");
        attr("showname", label, out);
        let _ = write!(out, " size=\"{}\" pos=\"{}\"", n.len, n.start);
    } else if n.field.name == "data" {
        out.push_str("<field name=\"data\" value=\"");
        hex(bytes, out);
        out.push('"');
    } else {
        out.push_str("<field");
        attr("name", n.field.name, out);
        attr("showname", label, out);
        if n.hidden() {
            out.push_str(" hide=\"yes\"");
        }
        let _ = write!(out, " size=\"{}\" pos=\"{}\"", n.len, n.start);
        let mut show = String::new();
        match n.field.ftype {
            FieldType::None => {}
            _ => json_value(n.field, &n.value, bytes, &mut show),
        }
        attr("show", &show, out);
        // A text-only field (FT_NONE) has no value to show in hex.
        if n.field.ftype == FieldType::None {
            out.push_str(" value=\"\"");
        } else if n.len > 0 {
            out.push_str(" value=\"");
            match n.value.as_u64().filter(|_| n.field.mask != 0) {
                Some(v) => {
                    let _ = write!(out, "{v:x}\" unmaskedvalue=\"");
                    hex(bytes, out);
                }
                None => hex(bytes, out),
            }
            out.push('"');
        }
    }
    if d.tree.children(id).next().is_none() {
        out.push_str("/>\n");
        return;
    }
    out.push_str(">\n");
    for c in d.tree.children(id) {
        item(d, frame, c, level + 1, out);
    }
    for _ in 0..level {
        out.push_str("  ");
    }
    out.push_str(if proto { "</proto>\n" } else { "</field>\n" });
}
