//! The routing rules, one test per rule.

use super::*;

fn pane(id: &str, session: &str, provider: &str, available: bool) -> Candidate {
    Candidate {
        pane: id.into(),
        session: session.into(),
        name: session.into(),
        provider: provider.into(),
        available,
        set_aside: None,
        state: if available {
            SessionState::Idle
        } else {
            SessionState::Busy
        },
        excluded: false,
        working_dir: None,
        branch: None,
        last_assigned: None,
        line_by_line: provider == "shell",
    }
}

fn prompt() -> Queued {
    Queued::default()
}

#[test]
fn target_is_exact() {
    let panes = [pane("%1", "dev2", "claude", true)];
    let mut p = prompt();
    p.routing.target = Some("dev".into());
    assert_eq!(
        route(&p, &panes, None),
        Err(Wait::TargetMissing("dev".into()))
    );
    assert_eq!(
        Wait::TargetMissing("dev".into()).reason(),
        "target session 'dev' not found in tmux"
    );
    p.routing.target = Some("dev2".into());
    assert_eq!(route(&p, &panes, None), Ok("%1".into()));
    let mut busy = [pane("%1", "dev2", "claude", false)];
    assert_eq!(
        route(&p, &busy, None),
        Err(Wait::Busy("target session 'dev2' is busy".into()))
    );
    busy[0].state = SessionState::RateLimited;
    assert_eq!(
        route(&p, &busy, None),
        Err(Wait::Busy("target session 'dev2' is rate_limited".into()))
    );
    busy[0].state = SessionState::Idle;
    assert_eq!(
        route(&p, &busy, None),
        Err(Wait::Busy(
            "target session 'dev2' is taking another prompt".into()
        ))
    );
}

#[test]
fn provider_then_preferred_then_fallback() {
    let panes = [
        pane("%1", "claude-1", "claude", false),
        pane("%2", "codex-1", "codex", true),
        pane("%3", "gemini-1", "gemini", true),
        pane("%4", "sh", "shell", true),
    ];
    let mut p = prompt();
    p.routing.provider = Some("claude".into());
    assert!(matches!(route(&p, &panes, None), Err(Wait::Busy(w)) if w.contains("claude")));
    p.routing.fallback = vec!["gemini".into()];
    assert_eq!(route(&p, &panes, None), Ok("%3".into()));
    p.routing.fallback.clear();
    p.routing.allow_fallback = true;
    assert!(matches!(route(&p, &panes, None), Ok(x) if x == "%2" || x == "%3"));
    let mut q = prompt();
    q.routing.providers = vec!["gemini".into(), "codex".into()];
    assert_eq!(route(&q, &panes, None), Ok("%3".into()));
}

#[test]
fn untargeted_prompts_never_go_to_shells_or_excluded_panes() {
    let mut coord = pane("%2", "coordinator", "claude", true);
    coord.excluded = true;
    let panes = [pane("%1", "sh", "shell", true), coord];
    assert!(route(&prompt(), &panes, None).is_err());
    let mut targeted = prompt();
    targeted.routing.target = Some("coordinator".into());
    assert!(matches!(route(&targeted, &panes, None), Err(Wait::Busy(w)) if w.contains("excluded")));
    let mut p = prompt();
    p.routing.provider = Some("shell".into());
    assert_eq!(route(&p, &panes, None), Ok("%1".into()));
}

#[test]
fn prefers_workdir_then_other_pane_then_longest_waiting() {
    let now = Instant::now();
    let mut a = pane("%1", "a", "claude", true);
    let mut b = pane("%2", "b", "claude", true);
    a.last_assigned = Some(now);
    assert_eq!(
        route(&prompt(), &[a.clone(), b.clone()], None),
        Ok("%2".into())
    );
    assert_eq!(
        route(&prompt(), &[a.clone(), b.clone()], Some("%2")),
        Ok("%1".into())
    );
    a.working_dir = Some("/src".into());
    b.working_dir = Some("/other".into());
    let mut p = prompt();
    p.routing.working_dir = Some("/src".into());
    assert_eq!(route(&p, &[a, b], None), Ok("%1".into()));
}

#[test]
fn a_retry_avoids_the_pane_it_failed_on_whenever_another_session_matches() {
    let mut failed = pane("%1", "a", "claude", true);
    failed.working_dir = Some("/src".into());
    let other = pane("%2", "b", "claude", true);
    let mut p = prompt();
    p.routing.working_dir = Some("/src".into());
    // Another session wins even over a working-dir match.
    assert_eq!(
        route(&p, &[failed.clone(), other.clone()], Some("%1")),
        Ok("%2".into())
    );
    // A busy other session is waited for, and the reason says why.
    let busy = pane("%2", "b", "claude", false);
    assert_eq!(
        route(&p, &[failed.clone(), busy.clone()], Some("%1")),
        Err(Wait::Busy(
            "waiting for an idle agent session (a retry avoids a, where it last failed)".into()
        ))
    );
    // A fallback provider counts as somewhere else to go.
    let codex = pane("%3", "c", "codex", true);
    let mut q = prompt();
    q.routing.provider = Some("claude".into());
    q.routing.fallback = vec!["codex".into()];
    assert_eq!(
        route(&q, &[failed.clone(), codex], Some("%1")),
        Ok("%3".into())
    );
    // Others that may not be free for hours are not waited for.
    for state in [
        SessionState::WaitingApproval,
        SessionState::RateLimited,
        SessionState::Unknown,
    ] {
        let mut stuck = pane("%2", "b", "claude", false);
        stuck.state = state;
        assert_eq!(
            route(&p, &[failed.clone(), stuck], Some("%1")),
            Ok("%1".into()),
            "{state:?}"
        );
    }
    // No other session matches: back to the same one.
    assert_eq!(route(&p, &[failed.clone()], Some("%1")), Ok("%1".into()));
    let shell = pane("%4", "sh", "shell", true);
    assert_eq!(route(&p, &[failed, shell], Some("%1")), Ok("%1".into()));
}

