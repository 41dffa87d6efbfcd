//! Interface names and descriptions, kept for the life of the process so
//! that every packet's metadata (`FrameMeta`, which is `Copy`) can name its
//! interface without a copy; a file describes a handful of interfaces, and
//! the same name is kept once however many files name it.

use std::collections::HashSet;
use std::sync::Mutex;

/// What is kept at most: a damaged or hostile file with thousands of
/// differently named interfaces must not grow the process without bound.
const MAX_BYTES: usize = 1 << 20;

/// Shown for a name past `MAX_BYTES`.
const NOT_KEPT: &str = "[interface name not kept: too many names]";

pub fn intern(s: &str) -> &'static str {
    // The names kept and their total length.
    static KEPT: Mutex<Option<(HashSet<&'static str>, usize)>> = Mutex::new(None);
    let mut kept = KEPT.lock().unwrap_or_else(|e| e.into_inner());
    let (set, used) = kept.get_or_insert_with(Default::default);
    if let Some(k) = set.get(s) {
        return k;
    }
    if *used + s.len() > MAX_BYTES {
        return NOT_KEPT;
    }
    *used += s.len();
    let k: &'static str = Box::leak(s.into());
    set.insert(k);
    k
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_name_is_kept_once_and_the_total_is_bounded() {
        let a = intern("eth0");
        assert!(std::ptr::eq(a, intern(&String::from("eth0"))));
        let big = "x".repeat(MAX_BYTES / 2 + 1);
        let _ = intern(&big);
        assert_eq!(intern(&"y".repeat(MAX_BYTES / 2 + 1)), NOT_KEPT);
    }
}
