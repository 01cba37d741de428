//! The real Claude Code driven end to end by the real `assignerd`, offline
//! against `tests/real/mock_anthropic.py` (tests/real/README.md). One agent
//! at a time per test, nothing shared. Without the agents cache
//! (`tests/real/install.sh`) the suite says why once and every test passes;
//! `tests/run.sh` installs the cache first.

mod agent;
#[path = "../common/mod.rs"]
mod common;
mod mock;

use std::io::Write;
use std::path::PathBuf;
use std::time::Duration;

use agent::{RealClaude, START};
use common::wait_until;

/// Bound for an answer to be over and recorded; a passing run needs a few
/// seconds (the slow answer six).
const ANSWER: Duration = Duration::from_secs(60);

/// The versions driven: the latest must be installed, the others are
/// driven when they are.
const LATEST: &str = "2.1.332";
const VERSIONS: &[&str] = &[LATEST, "2.1.197"];

/// The installed binaries of [`VERSIONS`], or `None` (after saying why)
/// when the agents are not installed, so the suite skips instead of failing.
fn claude() -> Option<Vec<(String, PathBuf)>> {
    let skip = |why: String| {
        // Straight to stderr, once: the test harness hides `eprintln!` of
        // a passing test, and a skip must be seen.
        static SAID: std::sync::Once = std::sync::Once::new();
        SAID.call_once(|| {
            let _ = writeln!(std::io::stderr(), "skipping the real-agent tests: {why}");
        });
        None
    };
    let installed = match agent::installed() {
        Ok(i) => i,
        Err(e) => return skip(e),
    };
    let latest = format!("claude-{LATEST}");
    if !installed.contains_key(&latest) {
        return skip(format!(
            "{latest} is not in the agents cache (run tests/real/install.sh)"
        ));
    }
    Some(
        VERSIONS
            .iter()
            .filter_map(|v| {
                let bin = installed.get(&format!("claude-{v}"))?;
                Some(((*v).to_owned(), bin.clone()))
            })
            .collect(),
    )
}

/// Runs `body` against each installed version of [`VERSIONS`], one after
/// the other, each a fresh agent read idle by the daemon.
fn each_claude(extra_env: &[(&str, &str)], body: impl Fn(&RealClaude)) {
    let Some(versions) = claude() else {
        return;
    };
    for (version, bin) in versions {
        let c = RealClaude::start(&version, &bin, extra_env);
        c.wait_state("idle", START);
        body(&c);
    }
}

/// Every state the daemon reads until `done` holds (or `within` passes).
fn states_until(c: &RealClaude, within: Duration, mut done: impl FnMut() -> bool) -> Vec<String> {
    let mut seen: Vec<String> = Vec::new();
    wait_until(within, || {
        let s = c.state();
        if seen.last() != Some(&s) {
            seen.push(s);
        }
        done()
    });
    seen
}

#[test]
fn provider_is_detected_and_the_pane_reads_idle() {
    each_claude(&[], |c| {
        let session = c.session();
        let expected = Some(("claude".to_owned(), "idle".to_owned()));
        assert_eq!(session, expected, "{}", c.context());
    });
}

#[test]
fn delivery_is_byte_exact() {
    // Five lines, so both versions collapse the paste to `[Pasted text #1
    // +4 lines]` and 2.1.332 wraps it; a tab, which both turn into four
    // spaces.
    let text = "Prüfe naïve Größen — 日本語 ✓ and emoji 🚀\n\
                keep $(echo injected) and `uname -a` and ${HOME} literal\n\
                \ta tab\tinside\n\
                quotes ' \" and a backslash \\ stay\n\
                the last line ends with a semicolon;";
    let expected = text.replace('\t', "    ");
    each_claude(&[], |c| {
        let id = c.d.send(&[text]);
        c.wait_status(id, "completed", ANSWER);
        let turns = c.mock.turns();
        assert_eq!(turns.len(), 1, "{}: {turns:?}", c.version);
        let received = &turns[0].text;
        assert_eq!(
            mock::unwrap_pasted(received),
            expected,
            "{}: received {received:?}",
            c.version
        );
    });
}

