//! `complete --from-hook AGENT`: the report an agent's hook payload makes.
//!
//! Claude Code runs its Stop hook before it draws the final message, so a
//! capture of the pane at that moment can hold half an answer or none; the
//! payload's `last_assistant_message` always holds it (README, Agent hooks).

use std::io::Read;

use serde_json::Value;

use super::args::HookAgent;
use crate::protocol::Failure;

/// Largest payload read; the answer is kept to the end of a request line.
const MAX_PAYLOAD: u64 = 4 * 1024 * 1024;

/// Longest answer sent: even if every byte took six in JSON (`\u0000`), it
/// fits in a request line (`MAX_LINE_BYTES`, 1 MiB); the daemon keeps at
/// most its `max_response_bytes` of it anyway.
const MAX_ANSWER: usize = 128 * 1024;

/// What a hook payload reports.
#[derive(Debug, Default, PartialEq)]
pub struct HookReport {
    /// The answer.
    pub response: Option<String>,
    /// The failure reason (one line).
    pub error: Option<String>,
    /// Its kind.
    pub failure: Option<Failure>,
}

/// The payload: `given` (`--payload`), or else read on stdin.
pub fn read(agent: HookAgent, given: Option<String>) -> Result<HookReport, String> {
    let text = match given {
        Some(t) => t,
        None => {
            let mut text = String::new();
            std::io::stdin()
                .take(MAX_PAYLOAD)
                .read_to_string(&mut text)
                .map_err(|e| format!("cannot read the hook payload on stdin: {e}"))?;
            text
        }
    };
    match agent {
        HookAgent::Claude => claude(&text),
        HookAgent::Codex => codex(&text),
        HookAgent::Gemini => gemini(&text),
    }
}

/// A Gemini CLI AfterAgent payload: the turn's final answer in
/// `prompt_response`. Gemini CLI runs no hook when a turn fails.
pub fn gemini(payload: &str) -> Result<HookReport, String> {
    let v: Value = serde_json::from_str(payload)
        .map_err(|e| format!("the hook payload on stdin is not JSON: {e}"))?;
    match v.get("hook_event_name").and_then(Value::as_str) {
        Some("AfterAgent") => Ok(HookReport {
            response: v
                .get("prompt_response")
                .and_then(Value::as_str)
                .filter(|m| !m.trim().is_empty())
                .map(keep_end),
            ..HookReport::default()
        }),
        other => Err(format!(
            "the hook payload is for {}, not AfterAgent",
            other.map_or_else(|| "no hook_event_name".to_owned(), |e| format!("{e:?}"))
        )),
    }
}

/// A Codex `notify` payload: it reports only finished turns.
pub fn codex(payload: &str) -> Result<HookReport, String> {
    let v: Value = serde_json::from_str(payload)
        .map_err(|e| format!("the notify payload is not JSON: {e}"))?;
    match v.get("type").and_then(Value::as_str) {
        Some("agent-turn-complete") => Ok(HookReport {
            response: v
                .get("last-assistant-message")
                .and_then(Value::as_str)
                .filter(|m| !m.trim().is_empty())
                .map(keep_end),
            ..HookReport::default()
        }),
        other => Err(format!(
            "the notify payload is of type {other:?}, not agent-turn-complete"
        )),
    }
}

/// A Claude Code Stop or StopFailure payload. StopFailure's `error` is
/// `rate_limit`, `server_error` or another kind of refused request; only
/// an `unknown` one might go better on a second try.
pub fn claude(payload: &str) -> Result<HookReport, String> {
    let v: Value = serde_json::from_str(payload)
        .map_err(|e| format!("the hook payload on stdin is not JSON: {e}"))?;
    let event = v.get("hook_event_name").and_then(Value::as_str);
    let message = v
        .get("last_assistant_message")
        .and_then(Value::as_str)
        .filter(|m| !m.trim().is_empty());
    match event {
        Some("Stop") => Ok(HookReport {
            response: message.map(keep_end),
            ..HookReport::default()
        }),
        Some("StopFailure") => {
            let kind = v.get("error").and_then(Value::as_str).unwrap_or("unknown");
            let failure = match kind {
                "rate_limit" => Some(Failure::RateLimit),
                "unknown" => None,
                _ => Some(Failure::Final),
            };
            let error = match message {
                Some(m) => format!("{kind}: {}", one_line(m)),
                None => kind.to_owned(),
            };
            Ok(HookReport {
                error: Some(error),
                failure,
                ..HookReport::default()
            })
        }
        other => Err(format!(
            "the hook payload is for {}, not Stop or StopFailure",
            other.map_or_else(|| "no hook_event_name".to_owned(), |e| format!("{e:?}"))
        )),
    }
}

