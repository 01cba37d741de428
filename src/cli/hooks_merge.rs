//! The merge behind `assignerctl hooks`: Claude Code's and Gemini CLI's
//! settings hold, under `hooks`, a list of groups per event, each with a
//! list of hook commands. Ours are told apart by their command, so other
//! hooks, other groups and every other key stay as they are, in their
//! order.

use serde_json::{Map, Value, json};

/// Claude Code's events whose hooks report a finished turn.
pub const CLAUDE_EVENTS: &[&str] = &["Stop", "StopFailure"];

/// Gemini CLI's: `AfterAgent` fires once a turn's final answer is there.
pub const GEMINI_EVENTS: &[&str] = &["AfterAgent"];

/// A hook command that reports to assigner, installed by any version.
pub fn is_ours(hook: &Value) -> bool {
    hook.get("command")
        .and_then(Value::as_str)
        .is_some_and(|c| c.contains("assignerctl") && c.contains(" complete --pane"))
}

/// Adds a hook running `command` to each of `events`; a hook of an
/// earlier install with another command is replaced. Returns whether
/// anything changed.
pub fn install(settings: &mut Value, events: &[&str], command: &str) -> Result<bool, String> {
    let hooks = hooks_of(settings)?;
    let mut changed = false;
    for &event in events {
        let groups = hooks
            .entry(event)
            .or_insert_with(|| Value::Array(Vec::new()))
            .as_array_mut()
            .ok_or_else(|| format!("hooks.{event} is not a list"))?;
        let present = groups
            .iter()
            .any(|g| group_hooks(g).is_some_and(|hs| hs.iter().any(|h| h["command"] == command)));
        if present {
            continue;
        }
        drop_ours(groups);
        groups.push(json!({"hooks": [{"type": "command", "command": command}]}));
        changed = true;
    }
    Ok(changed)
}

/// Removes every assigner hook of `events`; events and a `hooks` key left
/// empty go too. Returns whether anything changed.
pub fn uninstall(settings: &mut Value, events: &[&str]) -> Result<bool, String> {
    let Some(obj) = settings.as_object_mut() else {
        return Err("the settings are not a JSON object".into());
    };
    let Some(hooks) = obj.get_mut("hooks").and_then(Value::as_object_mut) else {
        return Ok(false);
    };
    let mut changed = false;
    for &event in events {
        let Some(groups) = hooks.get_mut(event).and_then(Value::as_array_mut) else {
            continue;
        };
        changed |= drop_ours(groups);
        if groups.is_empty() {
            hooks.remove(event);
        }
    }
    if hooks.is_empty() {
        obj.remove("hooks");
    }
    Ok(changed)
}

/// The `hooks` object, created when missing.
fn hooks_of(settings: &mut Value) -> Result<&mut Map<String, Value>, String> {
    settings
        .as_object_mut()
        .ok_or("the settings are not a JSON object")?
        .entry("hooks")
        .or_insert_with(|| Value::Object(Map::new()))
        .as_object_mut()
        .ok_or_else(|| "hooks is not an object".into())
}

fn group_hooks(group: &Value) -> Option<&Vec<Value>> {
    group.get("hooks").and_then(Value::as_array)
}

/// Removes assigner hooks from `groups`, and the groups they leave empty.
fn drop_ours(groups: &mut Vec<Value>) -> bool {
    let before = groups.len();
    let mut removed = false;
    for g in groups.iter_mut() {
        if let Some(hs) = g.get_mut("hooks").and_then(Value::as_array_mut) {
            let n = hs.len();
            hs.retain(|h| !is_ours(h));
            removed |= hs.len() != n;
        }
    }
    groups.retain(|g| group_hooks(g).is_none_or(|hs| !hs.is_empty()));
    removed || groups.len() != before
}

#[cfg(test)]
mod tests {
    use super::*;

    const CMD: &str = "/usr/bin/assignerctl complete --pane \"$TMUX_PANE\" --from-hook claude >/dev/null 2>&1 || true";

    fn commands(v: &Value, event: &str) -> Vec<String> {
        v["hooks"][event]
            .as_array()
            .into_iter()
            .flatten()
            .flat_map(|g| g["hooks"].as_array().cloned().unwrap_or_default())
            .filter_map(|h| h["command"].as_str().map(str::to_owned))
            .collect()
    }

