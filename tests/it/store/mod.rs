//! The SQLite file: corruption at start-up, backup, retention, its lock,
//! faults while the daemon runs, and importing an older layout.

mod backup;
mod corruption;
mod db_lock;
mod legacy_import;
mod legacy_import_files;
mod retention;
mod storage_faults;
mod support;
