//! How the model is drawn: a two-line header, the sessions, the queue,
//! the recent events and a status line; `show` and `explain` answers over
//! it. Fits 80x24 (each part gets its share, the events the rest) and
//! uses the width it is given.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph};

use super::clock;
use super::model::{Link, Model};
use super::style::paint;
use super::tables;
use crate::protocol::{PromptStatus, SessionState};

/// Draws the whole view.
pub fn draw(f: &mut Frame, m: &Model, now: i64) {
    let area = f.area();
    let [head, body, foot] = Layout::vertical([
        Constraint::Length(2),
        Constraint::Min(0),
        Constraint::Length(1),
    ])
    .areas(area);
    header(f, head, m, now);
    let rows = |n: usize, share: u16| {
        let most = (body.height * share / 10).max(3);
        Constraint::Length(u16::try_from(n + 2).unwrap_or(u16::MAX).clamp(3, most))
    };
    let [sessions_at, queue_at, events_at] = Layout::vertical([
        rows(m.sessions().len(), 4),
        rows(m.prompts().len(), 3),
        Constraint::Min(3),
    ])
    .areas(body);
    tables::sessions(f, sessions_at, m, now);
    tables::queue(f, queue_at, m);
    events(f, events_at, m);
    status_line(f, foot, m);
    if m.overlay.is_some() {
        overlay(f, body, m);
    }
}

fn header(f: &mut Frame, at: Rect, m: &Model, now: i64) {
    let s = &m.snap.status;
    let tmux = match (&m.link, s.tmux.reachable) {
        (Link::Lost(_), _) => Span::styled("daemon away, reconnecting", paint(m, Color::Red)),
        (Link::Up, true) => Span::raw(format!("tmux {} ({})", s.tmux.socket, s.tmux.path)),
        (Link::Up, false) => Span::styled(
            format!(
                "tmux {} not reachable: {}",
                s.tmux.socket,
                s.tmux.reason.as_deref().unwrap_or("unknown")
            ),
            paint(m, Color::Red),
        ),
    };
    let first = vec![
        Span::styled(
            format!("assignerd {}", s.version),
            Style::default().add_modifier(Modifier::BOLD),
        ),
        // A fixed width, so the rest of the line stays put as it counts.
        Span::raw(format!("  up {:<6}  ", clock::span(m.uptime(now)))),
        tmux,
        Span::raw(format!("  db {}", s.db)),
    ];
    let second = format!(
        "prompts: {}  sessions: {}",
        totals(&s.prompts, &PromptStatus::ALL),
        totals(&s.sessions, &SessionState::ALL)
    );
    let text = vec![Line::from(first), Line::raw(second)];
    f.render_widget(Paragraph::new(text), at);
}

/// The counts that are not zero, in the daemon's order.
fn totals<K: Ord + std::fmt::Display>(
    counts: &std::collections::BTreeMap<K, u64>,
    order: &[K],
) -> String {
    let parts: Vec<String> = order
        .iter()
        .filter_map(|k| {
            counts
                .get(k)
                .filter(|n| **n > 0)
                .map(|n| format!("{n} {k}"))
        })
        .collect();
    if parts.is_empty() {
        "none".into()
    } else {
        parts.join(", ")
    }
}

fn events(f: &mut Frame, at: Rect, m: &Model) {
    let fit = usize::from(at.height.saturating_sub(1));
    let skip = m.events.len().saturating_sub(fit);
    let lines: Vec<Line> = m
        .events
        .iter()
        .skip(skip)
        .map(|l| Line::raw(l.as_str()))
        .collect();
    let block = Block::default().borders(Borders::TOP).title("Events");
    f.render_widget(Paragraph::new(lines).block(block), at);
}

fn status_line(f: &mut Frame, at: Rect, m: &Model) {
    let line = if m.editing_filter {
        Line::raw(format!(
            "filter: {}_  (Enter keeps it, Esc drops it)",
            m.filter
        ))
    } else if let Some((text, error)) = &m.notice {
        let style = if *error {
            paint(m, Color::Red)
        } else {
            Style::default()
        };
        Line::styled(text.clone(), style)
    } else if let Link::Lost(why) = &m.link {
        Line::styled(format!("{why}; reconnecting"), paint(m, Color::Red))
    } else {
        let filter = if m.filter.is_empty() {
            String::new()
        } else {
            format!("[filter: {}] ", m.filter)
        };
        Line::raw(format!(
            "{filter}jk select  Enter show  c cancel  r retry  a attach  e explain  / filter  q quit"
        ))
    };
    f.render_widget(Paragraph::new(line), at);
}

fn overlay(f: &mut Frame, body: Rect, m: &Model) {
    let Some(o) = &m.overlay else { return };
    let at = body.inner(ratatui::layout::Margin::new(2, 1));
    let lines: Vec<Line> = o
        .lines
        .iter()
        .skip(o.scroll)
        .map(|l| Line::raw(l.as_str()))
        .collect();
    let title = format!("{}  (Esc closes, jk scroll)", o.title);
    f.render_widget(Clear, at);
    f.render_widget(
        Paragraph::new(lines).block(Block::bordered().title(title)),
        at,
    );
}
