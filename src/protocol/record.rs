//! The store's prompt records as the wire shows them: the one place a
//! domain [`PromptSummary`] or [`PromptRecord`] becomes a [`PromptInfo`],
//! and a [`HistoryRow`] a `show` reply's [`HistoryEntry`] or a `watch`
//! stream's [`Event`].
//! A summary goes out with an empty `text` and no `response`, as the
//! `prompts` reply has always carried it (`man/assigner-protocol.7`).

use super::reports::{Event, EventKind};
use super::types::{HistoryEntry, PromptInfo};
use crate::model::{HistoryRow, PromptRecord, PromptSummary, Timestamp};

impl From<PromptSummary> for PromptInfo {
    fn from(p: PromptSummary) -> Self {
        let at = |t: Option<Timestamp>| t.map(Timestamp::into_string);
        Self {
            id: p.id,
            status: p.status,
            text: String::new(),
            preview: p.preview,
            priority: p.priority,
            target: p.routing.target,
            provider: p.routing.provider,
            providers: p.routing.providers,
            fallback: p.routing.fallback,
            allow_fallback: p.routing.allow_fallback,
            working_dir: p.routing.working_dir,
            env: p.env,
            prereqs: p.prereqs,
            branch: p.routing.branch,
            after: p.after,
            timeout_minutes: p.timeout_minutes,
            retry_count: p.retry_count,
            max_retries: p.max_retries,
            source: p.source,
            metadata: p.metadata,
            session: p.session,
            pane: p.pane,
            error: p.error,
            failure_kind: p.failure_kind,
            waiting_reason: p.waiting_reason,
            response: None,
            created_at: p.created_at.into_string(),
            assigned_at: at(p.assigned_at),
            started_at: at(p.started_at),
            finished_at: at(p.finished_at),
        }
    }
}

impl From<PromptRecord> for PromptInfo {
    fn from(p: PromptRecord) -> Self {
        Self {
            text: p.text,
            response: p.response,
            ..p.summary.into()
        }
    }
}

impl From<HistoryRow> for HistoryEntry {
    fn from(h: HistoryRow) -> Self {
        Self {
            at: h.at.into_string(),
            event: h.event,
            session: h.session,
            detail: h.detail,
        }
    }
}

impl From<HistoryRow> for Event {
    fn from(h: HistoryRow) -> Self {
        Self {
            at: h.at.into_string(),
            kind: EventKind::Prompt,
            id: Some(h.prompt),
            event: h.event,
            session: h.session,
            detail: h.detail,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The JSON `prompts` and `show` sent before the store had records of
    /// its own: a summary has an empty text and a null response.
    #[test]
    fn records_go_out_as_the_wire_always_showed_them() {
        let summary = PromptSummary {
            id: 7,
            preview: "fix it…".into(),
            priority: 5,
            created_at: Timestamp::from("2026-11-24T10:15:02.123Z".to_owned()),
            finished_at: Some(Timestamp::from("2026-11-24T10:16:00.000Z".to_owned())),
            ..PromptSummary::default()
        };
        let listed = serde_json::to_string(&PromptInfo::from(summary.clone())).unwrap();
        assert_eq!(
            listed,
            r#"{"id":7,"status":"pending","text":"","preview":"fix it…","priority":5,"target":null,"provider":null,"providers":[],"fallback":[],"allow_fallback":false,"working_dir":null,"env":{},"prereqs":[],"branch":null,"after":[],"timeout_minutes":null,"retry_count":0,"max_retries":0,"source":null,"metadata":null,"session":null,"pane":null,"error":null,"waiting_reason":null,"response":null,"created_at":"2026-11-24T10:15:02.123Z","assigned_at":null,"started_at":null,"finished_at":"2026-11-24T10:16:00.000Z"}"#
        );
        let shown = PromptInfo::from(PromptRecord {
            summary,
            text: "fix it\nnow".into(),
            response: Some("done".into()),
        });
        assert_eq!(
            (shown.text.as_str(), shown.response.as_deref()),
            ("fix it\nnow", Some("done"))
        );
        assert_eq!(shown.preview, "fix it…");
    }
}
