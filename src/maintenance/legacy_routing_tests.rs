//! Every combination of the original worker's routing inputs, imported
//! from a real legacy SQLite file and routed by assigner: each prompt must
//! be deliverable to exactly the sessions the original would have used.

use std::path::Path;

use super::legacy;
use crate::protocol::SessionState;
use crate::route::{Candidate, route};
use crate::store::Store;

/// One session of the fleet the table routes over.
struct Session {
    name: &'static str,
    provider: &'static str,
}

const FLEET: [Session; 5] = [
    Session {
        name: "claude-1",
        provider: "claude",
    },
    Session {
        name: "codex-1",
        provider: "codex",
    },
    Session {
        name: "gemini-1",
        provider: "gemini",
    },
    Session {
        name: "aider-1",
        provider: "aider",
    },
    Session {
        name: "sh",
        provider: "shell",
    },
];

/// The original worker's routing inputs for one prompt.
#[derive(Debug, Clone)]
struct Inputs {
    target_session: Option<&'static str>,
    target_provider: Option<&'static str>,
    preferred: Vec<&'static str>,
    fallback: Vec<&'static str>,
    allow_fallback: bool,
    /// `git_branch` and `prefer_context_match`: preferences only, in the
    /// original and in assigner alike.
    context: bool,
}

/// Whether the original worker could hand a prompt with `i` to `s`. Its
/// provider order came from the target provider and the fallbacks; without a
/// target provider, from the preferred providers, else its default order,
/// with any session when nothing matched. A plain shell is no agent: assigner
/// never hands an untargeted prompt to one, and neither case here relies on
/// the original doing so.
fn original(i: &Inputs, s: &Session) -> bool {
    if let Some(target) = i.target_session {
        return s.name == target;
    }
    if s.provider == "shell" {
        return false;
    }
    let order: Vec<&str> = match i.target_provider {
        Some(tp) => [tp]
            .into_iter()
            .chain(i.preferred.iter().copied())
            .chain(i.fallback.iter().copied())
            .collect(),
        None if !i.preferred.is_empty() => i.preferred.clone(),
        None => return true,
    };
    order.contains(&s.provider) || i.allow_fallback
}

fn combinations() -> Vec<Inputs> {
    let mut all = Vec::new();
    for target_session in [None, Some("claude-1")] {
        for target_provider in [None, Some("claude"), Some("codex")] {
            for preferred in [vec![], vec!["gemini"]] {
                for fallback in [vec![], vec!["codex"], vec!["aider", "gemini"]] {
                    for allow_fallback in [false, true] {
                        for context in [false, true] {
                            all.push(Inputs {
                                target_session,
                                target_provider,
                                preferred: preferred.clone(),
                                fallback: fallback.clone(),
                                allow_fallback,
                                context,
                            });
                        }
                    }
                }
            }
        }
    }
    all
}

fn legacy_db(path: &Path, rows: &[Inputs]) {
    let conn = rusqlite::Connection::open(path).unwrap();
    conn.execute_batch(
        "CREATE TABLE prompts (id INTEGER PRIMARY KEY AUTOINCREMENT, content TEXT NOT NULL,
           status TEXT DEFAULT 'pending', metadata TEXT, target_session TEXT,
           target_provider TEXT);",
    )
    .unwrap();
    for (n, i) in rows.iter().enumerate() {
        let mut meta = serde_json::Map::new();
        if !i.preferred.is_empty() {
            meta.insert("preferred_providers".into(), i.preferred.clone().into());
        }
        if !i.fallback.is_empty() {
            meta.insert("fallback_providers".into(), i.fallback.clone().into());
        }
        if i.allow_fallback {
            meta.insert("allow_fallback".into(), true.into());
        }
        if i.context {
            meta.insert("git_branch".into(), "main".into());
            meta.insert("prefer_context_match".into(), true.into());
        }
        conn.execute(
            "INSERT INTO prompts (content, metadata, target_session, target_provider)
             VALUES (?1, ?2, ?3, ?4)",
            rusqlite::params![
                format!("prompt {n}"),
                serde_json::Value::Object(meta).to_string(),
                i.target_session,
                i.target_provider
            ],
        )
        .unwrap();
    }
}

/// `s` alone, idle and free.
fn only(s: &Session) -> Candidate {
    Candidate {
        pane: format!("%{}", s.name),
        session: s.name.into(),
        name: s.name.into(),
        provider: s.provider.into(),
        available: true,
        set_aside: None,
        state: SessionState::Idle,
        excluded: false,
        working_dir: None,
        branch: None,
        last_assigned: None,
        line_by_line: false,
    }
}

#[test]
fn imported_prompts_reach_the_sessions_the_original_worker_would_have_used() {
    let dir = tempfile::tempdir().unwrap();
    let rows = combinations();
    legacy_db(&dir.path().join("legacy.db"), &rows);
    let mut store = Store::open(&dir.path().join("assigner.db")).unwrap();
    let report = legacy::import(&mut store, &dir.path().join("legacy.db")).unwrap();
    assert_eq!(report.imported.len(), rows.len(), "{:?}", report.skipped);
    let mut wrong = Vec::new();
    for ((_, id), inputs) in report.imported.iter().zip(&rows) {
        let prompt = store.queued(*id).unwrap().expect("imported prompts wait");
        for s in &FLEET {
            let now = route(&prompt, &[only(s)], None).is_ok();
            if now != original(inputs, s) {
                wrong.push(format!("{inputs:?} → {}: assigner {now}", s.name));
            }
        }
    }
    assert!(
        wrong.is_empty(),
        "{} differences:\n{}",
        wrong.len(),
        wrong.join("\n")
    );
}
