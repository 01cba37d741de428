//! One pool's agents through their lives: started when due, watched for
//! an exit (logged with its status), restarted after a back-off until the
//! start limit, stopped once idle when asked to. Pure logic, driven by
//! [`super::Supervisor::tick`].

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use tracing::{error, info, warn};

use super::agent::{Agent, Phase, Stop, describe_exit};
use super::exchange::{Action, AgentUse};
use super::spec::PoolConfig;
use crate::tmux::Snapshot;

/// How long a dead pane's exit status may take to show before the exit is
/// taken as one without a status: a death by signal on a tmux too old to
/// report the signal (before 3.3), or an end tmux missed and the server's
/// reaping ([`Action::Reap`]) did not bring to light.
const STATUS_GRACE: Duration = Duration::from_secs(5);

/// How often the server is asked to reap while a status is missing.
const REAP_EVERY: Duration = Duration::from_millis(500);

/// One pool.
#[derive(Debug, Clone)]
pub struct Pool {
    /// As configured (the latest reload).
    pub spec: PoolConfig,
    /// Agents to keep running.
    pub count: u32,
    /// `count` comes from `pool scale`, not the config.
    pub scaled: bool,
    /// Why the start limit stopped it.
    pub failed: Option<String>,
    /// Gone from the config: its agents stop once idle.
    pub removed: bool,
    /// By number.
    pub agents: BTreeMap<u32, Agent>,
}

impl Pool {
    /// Agents 1..=count exist; those beyond it retire once idle.
    pub(super) fn fill(&mut self, name: &str, now: Instant) {
        if !self.removed {
            for n in 1..=self.count {
                self.agents
                    .entry(n)
                    .or_insert_with(|| Agent::new(n, self.spec.session_name(name, n), now));
            }
        }
        for (n, a) in &mut self.agents {
            let wanted = !self.removed && *n <= self.count;
            match (&a.stop, wanted) {
                (Some(Stop::Retire), true) => a.stop = None,
                (_, false) => a.stop = Some(Stop::Retire),
                _ => {}
            }
        }
    }

