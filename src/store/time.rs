//! Timestamps as the database writes them: RFC 3339 in UTC with
//! milliseconds (`2026-11-24T10:15:02.123Z`), both ways, for values made
//! outside SQLite (session events) and for readers that count from them
//! (`top`'s ages, the benchmarks).

/// Now as RFC 3339 UTC with milliseconds, the same format SQLite writes,
/// for values produced outside the database (session events).
pub fn now_rfc3339() -> String {
    let d = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap_or_default();
    let secs = i64::try_from(d.as_secs()).unwrap_or(i64::MAX);
    let (days, rem) = (secs.div_euclid(86_400), secs.rem_euclid(86_400));
    // Civil date from days since 1970-01-01 (Howard Hinnant's algorithm).
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}.{:03}Z",
        rem / 3600,
        rem % 3600 / 60,
        rem % 60,
        d.subsec_millis()
    )
}

/// Milliseconds since the epoch of a UTC timestamp such as
/// `2026-11-24T10:15:02.123Z` (the fraction and the `Z` optional);
/// `None` for anything else.
pub fn rfc3339_ms(at: &str) -> Option<i64> {
    let b = at.as_bytes();
    let seps = [(4, b'-'), (7, b'-'), (10, b'T'), (13, b':'), (16, b':')];
    if b.len() < 19 || seps.iter().any(|&(i, c)| b[i] != c) {
        return None;
    }
    let num = |from: usize, to: usize| {
        let digits = at.get(from..to)?;
        digits.bytes().all(|c| c.is_ascii_digit()).then_some(())?;
        digits.parse::<i64>().ok()
    };
    let (year, month, day) = (num(0, 4)?, num(5, 7)?, num(8, 10)?);
    let (h, m, s) = (num(11, 13)?, num(14, 16)?, num(17, 19)?);
    if !(1..=12).contains(&month) || !(1..=31).contains(&day) || h > 23 || m > 59 || s > 60 {
        return None;
    }
    let rest = at[19..].strip_suffix('Z').unwrap_or(&at[19..]);
    let millis = match rest.strip_prefix('.') {
        None if rest.is_empty() => 0,
        Some(frac) if !frac.is_empty() && frac.bytes().all(|c| c.is_ascii_digit()) => {
            // The first three digits are the milliseconds.
            let three: String = frac.chars().chain("00".chars()).take(3).collect();
            three.parse::<i64>().ok()?
        }
        // Anything else after the seconds is not a time this store wrote.
        _ => return None,
    };
    let secs = days_from_civil(year, month, day) * 86_400 + h * 3600 + m * 60 + s;
    Some(secs * 1000 + millis)
}

/// Days since 1970-01-01 of a civil date (Howard Hinnant's algorithm, the
/// inverse of the one [`now_rfc3339`] uses).
fn days_from_civil(year: i64, month: i64, day: i64) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (month + 9) % 12;
    let doy = (153 * mp + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_back_what_it_writes() {
        assert_eq!(rfc3339_ms("1970-01-01T00:00:00.000Z"), Some(0));
        assert_eq!(rfc3339_ms("2000-03-01T00:00:01.5Z"), Some(951_868_801_500));
        assert_eq!(rfc3339_ms("2000-03-01T00:00:01"), Some(951_868_801_000));
        let now = now_rfc3339();
        let back = rfc3339_ms(&now).unwrap();
        let real = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_millis();
        let real = i64::try_from(real).unwrap();
        assert!((real - back).abs() < 1000, "{now}: {back} vs {real}");
        for bad in [
            "yesterday",
            "2026-13-01T00:00:00Z",
            "2026-11-24T10:15:02x",
            "2026-11-24T10:15:02.",
        ] {
            assert_eq!(rfc3339_ms(bad), None, "{bad}");
        }
    }
}
