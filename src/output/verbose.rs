use crate::dissect::Dissection;

/// The whole detail tree as text, as `tshark -V` prints it. `data_hex`:
/// undissected data (the `data` protocol) is followed by a hex dump of its
/// bytes, as tshark does when the packet is not dumped whole (`-x`).
/// `expand` (`-O`): only the top-level items of these protocols show what
/// is below them; the others print their first line alone.
pub fn verbose_tree(d: &Dissection, frame: &[u8], data_hex: bool, expand: Option<&[String]>, out: &mut String) {
    let mut open = true;
    for (id, n) in d.tree.nodes.iter().enumerate() {
        if n.depth == 0 {
            open = expand.is_none_or(|names| names.iter().any(|p| p == n.field.name));
        }
        if n.hidden() || n.depth > 0 && !open {
            continue;
        }
        for _ in 0..n.depth {
            out.push_str("    ");
        }
        let bytes = d.node_bytes(frame, id);
        out.push_str(&d.tree.label(id, bytes));
        out.push('\n');
        if data_hex && open && crate::field::same(n.field, &crate::dissect::DATA) {
            out.push('\n');
            super::hexdump(bytes, out);
        }
    }
}
