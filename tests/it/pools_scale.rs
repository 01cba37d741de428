//! `pool scale` outlives a daemon restart while the config's `count` for
//! the pool stays as it was; once the config's count changes, it wins and
//! the scaled count is forgotten (assignerctl(1), `pool scale`).

use crate::common::PoolFleet;

/// Waits until the pool is kept at `count` agents, all running; returns
/// what `pool --json` says of it.
fn kept_at(f: &PoolFleet, count: u64) -> serde_json::Value {
    f.wait_pools(&format!("running {count} agents"), |p| {
        p.first().is_some_and(|p| {
            p["count"] == count
                && p["state"] == "running"
                && p["agents"]
                    .as_array()
                    .is_some_and(|a| a.len() as u64 == count)
        })
    });
    f.pools()[0].clone()
}

#[test]
fn a_scaled_count_holds_across_a_restart_until_the_config_s_count_changes() {
    let mut f = PoolFleet::new(&[], "count = 1\n");
    kept_at(&f, 1);
    f.d.ctl_ok(&["pool", "scale", "claude", "2"]);
    let pool = kept_at(&f, 2);
    assert_eq!(pool["config_count"], 1, "{pool}");
    assert!(
        f.d.ctl_ok(&["pool"])
            .contains("2 agent(s) (set by pool scale; the config says 1)"),
        "{}",
        f.d.ctl_ok(&["pool"])
    );

    // Killed at once after the reply: the count was recorded before it.
    f.d.kill9();
    f.d.spawn();
    f.d.wait_ready();
    let pool = f.pools()[0].clone();
    assert_eq!(
        (&pool["count"], &pool["config_count"]),
        (&2.into(), &1.into()),
        "{pool}"
    );
    kept_at(&f, 2);

    // The config's count changes: it applies, and the scaled count is gone
    // for good, even if the config goes back to the count it was set on.
    let log = f.log_path();
    let write = |count: u32| {
        let pool = crate::common::stand_in_pool(
            "claude",
            "claude",
            &log,
            &[],
            &format!("count = {count}\n"),
        );
        let text = format!("{}{pool}", crate::common::TEST_CONFIG);
        std::fs::write(&f.d.config, crate::common::daemon::forced_path(&text)).unwrap();
        f.d.ctl_ok(&["reload"]);
    };
    write(3);
    let pool = kept_at(&f, 3);
    assert!(pool.get("config_count").is_none(), "{pool}");
    write(1);
    kept_at(&f, 1);
    f.d.stop();
    f.d.spawn();
    f.d.wait_ready();
    let pool = kept_at(&f, 1);
    assert!(pool.get("config_count").is_none(), "{pool}");
    assert!(
        f.d.logs().contains("the count `pool scale` set is dropped"),
        "{}",
        f.d.logs()
    );
}
