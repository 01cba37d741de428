//! The systemd notification protocol (`Type=notify`): readiness, a status
//! line, watchdog pings, reload and stop. Every call is a no-op when
//! `$NOTIFY_SOCKET` is unset, i.e. outside systemd.

use std::time::{Duration, Instant};

use sd_notify::NotifyState;
use tracing::warn;

/// Sends notifications and paces watchdog pings.
pub struct Notifier {
    enabled: bool,
    watchdog: Option<Duration>,
    last_ping: Option<Instant>,
    last_status: String,
}

impl Notifier {
    /// Reads `$NOTIFY_SOCKET` and `$WATCHDOG_USEC` from the environment.
    pub fn from_env() -> Self {
        Self {
            enabled: std::env::var_os("NOTIFY_SOCKET").is_some(),
            watchdog: sd_notify::watchdog_enabled(),
            last_ping: None,
            last_status: String::new(),
        }
    }

    /// The interval at which the loop must prove it is alive: half the
    /// watchdog timeout, so one late iteration does not get us killed.
    pub fn ping_interval(&self) -> Option<Duration> {
        self.watchdog.map(|w| w / 2)
    }

    fn send(&self, states: &[NotifyState<'_>]) {
        if self.enabled
            && let Err(e) = sd_notify::notify(states)
        {
            warn!(error = %e, "cannot notify systemd");
        }
    }

    /// `READY=1` with the current status line.
    pub fn ready(&mut self, status: &str) {
        self.last_status = status.to_owned();
        self.send(&[NotifyState::Ready, NotifyState::Status(status)]);
    }

    /// `STATUS=…`, only when it changed.
    pub fn status(&mut self, status: &str) {
        if status != self.last_status {
            self.last_status = status.to_owned();
            self.send(&[NotifyState::Status(status)]);
        }
    }

    /// `WATCHDOG=1`, called after a healthy loop iteration; pings at most
    /// every [`Self::ping_interval`].
    pub fn healthy(&mut self) {
        let Some(every) = self.ping_interval() else {
            return;
        };
        if self.last_ping.is_none_or(|t| t.elapsed() >= every / 2) {
            self.last_ping = Some(Instant::now());
            self.send(&[NotifyState::Watchdog]);
        }
    }

    /// `RELOADING=1` with `MONOTONIC_USEC`, as `Type=notify-reload` expects.
    pub fn reloading(&self) {
        match NotifyState::monotonic_usec_now() {
            Ok(now) => self.send(&[NotifyState::Reloading, now]),
            Err(_) => self.send(&[NotifyState::Reloading]),
        }
    }

    /// `READY=1` after a reload, without touching `STATUS=`.
    pub fn reloaded(&self) {
        self.send(&[NotifyState::Ready]);
    }

    /// `STOPPING=1`.
    pub fn stopping(&self) {
        self.send(&[NotifyState::Stopping, NotifyState::Status("stopping")]);
    }
}
