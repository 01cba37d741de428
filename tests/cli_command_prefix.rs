//! A prompt starting with `/` or `!` is a command to most agents (`/help`
//! opens an overlay, `!cmd` runs a shell command): `send` refuses it when
//! its route could reach such an agent, unless it is sent raw
//! (assignerctl(1), COMMAND PREFIXES).
#![allow(
    clippy::unwrap_used,
    reason = "test code: a panic is how a test fails (clippy.toml)"
)]

mod common;

use common::{TestDaemon, error_kind};

fn stderr(out: &std::process::Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

#[test]
fn send_refuses_a_command_prefix_unless_raw() {
    let d = TestDaemon::start();
    for args in [
        vec!["send", "/help"],
        vec!["send", "!rm -rf build"],
        vec!["send", "--provider", "claude", "/compact"],
        vec!["send", "--target", "claude-1", "/clear"],
        vec!["send", "--provider", "shell", "--fallback", "gemini", "!ls"],
    ] {
        let out = d.ctl(&args);
        assert_eq!(out.status.code(), Some(65), "{args:?}: {}", stderr(&out));
        let err = stderr(&out);
        assert!(
            err.contains("--raw") && err.contains("bad_request"),
            "{err}"
        );
    }
    assert!(
        d.ctl_ok(&["prompts"]).trim().lines().count() <= 1,
        "nothing queued"
    );
    let id = d.send(&["--raw", "/help"]);
    assert_eq!(
        d.ctl_json(&["show", &id.to_string()])["prompt"]["text"],
        "/help"
    );
    d.send(&["--provider", "shell", "/usr/bin/make test"]);
    d.send(&["--provider", "ollama", "!not a command there"]);
    d.send(&["fix the bug in a/b.rs!"]);
}

#[test]
fn raw_socket_sends_follow_the_same_rule() {
    let d = TestDaemon::start();
    let mut c = d.raw();
    let v = c.call(r#"{"type":"send","prompt":{"text":"!make deploy"}}"#);
    assert_eq!(error_kind(&v), "bad_request", "{v}");
    let msg = v["error"]["message"].as_str().unwrap();
    assert!(
        msg.contains("shell command") && msg.contains("\"raw\": true"),
        "{msg}"
    );
    let v = c.call(r#"{"type":"send","prompt":{"text":"!make deploy"},"raw":true}"#);
    assert_eq!(v["ok"], true, "{v}");
    let v = c.call(r#"{"type":"send","prompt":{"text":"/help","provider":"shell"}}"#);
    assert_eq!(v["ok"], true, "{v}");
}
