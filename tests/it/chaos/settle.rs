//! After the faults: let the queue drain the way a person would help it
//! (answering approval dialogs they can see), and, when it does not, say
//! what was left.

use crate::chaos::world::World;
use crate::common::wait_until;

/// How long the queue may take to drain once the faults are over. Reaching
/// it is a finding (a stall), not a harness error.
const DRAIN: std::time::Duration = std::time::Duration::from_secs(60);

/// Waits until nothing is pending or in flight, answering approval
/// dialogs. False when the queue did not drain.
pub fn drain(w: &World) -> bool {
    wait_until(DRAIN, || {
        let Some(v) = w.ctl_json(&["status"]) else {
            return false;
        };
        let s = &v["status"];
        let open: u64 = ["pending", "assigned", "in_progress"]
            .iter()
            .map(|k| s["prompts"][k].as_u64().unwrap_or(0))
            .sum();
        // A person answers a dialog they can see on the screen, not
        // whatever `status` last said.
        for name in s["waiting_for_human"].as_array().into_iter().flatten() {
            let agent = w.agents.iter().find(|a| name.as_str() == Some(&a.name));
            if let Some(pane) = agent.and_then(|a| a.pane.as_deref())
                && screen(w, pane).lines().any(|l| l.contains("1. Yes"))
            {
                w.tmux.run(&["send-keys", "-t", pane, "1"]);
            }
        }
        open == 0
    })
}

fn screen(w: &World, pane: &str) -> String {
    String::from_utf8_lossy(&w.tmux.run(&["capture-pane", "-p", "-t", pane]).stdout).into_owned()
}

/// `prompts` and `sessions` as they stand; with `ASSIGNER_CHAOS_LOGS` set, also the
/// daemon's log, every agent's log and every screen.
pub fn stall_report(w: &World) -> String {
    let mut out = String::new();
    for args in [&["prompts"][..], &["sessions"][..]] {
        match w.ctl(args) {
            Some(o) => {
                out.push_str(&String::from_utf8_lossy(&o.stdout));
                out.push_str(&String::from_utf8_lossy(&o.stderr));
            }
            None => out.push_str("assignerctl did not answer in time\n"),
        }
    }
    if !crate::chaos::config::logs() {
        return out;
    }
    out.push_str(&w.d.logs());
    for a in &w.agents {
        for life in &a.lives {
            let log = std::fs::read_to_string(&life.log).unwrap_or_default();
            out.push_str(&format!("--- {}:\n{log}", life.log.display()));
        }
        if let Some(pane) = &a.pane {
            out.push_str(&format!("--- screen of {}:\n{}", a.name, screen(w, pane)));
        }
    }
    out
}
