//! The oracle: what every stand-in logged against what the database says.
//! Every submission an agent received carries the tokens of the prompts in
//! it, so duplicates, fused submissions and unsent "completed" prompts show.

use std::collections::BTreeMap;

use assigner::protocol::MAYBE_DELIVERED;
use regex::Regex;

use crate::chaos::plan::{Plan, token};
use crate::chaos::records::{
    history, operator_retries, preparations, reported_lost, rows_by_index,
};
use crate::chaos::run::Outcome;
use crate::chaos::world::World;
use crate::common::tmux::AgentLog;

/// What one seed (or, summed, a whole run) found.
#[derive(Debug, Default)]
pub struct Findings {
    pub prompts: usize,
    pub duplicated: usize,
    pub fused: usize,
    pub lost: usize,
    pub into_busy: usize,
    pub completed_unsent: usize,
    pub failed_unflagged: usize,
    pub stalled: usize,
    pub stray: usize,
    pub two_daemons: usize,
    /// A shell pane's context preparation that ran twice for one prompt.
    pub prepared_twice: usize,
    /// Prompts whose context preparation a shell pane ran (not a finding:
    /// it says the shell pane took part).
    pub prepared: usize,
    pub failed_may_have_it: usize,
    /// Acknowledged prompts missing after a salvage that reported as many
    /// prompts unreadable (allowed).
    pub lost_reported: usize,
    /// One line per violation, for the report.
    pub details: Vec<String>,
}

impl Findings {
    /// Violations of the promise (`failed_may_have_it` is allowed).
    pub fn violations(&self) -> usize {
        self.duplicated
            + self.fused
            + self.lost
            + self.into_busy
            + self.completed_unsent
            + self.failed_unflagged
            + self.stalled
            + self.stray
            + self.two_daemons
            + self.prepared_twice
    }

    /// Adds `other` to these totals.
    pub fn add(&mut self, other: Findings) {
        self.prompts += other.prompts;
        self.duplicated += other.duplicated;
        self.fused += other.fused;
        self.lost += other.lost;
        self.into_busy += other.into_busy;
        self.completed_unsent += other.completed_unsent;
        self.failed_unflagged += other.failed_unflagged;
        self.stalled += other.stalled;
        self.stray += other.stray;
        self.two_daemons += other.two_daemons;
        self.prepared_twice += other.prepared_twice;
        self.prepared += other.prepared;
        self.lost_reported += other.lost_reported;
        self.failed_may_have_it += other.failed_may_have_it;
        self.details.extend(other.details);
    }
}

/// Checks one finished seed.
pub fn check(w: &World, plan: &Plan, out: &Outcome) -> Findings {
    let mut f = Findings {
        prompts: plan.prompts.len(),
        ..Findings::default()
    };
    let tokens = Regex::new(r"⟦s\d+p\d+⟧").unwrap();
    let index: BTreeMap<String, usize> = (0..plan.prompts.len())
        .map(|i| (token(plan.seed, i), i))
        .collect();
    // prompt index → (agent name, whether the agent never ran it: its pane
    // was killed, or a usage limit cut it short)
    let mut subs: BTreeMap<usize, Vec<(String, bool)>> = BTreeMap::new();
    for a in &w.agents {
        for life in &a.lives {
            let log = AgentLog {
                path: life.log.clone(),
            };
            let entries = log.entries();
            let limited: Vec<u64> = entries
                .iter()
                .filter_map(|e| e["limited"].as_u64())
                .collect();
            for e in &entries {
                if e.get("violation").is_some() {
                    f.into_busy += 1;
                    f.details.push(format!("{}: {e}", a.name));
                }
                let Some(text) = e["text"].as_str() else {
                    continue;
                };
                let found: Vec<&str> = tokens.find_iter(text).map(|m| m.as_str()).collect();
                match found.len() {
                    0 => {
                        f.stray += 1;
                        f.details
                            .push(format!("{} got a stray submission {text:?}", a.name));
                    }
                    1 => {}
                    _ => {
                        f.fused += 1;
                        f.details
                            .push(format!("{} got one submission with {found:?}", a.name));
                    }
                }
                let cut_short =
                    life.killed || e["seq"].as_u64().is_some_and(|seq| limited.contains(&seq));
                for t in found {
                    if let Some(i) = index.get(t) {
                        subs.entry(*i)
                            .or_default()
                            .push((a.name.clone(), cut_short));
                    }
                }
            }
        }
    }
    let prepared = preparations(w, &tokens, &index);
    f.prepared = prepared.len();
    let rows = rows_by_index(&w.d.db, &tokens, &index);
    let retried = operator_retries(&w.d.db);
    // Prompts a salvage said it could not read may be missing; no others.
    let mut reported = reported_lost(&w.d.logs());
    for (id, i) in &out.acked {
        if rows.get(i).is_none_or(|r| r.id != *id) {
            if reported > 0 {
                reported -= 1;
                f.lost_reported += 1;
                continue;
            }
            f.lost += 1;
            f.details.push(format!(
                "acknowledged prompt {id} ({}) missing",
                token(plan.seed, *i)
            ));
        }
    }
    for (i, row) in &rows {
        let got = subs.get(i).map_or(&[][..], Vec::as_slice);
        let live = got.iter().filter(|(_, cut_short)| !cut_short).count();
        let name = format!("prompt {} ({})", row.id, token(plan.seed, *i));
        // `cleanup --retry-failed` sends again, on the operator's word, a
        // prompt whose agent may have it (assigner-protocol(7)).
        let allowed = 1 + retried.get(&row.id).copied().unwrap_or(0);
        let runs = prepared.get(i).copied().unwrap_or(0);
        if runs > allowed {
            f.prepared_twice += 1;
            f.details
                .push(format!("the preparation of {name} ran {runs} times"));
        }
        if live > allowed {
            f.duplicated += 1;
            f.details
                .push(format!("{name} submitted {live} times: {got:?}"));
        }
        let error = row.error.as_deref().unwrap_or("");
        match row.status.as_str() {
            "completed" if got.is_empty() => {
                f.completed_unsent += 1;
                f.details
                    .push(format!("{name} completed but never submitted"));
            }
            "failed" if error.contains(MAYBE_DELIVERED) => f.failed_may_have_it += 1,
            "failed" if live > 0 || runs > 0 || error.is_empty() => {
                f.failed_unflagged += 1;
                f.details
                    .push(format!("{name} reached an agent but failed with {error:?}"));
            }
            "pending" | "assigned" | "in_progress" if !out.stalled => {
                f.stalled += 1;
                f.details.push(format!("{name} left {}", row.status));
            }
            _ => {}
        }
    }
    for b in &out.broken {
        f.two_daemons += 1;
        f.details.push(b.clone());
    }
    if f.violations() > 0 && !out.stalled && crate::chaos::config::logs() {
        f.details.push(format!("daemon log:\n{}", w.d.logs()));
        f.details.push(format!("history:\n{}", history(&w.d.db)));
    }
    if out.stalled {
        f.stalled += 1;
        f.details
            .push(format!("the queue never drained:\n{}", out.report));
    }
    f
}
