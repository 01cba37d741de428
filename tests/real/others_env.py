"""Offline homes for Codex CLI, Gemini CLI and aider.

`prepare(agent, root, port)` fills `root` (a fresh temp dir) with a HOME and
a work dir (a git repository) so that the agent starts straight into its
input box, talks only to the mock model server on 127.0.0.1:`port`, and
shows no login, onboarding, trust or update dialog. It returns an `Agent`:
the argv and the complete environment to start it with (`env -i`) and its
work dir.

Every agent also gets the mock as its HTTP(S) proxy: a request to any other
host reaches the mock as a CONNECT, is refused at once and shows up in the
mock's log, so no test can reach the internet by accident.
"""

import json
import os
import shutil
import subprocess
from dataclasses import dataclass

CACHE = os.environ.get("ASSIGNER_AGENTS_CACHE", os.path.expanduser("~/.cache/assigner/agents"))
FAKE_KEY = "sk-mock-0000000000000000"
MODELS = {"codex": "mock-model", "gemini": "gemini-2.5-flash", "aider": "mock-model"}
# Which mock serves which agent.
MOCKS = {"codex": "mock_openai.py", "gemini": "mock_gemini.py", "aider": "mock_openai.py"}


# How the capture drives each agent: `ready` is text of its idle input box,
# `starting` (if any) text shown only while it starts up,
# `approve` the keys that accept a tool call, `after_approval` the text of
# a question that may follow and its answer, `clear` the keys that empty
# its input box: line by line, C-u empties a line and BSpace joins it to
# the one above.
CLEAR = ["C-u", "BSpace"] * 40 + ["C-u"]
KEYS = {
    # Codex draws its input box at once, but does not draw again until it
    # has started; meanwhile its footer is `? for shortcuts` alone.
    "codex": {"ready": "›", "approve": ["y"], "clear": CLEAR,
              "starting": "\n  ? for shortcuts\n"},
    "gemini": {"ready": "Type your message", "approve": ["Enter"], "clear": CLEAR},
    # aider asks a second question once a command printed something:
    # whether to add its output to the chat.
    "aider": {"ready": "diff>", "approve": ["y", "Enter"], "clear": CLEAR,
              "after_approval": ("Add command output", ["n", "Enter"])},
}


@dataclass
class Agent:
    name: str
    version: str
    argv: list
    env: dict
    workdir: str


def agent_binaries():
    """NAME-VERSION -> path, from the cache's agents.env."""
    out = {}
    with open(os.path.join(CACHE, "agents.env"), encoding="utf-8") as f:
        for line in f:
            if "=" in line:
                k, v = line.strip().split("=", 1)
                out[k] = v
    return out


def find(agent):
    """(version, binary) of the installed `agent`."""
    for key, path in agent_binaries().items():
        name, _, version = key.rpartition("-")
        if name == agent:
            return version, path
    raise SystemExit(f"{agent} is not installed in {CACHE} (run tests/real/install.sh)")


def base_env(home, port):
    proxy = f"http://127.0.0.1:{port}"
    env = {
        "HOME": home,
        "PATH": "/usr/local/bin:/usr/bin:/bin",
        "TERM": "tmux-256color",
        "LANG": "C.UTF-8",
        "LC_ALL": "C.UTF-8",
        "USER": "tester",
        "SHELL": "/bin/bash",
        "XDG_CONFIG_HOME": f"{home}/.config",
        "XDG_CACHE_HOME": f"{home}/.cache",
        "XDG_DATA_HOME": f"{home}/.local/share",
        "XDG_STATE_HOME": f"{home}/.local/state",
        "NO_PROXY": "127.0.0.1,localhost",
        "no_proxy": "127.0.0.1,localhost",
    }
    for k in ("HTTPS_PROXY", "HTTP_PROXY", "https_proxy", "http_proxy", "ALL_PROXY"):
        env[k] = proxy
    return env


def git_workdir(path):
    os.makedirs(path, exist_ok=True)
    subprocess.run(["git", "init", "-q", path], check=True)
    with open(os.path.join(path, "README.md"), "w", encoding="utf-8") as f:
        f.write("# scratch\n")
    git = ["git", "-C", path, "-c", "user.name=t", "-c", "user.email=t@t"]
    subprocess.run(git + ["add", "README.md"], check=True)
    subprocess.run(git + ["commit", "-q", "-m", "start"], check=True)


def write(path, text):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w", encoding="utf-8") as f:
        f.write(text)


def codex(root, port, binary, env, retries=2):
    """Codex reads $CODEX_HOME/config.toml. `on-request` approvals: an
    escalated command (what the mock's [[tool]] asks for) needs a yes.
    `retries` is how often Codex tries a failed request again, and a
    failed stream."""
    home, work = env["HOME"], f"{root}/work"
    codex_home = f"{home}/.codex"
    write(f"{codex_home}/config.toml", f"""\
model = "{MODELS['codex']}"
model_provider = "mock"
approval_policy = "on-request"
sandbox_mode = "workspace-write"
check_for_update_on_startup = false

[model_providers.mock]
name = "Mock"
base_url = "http://127.0.0.1:{port}/v1"
wire_api = "responses"
env_key = "MOCK_OPENAI_API_KEY"
request_max_retries = {retries}
stream_max_retries = {retries}

[projects."{work}"]
trust_level = "trusted"

[features]
plugins = false

[analytics]
enabled = false

[feedback]
enabled = false
""")
    # TMPDIR keeps the app-server's control socket in our root.
    os.makedirs(f"{root}/tmp", exist_ok=True)
    env.update(CODEX_HOME=codex_home, MOCK_OPENAI_API_KEY=FAKE_KEY, TMPDIR=f"{root}/tmp",
               CODEX_INTERNAL_APP_SERVER_REMOTE_CONTROL_DISABLED="1")
    return [binary]


