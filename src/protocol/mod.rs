//! The control-socket protocol, shared by `assignerd` and `assignerctl`.
//!
//! Framing: one JSON object per line (`\n`-terminated, UTF-8): requests at
//! most [`MAX_LINE_BYTES`] bytes, responses at most [`MAX_RESPONSE_BYTES`].
//! Every request line gets exactly one response
//! line, in order, except `watch`, which answers once and then streams
//! [`Reply::Event`] lines until the client goes away.
//!
//! Responses are `{"ok":true,"type":"…",…}` or
//! `{"ok":false,"error":{"kind":"not_found","message":"…"}}`. The error kinds
//! ([`ErrorKind`]) are a small, stable set that scripts may match on; the
//! message is for people and may change.
//!
//! The types live in one module so that the daemon and the client cannot
//! drift apart; `man/assigner-protocol.7` documents the same wire format.

mod reply;
mod reports;
mod request;
mod types;

pub use reply::{ErrorKind, Reply, Response, WireError};
pub use reports::*;
pub use request::Request;
pub use types::*;

/// Version of the wire protocol. Bumped only on incompatible changes; the
/// `hello` handshake lets either side refuse a peer it does not understand.
pub const PROTOCOL_VERSION: u32 = 1;

/// Hard limit on one request or response line, newline excluded. A prompt is
/// text a person wrote or a script generated; 1 MiB is far beyond any agent's
/// context window, yet small enough that a hostile client cannot make the
/// daemon buffer without bound.
pub const MAX_LINE_BYTES: usize = 1024 * 1024;

/// Hard limit on one response line. Larger than a request line because
/// answers gather many prompts (a `prompts` listing, a cleanup report) or a
/// whole prompt with its stored response; the daemon answers anything
/// larger with a `bad_request` asking for less.
pub const MAX_RESPONSE_BYTES: usize = 8 * 1024 * 1024;

/// Closes the error of a prompt whose delivery could be confirmed neither
/// way: the agent may be running it. The prompt is never sent again on its
/// own, and `cleanup --retry-failed` says so before it requeues one.
pub const MAYBE_DELIVERED: &str = "the agent may have it, so it is not sent again";

/// Largest prompt text accepted, in bytes. Leaves room inside one line for
/// the JSON escaping and the routing fields around it.
pub const MAX_PROMPT_BYTES: usize = 512 * 1024;

/// Checks the text of a prompt before it is queued. Both the client (for a
/// quick, local message) and the daemon (which must not trust the client)
/// call this.
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
}
