//! `assignerctl top` in a pane of its own private tmux server, at a fixed
//! size, read with `capture-pane` and driven with `send-keys`. Dropping it
//! kills that server, and `top` with it.

use std::path::Path;

use super::daemon::TestDaemon;
use super::fleet::Fleet;
use super::tmux::TmuxServer;
use super::wait::{WAIT, wait_until};
use assigner::protocol::PromptStatus;

/// A running `top`.
pub struct TopView {
    /// The server `top` runs in (not the agents' server).
    pub tmux: TmuxServer,
}

impl TopView {
    /// Starts `top` against `d` in a `width`x`height` pane, without
    /// colours, and waits until it shows its header.
    pub fn start(d: &TestDaemon, width: u16, height: u16) -> Self {
        Self::start_with(d, width, height, "NO_COLOR=1")
    }

    /// Like [`Self::start`] with one variable set in top's environment
    /// (`NO_COLOR=` for colours).
    pub fn start_with(d: &TestDaemon, width: u16, height: u16, env: &str) -> Self {
        let tmux = TmuxServer::new();
        let (w, h) = (width.to_string(), height.to_string());
        let ctl = env!("CARGO_BIN_EXE_assignerctl");
        let socket = d.socket.to_str().expect("utf-8 path");
        // A shell stays in the pane after top exits, to tell its exit
        // status and show what top left on the terminal.
        let after = "\"$@\"; echo \"top exited with $?\"; exec sleep 600";
        tmux.ok(&[
            "new-session",
            "-d",
            "-x",
            &w,
            "-y",
            &h,
            "-s",
            "top",
            "-e",
            env,
            "sh",
            "-c",
            after,
            "sh",
            ctl,
            "--socket",
            socket,
            "top",
        ]);
        let view = Self { tmux };
        view.wait_for("assignerd");
        view
    }

    /// What the pane shows.
    pub fn screen(&self) -> String {
        self.tmux.capture("top")
    }

    /// What the pane shows, with its colours and attributes as escapes.
    pub fn screen_styled(&self) -> String {
        self.tmux.ok(&["capture-pane", "-p", "-e", "-t", "top"])
    }

    /// Presses keys, as `tmux send-keys` names them (`j`, `Enter`, `Escape`).
    pub fn keys(&self, keys: &[&str]) {
        let mut args = vec!["send-keys", "-t", "top"];
        args.extend_from_slice(keys);
        self.tmux.ok(&args);
    }

    /// Types text literally.
    pub fn type_text(&self, text: &str) {
        self.tmux.ok(&["send-keys", "-t", "top", "-l", text]);
    }

    /// Waits until the screen shows `text`; panics with the screen if not.
    pub fn wait_for(&self, text: &str) -> String {
        self.wait_screen(text, |s| s.contains(text))
    }

    /// Waits until `cond` holds for the screen.
    pub fn wait_screen(&self, what: &str, cond: impl Fn(&str) -> bool) -> String {
        let mut last = String::new();
        let ok = wait_until(WAIT, || {
            last = self.screen();
            cond(&last)
        });
        assert!(ok, "the screen never showed {what:?}:\n{last}");
        last
    }

    /// The line of the screen that holds `part`.
    pub fn line_with(&self, part: &str) -> Option<String> {
        self.screen()
            .lines()
            .find(|l| l.contains(part))
            .map(str::to_owned)
    }

    /// A pane format value (`#{alternate_on}`, `#{cursor_flag}`).
    pub fn pane(&self, format: &str) -> String {
        self.tmux
            .ok(&["display-message", "-p", "-t", "top", format])
    }

    /// Waits until `top` has exited; returns its exit status.
    pub fn exit_status(&self) -> i32 {
        let screen = self.wait_for("top exited with ");
        let (_, code) = screen.split_once("top exited with ").expect("shown");
        code.trim().parse().expect("a status")
    }
}

/// The screen with what changes from run to run masked: temp paths, the
/// version, the tmux path, the uptime, times of day and ages (padded, so
/// the columns stay put).
pub fn masked(screen: &str, paths: &[&Path]) -> String {
    let mut s = screen.to_owned();
    for p in paths {
        s = s.replace(p.to_str().expect("utf-8 path"), "<tmp>");
    }
    let rules = [
        (r"/tmp/[^ \n]*", "<tmp>"),
        (r"assignerd \d+\.\d+\.\d+\S*", "assignerd <version>"),
        (r"\((control mode|a process per call)\)", "(<tmux path>)"),
        (r"up [0-9a-z ]{6}", "up ######"),
        (r"\b\d\d:\d\d:\d\d\b", "hh:mm:ss"),
        // The header's database path, cut short where the width ends
        // (sooner on the process-per-call path, whose label is longer).
        (r"(?m)^(assignerd .*  db )(<tmp>\S*|/\S*)?$", "${1}<db>"),
    ];
    for (re, with) in rules {
        s = regex::Regex::new(re)
            .unwrap()
            .replace_all(&s, with)
            .into_owned();
    }
    // An age after a prompt id in the sessions table, with its padding.
    let age = regex::Regex::new(r"(\d+) \d+[smhd](\d\d[mh])? *").unwrap();
    s = age
        .replace_all(&s, |c: &regex::Captures| {
            let whole = c.get(0).unwrap().as_str();
            let short = format!("{} <age>", &c[1]);
            format!("{short:<width$}", width = whole.len())
        })
        .into_owned();
    s
}

/// A pending prompt that waits for a session that does not exist, and a
/// failed one: the queue's two kinds of rows. Returns their ids.
pub fn pending_and_failed(f: &Fleet) -> (i64, i64) {
    let pending = f.d.send(&["--target", "ghost", "wait for a ghost"]);
    f.wait_waiting_reason(pending, "ghost");
    let doomed = f.d.send(&[
        "--target",
        "claude-1",
        "--max-retries",
        "0",
        "doomed #busy=1500",
    ]);
    // A report about a prompt not yet typed into its pane is refused.
    f.wait_status(doomed, PromptStatus::InProgress);
    let id = doomed.to_string();
    f.d.ctl_ok(&[
        "complete",
        &id,
        "--failed",
        "model refused",
        "--failure",
        "final",
    ]);
    f.wait_status(doomed, PromptStatus::Failed);
    // The agent works on for a while: idle only once its screen says so.
    let pane = &f.panes["claude-1"];
    let done = wait_until(WAIT, || !f.tmux.capture(pane).contains("esc to interrupt"));
    assert!(done, "{}", f.tmux.capture(pane));
    f.wait_session_state("claude-1", "idle");
    (pending, doomed)
}
