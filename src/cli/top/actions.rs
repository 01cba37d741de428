//! What the keys do, each through the protocol request the CLI command of
//! the same name sends (nothing behind the protocol), with its outcome or
//! error on the status line.

use std::path::Path;
use std::time::Duration;

use super::keys::Action;
use super::model::{Model, Overlay};
use crate::cli::exchange::open;
use crate::cli::{output, printable};
use crate::client::ClientError;
use crate::protocol::{Reply, Request};

/// A session's pane to attach to, on the daemon's tmux server.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AttachTo {
    /// The server's socket, as `status` reports it.
    pub socket: String,
    /// The pane id.
    pub pane: String,
    /// The session's display name.
    pub name: String,
}

/// What the view loop does after an action.
#[derive(Debug, PartialEq, Eq)]
pub enum After {
    /// Draw again.
    Redraw,
    /// Leave.
    Quit,
    /// Hand the terminal to tmux.
    Attach(AttachTo),
}

/// The daemon that actions go to.
pub struct Daemon<'a> {
    /// Its control socket.
    pub socket: &'a Path,
    /// The request deadline (`--request-timeout`).
    pub deadline: Option<Duration>,
}

impl Daemon<'_> {
    async fn ask(&self, req: &Request) -> Result<Reply, ClientError> {
        open(self.socket, req, self.deadline).await.map(|(_, r)| r)
    }
}

/// Carries out `action` on the model and, for requests, the daemon.
pub async fn perform(m: &mut Model, action: Action, daemon: &Daemon<'_>) -> After {
    match action {
        Action::Quit => return After::Quit,
        Action::Nothing => {}
        Action::Select(by) => m.select(by),
        Action::Filter => m.editing_filter = true,
        Action::Typed(f) => m.set_filter(f),
        Action::FilterDone => m.editing_filter = false,
        Action::FilterCancel => {
            m.editing_filter = false;
            m.set_filter(String::new());
        }
        Action::Close => m.overlay = None,
        Action::Scroll(by) => {
            if let Some(o) = &mut m.overlay {
                let last = o.lines.len().saturating_sub(1);
                o.scroll = o.scroll.saturating_add_signed(by).min(last);
            }
        }
        Action::Show => {
            if let Some(id) = needs_prompt(m) {
                let title = format!("prompt {id}");
                overlay(m, title, daemon.ask(&Request::Show { id }).await);
            }
        }
        Action::Explain => {
            if let Some((pane, name)) = needs_session(m) {
                let req = Request::Explain { session: pane };
                overlay(m, format!("explain {name}"), daemon.ask(&req).await);
            }
        }
        Action::Cancel => {
            if let Some(id) = needs_prompt(m) {
                let done = daemon.ask(&Request::Cancel { id }).await;
                outcome(m, &format!("cancel {id}"), done);
            }
        }
        Action::Retry => {
            if let Some(id) = needs_prompt(m) {
                let req = Request::Retry {
                    id: Some(id),
                    all: false,
                };
                let done = daemon.ask(&req).await;
                outcome(m, &format!("retry {id}"), done);
            }
        }
        Action::Attach => {
            if let Some((pane, name)) = needs_session(m) {
                let socket = m.snap.status.tmux.socket.clone();
                return After::Attach(AttachTo { socket, pane, name });
            }
        }
    }
    After::Redraw
}

/// The selected row's prompt, or a word on the status line.
fn needs_prompt(m: &mut Model) -> Option<i64> {
    let id = m.prompt_id();
    if id.is_none() {
        m.notice = Some(("the selected row has no prompt".into(), true));
    }
    id
}

/// The selected session (pane id and name), or a word on the status line.
fn needs_session(m: &mut Model) -> Option<(String, String)> {
    let found = m.session().map(|s| (s.pane.clone(), s.name.clone()));
    if found.is_none() {
        m.notice = Some(("select a session first".into(), true));
    }
    found
}

/// Shows an answer over the view, as the CLI prints it.
fn overlay(m: &mut Model, title: String, answer: Result<Reply, ClientError>) {
    match answer {
        Ok(reply) => {
            let text = printable::text(&output::human(&reply)).into_owned();
            m.overlay = Some(Overlay {
                title,
                lines: text.lines().map(str::to_owned).collect(),
                scroll: 0,
            });
            m.notice = None;
        }
        Err(e) => m.notice = Some((failure(&title, &e), true)),
    }
}

/// Puts an answer on the status line, as the CLI prints it.
fn outcome(m: &mut Model, what: &str, answer: Result<Reply, ClientError>) {
    m.notice = Some(match answer {
        Ok(reply) => {
            let text = printable::cell(output::human(&reply).trim_end()).into_owned();
            (text, false)
        }
        Err(e) => (failure(what, &e), true),
    });
}

/// An error as the CLI words it: the message and its stable kind.
fn failure(what: &str, e: &ClientError) -> String {
    let text = match e {
        ClientError::Daemon(w) => format!("{what}: {} ({})", w.message, w.kind.as_str()),
        other => format!("{what}: {other}"),
    };
    printable::cell(&text).into_owned()
}
