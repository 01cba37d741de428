#!/usr/bin/env python3
"""Captures the screens of the real Claude Code in every state assigner
must tell apart, as fixtures for the screen classifier:

    python3 tests/real/capture.py [--version 2.1.332 ...] [--out DIR]

For each version, each scenario runs its own agent against its own mock in
a private tmux server (tests/real/claude_pane.py) and saves, per state,
`<state>.txt` (`capture-pane -p -t PANE`) and `<state>.J.txt`
(`capture-pane -p -J -t PANE`), the two reads assigner makes, byte for byte.
What was measured besides (what the mock received for each paste, the
pause between paste and Enter that still submits, the Stop and StopFailure
hook payloads) goes to `observations.json` beside them; NOTES.md is written
by hand from it.

The two error scenarios wait through Claude Code's own retries (minutes),
so they run alongside the others.
"""

import argparse
import json
import os
import shutil
import sys
import threading
import traceback

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import claude_measures  # noqa: E402
import claude_screens  # noqa: E402

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

class Recorder:
    def __init__(self, out, version, fresh):
        self.dir = os.path.join(out, "claude-" + version)
        os.makedirs(self.dir, exist_ok=True)
        if fresh:
            # A full run replaces every capture, so none is left from an
            # older run; NOTES.md, written by hand, stays.
            for name in os.listdir(self.dir):
                if name.endswith(".txt") or name == "observations.json":
                    os.remove(os.path.join(self.dir, name))
        self.obs = {}
        obs = os.path.join(self.dir, "observations.json")
        if not fresh and os.path.exists(obs):
            # A partial run updates what it measured and keeps the rest.
            self.obs = json.load(open(obs))
        self.saved = set()
        self.lock = threading.Lock()

    def save(self, pane, state):
        plain = pane.capture_bytes()
        joined = pane.capture_bytes(joined=True)
        with open(os.path.join(self.dir, state + ".txt"), "wb") as f:
            f.write(plain)
        with open(os.path.join(self.dir, state + ".J.txt"), "wb") as f:
            f.write(joined)
        self.saved.add(state)
        print("  saved %s" % state, flush=True)
        return plain.decode("utf-8", "replace")

    def save_hook_pane(self, snapshot, state):
        """The pane as a hook saw it (hook_snapshot.sh runs the same
        `capture-pane -p -t PANE`), byte for byte."""
        src = snapshot["base"] + ".pane.txt"
        if os.path.exists(src):
            shutil.copyfile(src, os.path.join(self.dir, state + ".txt"))
            print("  saved %s" % state, flush=True)

    def note(self, key, value):
        with self.lock:
            self.obs[key] = value

    def write(self):
        with open(os.path.join(self.dir, "observations.json"), "w") as f:
            json.dump(self.obs, f, indent=1, ensure_ascii=False, sort_keys=True)


SCENARIOS = [claude_screens.basic, claude_screens.streaming, claude_screens.tool,
             claude_screens.reject, claude_screens.interrupt, claude_screens.queued,
             claude_measures.pastes, claude_measures.pauses]
ONLY = []


def run_version(v, out, full=True):
    rec = Recorder(out, v, fresh=full)
    errors = []

    def guarded(fn, *args):
        try:
            fn(v, rec, *args)
        except Exception:
            errors.append("%s: %s" % (fn.__name__, traceback.format_exc()))

    slow = [threading.Thread(target=guarded, args=(claude_measures.api_error, "500", "api-error-500")),
            threading.Thread(target=guarded, args=(claude_measures.api_error, "429", "rate-limit-429"))]
    if not full and "errors" not in ONLY:
        slow = []
    for t in slow:
        t.start()
    for fn in SCENARIOS:
        print("%s: %s" % (v, fn.__name__), flush=True)
        guarded(fn)
    for t in slow:
        t.join()
    rec.write()
    for e in errors:
        print(e, file=sys.stderr)
    return not errors


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--version", action="append", help="default: 2.1.332 and 2.1.197")
    ap.add_argument("--only", action="append",
                    help="run only these scenarios (basic, streaming, tool, reject, interrupt, queued, "
                         "pastes, pauses, errors)")
    ap.add_argument("--out", default=os.path.join(REPO, "tests", "fixtures", "screens"))
    a = ap.parse_args()
    global SCENARIOS
    if a.only:
        ONLY.extend(a.only)
        SCENARIOS = [s for s in SCENARIOS if s.__name__ in a.only]
    ok = all([run_version(v, a.out, not a.only) for v in (a.version or ["2.1.332", "2.1.197"])])
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
