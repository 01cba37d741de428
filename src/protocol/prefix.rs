//! Prompts that an agent reads as a command rather than a task: a text
//! starting with `/` opens a slash command (`/help` draws an overlay over
//! Claude Code's input box, `/quit` ends Codex), one starting with `!`
//! runs a shell command. `send` refuses such a text unless it is marked
//! raw, when its route could reach an agent that reads it so
//! (assignerctl(1), COMMAND PREFIXES).

use super::types::NewPrompt;

/// The providers that read nothing as a command: a shell pane runs every
/// line it gets anyway. Any other provider, a configured one included, may
/// take `/` or `!` as a command.
const NO_COMMANDS: &[&str] = &["shell"];

/// Which of `/` and `!` each built-in provider reads as a command. A
/// provider not listed (a configured one) is taken to read both.
const PREFIXES: &[(&str, &[char])] = &[
    ("claude", &['/', '!']),
    ("codex", &['/', '!']),
    ("gemini", &['/', '!']),
    ("aider", &['/', '!']),
    ("ollama", &['/']),
];

/// Whether `provider` reads a text starting with `c` as a command.
fn reads_as_command(provider: &str, c: char) -> bool {
    if NO_COMMANDS.contains(&provider) {
        return false;
    }
    PREFIXES
        .iter()
        .find(|(p, _)| *p == provider)
        .is_none_or(|(_, cs)| cs.contains(&c))
}

/// Why `prompt` may not be sent without `raw`: its text starts with a
/// command prefix and its route could reach an agent that reads it as a
/// command. A route with no provider (none, or only a target session,
/// or any provider allowed as a fallback) could reach any agent.
pub fn command_prefix(prompt: &NewPrompt) -> Option<String> {
    let c = prompt.text.trim_start().chars().next()?;
    if c != '/' && c != '!' {
        return None;
    }
    let named: Vec<&str> = prompt
        .provider
        .iter()
        .chain(&prompt.providers)
        .chain(&prompt.fallback)
        .map(String::as_str)
        .collect();
    let who = if named.is_empty() || prompt.allow_fallback {
        Some("any agent".to_owned())
    } else {
        named
            .iter()
            .find(|p| reads_as_command(p, c))
            .map(|p| format!("provider {p}"))
    }?;
    let what = if c == '/' {
        "a slash command"
    } else {
        "a shell command"
    };
    Some(format!(
        "the prompt starts with '{c}', which {who} reads as {what}, not as a task; \
         send it with --raw (\"raw\": true) to deliver it as it is"
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn prompt(text: &str, provider: Option<&str>) -> NewPrompt {
        NewPrompt {
            text: text.into(),
            provider: provider.map(Into::into),
            ..NewPrompt::default()
        }
    }

    #[test]
    fn plain_text_passes_anywhere() {
        assert_eq!(command_prefix(&prompt("fix the test", None)), None);
        assert_eq!(command_prefix(&prompt("a/b and !c", None)), None);
    }

    #[test]
    fn a_prefix_without_a_provider_could_reach_any_agent() {
        for text in ["/help", "!make", "  /compact"] {
            let why = command_prefix(&prompt(text, None)).unwrap();
            assert!(why.contains("any agent") && why.contains("--raw"), "{why}");
        }
        let mut targeted = prompt("/help", None);
        targeted.target = Some("claude-1".into());
        assert!(command_prefix(&targeted).is_some());
    }

    #[test]
    fn only_providers_that_read_the_prefix_refuse() {
        let why = command_prefix(&prompt("/help", Some("claude"))).unwrap();
        assert!(why.contains("provider claude") && why.contains("slash"));
        assert!(command_prefix(&prompt("!ls", Some("gemini"))).is_some());
        assert!(command_prefix(&prompt("!ls", Some("my-agent"))).is_some());
        assert_eq!(command_prefix(&prompt("!ls", Some("ollama"))), None);
        assert_eq!(
            command_prefix(&prompt("/usr/bin/make", Some("shell"))),
            None
        );
    }

    #[test]
    fn any_provider_of_the_route_counts() {
        let mut p = prompt("/help", Some("shell"));
        p.fallback = vec!["codex".into()];
        assert!(command_prefix(&p).unwrap().contains("provider codex"));
        p.fallback.clear();
        p.allow_fallback = true;
        assert!(command_prefix(&p).unwrap().contains("any agent"));
    }
}
