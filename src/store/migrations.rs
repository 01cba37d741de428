//! Schema migrations, keyed by `PRAGMA user_version`.
//!
//! Each entry upgrades the schema from version `i` to `i + 1` and runs in
//! one transaction together with the version bump, so a crash mid-migration
//! leaves the previous version intact. Never edit a shipped migration: add a
//! new one.

use rusqlite::Connection;

/// Ordered migrations; `MIGRATIONS[i]` takes version `i` to `i + 1`.
pub const MIGRATIONS: &[&str] = &[
    // 1: prompts, their dependencies and history, and tracked sessions.
    r"
    CREATE TABLE prompts (
        id                  INTEGER PRIMARY KEY AUTOINCREMENT,
        content             TEXT    NOT NULL,
        source              TEXT,
        priority            INTEGER NOT NULL DEFAULT 5 CHECK (priority BETWEEN 0 AND 10),
        status              TEXT    NOT NULL DEFAULT 'pending' CHECK (status IN
                              ('pending','assigned','in_progress','completed','failed','cancelled')),
        target_session      TEXT,
        target_provider     TEXT,
        preferred_providers TEXT    NOT NULL DEFAULT '[]',
        fallback_providers  TEXT    NOT NULL DEFAULT '[]',
        allow_fallback      INTEGER NOT NULL DEFAULT 0,
        working_dir         TEXT,
        env_vars            TEXT    NOT NULL DEFAULT '{}',
        prerequisites       TEXT    NOT NULL DEFAULT '[]',
        git_branch          TEXT,
        timeout_minutes     INTEGER,
        max_retries         INTEGER NOT NULL DEFAULT 3,
        retry_count         INTEGER NOT NULL DEFAULT 0,
        metadata            TEXT,
        assigned_pane       TEXT,
        assigned_session    TEXT,
        last_pane           TEXT,
        delivery_phase      TEXT CHECK (delivery_phase IN ('claimed','pasted','submitted')),
        history_mark        INTEGER,
        response            TEXT,
        error               TEXT,
        waiting_reason      TEXT,
        legacy_id           INTEGER UNIQUE,
        created_at          TEXT    NOT NULL,
        updated_at          TEXT    NOT NULL,
        assigned_at         TEXT,
        started_at          TEXT,
        finished_at         TEXT
    );
    CREATE INDEX prompts_queue ON prompts (status, priority DESC, id);
    CREATE INDEX prompts_pane ON prompts (assigned_pane) WHERE assigned_pane IS NOT NULL;

    CREATE TABLE prompt_deps (
        prompt_id  INTEGER NOT NULL REFERENCES prompts (id) ON DELETE CASCADE,
        depends_on INTEGER NOT NULL,
        PRIMARY KEY (prompt_id, depends_on)
    ) WITHOUT ROWID;

    CREATE TABLE history (
        id        INTEGER PRIMARY KEY AUTOINCREMENT,
        prompt_id INTEGER NOT NULL REFERENCES prompts (id) ON DELETE CASCADE,
        at        TEXT    NOT NULL,
        event     TEXT    NOT NULL,
        session   TEXT,
        detail    TEXT
    );
    CREATE INDEX history_prompt ON history (prompt_id, id);
    CREATE TRIGGER history_append_only BEFORE UPDATE ON history
    BEGIN SELECT RAISE(ABORT, 'history is append-only'); END;

    CREATE TABLE sessions (
        pane_id         TEXT PRIMARY KEY,
        server_pid      INTEGER,
        name            TEXT    NOT NULL,
        session_name    TEXT    NOT NULL,
        window_index    INTEGER NOT NULL DEFAULT 0,
        pane_index      INTEGER NOT NULL DEFAULT 0,
        provider        TEXT    NOT NULL DEFAULT 'unknown',
        state           TEXT    NOT NULL DEFAULT 'unknown',
        rule            TEXT,
        working_dir     TEXT,
        git_branch      TEXT,
        command         TEXT,
        pane_pid        INTEGER,
        current_prompt  INTEGER REFERENCES prompts (id) ON DELETE SET NULL,
        excluded        INTEGER NOT NULL DEFAULT 0,
        last_activity   TEXT,
        first_seen      TEXT    NOT NULL,
        updated_at      TEXT    NOT NULL
    );
    ",
    // 2: a ledger of imported legacy prompts that outlives the prompts, so
    // that clearing imported prompts never lets a second import bring them
    // back.
    "
    CREATE TABLE legacy_imports (
        legacy_id   INTEGER PRIMARY KEY,
        prompt_id   INTEGER,
        imported_at TEXT    NOT NULL
    );
    INSERT INTO legacy_imports (legacy_id, prompt_id, imported_at)
        SELECT legacy_id, id, updated_at FROM prompts WHERE legacy_id IS NOT NULL;
    ",
    // 3: why a prompt failed, as code reads it (`model::FailureKind`); NULL
    // for failures written before, whose error text is all there is.
    "
    ALTER TABLE prompts ADD COLUMN failure_kind TEXT;
    ",
    // 4: a pool's count set by `pool scale`, with the config's count it
    // was set against: it outlives a daemon restart while that count is
    // unchanged (`store/pool_scales.rs`).
    "
    CREATE TABLE pool_scales (
        pool         TEXT    PRIMARY KEY,
        count        INTEGER NOT NULL,
        config_count INTEGER NOT NULL,
        scaled_at    TEXT    NOT NULL
    ) WITHOUT ROWID;
    ",
];

