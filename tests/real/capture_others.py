#!/usr/bin/env python3
"""Captures the screens of Codex CLI, Gemini CLI and aider in every state the
classifier must tell apart, into tests/fixtures/screens/<agent>-<version>/:

    python3 tests/real/capture_others.py [codex gemini aider] [--keep]

Each agent runs offline (others_env.py) against its mock model server, in a
120x40 pane of a private tmux server, and is driven as assignerd drives a
pane (src/tmux/pane_io.rs): `load-buffer` from stdin, `paste-buffer -p -d`,
a pause, `send-keys Enter`; screens are read with `capture-pane -p`. Next
to the screens it writes `probe.json`: the text the mock received for each
pasted text, and which paste-to-Enter pauses submitted.

Waiting here is polling with a deadline (the screens are what we record,
so nothing can be asserted about them before they are seen).
"""

import argparse
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time

sys.dont_write_bytecode = True
HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import others_env  # noqa: E402

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


FIDELITY = {
    "multiline": "fid-multiline first line\nsecond line\n\nfourth line after a blank",
    "unicode": "fid-unicode héllo wörld — ✓ 日本語 🚀 ñ",
    "tabs": "fid-tabs col1\tcol2\t\tcol4",
    "shell": "fid-shell $(echo pwned) `id` ${HOME} 'single' \"double\" \\back",
    "semicolon": "fid-semicolon echo hi;",
    "long3000": "fid-long3000 " + ("abcdefghij" * 300)[: 3000 - 13],
}


def run_answer(s, state, prompt, timeout=60, quiet=2.0):
    n = len(s.requests())
    s.submit(prompt)
    s.wait_requests(n + 1, timeout=30)
    screen = s.wait_stable(quiet=quiet, timeout=timeout)
    return s.save(state, screen)


def capture(agent, keep):
    s = Session(agent, keep)
    probe = {"fidelity": {}, "pauses": [], "notes": []}
    try:
        fresh = s.wait_stable(quiet=3.0, timeout=90, must=s.keys["ready"])
        s.save("idle-fresh", fresh)
        if fresh is None:
            raise RuntimeError(f"{agent} did not reach its input box")
        run_answer(s, "idle-after-answer", "Say hello to the fixture recorder")

        # A slow answer: the beginning, middle and end of its stream.
        n = len(s.requests())
        s.submit("[[slow=10]] count slowly please")
        s.wait_requests(n + 1)
        t0 = time.time()
        for state, at in (("busy-before-first-token", 0.25), ("busy-streaming-begin", 1.2), ("busy-streaming-middle", 5.2),
                          ("busy-streaming-end", 9.4)):
            time.sleep(max(0, t0 + at - time.time()))
            s.save(state)
        s.save("idle-after-slow", s.wait_stable(timeout=60))

        # A tool call that needs approval, then the approval.
        n = len(s.requests())
        s.submit("[[tool]] create the file approved.txt")
        s.wait_requests(n + 1)
        s.save("approval", s.wait_stable(quiet=2.0, timeout=60))
        s.send(*s.keys["approve"])
        s.wait_requests(n + 2, timeout=30)
        s.save("after-approval", s.wait_stable(quiet=2.0, timeout=60))
        follow = s.keys.get("after_approval")
        if follow and follow[0] in s.screen():
            s.send(*follow[1])
            s.save("after-approval-followup", s.wait_stable(quiet=2.0, timeout=60))
        probe["approved_file"] = os.path.exists(f"{s.agent.workdir}/approved.txt")

        for code, state in (("500", "api-error-500"), ("429", "rate-limit-429")):
            n = len(s.requests())
            s.submit(f"[[{code}]] this request fails")
            s.wait_requests(n + 1)
            time.sleep(0.3)
            s.save(f"{state}-first")
            if s.wait_requests(n + 2, timeout=20):
                time.sleep(0.3)
                s.save(f"{state}-retrying")
            final = s.wait_stable(quiet=4.0, timeout=100)
            s.save(state, final)
            probe[f"requests_{code}"] = len(s.requests()) - n
            probe[f"gave_up_{code}"] = final is not None
            if final is None:
                # Still retrying after 100 s: cancel, as a user would.
                s.send("Escape")
                s.save(f"{state}-cancelled", s.wait_stable(quiet=2.0, timeout=30))
            if s.keys.get("after_error"):
                s.send(*s.keys["after_error"])
                s.wait_stable(quiet=1.5, timeout=20)

        run_answer(s, "quote", "[[quote]] quote the phrases")
        run_answer(s, "long", "[[long]] a long answer")

        # Text left in the input box, never submitted.
        s.paste("a draft that is not submitted yet")
        s.save("draft", s.wait_stable(quiet=1.5, timeout=20))
        s.send(*s.keys["clear"])
        s.wait_stable(quiet=1.0, timeout=20)
        s.paste("pasted line one\npasted line two\npasted line three")
        s.save("multiline-pasted", s.wait_stable(quiet=1.5, timeout=20))
        s.send(*s.keys["clear"])
        s.save("after-clear", s.wait_stable(quiet=1.0, timeout=20))

        for name, text in FIDELITY.items():
            n = len(s.requests())
            s.submit(text)
            got = s.wait_requests(n + 1, timeout=20)
            rows = s.requests()
            received = rows[-1]["user"] if got else None
            probe["fidelity"][name] = {
                "sent": text, "received": received, "same": received == text,
                "starts_with_sent": bool(received and received.startswith(text))}
            if not got:
                s.save(f"fidelity-{name}-stuck")
                s.send("Enter")
                s.wait_requests(n + 1, timeout=10)
            s.wait_stable(quiet=1.5, timeout=60)
        s.save("idle-after-fidelity")

        for pause in (0, 20, 50, 100, 150):
            for attempt in range(3):
                n = len(s.requests())
                text = f"pause {pause} ms attempt {attempt}: " + "word " * 20
                s.submit(text, pause / 1000)
                ok = bool(s.wait_requests(n + 1, timeout=8))
                row = {"pause_ms": pause, "attempt": attempt, "submitted": ok}
                if not ok:
                    row["screen"] = s.screen()
                    s.send("Enter")
                    row["submitted_after_second_enter"] = bool(s.wait_requests(n + 1, timeout=8))
                probe["pauses"].append(row)
                s.wait_stable(quiet=1.5, timeout=60)
    finally:
        probe["requests"] = s.requests(main_only=False)
        with open(os.path.join(s.out, "probe.json"), "w", encoding="utf-8") as f:
            json.dump(probe, f, indent=1, ensure_ascii=False)
        s.close()


