//! One `list-panes -a` call describes every pane of the server; this file
//! owns its format string and the pure parser, so the engine's view of the
//! world costs one subprocess per scan no matter how many agents run.

/// Field separator in the `-F` format. tmux sanitises session names (`:`
/// and `.` become `_`, control characters are escaped) and pane titles
/// (control characters are rejected), so the unit separator cannot occur in
/// them; the one free-form field that could hold it, the current path, is
/// last and takes the rest of the line.
const SEP: char = '\x1f';

/// Fields requested, in order. Keep in sync with [`parse_snapshot`].
const FIELDS: [&str; 18] = [
    "pid",
    "pane_id",
    "session_name",
    "window_index",
    "pane_index",
    "pane_pid",
    "pane_dead",
    "window_activity",
    "history_size",
    "cursor_y",
    "pane_height",
    "pane_width",
    "pane_in_mode",
    "pane_current_command",
    "pane_title",
    "pane_dead_status",
    "pane_dead_signal",
    "pane_current_path",
];

/// The `-F` argument for `list-panes -a`.
pub(crate) fn list_format() -> String {
    format_of(&FIELDS)
}

/// A `-F` argument asking for `fields`, in order, separated by [`SEP`].
pub(super) fn format_of(fields: &[&str]) -> String {
    fields
        .iter()
        .map(|f| format!("#{{{f}}}"))
        .collect::<Vec<_>>()
        .join(&SEP.to_string())
}

/// One line of a listing in `fields` fields; the last takes the rest of
/// the line.
pub(super) fn split_line(line: &str, fields: usize) -> Result<Vec<&str>, String> {
    let f: Vec<&str> = line.splitn(fields, SEP).collect();
    if f.len() == fields {
        Ok(f)
    } else {
        Err(format!(
            "list-panes line has {} fields, expected {fields}: {line:?}",
            f.len()
        ))
    }
}

/// Every pane of one tmux server at one moment.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Snapshot {
    /// Process id of the tmux server: with the socket path it identifies
    /// the server, so a restarted server (new pane ids) is noticed. 0 when
    /// the server has no panes to report it.
    pub server_pid: u32,
    /// Panes in tmux's order (session, window, pane).
    pub panes: Vec<Pane>,
}

impl Snapshot {
    /// Sets each pane's [`Pane::session_panes`] from the panes listed.
    pub(crate) fn count_session_panes(&mut self) {
        let counts = self
            .panes
            .iter()
            .fold(std::collections::HashMap::new(), |mut m, p| {
                *m.entry(p.session.clone()).or_insert(0usize) += 1;
                m
            });
        for p in &mut self.panes {
            p.session_panes = counts.get(&p.session).copied().unwrap_or(1);
        }
    }

    /// The pane with this id (`%3`).
    pub fn pane(&self, id: &str) -> Option<&Pane> {
        self.panes.iter().find(|p| p.id == id)
    }
}

/// One pane as `list-panes` reports it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Pane {
    /// Stable, server-unique pane id (`%3`): the only target used for typing.
    pub id: String,
    /// Session name (exact; tmux may have sanitised it at creation).
    pub session: String,
    /// Window index (shifts on renumbering; for display only).
    pub window: u32,
    /// Pane index in its window (for display only).
    pub index: u32,
    /// Number of panes in this pane's session, computed from the snapshot.
    pub session_panes: usize,
    /// Process id of the pane's first process.
    pub pid: u32,
    /// The pane's process exited and the pane remains (`remain-on-exit`).
    pub dead: bool,
    /// A dead pane's exit status; `None` while alive, or when a signal
    /// ended it.
    pub dead_status: Option<i32>,
    /// The signal that ended a dead pane's process, where tmux reports it
    /// (3.4 and later; earlier, a death by signal shows no status at all).
    pub dead_signal: Option<i32>,
    /// Foreground command (`pane_current_command`).
    pub command: String,
    /// Current working directory of the foreground process.
    pub path: String,
    /// Last activity of the pane's window, Unix seconds (window-scoped in
    /// tmux; use a screen fingerprint for pane-local activity).
    pub activity: u64,
    /// Title set by the program (OSC 0/2); some agents put a spinner here.
    pub title: String,
    /// Lines in the pane's scrollback history.
    pub history_size: u64,
    /// Cursor row on the visible screen.
    pub cursor_y: u16,
    /// Visible rows.
    pub height: u16,
    /// Visible columns.
    pub width: u16,
    /// In a mode such as copy mode: keys go to the mode, not the program,
    /// so an Enter typed there would never reach the agent.
    pub in_mode: bool,
}