    /// Moves one agent on; false when it is gone for good.
    #[expect(
        clippy::too_many_arguments,
        reason = "one call site, each argument distinct"
    )]
    pub(super) fn step(
        &mut self,
        name: &str,
        agent: &mut Agent,
        now: Instant,
        seq: u64,
        snap: &Snapshot,
        restarted: bool,
        use_of: &impl Fn(&str) -> Option<AgentUse>,
        actions: &mut Vec<Action>,
    ) -> bool {
        let retire = agent.stop == Some(Stop::Retire);
        match agent.phase.clone() {
            Phase::Running { seq: at_start, .. } if seq <= at_start => true,
            Phase::Running { .. } if restarted => {
                info!(pool = name, session = %agent.session, "the tmux server restarted: starting the agent again");
                agent.phase = Phase::Due { at: now };
                !retire
            }
            Phase::Running { pane, since, .. } => {
                let seen = snap.pane(&pane).filter(|p| p.session == agent.session);
                match seen {
                    None => self.exited(name, agent, "its session vanished".into(), None, now),
                    Some(p)
                        if p.dead
                            && p.dead_status.is_none()
                            && p.dead_signal.is_none()
                            && now.duration_since(*agent.dead_seen.get_or_insert(now))
                                < STATUS_GRACE =>
                    {
                        // tmux can miss the agent's end (`launch::reap`):
                        // ask it to look, twice a second at most.
                        if agent
                            .reaped_at
                            .is_none_or(|t| now.duration_since(t) >= REAP_EVERY)
                        {
                            agent.reaped_at = Some(now);
                            if !actions.contains(&Action::Reap) {
                                actions.push(Action::Reap);
                            }
                        }
                        return true;
                    }
                    Some(p) if p.dead => {
                        agent.dead_seen = None;
                        agent.reaped_at = None;
                        let why = describe_exit(p.dead_status, p.dead_signal);
                        warn!(
                            pool = name,
                            session = %agent.session,
                            pane = %pane,
                            agent_exit_status = p.dead_status.unwrap_or(-1),
                            "agent {why}"
                        );
                        self.exited(name, agent, why, p.dead_status, now);
                        // A dead pane stays for a person to read only when
                        // nothing starts in its place.
                        if !matches!(agent.phase, Phase::Down { .. }) || retire {
                            actions.push(Action::Kill {
                                pane,
                                session: agent.session.clone(),
                            });
                        }
                    }
                    Some(_) => {
                        if now.duration_since(since)
                            >= Duration::from_millis(self.spec.restart_delay_max_ms)
                        {
                            agent.exits_in_row = 0;
                        }
                        let usage = use_of(&pane).unwrap_or_default();
                        super::health::check(&self.spec, agent, usage, now);
                        if super::health::may_stop(agent, usage) {
                            actions.push(Action::Kill {
                                pane,
                                session: agent.session.clone(),
                            });
                            return self.stopped(name, agent, now);
                        }
                    }
                }
                !retire || matches!(agent.phase, Phase::Running { .. })
            }
            Phase::Due { .. } | Phase::Down { .. } if retire => {
                if let Some(p) = snap
                    .panes
                    .iter()
                    .find(|p| p.session == agent.session && p.dead)
                {
                    actions.push(Action::Kill {
                        pane: p.id.clone(),
                        session: agent.session.clone(),
                    });
                }
                false
            }
            Phase::Due { at } if at <= now && self.failed.is_none() => {
                let existing = snap.panes.iter().find(|p| p.session == agent.session);
                match existing {
                    Some(p) if !p.dead => {
                        info!(pool = name, session = %agent.session, pane = %p.id, "agent already running: adopted");
                        agent.phase = Phase::Running {
                            pane: p.id.clone(),
                            since: now,
                            seq: 0,
                        };
                    }
                    _ => match self.spec.worktree_source() {
                        // Made (or found) again before each start: a
                        // person may have removed it meanwhile.
                        Some((repo, under)) if agent.worktree.is_none() => {
                            actions.push(Action::Prepare {
                                pool: name.to_owned(),
                                n: agent.n,
                                session: agent.session.clone(),
                                repo: repo.to_owned(),
                                under: under.to_owned(),
                            });
                            agent.phase = Phase::Preparing;
                        }
                        source => {
                            if let Some(p) = existing {
                                actions.push(Action::Kill {
                                    pane: p.id.clone(),
                                    session: agent.session.clone(),
                                });
                            }
                            let made = agent.worktree.take();
                            actions.push(Action::Start {
                                pool: name.to_owned(),
                                n: agent.n,
                                session: agent.session.clone(),
                                dir: if source.is_some() {
                                    made
                                } else {
                                    self.spec.workdir.clone()
                                },
                                spec: Box::new(self.spec.clone()),
                            });
                        }
                    },
                }
                true
            }
            // Its worktree's outcome decides (`Supervisor::prepared`).
            Phase::Preparing | Phase::Due { .. } | Phase::Down { .. } => true,
        }
    }

    /// An agent ended with `status` (`None`: a signal, a vanished session,
    /// or a start that failed): restart it per the policy, with back-off,
    /// unless that passes the start limit.
    pub(super) fn exited(
        &mut self,
        name: &str,
        agent: &mut Agent,
        why: String,
        status: Option<i32>,
        now: Instant,
    ) {
        agent.last_exit = Some(why.clone());
        agent.unknown_since = None;
        if agent.stop == Some(Stop::Retire) || !self.spec.restart.restarts(status) {
            agent.phase = Phase::Down { why };
            return;
        }
        self.restart_later(name, agent, &why, now);
    }

    /// Schedules a start after the back-off; a restart beyond the start
    /// limit (as systemd, every automatic restart counts, whatever the
    /// status: an agent that quits cleanly at once loops all the same)
    /// marks the pool failed instead.
    fn restart_later(&mut self, name: &str, agent: &mut Agent, why: &str, now: Instant) {
        agent.restarts += 1;
        agent.exits_in_row += 1;
        let window = Duration::from_secs(self.spec.start_limit_interval_secs);
        if !agent.count_failure(now, self.spec.start_limit_burst, window) {
            let reason = format!(
                "{} restarted more than {} times within {} s (last: {why}); `assignerctl pool restart {name}` starts it again",
                agent.session, self.spec.start_limit_burst, self.spec.start_limit_interval_secs
            );
            error!(pool = name, session = %agent.session, "pool failed: {reason}");
            self.failed = Some(reason);
            agent.phase = Phase::Down {
                why: "start limit hit".into(),
            };
            return;
        }
        let delay = self.spec.backoff(agent.exits_in_row);
        info!(pool = name, session = %agent.session, delay_ms = u64::try_from(delay.as_millis()).unwrap_or(u64::MAX), "agent restarts after its back-off");
        agent.phase = Phase::Due { at: now + delay };
    }

    /// A stop carried out: retired agents are gone, others start afresh.
    fn stopped(&mut self, name: &str, agent: &mut Agent, now: Instant) -> bool {
        match agent.stop.take() {
            Some(Stop::Restart { why, failure, .. }) => {
                info!(pool = name, session = %agent.session, "restarting the agent: {why}");
                agent.unknown_since = None;
                if failure {
                    agent.last_exit = Some(why.clone());
                    self.restart_later(name, agent, &why, now);
                } else {
                    agent.restarts += 1;
                    agent.phase = Phase::Due { at: now };
                }
                true
            }
            _ => {
                info!(pool = name, session = %agent.session, "agent retired");
                false
            }
        }
    }
}
