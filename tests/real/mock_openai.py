#!/usr/bin/env python3
"""Mock of the OpenAI API for the real-agent suite: the Responses API
(`POST /v1/responses`, what Codex CLI speaks) and Chat Completions
(`POST /v1/chat/completions`, what aider speaks through litellm), streaming
and not, plus `GET /v1/models`. Replies follow the markers of
mock_script.py. Usage:

    python3 tests/real/mock_openai.py --port 0 --log FILE [--dump DIR] [--ends FILE]

A request's `user` (and `text`) is the last user message; `tool_result`
marks a request that carries the result of the mock's tool call, which
repeats the prompt's user message but is not a new prompt.
"""

import json
import os
import sys

sys.dont_write_bytecode = True
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import mock_script as ms  # noqa: E402

ERRORS = {
    429: {
        "message": "Rate limit reached for requests (mock). Please try again in 1s.",
        "type": "requests",
        "param": None,
        "code": "rate_limit_exceeded",
    },
    500: {
        "message": "The server had an error while processing your request (mock).",
        "type": "server_error",
        "param": None,
        "code": None,
    },
}

TOOL_RESULTS = {"function_call_output", "local_shell_call_output", "custom_tool_call_output"}
SHELL_TOOLS = ("shell_command", "exec_command", "shell", "container.exec", "local_shell")


def part_text(content):
    """The text of a message's content (a string or a list of parts)."""
    if isinstance(content, str):
        return content
    out = []
    for p in content or []:
        if isinstance(p, dict) and isinstance(p.get("text"), str):
            out.append(p["text"])
    return "\n".join(out)


def responses_last_user(req):
    items = req.get("input")
    if isinstance(items, str):
        return items, False
    user = ""
    for it in items or []:
        if it.get("role") == "user" and it.get("type", "message") == "message":
            user = part_text(it.get("content"))
    last = (items or [{}])[-1]
    return user, last.get("type") in TOOL_RESULTS


def chat_last_user(req):
    msgs = req.get("messages") or []
    user = ""
    for m in msgs:
        if m.get("role") == "user":
            user = part_text(m.get("content"))
    return user, bool(msgs) and msgs[-1].get("role") == "tool"


def shell_tool(tools):
    """(name, type, parameters) of the shell tool the agent offers."""
    by_name = {}
    for t in tools or []:
        name = t.get("name") or (t.get("function") or {}).get("name") or t.get("type")
        by_name[name] = t
    for want in SHELL_TOOLS:
        if want in by_name:
            t = by_name[want]
            params = t.get("parameters") or (t.get("function") or {}).get("parameters") or {}
            return want, t.get("type"), params
    return None


def shell_arguments(params):
    props = (params or {}).get("properties") or {}
    if "command" in props:
        if props["command"].get("type") == "array":
            return {"command": ["bash", "-lc", ms.TOOL_COMMAND]}
        return {"command": ms.TOOL_COMMAND}
    args = {"cmd": ms.TOOL_COMMAND} if "cmd" in props else {"command": ms.TOOL_COMMAND}
    if "sandbox_permissions" in props:
        # Codex asks only for an escalated command under on-request.
        args["sandbox_permissions"] = "require_escalated"
        args["justification"] = "Create approved.txt?"
    return args


