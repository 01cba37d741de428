#!/usr/bin/env bash
# Integration test of the Debian package under a real systemd.
#
#   sudo tests/systemd/run.sh            # from anywhere in the repository
#
# Builds the .deb (packaging/build-deb.sh) and the stand-in agent, boots a
# Debian bookworm container (systemd-nspawn, real systemd as PID 1), installs
# the package with `apt install ./assigner_*.deb` and checks the systemd
# contract that assignerd(8) and README.md ("As a system service") describe. Prints `systemd: N passed, M failed` and
# exits non-zero on any failure. Missing tools are installed, never skipped.
#
# The rootfs is built once with mmdebstrap and cached under /var/lib/machines;
# each run boots it with --volatile=overlay, so the cache is never written to.
# Environment: ROOT (rootfs dir), OUT (logs dir), KEEP_OUT=1 (keep logs).
set -euo pipefail

REPO=$(cd "$(dirname "$0")/../.." && pwd)
SUITE=bookworm
INCLUDE=systemd,systemd-sysv,dbus,libpam-systemd,apt,tmux,procps,man-db
# The cache check only tests that systemd exists: change the name with INCLUDE.
ROOT=${ROOT:-/var/lib/machines/assigner-it-$SUITE-3}
OUT=${OUT:-$(mktemp -d /tmp/assigner-systemd-it.XXXXXX)}
mkdir -p "$OUT"
MACHINE=assigner-it
CG=assigner-it           # private cgroup, so nspawn leaves nothing at the cgroup roots
export SYSTEMD_NSPAWN_UNIFIED_HIERARCHY=1   # pure cgroup v2 in the container, like a Debian host
SOCK=/run/assigner/control.sock
TMUX_SOCK=/run/assigner/tmux/default
AGENT_BIN=$REPO/target/debug/examples/stand-in-agent
NSPAWN_PID= LEADER= PASS=0 FAIL=0

[ "$(id -u)" = 0 ] || { echo "systemd: must run as root (systemd-nspawn, nsenter)" >&2; exit 1; }

now() { date +%s.%N; }
step() {
    local n=$1 t0; shift; t0=$(now); "$@"
    awk -v a="$t0" -v b="$(now)" -v n="$n" 'BEGIN{printf "TIMING %-12s %5.1fs\n", n, b-a}'
}
check() {
    local d=$1; shift
    echo "== $d: $*" >>"$OUT/checks.log"
    if "$@" >>"$OUT/checks.log" 2>&1; then PASS=$((PASS+1)); echo "ok   $d"
    else FAIL=$((FAIL+1)); echo "FAIL $d"; fi
}
cx() { timeout 60 nsenter --target "$LEADER" --all -- "$@"; }    # run inside the container
cxsh() { cx sh -c "$1"; }
prop() { cx systemctl show -p "$2" --value "$1"; }
ctl() { cx assignerctl --socket "$SOCK" "$@"; }
# A setup step (not a check): logged, and its failure does not stop the run
# (the checks after it will fail and say so).
run() { echo "-- $*" >>"$OUT/checks.log"; "$@" >>"$OUT/checks.log" 2>&1 || echo "  setup step failed: $*"; }
# wait_for SECONDS CMD...: polls CMD every 0.2 s until it succeeds.
wait_for() {
    local secs=$1 i; shift
    for ((i = 0; i < secs * 5; i++)); do "$@" >/dev/null 2>&1 && return 0; sleep 0.2; done
    "$@"
}
# The id of a prompt from `assignerctl --json send` output on stdin.
json_id() { grep -o '"id": *[0-9]*' | head -1 | grep -o '[0-9]*$'; }

