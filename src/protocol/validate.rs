//! What the daemon accepts in a request, checked in one place: the client
//! calls it for a quick local message, the daemon again on every parsed
//! line (it must not trust the client), so a raw socket request and
//! `assignerctl` are refused alike with `bad_request`.

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

impl NewPrompt {
    /// Checks every field of a prompt before it is queued.
    pub fn validate(&self) -> Result<(), String> {
        validate_prompt_text(&self.text)?;
        in_range("priority", self.priority, &PRIORITY)?;
        in_range("timeout_minutes", self.timeout_minutes, &TIMEOUT_MINUTES)?;
        in_range("max_retries", self.max_retries, &MAX_RETRIES)?;
        self.env.keys().try_for_each(|name| validate_env_name(name))
    }
}

impl Request {
    /// Checks the values of a parsed request that its types cannot
    /// express; `Err` is the `bad_request` message.
    pub fn validate(&self) -> Result<(), String> {
        match self {
            Self::Send { prompt } => prompt.validate(),
            _ => Ok(()),
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
}
