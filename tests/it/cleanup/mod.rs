//! `assignerctl cleanup`: the original troubleshooting guide's scenario
//! against a real tmux server, dry run versus apply, `--retry-failed`,
//! `--verify-only`, and offline mode (`--db`) next to a running daemon.

mod failure_kinds;
mod fixtures;
mod guide;
mod legacy_guide;
mod offline_and_checks;
