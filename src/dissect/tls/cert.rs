//! A certificate's subject, issuer and validity, read with x509-parser.
//!
//! Wireshark decodes the whole ASN.1 structure into x509af/x509sat/x509ce
//! fields; we show the parts a reader looks for as text under
//! `tls.handshake.certificate` and register none of those fields (the
//! differences are listed in tests/known-differences.tsv).

use crate::dissect::{Buf, Ctx};
use crate::field::{Value, TEXT};

/// Adds the certificate's description under the item just opened.
pub fn describe(cx: &mut Ctx, b: &Buf, der: &[u8]) {
    let t = cx.tree();
    // Text items only: a packet list or a filter keeps none, so the
    // certificate is not parsed for them.
    if !t.wants(&TEXT) {
        return;
    }
    let all = b.range(0, b.len());
    match x509_parser::parse_x509_certificate(der) {
        Ok((_, c)) => {
            let id = t.open(&TEXT, all.clone(), Value::None);
            t.set_text(id, "signedCertificate");
            t.text(all.clone(), format_args!("serialNumber: {}", c.raw_serial_as_string()));
            t.text(all.clone(), format_args!("issuer: {}", c.issuer()));
            let v = c.validity();
            let id = t.open(&TEXT, all.clone(), Value::None);
            t.set_text(id, "validity");
            t.text(all.clone(), format_args!("notBefore: {}", v.not_before));
            t.text(all.clone(), format_args!("notAfter: {}", v.not_after));
            t.close();
            t.text(all.clone(), format_args!("subject: {}", c.subject()));
            t.text(all, format_args!("algorithmIdentifier: {}", c.signature_algorithm.algorithm));
            t.close();
        }
        Err(e) => {
            t.text(all, format_args!("[Certificate not decoded: {e}]"));
        }
    }
}
