//! Any bytes as a capture file: the reader reads every packet until the end
//! or an error, and never panics.
#![no_main]

use libfuzzer_sys::fuzz_target;
use wirelens::capture::Reader;

fuzz_target!(|data: &[u8]| {
    let Ok(mut reader) = Reader::new(std::io::Cursor::new(data)) else { return };
    let mut last = 0u64;
    while let Ok(Some((rec, iface, bytes))) = reader.next_packet() {
        assert_eq!(bytes.len(), rec.caplen as usize);
        assert!(rec.offset >= last, "packets go forward");
        assert!(rec.offset as usize + bytes.len() <= data.len());
        last = rec.offset;
        let _ = (iface.linktype, reader.interfaces().len());
    }
});
