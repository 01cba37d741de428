//! /proc readings and the arithmetic on them.

use super::*;

/// (utime + stime, cutime + cstime) of a process, in ticks.
pub(crate) fn cpu_ticks(pid: u32) -> (u64, u64) {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).expect("read /proc stat");
    // Fields after the command name, which is in parentheses and may hold
    // spaces: state is field 3, utime 14, stime 15, cutime 16, cstime 17.
    let rest = &stat[stat.rfind(')').expect("stat format") + 2..];
    let f: Vec<u64> = rest
        .split_whitespace()
        .map(|s| s.parse().unwrap_or(0))
        .collect();
    (f[11] + f[12], f[13] + f[14])
}

/// CPU ticks (utime + stime) of the live children of `pid`: a `tmux -C`
/// control client runs as long as its parent, so its time is never in the
/// parent's reaped-children figures.
pub(crate) fn live_children_ticks(pid: u32) -> u64 {
    let Ok(dir) = std::fs::read_dir("/proc") else {
        return 0;
    };
    dir.filter_map(Result::ok)
        .filter_map(|e| e.file_name().to_str()?.parse::<u32>().ok())
        .filter_map(|p| {
            let stat = std::fs::read_to_string(format!("/proc/{p}/stat")).ok()?;
            let rest = &stat[stat.rfind(')')? + 2..];
            let f: Vec<u64> = rest
                .split_whitespace()
                .map(|s| s.parse().unwrap_or(0))
                .collect();
            // ppid is field 4, the second after the command name.
            (f.get(1) == Some(&u64::from(pid))).then(|| f[11] + f[12])
        })
        .sum()
}

/// CPU over a window, as % of one core: the daemon alone, the daemon with
/// the `tmux` clients it spawned (reaped, or still running: the control
/// client), and the tmux server.
pub(crate) struct CpuWindow {
    pub daemon: f64,
    pub with_clients: f64,
    pub server: f64,
}

/// CPU ticks of a daemon, its tmux clients and the tmux server at one
/// moment; two of them bound a window.
pub(crate) struct CpuMark {
    own: u64,
    kids: u64,
    live: u64,
    server: u64,
    at: Instant,
}

impl CpuMark {
    pub(crate) fn take(pid: u32, server: u32) -> Self {
        let (own, kids) = cpu_ticks(pid);
        Self {
            own,
            kids,
            live: live_children_ticks(pid),
            server: cpu_ticks(server).0,
            at: Instant::now(),
        }
    }

    /// Seconds of CPU since `earlier`: (daemon, daemon + its tmux clients,
    /// tmux server).
    pub(crate) fn since(&self, earlier: &CpuMark) -> (f64, f64, f64) {
        let secs = |ticks: u64| ticks as f64 / TICKS_PER_SEC;
        let own = self.own - earlier.own;
        let clients = (self.kids - earlier.kids) + self.live.saturating_sub(earlier.live);
        (
            secs(own),
            secs(own + clients),
            secs(self.server - earlier.server),
        )
    }
}

/// Settles for 5 s, then measures the daemon `pid` and the tmux server
/// `server` over `secs` seconds.
pub(crate) fn cpu_window(pid: u32, server: u32, secs: u64) -> CpuWindow {
    std::thread::sleep(Duration::from_secs(5));
    let start = CpuMark::take(pid, server);
    std::thread::sleep(Duration::from_secs(secs));
    let end = CpuMark::take(pid, server);
    let wall = end.at.duration_since(start.at).as_secs_f64();
    let (daemon, with_clients, server) = end.since(&start);
    let pct_core = |cpu: f64| cpu / wall * 100.0;
    CpuWindow {
        daemon: pct_core(daemon),
        with_clients: pct_core(with_clients),
        server: pct_core(server),
    }
}

/// The tmux server's pid.
pub(crate) fn server_pid(tmux: &TmuxServer) -> u32 {
    tmux.ok(&["display-message", "-p", "#{pid}"])
        .parse()
        .expect("server pid")
}

/// Peak resident set size (VmHWM) in KiB.
pub(crate) fn vm_hwm_kb(pid: u32) -> u64 {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .unwrap_or_default()
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.split_whitespace().next()?.parse().ok())
        .unwrap_or(0)
}

/// Nearest-rank percentile.
#[expect(
    clippy::cast_possible_truncation,
    clippy::cast_sign_loss,
    reason = "the rank is in 0..=len: whole, non-negative and small"
)]
pub(crate) fn pct(v: &mut [f64], p: f64) -> f64 {
    v.sort_by(f64::total_cmp);
    let rank = ((p / 100.0) * v.len() as f64).ceil() as usize;
    v[rank.clamp(1, v.len()) - 1]
}

/// Wall clock, Unix ms.
pub(crate) fn now_ms() -> f64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .expect("clock after 1970")
        .as_secs_f64()
        * 1000.0
}

/// `2026-11-24T10:15:02.123Z` as Unix ms.
pub(crate) fn parse_rfc3339_ms(s: &str) -> Option<f64> {
    assigner::store::rfc3339_ms(s).map(|ms| ms as f64)
}
