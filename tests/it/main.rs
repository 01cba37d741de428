//! The integration tests, one crate (one build and one link for all of
//! them), one module per area. Each test drives the real binaries against a
//! real tmux server of its own, real Unix sockets and real SQLite files in a
//! temp dir; `common` is the harness (`TestDaemon`, `wait_until`, the
//! stand-in agents). Run one area with `cargo test --test it engine::`.
//! One area runs apart in `tests/run.sh`: `real::`, the real coding agents
//! (skipped, saying why, without their cache).
#![allow(
    clippy::unwrap_used,
    reason = "test code: a panic is how a test fails (clippy.toml)"
)]

#[path = "../common/mod.rs"]
mod common;

mod chaos;
mod cleanup;
mod cli;
mod control;
mod daemon;
mod docs;
mod engine;
mod layering;
mod pools;
mod pools_limits;
mod pools_scale;
mod pools_worktree;
mod real;
mod recovery;
mod store;
mod tmux;
