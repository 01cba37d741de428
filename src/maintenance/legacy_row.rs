//! One prompt row of the original worker, read leniently: its `metadata`
//! column is JSON written by hand-made tools, so it may be missing,
//! malformed, or carry values of the wrong type. Nothing here fails; what
//! cannot be used is kept aside and explained in `notes`.

use std::collections::BTreeMap;

use serde_json::{Map, Value};

use crate::protocol::validate_env_name;

/// Routing and context recovered from the `metadata` JSON.
#[derive(Debug, Default, PartialEq)]
pub struct Context {
    /// `working_dir`.
    pub working_dir: Option<String>,
    /// `env_vars`.
    pub env: BTreeMap<String, String>,
    /// `prerequisites` (commands).
    pub prereqs: Vec<String>,
    /// `git_branch`.
    pub branch: Option<String>,
    /// `preferred_providers`.
    pub providers: Vec<String>,
    /// `fallback_providers`.
    pub fallback: Vec<String>,
    /// `allow_fallback`.
    pub allow_fallback: bool,
    /// Keys assigner has no column for, or raw text that was not JSON.
    pub extra: Option<Value>,
    /// What could not be used, for the prompt's history.
    pub notes: Vec<String>,
}

/// Maps the original worker's provider routing onto assigner's tiers
/// (assignerctl(1), ROUTING), so an imported prompt can reach exactly the
/// sessions it could reach before.
///
/// The original built its provider order from `fallback_providers` only
/// when the row had a `target_provider`. Without one it used the preferred
/// providers when given, and otherwise its default order, falling back to
/// any session when nothing matched. assigner reads fallbacks as "after the
/// primary providers", and with no primary provider they only order the
/// choice: the one case that differs is preferred providers without a
/// target provider, whose fallback list the original never tried. It is
/// dropped here, with a note in the prompt's history.
pub fn original_routing(target_provider: Option<&str>, ctx: &mut Context) {
    if target_provider.is_none() && !ctx.providers.is_empty() && !ctx.fallback.is_empty() {
        ctx.notes.push(format!(
            "fallback_providers {} dropped: the original worker used them only with a target_provider",
            ctx.fallback.join(",")
        ));
        ctx.fallback.clear();
    }
}

/// Parses the `metadata` column.
pub fn parse_metadata(raw: Option<&str>) -> Context {
    let mut ctx = Context::default();
    let Some(raw) = raw.map(str::trim).filter(|r| !r.is_empty() && *r != "null") else {
        return ctx;
    };
    let Ok(Value::Object(mut map)) = serde_json::from_str::<Value>(raw) else {
        ctx.notes
            .push("metadata was not a JSON object; kept as text".into());
        ctx.extra = Some(serde_json::json!({ "legacy_metadata": raw }));
        return ctx;
    };
    ctx.working_dir = take_string(&mut map, "working_dir", &mut ctx.notes);
    ctx.branch = take_string(&mut map, "git_branch", &mut ctx.notes);
    ctx.prereqs = take_list(&mut map, "prerequisites", &mut ctx.notes);
    ctx.providers = take_list(&mut map, "preferred_providers", &mut ctx.notes);
    ctx.fallback = take_list(&mut map, "fallback_providers", &mut ctx.notes);
    ctx.allow_fallback = match map.remove("allow_fallback") {
        None | Some(Value::Null) => false,
        Some(Value::Bool(b)) => b,
        Some(Value::Number(n)) => n.as_i64().is_some_and(|n| n != 0),
        Some(Value::String(s)) => matches!(s.to_ascii_lowercase().as_str(), "true" | "yes" | "1"),
        Some(other) => {
            ctx.notes
                .push(format!("allow_fallback {other} not understood; off"));
            false
        }
    };
    match map.remove("env_vars") {
        None | Some(Value::Null) => {}
        Some(Value::Object(env)) => {
            for (k, v) in env {
                match (scalar(&v), validate_env_name(&k)) {
                    (Some(v), Ok(())) => {
                        ctx.env.insert(k, v);
                    }
                    (None, _) => ctx.notes.push(format!("env_vars entry '{k}' dropped")),
                    (Some(_), Err(e)) => ctx.notes.push(format!("env_vars entry dropped: {e}")),
                }
            }
        }
        Some(other) => ctx
            .notes
            .push(format!("env_vars {other} is not an object; dropped")),
    }
    if !map.is_empty() {
        ctx.extra = Some(Value::Object(map));
    }
    ctx
}

