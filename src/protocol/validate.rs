//! What the daemon accepts in a request, checked in one place: the client
//! calls it for a quick local message, the daemon again on every parsed
//! line (it must not trust the client), so a raw socket request and
//! `assignerctl` are refused alike with `bad_request`.
//!
//! Every text field ends up in a tmux pane (target, working dir, env, the
//! prerequisites typed into a shell) or on an operator's terminal
//! (`prompts`, `show`, `watch`): a control character there could end a
//! shell command, or drive the terminal with escape sequences. Prompt text
//! alone may hold newlines and tabs.

use std::ops::RangeInclusive;

use super::request::Request;
use super::types::NewPrompt;

/// Largest prompt text accepted, in bytes. Leaves room inside one line for
/// the JSON escaping and the routing fields around it.
pub const MAX_PROMPT_BYTES: usize = 512 * 1024;

/// Accepted `timeout_minutes`. Zero would time the prompt out right after
/// submission and send it to the next agent, once per retry; a day is far
/// beyond any single agent task, and a prompt with no timeout leaves the
/// field out.
pub const TIMEOUT_MINUTES: RangeInclusive<u32> = 1..=1440;

/// Accepted `max_retries`. Each retry is a whole agent run; twenty is far
/// more than any transient fault needs, and stops a prompt that fails
/// every time from occupying agents for ever.
pub const MAX_RETRIES: RangeInclusive<u32> = 0..=20;

/// Accepted priorities.
pub const PRIORITY: RangeInclusive<u8> = 0..=10;

/// Checks the text of a prompt before it is queued.
pub fn validate_prompt_text(text: &str) -> Result<(), String> {
    if text.trim().is_empty() {
        return Err("prompt is empty".into());
    }
    if text.len() > MAX_PROMPT_BYTES {
        return Err(format!(
            "prompt is {} bytes, the limit is {MAX_PROMPT_BYTES}",
            text.len()
        ));
    }
    if let Some((i, c)) = text
        .char_indices()
        .find(|&(_, c)| c.is_control() && c != '\n' && c != '\t')
    {
        return Err(format!(
            "prompt contains control character U+{:04X} at byte {i}; only newline and tab are allowed",
            c as u32
        ));
    }
    Ok(())
}

/// Checks the name of an environment variable a prompt sets. Only the
/// portable shell form (`[A-Za-z_][A-Za-z0-9_]*`) is accepted: the name is
/// typed unquoted after `export` in a shell pane, so anything else could
/// end the command and start another.
pub fn validate_env_name(name: &str) -> Result<(), String> {
    let mut chars = name.chars();
    let ok = chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_');
    if ok {
        Ok(())
    } else {
        Err(format!(
            "environment variable name {name:?} is not valid: use letters, digits and '_', not starting with a digit"
        ))
    }
}

/// Refuses a control character (C0, DEL or C1) anywhere in a one-line
/// field; `field` names it in the message.
pub fn validate_text_field(field: &str, value: &str) -> Result<(), String> {
    match value.char_indices().find(|&(_, c)| c.is_control()) {
        None => Ok(()),
        Some((i, c)) => Err(format!(
            "{field} contains control character U+{:04X} at byte {i}; control characters are not allowed",
            c as u32
        )),
    }
}

fn in_range<T: PartialOrd + std::fmt::Display>(
    field: &str,
    value: Option<T>,
    range: &RangeInclusive<T>,
) -> Result<(), String> {
    match value {
        Some(v) if !range.contains(&v) => Err(format!(
            "{field} {v} is out of range {}-{}",
            range.start(),
            range.end()
        )),
        _ => Ok(()),
    }
}

fn optional(field: &str, value: Option<&String>) -> Result<(), String> {
    value.map_or(Ok(()), |v| validate_text_field(field, v))
}

fn each(field: &str, values: &[String]) -> Result<(), String> {
    values
        .iter()
        .try_for_each(|v| validate_text_field(field, v))
}

impl NewPrompt {
    /// Checks every field of a prompt before it is queued.
    pub fn validate(&self) -> Result<(), String> {
        validate_prompt_text(&self.text)?;
        in_range("priority", self.priority, &PRIORITY)?;
        in_range("timeout_minutes", self.timeout_minutes, &TIMEOUT_MINUTES)?;
        in_range("max_retries", self.max_retries, &MAX_RETRIES)?;
        optional("target", self.target.as_ref())?;
        optional("provider", self.provider.as_ref())?;
        each("providers", &self.providers)?;
        each("fallback", &self.fallback)?;
        optional("working_dir", self.working_dir.as_ref())?;
        optional("branch", self.branch.as_ref())?;
        optional("source", self.source.as_ref())?;
        each("prereqs", &self.prereqs)?;
        for (name, value) in &self.env {
            validate_env_name(name)?;
            validate_text_field(&format!("env value of {name}"), value)?;
        }
        Ok(())
    }
}

