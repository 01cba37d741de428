//! The oracle: what every stand-in logged against what the database says.
//! Every submission an agent received carries the tokens of the prompts in
//! it, so duplicates, fused submissions and unsent "completed" prompts show.

use std::collections::BTreeMap;
use std::path::Path;
use std::time::Duration;

use assigner::protocol::MAYBE_DELIVERED;
use regex::Regex;
use rusqlite::{Connection, OpenFlags};

use crate::common::tmux::AgentLog;
use crate::common::wait_until;
use crate::plan::{Plan, token};
use crate::run::Outcome;
use crate::world::World;

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
    pub failed_may_have_it: usize,
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
        self.failed_may_have_it += other.failed_may_have_it;
        self.details.extend(other.details);
    }
}

/// Waits (at most `within`) until some prompt is in delivery `phase`.
pub fn wait_for_phase(db: &Path, phase: &str, within: Duration) {
    let Ok(conn) = Connection::open_with_flags(db, OpenFlags::SQLITE_OPEN_READ_ONLY) else {
        return;
    };
    wait_until(within, || {
        conn.query_row(
            "SELECT EXISTS (SELECT 1 FROM prompts WHERE delivery_phase = ?1)",
            [phase],
            |r| r.get::<_, bool>(0),
        )
        .unwrap_or(false)
    });
}

/// One prompt row as the oracle needs it.
struct Row {
    id: i64,
    status: String,
    error: Option<String>,
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
    let rows = rows_by_index(&w.d.db, &tokens, &index);
    for (id, i) in &out.acked {
        if rows.get(i).is_none_or(|r| r.id != *id) {
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
        if live > 1 {
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
            "failed" if live > 0 || error.is_empty() => {
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
    if f.violations() > 0 && !out.stalled && std::env::var_os("CHAOS_LOGS").is_some() {
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

fn rows_by_index(
    db: &Path,
    tokens: &Regex,
    index: &BTreeMap<String, usize>,
) -> BTreeMap<usize, Row> {
    let conn = Connection::open_with_flags(db, OpenFlags::SQLITE_OPEN_READ_ONLY).expect("open db");
    let mut stmt = conn
        .prepare("SELECT id, content, status, error FROM prompts ORDER BY id")
        .unwrap();
    let rows = stmt
        .query_map([], |r| {
            Ok((
                r.get::<_, String>(1)?,
                Row {
                    id: r.get(0)?,
                    status: r.get(2)?,
                    error: r.get(3)?,
                },
            ))
        })
        .unwrap();
    let mut out = BTreeMap::new();
    for (text, row) in rows.flatten() {
        if let Some(i) = tokens.find(&text).and_then(|t| index.get(t.as_str())) {
            out.insert(*i, row);
        }
    }
    out
}

/// Every history row, for a failing seed's report.
fn history(db: &Path) -> String {
    let conn = Connection::open_with_flags(db, OpenFlags::SQLITE_OPEN_READ_ONLY).expect("open db");
    let mut stmt = conn
        .prepare("SELECT prompt_id, at, event, session, detail FROM history ORDER BY id")
        .unwrap();
    let rows = stmt
        .query_map([], |r| {
            Ok(format!(
                "  #{} {} {} {} {}",
                r.get::<_, i64>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
                r.get::<_, Option<String>>(3)?.unwrap_or_default(),
                r.get::<_, Option<String>>(4)?.unwrap_or_default()
            ))
        })
        .unwrap();
    rows.flatten().collect::<Vec<_>>().join("\n")
}
