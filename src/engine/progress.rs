//! What delivery tasks and background captures report, applied by the
//! engine in order: a delivery phase is recorded before the task's next
//! side effect, and only while the pane still delivers that prompt.

use tracing::warn;

use super::Engine;
use super::message::{EngineMsg, Step};
use crate::error::StoreError;
use crate::model::HistoryEvent;
use crate::store::Phase;
use crate::store::backend::Backend;

impl Engine {
    /// Applies progress from a delivery task.
    pub async fn on_message(&mut self, store: &mut dyn Backend, msg: EngineMsg) {
        let result = match msg {
            EngineMsg::Phase {
                id,
                pane,
                step,
                mark,
                ack,
            } => {
                // A delivery abandoned because its pane vanished must not
                // record progress on the prompt's next assignment.
                let ok = if self.delivering_on(&pane, id) {
                    match step {
                        Step::Preparing => store.note(id, HistoryEvent::Preparing, None, None),
                        Step::Pasted => store.set_phase(id, Phase::Pasted, mark).map(|()| {
                            // Kept for the watch and `follow`, which read no
                            // more of the store for it.
                            if let Some(t) = self.panes.get_mut(&pane) {
                                t.job.pasted(id, mark);
                            }
                        }),
                    }
                } else {
                    Err(StoreError::Invalid(format!(
                        "pane {pane} no longer delivers prompt {id}"
                    )))
                };
                if let Err(e) = &ok {
                    warn!(prompt_id = id, error = %e, "cannot record delivery phase");
                }
                let _ = ack.send(ok.is_ok());
                Ok(())
            }
            EngineMsg::Note { id, event, detail } => store.note(id, event, None, Some(&detail)),
            EngineMsg::Done { id, pane, outcome } => self.delivered(store, id, &pane, outcome),
            EngineMsg::Screens(batch) => {
                // Only a change of state needs a step; the fast poll reads
                // settling panes again on its own schedule.
                if self.take_screens(batch) {
                    self.dirty = true;
                }
                return;
            }
        };
        if let Err(e) = result {
            warn!(error = %e, "cannot record delivery progress");
            // The task that typed it has ended, and its outcome is not in
            // the database (a full disk): the next step resolves whatever
            // is left in flight from its pane, as after a restart.
            self.recovered = false;
        }
        self.dirty = true;
    }

    /// Whether `pane` is still typing prompt `id`.
    fn delivering_on(&self, pane: &str, id: i64) -> bool {
        self.panes
            .get(pane)
            .is_some_and(|t| t.job.delivering() == Some(id))
    }
}