install_tools() {
    local need=()
    command -v systemd-nspawn >/dev/null || need+=(systemd-container)
    command -v mmdebstrap >/dev/null || need+=(mmdebstrap)
    command -v lintian >/dev/null || need+=(lintian)
    command -v dpkg-shlibdeps >/dev/null || need+=(dpkg-dev)
    if [ ${#need[@]} -gt 0 ]; then
        apt-get update -qq
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
    fi
    # One pinned cargo-deb, the version packaging/build-deb.sh requires: its
    # generated maintainer scripts decide what an upgrade stops and restarts.
    local v; v=$(sed -n 's/^CARGO_DEB_VERSION=//p' "$REPO/packaging/build-deb.sh")
    [ "$(cargo deb --version 2>/dev/null)" = "cargo-deb $v" ] || cargo install cargo-deb --version "$v" --locked
}

build() {
    "$REPO/packaging/build-deb.sh" >"$OUT/build-deb.log" 2>&1 || { cat "$OUT/build-deb.log"; return 1; }
    DEB=$(ls "$REPO"/target/debian/assigner_*.deb)
    # The stand-in agent (an example of the crate) plays a coding agent in tmux.
    if (cd "$REPO" && cargo build --locked --example stand-in-agent) >"$OUT/build-agent.log" 2>&1; then
        :
    else
        echo "stand-in agent did not build (see $OUT/build-agent.log); the agent checks will fail"
    fi
}

make_rootfs() {   # ~15-30 s, ~200 MB; skipped when cached. Mirror from the host's apt config.
    [ -x "$ROOT/usr/lib/systemd/systemd" ] && return 0
    rm -rf "$ROOT.tmp"; mkdir -p "$(dirname "$ROOT")"
    local sources=/etc/apt/sources.list.d/debian.sources
    [ -f "$sources" ] || sources=/etc/apt/sources.list
    mmdebstrap --quiet --variant=essential --include="$INCLUDE" "$SUITE" "$ROOT.tmp" "$sources"
    mv "$ROOT.tmp" "$ROOT"
}

boot() {
    local binds=(--bind-ro="$(dirname "$DEB")":/run/it-deb)
    [ -x "$AGENT_BIN" ] && binds+=(--bind-ro="$AGENT_BIN":/usr/local/bin/stand-in-agent)
    for h in /sys/fs/cgroup/systemd /sys/fs/cgroup/unified /sys/fs/cgroup; do
        [ -d $h ] && [ ! -d $h/$CG ] && mkdir -p $h/$CG 2>/dev/null || true
    done
    ( for h in /sys/fs/cgroup/systemd /sys/fs/cgroup/unified; do
          [ -d $h/$CG ] && echo $BASHPID >$h/$CG/cgroup.procs; done
      exec systemd-nspawn --quiet --boot --register=no --keep-unit --private-network \
          --console=read-only --directory="$ROOT" --volatile=overlay --machine=$MACHINE "${binds[@]}"
    ) >"$OUT/console.log" 2>&1 </dev/null &
    NSPAWN_PID=$!
    for _ in $(seq 600); do          # PID 1 of the container = nspawn's child "systemd"
        LEADER=$(ps --ppid $NSPAWN_PID -o pid=,comm= | awk '$2=="systemd"{print $1}' || true)
        [ -n "$LEADER" ] && [ -S /proc/$LEADER/root/run/systemd/private ] && break
        kill -0 $NSPAWN_PID 2>/dev/null || { cat "$OUT/console.log"; return 1; }
        sleep 0.1
    done
    local st; st=$(cx systemctl is-system-running --wait || true); echo "system state: $st"
    [ "$st" = running ] || { cx systemctl --failed --no-pager || true; return 1; }
}

shutdown_ct() {   # SIGTERM to nspawn -> SIGRTMIN+3 to systemd -> clean halt
    [ -n "$NSPAWN_PID" ] || return 0
    [ -n "$LEADER" ] && cx journalctl --no-pager -o short-precise >"$OUT/journal.txt" 2>&1 || true
    kill -TERM $NSPAWN_PID 2>/dev/null || true
    for _ in $(seq 300); do kill -0 $NSPAWN_PID 2>/dev/null || break; sleep 0.1; done
    if kill -0 $NSPAWN_PID 2>/dev/null; then   # no halt in 30 s: kill the container init first
        for p in $(ps --ppid $NSPAWN_PID -o pid= || true); do kill -KILL $p; done
        sleep 1; kill -KILL $NSPAWN_PID 2>/dev/null || true
    fi
    local rc=0; wait $NSPAWN_PID || rc=$?; NSPAWN_PID=
    for _ in 1 2 3 4 5; do sleep 0.2; for h in /sys/fs/cgroup/systemd /sys/fs/cgroup/unified; do
        [ -d $h/$CG ] && find $h/$CG -depth -type d -exec rmdir {} \; 2>/dev/null; done; done
    echo "nspawn exit status: $rc"
}
trap 'shutdown_ct >/dev/null 2>&1 || true' EXIT

# ---------------------------------------------------------------------------
# Checks. Each is one `check "description" command`.

t_package() {
    # Exit 2: an error tag; 1: lintian itself failed. Either fails the check.
    check "lintian --fail-on error passes" lintian --fail-on error "${DEB:-missing.deb}"
    check "apt install ./assigner_*.deb" cxsh 'cd /run/it-deb && DEBIAN_FRONTEND=noninteractive apt-get install -y -q ./assigner_*.deb'
    cx dpkg -L assigner >"$OUT/dpkg-L.txt" || true
    cx sh -c 'dpkg -L assigner | while read -r f; do [ -d "$f" ] || echo "$f"; done' >"$OUT/files.txt" || true
    check "dpkg -L lists the package's files (kept for the purge check)" grep -qx /usr/bin/assignerd "$OUT/files.txt"
    check "user and group assigner exist, home /var/lib/assigner" \
        sh -c "nsenter -t $LEADER -a -- getent passwd assigner | grep -q ':/var/lib/assigner:' && nsenter -t $LEADER -a -- getent group assigner"
    check "default config is a conffile" sh -c "nsenter -t $LEADER -a -- dpkg-query -W -f='\${Conffiles}' assigner | grep -q /etc/assigner/assigner.toml"
    check "man pages installed" cx man -w assignerd.8 assignerctl.1 assigner.toml.5 assigner-protocol.7
    check "completions installed (bash, zsh, fish)" cx test -s /usr/share/bash-completion/completions/assignerctl \
        -a -s /usr/share/zsh/vendor-completions/_assignerctl -a -s /usr/share/fish/vendor_completions.d/assignerctl.fish
    check "systemd-analyze verify prints nothing (system units)" sh -c "! nsenter -t $LEADER -a -- systemd-analyze verify \
        /usr/lib/systemd/system/assigner.socket /usr/lib/systemd/system/assigner.service \
        /usr/lib/systemd/system/assigner-tmux.service 2>&1 | grep ."
    cx systemd-analyze security --no-pager assigner.service >"$OUT/security.txt" 2>&1 || true
    cx systemd-analyze security --no-pager assigner-tmux.service >"$OUT/security-tmux.txt" 2>&1 || true
    cx systemd-analyze security --no-pager --offline=yes /usr/lib/systemd/system/assigner.service >"$OUT/security-offline.txt" 2>&1 || true
    check "systemd-analyze security: assigner.service exposure at most 2.0" \
        awk '/Overall exposure level/ { v = $NF ~ /^[0-9.]+$/ ? $NF : $(NF-1); found = 1 } END { exit !(found && v + 0 <= 2.0) }' "$OUT/security.txt"
    run cx useradd --create-home --shell /bin/bash member
    run cx usermod -a -G assigner member
    run cx useradd --create-home --shell /bin/bash outsider
    check "systemd-analyze verify prints nothing (user units)" sh -c "! nsenter -t $LEADER -a -- runuser -u member -- \
        env XDG_RUNTIME_DIR=/tmp systemd-analyze --user verify /usr/lib/systemd/user/assigner.socket \
        /usr/lib/systemd/user/assigner.service 2>&1 | grep ."
    check "assigner.socket enabled and listening after install" \
        sh -c "[ \"\$(nsenter -t $LEADER -a -- systemctl is-enabled assigner.socket)\" = enabled ] && nsenter -t $LEADER -a -- systemctl is-active assigner.socket"
    check "control socket is 0660 root:assigner" test "$(cx stat -c '%a %U %G' $SOCK)" = "660 root assigner"
    check "assigner-tmux.service runs the service user's tmux server" \
        sh -c "nsenter -t $LEADER -a -- systemctl is-active assigner-tmux.service && [ \"\$(nsenter -t $LEADER -a -- stat -c '%U %F' $TMUX_SOCK)\" = 'assigner socket' ]"
}

t_activation() {
    run cx systemctl stop assigner.service
    run cx systemctl start assigner.socket
    check "with only the socket started, the service is inactive" test "$(prop assigner.service ActiveState)" = inactive
    check "first 'assignerctl status' activates the service and is answered" \
        sh -c "nsenter -t $LEADER -a -- assignerctl --socket $SOCK --json status | grep -q '\"pid\"'"
    check "service active after activation" test "$(prop assigner.service ActiveState)" = active
}

t_notify() {
    run cx systemctl stop assigner.service
    check "systemctl start assigner" cx systemctl start assigner.service
    check "service is active (running) and Type=notify" \
        test "$(prop assigner.service Type)/$(prop assigner.service ActiveState)/$(prop assigner.service SubState)" = notify/active/running
    check "systemctl status shows the STATUS= line" \
        sh -c "nsenter -t $LEADER -a -- systemctl status --no-pager assigner.service | grep -q 'Status: \"'"
    check "status names the tmux server socket" sh -c "nsenter -t $LEADER -a -- assignerctl --socket $SOCK --json status | grep -q '\"$TMUX_SOCK\"'"
    cx journalctl -u assigner.service _COMM=assignerd -o verbose --no-pager >"$OUT/journal-daemon.txt" 2>&1 || true
    check "journal has the daemon's start-up entry with its fields" \
        sh -c "grep -qE '^ +MESSAGE=assignerd [0-9.]+ starting\$' '$OUT/journal-daemon.txt' && \
            grep -qx '    TMUX_SOCKET=$TMUX_SOCK' '$OUT/journal-daemon.txt' && grep -qx '    SOCKET_ACTIVATED=true' '$OUT/journal-daemon.txt'"
    check "journal has the daemon's 'ready' entry" grep -qx '    MESSAGE=ready' "$OUT/journal-daemon.txt"
}

t_access() {
    check "a member of group assigner is served" \
        sh -c "nsenter -t $LEADER -a -- runuser -u member -- assignerctl --socket $SOCK --json status | grep -q '\"pid\"'"
    check "a user outside group assigner cannot connect" sh -c "! nsenter -t $LEADER -a -- runuser -u outsider -- assignerctl --socket $SOCK status"
    # With the file mode opened up, the daemon's own credential check must refuse.
    run cx mkdir -p /run/systemd/system/assigner.socket.d
    run cxsh 'printf "[Socket]\nSocketMode=0666\n" >/run/systemd/system/assigner.socket.d/it-open.conf'
    run cx systemctl daemon-reload
    run cx systemctl stop assigner.service assigner.socket; run cx systemctl start assigner.socket
    check "the daemon refuses a user outside group assigner (forbidden)" \
        sh -c "nsenter -t $LEADER -a -- runuser -u outsider -- assignerctl --socket $SOCK --json status 2>&1 | grep -q forbidden"
    run cx rm -r /run/systemd/system/assigner.socket.d
    run cx systemctl daemon-reload
    run cx systemctl stop assigner.service assigner.socket; run cx systemctl start assigner.socket assigner.service
}

start_agent() {   # start_agent NAME: a tmux session of the service user running the stand-in agent
    cx runuser -u assigner -- tmux -S $TMUX_SOCK new-session -d -s "$1" \
        "/usr/local/bin/stand-in-agent --log /var/lib/assigner/$1.log --busy-ms 300"
}

t_agents() {
    local pid1 pid2 id
    check "stand-in agent built and bound in" cx test -x /usr/local/bin/stand-in-agent
    check "agent session starts on the service user's tmux server" start_agent agent-1
    pid1=$(cx runuser -u assigner -- tmux -S $TMUX_SOCK display-message -p -t '=agent-1:' '#{pane_pid}' || true)
    check "agent runs in assigner-tmux.service's cgroup, not assigner.service's" \
        cx grep -q '/system.slice/assigner-tmux.service' "/proc/${pid1:-0}/cgroup"
    check "status reports the tmux server reachable" \
        wait_for 10 sh -c "nsenter -t $LEADER -a -- assignerctl --socket $SOCK --json status | tr -d ' \n' | grep -q '\"reachable\":true'"
    check "systemctl restart assigner" cx systemctl restart assigner.service
    pid2=$(cx runuser -u assigner -- tmux -S $TMUX_SOCK display-message -p -t '=agent-1:' '#{pane_pid}' || true)
    check "agent session survives the restart (same pane process)" test -n "$pid1" -a "$pid1" = "$pid2"
    run cx systemctl stop assigner.service
    check "agent session survives systemctl stop assigner" cx runuser -u assigner -- tmux -S $TMUX_SOCK has-session -t =agent-1
    run cx systemctl start assigner.service
    # Priority 0: a field named `priority` would have become a second
    # PRIORITY=0 (emergency) in the journal.
    id=$(ctl --json send --target agent-1 --priority 0 "hello from the queue" | json_id || true)
    echo "$id" >"$OUT/prompt-id"
    check "a queued prompt is accepted" test -n "$id"
    check "the prompt reaches the agent through the service" \
        wait_for 30 cx grep -q 'hello from the queue' /var/lib/assigner/agent-1.log
    check "the prompt completes" wait_for 30 sh -c "nsenter -t $LEADER -a -- assignerctl --socket $SOCK show ${id:-0} | grep -qw completed"
    local j=$OUT/journal-prompt.txt
    check "journalctl PROMPT_ID=$id shows the prompt's story: queued, delivering, completed" \
        wait_for 10 sh -c "nsenter -t $LEADER -a -- journalctl -u assigner.service PROMPT_ID=${id:-0} -o verbose --no-pager >'$j' && \
            grep -qx '    MESSAGE=prompt queued' '$j' && grep -qx '    MESSAGE=delivering' '$j' && grep -qx '    MESSAGE=prompt completed' '$j'"
    check "the prompt's entries carry PROMPT_ID=$id, SESSION, PANE and PROVIDER" \
        sh -c "! grep -E '^ +PROMPT_ID=' '$j' | grep -vqx '    PROMPT_ID=${id:-0}' && grep -qx '    SESSION=agent-1' '$j' && \
            grep -qE '^ +PANE=%[0-9]+\$' '$j' && grep -qE '^ +PROVIDER=.+' '$j'"
    cx journalctl -u assigner.service PROMPT_ID="${id:-0}" "MESSAGE=prompt queued" -o verbose --no-pager >"$OUT/journal-queued.txt" 2>&1 || true
    check "'prompt queued' is PRIORITY=5 (tracing-journald's level for info) with PROMPT_PRIORITY=0, and no second PRIORITY" \
        sh -c "[ \"\$(grep -E '^ +PRIORITY=' '$OUT/journal-queued.txt')\" = '    PRIORITY=5' ] && grep -qx '    PROMPT_PRIORITY=0' '$OUT/journal-queued.txt'"
}

t_user_service() {   # the per-user units, for a person's own agents on their own tmux server
    local uid rt id
    uid=$(cx id -u outsider || true)
    rt=/run/user/${uid:-0}
    as_user() { cx runuser -u outsider -- env XDG_RUNTIME_DIR="$rt" "$@"; }
    check "lingering starts the user's service manager" \
        sh -c "nsenter -t $LEADER -a -- loginctl enable-linger outsider && nsenter -t $LEADER -a -- sh -c 'for i in \$(seq 100); do [ -S $rt/systemd/private ] && exit 0; sleep 0.1; done; exit 1'"
    check "systemctl --user start assigner.socket" as_user systemctl --user start assigner.socket
    check "the user socket is the user's own, mode 0600" \
        sh -c "[ \"\$(nsenter -t $LEADER -a -- stat -c '%a %U' $rt/assigner/control.sock)\" = '600 outsider' ]"
    as_user tmux new-session -d -s claude-u "/usr/local/bin/stand-in-agent --log /home/outsider/claude-u.log --busy-ms 200" >>"$OUT/checks.log" 2>&1 || true
    check "assignerctl finds the user socket and activates the user service" \
        sh -c "nsenter -t $LEADER -a -- runuser -u outsider -- env XDG_RUNTIME_DIR=$rt assignerctl --json status | grep -q '$rt/assigner/control.sock'"
    as_user systemd-analyze --user security --no-pager assigner.service >"$OUT/security-user.txt" 2>&1 || true
    check "the user service is active (Type=notify)" \
        sh -c "[ \"\$(nsenter -t $LEADER -a -- runuser -u outsider -- env XDG_RUNTIME_DIR=$rt systemctl --user show -p ActiveState --value assigner.service)\" = active ]"
    id=$(as_user assignerctl --json send --target claude-u "hello from my own queue" | json_id || true)
    check "a prompt reaches the agent on the user's own tmux server" \
        wait_for 30 cx grep -q 'hello from my own queue' /home/outsider/claude-u.log
    check "the user's prompt completes" \
        wait_for 30 sh -c "nsenter -t $LEADER -a -- runuser -u outsider -- env XDG_RUNTIME_DIR=$rt assignerctl show ${id:-0} | grep -qw completed"
    check "the user's running tmux server is used: assigner-tmux.service is skipped, not started beside it" \
        test "$(as_user systemctl --user show -p Result --value assigner-tmux.service)" = exec-condition \
            -a "$(as_user systemctl --user show -p ActiveState --value assigner-tmux.service)" = inactive
    t_user_pools
    run as_user systemctl --user stop assigner.service assigner.socket assigner-tmux.service
    run cx loginctl disable-linger outsider
}

t_reload() {
    local pid
    run cx cp /etc/assigner/assigner.toml /tmp/assigner.toml.orig
    run cx sed -i 's/^#exclude = .*/exclude = ["agent-1"]/' /etc/assigner/assigner.toml
    check "changed config has the new key" cx grep -qx 'exclude = \["agent-1"\]' /etc/assigner/assigner.toml
    check "changed config validates" cx assignerctl validate --config /etc/assigner/assigner.toml
    pid=$(prop assigner.service MainPID)
    check "systemctl reload assigner" cx systemctl reload assigner.service
    check "reload keeps the same process" test "$(prop assigner.service MainPID)" = "$pid" -a "$(prop assigner.service ActiveState)" = active
    check "when systemctl reload returns, the changed config applies (agent-1 now excluded)" \
        sh -c "nsenter -t $LEADER -a -- assignerctl --socket $SOCK --json sessions | tr -d ' \n' | grep -q '\"name\":\"agent-1\"[^}]*\"excluded\":true'"
    run cxsh 'echo "this is not toml = = =" >>/etc/assigner/assigner.toml'
    check "systemctl reload fails for an invalid config" sh -c "! nsenter -t $LEADER -a -- systemctl reload assigner.service"
    check "the invalid config is refused and the service stays up with the running one" \
        sh -c "[ \"\$(nsenter -t $LEADER -a -- systemctl show -p ActiveState --value assigner.service)\" = active ] && nsenter -t $LEADER -a -- assignerctl --socket $SOCK --json sessions | tr -d ' \n' | grep -q '\"excluded\":true'"
    # A misspelt group is caught by every check, not by the next restart.
    run cx cp /tmp/assigner.toml.orig /etc/assigner/assigner.toml
    run cx sed -i 's/^allowed_group = "assigner"/allowed_group = "asigner"/' /etc/assigner/assigner.toml
    check "assignerctl validate refuses an unknown allowed_group" \
        sh -c "nsenter -t $LEADER -a -- assignerctl validate --config /etc/assigner/assigner.toml; [ \$? = 78 ]"
    check "assignerd --check-config refuses it (78)" \
        sh -c "nsenter -t $LEADER -a -- assignerd --system --check-config; [ \$? = 78 ]"
    check "systemctl reload fails for an unknown allowed_group" sh -c "! nsenter -t $LEADER -a -- systemctl reload assigner.service"
    check "reload refuses it: the service stays up and still serves group members" \
        sh -c "[ \"\$(nsenter -t $LEADER -a -- systemctl show -p ActiveState --value assigner.service)\" = active ] && \
            nsenter -t $LEADER -a -- runuser -u member -- assignerctl --socket $SOCK status"
    run cxsh 'systemctl restart assigner.service || true'
    check "a start with it exits 78 and stays down (no restart loop)" \
        sh -c "[ \"\$(nsenter -t $LEADER -a -- systemctl show -p ExecMainStatus --value assigner.service)\" = 78 ] && \
            [ \"\$(nsenter -t $LEADER -a -- systemctl show -p ActiveState --value assigner.service)\" != active ]"
    check "the start-up config error is in the journal at PRIORITY=3 (err)" \
        sh -c "nsenter -t $LEADER -a -- journalctl -u assigner.service -p err..err -o cat --no-pager | grep -q 'assignerd: .*allowed_group.*asigner'"
    run cx cp /tmp/assigner.toml.orig /etc/assigner/assigner.toml
    run cx systemctl reset-failed assigner.service
    run cx systemctl start assigner.service
    check "the fixed config starts again" test "$(prop assigner.service ActiveState)" = active
}

t_upgrade() {   # reinstalling the .deb runs the upgrade path of the maintainer scripts
    local tmux1 pane1 pane2
    tmux1=$(prop assigner-tmux.service MainPID)
    pane1=$(cx runuser -u assigner -- tmux -S $TMUX_SOCK display-message -p -t '=agent-1:' '#{pane_pid}' || true)
    check "an agent runs before the upgrade" test -n "$pane1"
    check "apt-get install --reinstall ./assigner_*.deb" \
        cxsh 'cd /run/it-deb && DEBIAN_FRONTEND=noninteractive apt-get install -y -q --reinstall ./assigner_*.deb'
    check "the upgrade keeps assigner-tmux.service running (same MainPID)" \
        test "${tmux1:-0}" != 0 -a "$tmux1" = "$(prop assigner-tmux.service MainPID)" -a "$(prop assigner-tmux.service ActiveState)" = active
    pane2=$(cx runuser -u assigner -- tmux -S $TMUX_SOCK display-message -p -t '=agent-1:' '#{pane_pid}' || true)
    check "the agent survives the upgrade (same pane process)" test -n "$pane1" -a "$pane1" = "$pane2"
    check "the daemon serves after the upgrade" \
        wait_for 10 sh -c "nsenter -t $LEADER -a -- assignerctl --socket $SOCK --json status | grep -q '\"pid\"'"
}

t_tmux_restart() {   # Restart=always: a clean `tmux kill-server` brings up a new server
    local p1 p2
    p1=$(prop assigner-tmux.service MainPID)
    run cx runuser -u assigner -- tmux -S $TMUX_SOCK kill-server
    check "after tmux kill-server systemd starts a new tmux server" \
        wait_for 20 sh -c "p=\$(nsenter -t $LEADER -a -- systemctl show -p MainPID --value assigner-tmux.service); \
            [ \"\$p\" != 0 ] && [ \"\$p\" != '$p1' ] && nsenter -t $LEADER -a -- systemctl is-active assigner-tmux.service"
    p2=$(prop assigner-tmux.service MainPID)
    run start_agent agent-2
    check "the new server is the unit's, and agents start on it" \
        test "$(cx runuser -u assigner -- tmux -S $TMUX_SOCK display-message -p -t '=agent-2:' '#{pid}' || true)" = "$p2"
}

t_watchdog() {
    local pid1 pid2 id n0
    run cx mkdir -p /run/systemd/system/assigner.service.d
    run cxsh 'printf "[Service]\nWatchdogSec=3s\nRestartSec=1s\n" >/run/systemd/system/assigner.service.d/it-watchdog.conf'
    run cx systemctl daemon-reload
    run cx systemctl restart assigner.service
    id=$(ctl --json send --target no-such-session "survive the watchdog" | json_id || true)
    check "a prompt waits in the queue" test -n "$id"
    n0=$(prop assigner.service NRestarts)
    pid1=$(prop assigner.service MainPID)
    if [ "${pid1:-0}" -gt 1 ]; then run cx kill -STOP "$pid1"; else echo "  no main process to stop"; fi
    wait_for 20 sh -c "[ \"\$(nsenter -t $LEADER -a -- systemctl show -p NRestarts --value assigner.service)\" -gt $n0 ] && \
        [ \"\$(nsenter -t $LEADER -a -- systemctl show -p ActiveState --value assigner.service)\" = active ]" || true
    pid2=$(prop assigner.service MainPID)
    check "watchdog fired and systemd restarted the service" test "$(prop assigner.service NRestarts)" -gt "$n0" -a "$pid1" != "$pid2"
    check "journal records the watchdog timeout" \
        sh -c "nsenter -t $LEADER -a -- journalctl -u assigner.service --no-pager | grep -q 'Watchdog timeout'"
    check "queue intact after the watchdog restart" \
        sh -c "nsenter -t $LEADER -a -- assignerctl --socket $SOCK show ${id:-0} | grep -q 'survive the watchdog'"
    run cx rm -r /run/systemd/system/assigner.service.d
    run cx systemctl daemon-reload
}

t_maintenance() {   # backup through the sandboxed service; offline cleanup while it is stopped
    local db=/var/lib/assigner/assigner.db
    check "backup into the service's private /tmp is refused with the reason" \
        sh -c "out=\$(nsenter -t $LEADER -a -- assignerctl --socket $SOCK backup /tmp/it-backup.db 2>&1); \
            [ \$? -ne 0 ] && echo \"\$out\" | grep -q 'private temporary directory'"
    check "backup under /var/lib/assigner is written" ctl backup /var/lib/assigner/it-backup.db
    check "the backup is readable by group assigner (0640)" \
        test "$(cx stat -c '%a %G' /var/lib/assigner/it-backup.db)" = "640 assigner"
    check "the backup passes the integrity checks offline" cx assignerctl cleanup --verify-only --db /var/lib/assigner/it-backup.db
    run cx rm -f /var/lib/assigner/it-backup.db
    check "the daemon tracks agent-2 (so the database has its row)" \
        wait_for 20 sh -c "nsenter -t $LEADER -a -- assignerctl --socket $SOCK --json sessions | grep -q '\"name\":\"agent-2\"'"
    check "a stop signals assignerd alone, not the tmux calls of its last step (KillMode=mixed)" \
        test "$(prop assigner.service KillMode)" = mixed
    run cx systemctl stop assigner.socket assigner.service
    run start_agent agent-3
    run cx runuser -u assigner -- tmux -S $TMUX_SOCK kill-session -t =agent-2
    check "offline dry run on the system database compares against the service's tmux server" \
        sh -c "nsenter -t $LEADER -a -- assignerctl --json cleanup --db $db >'$OUT/offline-cleanup.json' && \
            grep -q '\"tmux_sessions\":\[\"agent-3\"\]' '$OUT/offline-cleanup.json' && \
            grep -q '\"name\":\"agent-2\"' '$OUT/offline-cleanup.json'"
    check "offline cleanup --apply removes the stale session" cx assignerctl cleanup --db $db --apply
    check "offline cleanup logged its action to the journal as assignerctl, with SESSION" \
        sh -c "nsenter -t $LEADER -a -- journalctl SYSLOG_IDENTIFIER=assignerctl SESSION=agent-2 -o cat --no-pager | grep -q 'removed stale session'"
    run cx systemctl start assigner.socket assigner.service
    check "the service starts again after offline maintenance" test "$(prop assigner.service ActiveState)" = active
}

t_remove_purge() {
    check "apt remove" cx env DEBIAN_FRONTEND=noninteractive apt-get remove -y -q assigner
    check "plain remove keeps config and state" cx test -f /etc/assigner/assigner.toml -a -d /var/lib/assigner
    check "apt purge" cx env DEBIAN_FRONTEND=noninteractive apt-get purge -y -q assigner
    check "purge leaves none of the package's files" \
        sh -c "grep -qx /usr/bin/assignerd '$OUT/files.txt' && \
            ! nsenter -t $LEADER -a -- sh -c 'while read -r f; do [ -e \"\$f\" ] && echo \"left: \$f\"; done' <'$OUT/files.txt' | grep ."
    check "purge removes /etc/assigner, /var/lib/assigner, /run/assigner" \
        sh -c "! nsenter -t $LEADER -a -- ls -d /etc/assigner /var/lib/assigner /run/assigner 2>/dev/null | grep ."
    check "purge leaves no unit symlinks or helper state" \
        sh -c "! nsenter -t $LEADER -a -- find /etc/systemd /var/lib/systemd/deb-systemd-helper-enabled /var/lib/systemd/deb-systemd-helper-masked -name '*assigner*' 2>/dev/null | grep ."
    check "no assigner process left" sh -c "! nsenter -t $LEADER -a -- pgrep -u assigner ."
}

. "$REPO/tests/systemd/pools.sh"

tests() {
    t_package
    t_activation
    t_notify
    t_access
    t_agents
    t_user_service
    t_reload
    t_upgrade
    t_watchdog
    t_tmux_restart
    t_maintenance
    t_pools
    t_remove_purge
}

step tools    install_tools
step build    build
step rootfs   make_rootfs
step boot     boot
step tests    tests
step shutdown shutdown_ct
echo "logs: $OUT"
echo "systemd: $PASS passed, $FAIL failed"
[ "$FAIL" -eq 0 ]
