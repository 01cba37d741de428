"""One real Claude Code in a pane of a private tmux server, talking to its
own mock model server: started, driven the way assigner drives an agent
(bracketed paste, a pause, Enter), captured, and torn down.

Every process started here is killed by `close()`, by pid: the mock, the
tmux server (which hangs up on the agent), and the agent itself if it
survives the hang-up.
"""

import json
import os
import re
import shutil
import signal
import subprocess
import tempfile
import time

import claude_env

HERE = os.path.dirname(os.path.abspath(__file__))
WIDTH, HEIGHT = 120, 40


def agents_env():
    """NAME -> binary, from the cache tests/real/install.sh fills."""
    cache = os.environ.get("ASSIGNER_AGENTS_CACHE") or os.path.expanduser("~/.cache/assigner/agents")
    out = {}
    with open(os.path.join(cache, "agents.env")) as f:
        for line in f:
            if "=" in line:
                k, v = line.strip().split("=", 1)
                out[k] = v
    return out


class Timeout(Exception):
    pass


class ClaudePane:
    def __init__(self, version, hooks=True, extra_env=None, keep=False):
        self.version = version
        self.binary = agents_env()["claude-" + version]
        self.root = tempfile.mkdtemp(prefix="claude-%s-" % version)
        self.keep = keep
        self.home = os.path.join(self.root, "home")
        self.work = os.path.join(self.root, "work")
        self.hooks_dir = os.path.join(self.root, "hooks") if hooks else None
        self.log = os.path.join(self.root, "mock.log")
        self.sock = os.path.join(self.root, "sock")
        self.mock = None
        self.agent_pid = None
        self.extra_env = extra_env or {}
        os.makedirs(self.work)
        open(self.log, "w").close()

    # ---- lifecycle ------------------------------------------------------
    def start(self):
        self.mock = subprocess.Popen(
            ["python3", os.path.join(HERE, "mock_anthropic.py"), "--port", "0",
             "--log", self.log, "--dump", os.path.join(self.root, "dump")],
            stdout=subprocess.PIPE, stderr=open(os.path.join(self.root, "mock.err"), "w"),
            text=True)
        first = self.mock.stdout.readline().split()
        if len(first) != 2 or first[0] != "PORT":
            raise RuntimeError("mock did not print its port: %r" % first)
        port = int(first[1])
        claude_env.prepare(self.home, self.work, self.hooks_dir)
        env = claude_env.environment(self.home, port)
        env.update(self.extra_env)
        env_args = []
        for k, v in env.items():
            env_args += ["-e", "%s=%s" % (k, v)]
        self.tmux("new-session", "-d", "-x", str(WIDTH), "-y", str(HEIGHT), "-s", "agent",
                  "-c", self.work, *env_args, self.binary)
        self.pane = self.tmux("display-message", "-p", "-t", "agent", "#{pane_id}").strip()
        self.agent_pid = int(self.tmux("display-message", "-p", "-t", self.pane, "#{pane_pid}"))
        return self

    def close(self):
        if os.path.exists(self.sock):
            subprocess.run(["tmux", "-S", self.sock, "kill-server"], capture_output=True)
        if self.agent_pid:
            for _ in range(50):
                try:
                    os.kill(self.agent_pid, 0)
                except ProcessLookupError:
                    break
                time.sleep(0.1)
            else:
                try:
                    os.kill(self.agent_pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
        if self.mock:
            self.mock.kill()
            self.mock.wait()
        if not self.keep:
            shutil.rmtree(self.root, ignore_errors=True)

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.close()

    # ---- tmux -----------------------------------------------------------
    def tmux(self, *args, input=None):
        r = subprocess.run(["tmux", "-f", "/dev/null", "-S", self.sock, *args],
                           input=input, capture_output=True)
        if r.returncode != 0:
            raise RuntimeError("tmux %s: %s" % (args[0], r.stderr.decode(errors="replace")))
        return r.stdout.decode("utf-8", errors="surrogateescape")

    def capture_bytes(self, joined=False):
        """Exactly what assigner reads: `capture-pane -p [-J] -t PANE`."""
        args = ["capture-pane", "-p"] + (["-J"] if joined else []) + ["-t", self.pane]
        r = subprocess.run(["tmux", "-S", self.sock, *args], capture_output=True)
        return r.stdout

    def screen(self):
        return self.capture_bytes().decode("utf-8", errors="replace")

    def paste(self, text, pause=0.2, enter=True):
        """As assigner does: load-buffer from stdin, bracketed paste-buffer
        -p -d, a short pause, Enter."""
        self.tmux("load-buffer", "-b", "prompt", "-", input=text.encode("utf-8"))
        self.tmux("paste-buffer", "-p", "-d", "-b", "prompt", "-t", self.pane)
        if enter:
            if pause:
                time.sleep(pause)
            self.keys("Enter")

    def keys(self, *keys):
        self.tmux("send-keys", "-t", self.pane, *keys)

    def type(self, text):
        self.tmux("send-keys", "-t", self.pane, "-l", text)

    # ---- waiting --------------------------------------------------------
    def wait(self, pred, timeout=30.0, what="condition"):
        end = time.time() + timeout
        while True:
            s = self.screen()
            if pred(s):
                return s
            if time.time() > end:
                raise Timeout("%s: waited %.0fs for %s; screen:\n%s" % (self.version, timeout, what, s))
            time.sleep(0.1)

    def settle(self, pred=lambda s: True, timeout=30.0, still=1.5, what="settled screen"):
        """Waits for pred and then for the screen to stop changing."""
        end = time.time() + timeout
        last, since = None, time.time()
        while True:
            s = self.screen()
            if steady(s) != last:
                last, since = steady(s), time.time()
            elif pred(s) and time.time() - since >= still:
                return s
            if time.time() > end:
                raise Timeout("%s: waited %.0fs for %s; screen:\n%s" % (self.version, timeout, what, s))
            time.sleep(0.1)

    def wait_idle(self, timeout=60.0):
        return self.settle(is_idle, timeout=timeout, what="idle box")

    # ---- the mock's side ------------------------------------------------
    def requests(self, side=False):
        out = []
        with open(self.log, encoding="utf-8") as f:
            for line in f:
                e = json.loads(line)
                if bool(e.get("side")) == side:
                    out.append(e)
        return out

    def hook_files(self):
        if not self.hooks_dir or not os.path.isdir(self.hooks_dir):
            return []
        return sorted(os.listdir(self.hooks_dir))


def steady(screen):
    """The screen without the bullet Claude Code blinks beside a tool call
    that waits for approval, so that a waiting dialog counts as still."""
    return screen.replace("\u25cf", " ")


BUSY = re.compile(r"esc to interrupt")


def input_box(screen):
    """The lines between the last two rules of the input box, or None."""
    lines = screen.split("\n")
    rules = [i for i, l in enumerate(lines) if l.startswith("────")]
    if len(rules) < 2:
        return None
    return lines[rules[-2] + 1:rules[-1]]


def footer(screen):
    """The lines below the input box (mode, hints), or the empty string."""
    lines = screen.split("\n")
    rules = [i for i, l in enumerate(lines) if l.startswith("────")]
    return "\n".join(lines[rules[-1] + 1:]) if rules else ""


def is_idle(screen):
    """The input box is drawn and the footer does not offer to interrupt
    (an answer may quote "esc to interrupt", so only the footer counts)."""
    box = input_box(screen)
    return box is not None and box[0].startswith("❯") and not BUSY.search(footer(screen))


def box_empty(screen):
    box = input_box(screen)
    return box is not None and len(box) == 1 and box[0].replace("\u00a0", " ").strip() == "❯"
