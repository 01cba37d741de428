//! `assignerctl cleanup`: the original troubleshooting guide's scenario
//! against a real tmux server, dry run versus apply, `--retry-failed`,
//! `--verify-only`, and offline mode (`--db`) next to a running daemon.
#![allow(
    clippy::unwrap_used,
    reason = "test code: a panic is how a test fails (clippy.toml)"
)]

#[path = "../common/mod.rs"]
mod common;
mod failure_kinds;
mod fixtures;
mod guide;
mod legacy_guide;
mod offline_and_checks;
