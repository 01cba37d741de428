//! Where `top` learns of changes: the daemon's `watch` stream, and a
//! snapshot (`status`, `sessions`, `prompts`) after the events of each
//! change. An event names what changed but not the new values
//! (assigner-protocol(7), `watch`), so each batch of events is followed by
//! one snapshot, at most ten a second: a burst costs one. Nothing is read
//! on a timer; with no events, nothing is asked.
//!
//! When the daemon goes away (a restart) the stream is opened again until
//! it answers, and a snapshot follows, as the first one did.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use tokio::sync::{Notify, mpsc};

use super::clock;
use super::model::Snapshot;
use crate::cli::exchange::{open, within};
use crate::client::{Client, ClientError};
use crate::protocol::{Event, PromptInfo, PromptStatus, Reply, Request};

/// The shortest time between two snapshots.
const SNAPSHOT_EVERY: Duration = Duration::from_millis(100);
/// Pending prompts read per snapshot; the view shows far fewer.
const QUEUE_READ: u32 = 1000;
/// Failed prompts read per snapshot (the newest).
const FAILED_READ: u32 = 50;
/// Pause between two tries to reach a daemon that went away, at first and
/// at most.
const RETRY_FIRST: Duration = Duration::from_millis(200);
const RETRY_MAX: Duration = Duration::from_secs(1);

/// What the view is told.
#[derive(Debug)]
pub enum Feed {
    /// A new snapshot.
    Snapshot(Box<Snapshot>),
    /// An event of the `watch` stream.
    Event(Event),
    /// The connection was lost; it is being opened again.
    Lost(String),
    /// The connection is back.
    Back,
    /// A snapshot could not be read though the stream is up.
    Failed(String),
}

/// Opens the stream, then reads the first snapshot: in that order, so no
/// change between the two is missed.
pub async fn connect(
    socket: &Path,
    deadline: Option<Duration>,
) -> Result<(Client, Snapshot), ClientError> {
    let (watch, _) = open(socket, &Request::Watch {}, deadline).await?;
    Ok((watch, snapshot(socket, deadline).await?))
}

/// Feeds the view from an open stream until the view goes away.
pub fn start(
    socket: PathBuf,
    deadline: Option<Duration>,
    watch: Client,
) -> mpsc::UnboundedReceiver<Feed> {
    let (tx, rx) = mpsc::unbounded_channel();
    let dirty = Arc::new(Notify::new());
    tokio::spawn(snapshots(
        socket.clone(),
        deadline,
        dirty.clone(),
        tx.clone(),
    ));
    tokio::spawn(events(socket, deadline, watch, dirty, tx));
    rx
}

/// Forwards events; each one asks for a snapshot.
async fn events(
    socket: PathBuf,
    deadline: Option<Duration>,
    mut watch: Client,
    dirty: Arc<Notify>,
    tx: mpsc::UnboundedSender<Feed>,
) {
    loop {
        let feed = match watch.next().await {
            Ok(Reply::Event { event }) => Feed::Event(event),
            Ok(_) => continue,
            Err(e) => {
                if tx.send(Feed::Lost(e.to_string())).is_err() {
                    return;
                }
                watch = reopen(&socket, deadline).await;
                Feed::Back
            }
        };
        if tx.send(feed).is_err() {
            return;
        }
        dirty.notify_one();
    }
}

/// Opens the stream again, for as long as it takes: the view says the
/// daemon is away meanwhile, and the person decides when to give up.
async fn reopen(socket: &Path, deadline: Option<Duration>) -> Client {
    let mut pause = RETRY_FIRST;
    loop {
        if let Ok((watch, _)) = open(socket, &Request::Watch {}, deadline).await {
            return watch;
        }
        tokio::time::sleep(pause).await;
        pause = (pause * 2).min(RETRY_MAX);
    }
}

/// Reads a snapshot each time events came in since the last one.
async fn snapshots(
    socket: PathBuf,
    deadline: Option<Duration>,
    dirty: Arc<Notify>,
    tx: mpsc::UnboundedSender<Feed>,
) {
    loop {
        dirty.notified().await;
        let feed = match snapshot(&socket, deadline).await {
            Ok(s) => Feed::Snapshot(Box::new(s)),
            // The stream notices a daemon that went away, and asks again
            // once it is back.
            Err(ClientError::Connect { .. } | ClientError::Io(_)) => continue,
            Err(e) => Feed::Failed(e.to_string()),
        };
        if tx.send(feed).is_err() {
            return;
        }
        tokio::time::sleep(SNAPSHOT_EVERY).await;
    }
}

/// Reads the daemon's state over one connection.
pub async fn snapshot(socket: &Path, deadline: Option<Duration>) -> Result<Snapshot, ClientError> {
    let read = async {
        let (mut c, status) = open(socket, &Request::Status {}, deadline).await?;
        let Reply::Status { status } = status else {
            return Err(unexpected("status", &status));
        };
        let sessions = match c.call(&Request::Sessions {}).await? {
            Reply::Sessions { sessions } => sessions,
            other => return Err(unexpected("sessions", &other)),
        };
        let mut queue = prompts(&mut c, PromptStatus::Pending, QUEUE_READ).await?;
        // Routing order (assignerctl(1), Routing): the daemon lists newest
        // first.
        queue.sort_by_key(|p| (std::cmp::Reverse(p.priority), p.id));
        let failed = prompts(&mut c, PromptStatus::Failed, FAILED_READ).await?;
        let mut running = prompts(&mut c, PromptStatus::Assigned, QUEUE_READ).await?;
        running.extend(prompts(&mut c, PromptStatus::InProgress, QUEUE_READ).await?);
        Ok(Snapshot {
            status,
            sessions,
            queue,
            failed,
            running: running.into_iter().map(|p| (p.id, p)).collect(),
            taken_at: clock::now(),
        })
    };
    within(socket, deadline, read, || true).await
}

async fn prompts(
    c: &mut Client,
    status: PromptStatus,
    limit: u32,
) -> Result<Vec<PromptInfo>, ClientError> {
    let req = Request::Prompts {
        status: Some(status),
        limit: Some(limit),
    };
    match c.call(&req).await? {
        Reply::Prompts { prompts } => Ok(prompts),
        other => Err(unexpected("prompts", &other)),
    }
}

fn unexpected(asked: &str, reply: &Reply) -> ClientError {
    ClientError::Protocol(format!("{asked} answered with {reply:?}"))
}
