//! What `top` shows, apart from how it is drawn: the last snapshot of the
//! daemon, the recent events, the selection and the filter. Pure state, so
//! the selection and filter rules are unit-tested.

use std::collections::{HashMap, VecDeque};

use super::clock;
use crate::protocol::{Event, PromptInfo, SessionInfo, StatusInfo};

/// Events kept for the log; older ones scroll away.
const EVENTS_KEPT: usize = 500;

/// The daemon as one set of answers read together.
#[derive(Debug, Clone)]
pub struct Snapshot {
    /// `status`.
    pub status: StatusInfo,
    /// `sessions`.
    pub sessions: Vec<SessionInfo>,
    /// Pending prompts in routing order (highest priority, then oldest).
    pub queue: Vec<PromptInfo>,
    /// The most recent failed prompts, newest first.
    pub failed: Vec<PromptInfo>,
    /// Prompts in a pane (assigned or in progress), by id.
    pub running: HashMap<i64, PromptInfo>,
    /// When it was read, in seconds since the epoch (uptime counts on).
    pub taken_at: i64,
}

/// One selectable row, named by what it shows so that a new snapshot
/// keeps the selection on it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Row {
    /// A session, by pane id.
    Session(String),
    /// A queued or failed prompt, by id.
    Prompt(i64),
}

/// A text shown over the view (`show`, `explain`).
#[derive(Debug, Clone)]
pub struct Overlay {
    /// What it shows.
    pub title: String,
    /// The text, one entry per line.
    pub lines: Vec<String>,
    /// First line shown.
    pub scroll: usize,
}

/// The connection to the daemon.
#[derive(Debug, Clone, PartialEq)]
pub enum Link {
    /// Reading events.
    Up,
    /// Lost, and being opened again.
    Lost(String),
}

/// Everything on screen.
pub struct Model {
    /// The last snapshot.
    pub snap: Snapshot,
    /// Recent events, oldest first.
    pub events: VecDeque<String>,
    /// The selected row.
    pub selected: Option<Row>,
    /// Rows whose text holds this (case-insensitive) are shown.
    pub filter: String,
    /// The filter is being typed.
    pub editing_filter: bool,
    /// A text shown over the view.
    pub overlay: Option<Overlay>,
    /// The status line: the outcome of the last action, `true` for an error.
    pub notice: Option<(String, bool)>,
    /// The connection.
    pub link: Link,
    /// Whether states are coloured (`NO_COLOR` unset).
    pub color: bool,
}

impl Model {
    /// The view of a first snapshot.
    pub fn new(snap: Snapshot, color: bool) -> Self {
        let mut m = Self {
            snap,
            events: VecDeque::new(),
            selected: None,
            filter: String::new(),
            editing_filter: false,
            overlay: None,
            notice: None,
            link: Link::Up,
            color,
        };
        m.selected = m.rows().into_iter().next();
        m
    }

    /// Takes a new snapshot; the selection stays on its row while that
    /// row is shown, and otherwise moves to the row now in its place.
    pub fn apply(&mut self, snap: Snapshot) {
        let before = self.rows();
        let at = self.selected_index(&before);
        self.snap = snap;
        self.reselect(at);
    }

    /// Adds a line to the event log.
    pub fn log(&mut self, line: String) {
        if self.events.len() == EVENTS_KEPT {
            self.events.pop_front();
        }
        self.events.push_back(line);
    }

    /// Adds a `watch` event to the log.
    pub fn event(&mut self, e: &Event) {
        let mut line = format!("{} {}", clock::time_of_day(&e.at), e.kind);
        if let Some(id) = e.id {
            line.push_str(&format!(" {id}"));
        }
        line.push_str(&format!(" {}", e.event));
        if let Some(s) = &e.session {
            line.push_str(&format!(" {s}"));
        }
        if let Some(d) = &e.detail {
            line.push_str(&format!(": {d}"));
        }
        self.log(crate::cli::printable::cell(&line).into_owned());
    }

    fn shows(&self, fields: &[&str]) -> bool {
        let f = self.filter.to_lowercase();
        f.is_empty() || fields.iter().any(|s| s.to_lowercase().contains(&f))
    }

