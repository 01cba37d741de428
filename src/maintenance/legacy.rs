//! `import-legacy`: prompts, routing, context and history from the original
//! Python worker's database, opened read-only.
//!
//! Each imported prompt records its old id in `legacy_id` (unique), so a
//! second run skips what the first imported. Prompts the old worker had
//! handed out (`assigned`, `in_progress`) come back as `pending`, with a
//! history row saying why: their delivery cannot be confirmed from here.

use std::collections::BTreeMap;
use std::path::Path;

use rusqlite::types::Value;
use rusqlite::{Connection, OpenFlags, OptionalExtension, Transaction, params};
use tracing::info;

use super::MaintError;
use super::legacy_read::{LegacyEvent, columns, int, legacy_history, prompt_rows, text};
use super::legacy_row::{original_routing, parse_metadata};
use crate::error::StoreError;
use crate::model::HistoryEvent;
use crate::protocol::{ImportReport, MAX_RETRIES, TIMEOUT_MINUTES, validate_prompt_text};
use crate::store::{NOW, Store, append_history, to_json};

/// Imports every prompt of the legacy database at `path` not imported yet.
pub fn import(store: &mut Store, path: &Path) -> Result<ImportReport, MaintError> {
    if !path.exists() {
        return Err(MaintError::Missing(path.to_owned()));
    }
    let not_sqlite = |e: rusqlite::Error| MaintError::NotSqlite {
        path: path.to_owned(),
        detail: e.to_string(),
    };
    let old = Connection::open_with_flags(
        path,
        OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )
    .map_err(not_sqlite)?;
    let have = columns(&old, "prompts").map_err(not_sqlite)?;
    if !(have.iter().any(|c| c == "id") && have.iter().any(|c| c == "content")) {
        return Err(MaintError::NotLegacy {
            path: path.to_owned(),
            detail: "it has no prompts table with id and content columns".into(),
        });
    }
    let rows = prompt_rows(&old, &have).map_err(not_sqlite)?;
    let history = legacy_history(&old).map_err(not_sqlite)?;
    let mut report = ImportReport::default();
    let sessions: i64 = old
        .query_row("SELECT count(*) FROM sessions", [], |r| r.get(0))
        .unwrap_or(0);
    if sessions > 0 {
        report.notes.push(format!(
            "{sessions} legacy session row(s) not imported: assigner discovers sessions from tmux"
        ));
    }
    let source = path.display().to_string();
    let tx = store.write_tx()?;
    for row in rows {
        let Some(legacy_id) = int(&row["id"]) else {
            report
                .notes
                .push("a row without an integer id was skipped".into());
            continue;
        };
        match import_one(&tx, &row, legacy_id, history.get(&legacy_id), &source)? {
            Ok(new_id) => {
                info!(prompt_id = new_id, legacy_id, "imported legacy prompt");
                report.imported.push((legacy_id, new_id));
            }
            Err(reason) => {
                info!(legacy_id, reason = %reason, "skipped legacy prompt");
                report.skipped.push((legacy_id, reason));
            }
        }
    }
    tx.commit()
        .map_err(StoreError::sqlite("committing the import"))?;
    Ok(report)
}

