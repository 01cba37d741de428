//! Context preparation in a shell pane (ARCHITECTURE.md, "The engine"): `cd`, `export` and the
//! prerequisite commands typed as one command line before the prompt, with
//! their verdict read back from the screen.
//!
//! The verdict line carries a token made for this delivery alone, so the
//! line a previous delivery left on screen is never taken for this one's.
//! Its words and the token are separate `printf` arguments: the echo of the
//! command line shows them apart (`assigner-prep-ok 12-…`), only the output
//! shows them joined (`assigner-prep-ok-12-…`), so the echo, wrapped or
//! not, can never pass for the verdict.

use std::collections::BTreeMap;
use std::hash::{BuildHasher, RandomState};
use std::time::{Duration, Instant};

use super::EngineMsg;
use super::job::{Job, POLL, gone_or, record};
use super::message::Outcome;
use super::message::Step;
use crate::model::HistoryEvent;
use crate::protocol::{MAYBE_DELIVERED, validate_env_name};

/// Longest a shell pane's context preparation may take.
const PREP_TIMEOUT: Duration = Duration::from_secs(300);

/// The verdict line of one preparation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Marker {
    token: String,
}

impl Marker {
    /// A token for prompt `id` that no earlier delivery used.
    pub fn new(id: i64) -> Self {
        // `RandomState` is seeded from the OS and differs on every call.
        let nonce = RandomState::new().hash_one(id);
        Self {
            token: format!("{id}-{nonce:016x}"),
        }
    }

    /// The command line to type: `prep`, then its verdict.
    pub fn command(&self, prep: &str) -> String {
        let t = &self.token;
        format!(
            "{prep} && printf '%s-%s\\n' assigner-prep-ok {t} || printf '%s-%s %d\\n' assigner-prep-failed {t} $?"
        )
    }

    /// The verdict on `screen`, if printed: `Ok`, or `Err` with the exit
    /// status. The verdict ends its line; text before it on the same line
    /// is the output of a prerequisite that printed no final newline.
    pub fn verdict(&self, screen: &str) -> Option<Result<(), String>> {
        let ok = format!("assigner-prep-ok-{}", self.token);
        let failed = format!("assigner-prep-failed-{} ", self.token);
        screen.lines().map(str::trim_end).find_map(|line| {
            if line.ends_with(&ok) {
                return Some(Ok(()));
            }
            let (_, status) = line.rsplit_once(&failed)?;
            (!status.is_empty() && status.bytes().all(|b| b.is_ascii_digit()))
                .then(|| Err(status.to_owned()))
        })
    }
}

/// Runs the context preparation in a shell pane and waits for its verdict.
pub async fn prepare(job: &Job, prep: &str) -> Result<(), Outcome> {
    let marker = Marker::new(job.id);
    if !record(job, Step::Preparing).await {
        return Err(Outcome::NotDelivered(
            "the daemon could not record the start of context preparation".into(),
        ));
    }
    job.tmux
        .paste(&job.pane, &marker.command(prep))
        .await
        .map_err(|e| {
            gone_or(e, |e| {
                Outcome::NotDelivered(format!("context preparation could not be typed: {e}"))
            })
        })?;
    job.tmux.send_enter(&job.pane).await.map_err(|e| {
        gone_or(e, |e| {
            Outcome::Failed(format!("context preparation: Enter failed: {e}"))
        })
    })?;
    let deadline = Instant::now() + PREP_TIMEOUT;
    loop {
        // Joined: a verdict after output with no final newline, in a
        // narrow pane, wraps.
        let screen = job.tmux.capture_joined(&job.pane, 200).await.map_err(|e| {
            gone_or(e, |e| {
                Outcome::Unclear(format!(
                    "context preparation was started, but the pane could not be read ({e}): \
                     the shell may have run it, and {MAYBE_DELIVERED}"
                ))
            })
        })?;
        if let Some(verdict) = marker.verdict(&screen) {
            let _ = job
                .tx
                .send(EngineMsg::Note {
                    id: job.id,
                    event: HistoryEvent::ContextPrepared,
                    detail: prep.to_owned(),
                })
                .await;
            return verdict.map_err(|status| {
                Outcome::Failed(format!("context preparation failed ({status}): {prep}"))
            });
        }
        if Instant::now() >= deadline {
            // Leave the shell at its prompt, not inside the stuck command.
            let _ = job.tmux.send_keys(&job.pane, &["C-c"]).await;
            return Err(Outcome::Failed(format!(
                "context preparation did not finish within {PREP_TIMEOUT:?}: {prep}"
            )));
        }
        tokio::time::sleep(POLL * 5).await;
    }
}

/// The outcome of typing a prompt whose context preparation ran: one that
/// would send it back to the queue fails it instead, since another
/// delivery would run the preparation again, which is never done (restart
/// recovery holds to the same rule, restart.rs).
pub fn prepared_once(outcome: Outcome) -> Outcome {
    let never_twice = "its context preparation ran, which is never run twice";
    match outcome {
        Outcome::Failed(why) | Outcome::NotDelivered(why) => {
            Outcome::Unclear(format!("{why}; {never_twice}, and {MAYBE_DELIVERED}"))
        }
        Outcome::PaneGone => Outcome::Unclear(format!(
            "its pane vanished; {never_twice}, and {MAYBE_DELIVERED}"
        )),
        other => other,
    }
}

