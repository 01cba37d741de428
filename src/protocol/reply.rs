//! Responses: `{"ok":true,"type":…}` for success, `{"ok":false,"error":…}`
//! for failure.

use serde::de::Error as _;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use super::pools::PoolInfo;
use super::reports::{CleanupReport, Event, Explanation, ImportReport, StatusInfo};
use super::types::{HistoryEntry, PromptInfo, PromptStatus, SessionInfo};

/// The stable error kinds. Scripts match on these; `assignerctl` maps each to
/// its exit status. New kinds are a protocol version bump.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ErrorKind {
    /// The request could not be parsed or its values are invalid.
    BadRequest,
    /// The prompt, session or file named does not exist.
    NotFound,
    /// The object is in a state that does not allow the change (for
    /// example cancelling a prompt that is already running).
    Conflict,
    /// The peer may not use this daemon.
    Forbidden,
    /// The daemon cannot serve this now (shutting down, overloaded, tmux
    /// unreachable for a request that needs it).
    Unavailable,
    /// A bug or an unexpected failure inside the daemon.
    Internal,
}

impl ErrorKind {
    /// The wire spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::BadRequest => "bad_request",
            Self::NotFound => "not_found",
            Self::Conflict => "conflict",
            Self::Forbidden => "forbidden",
            Self::Unavailable => "unavailable",
            Self::Internal => "internal",
        }
    }
}

/// The error object of a failed response.
///
/// `{"kind":"not_found","message":"prompt 42 does not exist"}`
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WireError {
    /// Stable kind.
    pub kind: ErrorKind,
    /// Human-readable message.
    pub message: String,
}

impl WireError {
    /// Builds an error of `kind`.
    pub fn new(kind: ErrorKind, message: impl Into<String>) -> Self {
        Self {
            kind,
            message: message.into(),
        }
    }
}

impl std::fmt::Display for WireError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} ({})", self.message, self.kind.as_str())
    }
}

/// Successful answers. Each variant names the request it answers.
#[expect(
    clippy::large_enum_variant,
    reason = "messages live briefly, one at a time; boxing would only add noise"
)]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Reply {
    /// `{"ok":true,"type":"hello","version":1,"daemon":"assignerd 0.1.0"}`
    Hello {
        /// Daemon protocol version.
        version: u32,
        /// Daemon name and version.
        daemon: String,
    },
    /// `{"ok":true,"type":"status","status":{…}}`
    Status {
        /// The summary.
        status: StatusInfo,
    },
    /// `{"ok":true,"type":"sent","id":42}`
    Sent {
        /// New prompt id.
        id: i64,
    },
    /// `{"ok":true,"type":"prompts","prompts":[{…}]}`
    Prompts {
        /// Matching prompts, newest first.
        prompts: Vec<PromptInfo>,
    },
    /// `{"ok":true,"type":"prompt","prompt":{…},"history":[{…}]}`
    Prompt {
        /// The prompt.
        prompt: PromptInfo,
        /// Its history, oldest first.
        history: Vec<HistoryEntry>,
    },
    /// `{"ok":true,"type":"sessions","sessions":[{…}]}`
    Sessions {
        /// Tracked sessions.
        sessions: Vec<SessionInfo>,
    },
    /// `{"ok":true,"type":"retried","ids":[41,42]}`
    Retried {
        /// Prompts put back to pending.
        ids: Vec<i64>,
    },
    /// `{"ok":true,"type":"cancelled","id":42}`
    Cancelled {
        /// The prompt.
        id: i64,
    },
    /// `{"ok":true,"type":"reassigned","id":42,"to":"review-codex"}`
    Reassigned {
        /// The prompt.
        id: i64,
        /// New target, if any.
        to: Option<String>,
    },
    /// `{"ok":true,"type":"cleared","deleted":17}`
    Cleared {
        /// Prompts deleted.
        deleted: u64,
    },
    /// `{"ok":true,"type":"cleanup","report":{…}}`
    Cleanup {
        /// What was found and done.
        report: CleanupReport,
    },
    /// `{"ok":true,"type":"completed","id":42}`
    Completed {
        /// The prompt marked finished.
        id: i64,
    },
    /// `{"ok":true,"type":"watching"}`, then event lines.
    Watching,
    /// `{"ok":true,"type":"event","event":{…}}`
    Event {
        /// One event.
        event: Event,
    },
    /// `{"ok":true,"type":"following","id":42,"status":"pending"}`, then
    /// output lines and last a `prompt` line.
    Following {
        /// The prompt followed.
        id: i64,
        /// Its status when following began.
        status: PromptStatus,
    },
    /// `{"ok":true,"type":"output","id":42,"lines":["⏺ Done"]}`
    Output {
        /// The prompt followed.
        id: i64,
        /// Lines that appeared in its pane, in screen order.
        lines: Vec<String>,
    },
    /// `{"ok":true,"type":"explanation","explanation":{…}}`
    Explanation {
        /// How the state was decided.
        explanation: Explanation,
    },
    /// `{"ok":true,"type":"backed_up","path":"/var/backups/assigner.db","pages":123}`
    BackedUp {
        /// Where the copy is.
        path: String,
        /// Database pages copied.
        pages: u64,
    },
    /// `{"ok":true,"type":"reloaded"}`
    Reloaded,
    /// `{"ok":true,"type":"pools","pools":[{"name":"claude","provider":"claude","count":2,"state":"running","agents":[{"n":1,"session":"claude-1","pane":"%3","state":"running","restarts":0}]}]}`
    Pools {
        /// Every pool.
        pools: Vec<PoolInfo>,
    },
    /// `{"ok":true,"type":"pool_scaled","pool":"claude","count":2}`
    PoolScaled {
        /// The pool.
        pool: String,
        /// Agents it is kept at now.
        count: u32,
    },
    /// `{"ok":true,"type":"pool_restarting","pool":"claude","sessions":["claude-2"]}`
    PoolRestarting {
        /// The pool.
        pool: String,
        /// The sessions to be started afresh.
        sessions: Vec<String>,
    },
    /// `{"ok":true,"type":"imported","report":{…}}`
    Imported {
        /// What was imported and skipped.
        report: ImportReport,
    },
}

