//! The assign/deliver/supervise loop against a real tmux server and stand-in
//! agents: routing, faults, hooks, timeouts, tmux restarts and events.

mod context;
mod copy_mode;
mod dispatch;
mod echo_below;
mod faults;
mod glance;
mod hooks;
mod queue;
mod routing;
mod shell_paste;
mod slow_agents;
mod timeout;
mod tmux_events;
mod tmux_restart;
mod tmux_server;
mod unbracketed;
mod unconfirmed;
