//! `assignerctl top`: the live view in a real tmux pane against a daemon
//! with stand-in agents, driven with send-keys and read with capture-pane;
//! what each key does is checked on screen and through the daemon.
#![allow(
    clippy::unwrap_used,
    reason = "test code: a panic is how a test fails (clippy.toml)"
)]

mod common;

use common::{Fleet, TopView, WAIT, pending_and_failed, wait_until};

#[test]
fn top_shows_the_sessions_and_then_the_state_change_after_a_send() {
    let f = Fleet::with_agents(&["claude-1", "codex-1"]);
    let top = TopView::start(&f.d, 120, 30);
    top.wait_screen("both sessions idle", |s| {
        s.lines()
            .any(|l| l.contains("claude-1") && l.contains("idle"))
            && s.lines()
                .any(|l| l.contains("codex-1") && l.contains("idle"))
    });
    let id =
        f.d.send(&["--target", "claude-1", "take your time #busy=4000"]);
    top.wait_screen("claude-1 busy with the prompt", |s| {
        s.lines()
            .any(|l| l.contains("claude-1") && l.contains("busy") && l.contains(&format!(" {id} ")))
    });
    top.wait_for(&format!("prompt {id} started"));
    f.wait_status(id, "completed");
    top.wait_screen("claude-1 idle again", |s| {
        s.lines()
            .any(|l| l.contains("claude-1") && l.contains("idle"))
    });
}

#[test]
fn top_keys_show_cancel_and_retry_through_the_protocol() {
    let f = Fleet::with_agents(&["claude-1"]);
    let (pending, failed) = pending_and_failed(&f);
    let top = TopView::start(&f.d, 120, 30);
    top.wait_for("wait for a ghost");
    // Rows: claude-1, then the pending prompt, then the failed one.
    top.keys(&["c"]);
    top.wait_for("the selected row has no prompt");
    top.keys(&["j", "Enter"]);
    top.wait_for(&format!("prompt {pending}  (Esc closes"));
    top.wait_for("--- prompt ---");
    top.keys(&["Escape"]);
    top.wait_screen("the text closed", |s| !s.contains("--- prompt ---"));
    top.keys(&["Down", "c"]);
    top.wait_screen("the daemon's refusal", |s| {
        s.contains(&format!("cancel {failed}:")) && s.contains("(conflict)")
    });
    assert_eq!(f.d.status_of(failed), "failed");
    top.keys(&["k", "c"]);
    top.wait_for(&format!("prompt {pending} cancelled"));
    assert_eq!(f.d.status_of(pending), "cancelled");
    top.wait_screen("the cancelled prompt gone from the queue", |s| {
        !s.contains("wait for a ghost")
    });
    // The failed prompt took the cancelled one's place, selected.
    top.keys(&["r"]);
    top.wait_for(&format!("back in the queue: {failed}"));
    assert_ne!(f.d.status_of(failed), "failed");
}

#[test]
fn top_explains_and_attaches_to_the_selected_session_then_comes_back() {
    let f = Fleet::with_agents(&["claude-1"]);
    let top = TopView::start(&f.d, 100, 30);
    top.wait_for("claude-1");
    top.keys(&["e"]);
    top.wait_for("explain claude-1");
    top.wait_for("provider");
    // Escape and a key sent at once read as Alt and the key.
    top.keys(&["Escape"]);
    top.wait_screen("the text closed", |s| !s.contains("explain claude-1"));
    top.keys(&["a"]);
    top.wait_for("stand-in (claude-1)");
    f.tmux.ok(&["detach-client", "-s", "claude-1"]);
    top.wait_for("back from claude-1");
    assert!(
        !top.screen().contains("stand-in (claude-1)"),
        "{}",
        top.screen()
    );
}

