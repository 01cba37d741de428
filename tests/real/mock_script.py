"""What the mock model servers answer, and the plumbing they share.

Replies are scripted by markers in the prompt text, the same for every API
family, so one scenario drives every agent alike:

  none          ANSWER: <first 40 chars of the prompt>, in a few chunks
  [[slow=N]]    numbered lines streamed over N seconds, one every ~0.5 s
  [[tool]]      a shell call `touch approved.txt` (answered `TOOL DONE`)
  [[429]]       HTTP 429 with retry-after: 1, every time
  [[500]]       HTTP 500, every time
  [[quote]]     lines quoting dialog and status phrases
  [[long]]      150 numbered lines

Each API module turns a `Reply` into its own wire format. The server prints
`PORT <n>` as its first line of stdout and logs one JSON line per request,
with `at`, when it arrived (UTC with milliseconds, the format of assigner's
history). With `--ends FILE`, the end of every streamed answer is one JSON
line there (`at` and the prompt's `text`), so a test can order what the
agent did against when an answer was over.
"""

import argparse
import json
import re
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

TOOL_COMMAND = "touch approved.txt"
TOOL_DONE = "TOOL DONE"

QUOTE_LINES = [
    "Here are some phrases, quoted:",
    "Do you want to proceed?",
    "esc to interrupt",
    "1. Yes",
    "> a line starting with a prompt sign",
    "Working",
    "rate limit reached",
    "End of quotes.",
]


class Reply:
    """One scripted answer: `kind` is plain, slow, tool, tool_done, quote,
    long or error; `chunks` are (delay_before_s, text) pairs for text
    answers; `status` is the HTTP status of an error."""

    def __init__(self, kind, chunks=(), status=200):
        self.kind = kind
        self.chunks = list(chunks)
        self.status = status

    @property
    def text(self):
        return "".join(c for _, c in self.chunks)


