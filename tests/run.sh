#!/usr/bin/env bash
# The whole test suite: unit and integration tests (real tmux, real sockets,
# real SQLite files, the real binaries, the real coding agents against a local
# mock model server), then the systemd test when present.
#
# As root it installs what it needs; otherwise it names what is missing.
set -euo pipefail
cd "$(dirname "$0")/.."

need_pkgs=()
command -v tmux >/dev/null || need_pkgs+=(tmux)
command -v systemd-socket-activate >/dev/null || need_pkgs+=(systemd)
if [ -x tests/systemd/run.sh ]; then
  command -v systemd-nspawn >/dev/null || need_pkgs+=(systemd-container)
  command -v mmdebstrap >/dev/null || need_pkgs+=(mmdebstrap)
fi
if [ ${#need_pkgs[@]} -gt 0 ]; then
  if [ "$(id -u)" -eq 0 ]; then
    echo "installing: ${need_pkgs[*]}"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need_pkgs[@]}" >/dev/null
  else
    echo "missing: ${need_pkgs[*]} (install them, or run this script as root)" >&2
    exit 1
  fi
fi

# The real agents the real-agent area (tests/it/real/) drives, offline;
# cached, so only the first run downloads them.
tests/real/install.sh

# Every target (the library's unit tests, the doc tests, the `it` crate,
# the chaos suite among it, which prints each seed as it ends) but the real
# agents, then the real agents (`real::`) on their own: they start slowly
# on a loaded machine, so their area gets one more try, and both runs
# print their summaries.
ASSIGNER_AGENTS_CACHE=/nonexistent cargo test --locked -- --skip real::
cargo test --locked --test it real:: || cargo test --locked --test it real::

if [ -x tests/systemd/run.sh ]; then
  if [ "$(id -u)" -eq 0 ]; then
    tests/systemd/run.sh
  else
    echo "the systemd test boots a container and needs root: sudo tests/systemd/run.sh" >&2
    exit 1
  fi
fi
