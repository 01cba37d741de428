//! The domain's own vocabulary, apart from the wire and the database
//! spelling: what a prompt's history records and how far a delivery got.
//! The store writes these, the engine and maintenance decide by them, and
//! the protocol shows their names; none of them parses another's prose.

mod failure_kind;
mod history_event;
mod phase;

pub use failure_kind::FailureKind;
pub use history_event::HistoryEvent;
pub use phase::Phase;
