//! `assignerctl top` at 80x24 and 200x60: the screens, with what changes
//! from run to run masked, kept as golden files under
//! `tests/fixtures/top/`; `UPDATE_GOLDEN=1 cargo test --test cli_top_golden`
//! writes them again.
#![allow(
    clippy::unwrap_used,
    reason = "test code: a panic is how a test fails (clippy.toml)"
)]

mod common;

use std::path::Path;

use common::{Fleet, TopView, masked, pending_and_failed};

/// Compares the masked screen with `tests/fixtures/top/NAME`, or writes it
/// there with `UPDATE_GOLDEN=1`.
fn golden(name: &str, screen: &str) {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/top")
        .join(name);
    if std::env::var_os("UPDATE_GOLDEN").is_some() {
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, screen).unwrap();
        return;
    }
    let want = std::fs::read_to_string(&path).unwrap_or_else(|e| {
        panic!(
            "{}: {e}; UPDATE_GOLDEN=1 cargo test --test cli_top_golden writes it",
            path.display()
        )
    });
    assert_eq!(
        screen,
        want,
        "screen differs from {}:\n{screen}",
        path.display()
    );
}

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
    f.wait_status(busy, "in_progress");
    f.wait_session_state("codex-1", "busy");
    let top = TopView::start(&f.d, width, height);
    let screen = top.wait_screen("the settled fleet", |s| {
        s.contains("busy") && s.contains("doomed") && s.contains("ghost")
    });
    golden(name, &masked(&screen, &[f.d.dir.path(), &dir]));
}

#[test]
fn top_at_80x24_matches_its_golden_screen() {
    golden_screen(80, 24, "80x24.txt");
}

#[test]
fn top_at_200x60_matches_its_golden_screen() {
    golden_screen(200, 60, "200x60.txt");
}
