//! A submission's life: logged, then busy as long as its directives say,
//! ended in a done line or an API error, and followed by a dialog or a
//! usage-limit banner when asked for.

use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use serde_json::json;

use crate::{Agent, Mode, collapsed};

impl Agent {
    /// Starts in a banner that shows a reset time SECS ahead or a little
    /// more, and stays.
    pub(super) fn limit_lasting(&mut self, secs: u64) {
        let now = unix_ms();
        let reset = (now / 1000 + secs).div_ceil(60) * 60;
        let (hour, minute) = ((reset / 3600) % 24, (reset / 60) % 60);
        let half = if hour < 12 { "am" } else { "pm" };
        let hour12 = if hour % 12 == 0 { 12 } else { hour % 12 };
        self.resets = Some(format!("{hour12}:{minute:02}{half} (UTC)"));
        self.mode = Mode::Limited {
            until: Instant::now() + Duration::from_secs(365 * 86_400),
        };
        self.record(&json!({"limit_resets_at": reset, "at_ms": now}));
    }

    pub(super) fn submit(&mut self) {
        let text = String::from_utf8_lossy(&std::mem::take(&mut self.composer)).into_owned();
        self.seq += 1;
        self.record(&json!({"seq": self.seq, "text": text, "at_ms": unix_ms()}));
        let mut lines = text.lines();
        let first: String = lines.next().unwrap_or("").chars().take(200).collect();
        let more = lines.count();
        self.transcript.push(if self.collapse && more > 0 {
            format!("> {}", collapsed(&text))
        } else if more > 0 {
            format!("> {first} [+{more} lines]")
        } else {
            format!("> {first}")
        });
        if text.contains("#exit") {
            self.exit = true;
            return;
        }
        self.api_error = if text.contains("#apierror=429") {
            Some(
                "⏺ API Error: Request rejected (429) · Number of request tokens has exceeded your per-minute rate limit (stand-in)",
            )
        } else if text.contains("#apierror") {
            Some("⏺ API Error: 500 Internal server error (stand-in)")
        } else {
            None
        };
        let busy = directive(&text, "#busy=").unwrap_or(self.busy_ms);
        let now = Instant::now();
        self.mode = Mode::Busy {
            since: now,
            until: now + Duration::from_millis(busy),
        };
        self.then = if text.contains("#dialog") {
            Some(Mode::Dialog)
        } else if self.limits && text.contains("#ratelimit") {
            let ms = directive(&text, "#ratelimit=").unwrap_or(2000);
            Some(Mode::Limited {
                until: now + Duration::from_millis(busy + ms),
            })
        } else if self.limit_every > 0 && self.seq % self.limit_every == 0 {
            Some(Mode::Limited {
                until: now + Duration::from_millis(busy + 800),
            })
        } else {
            None
        };
    }

    pub(super) fn tick(&mut self, now: Instant) {
        match self.mode {
            Mode::Busy { until, .. } if now >= until => {
                self.transcript.push(if let Some(line) = self.api_error {
                    line.to_owned()
                } else {
                    format!("⏺ Done (prompt {})", self.seq)
                });
                self.mode = self.then.take().unwrap_or(Mode::Idle);
                if matches!(self.mode, Mode::Limited { .. }) {
                    self.record(&json!({"limited": self.seq}));
                }
            }
            Mode::Limited { until } if now >= until => self.mode = Mode::Idle,
            _ => {}
        }
    }
}

/// The number after `key` in `text` (`#busy=1500`).
fn directive(text: &str, key: &str) -> Option<u64> {
    let at = text.find(key)? + key.len();
    let digits: String = text[at..]
        .chars()
        .take_while(char::is_ascii_digit)
        .collect();
    digits.parse().ok()
}

fn unix_ms() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| u64::try_from(d.as_millis()).unwrap_or(u64::MAX))
}
