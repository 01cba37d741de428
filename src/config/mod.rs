//! The daemon's TOML configuration: strict (unknown keys are errors that
//! name the key and line), every key optional with a documented default.
//!
//! `man/assigner.toml.5` and `packaging/assigner.toml` describe the same keys;
//! a test keeps the packaged file parseable.
//!
//! The types and their defaults (`types.rs`) apart from reading and
//! checking a file (`load.rs`), which builds on them.

mod load;
#[cfg(test)]
mod tests;
mod types;

pub use load::group_id;
pub use types::{Config, DEFAULT_SETTLE_MS, DeliveryConfig};
