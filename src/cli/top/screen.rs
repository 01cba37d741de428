//! The terminal while `top` runs: raw mode and the alternate screen, given
//! back on every way out (a return, an error, a panic, a signal) and for
//! the time an attached tmux client holds the terminal.

use std::io::{self, IsTerminal, Stdout};
use std::sync::Once;

use crossterm::cursor::{Hide, Show};
use crossterm::execute;
use crossterm::terminal::{
    EnterAlternateScreen, LeaveAlternateScreen, disable_raw_mode, enable_raw_mode,
};
use ratatui::Terminal;
use ratatui::backend::CrosstermBackend;

/// Why `top` cannot start on this output.
pub fn unusable() -> Option<&'static str> {
    (!io::stdout().is_terminal()).then_some(
        "top needs a terminal on standard output; scripts can use 'assignerctl watch', \
         'status' or 'sessions' (with --json)",
    )
}

/// The terminal in `top`'s hands; dropping it gives the terminal back.
pub struct Screen {
    terminal: Terminal<CrosstermBackend<Stdout>>,
}

impl Screen {
    /// Takes the terminal.
    pub fn enter() -> io::Result<Self> {
        restore_on_panic();
        take()?;
        let terminal = Terminal::new(CrosstermBackend::new(io::stdout()));
        let mut screen = Self {
            terminal: terminal.inspect_err(|_| {
                let _ = give_back();
            })?,
        };
        screen.terminal.clear()?;
        Ok(screen)
    }

    /// Gives the terminal to another program for a while.
    pub fn suspend(&mut self) -> io::Result<()> {
        give_back()
    }

    /// Takes it back and draws everything again.
    pub fn resume(&mut self) -> io::Result<()> {
        take()?;
        self.terminal.clear()
    }

    /// Draws a frame.
    pub fn draw(&mut self, f: impl FnOnce(&mut ratatui::Frame)) -> io::Result<()> {
        self.terminal.draw(f).map(|_| ())
    }
}

impl Drop for Screen {
    fn drop(&mut self) {
        let _ = give_back();
    }
}

fn take() -> io::Result<()> {
    enable_raw_mode()?;
    execute!(io::stdout(), EnterAlternateScreen, Hide).inspect_err(|_| {
        let _ = disable_raw_mode();
    })
}

fn give_back() -> io::Result<()> {
    let raw = disable_raw_mode();
    execute!(io::stdout(), LeaveAlternateScreen, Show)?;
    raw
}

/// A panic message printed into the alternate screen in raw mode would be
/// lost and leave the terminal unusable: the terminal is given back first.
/// The release build aborts on panic; the hook runs before that too.
fn restore_on_panic() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        let earlier = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            let _ = give_back();
            earlier(info);
        }));
    });
}
