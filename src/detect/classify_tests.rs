//! The classifier against screens of each agent: states, the rule that
//! decided, and what must not decide.

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
    let limit = "■ You've hit your usage limit. Upgrade to Pro or try again in 2 hours.\n\n› \n";
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
