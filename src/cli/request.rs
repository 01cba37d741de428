//! Turns a parsed command line into what is sent over the socket: one
//! request, or a `wait` or `follow` job made of several.

use std::path::Path;

use super::args::Command;
use super::{hook, send, wait};
use crate::protocol::Request;

fn absolute(p: &Path) -> Result<String, String> {
    std::path::absolute(p)
        .map(|a| a.display().to_string())
        .map_err(|e| format!("{}: {e}", p.display()))
}

/// What a command does over the socket.
pub(super) enum Job {
    /// One request, its answer printed (a stream for `watch`).
    One(Request),
    /// `wait`, or `send --wait`.
    Wait(wait::Wait),
    /// `follow`.
    Follow(i64),
}

pub(super) fn job(cmd: Command) -> Result<Job, String> {
    Ok(match cmd {
        Command::Wait { ids, timeout } => Job::Wait(wait::Wait {
            send: None,
            ids,
            timeout,
        }),
        Command::Follow { id } => Job::Follow(id),
        Command::Send(a) if a.wait => {
            let timeout = a.wait_timeout;
            Job::Wait(wait::Wait {
                send: Some(to_request(Command::Send(a))?),
                ids: Vec::new(),
                timeout,
            })
        }
        cmd => Job::One(to_request(cmd)?),
    })
}

fn to_request(cmd: Command) -> Result<Request, String> {
    Ok(match cmd {
        Command::Status => Request::Status {},
        Command::Send(a) => {
            let raw = a.raw;
            Request::Send {
                prompt: send::build(a)?,
                raw,
            }
        }
        Command::Prompts { status, limit } => Request::Prompts {
            status,
            limit: Some(limit),
        },
        Command::Show { id } => Request::Show { id },
        Command::Sessions => Request::Sessions {},
        Command::Retry { id, all } => Request::Retry { id, all },
        Command::Cancel { id } => Request::Cancel { id },
        Command::Reassign { id, to } => Request::Reassign { id, to },
        Command::Clear { days } => Request::Clear { days },
        Command::Cleanup(c) => Request::Cleanup {
            apply: c.apply,
            retry_failed: c.retry_failed,
            verify_only: c.verify_only,
        },
        Command::Complete {
            id,
            pane,
            session,
            failed,
            failure,
            from_hook,
            payload,
        } => {
            // A hook runs in the agent's pane; Codex's notify program gets
            // no shell to expand $TMUX_PANE in its arguments.
            let pane = match (&pane, from_hook) {
                (None, Some(_)) if id.is_none() && session.is_none() => {
                    std::env::var("TMUX_PANE").ok().filter(|p| !p.is_empty())
                }
                _ => pane,
            };
            if id.is_none() && pane.is_none() && session.is_none() {
                return Err("complete needs an ID, --pane or --session".into());
            }
            let report = match from_hook {
                Some(agent) => hook::read(agent, payload)?,
                None => hook::HookReport {
                    error: failed,
                    failure,
                    response: None,
                },
            };
            Request::Complete {
                id,
                pane,
                session,
                error: report.error,
                response: report.response,
                failure: report.failure,
            }
        }
        Command::Watch => Request::Watch {},
        Command::Pool { action } => super::pool::request(action)?,
        Command::Reload => Request::Reload {},
        Command::Explain { session } => Request::Explain { session },
        Command::ImportLegacy { path } => Request::ImportLegacy {
            path: absolute(&path)?,
        },
        Command::Backup { path } => Request::Backup {
            path: absolute(&path)?,
        },
        Command::Validate { .. }
        | Command::Completions { .. }
        | Command::Hooks { .. }
        | Command::Top => {
            unreachable!("handled locally")
        }
        Command::Wait { .. } | Command::Follow { .. } => unreachable!("not one request"),
    })
}
