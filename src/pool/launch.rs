//! Starting and stopping a pool agent on the served tmux server, through
//! the engine's driver (so over its control-mode client when it runs).
//!
//! An agent that exits at once must still leave its exit status:
//! `remain-on-exit` is set on the new window before the agent's program
//! runs in it, so the session starts with a placeholder that is then
//! replaced (`respawn-pane -k`) by the agent's argv.
//!
//! These calls run as a process each, never over the control-mode client,
//! which may be attached to the very session they end or replace.
//!
//! tmux 3.3 misses the end of a pane's program now and then (about one in
//! seven in a tight loop): when the terminal closes first, tmux records
//! it through libutempter, which sets SIGCHLD to its default while its
//! helper runs, and a child ending in that moment goes unnoticed. The pane
//! then reads dead without a status until some other child of the server
//! ends and tmux reaps them all. [`reap`] makes one end.

use std::path::{Path, PathBuf};

use super::spec::PoolConfig;
use crate::tmux::{Tmux, TmuxError};

/// Size of an agent's window when no client is attached: wide enough for
/// an agent's input box and status lines.
const WIDTH: &str = "160";
const HEIGHT: &str = "48";

/// Starts agent `session` in `dir` (made beforehand: its worktree comes
/// from [`super::worktree::ensure`], off the core's loop); returns its
/// pane id, or why not.
pub async fn launch(
    driver: &Tmux,
    session: &str,
    dir: Option<&Path>,
    spec: &PoolConfig,
) -> Result<String, String> {
    let tmux = &driver.without_control();
    if let Some(d) = dir.as_ref().filter(|d| !d.is_dir()) {
        return Err(format!("workdir {} is not a directory", d.display()));
    }
    let dir = dir.map(path_arg).transpose()?;
    let mut create = vec![
        "new-session",
        "-d",
        "-P",
        "-F",
        "#{pane_id}",
        "-x",
        WIDTH,
        "-y",
        HEIGHT,
        "-s",
        session,
    ];
    if let Some(d) = &dir {
        create.extend_from_slice(&["-c", d]);
    }
    create.extend_from_slice(&["sleep", "86400"]);
    let pane = tmux
        .run(&create, None, None)
        .await
        .map_err(|e| format!("cannot create session {session}: {e}"))?
        .trim()
        .to_owned();
    let env: Vec<String> = spec.env.iter().map(|(k, v)| format!("{k}={v}")).collect();
    let mut respawn = vec!["respawn-pane", "-k", "-t", pane.as_str()];
    if let Some(d) = &dir {
        respawn.extend_from_slice(&["-c", d]);
    }
    for e in &env {
        respawn.extend_from_slice(&["-e", e]);
    }
    // tmux runs a single word through the shell; `env` makes it an argv
    // of two, which tmux runs directly, as any longer one.
    if spec.command.len() == 1 {
        respawn.push("env");
    }
    respawn.extend(spec.command.iter().map(String::as_str));
    let set_up = async {
        tmux.run(
            &["set-option", "-w", "-t", &pane, "remain-on-exit", "on"],
            Some(&pane),
            None,
        )
        .await?;
        tmux.run(&respawn, Some(&pane), None).await
    };
    if let Err(e) = set_up.await {
        let _ = kill(tmux, &pane).await;
        return Err(format!(
            "cannot start {} in session {session}: {e}",
            spec.command[0]
        ));
    }
    Ok(pane)
}

/// Ends the session of `pane`, the agent with it.
pub async fn kill(tmux: &Tmux, pane: &str) -> Result<(), TmuxError> {
    // A process, never the control client: the client may be attached to
    // the very session killed, and would end before it answers, leaving
    // the next kill it carries unsent.
    tmux.without_control()
        .run(&["kill-session", "-t", pane], Some(pane), None)
        .await
        .map(drop)
}

/// Makes the server reap every child that has ended, so that the status
/// of an agent whose end it missed shows (see above): a `run-shell` job is
/// a child of the server, and its end makes tmux collect them all.
pub async fn reap(tmux: &Tmux) -> Result<(), TmuxError> {
    tmux.run(&["run-shell", "true"], None, None).await.map(drop)
}

fn path_arg(dir: &Path) -> Result<String, String> {
    dir.to_str()
        .map(str::to_owned)
        .ok_or_else(|| format!("{} is not UTF-8", PathBuf::from(dir).display()))
}
