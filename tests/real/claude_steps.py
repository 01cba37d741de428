"""Steps shared by the capture scenarios (tests/real/capture.py): submit a
prompt and wait for the agent, and read back what the Stop and
StopFailure hooks saw (tests/real/hook_snapshot.sh)."""

import json
import os
import re
import time

from claude_pane import Timeout


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
    # Firing order: EVENT-1, EVENT-2, ... (numerically, not by name).
    names = sorted(p.hook_files(), key=lambda n: [int(x) if x.isdigit() else x for x in re.split(r"(\d+)", n)])
    for name in names:
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
