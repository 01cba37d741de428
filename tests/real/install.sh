#!/usr/bin/env bash
# Installs the real coding agents the real-agent suite drives, at pinned
# versions, into a cache directory that later runs (and CI) reuse:
#
#   tests/real/install.sh [CACHE_DIR]
#
# CACHE_DIR defaults to $ASSIGNER_AGENTS_CACHE, else ~/.cache/assigner/agents.
# Each agent lands in CACHE_DIR/<name>-<version>/ and is marked complete only
# once installed, so an interrupted install is redone, a finished one never.
# Nothing is fetched when the agents run: Claude Code's native binary comes
# from its platform package (@anthropic-ai/claude-code-linux-x64).
#
# Writes CACHE_DIR/agents.env, one NAME=PATH line per agent binary, which the
# suite reads.
set -euo pipefail

cache="${1:-${ASSIGNER_AGENTS_CACHE:-$HOME/.cache/assigner/agents}}"
mkdir -p "$cache"

# The versions under test. A new version is a new line here and a new
# folder of screens under tests/fixtures/screens/.
CLAUDE_VERSIONS=(2.1.332 2.1.197)
CODEX_VERSION=0.171.0
GEMINI_VERSION=0.61.0
AIDER_VERSION=0.86.2

need=()
command -v npm >/dev/null || need+=(nodejs npm)
command -v python3 >/dev/null || need+=(python3 python3-venv)
if [ ${#need[@]} -gt 0 ]; then
  if [ "$(id -u)" -eq 0 ]; then
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
  else
    echo "missing: ${need[*]} (install them, or run this script as root)" >&2
    exit 1
  fi
fi

# npm_agent DIR PACKAGE@VERSION: installs one npm package into DIR.
npm_agent() {
  local dir="$cache/$1" spec="$2"
  [ -e "$dir/.complete" ] && return 0
  rm -rf "$dir"
  mkdir -p "$dir"
  echo "installing $spec into $dir"
  npm install --prefix "$dir" --no-audit --no-fund --loglevel=error "$spec" >/dev/null
  touch "$dir/.complete"
}

for v in "${CLAUDE_VERSIONS[@]}"; do
  npm_agent "claude-$v" "@anthropic-ai/claude-code@$v"
done
npm_agent "codex-$CODEX_VERSION" "@openai/codex@$CODEX_VERSION"
npm_agent "gemini-$GEMINI_VERSION" "@google/gemini-cli@$GEMINI_VERSION"

aider="$cache/aider-$AIDER_VERSION"
if [ ! -e "$aider/.complete" ]; then
  rm -rf "$aider"
  echo "installing aider-chat==$AIDER_VERSION into $aider"
  python3 -m venv "$aider"
  "$aider/bin/pip" install --quiet --disable-pip-version-check "aider-chat==$AIDER_VERSION"
  touch "$aider/.complete"
fi

{
  for v in "${CLAUDE_VERSIONS[@]}"; do
    echo "claude-$v=$cache/claude-$v/node_modules/.bin/claude"
  done
  echo "codex-$CODEX_VERSION=$cache/codex-$CODEX_VERSION/node_modules/.bin/codex"
  echo "gemini-$GEMINI_VERSION=$cache/gemini-$GEMINI_VERSION/node_modules/.bin/gemini"
  echo "aider-$AIDER_VERSION=$aider/bin/aider"
} >"$cache/agents.env"
echo "agents ready in $cache"
