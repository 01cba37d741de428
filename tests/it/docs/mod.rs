//! The man pages match the code: generated parts are current, and every
//! config key and protocol message is documented.

mod man_keys;
mod man_pages;
