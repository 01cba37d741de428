//! `assignerctl`: turns a command line into one request, prints the answer;
//! `wait`, `send --wait` and `follow` make several, until prompts end.
//!
//! Exit status: 0 on success; otherwise a one-line reason on stderr and a
//! sysexits code derived from the error kind, or the outcome of the prompts
//! waited for (see `assignerctl(1)`).

mod args;
mod follow;
mod hook;
mod hooks;
mod hooks_codex;
mod hooks_merge;
mod journal;
mod offline;
mod output;
mod pool;
mod printable;
mod reconnect;
mod reports;
mod request;
mod send;
mod table;
mod top;
mod wait;

use std::path::PathBuf;
use std::time::Duration;

pub use args::{CleanupArgs, Cli, Command, SendArgs};
use clap::{CommandFactory, Parser};

use crate::client::{Client, ClientError};
use crate::config::Config;
use crate::error::{exit, exit_code_for};
use crate::paths::{self, Mode};
use crate::protocol::{Reply, Request, Response, WireError};
use request::Job;

/// Parses the command line and runs it; returns the exit status.
pub fn run() -> i32 {
    let cli = Cli::parse();
    match cli.command {
        Command::Completions { shell } => {
            clap_complete::generate(
                shell,
                &mut Cli::command(),
                "assignerctl",
                &mut std::io::stdout(),
            );
            return exit::OK;
        }
        Command::Validate { ref config, system } => return validate(config.clone(), system),
        Command::Cleanup(ref c) if c.db.is_some() => return offline::cleanup(c, cli.json),
        Command::Hooks { ref action } => return hooks::run(action, cli.socket.as_deref()),
        _ => {}
    }
    let socket = find_socket(cli.socket.clone());
    let json = cli.json;
    let deadline = (cli.request_timeout > 0).then(|| Duration::from_secs(cli.request_timeout));
    if matches!(cli.command, Command::Top) {
        return top::run(&socket, json, deadline);
    }
    let job = match request::job(cli.command) {
        Ok(j) => j,
        Err(msg) => {
            eprintln!("assignerctl: {msg}");
            return exit::USAGE;
        }
    };
    let runtime = match runtime() {
        Ok(rt) => rt,
        Err(code) => return code,
    };
    let done = runtime.block_on(async {
        match job {
            Job::One(request) => execute(&socket, request, json, deadline).await,
            Job::Wait(what) => wait::run(&socket, what, json, deadline).await,
            Job::Follow(id) => follow::run(&socket, id, json, deadline).await,
        }
    });
    match done {
        Ok(code) => code,
        Err(e) => {
            report(&e, &socket, json);
            exit_code_for(e.kind())
        }
    }
}

/// The client's runtime: one thread is plenty for one connection or a
/// few. `Err` holds the exit status, the reason printed.
fn runtime() -> Result<tokio::runtime::Runtime, i32> {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| {
            eprintln!("assignerctl: cannot start: {e}");
            exit::OSERR
        })
}

/// `--socket`, then `$ASSIGNER_SOCKET`, then the user socket when it
/// exists, then the system socket.
fn find_socket(flag: Option<PathBuf>) -> PathBuf {
    if let Some(p) = flag {
        return p;
    }
    if let Some(p) = std::env::var_os("ASSIGNER_SOCKET").filter(|v| !v.is_empty()) {
        return PathBuf::from(p);
    }
    let user = paths::socket(Mode::User);
    if user.exists() {
        return user;
    }
    PathBuf::from(paths::SYSTEM_SOCKET)
}

/// One line on stderr for people; with `--json`, also the error object on
/// stdout, so scripts can match on its stable `kind`.
fn report(e: &ClientError, socket: &std::path::Path, json: bool) {
    if json {
        let err = WireError::new(e.kind(), e.to_string());
        println!("{}", Response::Err(err).to_line());
    }
    match e {
        ClientError::Connect { source, .. } => eprintln!(
            "assignerctl: cannot connect to assignerd at {}: {source}; start it with \
             'systemctl --user start assigner.socket' (your own daemon), \
             'sudo systemctl start assigner.socket' (the system service), or run 'assignerd' in a terminal",
            socket.display()
        ),
        ClientError::Daemon(w) => eprintln!(
            "assignerctl: {} ({})",
            printable::text(&w.message),
            w.kind.as_str()
        ),
        other => eprintln!("assignerctl: {}", printable::text(&other.to_string())),
    }
}

