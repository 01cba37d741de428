//! Screen classification: which state the bottom of a pane shows, which
//! rule decided it, and what the input box holds. Pure functions over
//! captured text, so every real-UI screen can be pinned in a unit test.

use super::echo::SentText;
use super::profile_set::{Profile, Profiles};
use crate::protocol::SessionState;

/// The outcome of classifying one screen.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Verdict {
    /// The state shown.
    pub state: SessionState,
    /// The rule that decided it (`None`: nothing matched, state unknown).
    pub rule: Option<String>,
    /// Every rule that matched, highest priority first, for `explain`.
    pub matched: Vec<String>,
    /// The screen lines the deciding rule matched, for `explain`.
    pub lines: Vec<String>,
}

impl Verdict {
    /// No rule matched.
    pub fn unknown() -> Self {
        Self {
            state: SessionState::Unknown,
            rule: None,
            matched: Vec::new(),
            lines: Vec::new(),
        }
    }
}

/// The bottom `n` lines of `screen` after trailing blank lines are dropped
/// (agents leave empty rows below their UI on a tall pane).
pub fn tail(screen: &str, n: usize) -> Vec<&str> {
    let lines: Vec<&str> = screen.lines().map(str::trim_end).collect();
    let end = lines
        .iter()
        .rposition(|l| !l.is_empty())
        .map_or(0, |i| i + 1);
    lines[end.saturating_sub(n)..end].to_vec()
}

impl Profiles {
    /// Classifies `screen` (a capture of the pane) with `provider`'s rules,
    /// looking only at the bottom `tail_lines` lines. Rules are tried by
    /// priority; the first that matches (and whose `not` does not) decides.
    pub fn classify(&self, provider: &str, screen: &str) -> Verdict {
        classify_with(self.get(provider), screen, &[])
    }

    /// Like [`classify`](Self::classify), for a pane that was sent the
    /// prompts `sent`: an agent echoes a prompt in its input box and its
    /// transcript, and a prompt about "rate limits" or "Do you want to
    /// proceed?" must not make its pane look rate limited or stuck in a
    /// dialog. Lines that are part of a sent prompt count for the idle rules
    /// (the input box) only.
    pub fn classify_sent(&self, provider: &str, screen: &str, sent: &[SentText]) -> Verdict {
        classify_with(self.get(provider), screen, sent)
    }

    /// Whether a rule for `state` matched too, whatever decided: a limit
    /// banner (or "rate limit" quoted in the output) under a working marker
    /// that is still up does not mean the agent stopped.
    pub fn also_matched(&self, provider: &str, verdict: &Verdict, state: SessionState) -> bool {
        let rules = &self.get(provider).rules;
        verdict
            .matched
            .iter()
            .any(|name| rules.iter().any(|r| r.name == *name && r.state == state))
    }

    /// The text currently in the input box: `Some("")` when the box is
    /// visible and empty (or shows only placeholder hint text), `None` when
    /// no input box is visible. Used before pasting (it must be empty) and
    /// after Enter (the text must have left it).
    pub fn composer_text(&self, provider: &str, screen: &str) -> Option<String> {
        let profile = self.get(provider);
        let re = profile.composer.as_ref()?;
        let lines = tail(screen, profile.tail_lines);
        let text = lines
            .iter()
            .rev()
            .find_map(|l| re.captures(l))?
            .get(1)
            .map_or("", |m| m.as_str());
        let text = text.trim_end();
        match &profile.placeholder {
            Some(ph) if ph.is_match(text) => Some(String::new()),
            _ => Some(text.to_string()),
        }
    }
}

fn classify_with(profile: &Profile, screen: &str, sent: &[SentText]) -> Verdict {
    let lines = tail(screen, profile.tail_lines);
    let quiet = super::echo::quiet(&lines, sent);
    let input_box = input_box_line(profile, &lines);
    let mut verdict = Verdict::unknown();
    for rule in &profile.rules {
        let seen = if rule.state == SessionState::Idle {
            &lines
        } else {
            &quiet
        };
        let mut from = match rule.lines {
            Some(n) => lines.len().saturating_sub(n),
            None => 0,
        };
        // A dialog replaces the input box: a dialog phrase above an input
        // box is transcript (an answered dialog, an answer quoting one) and
        // decides nothing.
        if rule.state == SessionState::WaitingApproval
            && let Some(at) = input_box
        {
            from = from.max(at + 1);
        }
        let mut to = lines.len();
        if let Some(after) = &rule.transcript_after {
            // The line sought is the echo of a prompt, which `quiet` blanks
            // when the prompt was ours: look for it on the screen as shown.
            let Some(at) = input_box else { continue };
            let Some(echo) = lines[..at].iter().rposition(|l| after.is_match(l)) else {
                continue;
            };
            (from, to) = (echo + 1, at);
        }
        let region = &seen[from.min(to)..to];
        let joined = region.join("\n");
        let Some(hit) = rule.pattern.find(&joined) else {
            continue;
        };
        if rule.not.as_ref().is_some_and(|not| not.is_match(&joined)) {
            continue;
        }
        if verdict.rule.is_none() {
            verdict.state = rule.state;
            verdict.rule = Some(rule.name.clone());
            let start = hit.as_ptr() as usize - joined.as_ptr() as usize;
            verdict.lines = lines_of(region, start, start + hit.len());
        }
        verdict.matched.push(rule.name.clone());
    }
    verdict
}

/// The bottom-most line where an idle rule sees the input box, leaving out
/// lines that a dialog rule matches on their own (Codex draws its dialog's
/// selected option with the composer's `›`).
fn input_box_line(profile: &Profile, lines: &[&str]) -> Option<usize> {
    let dialog_line = |line: &str| {
        profile
            .rules
            .iter()
            .any(|r| r.state == SessionState::WaitingApproval && r.pattern.find(line).is_some())
    };
    let mut found = None;
    for rule in profile
        .rules
        .iter()
        .filter(|r| r.state == SessionState::Idle)
    {
        let from = rule.lines.map_or(0, |n| lines.len().saturating_sub(n));
        let joined = lines[from..].join("\n");
        for start in rule.pattern.starts(&joined) {
            let at = from + joined[..start].matches('\n').count();
            if !dialog_line(lines[at]) {
                found = found.max(Some(at));
            }
        }
    }
    found
}

/// The lines of `region` (joined with `\n`) that the byte span touches.
fn lines_of(region: &[&str], start: usize, end: usize) -> Vec<String> {
    let mut out = Vec::new();
    let mut offset = 0;
    for line in region {
        let line_end = offset + line.len();
        if line_end >= start && offset <= end.max(start) {
            out.push((*line).to_owned());
        }
        offset = line_end + 1;
    }
    out
}

#[cfg(test)]
#[path = "classify_tests.rs"]
mod tests;
