//! Requests: one variant per `assignerctl` command.
//!
//! Unknown fields are refused (`deny_unknown_fields`) so that a typo in a
//! script fails loudly instead of being ignored.

use serde::{Deserialize, Serialize};

use super::types::{NewPrompt, PromptStatus};

/// The kind of failure an agent reported, which decides whether and when
/// the prompt runs again (assigner-protocol(7), `complete`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, clap::ValueEnum)]
#[serde(rename_all = "snake_case")]
pub enum Failure {
    /// The agent hit a rate or usage limit: the prompt is not at fault. It
    /// goes back to the queue without using a retry, and the pane rests.
    RateLimit,
    /// Running it again will not help (a server error after the agent's
    /// own retries, a refused request): failed, not retried.
    Final,
}

/// A request line. The `type` field selects the variant.
#[expect(
    clippy::large_enum_variant,
    reason = "messages live briefly, one at a time; boxing would only add noise"
)]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
pub enum Request {
    /// Version handshake. Optional for raw clients; `assignerctl` always
    /// sends it first. Answered by [`Reply::Hello`](super::Reply::Hello), or
    /// `bad_request` when the versions are incompatible.
    ///
    /// `{"type":"hello","version":1,"client":"assignerctl 0.1.0"}`
    Hello {
        /// The client's [`PROTOCOL_VERSION`](super::PROTOCOL_VERSION).
        version: u32,
        /// Free-form client name, for the daemon's log.
        #[serde(default)]
        client: Option<String>,
    },

    /// Daemon, queue and session summary. Answered by
    /// [`Reply::Status`](super::Reply::Status).
    ///
    /// `{"type":"status"}`
    Status {},

    /// Queue a prompt. Answered by [`Reply::Sent`](super::Reply::Sent).
    ///
    /// `{"type":"send","prompt":{"text":"fix the flaky test","provider":"claude","priority":7}}`
    ///
    /// A text starting with `/` or `!` is refused with `bad_request` when
    /// its route could reach an agent that reads it as a command
    /// ([`command_prefix`](super::command_prefix)), unless `raw` is true.
    Send {
        /// The prompt and its routing, context and limits.
        prompt: NewPrompt,
        /// Deliver a text that an agent reads as a command (`/help`,
        /// `!make`) as it is.
        #[serde(default, skip_serializing_if = "std::ops::Not::not")]
        raw: bool,
    },

    /// List prompts, newest first. Answered by
    /// [`Reply::Prompts`](super::Reply::Prompts).
    ///
    /// `{"type":"prompts","status":"pending","limit":100}`
    Prompts {
        /// Only prompts in this status.
        #[serde(default)]
        status: Option<PromptStatus>,
        /// At most this many rows (default 200).
        #[serde(default)]
        limit: Option<u32>,
    },

    /// One prompt with its history and response. Answered by
    /// [`Reply::Prompt`](super::Reply::Prompt), or `not_found`.
    ///
    /// `{"type":"show","id":42}`
    Show {
        /// Prompt id.
        id: i64,
    },

    /// Tracked sessions (panes) and their state. Answered by
    /// [`Reply::Sessions`](super::Reply::Sessions).
    ///
    /// `{"type":"sessions"}`
    Sessions {},

    /// Put failed or cancelled prompts back to `pending`. With `id`, that one
    /// prompt (`conflict` when it is in another status); with `all`, every
    /// failed prompt still under its max retries. Answered by
    /// [`Reply::Retried`](super::Reply::Retried).
    ///
    /// `{"type":"retry","id":42}` or `{"type":"retry","all":true}`
    Retry {
        /// One prompt.
        #[serde(default)]
        id: Option<i64>,
        /// Every failed prompt under its max retries.
        #[serde(default)]
        all: bool,
    },

    /// Cancel a `pending` prompt (`conflict` in any other status). Answered
    /// by [`Reply::Cancelled`](super::Reply::Cancelled).
    ///
    /// `{"type":"cancel","id":42}`
    Cancel {
        /// Prompt id.
        id: i64,
    },

    /// Move a prompt that is pending, assigned or failed back to the queue,
    /// optionally pinned to another session. Answered by
    /// [`Reply::Reassigned`](super::Reply::Reassigned).
    ///
    /// `{"type":"reassign","id":42,"to":"review-codex"}`
    Reassign {
        /// Prompt id.
        id: i64,
        /// New target session; absent means "any matching session".
        #[serde(default)]
        to: Option<String>,
    },

    /// Delete finished prompts (completed and cancelled) older than `days`,
    /// or all finished ones when `days` is absent. Answered by
    /// [`Reply::Cleared`](super::Reply::Cleared).
    ///
    /// `{"type":"clear","days":30}`
    Clear {
        /// Age threshold in days.
        #[serde(default)]
        days: Option<u32>,
    },

    /// Reconcile the database with tmux. Dry run unless `apply`. Answered by
    /// [`Reply::Cleanup`](super::Reply::Cleanup).
    ///
    /// `{"type":"cleanup","apply":false,"retry_failed":false,"verify_only":false}`
    Cleanup {
        /// Carry out the actions instead of listing them.
        #[serde(default)]
        apply: bool,
        /// Also requeue other failed prompts under their max retries.
        #[serde(default)]
        retry_failed: bool,
        /// Only run SQLite's integrity and foreign-key checks.
        #[serde(default)]
        verify_only: bool,
    },

