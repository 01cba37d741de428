//! The journal for offline maintenance. A `cleanup --db PATH --apply` run
//! while the daemon is down changes prompts just as the daemon's own
//! cleanup does; its actions belong in the same log, with the same
//! structured fields (`journalctl PROMPT_ID=42` finds them), under the
//! identifier `assignerctl`.

use tracing::dispatcher::DefaultGuard;
use tracing_subscriber::filter::LevelFilter;
use tracing_subscriber::layer::SubscriberExt;

/// Logs this thread's `info` events and above to the journal until the
/// guard drops; `None` where there is no journal (the printed report is
/// then the only record besides prompt history).
pub fn to_journal() -> Option<DefaultGuard> {
    let layer = tracing_journald::layer()
        .ok()?
        .with_field_prefix(None)
        .with_syslog_identifier("assignerctl".into());
    let subscriber = tracing_subscriber::registry()
        .with(layer)
        .with(LevelFilter::INFO);
    Some(tracing::subscriber::set_default(subscriber))
}
