//! The database's files on disk. They hold every prompt's text, so they are
//! created readable by their owner alone (0600), whatever the umask of the
//! process: SQLite gives its `-wal` and `-shm` the mode of the database
//! file, so creating that one right is enough.

use std::fs::{OpenOptions, Permissions};
use std::io::ErrorKind;
use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
use std::path::{Path, PathBuf};

/// Mode of a database created here.
pub const DB_MODE: u32 = 0o600;

/// `<db><suffix>`, such as the `-wal` next to the database.
pub fn companion(db: &Path, suffix: &str) -> PathBuf {
    let mut s = db.as_os_str().to_owned();
    s.push(suffix);
    PathBuf::from(s)
}

/// Creates `db` empty with [`DB_MODE`] when it does not exist (an empty
/// file is an empty SQLite database); an existing file keeps its mode.
pub fn create_private(db: &Path) -> std::io::Result<()> {
    match OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(DB_MODE)
        .open(db)
    {
        // The umask may have taken bits away; set exactly the mode meant.
        Ok(file) => file.set_permissions(Permissions::from_mode(DB_MODE)),
        Err(e) if e.kind() == ErrorKind::AlreadyExists => Ok(()),
        Err(e) => Err(e),
    }
}

/// A finding for `cleanup --verify-only` when the `-wal` of a database a
/// running daemon holds is gone. SQLite keeps that file for as long as a
/// connection is open; once it has been removed, everything committed since
/// the last checkpoint lives only in the daemon's open file, and a kill -9
/// loses it (a clean stop still writes it into the database).
pub fn missing_wal(db: &Path) -> Option<String> {
    // SQLite keeps the `-wal` next to the file a link points to.
    let db = std::fs::canonicalize(db).unwrap_or_else(|_| db.to_owned());
    let wal = companion(&db, "-wal");
    (!wal.exists()).then(|| {
        format!(
            "wal: {} is missing while the daemon runs; prompts acknowledged since the last \
             checkpoint are lost if it is killed: stop it cleanly (SIGTERM, systemctl stop), \
             never with kill -9",
            wal.display()
        )
    })
}
