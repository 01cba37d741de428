//! Routing: which pane, if any, should receive a pending prompt. Pure logic
//! over a description of the panes, so every rule is unit-tested.
//!
//! Order of the rules (DESIGN §3): target session, required provider,
//! preferred providers, fallback providers, allow-fallback; among equals, a
//! pane in the prompt's working dir and branch first, a pane other than the
//! one the prompt last failed on, then the pane that waited longest.

use std::time::Instant;

use crate::protocol::{PromptInfo, SessionState};

/// One pane as routing sees it.
#[derive(Debug, Clone)]
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
}

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

/// Picks the pane for `prompt`, or says why it must wait.
pub fn route(
    prompt: &PromptInfo,
    panes: &[Candidate],
    last_pane: Option<&str>,
) -> Result<String, Wait> {
    let usable: Vec<&Candidate> = panes.iter().filter(|c| !c.excluded).collect();
    if let Some(target) = prompt.target.as_deref() {
        let matching: Vec<&Candidate> = usable
            .iter()
            .copied()
            .filter(|c| matches_target(c, target))
            .collect();
        if matching.is_empty() {
            if panes.iter().any(|c| matches_target(c, target)) {
                return Err(Wait::Busy(format!(
                    "target session '{target}' is excluded from assignment by the config"
                )));
            }
            return Err(Wait::TargetMissing(target.to_owned()));
        }
        return best(prompt, &matching, last_pane).ok_or_else(|| {
            let doing = match matching[0].state {
                SessionState::Idle => "is taking another prompt".to_owned(),
                state => format!("is {state}"),
            };
            Wait::Busy(format!("target session '{target}' {doing}"))
        });
    }
    for tier in provider_tiers(prompt) {
        let in_tier: Vec<&Candidate> = usable
            .iter()
            .copied()
            .filter(|c| match &tier {
                Tier::Named(p) => c.provider == *p,
                Tier::AnyAgent => !NOT_AGENTS.contains(&c.provider.as_str()),
            })
            .collect();
        if let Some(pane) = best(prompt, &in_tier, last_pane) {
            return Ok(pane);
        }
    }
    Err(Wait::Busy(describe_wait(prompt)))
}

enum Tier {
    Named(String),
    AnyAgent,
}

/// The provider tiers to try, in order.
fn provider_tiers(p: &PromptInfo) -> Vec<Tier> {
    let mut tiers = Vec::new();
    if let Some(required) = &p.provider {
        tiers.push(Tier::Named(required.clone()));
    }
    tiers.extend(p.providers.iter().cloned().map(Tier::Named));
    let named = !tiers.is_empty();
    tiers.extend(p.fallback.iter().cloned().map(Tier::Named));
    if !named && p.fallback.is_empty() || p.allow_fallback {
        tiers.push(Tier::AnyAgent);
    }
    tiers
}

fn describe_wait(p: &PromptInfo) -> String {
    let mut names: Vec<&str> = p.provider.iter().map(String::as_str).collect();
    names.extend(p.providers.iter().map(String::as_str));
    names.extend(p.fallback.iter().map(String::as_str));
    if names.is_empty() || p.allow_fallback {
        "waiting for an idle agent session".into()
    } else {
        format!("waiting for an idle {} session", names.join(" or "))
    }
}

/// The best available pane among `pool`.
fn best(prompt: &PromptInfo, pool: &[&Candidate], last_pane: Option<&str>) -> Option<String> {
    pool.iter()
        .filter(|c| c.available)
        .max_by_key(|c| {
            let dir = prompt.working_dir.is_some() && c.working_dir == prompt.working_dir;
            let branch = prompt.branch.is_some() && c.branch == prompt.branch;
            let fresh = last_pane != Some(c.pane.as_str());
            // Longest-waiting first: never-used panes sort as oldest.
            let waited = std::cmp::Reverse(c.last_assigned);
            (
                dir,
                branch,
                fresh,
                waited,
                std::cmp::Reverse(c.pane.clone()),
            )
        })
        .map(|c| c.pane.clone())
}

#[cfg(test)]
mod tests;
