//! `assignerctl` as people and scripts use it: its commands and output,
//! `--wait`, `follow`, `top`, hooks, deadlines and command prefixes.

mod command_prefix;
mod commands;
mod deadline;
mod follow;
mod hooks;
mod human_golden;
mod top;
mod top_bench;
mod top_golden;
mod wait;
