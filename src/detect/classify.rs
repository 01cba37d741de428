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
mod tests {
    use super::*;
    use SessionState::*;

    fn state(provider: &str, screen: &str) -> (SessionState, Option<String>) {
        let v = Profiles::builtin().classify(provider, screen);
        (v.state, v.rule)
    }

    const CLAUDE_IDLE: &str = "\
⏺ Done. The tests pass now.

╭──────────────────────────────────────────────╮
│ >                                            │
╰──────────────────────────────────────────────╯
  ? for shortcuts


";

    const CLAUDE_IDLE_V2: &str = "\
⏺ Updated 2 files.

──────────────────────────────────────────
❯ Try \"refactor <filepath>\"
──────────────────────────────────────────
  ⏵⏵ accept edits on (shift+tab to cycle)
";

    const CLAUDE_BUSY: &str = "\
> fix the flaky test

✻ Pondering… (12s · ↑ 1.2k tokens · esc to interrupt)

╭──────────────────────────────────────────────╮
│ >                                            │
╰──────────────────────────────────────────────╯
  ? for shortcuts
";

    const CLAUDE_DIALOG: &str = "\
╭──────────────────────────────────────────────╮
│ Bash command                                 │
│   rm -rf build                               │
│ Do you want to proceed?                      │
│ ❯ 1. Yes                                     │
│   2. Yes, and don't ask again for rm         │
│   3. No, and tell Claude what to do (esc)    │
╰──────────────────────────────────────────────╯
";

    const CLAUDE_LIMIT: &str = "\
⏺ 5-hour limit reached ∙ resets 3pm
  /upgrade to increase your usage limit.

╭──────────────────────────────────────────────╮
│ >                                            │
╰──────────────────────────────────────────────╯
";

    #[test]
    fn claude_screens() {
        assert_eq!(
            state("claude", CLAUDE_IDLE),
            (Idle, Some("claude-prompt-box".into()))
        );
        assert_eq!(state("claude", CLAUDE_IDLE_V2).0, Idle);
        assert_eq!(
            state("claude", CLAUDE_BUSY),
            (Busy, Some("claude-esc-to-interrupt".into()))
        );
        assert_eq!(state("claude", CLAUDE_DIALOG).0, WaitingApproval);
        assert_eq!(
            state("claude", CLAUDE_LIMIT),
            (RateLimited, Some("claude-usage-limit".into()))
        );
        // Claude Code's own words since 2.1 (its binary's `You've hit your
        // ${limit}` with the limit's name).
        for name in ["5-hour", "session", "weekly", "Opus", "Sonnet"] {
            let banner = CLAUDE_IDLE.replace(
                "⏺ Done.",
                &format!("⏺ You've hit your {name} limit · resets 3pm (Europe/Paris)"),
            );
            assert_eq!(state("claude", &banner).0, RateLimited, "{name}");
        }
        let warn = CLAUDE_IDLE.replace("⏺ Done.", "Approaching usage limit reached soon ·");
        assert_eq!(
            state("claude", &warn).0,
            Idle,
            "an approaching-limit warning does not block"
        );
        assert_eq!(state("claude", "$ ls\nfoo bar\n$ ").0, Unknown);
    }

    #[test]
    fn busy_beats_idle_and_matched_lists_both() {
        let v = Profiles::builtin().classify("claude", CLAUDE_BUSY);
        assert_eq!(
            v.matched.last().map(String::as_str),
            Some("claude-prompt-box")
        );
        assert!(v.matched.contains(&"claude-spinner-verb".to_string()));
    }

    #[test]
    fn the_sent_prompt_echoed_on_screen_decides_nothing() {
        let sent = [
            SentText::new("an earlier prompt"),
            SentText::new(
                "Handle the case where the API answers \"usage limit reached\"\nand Do you want to proceed? prompts",
            ),
        ];
        let echo = "> Handle the case where the API answers \"usage limit reached\"\n  and Do you want to proceed? prompts\n\n⏺ Done.\n";
        let idle = format!("{echo}{CLAUDE_LIMIT}").replace(
            "⏺ 5-hour limit reached ∙ resets 3pm\n  /upgrade to increase your usage limit.\n",
            "",
        );
        let p = Profiles::builtin();
        assert_ne!(
            p.classify("claude", &idle).state,
            Idle,
            "the echo fools a plain classify"
        );
        assert_eq!(p.classify_sent("claude", &idle, &sent).state, Idle);
        // Wrapped at the pane's width, each row is still part of the text.
        let wrapped = idle.replace("answers \"usage", "answers\n\"usage");
        assert_eq!(p.classify_sent("claude", &wrapped, &sent).state, Idle);
        let busy = format!("{echo}{CLAUDE_BUSY}");
        assert_eq!(p.classify_sent("claude", &busy, &sent).state, Busy);
        // A real banner still counts, and so does the pasted text in the
        // input box for the idle rule.
        let limited = format!("{echo}{CLAUDE_LIMIT}");
        assert_eq!(
            p.classify_sent("claude", &limited, &sent).state,
            RateLimited
        );
        let boxed = CLAUDE_BUSY.replace("│ >      ", "│ > Handle the case where the API");
        let boxed = boxed.replace("✻ Pondering… (12s · ↑ 1.2k tokens · esc to interrupt)", "");
        assert!(boxed.contains("│ > Handle the case"), "{boxed}");
        assert_eq!(p.classify_sent("claude", &boxed, &sent).state, Idle);
    }

