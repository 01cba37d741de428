//! Mapping between `prompts` rows and the domain's [`PromptSummary`] and
//! [`PromptRecord`].

use rusqlite::Row;

use crate::model::{FailureKind, PromptRecord, PromptStatus, PromptSummary, Routing, Timestamp};

/// The columns [`record_from_row`] and [`summary_from_row`] read, in
/// order, with `$text`, `$response` and `$kind` for the text, the response
/// and the failure kind.
macro_rules! prompt_columns {
    ($text:literal, $response:literal, $kind:literal) => {
        concat!(
            "id, status, ",
            $text,
            ", priority, ",
            routing_columns!(),
            ", env_vars, prerequisites, timeout_minutes, retry_count, max_retries, source, \
            metadata, assigned_session, assigned_pane, error, waiting_reason, ",
            $response,
            ", created_at, assigned_at, started_at, finished_at, ",
            deps_sql!(),
            ", ",
            $kind
        )
    };
}

/// Columns read by [`record_from_row`].
pub(crate) const PROMPT_COLUMNS: &str = prompt_columns!("content", "response", "failure_kind");

/// The same columns for lists and maintenance: the text only as far as the
/// preview needs it, and no response, so a long list of large prompts is
/// cheap to scan. `$kind` is the failure kind's column, or NULL.
macro_rules! summary_columns {
    ($kind:literal) => {
        prompt_columns!("substr(content, 1, 400)", "NULL", $kind)
    };
}
pub(crate) const PROMPT_SUMMARY_COLUMNS: &str = summary_columns!("failure_kind");

/// [`PROMPT_SUMMARY_COLUMNS`] for `conn`, which a read-only `cleanup` may
/// have opened on a database an older daemon wrote (schema 2 and before
/// have no failure kinds; nothing is migrated without a writer).
pub(crate) fn summary_columns(conn: &rusqlite::Connection) -> &'static str {
    if has_failure_kind(conn) {
        PROMPT_SUMMARY_COLUMNS
    } else {
        summary_columns!("NULL")
    }
}

/// The failure kind's column on `conn`, or NULL on a database from before
/// schema 3 (see [`summary_columns`]).
pub(crate) fn failure_kind_column(conn: &rusqlite::Connection) -> &'static str {
    if has_failure_kind(conn) {
        "failure_kind"
    } else {
        "NULL"
    }
}

/// Whether the `prompts` table has the `failure_kind` column (schema 3).
fn has_failure_kind(conn: &rusqlite::Connection) -> bool {
    conn.prepare("SELECT failure_kind FROM prompts LIMIT 0")
        .is_ok()
}

/// Longest preview shown in tables, in characters.
const PREVIEW_CHARS: usize = 60;

/// Builds a [`PromptSummary`] from [`PROMPT_SUMMARY_COLUMNS`] (or
/// [`PROMPT_COLUMNS`]: the order is the same).
pub(crate) fn summary_from_row(row: &Row<'_>) -> rusqlite::Result<PromptSummary> {
    summary_with(row, &row.get::<_, String>(2)?)
}

/// Builds a [`PromptRecord`] from [`PROMPT_COLUMNS`].
pub(crate) fn record_from_row(row: &Row<'_>) -> rusqlite::Result<PromptRecord> {
    let text: String = row.get(2)?;
    Ok(PromptRecord {
        summary: summary_with(row, &text)?,
        text,
        response: row.get(22)?,
    })
}

/// The summary of a row whose text (or its start) is `text`.
fn summary_with(row: &Row<'_>, text: &str) -> rusqlite::Result<PromptSummary> {
    let status: String = row.get(1)?;
    let json = |idx: usize| -> rusqlite::Result<Option<String>> { row.get(idx) };
    let at = |idx: usize| -> rusqlite::Result<Option<Timestamp>> {
        Ok(row.get::<_, Option<String>>(idx)?.map(Timestamp::from))
    };
    Ok(PromptSummary {
        id: row.get(0)?,
        // The schema's CHECK allows only known statuses: another one is a
        // damaged row, said as such, never read as some status it is not.
        status: status.parse::<PromptStatus>().map_err(|_| {
            rusqlite::Error::FromSqlConversionFailure(
                1,
                rusqlite::types::Type::Text,
                format!("unknown prompt status '{status}'").into(),
            )
        })?,
        preview: preview(text),
        priority: u8::try_from(row.get::<_, i64>(3)?.clamp(0, 10)).unwrap_or(10),
        routing: routing_from_row(row, 4)?,
        env: parse_or_default(json(11)?),
        prereqs: parse_or_default(json(12)?),
        timeout_minutes: row.get::<_, Option<i64>>(13)?.map(super::u32_from),
        retry_count: super::u32_from(row.get(14)?),
        max_retries: super::u32_from(row.get(15)?),
        source: row.get(16)?,
        metadata: json(17)?.and_then(|s| serde_json::from_str(&s).ok()),
        session: row.get(18)?,
        pane: row.get(19)?,
        error: row.get(20)?,
        failure_kind: row
            .get::<_, Option<String>>(28)?
            .as_deref()
            .and_then(FailureKind::parse),
        waiting_reason: row.get(21)?,
        created_at: Timestamp::from(row.get::<_, String>(23)?),
        assigned_at: at(24)?,
        started_at: at(25)?,
        finished_at: at(26)?,
        after: parse_or_default(json(27)?),
    })
}

/// The [`Routing`] in the columns `routing_columns!` names, the first at
/// `first`.
pub(super) fn routing_from_row(row: &Row<'_>, first: usize) -> rusqlite::Result<Routing> {
    let list =
        |i: usize| -> rusqlite::Result<Vec<String>> { Ok(parse_or_default(row.get(first + i)?)) };
    Ok(Routing {
        target: row.get(first)?,
        provider: row.get(first + 1)?,
        providers: list(2)?,
        fallback: list(3)?,
        allow_fallback: row.get(first + 4)?,
        working_dir: row.get(first + 5)?,
        branch: row.get(first + 6)?,
    })
}

/// Parses a JSON column, falling back to the empty value for NULL or
/// malformed data (imported rows may carry either).
pub(super) fn parse_or_default<T: serde::de::DeserializeOwned + Default>(s: Option<String>) -> T {
    s.and_then(|s| serde_json::from_str(&s).ok())
        .unwrap_or_default()
}

/// First non-empty line, shortened to [`PREVIEW_CHARS`].
pub(crate) fn preview(text: &str) -> String {
    let first = text.lines().find(|l| !l.trim().is_empty()).unwrap_or("");
    let more_lines = text.trim().lines().count() > 1;
    let mut out: String = first.trim().chars().take(PREVIEW_CHARS).collect();
    if first.trim().chars().count() > PREVIEW_CHARS || more_lines {
        out.push('…');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::{preview, record_from_row};

    #[test]
    fn an_unknown_status_is_an_error_not_another_status() {
        let conn = rusqlite::Connection::open_in_memory().unwrap();
        let nulls = vec!["NULL"; 26].join(", ");
        let read = |status: &str| {
            conn.query_row(&format!("SELECT 1, '{status}', 'text', {nulls}"), [], |r| {
                record_from_row(r)
            })
        };
        let err = read("half-done").unwrap_err();
        assert!(
            err.to_string()
                .contains("unknown prompt status 'half-done'"),
            "{err}"
        );
    }

    #[test]
    fn previews() {
        assert_eq!(preview("fix it"), "fix it");
        assert_eq!(preview("\n  first\nsecond"), "first…");
        assert_eq!(preview(&"x".repeat(70)).chars().count(), 61);
    }
}
