#!/usr/bin/env bash
# Run by Claude Code as a Stop or StopFailure hook (tests/real/claude_env.py):
#
#   hook_snapshot.sh EVENT DIR
#
# Saves, under DIR/EVENT-<n>.*, what the hook sees at the moment it fires:
# the stdin payload (.json), the pane as drawn (.pane.txt, captured through
# the tmux server the agent runs in), and a copy of the transcript file the
# payload names (.transcript.jsonl), to tell whether the final message is
# already on screen and on disk when the hook runs.
set -u
event="$1" dir="$2"
mkdir -p "$dir"
n=1
while [ -e "$dir/$event-$n.json" ]; do n=$((n + 1)); done
base="$dir/$event-$n"
cat >"$base.json.tmp"
date +%s.%N >"$base.time"
if [ -n "${TMUX_PANE:-}" ]; then
  tmux capture-pane -p -t "$TMUX_PANE" >"$base.pane.txt" 2>&1
fi
transcript=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1])).get("transcript_path") or "")' "$base.json.tmp" 2>/dev/null)
if [ -n "$transcript" ] && [ -f "$transcript" ]; then
  cp "$transcript" "$base.transcript.jsonl"
fi
mv "$base.json.tmp" "$base.json"
exit 0
