//! What a driver and its clones share of their control-mode client: the
//! client itself, when attaching was last tried and a client last ended,
//! and tmux's reports of changed structure (ARCHITECTURE.md, "The engine").

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Instant;

use super::control;
use super::sync::lock;

/// The control-mode client of a driver and its clones.
#[derive(Default)]
pub(super) struct ControlSlot {
    pub(super) enabled: AtomicBool,
    pub(super) client: Mutex<Option<Arc<control::Control>>>,
    pub(super) last_try: Mutex<Option<Instant>>,
    /// When a client last ended.
    pub(super) last_end: Mutex<Option<Instant>>,
    /// The session the last client attached to: a client whose session
    /// is gone ended with it, and the next may attach at once.
    pub(super) session: Mutex<Option<String>>,
    /// Signalled when the client reports a structural change (or ends).
    pub(super) changed: Arc<tokio::sync::Notify>,
    /// How many structural changes clients have reported.
    pub(super) reported: Arc<AtomicU64>,
}

impl std::fmt::Debug for ControlSlot {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ControlSlot")
            .field("enabled", &self.enabled.load(Ordering::Relaxed))
            .field("connected", &lock(&self.client).is_some())
            .finish()
    }
}
