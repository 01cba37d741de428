//! The stand-in's terminal: raw mode (and, unless told otherwise,
//! bracketed paste) while it runs,
//! restored on every exit path by a guard, the way a real agent TUI leaves
//! the pane usable after it quits.

use std::io::Write;
use std::os::fd::AsFd;
use std::process::{Command, Stdio};

use nix::sys::termios::{SetArg, Termios, cfmakeraw, tcgetattr, tcsetattr};

/// Raw mode, undone on drop.
pub struct RawMode {
    saved: Termios,
}

impl RawMode {
    /// Switches stdin's terminal to raw mode and, with `bracketed`, asks
    /// for bracketed paste: without it tmux pastes the text bare, as into
    /// a TUI that never asked.
    pub fn enter(bracketed: bool) -> nix::Result<Self> {
        let stdin = std::io::stdin();
        let saved = tcgetattr(stdin.as_fd())?;
        let mut raw = saved.clone();
        cfmakeraw(&mut raw);
        tcsetattr(stdin.as_fd(), SetArg::TCSANOW, &raw)?;
        if bracketed {
            emit("\x1b[?2004h");
        }
        Ok(Self { saved })
    }

    /// Reads whatever input is available (after poll said so).
    pub fn read(&self, buf: &mut [u8]) -> nix::Result<usize> {
        nix::unistd::read(std::io::stdin().as_fd(), buf)
    }
}

impl Drop for RawMode {
    fn drop(&mut self) {
        emit("\x1b[?2004l\r\nstand-in agent exited\r\n");
        let _ = tcsetattr(std::io::stdin().as_fd(), SetArg::TCSANOW, &self.saved);
    }
}

fn emit(s: &str) {
    let mut out = std::io::stdout().lock();
    let _ = out.write_all(s.as_bytes());
    let _ = out.flush();
}

/// (rows, columns) of the terminal, from `stty size` on our stdin, since
/// the ioctl has no safe wrapper; 24x80 when unknown.
pub fn size() -> (usize, usize) {
    let out = Command::new("stty")
        .arg("size")
        .stdin(Stdio::inherit())
        .stderr(Stdio::null())
        .output();
    let text = out
        .map(|o| String::from_utf8_lossy(&o.stdout).into_owned())
        .unwrap_or_default();
    let mut it = text.split_whitespace().filter_map(|n| n.parse().ok());
    match (it.next(), it.next()) {
        (Some(r), Some(c)) if r > 0 && c > 0 => (r, c),
        _ => (24, 80),
    }
}
