//! A tmux server in memory for the engine's in-process tests: each pane
//! runs a scripted stand-in for an agent, drawn as Claude Code draws its
//! screen (the built-in `claude` profile reads it), and every paste and key
//! is logged. What the agent does with a paste, an Enter, C-u or Escape is
//! scripted per pane ([`Agent`]); a test changes a pane's state between
//! steps through [`FakeTmux::with`].

use std::collections::BTreeMap;
use std::sync::{Mutex, MutexGuard, PoisonError};

use crate::tmux::{Glance, IoFuture, Pane, PaneIo, Snapshot, TmuxError};

/// One thing typed into a pane.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Typed {
    Paste(String, String),
    Keys(String, Vec<String>),
}

impl Typed {
    /// Whether this went to `pane`.
    pub(super) fn is_for(&self, pane: &str) -> bool {
        match self {
            Self::Paste(p, _) | Self::Keys(p, _) => p == pane,
        }
    }
}

/// What the agent in a pane does with an Enter.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum OnEnter {
    /// Takes the input box's text: it shows in the transcript and the
    /// agent goes to work.
    Submit,
    /// Nothing: the text stays in the box.
    Ignore,
}

/// The scripted agent in one pane.
#[derive(Debug, Clone)]
pub(super) struct Agent {
    pub(super) pane: Pane,
    /// What was written above the input box.
    pub(super) transcript: Vec<String>,
    /// The input box's text.
    pub(super) input: String,
    /// At work: the screen shows Claude Code's busy line.
    pub(super) busy: bool,
    pub(super) on_enter: OnEnter,
    /// A paste shows in the input box (off: the agent draws none of it).
    pub(super) shows_paste: bool,
    /// C-u empties the input box.
    pub(super) clears: bool,
    /// Escape stops the agent at work.
    pub(super) stops: bool,
}

impl Agent {
    /// An idle agent with an empty input box in session `session`.
    pub(super) fn idle(id: &str, session: &str) -> Self {
        Self {
            pane: Pane {
                id: id.into(),
                session: session.into(),
                session_panes: 1,
                pid: std::process::id(),
                command: "claude".into(),
                height: 30,
                width: 80,
                ..Pane::default()
            },
            transcript: vec!["✻ Welcome to Claude Code".into()],
            input: String::new(),
            busy: false,
            on_enter: OnEnter::Submit,
            shows_paste: true,
            clears: true,
            stops: true,
        }
    }

    /// The agent is done with its prompt and writes `answer`.
    pub(super) fn answer(&mut self, answer: &str) {
        self.busy = false;
        self.transcript.push(format!("⏺ {answer}"));
    }

    fn screen(&self) -> String {
        let rule = "─".repeat(46);
        let mut lines = self.transcript.clone();
        lines.push(String::new());
        if self.busy {
            lines.push("✻ Pondering… (3s · ↑ 1.2k tokens · esc to interrupt)".into());
            lines.push(String::new());
        }
        lines.push(format!("╭{rule}╮"));
        lines.push(format!("│ > {:<43}│", self.input));
        lines.push(format!("╰{rule}╯"));
        lines.push("  ? for shortcuts".into());
        lines.join("\n")
    }

    fn key(&mut self, key: &str) {
        match key {
            "Enter" if self.on_enter == OnEnter::Submit && !self.input.is_empty() => {
                self.transcript.push(format!("> {}", self.input));
                self.input.clear();
                self.busy = true;
            }
            "C-u" if self.clears => self.input.clear(),
            "Escape" if self.stops => self.busy = false,
            _ => {}
        }
    }
}

/// The server: its panes and what was typed into them.
#[derive(Default)]
pub(super) struct FakeTmux {
    world: Mutex<World>,
}

#[derive(Default)]
struct World {
    panes: BTreeMap<String, Agent>,
    typed: Vec<Typed>,
}

impl FakeTmux {
    /// A server running `agents`.
    pub(super) fn new(agents: impl IntoIterator<Item = Agent>) -> Self {
        let panes = agents.into_iter().map(|a| (a.pane.id.clone(), a)).collect();
        Self {
            world: Mutex::new(World {
                panes,
                typed: Vec::new(),
            }),
        }
    }

    fn world(&self) -> MutexGuard<'_, World> {
        self.world.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Changes the agent in `pane`, as its program would.
    pub(super) fn with<T>(&self, pane: &str, f: impl FnOnce(&mut Agent) -> T) -> T {
        f(self
            .world()
            .panes
            .get_mut(pane)
            .expect("a pane of the test"))
    }

