//! How each reply is shown to people. `--json` bypasses all of this.

use std::fmt::Write as _;

use super::reports::{cleanup_text, explain_text};
use super::table::{Table, counts_line, or_dash, prompt_counts};
use crate::protocol::{Event, HistoryEntry, PromptInfo, Reply, SessionInfo, StatusInfo};

/// Renders a reply as text for a terminal.
pub fn human(reply: &Reply) -> String {
    match reply {
        Reply::Hello { daemon, version } => format!("{daemon} (protocol {version})\n"),
        Reply::Status { status } => status_text(status),
        Reply::Sent { id } => format!("{id}\n"),
        Reply::Prompts { prompts } => prompts_table(prompts),
        Reply::Prompt { prompt, history } => prompt_text(prompt, history),
        Reply::Sessions { sessions } => sessions_table(sessions),
        Reply::Retried { ids } if ids.is_empty() => "no prompts to retry\n".into(),
        Reply::Retried { ids } => format!("back in the queue: {}\n", join_ids(ids)),
        Reply::Cancelled { id } => format!("prompt {id} cancelled\n"),
        Reply::Reassigned { id, to } => match to {
            Some(t) => format!("prompt {id} queued again for session {t}\n"),
            None => format!("prompt {id} queued again for any matching session\n"),
        },
        Reply::Cleared { deleted } => format!("deleted {deleted} finished prompt(s)\n"),
        Reply::Cleanup { report } => cleanup_text(report),
        Reply::Completed { id } => format!("prompt {id} marked finished\n"),
        // Acknowledgements of a stream: what follows them is the output.
        Reply::Watching | Reply::Following { .. } => String::new(),
        Reply::Event { event } => event_line(event),
        Reply::Output { lines, .. } => lines.iter().map(|l| format!("{l}\n")).collect(),
        Reply::Explanation { explanation } => explain_text(explanation),
        Reply::Reloaded => "configuration reloaded\n".into(),
        Reply::Pools { pools } => super::pool::pools_text(pools),
        Reply::PoolScaled { pool, count } => format!("pool {pool} kept at {count} agent(s)\n"),
        Reply::PoolRestarting { pool, sessions } => {
            format!(
                "pool {pool}: {} start afresh once idle\n",
                sessions.join(", ")
            )
        }
        Reply::BackedUp { path, pages } => format!("backup written to {path} ({pages} pages)\n"),
        Reply::Imported { report } => {
            let mut s = format!(
                "imported {} prompt(s), skipped {}\n",
                report.imported.len(),
                report.skipped.len()
            );
            for (old, new) in &report.imported {
                let _ = writeln!(s, "  legacy {old} -> {new}");
            }
            for (old, why) in &report.skipped {
                let _ = writeln!(s, "  legacy {old} skipped: {why}");
            }
            for note in &report.notes {
                let _ = writeln!(s, "note: {note}");
            }
            s
        }
    }
}

fn join_ids(ids: &[i64]) -> String {
    ids.iter()
        .map(i64::to_string)
        .collect::<Vec<_>>()
        .join(", ")
}

fn status_text(s: &StatusInfo) -> String {
    let mut out = format!(
        "assignerd {} (pid {}, up {}s)\n",
        s.version, s.pid, s.uptime_secs
    );
    let _ = writeln!(out, "database:  {}", s.db);
    let _ = writeln!(out, "socket:    {}", s.socket);
    let tmux = if s.tmux.reachable && !s.tmux.path.is_empty() {
        match s.tmux.missed_by_events {
            0 => format!("reachable, {}", s.tmux.path),
            n => format!(
                "reachable, {}; the periodic scan found {n} change(s) tmux did not report",
                s.tmux.path
            ),
        }
    } else if s.tmux.reachable {
        "reachable".to_owned()
    } else {
        format!(
            "not reachable: {}",
            s.tmux.reason.as_deref().unwrap_or("unknown")
        )
    };
    let _ = writeln!(out, "tmux:      {} ({tmux})", s.tmux.socket);
    let _ = writeln!(out, "prompts:   {}", prompt_counts(&s.prompts));
    let states = [
        crate::protocol::SessionState::Idle,
        crate::protocol::SessionState::Busy,
        crate::protocol::SessionState::WaitingApproval,
        crate::protocol::SessionState::RateLimited,
        crate::protocol::SessionState::Unknown,
    ];
    let _ = writeln!(out, "sessions:  {}", counts_line(&s.sessions, &states));
    if !s.waiting_for_human.is_empty() {
        let _ = writeln!(
            out,
            "waiting for a human (approval dialog): {}",
            s.waiting_for_human.join(", ")
        );
    }
    for p in &s.pools {
        let _ = writeln!(
            out,
            "pool {}: {}, {}/{} running{}",
            p.name,
            p.state,
            p.running,
            p.count,
            p.reason
                .as_deref()
                .map(|r| format!(" ({r})"))
                .unwrap_or_default()
        );
    }
    if s.unroutable > 0 {
        let _ = writeln!(
            out,
            "unroutable: {} pending prompt(s) no tracked session can take (see cleanup)",
            s.unroutable
        );
    }
    for n in &s.notices {
        let _ = writeln!(out, "notice:    {n}");
    }
    out
}

