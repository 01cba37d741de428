//! Command line of `assignerctl`. The man page and shell completions are
//! generated from these definitions.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

use crate::protocol::{self, Failure, PromptStatus};

/// A clap parser for a `u32` in one of the protocol's ranges, so the
/// command line and the daemon accept exactly the same values.
fn range(r: &std::ops::RangeInclusive<u32>) -> clap::builder::RangedI64ValueParser<u32> {
    clap::value_parser!(u32).range(i64::from(*r.start())..=i64::from(*r.end()))
}

/// Queue prompts for coding agents in tmux panes and manage the queue.
#[derive(Debug, Parser)]
#[command(name = "assignerctl", version)]
pub struct Cli {
    /// Control socket of the daemon. Default: $ASSIGNER_SOCKET, then the
    /// user socket ($XDG_RUNTIME_DIR/assigner/control.sock) when it exists,
    /// then /run/assigner/control.sock.
    #[arg(long, global = true, value_name = "PATH")]
    pub socket: Option<PathBuf>,

    /// Print machine-readable JSON instead of tables.
    #[arg(long, global = true)]
    pub json: bool,

    /// Give up when the daemon has not answered within SECS seconds (exit
    /// 69); 0 waits as long as it takes (a backup or import of a large
    /// database may need more). Covers connecting and each answer; events
    /// that watch streams afterwards, and the time wait, send --wait and
    /// follow wait for prompts, have no deadline. Not to be confused with
    /// send --timeout, the prompt's own limit in minutes.
    #[arg(long, global = true, value_name = "SECS", default_value_t = 10)]
    pub request_timeout: u64,

    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// The commands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Show the daemon, queue and session summary.
    Status,
    /// Queue a prompt; prints its id.
    Send(SendArgs),
    /// List prompts, newest first.
    Prompts {
        /// Only prompts in this status (pending, assigned, in_progress,
        /// completed, failed, cancelled).
        #[arg(long, short)]
        status: Option<PromptStatus>,
        /// At most this many.
        #[arg(long, default_value_t = 200)]
        limit: u32,
    },
    /// Show one prompt with its history and response.
    Show {
        /// Prompt id.
        id: i64,
    },
    /// List tracked sessions and their state.
    Sessions,
    /// Put failed or cancelled prompts back in the queue.
    Retry {
        /// Prompt id.
        #[arg(required_unless_present = "all", conflicts_with = "all")]
        id: Option<i64>,
        /// Every failed prompt under its max retries.
        #[arg(long)]
        all: bool,
    },
    /// Cancel a pending prompt.
    Cancel {
        /// Prompt id.
        id: i64,
    },
    /// Send a pending or failed prompt back to the queue, optionally to
    /// another session.
    Reassign {
        /// Prompt id.
        id: i64,
        /// Target session name.
        #[arg(long, value_name = "SESSION")]
        to: Option<String>,
    },
    /// Delete finished (completed and cancelled) prompts.
    Clear {
        /// Only those finished more than N days ago.
        #[arg(long, value_name = "N")]
        days: Option<u32>,
    },
    /// Reconcile the database with tmux; a dry run unless --apply.
    Cleanup(CleanupArgs),
    /// Report that an agent finished its prompt (for agent hooks).
    Complete {
        /// Prompt id.
        #[arg(conflicts_with_all = ["pane", "session"])]
        id: Option<i64>,
        /// The pane running it, e.g. "$TMUX_PANE".
        #[arg(long, conflicts_with = "session")]
        pane: Option<String>,
        /// The session running it.
        #[arg(long)]
        session: Option<String>,
        /// Mark the prompt failed with this reason instead.
        #[arg(long, value_name = "REASON", conflicts_with = "from_hook")]
        failed: Option<String>,
        /// With --failed: rate_limit (back to the queue without using a
        /// retry; the pane reads rate_limited for 60 s or longer) or final
        /// (failed, not retried). Without it the prompt is retried while retries remain, and the
        /// pane rests 60 s.
        #[arg(long, value_name = "KIND", requires = "failed")]
        failure: Option<Failure>,
        /// Read the hook's JSON payload as AGENT hands it over (claude and
        /// gemini: on stdin; codex: the argument after --payload) and report the
        /// answer it holds, or its failure. The pane defaults to
        /// $TMUX_PANE.
        #[arg(long, value_name = "AGENT")]
        from_hook: Option<HookAgent>,
        /// The payload itself, for agents that pass it as an argument.
        #[arg(long, value_name = "JSON", requires = "from_hook")]
        payload: Option<String>,
    },
    /// Install or remove the agent hooks that report completion.
    Hooks {
        /// install or uninstall.
        #[command(subcommand)]
        action: HooksAction,
    },
    /// List the pools and their agents, or scale or restart one.
    Pool {
        /// scale or restart; none lists the pools.
        #[command(subcommand)]
        action: Option<super::pool::PoolAction>,
    },
    /// Stream prompt and session events until interrupted.
    Watch,
    /// A full-screen live view of sessions, queue and events (see LIVE VIEW).
    ///
    /// Keys: arrows or j/k select, Enter shows the prompt, c cancels, r
    /// retries, a attaches to the session's pane, e explains its state, /
    /// filters, q quits. Needs a terminal on stdout.
    Top,
    /// Wait until the prompts end; print their responses (see EXIT STATUS).
    Wait {
        /// Prompt ids.
        #[arg(required = true, num_args = 1..)]
        ids: Vec<i64>,
        /// Give up after SECS seconds (exit 82); the prompts carry on.
        #[arg(long, value_name = "SECS")]
        timeout: Option<u64>,
    },
    /// Show what the agent's pane shows while the prompt runs, until it ends.
    Follow {
        /// Prompt id.
        id: i64,
    },
    /// Show how a session's state was detected.
    Explain {
        /// Session name, name:window.pane, or pane id.
        session: String,
    },
    /// Check a config file without starting the daemon.
    Validate {
        /// The file; default: the user config, or the system one with --system.
        #[arg(long, short, value_name = "FILE")]
        config: Option<PathBuf>,
        /// Check the system config (/etc/assigner/assigner.toml).
        #[arg(long)]
        system: bool,
    },
    /// Import prompts from the original worker's database.
    ImportLegacy {
        /// The legacy SQLite file.
        path: PathBuf,
    },
    /// Make the daemon re-read its config; returns once it applies (fails when it is refused).
    Reload,
    /// Write a consistent copy of the database while the daemon runs.
    Backup {
        /// Destination file; must not exist. The daemon writes it: the system service only under /var/lib/assigner.
        path: PathBuf,
    },
    /// Print a shell completion script.
    Completions {
        /// bash, zsh, fish, elvish or powershell.
        shell: clap_complete::Shell,
    },
}

