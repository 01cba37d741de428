//! A model API that refused a prompt for a rate limit, as the agent's
//! screen (its API error line, `detect::is_rate_limit`) or its hook
//! (`assignerctl complete --failed rate_limit`) tells once the agent's own
//! retries are used up. The prompt is not at fault: it goes back to the
//! queue without using a retry, and the pane reads `rate_limited` and
//! gets no prompt for a while, longer after each limit in a row, so the
//! prompt is never tried again at once on the same pane. Routing meanwhile
//! sends it to another pane its providers allow, a fallback included
//! (README, "Routing").

use std::time::{Duration, Instant};

use tracing::info;

use super::Engine;
use crate::error::StoreError;
use crate::store::Requeue;
use crate::store::backend::Backend;

/// The first wait after a rate limit. The agents give up only after their
/// own retries (Claude Code's ten take about three minutes), and a
/// per-minute limit clears within a minute of the last refused request.
pub(super) const FIRST_WAIT: Duration = Duration::from_secs(60);

/// The longest wait: a limit that outlasts the doubling is checked again
/// at least this often.
pub(super) const LONGEST_WAIT: Duration = Duration::from_secs(16 * 60);

/// The wait after `strikes` rate limits in a row (1 = the first).
pub(super) fn wait_after(strikes: u32) -> Duration {
    let doublings = strikes.saturating_sub(1).min(10);
    (FIRST_WAIT * 2u32.pow(doublings)).min(LONGEST_WAIT)
}

impl Engine {
    /// Puts prompt `id` back in the queue, refused for a rate limit on
    /// `pane` (`why` says how it was told), and makes the pane wait.
    pub(super) fn rate_limited(
        &mut self,
        store: &mut dyn Backend,
        id: i64,
        pane: &str,
        why: &str,
    ) -> Result<(), StoreError> {
        // Written first: a write that fails (a full disk) keeps the watch,
        // and the next step tries again.
        crate::error::ignore_wrong_status(store.requeue(id, Requeue::RateLimited, why))?;
        self.finish_watch(id);
        if let Some(t) = self.panes.get_mut(pane) {
            t.limit_strikes += 1;
            let wait = wait_after(t.limit_strikes);
            let secs = wait.as_secs();
            t.limited = Some((
                Instant::now() + wait,
                format!("its model API refused for a rate limit; no prompt for {secs} s"),
            ));
            info!(
                prompt_id = id,
                pane,
                wait_s = secs,
                "{why}; back in the queue"
            );
        }
        self.dirty = true;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_wait_doubles_up_to_the_longest() {
        let secs: Vec<u64> = (1..=7).map(|n| wait_after(n).as_secs()).collect();
        assert_eq!(secs, [60, 120, 240, 480, 960, 960, 960]);
        assert_eq!(wait_after(u32::MAX), LONGEST_WAIT);
    }
}
