//! How the model is drawn: a two-line header, the sessions, the queue,
//! the recent events and a status line; `show` and `explain` answers over
//! it. Fits 80x24 (each part gets its share, the events the rest) and
//! uses the width it is given.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Cell, Clear, Paragraph, Row as TRow, Table, TableState};

use super::clock;
use super::model::{Link, Model, Row};
use crate::cli::printable;
use crate::cli::table::or_dash;
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
    sessions(f, sessions_at, m, now);
    queue(f, queue_at, m);
    events(f, events_at, m);
    status_line(f, foot, m);
    if m.overlay.is_some() {
        overlay(f, body, m);
    }
}

fn paint(m: &Model, color: Color) -> Style {
    if m.color {
        Style::default().fg(color)
    } else {
        Style::default()
    }
}

fn state_style(m: &Model, state: SessionState) -> Style {
    paint(
        m,
        match state {
            SessionState::Idle => Color::Green,
            SessionState::Busy => Color::Yellow,
            SessionState::WaitingApproval => Color::Magenta,
            SessionState::RateLimited => Color::Red,
            SessionState::Unknown | SessionState::Gone => Color::DarkGray,
        },
    )
}

/// The table state that marks the selected row, if it is one of `rows`,
/// and scrolls it into view.
fn selection(m: &Model, rows: impl Iterator<Item = Row>) -> TableState {
    let at = rows
        .into_iter()
        .position(|r| m.selected.as_ref() == Some(&r));
    TableState::default().with_selected(at)
}

fn table<'a>(
    rows: Vec<TRow<'a>>,
    widths: &[Constraint],
    head: &[&'a str],
    title: String,
) -> Table<'a> {
    let head = TRow::new(head.to_vec()).style(Style::default().add_modifier(Modifier::BOLD));
    Table::new(rows, widths.to_vec())
        .header(head)
        .block(Block::default().borders(Borders::TOP).title(title))
        .row_highlight_style(Style::default().add_modifier(Modifier::REVERSED))
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
        totals(&s.prompts),
        totals(&s.sessions)
    );
    let text = vec![Line::from(first), Line::raw(second)];
    f.render_widget(Paragraph::new(text), at);
}

/// The counts that are not zero, in the daemon's order.
fn totals(counts: &std::collections::BTreeMap<String, u64>) -> String {
    let order = PromptStatus::ALL
        .iter()
        .map(|s| s.as_str())
        .chain(SessionState::ALL.iter().map(|s| s.as_str()));
    let parts: Vec<String> = order
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

/// Width from which the sessions show what their prompt is about.
const WIDE: u16 = 120;
/// Width of that column.
const PREVIEW: u16 = 32;

fn sessions(f: &mut Frame, at: Rect, m: &Model, now: i64) {
    let list = m.sessions();
    let wide = at.width >= WIDE;
    let longest = list.iter().map(|s| s.name.chars().count()).max();
    let name_width = u16::try_from(longest.unwrap_or(4).clamp(4, 24)).unwrap_or(24);
    let mut widths = vec![name_width, 8, 16, 9];
    if wide {
        widths.push(PREVIEW);
    }
    widths.push(12);
    // What is left, the gaps between the columns taken off.
    let fixed: u16 = widths.iter().sum::<u16>() + u16::try_from(widths.len()).unwrap_or(0);
    let dir_width = usize::from(at.width.saturating_sub(fixed)).max(8);
    let rows = list.iter().map(|s| {
        let running = s.prompt.and_then(|id| m.snap.running.get(&id));
        let prompt = s.prompt.map_or_else(
            || "-".to_owned(),
            |id| match m.age(id, now) {
                Some(age) => format!("{id} {}", clock::span(age)),
                None => id.to_string(),
            },
        );
        let state = if s.excluded {
            format!("{} (excluded)", s.state)
        } else {
            s.state.to_string()
        };
        let mut cells = vec![
            Cell::from(s.name.clone()),
            Cell::from(s.provider.clone()),
            Cell::from(state).style(state_style(m, s.state)),
            Cell::from(prompt),
        ];
        if wide {
            let about = running.map_or("", |p| p.preview.as_str());
            cells.push(Cell::from(printable::cell(about).into_owned()));
        }
        cells.push(Cell::from(or_dash(s.branch.as_deref())));
        cells.push(Cell::from(tail(
            s.working_dir.as_deref().unwrap_or("-"),
            dir_width,
        )));
        TRow::new(cells)
    });
    let mut constraints: Vec<Constraint> = widths.into_iter().map(Constraint::Length).collect();
    constraints.push(Constraint::Min(8));
    let mut head = vec!["NAME", "PROVIDER", "STATE", "PROMPT"];
    if wide {
        head.push("WORKING ON");
    }
    head.extend(["BRANCH", "DIRECTORY"]);
    let title = format!("Sessions ({})", m.snap.sessions.len());
    let mut state = selection(m, list.iter().map(|s| Row::Session(s.pane.clone())));
    let t = table(rows.collect(), &constraints, &head, title);
    f.render_stateful_widget(t, at, &mut state);
}

fn queue(f: &mut Frame, at: Rect, m: &Model) {
    let list = m.prompts();
    let rows = list.iter().map(|p| {
        let (why, style) = match p.status {
            PromptStatus::Failed => (p.error.as_deref(), paint(m, Color::Red)),
            _ => (p.waiting_reason.as_deref(), Style::default()),
        };
        TRow::new(vec![
            Cell::from(p.id.to_string()),
            Cell::from(p.priority.to_string()),
            Cell::from(p.status.to_string()).style(style),
            Cell::from(printable::cell(&p.preview).into_owned()),
            Cell::from(printable::cell(why.unwrap_or("-")).into_owned()),
        ])
    });
    let widths = [
        Constraint::Length(5),
        Constraint::Length(3),
        Constraint::Length(7),
        Constraint::Percentage(35),
        Constraint::Min(10),
    ];
    let head = ["ID", "PRI", "STATUS", "PROMPT", "WAITING FOR / ERROR"];
    let failed = m.snap.status.prompts.get("failed").copied().unwrap_or(0);
    let title = format!("Queue ({} pending, {failed} failed)", m.snap.queue.len());
    let mut state = selection(m, list.iter().map(|p| Row::Prompt(p.id)));
    let t = table(rows.collect(), &widths, &head, title);
    f.render_stateful_widget(t, at, &mut state);
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

/// The end of a long path, which says more than its start.
fn tail(s: &str, most: usize) -> String {
    let n = s.chars().count();
    if n <= most {
        return printable::cell(s).into_owned();
    }
    let kept: String = s.chars().skip(n - most + 1).collect();
    printable::cell(&format!("…{kept}")).into_owned()
}
