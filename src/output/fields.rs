use crate::dissect::Dissection;
use crate::field::{self, format_value, Field};

/// The fields of `-T fields -e F1 -e F2 …`, resolved against the registry.
#[derive(Clone, Debug)]
pub struct FieldList {
    fields: Vec<Field>,
}

#[derive(Debug, thiserror::Error)]
#[error("Some fields aren't valid: {0}")]
pub struct UnknownField(pub String);

impl FieldList {
    pub fn new(names: &[String]) -> Result<FieldList, UnknownField> {
        let mut fields = Vec::new();
        for n in names {
            fields.push(field::lookup(n).ok_or_else(|| UnknownField(n.clone()))?);
        }
        Ok(FieldList { fields })
    }

    pub fn fields(&self) -> &[Field] {
        &self.fields
    }

    /// One line: fields separated by tabs, several values of one field by
    /// commas, as tshark does.
    pub fn line(&self, d: &Dissection, frame: &[u8], out: &mut String) {
        for (i, f) in self.fields.iter().enumerate() {
            if i > 0 {
                out.push('\t');
            }
            let mut first = true;
            for (id, n) in d.tree.nodes.iter().enumerate() {
                if !field::same(n.field, f) {
                    continue;
                }
                if !first {
                    out.push(',');
                }
                first = false;
                format_value(n.field, &n.value, d.node_bytes(frame, id), out);
            }
        }
    }
}
