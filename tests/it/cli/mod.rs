//! `assignerctl` as people and scripts use it: its commands and output,
//! `--wait`, `follow`, `top`, hooks, deadlines and command prefixes.

mod command_prefix;
mod deadline;
mod follow;
mod hooks;
mod human_golden;
mod queue_commands;
mod socket_and_offline;
mod top;
mod top_bench;
mod top_golden;
mod wait;

/// What `assignerctl` printed on stderr, for the message a test checks.
fn stderr(out: &std::process::Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}
