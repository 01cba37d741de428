//! Shared test harness: a real `assignerd` in a temp dir, driven by the real
//! `assignerctl` and by raw socket clients. Each integration test file
//! includes this module; not every file uses every helper.
// `allow`, not `expect`: each test crate compiles its own copy of this
// module, and one that happens to use every helper would find the
// expectation unfulfilled.
#![allow(
    dead_code,
    unused_imports,
    reason = "shared by test crates that each use only some of it"
)]

pub mod child;
pub mod ctl;
pub mod daemon;
pub mod disk;
pub mod fleet;
pub mod golden;
pub mod notify;
pub mod pages;
pub mod peers;
pub mod pool;
pub mod query;
pub mod raw;
pub mod requests;
pub mod tmux;
pub mod top;
pub mod wait;

pub use child::{ChildGuard, exit_of};
pub use ctl::Background;
pub use daemon::{TEST_CONFIG, TestDaemon, daemon_exit};
pub use fleet::Fleet;
pub use golden::golden;
pub use notify::NotifyListener;
pub use peers::{other_users_group, reserved_slots_for_me};
pub use pool::{PoolFleet, stand_in_pool};
pub use raw::{RawClient, error_kind};
pub use tmux::{AgentLog, TmuxServer};
pub use top::{TopView, masked, pending_and_failed};
pub use wait::{WAIT, wait_for, wait_until};
