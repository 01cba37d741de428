//! Reading from and typing into one pane. Text goes in only as a bracketed
//! paste loaded through stdin: as `send-keys` arguments, words such as
//! `Enter` or `C-c` and a trailing `;` would be interpreted by tmux, and a
//! newline would submit half a prompt. The engine reaches these calls
//! through [`PaneIo`], implemented here by delegating.

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{SystemTime, UNIX_EPOCH};

use super::io::{IoFuture, PaneIo};
use super::lines::{bottom_lines, trim_trailing_blank};
use super::{Glance, Pane, Snapshot, Tmux, TmuxError};

/// Makes paste buffer names unique across calls and daemons.
static PASTE_SEQ: AtomicU64 = AtomicU64::new(0);

impl Tmux {
    /// The bottom `lines` lines of the pane's visible screen as plain text
    /// (no escape sequences), trailing blank lines trimmed first so that a
    /// half-empty screen still yields its last written lines.
    pub async fn capture(&self, pane: &str, lines: usize) -> Result<String, TmuxError> {
        let out = self
            .run(&["capture-pane", "-p", "-t", pane], Some(pane), None)
            .await?;
        Ok(bottom_lines(&out, lines))
    }

    /// Like [`Self::capture`], with lines the terminal wrapped joined back
    /// into one (`-J`): for text that must be read whole whatever the
    /// pane's width.
    pub async fn capture_joined(&self, pane: &str, lines: usize) -> Result<String, TmuxError> {
        let out = self
            .run(&["capture-pane", "-p", "-J", "-t", pane], Some(pane), None)
            .await?;
        Ok(bottom_lines(&out, lines))
    }

    /// Pane text (scrollback and screen) from absolute line `history_mark`
    /// on, where the mark is [`super::Pane::history_mark`] (or
    /// `history_size`) observed at delivery time: roughly what the agent
    /// wrote since. Trailing blank lines are trimmed. If tmux trimmed its
    /// history (`history-limit`) since the mark, the result starts later.
    pub async fn capture_since(&self, pane: &str, history_mark: u64) -> Result<String, TmuxError> {
        let out = self
            .run(
                &["capture-pane", "-p", "-S", "-", "-E", "-", "-t", pane],
                Some(pane),
                None,
            )
            .await?;
        let skip = usize::try_from(history_mark).unwrap_or(usize::MAX);
        let rest: Vec<&str> = out.lines().skip(skip).collect();
        Ok(trim_trailing_blank(&rest).join("\n"))
    }

    /// Pastes `text` into the pane as one bracketed paste (the agent sees
    /// it as a paste, so newlines do not submit). CRLF and lone CR are
    /// normalised to LF first, and LF goes in as LF (`-r`): tmux would
    /// otherwise turn it into CR, which an agent that never asked for
    /// bracketed paste takes for Enter, submitting the first line alone.
    /// Bare LF is C-j, a newline in an agent's input box. The text travels over stdin, so its size is
    /// not bounded by the argument list. Does not press Enter. Empty text
    /// types nothing (tmux refuses to load an empty buffer). An error for
    /// which [`TmuxError::may_have_acted`] holds means the text may be in
    /// the pane; any other error means it is not.
    pub async fn paste(&self, pane: &str, text: &str) -> Result<(), TmuxError> {
        if text.is_empty() {
            return Ok(());
        }
        let name = buffer_name();
        let text = text.replace("\r\n", "\n").replace('\r', "\n");
        let loaded = self
            .run(
                &["load-buffer", "-b", &name, "-"],
                None,
                Some(text.as_bytes()),
            )
            .await;
        if let Err(e) = loaded {
            let _ = self.run(&["delete-buffer", "-b", &name], None, None).await;
            // Nothing was pasted, whatever became of the buffer: only a
            // paste-buffer that did not answer may have typed something.
            return Err(if e.may_have_acted() {
                TmuxError::Failed {
                    command: "tmux load-buffer".into(),
                    status: None,
                    stderr: format!("{e}; nothing was pasted"),
                }
            } else {
                e
            });
        }
        let pasted = self
            .run(
                &["paste-buffer", "-p", "-r", "-d", "-b", &name, "-t", pane],
                Some(pane),
                None,
            )
            .await;
        if pasted.is_err() {
            // `-d` only deletes after a successful paste; do not leave the
            // prompt text lying around in the server.
            let _ = self.run(&["delete-buffer", "-b", &name], None, None).await;
        }
        pasted.map(drop)
    }

