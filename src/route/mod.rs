//! Routing: which pane, if any, should receive a pending prompt. Pure logic
//! over a description of the panes, so every rule is unit-tested.
//!
//! Order of the rules (assignerctl(1), "Routing"): target session, required
//! provider, preferred providers, fallback providers, allow-fallback; among
//! equals, a pane in the prompt's working dir and branch first, then the
//! pane that waited longest.
//!
//! Fallback providers come *after* the primary ones (`provider`,
//! `providers`). A prompt that names fallbacks but no primary provider has
//! no provider constraint: the fallback list only orders the choice, and
//! any agent may take it. That is how the original worker read such
//! prompts, and `import-legacy` relies on it.
//!
//! A retry goes to another session than the one it last failed on whenever
//! the prompt could go anywhere else at all, even if that means waiting for
//! a busy or rate-limited session: the same agent failing the same prompt
//! twice is the likelier outcome. Only when no other session matches does
//! the retry go back to the pane it failed on.

use std::time::Instant;

use crate::model::{Queued, Routing};
use crate::protocol::SessionState;

/// One pane as routing sees it.
#[derive(Debug, Clone, PartialEq)]
pub struct Candidate {
    /// Pane id.
    pub pane: String,
    /// tmux session name.
    pub session: String,
    /// Display name (`name` or `name:w.p`).
    pub name: String,
    /// Detected provider.
    pub provider: String,
    /// Confirmed idle and free (no delivery or prompt in flight).
    pub available: bool,
    /// Why the pane, though available, was found unfit when it was about to
    /// receive a prompt (`has unsent text in its input box`): routing
    /// passes it over until the engine releases it.
    pub set_aside: Option<String>,
    /// Its state, to say why a target is not available.
    pub state: SessionState,
    /// Excluded by the config.
    pub excluded: bool,
    /// Working directory.
    pub working_dir: Option<String>,
    /// Git branch.
    pub branch: Option<String>,
    /// When it last received a prompt.
    pub last_assigned: Option<Instant>,
    /// A shell: without bracketed paste (which a shell may have turned
    /// off) it runs each line of a paste as the line arrives, before Enter.
    pub line_by_line: bool,
}

/// Why a multi-line prompt does not go to a [`Candidate::line_by_line`] pane.
const LINE_BY_LINE: &str = "is a shell, which may run each line of a multi-line prompt \
     as it is pasted: shell panes take single-line prompts only";

/// Providers never chosen for a prompt that names no provider or target: a
/// plain shell would run the prompt as a command.
const NOT_AGENTS: [&str; 2] = ["shell", "unknown"];

/// Why a prompt cannot go out now.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Wait {
    /// The target session does not exist at all (may fail after a while).
    TargetMissing(String),
    /// Something exists but nothing suitable is idle; the reason says what.
    Busy(String),
}

impl Wait {
    /// The reason shown to people.
    pub fn reason(&self) -> String {
        match self {
            Self::TargetMissing(t) => format!("target session '{t}' not found in tmux"),
            Self::Busy(why) => why.clone(),
        }
    }
}

/// Whether `c` is the session a target names: exact session name, display
/// name or pane id. Never a prefix: `dev` does not match `dev2`.
pub fn matches_target(c: &Candidate, target: &str) -> bool {
    c.session == target || c.name == target || c.pane == target
}

/// Picks the pane for `prompt`, or says why it must wait. `last_pane`: the
/// pane the prompt last failed on.
pub fn route(
    prompt: &Queued,
    panes: &[Candidate],
    last_pane: Option<&str>,
) -> Result<String, Wait> {
    let (multi_line, routing) = (prompt.multi_line, &prompt.routing);
    let unfit = |c: &&Candidate| !c.excluded && multi_line && c.line_by_line;
    let usable: Vec<&Candidate> = panes.iter().filter(|c| !c.excluded && !unfit(c)).collect();
    if let Some(target) = routing.target.as_deref() {
        let matching: Vec<&Candidate> = usable
            .iter()
            .copied()
            .filter(|c| matches_target(c, target))
            .collect();
        if matching.is_empty() {
            if panes.iter().any(|c| matches_target(c, target) && unfit(&c)) {
                return Err(Wait::Busy(format!(
                    "target session '{target}' {LINE_BY_LINE}"
                )));
            }
            if panes.iter().any(|c| matches_target(c, target)) {
                return Err(Wait::Busy(format!(
                    "target session '{target}' is excluded from assignment by the config"
                )));
            }
            return Err(Wait::TargetMissing(target.to_owned()));
        }
        let avoid = avoided(last_pane, &matching);
        return best(routing, &matching, avoid).ok_or_else(|| {
            if let Some(why) = aside(&matching, avoid).and_then(|c| c.set_aside.as_deref()) {
                return Wait::Busy(format!("target session '{target}' {why}"));
            }
            let shown = matching
                .iter()
                .find(|c| Some(c.pane.as_str()) != avoid)
                .unwrap_or(&matching[0]);
            let doing = match shown.state {
                SessionState::Idle => "is taking another prompt".to_owned(),
                state => format!("is {state}"),
            };
            Wait::Busy(format!(
                "target session '{target}' {doing}{}",
                retry_note(&matching, avoid)
            ))
        });
    }
    let tiers: Vec<Vec<&Candidate>> = provider_tiers(routing)
        .iter()
        .map(|tier| {
            usable
                .iter()
                .copied()
                .filter(|c| match tier {
                    Tier::Named(p) => c.provider == *p,
                    Tier::AnyAgent => !NOT_AGENTS.contains(&c.provider.as_str()),
                })
                .collect()
        })
        .collect();
    let all: Vec<&Candidate> = tiers.iter().flatten().copied().collect();
    let avoid = avoided(last_pane, &all);
    for in_tier in &tiers {
        if let Some(pane) = best(routing, in_tier, avoid) {
            return Ok(pane);
        }
    }
    if let Some(c) = aside(&all, avoid) {
        let why = c.set_aside.as_deref().unwrap_or_default();
        return Err(Wait::Busy(format!("{} {why}", c.name)));
    }
    let named = |c: &&Candidate| {
        provider_tiers(routing)
            .iter()
            .any(|t| matches!(t, Tier::Named(p) if *p == c.provider))
    };
    if let Some(c) = panes.iter().find(|c| unfit(c) && named(c)) {
        return Err(Wait::Busy(format!("{} {LINE_BY_LINE}", c.name)));
    }
    Err(Wait::Busy(format!(
        "{}{}",
        describe_wait(routing),
        retry_note(&all, avoid)
    )))
}

