"""Capture scenarios for the screens a turn goes through: idle, answers,
streaming, the approval dialog, interrupts and prompts queued while busy.
Each runs its own agent and mock (tests/real/claude_pane.py) and saves
through a Recorder (tests/real/capture.py)."""

import os
import time

from claude_pane import ClaudePane, Timeout, input_box, is_idle
from claude_steps import hook_snapshots, hook_summary, submit, wait_for


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


def reject(v, rec):
    with ClaudePane(v) as p:
        p.wait_idle()
        p.paste("[[tool]] then refuse")
        p.settle(lambda s: "Do you want to proceed?" in s)
        # Down twice to "3. No", as a person would; then Enter.
        p.keys("Down")
        p.keys("Down")
        p.settle(lambda s: "Do you want to proceed?" in s)
        rec.save(p, "approval-no-selected")
        p.keys("Enter")
        s = p.settle(lambda s: "Do you want to proceed?" not in s, still=2.0)
        rec.save(p, "approval-rejected")
        rec.note("reject", {"idle_after": is_idle(s),
                            "approved_txt_exists": os.path.exists(os.path.join(p.work, "approved.txt")),
                            "requests": p.requests(),
                            "hooks": sorted(p.hook_files())})


def interrupt(v, rec):
    with ClaudePane(v) as p:
        p.wait_idle()
        p.paste("[[slow=10]] interrupt me")
        p.wait(lambda s: "line 3 of 20" in s, timeout=20, what="streaming")
        p.keys("Escape")
        s = p.settle(is_idle)
        rec.save(p, "interrupted")
        rec.note("interrupt", {"hooks": [h["payload"] for h in hook_snapshots(p, "Stop")],
                               "hook_files": sorted(p.hook_files()),
                               "requests": p.requests()})


def queued(v, rec):
    """A prompt pasted, then submitted, while the agent is busy: what the
    box shows, and whether the agent runs it after the current turn."""
    with ClaudePane(v) as p:
        p.wait_idle()
        p.paste("[[slow=8]] the first prompt")
        p.wait(lambda s: "line 2 of 16" in s, timeout=20, what="streaming")
        p.paste("a prompt pasted while busy", enter=False)
        p.wait(lambda s: "pasted while busy" in "\n".join(input_box(s) or []), timeout=5, what="draft")
        time.sleep(0.5)
        rec.save(p, "busy-with-draft")
        p.keys("Enter")
        p.wait(lambda s: "pasted while busy" not in "\n".join(input_box(s) or []), timeout=5,
               what="draft leaves the box")
        time.sleep(0.5)
        rec.save(p, "busy-with-queued")
        s = p.settle(lambda s: is_idle(s) and "ANSWER: a prompt pasted while busy" in s, timeout=60)
        rec.save(p, "after-queued")
        rec.note("queued", {"requests": p.requests(),
                            "stop_hooks": [h["payload"].get("last_assistant_message")
                                           for h in hook_snapshots(p, "Stop")]})
