use crate::dissect::Dissection;

/// The whole detail tree as text, as `tshark -V` prints it.
pub fn verbose_tree(d: &Dissection, frame: &[u8], out: &mut String) {
    for (id, n) in d.tree.nodes.iter().enumerate() {
        if n.hidden() {
            continue;
        }
        for _ in 0..n.depth {
            out.push_str("    ");
        }
        out.push_str(&d.tree.label(id, d.node_bytes(frame, id)));
        out.push('\n');
    }
}
