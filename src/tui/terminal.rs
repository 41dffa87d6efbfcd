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
        let was_active = ACTIVE.load(Ordering::SeqCst);
        restore();
        previous(info);
        // A panic in a worker would leave the UI running on a restored
        // terminal; end the program instead, as a panic in the UI does.
        if was_active {
            std::process::exit(101);
        }
    }));
}
