//! The queue commands of `assignerctl` end to end against a real daemon:
//! `send` from argument, file and stdin and its refusals, `cancel`,
//! `retry`, `reassign`, `clear`, `prompts`, `show`, `watch`, their exit
//! codes, and many clients sending at once.

use std::collections::HashSet;

use super::stderr;
use crate::common::{TestDaemon, WAIT, wait_until};
use assigner::protocol::PromptStatus;

/// `send -` reads standard input, as `--file -` does, and keeps the text
/// exactly as read (assignerctl(1), PROMPT TEXT): trailing newlines stay.
#[test]
fn send_dash_reads_stdin_and_keeps_the_text_as_read() {
    let d = TestDaemon::start();
    let out = d.ctl_stdin(&["send", "-"], Some(b"a\nb\n"));
    assert!(out.status.success(), "{}", stderr(&out));
    let id = String::from_utf8(out.stdout).unwrap().trim().to_owned();
    assert_eq!(d.ctl_json(&["show", &id])["prompt"]["text"], "a\nb\n");
    let out = d.ctl_stdin(&["send", "--file", "-"], Some(b"a\nb\n"));
    assert!(out.status.success(), "{}", stderr(&out));
    let id = String::from_utf8(out.stdout).unwrap().trim().to_owned();
    assert_eq!(d.ctl_json(&["show", &id])["prompt"]["text"], "a\nb\n");
}

