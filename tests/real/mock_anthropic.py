#!/usr/bin/env python3
"""A local stand-in for the Anthropic Messages API, for driving the real
Claude Code offline.

    python3 tests/real/mock_anthropic.py --port 0 --log FILE [--dump DIR] [--ends FILE]

Prints `PORT <n>` as the first line of stdout, then serves until killed.
Every model request becomes one JSON line in FILE: the path, the model, the
exact text of the last user message, and `"side": true` for requests that are
not the agent's own turn (title generation, token counting, probes, unknown
paths), and `at`, when it arrived (UTC, milliseconds, the format of
assigner's history). With --dump, each request body is also saved whole, for
finding out what the agent sends. With --ends, the end of every streamed
answer is one JSON line in that file (`at` and the prompt's `text`), so a
test can order what the agent did against when an answer was over.

Replies are scripted by markers in the prompt (tests/real/README.md):
none, [[slow=N]], [[tool]], [[429]], [[500]], [[quote]], [[long]].
"""

import argparse
import json
import os
import re
import sys
import threading
import time
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

LOG_LOCK = threading.Lock()
ARGS = None
DUMP_COUNTER = [0]

QUOTE_LINES = [
    "Here are some phrases, quoted:",
    "",
    "Do you want to proceed?",
    "",
    "esc to interrupt",
    "",
    "1. Yes",
    "",
    "> a line that starts like a prompt",
    "",
    "Working",
    "",
    "rate limit reached",
]


def now():
    t = time.time()
    return time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(t)) + ".%03dZ" % (int(t * 1000) % 1000)


def log(entry, path=None):
    entry = dict(entry, at=now())
    with LOG_LOCK:
        with open(path or ARGS.log, "a", encoding="utf-8") as f:
            f.write(json.dumps(entry, ensure_ascii=False) + "\n")


def dump(path, method, headers, body):
    if not ARGS.dump:
        return
    with LOG_LOCK:
        DUMP_COUNTER[0] += 1
        n = DUMP_COUNTER[0]
    name = os.path.join(ARGS.dump, "%04d.json" % n)
    with open(name, "w", encoding="utf-8") as f:
        json.dump(
            {"method": method, "path": path, "headers": dict(headers), "body": body},
            f,
            ensure_ascii=False,
            indent=1,
        )


def block_texts(content):
    """The text blocks of one message's content, in order."""
    if isinstance(content, str):
        return [content]
    out = []
    for block in content or []:
        if isinstance(block, dict) and block.get("type") == "text":
            out.append(block.get("text", ""))
    return out


def last_user(messages):
    for msg in reversed(messages or []):
        if msg.get("role") == "user":
            return msg
    return None


def typed_texts(msg):
    """The text blocks of a user message that are not injected
    <system-reminder>s: what was typed or pasted, oldest first."""
    if msg is None:
        return []
    return [t for t in block_texts(msg.get("content")) if not t.lstrip().startswith("<system-reminder>")]


def prompt_text(msg):
    """The typed prompt inside the last user message: its last typed text
    block. Claude Code merges a prompt whose request failed into the next
    user message, as an earlier block, so only the last one is the new
    prompt (and a [[500]] there does not fail every later prompt)."""
    texts = typed_texts(msg)
    return texts[-1] if texts else ""


def has_tool_result(msg):
    content = msg.get("content") if msg else None
    return isinstance(content, list) and any(
        isinstance(b, dict) and b.get("type") == "tool_result" for b in content
    )


