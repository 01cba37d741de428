//! The `pool_scales` table: a pool's count as `pool scale` last set it,
//! kept across daemon restarts. Each row holds the config's `count` it was
//! set against, so an edit of the config's count wins over it
//! (assignerctl(1), `pool scale`; `pool::Supervisor::reconfigure`).

use rusqlite::params;

use super::{NOW, Store};
use crate::error::StoreError;
use crate::pool::PoolScale;

impl Store {
    /// Every pool's count from `pool scale`, by pool name.
    pub fn pool_scales(&self) -> Result<Vec<(String, PoolScale)>, StoreError> {
        let read = || -> rusqlite::Result<Vec<(String, PoolScale)>> {
            let mut stmt = self
                .conn
                .prepare("SELECT pool, count, config_count FROM pool_scales ORDER BY pool")?;
            stmt.query_map([], |r| {
                Ok((
                    r.get(0)?,
                    PoolScale {
                        count: r.get(1)?,
                        config_count: r.get(2)?,
                    },
                ))
            })?
            .collect()
        };
        read().map_err(StoreError::sqlite("reading the pools' scaled counts"))
    }

    /// Records `pool scale`: `None` forgets the pool's count (back to
    /// the config's).
    pub fn set_pool_scale(
        &mut self,
        pool: &str,
        scale: Option<PoolScale>,
    ) -> Result<(), StoreError> {
        let done = match scale {
            Some(s) => self.conn.execute(
                &format!(
                    "INSERT INTO pool_scales (pool, count, config_count, scaled_at)
                     VALUES (?1, ?2, ?3, {NOW})
                     ON CONFLICT (pool) DO UPDATE SET count = ?2, config_count = ?3,
                        scaled_at = {NOW}"
                ),
                params![pool, s.count, s.config_count],
            ),
            None => self
                .conn
                .execute("DELETE FROM pool_scales WHERE pool = ?1", [pool]),
        };
        done.map(drop)
            .map_err(StoreError::sqlite("recording a pool's scaled count"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_scaled_count_is_kept_replaced_and_forgotten() {
        let dir = tempfile::tempdir().unwrap();
        let mut store = Store::open(&dir.path().join("db")).unwrap();
        assert!(store.pool_scales().unwrap().is_empty());
        let s = |count, config_count| PoolScale {
            count,
            config_count,
        };
        store.set_pool_scale("claude", Some(s(3, 1))).unwrap();
        store.set_pool_scale("codex", Some(s(0, 2))).unwrap();
        store.set_pool_scale("claude", Some(s(5, 1))).unwrap();
        assert_eq!(
            store.pool_scales().unwrap(),
            [("claude".into(), s(5, 1)), ("codex".into(), s(0, 2))]
        );
        store.set_pool_scale("codex", None).unwrap();
        assert_eq!(store.pool_scales().unwrap(), [("claude".into(), s(5, 1))]);
    }
}
