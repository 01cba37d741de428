//! The real agents' usage-limit banners (`reset_time.rs`), each read into
//! the instant it names.

use super::*;

fn ts(s: &str) -> Timestamp {
    s.parse().unwrap()
}

fn utc() -> TimeZone {
    TimeZone::UTC
}

fn read(screen: &str, seen: &str, local: &TimeZone) -> Option<Timestamp> {
    reset_time(screen, ts(seen), local)
}

#[test]
fn claude_code_times_of_day_are_in_the_zone_the_banner_names() {
    // November: Paris is an hour ahead of UTC.
    let seen = "2026-11-29T12:00:00Z";
    let five_hour = "⏺ You've hit your 5-hour limit · resets 3pm (Europe/Paris)\n  /upgrade to increase your usage limit.";
    assert_eq!(
        read(five_hour, seen, &utc()),
        Some(ts("2026-11-29T14:00:00Z"))
    );
    let minutes = "You've hit your session limit · resets 3:30pm (Europe/Paris)";
    assert_eq!(
        read(minutes, seen, &utc()),
        Some(ts("2026-11-29T14:30:00Z"))
    );
    // Older releases: `3 PM` with a narrow no-break space, and this wording.
    let old = "You've hit your session limit · resets 3\u{202f}PM (Europe/Paris)";
    assert_eq!(read(old, seen, &utc()), Some(ts("2026-11-29T14:00:00Z")));
    let older = "Claude usage limit reached. Your limit will reset at 3pm (Europe/Paris).";
    assert_eq!(read(older, seen, &utc()), Some(ts("2026-11-29T14:00:00Z")));
}

#[test]
fn claude_code_dates_of_a_weekly_limit_take_the_year_shown_or_the_current_one() {
    let weekly = "You've hit your weekly limit · resets Aug 8, 3pm (America/New_York)";
    assert_eq!(
        read(weekly, "2026-08-01T10:00:00Z", &utc()),
        Some(ts("2026-08-08T19:00:00Z")),
        "summer time in New York"
    );
    let next_year = "You've hit your weekly limit · resets Jan 2, 2027, 9:15am (UTC)";
    assert_eq!(
        read(next_year, "2026-12-30T10:00:00Z", &utc()),
        Some(ts("2027-01-02T09:15:00Z"))
    );
}

#[test]
fn codex_times_are_in_local_time() {
    let local = TimeZone::fixed(jiff::tz::offset(2));
    let banner = "■ You've hit your usage limit. Upgrade to Pro (https://chatgpt.com/explore/pro), visit https://chatgpt.com/settings/usage to purchase more credits or try again at 3:05 PM.";
    assert_eq!(
        read(banner, "2026-11-29T12:00:00Z", &local),
        Some(ts("2026-11-29T13:05:00Z"))
    );
    let dated = "■ You've hit your usage limit. Try again at Aug 8th, 2026 3:05 PM.";
    assert_eq!(
        read(dated, "2026-08-01T12:00:00Z", &utc()),
        Some(ts("2026-08-08T15:05:00Z"))
    );
}

#[test]
fn a_bare_time_is_the_next_one_since_the_banner_was_seen_less_a_minute() {
    let banner = "You've hit your 5-hour limit · resets 2am (UTC)";
    assert_eq!(
        read(banner, "2026-11-29T23:00:00Z", &utc()),
        Some(ts("2026-11-30T02:00:00Z")),
        "after midnight"
    );
    // The banner drops the seconds: 2am read at 2:00:40 is that 2am.
    assert_eq!(
        read(banner, "2026-11-30T02:00:40Z", &utc()),
        Some(ts("2026-11-30T02:00:00Z"))
    );
}

#[test]
fn no_time_shown_or_an_unknown_zone_gives_none() {
    let seen = "2026-11-29T12:00:00Z";
    for screen in [
        "■ You've hit your usage limit. Try again in 2 hours.",
        "API Error: spend limit reached · resets Aug 8",
        "You've hit your 5-hour limit",
        "You've hit your 5-hour limit · resets 3pm (Mars/Olympus_Mons)",
        "You've hit your 5-hour limit · resets 13pm",
        "",
    ] {
        assert_eq!(read(screen, seen, &utc()), None, "{screen:?}");
    }
}

#[test]
fn the_lowest_banner_counts() {
    let screen = "You've hit your session limit · resets 1pm (UTC)\n> go on\nYou've hit your session limit · resets 4pm (UTC)\n";
    assert_eq!(
        read(screen, "2026-11-29T12:00:00Z", &utc()),
        Some(ts("2026-11-29T16:00:00Z"))
    );
    assert_eq!(reset_text(screen), Some("resets 4pm (UTC)"));
}

#[test]
fn the_watch_keeps_the_time_from_the_banner_s_first_sight() {
    let screen = "You've hit your session limit · resets 3pm (UTC)";
    let mut w = ResetWatch::default();
    w.observe(screen, ts("2026-11-29T14:00:00Z"), &utc());
    // Seen afresh past the reset, the bare time would be tomorrow's.
    w.observe(screen, ts("2026-11-29T15:10:00Z"), &utc());
    assert_eq!(w.reset(), Some(ts("2026-11-29T15:00:00Z")));
    // Another banner is read anew.
    w.observe(
        "You've hit your session limit · resets 8pm (UTC)",
        ts("2026-11-29T15:20:00Z"),
        &utc(),
    );
    assert_eq!(w.reset(), Some(ts("2026-11-29T20:00:00Z")));
}
