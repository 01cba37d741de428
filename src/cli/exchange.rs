//! One exchange with the daemon, bounded in time, and the runtime it runs
//! on: every command that asks the daemon something goes through here.

use std::time::Duration;

use crate::client::{Client, ClientError};
use crate::error::exit;
use crate::protocol::{Reply, Request};

/// Connects and sends `req`; returns the connection and its answer.
/// Connecting and the answer must come within `deadline` (a stopped daemon
/// still accepts connections into the socket's backlog, and would keep an
/// agent hook waiting for ever).
pub(crate) async fn open(
    socket: &std::path::Path,
    req: &Request,
    deadline: Option<Duration>,
) -> Result<(Client, Reply), ClientError> {
    // Atomic rather than a Cell so the future can run on a spawned task
    // (`top` reads its snapshots on one).
    let sent = std::sync::atomic::AtomicBool::new(false);
    let exchange = async {
        let mut client = Client::connect(socket).await?;
        sent.store(true, std::sync::atomic::Ordering::Relaxed);
        let reply = client.call(req).await?;
        Ok::<_, ClientError>((client, reply))
    };
    within(socket, deadline, exchange, || {
        sent.load(std::sync::atomic::Ordering::Relaxed)
    })
    .await
}

/// Runs an exchange with the daemon within `deadline`; a timeout says
/// whether the request had been sent (`sent`, asked when it passes).
pub(crate) async fn within<T>(
    socket: &std::path::Path,
    deadline: Option<Duration>,
    exchange: impl Future<Output = Result<T, ClientError>>,
    sent: impl FnOnce() -> bool,
) -> Result<T, ClientError> {
    match deadline {
        None => exchange.await,
        Some(after) => {
            tokio::time::timeout(after, exchange)
                .await
                .map_err(|_| ClientError::Timeout {
                    path: socket.to_owned(),
                    after,
                    sent: sent(),
                })?
        }
    }
}

/// The client's runtime: one thread is plenty for one connection or a
/// few. `Err` holds the exit status, the reason printed.
pub(super) fn runtime() -> Result<tokio::runtime::Runtime, i32> {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| {
            eprintln!("assignerctl: cannot start: {e}");
            exit::OSERR
        })
}
