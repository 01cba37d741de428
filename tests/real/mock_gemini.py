#!/usr/bin/env python3
"""Mock of the Gemini API for the real-agent suite (what Gemini CLI speaks
with an API key): `POST /v1beta/models/<model>:streamGenerateContent?alt=sse`
for the conversation, `:generateContent` for Gemini CLI's side requests,
`:countTokens`, and `GET /v1beta/models`. Replies follow the markers of
mock_script.py. Usage:

    python3 tests/real/mock_gemini.py --port 0 --log FILE [--dump DIR]
"""

import json
import os
import re
import sys

sys.dont_write_bytecode = True
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import mock_script as ms  # noqa: E402

ERRORS = {
    429: {"code": 429, "status": "RESOURCE_EXHAUSTED",
          "message": "Resource has been exhausted (e.g. check quota). (mock)",
          "details": [{"@type": "type.googleapis.com/google.rpc.RetryInfo",
                       "retryDelay": "1s"}]},
    500: {"code": 500, "status": "INTERNAL",
          "message": "An internal error has occurred. (mock)"},
}

USAGE = {"promptTokenCount": 100, "candidatesTokenCount": 20, "totalTokenCount": 120}


def last_user(req):
    """(text of the last user turn that has text, whether the last turn is
    a function response)."""
    contents = req.get("contents") or []
    user = ""
    for c in contents:
        if c.get("role", "user") == "user":
            # The first turn also carries Gemini CLI's own context part.
            texts = [p["text"] for p in c.get("parts") or []
                     if "text" in p and not p["text"].startswith("<session_context>")]
            if texts:
                user = "".join(texts)
    last = contents[-1] if contents else {}
    tool_result = any("functionResponse" in p for p in last.get("parts") or [])
    return user, tool_result


def declarations(req):
    out = []
    for t in req.get("tools") or []:
        out.extend(t.get("functionDeclarations") or [])
    return out


def shell_call(decls):
    """The functionCall part for the shell tool Gemini CLI declares."""
    for d in decls:
        if "shell" in d.get("name", ""):
            schema = d.get("parametersJsonSchema") or d.get("parameters") or {}
            props = schema.get("properties") or {}
            args = {"command": ms.TOOL_COMMAND}
            if "description" in props:
                args["description"] = "Create approved.txt"
            return {"functionCall": {"name": d["name"], "args": args}}
    return None


class GeminiHandler(ms.Handler):
    def route(self, method, path, body):
        bare = path.split("?")[0]
        m = re.search(r"/models/([^/:]+):(\w+)$", bare)
        if method == "GET" and bare.rstrip("/").endswith("/models"):
            self.record(body, side=True)
            return self.send_json(200, {"models": [{"name": "models/gemini-2.5-flash"}]})
        if method == "POST" and m:
            model, verb = m.groups()
            if verb == "streamGenerateContent":
                return self.generate(body, model, stream=True)
            if verb == "generateContent":
                return self.generate(body, model, stream=False)
            if verb == "countTokens":
                self.record(body, model=model, side=True)
                return self.send_json(200, {"totalTokens": 100})
        self.record(body, side=True, unknown=True)
        self.send_json(404, {"error": {"code": 404, "status": "NOT_FOUND",
                                       "message": f"mock: no route {method} {path}"}})

    def generate(self, body, model, stream):
        req = json.loads(body or b"{}")
        user, tool_result = last_user(req)
        decls = declarations(req)
        # Gemini CLI's own checks (routing, next speaker, loop detection)
        # are one-shot calls; the conversation streams with tools.
        side = not stream or not decls
        reply = ms.side_reply() if side else ms.plan(user, tool_result)
        self.record(body, model=model, user=user, text=user, reply=reply.kind, side=side,
                    tool_result=tool_result, tool=bool(decls), status=reply.status)
        if reply.kind == "error":
            headers = [("retry-after", "1")] if reply.status == 429 else []
            return self.send_json(reply.status, {"error": ERRORS[reply.status]}, headers)
        if side:
            return self.send_json(200, self.chunk(model, [{"text": self.side_text(req)}], True))
        if reply.kind == "tool":
            call = shell_call(decls)
            parts = [call] if call else [{"text": "no shell tool was offered"}]
            self.start_sse()
            self.sse(json.dumps(self.chunk(model, parts, True)))
            return self.end_sse()
        self.start_sse()
        for i, (delay, text) in enumerate(reply.chunks):
            time.sleep(delay)
            last = i == len(reply.chunks) - 1
            self.sse(json.dumps(self.chunk(model, [{"text": text}], last)))
        self.end_sse()
        self.server.answer_ended(user)

    @staticmethod
    def side_text(req):
        """JSON side requests get every field Gemini CLI's checks read."""
        cfg = req.get("generationConfig") or {}
        if cfg.get("responseMimeType") == "application/json" or cfg.get("responseJsonSchema"):
            return json.dumps({"reasoning": "mock", "next_speaker": "user",
                               "model_choice": "flash", "complexity_score": 1})
        return "Mock side answer"

    @staticmethod
    def chunk(model, parts, last):
        cand = {"content": {"role": "model", "parts": parts}, "index": 0}
        if last:
            cand["finishReason"] = "STOP"
        return {"candidates": [cand], "usageMetadata": USAGE, "modelVersion": model,
                "responseId": f"mock-{int(time.time() * 1000)}"}


if __name__ == "__main__":
    ms.serve(GeminiHandler, __doc__)
