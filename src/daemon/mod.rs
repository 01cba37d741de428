//! `assignerd`: start-up, the accept loop, signals and shutdown.
//!
//! Start-up order matters to systemd: configuration, then the database
//! (opened and migrated), then the control socket, then the core task, and
//! only then `READY=1`. The main loop below is the one place that reacts to
//! signals and new connections; all state lives in the core task.

mod args;
mod connection;
mod core;
mod handlers;
mod listener;
mod maintenance;
mod notify;
mod peer;
mod settings;
mod startup;

use std::sync::Arc;
use std::time::Duration;

use tokio::signal::unix::{SignalKind, signal};
use tokio::sync::{Semaphore, broadcast, mpsc, watch};
use tracing::{error, info, warn};

pub use args::Args;
pub use settings::Settings;

use self::connection::ConnContext;
use self::core::{Core, CoreMsg};
use self::notify::Notifier;
use self::startup::Opened;
use crate::engine::Engine;
use crate::error::exit;
use crate::logging::{LogHandle, early_error};
use crate::protocol::{ErrorKind, Response};

/// How long shutdown waits for the core to finish its current step.
const SHUTDOWN_GRACE: Duration = Duration::from_secs(10);

/// Runs the daemon; returns the process exit code.
pub fn run(args: Args) -> i32 {
    // Before any thread exists: this clears LISTEN_* from the environment.
    let activated = match listener::take_activated() {
        Ok(l) => l,
        Err(e) => {
            early_error(format_args!("socket activation: {e}"));
            return exit::OSERR;
        }
    };
    let settings = match Settings::resolve(&args) {
        Ok(s) => s,
        Err(e) => {
            early_error(e);
            return exit::CONFIG;
        }
    };
    if args.check_config {
        println!(
            "config OK: {}",
            settings
                .config_file
                .as_ref()
                .map_or("(built-in defaults)".into(), |p| p.display().to_string())
        );
        return exit::OK;
    }
    let log = crate::logging::init(&settings.log_level);
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            error!(error = %e, "cannot start the async runtime");
            return exit::OSERR;
        }
    };
    runtime.block_on(serve(args, settings, activated, log))
}

async fn serve(
    args: Args,
    settings: Settings,
    activated: Option<std::os::unix::net::UnixListener>,
    log: LogHandle,
) -> i32 {
    // First, so that a signal during start-up is handled, not fatal.
    let (mut term, mut int, mut hup) = match (
        signal(SignalKind::terminate()),
        signal(SignalKind::interrupt()),
        signal(SignalKind::hangup()),
    ) {
        (Ok(t), Ok(i), Ok(h)) => (t, i, h),
        _ => {
            error!("cannot install signal handlers");
            return exit::OSERR;
        }
    };
    let Opened {
        policy,
        db_lock: _db_lock,
        store,
        recovery,
        socket,
    } = match startup::open(&settings, activated) {
        Ok(o) => o,
        Err(e) => {
            error!("{}", e.message);
            return e.code;
        }
    };
    info!(
        db = %settings.db.display(),
        socket = %socket.path.display(),
        socket_activated = socket.activated,
        tmux_socket = %settings.tmux_socket.display(),
        config = %settings.config_file.as_ref().map_or("(defaults)".into(), |p| p.display().to_string()),
        "assignerd {} starting",
        env!("CARGO_PKG_VERSION")
    );

    let (events, _) = broadcast::channel(1024);
    let (core_tx, core_rx) = mpsc::channel(256);
    let (shutdown_tx, shutdown_rx) = watch::channel(false);
    let engine = Engine::new(&settings);
    let max_connections = settings.config.max_connections;
    let idle_timeout = Duration::from_secs(settings.config.idle_timeout_secs);
    let mut core = Core::new(store, settings, engine, events.clone());
    if let Some(r) = recovery {
        core.notices.push(r.notice());
    }
    let status = core.status_line();
    let mut core_task = tokio::spawn(core.run(core_rx, shutdown_rx.clone()));

    let ctx = Arc::new(ConnContext {
        core: core_tx.clone(),
        events,
        policy,
        idle_timeout,
        shutdown: shutdown_rx,
    });
    let slots = Arc::new(Semaphore::new(max_connections));
    let mut notifier = Notifier::from_env();
    notifier.ready(&status);
    info!("ready");

    let code = loop {
        tokio::select! {
            _ = term.recv() => { info!("SIGTERM: shutting down"); break exit::OK }
            _ = int.recv() => { info!("SIGINT: shutting down"); break exit::OK }
            _ = hup.recv() => reload(&args, &core_tx, &log, &notifier).await,
            res = &mut core_task => {
                error!(result = ?res, "the core task ended unexpectedly");
                break exit::SOFTWARE;
            }
            conn = socket.listener.accept() => match conn {
                Ok((stream, _)) => accept(stream, &ctx, &slots),
                Err(e) => {
                    warn!(error = %e, "accept failed");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                }
            },
        }
    };

    notifier.stopping();
    drop(socket);
    let _ = shutdown_tx.send(true);
    if !core_task.is_finished()
        && tokio::time::timeout(SHUTDOWN_GRACE, &mut core_task)
            .await
            .is_err()
    {
        warn!("core did not stop within {SHUTDOWN_GRACE:?}");
    }
    info!("stopped");
    code
}

/// Hands a connection to its own task, or refuses it when all slots are
/// taken (the refusal is written from a task too, so a slow client cannot
/// stall the accept loop).
fn accept(stream: tokio::net::UnixStream, ctx: &Arc<ConnContext>, slots: &Arc<Semaphore>) {
    let ctx = Arc::clone(ctx);
    match Arc::clone(slots).try_acquire_owned() {
        Ok(permit) => {
            tokio::spawn(async move {
                connection::serve(stream, ctx).await;
                drop(permit);
            });
        }
        Err(_) => {
            tokio::spawn(async move {
                use tokio::io::AsyncWriteExt;
                let mut stream = stream;
                let mut line = Response::error(
                    ErrorKind::Unavailable,
                    "too many clients connected; try again",
                )
                .to_line();
                line.push('\n');
                let _ =
                    tokio::time::timeout(Duration::from_secs(1), stream.write_all(line.as_bytes()))
                        .await;
            });
        }
    }
}

/// SIGHUP: re-read the config; an invalid one is refused and logged, and
/// the running config stays.
async fn reload(args: &Args, core: &mpsc::Sender<CoreMsg>, log: &LogHandle, notifier: &Notifier) {
    notifier.reloading();
    match Settings::resolve(args) {
        Ok(new) => {
            log.set_level(&new.log_level);
            if core.send(CoreMsg::Reload(Box::new(new))).await.is_err() {
                warn!("cannot hand the new config to the core");
            }
        }
        Err(e) => error!(error = %e, "SIGHUP: new config refused; keeping the running one"),
    }
    // The core keeps STATUS= current; here only the reload is concluded.
    notifier.reloaded();
}
