//! Control characters in a request's text fields: refused on the wire and
//! by `assignerctl`, and escaped on output when a row holds them anyway
//! (one written before the rule, or imported), so no escape sequence from
//! a client reaches an operator's terminal.
#![allow(
    clippy::unwrap_used,
    reason = "test code: a panic is how a test fails (clippy.toml)"
)]

mod common;

use common::{TestDaemon, error_kind};

#[test]
fn control_characters_in_any_text_field_are_refused() {
    let d = TestDaemon::start();
    let mut c = d.raw();
    let esc = r"\u001b[201~";
    let cases = [
        format!(r#"{{"type":"send","prompt":{{"text":"x","target":"a{esc}"}}}}"#),
        format!(r#"{{"type":"send","prompt":{{"text":"x","provider":"{esc}"}}}}"#),
        format!(r#"{{"type":"send","prompt":{{"text":"x","source":"{esc}"}}}}"#),
        format!(r#"{{"type":"send","prompt":{{"text":"x","branch":"main{esc}"}}}}"#),
        format!(r#"{{"type":"send","prompt":{{"text":"x","working_dir":"/tmp{esc}"}}}}"#),
        format!(r#"{{"type":"send","prompt":{{"text":"x","fallback":["codex{esc}"]}}}}"#),
        r#"{"type":"send","prompt":{"text":"x","prereqs":["true\ntouch pwned"]}}"#.into(),
        r#"{"type":"send","prompt":{"text":"x","env":{"A":"1\u0003"}}}"#.into(),
        r#"{"type":"send","prompt":{"text":"x","env":{"A":"\u009b31m"}}}"#.into(),
        r#"{"type":"reassign","id":1,"to":"s\u0007"}"#.into(),
        r#"{"type":"complete","pane":"%1","error":"bad\u001b]0;x\u0007"}"#.into(),
        r#"{"type":"explain","session":"\u001bc"}"#.into(),
    ];
    for line in &cases {
        let v = c.call(line);
        assert_eq!(error_kind(&v), "bad_request", "{line} -> {v}");
        let msg = v["error"]["message"].as_str().unwrap();
        assert!(msg.contains("control character U+00"), "{line}: {msg}");
    }
    let out = d.ctl(&["send", "x", "--target", "a\u{1b}[2J"]);
    assert_eq!(out.status.code(), Some(64), "{out:?}");
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("target contains control character U+001B"),
        "{err}"
    );
    // Nothing was queued; quotes, `$()`, backticks and `;` are fine.
    assert_eq!(d.ctl_json(&["status"])["status"]["prompts"]["pending"], 0);
    d.send(&["x", "--env", "A=it's \"$(id)\" `id`; \\"]);
}

#[test]
fn prompts_and_show_escape_what_a_row_already_holds() {
    let d = TestDaemon::start();
    let id = d.send(&["hello", "--target", "t", "--env", "A=1"]);
    let conn = rusqlite::Connection::open(&d.db).unwrap();
    conn.busy_timeout(std::time::Duration::from_secs(10))
        .unwrap();
    conn.execute(
        "UPDATE prompts SET target_session = 'evil\x1b]0;pwned\x07', \
         env_vars = '{\"A\":\"\\u001b[201~\"}', error = 'line\x1b[2J\u{9b}1m' WHERE id = ?1",
        [id],
    )
    .unwrap();
    for args in [vec!["prompts"], vec!["show", &id.to_string()]] {
        let out = d.ctl_ok(&args);
        assert!(
            !out.chars().any(|c| c.is_control() && c != '\n'),
            "{args:?} printed a control character: {out:?}"
        );
        assert!(out.contains(r"evil\x1b]0;pwned\x07"), "{args:?}: {out}");
    }
    let shown = d.ctl_ok(&["show", &id.to_string()]);
    assert!(shown.contains(r"A=\x1b[201~"), "{shown}");
    assert!(shown.contains(r"line\x1b[2J\u{9b}1m"), "{shown}");
    // JSON keeps the stored value exactly, for scripts.
    let v = d.ctl_json(&["show", &id.to_string()]);
    assert_eq!(v["prompt"]["target"], "evil\u{1b}]0;pwned\u{7}");
}
