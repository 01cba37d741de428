//! A pool's `clear_between` (assigner.toml(5)): after an agent completes a
//! prompt it gets no other (`Tracked::clearing`) until the text, such as
//! `/clear`, has been typed into it, once it shows idle with no prompt.
//! The text goes in as a paste, like a prompt, then Enter; the pane is then
//! passed over until its screen changes, so the next prompt never lands on
//! the clear still in its input box.

use tracing::{info, warn};

use super::Engine;
use super::panes::{CLEARING, SetAside};
use crate::protocol::SessionState;

impl Engine {
    /// Types the clear text into every pane waiting for it.
    pub(super) async fn clear_between(&mut self) {
        let due: Vec<(String, String)> = self
            .panes
            .iter()
            .filter(|(_, t)| {
                t.clearing && t.job.is_free() && !t.pane.in_mode && t.state() == SessionState::Idle
            })
            .filter_map(|(id, t)| {
                let text = self
                    .pool_sessions
                    .get(&t.pane.session)?
                    .clear_between
                    .clone();
                text.map(|text| (id.clone(), text))
            })
            .collect();
        for (id, text) in due {
            let typed = match self.io.paste(&id, &text).await {
                Ok(()) => self.io.send_enter(&id).await,
                Err(e) => Err(e),
            };
            let Some(t) = self.panes.get_mut(&id) else {
                continue;
            };
            match typed {
                Ok(()) => {
                    info!(session = %t.pane.display_name(), pane = %id, "context cleared between prompts");
                    t.remember_sent(&text);
                }
                Err(e) => {
                    warn!(session = %t.pane.display_name(), pane = %id, "cannot clear the context between prompts: {e}");
                }
            }
            t.clearing = false;
            t.set_aside = Some(SetAside {
                why: CLEARING.to_owned(),
                screen: Some(t.fingerprint),
            });
            self.dirty = true;
        }
    }
}