    /// The sessions the filter lets through.
    pub fn sessions(&self) -> Vec<&SessionInfo> {
        let snap = &self.snap;
        snap.sessions
            .iter()
            .filter(|s| {
                let prompt = s.prompt.and_then(|id| snap.running.get(&id));
                self.shows(&[
                    &s.name,
                    &s.pane,
                    &s.provider,
                    s.state.as_str(),
                    s.branch.as_deref().unwrap_or(""),
                    s.working_dir.as_deref().unwrap_or(""),
                    prompt.map_or("", |p| p.preview.as_str()),
                ])
            })
            .collect()
    }

    /// The pending, then the failed prompts the filter lets through.
    pub fn prompts(&self) -> Vec<&PromptInfo> {
        let snap = &self.snap;
        snap.queue
            .iter()
            .chain(&snap.failed)
            .filter(|p| {
                let id = p.id.to_string();
                self.shows(&[
                    &id,
                    p.status.as_str(),
                    &p.preview,
                    p.target.as_deref().unwrap_or(""),
                    p.provider.as_deref().unwrap_or(""),
                    p.waiting_reason.as_deref().unwrap_or(""),
                    p.error.as_deref().unwrap_or(""),
                ])
            })
            .collect()
    }

    /// Every selectable row, top to bottom.
    pub fn rows(&self) -> Vec<Row> {
        let sessions = self.sessions().into_iter();
        let prompts = self.prompts().into_iter();
        sessions
            .map(|s| Row::Session(s.pane.clone()))
            .chain(prompts.map(|p| Row::Prompt(p.id)))
            .collect()
    }

    fn selected_index(&self, rows: &[Row]) -> usize {
        let sel = self.selected.as_ref();
        rows.iter().position(|r| Some(r) == sel).unwrap_or(0)
    }

    fn reselect(&mut self, at: usize) {
        let rows = self.rows();
        if self.selected.as_ref().is_some_and(|s| rows.contains(s)) {
            return;
        }
        self.selected = rows.get(at.min(rows.len().saturating_sub(1))).cloned();
    }

    /// Moves the selection `by` rows, stopping at either end.
    pub fn select(&mut self, by: isize) {
        let rows = self.rows();
        let at = self.selected_index(&rows).saturating_add_signed(by);
        self.selected = rows.get(at.min(rows.len().saturating_sub(1))).cloned();
    }

    /// Changes the filter; the selection stays if still shown.
    pub fn set_filter(&mut self, filter: String) {
        let at = self.selected_index(&self.rows());
        self.filter = filter;
        self.reselect(at);
    }

    /// The selected session.
    pub fn session(&self) -> Option<&SessionInfo> {
        match &self.selected {
            Some(Row::Session(pane)) => self.snap.sessions.iter().find(|s| &s.pane == pane),
            _ => None,
        }
    }

    /// The prompt of the selected row: the row's own, or the one a
    /// selected session has in hand.
    pub fn prompt_id(&self) -> Option<i64> {
        match &self.selected {
            Some(Row::Prompt(id)) => Some(*id),
            Some(Row::Session(_)) => self.session().and_then(|s| s.prompt),
            None => None,
        }
    }

    /// Daemon uptime now.
    pub fn uptime(&self, now: i64) -> i64 {
        let up = i64::try_from(self.snap.status.uptime_secs).unwrap_or(i64::MAX);
        up.saturating_add(now - self.snap.taken_at)
    }

    /// How long the prompt in a session's hand has been there.
    pub fn age(&self, id: i64, now: i64) -> Option<i64> {
        let p = self.snap.running.get(&id)?;
        let since = p.started_at.as_deref().or(p.assigned_at.as_deref())?;
        Some(now - clock::parse(since)?)
    }

    /// Seconds until a figure on screen (uptime, an age) changes.
    pub fn next_change(&self, now: i64) -> i64 {
        let ages = self
            .sessions()
            .into_iter()
            .filter_map(|s| self.age(s.prompt?, now));
        std::iter::once(self.uptime(now))
            .chain(ages)
            .map(clock::until_change)
            .min()
            .unwrap_or(60)
    }
}

#[cfg(test)]
#[path = "model_tests.rs"]
mod tests;
