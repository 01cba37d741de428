//! Stand-in agent for tests (the `stand-in-agent` example; not named
//! `main.rs` so that Cargo does not also take it for an integration test): plays a coding agent's TUI in a tmux pane and
//! logs exactly what it was given, so tests can prove delivery is
//! byte-exact and exactly-once without a real agent.
//!
//! ```text
//! stand-in-agent --log FILE [--busy-ms 300] [--style claude|codex] [--name NAME] [--collapse-pastes] [--no-limits] [--file-picker] [--ignore-enters N] [--ignore-clear] [--ignore-escape] [--echo-below] [--limit-every N] [--slow-redraw MS] [--no-bracketed-paste] [--limited-for SECS]
//!
//! `--ignore-enters N` leaves the first N Enter presses on a filled input
//! box without effect (logged as `{"ignored":"enter"}`), as an agent that
//! is slow to start reading does; `--ignore-clear` ignores C-u (logged as
//! `{"ignored":"clear"}`), as an agent whose clear key is another; C-u
//! otherwise empties the box (logged as `{"cleared":"…"}`).
//! `--ignore-escape` keeps working through Escape (logged as
//! `{"ignored":"escape"}`), as an agent busy in a tool call that does not
//! let itself be interrupted.
//! `--echo-below` (Claude style) shows the input below the input box, which
//! itself stays empty, as some agent TUIs echo pasted text: a box that
//! reads empty then says nothing about whether the input was submitted.
//! `--file-picker` opens a file picker while the input ends in an `@path`
//! token, as Claude Code does: Enter then accepts the path (adds a space)
//! instead of submitting.
//! `--no-limits` ignores `#ratelimit`, as an agent on another account would.
//! `--limit-every N` ends every Nth prompt's work in an 800 ms usage-limit
//! banner, whatever its text, as an agent near its quota does.
//! Each usage limit is logged as `{"limited":SEQ}`, SEQ being the
//! submission it cut short: an agent that hit its limit did not run it.
//! `--limited-for SECS` (Claude style) starts in a usage-limit banner
//! that stays, as Claude Code's does until someone types: `You've hit your
//! 5-hour limit · resets 3:05pm (UTC)`, the first whole minute at least
//! SECS ahead, logged at start as `{"limit_resets_at":UNIX_SECS,"at_ms":…}`.
//! `--slow-redraw MS` draws the screen MS late after input, as a TUI
//! under load does: a paste shows in the box only after a while.
//! `--no-bracketed-paste` never asks for bracketed paste, so a paste
//! arrives as bare keys: a CR in it is Enter, an LF a newline (C-j).
//! `--collapse-pastes` shows a multi-line input as Claude Code does,
//! `[Pasted text #1 +N lines]`, in the input box and the transcript, so the
//! text itself never appears on screen.
//! ```
//!
//! Idle it shows an input box; keys edit it, a bracketed paste is inserted
//! whole, Enter (CR outside a paste) submits: one JSON line
//! `{"seq":N,"text":"…","at_ms":…}` is appended to the log (fsynced), then
//! it is busy for `--busy-ms` with a spinner ("esc to interrupt"; Escape
//! interrupts). Directives in the text: `#busy=MS`, `#dialog` (an approval
//! dialog after the work, answered with `1`, `2`, Enter or Escape),
//! `#ratelimit[=MS]` (a usage-limit banner, default 2000 ms), `#apierror`
//! (the work ends in `⏺ API Error: 500 …`, as when the model API failed;
//! `#apierror=429`: in Claude Code's line for a 429 it gave up on),
//! `#exit`.
//! Input while busy, in a dialog or rate limited is logged as
//! `{"violation":"input while busy"|"input in dialog"|"input while rate limited","bytes":"…"}`;
//! dialog answers as `{"answer":"1"}`. SIGUSR1 opens a dialog, SIGUSR2
//! closes it; SIGTERM/SIGHUP/SIGINT exit, restoring the terminal.
//!
//! This file holds the agent's state, its loop and its log; beside it, the
//! flags (`args.rs`), what each key does (`keys.rs`), a submission's life
//! (`work.rs`), and the terminal's input, screen and mode (`input.rs`,
//! `screen.rs`, `term.rs`).

mod args;
mod input;
mod keys;
mod screen;
mod term;
mod work;

use std::fs::File;
use std::io::Write;
use std::os::fd::AsFd;
use std::time::{Duration, Instant};

use input::Parser;
use nix::poll::{PollFd, PollFlags, poll};
use nix::sys::signal::Signal;
use nix::sys::signalfd::{SfdFlags, SigSet, SignalFd};
use screen::{Frame, Style, View};

#[derive(Debug, Clone, Copy, PartialEq)]
enum Mode {
    Idle,
    Busy { since: Instant, until: Instant },
    Dialog,
    Limited { until: Instant },
}

