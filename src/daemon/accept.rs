//! The step between the accept loop and a connection's task: a slot for
//! the peer's uid (`admission.rs`), then the connection served
//! (`connection.rs`), or a refusal written without holding up the loop.

use std::sync::Arc;
use std::time::Duration;

use tokio::io::AsyncWriteExt;
use tokio::net::UnixStream;
use tracing::warn;

use super::admission::Slots;
use super::connection;
use super::context::ConnContext;
use crate::protocol::{ErrorKind, Response};

/// Hands a connection to its own task, or refuses it when no slot is left
/// for its uid (the refusal is written from a task too, so a slow client
/// cannot stall the accept loop).
pub fn accept(stream: UnixStream, ctx: &Arc<ConnContext>, slots: &Arc<Slots>) {
    let cred = match stream.peer_cred() {
        Ok(c) => c,
        Err(e) => {
            warn!(error = %e, "cannot read peer credentials; dropping connection");
            return;
        }
    };
    let ctx = Arc::clone(ctx);
    let taken = slots.take(cred.uid(), &ctx.admission.borrow());
    match taken {
        Ok(slot) => {
            tokio::spawn(async move {
                connection::serve(stream, ctx, cred, slot.kind).await;
                drop(slot);
            });
        }
        Err(why) => {
            warn!(
                peer_uid = cred.uid(),
                peer_pid = cred.pid(),
                "refused connection: {why}"
            );
            tokio::spawn(async move {
                let mut stream = stream;
                let mut line = Response::error(ErrorKind::Unavailable, why).to_line();
                line.push('\n');
                let _ =
                    tokio::time::timeout(Duration::from_secs(1), stream.write_all(line.as_bytes()))
                        .await;
            });
        }
    }
}
