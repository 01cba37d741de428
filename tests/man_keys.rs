//! Keeps the hand-written pages `assigner.toml(5)` and
//! `assigner-protocol(7)` in step with the code: every config key and every
//! request, reply and error `type` must be documented in its section.
//!
//! The lists come from the types themselves, through serde: a strict struct
//! or enum refuses an unknown name with "expected one of `a`, `b`, …", which
//! names every key or variant it accepts. Adding a key or a variant without
//! documenting it therefore fails here, with no list to keep up to date.
#![allow(
    clippy::unwrap_used,
    reason = "test code: a panic is how a test fails (clippy.toml)"
)]

use std::path::Path;

use assigner::config::{Config, DeliveryConfig};
use assigner::detect::{ProfileOverride, RuleSpec};
use assigner::pool::PoolConfig;
use assigner::protocol::{ErrorKind, Reply, Request};

/// The names in "expected one of `a`, `b`" (or "expected `a`").
fn expected_names(message: &str) -> Vec<String> {
    let (_, list) = message
        .split_once("expected")
        .unwrap_or_else(|| panic!("no 'expected' list in: {message}"));
    let names: Vec<String> = list
        .split('`')
        .skip(1)
        .step_by(2)
        .map(str::to_owned)
        .collect();
    assert!(!names.is_empty(), "no names in: {message}");
    names
}

fn toml_keys<T: serde::de::DeserializeOwned + std::fmt::Debug>(text: &str) -> Vec<String> {
    expected_names(toml::from_str::<T>(text).unwrap_err().message())
}

fn json_names<T: serde::de::DeserializeOwned + std::fmt::Debug>(json: &str) -> Vec<String> {
    expected_names(&serde_json::from_str::<T>(json).unwrap_err().to_string())
}

fn page(name: &str) -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("man").join(name);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// The text of the `.SH` section whose title starts with `title`.
fn section<'a>(page: &'a str, title: &str) -> &'a str {
    let start = page
        .find(&format!("\n.SH {title}"))
        .unwrap_or_else(|| panic!("no section {title}"));
    let rest = &page[start + 1..];
    let end = rest[4..].find("\n.SH ").map_or(rest.len(), |i| i + 4);
    &rest[..end]
}

/// Fails with every name that has no line starting with its pattern.
fn assert_documented(what: &str, names: &[String], text: &str, line: impl Fn(&str) -> String) {
    let missing: Vec<_> = names
        .iter()
        .filter(|n| !text.lines().any(|l| l.starts_with(&line(n))))
        .collect();
    assert!(
        missing.is_empty(),
        "{what} not documented: {missing:?} (expected lines like {:?})",
        line(&names[0])
    );
}

#[test]
fn every_config_key_is_in_assigner_toml_5() {
    let man = page("assigner.toml.5");
    let term = |k: &str| format!(".BR {k} \"");

    let top: Vec<_> = toml_keys::<Config>("__unknown__ = 1")
        .into_iter()
        .filter(|k| !matches!(k.as_str(), "delivery" | "profiles" | "pools"))
        .collect();
    assert!(top.contains(&"allowed_group".to_owned()), "{top:?}");
    assert_documented(
        "top-level keys",
        &top,
        section(&man, "TOP-LEVEL KEYS"),
        term,
    );
    section(&man, "[delivery] TABLE");
    section(&man, "[profiles.NAME] TABLES");

    let delivery = toml_keys::<DeliveryConfig>("__unknown__ = 1");
    assert_documented(
        "[delivery] keys",
        &delivery,
        section(&man, "[delivery] TABLE"),
        term,
    );

    let pool = toml_keys::<PoolConfig>("__unknown__ = 1");
    assert!(pool.contains(&"start_limit_burst".to_owned()), "{pool:?}");
    assert_documented(
        "[pools.NAME] keys",
        &pool,
        section(&man, "[pools.NAME] TABLES"),
        term,
    );

    let profiles = section(&man, "[profiles.NAME] TABLES");
    let profile = toml_keys::<ProfileOverride>("__unknown__ = 1");
    assert_documented("[profiles.NAME] keys", &profile, profiles, term);
    let rule = toml_keys::<RuleSpec>("__unknown__ = 1");
    assert_documented("keys of a rule", &rule, profiles, |k| format!(".B {k}"));
}

#[test]
fn every_message_type_is_in_assigner_protocol_7() {
    let man = page("assigner-protocol.7");

    let requests = json_names::<Request>(r#"{"type":"__unknown__"}"#);
    assert!(
        requests.contains(&"import_legacy".to_owned()),
        "{requests:?}"
    );
    assert_documented("requests", &requests, &man, |t| {
        format!("> {{\"type\":\"{t}\"")
    });

    let replies = json_names::<Reply>(r#"{"type":"__unknown__"}"#);
    assert!(replies.contains(&"backed_up".to_owned()), "{replies:?}");
    assert_documented("replies", &replies, &man, |t| {
        format!("< {{\"ok\":true,\"type\":\"{t}\"")
    });

    let kinds = json_names::<ErrorKind>(r#""__unknown__""#);
    assert_documented("error kinds", &kinds, section(&man, "ERROR KINDS"), |k| {
        format!(".B {k}")
    });
}

#[test]
fn every_failure_kind_and_history_event_is_in_assigner_protocol_7() {
    let man = page("assigner-protocol.7");
    let show = section(&man, "REQUESTS");
    let kinds = json_names::<assigner::model::FailureKind>(r#""__unknown__""#);
    assert_documented("failure kinds", &kinds, show, |k| format!(".B {k}"));
    // roff escapes the hyphens of the event names.
    let events = show.replace("\\-", "-");
    let missing: Vec<&str> = assigner::model::HistoryEvent::ALL
        .iter()
        .map(|e| e.as_str())
        .filter(|e| {
            !events
                .split(|c: char| c == ',' || c == '.' || c.is_whitespace())
                .any(|w| w == *e)
        })
        .collect();
    assert!(
        missing.is_empty(),
        "history events not documented: {missing:?}"
    );
}
