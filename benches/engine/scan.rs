//! The wall and CPU cost of one scan, in process, without a daemon: a
//! glance at the panes, the full listing, and the listing with a capture of
//! every pane.

use super::*;

pub(crate) fn scan(opts: &Opts) {
    let (k_list, k_full) = if opts.quick { (20, 3) } else { (100, 10) };
    println!("\n## scan cost, in process (idle stand-in agents, no daemon)");
    println!(
        "| panes | path | glance: wall p50 | glance: CPU ours + server | list-panes: wall p50 | list-panes: CPU ours + server | list + capture every pane: wall p50 | list + capture every pane: CPU ours + server |"
    );
    println!("|---|---|---|---|---|---|---|---|");
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    for (n, control) in SIZES.into_iter().flat_map(|n| [(n, false), (n, true)]) {
        let server = TmuxServer::new();
        start_agents(&server, n, 100);
        std::thread::sleep(Duration::from_secs(1));
        let tmux = Tmux::new(server.socket()).with_control_mode(control);
        let first = rt.block_on(tmux.snapshot()).expect("snapshot");
        assert_eq!(tmux.path() == "control mode", control, "{}", tmux.path());
        assert_eq!(first.panes.len(), n, "panes");
        let spid = first.server_pid;
        let ids: Vec<String> = first.panes.iter().map(|p| p.id.clone()).collect();
        let background = background_rate(spid, if opts.quick { 1 } else { 3 });
        let glance = measure(k_list, spid, background, || {
            rt.block_on(async {
                tmux.glance().await.expect("glance");
            });
        });
        let list = measure(k_list, spid, background, || {
            rt.block_on(async {
                tmux.snapshot().await.expect("snapshot");
            });
        });
        let full = measure(k_full, spid, background, || {
            rt.block_on(async {
                let snap = tmux.snapshot().await.expect("snapshot");
                assert_eq!(snap.panes.len(), ids.len());
                for id in &ids {
                    tmux.capture(id, 40).await.expect("capture");
                }
            });
        });
        println!(
            "| {n} | {} | {:.1} ms | {} | {:.1} ms | {} | {:.1} ms | {} |",
            tmux.path(),
            glance.wall_p50_ms,
            glance.cpu_cell(),
            list.wall_p50_ms,
            list.cpu_cell(),
            full.wall_p50_ms,
            full.cpu_cell()
        );
    }
    println!(
        "(CPU per scan = mean over the batch; ours = this process + its tmux client children; server = the tmux server, net of its background load from the agents' redraws)"
    );
}

struct Batch {
    wall_p50_ms: f64,
    ours_ms: f64,
    server_ms: f64,
}

impl Batch {
    fn cpu_cell(&self) -> String {
        format!("{:.1} + {:.1} ms", self.ours_ms, self.server_ms)
    }
}

/// CPU ticks per second the tmux server spends on its own (the agents'
/// redraws) while nobody asks it anything, over `secs`.
fn background_rate(server_pid: u32, secs: u64) -> f64 {
    let (t0, _) = cpu_ticks(server_pid);
    let start = Instant::now();
    std::thread::sleep(Duration::from_secs(secs));
    let (t1, _) = cpu_ticks(server_pid);
    (t1 - t0) as f64 / start.elapsed().as_secs_f64()
}

/// Runs `f` `k` times (after one warm-up); median wall time and mean CPU,
/// the tmux server's net of its `background` ticks per second.
fn measure(k: usize, server_pid: u32, background: f64, mut f: impl FnMut()) -> Batch {
    f();
    let me = std::process::id();
    let (own0, kids0) = cpu_ticks(me);
    let live0 = live_children_ticks(me);
    let (srv0, _) = cpu_ticks(server_pid);
    let mut walls = Vec::with_capacity(k);
    let start = Instant::now();
    for _ in 0..k {
        let t = Instant::now();
        f();
        walls.push(t.elapsed().as_secs_f64() * 1000.0);
    }
    let (own1, kids1) = cpu_ticks(me);
    let live1 = live_children_ticks(me);
    let (srv1, _) = cpu_ticks(server_pid);
    let server_net = ((srv1 - srv0) as f64 - background * start.elapsed().as_secs_f64()).max(0.0);
    let per_ms = |ticks: f64| ticks / TICKS_PER_SEC * 1e3 / k as f64;
    Batch {
        wall_p50_ms: pct(&mut walls, 50.0),
        ours_ms: per_ms(((own1 - own0) + (kids1 - kids0) + live1.saturating_sub(live0)) as f64),
        server_ms: per_ms(server_net),
    }
}
