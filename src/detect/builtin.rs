//! The built-in provider profiles, written in the same TOML shape as the
//! config file's `[profiles.NAME]` tables so that they read as data and a
//! user override can be compared line by line. Strings come from the real
//! agents' screens (Claude Code, Codex CLI, Gemini CLI, aider, ollama).
//!
//! `settle_ms` is the pause between paste and Enter each agent needs: the
//! smallest that submitted every try with `tests/real/settle.py`, with a
//! margin for a loaded machine (BENCHMARKS.md, "Settle time per agent").
//!
//! Rules are tried by priority (approval 40 > rate limit 30 > busy 20 >
//! idle 10): the input box stays visible while an agent works, so a busy
//! marker must beat the idle prompt. `lines` keeps each rule to the part of
//! the screen where its marker lives, so transcript text quoting "rate
//! limit" or "> " does not decide anything.

/// Built-in profiles, parsed once by [`super::Profiles::new`].
pub(crate) const BUILTIN_PROFILES: &str = r#####"
[claude]
session_patterns = ['(?i)(^|[^a-z])claude([^a-z]|$)', '(?i)^cc([-_ ]?\d+)?$']
commands = ["claude"]
screen_patterns = ['Claude Code', '✻ Welcome to Claude']
tail_lines = 25
composer = '^\s*│?\s*[>❯]\s?(.*?)\s*│?\s*$'
placeholder = '^(Try "[^"]*"|Resend your message to try again|Once fixed, resend your message|Run /rewind to go back|Press up to edit queued messages)$'
error = '^\s*[●⏺] API Error: .*$'
settle_ms = 50
prepare = "none"
rules = [
  { name = "claude-approval-question", state = "waiting_approval", regex = 'Do you want to (proceed|make this edit|create|allow|run|overwrite)', lines = 15 },
  { name = "claude-approval-options", state = "waiting_approval", regex = '^\s*│?\s*❯\s*1\.\s+Yes', lines = 12 },
  { name = "claude-usage-limit", state = "rate_limited", regex = '(?i)(usage limit reached|\d+-hour limit reached|weekly limit reached|you.ve hit your (usage |session |weekly |opus |sonnet |\d+-hour )?limit|stop and wait for limit to reset|limit will reset at)', not = '(?i)approaching', lines = 10 },
  { name = "claude-esc-to-interrupt", state = "busy", contains = "esc to interrupt", lines = 10 },
  { name = "claude-ctrl-c-to-interrupt", state = "busy", contains = "ctrl+c to interrupt", lines = 10 },
  { name = "claude-spinner-verb", state = "busy", regex = '^\s*[·✢✳✶✻✽*]\s*[A-Z][a-z]+(ing)?…', lines = 10 },
  { name = "claude-prompt-box", state = "idle", regex = '^\s*│?\s*[>❯](\s.*)?\n\s*[╰─]', lines = 6 },
]

[codex]
session_patterns = ['(?i)(^|[^a-z])codex([^a-z]|$)']
commands = ["codex", "codex-x86_64-unknown-linux-musl", "codex-aarch64-unknown-linux-musl"]
screen_patterns = ['OpenAI Codex', '>_ OpenAI Codex']
tail_lines = 40
composer = '^\s*[›▌]\s?(.*?)\s*$'
placeholder = '^(Ask Codex to do anything|Explain this codebase|Summarize recent commits|Implement \{feature\}|Find and fix a bug in @filename|Write tests for @filename|Improve documentation in @filename|Run /review on my current changes)$'
error = '^■ (?:[^C]|C[^o]|Co[^n]|Con[^v]).*$'
settle_ms = 50
prepare = "none"
rules = [
  { name = "codex-approval-question", state = "waiting_approval", regex = '(Would you like to (run the following command|make the following edits|apply)|Allow command\?|Approve\?)', lines = 15 },
  { name = "codex-approval-options", state = "waiting_approval", regex = '^\s*[›>]\s*1\.\s+Yes', lines = 10 },
  { name = "codex-usage-limit", state = "rate_limited", regex = "(?i)(you've hit your usage limit|usage limit reached|rate limit reached|try again in \\d)", lines = 10 },
  { name = "codex-esc-to-interrupt", state = "busy", contains = "esc to interrupt", lines = 10 },
  { name = "codex-working", state = "busy", regex = '^\s*[•◦]\s*Working\b', lines = 10 },
  { name = "codex-queue-hint", state = "busy", contains = "tab to queue message", lines = 3 },
  { name = "codex-starting", state = "busy", regex = '>_ OpenAI Codex \(v[^)]*\)(?s:.*)\n\s*\? for shortcuts\z' },
  { name = "codex-answer-unfinished", state = "busy", regex = '\S', not = '(?m)(Worked for |^■ |interrupted)', transcript_after = '^› \S' },
  { name = "codex-composer", state = "idle", regex = '^\s*›( .*)?$' },
]

