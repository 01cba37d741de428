//! Provider profiles as data: the shape shared by the built-in profiles
//! (`builtin.rs`) and the config file's `[profiles.NAME]` tables, so a user
//! can tweak a rule or add a provider without a new release.

use regex::Regex;
use serde::Deserialize;

use crate::protocol::SessionState;

/// A `[profiles.NAME]` table of the config file: extends (or, for scalars,
/// replaces) the built-in profile `NAME`, or defines a new provider.
///
/// ```toml
/// [profiles.claude]
/// session_patterns = ["^cc-"]
/// rules = [{ name = "my-busy", state = "busy", contains = "Brewing…" }]
/// ```
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct ProfileOverride {
    /// Regexes over the session name that select this provider (added).
    pub session_patterns: Vec<String>,
    /// Exact `pane_current_command` values that select it (added).
    pub commands: Vec<String>,
    /// Regexes over the screen that identify it when name and command do
    /// not (added).
    pub screen_patterns: Vec<String>,
    /// How many bottom lines of the screen the rules look at.
    pub tail_lines: Option<usize>,
    /// State rules (added to the built-in ones; a rule with the name of an
    /// existing one replaces it).
    pub rules: Vec<RuleSpec>,
    /// Drop the built-in rules before adding `rules`.
    pub replace_rules: bool,
    /// Regex with one capture group that extracts the input box's current
    /// text from a screen line; the bottom-most matching line wins.
    pub composer: Option<String>,
    /// Regex for greyed-out hint text shown in an empty input box (it
    /// counts as empty).
    pub placeholder: Option<String>,
    /// Regex for the line an agent shows when its model API failed the
    /// prompt (`● API Error: …`): a prompt whose answer ends in it fails
    /// with that line as its reason instead of completing.
    pub error: Option<String>,
    /// How context (cd, env, prerequisites) may be prepared: `shell` (type
    /// commands at a shell prompt) or `none`.
    pub prepare: Option<String>,
    /// Milliseconds between the paste and Enter for this agent, unless the
    /// config's `[delivery] settle_ms` says otherwise for every agent; the
    /// built-in values come from measuring each real agent (BENCHMARKS.md).
    pub settle_ms: Option<u64>,
}

/// One state rule: when its pattern is on screen, the pane is in `state`.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RuleSpec {
    /// Shown by `explain` as the deciding rule.
    pub name: String,
    /// `idle`, `busy`, `waiting_approval` or `rate_limited`.
    pub state: SessionState,
    /// Regex (multi-line mode: `^`/`$` match at line ends).
    #[serde(default)]
    pub regex: Option<String>,
    /// Literal substring, instead of `regex`.
    #[serde(default)]
    pub contains: Option<String>,
    /// Regex that vetoes the rule when it matches the same region.
    #[serde(default)]
    pub not: Option<String>,
    /// Higher is tried first. Default by state: waiting_approval 40,
    /// rate_limited 30, busy 20, idle 10.
    #[serde(default)]
    pub priority: Option<i32>,
    /// Look only at this many bottom lines of the tail.
    #[serde(default)]
    pub lines: Option<usize>,
    /// Look only at the transcript after the last line matching this regex
    /// and above the input box: what the agent printed since the last
    /// prompt it echoed. The rule does not apply when no such line shows,
    /// or no input box. For an agent that shows no busy marker while its
    /// answer streams, but ends every answer with a marker of its own
    /// (`regex = '\S'` with `not` = that end marker).
    #[serde(default)]
    pub transcript_after: Option<String>,
}

/// Largest `tail_lines` accepted: rules are about the live bottom of the
/// screen, never deep scrollback.
pub const MAX_TAIL_LINES: usize = 500;

impl ProfileOverride {
    /// Checks every regex compiles and every value is in range; the error
    /// names the offending key.
    pub fn check(&self) -> Result<(), String> {
        for (key, list) in [
            ("session_patterns", &self.session_patterns),
            ("screen_patterns", &self.screen_patterns),
        ] {
            for p in list {
                compile(p).map_err(|e| format!("{key}: {e}"))?;
            }
        }
        if let Some(n) = self.tail_lines {
            if n == 0 || n > MAX_TAIL_LINES {
                return Err(format!(
                    "tail_lines: {n} is not within 1..={MAX_TAIL_LINES}"
                ));
            }
        }
        if let Some(c) = &self.composer {
            let re = compile(c).map_err(|e| format!("composer: {e}"))?;
            if re.captures_len() != 2 {
                return Err(format!(
                    "composer: {c:?} must have exactly one capture group"
                ));
            }
        }
        if let Some(p) = &self.placeholder {
            compile(p).map_err(|e| format!("placeholder: {e}"))?;
        }
        if let Some(p) = &self.error {
            compile(p).map_err(|e| format!("error: {e}"))?;
        }
        if let Some(p) = &self.prepare {
            if p != "shell" && p != "none" {
                return Err(format!("prepare: {p:?} is not one of: shell, none"));
            }
        }
        for r in &self.rules {
            r.check().map_err(|e| format!("rules.{}: {e}", r.name))?;
        }
        Ok(())
    }
}