#[test]
fn send_from_argument_file_and_stdin() {
    let d = TestDaemon::start();
    let a = d.send(&[
        "fix the flaky test",
        "--provider",
        "claude",
        "--priority",
        "7",
    ]);
    let file = d.dir.path().join("prompt.txt");
    std::fs::write(&file, "from a file\nsecond line\n").unwrap();
    let b = d.send(&["-f", file.to_str().unwrap(), "--target", "dev"]);
    let out = d.ctl_stdin(
        &[
            "send",
            "--env",
            "CI=1",
            "--prereq",
            "git pull",
            "--after",
            &a.to_string(),
        ],
        Some("from\tstdin".as_bytes()),
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let c: i64 = String::from_utf8(out.stdout)
        .unwrap()
        .trim()
        .parse()
        .unwrap();
    assert_eq!((a, b, c), (1, 2, 3));

    let shown = d.ctl_json(&["show", "1"]);
    assert_eq!(shown["prompt"]["text"], "fix the flaky test");
    assert_eq!(shown["prompt"]["provider"], "claude");
    assert_eq!(shown["prompt"]["priority"], 7);
    assert_eq!(shown["history"][0]["event"], "queued");
    assert_eq!(
        d.ctl_json(&["show", "2"])["prompt"]["text"],
        "from a file\nsecond line\n"
    );
    let third = d.ctl_json(&["show", "3"])["prompt"].clone();
    assert_eq!(third["text"], "from\tstdin");
    assert_eq!(third["env"]["CI"], "1");
    assert_eq!(third["prereqs"][0], "git pull");
    assert_eq!(third["after"][0], 1);

    let table = d.ctl_ok(&["prompts"]);
    let header = table.lines().next().unwrap();
    assert!(header.starts_with("ID  STATUS   PRI  ROUTE"), "{table}");
    assert!(
        table.contains("=dev") && table.contains("claude"),
        "{table}"
    );
    let human = d.ctl_ok(&["show", "2"]);
    assert!(
        human.contains("--- history ---") && human.contains("queued"),
        "{human}"
    );
}

#[test]
fn send_rejects_bad_prompts_with_clear_messages() {
    let d = TestDaemon::start();
    for (args, input, needle) in [
        (vec!["send", ""], None, "empty"),
        (vec!["send", "bell\u{7}"], None, "U+0007"),
        (vec!["send"], Some("   \n"), "empty"),
        (vec!["send", "x", "--priority", "11"], None, "11"),
        (
            vec!["send", "x", "--timeout", "0"],
            None,
            "0 is not in 1..=1440",
        ),
        (vec!["send", "x", "--timeout", "1441"], None, "1..=1440"),
        (
            vec!["send", "x", "--max-retries", "21"],
            None,
            "21 is not in 0..=20",
        ),
        (vec!["send", "x", "--env", "NOEQUALS"], None, "NAME=VALUE"),
        (
            vec!["send", "x", "--env", "A;touch pwned;B=1"],
            None,
            "environment variable name \"A;touch pwned;B\" is not valid",
        ),
        (
            vec!["send", "x", "--after", "99"],
            None,
            "prompt 99 does not exist",
        ),
        (
            vec!["send", "-f", "/nonexistent/prompt.txt"],
            None,
            "cannot read",
        ),
    ] {
        let out = d.ctl_stdin(&args, input.map(str::as_bytes));
        assert!(!out.status.success(), "{args:?} should fail");
        let err = stderr(&out);
        let first = err.lines().next().unwrap_or_default();
        assert!(
            first.contains(needle),
            "{args:?}: the first line should say why: {err}"
        );
    }
    assert_eq!(d.ctl_json(&["status"])["status"]["prompts"]["pending"], 0);
}

#[test]
fn queue_management_and_exit_codes() {
    let d = TestDaemon::start();
    let id = d.send(&["one"]);
    let out = d.ctl(&["retry", "1"]);
    assert_eq!(out.status.code(), Some(75), "conflict: {}", stderr(&out));
    assert!(stderr(&out).contains("prompt 1 is pending"));
    d.ctl_ok(&["cancel", "1"]);
    assert_eq!(d.status_of(id), PromptStatus::Cancelled);
    assert_eq!(d.ctl(&["cancel", "1"]).status.code(), Some(75));
    assert_eq!(d.ctl(&["cancel", "42"]).status.code(), Some(66));
    d.ctl_ok(&["retry", "1"]);
    assert_eq!(d.status_of(id), PromptStatus::Pending);
    let out = d.ctl_json(&["reassign", "1", "--to", "review-codex"]);
    assert_eq!(out["to"], "review-codex");
    assert_eq!(
        d.ctl_json(&["show", "1"])["prompt"]["target"],
        "review-codex"
    );
    let events: Vec<String> = d.ctl_json(&["show", "1"])["history"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h["event"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(events, ["queued", "cancelled", "retried", "reassigned"]);
    assert_eq!(
        d.ctl_json(&["retry", "--all"])["ids"],
        serde_json::json!([])
    );
    d.ctl_ok(&["cancel", "1"]);
    assert_eq!(d.ctl_json(&["clear", "--days", "1"])["deleted"], 0);
    assert_eq!(d.ctl_json(&["clear"])["deleted"], 1);
    assert_eq!(d.ctl(&["show", "1"]).status.code(), Some(66));
    let out = d.ctl(&["prompts", "--status", "bogus"]);
    assert_eq!(out.status.code(), Some(2), "clap usage error");
    let out = d.ctl(&["complete"]);
    assert_eq!(out.status.code(), Some(64));
}

#[test]
fn twenty_clients_fifty_prompts_each() {
    let d = TestDaemon::start();
    let socket = d.socket.clone();
    let handles: Vec<_> = (0..20)
        .map(|c| {
            let socket = socket.clone();
            std::thread::spawn(move || {
                let mut client = crate::common::RawClient::connect(&socket);
                (0..50)
                    .map(|i| {
                        let v = client.call(&format!(
                            r#"{{"type":"send","prompt":{{"text":"client {c} prompt {i}"}}}}"#
                        ));
                        v["id"].as_i64().expect("id")
                    })
                    .collect::<Vec<_>>()
            })
        })
        .collect();
    let ids: Vec<i64> = handles
        .into_iter()
        .flat_map(|h| h.join().unwrap())
        .collect();
    let unique: HashSet<i64> = ids.iter().copied().collect();
    assert_eq!((ids.len(), unique.len()), (1000, 1000));
    let listed = d.ctl_json(&["prompts", "--limit", "5000"]);
    let prompts = listed["prompts"].as_array().unwrap();
    assert_eq!(prompts.len(), 1000);
    let texts: HashSet<&str> = prompts
        .iter()
        .map(|p| p["preview"].as_str().unwrap())
        .collect();
    assert_eq!(texts.len(), 1000);
    // Every prompt has its complete history: exactly one "queued" row.
    let conn = rusqlite::Connection::open(&d.db).unwrap();
    let bad: i64 = conn
        .query_row(
            "SELECT count(*) FROM prompts p WHERE (SELECT count(*) FROM history h
             WHERE h.prompt_id = p.id AND h.event = 'queued') != 1",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(bad, 0);
}

#[test]
fn watch_streams_events_until_the_client_leaves() {
    let d = TestDaemon::start();
    let mut w = d.raw();
    assert_eq!(w.call(r#"{"type":"watch"}"#)["type"], "watching");
    let id = d.send(&["watched prompt"]);
    d.ctl_ok(&["cancel", &id.to_string()]);
    let first = w.read();
    assert_eq!(
        (first["type"].as_str(), first["event"]["event"].as_str()),
        (Some("event"), Some("queued"))
    );
    assert_eq!(first["event"]["id"], id);
    assert_eq!(w.read()["event"]["event"], "cancelled");
    drop(w);
    // The daemon carries on serving.
    assert!(wait_until(WAIT, || d.ctl(&["status"]).status.success()));
}
