//! Typed questions to a [`TestDaemon`], asked through the crate's own
//! client (`assigner::client`), so tests compare `PromptStatus` values and
//! read `PromptInfo` fields, not JSON indexed by hand.

use std::time::Duration;

use assigner::client::Client;
use assigner::protocol::{HistoryEntry, PromptInfo, PromptStatus, Reply, Request};

use super::daemon::TestDaemon;
use super::wait::{WAIT, wait_until};

impl TestDaemon {
    /// Sends `req` on a connection of its own; the daemon's refusal or a
    /// broken connection fails the test, with the daemon's log.
    pub fn request(&self, req: &Request) -> Reply {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        let answer = rt.block_on(async {
            let mut client = Client::connect(&self.socket).await?;
            client.call(req).await
        });
        answer.unwrap_or_else(|e| panic!("{req:?}: {e}\nlog:\n{}", self.logs()))
    }

    /// Prompt `id` and its history, oldest first.
    pub fn prompt(&self, id: i64) -> (PromptInfo, Vec<HistoryEntry>) {
        match self.request(&Request::Show { id }) {
            Reply::Prompt { prompt, history } => (prompt, history),
            other => panic!("show {id}: unexpected reply {other:?}"),
        }
    }

    /// A prompt's status.
    pub fn status_of(&self, id: i64) -> PromptStatus {
        self.prompt(id).0.status
    }

    /// The event names of a prompt's history, oldest first.
    pub fn history_events(&self, id: i64) -> Vec<String> {
        self.prompt(id).1.into_iter().map(|h| h.event).collect()
    }

    /// Waits until prompt `id` has `status`; panics with the prompt and
    /// the daemon's log otherwise.
    pub fn wait_status(&self, id: i64, status: PromptStatus) {
        self.wait_status_within(id, status, WAIT);
    }

    /// Like [`Self::wait_status`] with an explicit bound.
    pub fn wait_status_within(&self, id: i64, status: PromptStatus, within: Duration) {
        let ok = wait_until(within, || self.status_of(id) == status);
        assert!(
            ok,
            "prompt {id} never became {status:?}:\n{}\nlog:\n{}",
            self.ctl_ok(&["show", &id.to_string()]),
            self.logs()
        );
    }
}