class OpenAIHandler(ms.Handler):
    def route(self, method, path, body):
        bare = path.split("?")[0].rstrip("/")
        if method == "GET" and bare.endswith("/models"):
            self.record(body, side=True)
            model = {"id": "mock-model", "object": "model", "created": 0, "owned_by": "mock"}
            return self.send_json(200, {"object": "list", "data": [model], "models": []})
        if method == "POST" and bare.endswith("/responses"):
            return self.responses_api(body)
        if method == "POST" and bare.endswith("/chat/completions"):
            return self.chat_api(body)
        self.record(body, side=True, unknown=True)
        self.send_json(404, {"error": {"message": f"mock: no route {method} {path}",
                                       "type": "invalid_request_error", "param": None,
                                       "code": None}})

    def error(self, status):
        headers = [("retry-after", "1"), ("retry-after-ms", "1000")] if status == 429 else []
        self.send_json(status, {"error": ERRORS[status]}, headers)

    # --- Responses API (Codex) ---

    def responses_api(self, body):
        req = json.loads(body or b"{}")
        user, tool_result = responses_last_user(req)
        # A request offering no tools is a side job (Codex's title).
        side = not req.get("tools")
        reply = ms.side_reply() if side else ms.plan(user, tool_result)
        tool = shell_tool(req.get("tools"))
        self.record(body, model=req.get("model"), user=user, text=user, reply=reply.kind,
                    side=side, tool_result=tool_result, tool=tool[0] if tool else None,
                    status=reply.status)
        if reply.kind == "error":
            return self.error(reply.status)
        if not req.get("stream", False):
            return self.send_json(200, self.response_obj(req, self.output_items(reply, tool)))
        self.start_sse()
        rid = f"resp_{int(time.time() * 1000)}"
        seq = iter(range(10**9))

        def ev(kind, **fields):
            self.sse(json.dumps({"type": kind, "sequence_number": next(seq), **fields}), kind)

        base = self.response_obj(req, [], rid, "in_progress")
        ev("response.created", response=base)
        ev("response.in_progress", response=base)
        if reply.kind == "tool":
            items = self.output_items(reply, tool)
            ev("response.output_item.added", output_index=0, item=items[0])
            ev("response.output_item.done", output_index=0, item=items[0])
        else:
            mid = f"msg_{rid}"
            item = {"id": mid, "type": "message", "status": "in_progress", "role": "assistant",
                    "content": []}
            ev("response.output_item.added", output_index=0, item=item)
            ev("response.content_part.added", item_id=mid, output_index=0, content_index=0,
               part={"type": "output_text", "text": "", "annotations": []})
            for delay, chunk in reply.chunks:
                time.sleep(delay)
                ev("response.output_text.delta", item_id=mid, output_index=0, content_index=0,
                   delta=chunk)
            part = {"type": "output_text", "text": reply.text, "annotations": []}
            ev("response.output_text.done", item_id=mid, output_index=0, content_index=0,
               text=reply.text)
            ev("response.content_part.done", item_id=mid, output_index=0, content_index=0,
               part=part)
            items = [{**item, "status": "completed", "content": [part]}]
            ev("response.output_item.done", output_index=0, item=items[0])
        ev("response.completed", response=self.response_obj(req, items, rid, "completed"))
        self.end_sse()
        if not side:
            self.server.answer_ended(user)

    def output_items(self, reply, tool):
        if reply.kind == "tool":
            name, kind, params = tool or ("shell", "function", {})
            call = f"call_{int(time.time() * 1000)}"
            if kind == "local_shell":
                return [{"type": "local_shell_call", "id": f"lsc_{call}", "call_id": call,
                         "status": "completed",
                         "action": {"type": "exec", "command": ["bash", "-lc", ms.TOOL_COMMAND],
                                    "env": {}}}]
            return [{"type": "function_call", "id": f"fc_{call}", "call_id": call,
                     "name": name, "arguments": json.dumps(shell_arguments(params)),
                     "status": "completed"}]
        return [{"id": "msg_1", "type": "message", "status": "completed", "role": "assistant",
                 "content": [{"type": "output_text", "text": reply.text, "annotations": []}]}]

    def response_obj(self, req, output, rid="resp_1", status="completed"):
        return {"id": rid, "object": "response", "created_at": int(time.time()),
                "status": status, "model": req.get("model"), "output": output,
                "usage": {"input_tokens": 100, "input_tokens_details": {"cached_tokens": 0},
                          "output_tokens": 20, "output_tokens_details": {"reasoning_tokens": 0},
                          "total_tokens": 120}}

    # --- Chat Completions (aider through litellm) ---

    def chat_api(self, body):
        req = json.loads(body or b"{}")
        user, tool_result = chat_last_user(req)
        reply = ms.plan(user, tool_result)
        tools = req.get("tools")
        self.record(body, model=req.get("model"), user=user, text=user, reply=reply.kind,
                    side=False, tool_result=tool_result, status=reply.status,
                    stream=bool(req.get("stream")))
        if reply.kind == "error":
            return self.error(reply.status)
        tool_calls = None
        if reply.kind == "tool":
            tool = shell_tool(tools)
            if tool:
                tool_calls = [{"index": 0, "id": "call_1", "type": "function",
                               "function": {"name": tool[0],
                                            "arguments": json.dumps(shell_arguments(tool[2]))}}]
            else:
                # No tools offered (aider): propose the command the way a
                # model does in a chat answer, which aider offers to run.
                text = f"I will run this command:\n\n```bash\n{ms.TOOL_COMMAND}\n```\n"
                reply = ms.Reply("tool", [(0.05, c) for c in ms.split_even(text, 3)])
        cid, created, model = "chatcmpl-mock", int(time.time()), req.get("model")
        finish = "tool_calls" if tool_calls else "stop"
        usage = {"prompt_tokens": 100, "completion_tokens": 20, "total_tokens": 120}
        if not req.get("stream"):
            msg = {"role": "assistant", "content": None if tool_calls else reply.text}
            if tool_calls:
                msg["tool_calls"] = [{k: v for k, v in c.items() if k != "index"}
                                     for c in tool_calls]
            return self.send_json(200, {"id": cid, "object": "chat.completion",
                                        "created": created, "model": model,
                                        "choices": [{"index": 0, "message": msg,
                                                     "finish_reason": finish}],
                                        "usage": usage})
        self.start_sse()

        def chunk(delta, finish_reason=None, **extra):
            self.sse(json.dumps({"id": cid, "object": "chat.completion.chunk",
                                 "created": created, "model": model,
                                 "choices": [{"index": 0, "delta": delta,
                                              "finish_reason": finish_reason}], **extra}))

        chunk({"role": "assistant", "content": ""})
        if tool_calls:
            chunk({"tool_calls": tool_calls})
        else:
            for delay, text in reply.chunks:
                time.sleep(delay)
                chunk({"content": text})
        chunk({}, finish, usage=usage)
        self.sse("[DONE]")
        self.end_sse()
        self.server.answer_ended(user)


if __name__ == "__main__":
    ms.serve(OpenAIHandler, __doc__)
