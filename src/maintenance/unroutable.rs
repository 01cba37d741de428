//! Pending prompts that no tracked session could ever take: a target that
//! is not tracked, or providers that no tracked session runs. Such a prompt
//! would wait for ever without a word, so `cleanup` lists it under its own
//! heading and `status` counts it (assignerctl(1), ROUTING).
//!
//! "Tracked" means the session rows of the database, which the daemon keeps
//! in step with tmux: the same answer online and offline.

use std::collections::HashMap;

use rusqlite::Connection;

use crate::error::StoreError;
use crate::model::Routing;
use crate::protocol::{SessionState, Unroutable};
use crate::route::{Candidate, unreachable};

/// The columns that decide whether a prompt is reachable: its target and
/// the providers it accepts. A long queue holds few distinct combinations,
/// so each is routed once, not each prompt.
const KEY: &str = "target_session, target_provider, preferred_providers, \
    fallback_providers, allow_fallback";

/// The routing columns of a pending prompt, as stored.
type Key = (
    Option<String>,
    Option<String>,
    Option<String>,
    Option<String>,
    bool,
);

/// Every pending prompt no tracked session could take, with the reason,
/// highest priority then oldest first.
pub fn unroutable(conn: &Connection) -> Result<Vec<Unroutable>, StoreError> {
    let reasons = unreachable_keys(conn)?;
    if reasons.is_empty() {
        return Ok(Vec::new());
    }
    let sql = format!(
        "SELECT id, {KEY} FROM prompts WHERE status = 'pending' ORDER BY priority DESC, id ASC"
    );
    let err = StoreError::sqlite("reading the queue");
    let mut stmt = conn.prepare_cached(&sql).map_err(err)?;
    let rows = stmt
        .query_map([], |r| Ok((r.get::<_, i64>(0)?, key(r, 1)?)))
        .map_err(StoreError::sqlite("reading the queue"))?;
    let mut out = Vec::new();
    for row in rows {
        let (id, key) = row.map_err(StoreError::sqlite("reading the queue"))?;
        if let Some((reason, _)) = reasons.get(&key) {
            out.push(Unroutable {
                id,
                reason: reason.clone(),
            });
        }
    }
    Ok(out)
}

/// How many pending prompts no tracked session could take: what `status`
/// shows, at the cost of one grouped read of the queue's routing columns.
pub fn unroutable_count(conn: &Connection) -> Result<u64, StoreError> {
    Ok(unreachable_keys(conn)?.values().map(|(_, n)| n).sum())
}

/// Each combination of routing columns among pending prompts that no
/// tracked session could serve, with the reason and how many prompts have
/// it.
fn unreachable_keys(conn: &Connection) -> Result<HashMap<Key, (String, u64)>, StoreError> {
    let sql =
        format!("SELECT count(*), {KEY} FROM prompts WHERE status = 'pending' GROUP BY {KEY}");
    let mut stmt = conn
        .prepare_cached(&sql)
        .map_err(StoreError::sqlite("reading the queue"))?;
    let groups = stmt
        .query_map([], |r| Ok((r.get::<_, i64>(0)?, key(r, 1)?)))
        .map_err(StoreError::sqlite("reading the queue"))?
        .collect::<Result<Vec<_>, _>>()
        .map_err(StoreError::sqlite("reading the queue"))?;
    if groups.is_empty() {
        return Ok(HashMap::new());
    }
    let sessions = tracked(conn).map_err(StoreError::sqlite("listing sessions"))?;
    Ok(groups
        .into_iter()
        .filter_map(|(n, key)| {
            let reason = unreachable(&as_prompt(&key), &sessions)?;
            Some((key, (reason, crate::store::u64_from(n))))
        })
        .collect())
}

fn key(r: &rusqlite::Row<'_>, at: usize) -> rusqlite::Result<Key> {
    Ok((
        r.get(at)?,
        r.get(at + 1)?,
        r.get(at + 2)?,
        r.get(at + 3)?,
        r.get(at + 4)?,
    ))
}

/// The routing of the prompts of `key`, as [`unreachable`] reads it.
fn as_prompt(key: &Key) -> Routing {
    let list = |s: &Option<String>| -> Vec<String> {
        s.as_deref()
            .and_then(|s| serde_json::from_str(s).ok())
            .unwrap_or_default()
    };
    Routing {
        target: key.0.clone(),
        provider: key.1.clone(),
        providers: list(&key.2),
        fallback: list(&key.3),
        allow_fallback: key.4,
        ..Routing::default()
    }
}

/// The session rows as routing sees them; their state does not matter here.
fn tracked(conn: &Connection) -> rusqlite::Result<Vec<Candidate>> {
    let mut stmt = conn
        .prepare_cached("SELECT pane_id, session_name, name, provider, excluded FROM sessions")?;
    let rows = stmt.query_map([], |r| {
        Ok(Candidate {
            pane: r.get(0)?,
            session: r.get(1)?,
            name: r.get(2)?,
            provider: r.get(3)?,
            available: false,
            set_aside: None,
            state: SessionState::Unknown,
            excluded: r.get(4)?,
            working_dir: None,
            branch: None,
            last_assigned: None,
            line_by_line: false,
        })
    })?;
    rows.collect()
}