/// One response line.
#[expect(
    clippy::large_enum_variant,
    reason = "messages live briefly, one at a time; boxing would only add noise"
)]
#[derive(Debug, Clone, PartialEq)]
pub enum Response {
    /// `{"ok":true,…}`
    Ok(Reply),
    /// `{"ok":false,"error":{…}}`
    Err(WireError),
}

impl Response {
    /// A failure response.
    pub fn error(kind: ErrorKind, message: impl Into<String>) -> Self {
        Self::Err(WireError::new(kind, message))
    }

    /// Serializes to one line, without the newline.
    pub fn to_line(&self) -> String {
        // Serializing these plain data types cannot fail.
        serde_json::to_string(self).unwrap_or_else(|e| {
            format!(r#"{{"ok":false,"error":{{"kind":"internal","message":"cannot encode response: {e}"}}}}"#)
        })
    }
}

impl Serialize for Response {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut value = match self {
            Self::Ok(reply) => serde_json::to_value(reply).map_err(serde::ser::Error::custom)?,
            Self::Err(err) => serde_json::json!({ "error": err }),
        };
        if let Some(obj) = value.as_object_mut() {
            obj.insert("ok".into(), matches!(self, Self::Ok(_)).into());
        }
        value.serialize(s)
    }
}

impl<'de> Deserialize<'de> for Response {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let mut value = serde_json::Value::deserialize(d)?;
        let obj = value
            .as_object_mut()
            .ok_or_else(|| D::Error::custom("response is not a JSON object"))?;
        let ok = obj
            .remove("ok")
            .and_then(|v| v.as_bool())
            .ok_or_else(|| D::Error::custom("response has no boolean \"ok\" field"))?;
        if ok {
            serde_json::from_value(value)
                .map(Self::Ok)
                .map_err(D::Error::custom)
        } else {
            let err = obj
                .remove("error")
                .ok_or_else(|| D::Error::custom("failed response has no \"error\" field"))?;
            serde_json::from_value(err)
                .map(Self::Err)
                .map_err(D::Error::custom)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::protocol::Request;

    #[test]
    fn ok_and_error_lines() {
        let line = Response::Ok(Reply::Sent { id: 7 }).to_line();
        let v: serde_json::Value = serde_json::from_str(&line).unwrap();
        assert_eq!(v["ok"], true);
        assert_eq!(v["type"], "sent");
        assert_eq!(v["id"], 7);
        let back: Response = serde_json::from_str(&line).unwrap();
        assert_eq!(back, Response::Ok(Reply::Sent { id: 7 }));

        let line = Response::error(ErrorKind::NotFound, "prompt 9 does not exist").to_line();
        assert_eq!(
            line,
            r#"{"error":{"kind":"not_found","message":"prompt 9 does not exist"},"ok":false}"#
        );
        let back: Response = serde_json::from_str(&line).unwrap();
        assert!(matches!(back, Response::Err(e) if e.kind == ErrorKind::NotFound));
    }

    #[test]
    fn requests_refuse_unknown_fields_and_types() {
        let ok: Request = serde_json::from_str(r#"{"type":"cancel","id":3}"#).unwrap();
        assert_eq!(ok, Request::Cancel { id: 3 });
        assert!(serde_json::from_str::<Request>(r#"{"type":"cancel","id":3,"x":1}"#).is_err());
        assert!(serde_json::from_str::<Request>(r#"{"type":"cancel","id":"3"}"#).is_err());
        assert!(serde_json::from_str::<Request>(r#"{"type":"explode"}"#).is_err());
        assert!(serde_json::from_str::<Request>(r#"{"type":"status","extra":true}"#).is_err());
        let send: Request =
            serde_json::from_str(r#"{"type":"send","prompt":{"text":"hi","priority":3}}"#).unwrap();
        assert!(matches!(send, Request::Send { prompt, .. } if prompt.priority == Some(3)));
        assert!(
            serde_json::from_str::<Request>(r#"{"type":"send","prompt":{"text":"hi","prio":3}}"#)
                .is_err()
        );
    }
}