/// `send` options; the names follow the original worker's flags.
#[derive(Debug, Args)]
pub struct SendArgs {
    /// The prompt text; "-" or absent: read from stdin (kept exactly as read).
    #[arg(conflicts_with = "file")]
    pub text: Option<String>,
    /// Read the prompt text from a file ("-" for stdin).
    #[arg(long, short, value_name = "FILE")]
    pub file: Option<PathBuf>,
    /// 0 (lowest) to 10 (highest).
    #[arg(long, short, value_parser = clap::value_parser!(u8).range(0..=10))]
    pub priority: Option<u8>,
    /// Exact session name that must receive it.
    #[arg(long, short, value_name = "SESSION")]
    pub target: Option<String>,
    /// Provider that must receive it (claude, codex, gemini, aider, ...).
    #[arg(long)]
    pub provider: Option<String>,
    /// Preferred providers, in order (comma-separated).
    #[arg(long, value_delimiter = ',', value_name = "LIST")]
    pub providers: Vec<String>,
    /// Fallback providers, in order (comma-separated).
    #[arg(long, value_delimiter = ',', value_name = "LIST")]
    pub fallback: Vec<String>,
    /// Allow any provider when the named ones are unavailable.
    #[arg(long)]
    pub allow_fallback: bool,
    /// Minutes the agent may work on it before it fails, 1 to 1440 (a
    /// day); no timeout when absent.
    #[arg(long, value_name = "MINUTES", value_parser = range(&protocol::TIMEOUT_MINUTES))]
    pub timeout: Option<u32>,
    /// Automatic retries after a failure, 0 to 20 (default 3).
    #[arg(long, value_name = "N", value_parser = range(&protocol::MAX_RETRIES))]
    pub max_retries: Option<u32>,
    /// Working directory for the agent.
    #[arg(long, value_name = "DIR")]
    pub workdir: Option<PathBuf>,
    /// Environment variable for the agent (repeatable); K is letters,
    /// digits and _, not starting with a digit.
    #[arg(long, value_name = "K=V")]
    pub env: Vec<String>,
    /// Command to run before delivery (repeatable; shell panes only).
    #[arg(long, value_name = "CMD")]
    pub prereq: Vec<String>,
    /// Git branch the agent should work on.
    #[arg(long)]
    pub branch: Option<String>,
    /// Run only after this prompt completed (repeatable).
    #[arg(long, value_name = "ID")]
    pub after: Vec<i64>,
    /// Send a text starting with '/' or '!' although an agent reads it as
    /// a command (see COMMAND PREFIXES).
    #[arg(long)]
    pub raw: bool,
    /// Wait until the prompt ends and print its response instead of its
    /// id, as `wait` does (see EXIT STATUS).
    #[arg(long)]
    pub wait: bool,
    /// With --wait: give up waiting after SECS seconds (exit 82); the
    /// prompt carries on. Not --timeout, the prompt's own limit in
    /// minutes.
    #[arg(long, value_name = "SECS", requires = "wait")]
    pub wait_timeout: Option<u64>,
}