    #[test]
    fn install_into_nothing() {
        let mut v = json!({});
        assert!(install(&mut v, CLAUDE_EVENTS, CMD).unwrap());
        assert_eq!(commands(&v, "Stop"), [CMD]);
        assert_eq!(commands(&v, "StopFailure"), [CMD]);
    }

    #[test]
    fn install_keeps_other_keys_and_hooks_and_is_idempotent() {
        let mut v = json!({
            "model": "opus",
            "hooks": {
                "Stop": [{"hooks": [{"type": "command", "command": "notify-send done"}]}],
                "PreToolUse": [{"matcher": "Bash", "hooks": [{"type": "command", "command": "audit"}]}]
            },
            "permissions": {"allow": ["Bash(ls)"]}
        });
        assert!(install(&mut v, CLAUDE_EVENTS, CMD).unwrap());
        let once = v.clone();
        assert!(!install(&mut v, CLAUDE_EVENTS, CMD).unwrap());
        assert_eq!(v, once);
        assert_eq!(commands(&v, "Stop"), ["notify-send done", CMD]);
        assert_eq!(commands(&v, "PreToolUse"), ["audit"]);
        assert_eq!(v["model"], "opus");
        assert_eq!(v["permissions"]["allow"][0], "Bash(ls)");
        let keys: Vec<&String> = v.as_object().unwrap().keys().collect();
        assert_eq!(keys, ["model", "hooks", "permissions"]);
    }

    #[test]
    fn install_replaces_an_earlier_assigner_hook() {
        let old = "assignerctl complete --pane \"$TMUX_PANE\" 2>/dev/null || true";
        let mut v = json!({"hooks": {"Stop": [{"hooks": [{"type": "command", "command": old}]}]}});
        assert!(install(&mut v, CLAUDE_EVENTS, CMD).unwrap());
        assert_eq!(commands(&v, "Stop"), [CMD]);
    }

    #[test]
    fn uninstall_removes_only_its_own() {
        let mut v = json!({
            "hooks": {
                "Stop": [{"hooks": [
                    {"type": "command", "command": "notify-send done"},
                    {"type": "command", "command": CMD}
                ]}],
                "StopFailure": [{"hooks": [{"type": "command", "command": CMD}]}],
                "PreToolUse": [{"matcher": "Bash", "hooks": [{"type": "command", "command": "audit"}]}]
            },
            "model": "opus"
        });
        assert!(uninstall(&mut v, CLAUDE_EVENTS).unwrap());
        assert_eq!(commands(&v, "Stop"), ["notify-send done"]);
        assert!(v["hooks"].get("StopFailure").is_none());
        assert_eq!(commands(&v, "PreToolUse"), ["audit"]);
        assert!(!uninstall(&mut v, CLAUDE_EVENTS).unwrap());
        let mut fresh = json!({"model": "opus"});
        install(&mut fresh, CLAUDE_EVENTS, CMD).unwrap();
        assert!(uninstall(&mut fresh, CLAUDE_EVENTS).unwrap());
        assert_eq!(fresh, json!({"model": "opus"}));
    }

    #[test]
    fn settings_of_the_wrong_shape_are_refused() {
        assert!(install(&mut json!([]), CLAUDE_EVENTS, CMD).is_err());
        assert!(install(&mut json!({"hooks": []}), CLAUDE_EVENTS, CMD).is_err());
        assert!(install(&mut json!({"hooks": {"Stop": {}}}), CLAUDE_EVENTS, CMD).is_err());
    }

    #[test]
    fn gemini_gets_after_agent_and_keeps_claude_events_alone() {
        let gemini = CMD.replace("claude", "gemini");
        let mut v = json!({
            "general": {"enableAutoUpdate": false},
            "hooks": {"AfterAgent": [{"matcher": "*", "hooks": [{"type": "command", "command": "log-turn"}]}]}
        });
        assert!(install(&mut v, GEMINI_EVENTS, &gemini).unwrap());
        assert_eq!(commands(&v, "AfterAgent"), ["log-turn", gemini.as_str()]);
        assert!(v["hooks"].get("Stop").is_none());
        assert_eq!(v["general"]["enableAutoUpdate"], false);
        assert!(uninstall(&mut v, GEMINI_EVENTS).unwrap());
        assert_eq!(commands(&v, "AfterAgent"), ["log-turn"]);
    }
}