    /// Presses Enter in the pane.
    pub async fn send_enter(&self, pane: &str) -> Result<(), TmuxError> {
        self.send_keys(pane, &["Enter"]).await
    }

    /// Presses named keys (`Escape`, `C-u`, `Enter`, `1`, ...). Anything
    /// that is not a plain key name is refused with
    /// [`TmuxError::InvalidKey`]: this is not a way to type text.
    pub async fn send_keys(&self, pane: &str, keys: &[&str]) -> Result<(), TmuxError> {
        if let Some(bad) = keys.iter().find(|k| !is_key_name(k)) {
            return Err(TmuxError::InvalidKey {
                key: (*bad).to_string(),
            });
        }
        let mut args = vec!["send-keys", "-t", pane];
        args.extend_from_slice(keys);
        self.run(&args, Some(pane), None).await.map(drop)
    }
}

impl PaneIo for Tmux {
    fn snapshot(&self) -> IoFuture<'_, Snapshot> {
        Box::pin(Self::snapshot(self))
    }

    fn pane<'a>(&'a self, pane: &'a str) -> IoFuture<'a, Option<Pane>> {
        Box::pin(Self::pane(self, pane))
    }

    fn glance(&self) -> IoFuture<'_, Glance> {
        Box::pin(Self::glance(self))
    }

    fn snapshot_since(&self, secs: u64) -> IoFuture<'_, Snapshot> {
        Box::pin(Self::snapshot_since(self, secs))
    }

    fn capture<'a>(&'a self, pane: &'a str, lines: usize) -> IoFuture<'a, String> {
        Box::pin(Self::capture(self, pane, lines))
    }

    fn capture_joined<'a>(&'a self, pane: &'a str, lines: usize) -> IoFuture<'a, String> {
        Box::pin(Self::capture_joined(self, pane, lines))
    }

    fn capture_since<'a>(&'a self, pane: &'a str, history_mark: u64) -> IoFuture<'a, String> {
        Box::pin(Self::capture_since(self, pane, history_mark))
    }

    fn paste<'a>(&'a self, pane: &'a str, text: &'a str) -> IoFuture<'a, ()> {
        Box::pin(Self::paste(self, pane, text))
    }

    fn send_keys<'a>(&'a self, pane: &'a str, keys: &'a [&'a str]) -> IoFuture<'a, ()> {
        Box::pin(Self::send_keys(self, pane, keys))
    }

    fn send_enter<'a>(&'a self, pane: &'a str) -> IoFuture<'a, ()> {
        Box::pin(Self::send_enter(self, pane))
    }

    fn control_mode(&self) -> bool {
        Self::control_mode(self)
    }

    fn events_live(&self) -> bool {
        Self::events_live(self)
    }

    fn structure_reports(&self) -> u64 {
        Self::structure_reports(self)
    }
}

/// `assigner-<pid>-<nanos>-<seq>`: unique even for concurrent pastes from
/// several daemons on one server.
fn buffer_name() -> String {
    let nanos = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_nanos())
        .unwrap_or(0);
    let seq = PASTE_SEQ.fetch_add(1, Ordering::Relaxed);
    format!("assigner-{}-{nanos}-{seq}", std::process::id())
}

/// A tmux key name: letters, digits and dashes (`C-u`, `Escape`, `F1`, `y`),
/// never starting with a dash (an option) and never containing `;`.
fn is_key_name(key: &str) -> bool {
    !key.is_empty()
        && !key.starts_with('-')
        && key.len() <= 16
        && key.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn key_names() {
        for ok in ["Enter", "Escape", "C-u", "1", "y", "F12", "BSpace"] {
            assert!(is_key_name(ok), "{ok}");
        }
        for bad in ["", "hello world", "a;", ";", "-l", "$(x)", "é", "C-c;"] {
            assert!(!is_key_name(bad), "{bad}");
        }
    }

    #[test]
    fn buffer_names_are_unique() {
        assert_ne!(buffer_name(), buffer_name());
        assert!(buffer_name().starts_with(&format!("assigner-{}-", std::process::id())));
    }
}
