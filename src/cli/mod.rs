//! `assignerctl`: turns a command line into one request, prints the answer.
//!
//! Exit status: 0 on success; otherwise a one-line reason on stderr and a
//! sysexits code derived from the error kind (see `assignerctl(1)`).

mod args;
mod hook;
mod hooks;
mod hooks_codex;
mod hooks_merge;
mod journal;
mod offline;
mod output;
mod printable;
mod reports;
mod send;
mod table;

use std::path::PathBuf;
use std::time::Duration;

pub use args::{CleanupArgs, Cli, Command, SendArgs};
use clap::{CommandFactory, Parser};

use crate::client::{Client, ClientError};
use crate::config::Config;
use crate::error::{exit, exit_code_for};
use crate::paths::{self, Mode};
use crate::protocol::{Reply, Request, Response, WireError};

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
    let request = match to_request(cli.command) {
        Ok(r) => r,
        Err(msg) => {
            eprintln!("assignerctl: {msg}");
            return exit::USAGE;
        }
    };
    let runtime = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("assignerctl: cannot start: {e}");
            return exit::OSERR;
        }
    };
    match runtime.block_on(execute(&socket, request, json, deadline)) {
        Ok(code) => code,
        Err(e) => {
            report(&e, &socket, json);
            exit_code_for(e.kind())
        }
    }
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

fn absolute(p: PathBuf) -> Result<String, String> {
    std::path::absolute(&p)
        .map(|a| a.display().to_string())
        .map_err(|e| format!("{}: {e}", p.display()))
}

fn to_request(cmd: Command) -> Result<Request, String> {
    Ok(match cmd {
        Command::Status => Request::Status {},
        Command::Send(a) => {
            let raw = a.raw;
            Request::Send {
                prompt: send::build(a)?,
                raw,
            }
        }
        Command::Prompts { status, limit } => Request::Prompts {
            status,
            limit: Some(limit),
        },
        Command::Show { id } => Request::Show { id },
        Command::Sessions => Request::Sessions {},
        Command::Retry { id, all } => Request::Retry { id, all },
        Command::Cancel { id } => Request::Cancel { id },
        Command::Reassign { id, to } => Request::Reassign { id, to },
        Command::Clear { days } => Request::Clear { days },
        Command::Cleanup(c) => Request::Cleanup {
            apply: c.apply,
            retry_failed: c.retry_failed,
            verify_only: c.verify_only,
        },
        Command::Complete {
            id,
            pane,
            session,
            failed,
            failure,
            from_hook,
            payload,
        } => {
            // A hook runs in the agent's pane; Codex's notify program gets
            // no shell to expand $TMUX_PANE in its arguments.
            let pane = match (&pane, from_hook) {
                (None, Some(_)) if id.is_none() && session.is_none() => {
                    std::env::var("TMUX_PANE").ok().filter(|p| !p.is_empty())
                }
                _ => pane,
            };
            if id.is_none() && pane.is_none() && session.is_none() {
                return Err("complete needs an ID, --pane or --session".into());
            }
            let report = match from_hook {
                Some(agent) => hook::read(agent, payload)?,
                None => hook::HookReport {
                    error: failed,
                    failure,
                    response: None,
                },
            };
            Request::Complete {
                id,
                pane,
                session,
                error: report.error,
                response: report.response,
                failure: report.failure,
            }
        }
        Command::Watch => Request::Watch {},
        Command::Reload => Request::Reload {},
        Command::Explain { session } => Request::Explain { session },
        Command::ImportLegacy { path } => Request::ImportLegacy {
            path: absolute(path)?,
        },
        Command::Backup { path } => Request::Backup {
            path: absolute(path)?,
        },
        Command::Validate { .. } | Command::Completions { .. } | Command::Hooks { .. } => {
            unreachable!("handled locally")
        }
    })
}

/// Sends the request and prints every reply; returns the exit status.
/// Connecting and the answer must come within `deadline` (a stopped daemon
/// still accepts connections into the socket's backlog, and would keep an
/// agent hook waiting for ever); the events `watch` streams after its
/// answer come when they come.
async fn execute(
    socket: &std::path::Path,
    req: Request,
    json: bool,
    deadline: Option<Duration>,
) -> Result<i32, ClientError> {
    let sent = std::cell::Cell::new(false);
    let exchange = async {
        let mut client = Client::connect(socket).await?;
        sent.set(true);
        let reply = client.call(&req).await?;
        Ok::<_, ClientError>((client, reply))
    };
    let (mut client, reply) =
        match deadline {
            None => exchange.await?,
            Some(after) => tokio::time::timeout(after, exchange).await.map_err(|_| {
                ClientError::Timeout {
                    path: socket.to_owned(),
                    after,
                    sent: sent.get(),
                }
            })??,
        };
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
    use std::io::Write;
    let text = if json {
        let mut s = serde_json::to_string(reply).unwrap_or_default();
        s.push('\n');
        s
    } else {
        printable::text(&output::human(reply)).into_owned()
    };
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
