//! `cleanup --db PATH`: the same cleanup, straight on a database file, for
//! when the daemon cannot run. Reports go through a read-only connection;
//! `--apply` first takes the database lock a running daemon holds, so it
//! never writes under a live daemon.
//!
//! The tmux server compared against must be the one that database's daemon
//! serves: asking the wrong (or a stopped) server makes every session look
//! stale, and `--apply` would then requeue prompts agents are still running.

use std::path::{Path, PathBuf};

use rusqlite::{Connection, OpenFlags};

use super::CleanupArgs;
use crate::config::Config;
use crate::error::{exit, exit_code_for};
use crate::maintenance::{Action, DbLock, MaintError, TmuxView, cleanup, verify};
use crate::paths::{self, Mode};
use crate::protocol::{CleanupReport, Reply};
use crate::store::Store;
use crate::tmux::Tmux;

/// Runs an offline cleanup; returns the exit status.
pub fn cleanup(args: &CleanupArgs, json: bool) -> i32 {
    let Some(db) = args.db.as_deref() else {
        return exit::USAGE;
    };
    let tmux = match &args.tmux_socket {
        // The integrity checks never ask tmux, and a broken config (often
        // why the daemon is down) must not stop them.
        _ if args.verify_only => TmuxServer {
            socket: PathBuf::new(),
            named: true,
        },
        Some(path) => TmuxServer {
            socket: path.clone(),
            named: true,
        },
        None => match daemon_tmux_socket(db) {
            Ok(socket) => TmuxServer {
                socket,
                named: false,
            },
            Err(e) => {
                eprintln!("assignerctl: {e}; name the tmux server with --tmux-socket PATH");
                return exit::CONFIG;
            }
        },
    };
    match run(args, db, &tmux) {
        Ok(report) => {
            let reply = Reply::Cleanup { report };
            super::print::print(&reply, json);
            super::print::exit_status(&reply)
        }
        Err(e) => {
            eprintln!("assignerctl: {e}");
            exit_code_for(e.kind())
        }
    }
}

/// The tmux server to compare against, and whether the user named it.
struct TmuxServer {
    socket: PathBuf,
    named: bool,
}

/// The tmux socket the daemon of `db` serves: its config file's
/// `tmux_socket`, else the default of the system service when `db` is the
/// system database (the default one, or the one the system config names),
/// else tmux's own default for this user.
fn daemon_tmux_socket(db: &Path) -> Result<PathBuf, crate::error::ConfigError> {
    let system_config = paths::config_file(Mode::System);
    let system_db = Some(system_config.as_path())
        .filter(|p| p.exists())
        .and_then(|p| Config::load(p).ok()?.db)
        .unwrap_or_else(|| paths::database(Mode::System));
    let mode = if same_file(db, &system_db) {
        Mode::System
    } else {
        Mode::User
    };
    let config = std::env::var_os("ASSIGNER_CONFIG")
        .filter(|v| !v.is_empty())
        .map(PathBuf::from)
        .or_else(|| Some(paths::config_file(mode)).filter(|p| p.exists()));
    if let Some(path) = config
        && let Some(socket) = Config::load(&path)?.tmux_socket
    {
        return Ok(socket);
    }
    Ok(paths::tmux_socket(mode))
}

fn same_file(a: &Path, b: &Path) -> bool {
    match (a.canonicalize(), b.canonicalize()) {
        (Ok(a), Ok(b)) => a == b,
        _ => a == b,
    }
}

fn run(args: &CleanupArgs, db: &Path, tmux: &TmuxServer) -> Result<CleanupReport, MaintError> {
    if !db.exists() {
        return Err(MaintError::Missing(db.to_owned()));
    }
    if args.verify_only {
        if let Some(finding) = verify::wal_under_daemon(db) {
            return Ok(CleanupReport {
                integrity: vec![finding],
                ..CleanupReport::default()
            });
        }
        let conn = read_only(db)?;
        return Ok(CleanupReport {
            counts: crate::store::counts(&conn).unwrap_or_default(),
            integrity: verify::verify(&conn),
            ..CleanupReport::default()
        });
    }
    let socket = tmux.socket.clone();
    let view = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|source| MaintError::Io {
            what: "cannot start a runtime for",
            path: socket.clone(),
            source,
        })?
        .block_on(TmuxView::observe(&Tmux::new(&socket)))?;
    // Why the server asked may not be the daemon's, when stale sessions
    // would be dropped on its word and the user did not name it.
    let doubt = |conn: &Connection, plan: &cleanup::Plan| {
        let drops = plan
            .actions
            .iter()
            .any(|a| matches!(a, Action::DropStale { .. }));
        if !drops || tmux.named {
            return None;
        }
        match view.server_pid {
            None => Some(MaintError::NoTmuxServer(socket.clone())),
            Some(pid) if !cleanup::seen_on(conn, pid) => Some(MaintError::OtherTmuxServer {
                socket: socket.clone(),
                pid,
            }),
            Some(_) => None,
        }
    };
    if !args.apply {
        let conn = read_only(db)?;
        let plan = cleanup::plan(&conn, &view, args.retry_failed)?;
        if let Some(e) = doubt(&conn, &plan) {
            eprintln!("assignerctl: note: {e}");
        }
        return Ok(plan.report);
    }
    let _lock = DbLock::acquire(db)?;
    let _journal = super::journal::to_journal();
    let mut store = Store::open(db)?;
    let plan = cleanup::plan(store.conn(), &view, args.retry_failed)?;
    if let Some(e) = doubt(store.conn(), &plan) {
        return Err(e);
    }
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
