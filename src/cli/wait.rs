//! `wait ID…` and `send --wait`: block until the prompts end, then print
//! their responses (or, with `--json`, their final records) and exit with
//! their outcome (assignerctl(1), EXIT STATUS).
//!
//! Event-driven: a `watch` stream says when a prompt waited for changes,
//! and only then is it looked at (`show`); the stream is opened before the
//! first look, so no change is missed.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;
use std::time::Duration;

use super::exchange::open;
use super::print::{print, print_text};
use super::reconnect::Reconnect;
use crate::client::ClientError;
use crate::error::exit;
use crate::protocol::{HistoryEntry, PromptInfo, PromptStatus, Reply, Request};

/// The final record of a prompt, as `show` answers.
pub(super) type Record = (PromptInfo, Vec<HistoryEntry>);

/// What to wait for.
pub(super) struct Wait {
    /// `send --wait`: the `send` request whose prompt to wait for.
    pub send: Option<Request>,
    /// Prompts named on the command line.
    pub ids: Vec<i64>,
    /// Give up after this many seconds.
    pub timeout: Option<u64>,
}

struct Waiter<'a> {
    socket: &'a Path,
    deadline: Option<Duration>,
    left: BTreeSet<i64>,
    done: BTreeMap<i64, Record>,
    reconnect: Reconnect,
}

/// Waits, prints, and returns the exit status.
pub(super) async fn run(
    socket: &Path,
    what: Wait,
    json: bool,
    deadline: Option<Duration>,
) -> Result<i32, ClientError> {
    let mut ids: Vec<i64> = Vec::new();
    for id in what.ids {
        if !ids.contains(&id) {
            ids.push(id);
        }
    }
    if let Some(req) = &what.send {
        // Never sent twice: a failure here is reported, not retried.
        match open(socket, req, deadline).await?.1 {
            Reply::Sent { id } => ids.push(id),
            other => {
                return Err(ClientError::Protocol(format!(
                    "send answered with {other:?}"
                )));
            }
        }
    }
    let mut w = Waiter {
        socket,
        deadline,
        left: ids.iter().copied().collect(),
        done: BTreeMap::new(),
        reconnect: Reconnect::default(),
    };
    let waited = async {
        loop {
            match w.session().await {
                Ok(()) => return Ok::<(), ClientError>(()),
                Err(e) => w.reconnect.again(e).await?,
            }
        }
    };
    match what.timeout {
        None => waited.await?,
        Some(secs) => {
            if let Ok(r) = tokio::time::timeout(Duration::from_secs(secs), waited).await {
                r?;
            } else {
                eprintln!(
                    "assignerctl: gave up waiting after {secs} s; the prompts not ended carry on"
                );
            }
        }
    }
    Ok(report(&ids, &w.done, json))
}

impl Waiter<'_> {
    /// One connection's worth of waiting; an error may be a restart.
    async fn session(&mut self) -> Result<(), ClientError> {
        let (mut watch, _) = open(self.socket, &Request::Watch {}, self.deadline).await?;
        self.reconnect.connected();
        self.look(self.left.clone()).await?;
        while !self.left.is_empty() {
            let changed: BTreeSet<i64> = match watch.next().await? {
                Reply::Event { event } if event.kind == crate::protocol::EventKind::Prompt => event
                    .id
                    .filter(|id| self.left.contains(id))
                    .into_iter()
                    .collect(),
                // Events were dropped: any prompt may have moved.
                Reply::Event { event } if event.event == "lagged" => self.left.clone(),
                _ => BTreeSet::new(),
            };
            self.look(changed).await?;
        }
        Ok(())
    }

    /// Reads these prompts; those that have ended are done.
    async fn look(&mut self, ids: BTreeSet<i64>) -> Result<(), ClientError> {
        for id in ids {
            if let (_, Reply::Prompt { prompt, history }) =
                open(self.socket, &Request::Show { id }, self.deadline).await?
                && prompt.status.is_finished()
            {
                self.left.remove(&id);
                self.done.insert(id, (prompt, history));
            }
        }
        Ok(())
    }
}

/// Prints what the prompts ended with, in the order named, and returns
/// the exit status: a timeout first, then a failure, then a cancellation.
fn report(ids: &[i64], done: &BTreeMap<i64, Record>, json: bool) -> i32 {
    let mut codes = Vec::new();
    for id in ids {
        let Some(record) = done.get(id) else {
            eprintln!("assignerctl: prompt {id} has not ended");
            codes.push(exit::WAIT_TIMEOUT);
            continue;
        };
        if ids.len() > 1 && !json {
            println!("==> prompt {id}: {} <==", record.0.status);
        }
        codes.push(show_end(record, json));
    }
    [
        exit::WAIT_TIMEOUT,
        exit::PROMPT_FAILED,
        exit::PROMPT_CANCELLED,
    ]
    .into_iter()
    .find(|c| codes.contains(c))
    .unwrap_or(exit::OK)
}

/// Prints one ended prompt (its response on stdout, or why it did not
/// complete on stderr) and returns its exit status.
pub(super) fn show_end((prompt, history): &Record, json: bool) -> i32 {
    if json {
        let reply = Reply::Prompt {
            prompt: prompt.clone(),
            history: history.clone(),
        };
        print(&reply, true);
    } else if prompt.status == PromptStatus::Completed {
        let mut text = prompt.response.clone().unwrap_or_default();
        if !text.is_empty() && !text.ends_with('\n') {
            text.push('\n');
        }
        print_text(&text);
    } else {
        let why = prompt.error.as_deref().unwrap_or("no reason recorded");
        let why = super::printable::text(why);
        eprintln!("assignerctl: prompt {} {}: {why}", prompt.id, prompt.status);
    }
    outcome(prompt.status)
}

/// The exit status for a prompt that ended in `status`.
pub(super) fn outcome(status: PromptStatus) -> i32 {
    match status {
        PromptStatus::Completed => exit::OK,
        PromptStatus::Failed => exit::PROMPT_FAILED,
        PromptStatus::Cancelled => exit::PROMPT_CANCELLED,
        _ => exit::WAIT_TIMEOUT,
    }
}
