//! The tmux driver on its own: the control-mode client, the process-per-call
//! path, and detection against real panes.

mod control;
mod control_session_end;
mod detect;
mod driver;
