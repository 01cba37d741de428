//! The `follow` stream: what a prompt's pane shows while it runs.
//!
//! The core stays the one owner of state (ARCHITECTURE.md, One owner of
//! state): the stream asks it where the prompt stands, once at the start
//! and again on each `watch` event of that prompt, never on a timer. While
//! the prompt runs, the stream reads its pane from the history line its
//! output starts at, as the response capture does (`capture_since`), and
//! sends the lines that appeared (`crate::follow`). Once the prompt has
//! ended it sends the final record, as `show` answers, and hangs up.

use std::time::Duration;

use tokio::io::BufReader;
use tokio::net::unix::{OwnedReadHalf, OwnedWriteHalf, UCred};
use tokio::sync::{broadcast, oneshot};
use tracing::debug;

use super::context::{ConnContext, refuse, send};
use super::core::Core;
use super::message::{CoreMsg, Point};
use crate::follow::PaneView;
use crate::protocol::{ErrorKind, Reply, Response, WireError};

/// How often a running prompt's pane is read. A line is shown once it held
/// still between two reads, so this is about half the delay before it shows.
const CAPTURE_EVERY: Duration = Duration::from_millis(300);

impl Core {
    /// Where prompt `id` stands, for a `follow` stream.
    pub(super) fn follow_point(&self, id: i64) -> Result<Point, WireError> {
        let prompt = self.store.prompt(id)?;
        let status = prompt.summary.status;
        if status.is_finished() {
            let history = self.store.history(id)?;
            return Ok(Point {
                status,
                running: None,
                record: Some((prompt, history)),
            });
        }
        Ok(Point {
            status,
            running: self.engine.running(id),
            record: None,
        })
    }
}

async fn ask(ctx: &ConnContext, id: i64) -> Result<Point, Response> {
    let gone = || Response::error(ErrorKind::Unavailable, "the daemon is shutting down");
    let (tx, rx) = oneshot::channel();
    if ctx
        .core
        .send(CoreMsg::Follow { id, reply: tx })
        .await
        .is_err()
    {
        return Err(gone());
    }
    match rx.await {
        Ok(Ok(point)) => Ok(point),
        Ok(Err(e)) => Err(Response::Err(e)),
        Err(_) => Err(gone()),
    }
}

/// Streams prompt `id` until it ends, the client leaves or the daemon
/// stops.
pub(super) async fn stream(
    id: i64,
    reader: &mut BufReader<OwnedReadHalf>,
    write: &mut OwnedWriteHalf,
    ctx: &ConnContext,
    cred: &UCred,
) {
    // Subscribed before the first look, so no change after it is missed.
    let mut events = ctx.events.subscribe();
    let mut point = match ask(ctx, id).await {
        Ok(p) => p,
        Err(refused) => {
            let _ = send(write, &refused, ctx).await;
            return;
        }
    };
    let following = Reply::Following {
        id,
        status: point.status,
    };
    if send(write, &Response::Ok(following), ctx).await.is_err() {
        return;
    }
    debug!(peer_uid = cred.uid(), prompt_id = id, "follow stream open");
    let mut view = PaneView::default();
    let mut pane = point.running.as_ref().map(|r| r.0.clone());
    let mut tick = tokio::time::interval(CAPTURE_EVERY);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    let mut ends = super::stream::Ends::new(reader, ctx);
    loop {
        if let Some((prompt, history)) = point.record.take() {
            let lines = prompt
                .response
                .as_deref()
                .map(|r| view.finish(r))
                .unwrap_or_default();
            if !lines.is_empty() && output(write, ctx, id, lines).await.is_err() {
                return;
            }
            let prompt = prompt.into();
            let history = history.into_iter().map(Into::into).collect();
            let _ = send(write, &Response::Ok(Reply::Prompt { prompt, history }), ctx).await;
            return;
        }
        tokio::select! {
            ev = events.recv() => {
                let relevant = match ev {
                    Ok(e) => e.kind == crate::protocol::EventKind::Prompt && e.id == Some(id),
                    Err(broadcast::error::RecvError::Lagged(_)) => true,
                    Err(broadcast::error::RecvError::Closed) => return,
                };
                if !relevant {
                    continue;
                }
                point = match ask(ctx, id).await {
                    Ok(p) => p,
                    Err(refused) => {
                        let _ = send(write, &refused, ctx).await;
                        return;
                    }
                };
                let now = point.running.as_ref().map(|r| r.0.clone());
                if now.is_some() && now != pane {
                    // Run again elsewhere: that pane's lines are all new.
                    view = PaneView::default();
                    pane = now;
                }
            }
            _ = tick.tick(), if point.running.is_some() => {
                let Some((p, mark, tmux)) = &point.running else { continue };
                match tmux.capture_since(p, *mark).await {
                    Ok(text) => {
                        let lines = view.update(&text);
                        if !lines.is_empty() && output(write, ctx, id, lines).await.is_err() {
                            return;
                        }
                    }
                    // The pane may have just gone: the prompt's next event
                    // says what became of it.
                    Err(e) => debug!(prompt_id = id, pane = %p, "follow cannot read the pane: {e}"),
                }
            }
            end = ends.reached(ctx, cred) => {
                if let Some(why) = end {
                    refuse(write, why, ctx).await;
                }
                return;
            }
        }
    }
}

async fn output(
    write: &mut OwnedWriteHalf,
    ctx: &ConnContext,
    id: i64,
    lines: Vec<String>,
) -> std::io::Result<()> {
    send(write, &Response::Ok(Reply::Output { id, lines }), ctx).await
}