struct Agent {
    style: Style,
    name: String,
    busy_ms: u64,
    collapse: bool,
    limits: bool,
    /// `--limit-every N`: every Nth submission runs into a usage limit.
    limit_every: u64,
    picker: bool,
    deaf_enters: u64,
    keep_on_clear: bool,
    deaf_escape: bool,
    echo_below: bool,
    /// `--limited-for SECS`: the reset time its lasting banner shows.
    resets: Option<String>,
    /// `--slow-redraw MS`: how late the screen follows input.
    redraw_lag: Duration,
    /// The prompt at work asked for `#apierror`.
    /// The API error line the work ends in, if any.
    api_error: Option<&'static str>,
    log: File,
    seq: u64,
    transcript: Vec<String>,
    composer: Vec<u8>,
    mode: Mode,
    /// What follows the current busy spell: a dialog, a limit banner.
    then: Option<Mode>,
    exit: bool,
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let mut agent = Agent::from_args(&args);
    let mut mask = SigSet::empty();
    for s in [
        Signal::SIGUSR1,
        Signal::SIGUSR2,
        Signal::SIGTERM,
        Signal::SIGHUP,
        Signal::SIGINT,
        Signal::SIGWINCH,
    ] {
        mask.add(s);
    }
    mask.thread_block().expect("block signals");
    let signals = SignalFd::with_flags(&mask, SfdFlags::SFD_NONBLOCK).expect("signalfd");
    let bracketed = !args.iter().any(|a| a == "--no-bracketed-paste");
    let guard = term::RawMode::enter(bracketed).expect("raw mode");
    let code = agent.run(&signals, &guard);
    drop(guard);
    std::process::exit(code);
}

impl Agent {
    fn run(&mut self, signals: &SignalFd, term: &term::RawMode) -> i32 {
        let stdin = std::io::stdin();
        let mut parser = Parser::default();
        let mut size = term::size();
        self.draw(size);
        let mut buf = vec![0u8; 65536];
        while !self.exit {
            let timeout: u16 = if matches!(self.mode, Mode::Busy { .. } | Mode::Limited { .. }) {
                100
            } else {
                500
            };
            let mut fds = [
                PollFd::new(stdin.as_fd(), PollFlags::POLLIN),
                PollFd::new(signals.as_fd(), PollFlags::POLLIN),
            ];
            let timeout = if parser.pending() { 30 } else { timeout };
            match poll(&mut fds, timeout) {
                Ok(_) | Err(nix::errno::Errno::EINTR) => {}
                Err(e) => panic!("poll: {e}"),
            }
            let input_ready = fds[0].revents().is_some_and(|r| !r.is_empty());
            let signal_ready = fds[1].revents().is_some_and(|r| !r.is_empty());
            let events = if input_ready {
                match term.read(&mut buf) {
                    Ok(0) | Err(_) => return 0, // terminal gone
                    Ok(n) => parser.feed(&buf[..n]),
                }
            } else {
                parser.flush()
            };
            if input_ready && !self.redraw_lag.is_zero() {
                std::thread::sleep(self.redraw_lag);
            }
            for ev in events {
                self.handle(ev);
            }
            if signal_ready {
                while let Ok(Some(info)) = signals.read_signal() {
                    match Signal::try_from(i32::try_from(info.ssi_signo).unwrap_or(0)) {
                        Ok(Signal::SIGUSR1) => self.mode = Mode::Dialog,
                        Ok(Signal::SIGUSR2) if self.mode == Mode::Dialog => self.mode = Mode::Idle,
                        Ok(Signal::SIGWINCH) => size = term::size(),
                        Ok(Signal::SIGTERM | Signal::SIGHUP | Signal::SIGINT) => return 0,
                        _ => {}
                    }
                }
            }
            self.tick(Instant::now());
            self.draw(size);
        }
        0
    }

    /// One log line, flushed and fsynced: the test reads the log as the
    /// truth about what was delivered.
    fn record(&mut self, value: &serde_json::Value) {
        let mut line = value.to_string();
        line.push('\n');
        self.log.write_all(line.as_bytes()).expect("write log");
        self.log.sync_all().expect("fsync log");
    }

    fn draw(&self, (height, width): (usize, usize)) {
        let view = match self.mode {
            Mode::Idle => View::Idle,
            Mode::Busy { since, .. } => {
                let elapsed = since.elapsed();
                View::Busy {
                    secs: elapsed.as_secs(),
                    frame: (elapsed.as_millis() / 100) as usize,
                }
            }
            Mode::Dialog => View::Dialog,
            Mode::Limited { .. } => View::Limited {
                resets: self.resets.clone(),
            },
        };
        let mut composer = String::from_utf8_lossy(&self.composer).into_owned();
        if self.collapse && composer.contains('\n') {
            composer = collapsed(&composer);
        }
        let frame = Frame {
            style: self.style,
            name: &self.name,
            transcript: &self.transcript,
            composer: &composer,
            echo_below: self.echo_below,
            view,
            width,
            height,
        };
        let mut out = String::from("\x1b[H");
        for line in screen::render(&frame) {
            out.push_str(&line);
            out.push_str("\x1b[K\r\n");
        }
        out.push_str("\x1b[J");
        let mut stdout = std::io::stdout().lock();
        let _ = stdout.write_all(out.as_bytes());
        let _ = stdout.flush();
    }
}

/// Claude Code's placeholder for a pasted multi-line text.
fn collapsed(text: &str) -> String {
    format!(
        "[Pasted text #1 +{} lines]",
        text.lines().count().saturating_sub(1)
    )
}
