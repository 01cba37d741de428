//! `follow ID`: what the agent's pane shows while the prompt runs, read
//! through the daemon, to the prompt's end and across a daemon restart.
#![allow(
    clippy::unwrap_used,
    reason = "test code: a panic is how a test fails (clippy.toml)"
)]

mod common;

use common::{Background, Fleet, WAIT, wait_until};

fn opened(f: &Fleet) -> usize {
    f.d.logs().matches("follow stream open").count()
}

/// The position of `line` in `text`, which must hold it exactly once.
fn once(text: &str, line: &str) -> usize {
    let at: Vec<usize> = text.match_indices(line).map(|(i, _)| i).collect();
    assert_eq!(at.len(), 1, "{line:?} should show once in:\n{text}");
    at[0]
}

/// `follow` exited 0, having shown the submitted prompt and then the
/// agent's answer, each once.
fn ends_well(follow: &mut Background, prompt: &str) {
    assert_eq!(follow.exit_code(WAIT), Some(0), "{}", follow.stderr());
    let out = follow.stdout();
    assert!(
        once(&out, prompt) < once(&out, "⏺ Done (prompt 1)"),
        "{out}"
    );
}

#[test]
fn follow_shows_the_agents_lines_in_order_and_ends_with_the_prompt() {
    let f = Fleet::with_agents(&["claude-1"]);
    let id = f.d.send(&["follow me #busy=2000"]);
    let mut follow = Background::start(&f.d, &["follow", &id.to_string()]);
    ends_well(&mut follow, "> follow me #busy=2000");
    assert_eq!(f.d.status_of(id), "completed");
}

#[test]
fn follow_waits_for_a_pending_prompt_to_start() {
    let mut f = Fleet::with_agents(&[]);
    let id = f.d.send(&["--target", "late-1", "started late #busy=500"]);
    let before = opened(&f);
    let mut follow = Background::start(&f.d, &["follow", &id.to_string()]);
    assert!(wait_until(WAIT, || opened(&f) > before));
    assert!(wait_until(WAIT, || follow.stderr().contains("pending")));
    f.add_agent("late-1", &[]);
    ends_well(&mut follow, "> started late");
}

#[test]
fn follow_of_a_prompt_cancelled_while_pending_exits_81() {
    let f = Fleet::with_agents(&[]);
    let id = f.d.send(&["--target", "ghost", "never runs"]);
    let before = opened(&f);
    let mut follow = Background::start(&f.d, &["follow", &id.to_string()]);
    assert!(wait_until(WAIT, || opened(&f) > before));
    f.d.ctl_ok(&["cancel", &id.to_string()]);
    assert_eq!(follow.exit_code(WAIT), Some(81), "{}", follow.stderr());
    assert!(follow.stderr().contains("cancelled"), "{}", follow.stderr());
}

#[test]
fn follow_carries_on_across_a_daemon_restart_without_repeating_lines() {
    let mut f = Fleet::with_agents(&["claude-1"]);
    let id = f.d.send(&["across a restart #busy=5000"]);
    let mut follow = Background::start(&f.d, &["follow", &id.to_string()]);
    assert!(wait_until(WAIT, || follow
        .stdout()
        .contains("> across a restart")));
    f.d.kill9();
    f.d.spawn();
    f.d.wait_ready();
    ends_well(&mut follow, "> across a restart");
    let stderr = follow.stderr();
    assert!(stderr.contains("reconnected"), "{stderr}");
    assert_eq!(f.log("claude-1").submissions().len(), 1);
}

#[test]
fn follow_json_streams_output_lines_and_ends_with_the_final_record() {
    let f = Fleet::with_agents(&["claude-1"]);
    let id = f.d.send(&["for a script #busy=500"]);
    let mut follow = Background::start(&f.d, &["--json", "follow", &id.to_string()]);
    assert_eq!(follow.exit_code(WAIT), Some(0), "{}", follow.stderr());
    let lines: Vec<serde_json::Value> = follow
        .stdout()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let (last, output) = lines.split_last().unwrap();
    assert_eq!(last["type"], "prompt");
    assert_eq!(last["prompt"]["status"], "completed");
    let shown: Vec<&str> = output
        .iter()
        .inspect(|o| assert_eq!(o["type"], "output", "{o}"))
        .flat_map(|o| o["lines"].as_array().unwrap())
        .map(|l| l.as_str().unwrap())
        .collect();
    assert!(shown.contains(&"⏺ Done (prompt 1)"), "{shown:?}");
}