impl Request {
    /// Checks the values of a parsed request that its types cannot
    /// express; `Err` is the `bad_request` message.
    pub fn validate(&self) -> Result<(), String> {
        match self {
            Self::Hello { client, .. } => optional("client", client.as_ref()),
            Self::Send { prompt, raw } => {
                prompt.validate()?;
                match super::command_prefix(prompt) {
                    Some(why) if !raw => Err(why),
                    _ => Ok(()),
                }
            }
            Self::Reassign { to, .. } => optional("to", to.as_ref()),
            Self::Complete {
                pane,
                session,
                error,
                failure,
                ..
            } => {
                optional("pane", pane.as_ref())?;
                optional("session", session.as_ref())?;
                if failure.is_some() && error.is_none() {
                    return Err("failure needs error, the reason the agent gave".into());
                }
                optional("error", error.as_ref())
            }
            Self::Explain { session } => validate_text_field("session", session),
            Self::Backup { path } | Self::ImportLegacy { path } => {
                validate_text_field("path", path)
            }
            Self::PoolScale { pool, .. } | Self::PoolRestart { pool, .. } => {
                validate_text_field("pool", pool)
            }
            Self::Status {}
            | Self::Prompts { .. }
            | Self::Show { .. }
            | Self::Follow { .. }
            | Self::Sessions {}
            | Self::Retry { .. }
            | Self::Cancel { .. }
            | Self::Clear { .. }
            | Self::Cleanup { .. }
            | Self::Watch {}
            | Self::Pools {}
            | Self::Reload {} => Ok(()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prompt_text_rules() {
        assert!(validate_prompt_text("fix the flaky test").is_ok());
        assert!(validate_prompt_text("a\n\tb").is_ok());
        assert!(validate_prompt_text("  \n ").unwrap_err().contains("empty"));
        assert!(
            validate_prompt_text("x\u{1b}[31m")
                .unwrap_err()
                .contains("U+001B")
        );
        assert!(validate_prompt_text("a\rb").is_err());
        let big = "a".repeat(MAX_PROMPT_BYTES + 1);
        assert!(validate_prompt_text(&big).unwrap_err().contains("limit"));
    }

    #[test]
    fn env_name_rules() {
        for ok in ["A", "_", "RUST_LOG", "a1", "_x_2"] {
            assert!(validate_env_name(ok).is_ok(), "{ok}");
        }
        for bad in ["", "1A", "A;id;B", "A B", "A=B", "A-B", "$(id)", "É", "A\0"] {
            let err = validate_env_name(bad).unwrap_err();
            assert!(err.contains("not valid"), "{bad}: {err}");
        }
    }

    fn prompt() -> NewPrompt {
        NewPrompt {
            text: "x".into(),
            ..NewPrompt::default()
        }
    }

    #[test]
    fn limits_name_the_field_and_the_range() {
        let mut p = prompt();
        p.timeout_minutes = Some(0);
        assert_eq!(
            p.validate().unwrap_err(),
            "timeout_minutes 0 is out of range 1-1440"
        );
        p.timeout_minutes = Some(1441);
        assert!(p.validate().is_err());
        p.timeout_minutes = Some(1440);
        p.max_retries = Some(u32::MAX);
        assert_eq!(
            p.validate().unwrap_err(),
            "max_retries 4294967295 is out of range 0-20"
        );
        p.max_retries = Some(0);
        p.priority = Some(11);
        assert!(p.validate().unwrap_err().contains("priority 11"));
        p.priority = Some(10);
        p.validate().unwrap();
    }

    #[test]
    fn no_control_character_in_any_text_field() {
        type Set = fn(&mut NewPrompt, String);
        let fields: [(&str, Set); 9] = [
            ("target", |p, v| p.target = Some(v)),
            ("provider", |p, v| p.provider = Some(v)),
            ("providers", |p, v| p.providers = vec![v]),
            ("fallback", |p, v| p.fallback = vec![v]),
            ("working_dir", |p, v| p.working_dir = Some(v)),
            ("branch", |p, v| p.branch = Some(v)),
            ("source", |p, v| p.source = Some(v)),
            ("prereqs", |p, v| p.prereqs = vec![v]),
            ("env value of A", |p, v| {
                p.env.insert("A".into(), v);
            }),
        ];
        for (name, set) in fields {
            for bad in ["a\u{1b}[201~", "a\nb", "a\tb", "a\u{7f}", "a\u{9b}1m"] {
                let mut p = prompt();
                set(&mut p, bad.into());
                let err = p.validate().unwrap_err();
                assert!(
                    err.starts_with(name) && err.contains("control character"),
                    "{name} {bad:?}: {err}"
                );
            }
            let mut p = prompt();
            set(&mut p, "it's \"fine\" $(x) `y` \\ ; é".into());
            p.validate().unwrap();
        }
        let complete = Request::Complete {
            pane: None,
            session: Some("s\u{7}".into()),
            id: None,
            error: None,
            response: None,
            failure: None,
        };
        assert!(complete.validate().unwrap_err().starts_with("session"));
        let kind_alone = Request::Complete {
            pane: Some("%1".into()),
            session: None,
            id: None,
            error: None,
            response: None,
            failure: Some(crate::protocol::Failure::RateLimit),
        };
        assert!(kind_alone.validate().unwrap_err().contains("needs error"));
    }
}
