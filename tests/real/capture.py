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
import re
import shutil
import sys
import threading
import time
import traceback

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from claude_pane import ClaudePane, Timeout, box_empty, input_box, is_idle  # noqa: E402

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

PASTES = {
    "multiline": "first line of five\nsecond line\nthird line\nfourth line\nfifth line",
    "unicode": "Unicode: héllo — naïve café, 日本語, emoji 😀, check ✓, arrows → ←",
    "tabs": "tabs:\tone\ttwo\t\tthree",
    "shell": "shell: $(echo injected) and `uname` and ${HOME} stay text",
    "semicolon": "ends with a semicolon;",
    "long3000": " ".join("word%04d" % i for i in range(334))[:3000],
    "long3000-lines": "\n".join("row %03d %s" % (i, "x" * 52) for i in range(50))[:3000],
}


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


def submit(p, text, pause=0.2, timeout=60):
    """Pastes and submits; waits for the model request and the idle box."""
    before = len(p.requests())
    p.paste(text, pause=pause)
    wait_for(lambda: len(p.requests()) > before, 15, "request for %r" % text[:30])
    return p.wait_idle(timeout=timeout)


def wait_for(cond, timeout, what):
    end = time.time() + timeout
    while not cond():
        if time.time() > end:
            raise Timeout("waited %.0fs for %s" % (timeout, what))
        time.sleep(0.1)


def hook_snapshots(p, event):
    """What each firing of a hook saw: payload, pane, transcript tail."""
    out = []
    for name in p.hook_files():
        if not (name.startswith(event + "-") and name.endswith(".json")):
            continue
        base = os.path.join(p.hooks_dir, name[:-5])
        payload = json.load(open(base + ".json"))
        last_assistant = None
        if os.path.exists(base + ".transcript.jsonl"):
            for line in open(base + ".transcript.jsonl", encoding="utf-8"):
                e = json.loads(line)
                if e.get("type") == "assistant":
                    content = e.get("message", {}).get("content", [])
                    texts = [b.get("text") for b in content if isinstance(b, dict) and b.get("type") == "text"]
                    if texts:
                        last_assistant = texts[-1]
        pane = open(base + ".pane.txt", encoding="utf-8").read() if os.path.exists(base + ".pane.txt") else None
        out.append({"payload": payload, "transcript_last_assistant_text": last_assistant,
                    "pane": pane, "base": base})
    return out


def hook_summary(snapshots):
    """Per firing: the payload, and whether the answer the payload names
    was already drawn and already in the transcript file."""
    out = []
    for h in snapshots:
        last = h["payload"].get("last_assistant_message") or ""
        out.append({"payload": h["payload"],
                    "answer_on_pane_when_hook_ran": bool(last) and last[:30] in (h["pane"] or ""),
                    "answer_in_transcript_when_hook_ran": h["transcript_last_assistant_text"] == last,
                    "transcript_last_assistant_text": h["transcript_last_assistant_text"]})
    return out


# ---- scenarios ------------------------------------------------------------

def basic(v, rec):
    with ClaudePane(v) as p:
        rec.save(p, "idle-fresh") if p.wait_idle() else None
        text = "hello from the fixture capture"
        submit(p, text)
        s = p.settle(lambda s: is_idle(s) and "ANSWER: " + text in s)
        rec.save(p, "idle-after-answer")
        wait_for(lambda: hook_snapshots(p, "Stop"), 10, "Stop hook")
        stops = hook_snapshots(p, "Stop")
        rec.save_hook_pane(stops[0], "hook-stop-first-answer")
        rec.note("stop_hook_first_answer", hook_summary(stops))
        rec.note("side_requests", p.requests(side=True))

        submit(p, "[[quote]] please quote the phrases")
        p.settle(lambda s: is_idle(s) and "rate limit reached" in s)
        rec.save(p, "quote")

        submit(p, "[[long]] a long answer please")
        p.settle(lambda s: is_idle(s) and "line 150" in s)
        rec.save(p, "long")

        p.type("/help")
        p.settle(lambda s: "/help" in s)
        rec.save(p, "slash-menu")
        p.keys("Enter")
        p.settle(lambda s: not is_idle(s) or "Claude Code v" in s, still=2.0)
        rec.save(p, "slash-help")
        p.keys("Escape")
        s = p.settle(is_idle)
        rec.save(p, "after-slash-help")

        p.type("a draft that is typed but not submitted")
        p.settle(lambda s: "not submitted" in s)
        rec.save(p, "draft")


