#!/usr/bin/env python3
"""The smallest pause between a paste and Enter that each real agent takes
as a submission: the measurement behind each provider profile's
`settle_ms` (BENCHMARKS.md, "Settle time per agent").

Each agent runs offline in a private tmux server, as for the fixtures
(`claude_pane.py`, `pane_session.py`). A prompt is pasted as assigner
pastes it (`paste-buffer -p`), Enter follows after the pause, and the try
counts as submitted when the mock receives the prompt within 8 s; if it
does not, a second Enter submits it before the next try. One-line and
three-line prompts, TRIES of each per pause. Prints one table row per
pause and agent, then the smallest pause from which every try, and every
try at every larger pause, submitted.

    python3 tests/real/settle.py                  # every installed agent, 3 tries
    python3 tests/real/settle.py gemini --tries 5 --pauses 100,150,200,300
"""

import argparse
import os
import signal
import sys
import time

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from claude_pane import ClaudePane, Timeout, agents_env  # noqa: E402
from pane_session import Session  # noqa: E402

PAUSES_MS = (0, 20, 50, 100, 150, 200)


def texts(pause, attempt):
    one = f"settle {pause} ms try {attempt}: " + "word " * 12
    three = f"settle {pause} ms try {attempt}\nsecond line\nthird line"
    return [("one line", one.strip()), ("three lines", three)]


class Others:
    """Codex CLI, Gemini CLI or aider through `pane_session.Session`."""

    def __init__(self, agent):
        self.s = Session(agent, keep=False)
        if self.s.wait_stable(quiet=3.0, timeout=90, must=self.s.keys["ready"]) is None:
            raise RuntimeError(f"{agent} did not reach its input box")

    def count(self):
        return len(self.s.requests())

    def paste(self, text):
        self.s.paste(text)

    def enter(self):
        self.s.send("Enter")

    def wait_count(self, n, timeout):
        return bool(self.s.wait_requests(n, timeout=timeout))

    def settle(self):
        self.s.wait_stable(quiet=1.5, timeout=60)

    def close(self):
        self.s.close()


class Claude:
    """Claude Code through `claude_pane.ClaudePane`."""

    def __init__(self, version):
        self.p = ClaudePane(version, hooks=False)
        self.p.start()
        self.p.wait_idle()

    def count(self):
        return len(self.p.requests())

    def paste(self, text):
        self.p.paste(text, enter=False)

    def enter(self):
        self.p.keys("Enter")

    def wait_count(self, n, timeout):
        try:
            self.p.wait(lambda _screen: len(self.p.requests()) >= n, timeout, "the request")
            return True
        except Timeout:
            return False

    def settle(self):
        self.p.wait_idle()

    def close(self):
        self.p.close()


def measure(pane, tries, pauses):
    """{pause_ms: (submitted, tried)}."""
    table = {}
    for pause in pauses:
        ok = tried = 0
        for attempt in range(tries):
            for _, text in texts(pause, attempt):
                n = pane.count()
                pane.paste(text)
                time.sleep(pause / 1000)
                pane.enter()
                took = pane.wait_count(n + 1, 8)
                if not took:
                    pane.enter()
                    pane.wait_count(n + 1, 10)
                ok += took
                tried += 1
                pane.settle()
        table[pause] = (ok, tried)
    return table


def smallest(table):
    """The smallest pause from which every try submitted."""
    best = None
    for pause in sorted(table, reverse=True):
        ok, tried = table[pause]
        if ok != tried:
            break
        best = pause
    return best


def main():
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(1))
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("agents", nargs="*", help="NAME-VERSION or NAME (default: all installed)")
    ap.add_argument("--tries", type=int, default=3, help="tries per pause and prompt shape")
    ap.add_argument("--pauses", default=",".join(map(str, PAUSES_MS)),
                    help="comma-separated pauses in ms (default: %(default)s)")
    args = ap.parse_args()
    pauses = [int(p) for p in args.pauses.split(",")]
    installed = sorted(agents_env())
    wanted = args.agents or installed
    chosen = [k for k in installed if k in wanted or k.rpartition("-")[0] in wanted]
    print("| agent | " + " | ".join(f"{p} ms" for p in pauses) + " | smallest |")
    print("|---|" + "---|" * (len(pauses) + 1))
    for key in chosen:
        name, _, version = key.rpartition("-")
        pane = Claude(version) if name == "claude" else Others(name)
        try:
            table = measure(pane, args.tries, pauses)
        finally:
            pane.close()
        cells = " | ".join(f"{table[p][0]}/{table[p][1]}" for p in pauses)
        best = smallest(table)
        print(f"| {key} | {cells} | {'none' if best is None else f'{best} ms'} |", flush=True)


if __name__ == "__main__":
    main()
