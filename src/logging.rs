//! Logging: structured journald entries under systemd, plain lines on stderr
//! elsewhere.
//!
//! Events carry fields such as `prompt_id`, `session`, `pane` and
//! `provider`; journald receives them upper-cased (`PROMPT_ID=42`), so
//! `journalctl -u assigner PROMPT_ID=42` tells one prompt's story.

use std::os::fd::AsFd;

use tracing_subscriber::layer::SubscriberExt;
use tracing_subscriber::util::SubscriberInitExt;
use tracing_subscriber::{EnvFilter, Registry, reload};

/// Changes the log filter at run time (on SIGHUP).
pub struct LogHandle(reload::Handle<EnvFilter, Registry>);

impl LogHandle {
    /// Applies a new filter; `RUST_LOG`, when set, keeps winning.
    pub fn set_level(&self, level: &str) {
        if let Ok(filter) = filter_for(level) {
            let _ = self.0.reload(filter);
        }
    }
}

fn filter_for(level: &str) -> Result<EnvFilter, tracing_subscriber::filter::ParseError> {
    match std::env::var("RUST_LOG") {
        Ok(v) if !v.is_empty() => EnvFilter::try_new(v),
        _ => EnvFilter::try_new(level),
    }
}

/// Whether stderr is connected to the journal: systemd sets
/// `$JOURNAL_STREAM` to the device and inode of that stream, and a child
/// that redirected stderr elsewhere must not be mistaken for it.
pub fn stderr_is_journal() -> bool {
    let Ok(value) = std::env::var("JOURNAL_STREAM") else {
        return false;
    };
    let Some((dev, ino)) = value.split_once(':') else {
        return false;
    };
    let Ok(st) = nix::sys::stat::fstat(std::io::stderr().as_fd()) else {
        return false;
    };
    dev.parse::<u64>().ok() == Some(st.st_dev) && ino.parse::<u64>().ok() == Some(st.st_ino)
}

/// Installs the global subscriber. Safe to call once per process; later
/// calls (tests starting several daemons) keep the first subscriber.
pub fn init(level: &str) -> LogHandle {
    let filter = filter_for(level).unwrap_or_else(|_| EnvFilter::new("info"));
    let (filter, handle) = reload::Layer::new(filter);
    let journald = stderr_is_journal()
        .then(|| tracing_journald::layer().ok())
        .flatten()
        .map(|l| l.with_field_prefix(None));
    let fmt = journald.is_none().then(|| {
        tracing_subscriber::fmt::layer()
            .with_writer(std::io::stderr)
            .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
            .with_target(false)
    });
    let _ = tracing_subscriber::registry()
        .with(filter)
        .with(journald)
        .with(fmt)
        .try_init();
    LogHandle(handle)
}
