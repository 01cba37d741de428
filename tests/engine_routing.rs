//! Routing against live panes: the exclude list, rate-limited agents and
//! fallbacks, providers defined in the config file, a pane with a draft in
//! its input box, and the git branch a pane is on.
#![allow(
    clippy::unwrap_used,
    reason = "test code: a panic is how a test fails (clippy.toml)"
)]

mod common;

use common::{Fleet, TEST_CONFIG, WAIT, wait_until};

#[test]
fn excluded_sessions_never_receive_prompts() {
    let config = format!("exclude = [\"coordinator\"]\n{TEST_CONFIG}");
    let mut f = Fleet::new(&[], &[], &config);
    f.add_agent("coordinator", &[]);
    let id = f.d.send(&["not for the coordinator"]);
    let ok = wait_until(WAIT, || {
        f.d.ctl_json(&["show", &id.to_string()])["prompt"]["waiting_reason"]
            == "waiting for an idle agent session"
    });
    assert!(ok, "{}", f.d.ctl_ok(&["show", &id.to_string()]));
    let sessions = f.d.ctl_json(&["sessions"]);
    assert_eq!(sessions["sessions"][0]["excluded"], true);
    assert!(f.d.ctl_ok(&["sessions"]).contains("(excluded)"));
    f.add_agent("claude-1", &[]);
    f.wait_status(id, "completed");
    assert!(f.log("coordinator").submissions().is_empty());
    // Even an explicit target does not reach an excluded session.
    let targeted = f.d.send(&["still not", "--target", "coordinator"]);
    let ok = wait_until(WAIT, || {
        f.d.ctl_json(&["show", &targeted.to_string()])["prompt"]["waiting_reason"]
            .as_str()
            .is_some_and(|r| {
                r == "target session 'coordinator' is excluded from assignment by the config"
            })
    });
    assert!(ok, "{}", f.d.ctl_ok(&["show", &targeted.to_string()]));
    assert!(f.log("coordinator").submissions().is_empty());
}

#[test]
fn rate_limited_agent_is_skipped_for_its_fallback() {
    let f = Fleet::with_agents(&["claude-1", "codex-1"]);
    let limit =
        f.d.send(&["hit the limit #ratelimit=60000", "--target", "claude-1"]);
    f.wait_status(limit, "in_progress");
    f.wait_session_state("claude-1", "rate_limited");
    let id = f.d.send(&[
        "claude preferred",
        "--provider",
        "claude",
        "--fallback",
        "codex",
    ]);
    f.wait_status(id, "completed");
    assert_eq!(f.log("codex-1").submissions(), ["claude preferred"]);
    // The prompt that hit the limit waits for its target, and says why.
    let ok = wait_until(WAIT, || {
        f.d.ctl_json(&["show", &limit.to_string()])["prompt"]["waiting_reason"]
            == "target session 'claude-1' is rate_limited"
    });
    assert!(ok, "{}", f.d.ctl_ok(&["show", &limit.to_string()]));
    f.assert_no_violations();
}

#[test]
fn usage_limit_mid_prompt_requeues_it_to_the_fallback_at_no_retry_cost() {
    let mut f = Fleet::with_agents(&["claude-1"]);
    f.add_agent("codex-1", &["--no-limits"]);
    f.wait_session_state("codex-1", "idle");
    let text = "stopped by the limit #ratelimit=60000";
    let id =
        f.d.send(&[text, "--provider", "claude", "--fallback", "codex"]);
    f.wait_status(id, "completed");
    assert_eq!(f.log("claude-1").submissions(), [text]);
    assert_eq!(f.log("codex-1").submissions(), [text]);
    assert_eq!(f.session_state("claude-1").as_deref(), Some("rate_limited"));
    let detail = requeued_at_no_cost(&f, id);
    assert!(
        detail.starts_with("claude-1 stopped at a usage limit: ") && detail.contains("limit"),
        "{detail}"
    );
    f.assert_no_violations();
}

