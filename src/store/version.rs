//! A cheap way to know that nothing was written: what lets the engine skip
//! work over a long queue while nothing changes (src/engine/queue.rs).

use super::Store;
use crate::error::StoreError;

/// A point in the database's history, from [`Store::version`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Version {
    own: u64,
    others: i64,
}

impl Version {
    /// Whether another connection committed between `earlier` and this.
    pub fn others_wrote_since(&self, earlier: &Version) -> bool {
        self.others != earlier.others
    }
}

impl Store {
    /// The prompts queued since `since`, when queueing them (and session
    /// rows) is all that was written since, by this connection or another;
    /// `None` when anything else may have changed (then read the whole
    /// queue).
    pub fn queued_since(&self, since: Version) -> Result<Option<Vec<i64>>, StoreError> {
        let now = self.version()?;
        if now.others_wrote_since(&since) {
            return Ok(None);
        }
        let mut at = since.own;
        let mut ids = Vec::new();
        for (before, after, id) in self.queued.iter() {
            if after <= at {
                continue;
            }
            if before != at {
                return Ok(None);
            }
            ids.extend(id);
            at = after;
        }
        Ok((at == now.own).then_some(ids))
    }

    /// Where the database stands: changes if and only if something may have
    /// been written since the last call, by this connection (every
    /// `INSERT`, `UPDATE` and `DELETE`, whichever method or maintenance
    /// path ran it, even one later rolled back) or by another (an offline
    /// `cleanup`, a backup restored in place: SQLite's `data_version`).
    /// Readers that keep a view of the queue re-read it only when this
    /// moved, so no write path can be forgotten.
    pub fn version(&self) -> Result<Version, StoreError> {
        let data: i64 = self
            .conn
            .prepare_cached("PRAGMA data_version")
            .and_then(|mut s| s.query_row([], |r| r.get(0)))
            .map_err(StoreError::sqlite("reading the data version"))?;
        Ok(Version {
            own: self.conn.total_changes(),
            others: data,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::protocol::NewPrompt;
    use crate::store::Claim;
    use crate::store::queued_writes::QUEUED_KEPT;

    fn prompt(text: &str) -> NewPrompt {
        NewPrompt {
            text: text.into(),
            ..NewPrompt::default()
        }
    }

    fn queue(store: &mut Store, text: &str) -> i64 {
        store.insert_prompt(&prompt(text)).unwrap()
    }

    /// Every way the queue can change moves the version, whichever
    /// method, maintenance path or connection wrote; reading does not.
    #[test]
    fn every_write_moves_the_version_and_reads_do_not() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("assigner.db");
        let mut store = Store::open(&path).unwrap();
        let mut at = store.version().unwrap();
        let mut moved = |store: &mut Store, what: &str| {
            let now = store.version().unwrap();
            assert_ne!(now, at, "{what} left the version as it was");
            at = now;
        };
        let id = queue(&mut store, "a");
        moved(&mut store, "insert");
        store.set_waiting(id, Some("why")).unwrap();
        moved(&mut store, "a new waiting reason");
        let claim = Claim {
            pane: "%1".into(),
            session: "s".into(),
        };
        store.claim(id, &claim).unwrap();
        moved(&mut store, "claim");
        store
            .requeue(id, crate::store::Requeue::NotDelivered, "pane vanished")
            .unwrap();
        moved(&mut store, "requeue");
        store.claim(id, &claim).unwrap();
        store
            .fail_and_maybe_retry(id, crate::model::FailureKind::Delivery, "broke", Some("%1"))
            .unwrap();
        moved(&mut store, "fail and retry");
        store.cancel(id).unwrap();
        moved(&mut store, "cancel");
        store.retry(id, "by hand").unwrap();
        moved(&mut store, "retry");
        store.reassign(id, Some("other")).unwrap();
        moved(&mut store, "reassign");
        store
            .fail(
                id,
                crate::model::FailureKind::MissingTarget,
                "target session 'other' not found in tmux",
            )
            .unwrap();
        store.reset_missing_target(id, "cleanup").unwrap();
        moved(&mut store, "cleanup reset");
        store
            .conn()
            .execute("UPDATE prompts SET priority = 9 WHERE id = ?1", [id])
            .unwrap();
        moved(&mut store, "a write through the bare connection");
        let mut other = Store::open(&path).unwrap();
        queue(&mut other, "from another connection");
        moved(&mut store, "a commit by another connection");

        let before = store.version().unwrap();
        store
            .prompts_in(crate::protocol::PromptStatus::Pending)
            .unwrap();
        store.has_pending().unwrap();
        store.counts().unwrap();
        store.set_waiting(id, None).unwrap();
        assert_eq!(
            store.version().unwrap(),
            before,
            "reads or an unchanged reason"
        );
        queue(&mut other, "again");
        assert!(store.version().unwrap().others_wrote_since(&before));
    }

    fn session() -> crate::store::SessionRow {
        crate::store::SessionRow {
            info: crate::protocol::SessionInfo {
                name: "s".into(),
                pane: "%1".into(),
                provider: "claude".into(),
                state: crate::protocol::SessionState::Idle,
                rule: None,
                working_dir: None,
                branch: None,
                command: None,
                prompt: None,
                excluded: false,
                last_activity: None,
            },
            server_pid: None,
            session_name: "s".into(),
            window: 0,
            index: 0,
            pane_pid: None,
        }
    }

    /// A reader told "only these were queued" must not miss anything else.
    #[test]
    fn only_new_prompts_are_reported_as_such() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("assigner.db");
        let mut store = Store::open(&path).unwrap();
        let first = queue(&mut store, "first");
        let at = store.version().unwrap();
        assert_eq!(store.queued_since(at).unwrap(), Some(vec![]));
        let a = queue(&mut store, "a");
        let b = queue(&mut store, "b");
        assert_eq!(store.queued_since(at).unwrap(), Some(vec![a, b]));
        store.upsert_session(&session()).unwrap();
        let c = queue(&mut store, "c");
        store.remove_session("%1").unwrap();
        assert_eq!(store.queued_since(at).unwrap(), Some(vec![a, b, c]));
        store.set_waiting(first, Some("why")).unwrap();
        assert_eq!(store.queued_since(at).unwrap(), None, "another write");
        let at = store.version().unwrap();
        let mut other = Store::open(&path).unwrap();
        queue(&mut other, "elsewhere");
        assert_eq!(store.queued_since(at).unwrap(), None, "another connection");
        let at = store.version().unwrap();
        for i in 0..=QUEUED_KEPT {
            queue(&mut store, &format!("many {i}"));
        }
        assert_eq!(store.queued_since(at).unwrap(), None, "too far behind");
    }
}
