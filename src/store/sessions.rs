//! The `sessions` table: the engine's view of each pane, mirrored to disk so
//! that `status`, `cleanup` and offline tools see what the daemon saw.

use rusqlite::params;

use super::{NOW, Store};
use crate::error::StoreError;
use crate::protocol::{SessionInfo, SessionState};

/// One tracked pane as stored: what `sessions` shows, plus the tmux
/// identity that only the engine and `cleanup` need.
#[derive(Debug, Clone, PartialEq)]
pub struct SessionRow {
    /// The protocol view (name, pane id, provider, state, ...).
    pub info: SessionInfo,
    /// tmux server pid when last seen; pane ids are only unique per server.
    pub server_pid: Option<u32>,
    /// tmux session name.
    pub session_name: String,
    /// Window index.
    pub window: u32,
    /// Pane index.
    pub index: u32,
    /// Pane's process id.
    pub pane_pid: Option<u32>,
}

impl Store {
    /// Inserts or updates one pane.
    pub fn upsert_session(&mut self, s: &SessionRow) -> Result<(), StoreError> {
        let before = self.conn.total_changes();
        self.conn
            .execute(
                &format!(
                    "INSERT INTO sessions (pane_id, server_pid, name, session_name, window_index,
                        pane_index, provider, state, rule, working_dir, git_branch, command, pane_pid,
                        current_prompt, excluded, last_activity, first_seen, updated_at)
                     VALUES (?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,?12,?13,?14,?15,?16,{NOW},{NOW})
                     ON CONFLICT (pane_id) DO UPDATE SET server_pid=?2, name=?3, session_name=?4,
                        window_index=?5, pane_index=?6, provider=?7, state=?8, rule=?9,
                        working_dir=?10, git_branch=?11, command=?12, pane_pid=?13,
                        current_prompt=?14, excluded=?15, last_activity=?16, updated_at={NOW}"
                ),
                params![
                    s.info.pane,
                    s.server_pid,
                    s.info.name,
                    s.session_name,
                    s.window,
                    s.index,
                    s.info.provider,
                    s.info.state.as_str(),
                    s.info.rule,
                    s.info.working_dir,
                    s.info.branch,
                    s.info.command,
                    s.pane_pid,
                    s.info.prompt,
                    s.info.excluded,
                    s.info.last_activity,
                ],
            )
            .map_err(StoreError::sqlite("recording a session"))?;
        // No prompt changes: a reader of the queue need not read it again.
        let after = self.conn.total_changes();
        self.queued.record(before, after, None);
        Ok(())
    }

    /// Forgets a pane.
    pub fn remove_session(&mut self, pane: &str) -> Result<(), StoreError> {
        let before = self.conn.total_changes();
        self.conn
            .execute("DELETE FROM sessions WHERE pane_id = ?1", [pane])
            .map_err(StoreError::sqlite("removing a session"))?;
        let after = self.conn.total_changes();
        self.queued.record(before, after, None);
        Ok(())
    }

    /// Every stored pane, by name.
    pub fn sessions(&self) -> Result<Vec<SessionRow>, StoreError> {
        let mut stmt = self
            .conn
            .prepare_cached(
                "SELECT pane_id, server_pid, name, session_name, window_index, pane_index, provider,
                    state, rule, working_dir, git_branch, command, pane_pid, current_prompt,
                    excluded, last_activity FROM sessions ORDER BY name, pane_id",
            )
            .map_err(StoreError::sqlite("listing sessions"))?;
        let rows = stmt
            .query_map([], |r| {
                Ok(SessionRow {
                    info: SessionInfo {
                        pane: r.get(0)?,
                        name: r.get(2)?,
                        provider: r.get(6)?,
                        state: r
                            .get::<_, String>(7)?
                            .parse()
                            .unwrap_or(SessionState::Unknown),
                        rule: r.get(8)?,
                        working_dir: r.get(9)?,
                        branch: r.get(10)?,
                        command: r.get(11)?,
                        prompt: r.get(13)?,
                        excluded: r.get(14)?,
                        last_activity: r.get(15)?,
                    },
                    server_pid: r.get(1)?,
                    session_name: r.get(3)?,
                    window: r.get(4)?,
                    index: r.get(5)?,
                    pane_pid: r.get(12)?,
                })
            })
            .map_err(StoreError::sqlite("listing sessions"))?;
        rows.collect::<Result<_, _>>()
            .map_err(StoreError::sqlite("listing sessions"))
    }
}