/// Agents whose hooks assignerctl knows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum HookAgent {
    /// Claude Code: Stop and StopFailure hooks in its settings.json.
    Claude,
    /// Codex: the `notify` program in its config.toml.
    Codex,
    /// Gemini CLI: an AfterAgent hook in its settings.json.
    Gemini,
}

/// `hooks` actions.
#[derive(Debug, Subcommand)]
pub enum HooksAction {
    /// Add the completion hooks to the agent's settings, keeping the rest.
    Install(HooksArgs),
    /// Remove the completion hooks installed by `hooks install`.
    Uninstall(HooksArgs),
}

/// Where the hooks go.
#[derive(Debug, Args)]
pub struct HooksArgs {
    /// The agent.
    pub agent: HookAgent,
    /// The settings file; default: ~/.claude/settings.json
    /// ($CLAUDE_CONFIG_DIR/settings.json when that is set) for claude,
    /// ~/.codex/config.toml ($CODEX_HOME/config.toml) for codex,
    /// ~/.gemini/settings.json ($GEMINI_CLI_HOME/.gemini/settings.json)
    /// for gemini.
    #[arg(long, value_name = "PATH", conflicts_with = "project")]
    pub settings: Option<PathBuf>,
    /// The project's settings instead: DIR/.claude/settings.json (claude),
    /// DIR/.gemini/settings.json (gemini).
    #[arg(long, value_name = "DIR")]
    pub project: Option<PathBuf>,
}

/// `cleanup` options.
#[derive(Debug, Args)]
pub struct CleanupArgs {
    /// Only report (the default).
    #[arg(long, conflicts_with = "apply")]
    pub dry_run: bool,
    /// Carry out the actions.
    #[arg(long)]
    pub apply: bool,
    /// Also requeue other failed prompts under their max retries.
    #[arg(long)]
    pub retry_failed: bool,
    /// Only run the database integrity checks.
    #[arg(long)]
    pub verify_only: bool,
    /// Work directly on this database file (daemon not running).
    #[arg(long, value_name = "PATH")]
    pub db: Option<PathBuf>,
    /// With --db: the tmux server to compare against (default: the daemon's, from its config file).
    #[arg(
        long,
        env = "ASSIGNER_TMUX_SOCKET",
        value_name = "PATH",
        requires = "db"
    )]
    pub tmux_socket: Option<PathBuf>,
}