/// The schema version this build writes.
pub fn latest() -> i64 {
    i64::try_from(MIGRATIONS.len()).expect("a handful of migrations fit an i64")
}

/// Reads the schema version.
pub fn version(conn: &Connection) -> rusqlite::Result<i64> {
    conn.query_row("PRAGMA user_version", [], |r| r.get(0))
}

/// Applies migrations up to `target`. Returns the version found before.
///
/// A version this build never wrote (negative: `user_version` is any signed
/// integer a hand or another program may have set) is an error, not a
/// migration to guess at.
pub fn migrate_to(conn: &mut Connection, target: i64) -> rusqlite::Result<i64> {
    let found = version(conn)?;
    for v in found..target {
        let sql = usize::try_from(v)
            .ok()
            .and_then(|i| MIGRATIONS.get(i))
            .ok_or(rusqlite::Error::IntegralValueOutOfRange(0, v))?;
        let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        tx.execute_batch(sql)?;
        tx.pragma_update(None, "user_version", v + 1)?;
        tx.commit()?;
    }
    Ok(found)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table_count(conn: &Connection) -> i64 {
        conn.query_row(
            "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'",
            [],
            |r| r.get(0),
        )
        .unwrap()
    }

    #[test]
    fn from_empty_to_latest() {
        let mut conn = Connection::open_in_memory().unwrap();
        assert_eq!(migrate_to(&mut conn, latest()).unwrap(), 0);
        assert_eq!(version(&conn).unwrap(), latest());
        assert_eq!(table_count(&conn), 6);
        // Idempotent.
        assert_eq!(migrate_to(&mut conn, latest()).unwrap(), latest());
    }

    #[test]
    fn a_negative_version_is_refused_not_migrated() {
        let mut conn = Connection::open_in_memory().unwrap();
        conn.pragma_update(None, "user_version", -1).unwrap();
        let refused = migrate_to(&mut conn, latest()).unwrap_err();
        assert!(
            matches!(refused, rusqlite::Error::IntegralValueOutOfRange(0, -1)),
            "{refused}"
        );
        assert_eq!(version(&conn).unwrap(), -1, "nothing was applied");
        assert_eq!(table_count(&conn), 0);
    }

    #[test]
    fn from_each_earlier_version_keeps_rows() {
        for start in 1..=latest() {
            let dir = tempfile::tempdir().unwrap();
            let path = dir.path().join("db");
            let mut conn = Connection::open(&path).unwrap();
            migrate_to(&mut conn, start).unwrap();
            conn.execute(
                "INSERT INTO prompts (content, created_at, updated_at) VALUES ('kept', 'x', 'x')",
                [],
            )
            .unwrap();
            drop(conn);
            let mut conn = Connection::open(&path).unwrap();
            assert_eq!(migrate_to(&mut conn, latest()).unwrap(), start);
            let kept: String = conn
                .query_row("SELECT content FROM prompts", [], |r| r.get(0))
                .unwrap();
            assert_eq!(kept, "kept");
        }
    }

    #[test]
    fn version_2_records_prompts_imported_before_it() {
        let mut conn = Connection::open_in_memory().unwrap();
        migrate_to(&mut conn, 1).unwrap();
        conn.execute_batch(
            "INSERT INTO prompts (content, legacy_id, created_at, updated_at)
                 VALUES ('old', 7, 'x', 'y');
             INSERT INTO prompts (content, created_at, updated_at) VALUES ('new', 'x', 'y');",
        )
        .unwrap();
        migrate_to(&mut conn, latest()).unwrap();
        let ledger: (i64, i64) = conn
            .query_row("SELECT legacy_id, prompt_id FROM legacy_imports", [], |r| {
                Ok((r.get(0)?, r.get(1)?))
            })
            .unwrap();
        assert_eq!(ledger, (7, 1));
    }

    #[test]
    fn history_is_append_only() {
        let mut conn = Connection::open_in_memory().unwrap();
        migrate_to(&mut conn, latest()).unwrap();
        conn.execute_batch(
            "INSERT INTO prompts (content, created_at, updated_at) VALUES ('p', 'x', 'x');
             INSERT INTO history (prompt_id, at, event) VALUES (1, 'x', 'queued');",
        )
        .unwrap();
        let err = conn
            .execute("UPDATE history SET event = 'forged'", [])
            .unwrap_err();
        assert!(err.to_string().contains("append-only"));
    }
}