fn scalar(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

fn take_string(map: &mut Map<String, Value>, key: &str, notes: &mut Vec<String>) -> Option<String> {
    match map.remove(key)? {
        Value::Null => None,
        v => scalar(&v).filter(|s| !s.is_empty()).or_else(|| {
            notes.push(format!("{key} {v} is not text; dropped"));
            None
        }),
    }
}

/// A list of strings; a single string is split on commas (the worker's
/// command line took `--providers a,b`).
fn take_list(map: &mut Map<String, Value>, key: &str, notes: &mut Vec<String>) -> Vec<String> {
    match map.remove(key) {
        None | Some(Value::Null) => Vec::new(),
        Some(Value::String(s)) => s
            .split(',')
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(String::from)
            .collect(),
        Some(Value::Array(items)) => items
            .iter()
            .filter_map(|v| {
                let s = scalar(v);
                if s.is_none() {
                    notes.push(format!("{key} item {v} dropped"));
                }
                s
            })
            .collect(),
        Some(other) => {
            notes.push(format!("{key} {other} is not a list; dropped"));
            Vec::new()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn full_metadata_maps_onto_columns() {
        let c = parse_metadata(Some(
            r#"{"working_dir":"/src","env_vars":{"A":"1","N":2},"prerequisites":["make"],
               "git_branch":"main","preferred_providers":["claude"],"fallback_providers":"codex, gemini",
               "allow_fallback":true,"ticket":"X-1"}"#,
        ));
        assert_eq!(c.working_dir.as_deref(), Some("/src"));
        assert_eq!(c.env["N"], "2");
        assert_eq!(c.prereqs, ["make"]);
        assert_eq!(c.fallback, ["codex", "gemini"]);
        assert!(c.allow_fallback);
        assert_eq!(c.extra, Some(serde_json::json!({"ticket": "X-1"})));
        assert!(c.notes.is_empty(), "{:?}", c.notes);
    }

    #[test]
    fn missing_malformed_and_mistyped_metadata_never_fail() {
        assert_eq!(parse_metadata(None), Context::default());
        assert_eq!(parse_metadata(Some("null")), Context::default());
        let bad = parse_metadata(Some("{not json"));
        assert_eq!(
            bad.extra,
            Some(serde_json::json!({"legacy_metadata": "{not json"}))
        );
        assert_eq!(bad.notes.len(), 1);
        let list = parse_metadata(Some("[1,2]"));
        assert!(list.extra.is_some());
        let typed = parse_metadata(Some(
            r#"{"env_vars":[1],"prerequisites":{"a":1},"working_dir":{"x":1},"allow_fallback":[]}"#,
        ));
        assert!(typed.env.is_empty() && typed.prereqs.is_empty() && typed.working_dir.is_none());
        assert_eq!(typed.notes.len(), 4, "{:?}", typed.notes);
    }

    #[test]
    fn env_names_a_shell_would_misread_are_dropped_with_a_note() {
        let c = parse_metadata(Some(r#"{"env_vars":{"OK_1":"x","A;touch pwned;B":"1"}}"#));
        assert_eq!(c.env.keys().collect::<Vec<_>>(), ["OK_1"]);
        assert_eq!(c.notes.len(), 1, "{:?}", c.notes);
        assert!(c.notes[0].contains("A;touch pwned;B"), "{:?}", c.notes);
    }
}
