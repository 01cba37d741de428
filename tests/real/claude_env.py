#!/usr/bin/env python3
"""Prepares a throwaway HOME in which the real Claude Code starts straight
into its input box, offline, talking only to the local mock model server.

    python3 tests/real/claude_env.py --home DIR --workdir DIR --port N \
        [--hooks-dir DIR] [--print-env]

Writes DIR/.claude.json and DIR/.claude/settings.json, then prints the
environment to start `claude` with as `export NAME=VALUE` lines (shell
quoted), so `eval "$(python3 tests/real/claude_env.py ...)"` works. With
--print-env the lines are plain `NAME=VALUE` (no value holds a newline), for
programs that set the environment themselves (tests/it/real/).

With --hooks-dir, Stop and StopFailure hooks are installed that save, per
firing, the hook's stdin payload, a capture of the pane, and a copy of the
transcript file as it is at that moment (tests/real/hook_snapshot.sh).
"""

import argparse
import json
import os
import shlex

# A fake key in the real key's shape; Claude Code remembers approved custom
# keys by their last 20 characters.
API_KEY = "sk-ant-api03-mock-" + "0123456789abcdef" * 5 + "-mockAA"

HERE = os.path.dirname(os.path.abspath(__file__))


def environment(home, port):
    """The variables that keep Claude Code offline and quiet."""
    return {
        "HOME": home,
        "ANTHROPIC_BASE_URL": "http://127.0.0.1:%d" % port,
        "ANTHROPIC_API_KEY": API_KEY,
        "DISABLE_AUTOUPDATER": "1",
        "CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC": "1",
        "DISABLE_TELEMETRY": "1",
        "DISABLE_ERROR_REPORTING": "1",
        "DISABLE_BUG_COMMAND": "1",
        "LANG": "C.UTF-8",
        "LC_ALL": "C.UTF-8",
    }


def hook(command):
    return [{"matcher": "", "hooks": [{"type": "command", "command": command}]}]


def prepare(home, workdir, hooks_dir=None):
    workdir = os.path.realpath(workdir)
    os.makedirs(os.path.join(home, ".claude"), exist_ok=True)
    state = {
        "hasCompletedOnboarding": True,
        "theme": "dark",
        "numStartups": 1,
        "customApiKeyResponses": {"approved": [API_KEY[-20:]], "rejected": []},
        "projects": {
            workdir: {
                "hasTrustDialogAccepted": True,
                "hasCompletedProjectOnboarding": True,
                "allowedTools": [],
            }
        },
    }
    with open(os.path.join(home, ".claude.json"), "w") as f:
        json.dump(state, f, indent=2)
    settings = {
        "permissions": {"defaultMode": "default"},
        "disableAutoMode": "disable",
    }
    if hooks_dir:
        os.makedirs(hooks_dir, exist_ok=True)
        snap = os.path.join(HERE, "hook_snapshot.sh")
        settings["hooks"] = {
            "Stop": hook("%s Stop %s" % (shlex.quote(snap), shlex.quote(hooks_dir))),
            "StopFailure": hook("%s StopFailure %s" % (shlex.quote(snap), shlex.quote(hooks_dir))),
        }
    with open(os.path.join(home, ".claude", "settings.json"), "w") as f:
        json.dump(settings, f, indent=2)


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--home", required=True)
    p.add_argument("--workdir", required=True)
    p.add_argument("--port", type=int, required=True)
    p.add_argument("--hooks-dir")
    p.add_argument("--print-env", action="store_true", help="plain NAME=VALUE lines")
    a = p.parse_args()
    prepare(a.home, a.workdir, a.hooks_dir)
    for k, v in environment(a.home, a.port).items():
        print("%s=%s" % (k, v) if a.print_env else "export %s=%s" % (k, shlex.quote(v)))


if __name__ == "__main__":
    main()
