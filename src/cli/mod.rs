//! `assignerctl`: turns a command line into one request, prints the answer;
//! `wait`, `send --wait` and `follow` make several, until prompts end.
//!
//! Exit status: 0 on success; otherwise a one-line reason on stderr and a
//! sysexits code derived from the error kind, or the outcome of the prompts
//! waited for (see `assignerctl(1)`).

mod args;
mod exchange;
mod follow;
mod hook;
mod hooks;
mod hooks_codex;
mod hooks_merge;
mod journal;
mod offline;
mod output;
mod pool;
mod print;
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

use crate::client::ClientError;
use crate::config::Config;
use crate::error::{exit, exit_code_for};
use crate::paths::{self, Mode};
use crate::protocol::Request;
use exchange::{open, runtime};
use print::{exit_status, print, report};
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