    /// Report that an agent finished its prompt (for agent hooks). Answered
    /// by [`Reply::Completed`](super::Reply::Completed), or `not_found` when
    /// nothing is in flight there.
    ///
    /// `{"type":"complete","pane":"%12"}` or `{"type":"complete","id":42}`
    ///
    /// With `response` (the answer an agent hook was handed) the prompt
    /// completes at once with it; without, the daemon completes it by its
    /// normal rule, once the pane shows the agent idle and stable, so the
    /// captured response holds the whole answer.
    ///
    /// `{"type":"complete","pane":"%12","response":"Done: the test is fixed."}`
    /// or `{"type":"complete","pane":"%12","error":"rate_limit: API Error: 429","failure":"rate_limit"}`
    Complete {
        /// The pane (`%12`, as in `$TMUX_PANE`) running the prompt.
        #[serde(default)]
        pane: Option<String>,
        /// The session name running the prompt.
        #[serde(default)]
        session: Option<String>,
        /// The prompt id.
        #[serde(default)]
        id: Option<i64>,
        /// Mark it failed with this reason instead of completed.
        #[serde(default)]
        error: Option<String>,
        /// The agent's answer, stored as the prompt's response.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        response: Option<String>,
        /// With `error`: what kind of failure decides what happens next.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        failure: Option<Failure>,
    },

    /// Stream prompt and session events until the client disconnects.
    /// Answered by [`Reply::Watching`](super::Reply::Watching), then one
    /// [`Reply::Event`](super::Reply::Event) line per event.
    ///
    /// `{"type":"watch"}`
    Watch {},

    /// Stream what the pane shows while prompt `id` runs. Answered by
    /// [`Reply::Following`](super::Reply::Following) (or `not_found`), then
    /// [`Reply::Output`](super::Reply::Output) lines with the lines that
    /// appeared, and last the prompt's final record, a
    /// [`Reply::Prompt`](super::Reply::Prompt) as `show` answers, once it
    /// has ended (completed, failed or cancelled); the daemon then closes
    /// the connection. A pending prompt streams nothing until it starts.
    /// The first output after connecting holds what the pane already shows
    /// since delivery, so a client that reconnects can drop what it has.
    ///
    /// `{"type":"follow","id":42}`
    Follow {
        /// Prompt id.
        id: i64,
    },

    /// Show how a session's state was decided. Answered by
    /// [`Reply::Explanation`](super::Reply::Explanation), or `not_found`.
    ///
    /// `{"type":"explain","session":"claude-1"}`
    Explain {
        /// Session name, `name:window.pane`, or pane id (`%12`).
        session: String,
    },

    /// Take a consistent online copy of the database. Answered by
    /// [`Reply::BackedUp`](super::Reply::BackedUp).
    ///
    /// `{"type":"backup","path":"/var/backups/assigner.db"}`
    Backup {
        /// Destination file; must not exist yet.
        path: String,
    },

    /// Re-read the config file and apply it, like SIGHUP, but answered only
    /// once the new settings are in effect: `ExecReload=` uses it, so that
    /// `systemctl reload` returns when the change applies and fails when
    /// the new config is refused (the running one stays). Answered by
    /// [`Reply::Reloaded`](super::Reply::Reloaded), or `bad_request` with
    /// the config error.
    ///
    /// `{"type":"reload"}`
    Reload {},

    /// The pools the daemon keeps running, with their agents. Answered by
    /// [`Reply::Pools`](super::Reply::Pools).
    ///
    /// `{"type":"pools"}`
    Pools {},

    /// Keep pool `pool` at `count` agents (until a reload changes its
    /// `count`, or the daemon restarts). Agents beyond it stop once they
    /// hold no prompt. Answered by
    /// [`Reply::PoolScaled`](super::Reply::PoolScaled), or `not_found`.
    ///
    /// `{"type":"pool_scale","pool":"claude","count":2}`
    PoolScale {
        /// Pool name.
        pool: String,
        /// Agents to keep running.
        count: u32,
    },

    /// Start agent `agent` of pool `pool` (every agent when absent) afresh
    /// once it holds no prompt, and lift the pool's start limit. Answered
    /// by [`Reply::PoolRestarting`](super::Reply::PoolRestarting), or
    /// `not_found`.
    ///
    /// `{"type":"pool_restart","pool":"claude","agent":2}`
    PoolRestart {
        /// Pool name.
        pool: String,
        /// Agent number, from 1.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        agent: Option<u32>,
    },

    /// Import prompts from the original worker's database. Answered by
    /// [`Reply::Imported`](super::Reply::Imported).
    ///
    /// `{"type":"import_legacy","path":"/home/me/.prompt-queue/queue.db"}`
    ImportLegacy {
        /// Path of the legacy SQLite file, readable by the daemon.
        path: String,
    },
}

impl Request {
    /// The wire name of the request, for logs.
    pub fn name(&self) -> &'static str {
        match self {
            Self::Hello { .. } => "hello",
            Self::Status {} => "status",
            Self::Send { .. } => "send",
            Self::Prompts { .. } => "prompts",
            Self::Show { .. } => "show",
            Self::Sessions {} => "sessions",
            Self::Retry { .. } => "retry",
            Self::Cancel { .. } => "cancel",
            Self::Reassign { .. } => "reassign",
            Self::Clear { .. } => "clear",
            Self::Cleanup { .. } => "cleanup",
            Self::Complete { .. } => "complete",
            Self::Watch {} => "watch",
            Self::Follow { .. } => "follow",
            Self::Explain { .. } => "explain",
            Self::Backup { .. } => "backup",
            Self::Reload {} => "reload",
            Self::ImportLegacy { .. } => "import_legacy",
            Self::Pools {} => "pools",
            Self::PoolScale { .. } => "pool_scale",
            Self::PoolRestart { .. } => "pool_restart",
        }
    }
}
