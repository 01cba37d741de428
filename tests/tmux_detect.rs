//! Detection over the stand-in agent's real screens in tmux: both styles
//! are told apart and classified idle, busy, waiting for approval and rate
//! limited, and the composer's unsent text is visible.
#![allow(
    clippy::unwrap_used,
    reason = "test code: a panic is how a test fails (clippy.toml)"
)]

#[path = "common/tmux.rs"]
mod tmux_server;
#[path = "common/wait.rs"]
mod wait;

use assigner::detect::{Debouncer, Profiles, fingerprint};
use assigner::protocol::SessionState::{self, *};
use assigner::tmux::Tmux;
use nix::sys::signal::{Signal, kill};
use nix::unistd::Pid;
use std::time::{Duration, Instant};
use tmux_server::TmuxServer;
use wait::{WAIT, wait_for, wait_until};

struct Fixture {
    server: TmuxServer,
    tmux: Tmux,
    rt: tokio::runtime::Runtime,
    profiles: Profiles,
}

impl Fixture {
    fn new() -> Self {
        let server = TmuxServer::new();
        let tmux = Tmux::new(server.socket());
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        Self {
            server,
            tmux,
            rt,
            profiles: Profiles::builtin(),
        }
    }

    fn screen(&self, pane: &str) -> String {
        self.rt
            .block_on(self.tmux.capture(pane, 40))
            .unwrap_or_default()
    }

    fn wait_state(&self, provider: &str, pane: &str, want: SessionState) {
        let ok = wait_until(WAIT, || {
            self.profiles.classify(provider, &self.screen(pane)).state == want
        });
        assert!(
            ok,
            "{pane} never became {want}; screen:\n{}",
            self.screen(pane)
        );
    }

    fn submit(&self, pane: &str, text: &str) {
        self.rt.block_on(self.tmux.paste(pane, text)).unwrap();
        self.rt.block_on(self.tmux.send_enter(pane)).unwrap();
    }
}

fn states_of_one_style(session: &str, style: &str) {
    let f = Fixture::new();
    let (pane, log) = f.server.start_agent(session, &["--style", style]);
    let snap = f.rt.block_on(f.tmux.snapshot()).unwrap();
    let command = &snap.pane(&pane).unwrap().command;
    f.wait_state(style, &pane, Idle);
    let (provider, why) = f
        .profiles
        .provider_for(session, command, Some(&f.screen(&pane)));
    assert_eq!(provider, style, "{why}");
    let (by_screen, why) = f
        .profiles
        .provider_for("work", "node", Some(&f.screen(&pane)));
    assert_eq!(by_screen, style, "{why}");

    f.submit(&pane, "long job #busy=60000");
    f.wait_state(style, &pane, Busy);
    f.rt.block_on(f.tmux.send_keys(&pane, &["Escape"])).unwrap();
    f.wait_state(style, &pane, Idle);

    let pid = Pid::from_raw(f.server.pane_pid(&pane));
    kill(pid, Signal::SIGUSR1).unwrap();
    f.wait_state(style, &pane, WaitingApproval);
    kill(pid, Signal::SIGUSR2).unwrap();
    f.wait_state(style, &pane, Idle);

    f.submit(&pane, "hit the limit #busy=10 #ratelimit=60000");
    f.wait_state(style, &pane, RateLimited);
    assert_eq!(log.submissions().len(), 2);
    assert!(log.violations().is_empty(), "{:?}", log.violations());
}

#[test]
fn claude_style_states() {
    states_of_one_style("claude-1", "claude");
}

#[test]
fn codex_style_states() {
    states_of_one_style("codex-1", "codex");
}

#[test]
fn dialog_from_a_prompt_is_answered_and_input_there_is_a_violation() {
    let f = Fixture::new();
    let (pane, log) = f.server.start_agent("claude-2", &["--busy-ms", "20"]);
    f.wait_state("claude", &pane, Idle);
    f.submit(&pane, "deploy it #dialog");
    f.wait_state("claude", &pane, WaitingApproval);
    f.rt.block_on(f.tmux.paste(&pane, "typed into the dialog"))
        .unwrap();
    f.rt.block_on(f.tmux.send_keys(&pane, &["2"])).unwrap();
    f.wait_state("claude", &pane, Idle);
    let entries = log.entries();
    assert_eq!(log.violations().len(), 1, "{entries:?}");
    assert!(entries.iter().any(|e| e["answer"] == "2"), "{entries:?}");
}

#[test]
fn composer_shows_pasted_text_until_submitted() {
    let f = Fixture::new();
    let (pane, log) = f.server.start_agent("claude-3", &["--busy-ms", "20"]);
    f.wait_state("claude", &pane, Idle);
    assert_eq!(
        f.profiles.composer_text("claude", &f.screen(&pane)),
        Some(String::new())
    );
    f.rt.block_on(f.tmux.paste(&pane, "draft 你好")).unwrap();
    let text = wait_for(WAIT, "composer text", || {
        f.profiles
            .composer_text("claude", &f.screen(&pane))
            .filter(|t| !t.is_empty())
    });
    assert_eq!(text, "draft 你好");
    f.rt.block_on(f.tmux.send_keys(&pane, &["C-u"])).unwrap();
    assert!(wait_until(WAIT, || f
        .profiles
        .composer_text("claude", &f.screen(&pane))
        .as_deref()
        == Some("")));
    // Cleared, never submitted.
    assert_eq!(
        log.entries(),
        [serde_json::json!({ "cleared": "draft 你好" })]
    );
}

#[test]
fn debouncer_over_a_real_completion() {
    let f = Fixture::new();
    let (pane, _log) = f.server.start_agent("claude-4", &[]);
    f.wait_state("claude", &pane, Idle);
    let mut d = Debouncer::new(Duration::from_millis(50), Duration::from_millis(300));
    f.submit(&pane, "short #busy=400");
    let mut saw_busy = false;
    let seen = wait_for(WAIT, "busy then idle reported", || {
        let screen = f.screen(&pane);
        let v = f.profiles.classify("claude", &screen);
        d.observe(&v, fingerprint(&screen), Instant::now());
        let r = d.reported()?;
        saw_busy |= r.state == Busy;
        (saw_busy && r.state == Idle).then(|| r.clone())
    });
    assert_eq!(seen.rule.as_deref(), Some("claude-prompt-box"));
}

#[test]
fn exit_leaves_a_dead_pane() {
    let f = Fixture::new();
    f.server.ok(&[
        "start-server",
        ";",
        "set-option",
        "-g",
        "remain-on-exit",
        "on",
    ]);
    let (pane, log) = f.server.start_agent("claude-5", &[]);
    f.server
        .ok(&["set-option", "-t", "=claude-5:", "remain-on-exit", "on"]);
    f.wait_state("claude", &pane, Idle);
    f.submit(&pane, "bye #exit");
    let dead = wait_until(WAIT, || {
        f.rt.block_on(f.tmux.snapshot())
            .ok()
            .and_then(|s| s.pane(&pane).map(|p| p.dead))
            == Some(true)
    });
    assert!(dead);
    assert_eq!(log.submissions(), ["bye #exit"]);
}