/// A pane the prompt could otherwise have had but that was set aside: its
/// reason is more use to a person than "waiting for an idle session" while
/// that pane looks idle.
fn aside<'a>(pool: &[&'a Candidate], avoid: Option<&str>) -> Option<&'a Candidate> {
    pool.iter()
        .copied()
        .find(|c| c.available && c.set_aside.is_some() && Some(c.pane.as_str()) != avoid)
}

/// The pane to keep a retry away from: the one it last failed on, as long
/// as another session in `pool` can take it now or is working and will be
/// free. One waiting for a human, at a usage limit, unreadable or set aside
/// may stay so for hours; the retry does not wait on it.
fn avoided<'a>(last_pane: Option<&'a str>, pool: &[&Candidate]) -> Option<&'a str> {
    last_pane.filter(|last| {
        pool.iter().any(|c| {
            c.pane != *last
                && c.set_aside.is_none()
                && (c.available || c.state == SessionState::Busy)
        })
    })
}

/// Says so when the retry waits although the pane it failed on is free.
fn retry_note(pool: &[&Candidate], avoid: Option<&str>) -> String {
    pool.iter()
        .find(|c| c.available && Some(c.pane.as_str()) == avoid)
        .map(|c| format!(" (a retry avoids {}, where it last failed)", c.name))
        .unwrap_or_default()
}

enum Tier {
    Named(String),
    AnyAgent,
}

/// The provider tiers to try, in order.
fn provider_tiers(p: &Routing) -> Vec<Tier> {
    let mut tiers = Vec::new();
    if let Some(required) = &p.provider {
        tiers.push(Tier::Named(required.clone()));
    }
    tiers.extend(p.providers.iter().cloned().map(Tier::Named));
    let primary = !tiers.is_empty();
    tiers.extend(p.fallback.iter().cloned().map(Tier::Named));
    if !primary || p.allow_fallback {
        tiers.push(Tier::AnyAgent);
    }
    tiers
}

/// Why no session among `panes` could ever take `prompt`, whatever their
/// state: its target is not among them, or none runs a provider it
/// accepts. `None` when one could, or when any agent may take it. Shown by
/// `cleanup` and counted by `status`, so a prompt that would wait for ever
/// is visible.
pub fn unreachable(prompt: &Routing, panes: &[Candidate]) -> Option<String> {
    let usable = || panes.iter().filter(|c| !c.excluded);
    if let Some(target) = prompt.target.as_deref() {
        if usable().any(|c| matches_target(c, target)) {
            return None;
        }
        return Some(if panes.iter().any(|c| matches_target(c, target)) {
            format!("its target session '{target}' is excluded from assignment by the config")
        } else {
            format!("its target session '{target}' is not tracked")
        });
    }
    let mut names = Vec::new();
    for tier in provider_tiers(prompt) {
        match tier {
            Tier::AnyAgent => return None,
            Tier::Named(p) if usable().any(|c| c.provider == p) => return None,
            Tier::Named(p) => names.push(p),
        }
    }
    Some(format!("no tracked session runs {}", names.join(" or ")))
}

fn describe_wait(p: &Routing) -> String {
    let mut names: Vec<&str> = p.provider.iter().map(String::as_str).collect();
    names.extend(p.providers.iter().map(String::as_str));
    let primary = !names.is_empty();
    names.extend(p.fallback.iter().map(String::as_str));
    if !primary || p.allow_fallback {
        "waiting for an idle agent session".into()
    } else {
        format!("waiting for an idle {} session", names.join(" or "))
    }
}

/// The best available pane among `pool`, other than `avoid`.
fn best(prompt: &Routing, pool: &[&Candidate], avoid: Option<&str>) -> Option<String> {
    pool.iter()
        .filter(|c| c.available && c.set_aside.is_none() && Some(c.pane.as_str()) != avoid)
        .max_by_key(|c| {
            let dir = prompt.working_dir.is_some() && c.working_dir == prompt.working_dir;
            let branch = prompt.branch.is_some() && c.branch == prompt.branch;
            // Longest-waiting first: never-used panes sort as oldest.
            let waited = std::cmp::Reverse(c.last_assigned);
            (dir, branch, waited, std::cmp::Reverse(c.pane.clone()))
        })
        .map(|c| c.pane.clone())
}

#[cfg(test)]
mod tests;
