//! The writes of the store's own connection that only queued prompts or
//! touched session rows, kept so that [`super::Store::queued_since`] can
//! tell a reader which prompts are new without reading the queue again.
//! Apart from `version.rs` so that the store's own struct holds it without
//! importing a file that works on the store.

use std::collections::VecDeque;

/// Most writes remembered by [`Queued`]: a reader further behind reads
/// the whole queue again.
pub(crate) const QUEUED_KEPT: usize = 256;

/// The writes of this connection lately that only added to the queue (a
/// prompt queued) or left it alone (a session row), each with the count of
/// rows written just before and just after: enough to tell a reader that
/// nothing else happened since its version.
#[derive(Debug, Default)]
pub(super) struct Queued(VecDeque<(u64, u64, Option<i64>)>);

impl Queued {
    /// A write from `before` to `after` rows that queued prompt `id`, or
    /// (`None`) touched no prompt.
    pub(super) fn record(&mut self, before: u64, after: u64, id: Option<i64>) {
        if self.0.len() == QUEUED_KEPT {
            self.0.pop_front();
        }
        self.0.push_back((before, after, id));
    }

    /// The writes remembered, oldest first: rows before, rows after, and
    /// the prompt queued.
    pub(super) fn iter(&self) -> impl Iterator<Item = (u64, u64, Option<i64>)> + '_ {
        self.0.iter().copied()
    }
}
