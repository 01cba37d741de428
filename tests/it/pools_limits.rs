//! A pool agent whose screen still reads `rate_limited` past the reset
//! time its usage-limit banner shows is restarted, never before that time
//! (assigner.toml(5), POOLS), against real tmux and stand-in agents.

use std::time::Duration;

use crate::common::{PoolFleet, wait_until};

/// The stand-in's lasting banner names the first whole minute at least
/// 3 s ahead, so its reset comes within about a minute.
const PAST_THE_RESET: Duration = Duration::from_secs(150);

#[test]
fn a_limited_agent_is_restarted_once_its_banner_s_reset_time_has_passed() {
    let f = PoolFleet::new(
        &["--limited-for", "3"],
        "count = 1\nlimit_restart_margin_secs = 1\n",
    );
    let starts = || -> Vec<serde_json::Value> {
        f.log()
            .entries()
            .into_iter()
            .filter(|e| e.get("limit_resets_at").is_some())
            .collect()
    };
    let restarted = wait_until(PAST_THE_RESET, || starts().len() >= 2);
    assert!(
        restarted,
        "the limited agent was never restarted: {:?}\n{:#?}\nlog:\n{}",
        starts(),
        f.pools(),
        f.d.logs()
    );
    let (first, second) = (&starts()[0], &starts()[1]);
    let reset_ms = first["limit_resets_at"].as_u64().unwrap() * 1000;
    let margin_ms = 1000;
    assert!(
        second["at_ms"].as_u64().unwrap() >= reset_ms + margin_ms,
        "restarted before the time its banner showed: {first} then {second}"
    );
    let logs = f.d.logs();
    let line = logs
        .lines()
        .find(|l| l.contains("restarting the agent: its screen still reads rate_limited"))
        .unwrap_or_else(|| panic!("no restart logged:\n{logs}"));
    assert!(
        line.contains("pool=\"claude\"") && line.contains("session=claude-1"),
        "{line}"
    );
    let agent = f.agent(1);
    assert!(agent["restarts"].as_u64() >= Some(1), "{agent}");
    assert_ne!(
        f.pools()[0]["state"],
        "failed",
        "a lifted limit is no failure"
    );
}
