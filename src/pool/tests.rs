//! The supervisor's decisions, against hand-made snapshots.

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use super::{Action, AgentUse, PoolConfig, PoolScale, Supervisor};
use crate::tmux::{Pane, Snapshot};

fn config(extra: &str) -> BTreeMap<String, PoolConfig> {
    let text = format!("[p]\nprovider = \"claude\"\ncommand = [\"agent\"]\ncount = 2\n{extra}");
    toml::from_str(&text).unwrap()
}

fn pane(id: &str, session: &str, dead: Option<Option<i32>>) -> Pane {
    Pane {
        id: id.into(),
        session: session.into(),
        dead: dead.is_some(),
        dead_status: dead.flatten(),
        session_panes: 1,
        ..Pane::default()
    }
}

fn snap(panes: Vec<Pane>) -> Snapshot {
    Snapshot {
        server_pid: 7,
        panes,
    }
}

fn idle(_: &str) -> Option<AgentUse> {
    Some(AgentUse::default())
}

fn starts(actions: &[Action]) -> Vec<String> {
    actions
        .iter()
        .filter_map(|a| match a {
            Action::Start { session, .. } => Some(session.clone()),
            Action::Kill { .. } | Action::Prepare { .. } | Action::Reap => None,
        })
        .collect()
}

fn kills(actions: &[Action]) -> Vec<String> {
    actions
        .iter()
        .filter_map(|a| match a {
            Action::Kill { pane, .. } => Some(pane.clone()),
            Action::Start { .. } | Action::Prepare { .. } | Action::Reap => None,
        })
        .collect()
}

/// Starts both agents in panes %1 and %2 at scan 1.
fn running(extra: &str, t0: Instant) -> Supervisor {
    let mut s = Supervisor::default();
    s.reconfigure(&config(extra), &[]);
    let a = s.tick(t0, 1, &snap(vec![]), idle);
    assert_eq!(starts(&a), ["p-1", "p-2"]);
    s.started("p", 1, Ok("%1".into()), 1, t0);
    s.started("p", 2, Ok("%2".into()), 1, t0);
    s
}

#[test]
fn a_live_session_of_the_name_is_adopted_not_doubled() {
    let mut s = Supervisor::default();
    s.reconfigure(&config(""), &[]);
    let a = s.tick(
        Instant::now(),
        1,
        &snap(vec![pane("%5", "p-1", None)]),
        idle,
    );
    assert_eq!(starts(&a), ["p-2"]);
    assert_eq!(
        s.infos(Instant::now())[0].agents[0].pane.as_deref(),
        Some("%5")
    );
}

#[test]
fn an_exit_restarts_after_the_back_off_and_a_crash_loop_stops_at_the_limit() {
    let t0 = Instant::now();
    let mut s = running("start_limit_burst = 2\nrestart_delay_ms = 100\n", t0);
    let both = |one: Pane| snap(vec![one, pane("%2", "p-2", None)]);
    let mut now = t0;
    let mut pane_id = "%1".to_owned();
    for (round, seq) in [(1u32, 2u64), (2, 4)] {
        now += Duration::from_millis(10);
        let a = s.tick(now, seq, &both(pane(&pane_id, "p-1", Some(Some(1)))), idle);
        assert_eq!(kills(&a), [pane_id.clone()], "the dead pane goes");
        assert!(starts(&a).is_empty(), "not before the back-off");
        let wait = Duration::from_millis(100 << (round - 1));
        let a = s.tick(
            now + wait.saturating_sub(Duration::from_millis(1)),
            seq,
            &both(pane("%9", "x", None)),
            idle,
        );
        assert!(starts(&a).is_empty());
        now += wait;
        let a = s.tick(now, seq + 1, &snap(vec![pane("%2", "p-2", None)]), idle);
        assert_eq!(starts(&a), ["p-1"]);
        pane_id = format!("%{}", 10 + round);
        s.started("p", 1, Ok(pane_id.clone()), seq + 1, now);
    }
    let a = s.tick(now, 6, &both(pane(&pane_id, "p-1", Some(Some(1)))), idle);
    assert!(kills(&a).is_empty(), "the last dead pane stays to be read");
    let info = &s.infos(now)[0];
    assert_eq!(info.state, "failed");
    assert!(info.reason.as_deref().unwrap().contains("p-1"), "{info:?}");
    assert_eq!(
        info.agents[0].last_exit.as_deref(),
        Some("exited with status 1")
    );
    let a = s.tick(
        now + Duration::from_secs(60),
        7,
        &both(pane(&pane_id, "p-1", Some(Some(1)))),
        idle,
    );
    assert!(a.is_empty(), "no more starts: {a:?}");
    // `pool restart` lifts it: the dead session goes and a new one starts.
    s.restart("p", Some(1), now).unwrap();
    let a = s.tick(now, 8, &both(pane(&pane_id, "p-1", Some(Some(1)))), idle);
    assert_eq!(
        (kills(&a), starts(&a)),
        (vec![pane_id], vec!["p-1".to_owned()])
    );
    assert_eq!(s.infos(now)[0].state, "starting");
}

