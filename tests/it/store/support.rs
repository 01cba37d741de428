//! Helpers for the `assignerctl import-legacy` tests (`legacy_import.rs`,
//! `legacy_import_files.rs`): run an import and read back what it made.

use std::path::Path;

use crate::common::TestDaemon;
use serde_json::Value;

pub(super) fn import(d: &TestDaemon, path: &Path) -> Value {
    d.ctl_json(&["import-legacy", path.to_str().unwrap()])["report"].clone()
}

pub(super) fn show(d: &TestDaemon, id: i64) -> (Value, Vec<String>) {
    let v = d.ctl_json(&["show", &id.to_string()]);
    let events = v["history"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h["event"].as_str().unwrap().to_owned())
        .collect();
    (v["prompt"].clone(), events)
}
