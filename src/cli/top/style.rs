//! The view's colours: one per session state and red for trouble, and
//! none at all under `NO_COLOR`; in one place, so the tables and the frame
//! around them agree.

use ratatui::style::{Color, Style};

use super::model::Model;
use crate::protocol::SessionState;

/// `color`, when the view is in colour.
pub(super) fn paint(m: &Model, color: Color) -> Style {
    if m.color {
        Style::default().fg(color)
    } else {
        Style::default()
    }
}

/// The colour of a session in its state.
pub(super) fn state_style(m: &Model, state: SessionState) -> Style {
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
