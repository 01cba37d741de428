//! assigner keeps a durable queue of prompts and hands each to an idle coding
//! agent running in a tmux pane, exactly once, then supervises it to the end.
//!
//! The crate is a library with two thin binaries: `assignerd` (the daemon,
//! [`daemon::run`]) and `assignerctl` (the client, [`cli::run`]). Both speak
//! the JSON-lines protocol of [`protocol`].

pub mod cli;
pub mod client;
pub mod config;
pub mod daemon;
pub mod detect;
pub mod engine;
pub mod error;
pub mod follow;
pub mod framing;
pub mod logging;
pub mod maintenance;
pub mod model;
pub mod paths;
pub mod pool;
pub mod protocol;
pub mod route;
pub mod store;
pub mod tmux;
