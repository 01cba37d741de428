//! The SQLite file: corruption at start-up, backup and retention, its lock,
//! faults while the daemon runs, and importing an older layout.

mod corruption;
mod db_lock;
mod legacy_import;
mod storage_faults;
