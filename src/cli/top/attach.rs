//! `a`: a session's pane on the screen. From outside tmux, or inside
//! another tmux server, a tmux client attaches to the pane (its window and
//! pane selected) on the daemon's server and holds the terminal until it
//! detaches; then `top` draws again. Inside a client of the daemon's own
//! server, that client switches to the pane instead (`top` keeps running
//! in its own pane; `switch-client -l` comes back).

use std::path::Path;

use tokio::process::Command;

use super::actions::AttachTo;

/// How the terminal reaches the pane.
#[derive(Debug, PartialEq, Eq)]
pub enum Way {
    /// A client of our own, on the terminal, until it detaches.
    Attach,
    /// The tmux client `top` runs in moves to the pane.
    Switch,
}

/// The way for a `top` running with `$TMUX` set to `tmux_env` (tmux sets
/// it to `socket,pid,session`).
pub fn way(to: &AttachTo, tmux_env: Option<&str>) -> Way {
    let ours = tmux_env
        .and_then(|v| v.split(',').next())
        .filter(|s| !s.is_empty())
        .is_some_and(|s| same_file(Path::new(s), Path::new(&to.socket)));
    if ours { Way::Switch } else { Way::Attach }
}

fn same_file(a: &Path, b: &Path) -> bool {
    match (a.canonicalize(), b.canonicalize()) {
        (Ok(a), Ok(b)) => a == b,
        _ => a == b,
    }
}

/// Runs tmux; `Err` holds what to put on the status line.
pub async fn run(to: &AttachTo, way: &Way) -> Result<(), String> {
    let mut cmd = Command::new("tmux");
    cmd.arg("-S").arg(&to.socket);
    match way {
        Way::Attach => {
            // A client started from inside another tmux would refuse to
            // nest without this; the pane's own server is another one.
            cmd.env_remove("TMUX")
                .args(["attach-session", "-t", &to.pane]);
        }
        Way::Switch => {
            cmd.args(["switch-client", "-t", &to.pane]);
        }
    }
    let out = match way {
        Way::Attach => cmd.status().await.map(|s| (s, String::new())),
        Way::Switch => cmd.output().await.map(|o| {
            let err = String::from_utf8_lossy(&o.stderr).trim().to_owned();
            (o.status, err)
        }),
    };
    match out {
        Ok((status, _)) if status.success() => Ok(()),
        Ok((status, err)) => Err(format!(
            "tmux could not reach {} ({}): {status} {err}",
            to.name, to.pane
        )),
        Err(e) => Err(format!("cannot run tmux: {e}")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn switches_only_inside_the_daemons_own_server() {
        let to = AttachTo {
            socket: "/run/assigner/tmux/default".into(),
            pane: "%3".into(),
            name: "claude-1".into(),
        };
        assert_eq!(way(&to, None), Way::Attach);
        assert_eq!(way(&to, Some("/tmp/tmux-1000/default,42,0")), Way::Attach);
        assert_eq!(
            way(&to, Some("/run/assigner/tmux/default,42,0")),
            Way::Switch
        );
    }
}
