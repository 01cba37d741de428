//! Who is let in and for how long: the access policy, the connection limit
//! and the idle timeout. They live behind a `watch` cell rather than in the
//! connection context itself so that SIGHUP can replace them: the next
//! client sees the new values, clients already served keep their slot.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use tokio::io::AsyncWriteExt;
use tokio::net::UnixStream;

use super::connection::{self, ConnContext};
use super::peer::AccessPolicy;
use crate::config::Config;
use crate::protocol::{ErrorKind, Response};

/// The admission settings of one config.
#[derive(Debug, Clone)]
pub struct Admission {
    /// Who may connect.
    pub policy: AccessPolicy,
    /// How long a client may stay silent.
    pub idle_timeout: Duration,
    /// Most clients served at once.
    pub max_connections: usize,
}

impl Admission {
    /// Reads them from a config; fails only when `allowed_group` vanished
    /// between the config check and now.
    pub fn new(config: &Config) -> Result<Self, String> {
        Ok(Self {
            policy: AccessPolicy::new(config.allowed_group.as_deref())?,
            idle_timeout: Duration::from_secs(config.idle_timeout_secs),
            max_connections: config.max_connections,
        })
    }
}

/// Counts the clients being served. A counter, not a semaphore, so that a
/// lower limit after a reload simply refuses newcomers until enough of the
/// current clients have left.
#[derive(Debug, Default)]
pub struct Slots(AtomicUsize);

/// One taken slot, given back when the connection ends.
struct Slot(Arc<Slots>);

impl Drop for Slot {
    fn drop(&mut self) {
        self.0.0.fetch_sub(1, Ordering::AcqRel);
    }
}

impl Slots {
    fn take(self: &Arc<Self>, max: usize) -> Option<Slot> {
        self.0
            .fetch_update(Ordering::AcqRel, Ordering::Acquire, |n| {
                (n < max).then_some(n + 1)
            })
            .ok()
            .map(|_| Slot(Arc::clone(self)))
    }
}

/// Hands a connection to its own task, or refuses it when all slots are
/// taken (the refusal is written from a task too, so a slow client cannot
/// stall the accept loop).
pub fn accept(stream: UnixStream, ctx: &Arc<ConnContext>, slots: &Arc<Slots>) {
    let ctx = Arc::clone(ctx);
    let max = ctx.admission.borrow().max_connections;
    match slots.take(max) {
        Some(slot) => {
            tokio::spawn(async move {
                connection::serve(stream, ctx).await;
                drop(slot);
            });
        }
        None => {
            tokio::spawn(async move {
                let mut stream = stream;
                let mut line = Response::error(
                    ErrorKind::Unavailable,
                    "too many clients connected; try again",
                )
                .to_line();
                line.push('\n');
                let _ =
                    tokio::time::timeout(Duration::from_secs(1), stream.write_all(line.as_bytes()))
                        .await;
            });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slots_follow_the_current_limit() {
        let slots = Arc::new(Slots::default());
        let a = slots.take(2).unwrap();
        let _b = slots.take(2).unwrap();
        assert!(slots.take(2).is_none());
        // A lower limit refuses newcomers until enough clients left.
        assert!(slots.take(1).is_none());
        drop(a);
        assert!(slots.take(1).is_none());
        assert!(slots.take(3).is_some());
    }
}
