//! Bad input on the control socket: every kind gets a clear error or a
//! clean drop, the daemon stays up, other clients are unaffected, and no
//! prompt is lost or half-written.
#![allow(
    clippy::unwrap_used,
    reason = "test code: a panic is how a test fails (clippy.toml)"
)]

mod common;

use std::io::Write;
use std::os::unix::net::UnixStream;
use std::time::Duration;

use common::{TestDaemon, WAIT, error_kind, wait_until};

#[test]
fn malformed_and_unknown_requests_get_bad_request() {
    let d = TestDaemon::start();
    let mut c = d.raw();
    let cases = [
        ("{not json", "malformed JSON"),
        ("[1,2,3]", "JSON object"),
        ("\"status\"", "JSON object"),
        ("{\"kind\":\"status\"}", "\"type\""),
        ("{\"type\":\"explode\"}", "unknown variant `explode`"),
        (
            "{\"type\":\"cancel\",\"id\":1,\"force\":true}",
            "unknown field `force`",
        ),
        ("{\"type\":\"cancel\",\"id\":\"one\"}", "invalid type"),
        (
            "{\"type\":\"send\",\"prompt\":{\"text\":\"x\",\"prio\":1}}",
            "unknown field `prio`",
        ),
        ("{\"type\":\"send\",\"prompt\":{\"text\":\"\"}}", "empty"),
        (
            "{\"type\":\"send\",\"prompt\":{\"text\":\"a\\u0007b\"}}",
            "U+0007",
        ),
        (
            r#"{"type":"send","prompt":{"text":"x","env":{"A;touch pwned;B":"1"}}}"#,
            "environment variable name \"A;touch pwned;B\" is not valid",
        ),
        (
            r#"{"type":"send","prompt":{"text":"x","timeout_minutes":0}}"#,
            "timeout_minutes 0 is out of range 1-1440",
        ),
        (
            r#"{"type":"send","prompt":{"text":"x","max_retries":4294967295}}"#,
            "max_retries 4294967295 is out of range 0-20",
        ),
        ("{\"type\":\"hello\",\"version\":99}", "version 99"),
    ];
    for (line, needle) in cases {
        let v = c.call(line);
        assert_eq!(error_kind(&v), "bad_request", "{line} -> {v}");
        let msg = v["error"]["message"].as_str().unwrap();
        assert!(msg.contains(needle), "{line}: {msg:?} lacks {needle:?}");
    }
    // The same connection still works, and nothing was stored.
    let v = c.call(r#"{"type":"status"}"#);
    assert_eq!(v["ok"], true);
    assert_eq!(v["status"]["prompts"]["pending"], 0);
    let v = c.call(r#"{"type":"show","id":1}"#);
    assert_eq!(error_kind(&v), "not_found");
}

#[test]
fn oversized_line_is_refused_and_stream_resyncs() {
    let d = TestDaemon::start();
    let mut c = d.raw();
    let mut big = br#"{"type":"send","prompt":{"text":""#.to_vec();
    big.extend(std::iter::repeat_n(b'a', 1024 * 1024 + 10));
    big.extend_from_slice(b"\"}}\n");
    c.write(&big);
    let v = c.read();
    assert_eq!(error_kind(&v), "bad_request");
    assert!(
        v["error"]["message"]
            .as_str()
            .unwrap()
            .contains("exceeds 1048576 bytes")
    );
    let v = c.call(r#"{"type":"send","prompt":{"text":"after the big one"}}"#);
    assert_eq!(v["id"], 1, "{v}");
    let listed = d.ctl_json(&["prompts"]);
    assert_eq!(listed["prompts"].as_array().unwrap().len(), 1);
}

#[test]
fn stalled_and_vanishing_clients_are_dropped_cleanly() {
    let config = format!("{}idle_timeout_secs = 1\n", "scan_interval_ms = 100\n");
    let d = TestDaemon::start_with(&config, &[]);
    // Half a line, then silence: the daemon disconnects it after the idle
    // timeout and stores nothing.
    let mut stalled = d.raw();
    stalled.write(br#"{"type":"send","prompt":{"text":"half"#);
    // Meanwhile another client is served normally.
    let mut other = d.raw();
    assert_eq!(other.call(r#"{"type":"status"}"#)["ok"], true);
    assert!(stalled.closed(), "stalled client was not disconnected");
    // Half a line, then a hang-up.
    let mut gone = UnixStream::connect(&d.socket).unwrap();
    gone.write_all(br#"{"type":"send","prompt":{"text":"never fin"#)
        .unwrap();
    drop(gone);
    // A request, then a hang-up before reading the answer.
    let mut rude = UnixStream::connect(&d.socket).unwrap();
    rude.write_all(b"{\"type\":\"send\",\"prompt\":{\"text\":\"complete one\"}}\n")
        .unwrap();
    drop(rude);
    let ok = wait_until(WAIT, || {
        d.ctl_json(&["prompts"])["prompts"]
            .as_array()
            .unwrap()
            .len()
            == 1
    });
    assert!(ok, "the complete request was not stored exactly once");
    let listed = d.ctl_json(&["prompts"]);
    assert_eq!(listed["prompts"][0]["preview"], "complete one");
    // The daemon is still up for new clients.
    assert_eq!(
        d.raw().call(r#"{"type":"status"}"#)["status"]["prompts"]["pending"],
        1
    );
}

#[test]
fn two_hundred_concurrent_clients() {
    let d = TestDaemon::start();
    let socket = d.socket.clone();
    let handles: Vec<_> = (0..200)
        .map(|i| {
            let socket = socket.clone();
            std::thread::spawn(move || {
                let mut c = common::RawClient::connect(&socket);
                let v = c.call(&format!(
                    r#"{{"type":"send","prompt":{{"text":"client {i}"}}}}"#
                ));
                assert_eq!(v["ok"], true, "{v}");
                let bad = c.call("nonsense");
                assert_eq!(error_kind(&bad), "bad_request");
                v["id"].as_i64().unwrap()
            })
        })
        .collect();
    let mut ids: Vec<i64> = handles.into_iter().map(|h| h.join().unwrap()).collect();
    ids.sort_unstable();
    ids.dedup();
    assert_eq!(ids.len(), 200);
    let counts = d.ctl_json(&["status"]);
    assert_eq!(counts["status"]["prompts"]["pending"], 200);
}

#[test]
fn connections_over_the_cap_are_refused_not_hung() {
    let config = "max_connections = 2\n";
    let d = TestDaemon::start_with(config, &[]);
    // The harness's readiness probe may hold a slot for a moment.
    let served = || {
        common::wait_for(WAIT, "a free connection slot", || {
            let mut c = d.raw();
            c.try_call(r#"{"type":"status"}"#)
                .filter(|v| v["ok"] == true)
                .map(|_| c)
        })
    };
    let a = served();
    let _rest: Vec<_> = (1..2 + common::reserved_slots_for_me())
        .map(|_| served())
        .collect();
    let mut c = d.raw();
    let v = c.read();
    assert_eq!(error_kind(&v), "unavailable");
    drop(a);
    let ok = wait_until(Duration::from_secs(10), || {
        let mut again = d.raw();
        again
            .try_call(r#"{"type":"status"}"#)
            .is_some_and(|v| v["ok"] == true)
    });
    assert!(ok, "a freed slot was not reused");
}

#[test]
fn a_client_that_never_reads_its_answers_is_dropped() {
    let config = "idle_timeout_secs = 1\n";
    let d = TestDaemon::start_with(config, &[]);
    let mut flood = UnixStream::connect(&d.socket).unwrap();
    // Far more answers than the socket buffers hold; the writes block once
    // the daemon stops reading, and fail once it hangs up.
    let writer = std::thread::spawn(move || {
        let line = b"{\"type\":\"status\"}\n";
        for _ in 0..200_000 {
            flood.write_all(line)?;
        }
        Ok::<_, std::io::Error>(())
    });
    let dropped = wait_until(WAIT, || d.logs().contains("stopped reading its answers"));
    assert!(dropped, "the daemon did not give up on the client");
    assert!(
        writer.join().unwrap().is_err(),
        "the daemon kept serving a client that never read"
    );
    assert_eq!(d.raw().call(r#"{"type":"status"}"#)["ok"], true);
}

#[test]
fn an_answer_over_the_response_limit_is_an_error_not_a_broken_line() {
    let d = TestDaemon::start();
    let id = d.send(&["small prompt"]);
    let conn = rusqlite::Connection::open(&d.db).unwrap();
    conn.busy_timeout(Duration::from_secs(10)).unwrap();
    let huge = "x".repeat(assigner::protocol::MAX_RESPONSE_BYTES);
    conn.execute(
        "UPDATE prompts SET response = ?1 WHERE id = ?2",
        rusqlite::params![huge, id],
    )
    .unwrap();
    let out = d.ctl(&["show", &id.to_string()]);
    assert_eq!(out.status.code(), Some(65), "{out:?}");
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("ask for less"),
        "{out:?}"
    );
    // The connection and the daemon carry on.
    let mut c = d.raw();
    assert_eq!(
        error_kind(&c.call(&format!(r#"{{"type":"show","id":{id}}}"#))),
        "bad_request"
    );
    assert_eq!(c.call(r#"{"type":"status"}"#)["ok"], true);
}
