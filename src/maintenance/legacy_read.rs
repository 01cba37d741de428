//! Reading the original worker's database. Its columns changed between the
//! worker's versions and it was not strict about types, so everything here
//! reads by column name, takes an absent column as NULL and converts values
//! leniently; the import (`legacy.rs`) then sees rows keyed by column name.

use std::collections::BTreeMap;

use rusqlite::Connection;
use rusqlite::types::Value;

/// Prompt columns read when present; absent ones read as NULL (older
/// versions of the worker lacked the routing columns).
const PROMPT_COLUMNS: [&str; 17] = [
    "id",
    "content",
    "source",
    "priority",
    "status",
    "assigned_session",
    "created_at",
    "assigned_at",
    "completed_at",
    "response",
    "error",
    "metadata",
    "target_session",
    "target_provider",
    "retry_count",
    "max_retries",
    "timeout_minutes",
];

/// Every prompt row, in id order, keyed by the names of [`PROMPT_COLUMNS`];
/// `have` is the columns the table has (see [`columns`]).
pub(super) fn prompt_rows(
    old: &Connection,
    have: &[String],
) -> rusqlite::Result<Vec<BTreeMap<&'static str, Value>>> {
    let select = PROMPT_COLUMNS
        .iter()
        .map(|c| {
            if have.iter().any(|h| h == c) {
                (*c).to_owned()
            } else {
                format!("NULL AS {c}")
            }
        })
        .collect::<Vec<_>>()
        .join(", ");
    super::query_all(
        old,
        &format!("SELECT {select} FROM prompts ORDER BY id"),
        |r| {
            PROMPT_COLUMNS
                .iter()
                .enumerate()
                .map(|(i, c)| Ok((*c, r.get::<_, Value>(i)?)))
                .collect()
        },
    )
}

/// One row of the worker's `assignment_history`.
pub(super) struct LegacyEvent {
    pub(super) at: Option<String>,
    pub(super) event: String,
    pub(super) session: Option<String>,
    pub(super) detail: Option<String>,
}

/// `assignment_history` grouped by legacy prompt id. Its columns differ
/// between worker versions, so the well-known ones are picked by name and
/// every other column goes into the detail.
pub(super) fn legacy_history(
    old: &Connection,
) -> rusqlite::Result<BTreeMap<i64, Vec<LegacyEvent>>> {
    let cols = columns(old, "assignment_history")?;
    let mut out: BTreeMap<i64, Vec<LegacyEvent>> = BTreeMap::new();
    if !cols.iter().any(|c| c == "prompt_id") {
        return Ok(out);
    }
    let order = if cols.iter().any(|c| c == "id") {
        "id"
    } else {
        "rowid"
    };
    let rows = super::query_all(
        old,
        &format!("SELECT * FROM assignment_history ORDER BY {order}"),
        |r| {
            cols.iter()
                .enumerate()
                .map(|(i, c)| Ok((c.clone(), r.get::<_, Value>(i)?)))
                .collect::<rusqlite::Result<BTreeMap<_, _>>>()
        },
    )?;
    let pick = |row: &BTreeMap<String, Value>, names: &[&str]| {
        names.iter().find_map(|n| row.get(*n).and_then(text))
    };
    for row in rows {
        let Some(prompt) = row.get("prompt_id").and_then(int) else {
            continue;
        };
        let kind =
            pick(&row, &["status", "action", "event"]).unwrap_or_else(|| "assignment".into());
        let detail = row
            .iter()
            .filter(|(k, _)| !matches!(k.as_str(), "id" | "prompt_id"))
            .filter_map(|(k, v)| text(v).map(|v| format!("{k}={v}")))
            .collect::<Vec<_>>()
            .join(", ");
        out.entry(prompt).or_default().push(LegacyEvent {
            at: pick(
                &row,
                &[
                    "timestamp",
                    "at",
                    "assigned_at",
                    "created_at",
                    "completed_at",
                ],
            ),
            event: format!("legacy-{kind}"),
            session: pick(
                &row,
                &["session_name", "session", "assigned_session", "session_id"],
            ),
            detail: Some(detail).filter(|d| !d.is_empty()),
        });
    }
    Ok(out)
}

/// Column names of `table`; empty when the table does not exist.
pub(super) fn columns(conn: &Connection, table: &str) -> rusqlite::Result<Vec<String>> {
    super::query_all(conn, &format!("PRAGMA table_info({table})"), |r| {
        r.get::<_, String>(1)
    })
}

/// A value as text (numbers too; the worker was not strict about types).
pub(super) fn text(v: &Value) -> Option<String> {
    match v {
        Value::Text(s) if !s.is_empty() => Some(s.clone()),
        Value::Integer(i) => Some(i.to_string()),
        Value::Real(f) => Some(f.to_string()),
        _ => None,
    }
}

/// A value as an integer, accepting numeric text.
#[expect(
    clippy::cast_possible_truncation,
    reason = "a legacy REAL in an integer field keeps its whole part; `as` saturates"
)]
pub(super) fn int(v: &Value) -> Option<i64> {
    match v {
        Value::Integer(i) => Some(*i),
        Value::Real(f) => Some(*f as i64),
        Value::Text(s) => s.trim().parse().ok(),
        _ => None,
    }
}
