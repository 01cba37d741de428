//! Maintenance of the database, shared by the daemon and by `assignerctl`
//! working offline: `cleanup` (reconcile with tmux), integrity checks,
//! recovery from a corrupt file, and import from the original worker.
//!
//! Everything here works on a [`Store`](crate::store::Store) or a plain
//! read-only connection, so the same code runs inside the daemon's core
//! task and, when no daemon runs, directly on the file.

pub mod cleanup;
mod cleanup_action;
mod cleanup_apply;
mod error;
pub mod legacy;
mod legacy_read;
#[cfg(test)]
mod legacy_routing_tests;
mod legacy_row;
pub mod lock;
mod lock_file;
mod query;
pub mod recover;
mod salvage;
mod salvage_copy;
mod tmux_view;
mod unroutable;
pub mod verify;

pub use cleanup::{Action, Plan, TmuxView};
pub use error::MaintError;
pub use lock::DbLock;
pub(crate) use query::query_all;
pub use recover::{Recovery, open_checked};
pub use unroutable::{unroutable, unroutable_count};