def split_even(text, parts):
    """`text` in `parts` roughly equal chunks, none empty."""
    step = max(1, -(-len(text) // parts))
    return [text[i : i + step] for i in range(0, len(text), step)]


def plan(prompt, tool_result=False):
    """The reply for the last user text `prompt`; `tool_result` when the
    request's last turn is the result of our tool call."""
    if tool_result:
        return Reply("tool_done", [(0.05, TOOL_DONE)])
    if "[[500]]" in prompt:
        return Reply("error", status=500)
    if "[[429]]" in prompt:
        return Reply("error", status=429)
    if "[[tool]]" in prompt:
        return Reply("tool")
    slow = re.search(r"\[\[slow=(\d+)\]\]", prompt)
    if slow:
        n = max(1, int(slow.group(1)) * 2)
        return Reply("slow", [(0.5, f"Slow line {i + 1} of {n}.\n") for i in range(n)])
    if "[[quote]]" in prompt:
        text = "\n".join(QUOTE_LINES) + "\n"
        return Reply("quote", [(0.05, c) for c in split_even(text, 4)])
    if "[[long]]" in prompt:
        lines = [f"Long line {i + 1} of 150.\n" for i in range(150)]
        return Reply("long", [(0.02, "".join(lines[i : i + 10])) for i in range(0, 150, 10)])
    head = " ".join(prompt.split())[:40]
    return Reply("plain", [(0.05, c) for c in split_even(f"ANSWER: {head}", 4)])


def side_reply():
    """The short answer to a side request (a title, a check)."""
    return Reply("side", [(0, "Mock side answer")])


class Server(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, addr, handler, log_path, dump_dir, ends_path=None):
        super().__init__(addr, handler)
        self.log_path = log_path
        self.ends_path = ends_path
        self.dump_dir = dump_dir
        self.lock = threading.Lock()
        self.seq = 0

    def handle_error(self, request, client_address):
        # A client that hangs up mid-stream (an interrupted answer) is
        # normal; anything else is printed.
        if not isinstance(sys.exc_info()[1], (BrokenPipeError, ConnectionResetError)):
            super().handle_error(request, client_address)

    def record(self, entry, body):
        """Appends `entry` to the log; with --dump, keeps the raw body."""
        with self.lock:
            self.seq += 1
            entry = {"seq": self.seq, "t": round(time.time(), 3), "at": now(), **entry}
            if self.log_path:
                with open(self.log_path, "a", encoding="utf-8") as f:
                    f.write(json.dumps(entry, ensure_ascii=False) + "\n")
            if self.dump_dir and body:
                name = f"{self.dump_dir}/{self.seq:04d}.json"
                with open(name, "wb") as f:
                    f.write(body)

    def answer_ended(self, text):
        """With --ends, records that the answer to the prompt `text` has
        been sent whole."""
        if self.ends_path:
            with self.lock, open(self.ends_path, "a", encoding="utf-8") as f:
                f.write(json.dumps({"text": text, "at": now()}, ensure_ascii=False) + "\n")


def now():
    """The time as assigner's history writes it: UTC with milliseconds."""
    t = time.time()
    ms = int(t * 1000) % 1000
    return time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(t)) + f".{ms:03d}Z"


class Handler(BaseHTTPRequestHandler):
    """Base handler: subclasses implement `route(method, path, body)`."""

    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def body(self):
        n = int(self.headers.get("content-length") or 0)
        raw = self.rfile.read(n) if n else b""
        if self.headers.get("content-encoding") == "zstd" and raw:
            raise ValueError("zstd request bodies are not supported")
        return raw

    def do_GET(self):
        self.route("GET", self.path, b"")

    def do_POST(self):
        self.route("POST", self.path, self.body())

    def do_HEAD(self):
        self.send_json(200, {})

    def do_CONNECT(self):
        # The agents get this server as their HTTPS proxy, so a request
        # to any other host lands here: logged, refused.
        self.record(b"", side=True, unknown=True, host=self.path)
        self.send_json(403, {"error": "mock: no other hosts"})

    def do_PUT(self):
        self.route("PUT", self.path, self.body())

    def do_DELETE(self):
        self.route("DELETE", self.path, self.body())

    def send_json(self, status, obj, headers=()):
        data = json.dumps(obj).encode()
        self.send_response(status)
        self.send_header("content-type", "application/json")
        self.send_header("content-length", str(len(data)))
        for k, v in headers:
            self.send_header(k, v)
        self.end_headers()
        self.wfile.write(data)
        self.wfile.flush()

    def start_sse(self):
        self.send_response(200)
        self.send_header("content-type", "text/event-stream")
        self.send_header("cache-control", "no-cache")
        self.send_header("transfer-encoding", "chunked")
        self.end_headers()

    def sse(self, data, event=None):
        """One SSE event as one HTTP chunk, flushed at once."""
        text = (f"event: {event}\n" if event else "") + f"data: {data}\n\n"
        raw = text.encode()
        self.wfile.write(f"{len(raw):x}\r\n".encode() + raw + b"\r\n")
        self.wfile.flush()

    def end_sse(self):
        self.wfile.write(b"0\r\n\r\n")
        self.wfile.flush()

    def record(self, body, **entry):
        self.server.record({"method": self.command, "path": self.path, **entry}, body)


def serve(handler_cls, description):
    ap = argparse.ArgumentParser(description=description)
    ap.add_argument("--port", type=int, default=0)
    ap.add_argument("--log", default=None, help="JSON-lines request log")
    ap.add_argument("--dump", default=None, help="directory for raw request bodies")
    ap.add_argument("--ends", default=None, help="JSON-lines log of finished answers")
    args = ap.parse_args()
    srv = Server(("127.0.0.1", args.port), handler_cls, args.log, args.dump, args.ends)
    print(f"PORT {srv.server_address[1]}", flush=True)
    try:
        srv.serve_forever()
    except KeyboardInterrupt:
        pass
    sys.exit(0)
