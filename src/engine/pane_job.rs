//! Which prompt a pane holds, as one value: free, a task typing into it,
//! or a prompt it runs that the engine watches until it ends. Each change
//! is a method, so that the prompt, the task that types it and the watch
//! after it can never disagree (a delivery still typing into a pane that
//! was given another prompt would reach the wrong agent).

use std::time::{Duration, Instant};

use tokio::task::AbortHandle;
use tracing::warn;

/// What a pane is doing with a prompt.
#[derive(Debug, Default)]
pub enum PaneJob {
    /// No prompt: the pane may take one when idle.
    #[default]
    Free,
    /// A task types a prompt into it, or takes one back (`withdraw.rs`).
    Delivering(Delivery),
    /// Its agent has a prompt; supervision watches for the end.
    Running(Watch),
}

/// A prompt's `timeout_minutes` as the watch counts it.
pub fn timeout(minutes: Option<u32>) -> Option<Duration> {
    minutes.map(|m| Duration::from_secs(u64::from(m) * 60))
}

/// A delivery task at work on a pane, and what the watch after it needs.
#[derive(Debug)]
pub struct Delivery {
    /// The prompt.
    pub id: i64,
    /// The task, stopped when the pane is retired (a restarted tmux server
    /// reuses pane ids, and its next keystroke must not reach whatever
    /// pane has the id now) or a hook's report overtakes it.
    task: AbortHandle,
    /// The pane's history size before the paste, once recorded with the
    /// `pasted` phase: where the response starts.
    pub mark: Option<u64>,
    /// The prompt's own timeout, counted from its submission.
    pub timeout: Option<Duration>,
}

impl Delivery {
    /// A delivery of prompt `id` by `task`.
    pub fn new(id: i64, task: AbortHandle, timeout: Option<Duration>, mark: Option<u64>) -> Self {
        Self {
            id,
            task,
            mark,
            timeout,
        }
    }
}

/// A prompt the engine is watching after delivery.
#[derive(Debug, Clone)]
pub struct Watch {
    /// The prompt.
    pub id: i64,
    /// The session's display name, for the log and reasons.
    pub session: String,
    /// When the agent took it; moved on by time the server was out of
    /// reach, which does not count against the timeout.
    pub submitted: Instant,
    /// The pane's history size before the paste: where the response
    /// starts (`None`: not known, the response is not captured).
    pub mark: Option<u64>,
    /// The prompt's own timeout.
    pub timeout: Option<Duration>,
    /// When an agent hook said the prompt is finished, without its answer.
    pub hooked: Option<Instant>,
}

impl Watch {
    /// The watch of a prompt the agent took from `delivery` just now;
    /// `mark` stands in for a history mark the delivery did not record.
    pub fn after(delivery: &Delivery, session: String, mark: u64) -> Self {
        Self {
            id: delivery.id,
            session,
            submitted: Instant::now(),
            mark: delivery.mark.or(Some(mark)),
            timeout: delivery.timeout,
            hooked: None,
        }
    }
}

impl PaneJob {
    /// The prompt the pane holds, delivered or not.
    pub fn prompt(&self) -> Option<i64> {
        match self {
            Self::Free => None,
            Self::Delivering(d) => Some(d.id),
            Self::Running(w) => Some(w.id),
        }
    }

    /// Whether the pane holds no prompt.
    pub fn is_free(&self) -> bool {
        matches!(self, Self::Free)
    }

    /// The delivery under way, if any.
    pub fn delivery(&self) -> Option<&Delivery> {
        match self {
            Self::Delivering(d) => Some(d),
            _ => None,
        }
    }

    /// The prompt being typed (or taken back), if any.
    pub fn delivering(&self) -> Option<i64> {
        self.delivery().map(|d| d.id)
    }

    /// The watch of the prompt the agent runs, if any.
    pub fn running(&self) -> Option<&Watch> {
        match self {
            Self::Running(w) => Some(w),
            _ => None,
        }
    }

    /// The same, to change (a hook's word, time out of reach).
    pub fn running_mut(&mut self) -> Option<&mut Watch> {
        match self {
            Self::Running(w) => Some(w),
            _ => None,
        }
    }

    /// A task starts typing into the pane. The engine starts one only on
    /// a free pane.
    pub fn start_delivery(&mut self, delivery: Delivery) {
        self.replace(Self::Delivering(delivery));
    }

    /// The `pasted` phase of prompt `id` was recorded with `mark`; false
    /// when the pane no longer delivers it.
    pub fn pasted(&mut self, id: i64, mark: Option<u64>) -> bool {
        match self {
            Self::Delivering(d) if d.id == id => {
                d.mark = mark.or(d.mark);
                true
            }
            _ => false,
        }
    }

    /// The task delivering prompt `id` reported its outcome: the pane is
    /// free, and the delivery is returned for the watch that may follow
    /// ([`Self::run`]). `None`, and nothing changes, when the pane does not
    /// deliver `id` (it was retired and given another prompt meanwhile).
    pub fn delivered(&mut self, id: i64) -> Option<Delivery> {
        if self.delivering() != Some(id) {
            return None;
        }
        match std::mem::take(self) {
            Self::Delivering(d) => Some(d),
            _ => unreachable!("checked above"),
        }
    }

    /// Like [`Self::delivered`], but the task is stopped first: a report
    /// that overtook it settles the prompt.
    pub fn stop(&mut self, id: i64) -> Option<Delivery> {
        let d = self.delivered(id)?;
        d.task.abort();
        Some(d)
    }

    /// The agent runs `watch`'s prompt: supervision watches it. Only a
    /// free pane is given one.
    pub fn run(&mut self, watch: Watch) {
        self.replace(Self::Running(watch));
    }

    /// Takes `next` on; what the pane held is forgotten, which the callers
    /// rule out (a pane takes a prompt only when free), and is logged.
    fn replace(&mut self, next: Self) {
        if let Some(held) = self.prompt() {
            warn!(
                prompt_id = held,
                next = next.prompt(),
                "a pane holding a prompt was given another"
            );
        }
        *self = next;
    }

    /// The watch of prompt `id` ended (completed, failed, requeued or
    /// timed out): the pane is free. `None`, and nothing changes, when the
    /// pane does not run `id`.
    pub fn finish(&mut self, id: i64) -> Option<Watch> {
        if self.running().map(|w| w.id) != Some(id) {
            return None;
        }
        match std::mem::take(self) {
            Self::Running(w) => Some(w),
            _ => unreachable!("checked above"),
        }
    }

    /// The pane is retired: a task still typing is stopped, and the prompt
    /// it held, if any, is returned to go back to the queue.
    pub fn retire(&mut self) -> Option<i64> {
        let id = self.prompt();
        if let Self::Delivering(d) = std::mem::take(self) {
            d.task.abort();
        }
        id
    }
}

#[cfg(test)]
#[path = "pane_job_tests.rs"]
mod tests;