#[test]
fn a_dead_pane_without_its_status_yet_is_read_again() {
    let t0 = Instant::now();
    let mut s = running("", t0);
    let early = snap(vec![pane("%1", "p-1", Some(None)), pane("%2", "p-2", None)]);
    // The server is asked to reap (tmux may have missed the end), once per
    // half second however often it is scanned.
    assert_eq!(s.tick(t0, 2, &early, idle), [Action::Reap]);
    assert!(
        s.tick(t0 + Duration::from_millis(100), 3, &early, idle)
            .is_empty()
    );
    assert_eq!(
        s.tick(t0 + Duration::from_millis(600), 4, &early, idle),
        [Action::Reap]
    );
    let later = snap(vec![
        pane("%1", "p-1", Some(Some(3))),
        pane("%2", "p-2", None),
    ]);
    assert_eq!(
        kills(&s.tick(t0 + Duration::from_millis(700), 5, &later, idle)),
        ["%1"]
    );
    assert_eq!(
        s.infos(t0)[0].agents[0].last_exit.as_deref(),
        Some("exited with status 3")
    );
    // A tmux that never tells (a signal, before 3.3): given up on in time.
    let mut s = running("", t0);
    assert_eq!(s.tick(t0, 2, &early, idle), [Action::Reap]);
    let a = s.tick(t0 + Duration::from_secs(6), 3, &early, idle);
    assert_eq!(kills(&a), ["%1"]);
}

#[test]
fn on_failure_leaves_a_clean_exit_down() {
    let t0 = Instant::now();
    let mut s = running("restart = \"on-failure\"\n", t0);
    let a = s.tick(
        t0,
        2,
        &snap(vec![
            pane("%1", "p-1", Some(Some(0))),
            pane("%2", "p-2", None),
        ]),
        idle,
    );
    assert!(a.is_empty(), "{a:?}");
    assert!(s.infos(t0)[0].agents[0].state.starts_with("down"));
}

#[test]
fn scaling_down_waits_for_the_prompt_then_retires() {
    let t0 = Instant::now();
    let mut s = running("", t0);
    s.scale("p", 1).unwrap();
    let both = snap(vec![pane("%1", "p-1", None), pane("%2", "p-2", None)]);
    let busy = |p: &str| {
        Some(AgentUse {
            busy: p == "%2",
            ..AgentUse::default()
        })
    };
    let a = s.tick(t0, 2, &both, busy);
    assert!(a.is_empty(), "never while it holds a prompt: {a:?}");
    assert_eq!(s.draining(), ["%2"]);
    let a = s.tick(t0, 3, &both, idle);
    assert_eq!(kills(&a), ["%2"]);
    assert_eq!(s.infos(t0)[0].agents.len(), 1);
    assert!(s.draining().is_empty());
}

#[test]
fn a_restarted_tmux_server_starts_agents_again_without_counting_a_failure() {
    let t0 = Instant::now();
    let mut s = running("start_limit_burst = 1\n", t0);
    let mut other = snap(vec![pane("%0", "elsewhere", None)]);
    other.server_pid = 8;
    let a = s.tick(t0, 2, &other, idle);
    assert!(a.is_empty());
    let a = s.tick(t0, 3, &other, idle);
    assert_eq!(starts(&a), ["p-1", "p-2"]);
    assert_eq!(s.infos(t0)[0].state, "starting");
}

