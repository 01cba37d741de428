use std::collections::HashMap;

use super::*;
use crate::protocol::{PromptStatus, SessionState, StatusInfo, TmuxStatus};

fn session(name: &str, pane: &str, provider: &str) -> SessionInfo {
    SessionInfo {
        name: name.into(),
        pane: pane.into(),
        provider: provider.into(),
        state: SessionState::Idle,
        rule: None,
        working_dir: None,
        branch: None,
        command: None,
        prompt: None,
        excluded: false,
        last_activity: None,
    }
}

fn prompt(id: i64, preview: &str) -> PromptInfo {
    PromptInfo {
        id,
        status: PromptStatus::Pending,
        preview: preview.into(),
        ..PromptInfo::default()
    }
}

fn snap(sessions: Vec<SessionInfo>, queue: Vec<PromptInfo>) -> Snapshot {
    Snapshot {
        status: StatusInfo {
            version: "0".into(),
            pid: 1,
            uptime_secs: 30,
            db: "db".into(),
            socket: "sock".into(),
            tmux: TmuxStatus {
                socket: "tmux".into(),
                reachable: true,
                reason: None,
                path: String::new(),
                missed_by_events: 0,
                listings: 0,
                glances: 0,
            },
            prompts: Default::default(),
            sessions: Default::default(),
            waiting_for_human: Vec::new(),
            notices: Vec::new(),
            unroutable: 0,
            pools: Vec::new(),
        },
        sessions,
        queue,
        failed: Vec::new(),
        running: HashMap::new(),
        taken_at: 1000,
    }
}

fn two_and_two() -> Model {
    let s = snap(
        vec![
            session("claude-1", "%1", "claude"),
            session("codex-1", "%2", "codex"),
        ],
        vec![prompt(7, "fix the test"), prompt(8, "write docs")],
    );
    Model::new(s, false)
}

#[test]
fn selection_moves_through_sessions_then_prompts_and_stops_at_the_ends() {
    let mut m = two_and_two();
    assert_eq!(m.selected, Some(Row::Session("%1".into())));
    m.select(-1);
    assert_eq!(m.selected, Some(Row::Session("%1".into())));
    m.select(2);
    assert_eq!(m.selected, Some(Row::Prompt(7)));
    assert_eq!(m.prompt_id(), Some(7));
    m.select(10);
    assert_eq!(m.selected, Some(Row::Prompt(8)));
}

#[test]
fn a_new_snapshot_keeps_the_selected_row_or_takes_the_one_in_its_place() {
    let mut m = two_and_two();
    m.select(2);
    let mut s = snap(
        m.snap.sessions.clone(),
        vec![prompt(6, "new"), prompt(7, "x")],
    );
    m.apply(s.clone());
    assert_eq!(m.selected, Some(Row::Prompt(7)));
    s.queue.retain(|p| p.id != 7);
    m.apply(s);
    assert_eq!(m.selected, Some(Row::Prompt(6)));
}

#[test]
fn the_filter_matches_any_shown_field_and_moves_a_hidden_selection() {
    let mut m = two_and_two();
    m.set_filter("CODEX".into());
    assert_eq!(m.rows(), vec![Row::Session("%2".into())]);
    assert_eq!(m.selected, Some(Row::Session("%2".into())));
    m.set_filter("docs".into());
    assert_eq!(m.rows(), vec![Row::Prompt(8)]);
    assert_eq!(m.session(), None);
    m.set_filter("nothing like it".into());
    assert_eq!(m.selected, None);
    assert_eq!(m.prompt_id(), None);
}

#[test]
fn a_session_selected_names_the_prompt_in_its_hand_and_its_age() {
    let mut s = snap(vec![session("claude-1", "%1", "claude")], Vec::new());
    s.sessions[0].prompt = Some(4);
    let mut p = prompt(4, "running");
    p.started_at = Some("1970-01-01T00:16:00.000Z".into());
    s.running.insert(4, p);
    let m = Model::new(s, false);
    assert_eq!(m.prompt_id(), Some(4));
    assert_eq!(m.age(4, 1000), Some(40));
    assert_eq!(m.uptime(1010), 40);
    assert_eq!(m.next_change(1010), 1);
}
