//! One client connection: credentials, framing, parsing, and either
//! request/response through the core or an event stream for `watch`.
//!
//! Nothing a client sends can crash the daemon or disturb another client:
//! every malformed, unknown or oversized line gets an error response and the
//! connection carries on; a stalled or vanished client is dropped.

use std::sync::Arc;

use tokio::io::BufReader;
use tokio::net::UnixStream;
use tokio::net::unix::OwnedWriteHalf;
use tokio::net::unix::UCred;
use tokio::sync::{broadcast, oneshot};
use tokio::time::Instant;
use tracing::{debug, warn};

use super::admission::SlotKind;
use super::context::{ConnContext, refuse, send, still_allowed};
use super::deadline::{Next, next_line};
use super::message::CoreMsg;
use crate::framing::LineRead;
use crate::protocol::{ErrorKind, Event, MAX_LINE_BYTES, Reply, Request, Response};

/// Serves one client until it leaves, stalls, or the daemon stops. On a
/// [`SlotKind::HookOnly`] slot it may only say `hello` and `complete`,
/// all within one line timeout of connecting.
pub async fn serve(stream: UnixStream, ctx: Arc<ConnContext>, cred: UCred, kind: SlotKind) {
    let hook_only = kind == SlotKind::HookOnly;
    let (read, mut write) = stream.into_split();
    let allowed = ctx.admission.borrow().policy.check(cred.uid(), cred.gid());
    if let Err(why) = allowed {
        warn!(
            peer_uid = cred.uid(),
            peer_pid = cred.pid(),
            "refused connection: {why}"
        );
        refuse(&mut write, why, &ctx).await;
        return;
    }
    let mut reader = BufReader::new(read);
    let mut buf = Vec::new();
    let mut shutdown = ctx.shutdown.clone();
    let first_by = Instant::now() + ctx.admission.borrow().line_timeout;
    let mut first = true;
    loop {
        // Read afresh for each line: a reload applies from the next one.
        let (idle, line) = {
            let a = ctx.admission.borrow();
            (a.idle_timeout, a.line_timeout)
        };
        let idle = (!first && !hook_only).then_some(idle);
        let read = tokio::select! {
            r = next_line(&mut reader, &mut buf, idle, line, first_by) => r,
            _ = shutdown.changed() => return,
        };
        first = false;
        let response = match read {
            Next::Idle => {
                debug!(peer_uid = cred.uid(), "client idle too long; disconnecting");
                return;
            }
            Next::Slow => {
                warn!(
                    peer_uid = cred.uid(),
                    peer_pid = cred.pid(),
                    "client took too long over a request line; disconnecting"
                );
                return;
            }
            Next::Failed(e) => {
                debug!(error = %e, "client read failed");
                return;
            }
            Next::Read(LineRead::Eof) => return,
            Next::Read(LineRead::TooLong) => Response::error(
                ErrorKind::BadRequest,
                format!("request line exceeds {MAX_LINE_BYTES} bytes"),
            ),
            Next::Read(LineRead::Line) if buf.iter().all(u8::is_ascii_whitespace) => continue,
            // A reload may have narrowed who may use the daemon: a client
            // let in before keeps no right the new config does not give.
            Next::Read(LineRead::Line) if let Err(why) = still_allowed(&ctx, &cred) => {
                refuse(&mut write, why, &ctx).await;
                return;
            }
            Next::Read(LineRead::Line) => match parse(&buf) {
                Err(why) => Response::error(ErrorKind::BadRequest, why),
                Ok(req)
                    if hook_only
                        && !matches!(req, Request::Hello { .. } | Request::Complete { .. }) =>
                {
                    let busy = Response::error(
                        ErrorKind::Unavailable,
                        "every connection slot is taken; only root and `complete` are served now; try again",
                    );
                    let _ = send(&mut write, &busy, &ctx).await;
                    return;
                }
                Ok(Request::Watch {}) => {
                    stream_events(&mut reader, &mut write, &ctx, &cred).await;
                    return;
                }
                Ok(Request::Follow { id }) => {
                    super::follow::stream(id, &mut reader, &mut write, &ctx, &cred).await;
                    return;
                }
                Ok(Request::Reload {}) => ask_reload(&ctx).await,
                Ok(req) => ask_core(&ctx, req).await,
            },
        };
        if send(&mut write, &response, &ctx).await.is_err() {
            return;
        }
    }
}

/// Parses a request line, turning each kind of bad input into a clear
/// `bad_request`: malformed JSON, an unknown type or field, and a value
/// out of its range (`Request::validate`).
fn parse(line: &[u8]) -> Result<Request, String> {
    let value: serde_json::Value =
        serde_json::from_slice(line).map_err(|e| format!("malformed JSON: {e}"))?;
    if !value.is_object() {
        return Err("a request must be a JSON object with a \"type\" field".into());
    }
    if value.get("type").and_then(|t| t.as_str()).is_none() {
        return Err("request has no string \"type\" field".into());
    }
    let req: Request =
        serde_json::from_value(value).map_err(|e| format!("invalid request: {e}"))?;
    req.validate()?;
    Ok(req)
}

async fn ask_reload(ctx: &ConnContext) -> Response {
    let (tx, rx) = oneshot::channel();
    if ctx.reload.send(tx).await.is_err() {
        return Response::error(ErrorKind::Unavailable, "the daemon is shutting down");
    }
    match rx.await {
        Ok(Ok(())) => Response::Ok(Reply::Reloaded),
        Ok(Err(why)) => Response::error(
            ErrorKind::BadRequest,
            format!("new config refused; the running one stays: {why}"),
        ),
        Err(_) => Response::error(ErrorKind::Unavailable, "the daemon is shutting down"),
    }
}

async fn ask_core(ctx: &ConnContext, req: Request) -> Response {
    let (tx, rx) = oneshot::channel();
    if ctx
        .core
        .send(CoreMsg::Request {
            req: Box::new(req),
            reply: tx,
        })
        .await
        .is_err()
    {
        return Response::error(ErrorKind::Unavailable, "the daemon is shutting down");
    }
    rx.await
        .unwrap_or_else(|_| Response::error(ErrorKind::Unavailable, "the daemon is shutting down"))
}

/// Streams events until the client closes its end (or sends anything, which
/// a watcher has no reason to do), or the daemon stops.
async fn stream_events(
    reader: &mut BufReader<tokio::net::unix::OwnedReadHalf>,
    write: &mut OwnedWriteHalf,
    ctx: &ConnContext,
    cred: &UCred,
) {
    let mut events = ctx.events.subscribe();
    let mut ends = super::stream::Ends::new(reader, ctx);
    if send(write, &Response::Ok(Reply::Watching), ctx)
        .await
        .is_err()
    {
        return;
    }
    debug!(peer_uid = cred.uid(), "watch stream open");
    loop {
        tokio::select! {
            ev = events.recv() => {
                let reply = match ev {
                    Ok(event) => Reply::Event { event },
                    Err(broadcast::error::RecvError::Lagged(n)) => Reply::Event {
                        event: Event {
                            at: String::new(),
                            kind: crate::protocol::EventKind::Notice,
                            id: None,
                            event: "lagged".into(),
                            session: None,
                            detail: Some(format!("{n} events were dropped because the client read too slowly")),
                        },
                    },
                    Err(broadcast::error::RecvError::Closed) => return,
                };
                if send(write, &Response::Ok(reply), ctx).await.is_err() {
                    return;
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