def error_body(kind, message):
    return {
        "type": "error",
        "error": {"type": kind, "message": message},
        "request_id": "req_" + uuid.uuid4().hex[:24],
    }


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, fmt, *args):  # keep stderr quiet
        pass

    # ---- plumbing -------------------------------------------------------
    def read_body(self):
        n = int(self.headers.get("content-length") or 0)
        raw = self.rfile.read(n) if n else b""
        try:
            return json.loads(raw.decode("utf-8")) if raw else None
        except ValueError:
            return {"_raw": raw.decode("utf-8", "replace")}

    def send_json(self, status, obj, extra=None):
        data = json.dumps(obj).encode("utf-8")
        self.send_response(status)
        self.send_header("content-type", "application/json")
        self.send_header("content-length", str(len(data)))
        self.send_header("request-id", obj.get("request_id") or "req_" + uuid.uuid4().hex[:24])
        for k, v in (extra or {}).items():
            self.send_header(k, v)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(data)

    def side(self, body=None, note=None):
        entry = {"side": True, "method": self.command, "path": self.path}
        if isinstance(body, dict):
            entry["model"] = body.get("model")
            msg = last_user(body.get("messages"))
            if msg is not None:
                entry["text"] = prompt_text(msg)
        if note:
            entry["note"] = note
        log(entry)

    # ---- verbs ----------------------------------------------------------
    def do_HEAD(self):
        dump(self.path, "HEAD", self.headers, None)
        self.side(note="probe")
        self.send_response(200)
        self.send_header("content-length", "0")
        self.end_headers()

    def do_GET(self):
        dump(self.path, "GET", self.headers, None)
        self.side(note="unknown")
        self.send_json(200, {})

    def do_DELETE(self):
        self.do_GET()

    def do_PUT(self):
        self.do_POST()

    def do_POST(self):
        body = self.read_body()
        dump(self.path, self.command, self.headers, body)
        path = self.path.split("?", 1)[0]
        if path == "/v1/messages/count_tokens":
            self.side(body, note="count_tokens")
            return self.send_json(200, {"input_tokens": 100})
        if path != "/v1/messages" or not isinstance(body, dict):
            self.side(body, note="unknown")
            return self.send_json(200, {})
        if not body.get("tools"):
            # Title or topic generation, quota checks: not the agent's turn.
            self.side(body, note="no tools")
            return self.reply(body, ["ok"], "end_turn")
        self.turn(body)

    # ---- the agent's turn ----------------------------------------------
    def turn(self, body):
        msg = last_user(body.get("messages"))
        text = prompt_text(msg)
        tool_result = has_tool_result(msg)
        log({"side": False, "path": self.path, "model": body.get("model"), "text": text,
             "texts": typed_texts(msg), "tool_result": tool_result})
        if tool_result:
            return self.reply(body, ["TOOL DONE"], "end_turn")
        if "[[429]]" in text:
            return self.send_json(
                429,
                error_body("rate_limit_error", "Number of request tokens has exceeded your per-minute rate limit"),
                {"retry-after": "1"},
            )
        if "[[500]]" in text:
            return self.send_json(500, error_body("api_error", "Internal server error"))
        if "[[tool]]" in text:
            return self.reply(body, ["I will run a command."], "tool_use", tool=True)
        slow = re.search(r"\[\[slow=(\d+)\]\]", text)
        if slow:
            n = max(1, int(slow.group(1)) * 2)
            chunks = ["Slow answer:\n\n"] + ["line %d of %d\n\n" % (i, n) for i in range(1, n + 1)]
            return self.reply(body, chunks, "end_turn", delay=0.5)
        if "[[quote]]" in text:
            return self.reply(body, [line + "\n" for line in QUOTE_LINES], "end_turn")
        if "[[long]]" in text:
            lines = ["line %03d\n\n" % i for i in range(1, 151)]
            return self.reply(body, [("".join(lines[i:i + 10])) for i in range(0, 150, 10)], "end_turn")
        answer = "ANSWER: " + text[:40]
        step = max(1, (len(answer) + 2) // 3)
        return self.reply(body, [answer[i:i + step] for i in range(0, len(answer), step)], "end_turn")

    def reply(self, body, chunks, stop_reason, tool=False, delay=0.0):
        model = body.get("model") or "claude-mock"
        msg_id = "msg_" + uuid.uuid4().hex[:24]
        if not body.get("stream"):
            content = [{"type": "text", "text": "".join(chunks)}]
            if tool:
                content.append(tool_block(input_obj=True))
            return self.send_json(200, {
                "id": msg_id, "type": "message", "role": "assistant", "model": model,
                "content": content, "stop_reason": stop_reason, "stop_sequence": None,
                "usage": {"input_tokens": 100, "output_tokens": 10},
            })
        self.send_response(200)
        self.send_header("content-type", "text/event-stream")
        self.send_header("cache-control", "no-cache")
        self.send_header("request-id", "req_" + uuid.uuid4().hex[:24])
        self.send_header("connection", "close")
        self.end_headers()
        self.close_connection = True
        try:
            self.event("message_start", {"type": "message_start", "message": {
                "id": msg_id, "type": "message", "role": "assistant", "model": model,
                "content": [], "stop_reason": None, "stop_sequence": None,
                "usage": {"input_tokens": 100, "output_tokens": 1,
                          "cache_creation_input_tokens": 0, "cache_read_input_tokens": 0}}})
            self.event("content_block_start", {"type": "content_block_start", "index": 0,
                                               "content_block": {"type": "text", "text": ""}})
            self.event("ping", {"type": "ping"})
            for chunk in chunks:
                if delay:
                    time.sleep(delay)
                self.event("content_block_delta", {"type": "content_block_delta", "index": 0,
                                                   "delta": {"type": "text_delta", "text": chunk}})
            self.event("content_block_stop", {"type": "content_block_stop", "index": 0})
            if tool:
                self.event("content_block_start", {"type": "content_block_start", "index": 1,
                                                   "content_block": tool_block(input_obj=False)})
                self.event("content_block_delta", {"type": "content_block_delta", "index": 1, "delta": {
                    "type": "input_json_delta",
                    "partial_json": json.dumps(TOOL_INPUT)}})
                self.event("content_block_stop", {"type": "content_block_stop", "index": 1})
            self.event("message_delta", {"type": "message_delta",
                                         "delta": {"stop_reason": stop_reason, "stop_sequence": None},
                                         "usage": {"output_tokens": 10}})
            self.event("message_stop", {"type": "message_stop"})
            if ARGS.ends:
                log({"text": prompt_text(last_user(body.get("messages")))}, ARGS.ends)
        except (BrokenPipeError, ConnectionResetError):
            pass

    def event(self, name, data):
        self.wfile.write(("event: %s\ndata: %s\n\n" % (name, json.dumps(data))).encode("utf-8"))
        self.wfile.flush()


TOOL_INPUT = {"command": "touch approved.txt", "description": "Create approved.txt"}


def tool_block(input_obj):
    return {"type": "tool_use", "id": "toolu_" + uuid.uuid4().hex[:24], "name": "Bash",
            "input": dict(TOOL_INPUT) if input_obj else {}}


def main():
    global ARGS
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--port", type=int, default=0)
    p.add_argument("--log", required=True)
    p.add_argument("--dump", help="directory to save every request body in")
    p.add_argument("--ends", help="file to record the end of every streamed answer in")
    ARGS = p.parse_args()
    if ARGS.dump:
        os.makedirs(ARGS.dump, exist_ok=True)
    server = ThreadingHTTPServer(("127.0.0.1", ARGS.port), Handler)
    server.daemon_threads = True
    sys.stdout.write("PORT %d\n" % server.server_address[1])
    sys.stdout.flush()
    server.serve_forever()


if __name__ == "__main__":
    main()
