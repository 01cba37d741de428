//! The delivery points a `kill9` waits for (`plan::KILL_POINTS`), read from
//! the database and, for `verify`, from what the agents logged.

use std::path::Path;
use std::time::Duration;

use regex::Regex;
use rusqlite::{Connection, OpenFlags};

use crate::chaos::world::World;
use crate::common::tmux::AgentLog;
use crate::common::wait_until;

/// A prompt whose preparation started and has not finished, still being
/// delivered.
const PREPARING: &str = "SELECT EXISTS (SELECT 1 FROM prompts p WHERE p.status = 'assigned' \
     AND p.delivery_phase = 'claimed' \
     AND EXISTS (SELECT 1 FROM history h WHERE h.prompt_id = p.id AND h.event = 'preparing') \
     AND NOT EXISTS (SELECT 1 FROM history h WHERE h.prompt_id = p.id AND h.event = 'context-prepared'))";

/// Waits (at most `within`) until some prompt is at `point`.
pub fn wait_for_point(w: &World, point: &str, within: Duration) {
    let Ok(conn) = Connection::open_with_flags(&w.d.db, OpenFlags::SQLITE_OPEN_READ_ONLY) else {
        return;
    };
    let phase = |phase: &str| {
        conn.query_row(
            "SELECT EXISTS (SELECT 1 FROM prompts WHERE delivery_phase = ?1)",
            [phase],
            |r| r.get::<_, bool>(0),
        )
        .unwrap_or(false)
    };
    match point {
        "preparing" => {
            wait_until(within, || {
                conn.query_row(PREPARING, [], |r| r.get::<_, bool>(0))
                    .unwrap_or(false)
            });
        }
        // Enter reached the agent (it logged the submission), and the
        // daemon has not yet seen it take the prompt.
        "verify" => {
            let tokens = Regex::new(r"⟦s\d+p\d+⟧").unwrap();
            wait_until(within, || {
                pasted_tokens(&conn, &tokens)
                    .iter()
                    .any(|t| submitted(w, t))
            });
        }
        other => {
            wait_until(within, || phase(other));
        }
    }
}

/// The tokens of the prompts pasted and not yet known to be submitted.
fn pasted_tokens(conn: &Connection, tokens: &Regex) -> Vec<String> {
    let Ok(mut stmt) = conn.prepare("SELECT content FROM prompts WHERE delivery_phase = 'pasted'")
    else {
        return Vec::new();
    };
    let texts: Vec<String> = stmt
        .query_map([], |r| r.get(0))
        .map(|rows| rows.flatten().collect())
        .unwrap_or_default();
    texts
        .iter()
        .filter_map(|t| tokens.find(t).map(|m| m.as_str().to_owned()))
        .collect()
}

/// Whether an agent's current life logged a submission with `token`.
fn submitted(w: &World, token: &str) -> bool {
    w.agents
        .iter()
        .filter_map(|a| a.lives.last())
        .any(|life| log_has(&life.log, token))
}

fn log_has(path: &Path, token: &str) -> bool {
    AgentLog {
        path: path.to_owned(),
    }
    .submissions()
    .iter()
    .any(|s| s.contains(token))
}
