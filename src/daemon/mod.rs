//! `assignerd`: start-up, the accept loop, signals and shutdown.
//!
//! Start-up order matters to systemd: configuration, then the database
//! (opened and migrated), then the control socket, then the core task, and
//! only then `READY=1`. The main loop below is the one place that reacts to
//! signals and new connections; all state lives in the core task.

mod accept;
mod admission;
mod args;
mod connection;
mod context;
mod core;
mod deadline;
mod follow;
mod handlers;
mod listener;
mod message;
mod notify;
mod peer;
mod pools;
mod retention;
mod settings;
mod startup;
mod stream;
mod upkeep;

use std::sync::Arc;
use std::time::Duration;

use tokio::signal::unix::{SignalKind, signal};
use tokio::sync::{broadcast, mpsc, oneshot, watch};
use tracing::{error, info, warn};

pub use admission::RESERVED_SLOTS;
pub use args::Args;
pub use settings::Settings;

use self::admission::{Admission, Slots};
use self::context::{ConnContext, ReloadAsk};
use self::core::Core;
use self::listener::ControlSocket;
use self::message::CoreMsg;
use self::notify::Notifier;
use self::startup::Opened;
use crate::engine::Engine;
use crate::error::exit;
use crate::logging::{LogHandle, early_error};

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
    let (Ok(mut term), Ok(mut int), Ok(mut hup)) = (
        signal(SignalKind::terminate()),
        signal(SignalKind::interrupt()),
        signal(SignalKind::hangup()),
    ) else {
        error!("cannot install signal handlers");
        return exit::OSERR;
    };
    let Opened {
        admission,
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
    let engine = Engine::new(&settings.tmux_socket, &settings.config);
    let mut core = Core::new(store, settings, engine, events.clone());
    if let Some(r) = recovery {
        core.notices.push(r.notice());
    }
    let status = core.status_line();
    let mut core_task = tokio::spawn(core.run(core_rx, shutdown_rx.clone()));

    let (reload_tx, mut reload_rx) = mpsc::channel::<ReloadAsk>(4);
    let ctx = Arc::new(ConnContext {
        core: core_tx.clone(),
        events,
        admission: watch::Sender::new(admission),
        shutdown: shutdown_rx,
        reload: reload_tx,
    });
    let slots = Arc::new(Slots::default());
    let mut notifier = Notifier::from_env();
    notifier.ready(&status);
    info!("ready");

    let code = loop {
        tokio::select! {
            _ = term.recv() => { info!("SIGTERM: shutting down"); break exit::OK }
            _ = int.recv() => { info!("SIGINT: shutting down"); break exit::OK }
            _ = hup.recv() => {
                let _ = reload(&args, &core_tx, &log, &notifier, &ctx, &socket).await;
            }
            Some(ask) = reload_rx.recv() => {
                let outcome = reload(&args, &core_tx, &log, &notifier, &ctx, &socket).await;
                let _ = ask.send(outcome);
            }
            res = &mut core_task => {
                error!(result = ?res, "the core task ended unexpectedly");
                break exit::SOFTWARE;
            }
            conn = socket.listener.accept() => match conn {
                Ok((stream, _)) => accept::accept(stream, &ctx, &slots),
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

/// SIGHUP or a `reload` request: re-read the config; an invalid one is
/// refused and logged, and the running config stays. `READY=1`, and the
/// answer to a `reload` request (which `ExecReload=` waits for), go out only
/// once the core has applied the new settings and the next client meets the
/// new access rules, so `systemctl reload` returning means the change is in
/// effect.
async fn reload(
    args: &Args,
    core: &mpsc::Sender<CoreMsg>,
    log: &LogHandle,
    notifier: &Notifier,
    ctx: &ConnContext,
    socket: &ControlSocket,
) -> Result<(), String> {
    notifier.reloading();
    let resolved = Settings::resolve(args)
        .map_err(|e| e.to_string())
        .and_then(|new| Ok((Admission::new(&new.config)?, new)));
    match resolved {
        Ok((admission, new)) => {
            let level = new.log_level.clone();
            let group = admission.policy.group();
            let (applied, done) = oneshot::channel();
            let taken = core.send(CoreMsg::Reload(Box::new(new), applied)).await;
            let outcome = if taken.is_err() || done.await.is_err() {
                warn!("the core did not take the new config");
                Err("the daemon is shutting down".to_owned())
            } else {
                log.set_level(&level);
                ctx.admission.send_replace(admission);
                socket.set_group(group);
                info!("configuration reloaded");
                Ok(())
            };
            notifier.reloaded();
            outcome
        }
        Err(e) => {
            error!(error = %e, "new config refused; keeping the running one");
            notifier.reloaded();
            Err(e)
        }
    }
}
