"""One agent in a 120x40 pane of a private tmux server, and its mock model
server, driven as assignerd drives a pane (src/tmux/pane_io.rs):
`load-buffer` from stdin, `paste-buffer -p -d`, a pause, `send-keys Enter`;
screens are read with `capture-pane -p`. Closing kills the tmux server, the
mock and every helper the agent left (by pid), and removes the temp root.

Waiting here is polling with a deadline: the screens are what is being
recorded, so there is nothing to assert about them before they are seen.
"""

import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time

import others_env

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))


class Session:
    """One agent in a private tmux server, and its mock."""

    def __init__(self, agent, keep):
        self.name = agent
        self.keys = others_env.KEYS[agent]
        self.keep = keep
        self.root = tempfile.mkdtemp(prefix=f"assigner-{agent}-")
        self.strays_before = self.strays()
        self.sock = f"{self.root}/sock"
        self.log = f"{self.root}/mock.log"
        os.makedirs(f"{self.root}/dump")
        mock = os.path.join(HERE, others_env.MOCKS[agent])
        self.mock = subprocess.Popen(
            [sys.executable, mock, "--port", "0", "--log", self.log, "--dump", f"{self.root}/dump"],
            stdout=subprocess.PIPE, text=True)
        self.port = int(self.mock.stdout.readline().split()[1])
        self.agent = others_env.prepare(agent, self.root, self.port)
        self.out = os.path.join(REPO, "tests/fixtures/screens", f"{agent}-{self.agent.version}")
        os.makedirs(self.out, exist_ok=True)
        env = [f"{k}={v}" for k, v in self.agent.env.items()]
        self.tmux("-f", "/dev/null", "new-session", "-d", "-x", "120", "-y", "40",
                  "-c", self.agent.workdir, "--", "env", "-i", *env, *self.agent.argv)
        self.tmux("set-option", "-g", "remain-on-exit", "on")

    @staticmethod
    def strays():
        out = set()
        for d in others_env.stray_dirs():
            if os.path.isdir(d):
                out.update(os.path.join(d, n) for n in os.listdir(d))
        return out

    def tmux(self, *args, stdin=None):
        r = subprocess.run(["tmux", "-S", self.sock, *args], input=stdin,
                           capture_output=True, check=False)
        if r.returncode != 0:
            raise RuntimeError(f"tmux {args[0]}: {r.stderr.decode().strip()}")
        return r.stdout.decode("utf-8", "replace")

    def screen(self):
        return self.tmux("capture-pane", "-p", "-t", "0")

    def save(self, state, text=None):
        text = self.screen() if text is None else text
        with open(os.path.join(self.out, f"{state}.txt"), "w", encoding="utf-8") as f:
            f.write(text)
        print(f"  {self.name}: {state}", flush=True)
        return text

    def paste(self, text):
        buf = f"assigner-{os.getpid()}-{time.time_ns()}"
        self.tmux("load-buffer", "-b", buf, "-", stdin=text.encode())
        self.tmux("paste-buffer", "-p", "-d", "-b", buf, "-t", "0")

    def send(self, *keys):
        self.tmux("send-keys", "-t", "0", *keys)

    def submit(self, text, pause=0.15):
        self.paste(text)
        time.sleep(pause)
        self.send("Enter")

    def requests(self, main_only=True):
        try:
            with open(self.log, encoding="utf-8") as f:
                rows = [json.loads(line) for line in f if line.strip()]
        except FileNotFoundError:
            return []
        return [r for r in rows if not (main_only and r.get("side"))]

    def wait(self, cond, timeout, step=0.2):
        end = time.time() + timeout
        while time.time() < end:
            v = cond()
            if v:
                return v
            time.sleep(step)
        return None

    def wait_requests(self, n, timeout=30):
        return self.wait(lambda: len(self.requests()) >= n, timeout)

    def wait_stable(self, quiet=2.0, timeout=60, must=None):
        """The screen once it has not changed for `quiet` seconds (and
        contains `must`, if given); None at the deadline."""
        end = time.time() + timeout
        last, since = None, time.time()
        while time.time() < end:
            s = self.screen()
            if s != last:
                last, since = s, time.time()
            elif time.time() - since >= quiet and (must is None or must in s):
                return s
            time.sleep(0.2)
        return None

    def close(self):
        try:
            self.tmux("kill-server")
        except RuntimeError:
            pass
        self.mock.kill()
        self.mock.wait()
        time.sleep(0.5)
        for pid in others_env.helper_pids(self.root):
            try:
                os.kill(pid, signal.SIGKILL)
                print(f"  {self.name}: reaped helper pid {pid}", flush=True)
            except ProcessLookupError:
                pass
        for path in self.strays() - self.strays_before:
            os.unlink(path)
        if self.keep:
            print(f"  kept {self.root}")
        else:
            shutil.rmtree(self.root, ignore_errors=True)
