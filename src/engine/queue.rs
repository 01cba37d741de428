//! The pending queue as the engine last read it, and whether another
//! assignment pass could decide anything the last one did not.
//!
//! A pass decides from three things only: the database (the queue, the
//! dependencies, the retry counts), the panes as routing sees them
//! ([`Candidate`]: state, availability, what sets them aside, provider,
//! directory, branch), and whether the tmux server answers. The clock enters
//! in one place, the target-wait limit, whose next deadline is known. So a
//! pass is skipped when the database's [`Version`] (which moves on every
//! row written by any path of this connection, and on any commit by
//! another), the candidates and the reachability are those the last pass
//! saw, and no target-wait deadline has passed since: its outcome would be
//! the same, and with thousands of prompts waiting it is the daemon's main
//! cost (ARCHITECTURE.md, "The engine"). Nothing is kept per write path, so
//! no path can be forgotten: a prompt queued, retried, reassigned, reset by
//! `cleanup`, imported or requeued by recovery moves the version, and the
//! next pass reads the queue again.
//!
//! The queue read at a version is kept (without texts) for the next pass:
//! at the same version it is used as it is (a pane becoming idle routes the
//! waiting prompts from memory), and when only new prompts were queued
//! since, those alone are read and put in their place; any other write
//! reads the queue again. Within a pass, prompts alike for routing
//! ([`RouteKey`]) are routed once while the candidates stay the same.

use std::collections::HashMap;
use std::time::Instant;

use crate::error::StoreError;
use crate::model::{Queued, Routing};
use crate::route::{Candidate, Wait};
use crate::store::Version;
use crate::store::backend::Backend;

/// What an assignment pass decides from.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct PassInputs {
    pub version: Version,
    pub candidates: Vec<Candidate>,
    pub reachable: bool,
    pub unreachable_why: Option<String>,
}

/// The queue last read, and the inputs of the last pass.
#[derive(Debug, Default)]
pub(super) struct QueueView {
    /// Pending prompts without their texts, highest priority then oldest.
    prompts: Vec<Queued>,
    /// The version `prompts` reflects; `None` when it must be read again.
    read_at: Option<Version>,
    /// What the last complete pass saw; `None` forces the next pass.
    last_pass: Option<PassInputs>,
    /// The pass under way found a routed pane unfit at the last check:
    /// the next pass runs whatever the inputs.
    again: bool,
}

impl QueueView {
    /// Forces the next pass and a fresh read (new settings, new rules).
    pub fn invalidate(&mut self) {
        self.read_at = None;
        self.last_pass = None;
    }

    /// The next pass must run: a pane was found unfit at the last check,
    /// which the inputs of a pass do not show.
    pub fn again(&mut self) {
        self.again = true;
    }

    /// Whether a pass with `inputs` would repeat the last one: nothing
    /// written, no pane changed for routing, and no target-wait deadline
    /// (`deadline`) reached.
    pub fn settled(&self, inputs: &PassInputs, deadline: Option<Instant>) -> bool {
        self.last_pass.as_ref() == Some(inputs) && deadline.is_none_or(|d| Instant::now() < d)
    }

    /// The pending prompts at `version`: from memory when read at it, or
    /// when only new prompts were queued since (those are read and put in
    /// their place); otherwise read again.
    pub fn take(
        &mut self,
        store: &dyn Backend,
        version: Version,
    ) -> Result<Vec<Queued>, StoreError> {
        self.last_pass = None;
        self.again = false;
        let Some(read_at) = self.read_at.take() else {
            return store.queue();
        };
        let mut prompts = std::mem::take(&mut self.prompts);
        if read_at == version {
            return Ok(prompts);
        }
        // Only new prompts since: read those alone.
        let Some(ids) = store.queued_since(read_at)? else {
            drop(prompts);
            return store.queue();
        };
        for id in ids {
            if let Some(p) = store.queued(id)? {
                let at = prompts.partition_point(|q| queue_order(q) < queue_order(&p));
                prompts.insert(at, p);
            }
        }
        Ok(prompts)
    }

    /// Records a finished pass (see [`Self::again`]). `moved`: it claimed
    /// or failed a prompt, so
    /// the queue in hand is out of date and the next pass must run. Else
    /// its only writes were waiting reasons, which `prompts` already holds
    /// and no pass reads: the version after them is the one to compare,
    /// unless another connection wrote meanwhile.
    pub fn finish(
        &mut self,
        store: &dyn Backend,
        prompts: Vec<Queued>,
        mut inputs: PassInputs,
        moved: bool,
    ) -> Result<(), StoreError> {
        let again = std::mem::take(&mut self.again);
        let after = store.version()?;
        if moved || after.others_wrote_since(&inputs.version) {
            self.last_pass = (!again).then_some(inputs);
            return Ok(());
        }
        inputs.version = after;
        self.prompts = prompts;
        self.read_at = Some(after);
        self.last_pass = (!again).then_some(inputs);
        Ok(())
    }
}

