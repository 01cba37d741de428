//! The compiled profile set: built-ins merged with the config's overrides,
//! regexes compiled once (`provider.rs` chooses among them for a pane).

use std::collections::BTreeMap;

use regex::Regex;

use super::builtin::BUILTIN_PROFILES;
use super::profile_spec::{ProfileOverride, RuleSpec, compile};
use crate::protocol::SessionState;

/// Rules look at this many bottom lines unless the profile says otherwise.
const DEFAULT_TAIL_LINES: usize = 25;

/// How context (cd, env, prerequisites) may be prepared in a pane.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Prepare {
    /// Commands may be typed at the prompt (a shell).
    Shell,
    /// The agent offers no safe way; context cannot be prepared.
    None,
}

/// One compiled state rule.
#[derive(Debug, Clone)]
pub(crate) struct Rule {
    pub name: String,
    pub state: SessionState,
    pub pattern: Matcher,
    pub not: Option<Regex>,
    pub priority: i32,
    pub lines: Option<usize>,
    pub transcript_after: Option<Regex>,
}

#[derive(Debug, Clone)]
pub(crate) enum Matcher {
    Regex(Regex),
    Contains(String),
}

impl Matcher {
    pub fn find<'a>(&self, text: &'a str) -> Option<&'a str> {
        match self {
            Matcher::Regex(re) => re.find(text).map(|m| m.as_str()),
            Matcher::Contains(s) => text.find(s.as_str()).map(|i| &text[i..i + s.len()]),
        }
    }

    /// The byte offset of every match in `text`.
    pub fn starts(&self, text: &str) -> Vec<usize> {
        match self {
            Matcher::Regex(re) => re.find_iter(text).map(|m| m.start()).collect(),
            Matcher::Contains(s) => text.match_indices(s.as_str()).map(|(i, _)| i).collect(),
        }
    }
}

/// One provider's compiled profile.
#[derive(Debug, Clone)]
pub struct Profile {
    /// Provider name (`claude`, `codex`, ...).
    pub name: String,
    pub(super) session_patterns: Vec<Regex>,
    pub(super) commands: Vec<String>,
    pub(super) screen_patterns: Vec<Regex>,
    /// Bottom lines the rules look at.
    pub tail_lines: usize,
    pub(crate) rules: Vec<Rule>,
    pub(crate) composer: Option<Regex>,
    pub(crate) placeholder: Option<Regex>,
    pub(crate) error: Option<Regex>,
    /// How context may be prepared in this provider's panes.
    pub prepare: Prepare,
    /// The pause between paste and Enter its agent needs, if known.
    pub settle_ms: Option<u64>,
}

/// All profiles, ready for classification.
#[derive(Debug, Clone)]
pub struct Profiles {
    pub(super) profiles: BTreeMap<String, Profile>,
}

impl Profiles {
    /// The built-in profiles, with `overrides` (the config's
    /// `[profiles.NAME]` tables) applied. The error names the profile and
    /// the key at fault.
    pub fn new(overrides: &BTreeMap<String, ProfileOverride>) -> Result<Self, String> {
        let mut specs: BTreeMap<String, ProfileOverride> =
            toml::from_str(BUILTIN_PROFILES).map_err(|e| format!("built-in profiles: {e}"))?;
        for (name, over) in overrides {
            over.check().map_err(|e| format!("profiles.{name}: {e}"))?;
            merge(specs.entry(name.clone()).or_default(), over);
        }
        let profiles = specs
            .into_iter()
            .map(|(name, spec)| {
                let p = build(&name, &spec).map_err(|e| format!("profiles.{name}: {e}"))?;
                Ok((name, p))
            })
            .collect::<Result<_, String>>()?;
        Ok(Self { profiles })
    }

    /// Only the built-in profiles.
    pub fn builtin() -> Self {
        Self::new(&BTreeMap::new()).expect("built-in profiles are valid")
    }

    /// The profile of `provider`; unknown providers get the rule-less
    /// `unknown` profile, which classifies everything as unknown.
    pub fn get(&self, provider: &str) -> &Profile {
        self.profiles
            .get(provider)
            .unwrap_or_else(|| &self.profiles["unknown"])
    }

    /// Provider names, sorted.
    pub fn names(&self) -> impl Iterator<Item = &str> {
        self.profiles.keys().map(String::as_str)
    }
}

/// Applies an override: lists are extended, scalars replaced, rules
/// appended (a same-named rule is replaced) unless `replace_rules`.
fn merge(base: &mut ProfileOverride, over: &ProfileOverride) {
    base.session_patterns
        .extend(over.session_patterns.iter().cloned());
    base.commands.extend(over.commands.iter().cloned());
    base.screen_patterns
        .extend(over.screen_patterns.iter().cloned());
    if over.replace_rules {
        base.rules.clear();
    }
    for rule in &over.rules {
        base.rules.retain(|r| r.name != rule.name);
        base.rules.push(rule.clone());
    }
    for (dst, src) in [
        (&mut base.composer, &over.composer),
        (&mut base.placeholder, &over.placeholder),
        (&mut base.error, &over.error),
        (&mut base.prepare, &over.prepare),
    ] {
        if src.is_some() {
            dst.clone_from(src);
        }
    }
    base.tail_lines = over.tail_lines.or(base.tail_lines);
    base.settle_ms = over.settle_ms.or(base.settle_ms);
}

