//! The control client's reader: the one task that reads the client's
//! output, so that replies reach their requests in the order tmux answers
//! them (the order they were written) while notifications flow past them,
//! and so that whoever still waits learns when the client has ended.

use std::collections::VecDeque;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::sync::{mpsc, oneshot};

use super::framing::{Framed, Framer};
use super::notify::Notification;
use crate::tmux::sync::lock;

type Answer = Result<Vec<String>, String>;

/// A request written and not yet answered, queued in the order written.
pub(super) struct Pending {
    /// The reply is raw content (a capture): no line of it is a
    /// notification.
    pub(super) content: bool,
    pub(super) answer: oneshot::Sender<Answer>,
}

/// The reader task: frames every line, answers requests in order and
/// forwards notifications; at the end (the client exited, the server died)
/// fails whatever is still waiting.
pub(super) async fn read(
    stdout: tokio::process::ChildStdout,
    pending: Arc<Mutex<VecDeque<Pending>>>,
    events: mpsc::Sender<Notification>,
    attached: oneshot::Sender<Result<(), String>>,
    closed: Arc<AtomicBool>,
) {
    let mut attached = Some(attached);
    let mut reader = BufReader::new(stdout);
    let mut framer = Framer::default();
    let mut answering: Option<Pending> = None;
    let mut buf = Vec::new();
    let mut exited = false;
    loop {
        buf.clear();
        match reader.read_until(b'\n', &mut buf).await {
            Ok(0) | Err(_) => break,
            Ok(_) => {}
        }
        let line = String::from_utf8_lossy(&buf);
        let line = line.strip_suffix('\n').unwrap_or(&line);
        let framed = framer.line(line, || {
            answering = lock(&pending).pop_front();
            answering.as_ref().is_some_and(|p| p.content)
        });
        match framed {
            Framed::Reply { ok, lines } => {
                if let Some(p) = answering.take() {
                    let answer = if ok { Ok(lines) } else { Err(lines.join("\n")) };
                    // The caller may have given up: its reply is dropped.
                    let _ = p.answer.send(answer);
                }
            }
            Framed::Foreign { ok, lines } => {
                if let Some(tx) = attached.take() {
                    let _ = tx.send(if ok { Ok(()) } else { Err(lines.join("\n")) });
                }
            }
            Framed::Notify(n) => {
                exited |= matches!(n, Notification::Exit(_));
                let _ = events.try_send(n);
            }
            Framed::Nothing => {}
        }
    }
    if !exited {
        let _ = events.try_send(Notification::Exit(None));
    }
    closed.store(true, Ordering::Release);
    // Dropping the senders tells every waiting caller the client is gone.
    lock(&pending).clear();
}
