//! `cleanup --db PATH`: the same cleanup, straight on a database file, for
//! when the daemon cannot run. Reports go through a read-only connection;
//! `--apply` first takes the database lock a running daemon holds, so it
//! never writes under a live daemon.

use std::path::Path;

use rusqlite::{Connection, OpenFlags};

use super::CleanupArgs;
use crate::error::{exit, exit_code_for};
use crate::maintenance::{DbLock, MaintError, TmuxView, cleanup, verify};
use crate::protocol::{CleanupReport, Reply};
use crate::store::Store;
use crate::tmux::Tmux;

/// Runs an offline cleanup; returns the exit status.
pub fn cleanup(args: &CleanupArgs, json: bool) -> i32 {
    let Some(db) = args.db.as_deref() else {
        return exit::USAGE;
    };
    match run(args, db) {
        Ok(report) => {
            let reply = Reply::Cleanup { report };
            super::print(&reply, json);
            super::exit_status(&reply)
        }
        Err(e) => {
            eprintln!("assignerctl: {e}");
            exit_code_for(e.kind())
        }
    }
}

fn run(args: &CleanupArgs, db: &Path) -> Result<CleanupReport, MaintError> {
    if !db.exists() {
        return Err(MaintError::Missing(db.to_owned()));
    }
    if args.verify_only {
        let conn = read_only(db)?;
        return Ok(CleanupReport {
            counts: verify::counts(&conn).unwrap_or_default(),
            integrity: verify::verify(&conn),
            ..CleanupReport::default()
        });
    }
    let socket = args
        .tmux_socket
        .clone()
        .unwrap_or_else(Tmux::default_socket);
    let view = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|source| MaintError::Io {
            what: "cannot start a runtime for",
            path: socket.clone(),
            source,
        })?
        .block_on(TmuxView::observe(&Tmux::new(&socket)))?;
    if !args.apply {
        let conn = read_only(db)?;
        return Ok(cleanup::plan(&conn, &view, args.retry_failed)?.report);
    }
    let _lock = DbLock::acquire(db)?;
    let mut store = Store::open(db)?;
    let plan = cleanup::plan(store.conn(), &view, args.retry_failed)?;
    Ok(cleanup::apply(&mut store, plan)?)
}

fn read_only(db: &Path) -> Result<Connection, MaintError> {
    Connection::open_with_flags(
        db,
        OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )
    .map_err(|e| MaintError::NotSqlite {
        path: db.to_owned(),
        detail: e.to_string(),
    })
}
