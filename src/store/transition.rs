//! The table of guarded status transitions. Each row says from which
//! statuses a change may start, which columns it sets and which history
//! event records it; [`Store::apply`] runs one as a single immediate
//! transaction, so two racing callers cannot both win and a crash never
//! leaves a change without its history.

use rusqlite::{OptionalExtension, ToSql, Transaction};

use super::Store;
use super::history::append;
use crate::error::StoreError;
use crate::model::HistoryEvent;
use crate::protocol::PromptStatus;

use PromptStatus::{Assigned, Cancelled, Failed, InProgress, Pending};

/// One kind of status change.
#[derive(Debug)]
pub(super) struct Transition {
    /// What it is called in an error ("cancel needs it to be pending").
    pub action: &'static str,
    /// The statuses it may start from.
    pub from: &'static [PromptStatus],
    /// The `SET` list; `?1`, `?2`… are the caller's arguments.
    pub set: &'static str,
    /// The history row it writes.
    pub event: HistoryEvent,
}

/// Columns reset whenever a prompt goes back to the queue.
macro_rules! back_to_queue {
    () => {
        "status = 'pending', assigned_pane = NULL, assigned_session = NULL, \
         delivery_phase = NULL, history_mark = NULL, assigned_at = NULL, started_at = NULL, \
         finished_at = NULL, waiting_reason = NULL"
    };
}

pub(super) const CANCEL: Transition = Transition {
    action: "cancel",
    from: &[Pending],
    set: concat!(
        "status = 'cancelled', finished_at = ",
        now_sql!(),
        ", waiting_reason = NULL"
    ),
    event: HistoryEvent::Cancelled,
};

/// By a person: the error is cleared.
pub(super) const RETRY: Transition = Transition {
    action: "retry",
    from: &[Failed, Cancelled],
    set: concat!(
        back_to_queue!(),
        ", error = NULL, failure_kind = NULL, retry_count = retry_count + 1"
    ),
    event: HistoryEvent::Retried,
};

/// By the engine, right after a failure: the error stays for `show`, and
/// `?1` is the pane it failed on, which the retry avoids if it can.
pub(super) const AUTO_RETRY: Transition = Transition {
    action: "retry",
    from: &[Failed],
    set: concat!(
        back_to_queue!(),
        ", retry_count = retry_count + 1, last_pane = ?1"
    ),
    event: HistoryEvent::Retried,
};

/// `?1`: the new target session, or NULL for any.
pub(super) const REASSIGN: Transition = Transition {
    action: "reassign",
    from: &[Pending, Failed],
    set: concat!(
        back_to_queue!(),
        ", error = NULL, failure_kind = NULL, target_session = ?1"
    ),
    event: HistoryEvent::Reassigned,
};

/// `?1`: pane id, `?2`: session name.
pub(super) const CLAIM: Transition = Transition {
    action: "claim",
    from: &[Pending],
    set: concat!(
        "status = 'assigned', assigned_pane = ?1, assigned_session = ?2, \
         delivery_phase = 'claimed', waiting_reason = NULL, error = NULL, failure_kind = NULL, assigned_at = ",
        now_sql!()
    ),
    event: HistoryEvent::Assigned,
};

/// Delivery progress on an assigned prompt; `?1`: the phase, `?2`: the
/// pane's history size before the paste (kept when NULL).
const fn record_phase(event: HistoryEvent) -> Transition {
    Transition {
        action: "record delivery progress",
        from: &[Assigned],
        set: "delivery_phase = ?1, history_mark = coalesce(?2, history_mark)",
        event,
    }
}
pub(super) const RECORD_CLAIMED: Transition = record_phase(HistoryEvent::Claimed);
pub(super) const RECORD_PASTED: Transition = record_phase(HistoryEvent::Pasted);
pub(super) const RECORD_SUBMITTED: Transition = record_phase(HistoryEvent::Submitted);

pub(super) const START: Transition = Transition {
    action: "start",
    from: &[Assigned],
    set: concat!(
        "status = 'in_progress', delivery_phase = 'submitted', started_at = ",
        now_sql!()
    ),
    event: HistoryEvent::Started,
};

/// `?1`: the response.
pub(super) const COMPLETE: Transition = Transition {
    action: "complete",
    from: &[Assigned, InProgress],
    set: concat!(
        "status = 'completed', response = ?1, error = NULL, failure_kind = NULL, finished_at = ",
        now_sql!()
    ),
    event: HistoryEvent::Completed,
};

