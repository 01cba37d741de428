# Sourced by run.sh: a [pools.NAME] table under the real units
# (assignerd(8), AGENT POOLS), system and per user. Uses run.sh's helpers
# (check, run, cx, ctl) and, for the user units, t_user_service's as_user.

pool_pids() {   # the pane processes of stand-1 and stand-2, in order
    local s
    for s in stand-1 stand-2; do
        cx runuser -u assigner -- tmux -S $TMUX_SOCK display-message -p -t "=$s:" '#{pane_pid}' 2>/dev/null || echo none
    done | tr '\n' ' '
}

pool_up() {   # both agents listed by `sessions` and the pool running
    sh -c "nsenter -t $LEADER -a -- assignerctl --socket $SOCK --json sessions | tr -d ' \n' > '$OUT/pool-sessions.json' && \
        grep -q '\"name\":\"stand-1\"' '$OUT/pool-sessions.json' && grep -q '\"name\":\"stand-2\"' '$OUT/pool-sessions.json' && \
        nsenter -t $LEADER -a -- assignerctl --socket $SOCK --json pool | tr -d ' \n' | grep -q '\"state\":\"running\"'"
}

t_pools() {
    local before after pid id
    run cx cp /etc/assigner/assigner.toml /tmp/assigner.toml.pools
    run cxsh 'printf "\n[pools.stand]\nprovider = \"claude\"\ncommand = [\"/usr/local/bin/stand-in-agent\", \"--log\", \"/var/lib/assigner/stand.log\", \"--busy-ms\", \"300\"]\ncount = 2\nrestart_delay_ms = 200\n" >>/etc/assigner/assigner.toml'
    check "a config with a pool validates" cx assignerctl validate --config /etc/assigner/assigner.toml
    run cx systemctl stop assigner.service
    check "systemctl start assigner" cx systemctl start assigner.service
    check "the pool's agents appear in sessions after systemctl start assigner" wait_for 20 pool_up
    pid=$(cx runuser -u assigner -- tmux -S $TMUX_SOCK display-message -p -t '=stand-1:' '#{pane_pid}' || true)
    check "a pool agent runs in assigner-tmux.service's cgroup, as the service user" \
        sh -c "nsenter -t $LEADER -a -- grep -q '/system.slice/assigner-tmux.service' /proc/${pid:-0}/cgroup && \
            [ \"\$(nsenter -t $LEADER -a -- stat -c %U /proc/${pid:-0})\" = assigner ]"
    before=$(pool_pids)
    check "systemctl restart assigner" cx systemctl restart assigner.service
    check "the restarted daemon sees the pool running" wait_for 20 pool_up
    after=$(pool_pids)
    check "the same agent processes run after the restart: adopted, not started again ($before)" \
        test "$before" = "$after" -a "${before#none}" = "$before"
    id=$(ctl --json send --target stand-1 "hello pool" | json_id || true)
    check "a prompt reaches a pool agent" wait_for 30 cx grep -q 'hello pool' /var/lib/assigner/stand.log
    check "the pool agent's prompt completes" \
        wait_for 30 sh -c "nsenter -t $LEADER -a -- assignerctl --socket $SOCK show ${id:-0} | grep -qw completed"
    run cx kill -9 "${pid:-0}"
    check "a killed agent is logged to the journal with POOL and its signal" \
        wait_for 20 sh -c "nsenter -t $LEADER -a -- journalctl -u assigner.service POOL=stand -o cat --no-pager | grep -q 'agent killed by signal 9'"
    check "and started again in a new session" \
        wait_for 20 sh -c "p=\$(nsenter -t $LEADER -a -- runuser -u assigner -- tmux -S $TMUX_SOCK display-message -p -t '=stand-1:' '#{pane_pid}') && [ \"\$p\" != '${pid:-0}' ]"
    run cx systemctl stop assigner-tmux.service
    run cx systemctl start assigner-tmux.service
    check "after assigner-tmux is stopped and started, the daemon starts the agents again" wait_for 30 pool_up
    check "on the unit's new server" \
        test "$(cx runuser -u assigner -- tmux -S $TMUX_SOCK display-message -p -t '=stand-1:' '#{pid}' || true)" = "$(prop assigner-tmux.service MainPID)"
    run cx cp /tmp/assigner.toml.pools /etc/assigner/assigner.toml
    check "systemctl reload without the pool" cx systemctl reload assigner.service
    check "a removed pool is drained: its sessions end" \
        wait_for 20 sh -c "! nsenter -t $LEADER -a -- runuser -u assigner -- tmux -S $TMUX_SOCK ls -F '#{session_name}' | grep -q '^stand-'"
}

