//! The control socket: taken from systemd (socket activation) or bound by
//! the daemon itself. Only a socket the daemon bound is ever unlinked; the
//! one systemd owns must survive a daemon restart.

use std::io;
use std::os::unix::fs::{FileTypeExt, MetadataExt, PermissionsExt};
use std::path::{Path, PathBuf};

use thiserror::Error;
use tokio::net::UnixListener;

/// Why the control socket could not be set up.
#[derive(Debug, Error)]
pub enum ListenError {
    /// Another daemon answers on the path.
    #[error("another assignerd is already listening on {}", .0.display())]
    InUse(PathBuf),
    /// The path exists and is not a socket; it is left alone.
    #[error("{} exists and is not a socket; refusing to replace it", .0.display())]
    NotASocket(PathBuf),
    /// Creating the directory or binding failed.
    #[error("cannot listen on {}: {source}", path.display())]
    Bind {
        /// The socket path.
        path: PathBuf,
        /// Why.
        source: io::Error,
    },
    /// `LISTEN_FDS` was set but fd 3 is unusable.
    #[error("socket activation: {0}")]
    Activation(io::Error),
}

/// The listening socket, plus what must be cleaned up when it closes.
pub struct ControlSocket {
    /// The listener.
    pub listener: UnixListener,
    /// Where it listens, for messages.
    pub path: PathBuf,
    /// Whether systemd handed it over.
    pub activated: bool,
    /// Inode of the socket file we created, to unlink only that file.
    owned_inode: Option<u64>,
}

/// Takes the socket passed by systemd. Must run before any thread starts,
/// because it clears the `LISTEN_*` variables (so children do not inherit
/// them); `listenfd` also checks `LISTEN_PID`.
pub fn take_activated() -> io::Result<Option<std::os::unix::net::UnixListener>> {
    let mut fds = listenfd::ListenFd::from_env();
    if fds.len() == 0 {
        return Ok(None);
    }
    fds.take_unix_listener(0)
}

impl ControlSocket {
    /// Wraps the socket systemd passed in.
    pub fn from_activated(std: std::os::unix::net::UnixListener) -> Result<Self, ListenError> {
        std.set_nonblocking(true).map_err(ListenError::Activation)?;
        let path = std
            .local_addr()
            .ok()
            .and_then(|a| a.as_pathname().map(Path::to_owned))
            .unwrap_or_else(|| PathBuf::from("(socket-activated)"));
        let listener = UnixListener::from_std(std).map_err(ListenError::Activation)?;
        Ok(Self {
            listener,
            path,
            activated: true,
            owned_inode: None,
        })
    }

    /// Binds `path` itself: creates the directory, refuses when a live
    /// daemon answers there, and replaces a stale socket file. With
    /// `group` (the gid of `allowed_group`), the socket is given to that
    /// group, mode 0660, so its members can connect at all; without, 0600.
    pub fn bind(path: &Path, group: Option<u32>) -> Result<Self, ListenError> {
        let bind_err = |source| ListenError::Bind {
            path: path.to_owned(),
            source,
        };
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir).map_err(bind_err)?;
        }
        match std::fs::symlink_metadata(path) {
            Ok(meta) if meta.file_type().is_socket() => {
                if std::os::unix::net::UnixStream::connect(path).is_ok() {
                    return Err(ListenError::InUse(path.to_owned()));
                }
                std::fs::remove_file(path).map_err(bind_err)?;
            }
            Ok(_) => return Err(ListenError::NotASocket(path.to_owned())),
            Err(e) if e.kind() == io::ErrorKind::NotFound => {}
            Err(e) => return Err(bind_err(e)),
        }
        let listener = UnixListener::bind(path).map_err(bind_err)?;
        open_to(path, group).map_err(bind_err)?;
        let owned_inode = std::fs::metadata(path).ok().map(|m| m.ino());
        Ok(Self {
            listener,
            path: path.to_owned(),
            activated: false,
            owned_inode,
        })
    }
}

impl ControlSocket {
    /// After a reload: a socket the daemon bound itself is given to the
    /// group of `allowed_group`, mode 0660, exactly when it is set (0600
    /// otherwise). A socket from systemd keeps the owner and mode its unit
    /// gives it.
    pub fn set_group(&self, group: Option<u32>) {
        if self.owned_inode.is_none() {
            return;
        }
        if let Err(e) = open_to(&self.path, group) {
            tracing::warn!(error = %e, socket = %self.path.display(), "cannot give the socket to allowed_group");
        }
    }
}

/// Group ownership first, then the mode, so the socket is never open to a
/// group that is not the allowed one. Changing the group needs the daemon
/// to be root or a member of it.
fn open_to(path: &Path, group: Option<u32>) -> io::Result<()> {
    if let Some(gid) = group {
        std::os::unix::fs::chown(path, None, Some(gid)).map_err(|e| {
            io::Error::new(
                e.kind(),
                format!("cannot give the socket to group {gid} (allowed_group): {e}"),
            )
        })?;
    }
    let mode = if group.is_some() { 0o660 } else { 0o600 };
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode))
}

impl Drop for ControlSocket {
    fn drop(&mut self) {
        // Unlink only the file we created: not systemd's, and not one a
        // newer daemon has bound at the same path since.
        if let Some(ino) = self.owned_inode
            && std::fs::symlink_metadata(&self.path).map(|m| m.ino()).ok() == Some(ino)
        {
            let _ = std::fs::remove_file(&self.path);
        }
    }
}
