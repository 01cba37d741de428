//! What the engine needs of a tmux server, as one trait: the seam between
//! its decisions and the real driver (ARCHITECTURE.md, "The engine").
//! [`super::Tmux`] implements it by delegating to its own methods
//! (`pane_io.rs`); the
//! engine's in-process tests implement it with a scripted screen per pane,
//! so what the engine decides (which pane gets a prompt, when it completes,
//! what a delivery it cannot confirm becomes) is tested without a server.
//!
//! The futures are boxed so that the engine can hold the trait as an object
//! (`Arc<dyn PaneIo>`) and hand clones to its delivery tasks.

use std::future::Future;
use std::pin::Pin;

use super::{Glance, Pane, Snapshot, TmuxError};

/// What a [`PaneIo`] call returns: a future a spawned task can hold.
pub type IoFuture<'a, T> = Pin<Box<dyn Future<Output = Result<T, TmuxError>> + Send + 'a>>;

/// Reading and typing into the panes of one tmux server, and whether tmux
/// reports its changes of structure. Each method means what the
/// [`super::Tmux`] method of the same name does.
pub trait PaneIo: Send + Sync {
    /// Every pane of the server ([`super::Tmux::snapshot`]).
    fn snapshot(&self) -> IoFuture<'_, Snapshot>;

    /// One pane, `None` when it is gone ([`super::Tmux::pane`]).
    fn pane<'a>(&'a self, pane: &'a str) -> IoFuture<'a, Option<Pane>>;

    /// Every pane in brief ([`super::Tmux::glance`]).
    fn glance(&self) -> IoFuture<'_, Glance>;

    /// The panes whose windows had output from Unix second `secs` on
    /// ([`super::Tmux::snapshot_since`]).
    fn snapshot_since(&self, secs: u64) -> IoFuture<'_, Snapshot>;

    /// The bottom `lines` lines of the pane's screen ([`super::Tmux::capture`]).
    fn capture<'a>(&'a self, pane: &'a str, lines: usize) -> IoFuture<'a, String>;

    /// The same with wrapped lines joined ([`super::Tmux::capture_joined`]).
    fn capture_joined<'a>(&'a self, pane: &'a str, lines: usize) -> IoFuture<'a, String>;

    /// What the pane wrote from a history line on ([`super::Tmux::capture_since`]).
    fn capture_since<'a>(&'a self, pane: &'a str, history_mark: u64) -> IoFuture<'a, String>;

    /// `text` as one bracketed paste, without Enter ([`super::Tmux::paste`]).
    fn paste<'a>(&'a self, pane: &'a str, text: &'a str) -> IoFuture<'a, ()>;

    /// Named keys only ([`super::Tmux::send_keys`]).
    fn send_keys<'a>(&'a self, pane: &'a str, keys: &'a [&'a str]) -> IoFuture<'a, ()>;

    /// Presses Enter.
    fn send_enter<'a>(&'a self, pane: &'a str) -> IoFuture<'a, ()> {
        self.send_keys(pane, &["Enter"])
    }

    /// Whether calls are to go over a control client
    /// ([`super::Tmux::control_mode`]).
    fn control_mode(&self) -> bool;

    /// Whether tmux tells of every change of structure now
    /// ([`super::Tmux::events_live`]).
    fn events_live(&self) -> bool;

    /// How many changes of structure tmux has reported
    /// ([`super::Tmux::structure_reports`]).
    fn structure_reports(&self) -> u64;
}