#[test]
fn a_removed_pool_drains_and_goes() {
    let t0 = Instant::now();
    let mut s = running("", t0);
    s.reconfigure(&BTreeMap::new(), &[]);
    let both = snap(vec![pane("%1", "p-1", None), pane("%2", "p-2", None)]);
    let a = s.tick(t0, 2, &both, idle);
    assert_eq!(kills(&a), ["%1", "%2"]);
    assert!(s.infos(t0).is_empty());
    assert!(s.scale("p", 3).unwrap_err().contains("no pool p"));
}

#[test]
fn a_worktree_is_made_before_each_start_and_a_retired_agent_is_not_started() {
    let t0 = Instant::now();
    let mut s = Supervisor::default();
    s.reconfigure(
        &config("worktree = true\nworkdir = \"/repo\"\nworktree_dir = \"/trees\"\n"),
        &[],
    );
    let a = s.tick(t0, 1, &snap(vec![]), idle);
    assert!(starts(&a).is_empty(), "{a:?}");
    let prepared: Vec<(u32, String)> = a
        .iter()
        .filter_map(|a| match a {
            Action::Prepare { n, repo, under, .. } => {
                Some((*n, format!("{}:{}", repo.display(), under.display())))
            }
            _ => None,
        })
        .collect();
    assert_eq!(
        prepared,
        [(1, "/repo:/trees".into()), (2, "/repo:/trees".into())]
    );
    assert_eq!(s.infos(t0)[0].agents[0].state, "creating its worktree");
    // Nothing more is asked while the worktrees are being made.
    assert!(s.tick(t0, 2, &snap(vec![]), idle).is_empty());
    s.scale("p", 1).unwrap();
    s.prepared("p", 1, Ok("/trees/p-1".into()), t0);
    s.prepared("p", 2, Ok("/trees/p-2".into()), t0);
    let a = s.tick(t0, 3, &snap(vec![]), idle);
    let dirs: Vec<_> = a
        .iter()
        .filter_map(|a| match a {
            Action::Start { session, dir, .. } => Some((session.as_str(), dir.clone())),
            _ => None,
        })
        .collect();
    assert_eq!(dirs, [("p-1", Some("/trees/p-1".into()))]);
    assert_eq!(s.infos(t0)[0].agents.len(), 1, "agent 2 retired unstarted");
    // A failure to make it is a failed start.
    s.started("p", 1, Err("gone".into()), 3, t0);
    s.restart("p", Some(1), t0).unwrap();
    let a = s.tick(t0, 4, &snap(vec![]), idle);
    assert!(matches!(a[..], [Action::Prepare { n: 1, .. }]), "{a:?}");
    s.prepared("p", 1, Err("git worktree add: no".into()), t0);
    let agent = &s.infos(t0)[0].agents[0];
    assert_eq!(agent.last_exit.as_deref(), Some("git worktree add: no"));
    assert!(agent.state.starts_with("restarting in"), "{agent:?}");
}

#[test]
fn a_scaled_count_holds_until_the_config_s_count_changes_or_the_pool_goes() {
    let counted = |n: u32| -> BTreeMap<String, PoolConfig> {
        toml::from_str(&format!(
            "[p]\nprovider = \"claude\"\ncommand = [\"agent\"]\ncount = {n}\n"
        ))
        .unwrap()
    };
    let scaled = vec![(
        "p".to_owned(),
        PoolScale {
            count: 5,
            config_count: 2,
        },
    )];
    let mut s = Supervisor::default();
    assert!(s.reconfigure(&counted(2), &scaled).is_empty());
    let info = &s.infos(Instant::now())[0];
    assert_eq!((info.count, info.config_count), (5, Some(2)));
    // The config's count changed: it wins, and the scale is to be forgotten.
    assert_eq!(s.reconfigure(&counted(3), &scaled), ["p"]);
    let info = &s.infos(Instant::now())[0];
    assert_eq!((info.count, info.config_count), (3, None));
    // Scaling to the config's own count leaves nothing to remember.
    assert_eq!(s.scale_of("p", 3), Ok(None));
    assert_eq!(s.reconfigure(&BTreeMap::new(), &scaled), ["p"]);
}
