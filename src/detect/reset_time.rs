//! When a usage-limit banner says the limit resets, read from the screen,
//! never guessed: a pool restarts an agent whose screen still reads
//! `rate_limited` past that time (assigner.toml(5), POOLS).
//!
//! The formats are the real agents':
//!
//! - Claude Code: `You've hit your 5-hour limit · resets 3pm (Europe/Paris)`,
//!   `resets 3:30pm (…)`, past a day `resets Aug 8, 3pm (…)`, in another
//!   year `resets Jan 2, 2027, 3pm (…)`; the zone is its IANA name. Older
//!   releases drew `3 PM` with a narrow no-break space, and wrote
//!   `Your limit will reset at 3pm (…)`.
//! - Codex CLI: `You've hit your usage limit. … or try again at 3:05 PM.`,
//!   another day `try again at Aug 8th, 2026 3:05 PM`, in its local time
//!   (taken as the daemon's).
//!
//! A time of day is in the banner's zone, else in `local`. A date without
//! a year is in the current year (Claude Code adds the year when it
//! differs). A bare time is the first such time since the banner was
//! first seen, less a minute: the banners drop the seconds, and show a
//! bare time only for a reset within the day. A banner without a time (a
//! relative `try again in 2 hours` has no start to count from, a date
//! alone no hour) or with a zone not in the time zone database gives
//! nothing.

use std::sync::LazyLock;

use jiff::civil::{Date, Time};
use jiff::tz::TimeZone;
use jiff::{SignedDuration, Timestamp};
use regex::{Captures, Regex};

static RESET: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?ix)
        \b(?: resets | reset \s+ at | try \s+ again \s+ at ) \s+
        (?: (?P<mon> jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec ) [a-z]* \.? \s+
            (?P<day> \d{1,2} ) (?: st|nd|rd|th )? ,? \s+
            (?: (?P<year> \d{4} ) ,? \s+ )? )?
        (?P<hour> \d{1,2} ) (?: : (?P<min> \d{2} ) )? [\s\u{a0}\u{202f}]* (?P<half> [ap] ) \.? m \b \.?
        (?: \s* \( (?P<zone> [A-Za-z0-9_+\-/]+ ) \) )?",
    )
    .expect("valid regex")
});

/// The reset time on the lowest line of `screen` that shows one; `seen`
/// is when that banner was first seen.
pub fn reset_time(screen: &str, seen: Timestamp, local: &TimeZone) -> Option<Timestamp> {
    let caps = banner(screen)?;
    resolve(&caps, seen, local)
}

/// The lowest reset time on `screen`, as its text: what says the banner
/// changed between two captures.
pub fn reset_text(screen: &str) -> Option<&str> {
    banner(screen).map(|c| c.get(0).map_or("", |m| m.as_str()))
}

fn banner(screen: &str) -> Option<Captures<'_>> {
    screen
        .lines()
        .rev()
        .find_map(|line| RESET.captures_iter(line).last())
}

fn resolve(caps: &Captures<'_>, seen: Timestamp, local: &TimeZone) -> Option<Timestamp> {
    let num = |name: &str| caps.name(name).and_then(|m| m.as_str().parse::<i16>().ok());
    let zone = match caps.name("zone") {
        Some(name) => TimeZone::get(name.as_str()).ok()?,
        None => local.clone(),
    };
    let hour = num("hour").filter(|h| (1..=12).contains(h))?;
    let pm = caps["half"].eq_ignore_ascii_case("p");
    let hour = hour % 12 + if pm { 12 } else { 0 };
    let small = |v: i16| i8::try_from(v).ok();
    let time = Time::new(small(hour)?, small(num("min").unwrap_or(0))?, 0, 0).ok()?;
    let now = seen.to_zoned(zone.clone());
    let at = |date: Date| {
        zone.to_ambiguous_zoned(date.to_datetime(time))
            .compatible()
            .ok()
            .map(|z| z.timestamp())
    };
    if let Some(mon) = caps.name("mon") {
        let month = month_number(mon.as_str())?;
        let year = num("year").unwrap_or(now.year());
        return at(Date::new(year, month, small(num("day")?)?).ok()?);
    }
    let today = at(now.date())?;
    if today >= seen - SignedDuration::from_secs(60) {
        Some(today)
    } else {
        at(now.date().tomorrow().ok()?)
    }
}

fn month_number(name: &str) -> Option<i8> {
    const MONTHS: [&str; 12] = [
        "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec",
    ];
    let name = name.get(..3)?.to_ascii_lowercase();
    let i = MONTHS.iter().position(|m| *m == name)?;
    i8::try_from(i + 1).ok()
}

/// The reset time of a pane whose screen reads `rate_limited`, kept from
/// the capture its banner was first seen in: a bare time of day is
/// resolved against that moment, not against a later one, at which the
/// time may already have passed.
#[derive(Debug, Clone, Default)]
pub struct ResetWatch {
    text: Option<String>,
    reset: Option<Timestamp>,
}

impl ResetWatch {
    /// Takes a new capture of the limited screen at `now`.
    pub fn observe(&mut self, screen: &str, now: Timestamp, local: &TimeZone) {
        let text = reset_text(screen);
        if text != self.text.as_deref() {
            self.text = text.map(str::to_owned);
            self.reset = reset_time(screen, now, local);
        }
    }

    /// When the banner says the limit resets.
    pub fn reset(&self) -> Option<Timestamp> {
        self.reset
    }
}

#[cfg(test)]
#[path = "reset_time_tests.rs"]
mod tests;
