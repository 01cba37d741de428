//! `follow ID`: prints what the prompt's pane shows while it runs, read
//! through the daemon's `follow` stream, until the prompt ends; exits with
//! its outcome, as `wait` does.

use std::collections::VecDeque;
use std::path::Path;
use std::time::Duration;

use super::exchange::open;
use super::print::print;
use super::reconnect::Reconnect;
use super::wait::{Record, show_end};
use crate::client::ClientError;
use crate::protocol::{PromptStatus, Reply, Request};

/// Lines kept to recognise, after a reconnect, what was already printed.
const TAIL: usize = 2000;

struct Follower<'a> {
    socket: &'a Path,
    id: i64,
    json: bool,
    deadline: Option<Duration>,
    tail: VecDeque<String>,
    reconnect: Reconnect,
}

/// Follows prompt `id` to its end; returns the exit status.
pub(super) async fn run(
    socket: &Path,
    id: i64,
    json: bool,
    deadline: Option<Duration>,
) -> Result<i32, ClientError> {
    let mut f = Follower {
        socket,
        id,
        json,
        deadline,
        tail: VecDeque::new(),
        reconnect: Reconnect::default(),
    };
    let record = loop {
        match f.session().await {
            Ok(record) => break record,
            Err(e) => f.reconnect.again(e).await?,
        }
    };
    // People saw the response as it appeared; scripts get the record.
    if json || record.0.status != PromptStatus::Completed {
        return Ok(show_end(&record, json));
    }
    Ok(super::wait::outcome(record.0.status))
}

impl Follower<'_> {
    /// One connection's worth of following; an error may be a restart.
    async fn session(&mut self) -> Result<Record, ClientError> {
        let request = Request::Follow { id: self.id };
        let (mut client, first) = open(self.socket, &request, self.deadline).await?;
        // The daemon starts again from what the pane shows since delivery.
        let mut resumed = self.reconnect.resumed();
        self.reconnect.connected();
        if let Reply::Following { status, .. } = first
            && status == PromptStatus::Pending
            && !resumed
        {
            eprintln!(
                "assignerctl: prompt {} is pending; following it once it starts",
                self.id
            );
        }
        loop {
            match client.next().await? {
                Reply::Output { id, lines } => {
                    let lines = if std::mem::take(&mut resumed) {
                        crate::follow::not_printed(self.tail.make_contiguous(), &lines)
                    } else {
                        lines
                    };
                    self.show(id, lines);
                }
                Reply::Prompt { prompt, history } => return Ok((prompt, history)),
                _ => {}
            }
        }
    }

    fn show(&mut self, id: i64, lines: Vec<String>) {
        if lines.is_empty() {
            return;
        }
        for line in &lines {
            if self.tail.len() == TAIL {
                self.tail.pop_front();
            }
            self.tail.push_back(line.clone());
        }
        print(&Reply::Output { id, lines }, self.json);
    }
}
