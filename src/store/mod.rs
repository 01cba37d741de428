//! The durable prompt store: one SQLite file, owned by one [`Store`].
//!
//! Every state change is a single immediate transaction whose `UPDATE` is
//! guarded on the current status, and it appends to the prompt's history in
//! the same transaction. A change that lost a race (the prompt moved on
//! meanwhile) changes nothing and reports
//! [`WrongStatus`](crate::error::StoreError::WrongStatus); a crash leaves
//! either the old or the new state, never half of one.

/// SQL for "now" as RFC 3339 UTC with milliseconds; a macro so that the
/// transition table's column sets can be `concat!`ed constants.
macro_rules! now_sql {
    () => {
        "strftime('%Y-%m-%dT%H:%M:%fZ','now')"
    };
}

/// SQL for a prompt's dependencies, a JSON array of ids: one subquery for
/// the column lists of `row.rs` and `queue.rs`, a macro so that they can
/// be `concat!`ed constants.
macro_rules! deps_sql {
    () => {
        "(SELECT json_group_array(depends_on) FROM prompt_deps d WHERE d.prompt_id = prompts.id)"
    };
}

/// The columns of a prompt's [`Routing`](crate::model::Routing), in the
/// order `row.rs`'s `routing_from_row` reads them: one list for the
/// columns of `row.rs` and `queue.rs`.
macro_rules! routing_columns {
    () => {
        "target_session, target_provider, preferred_providers, fallback_providers, \
        allow_fallback, working_dir, git_branch"
    };
}

pub mod backend;
mod files;
mod flight;
mod handle;
mod health;
mod history;
pub mod migrations;
mod pool_scales;
mod prompts;
mod queue;
mod queued_writes;
mod repair;
mod row;
mod sessions;
mod sql;
mod time;
mod transition;
mod transitions;
mod unsigned;
mod version;

pub use crate::model::Phase;
pub use files::{DB_MODE, companion, missing_wal};
pub use flight::InFlight;
pub use handle::Store;
pub use health::StorageFault;
pub(crate) use history::append as append_history;
pub use prompts::{counts, prompts_in};
pub(crate) use row::failure_kind_column;
pub use sessions::SessionRow;
pub(crate) use sql::{NOW, to_json};
pub use time::{now_rfc3339, rfc3339_ms};
pub use transition::Requeue;
pub use transitions::Claim;
pub(crate) use unsigned::{i64_from, u32_from, u64_from};
pub use version::Version;

#[cfg(test)]
mod tests;