def streaming(v, rec):
    with ClaudePane(v) as p:
        p.wait_idle()
        start = time.time()
        p.paste("[[slow=10]] stream slowly")
        plan = [(0.7, "busy-before-first-token"), (2.0, "busy-streaming-begin"),
                (5.5, "busy-streaming-middle"), (10.2, "busy-streaming-end")]
        status_lines, samples = [], []
        for at, state in plan:
            while time.time() - start < at:
                s = p.screen()
                samples.append((round(time.time() - start, 2), s))
                time.sleep(0.1)
            rec.save(p, state)
        while not is_idle(p.screen()) and time.time() - start < 40:
            samples.append((round(time.time() - start, 2), p.screen()))
            time.sleep(0.1)
        p.settle(is_idle)
        rec.save(p, "idle-after-slow")
        for at, s in samples:
            box = input_box(s)
            lines = s.split("\n")
            footer = lines[-2] if len(lines) > 1 else ""
            rule = [i for i, l in enumerate(lines) if l.startswith("────")]
            above = [l for l in lines[:rule[-2]] if l.strip()][-2:] if len(rule) >= 2 else []
            status_lines.append({"t": at, "above_box": above, "box": box,
                                 "footer": [l for l in lines[rule[-1] + 1:] if l.strip()] if rule else footer})
        rec.note("streaming_samples", status_lines)


def tool(v, rec):
    with ClaudePane(v) as p:
        p.wait_idle()
        p.paste("[[tool]] please create the file")
        s = p.settle(lambda s: "Do you want to proceed?" in s)
        rec.save(p, "approval")
        # The bullet beside the pending tool call blinks: keep both phases.
        first = p.screen()
        try:
            p.wait(lambda s: s != first and "Do you want to proceed?" in s, timeout=5, what="blink")
            rec.save(p, "approval-blink")
            blinks = True
        except Timeout:
            blinks = False
        p.keys("Enter")
        p.settle(lambda s: is_idle(s) and "TOOL DONE" in s)
        rec.save(p, "after-approval")
        rec.note("tool", {"approval_screen_blinks": blinks, "approved_txt_exists": os.path.exists(os.path.join(p.work, "approved.txt")),
                          "requests": p.requests()})


def api_error(v, rec, marker, state):
    with ClaudePane(v) as p:
        p.wait_idle()
        start = time.time()
        p.paste("[[%s]] this request fails" % marker)
        seen, saved = [], set()
        while time.time() - start < 400:
            s = p.screen()
            lines = [l for l in s.split("\n") if "attempt" in l or "etrying" in l]
            # One line per distinct status, the countdown aside.
            if lines and re.sub(r"\d+s\b", "Ns", lines[0]) not in [re.sub(r"\d+s\b", "Ns", x) for _, x in seen]:
                seen.append((round(time.time() - start, 1), lines[0]))
            if lines and "retrying-1" not in saved:
                saved.add("retrying-1")
                rec.save(p, state + "-retrying")
            if lines and marker in lines[0] and "retrying-2" not in saved:
                saved.add("retrying-2")
                rec.save(p, state + "-retrying-status")
            if time.time() - start > 3 and is_idle(s):
                break
            time.sleep(0.2)
        p.settle(is_idle)
        rec.save(p, state)
        took = round(time.time() - start, 1)
        wait_for(lambda: hook_snapshots(p, "StopFailure"), 10, "StopFailure hook")
        failures = hook_snapshots(p, "StopFailure")
        rec.save_hook_pane(failures[0], "hook-stopfailure-" + marker)
        # What the next prompt carries after a failed one.
        submit(p, "a plain prompt after the failure")
        p.settle(lambda s: is_idle(s) and "ANSWER: a plain prompt" in s)
        rec.save(p, state + "-then-answer")
        rec.note(state, {"retry_status_lines": seen, "seconds_until_idle": took,
                         "requests": len([r for r in p.requests() if marker in r.get("text", "")]),
                         "stop_failure_hook": hook_summary(failures),
                         "stop_hooks": [h["payload"] for h in hook_snapshots(p, "Stop")],
                         "next_request": p.requests()[-1]})


