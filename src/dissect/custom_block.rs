//! A pcapng Custom Block, which tshark shows as a frame of its own: its
//! Private Enterprise Number and copy flag in the frame tree, its bytes
//! (data and options) as Data.

use crate::capture::CustomBlock;
use crate::field::{Field, FieldDef, FieldType, Value};

use super::enterprises::ENTERPRISES;
use super::{dispatch, Buf, Ctx};

pub static CB_PEN: FieldDef = FieldDef::new("frame.cb_pen", "Private Enterprise Number", FieldType::U32)
    .desc("IANA Private Enterprise Number of the organisation that defined a pcapng custom block's data.");
// Wireshark registers it as a boolean of one bit without a mask.
pub static CB_COPY: FieldDef = FieldDef::new("frame.cb_copy", "Copying", FieldType::Bool)
    .bit(1, 0)
    .desc("Whether a copy of the file may keep the custom block (block type 0x00000BAD) or not (0x40000BAD).");

pub static FIELDS: &[Field] = &[&CB_PEN, &CB_COPY];

/// The enterprise's name in IANA's registry, as tshark shows it; "Unknown",
/// as tshark shows a number missing from its table, for the numbers the
/// compact table leaves out.
fn enterprise(pen: u32) -> &'static str {
    match ENTERPRISES.binary_search_by_key(&pen, |&(n, _)| n) {
        Ok(i) => ENTERPRISES[i].1,
        Err(_) => "Unknown",
    }
}

pub fn dissect(cx: &mut Ctx, b: Buf, cb: CustomBlock) {
    let m = *cx.meta;
    let name = enterprise(cb.pen);
    let cols = &mut cx.out.cols;
    cols.set_protocol("PCAPNG");
    let not = if cb.copy { "" } else { " not" };
    use std::fmt::Write as _;
    let _ = write!(cols.info(), "Custom Block: PEN = {name} ({}), will{not} be copied", cb.pen);
    let t = cx.tree();
    let root = t.open(&super::frame::FRAME, 0..b.len(), Value::None);
    if !t.idle_for("frame") {
        let bits = m.caplen as u64 * 8;
        let copying = if cb.copy { "copying allowed" } else { "copying not allowed" };
        t.set_text(
            root,
            format_args!("PCAPNG Custom Block {}: {} bytes ({bits} bits) of custom data and options, PEN {name} ({}), {copying}", m.number, m.caplen, cb.pen),
        );
        t.add(&super::frame::SECTION, 0..0, Value::UInt(cb.section as u64 + 1));
        super::frame::counts(t, &m);
        let pen = t.add(&CB_PEN, 0..0, Value::UInt(cb.pen as u64));
        t.set_text(pen, format_args!("Private Enterprise Number: {name} ({})", cb.pen));
        let copy = t.add(&CB_COPY, 0..0, Value::Bool(cb.copy));
        t.set_text(copy, if cb.copy { "Copying: Allowed" } else { "Copying: Not Allowed" });
        let protos = super::frame::protocols(t);
        t.close();
        dispatch::data(cx, b);
        let out = &mut *cx.out;
        if let Some(n) = out.tree.nodes.get_mut(protos) {
            n.value = Value::Str(out.protocols.as_str().into());
        }
        return;
    }
    t.close();
    dispatch::data(cx, b);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dissect::session::Session;
    use crate::dissect::testutil::field;
    use crate::dissect::{dissect_frame, Depth, Dissection, FrameMeta, Pass};

    #[test]
    fn a_custom_block_is_a_frame_of_data() {
        let meta = FrameMeta {
            number: 3,
            caplen: 4,
            origlen: 4,
            no_ts: true,
            custom: Some(CustomBlock { pen: 32473, copy: false, section: 0 }),
            ..Default::default()
        };
        let mut d = Dissection::default();
        dissect_frame(&meta, b"abc\0", &mut Session::new(), Pass::First, Depth::Tree, &mut d);
        assert_eq!(d.protocols, "data");
        assert_eq!(d.cols.protocol, "PCAPNG");
        assert_eq!(d.cols.info, "Custom Block: PEN = Example Enterprise Number for Documentation Use (32473), will not be copied");
        assert_eq!(field(&d, b"abc\0", "frame.cb_pen"), "32473");
        assert_eq!(field(&d, b"abc\0", "data.len"), "4");
        assert_eq!(field(&d, b"abc\0", "frame.interface_id"), "");
        assert_eq!(field(&d, b"abc\0", "frame.time_epoch"), "");
    }

    #[test]
    fn enterprise_names_as_tshark_prints_them() {
        assert!(ENTERPRISES.windows(2).all(|w| w[0].0 < w[1].0), "the table must be sorted for the search");
        // The name stops at the tab before the registry's comment.
        assert_eq!(enterprise(1991), "Brocade Communication Systems, Inc.");
        assert_eq!(enterprise(2), "IBM (https://w3.ibm.com/standards )");
        assert_eq!(enterprise(0), "Reserved");
        assert_eq!(enterprise(99_999_999), "Unknown");
    }
}