/// The queue's order, as [`Backend::queue`] reads it: highest
/// priority, then oldest.
fn queue_order(p: &Queued) -> (std::cmp::Reverse<u8>, i64) {
    (std::cmp::Reverse(p.priority), p.id)
}

/// Everything of a prompt that routing reads (`route::route`): prompts
/// alike in these, with the same last pane, route alike among the same
/// candidates, so a long queue of similar prompts is routed once per kind.
#[derive(Debug, PartialEq, Eq, Hash)]
pub(super) struct RouteKey {
    multi_line: bool,
    routing: Routing,
    last_pane: Option<String>,
}

impl RouteKey {
    pub fn new(p: &Queued, last_pane: Option<&str>) -> Self {
        Self {
            multi_line: p.multi_line,
            routing: p.routing.clone(),
            last_pane: last_pane.map(str::to_owned),
        }
    }
}

/// Why prompts of each kind wait, among the candidates of this moment:
/// emptied whenever the candidates change within a pass.
pub(super) type Waits = HashMap<RouteKey, Wait>;

#[cfg(test)]
mod tests {
    use super::*;
    use crate::protocol::NewPrompt;
    use crate::store::Store;

    fn queue(store: &mut dyn Backend, text: &str, priority: u8) -> i64 {
        let p = NewPrompt {
            text: text.into(),
            priority: Some(priority),
            ..NewPrompt::default()
        };
        store.insert_prompt(&p).unwrap()
    }

    /// Takes the queue as a pass does and finishes the pass unmoved.
    fn pass(view: &mut QueueView, store: &dyn Backend) -> Vec<i64> {
        let version = store.version().unwrap();
        let prompts = view.take(store, version).unwrap();
        let ids = prompts.iter().map(|p| p.id).collect();
        let inputs = PassInputs {
            version,
            candidates: Vec::new(),
            reachable: true,
            unreachable_why: None,
        };
        view.finish(store, prompts, inputs, false).unwrap();
        ids
    }

    fn read(store: &dyn Backend) -> Vec<i64> {
        let pending = store.queue().unwrap();
        pending.iter().map(|p| p.id).collect()
    }

    #[test]
    fn the_queue_in_memory_stays_what_the_database_holds() {
        let dir = tempfile::tempdir().unwrap();
        let mut store = Store::open(&dir.path().join("assigner.db")).unwrap();
        let mut view = QueueView::default();
        let low = queue(&mut store, "low", 1);
        queue(&mut store, "mid", 5);
        assert_eq!(pass(&mut view, &store), read(&store));
        // New prompts are put in their place, not at the end.
        queue(&mut store, "high", 9);
        queue(&mut store, "mid again", 5);
        queue(&mut store, "lowest", 0);
        assert_eq!(pass(&mut view, &store), read(&store));
        // Any other write reads the queue again.
        store.cancel(low).unwrap();
        assert_eq!(pass(&mut view, &store), read(&store));
        assert!(!read(&store).contains(&low));
    }

    #[test]
    fn a_pass_repeats_only_when_something_changed() {
        let dir = tempfile::tempdir().unwrap();
        let mut store = Store::open(&dir.path().join("assigner.db")).unwrap();
        let mut view = QueueView::default();
        queue(&mut store, "a", 5);
        pass(&mut view, &store);
        let inputs = |store: &dyn Backend| PassInputs {
            version: store.version().unwrap(),
            candidates: Vec::new(),
            reachable: true,
            unreachable_why: None,
        };
        assert!(view.settled(&inputs(&store), None));
        let past = Instant::now();
        assert!(
            !view.settled(&inputs(&store), Some(past)),
            "a deadline came"
        );
        let mut unreachable = inputs(&store);
        unreachable.reachable = false;
        assert!(!view.settled(&unreachable, None));
        queue(&mut store, "b", 5);
        assert!(!view.settled(&inputs(&store), None), "a new prompt");
        pass(&mut view, &store);
        view.invalidate();
        assert!(!view.settled(&inputs(&store), None), "new settings");
        pass(&mut view, &store);
        assert!(view.settled(&inputs(&store), None));
        let version = store.version().unwrap();
        let prompts = view.take(&store, version).unwrap();
        view.again();
        view.finish(&store, prompts, inputs(&store), false).unwrap();
        assert!(!view.settled(&inputs(&store), None), "a pane found unfit");
    }
}
