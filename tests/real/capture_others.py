#!/usr/bin/env python3
"""Captures the screens of Codex CLI, Gemini CLI and aider in every state the
classifier must tell apart, into tests/fixtures/screens/<agent>-<version>/:

    python3 tests/real/capture_others.py [codex gemini aider] [--keep]
    python3 tests/real/capture_others.py [codex gemini aider] --extra
    python3 tests/real/capture_others.py [codex gemini aider] --streaming

Each agent runs offline (others_env.py) against its mock model server and
is driven as assignerd drives a pane (pane_session.py). Next to the screens
go `probe.json` (every request the mock received, the text it received for
each pasted text, and which paste-to-Enter pauses submitted) and, with
--extra, `probe-extra.json` (whitespace at a prompt's edges, pauses for a
multi-line prompt, a prompt typed while an answer streams) with the screens
of drafts too large to show whole and of typing into a busy agent.
--streaming adds only the screens of an agent starting up and of an answer
that streams until the prompt above it has scrolled off the screen.
"""

import argparse
import json
import os
import signal
import sys
import time

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from pane_session import Session  # noqa: E402


FIDELITY = {
    "multiline": "fid-multiline first line\nsecond line\n\nfourth line after a blank",
    "unicode": "fid-unicode héllo wörld — ✓ 日本語 🚀 ñ",
    "tabs": "fid-tabs col1\tcol2\t\tcol4",
    "shell": "fid-shell $(echo pwned) `id` ${HOME} 'single' \"double\" \\back",
    "semicolon": "fid-semicolon echo hi;",
    "long3000": "fid-long3000 " + ("abcdefghij" * 300)[: 3000 - 13],
}


def fidelity(s, texts):
    """Submits each text and records what the mock received for it; a
    text still in the input box after 20 s gets a second Enter."""
    out = {}
    for name, text in texts.items():
        n = len(s.requests())
        s.submit(text)
        got = s.wait_requests(n + 1, timeout=20)
        received = s.requests()[-1]["user"] if got else None
        out[name] = {"sent": text, "received": received, "same": received == text,
                     "starts_with_sent": bool(received and received.startswith(text))}
        if not got:
            s.save(f"fidelity-{name}-stuck")
            s.send("Enter")
            s.wait_requests(n + 1, timeout=10)
        s.wait_stable(quiet=1.5, timeout=60)
    return out


def pauses(s, make_text):
    """Pastes `make_text(pause_ms, attempt)` and presses Enter after each
    pause, three times: whether the first Enter submitted, and if not, the
    screen and whether a second Enter did."""
    rows = []
    for pause in (0, 20, 50, 100, 150):
        for attempt in range(3):
            n = len(s.requests())
            s.submit(make_text(pause, attempt), pause / 1000)
            ok = bool(s.wait_requests(n + 1, timeout=8))
            row = {"pause_ms": pause, "attempt": attempt, "submitted": ok}
            if ok:
                row["received"] = s.requests()[-1]["user"]
            else:
                row["screen"] = s.screen()
                s.send("Enter")
                row["submitted_after_second_enter"] = bool(s.wait_requests(n + 1, timeout=8))
            rows.append(row)
            s.wait_stable(quiet=1.5, timeout=60)
    return rows


def run_answer(s, state, prompt, timeout=60, quiet=2.0):
    n = len(s.requests())
    s.submit(prompt)
    s.wait_requests(n + 1, timeout=30)
    screen = s.wait_stable(quiet=quiet, timeout=timeout)
    return s.save(state, screen)


def capture(agent, keep):
    s = Session(agent, keep)
    probe = {}
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

        probe["fidelity"] = fidelity(s, FIDELITY)
        s.save("idle-after-fidelity")

        probe["pauses"] = pauses(s, lambda p, a: f"pause {p} ms attempt {a}: " + "word " * 20)
    finally:
        probe["requests"] = s.requests(main_only=False)
        with open(os.path.join(s.out, "probe.json"), "w", encoding="utf-8") as f:
            json.dump(probe, f, indent=1, ensure_ascii=False)
        s.close()


EDGES = {
    "trailing-space": "fid-edge trailing spaces   ",
    "trailing-newline": "fid-edge trailing newline\n",
    "leading-space": "   fid-edge leading spaces",
    "blank-lines": "fid-edge a\n\n\nb after two blank lines",
}


def capture_extra(agent, keep):
    """Drafts too large to show whole, whitespace at the edges of a prompt,
    the paste-to-Enter pause for a multi-line prompt, and a prompt typed
    while an answer streams: probe-extra.json."""
    s = Session(agent, keep)
    probe = {}
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
        probe["fidelity_edges"] = fidelity(s, EDGES)
        probe["pauses_multiline"] = pauses(
            s, lambda p, a: f"multi pause {p} ms attempt {a}\nsecond line\nthird line")

        # What a paste and an Enter do while an answer streams.
        n = len(s.requests())
        s.submit("[[slow=8]] stream while something is typed")
        s.wait_requests(n + 1)
        time.sleep(1.5)
        s.paste("typed while busy")
        time.sleep(0.5)
        s.save("busy-with-draft")
        s.send("Enter")
        time.sleep(1.0)
        s.save("busy-after-enter")
        s.wait_requests(n + 2, timeout=30)
        s.save("after-busy-enter", s.wait_stable(quiet=2.0, timeout=60))
        probe["typed_while_busy"] = [r["user"] for r in s.requests()[n:]]
    finally:
        with open(os.path.join(s.out, "probe-extra.json"), "w", encoding="utf-8") as f:
            json.dump(probe, f, indent=1, ensure_ascii=False)
        s.close()


def capture_streaming(agent, keep):
    """The screen while the agent starts (`busy-starting`, for an agent
    that says so), and an answer of 40 lines, which pushes its prompt's
    echo off a 40-line screen while it streams."""
    s = Session(agent, keep)
    try:
        starting = s.keys.get("starting")
        if starting:
            s.save("busy-starting", s.wait(lambda: (lambda sc: starting in sc and sc)(s.screen()), 30))
        if s.wait_stable(quiet=3.0, timeout=90, must=s.keys["ready"]) is None:
            raise RuntimeError(f"{agent} did not reach its input box")
        n = len(s.requests())
        s.submit("[[slow=20]] an answer that scrolls its prompt off the screen")
        s.wait_requests(n + 1)
        s.save("busy-streaming-scrolled",
               s.wait(lambda: (lambda sc: "Slow line 38 of 40." in sc and sc)(s.screen()), 60))
        s.save("idle-after-scrolled", s.wait_stable(quiet=2.0, timeout=60))
    finally:
        s.close()


def main():
    # A plain kill still tears down the tmux server, mock and helpers.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(1))
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("agents", nargs="*", default=["codex", "gemini", "aider"])
    ap.add_argument("--keep", action="store_true", help="keep the temp dir")
    ap.add_argument("--extra", action="store_true", help="only the large drafts and pauses")
    ap.add_argument("--streaming", action="store_true",
                    help="only starting up and an answer that scrolls its prompt away")
    args = ap.parse_args()
    run = capture_extra if args.extra else capture_streaming if args.streaming else capture
    for agent in args.agents:
        print(f"{agent}:", flush=True)
        run(agent, args.keep)


if __name__ == "__main__":
    main()
