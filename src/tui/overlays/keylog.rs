//! The TLS key log prompt (`Ctrl-k`, or the packet menu): the path of an
//! `SSLKEYLOGFILE`-format file, as Wireshark's TLS preference "(Pre)-Master-
//! Secret log filename" takes it. Tab completes the path as a shell does:
//! the longest common prefix of the names in its directory.

use std::path::Path;

/// `text` with its last path component completed: the longest prefix the
/// matching entries of its directory share (a directory's name ending in
/// `/` once it is the only match). None when nothing matches or nothing
/// would be added.
pub fn complete(text: &str) -> Option<String> {
    let (dir, prefix) = match text.rfind('/') {
        Some(i) => (&text[..=i], &text[i + 1..]),
        None => ("", text),
    };
    let listed = if dir.is_empty() { Path::new(".") } else { Path::new(dir) };
    let mut names: Vec<(String, bool)> = std::fs::read_dir(listed)
        .ok()?
        .filter_map(|e| {
            let e = e.ok()?;
            let name = e.file_name().into_string().ok()?;
            // Hidden entries only when asked for, as shells do.
            let wanted = name.starts_with(prefix) && (prefix.starts_with('.') || !name.starts_with('.'));
            wanted.then(|| (name, e.path().is_dir()))
        })
        .collect();
    names.sort();
    let (first, _) = names.first()?;
    let mut common = first.len();
    for (n, _) in &names[1..] {
        common = first.bytes().zip(n.bytes()).take(common).take_while(|(a, b)| a == b).count();
    }
    while !first.is_char_boundary(common) {
        common -= 1;
    }
    let mut out = format!("{dir}{}", &first[..common]);
    if names.len() == 1 && names[0].1 {
        out.push('/');
    }
    (out != text).then_some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn completes_names_and_directories_in_the_path() {
        let dir = std::env::temp_dir().join(format!("wirelens-keylog-complete-{}", std::process::id()));
        std::fs::create_dir_all(dir.join("keys.d")).unwrap();
        std::fs::write(dir.join("keylog-one.txt"), "").unwrap();
        std::fs::write(dir.join("keylog-two.txt"), "").unwrap();
        let d = format!("{}/", dir.display());
        assert_eq!(complete(&format!("{d}keyl")), Some(format!("{d}keylog-")));
        assert_eq!(complete(&format!("{d}keylog-t")), Some(format!("{d}keylog-two.txt")));
        assert_eq!(complete(&format!("{d}keys")), Some(format!("{d}keys.d/")));
        assert_eq!(complete(&format!("{d}keylog-")), None);
        assert_eq!(complete(&format!("{d}nothing")), None);
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
