//! Compact per-packet records that the inspector keeps for millions of
//! packets: LEB128 varints (`varint`), records packed in blocks against the
//! one before (`packed`: the index, TCP segment records, HTTP messages),
//! sealed LZ4 chunks of both (`chunk`), and each packet's brief
//! link/network/transport items for filters that need no dissection
//! (`brief`), and the same records for other fields once a filter has read
//! them (`columns`); the packet list's text columns once a sort has needed
//! them (`labels`).

pub mod brief;
pub mod chunk;
pub mod columns;
pub mod labels;
pub mod packed;
pub mod varint;