def capture_extra(agent, keep):
    """Drafts too large to show whole, and the paste-to-Enter pause for a
    multi-line prompt: probe-extra.json."""
    s = Session(agent, keep)
    probe = {"pauses_multiline": []}
    try:
        if s.wait_stable(quiet=3.0, timeout=90, must=s.keys["ready"]) is None:
            raise RuntimeError(f"{agent} did not reach its input box")
        s.paste(FIDELITY["long3000"])
        s.save("draft-long-paste", s.wait_stable(quiet=1.5, timeout=20))
        s.send(*s.keys["clear"])
        s.wait_stable(quiet=1.0, timeout=20)
        s.paste("\n".join(f"draft line {i}" for i in range(1, 31)))
        s.save("draft-30-lines", s.wait_stable(quiet=1.5, timeout=20))
        s.send(*s.keys["clear"])
        s.save("after-clear-long", s.wait_stable(quiet=1.0, timeout=20))
        for pause in (0, 20, 50, 100, 150):
            for attempt in range(3):
                n = len(s.requests())
                text = f"multi pause {pause} ms attempt {attempt}\nsecond line\nthird line"
                s.submit(text, pause / 1000)
                ok = bool(s.wait_requests(n + 1, timeout=8))
                row = {"pause_ms": pause, "attempt": attempt, "submitted": ok}
                if not ok:
                    row["screen"] = s.screen()
                    s.send("Enter")
                    row["submitted_after_second_enter"] = bool(s.wait_requests(n + 1, timeout=8))
                else:
                    row["received"] = s.requests()[-1]["user"]
                probe["pauses_multiline"].append(row)
                s.wait_stable(quiet=1.5, timeout=60)
    finally:
        with open(os.path.join(s.out, "probe-extra.json"), "w", encoding="utf-8") as f:
            json.dump(probe, f, indent=1, ensure_ascii=False)
        s.close()


def main():
    # A plain kill still tears down the tmux server, mock and helpers.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(1))
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("agents", nargs="*", default=["codex", "gemini", "aider"])
    ap.add_argument("--keep", action="store_true", help="keep the temp dir")
    ap.add_argument("--extra", action="store_true", help="only the large drafts and pauses")
    args = ap.parse_args()
    for agent in args.agents:
        print(f"{agent}:", flush=True)
        (capture_extra if args.extra else capture)(agent, args.keep)


if __name__ == "__main__":
    main()
