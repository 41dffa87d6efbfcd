//! Terminal setup and teardown, in one place: raw mode, the alternate
//! screen and mouse capture are undone when the guard drops (normal exit and
//! errors) and by the panic hook (a panic on any thread).

use std::io::{stdout, Stdout};
use std::sync::atomic::{AtomicBool, Ordering};

use crossterm::event::{DisableMouseCapture, EnableMouseCapture};
use crossterm::execute;
use crossterm::terminal::{disable_raw_mode, enable_raw_mode, EnterAlternateScreen, LeaveAlternateScreen};
use ratatui::backend::CrosstermBackend;
use ratatui::Terminal;

static ACTIVE: AtomicBool = AtomicBool::new(false);
static PANICKED: AtomicBool = AtomicBool::new(false);

/// Whether a thread has panicked since the hook was installed: the event
/// loop then ends, since a worker it relies on is gone.
pub fn panicked() -> bool {
    PANICKED.load(Ordering::SeqCst)
}

pub struct Tui {
    pub terminal: Terminal<CrosstermBackend<Stdout>>,
}

impl Tui {
    pub fn enter() -> std::io::Result<Tui> {
        install_panic_hook();
        ACTIVE.store(true, Ordering::SeqCst);
        enable_raw_mode()?;
        let mut out = stdout();
        if let Err(e) = execute!(out, EnterAlternateScreen, EnableMouseCapture) {
            restore();
            return Err(e);
        }
        let terminal = Terminal::new(CrosstermBackend::new(out)).inspect_err(|_| restore())?;
        Ok(Tui { terminal })
    }
}

impl Drop for Tui {
    fn drop(&mut self) {
        restore();
    }
}

/// Gives the terminal back as it was; does nothing if already done.
pub fn restore() {
    if ACTIVE.swap(false, Ordering::SeqCst) {
        let _ = execute!(stdout(), DisableMouseCapture, LeaveAlternateScreen, crossterm::cursor::Show);
        let _ = disable_raw_mode();
    }
}

fn install_panic_hook() {
    static INSTALLED: AtomicBool = AtomicBool::new(false);
    if INSTALLED.swap(true, Ordering::SeqCst) {
        return;
    }
    let previous = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        // Restore first, so the message lands on the normal screen.
        restore();
        PANICKED.store(true, Ordering::SeqCst);
        previous(info);
    }));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_panic_on_any_thread_restores_the_terminal() {
        install_panic_hook();
        ACTIVE.store(true, Ordering::SeqCst);
        let worker = std::thread::spawn(|| panic!("worker failed"));
        assert!(worker.join().is_err());
        assert!(!ACTIVE.load(Ordering::SeqCst), "terminal restored");
        assert!(panicked());
    }
}
