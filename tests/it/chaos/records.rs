//! What a run left behind, as the oracle reads it: the prompt rows and
//! their history, the shell panes' logs of context preparations, and what
//! the daemon reported.

use std::collections::BTreeMap;
use std::path::Path;

use regex::Regex;
use rusqlite::{Connection, OpenFlags};

use crate::chaos::world::World;

/// One prompt row as the oracle needs it.
pub struct Row {
    pub id: i64,
    pub status: String,
    pub error: Option<String>,
}

/// How often a shell pane ran each prompt's context preparation (in
/// incarnations that were not killed), by prompt index.
pub fn preparations(
    w: &World,
    tokens: &Regex,
    index: &BTreeMap<String, usize>,
) -> BTreeMap<usize, usize> {
    let mut runs: BTreeMap<usize, usize> = BTreeMap::new();
    let lives = w.agents.iter().flat_map(|a| &a.lives);
    for life in lives.filter(|l| !l.killed) {
        let Some(prep) = &life.prep else { continue };
        let text = std::fs::read_to_string(prep).unwrap_or_default();
        for t in tokens.find_iter(&text) {
            if let Some(i) = index.get(t.as_str()) {
                *runs.entry(*i).or_default() += 1;
            }
        }
    }
    runs
}

/// Retries `cleanup --retry-failed` made, by prompt id.
pub fn operator_retries(db: &Path) -> BTreeMap<i64, usize> {
    let conn = read_only(db);
    let mut stmt = conn
        .prepare(
            "SELECT prompt_id, count(*) FROM history WHERE event = 'retried' \
             AND detail LIKE 'cleanup --retry-failed%' GROUP BY prompt_id",
        )
        .unwrap();
    stmt.query_map([], |r| Ok((r.get(0)?, r.get::<_, usize>(1)?)))
        .unwrap()
        .flatten()
        .collect()
}

/// Prompts the salvages of a corrupt database reported unreadable, from
/// the daemon's log (`prompts_lost=N`, maintenance/recover.rs), or all of
/// them (`schema_lost=true`).
pub fn reported_lost(log: &str) -> usize {
    // A salvage that could not read the table definitions reports that
    // every prompt is lost, without a count.
    if log.contains("schema_lost=true") {
        return usize::MAX;
    }
    let re = Regex::new(r"prompts_lost=(\d+)").unwrap();
    re.captures_iter(log)
        .filter_map(|c| c[1].parse::<usize>().ok())
        .sum()
}

pub fn rows_by_index(
    db: &Path,
    tokens: &Regex,
    index: &BTreeMap<String, usize>,
) -> BTreeMap<usize, Row> {
    let conn = read_only(db);
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
pub fn history(db: &Path) -> String {
    let conn = read_only(db);
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

/// The database, read-only: the daemon has stopped, and the oracle only
/// reads.
fn read_only(db: &Path) -> Connection {
    Connection::open_with_flags(db, OpenFlags::SQLITE_OPEN_READ_ONLY).expect("open db")
}
