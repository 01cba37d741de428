//! Copies every readable row of a damaged database into a fresh one.
//!
//! A scan stops at the first damaged page, so rows are fetched one by one
//! by id: a lookup only touches the pages on its own path through the
//! b-tree, and a row behind a damaged page costs that row alone.

use std::collections::BTreeSet;
use std::path::Path;

use rusqlite::{Connection, OpenFlags};

use super::salvage_copy::{
    Copy, common_columns, copy_deps, copy_legacy_ledger, copy_pool_scales, copy_row, copy_sessions,
    id_bound,
};
use crate::error::StoreError;
use crate::model::HistoryEvent;
use crate::store::Store;

/// Rows copied and rows that could not be read.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Salvaged {
    /// Prompts copied.
    pub prompts: u64,
    /// Prompt ids that existed but could not be read or written.
    pub prompts_lost: u64,
    /// History rows copied.
    pub history: u64,
    /// History rows that could not be read, or whose prompt was lost.
    pub history_lost: u64,
    /// Dependencies copied.
    pub deps: u64,
    /// Prompts in flight, kept as they were for restart recovery.
    pub in_flight: u64,
    /// Session rows copied.
    pub sessions: u64,
    /// Pools' scaled counts copied.
    pub pool_scales: u64,
    /// The old file's table definitions could not be read (a damaged page
    /// of its schema): nothing could be salvaged, and how many prompts it
    /// held cannot be told, so the loss is reported as such.
    pub schema_lost: bool,
}

/// Copies what can be read from `src` into `store`, in one transaction.
pub fn salvage(src: &Path, store: &mut Store) -> Result<Salvaged, StoreError> {
    let mut out = Salvaged::default();
    let Ok(old) = Connection::open_with_flags(src, OpenFlags::SQLITE_OPEN_READ_ONLY) else {
        return Ok(out);
    };
    let schema: rusqlite::Result<Vec<String>> = old
        .prepare("SELECT name FROM sqlite_schema")
        .and_then(|mut st| st.query_map([], |r| r.get(0))?.collect());
    if schema.is_err() {
        out.schema_lost = true;
        return Ok(out);
    }
    let moved = src.display().to_string();
    let tx = store.write_tx()?;
    let prompt_cols = common_columns(&old, &tx, "prompts");
    let mut kept = BTreeSet::new();
    let mut lost = BTreeSet::new();
    if prompt_cols.iter().any(|c| c == "id") {
        let bound = id_bound(&old, "prompts");
        for id in 1..=bound {
            match copy_row(&old, &tx, "prompts", &prompt_cols, id) {
                Copy::Copied => {
                    kept.insert(id);
                }
                Copy::Absent => {}
                Copy::Lost => {
                    out.prompts_lost += 1;
                    lost.insert(id);
                }
            }
        }
        // Ids of lost prompts are never handed out again.
        let seq = StoreError::sqlite("recording the highest prompt id");
        let updated = tx
            .execute(
                "UPDATE sqlite_sequence SET seq = max(seq, ?1) WHERE name = 'prompts'",
                [bound],
            )
            .map_err(seq)?;
        if updated == 0 && bound > 0 {
            tx.execute(
                "INSERT INTO sqlite_sequence (name, seq) VALUES ('prompts', ?1)",
                [bound],
            )
            .map_err(StoreError::sqlite("recording the highest prompt id"))?;
        }
    }
    out.prompts = kept.len() as u64;
    let history_cols = common_columns(&old, &tx, "history");
    if history_cols.iter().any(|c| c == "id") && history_cols.iter().any(|c| c == "prompt_id") {
        for id in 1..=id_bound(&old, "history") {
            let owner: rusqlite::Result<i64> =
                old.query_row("SELECT prompt_id FROM history WHERE id = ?1", [id], |r| {
                    r.get(0)
                });
            match owner {
                Ok(p) if kept.contains(&p) => {
                    match copy_row(&old, &tx, "history", &history_cols, id) {
                        Copy::Copied => out.history += 1,
                        _ => out.history_lost += 1,
                    }
                }
                Err(rusqlite::Error::QueryReturnedNoRows) => {}
                _ => out.history_lost += 1,
            }
        }
    }
    copy_legacy_ledger(&old, &tx, &lost);
    out.sessions = copy_sessions(&old, &tx, &kept);
    out.pool_scales = copy_pool_scales(&old, &tx);
    for id in &kept {
        out.deps += copy_deps(&old, &tx, *id);
        // A prompt in flight keeps its status, phase and pane: its agent
        // may be working on it, so only restart recovery, which looks at
        // the pane, may decide what happens to it (see engine/recover.rs).
        let held: Option<String> = tx
            .query_row("SELECT status FROM prompts WHERE id = ?1", [id], |r| {
                r.get(0)
            })
            .map_err(StoreError::sqlite("reading a salvaged prompt"))?;
        let detail = match held.as_deref() {
            Some(status @ ("assigned" | "in_progress")) => {
                out.in_flight += 1;
                format!(
                    "salvaged from the corrupt database {moved}; it was {status}, and restart \
                     recovery resolves it from its pane"
                )
            }
            _ => format!("salvaged from the corrupt database {moved}"),
        };
        crate::store::append_history(&tx, *id, HistoryEvent::Recovered, None, Some(&detail))?;
    }
    tx.commit()
        .map_err(StoreError::sqlite("committing salvaged rows"))?;
    Ok(out)
}
