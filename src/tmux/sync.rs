//! The driver's and the control client's shared state sits behind plain
//! mutexes held for a moment; a panic elsewhere while one was held leaves
//! data that is still whole, so a poisoned lock is used as it is.

use std::sync::{Mutex, MutexGuard, PoisonError};

/// Locks `m`, poisoned or not.
pub(super) fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(PoisonError::into_inner)
}
