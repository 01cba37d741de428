//! Pending prompts that no tracked session could ever take: a target that
//! is not tracked, or providers that no tracked session runs. Such a prompt
//! would wait for ever without a word, so `cleanup` lists it under its own
//! heading and `status` counts it (assignerctl(1), ROUTING).
//!
//! "Tracked" means the session rows of the database, which the daemon keeps
//! in step with tmux: the same answer online and offline.

use rusqlite::Connection;

use crate::error::StoreError;
use crate::protocol::{PromptStatus, SessionState, Unroutable};
use crate::route::{Candidate, unreachable};
use crate::store::prompts_in;

/// Every pending prompt no tracked session could take, with the reason.
pub fn unroutable(conn: &Connection) -> Result<Vec<Unroutable>, StoreError> {
    let pending = prompts_in(conn, PromptStatus::Pending)?;
    if pending.is_empty() {
        return Ok(Vec::new());
    }
    let sessions = tracked(conn).map_err(StoreError::sqlite("listing sessions"))?;
    Ok(pending
        .iter()
        .filter_map(|p| unreachable(p, &sessions).map(|reason| Unroutable { id: p.id, reason }))
        .collect())
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
