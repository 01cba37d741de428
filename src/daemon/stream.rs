//! What ends a stream (`watch`, `follow`) besides its own source: the
//! client hanging up, access withdrawn by a reload, or the daemon stopping.

use tokio::io::BufReader;
use tokio::net::unix::{OwnedReadHalf, UCred};
use tokio::sync::watch;

use super::admission::Admission;
use super::context::{ConnContext, still_allowed};
use crate::framing::{LineRead, read_line};
use crate::protocol::MAX_LINE_BYTES;

/// Watches one streaming connection for its end.
pub(super) struct Ends<'a> {
    reader: &'a mut BufReader<OwnedReadHalf>,
    scratch: Vec<u8>,
    admission: watch::Receiver<Admission>,
    shutdown: watch::Receiver<bool>,
}

impl<'a> Ends<'a> {
    /// Starts watching; a reload from now on is checked.
    pub(super) fn new(reader: &'a mut BufReader<OwnedReadHalf>, ctx: &ConnContext) -> Self {
        Self {
            reader,
            scratch: Vec::new(),
            admission: ctx.admission.subscribe(),
            shutdown: ctx.shutdown.clone(),
        }
    }

    /// Resolves when the stream must end; `Some(why)` when the peer lost
    /// its access, which it is to be told. Anything the client sends is
    /// read and ignored: a streaming client has no reason to.
    pub(super) async fn reached(&mut self, ctx: &ConnContext, cred: &UCred) -> Option<String> {
        loop {
            tokio::select! {
                r = read_line(self.reader, &mut self.scratch, MAX_LINE_BYTES) => {
                    if !matches!(r, Ok(LineRead::Line)) {
                        return None;
                    }
                }
                _ = self.admission.changed() => {
                    if let Err(why) = still_allowed(ctx, cred) {
                        return Some(why);
                    }
                }
                _ = self.shutdown.changed() => return None,
            }
        }
    }
}
