//! Ages and uptime as `top` shows them, from the daemon's RFC 3339 UTC
//! timestamps (assigner-protocol(7)). The figures are coarse (seconds only
//! in the first minute) so that the screen changes, and is drawn again,
//! only when a shown figure does.

use std::time::{SystemTime, UNIX_EPOCH};

/// Seconds since the epoch of a timestamp such as
/// `2026-11-24T10:15:02.123Z`; `None` for anything else.
pub fn parse(at: &str) -> Option<i64> {
    crate::store::rfc3339_ms(at).map(|ms| ms.div_euclid(1000))
}

/// Now, in seconds since the epoch.
pub fn now() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX))
}

/// A duration for a narrow column: `42s`, `17m`, `3h05m`, `2d04h`.
pub fn span(secs: i64) -> String {
    let secs = secs.max(0);
    match secs {
        0..60 => format!("{secs}s"),
        60..3600 => format!("{}m", secs / 60),
        3600..86_400 => format!("{}h{:02}m", secs / 3600, secs % 3600 / 60),
        _ => format!("{}d{:02}h", secs / 86_400, secs % 86_400 / 3600),
    }
}

/// Seconds until [`span`] of a duration now `secs` long shows another
/// figure.
pub fn until_change(secs: i64) -> i64 {
    let secs = secs.max(0);
    match secs {
        0..60 => 1,
        60..86_400 => 60 - secs % 60,
        _ => 3600 - secs % 3600,
    }
}

/// The time of day of a timestamp (`10:15:02`, UTC like the timestamp).
pub fn time_of_day(at: &str) -> &str {
    at.get(11..19).unwrap_or(at)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spans_change_only_when_their_figure_does() {
        assert_eq!(span(-3), "0s");
        assert_eq!(span(59), "59s");
        assert_eq!(span(61), "1m");
        assert_eq!(span(3_900), "1h05m");
        assert_eq!(span(90_000), "1d01h");
        for secs in [0, 59, 61, 3_599, 3_900, 86_399, 90_000] {
            let next = secs + until_change(secs);
            assert_ne!(span(next), span(secs), "{secs}");
            assert_eq!(span(next - 1), span(secs), "{secs}");
        }
    }
}