/// An agent that gave up on a 429 ends its answer in the API's error and
/// shows its input box again: the prompt goes back to the queue at no
/// retry cost, the pane reads `rate_limited` and takes nothing, so the
/// prompt waits rather than being tried again at once there, and goes to a
/// fallback once one is there.
#[test]
fn a_rate_limit_the_agent_gave_up_on_waits_or_goes_to_the_fallback() {
    let mut f = Fleet::with_agents(&["claude-1"]);
    let text = "refused for a rate limit #apierror=429 #busy=100";
    let id =
        f.d.send(&[text, "--provider", "claude", "--fallback", "codex"]);
    f.wait_session_state("claude-1", "rate_limited");
    assert_eq!(f.d.status_of(id), "pending");
    let detail = requeued_at_no_cost(&f, id);
    assert!(
        detail.starts_with("claude-1 stopped at a rate limit: ⏺ API Error: Request rejected (429)"),
        "{detail}"
    );
    f.wait_waiting_reason(id, "waiting for an idle claude or codex session");
    let sessions = f.d.ctl_json(&["sessions"]);
    let rule = sessions["sessions"][0]["rule"].as_str().unwrap_or_default();
    assert!(rule.ends_with("no prompt for 60 s"), "{sessions}");
    assert_eq!(f.log("claude-1").submissions(), [text]);
    f.add_agent("codex-1", &["--no-limits"]);
    f.wait_status(id, "completed");
    assert_eq!(f.log("codex-1").submissions(), [text]);
    assert_eq!(f.log("claude-1").submissions(), [text]);
    f.assert_no_violations();
}

/// The detail of prompt `id`'s `requeued-rate-limited` event, once it is
/// certain that the requeue used no retry.
fn requeued_at_no_cost(f: &Fleet, id: i64) -> String {
    let shown = f.d.ctl_json(&["show", &id.to_string()]);
    assert_eq!(shown["prompt"]["retry_count"], 0, "{shown}");
    let history = shown["history"].as_array().unwrap();
    let requeued = history
        .iter()
        .find(|e| e["event"] == "requeued-rate-limited")
        .unwrap_or_else(|| panic!("{shown}"));
    requeued["detail"].as_str().unwrap().to_owned()
}

#[test]
fn prompts_quoting_limits_and_dialogs_complete_where_they_ran() {
    // The agent echoes each prompt; the echo must not read as a usage-limit
    // banner or an approval dialog, neither for this prompt nor the next.
    let f = Fleet::with_agents(&["claude-1"]);
    let texts = [
        "why does the API say \"usage limit reached\" so often?",
        "answer \"Do you want to proceed?\" with yes in the installer",
    ];
    for text in texts {
        let id = f.d.send(&[text, "--target", "claude-1"]);
        f.wait_status(id, "completed");
        let events = f.d.history_events(id);
        assert!(
            !events.iter().any(|e| e.starts_with("requeued")),
            "{events:?}"
        );
    }
    f.wait_session_state("claude-1", "idle");
    assert_eq!(f.log("claude-1").submissions(), texts);
    f.assert_no_violations();
}

#[test]
fn config_defines_a_new_provider() {
    let config = format!(
        r#"{TEST_CONFIG}
[profiles.acme]
session_patterns = ['^acme-']
composer = '^\s*›\s?(.*?)\s*$'
rules = [
  {{ name = "acme-working", state = "busy", contains = "esc to interrupt" }},
  {{ name = "acme-ready", state = "idle", regex = '^\s*›( .*)?$', lines = 5 }},
]
"#
    );
    let mut f = Fleet::new(&[], &[], &config);
    let (pane, log) = f.tmux.start_agent("acme-1", &["--style", "codex"]);
    f.panes.insert("acme-1".into(), pane);
    f.logs.insert("acme-1".into(), log);
    f.wait_session_state("acme-1", "idle");
    let id = f.d.send(&["for the acme agent", "--provider", "acme"]);
    f.wait_status(id, "completed");
    assert_eq!(f.log("acme-1").submissions(), ["for the acme agent"]);
    let explained = f.d.ctl_json(&["explain", "acme-1"]);
    assert_eq!(explained["explanation"]["session"]["provider"], "acme");
    let rule = explained["explanation"]["rule"].as_str().unwrap();
    assert!(rule.starts_with("acme-ready"), "{rule}");
}

