//! The two longer reports for people: `explain` and `cleanup`.

use std::fmt::Write as _;

use super::table::prompt_counts;
use crate::protocol::{CleanupReport, Explanation};

pub(super) fn explain_text(e: &Explanation) -> String {
    let mut out = format!(
        "session:  {} ({})\nprovider: {} ({})\nstate:    {}\nrule:     {}\n",
        e.session.name,
        e.session.pane,
        e.session.provider,
        e.provider_reason,
        e.session.state,
        e.rule.as_deref().unwrap_or("(no rule matched)")
    );
    if !e.matched.is_empty() {
        out.push_str("matched:\n");
        for l in &e.matched {
            let _ = writeln!(out, "  | {l}");
        }
    }
    if !e.screen_tail.is_empty() {
        out.push_str("screen (bottom):\n");
        for l in &e.screen_tail {
            let _ = writeln!(out, "  | {l}");
        }
    }
    out
}

pub(super) fn cleanup_text(r: &CleanupReport) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{}",
        if r.applied {
            "cleanup (applied)"
        } else {
            "cleanup (dry run: nothing changed; use --apply)"
        }
    );
    let _ = writeln!(
        out,
        "tmux sessions: {}",
        if r.tmux_sessions.is_empty() {
            "(none)".into()
        } else {
            r.tmux_sessions.join(", ")
        }
    );
    let _ = writeln!(
        out,
        "stale sessions in the database: {}",
        r.stale_sessions.len()
    );
    for s in &r.stale_sessions {
        let _ = writeln!(
            out,
            "  {} ({}) holding prompt {}",
            s.name,
            s.pane,
            s.prompt.map_or("-".into(), |p| p.to_string())
        );
    }
    let _ = writeln!(out, "failed prompts by target:");
    for g in &r.failed_by_target {
        let _ = writeln!(
            out,
            "  {} [{}]: {} prompt(s)",
            g.target,
            if g.exists { "EXISTS" } else { "MISSING" },
            g.prompts.len()
        );
        for p in &g.prompts {
            let _ = writeln!(
                out,
                "    {} (retries {}/{}): {}",
                p.id,
                p.retry_count,
                p.max_retries,
                p.error.as_deref().unwrap_or("-")
            );
        }
    }
    if !r.unroutable.is_empty() {
        let _ = writeln!(out, "pending prompts no tracked session can take:");
        for u in &r.unroutable {
            let _ = writeln!(out, "  {}: {}", u.id, u.reason);
        }
    }
    let _ = writeln!(out, "prompts: {}", prompt_counts(&r.counts));
    if !r.integrity.is_empty() {
        let _ = writeln!(out, "integrity: {}", r.integrity.join("; "));
    }
    let _ = writeln!(
        out,
        "{}:",
        if r.applied {
            "actions taken"
        } else {
            "actions --apply would take"
        }
    );
    if r.actions.is_empty() {
        out.push_str("  (none)\n");
    }
    for a in &r.actions {
        let _ = writeln!(out, "  {a}");
    }
    out
}
