//! Logging: structured journald entries under systemd, plain lines on stderr
//! elsewhere.
//!
//! Events carry fields such as `prompt_id`, `session`, `pane` and
//! `provider`; journald receives them upper-cased and without a prefix
//! (`PROMPT_ID=42`), so `journalctl -u assigner PROMPT_ID=42` tells one
//! prompt's story. Without a prefix a field could overwrite one journald
//! itself interprets (a `priority` field would be a second `PRIORITY=`),
//! so field names must stay clear of [`JOURNALD_RESERVED`]; a test scans
//! every log event of the crate for that.

use std::os::fd::AsFd;

use tracing_subscriber::layer::SubscriberExt;
use tracing_subscriber::util::SubscriberInitExt;
use tracing_subscriber::{EnvFilter, Registry, reload};

/// Journal field names (after upper-casing) that mean something to
/// journald or that `tracing-journald` writes itself: a log event must not
/// use a field that becomes one of these. Names ending in `_` are prefixes.
pub const JOURNALD_RESERVED: &[&str] = &[
    "MESSAGE",
    "MESSAGE_ID",
    "PRIORITY",
    "CODE_FILE",
    "CODE_LINE",
    "CODE_FUNC",
    "ERRNO",
    "INVOCATION_ID",
    "USER_INVOCATION_ID",
    "SYSLOG_",
    "DOCUMENTATION",
    "TID",
    "UNIT",
    "USER_UNIT",
    "TARGET",
    "OBJECT_",
    "COREDUMP_",
    "SPAN_",
];

/// The journal field name `tracing-journald` makes of an event field:
/// dots become underscores, leading underscores go (journald reserves them
/// for its trusted fields), the rest is upper-cased.
pub fn journal_name(field: &str) -> String {
    field
        .replace('.', "_")
        .trim_start_matches('_')
        .chars()
        .filter(|c| *c == '_' || c.is_ascii_alphanumeric())
        .map(|c| c.to_ascii_uppercase())
        .collect()
}

/// Whether an event field would collide with a [`JOURNALD_RESERVED`] name.
pub fn is_reserved(field: &str) -> bool {
    let name = journal_name(field);
    JOURNALD_RESERVED.iter().any(|r| match r.strip_suffix('_') {
        Some(prefix) => name.starts_with(prefix) && name[prefix.len()..].starts_with('_'),
        None => name == *r,
    })
}

const LEVELS: &[&str] = &["off", "error", "warn", "info", "debug", "trace"];

/// Parses a log level or filter (`info`, `assigner=debug,warn`). A bare
/// word must be a level: tracing would take `inf` or `verbose` as the name
/// of a target and silently log nothing else, so a typo is refused here.
pub fn parse_filter(spec: &str) -> Result<EnvFilter, String> {
    // Spaces around directives and empty ones are dropped here: tracing
    // would read ` info` as a target named " info".
    let directives: Vec<&str> = spec
        .split(',')
        .map(str::trim)
        .filter(|d| !d.is_empty())
        .collect();
    if directives.is_empty() {
        return Err("the log level is empty".into());
    }
    for directive in &directives {
        let bare = !directive.contains(['=', '[', ':']);
        if bare && !LEVELS.contains(&directive.to_ascii_lowercase().as_str()) {
            return Err(format!(
                "'{directive}' is not a log level (one of {}); select a module with MODULE=LEVEL",
                LEVELS.join(", ")
            ));
        }
    }
    let cleaned = directives.join(",");
    EnvFilter::try_new(&cleaned).map_err(|e| format!("'{spec}' is not a valid log filter: {e}"))
}

/// Changes the log filter at run time (on SIGHUP).
pub struct LogHandle(reload::Handle<EnvFilter, Registry>);

impl LogHandle {
    /// Applies a new filter, already checked by [`parse_filter`].
    pub fn set_level(&self, level: &str) {
        if let Ok(filter) = parse_filter(level) {
            let _ = self.0.reload(filter);
        }
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

/// Reports an error that happens before [`init`] (the config cannot be
/// read, socket activation failed). Under systemd stderr is a journal
/// stream, which logs every line at info level unless it starts with an
/// sd-daemon level prefix; `<3>` makes it an error (`PRIORITY=3`).
pub fn early_error(message: impl std::fmt::Display) {
    let prefix = if stderr_is_journal() { "<3>" } else { "" };
    eprintln!("{prefix}assignerd: {message}");
}

/// Installs the global subscriber with a level checked by [`parse_filter`].
/// Safe to call once per process; later calls (tests starting several
/// daemons) keep the first subscriber.
pub fn init(level: &str) -> LogHandle {
    let filter = parse_filter(level).unwrap_or_else(|_| EnvFilter::new("info"));
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn levels_and_filters_are_accepted_typos_are_not() {
        for ok in [
            "info",
            "DEBUG",
            "off",
            "assigner=debug,info",
            "assigner::engine=trace",
        ] {
            assert!(parse_filter(ok).is_ok(), "{ok}");
        }
        for bad in ["verbose", "inf", "", "assigner=debug,loud", "assigner=loud"] {
            assert!(parse_filter(bad).is_err(), "{bad}");
        }
        assert!(parse_filter("verbose").unwrap_err().contains("'verbose'"));
        // Stray spaces and commas do not turn a level into a target name.
        for spaced in ["info ", " info", "assigner=debug, info", "info,"] {
            use tracing_subscriber::filter::LevelFilter;
            let want = if spaced.contains("debug") {
                LevelFilter::DEBUG
            } else {
                LevelFilter::INFO
            };
            let filter = parse_filter(spaced).unwrap();
            assert_eq!(filter.max_level_hint(), Some(want), "{spaced:?}");
        }
    }

    #[test]
    fn reserved_journal_names() {
        for bad in [
            "priority",
            "target",
            "message",
            "syslog_identifier",
            "_errno",
            "code.line",
        ] {
            assert!(is_reserved(bad), "{bad}");
        }
        for ok in [
            "prompt_id",
            "prompt_priority",
            "target_session",
            "syslogged",
            "session",
        ] {
            assert!(!is_reserved(ok), "{ok}");
        }
    }
}