#[test]
fn a_draft_in_one_input_box_does_not_hold_up_the_queue() {
    // claude-1 is listed first, so routing would pick it over claude-2.
    let f = Fleet::with_agents(&["claude-1", "claude-2"]);
    let drafted = &f.panes["claude-1"];
    f.tmux
        .ok(&["send-keys", "-t", drafted, "-l", "half-typed by hand"]);
    let shown = wait_until(WAIT, || {
        f.tmux.capture(drafted).contains("half-typed by hand")
    });
    assert!(shown, "{}", f.tmux.capture(drafted));
    let first = f.d.send(&["a long one #busy=600000"]);
    f.wait_status(first, "in_progress");
    let queued: Vec<i64> = (1..=3)
        .map(|i| f.d.send(&[&format!("queued {i}")]))
        .collect();
    let reason = "claude-1 has unsent text in its input box";
    for id in &queued {
        let ok = wait_until(WAIT, || {
            f.d.ctl_json(&["show", &id.to_string()])["prompt"]["waiting_reason"] == reason
        });
        assert!(ok, "{}", f.d.ctl_ok(&["show", &id.to_string()]));
    }
    // Interrupting the long prompt frees claude-2 for the rest.
    f.tmux
        .ok(&["send-keys", "-t", &f.panes["claude-2"], "Escape"]);
    for id in queued.iter().chain([&first]) {
        f.wait_status(*id, "completed");
    }
    assert_eq!(
        f.log("claude-2").submissions(),
        [
            "a long one #busy=600000",
            "queued 1",
            "queued 2",
            "queued 3"
        ]
    );
    assert!(f.log("claude-1").entries().is_empty());
    assert!(f.tmux.capture(drafted).contains("half-typed by hand"));
    f.assert_no_violations();
}

#[test]
fn a_prompt_for_a_branch_prefers_the_pane_on_it() {
    let mut f = Fleet::new(&[], &[], TEST_CONFIG);
    let repo = |name: &str, head: &str| {
        let root = f.tmux.dir().join(name);
        std::fs::create_dir_all(root.join(".git")).unwrap();
        std::fs::write(root.join(".git/HEAD"), head).unwrap();
        let inside = root.join("src");
        std::fs::create_dir_all(&inside).unwrap();
        inside
    };
    let (on_main, on_feature) = (
        repo("one", "ref: refs/heads/main\n"),
        repo("two", "ref: refs/heads/feature/x\n"),
    );
    // Listed first, claude-1 is the pick when the branch makes no difference.
    f.add_agent_in("claude-1", Some(&on_main), &[]);
    f.add_agent_in("claude-2", Some(&on_feature), &[]);
    let branch_of = |name: &str| {
        let v = f.d.ctl_json(&["sessions"]);
        v["sessions"]
            .as_array()?
            .iter()
            .find(|s| s["name"] == name)
            .and_then(|s| s["branch"].as_str().map(str::to_owned))
    };
    let ok = wait_until(WAIT, || {
        branch_of("claude-1").as_deref() == Some("main")
            && branch_of("claude-2").as_deref() == Some("feature/x")
    });
    assert!(ok, "{}", f.d.ctl_ok(&["sessions"]));
    assert!(f.d.ctl_ok(&["sessions"]).contains("feature/x"));
    let id =
        f.d.send(&["on the feature branch", "--branch", "feature/x"]);
    f.wait_status(id, "completed");
    assert_eq!(f.log("claude-2").submissions(), ["on the feature branch"]);
    assert!(f.log("claude-1").submissions().is_empty());
}