def pastes(v, rec):
    with ClaudePane(v, hooks=False) as p:
        p.wait_idle()
        p.paste(PASTES["multiline"], enter=False)
        p.settle(lambda s: not box_empty(s))
        rec.save(p, "multiline-pasted")
        before = len(p.requests())
        p.keys("Enter")
        wait_for(lambda: len(p.requests()) > before, 15, "multiline request")
        p.wait_idle()
        results = {"multiline": p.requests()[-1]["text"]}
        for name, text in PASTES.items():
            if name == "multiline":
                continue
            if name.startswith("long3000"):
                p.paste(text, enter=False)
                p.settle(lambda s: not box_empty(s))
                rec.save(p, "pasted-" + name)
                before = len(p.requests())
                p.keys("Enter")
                wait_for(lambda: len(p.requests()) > before, 15, name)
                p.wait_idle()
            else:
                submit(p, text)
            results[name] = p.requests()[-1]["text"]
        rec.note("pastes", {name: {"sent": PASTES[name], "received": got, "same": PASTES[name] == got}
                            for name, got in results.items()})


def pauses(v, rec):
    table = []
    tries = [(ms, i, "pause %d ms try %d" % (ms, i)) for ms in (0, 20, 50, 100, 150) for i in range(4)]
    # A multi-line paste is collapsed into [Pasted text #N ...] first.
    tries += [(ms, i, "multi-line paste\n%d ms\ntry %d" % (ms, i)) for ms in (0, 20, 50) for i in range(3)]
    with ClaudePane(v) as p:
        p.wait_idle()
        for ms, i, text in tries:
            before = len(p.requests())
            p.paste(text, pause=ms / 1000.0)
            try:
                wait_for(lambda: len(p.requests()) > before, 5, text)
                ok = True
            except Timeout:
                ok = False
                name = "pause-%dms-not-submitted" % ms + ("-multiline" if "\n" in text else "")
                if name not in rec.saved:
                    rec.save(p, name)
                # Clear the box for the next try: submit what is there.
                p.keys("Enter")
                wait_for(lambda: len(p.requests()) > before, 10, "rescue " + text)
            p.wait_idle()
            table.append({"pause_ms": ms, "try": i, "sent": text, "submitted_by_first_enter": ok,
                          "received": p.requests()[-1]["text"]})
        snaps = hook_snapshots(p, "Stop")
        hooks = hook_summary(snaps)
        for snap, h in zip(snaps, hooks):
            state = "hook-stop-answer-%s" % ("drawn" if h["answer_on_pane_when_hook_ran"] else "not-drawn")
            if state not in rec.saved:
                rec.saved.add(state)
                rec.save_hook_pane(snap, state)
    rec.note("pauses", table)
    rec.note("stop_hook_during_pauses", hooks)


SCENARIOS = [basic, streaming, tool, pastes, pauses]
ONLY = []


def run_version(v, out, full=True):
    rec = Recorder(out, v, fresh=full)
    errors = []

    def guarded(fn, *args):
        try:
            fn(v, rec, *args)
        except Exception:
            errors.append("%s: %s" % (fn.__name__, traceback.format_exc()))

    slow = [threading.Thread(target=guarded, args=(api_error, "500", "api-error-500")),
            threading.Thread(target=guarded, args=(api_error, "429", "rate-limit-429"))]
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
                    help="run only these scenarios (basic, streaming, tool, pastes, pauses, errors)")
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