user_pool_pids() {   # the pane processes of mine-1 and mine-2 on the user's default tmux server
    local s
    for s in mine-1 mine-2; do
        as_user tmux display-message -p -t "=$s:" '#{pane_pid}' 2>/dev/null || echo none
    done | tr '\n' ' '
}

user_pool_up() {   # both agents on the user's default tmux server and the pool running
    as_user tmux has-session -t =mine-1 && as_user tmux has-session -t =mine-2 &&
        as_user assignerctl --json pool | tr -d ' \n' | grep -q '"state":"running"'
}

t_user_pools() {   # a pool in the person's own config, under the per-user units
    local uid before after pid server id
    uid=$(cx id -u outsider || true)
    run as_user systemctl --user stop assigner.service
    # No tmux server of the user's runs now: assigner-tmux.service brings one up.
    run as_user tmux kill-server
    run cxsh 'mkdir -p /home/outsider/.config/assigner && printf "[pools.mine]\nprovider = \"claude\"\ncommand = [\"/usr/local/bin/stand-in-agent\", \"--log\", \"/home/outsider/mine.log\", \"--busy-ms\", \"300\"]\ncount = 2\nrestart_delay_ms = 200\n" >/home/outsider/.config/assigner/assigner.toml && chown -R outsider: /home/outsider/.config'
    check "systemctl --user start assigner" as_user systemctl --user start assigner.service
    check "it brings up the user's assigner-tmux.service" \
        test "$(as_user systemctl --user show -p ActiveState --value assigner-tmux.service)" = active
    check "the user pool's agents come up on the user's default tmux server (where tmux attach finds them)" wait_for 20 user_pool_up
    pid=$(as_user tmux display-message -p -t '=mine-1:' '#{pane_pid}' || true)
    server=$(as_user systemctl --user show -p MainPID --value assigner-tmux.service || true)
    check "a user pool agent runs in the user's assigner-tmux.service cgroup, as the user" \
        sh -c "nsenter -t $LEADER -a -- grep -q '/user@${uid:-0}.service/.*assigner-tmux.service' /proc/${pid:-0}/cgroup && \
            [ \"\$(nsenter -t $LEADER -a -- stat -c %U /proc/${pid:-0})\" = outsider ]"
    before=$(user_pool_pids)
    check "systemctl --user restart assigner" as_user systemctl --user restart assigner.service
    check "the restarted user daemon sees the pool running" wait_for 20 user_pool_up
    after=$(user_pool_pids)
    check "the same user agent processes run after the restart, on the same server ($before)" \
        test "$before" = "$after" -a "${before#none}" = "$before" \
            -a "${server:-0}" != 0 -a "$server" = "$(as_user systemctl --user show -p MainPID --value assigner-tmux.service)"
    id=$(as_user assignerctl --json send --target mine-2 "hello user pool" | json_id || true)
    check "a prompt reaches a user pool agent" wait_for 30 cx grep -q 'hello user pool' /home/outsider/mine.log
    check "the user pool agent's prompt completes" \
        wait_for 30 sh -c "nsenter -t $LEADER -a -- runuser -u outsider -- env XDG_RUNTIME_DIR=/run/user/${uid:-0} assignerctl show ${id:-0} | grep -qw completed"
    run as_user systemctl --user stop assigner.service
    run cx rm -f /home/outsider/.config/assigner/assigner.toml
}