/// The shell command that prepares a prompt's context, or `None` when the
/// prompt needs none. Refuses an environment variable name a shell would
/// read as more than a name, and a control character in any value, which
/// could end the paste or the command line (prompts queued before these
/// were checked, or imported).
pub fn prep_command(
    working_dir: Option<&str>,
    env: &BTreeMap<String, String>,
    prereqs: &[String],
) -> Result<Option<String>, String> {
    let plain = crate::protocol::validate_text_field;
    prereqs.iter().try_for_each(|p| plain("prereqs", p))?;
    let mut parts = Vec::new();
    if let Some(dir) = working_dir {
        plain("working_dir", dir)?;
        parts.push(format!("cd -- {}", shell_quote(dir)));
    }
    for (k, v) in env {
        validate_env_name(k)?;
        plain(&format!("env value of {k}"), v)?;
        parts.push(format!("export {k}={}", shell_quote(v)));
    }
    // `eval` of the quoted text: a prerequisite with an unbalanced quote or
    // a `#` fails as a command (status 2) instead of leaving the shell
    // waiting for the rest of a line that never comes.
    parts.extend(
        prereqs
            .iter()
            .map(|p| format!("( eval {} )", shell_quote(p))),
    );
    Ok((!parts.is_empty()).then(|| parts.join(" && ")))
}

/// Shells whose syntax the preparation command (`cd --`, `export`,
/// `( … )`, `$?`) is not written in.
const NOT_POSIX: [&str; 9] = [
    "fish", "csh", "tcsh", "nu", "xonsh", "elvish", "pwsh", "rc", "es",
];

/// Keeps `prep` for a pane whose foreground program is `command`, or says
/// why it cannot be typed there: in fish or csh it would stall until the
/// preparation timeout, every retry alike.
pub fn posix_only(prep: Option<String>, command: &str) -> Result<Option<String>, String> {
    match prep {
        Some(_) if NOT_POSIX.contains(&command) => Err(format!(
            "cannot prepare working dir, env or prerequisites in a {command} pane: \
             only POSIX shells (sh, bash, zsh, dash, ksh) are supported"
        )),
        prep => Ok(prep),
    }
}

fn shell_quote(s: &str) -> String {
    format!("'{}'", s.replace('\'', "'\\''"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prep_commands_quote_everything() {
        let mut env = BTreeMap::new();
        env.insert("A".to_owned(), "it's".to_owned());
        let prereqs = ["make deps".into(), "echo 'a # b".into()];
        let cmd = prep_command(Some("/src/my app"), &env, &prereqs)
            .unwrap()
            .unwrap();
        assert_eq!(
            cmd,
            "cd -- '/src/my app' && export A='it'\\''s' && ( eval 'make deps' ) \
             && ( eval 'echo '\\''a # b' )"
        );
        assert_eq!(prep_command(None, &BTreeMap::new(), &[]), Ok(None));
        env.insert("A;touch pwned;B".to_owned(), "1".to_owned());
        let err = prep_command(None, &env, &[]).unwrap_err();
        assert!(err.contains("not valid"), "{err}");
    }

    #[test]
    fn values_stored_with_control_characters_are_never_typed() {
        let mut env = BTreeMap::new();
        env.insert("A".to_owned(), "\u{1b}[201~\u{3}touch PWNED".to_owned());
        let err = prep_command(None, &env, &[]).unwrap_err();
        assert!(
            err.starts_with("env value of A contains control character"),
            "{err}"
        );
        let err = prep_command(Some("/tmp\n"), &BTreeMap::new(), &[]).unwrap_err();
        assert!(err.starts_with("working_dir"), "{err}");
        let err = prep_command(None, &BTreeMap::new(), &["true\nid".into()]).unwrap_err();
        assert!(err.starts_with("prereqs"), "{err}");
    }

    #[test]
    fn context_is_refused_in_shells_that_would_not_understand_it() {
        let prep = Some("cd -- '/src'".to_owned());
        assert_eq!(posix_only(prep.clone(), "bash"), Ok(prep.clone()));
        assert_eq!(posix_only(prep.clone(), "zsh"), Ok(prep.clone()));
        let err = posix_only(prep, "fish").unwrap_err();
        assert!(err.contains("in a fish pane"), "{err}");
        assert_eq!(posix_only(None, "fish"), Ok(None));
    }

    #[test]
    fn tokens_differ_between_deliveries() {
        assert_ne!(Marker::new(7), Marker::new(7));
        assert!(Marker::new(7).token.starts_with("7-"));
    }

    #[test]
    fn only_this_deliverys_verdict_counts() {
        let m = Marker::new(3);
        let t = &m.token;
        let earlier = Marker::new(3);
        // The echo of the command line, wrapped anywhere, says nothing.
        let echo = format!("$ {}", m.command("sleep 5"));
        assert_eq!(m.verdict(&echo), None);
        for cut in 1..echo.len() {
            if echo.is_char_boundary(cut) {
                let wrapped = format!("{}\n{}", &echo[..cut], &echo[cut..]);
                assert_eq!(m.verdict(&wrapped), None, "{wrapped}");
            }
        }
        // A verdict left by an earlier delivery on screen says nothing.
        let old = format!("assigner-prep-ok-{}\n$ ", earlier.token);
        assert_eq!(m.verdict(&format!("{old}{echo}")), None);
        let ok = format!("{old}{echo}\nassigner-prep-ok-{t}\n$");
        assert_eq!(m.verdict(&ok), Some(Ok(())));
        let failed = format!("{echo}\nassigner-prep-failed-{t} 127  \n$");
        assert_eq!(m.verdict(&failed), Some(Err("127".into())));
        let no_newline = format!("{echo}\nsome outputassigner-prep-ok-{t}\n$");
        assert_eq!(m.verdict(&no_newline), Some(Ok(())));
        let truncated = format!("{echo}\nassigner-prep-failed-{t} \n$");
        assert_eq!(m.verdict(&truncated), None);
    }
}
