//! The human output of `status`, `prompts`, `show`, `sessions`, `explain`
//! and `cleanup`, on one settled fleet, kept as golden files under
//! `tests/fixtures/human/` with what changes from run to run masked;
//! `UPDATE_GOLDEN=1 cargo test --test it golden` writes them again.

use crate::common::{Fleet, golden, masked, pending_and_failed};
use assigner::protocol::PromptStatus;

/// What differs between runs beyond `masked`'s rules: dates, durations,
/// process ids, uptime, and which path to tmux is in use (the suite also
/// runs on the process-per-call path).
fn stable(text: &str, f: &Fleet) -> String {
    let dir = f.tmux.dir().to_owned();
    let mut s = masked(text, &[f.d.dir.path(), &dir]);
    let rules = [
        (r"\d{4}-\d\d-\d\d[T ]hh:mm:ss(\.\d+)?Z?", "<time>"),
        (r"\d{4}-\d\d-\d\d[T ]\d\d:\d\d:\d\d(\.\d+)?Z?", "<time>"),
        (r"\b(pid|server pid|process) \d+", "$1 <pid>"),
        (r"\b\d+(\.\d+)? ?(ms|s|m|h|d) ago\b", "<ago>"),
        (r"\b\d+(\.\d+)? ?ms\b", "<ms>"),
        (r"up \d+[smhd]( \d+[smhd])*", "up <uptime>"),
        (r"control mode|a process per call", "<tmux path>"),
    ];
    for (re, with) in rules {
        s = regex::Regex::new(re)
            .unwrap()
            .replace_all(&s, with)
            .into_owned();
    }
    s
}

#[test]
fn human_output_matches_its_golden_files() {
    let mut f = Fleet::with_agents(&[]);
    let dir = f.tmux.dir().to_owned();
    f.add_agent_in("claude-1", Some(&dir), &[]);
    f.add_agent_in("codex-1", Some(&dir), &[]);
    let (_pending, doomed) = pending_and_failed(&f);
    let done = f.d.send(&["--target", "codex-1", "a short piece of work"]);
    f.wait_status(done, PromptStatus::Completed);
    f.wait_session_state("codex-1", "idle");
    let (done, doomed) = (done.to_string(), doomed.to_string());
    let outputs = [
        ("status.txt", vec!["status"]),
        ("prompts.txt", vec!["prompts"]),
        ("show-completed.txt", vec!["show", &done]),
        ("show-failed.txt", vec!["show", &doomed]),
        ("sessions.txt", vec!["sessions"]),
        ("explain.txt", vec!["explain", "codex-1"]),
        ("cleanup-dry-run.txt", vec!["cleanup", "--dry-run"]),
    ];
    for (name, args) in outputs {
        let text = f.d.ctl_ok(&args);
        golden("human", name, &stable(&text, &f));
    }
}
