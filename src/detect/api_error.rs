//! An agent that stopped because its model API failed the prompt (an HTTP
//! 500, or a 429 once the agent's own retries are used up) is idle again,
//! but did not do the work: its answer ends in the profile's `error` line
//! (Claude Code: `● API Error: 500 Internal server error…`; Codex CLI: a
//! `■` line, such as `■ We’re currently experiencing high demand…` for a
//! 500, but not `■ Conversation interrupted…` after Escape). Such a prompt
//! fails with that line as its reason instead of completing with the error
//! as its "response".

use super::Profiles;

impl Profiles {
    /// The API error line that ends `answer` (the pane's output since the
    /// prompt was delivered), if `provider`'s profile knows one. It counts
    /// only after the last prompt echoed in the transcript: an error left
    /// from an earlier prompt, above a later one's answer, is history.
    pub fn api_error(&self, provider: &str, answer: &str) -> Option<String> {
        let profile = self.get(provider);
        let re = profile.error.as_ref()?;
        let lines: Vec<&str> = answer.lines().map(str::trim_end).collect();
        let echo = |l: &str| {
            profile.composer.as_ref().is_some_and(|c| {
                c.captures(l)
                    .and_then(|m| m.get(1))
                    .is_some_and(|t| !t.as_str().trim().is_empty())
            })
        };
        // The bottom-most input-box line is the box itself, not an echo.
        let input_box = lines
            .iter()
            .rposition(|l| profile.composer.as_ref().is_some_and(|c| c.is_match(l)));
        let above = &lines[..input_box.unwrap_or(lines.len())];
        let error = above.iter().rposition(|l| re.is_match(l))?;
        if above[error + 1..].iter().any(|l| echo(l)) {
            return None;
        }
        Some(above[error].trim().to_owned())
    }
}

/// Whether an API error line (from [`Profiles::api_error`]) says the model
/// API refused for a rate limit rather than failed: such a prompt is not at
/// fault and is tried again later (ARCHITECTURE.md, "The engine"). The
/// agents' own words: Claude Code `API Error: Request rejected (429) · …
/// rate limit`, Codex `■ exceeded retry limit, last status: 429 Too Many
/// Requests`, aider `litellm.RateLimitError: …`.
pub fn is_rate_limit(line: &str) -> bool {
    static RE: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
        regex::Regex::new(r"(?i)(\b429\b|rate.?limit|too many requests|resource.?exhausted)")
            .expect("a valid regex")
    });
    RE.is_match(line)
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::Profiles;

    /// Capture `name` of `agent` (`claude-2.1.332`, `codex-0.171.0`, ...).
    fn read(agent: &str, name: &str) -> String {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/fixtures/screens")
            .join(agent);
        std::fs::read_to_string(dir.join(name)).unwrap()
    }

    #[test]
    fn claude_code_api_errors_end_the_answer_and_answers_do_not() {
        let p = Profiles::builtin();
        for version in ["claude-2.1.332", "claude-2.1.197"] {
            let err = p.api_error("claude", &read(version, "api-error-500.txt"));
            assert!(
                err.as_deref()
                    .is_some_and(|e| e.starts_with("● API Error: 500")),
                "{version}: {err:?}"
            );
            let err = p.api_error("claude", &read(version, "rate-limit-429.txt"));
            assert!(
                err.as_deref().is_some_and(|e| e.contains("429")),
                "{version}: {err:?}"
            );
            for fine in [
                "idle-after-answer.txt",
                "api-error-500-then-answer.txt",
                "quote.txt",
            ] {
                assert_eq!(
                    p.api_error("claude", &read(version, fine)),
                    None,
                    "{version} {fine}"
                );
            }
        }
        assert_eq!(p.api_error("codex", "● API Error: 500"), None);
    }

    #[test]
    fn codex_api_errors_end_the_answer_and_answers_do_not() {
        let p = Profiles::builtin();
        let err = p.api_error("codex", &read("codex-0.171.0", "api-error-500.txt"));
        assert_eq!(
            err.as_deref(),
            Some("■ We’re currently experiencing high demand, which may cause temporary errors.")
        );
        let err = p.api_error("codex", &read("codex-0.171.0", "rate-limit-429.txt"));
        assert!(err.as_deref().is_some_and(|e| e.contains("429")), "{err:?}");
        for fine in ["idle-after-answer.txt", "quote.txt", "after-approval.txt"] {
            assert_eq!(
                p.api_error("codex", &read("codex-0.171.0", fine)),
                None,
                "{fine}"
            );
        }
        let interrupted = "› stop\n\n■ Conversation interrupted - use /feedback if something went wrong\n\n› Ask Codex to do anything\n";
        assert_eq!(p.api_error("codex", interrupted), None);
    }

    /// aider gives up after about 75 s of retries with the last error
    /// block above a rule and its prompt
    /// (tests/fixtures/screens/aider-0.86.2/NOTES.md); before that prompt
    /// the screen read idle and the prompt completed with the error as its
    /// "response".
    #[test]
    fn aider_api_errors_end_the_answer_and_answers_do_not() {
        let p = Profiles::builtin();
        let err = p.api_error("aider", &read("aider-0.86.2", "api-error-500.txt"));
        assert_eq!(
            err.as_deref(),
            Some(
                "litellm.InternalServerError: InternalServerError: OpenAIException - The server had an error while processing your"
            )
        );
        let err = p.api_error("aider", &read("aider-0.86.2", "rate-limit-429.txt"));
        assert!(
            err.as_deref()
                .is_some_and(|e| e.starts_with("litellm.RateLimitError: ")),
            "{err:?}"
        );
        for fine in [
            "idle-after-answer.txt",
            "quote.txt",
            "after-approval.txt",
            "long.txt",
        ] {
            let screen = read("aider-0.86.2", fine);
            assert_eq!(p.api_error("aider", &screen), None, "{fine}");
        }
    }

    /// The error lines the agents end a 429 with, once their own retries
    /// are used up, read as rate limits; a 500's do not.
    #[test]
    fn rate_limit_errors_are_told_from_other_errors() {
        let p = Profiles::builtin();
        for (agent, folder) in [
            ("claude", "claude-2.1.332"),
            ("claude", "claude-2.1.197"),
            ("codex", "codex-0.171.0"),
            ("aider", "aider-0.86.2"),
        ] {
            let limit = p.api_error(agent, &read(folder, "rate-limit-429.txt"));
            let limit = limit.unwrap_or_else(|| panic!("{folder}: no error line"));
            assert!(super::is_rate_limit(&limit), "{folder}: {limit}");
            let failed = p.api_error(agent, &read(folder, "api-error-500.txt"));
            let failed = failed.unwrap_or_else(|| panic!("{folder}: no error line"));
            assert!(!super::is_rate_limit(&failed), "{folder}: {failed}");
        }
    }
}
