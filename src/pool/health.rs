//! When a running agent is to be started afresh: its screen stayed
//! `unknown` too long (`unknown_restart_secs`), it still reads
//! `rate_limited` past the reset time its banner shows (plus
//! `limit_restart_margin_secs`), or it completed `recycle_after` prompts;
//! and whether a pending stop may happen now. A stop never cuts into a
//! prompt, except a health restart of an agent whose prompt is past its
//! timeout (assigner.toml(5), POOLS). A limit that lifted is no failure of
//! the agent's, so that restart does not count against the start limit.

use std::time::{Duration, Instant};

use super::agent::{Agent, Stop};
use super::exchange::AgentUse;
use super::spec::PoolConfig;

/// Notes a health or recycling reason to restart `agent`.
pub(super) fn check(spec: &PoolConfig, agent: &mut Agent, usage: AgentUse, now: Instant) {
    agent.unknown_since = if usage.unknown {
        Some(agent.unknown_since.unwrap_or(now))
    } else {
        None
    };
    if agent.stop.is_some() {
        return;
    }
    if let (Some(limit), Some(since)) = (spec.unknown_restart_secs, agent.unknown_since)
        && now.duration_since(since) >= Duration::from_secs(limit)
    {
        agent.stop = Some(Stop::Restart {
            why: format!("its screen read unknown for {limit} s"),
            failure: true,
            overdue: true,
        });
    } else if let Some(reset) = usage.limit_resets
        && let margin = Duration::from_secs(spec.limit_restart_margin_secs)
        && now >= reset + margin
    {
        let late = now.duration_since(reset).as_secs();
        agent.stop = Some(Stop::Restart {
            why: format!(
                "its screen still reads rate_limited {late} s past the reset time its banner shows"
            ),
            failure: false,
            overdue: true,
        });
    } else if let Some(n) = spec.recycle_after
        && usage.completed >= n
    {
        agent.stop = Some(Stop::Restart {
            why: format!("recycled after {n} prompts"),
            failure: false,
            overdue: false,
        });
    }
}

/// Whether the agent's pending stop may happen now.
pub(super) fn may_stop(agent: &Agent, usage: AgentUse) -> bool {
    match &agent.stop {
        None => false,
        Some(Stop::Restart { overdue: true, .. }) => !usage.busy || usage.overdue,
        Some(_) => !usage.busy,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spec() -> PoolConfig {
        toml::from_str(
            "provider = \"claude\"\ncommand = [\"x\"]\nunknown_restart_secs = 10\nrecycle_after = 3\n",
        )
        .unwrap()
    }

    #[test]
    fn an_unknown_screen_restarts_only_after_the_limit_and_never_into_a_live_prompt() {
        let (spec, t0) = (spec(), Instant::now());
        let mut a = Agent::new(1, "p-1".into(), t0);
        let unknown_busy = AgentUse {
            busy: true,
            unknown: true,
            ..AgentUse::default()
        };
        check(&spec, &mut a, unknown_busy, t0);
        check(&spec, &mut a, unknown_busy, t0 + Duration::from_secs(9));
        assert_eq!(a.stop, None);
        check(&spec, &mut a, unknown_busy, t0 + Duration::from_secs(10));
        assert!(matches!(a.stop, Some(Stop::Restart { failure: true, .. })));
        assert!(!may_stop(&a, unknown_busy), "its prompt has time left");
        let overdue = AgentUse {
            overdue: true,
            ..unknown_busy
        };
        assert!(may_stop(&a, overdue));
    }

    #[test]
    fn a_limit_past_its_reset_time_restarts_only_after_the_margin_and_never_into_a_live_prompt() {
        let (spec, t0) = (spec(), Instant::now());
        let reset = t0 + Duration::from_secs(100);
        let limited = AgentUse {
            busy: true,
            limit_resets: Some(reset),
            ..AgentUse::default()
        };
        let mut a = Agent::new(1, "p-1".into(), t0);
        for at in [t0, reset, reset + Duration::from_secs(59)] {
            check(&spec, &mut a, limited, at);
            assert_eq!(a.stop, None, "not before the reset time and its margin");
        }
        check(&spec, &mut a, limited, reset + Duration::from_secs(60));
        assert!(
            matches!(
                a.stop,
                Some(Stop::Restart {
                    failure: false,
                    overdue: true,
                    ..
                })
            ),
            "{:?}",
            a.stop
        );
        assert!(!may_stop(&a, limited), "its prompt has time left");
        assert!(may_stop(
            &a,
            AgentUse {
                overdue: true,
                ..limited
            }
        ));
        assert!(may_stop(
            &a,
            AgentUse {
                busy: false,
                ..limited
            }
        ));
        // No time on the banner: nothing to go by, the agent is left alone.
        let mut b = Agent::new(2, "p-2".into(), t0);
        let no_time = AgentUse {
            limit_resets: None,
            ..limited
        };
        check(&spec, &mut b, no_time, t0 + Duration::from_secs(86_400));
        assert_eq!(b.stop, None);
    }

    #[test]
    fn a_known_screen_resets_the_clock_and_recycling_waits_for_idle() {
        let (spec, t0) = (spec(), Instant::now());
        let mut a = Agent::new(1, "p-1".into(), t0);
        let unknown = AgentUse {
            unknown: true,
            ..AgentUse::default()
        };
        check(&spec, &mut a, unknown, t0);
        check(
            &spec,
            &mut a,
            AgentUse::default(),
            t0 + Duration::from_secs(5),
        );
        check(&spec, &mut a, unknown, t0 + Duration::from_secs(12));
        assert_eq!(a.stop, None);
        let busy_done = AgentUse {
            busy: true,
            completed: 3,
            overdue: true,
            ..AgentUse::default()
        };
        let mut b = Agent::new(2, "p-2".into(), t0);
        check(&spec, &mut b, busy_done, t0);
        assert!(matches!(b.stop, Some(Stop::Restart { failure: false, .. })));
        assert!(!may_stop(&b, busy_done), "a recycle never interrupts");
        assert!(may_stop(&b, AgentUse::default()));
    }
}