#[test]
fn a_streaming_answer_holds_the_next_prompt_back() {
    let first = "[[slow=6]] an answer that streams for six seconds";
    let second = "the prompt sent while the first streams";
    each_claude(&[], |c| {
        let a = c.d.send(&[first]);
        // Read in this order, so the busy state was read while lines were
        // on screen and before the mock sent the answer's end.
        let streaming = wait_until(ANSWER, || c.screen().contains("line 2 of 12"));
        assert!(streaming, "the answer never streamed:\n{}", c.context());
        let busy_while_streaming = wait_until(ANSWER, || {
            c.state() == "busy" && c.mock.answer_end(first).is_none()
        });
        assert!(
            busy_while_streaming,
            "never busy while streaming:\n{}",
            c.context()
        );
        let b = c.d.send(&[second]);
        assert!(
            c.mock.answer_end(first).is_none(),
            "the answer ended before the second prompt was queued; nothing was tested"
        );
        c.wait_status(a, "completed", ANSWER);
        c.wait_status(b, "completed", ANSWER);

        let ended = c.mock.answer_end(first).expect("the first answer ended");
        let turns = c.mock.turns();
        let texts: Vec<&str> = turns.iter().map(|t| t.text.as_str()).collect();
        assert_eq!(texts, [first, second], "{}", c.version);
        let (second_at, completed) = (&turns[1].at, c.event_at(a, "completed"));
        assert!(
            second_at >= &ended,
            "second request at {second_at}, first answer ended {ended}"
        );
        assert!(
            completed >= ended,
            "completed at {completed}, answer ended {ended}"
        );
        let pasted = c.event_at(b, "pasted");
        assert!(
            pasted >= completed,
            "second pasted at {pasted}, first completed {completed}"
        );
        let shown = c.d.ctl_json(&["show", &a.to_string()]);
        let response = shown["prompt"]["response"].as_str().unwrap_or_default();
        assert!(response.contains("line 12 of 12"), "response: {response:?}");
    });
}

#[test]
fn an_api_error_fails_the_prompt_and_the_pane_reads_idle() {
    // Without retries Claude Code shows the error at once, drawn as after
    // its ten (tests/real/README.md).
    each_claude(&[("CLAUDE_CODE_MAX_RETRIES", "0")], |c| {
        let id = c.d.send(&["[[500]] this request fails"]);
        let seen = states_until(c, ANSWER, || {
            matches!(c.d.status_of(id).as_str(), "failed" | "completed") && c.state() == "idle"
        });
        let shown = c.d.ctl_json(&["show", &id.to_string()]);
        let status = &shown["prompt"]["status"];
        assert_eq!(status, "failed", "{shown}\n{}", c.context());
        let error = shown["prompt"]["error"].as_str().unwrap_or_default();
        let expected = "API Error: 500 Internal server error";
        assert!(error.contains(expected), "reason: {error:?}");
        assert_eq!(
            seen.last().map(String::as_str),
            Some("idle"),
            "{seen:?}\n{}",
            c.context()
        );
        let unknown = seen.iter().any(|s| s == "unknown");
        assert!(!unknown, "states read: {seen:?}\n{}", c.context());

        let next = "a plain prompt after the failure";
        let id = c.d.send(&[next]);
        c.wait_status(id, "completed", ANSWER);
        assert_eq!(c.mock.turns().last().map(|t| t.text.as_str()), Some(next));
    });
}

#[test]
fn an_approval_dialog_is_left_to_a_person() {
    let queued = "a prompt queued behind the dialog";
    each_claude(&[], |c| {
        let a = c.d.send(&["[[tool]] create the file"]);
        c.wait_state("waiting_approval", ANSWER);
        let b = c.d.send(&[queued]);
        let held = wait_until(ANSWER, || {
            c.d.ctl_json(&["show", &b.to_string()])["prompt"]["waiting_reason"]
                .as_str()
                .is_some_and(|r| r.contains("idle"))
        });
        let shown_b = || c.d.ctl_ok(&["show", &b.to_string()]);
        assert!(held, "{}\n{}", shown_b(), c.context());
        assert_eq!(c.mock.turns().len(), 1, "{:?}", c.mock.turns());
        assert!(
            !c.d.history_events(b).contains(&"pasted".to_owned()),
            "{}",
            shown_b()
        );
        let screen = c.screen();
        assert!(
            screen.contains("❯ 1. Yes") && !screen.contains(queued),
            "{}",
            c.context()
        );

        c.tmux.ok(&["send-keys", "-t", &c.pane, "Enter"]);
        c.wait_status(a, "completed", ANSWER);
        assert!(c.work.join("approved.txt").exists(), "{}", c.context());
        c.wait_status(b, "completed", ANSWER);
        assert_eq!(c.mock.turns().last().map(|t| t.text.as_str()), Some(queued));
    });
}

#[test]
fn quoted_dialog_phrases_do_not_change_the_state() {
    each_claude(&[], |c| {
        let a = c.d.send(&["[[quote]] quote the dialog phrases"]);
        let seen = states_until(c, ANSWER, || c.d.status_of(a) == "completed");
        assert_eq!(c.d.status_of(a), "completed", "{seen:?}\n{}", c.context());
        let only_idle_or_busy = seen.iter().all(|s| s == "idle" || s == "busy");
        assert!(only_idle_or_busy, "states read: {seen:?}\n{}", c.context());
        let next = "the prompt after the quotes";
        let b = c.d.send(&[next]);
        c.wait_status(b, "completed", ANSWER);
        assert_eq!(c.mock.turns().last().map(|t| t.text.as_str()), Some(next));
    });
}
