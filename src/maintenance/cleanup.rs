//! `cleanup`: reconcile the database with what tmux shows.
//!
//! A run first computes a [`Plan`] (the report plus the exact actions),
//! then either returns it (dry run) or carries it out with [`apply`]. Both
//! paths share the plan, so a dry run lists exactly what `--apply` does.

use std::sync::LazyLock;

use regex::Regex;
use rusqlite::Connection;

pub use super::cleanup_action::{Action, Plan};
pub use super::cleanup_apply::apply;
pub use super::tmux_view::TmuxView;
use crate::error::StoreError;
use crate::model::FailureKind;
use crate::protocol::{CleanupReport, FailedGroup, FailedPrompt, MAYBE_DELIVERED, StaleSession};
use crate::store::{failure_kind_column, u32_from};

/// Errors meaning "the target session did not exist", for failures
/// recorded without a kind: assigner's own wording before kinds were kept,
/// and the original worker's.
static MISSING_TARGET: LazyLock<[Regex; 2]> = LazyLock::new(|| {
    [
        Regex::new(r"(?i)target session '([^']+)' not found").expect("valid regex"),
        Regex::new(r"can't find (?:pane|session|window):?\s*([^\s;,]+)").expect("valid regex"),
    ]
});

/// The session a failure says was missing, if that is why it failed.
pub fn missing_target(error: &str) -> Option<String> {
    MISSING_TARGET
        .iter()
        .find_map(|re| re.captures(error))
        .map(|c| {
            c[1].trim_start_matches('=')
                .trim_end_matches(':')
                .to_owned()
        })
}

/// Whether any session row was recorded on the tmux server with `pid` (or
/// on an unrecorded one): the sign that this server is the daemon's.
pub fn seen_on(conn: &Connection, pid: u32) -> bool {
    conn.query_row(
        "SELECT EXISTS (SELECT 1 FROM sessions WHERE server_pid = ?1 OR server_pid IS NULL)",
        [pid],
        |r| r.get(0),
    )
    .unwrap_or(true)
}

/// Computes the report and the plan from the database and the tmux view.
pub fn plan(conn: &Connection, view: &TmuxView, retry_failed: bool) -> Result<Plan, StoreError> {
    let read = StoreError::sqlite;
    let mut report = CleanupReport {
        tmux_sessions: view.sessions.iter().cloned().collect(),
        counts: crate::store::counts(conn)?,
        unroutable: super::unroutable(conn)?,
        ..CleanupReport::default()
    };
    let mut actions = Vec::new();
    let mut stmt = conn
        .prepare(
            "SELECT s.pane_id, s.name, s.server_pid,
                 coalesce(
                   (SELECT id FROM prompts p WHERE p.id = s.current_prompt
                    AND p.status IN ('assigned','in_progress')),
                   (SELECT id FROM prompts p WHERE p.assigned_pane = s.pane_id
                    AND p.status IN ('assigned','in_progress') ORDER BY id LIMIT 1))
             FROM sessions s ORDER BY s.name, s.pane_id",
        )
        .map_err(read("listing sessions"))?;
    let sessions = stmt
        .query_map([], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, Option<u32>>(2)?,
                r.get::<_, Option<i64>>(3)?,
            ))
        })
        .map_err(read("listing sessions"))?
        .collect::<Result<Vec<_>, _>>()
        .map_err(read("listing sessions"))?;
    for (pane, name, server_pid, prompt) in sessions {
        if view.has_pane(&pane, server_pid) {
            continue;
        }
        report.stale_sessions.push(StaleSession {
            name: name.clone(),
            pane: pane.clone(),
            prompt,
        });
        actions.push(Action::DropStale {
            pane,
            session: name,
            prompt,
        });
    }
    let kind = failure_kind_column(conn);
    let mut stmt = conn
        .prepare(&format!(
            "SELECT id, target_session, retry_count, max_retries, error, {kind} FROM prompts
             WHERE status = 'failed' ORDER BY coalesce(target_session, ''), id",
        ))
        .map_err(read("listing failed prompts"))?;
    let failed = stmt
        .query_map([], |r| {
            let kind = r.get::<_, Option<String>>(5)?;
            Ok((
                r.get::<_, Option<String>>(1)?,
                kind.as_deref().map(FailureKind::parse),
                FailedPrompt {
                    id: r.get(0)?,
                    retry_count: u32_from(r.get(2)?),
                    max_retries: u32_from(r.get(3)?),
                    error: r.get(4)?,
                },
            ))
        })
        .map_err(read("listing failed prompts"))?
        .collect::<Result<Vec<_>, _>>()
        .map_err(read("listing failed prompts"))?;
    for (target, kind, p) in failed {
        // The kind decides; a failure recorded before kinds were kept has
        // only its text (the original worker's included).
        let missing = match kind {
            Some(kind) => (kind == Some(FailureKind::MissingTarget))
                .then(|| target.clone())
                .flatten(),
            None => p.error.as_deref().and_then(missing_target),
        };
        let maybe_delivered = match kind {
            Some(kind) => kind == Some(FailureKind::MaybeDelivered),
            None => p
                .error
                .as_deref()
                .is_some_and(|e| e.contains(MAYBE_DELIVERED)),
        };
        let target = target.unwrap_or_else(|| "(any)".into());
        if report
            .failed_by_target
            .last()
            .is_none_or(|g| g.target != target)
        {
            report.failed_by_target.push(FailedGroup {
                exists: view.sessions.contains(&target),
                target,
                prompts: Vec::new(),
            });
        }
        if let Some(missing) = missing {
            actions.push(Action::ResetMissingTarget { id: p.id, missing });
        } else if retry_failed && p.retry_count < p.max_retries {
            actions.push(Action::Retry {
                id: p.id,
                attempt: p.retry_count + 1,
                max: p.max_retries,
                maybe_delivered,
            });
        }
        if let Some(g) = report.failed_by_target.last_mut() {
            g.prompts.push(p);
        }
    }
    report.actions = actions.iter().map(Action::describe).collect();
    Ok(Plan { report, actions })
}

#[cfg(test)]
mod tests {
    use super::missing_target;

    #[test]
    fn recognises_both_wordings_of_a_missing_session() {
        let cases = [
            (
                "Target session 'test-claude' not found in tmux",
                Some("test-claude"),
            ),
            ("target session 'a b' not found in tmux", Some("a b")),
            (
                "tmux send-keys failed: can't find pane: test-claude",
                Some("test-claude"),
            ),
            ("can't find session: =dev", Some("dev")),
            ("agent crashed", None),
        ];
        for (error, want) in cases {
            assert_eq!(missing_target(error).as_deref(), want, "{error}");
        }
    }
}
