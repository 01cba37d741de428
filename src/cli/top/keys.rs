//! Which key does what (assignerctl(1), LIVE VIEW). Pure: the mode the
//! view is in (a text shown over it, a filter being typed) decides.

use crossterm::event::{KeyCode, KeyEvent, KeyEventKind, KeyModifiers};

use super::model::Model;

/// What a key asks for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Action {
    /// Leave `top`.
    Quit,
    /// Move the selection.
    Select(isize),
    /// `show` the selected prompt.
    Show,
    /// `cancel` the selected prompt.
    Cancel,
    /// `retry` the selected prompt.
    Retry,
    /// Attach to the selected session's pane.
    Attach,
    /// `explain` the selected session.
    Explain,
    /// Start typing a filter.
    Filter,
    /// The filter as typed so far.
    Typed(String),
    /// The filter is typed.
    FilterDone,
    /// No filter.
    FilterCancel,
    /// Close the text shown over the view.
    Close,
    /// Scroll that text.
    Scroll(isize),
    /// Nothing.
    Nothing,
}

/// Rows a page key moves.
const PAGE: isize = 10;

/// The action of `key` in the model's current mode.
pub fn action(m: &Model, key: KeyEvent) -> Action {
    if key.kind == KeyEventKind::Release {
        return Action::Nothing;
    }
    let ctrl = key.modifiers.contains(KeyModifiers::CONTROL);
    if ctrl && key.code == KeyCode::Char('c') {
        return Action::Quit;
    }
    if m.editing_filter {
        return filtering(&m.filter, key.code);
    }
    if m.overlay.is_some() {
        return match key.code {
            KeyCode::Esc | KeyCode::Enter | KeyCode::Char('q') => Action::Close,
            KeyCode::Down | KeyCode::Char('j') => Action::Scroll(1),
            KeyCode::Up | KeyCode::Char('k') => Action::Scroll(-1),
            KeyCode::PageDown | KeyCode::Char(' ') => Action::Scroll(PAGE),
            KeyCode::PageUp => Action::Scroll(-PAGE),
            _ => Action::Nothing,
        };
    }
    match key.code {
        KeyCode::Char('q') => Action::Quit,
        KeyCode::Down | KeyCode::Char('j') => Action::Select(1),
        KeyCode::Up | KeyCode::Char('k') => Action::Select(-1),
        KeyCode::PageDown => Action::Select(PAGE),
        KeyCode::PageUp => Action::Select(-PAGE),
        KeyCode::Home | KeyCode::Char('g') => Action::Select(isize::MIN / 2),
        KeyCode::End | KeyCode::Char('G') => Action::Select(isize::MAX / 2),
        KeyCode::Enter => Action::Show,
        KeyCode::Char('c') => Action::Cancel,
        KeyCode::Char('r') => Action::Retry,
        KeyCode::Char('a') => Action::Attach,
        KeyCode::Char('e') => Action::Explain,
        KeyCode::Char('/') => Action::Filter,
        // Escape clears a filter that is set.
        KeyCode::Esc if !m.filter.is_empty() => Action::FilterCancel,
        _ => Action::Nothing,
    }
}

/// While the filter is typed: Enter keeps it, Escape drops it.
fn filtering(filter: &str, code: KeyCode) -> Action {
    match code {
        KeyCode::Enter => Action::FilterDone,
        KeyCode::Esc => Action::FilterCancel,
        KeyCode::Backspace => {
            let mut f = filter.to_owned();
            f.pop();
            Action::Typed(f)
        }
        KeyCode::Char(c) if !c.is_control() => Action::Typed(format!("{filter}{c}")),
        _ => Action::Nothing,
    }
}