/// The reason travels as one line without control characters; its start,
/// the error's own words, is what `show` needs.
fn one_line(s: &str) -> String {
    const MAX_REASON_CHARS: usize = 2000;
    let words: Vec<&str> = s
        .split(|c: char| c.is_whitespace() || c.is_control())
        .collect();
    let line = words
        .into_iter()
        .filter(|w| !w.is_empty())
        .collect::<Vec<_>>()
        .join(" ");
    line.chars().take(MAX_REASON_CHARS).collect()
}

/// The answer's end, where its conclusion is, within [`MAX_ANSWER`].
fn keep_end(s: &str) -> String {
    if s.len() <= MAX_ANSWER {
        return s.to_owned();
    }
    let mut cut = s.len() - MAX_ANSWER;
    while !s.is_char_boundary(cut) {
        cut += 1;
    }
    format!("[… {cut} earlier bytes not kept]\n{}", &s[cut..])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stop_reports_the_last_message() {
        let r = claude(
            r#"{"session_id":"s","transcript_path":"/t.jsonl","hook_event_name":"Stop",
                "stop_hook_active":false,"last_assistant_message":"ANSWER: two\nlines"}"#,
        )
        .unwrap();
        assert_eq!(r.response.as_deref(), Some("ANSWER: two\nlines"));
        assert_eq!((r.error, r.failure), (None, None));
    }

    #[test]
    fn stop_without_a_message_leaves_the_capture_to_the_daemon() {
        let r = claude(r#"{"hook_event_name":"Stop","last_assistant_message":""}"#).unwrap();
        assert_eq!(r, HookReport::default());
    }

    #[test]
    fn stop_failure_kinds() {
        let r = claude(
            r#"{"hook_event_name":"StopFailure","error":"rate_limit",
                "last_assistant_message":"API Error: Request rejected (429)\n · limit"}"#,
        )
        .unwrap();
        assert_eq!(r.failure, Some(Failure::RateLimit));
        assert_eq!(
            r.error.as_deref(),
            Some("rate_limit: API Error: Request rejected (429) · limit")
        );
        let r = claude(r#"{"hook_event_name":"StopFailure","error":"server_error"}"#).unwrap();
        assert_eq!(
            (r.error.as_deref(), r.failure),
            (Some("server_error"), Some(Failure::Final))
        );
        let r = claude(r#"{"hook_event_name":"StopFailure"}"#).unwrap();
        assert_eq!((r.error.as_deref(), r.failure), (Some("unknown"), None));
    }

    #[test]
    fn codex_turn_complete() {
        let r = codex(
            r#"{"type":"agent-turn-complete","thread-id":"t","turn-id":"1","cwd":"/w",
                "input-messages":["fix it"],"last-assistant-message":"Fixed."}"#,
        )
        .unwrap();
        assert_eq!(r.response.as_deref(), Some("Fixed."));
        assert!(codex(r#"{"type":"approval-requested"}"#).is_err());
    }

    #[test]
    fn gemini_after_agent() {
        let r = gemini(
            r#"{"session_id":"s","transcript_path":"/t.json","cwd":"/w",
                "hook_event_name":"AfterAgent","timestamp":"2026-11-29T17:00:00Z",
                "prompt":"say hi","prompt_response":"Hi.","stop_hook_active":false}"#,
        )
        .unwrap();
        assert_eq!(r.response.as_deref(), Some("Hi."));
        assert_eq!((r.error, r.failure), (None, None));
        let e = gemini(r#"{"hook_event_name":"BeforeTool"}"#).unwrap_err();
        assert!(e.contains("BeforeTool"), "{e}");
    }

    #[test]
    fn other_payloads_are_refused() {
        assert!(claude("not json").unwrap_err().contains("not JSON"));
        let e = claude(r#"{"hook_event_name":"PreToolUse"}"#).unwrap_err();
        assert!(e.contains("PreToolUse"), "{e}");
    }

    #[test]
    fn a_long_answer_keeps_its_end() {
        let long = format!("{}END", "é".repeat(MAX_ANSWER));
        let kept = keep_end(&long);
        assert!(
            kept.starts_with("[… ") && kept.ends_with("END"),
            "{}",
            &kept[..40]
        );
        assert!(kept.len() <= MAX_ANSWER + 40);
    }
}
