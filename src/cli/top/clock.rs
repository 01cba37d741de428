//! Ages and uptime as `top` shows them, from the daemon's RFC 3339 UTC
//! timestamps (assigner-protocol(7)). The figures are coarse (seconds only
//! in the first minute) so that the screen changes, and is drawn again,
//! only when a shown figure does.

use std::time::{SystemTime, UNIX_EPOCH};

/// Seconds since the epoch of a timestamp such as
/// `2026-11-24T10:15:02.123Z`; `None` for anything else.
pub fn parse(at: &str) -> Option<i64> {
    let b = at.as_bytes();
    let seps = [(4, b'-'), (7, b'-'), (10, b'T'), (13, b':'), (16, b':')];
    if b.len() < 19 || seps.iter().any(|&(i, c)| b[i] != c) {
        return None;
    }
    let num = |from: usize, to: usize| at.get(from..to)?.parse::<i64>().ok();
    let (year, month, day) = (num(0, 4)?, num(5, 7)?, num(8, 10)?);
    let (h, m, s) = (num(11, 13)?, num(14, 16)?, num(17, 19)?);
    if !(1..=12).contains(&month) || !(1..=31).contains(&day) || h > 23 || m > 59 || s > 60 {
        return None;
    }
    Some(days_from_civil(year, month, day) * 86_400 + h * 3600 + m * 60 + s)
}

/// Days since 1970-01-01 of a civil date (Howard Hinnant's algorithm, the
/// inverse of the one `store::now_rfc3339` uses).
fn days_from_civil(year: i64, month: i64, day: i64) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (month + 9) % 12;
    let doy = (153 * mp + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
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
    fn parses_what_the_store_writes() {
        assert_eq!(parse("1970-01-01T00:00:00.000Z"), Some(0));
        assert_eq!(parse("2000-03-01T00:00:01Z"), Some(951_868_801));
        let now = crate::store::now_rfc3339();
        let diff = parse(&now).unwrap() - super::now();
        assert!(diff.abs() <= 1, "{now}: {diff}");
        assert_eq!(parse("yesterday"), None);
        assert_eq!(parse("2026-13-01T00:00:00Z"), None);
    }

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
