//! The man pages match the code: generated parts are current, and every
//! config key and protocol message is documented; and every locked crate's
//! license is one `licenses.toml` accepts.

mod licenses;
mod man_keys;
mod man_pages;
