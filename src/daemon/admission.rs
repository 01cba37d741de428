//! Who is let in and for how long: the access policy, the connection
//! limits and the timeouts. They live behind a `watch` cell rather than in
//! the connection context itself so that SIGHUP can replace them: the next
//! client sees the new values, clients already served keep their slot.
//!
//! One user must not be able to lock everyone out (`assigner.toml(5)`):
//! each uid but root has at most `max_connections_per_uid` connections, a
//! client must send its first line within `line_timeout_secs`, and
//! [`RESERVED_SLOTS`] slots beyond `max_connections` are kept for root and
//! for agent hooks reporting `complete`.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use super::peer::AccessPolicy;
use crate::config::Config;

/// Slots beyond `max_connections`, usable by root for anything and by
/// others only to report `complete` (a hook that cannot report leaves its
/// prompt running until a timeout), so an operator and the agents get
/// through while the ordinary slots are full.
pub const RESERVED_SLOTS: usize = 8;

/// The admission settings of one config.
#[derive(Debug, Clone)]
pub struct Admission {
    /// Who may connect.
    pub policy: AccessPolicy,
    /// How long a client may stay silent.
    pub idle_timeout: Duration,
    /// How long a client may take over its first line, or over a line it
    /// has begun.
    pub line_timeout: Duration,
    /// Most clients served at once, reserved slots aside.
    pub max_connections: usize,
    /// Most clients served at once for one uid other than root.
    pub max_per_uid: usize,
}

impl Admission {
    /// Reads them from a config; fails only when `allowed_group` vanished
    /// between the config check and now.
    pub fn new(config: &Config) -> Result<Self, String> {
        let idle_timeout = Duration::from_secs(config.idle_timeout_secs);
        Ok(Self {
            policy: AccessPolicy::new(config.allowed_group.as_deref())?,
            idle_timeout,
            line_timeout: Duration::from_secs(config.line_timeout_secs).min(idle_timeout),
            max_connections: config.max_connections,
            max_per_uid: config.max_connections_per_uid,
        })
    }
}

/// Which kind of slot a connection holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SlotKind {
    /// Any request.
    Ordinary,
    /// A reserved slot of a uid other than root: `hello` and `complete`
    /// only, each line within the line timeout.
    HookOnly,
}

/// Counts the clients being served, in all and per uid. Counters, not
/// semaphores, so that lower limits after a reload simply refuse newcomers
/// until enough of the current clients have left.
#[derive(Debug, Default)]
pub struct Slots(Mutex<Counts>);

#[derive(Debug, Default)]
struct Counts {
    total: usize,
    per_uid: HashMap<u32, usize>,
}

/// One taken slot, given back when the connection ends.
#[derive(Debug)]
pub struct Slot {
    slots: Arc<Slots>,
    uid: u32,
    /// What the connection may do.
    pub kind: SlotKind,
}

impl Drop for Slot {
    fn drop(&mut self) {
        let mut c = self
            .slots
            .0
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        c.total -= 1;
        if let Some(n) = c.per_uid.get_mut(&self.uid) {
            *n -= 1;
            if *n == 0 {
                c.per_uid.remove(&self.uid);
            }
        }
    }
}

impl Slots {
    /// A slot for `uid` under these limits, or why there is none.
    pub(super) fn take(self: &Arc<Self>, uid: u32, a: &Admission) -> Result<Slot, String> {
        let mut c = self
            .0
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let mine = c.per_uid.get(&uid).copied().unwrap_or(0);
        if uid != 0 && mine >= a.max_per_uid {
            return Err(format!(
                "uid {uid} already has {mine} connections, the most one user may have \
                 (max_connections_per_uid); try again"
            ));
        }
        let kind = if c.total < a.max_connections {
            SlotKind::Ordinary
        } else if c.total < a.max_connections + RESERVED_SLOTS {
            if uid == 0 {
                SlotKind::Ordinary
            } else {
                SlotKind::HookOnly
            }
        } else {
            return Err("too many clients connected; try again".into());
        };
        c.total += 1;
        *c.per_uid.entry(uid).or_default() += 1;
        Ok(Slot {
            slots: Arc::clone(self),
            uid,
            kind,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn limits(max: usize, per_uid: usize) -> Admission {
        Admission {
            policy: AccessPolicy::new(None).unwrap(),
            idle_timeout: Duration::from_secs(300),
            line_timeout: Duration::from_secs(10),
            max_connections: max,
            max_per_uid: per_uid,
        }
    }

    #[test]
    fn slots_follow_the_current_limits() {
        let slots = Arc::new(Slots::default());
        let a = slots.take(1000, &limits(2, 10)).unwrap();
        let _b = slots.take(1001, &limits(2, 10)).unwrap();
        // Full: others get a hook-only reserved slot, root an ordinary one.
        let hook = slots.take(1002, &limits(2, 10)).unwrap();
        assert_eq!(hook.kind, SlotKind::HookOnly);
        assert_eq!(
            slots.take(0, &limits(2, 10)).unwrap().kind,
            SlotKind::Ordinary
        );
        // A lower limit after a reload refuses newcomers until enough
        // clients left; no reserve beyond it.
        let low = limits(1, 10);
        let reserve: Vec<_> = (0..1 + RESERVED_SLOTS - 3)
            .map(|_| slots.take(0, &low).unwrap())
            .collect();
        assert!(slots.take(0, &low).unwrap_err().contains("too many"));
        drop(a);
        drop(hook);
        drop(reserve);
        assert_eq!(
            slots.take(1003, &limits(3, 10)).unwrap().kind,
            SlotKind::Ordinary
        );
    }

    #[test]
    fn one_uid_cannot_take_every_slot_but_root_can_always_get_in() {
        let slots = Arc::new(Slots::default());
        let l = limits(4, 2);
        let held: Vec<_> = (0..2).map(|_| slots.take(1000, &l).unwrap()).collect();
        let err = slots.take(1000, &l).err().unwrap();
        assert!(
            err.contains("uid 1000") && err.contains("max_connections_per_uid"),
            "{err}"
        );
        assert!(slots.take(1001, &l).is_ok());
        let root: Vec<_> = (0..4).map(|_| slots.take(0, &l).unwrap()).collect();
        drop(held);
        assert!(slots.take(1000, &l).is_ok());
        drop(root);
    }
}