/// Connects and sends `req`; returns the connection and its answer.
/// Connecting and the answer must come within `deadline` (a stopped daemon
/// still accepts connections into the socket's backlog, and would keep an
/// agent hook waiting for ever).
pub(crate) async fn open(
    socket: &std::path::Path,
    req: &Request,
    deadline: Option<Duration>,
) -> Result<(Client, Reply), ClientError> {
    // Atomic rather than a Cell so the future can run on a spawned task
    // (`top` reads its snapshots on one).
    let sent = std::sync::atomic::AtomicBool::new(false);
    let exchange = async {
        let mut client = Client::connect(socket).await?;
        sent.store(true, std::sync::atomic::Ordering::Relaxed);
        let reply = client.call(req).await?;
        Ok::<_, ClientError>((client, reply))
    };
    within(socket, deadline, exchange, || {
        sent.load(std::sync::atomic::Ordering::Relaxed)
    })
    .await
}

/// Runs an exchange with the daemon within `deadline`; a timeout says
/// whether the request had been sent (`sent`, asked when it passes).
pub(crate) async fn within<T>(
    socket: &std::path::Path,
    deadline: Option<Duration>,
    exchange: impl Future<Output = Result<T, ClientError>>,
    sent: impl FnOnce() -> bool,
) -> Result<T, ClientError> {
    match deadline {
        None => exchange.await,
        Some(after) => {
            tokio::time::timeout(after, exchange)
                .await
                .map_err(|_| ClientError::Timeout {
                    path: socket.to_owned(),
                    after,
                    sent: sent(),
                })?
        }
    }
}

/// Sends the request and prints every reply; returns the exit status.
/// The events `watch` streams after its answer come when they come.
async fn execute(
    socket: &std::path::Path,
    req: Request,
    json: bool,
    deadline: Option<Duration>,
) -> Result<i32, ClientError> {
    let (mut client, reply) = open(socket, &req, deadline).await?;
    let watching = matches!(req, Request::Watch {});
    print(&reply, json);
    if watching {
        loop {
            let reply = client.next().await?;
            print(&reply, json);
        }
    }
    Ok(exit_status(&reply))
}

/// A successful answer can still carry bad news a script must see: an
/// integrity check that found problems exits EX_DATAERR, online or offline.
pub(crate) fn exit_status(reply: &Reply) -> i32 {
    match reply {
        Reply::Cleanup { report }
            if !report.integrity.is_empty()
                && !crate::maintenance::verify::is_healthy(&report.integrity) =>
        {
            exit::DATAERR
        }
        _ => exit::OK,
    }
}

pub(crate) fn print(reply: &Reply, json: bool) {
    if json {
        let mut s = serde_json::to_string(reply).unwrap_or_default();
        s.push('\n');
        write_out(&s);
    } else {
        print_text(&output::human(reply));
    }
}

/// Writes text for people, anything non-printable escaped.
fn print_text(text: &str) {
    write_out(&printable::text(text));
}

/// Writes to stdout and flushes: a script reading the output as it comes
/// (`follow`, `watch`) sees each piece at once.
fn write_out(text: &str) {
    use std::io::Write;
    let mut out = std::io::stdout().lock();
    let _ = out.write_all(text.as_bytes());
    let _ = out.flush();
}

fn validate(config: Option<PathBuf>, system: bool) -> i32 {
    let path = config
        .unwrap_or_else(|| paths::config_file(if system { Mode::System } else { Mode::User }));
    match Config::load(&path) {
        Ok(_) => {
            println!("{}: OK", path.display());
            exit::OK
        }
        Err(e) => {
            eprintln!("assignerctl: {e}");
            exit::CONFIG
        }
    }
}
