//! The retention prune: finished prompts older than `retention_days` go,
//! at start-up, hourly from the core's upkeep, and at once when a reload
//! changes the period.

use tracing::{info, warn};

use crate::store::Store;

/// Deletes finished prompts older than `retention_days` (when set); a
/// failure is logged and tried again at the next prune.
pub(super) fn prune(store: &mut Store, retention_days: Option<u32>) {
    let Some(days) = retention_days else { return };
    match store.prune(days) {
        Ok(0) => {}
        Ok(n) => info!(
            deleted = n,
            retention_days = days,
            "pruned finished prompts"
        ),
        Err(e) => warn!(error = %e, "pruning finished prompts failed"),
    }
}
