//! "Did you mean …?" for misspelt field names.

use crate::field;

/// Up to three registered names closest to `name`, best first.
pub fn similar(name: &str) -> Vec<&'static str> {
    let lower = name.to_ascii_lowercase();
    let limit = match lower.len() {
        0..=3 => 1,
        4..=10 => 2,
        _ => 3,
    };
    let mut scored: Vec<(usize, &'static str)> = field::all()
        .iter()
        .filter_map(|f| {
            let d = distance(&lower, f.name);
            // A name that only lacks its last part (`tcp.flag`) is close too.
            let prefix = f.name.starts_with(lower.as_str()) && lower.contains('.');
            (d <= limit || prefix).then_some((if prefix { d.min(limit) } else { d }, f.name))
        })
        .collect();
    scored.sort();
    scored.into_iter().take(3).map(|(_, n)| n).collect()
}

/// Optimal string alignment distance: edits, with a swap of two adjacent
/// letters (`prot` → `port`) counted as one.
fn distance(a: &str, b: &str) -> usize {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    if a.len().abs_diff(b.len()) > 3 {
        return usize::MAX;
    }
    let w = b.len() + 1;
    let mut d = vec![0usize; (a.len() + 1) * w];
    for i in 0..=a.len() {
        d[i * w] = i;
    }
    for (j, cell) in d.iter_mut().take(w).enumerate() {
        *cell = j;
    }
    for i in 1..=a.len() {
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut v = (d[(i - 1) * w + j] + 1).min(d[i * w + j - 1] + 1).min(d[(i - 1) * w + j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                v = v.min(d[(i - 2) * w + j - 2] + 1);
            }
            d[i * w + j] = v;
        }
    }
    d[a.len() * w + b.len()]
}

/// `a`, `a or b`, `a, b or c`.
pub fn or_list(names: &[&str]) -> String {
    match names {
        [] => String::new(),
        [one] => one.to_string(),
        [init @ .., last] => format!("{} or {last}", init.join(", ")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn distances() {
        assert_eq!(distance("tcp.prot", "tcp.port"), 1);
        assert_eq!(distance("tcp.port", "tcp.port"), 0);
        assert_eq!(distance("ip.sr", "ip.src"), 1);
        assert_eq!(distance("abc", "xyz"), 3);
    }

    #[test]
    fn suggestions_come_from_the_registry() {
        assert_eq!(similar("tcp.prot").first(), Some(&"tcp.port"));
        assert_eq!(similar("TCP.PORT").first(), Some(&"tcp.port"));
        assert!(similar("tcp.flags.sin").contains(&"tcp.flags.syn"));
        assert!(similar("zzzzzzzzzzzz").is_empty());
        assert_eq!(or_list(&["a", "b", "c"]), "a, b or c");
    }
}
