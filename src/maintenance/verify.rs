//! SQLite's own consistency checks, worded for a report.

use rusqlite::Connection;

/// Runs `PRAGMA integrity_check` and `PRAGMA foreign_key_check`. Each
/// check yields `"<check>: ok"` or one line per finding; a check that
/// cannot even run (a file too damaged to read) says so instead.
pub fn verify(conn: &Connection) -> Vec<String> {
    let mut out = Vec::new();
    match super::query_all(conn, "PRAGMA integrity_check", |r| r.get::<_, String>(0)) {
        Ok(found) if found == ["ok"] => out.push("integrity_check: ok".into()),
        Ok(found) => out.extend(found.into_iter().map(|f| format!("integrity_check: {f}"))),
        Err(e) => out.push(format!("integrity_check: could not run: {e}")),
    }
    let fk = super::query_all(conn, "PRAGMA foreign_key_check", |r| {
        Ok(format!(
            "{} row {} refers to a missing {} row",
            r.get::<_, String>(0)?,
            r.get::<_, Option<i64>>(1)?.unwrap_or_default(),
            r.get::<_, String>(2)?
        ))
    });
    match fk {
        Ok(found) if found.is_empty() => out.push("foreign_key_check: ok".into()),
        Ok(found) => out.extend(found.into_iter().map(|f| format!("foreign_key_check: {f}"))),
        Err(e) => out.push(format!("foreign_key_check: could not run: {e}")),
    }
    out
}

/// For an offline `cleanup --verify-only`: a finding when a daemon holds
/// `db` and its `-wal` is gone (see [`crate::store::missing_wal`]). The
/// file is then not opened at all, because a new connection would start a
/// second `-wal` beside the one the daemon still writes.
pub fn wal_under_daemon(db: &std::path::Path) -> Option<String> {
    super::lock::is_held(db)
        .then(|| crate::store::missing_wal(db))
        .flatten()
}

/// Whether every line of a [`verify`] result is a clean bill.
pub fn is_healthy(findings: &[String]) -> bool {
    !findings.is_empty() && findings.iter().all(|l| l.ends_with(": ok"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clean_database_is_healthy_and_orphans_are_reported() {
        let mut conn = Connection::open_in_memory().unwrap();
        crate::store::migrations::migrate_to(&mut conn, crate::store::migrations::latest())
            .unwrap();
        let found = verify(&conn);
        assert!(is_healthy(&found), "{found:?}");
        conn.execute_batch(
            "PRAGMA foreign_keys = OFF;
             INSERT INTO history (prompt_id, at, event) VALUES (99, 'x', 'queued');",
        )
        .unwrap();
        let found = verify(&conn);
        assert!(!is_healthy(&found));
        assert!(
            found.iter().any(|l| l.contains("history row 1")),
            "{found:?}"
        );
        assert_eq!(
            crate::store::counts(&conn).unwrap()[&crate::protocol::PromptStatus::Pending],
            0
        );
    }
}