fn build(name: &str, spec: &ProfileOverride) -> Result<Profile, String> {
    spec.check()?;
    let all = |v: &[String]| v.iter().map(|p| compile(p)).collect::<Result<Vec<_>, _>>();
    let mut rules: Vec<Rule> = spec
        .rules
        .iter()
        .map(build_rule)
        .collect::<Result<_, _>>()?;
    // Stable: equal priorities keep their declaration order.
    rules.sort_by_key(|r| std::cmp::Reverse(r.priority));
    Ok(Profile {
        name: name.to_string(),
        session_patterns: all(&spec.session_patterns)?,
        commands: spec.commands.clone(),
        screen_patterns: all(&spec.screen_patterns)?,
        tail_lines: spec.tail_lines.unwrap_or(DEFAULT_TAIL_LINES),
        rules,
        composer: spec.composer.as_deref().map(compile).transpose()?,
        placeholder: spec.placeholder.as_deref().map(compile).transpose()?,
        error: spec.error.as_deref().map(compile).transpose()?,
        prepare: if spec.prepare.as_deref() == Some("shell") {
            Prepare::Shell
        } else {
            Prepare::None
        },
        settle_ms: spec.settle_ms,
    })
}

fn build_rule(spec: &RuleSpec) -> Result<Rule, String> {
    let pattern = match (&spec.regex, &spec.contains) {
        (Some(re), _) => Matcher::Regex(compile(re)?),
        (None, Some(s)) => Matcher::Contains(s.clone()),
        (None, None) => return Err(format!("rules.{}: needs regex or contains", spec.name)),
    };
    Ok(Rule {
        name: spec.name.clone(),
        state: spec.state,
        pattern,
        not: spec.not.as_deref().map(compile).transpose()?,
        priority: spec.effective_priority(),
        lines: spec.lines,
        transcript_after: spec.transcript_after.as_deref().map(compile).transpose()?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builtins_parse_and_cover_the_providers() {
        let p = Profiles::builtin();
        let names: Vec<_> = p.names().collect();
        assert_eq!(
            names,
            [
                "aider", "claude", "codex", "gemini", "ollama", "shell", "unknown"
            ]
        );
        assert_eq!(p.get("shell").prepare, Prepare::Shell);
        assert_eq!(p.get("nope").name, "unknown");
    }

    /// Gemini CLI swallows an Enter that comes within about 100 ms of the
    /// paste (BENCHMARKS.md, "Settle time per agent"); a profile's own
    /// value is replaced by the config's.
    #[test]
    fn each_measured_agent_has_its_settle_time() {
        let p = Profiles::builtin();
        let settle = |name: &str| p.get(name).settle_ms;
        assert_eq!(settle("gemini"), Some(300));
        for fast in ["claude", "codex", "aider"] {
            assert_eq!(settle(fast), Some(50), "{fast}");
        }
        assert_eq!(settle("ollama"), None);
        let over: BTreeMap<String, ProfileOverride> =
            toml::from_str("[gemini]\nsettle_ms = 500\n").unwrap();
        assert_eq!(
            Profiles::new(&over).unwrap().get("gemini").settle_ms,
            Some(500)
        );
    }

    #[test]
    fn overrides_extend_replace_and_add() {
        let mut o = BTreeMap::new();
        let claude: ProfileOverride = toml::from_str(
            "session_patterns = ['^cc-']\ntail_lines = 7\nrules = [{ name = 'claude-esc-to-interrupt', state = 'busy', contains = 'Brewing' }]",
        )
        .unwrap();
        let mine: ProfileOverride = toml::from_str(
            "commands = ['myagent']\nreplace_rules = true\nrules = [{ name = 'ready', state = 'idle', contains = 'READY' }]",
        )
        .unwrap();
        o.insert("claude".to_string(), claude);
        o.insert("mine".to_string(), mine);
        let p = Profiles::new(&o).unwrap();
        assert_eq!(p.provider_for("cc-9", "x", None).0, "claude");
        assert_eq!(p.provider_for("w", "myagent", None).0, "mine");
        let c = p.get("claude");
        assert_eq!(c.tail_lines, 7);
        let esc: Vec<_> = c
            .rules
            .iter()
            .filter(|r| r.name == "claude-esc-to-interrupt")
            .collect();
        assert_eq!(esc.len(), 1);
        assert!(matches!(&esc[0].pattern, Matcher::Contains(s) if s == "Brewing"));
        assert!(c.composer.is_some(), "scalars not given are kept");
    }

    #[test]
    fn bad_override_names_profile() {
        let mut o = BTreeMap::new();
        o.insert(
            "x".to_string(),
            toml::from_str::<ProfileOverride>("screen_patterns = ['(']").unwrap(),
        );
        assert!(
            Profiles::new(&o)
                .unwrap_err()
                .starts_with("profiles.x: screen_patterns")
        );
    }
}
