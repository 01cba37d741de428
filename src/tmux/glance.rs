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
mod tests {
    use super::*;

    fn pane(id: &str, session: &str, activity: u64) -> Pane {
        Pane {
            id: id.into(),
            session: session.into(),
            session_panes: 1,
            activity,
            width: 80,
            height: 24,
            ..Pane::default()
        }
    }

    fn listing() -> Snapshot {
        Snapshot {
            server_pid: 42,
            panes: vec![pane("%1", "a", 1_000), pane("%2", "b", 990)],
        }
    }

    fn glance(text: &str) -> Glance {
        parse_glance(text).unwrap_or_else(|e| panic!("{e}"))
    }

    /// Fields: pid, id, dead, status, signal, activity, mode, width, height.
    const SAME: &str = "42\x1f%1\x1f0\x1f\x1f\x1f1000\x1f0\x1f80\x1f24\n\
                        42\x1f%2\x1f0\x1f\x1f\x1f990\x1f0\x1f80\x1f24\n";

    #[test]
    fn format_lists_every_field_once() {
        assert_eq!(glance_format().matches("#{").count(), FIELDS.len());
    }

    #[test]
    fn an_unchanged_server_is_the_same() {
        assert_eq!(glance(SAME).since(&listing(), 1_001), Since::Same);
    }

    #[test]
    fn output_in_the_listing_s_own_second_counts_as_output() {
        assert_eq!(glance(SAME).since(&listing(), 1_000), Since::Output);
        let none = SAME.replacen("\x1f1000\x1f", "\x1f\x1f", 1);
        assert_eq!(glance(&none).since(&listing(), 1_001), Since::Output);
    }

    #[test]
    fn each_moving_field_counts_as_a_change() {
        let structure = [
            SAME.replacen("%1\x1f0", "%1\x1f1", 1),
            SAME.replacen("%1\x1f0\x1f\x1f", "%1\x1f0\x1f9\x1f", 1),
            SAME.replacen("%1\x1f0\x1f\x1f\x1f", "%1\x1f0\x1f\x1f9\x1f", 1),
            SAME.replacen("1000\x1f0", "1000\x1f1", 1),
            SAME.replacen("80\x1f24", "81\x1f24", 1),
            SAME.replacen("80\x1f24", "80\x1f25", 1),
            SAME.replacen("%2", "%3", 1),
            SAME.replace("42\x1f", "43\x1f"),
            SAME.lines().next().unwrap_or_default().to_owned(),
        ];
        for text in structure {
            assert_eq!(
                glance(&text).since(&listing(), 1_001),
                Since::Structure,
                "{text:?}"
            );
        }
        let output = SAME.replacen("\x1f1000\x1f", "\x1f1001\x1f", 1);
        assert_eq!(glance(&output).since(&listing(), 1_001), Since::Output);
    }

    #[test]
    fn a_merge_takes_the_fresh_panes_and_keeps_the_rest() {
        let g = glance(&SAME.replacen("\x1f1000\x1f", "\x1f1002\x1f", 1));
        let mut moved = pane("%1", "a", 1_002);
        moved.command = "claude".into();
        let fresh = Snapshot {
            server_pid: 42,
            panes: vec![moved.clone()],
        };
        let merged = g.merge(&listing(), fresh, 1_001);
        let expected = Snapshot {
            server_pid: 42,
            panes: vec![moved, pane("%2", "b", 990)],
        };
        assert_eq!(merged, Some(expected));
    }

    #[test]
    fn a_merge_that_does_not_fit_asks_for_a_full_listing() {
        let g = glance(&SAME.replacen("\x1f1000\x1f", "\x1f1002\x1f", 1));
        // The pane that moved is missing from the fresh listing.
        assert_eq!(g.merge(&listing(), Snapshot::default(), 1_001), None);
        // The fresh listing holds a pane the glance did not see.
        let fresh = Snapshot {
            server_pid: 42,
            panes: vec![pane("%1", "a", 1_002), pane("%9", "c", 1_002)],
        };
        assert_eq!(g.merge(&listing(), fresh, 1_001), None);
    }

    #[test]
    fn a_short_line_is_an_error() {
        let e = parse_glance("42\x1f%1\x1f0\n").err().unwrap_or_default();
        assert!(e.contains("expected 9"), "{e}");
    }

    #[test]
    fn an_empty_server_is_the_same_as_an_empty_listing() {
        assert_eq!(glance("").since(&Snapshot::default(), 1), Since::Same);
    }
}
