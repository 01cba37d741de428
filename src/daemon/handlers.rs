//! One function per request, all run by the core task.

use tracing::{info, warn};

use super::core::Core;
use crate::protocol::{
    ErrorKind, PROTOCOL_VERSION, PromptStatus, Reply, Request, Response, StatusInfo, WireError,
};

type Handled = Result<Reply, WireError>;

impl Core {
    /// Dispatches one request.
    pub(super) async fn handle(&mut self, req: Request) -> Response {
        let result = match req {
            Request::Hello { version, .. } => hello(version),
            Request::Status {} => {
                self.engine.look_soon();
                self.status()
            }
            Request::Send { prompt, .. } => self.send(&prompt),
            Request::Prompts { status, limit } => self.prompts(status, limit),
            Request::Show { id } => self.show(id),
            Request::Sessions {} => {
                self.freshen().await;
                self.engine.refresh().await;
                Ok(Reply::Sessions {
                    sessions: self.engine.sessions(),
                })
            }
            Request::Retry { id, all } => self.retry(id, all),
            Request::Cancel { id } => self
                .store
                .cancel(id)
                .map(|()| Reply::Cancelled { id })
                .map_err(Into::into),
            Request::Reassign { id, to } => self.reassign(id, to),
            Request::Clear { days } => self
                .store
                .clear_finished(days)
                .map(|deleted| Reply::Cleared { deleted })
                .map_err(Into::into),
            Request::Cleanup {
                apply,
                retry_failed,
                verify_only,
            } => self.cleanup(apply, retry_failed, verify_only).await,
            Request::Complete {
                pane,
                session,
                id,
                error,
                response,
                failure,
            } => {
                let report = crate::engine::Report {
                    response,
                    error: error.map(|why| (why, failure)),
                };
                let done = self
                    .engine
                    .complete(
                        &mut self.store,
                        pane.as_deref(),
                        session.as_deref(),
                        id,
                        report,
                    )
                    .await;
                wrap(done, |id| Reply::Completed { id })
            }
            Request::Explain { session } => {
                wrap(self.engine.explain(&session).await, |explanation| {
                    Reply::Explanation { explanation }
                })
            }
            Request::Backup { path } => self.backup(&path),
            Request::ImportLegacy { path } => self.import_legacy(&path),
            Request::Pools {} => self.pool_list(),
            Request::PoolScale { pool, count } => self.pool_scale(pool, count),
            Request::PoolRestart { pool, agent } => self.pool_restart(pool, agent),
            Request::Watch {} | Request::Follow { .. } | Request::Reload {} => Err(WireError::new(
                ErrorKind::Internal,
                "watch, follow and reload are handled outside the core",
            )),
        };
        match result {
            Ok(reply) => Response::Ok(reply),
            Err(e) => Response::Err(e),
        }
    }

    /// A person asking what the panes do gets what they do now, not what
    /// an engine at rest last saw (`engine/rest.rs`); `sessions` reads
    /// every pane anyway.
    async fn freshen(&mut self) {
        if let Err(e) = self.engine.freshen(&mut self.store).await {
            self.store.note_failure(&e);
            warn!(error = %e, "cannot look at the panes again before answering");
        }
    }

    fn status(&self) -> Handled {
        Ok(Reply::Status {
            status: StatusInfo {
                version: env!("CARGO_PKG_VERSION").into(),
                pid: std::process::id(),
                uptime_secs: self.started.elapsed().as_secs(),
                db: self.store.path().display().to_string(),
                socket: self.settings.socket.display().to_string(),
                tmux: self.engine.tmux_status(),
                prompts: self.store.counts()?,
                sessions: self.engine.session_counts(),
                waiting_for_human: self.engine.waiting_for_human(),
                notices: self.notices.clone(),
                unroutable: crate::maintenance::unroutable_count(self.store.conn())?,
                pools: self
                    .pools
                    .infos(std::time::Instant::now())
                    .iter()
                    .map(Into::into)
                    .collect(),
            },
        })
    }

    fn send(&mut self, prompt: &crate::protocol::NewPrompt) -> Handled {
        let id = self
            .store
            .insert_prompt(prompt)
            .inspect_err(|e| self.store.note_failure(e))?;
        info!(
            prompt_id = id,
            prompt_priority = prompt.priority.unwrap_or(5),
            "prompt queued"
        );
        self.engine.wake();
        Ok(Reply::Sent { id })
    }

    fn prompts(&self, status: Option<PromptStatus>, limit: Option<u32>) -> Handled {
        Ok(Reply::Prompts {
            prompts: self
                .store
                .list_prompts(status, limit)?
                .into_iter()
                .map(Into::into)
                .collect(),
        })
    }

    fn show(&self, id: i64) -> Handled {
        Ok(Reply::Prompt {
            prompt: self.store.prompt(id)?.into(),
            history: self
                .store
                .history(id)?
                .into_iter()
                .map(Into::into)
                .collect(),
        })
    }

    fn retry(&mut self, id: Option<i64>, all: bool) -> Handled {
        let ids = match (id, all) {
            (Some(id), false) => {
                self.store.retry(id, "retry requested")?;
                vec![id]
            }
            (None, true) => self.store.retry_all_failed()?,
            _ => {
                return Err(WireError::new(
                    ErrorKind::BadRequest,
                    "retry needs either an id or all=true, not both",
                ));
            }
        };
        for id in &ids {
            info!(prompt_id = *id, "prompt requeued by retry");
        }
        self.engine.wake();
        Ok(Reply::Retried { ids })
    }

    fn reassign(&mut self, id: i64, to: Option<String>) -> Handled {
        self.store.reassign(id, to.as_deref())?;
        info!(
            prompt_id = id,
            target_session = to.as_deref().unwrap_or("any"),
            "prompt reassigned"
        );
        self.engine.wake();
        Ok(Reply::Reassigned { id, to })
    }
}

/// A domain result as a reply: the value through `reply`, the error as
/// its wire kind (`crate::error`'s `From` impls say which).
fn wrap<T, E: Into<WireError>>(result: Result<T, E>, reply: impl FnOnce(T) -> Reply) -> Handled {
    result.map(reply).map_err(Into::into)
}

fn hello(version: u32) -> Handled {
    if version != PROTOCOL_VERSION {
        return Err(WireError::new(
            ErrorKind::BadRequest,
            format!(
                "protocol version {version} is not supported; this daemon speaks version {PROTOCOL_VERSION} (daemon/client version mismatch?)"
            ),
        ));
    }
    Ok(Reply::Hello {
        version: PROTOCOL_VERSION,
        daemon: format!("assignerd {}", env!("CARGO_PKG_VERSION")),
    })
}
