//! What every connection shares, and the few things any of its streams
//! does: write a response line within the idle timeout, refuse a peer, and
//! check that a reload has not withdrawn its access. Apart from
//! `connection.rs`, so the `follow` and `watch` streams use them without
//! importing the connection that starts them.

use tokio::io::AsyncWriteExt;
use tokio::net::unix::{OwnedWriteHalf, UCred};
use tokio::sync::{broadcast, mpsc, oneshot, watch};
use tracing::warn;

use super::admission::Admission;
use super::message::CoreMsg;
use crate::protocol::{ErrorKind, Event, MAX_RESPONSE_BYTES, Response};

/// What every connection shares.
pub struct ConnContext {
    /// Requests go here.
    pub core: mpsc::Sender<CoreMsg>,
    /// Events for `watch`.
    pub events: broadcast::Sender<Event>,
    /// Who may connect, how many and for how long; replaced on SIGHUP.
    pub admission: watch::Sender<Admission>,
    /// Flips to true at shutdown.
    pub shutdown: watch::Receiver<bool>,
    /// `reload` requests go to the main loop, which reloads exactly as on
    /// SIGHUP and answers once the new settings apply.
    pub reload: mpsc::Sender<ReloadAsk>,
}

/// A `reload` request waiting for its outcome: `Err` holds why the new
/// config was refused.
pub type ReloadAsk = oneshot::Sender<Result<(), String>>;

/// Writes one response line. An answer over [`MAX_RESPONSE_BYTES`] becomes
/// an error the client can act on, instead of a line it would refuse; a
/// client that stops reading is dropped after the idle timeout, so it
/// cannot hold a connection slot (or a watch stream's memory) for ever.
pub(super) async fn send(
    write: &mut OwnedWriteHalf,
    resp: &Response,
    ctx: &ConnContext,
) -> std::io::Result<()> {
    let mut line = resp.to_line();
    if line.len() > MAX_RESPONSE_BYTES {
        line = Response::error(
            ErrorKind::BadRequest,
            format!(
                "the answer would be {} bytes, over the {MAX_RESPONSE_BYTES}-byte limit; ask for \
                 less (for example a smaller --limit)",
                line.len()
            ),
        )
        .to_line();
    }
    line.push('\n');
    let idle_timeout = ctx.admission.borrow().idle_timeout;
    match tokio::time::timeout(idle_timeout, write.write_all(line.as_bytes())).await {
        Ok(r) => r,
        Err(_) => {
            warn!("client stopped reading its answers; disconnecting");
            Err(std::io::ErrorKind::TimedOut.into())
        }
    }
}

/// Tells a peer it may not use the daemon; the caller then hangs up.
pub(super) async fn refuse(write: &mut OwnedWriteHalf, why: String, ctx: &ConnContext) {
    let _ = send(write, &Response::error(ErrorKind::Forbidden, why), ctx).await;
}

/// Whether the peer may still use the daemon under the current admission.
pub(super) fn still_allowed(ctx: &ConnContext, cred: &UCred) -> Result<(), String> {
    let result = ctx.admission.borrow().policy.check(cred.uid(), cred.gid());
    if result.is_err() {
        warn!(
            peer_uid = cred.uid(),
            peer_pid = cred.pid(),
            "access withdrawn by a reload; disconnecting"
        );
    }
    result
}
