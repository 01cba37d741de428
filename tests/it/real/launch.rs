//! What starts a real agent offline: the agents cache, the mock model
//! server of the agent's API family, the agent's throwaway HOME and the
//! command line for its pane (tests/real/README.md). Each agent is set up
//! by the repository's own scripts, so the suite and the screen captures
//! run the agents alike.

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use crate::common::ChildGuard;
use crate::real::mock::MockLog;

/// An agent the suite drives.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Agent {
    Claude,
    Codex,
    Gemini,
    Aider,
}

impl Agent {
    /// Its name in `agents.env` and in assigner's profiles.
    pub fn name(self) -> &'static str {
        match self {
            Agent::Claude => "claude",
            Agent::Codex => "codex",
            Agent::Gemini => "gemini",
            Agent::Aider => "aider",
        }
    }

    /// The session it runs in; the name selects its profile.
    pub fn session(self) -> String {
        format!("{}-1", self.name())
    }

    /// The mock of its model API.
    fn mock_script(self) -> &'static str {
        match self {
            Agent::Claude => "mock_anthropic.py",
            Agent::Codex | Agent::Aider => "mock_openai.py",
            Agent::Gemini => "mock_gemini.py",
        }
    }

    /// The command line that starts `binary` offline against the mock on
    /// `port`, with HOME and the work directory written under `root`, and
    /// `extra_env` on top of its environment. `env` execs the agent, so the
    /// pane's pid is the agent's.
    pub fn command(
        self,
        binary: &Path,
        root: &Path,
        port: u16,
        extra_env: &[(&str, &str)],
    ) -> Vec<String> {
        let mut argv = vec!["env".to_owned()];
        match self {
            Agent::Claude => {
                std::fs::create_dir_all(root.join("work")).unwrap();
                argv.extend(claude_env(&root.join("home"), &root.join("work"), port));
                argv.extend(extra_env.iter().map(|(k, v)| format!("{k}={v}")));
                argv.push(binary.to_str().expect("utf-8 path").to_owned());
            }
            Agent::Codex | Agent::Gemini | Agent::Aider => {
                let prepared = others_env(self, root, port);
                // Only the prepared environment: nothing of the test's own
                // (a proxy, a real CODEX_HOME) may reach the agent; only
                // the pane's id, which tmux gives the pane's first process
                // and a hook's `complete --pane "$TMUX_PANE"` needs, goes
                // through a shell that execs `env` in its place.
                argv = [
                    "sh",
                    "-c",
                    r#"exec env -i TMUX_PANE="$TMUX_PANE" "$@""#,
                    "sh",
                ]
                .map(str::to_owned)
                .to_vec();
                let env = prepared["env"].as_object().expect("env");
                argv.extend(
                    env.iter()
                        .map(|(k, v)| format!("{k}={}", v.as_str().unwrap())),
                );
                argv.extend(extra_env.iter().map(|(k, v)| format!("{k}={v}")));
                // The prepared command line, its binary the one chosen here.
                let args = prepared["argv"].as_array().expect("argv");
                argv.push(binary.to_str().expect("utf-8 path").to_owned());
                argv.extend(args[1..].iter().map(|a| a.as_str().unwrap().to_owned()));
            }
        }
        argv
    }
}

/// The agents installed by `tests/real/install.sh`: `claude-2.1.332` ->
/// binary, read from `agents.env` in the cache.
pub fn installed() -> Result<BTreeMap<String, PathBuf>, String> {
    let cache = std::env::var_os("ASSIGNER_AGENTS_CACHE")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| Path::new(&h).join(".cache/assigner/agents")))
        .ok_or("neither ASSIGNER_AGENTS_CACHE nor HOME is set")?;
    let env = cache.join("agents.env");
    let text = std::fs::read_to_string(&env)
        .map_err(|e| format!("{}: {e} (run tests/real/install.sh)", env.display()))?;
    Ok(text
        .lines()
        .filter_map(|l| l.split_once('='))
        .map(|(k, v)| (k.trim().to_owned(), PathBuf::from(v.trim())))
        .filter(|(_, v)| v.exists())
        .collect())
}

/// The repository's `tests/real` directory.
fn scripts() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/real")
}

/// Starts `agent`'s mock on a free port; returns it and the port it printed.
pub fn start_mock(agent: Agent, log: &MockLog) -> (ChildGuard, u16) {
    let script = scripts().join(agent.mock_script());
    let mut child = ChildGuard(
        Command::new("python3")
            .arg(&script)
            .args(["--port", "0", "--log"])
            .arg(&log.requests)
            .arg("--ends")
            .arg(&log.ends)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .unwrap_or_else(|e| panic!("start python3 {}: {e}", script.display())),
    );
    let mut first = String::new();
    let stdout = child.0.stdout.take().expect("mock stdout");
    BufReader::new(stdout).read_line(&mut first).unwrap();
    let port = first
        .strip_prefix("PORT ")
        .and_then(|p| p.trim().parse().ok())
        .unwrap_or_else(|| panic!("the mock printed {first:?}, not `PORT n`"));
    (child, port)
}

/// Runs one of the set-up scripts and returns its standard output.
fn script_output(script: &str, args: &[&std::ffi::OsStr]) -> String {
    let out = Command::new("python3")
        .arg(scripts().join(script))
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("run python3 tests/real/{script}: {e}"));
    assert!(
        out.status.success(),
        "{script}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

/// Writes Claude Code's HOME and returns its environment as `NAME=VALUE`.
fn claude_env(home: &Path, work: &Path, port: u16) -> Vec<String> {
    let port = port.to_string();
    let args = [
        "--home".as_ref(),
        home.as_os_str(),
        "--workdir".as_ref(),
        work.as_os_str(),
        "--port".as_ref(),
        port.as_ref(),
        "--print-env".as_ref(),
    ];
    let out = script_output("claude_env.py", &args);
    out.lines().map(str::to_owned).collect()
}

/// Writes the HOME and work directory (a git repository) of Codex, Gemini
/// CLI or aider under `root`; returns what `others_env.py` printed: `env`,
/// `argv`, `workdir`. Codex gets one retry of a failed request, which keeps
/// an API error short while still showing its retrying screen.
fn others_env(agent: Agent, root: &Path, port: u16) -> serde_json::Value {
    let port = port.to_string();
    let mut args: Vec<&std::ffi::OsStr> = vec![
        agent.name().as_ref(),
        "--root".as_ref(),
        root.as_os_str(),
        "--port".as_ref(),
        port.as_ref(),
    ];
    if agent == Agent::Codex {
        args.extend::<[&std::ffi::OsStr; 2]>(["--retries".as_ref(), "1".as_ref()]);
    }
    serde_json::from_str(&script_output("others_env.py", &args)).expect("others_env.py JSON")
}
