//! HTTP `Content-Encoding`: gzip and deflate bodies are decompressed, as
//! Wireshark does by default, so File Data, the media layer and filters
//! (`http.file_data contains "html"`) see the text the server meant.

use std::io::Read;

use flate2::read::{GzDecoder, ZlibDecoder, DeflateDecoder};

use crate::field::{FieldDef, FieldType};

pub static DECOMPRESSION_FAILED: FieldDef =
    FieldDef::new("http.decompression_failed", "Decompression failed", FieldType::None)
        .desc("The body's content coding (gzip, deflate) could not be undone.");

pub static FIELDS: &[crate::field::Field] = &[&DECOMPRESSION_FAILED];

/// A decompressed body may not grow past this (a small compressed body can
/// claim gigabytes).
const MAX_DECODED: u64 = 16 << 20;

/// The encodings decoded here, by their header token.
fn known(encoding: &str) -> Option<&'static str> {
    match encoding.trim().to_ascii_lowercase().as_str() {
        "gzip" | "x-gzip" => Some("gzip"),
        "deflate" => Some("deflate"),
        _ => None,
    }
}

/// What became of an encoded body: `None` when the encoding is not one
/// decoded here (the body is shown as it is).
pub enum Decoded {
    Ok { name: &'static str, bytes: Vec<u8> },
    Failed { name: &'static str },
}

pub fn decode(encoding: &str, body: &[u8]) -> Option<Decoded> {
    let name = known(encoding)?;
    let mut out = Vec::new();
    let read = match name {
        "gzip" => GzDecoder::new(body).take(MAX_DECODED + 1).read_to_end(&mut out),
        // "deflate" is the zlib format by the RFC; some servers send a raw
        // deflate stream, which Wireshark also accepts.
        _ => ZlibDecoder::new(body).take(MAX_DECODED + 1).read_to_end(&mut out).or_else(|_| {
            out.clear();
            DeflateDecoder::new(body).take(MAX_DECODED + 1).read_to_end(&mut out)
        }),
    };
    // A stream that decodes to nothing is valid (gzip of an empty page);
    // no stream at all is not one.
    match read {
        Ok(n) if n as u64 <= MAX_DECODED && !body.is_empty() => Some(Decoded::Ok { name, bytes: out }),
        _ => Some(Decoded::Failed { name }),
    }
}

#[cfg(test)]
mod tests {
    use std::io::Write;

    use super::*;

    fn gzip(b: &[u8]) -> Vec<u8> {
        let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
        e.write_all(b).unwrap();
        e.finish().unwrap()
    }

    #[test]
    fn gzip_and_deflate_decode_and_garbage_fails() {
        let text = b"<html>hello</html>\n".repeat(20);
        match decode("gzip", &gzip(&text)) {
            Some(Decoded::Ok { name, bytes }) => assert_eq!((name, bytes), ("gzip", text.clone())),
            _ => panic!("gzip not decoded"),
        }
        let mut z = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::default());
        z.write_all(&text).unwrap();
        assert!(matches!(decode(" Deflate ", &z.finish().unwrap()), Some(Decoded::Ok { .. })));
        assert!(matches!(decode("gzip", b"not gzip at all"), Some(Decoded::Failed { name: "gzip" })));
        assert!(decode("br", b"x").is_none());
    }

    #[test]
    fn an_empty_page_decodes_to_nothing_and_no_stream_fails() {
        assert!(matches!(decode("gzip", &gzip(b"")), Some(Decoded::Ok { bytes, .. }) if bytes.is_empty()));
        assert!(matches!(decode("gzip", b""), Some(Decoded::Failed { .. })));
    }

    #[test]
    fn a_bomb_stops_at_the_limit() {
        let big = vec![0u8; (MAX_DECODED + 10) as usize];
        assert!(matches!(decode("gzip", &gzip(&big)), Some(Decoded::Failed { .. })));
    }
}