/// `?1`: the error, `?2`: its [`crate::model::FailureKind`].
pub(super) const FAIL: Transition = Transition {
    action: "fail",
    from: &[Pending, Assigned, InProgress],
    set: concat!(
        "status = 'failed', error = ?1, failure_kind = ?2, waiting_reason = NULL, finished_at = ",
        now_sql!()
    ),
    event: HistoryEvent::Failed,
};

/// `failed` → `pending` without using a retry: it failed only because its
/// target session did not exist.
pub(super) const RESET_MISSING_TARGET: Transition = Transition {
    action: "reset",
    from: &[Failed],
    set: concat!(
        back_to_queue!(),
        ", error = NULL, failure_kind = NULL, target_session = NULL"
    ),
    event: HistoryEvent::ResetMissingTarget,
};

/// Why an in-flight prompt goes back to the queue without using a retry:
/// none of these is the prompt's fault.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Requeue {
    /// Nothing of it reached the agent (a delivery withdrawn or cut short).
    NotDelivered,
    /// Its session is gone.
    StaleSession,
    /// Its agent stopped at a usage limit.
    RateLimited,
}

impl Requeue {
    pub(super) fn transition(self) -> &'static Transition {
        const fn requeue(event: HistoryEvent) -> Transition {
            Transition {
                action: "requeue",
                from: &[Assigned, InProgress],
                set: back_to_queue!(),
                event,
            }
        }
        const NOT_DELIVERED: Transition = requeue(HistoryEvent::Requeued);
        const STALE: Transition = requeue(HistoryEvent::RequeuedFromStaleSession);
        const LIMITED: Transition = requeue(HistoryEvent::RequeuedRateLimited);
        match self {
            Self::NotDelivered => &NOT_DELIVERED,
            Self::StaleSession => &STALE,
            Self::RateLimited => &LIMITED,
        }
    }
}

impl Store {
    /// Runs transition `t` on prompt `id` with `args` as one transaction,
    /// history included.
    pub(super) fn apply(
        &mut self,
        t: &Transition,
        id: i64,
        args: &[&dyn ToSql],
        session: Option<&str>,
        detail: Option<&str>,
    ) -> Result<(), StoreError> {
        let tx = self.write_tx()?;
        guarded(&tx, t, id, args, session, detail)?;
        tx.commit()
            .map_err(StoreError::sqlite("committing a transition"))
    }
}

/// The guarded `UPDATE` of `t` and its history row inside `tx`; on no
/// match, says whether the prompt is missing or in the wrong status.
pub(super) fn guarded(
    tx: &Transaction<'_>,
    t: &Transition,
    id: i64,
    args: &[&dyn ToSql],
    session: Option<&str>,
    detail: Option<&str>,
) -> Result<(), StoreError> {
    let statuses = t
        .from
        .iter()
        .map(|s| format!("'{}'", s.as_str()))
        .collect::<Vec<_>>()
        .join(",");
    let id_param = args.len() + 1;
    let sql = format!(
        "UPDATE prompts SET {}, updated_at = {} WHERE id = ?{id_param} AND status IN ({statuses})",
        t.set,
        now_sql!()
    );
    let mut all: Vec<&dyn ToSql> = args.to_vec();
    all.push(&id);
    // Cached by its text: a transition's statement is one of a few.
    let n = tx
        .prepare_cached(&sql)
        .and_then(|mut s| s.execute(all.as_slice()))
        .map_err(StoreError::sqlite("updating a prompt"))?;
    if n == 1 {
        return append(tx, id, t.event, session, detail);
    }
    let status: Option<String> = tx
        .query_row("SELECT status FROM prompts WHERE id = ?1", [id], |r| {
            r.get(0)
        })
        .optional()
        .map_err(StoreError::sqlite("reading a prompt's status"))?;
    let Some(status) = status else {
        return Err(StoreError::NoSuchPrompt(id));
    };
    match status.parse() {
        Ok(status) => Err(StoreError::WrongStatus {
            id,
            status,
            action: t.action,
            expected: t.from,
        }),
        Err(e) => Err(StoreError::Invalid(format!("prompt {id}: {e}"))),
    }
}
