//! A glance at every pane: the few fields that move when anything about a
//! pane does, so that a scan can tell "nothing changed" without the full
//! listing ([`super::Snapshot`]).
//!
//! The full format asks tmux for eighteen fields of every pane, two of
//! them (the foreground command and working directory) read from `/proc`;
//! at 200 panes that is most of an idle fleet's cost to the tmux
//! server. These fields are plain numbers tmux keeps in memory. Any output
//! moves `window_activity` (tmux updates it for every byte a program
//! writes, title changes included), so the command, path, title, cursor
//! and history a listing would show can change only with it, or with a
//! change of structure, which control mode reports on its own.

use super::snapshot::{Pane, Snapshot, format_of, num, opt_num, split_line};

/// Fields requested, in order. Keep in sync with [`parse_glance`] and
/// [`Glance::since`].
const FIELDS: [&str; 9] = [
    "pid",
    "pane_id",
    "pane_dead",
    "pane_dead_status",
    "pane_dead_signal",
    "window_activity",
    "pane_in_mode",
    "pane_width",
    "pane_height",
];

/// The `-F` argument for the glance's `list-panes -a`.
pub(crate) fn glance_format() -> String {
    format_of(&FIELDS)
}

/// Every pane of one tmux server at one moment, in brief.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Glance {
    /// Process id of the tmux server; 0 when it has no panes.
    pub server_pid: u32,
    /// Panes in tmux's order (session, window, pane), as in a listing.
    pub panes: Vec<PaneGlance>,
}

/// One pane, in brief.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PaneGlance {
    /// Pane id (`%3`).
    pub id: String,
    /// Its program exited and the pane remains.
    pub dead: bool,
    /// How it exited, once tmux knows ([`Pane::dead_status`]).
    pub dead_status: Option<i32>,
    /// The signal that ended it, where tmux reports one.
    pub dead_signal: Option<i32>,
    /// Last activity of its window, Unix seconds; 0 when tmux gave none.
    pub activity: u64,
    /// In copy mode or another mode.
    pub in_mode: bool,
    /// Visible columns.
    pub width: u16,
    /// Visible rows.
    pub height: u16,
}

impl PaneGlance {
    /// Whether `p` is this pane as listed, output aside: the same id,
    /// alive or dead alike, in the same mode and size.
    fn same_pane(&self, p: &Pane) -> bool {
        self.id == p.id
            && self.dead == p.dead
            && self.dead_status == p.dead_status
            && self.dead_signal == p.dead_signal
            && self.in_mode == p.in_mode
            && self.width == p.width
            && self.height == p.height
    }

    /// Whether its window had no output since `p` was listed, from Unix
    /// second `listed_at_secs` on. `window_activity` counts whole seconds,
    /// so output in the listing's own second may have come after it, and a
    /// window without an activity time may have had some.
    fn quiet_since(&self, p: &Pane, listed_at_secs: u64) -> bool {
        self.activity == p.activity && self.activity != 0 && self.activity < listed_at_secs
    }
}

/// What a glance says of a listing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Since {
    /// Every pane is as listed.
    Same,
    /// The same panes, some of whose windows had output: a listing of
    /// those alone brings it up to date ([`Glance::merge`]).
    Output,
    /// Panes came, went, died (or tmux learnt how), or changed mode or
    /// size.
    Structure,
}

impl Glance {
    /// What a glance would show of `listing`.
    pub fn of(listing: &Snapshot) -> Self {
        Self {
            server_pid: listing.server_pid,
            panes: listing
                .panes
                .iter()
                .map(|p| PaneGlance {
                    id: p.id.clone(),
                    dead: p.dead,
                    dead_status: p.dead_status,
                    dead_signal: p.dead_signal,
                    activity: p.activity,
                    in_mode: p.in_mode,
                    width: p.width,
                    height: p.height,
                })
                .collect(),
        }
    }

    /// Compares with `listing`, taken from `listed_at_secs` (Unix seconds
    /// when it was asked for). `window_activity` counts whole seconds, so
    /// output in the listing's own second may have come after it: that
    /// counts as output, as does a window without an activity time.
    pub fn since(&self, listing: &Snapshot, listed_at_secs: u64) -> Since {
        let same_panes = self.server_pid == listing.server_pid
            && self.panes.len() == listing.panes.len()
            && self
                .panes
                .iter()
                .zip(&listing.panes)
                .all(|(g, p)| g.same_pane(p));
        if !same_panes {
            Since::Structure
        } else if self
            .panes
            .iter()
            .zip(&listing.panes)
            .all(|(g, p)| g.quiet_since(p, listed_at_secs))
        {
            Since::Same
        } else {
            Since::Output
        }
    }

    /// The listing brought up to date with `fresh`, a listing of the panes
    /// whose windows had output since it was taken (every window with
    /// activity from `listed_at_secs` on, which takes in every pane whose
    /// activity moved: activity only grows, and output after the old
    /// listing began is stamped no earlier than its second). `None` when
    /// the two do not fit together: a pane this glance saw move is missing
    /// from `fresh`, or `fresh` lists one the glance did not see, and only
    /// a full listing will do.
    pub fn merge(&self, old: &Snapshot, fresh: Snapshot, listed_at_secs: u64) -> Option<Snapshot> {
        let mut fresh: std::collections::HashMap<String, Pane> =
            fresh.panes.into_iter().map(|p| (p.id.clone(), p)).collect();
        let mut panes = Vec::with_capacity(self.panes.len());
        for (g, p) in self.panes.iter().zip(&old.panes) {
            match fresh.remove(&g.id) {
                Some(new) => panes.push(new),
                None if g.quiet_since(p, listed_at_secs) => panes.push(p.clone()),
                None => return None,
            }
        }
        if !fresh.is_empty() {
            return None;
        }
        let mut merged = Snapshot {
            server_pid: self.server_pid,
            panes,
        };
        merged.count_session_panes();
        Some(merged)
    }
}

/// Parses `list-panes -a -F <glance_format()>` output.
pub(crate) fn parse_glance(out: &str) -> Result<Glance, String> {
    let mut glance = Glance::default();
    for line in out.lines().filter(|l| !l.is_empty()) {
        let f = split_line(line, FIELDS.len())?;
        glance.server_pid = num(f[0], "pid")?;
        glance.panes.push(PaneGlance {
            id: f[1].to_owned(),
            dead: f[2] == "1",
            dead_status: opt_num(f[3], "pane_dead_status")?,
            dead_signal: opt_num(f[4], "pane_dead_signal")?,
            activity: if f[5].is_empty() {
                0
            } else {
                num(f[5], "window_activity")?
            },
            in_mode: f[6] == "1",
            width: num(f[7], "pane_width")?,
            height: num(f[8], "pane_height")?,
        });
    }
    Ok(glance)
}

#[cfg(test)]
#[path = "glance_tests.rs"]
mod tests;
