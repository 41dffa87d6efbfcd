//! What the inspector keeps between runs, in the XDG base directories: the
//! display filters applied (`$XDG_STATE_HOME/wirelens/filter_history`, state
//! the user would not edit) and the filter buttons
//! (`$XDG_CONFIG_HOME/wirelens/filter_buttons`, settings they might; see
//! `overlays::buttons`). Files are replaced whole through a temporary file
//! and a rename, so that a crash or a second inspector never leaves half a
//! file.

use std::io::Write;
use std::path::{Path, PathBuf};

/// Filters kept in the history file; the oldest go first.
pub const MAX_HISTORY: usize = 200;

/// `$XDG_STATE_HOME/wirelens`, by default `~/.local/state/wirelens`.
pub fn state_dir() -> Option<PathBuf> {
    base_dir("XDG_STATE_HOME", ".local/state")
}

/// `$XDG_CONFIG_HOME/wirelens`, by default `~/.config/wirelens`.
pub fn config_dir() -> Option<PathBuf> {
    base_dir("XDG_CONFIG_HOME", ".config")
}

/// The spec ignores a relative (or empty) value of the variable.
fn base_dir(var: &str, default: &str) -> Option<PathBuf> {
    let dir = match std::env::var_os(var).map(PathBuf::from) {
        Some(p) if p.is_absolute() => p,
        _ => PathBuf::from(std::env::var_os("HOME")?).join(default),
    };
    Some(dir.join("wirelens"))
}

/// The history file.
pub fn history_file() -> Option<PathBuf> {
    state_dir().map(|d| d.join("filter_history"))
}

/// The filters in the history file, oldest first (none when it is absent or
/// unreadable: a history is a convenience, not worth an error).
pub fn load(path: &Path) -> Vec<String> {
    let text = std::fs::read_to_string(path).unwrap_or_default();
    // From the newest back, so that a line's latest copy is the one kept.
    let mut lines: Vec<String> = Vec::new();
    for l in text.lines().rev().map(str::trim).filter(|l| !l.is_empty()) {
        if lines.len() == MAX_HISTORY {
            break;
        }
        if !lines.iter().any(|x| x == l) {
            lines.push(l.to_string());
        }
    }
    lines.reverse();
    lines
}

/// Adds `filter` to the history file as its newest line, dropping an older
/// copy and the oldest lines beyond `MAX_HISTORY`. The file is read again
/// first, so that two inspectors open at once both keep their filters.
pub fn append(path: &Path, filter: &str) -> std::io::Result<()> {
    let filter = filter.trim();
    let mut lines = load(path);
    lines.retain(|l| l != filter);
    lines.push(filter.to_string());
    let extra = lines.len().saturating_sub(MAX_HISTORY);
    let mut text = lines[extra..].join("\n");
    text.push('\n');
    write_atomically(path, &text)
}

/// Replaces `path` with `text`: written beside it, then renamed over it.
pub fn write_atomically(path: &Path, text: &str) -> std::io::Result<()> {
    let dir = path.parent().filter(|d| !d.as_os_str().is_empty()).unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir)?;
    let mut tmp = tempfile::NamedTempFile::new_in(dir)?;
    tmp.write_all(text.as_bytes())?;
    tmp.as_file().sync_all()?;
    tmp.persist(path).map_err(|e| e.error)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn history_is_deduplicated_bounded_and_newest_last() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("wirelens/filter_history");
        assert!(load(&path).is_empty());
        append(&path, "tcp").unwrap();
        append(&path, " udp ").unwrap();
        append(&path, "tcp").unwrap();
        assert_eq!(load(&path), ["udp", "tcp"]);
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "udp\ntcp\n");
        for i in 0..MAX_HISTORY + 5 {
            append(&path, &format!("frame.number == {i}")).unwrap();
        }
        let h = load(&path);
        assert_eq!(h.len(), MAX_HISTORY);
        assert_eq!(h.last().map(String::as_str), Some(&*format!("frame.number == {}", MAX_HISTORY + 4)));
        assert_eq!(h[0], "frame.number == 5");
        // A hand-edited file with repeats keeps each line's latest place.
        std::fs::write(&path, "a\nb\n\na\n").unwrap();
        assert_eq!(load(&path), ["b", "a"]);
        // Nothing but the file itself is left in the directory.
        assert_eq!(std::fs::read_dir(path.parent().unwrap()).unwrap().count(), 1);
    }
}
