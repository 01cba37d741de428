"""Capture scenarios that measure rather than only show: API errors
through Claude Code's own retries, what the model receives for each kind
of paste, and the pause between paste and Enter that still submits."""

import re
import time

from claude_pane import ClaudePane, Timeout, box_empty, is_idle
from claude_steps import hook_snapshots, hook_summary, submit, wait_for

PASTES = {
    "multiline": "first line of five\nsecond line\nthird line\nfourth line\nfifth line",
    "unicode": "Unicode: héllo — naïve café, 日本語, emoji 😀, check ✓, arrows → ←",
    "tabs": "tabs:\tone\ttwo\t\tthree",
    "shell": "shell: $(echo injected) and `uname` and ${HOME} stay text",
    "semicolon": "ends with a semicolon;",
    "long3000": " ".join("word%04d" % i for i in range(334))[:3000],
    "long3000-lines": "\n".join("row %03d %s" % (i, "x" * 52) for i in range(50))[:3000],
}


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
        results = {"multiline": p.requests()[-1]}
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
            results[name] = p.requests()[-1]
        # Typed text around a collapsed paste, all in one draft.
        p.type("typed before ")
        p.paste(PASTES["multiline"], enter=False)
        p.settle(lambda s: "[Pasted text" in s or "fifth line" in s)
        p.type(" typed after")
        p.settle(lambda s: "typed after" in s)
        rec.save(p, "draft-with-paste")
        before = len(p.requests())
        p.keys("Enter")
        wait_for(lambda: len(p.requests()) > before, 15, "typed and pasted")
        p.wait_idle()
        results["typed-around-paste"] = p.requests()[-1]
        sent = dict(PASTES, **{"typed-around-paste": "typed before " + PASTES["multiline"] + " typed after"})
        rec.note("pastes", {name: {"sent": sent[name], "received": got["text"], "blocks": got["texts"],
                                   "same": sent[name] == got["text"]}
                            for name, got in results.items()})


def pauses(v, rec):
    table = []
    tries = [(ms, i, "pause %d ms try %d" % (ms, i)) for ms in (0, 20, 50, 100, 150) for i in range(4)]
    # A multi-line paste is collapsed into [Pasted text #N ...] first.
    tries += [(ms, i, "multi-line paste\n%d ms\ntry %d" % (ms, i)) for ms in (0, 20, 50) for i in range(3)]
    # So is a long one, and Claude Code may take longer to take it in.
    tries += [(ms, i, ("long paste %d ms try %d " % (ms, i) + PASTES["long3000"])[:3000])
              for ms in (0, 20, 50, 100) for i in range(3)]
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