/// Inserts one legacy prompt. The outer error aborts the import; the inner
/// one is a reason to skip this row.
fn import_one(
    tx: &Transaction<'_>,
    row: &BTreeMap<&str, Value>,
    legacy_id: i64,
    history: Option<&Vec<LegacyEvent>>,
    source: &str,
) -> Result<Result<i64, String>, StoreError> {
    let existing: Option<(Option<i64>, bool)> = tx
        .query_row(
            "SELECT l.prompt_id, p.id IS NOT NULL FROM legacy_imports l
             LEFT JOIN prompts p ON p.id = l.prompt_id WHERE l.legacy_id = ?1",
            [legacy_id],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .optional()
        .map_err(StoreError::sqlite("looking up imported prompts"))?;
    match existing {
        Some((Some(id), true)) => return Ok(Err(format!("already imported as prompt {id}"))),
        Some((id, _)) => {
            let was = id.map_or(String::new(), |id| format!(" as prompt {id}"));
            return Ok(Err(format!("already imported{was}, since cleared")));
        }
        None => {}
    }
    let content = text(&row["content"]).unwrap_or_default();
    if let Err(e) = validate_prompt_text(&content) {
        return Ok(Err(e));
    }
    let old_status = text(&row["status"]).unwrap_or_else(|| "pending".into());
    let status = match old_status.as_str() {
        "pending" | "completed" | "failed" | "cancelled" => old_status.clone(),
        "assigned" | "in_progress" => "pending".into(),
        other => return Ok(Err(format!("unknown status '{other}'"))),
    };
    let handed_out = status != old_status;
    let mut ctx = parse_metadata(text(&row["metadata"]).as_deref());
    original_routing(text(&row["target_provider"]).as_deref(), &mut ctx);
    let finished = matches!(status.as_str(), "completed" | "failed" | "cancelled");
    tx.execute(
        &format!(
            "INSERT INTO prompts (content, source, priority, status, target_session, target_provider,
                preferred_providers, fallback_providers, allow_fallback, working_dir, env_vars,
                prerequisites, git_branch, timeout_minutes, max_retries, retry_count, metadata,
                assigned_session, response, error, legacy_id, created_at, updated_at,
                assigned_at, finished_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17,
                ?18, ?19, ?20, ?21, coalesce(strftime('%Y-%m-%dT%H:%M:%fZ', ?22), {NOW}), {NOW},
                strftime('%Y-%m-%dT%H:%M:%fZ', ?23), strftime('%Y-%m-%dT%H:%M:%fZ', ?24))"
        ),
        params![
            content,
            text(&row["source"]).unwrap_or_else(|| "legacy".into()),
            int(&row["priority"]).unwrap_or(5).clamp(0, 10),
            status,
            text(&row["target_session"]),
            text(&row["target_provider"]),
            to_json(&ctx.providers),
            to_json(&ctx.fallback),
            ctx.allow_fallback,
            ctx.working_dir,
            to_json(&ctx.env),
            to_json(&ctx.prereqs),
            ctx.branch,
            int(&row["timeout_minutes"])
                .filter(|m| *m > 0)
                .map(|m| m.min(i64::from(*TIMEOUT_MINUTES.end()))),
            int(&row["max_retries"])
                .unwrap_or(3)
                .clamp(0, i64::from(*MAX_RETRIES.end())),
            int(&row["retry_count"]).unwrap_or(0).max(0),
            ctx.extra.as_ref().map(std::string::ToString::to_string),
            text(&row["assigned_session"]).filter(|_| finished),
            text(&row["response"]),
            text(&row["error"]).filter(|_| !handed_out),
            legacy_id,
            text(&row["created_at"]),
            text(&row["assigned_at"]).filter(|_| finished),
            text(&row["completed_at"]).filter(|_| finished),
        ],
    )
    .map_err(StoreError::sqlite("inserting an imported prompt"))?;
    let id = tx.last_insert_rowid();
    tx.execute(
        &format!(
            "INSERT INTO legacy_imports (legacy_id, prompt_id, imported_at) VALUES (?1, ?2, {NOW})"
        ),
        params![legacy_id, id],
    )
    .map_err(StoreError::sqlite("recording an imported prompt"))?;
    for ev in history.into_iter().flatten() {
        tx.execute(
            &format!(
                "INSERT INTO history (prompt_id, at, event, session, detail)
                 VALUES (?1, coalesce(strftime('%Y-%m-%dT%H:%M:%fZ', ?2), {NOW}), ?3, ?4, ?5)"
            ),
            params![id, ev.at, ev.event, ev.session, ev.detail],
        )
        .map_err(StoreError::sqlite("importing history"))?;
    }
    let mut detail = format!("imported from {source}, legacy id {legacy_id}, status {old_status}");
    for note in &ctx.notes {
        detail.push_str("; ");
        detail.push_str(note);
    }
    append_history(tx, id, HistoryEvent::Imported, None, Some(&detail))?;
    if handed_out {
        let why = format!(
            "was {old_status} in the original worker; whether it reached an agent cannot be \
             confirmed, so it is pending again"
        );
        append_history(tx, id, HistoryEvent::Requeued, None, Some(&why))?;
    }
    Ok(Ok(id))
}
