//! Where the lock of a database lives, and opening it safely.
//!
//! The lock belongs to the database file, not to the path a user typed: a
//! `--db` through a symbolic link (or `..`) must meet the same lock as the
//! real path, so the lock file sits next to the resolved database.
//!
//! The lock file lives in a directory the service user owns (and so can its
//! agents), while offline `cleanup --apply` may run as root. A planted link
//! or hard link there would make root truncate and write some other file,
//! so the lock file is opened without following links, and must be a
//! regular file with one name, owned by the caller or by the owner of the
//! directory (who controls it anyway).

use std::fs::{File, OpenOptions};
use std::os::unix::fs::{MetadataExt, OpenOptionsExt};
use std::path::{Component, Path, PathBuf};

use super::MaintError;

/// Symbolic links followed at most while resolving, as the kernel does.
const MAX_LINKS: usize = 40;

/// The database file `db` names, with every symbolic link (the file's own
/// included, even a dangling one) and `..` resolved. The file itself need
/// not exist; its directory must.
pub fn resolve_db(db: &Path) -> std::io::Result<PathBuf> {
    let mut path = db.to_owned();
    for _ in 0..MAX_LINKS {
        let name = match path.components().next_back() {
            Some(Component::Normal(name)) => name.to_owned(),
            // `/`, `.` or `..` last: a directory, never a database; let
            // the open report it.
            _ => return std::fs::canonicalize(&path),
        };
        let parent = match path.parent().filter(|p| !p.as_os_str().is_empty()) {
            Some(p) => std::fs::canonicalize(p)?,
            None => std::env::current_dir()?,
        };
        let full = parent.join(&name);
        match std::fs::symlink_metadata(&full) {
            Ok(meta) if meta.file_type().is_symlink() => {
                path = parent.join(std::fs::read_link(&full)?);
            }
            _ => return Ok(full),
        }
    }
    Err(std::io::Error::from_raw_os_error(libc::ELOOP))
}

/// Opens (creating with mode 0600) the lock file at `path` without
/// following a link, and refuses anything but a regular file with one name
/// owned by us or by the owner of its directory, before anything is
/// written to it.
pub fn open_lock_file(path: &Path) -> Result<File, MaintError> {
    let unsafe_lock = |reason: String| MaintError::UnsafeLock {
        path: path.to_owned(),
        reason,
    };
    // O_NONBLOCK: a FIFO planted there must not hang the open.
    let file = OpenOptions::new()
        .read(true)
        .write(true)
        .create(true)
        .truncate(false)
        .mode(0o600)
        .custom_flags(libc::O_NOFOLLOW | libc::O_NONBLOCK | libc::O_CLOEXEC)
        .open(path)
        .map_err(|e| match e.raw_os_error() {
            Some(libc::ELOOP) => unsafe_lock("it is a symbolic link".into()),
            Some(libc::ENXIO | libc::EISDIR) => unsafe_lock("it is not a regular file".into()),
            _ => MaintError::Io {
                what: "cannot open the lock file",
                path: path.to_owned(),
                source: e,
            },
        })?;
    let meta = file.metadata().map_err(|source| MaintError::Io {
        what: "cannot inspect the lock file",
        path: path.to_owned(),
        source,
    })?;
    if !meta.file_type().is_file() {
        return Err(unsafe_lock("it is not a regular file".into()));
    }
    if meta.nlink() != 1 {
        return Err(unsafe_lock(format!(
            "it has {} names (a hard link to another file)",
            meta.nlink()
        )));
    }
    let me = nix::unistd::geteuid().as_raw();
    let dir_owner = path
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .and_then(|d| std::fs::metadata(d).ok())
        .map(|m| m.uid());
    if meta.uid() != me && Some(meta.uid()) != dir_owner {
        return Err(unsafe_lock(format!(
            "it is owned by uid {}, neither the caller nor the owner of its directory",
            meta.uid()
        )));
    }
    Ok(file)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_link_to_the_database_resolves_to_the_database() {
        let dir = tempfile::tempdir().unwrap();
        let real = dir.path().join("real");
        std::fs::create_dir(&real).unwrap();
        std::os::unix::fs::symlink(&real, dir.path().join("dirlink")).unwrap();
        std::os::unix::fs::symlink("real/a.db", dir.path().join("filelink")).unwrap();
        let want = std::fs::canonicalize(&real).unwrap().join("a.db");
        // The database need not exist yet, and a link to it may dangle.
        assert_eq!(resolve_db(&real.join("a.db")).unwrap(), want);
        assert_eq!(resolve_db(&dir.path().join("dirlink/a.db")).unwrap(), want);
        assert_eq!(resolve_db(&dir.path().join("filelink")).unwrap(), want);
        assert_eq!(
            resolve_db(&dir.path().join("real/../dirlink/a.db")).unwrap(),
            want
        );
    }

    #[test]
    fn links_and_other_files_are_refused() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("target");
        std::fs::write(&target, "keep").unwrap();
        let soft = dir.path().join("soft.lock");
        std::os::unix::fs::symlink(&target, &soft).unwrap();
        let hard = dir.path().join("hard.lock");
        std::fs::hard_link(&target, &hard).unwrap();
        let fifo = dir.path().join("fifo.lock");
        nix::unistd::mkfifo(&fifo, nix::sys::stat::Mode::S_IRWXU).unwrap();
        for path in [&soft, &hard, &fifo, &dir.path().to_owned()] {
            match open_lock_file(path) {
                Err(MaintError::UnsafeLock { .. }) => {}
                other => panic!("{}: expected UnsafeLock, got {other:?}", path.display()),
            }
        }
        assert_eq!(std::fs::read_to_string(&target).unwrap(), "keep");
        open_lock_file(&dir.path().join("fresh.lock")).unwrap();
    }

    #[test]
    fn a_lock_file_of_a_third_user_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let lock = dir.path().join("a.db.lock");
        std::fs::write(&lock, "").unwrap();
        let nobody = nix::unistd::Uid::from_raw(65534);
        if nix::unistd::chown(&lock, Some(nobody), None).is_err() {
            eprintln!("NOTE: cannot give a file away (needs root); owner check not run here");
            return;
        }
        match open_lock_file(&lock) {
            Err(MaintError::UnsafeLock { reason, .. }) => {
                assert!(reason.contains("owned by uid 65534"), "{reason}");
            }
            other => panic!("expected UnsafeLock, got {other:?}"),
        }
        // The owner of the directory may own it: the directory is theirs.
        nix::unistd::chown(dir.path(), Some(nobody), None).unwrap();
        open_lock_file(&lock).unwrap();
    }
}
