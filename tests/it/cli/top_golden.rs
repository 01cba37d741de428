//! `assignerctl top` at 80x24 and 200x60: the screens, with what changes
//! from run to run masked, kept as golden files under
//! `tests/fixtures/top/`; `UPDATE_GOLDEN=1 cargo test --test it golden`
//! writes them again.

use crate::common::{Fleet, TopView, golden, masked, pending_and_failed};
use assigner::protocol::PromptStatus;

/// Two agents, one at work, a prompt waiting and a failed one, once all
/// is settled.
fn golden_screen(width: u16, height: u16, name: &str) {
    let mut f = Fleet::with_agents(&[]);
    let dir = f.tmux.dir().to_owned();
    f.add_agent_in("claude-1", Some(&dir), &[]);
    f.add_agent_in("codex-1", Some(&dir), &[]);
    pending_and_failed(&f);
    let busy =
        f.d.send(&["--target", "codex-1", "a long piece of work #busy=600000"]);
    f.wait_status(busy, PromptStatus::InProgress);
    f.wait_session_state("codex-1", "busy");
    let top = TopView::start(&f.d, width, height);
    let screen = top.wait_screen("the settled fleet", |s| {
        s.contains("busy") && s.contains("doomed") && s.contains("ghost")
    });
    golden("top", name, &masked(&screen, &[f.d.dir.path(), &dir]));
}

#[test]
fn top_at_80x24_matches_its_golden_screen() {
    golden_screen(80, 24, "80x24.txt");
}

#[test]
fn top_at_200x60_matches_its_golden_screen() {
    golden_screen(200, 60, "200x60.txt");
}