impl RuleSpec {
    fn check(&self) -> Result<(), String> {
        if self.name.is_empty() {
            return Err("name must not be empty".into());
        }
        if let Some(re) = &self.transcript_after {
            compile(re).map_err(|e| format!("transcript_after: {e}"))?;
        }
        if matches!(self.state, SessionState::Unknown | SessionState::Gone) {
            return Err(format!(
                "state {} cannot be detected by a rule (use idle, busy, waiting_approval or rate_limited)",
                self.state
            ));
        }
        match (&self.regex, &self.contains) {
            (Some(r), None) => drop(compile(r).map_err(|e| format!("regex: {e}"))?),
            (None, Some(c)) if !c.is_empty() => {}
            _ => return Err("needs exactly one of regex or contains (non-empty)".into()),
        }
        if let Some(n) = &self.not {
            compile(n).map_err(|e| format!("not: {e}"))?;
        }
        if self.lines == Some(0) {
            return Err("lines must be at least 1".into());
        }
        Ok(())
    }

    /// The effective priority.
    pub fn effective_priority(&self) -> i32 {
        self.priority.unwrap_or(match self.state {
            SessionState::WaitingApproval => 40,
            SessionState::RateLimited => 30,
            SessionState::Busy => 20,
            _ => 10,
        })
    }
}

/// Compiles a profile regex: multi-line mode, so `^`/`$` anchor at lines.
pub(crate) fn compile(pattern: &str) -> Result<Regex, String> {
    regex::RegexBuilder::new(pattern)
        .multi_line(true)
        .build()
        .map_err(|e| format!("bad regex {pattern:?}: {e}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<ProfileOverride, String> {
        toml::from_str::<ProfileOverride>(text).map_err(|e| e.to_string())
    }

    #[test]
    fn parses_a_full_table() {
        let p = parse(
            r#"
            session_patterns = ["^cc-"]
            commands = ["claude"]
            screen_patterns = ["Claude Code"]
            tail_lines = 30
            replace_rules = true
            composer = '^> (.*)$'
            placeholder = '^Try '
            prepare = "none"
            rules = [{ name = "b", state = "busy", contains = "esc to interrupt", not = "x", priority = 5, lines = 3 }]
            "#,
        )
        .unwrap();
        assert_eq!(p.check(), Ok(()));
        assert_eq!(p.rules[0].state, SessionState::Busy);
        assert_eq!(p.rules[0].effective_priority(), 5);
    }

    #[test]
    fn unknown_keys_are_refused() {
        assert!(
            parse("session_names = []")
                .unwrap_err()
                .contains("session_names")
        );
        assert!(
            parse("rules = [{ name = 'a', state = 'idle', contains = 'x', colour = 1 }]").is_err()
        );
    }

    #[test]
    fn check_names_the_bad_value() {
        let bad = |t: &str| parse(t).unwrap().check().unwrap_err();
        assert!(bad("session_patterns = ['(']").starts_with("session_patterns: bad regex"));
        assert!(bad("composer = '^> .*$'").contains("one capture group"));
        assert!(bad("tail_lines = 0").starts_with("tail_lines"));
        assert!(bad("prepare = 'ssh'").starts_with("prepare"));
        assert!(
            bad("rules = [{ name = 'r', state = 'gone', contains = 'x' }]")
                .starts_with("rules.r: state gone")
        );
        assert!(bad("rules = [{ name = 'r', state = 'busy' }]").contains("exactly one"));
        assert!(
            bad("rules = [{ name = 'r', state = 'busy', regex = 'a', contains = 'b' }]")
                .contains("exactly one")
        );
        assert!(
            bad("rules = [{ name = 'r', state = 'busy', regex = '[' }]")
                .starts_with("rules.r: regex: bad regex")
        );
    }
}
