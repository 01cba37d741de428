//! The two tables of the view: the sessions, and the queue (pending
//! prompts in routing order, then the failed ones). The selected row is
//! marked and kept in view.

use ratatui::Frame;
use ratatui::layout::{Constraint, Rect};
use ratatui::style::{Color, Modifier, Style};
use ratatui::widgets::{Block, Borders, Cell, Row as TRow, Table, TableState};

use super::clock;
use super::model::{Model, Row};
use super::style::{paint, state_style};
use crate::cli::printable;
use crate::cli::table::or_dash;
use crate::protocol::PromptStatus;

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

/// Width from which the sessions show what their prompt is about.
const WIDE: u16 = 120;
/// Width of that column.
const PREVIEW: u16 = 32;

pub(super) fn sessions(f: &mut Frame, at: Rect, m: &Model, now: i64) {
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

pub(super) fn queue(f: &mut Frame, at: Rect, m: &Model) {
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
    let failed = m
        .snap
        .status
        .prompts
        .get(&PromptStatus::Failed)
        .copied()
        .unwrap_or(0);
    let title = format!("Queue ({} pending, {failed} failed)", m.snap.queue.len());
    let mut state = selection(m, list.iter().map(|p| Row::Prompt(p.id)));
    let t = table(rows.collect(), &widths, &head, title);
    f.render_stateful_widget(t, at, &mut state);
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
