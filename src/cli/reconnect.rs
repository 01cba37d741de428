//! Carrying on across a daemon restart, for `wait`, `send --wait` and
//! `follow`: a connection that drops is opened again, for a bounded time,
//! saying so on stderr (assignerctl(1), EXIT STATUS).

use std::time::Duration;

use tokio::time::Instant;

use crate::client::ClientError;
use crate::protocol::ErrorKind;

/// How long the daemon may stay away before the client gives up (exit
/// 69): a restart by systemd, with the recovery of prompts in flight,
/// takes seconds.
pub(super) const RECONNECT_FOR: Duration = Duration::from_secs(60);
/// Pause between two tries.
const PAUSE: Duration = Duration::from_millis(200);

/// The state of one waiting client's connection.
#[derive(Debug, Default)]
pub(super) struct Reconnect {
    /// Connected at least once: a daemon that was never reached is the
    /// usual error, not a restart.
    connected: bool,
    /// When the connection was lost, while it is.
    lost_at: Option<Instant>,
}

impl Reconnect {
    /// A session is connected (again).
    pub(super) fn connected(&mut self) {
        if self.lost_at.take().is_some() {
            eprintln!("assignerctl: reconnected to assignerd; carrying on");
        }
        self.connected = true;
    }

    /// Whether this is not the first connection.
    pub(super) fn resumed(&self) -> bool {
        self.connected
    }

    /// After a session ended in `e`: waits a moment and returns `Ok` to
    /// try again when the daemon went away after a first connection and
    /// has been away less than [`RECONNECT_FOR`]; otherwise returns `e`.
    pub(super) async fn again(&mut self, e: ClientError) -> Result<(), ClientError> {
        let away = match &e {
            ClientError::Connect { .. } | ClientError::Io(_) | ClientError::Timeout { .. } => true,
            ClientError::Daemon(w) => w.kind == ErrorKind::Unavailable,
            ClientError::Protocol(_) => false,
        };
        if !away || !self.connected {
            return Err(e);
        }
        let since = *self.lost_at.get_or_insert_with(|| {
            eprintln!(
                "assignerctl: {e}; reconnecting (for up to {} s)",
                RECONNECT_FOR.as_secs()
            );
            Instant::now()
        });
        if since.elapsed() >= RECONNECT_FOR {
            return Err(e);
        }
        tokio::time::sleep(PAUSE).await;
        Ok(())
    }
}