def gemini(root, port, binary, env, **_):
    """Gemini CLI with an API key and GOOGLE_GEMINI_BASE_URL (allowed over
    plain http for 127.0.0.1); settings turn off updates, telemetry, usage
    statistics, the IDE nudge and folder trust."""
    home = env["HOME"]
    settings = {
        "general": {"enableAutoUpdate": False, "enableAutoUpdateNotification": False,
                    "maxAttempts": 3},
        "privacy": {"usageStatisticsEnabled": False},
        "telemetry": {"enabled": False},
        "security": {"auth": {"selectedType": "gemini-api-key"},
                     "folderTrust": {"enabled": False}},
        "model": {"name": MODELS["gemini"]},
        "ide": {"enabled": False, "hasSeenNudge": True},
    }
    write(f"{home}/.gemini/settings.json", json.dumps(settings, indent=2))
    env.update(GEMINI_API_KEY=FAKE_KEY, GOOGLE_GEMINI_BASE_URL=f"http://127.0.0.1:{port}",
               GEMINI_CLI_TRUST_WORKSPACE="true")
    return [binary]


def aider(root, port, binary, env, **_):
    """aider through litellm's OpenAI provider at the mock; litellm keeps
    to its bundled model price list. Confirmations stay on (no
    --yes-always) so that they show."""
    home = env["HOME"]
    # aider fetches litellm's model list from GitHub unless its cache is
    # fresh: seed the cache with the copy litellm ships.
    venv = os.path.dirname(os.path.dirname(binary))
    bundled = subprocess.run(
        [f"{venv}/bin/python", "-c",
         "import importlib.util as u, os; "
         "print(os.path.dirname(u.find_spec('litellm').origin))"],
        capture_output=True, text=True, check=True).stdout.strip()
    os.makedirs(f"{home}/.aider/caches", exist_ok=True)
    shutil.copy(f"{bundled}/model_prices_and_context_window_backup.json",
                f"{home}/.aider/caches/model_prices_and_context_window.json")
    env.update(OPENAI_API_BASE=f"http://127.0.0.1:{port}/v1", OPENAI_API_KEY=FAKE_KEY,
               LITELLM_LOCAL_MODEL_COST_MAP="True")
    # The diff edit format (not the "whole" default for an unknown model)
    # is the one in which aider offers to run a suggested shell command.
    return [binary, "--model", f"openai/{MODELS['aider']}", "--edit-format", "diff",
            "--no-check-update", "--no-show-release-notes", "--analytics-disable",
            "--no-gitignore", "--no-auto-commits", "--no-show-model-warnings"]


PREPARE = {"codex": codex, "gemini": gemini, "aider": aider}


def prepare(agent, root, port, **options):
    """`options` are the agent's own (Codex: `retries`)."""
    version, binary = find(agent)
    home = f"{root}/home"
    os.makedirs(home, exist_ok=True)
    write(f"{home}/.gitconfig", "[user]\n\tname = Tester\n\temail = tester@example.invalid\n")
    git_workdir(f"{root}/work")
    env = base_env(home, port)
    argv = PREPARE[agent](root, port, binary, env, **options)
    return Agent(agent, version, argv, env, f"{root}/work")


def stray_dirs():
    """Shared dirs where an agent leaves files outside its HOME: Codex's
    app-server puts its control socket in /tmp/codex-daemon-<uid>/
    whatever TMPDIR says."""
    return [f"/tmp/codex-daemon-{os.getuid()}"]


def helper_pids(root):
    """Pids of the processes whose command line names our private `root`:
    the agent's detached helpers (Codex's `codex app-server` runs from a
    copy under $CODEX_HOME) and the mock. Nothing else can name it."""
    pids = []
    for entry in os.listdir("/proc"):
        if entry.isdigit() and int(entry) != os.getpid():
            try:
                with open(f"/proc/{entry}/cmdline", "rb") as f:
                    if root.encode() in f.read():
                        pids.append(int(entry))
            except OSError:
                pass
    return sorted(pids)


def main():
    """Prepares an agent for a program that starts it itself (the Rust
    suite in tests/it/real/): prints the `Agent` as one JSON object."""
    import argparse
    ap = argparse.ArgumentParser(description=main.__doc__)
    ap.add_argument("agent", choices=sorted(PREPARE))
    ap.add_argument("--root", required=True, help="a fresh directory for HOME and the work dir")
    ap.add_argument("--port", type=int, required=True, help="the mock's port")
    ap.add_argument("--retries", type=int, help="Codex: retries of a failed request")
    args = ap.parse_args()
    options = {} if args.retries is None else {"retries": args.retries}
    a = prepare(args.agent, args.root, args.port, **options)
    print(json.dumps({"name": a.name, "version": a.version, "argv": a.argv, "env": a.env,
                      "workdir": a.workdir}))


if __name__ == "__main__":
    main()