fn prompts_table(prompts: &[PromptInfo]) -> String {
    if prompts.is_empty() {
        return "no prompts\n".into();
    }
    let mut t = Table::new(&[
        "ID", "STATUS", "PRI", "ROUTE", "SESSION", "CREATED", "PROMPT",
    ]);
    for p in prompts {
        let route = match (&p.target, &p.provider) {
            (Some(t), _) => format!("={t}"),
            (None, Some(pr)) => pr.clone(),
            (None, None) if !p.providers.is_empty() => p.providers.join(","),
            _ => "any".into(),
        };
        t.row(vec![
            p.id.to_string(),
            p.status.to_string(),
            p.priority.to_string(),
            route,
            or_dash(p.session.as_deref()),
            p.created_at
                .get(..19)
                .unwrap_or(&p.created_at)
                .replace('T', " "),
            p.preview.clone(),
        ]);
    }
    t.render()
}

fn prompt_text(p: &PromptInfo, history: &[HistoryEntry]) -> String {
    let mut out = String::new();
    let mut field = |k: &str, v: String| {
        let _ = writeln!(out, "{k:<13}{}", super::printable::cell(&v));
    };
    field("id:", p.id.to_string());
    field("status:", p.status.to_string());
    field("priority:", p.priority.to_string());
    field("target:", or_dash(p.target.as_deref()));
    field("provider:", or_dash(p.provider.as_deref()));
    if !p.providers.is_empty() {
        field("providers:", p.providers.join(", "));
    }
    if !p.fallback.is_empty() || p.allow_fallback {
        field(
            "fallback:",
            format!(
                "{} (any provider: {})",
                p.fallback.join(", "),
                p.allow_fallback
            ),
        );
    }
    field("session:", or_dash(p.session.as_deref()));
    field(
        "retries:",
        format!("{} of {}", p.retry_count, p.max_retries),
    );
    if let Some(t) = p.timeout_minutes {
        field("timeout:", format!("{t} min"));
    }
    if let Some(d) = &p.working_dir {
        field("workdir:", d.clone());
    }
    if let Some(b) = &p.branch {
        field("branch:", b.clone());
    }
    for (k, v) in &p.env {
        field("env:", format!("{k}={v}"));
    }
    for c in &p.prereqs {
        field("prereq:", c.clone());
    }
    if !p.after.is_empty() {
        field("after:", join_ids(&p.after));
    }
    field("created:", p.created_at.clone());
    if let Some(w) = &p.waiting_reason {
        field("waiting:", w.clone());
    }
    if let Some(e) = &p.error {
        field("error:", e.clone());
    }
    let _ = writeln!(out, "\n--- prompt ---\n{}", p.text.trim_end());
    let mut t = Table::new(&["AT", "EVENT", "SESSION", "DETAIL"]);
    for h in history {
        t.row(vec![
            h.at.clone(),
            h.event.clone(),
            or_dash(h.session.as_deref()),
            h.detail.clone().unwrap_or_default(),
        ]);
    }
    let _ = write!(out, "\n--- history ---\n{}", t.render());
    if let Some(r) = &p.response {
        let _ = writeln!(out, "\n--- response ---\n{}", r.trim_end());
    }
    out
}

fn sessions_table(sessions: &[SessionInfo]) -> String {
    if sessions.is_empty() {
        return "no sessions\n".into();
    }
    let mut t = Table::new(&[
        "NAME",
        "PANE",
        "PROVIDER",
        "STATE",
        "PROMPT",
        "COMMAND",
        "BRANCH",
        "DIRECTORY",
    ]);
    for s in sessions {
        let state = if s.excluded {
            format!("{} (excluded)", s.state)
        } else {
            s.state.to_string()
        };
        t.row(vec![
            s.name.clone(),
            s.pane.clone(),
            s.provider.clone(),
            state,
            s.prompt.map_or("-".into(), |p| p.to_string()),
            or_dash(s.command.as_deref()),
            or_dash(s.branch.as_deref()),
            or_dash(s.working_dir.as_deref()),
        ]);
    }
    t.render()
}

/// One line per watch event.
pub fn event_line(e: &Event) -> String {
    let subject = match e.id {
        Some(id) => format!("{} {id}", e.kind),
        None => e.kind.to_string(),
    };
    let mut line = format!("{}  {subject}  {}", e.at, e.event);
    if let Some(s) = &e.session {
        let _ = write!(line, "  session={s}");
    }
    if let Some(d) = &e.detail {
        let _ = write!(line, "  {d}");
    }
    line.push('\n');
    line
}
