//! QUIC unit tests.
