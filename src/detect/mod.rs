//! Agent state detection (placeholder until the tmux engine lands).

mod profile;

pub use profile::ProfileOverride;