impl Pane {
    /// What people call the pane: the session name, or `name:window.pane`
    /// when the session has several panes.
    pub fn display_name(&self) -> String {
        if self.session_panes > 1 {
            format!("{}:{}.{}", self.session, self.window, self.index)
        } else {
            self.session.clone()
        }
    }

    /// Absolute line number (counting scrollback from its top) of the
    /// cursor row: a mark for [`super::Tmux::capture_since`] that excludes
    /// what was above the cursor when it was taken. `history_size` alone is
    /// also a valid, coarser mark (it keeps the whole screen of that time).
    pub fn history_mark(&self) -> u64 {
        self.history_size + u64::from(self.cursor_y)
    }
}

/// tmux's exact-match target for a session's current pane: `=name:`.
///
/// A bare `-t dev` prefix-matches `dev2`; `=dev` is exact but tmux 3.3
/// rejects it for pane-taking commands such as `send-keys`, hence the colon.
pub fn exact_session_target(name: &str) -> String {
    format!("={name}:")
}

/// The pane `id` from one line in [`list_format`] (`display-message`
/// prints it for a single pane), or `None` when the line is not that
/// pane's: tmux prints the format's fields empty for a pane it cannot
/// find.
pub(crate) fn parse_one(out: &str, id: &str) -> Result<Option<Pane>, String> {
    let Some(line) = out.lines().find(|l| !l.is_empty()) else {
        return Ok(None);
    };
    if split_line(line, FIELDS.len())?[1] != id {
        return Ok(None);
    }
    Ok(parse_snapshot(line)?.panes.pop())
}

/// Parses `list-panes -a -F <list_format()>` output.
pub(crate) fn parse_snapshot(out: &str) -> Result<Snapshot, String> {
    let mut snap = Snapshot::default();
    for line in out.lines().filter(|l| !l.is_empty()) {
        let f = split_line(line, FIELDS.len())?;
        snap.server_pid = num(f[0], "pid")?;
        snap.panes.push(Pane {
            id: f[1].to_string(),
            session: f[2].to_string(),
            window: num(f[3], "window_index")?,
            index: num(f[4], "pane_index")?,
            session_panes: 0,
            pid: num(f[5], "pane_pid")?,
            dead: f[6] == "1",
            activity: if f[7].is_empty() {
                0
            } else {
                num(f[7], "window_activity")?
            },
            history_size: num(f[8], "history_size")?,
            cursor_y: num(f[9], "cursor_y")?,
            height: num(f[10], "pane_height")?,
            width: num(f[11], "pane_width")?,
            in_mode: f[12] == "1",
            command: f[13].to_string(),
            title: f[14].to_string(),
            dead_status: opt_num(f[15], "pane_dead_status")?,
            dead_signal: opt_num(f[16], "pane_dead_signal")?,
            path: f[17].to_string(),
        });
    }
    snap.count_session_panes();
    Ok(snap)
}

/// An optional number: tmux prints nothing for a value it does not have.
pub(super) fn opt_num<T: std::str::FromStr>(s: &str, field: &str) -> Result<Option<T>, String> {
    if s.is_empty() {
        return Ok(None);
    }
    num(s, field).map(Some)
}

pub(super) fn num<T: std::str::FromStr>(s: &str, field: &str) -> Result<T, String> {
    s.parse()
        .map_err(|_| format!("{field} is not a number: {s:?}"))
}

#[cfg(test)]
#[path = "snapshot_tests.rs"]
mod tests;