#[test]
fn a_targeted_retry_avoids_its_failed_pane_only_within_the_target() {
    let mut first = pane("%1", "dev", "claude", true);
    first.name = "dev:0.0".into();
    let mut second = pane("%2", "dev", "claude", false);
    second.name = "dev:0.1".into();
    let elsewhere = pane("%3", "other", "claude", true);
    let mut p = prompt();
    p.routing.target = Some("dev".into());
    assert_eq!(
        route(&p, &[first.clone(), elsewhere.clone()], Some("%1")),
        Ok("%1".into()),
        "the target has no other pane"
    );
    assert_eq!(
        route(&p, &[first.clone(), second.clone(), elsewhere], Some("%1")),
        Err(Wait::Busy(
            "target session 'dev' is busy (a retry avoids dev:0.0, where it last failed)".into()
        ))
    );
    second.available = true;
    second.state = SessionState::Idle;
    assert_eq!(route(&p, &[first, second], Some("%1")), Ok("%2".into()));
}

#[test]
fn a_pane_set_aside_is_passed_over_and_named_in_the_wait() {
    let mut drafted = pane("%1", "a", "claude", true);
    drafted.set_aside = Some("has unsent text in its input box".into());
    drafted.working_dir = Some("/src".into());
    let other = pane("%2", "b", "claude", true);
    let mut p = prompt();
    p.routing.working_dir = Some("/src".into());
    assert_eq!(route(&p, &[drafted.clone(), other], None), Ok("%2".into()));
    let busy = pane("%2", "b", "claude", false);
    assert_eq!(
        route(&p, &[drafted.clone(), busy.clone()], None),
        Err(Wait::Busy("a has unsent text in its input box".into()))
    );
    // The next tier is tried before waiting on a set-aside pane.
    let codex = pane("%3", "c", "codex", true);
    let mut q = prompt();
    q.routing.provider = Some("claude".into());
    q.routing.fallback = vec!["codex".into()];
    assert_eq!(route(&q, &[drafted.clone(), codex], None), Ok("%3".into()));
    let mut t = prompt();
    t.routing.target = Some("a".into());
    assert_eq!(
        route(&t, &[drafted, busy], None),
        Err(Wait::Busy(
            "target session 'a' has unsent text in its input box".into()
        ))
    );
}

#[test]
fn fallback_without_a_primary_provider_only_orders_the_choice() {
    let claude = pane("%1", "claude-1", "claude", true);
    let codex = pane("%2", "codex-1", "codex", true);
    let mut p = prompt();
    p.routing.fallback = vec!["codex".into()];
    // Any agent may take it; a listed provider first.
    assert_eq!(
        route(&p, std::slice::from_ref(&claude), None),
        Ok("%1".into())
    );
    assert_eq!(route(&p, &[claude.clone(), codex], None), Ok("%2".into()));
    let busy = pane("%1", "claude-1", "claude", false);
    assert_eq!(
        route(&p, &[busy], None),
        Err(Wait::Busy("waiting for an idle agent session".into()))
    );
    // With a primary provider, fallbacks come after it and nothing else.
    p.routing.providers = vec!["gemini".into()];
    assert!(route(&p, &[claude], None).is_err());
}

#[test]
fn unreachable_names_what_no_tracked_session_offers() {
    let mut claude = pane("%1", "claude-1", "claude", false);
    let mut p = Routing::default();
    assert_eq!(unreachable(&p, &[]), None, "any agent may still appear");
    p.provider = Some("codex".into());
    p.fallback = vec!["gemini".into()];
    assert_eq!(
        unreachable(&p, std::slice::from_ref(&claude)),
        Some("no tracked session runs codex or gemini".into())
    );
    p.allow_fallback = true;
    assert_eq!(unreachable(&p, std::slice::from_ref(&claude)), None);
    let mut t = Routing {
        target: Some("claude-2".into()),
        ..Routing::default()
    };
    assert_eq!(
        unreachable(&t, std::slice::from_ref(&claude)),
        Some("its target session 'claude-2' is not tracked".into())
    );
    t.target = Some("claude-1".into());
    assert_eq!(unreachable(&t, std::slice::from_ref(&claude)), None);
    claude.excluded = true;
    assert_eq!(
        unreachable(&t, &[claude]),
        Some("its target session 'claude-1' is excluded from assignment by the config".into())
    );
}

#[test]
fn multi_line_prompts_never_go_to_a_shell() {
    let panes = [pane("%1", "sh", "shell", true)];
    let mut p = prompt();
    p.routing.provider = Some("shell".into());
    assert_eq!(route(&p, &panes, None), Ok("%1".into()));
    p.multi_line = true;
    let why = route(&p, &panes, None).unwrap_err().reason();
    assert!(
        why.starts_with("sh is a shell") && why.contains("single-line"),
        "{why}"
    );
    p.routing.provider = None;
    p.routing.target = Some("sh".into());
    let why = route(&p, &panes, None).unwrap_err().reason();
    assert!(why.starts_with("target session 'sh' is a shell"), "{why}");
    let agent = [pane("%2", "claude-1", "claude", true)];
    p.routing.target = None;
    assert_eq!(route(&p, &agent, None), Ok("%2".into()));
}