[gemini]
session_patterns = ['(?i)(^|[^a-z])gemini([^a-z]|$)']
commands = ["gemini"]
screen_patterns = ['Gemini CLI', 'Type your message or @path/to/file']
tail_lines = 25
composer = '^\s*│?\s*>\s*(.*?)\s*│?\s*$'
placeholder = '^Type your message or @path/to/file$'
settle_ms = 300
prepare = "none"
rules = [
  { name = "gemini-approval", state = "waiting_approval", regex = '(Allow execution|Apply this change\?|Do you want to proceed\?|[●❯]\s*1\.\s+(Yes|Allow))', lines = 15 },
  { name = "gemini-quota", state = "rate_limited", regex = '(?i)(quota exceeded|rate limit|resource_exhausted|usage limit)', lines = 8 },
  { name = "gemini-esc-to-cancel", state = "busy", contains = "esc to cancel", lines = 10 },
  { name = "gemini-prompt-box", state = "idle", regex = '^\s*│\s*>( .*)?│\s*$', lines = 6 },
  { name = "gemini-input-line", state = "idle", regex = '^ >(\s.*)?\n(   .*\n)*\s*workspace \(', lines = 14 },
]

[aider]
session_patterns = ['(?i)(^|[^a-z])aider([^a-z]|$)']
commands = ["aider"]
screen_patterns = ['^Aider v\d']
tail_lines = 20
composer = '^(?:[a-z-]+)?> ?(.*)$'
error = '^[\s░█]*litellm\.[A-Za-z]+Error: .*$'
settle_ms = 50
prepare = "none"
rules = [
  { name = "aider-confirm", state = "waiting_approval", regex = '\(Y\)es/\(N\)o', lines = 2 },
  { name = "aider-retrying", state = "busy", regex = 'Retrying in [\d.]+ seconds', not = '(?:^|\n)(?:[a-z-]+)?>( .*)?\z', priority = 35, lines = 6 },
  { name = "aider-rate-limit", state = "rate_limited", regex = '(?i)(RateLimitError|rate limit|retrying in \d)', not = '(?:^|\n)(?:[a-z-]+)?>( .*)?\z', lines = 6 },
  { name = "aider-waiting", state = "busy", regex = '(Waiting for |Thinking|Tokens: )', not = '(?:^|\n)(?:[a-z-]+)?>( .*)?\z', lines = 3 },
  { name = "aider-answer-streaming", state = "busy", regex = '(?m)^(?:[a-z-]+)?> \S.*\n\n+\S', not = '(?:^|\n)(?:[a-z-]+)?>( .*)?\z' },
  { name = "aider-prompt", state = "idle", regex = '^(?:[a-z-]+)?>( .*)?$', lines = 1 },
]

[ollama]
session_patterns = ['(?i)(^|[^a-z])ollama([^a-z]|$)']
commands = ["ollama"]
screen_patterns = ['^>>> Send a message']
tail_lines = 10
composer = '^>>> ?(.*)$'
placeholder = '^Send a message \(/\? for help\)$'
prepare = "none"
rules = [
  { name = "ollama-spinner", state = "busy", regex = '[⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏]\s*$', lines = 1 },
  { name = "ollama-prompt", state = "idle", regex = '^>>> ', lines = 1 },
]

[shell]
commands = ["bash", "zsh", "fish", "sh", "dash", "ksh", "mksh", "tcsh", "csh", "nu", "-bash", "-zsh"]
tail_lines = 5
composer = '^[^$#%>❯]*[$#%>❯] ?(.*)$'
prepare = "shell"
rules = [
  { name = "shell-prompt", state = "idle", regex = '[$#%>❯]\s*$', lines = 1 },
]

[unknown]
tail_lines = 25
"#####;