    #[test]
    fn transcript_far_above_does_not_count() {
        let mut screen = String::from("Do you want to proceed?\nrate limit reached\n");
        screen.push_str(&"log line\n".repeat(30));
        screen.push_str(CLAUDE_IDLE);
        assert_eq!(state("claude", &screen).0, Idle);
    }

    #[test]
    fn codex_screens() {
        let idle = "• Ran cargo test\n\n› Ask Codex to do anything\n\n  ⏎ send   ⌃J newline   ⌃T transcript   100% context left\n";
        let busy =
            "› fix it\n\n• Working (5s • esc to interrupt)\n\n› \n\n  ⏎ send   100% context left\n";
        let dialog = "Would you like to run the following command?\n\n  $ rm -rf build\n\n› 1. Yes, proceed (y)\n  2. No, and tell Codex what to do differently (esc)\n";
        let limit =
            "■ You've hit your usage limit. Upgrade to Pro or try again in 2 hours.\n\n› \n";
        assert_eq!(state("codex", idle).0, Idle);
        assert_eq!(state("codex", busy).0, Busy);
        assert_eq!(state("codex", dialog).0, WaitingApproval);
        assert_eq!(state("codex", limit).0, RateLimited);
        assert_eq!(
            Profiles::builtin().composer_text("codex", idle),
            Some(String::new())
        );
    }

    #[test]
    fn other_providers() {
        let gem_idle = "╭────────────────────────────────────╮\n│ >   Type your message or @path/to/file │\n╰────────────────────────────────────╯\n";
        assert_eq!(state("gemini", gem_idle).0, Idle);
        assert_eq!(
            state("gemini", "⠏ Reticulating splines (esc to cancel, 3s)\n").0,
            Busy
        );
        assert_eq!(state("aider", "Tokens: 2k sent\n\narchitect> ").0, Idle);
        assert_eq!(
            state(
                "aider",
                "Add src/x.rs to the chat? (Y)es/(N)o/(D)on't ask again [Yes]: "
            )
            .0,
            WaitingApproval
        );
        assert_eq!(state("ollama", ">>> Send a message (/? for help)").0, Idle);
        assert_eq!(state("ollama", ">>> hi\n⠙ ").0, Busy);
        assert_eq!(state("shell", "total 0\nuser@box:~/src$ ").0, Idle);
        assert_eq!(state("shell", "compiling...\n").0, Unknown);
        assert_eq!(state("unknown", CLAUDE_IDLE).0, Unknown);
    }

    #[test]
    fn composer_text_variants() {
        let p = Profiles::builtin();
        assert_eq!(p.composer_text("claude", CLAUDE_IDLE), Some(String::new()));
        assert_eq!(
            p.composer_text("claude", CLAUDE_IDLE_V2),
            Some(String::new()),
            "placeholder is empty"
        );
        let typed = CLAUDE_IDLE.replace("│ >                 ", "│ > fix the bug     ");
        assert_eq!(
            p.composer_text("claude", &typed),
            Some("fix the bug".into())
        );
        assert_eq!(p.composer_text("claude", "just output\n"), None);
        assert_eq!(
            p.composer_text("shell", "user@box:~$ make test"),
            Some("make test".into())
        );
        assert_eq!(p.composer_text("unknown", CLAUDE_IDLE), None);
    }

    #[test]
    fn deciding_rule_reports_the_lines_it_matched() {
        let v = Profiles::builtin().classify("claude", CLAUDE_BUSY);
        assert_eq!(v.state, Busy);
        assert!(
            v.lines.iter().any(|l| l.contains("esc to interrupt")),
            "{:?}",
            v.lines
        );
        assert!(v.lines.len() <= 2, "{:?}", v.lines);
    }
}
