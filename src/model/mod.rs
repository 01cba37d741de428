//! The domain's own vocabulary, apart from the wire and the database
//! spelling: a prompt's status and a pane's state, what a prompt's history
//! records (and a row of it read back), why it failed and how far a delivery got, and a prompt as
//! the store reads it back.
//! The store writes these, the engine and maintenance decide by them, and
//! the protocol shows their names; none of them parses another's prose.

mod failure_kind;
mod history_event;
mod history_row;
mod phase;
mod prompt;
mod queued;
mod routing;
mod status;
mod timestamp;

pub use failure_kind::FailureKind;
pub use history_event::HistoryEvent;
pub use history_row::HistoryRow;
pub use phase::Phase;
pub use prompt::{PromptRecord, PromptSummary};
pub use queued::Queued;
pub use routing::Routing;
pub use status::{PromptStatus, SessionState};
pub use timestamp::Timestamp;