#[test]
fn top_inside_the_daemons_own_tmux_server_switches_its_client_to_the_pane() {
    let f = Fleet::with_agents(&["claude-1"]);
    let ctl = env!("CARGO_BIN_EXE_assignerctl");
    let socket = f.d.socket.to_str().unwrap();
    f.tmux.ok(&[
        "new-session",
        "-d",
        "-x",
        "120",
        "-y",
        "30",
        "-s",
        "viewer",
        "-e",
        "NO_COLOR=1",
        ctl,
        "--socket",
        socket,
        "top",
    ]);
    // A person's client on that server, in a pane of another one.
    let outer = common::TmuxServer::new();
    let fleet_socket = f.tmux.socket().to_str().unwrap();
    outer.ok(&[
        "new-session",
        "-d",
        "-x",
        "130",
        "-y",
        "35",
        "-s",
        "person",
        "env",
        "-u",
        "TMUX",
        "tmux",
        "-S",
        fleet_socket,
        "attach-session",
        "-t",
        "viewer",
    ]);
    // The person's client: the daemon's own control-mode client is not.
    let client_on = || {
        let all = f.tmux.ok(&[
            "list-clients",
            "-F",
            "#{client_control_mode} #{client_session}",
        ]);
        let people: Vec<String> = all
            .lines()
            .filter_map(|l| l.strip_prefix("0 ").map(str::to_owned))
            .collect();
        people.join(",")
    };
    assert!(
        wait_until(WAIT, || client_on() == "viewer"),
        "{}",
        client_on()
    );
    let shown = wait_until(WAIT, || f.tmux.capture("viewer").contains("claude-1"));
    assert!(shown, "{}", f.tmux.capture("viewer"));
    // claude-1 sorts first, so it is selected.
    f.tmux.ok(&["send-keys", "-t", "viewer", "a"]);
    assert!(
        wait_until(WAIT, || client_on() == "claude-1"),
        "{}",
        client_on()
    );
    let told = wait_until(WAIT, || {
        f.tmux.capture("viewer").contains("switched to claude-1")
    });
    assert!(told, "{}", f.tmux.capture("viewer"));
}

#[test]
fn top_filters_the_rows_and_escape_drops_the_filter() {
    let f = Fleet::with_agents(&["claude-1", "codex-1"]);
    let top = TopView::start(&f.d, 100, 30);
    top.wait_for("codex-1");
    top.keys(&["/"]);
    top.type_text("codex");
    top.keys(&["Enter"]);
    top.wait_screen("only codex-1", |s| {
        s.contains("codex-1") && !s.contains("claude-1")
    });
    top.wait_for("[filter: codex]");
    top.keys(&["Escape"]);
    top.wait_screen("both again", |s| {
        s.contains("codex-1") && s.contains("claude-1")
    });
}

#[test]
fn top_quits_on_q_and_gives_the_terminal_back() {
    let f = Fleet::with_agents(&["claude-1"]);
    let top = TopView::start(&f.d, 80, 24);
    assert_eq!(top.pane("#{alternate_on}"), "1");
    top.keys(&["q"]);
    assert_eq!(top.exit_status(), 0);
    assert_eq!(top.pane("#{alternate_on}"), "0");
    assert_eq!(top.pane("#{cursor_flag}"), "1");
}

#[test]
fn top_colours_the_states_unless_no_color_is_set() {
    let f = Fleet::with_agents(&["claude-1"]);
    // A foreground colour, as tmux writes it back (39 is the default).
    let colour = regex::Regex::new(r"\x1b\[(3[0-7]|38;5;\d+)m").unwrap();
    let green = |s: &str| s.contains("\x1b[32m") || s.contains("\x1b[38;5;2m");
    let coloured = TopView::start_with(&f.d, 100, 30, "NO_COLOR=");
    coloured.wait_for("claude-1");
    let ok = wait_until(WAIT, || green(&coloured.screen_styled()));
    assert!(ok, "{:?}", coloured.screen_styled());
    let plain = TopView::start(&f.d, 100, 30);
    plain.wait_for("claude-1");
    let styled = plain.screen_styled();
    assert!(!colour.is_match(&styled), "{styled:?}");
}

#[test]
fn top_refuses_when_stdout_is_not_a_terminal() {
    let f = Fleet::with_agents(&[]);
    let out = f.d.ctl(&["top"]);
    assert_eq!(out.status.code(), Some(64));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("top needs a terminal on standard output"),
        "{err}"
    );
}

#[test]
fn top_reconnects_across_a_daemon_restart_and_says_so() {
    let mut f = Fleet::with_agents(&["claude-1"]);
    let top = TopView::start(&f.d, 120, 30);
    top.wait_for("claude-1");
    f.d.kill9();
    top.wait_for("reconnecting");
    f.d.spawn();
    f.d.wait_ready();
    top.wait_for("reconnected to assignerd");
    let id = f.d.send(&["after the restart #busy=3000"]);
    top.wait_for(&format!("prompt {id} started"));
    top.wait_screen("claude-1 busy", |s| {
        s.lines()
            .any(|l| l.contains("claude-1") && l.contains("busy"))
    });
}
