//! The work that reads many packets, kept off the keys' path: loading a file
//! or a live capture (`loader`), the display filter (`filtering`) and the
//! session views' readers (`session`), the values of a field that the
//! filter bar completes (`values`), all threads walking the packets
//! (`walk`), and the search (`search`), which steps through them a slice of
//! time per event. Results come back to the app as `Event`s.

#[cfg(test)]
pub(crate) mod brief_tests;
pub mod filtering;
pub mod flows;
pub mod loader;
pub mod prefetch;
pub mod search;
pub mod session;
pub mod sorting;
pub mod stored;
pub mod values;
pub mod walk;
