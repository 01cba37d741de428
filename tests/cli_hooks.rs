//! `assignerctl hooks install|uninstall claude|codex|gemini` with the real binary on a
//! temporary HOME, and the installed hook run as Claude Code runs it: a
//! shell command with the payload on stdin and `$TMUX_PANE` set.
#![allow(
    clippy::unwrap_used,
    reason = "test code: a panic is how a test fails (clippy.toml)"
)]

mod common;

use std::io::Write;
use std::path::Path;
use std::process::{Command, Output, Stdio};

use common::Fleet;
use serde_json::{Value, json};

fn hooks(home: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_assignerctl"))
        .arg("hooks")
        .args(args)
        .env("HOME", home)
        .env_remove("CLAUDE_CONFIG_DIR")
        .env_remove("GEMINI_CLI_HOME")
        .output()
        .unwrap()
}

fn ok(out: Output) -> String {
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

fn read(path: &Path) -> Value {
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

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
fn install_merges_is_idempotent_and_uninstall_restores() {
    let home = tempfile::tempdir().unwrap();
    let settings = home.path().join(".claude/settings.json");
    std::fs::create_dir_all(settings.parent().unwrap()).unwrap();
    let before = json!({
        "model": "opus",
        "hooks": {"Stop": [{"hooks": [{"type": "command", "command": "notify-send done"}]}]},
        "env": {"DISABLE_TELEMETRY": "1"}
    });
    std::fs::write(&settings, serde_json::to_string_pretty(&before).unwrap()).unwrap();

    assert!(ok(hooks(home.path(), &["install", "claude"])).contains("installed"));
    let once = std::fs::read(&settings).unwrap();
    let v = read(&settings);
    assert_eq!(v["model"], "opus");
    assert_eq!(v["env"], before["env"]);
    let stop = commands(&v, "Stop");
    assert_eq!(stop.len(), 2, "{stop:?}");
    assert_eq!(stop[0], "notify-send done");
    assert!(stop[1].contains("complete --pane \"$TMUX_PANE\" --from-hook claude"));
    assert_eq!(commands(&v, "StopFailure"), [stop[1].clone()]);

    assert!(ok(hooks(home.path(), &["install", "claude"])).contains("already"));
    assert_eq!(
        std::fs::read(&settings).unwrap(),
        once,
        "installing twice adds nothing"
    );

    assert!(ok(hooks(home.path(), &["uninstall", "claude"])).contains("removed"));
    assert_eq!(read(&settings), before);
    assert!(ok(hooks(home.path(), &["uninstall", "claude"])).contains("no assigner hook"));
}

#[test]
fn project_and_explicit_settings_and_bad_json() {
    let home = tempfile::tempdir().unwrap();
    let project = home.path().join("proj");
    ok(hooks(
        home.path(),
        &["install", "claude", "--project", project.to_str().unwrap()],
    ));
    let v = read(&project.join(".claude/settings.json"));
    assert_eq!(commands(&v, "Stop").len(), 1);
    assert!(
        !home.path().join(".claude").exists(),
        "the user's settings untouched"
    );

    let bad = home.path().join("bad.json");
    std::fs::write(&bad, "{ not json").unwrap();
    let out = hooks(
        home.path(),
        &["install", "claude", "--settings", bad.to_str().unwrap()],
    );
    assert_eq!(out.status.code(), Some(65));
    assert!(String::from_utf8_lossy(&out.stderr).contains("not valid JSON"));
    assert_eq!(
        std::fs::read_to_string(&bad).unwrap(),
        "{ not json",
        "left as it was"
    );
}

/// Gemini CLI's user settings are `~/.gemini/settings.json`, or in
/// `$GEMINI_CLI_HOME/.gemini/` (a home of its own, not a config dir); a
/// project's are `DIR/.gemini/settings.json`. Only AfterAgent is touched.
#[test]
fn gemini_settings_get_an_after_agent_hook() {
    let home = tempfile::tempdir().unwrap();
    let settings = home.path().join(".gemini/settings.json");
    std::fs::create_dir_all(settings.parent().unwrap()).unwrap();
    let before = json!({"general": {"enableAutoUpdate": false}, "hooks": {"BeforeTool": []}});
    std::fs::write(&settings, before.to_string()).unwrap();
    ok(hooks(home.path(), &["install", "gemini"]));
    let v = read(&settings);
    let installed = commands(&v, "AfterAgent");
    assert!(
        installed[0].ends_with("--from-hook gemini >/dev/null 2>&1 || true"),
        "{v}"
    );
    assert_eq!(v["general"], before["general"]);
    assert!(v["hooks"].get("Stop").is_none(), "{v}");
    ok(hooks(home.path(), &["uninstall", "gemini"]));
    assert_eq!(read(&settings), before);

    let other = home.path().join("gemini-home");
    let out = Command::new(env!("CARGO_BIN_EXE_assignerctl"))
        .args(["hooks", "install", "gemini"])
        .env("HOME", home.path())
        .env("GEMINI_CLI_HOME", &other)
        .output()
        .unwrap();
    ok(out);
    assert_eq!(
        commands(&read(&other.join(".gemini/settings.json")), "AfterAgent").len(),
        1
    );
    let project = home.path().join("proj");
    let project_arg = project.to_str().unwrap();
    ok(hooks(
        home.path(),
        &["install", "gemini", "--project", project_arg],
    ));
    assert_eq!(
        commands(&read(&project.join(".gemini/settings.json")), "AfterAgent").len(),
        1
    );
}

/// A temporary HOME with the hooks of `agent` installed for `f`'s daemon.
fn installed_for(f: &Fleet, agent: &str) -> tempfile::TempDir {
    let home = tempfile::tempdir().unwrap();
    let socket = f.d.socket.to_str().unwrap().to_owned();
    let out = Command::new(env!("CARGO_BIN_EXE_assignerctl"))
        .args(["--socket", &socket, "hooks", "install", agent])
        .env("HOME", home.path())
        .env_remove("CLAUDE_CONFIG_DIR")
        .env_remove("CODEX_HOME")
        .output()
        .unwrap();
    ok(out);
    home
}

#[test]
fn the_installed_hook_reports_the_answer() {
    let f = Fleet::with_agents(&["claude-1"]);
    let home = installed_for(&f, "claude");
    let v = read(&home.path().join(".claude/settings.json"));
    let command = commands(&v, "Stop").remove(0);

    let id = f.d.send(&["work that takes a while #busy=60000"]);
    f.wait_status(id, "in_progress");
    let payload = json!({
        "hook_event_name": "Stop",
        "transcript_path": "/nonexistent.jsonl",
        "last_assistant_message": "ANSWER: the hook's own copy",
    });
    let mut sh = Command::new("sh")
        .args(["-c", &command])
        .env("TMUX_PANE", &f.panes["claude-1"])
        .env_remove("ASSIGNER_SOCKET")
        .stdin(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin = sh.stdin.take().unwrap();
    stdin.write_all(payload.to_string().as_bytes()).unwrap();
    drop(stdin);
    assert!(sh.wait().unwrap().success());
    assert_eq!(f.d.status_of(id), "completed");
    assert_eq!(
        f.prompt_field(id, "response"),
        "ANSWER: the hook's own copy"
    );
}

fn codex_notify(config: &Path) -> Vec<String> {
    let text = std::fs::read_to_string(config).unwrap();
    let table: toml::Table = text.parse().unwrap();
    table["notify"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap().to_owned())
        .collect()
}

#[test]
fn codex_notify_is_added_at_the_top_and_removed_again() {
    let home = tempfile::tempdir().unwrap();
    let config = home.path().join(".codex/config.toml");
    std::fs::create_dir_all(config.parent().unwrap()).unwrap();
    let before = "# mine\nmodel = \"gpt-5\"\n\n[tui]\nnotifications = true\n";
    std::fs::write(&config, before).unwrap();
    let install = |args: &[&str]| {
        Command::new(env!("CARGO_BIN_EXE_assignerctl"))
            .args(args)
            .env("HOME", home.path())
            .env_remove("CODEX_HOME")
            .output()
            .unwrap()
    };
    ok(install(&["hooks", "install", "codex"]));
    let once = std::fs::read_to_string(&config).unwrap();
    assert!(once.ends_with(before), "{once}");
    assert_eq!(
        codex_notify(&config)[1..],
        ["complete", "--from-hook", "codex", "--payload"]
    );
    assert!(ok(install(&["hooks", "install", "codex"])).contains("already"));
    assert_eq!(std::fs::read_to_string(&config).unwrap(), once);
    ok(install(&["hooks", "uninstall", "codex"]));
    assert_eq!(std::fs::read_to_string(&config).unwrap(), before);

    let foreign = format!("notify = [\"notify-send\"]\n{before}");
    std::fs::write(&config, &foreign).unwrap();
    let out = install(&["hooks", "install", "codex"]);
    assert_eq!(out.status.code(), Some(65));
    assert!(String::from_utf8_lossy(&out.stderr).contains("only one notify"));
    assert_eq!(std::fs::read_to_string(&config).unwrap(), foreign);
}

#[test]
fn the_installed_codex_notify_reports_the_answer() {
    let f = Fleet::with_agents(&["codex-1"]);
    let home = installed_for(&f, "codex");
    let argv = codex_notify(&home.path().join(".codex/config.toml"));

    let id = f.d.send(&["work that takes a while #busy=60000"]);
    f.wait_status(id, "in_progress");
    // As Codex runs it: the arguments, then the payload as the last one,
    // in the agent's environment (no shell).
    let payload = json!({
        "type": "agent-turn-complete",
        "thread-id": "t1",
        "turn-id": "1",
        "input-messages": ["work that takes a while"],
        "last-assistant-message": "Done: codex's own words",
    });
    let status = Command::new(&argv[0])
        .args(&argv[1..])
        .arg(payload.to_string())
        .env("TMUX_PANE", &f.panes["codex-1"])
        .env_remove("ASSIGNER_SOCKET")
        .stdout(Stdio::null())
        .status()
        .unwrap();
    assert!(status.success());
    assert_eq!(f.d.status_of(id), "completed");
    assert_eq!(f.prompt_field(id, "response"), "Done: codex's own words");
}