    /// The pane closes.
    pub(super) fn remove(&self, pane: &str) {
        self.world().panes.remove(pane);
    }

    /// Everything typed so far, in order.
    pub(super) fn typed(&self) -> Vec<Typed> {
        self.world().typed.clone()
    }

    /// The texts pasted into `pane`.
    pub(super) fn pastes(&self, pane: &str) -> Vec<String> {
        self.typed()
            .into_iter()
            .filter_map(|t| match t {
                Typed::Paste(p, text) if p == pane => Some(text),
                _ => None,
            })
            .collect()
    }

    /// The keys pressed in `pane`, one by one.
    pub(super) fn keys(&self, pane: &str) -> Vec<String> {
        self.typed()
            .into_iter()
            .filter_map(|t| match t {
                Typed::Keys(p, keys) if p == pane => Some(keys),
                _ => None,
            })
            .flatten()
            .collect()
    }

    fn read(&self, pane: &str) -> Result<String, TmuxError> {
        self.world()
            .panes
            .get(pane)
            .map(Agent::screen)
            .ok_or_else(|| TmuxError::PaneGone { pane: pane.into() })
    }

    fn act(&self, pane: &str, typed: Typed) -> Result<(), TmuxError> {
        let mut world = self.world();
        let agent = world
            .panes
            .get_mut(pane)
            .ok_or_else(|| TmuxError::PaneGone { pane: pane.into() })?;
        match &typed {
            Typed::Paste(_, text) if agent.shows_paste => agent.input.push_str(text),
            Typed::Paste(..) => {}
            Typed::Keys(_, keys) => keys.iter().for_each(|k| agent.key(k)),
        }
        world.typed.push(typed);
        Ok(())
    }
}

impl FakeTmux {
    /// Every pane, as a listing shows them.
    fn listing(&self) -> Snapshot {
        let panes = self
            .world()
            .panes
            .values()
            .map(|a| a.pane.clone())
            .collect();
        Snapshot {
            server_pid: std::process::id(),
            panes,
        }
    }
}

/// The bottom `lines` lines of `screen`.
fn bottom(screen: &str, lines: usize) -> String {
    let all: Vec<&str> = screen.lines().collect();
    all[all.len().saturating_sub(lines)..].join("\n")
}

impl PaneIo for FakeTmux {
    fn snapshot(&self) -> IoFuture<'_, Snapshot> {
        Box::pin(std::future::ready(Ok(self.listing())))
    }

    fn pane<'a>(&'a self, pane: &'a str) -> IoFuture<'a, Option<Pane>> {
        let found = self.listing().panes.into_iter().find(|p| p.id == pane);
        Box::pin(std::future::ready(Ok(found)))
    }

    fn glance(&self) -> IoFuture<'_, Glance> {
        let listing = self.listing();
        Box::pin(std::future::ready(Ok(Glance::of(&listing))))
    }

    fn snapshot_since(&self, secs: u64) -> IoFuture<'_, Snapshot> {
        let mut listing = self.listing();
        listing.panes.retain(|p| p.activity >= secs);
        Box::pin(std::future::ready(Ok(listing)))
    }

    fn capture<'a>(&'a self, pane: &'a str, lines: usize) -> IoFuture<'a, String> {
        Box::pin(std::future::ready(
            self.read(pane).map(|s| bottom(&s, lines)),
        ))
    }

    fn capture_joined<'a>(&'a self, pane: &'a str, lines: usize) -> IoFuture<'a, String> {
        self.capture(pane, lines)
    }

    fn capture_since<'a>(&'a self, pane: &'a str, history_mark: u64) -> IoFuture<'a, String> {
        let skip = usize::try_from(history_mark).unwrap_or(usize::MAX);
        let since = self
            .read(pane)
            .map(|s| s.lines().skip(skip).collect::<Vec<_>>().join("\n"));
        Box::pin(std::future::ready(since))
    }

    fn paste<'a>(&'a self, pane: &'a str, text: &'a str) -> IoFuture<'a, ()> {
        let typed = Typed::Paste(pane.into(), text.into());
        Box::pin(std::future::ready(self.act(pane, typed)))
    }

    fn send_keys<'a>(&'a self, pane: &'a str, keys: &'a [&'a str]) -> IoFuture<'a, ()> {
        let keys = keys.iter().map(|k| (*k).to_owned()).collect();
        Box::pin(std::future::ready(
            self.act(pane, Typed::Keys(pane.into(), keys)),
        ))
    }

    fn control_mode(&self) -> bool {
        false
    }

    fn events_live(&self) -> bool {
        false
    }

    fn structure_reports(&self) -> u64 {
        0
    }
}
