#!/bin/sh
# systemd Type=notify: with NOTIFY_SOCKET set, `uml-bridge run` sends STATUS= lines as
# the guest comes up and READY=1 (with MAINPID=) only once the agent reported ready.
# A small helper (notify_sink) plays systemd's part, on an abstract and a path socket.
. "$(dirname "$0")/lib.sh"
e2e_begin notify
: "${NOTIFY_SINK:?set NOTIFY_SINK to the built notify_sink helper}"

# The guest stays up 3 s after the agent's ready, then powers off.
printf 'sleep 3\n' > "$WORK/linger.sh"
busybox_image "$WORK/root.img" --after "$WORK/linger.sh"

start_sink() {  # start_sink SOCKET OUT [UNTIL]: waits until it listens
  "$NOTIFY_SINK" "$1" "$2" 90 ${3:+"$3"} &
  SINK_PID=$!
  on_exit "kill $SINK_PID"
  i=0
  until grep -q LISTENING "$2" 2>/dev/null; do
    i=$((i + 1)); [ $i -lt 50 ] || fail "notify_sink did not start"; sleep 0.1
  done
}

# 1. In the foreground (as a unit's ExecStart): READY=1 with the bridge's own pid, after
#    the STATUS lines for kernel, agent and ready, and before the guest exits.
# (The sink stays until the bridge's last STATUS=, as systemd would.)
start_sink "@umla-e2e-notify-$$" "$WORK/fg.notify" "STATUS=guest exited"
NOTIFY_SOCKET="@umla-e2e-notify-$$" bridge_run fg --timeout 60 -- "$UML_KERNEL" \
  mem=64M "ubd0=$WORK/root.img" root=/dev/ubda rw init=/init
ended_at=$(($(date +%s%N) / 1000000))
assert_eq "$BRIDGE_STATUS" 0 "foreground run"
wait "$SINK_PID" || fail "notify_sink got no final STATUS="
cat "$WORK/fg.notify"
order=$(grep -n -e '^STATUS=kernel up' -e '^STATUS=agent .* up' -e '^STATUS=ready: every step ok' \
  -e '^READY=1' "$WORK/fg.notify" | cut -d: -f2 | cut -c1-9 | tr '\n' ' ')
assert_eq "$order" "STATUS=ke STATUS=ag STATUS=re READY=1 " "order of notifications"
# The bridge runs until the guest exits, so it is the unit's main process.
grep -q "^MAINPID=[0-9]" "$WORK/fg.notify" || fail "no MAINPID"
# READY=1 came when the guest was ready, not when it went: the guest lingers 3 s after
# its ready, so READY=1 arrived at least 2 s before the bridge returned.
ready_at=$(grep -B1 '^READY=1' "$WORK/fg.notify" | sed -n 's/^AT=//p')
[ $((ended_at - ready_at)) -ge 2000 ] || fail "READY=1 at $ready_at, only $((ended_at - ready_at)) ms before the run ended"

# 2. Notifying never stops a guest: no complaint when it worked, and a NOTIFY_SOCKET
#    that is no socket name is reported once while the guest still boots.
assert_not_contains "$WORK/fg.log" "notify systemd"
NOTIFY_SOCKET="relative/name" bridge_run badsock --timeout 60 -- "$UML_KERNEL" \
  mem=64M "ubd0=$WORK/root.img" root=/dev/ubda rw init=/init
assert_eq "$BRIDGE_STATUS" 0 "run with a bad NOTIFY_SOCKET"
assert_contains "$WORK/badsock.log" 'NOTIFY_SOCKET="relative/name": expected an absolute path or an @abstract name; not notifying systemd'

# 3. Detached (path socket): MAINPID= is the kernel's pid, which the unit keeps.
start_sink "$WORK/notify.sock" "$WORK/bg.notify"
on_exit "stop_guest_of bg"
NOTIFY_SOCKET="$WORK/notify.sock" bridge_run bg --detach --pidfile "$WORK/bg.pid" --timeout 60 -- \
  "$UML_KERNEL" mem=64M "ubd0=$WORK/root.img" root=/dev/ubda rw init=/init
assert_eq "$BRIDGE_STATUS" 0 "detached run"
wait "$SINK_PID" || fail "notify_sink got no READY=1 (detached)"
assert_contains "$WORK/bg.notify" "^MAINPID=$(cat "$WORK/bg.pid")$"
kill -0 "$(cat "$WORK/bg.pid")" || fail "the detached guest is not running"

assert_not_contains "$WORK/bg.log" "notify systemd"

# A pidfile that cannot be written: exit 2, and the guest (which a script could not
# find) is stopped rather than left running.
busybox_image "$WORK/nopid.img" --after "$WORK/linger.sh"
on_exit "stop_guest_of nopid"
bridge_run nopid --detach --pidfile "$WORK/no/such/dir/pid" --timeout 60 -- \
  "$UML_KERNEL" mem=64M "ubd0=$WORK/nopid.img" root=/dev/ubda rw init=/init
assert_eq "$BRIDGE_STATUS" 2 "detached run whose pidfile cannot be written"
assert_contains "$WORK/nopid.log" "cannot write the pidfile $WORK/no/such/dir/pid: .*; stopping the guest"
guest_alive nopid && fail "the guest whose pidfile could not be written is still running"

# 4. `systemctl stop` (SIGTERM to the bridge, KillMode=mixed): STOPPING=1 goes out and
#    the bridge halts its guest, which lingers 600 s otherwise.
printf 'sleep 600\n' > "$WORK/stay.sh"
busybox_image "$WORK/stay.img" --after "$WORK/stay.sh"
start_sink "@umla-e2e-stop-$$" "$WORK/stop.notify" STOPPING=1
NOTIFY_SOCKET="@umla-e2e-stop-$$" "$UML_BRIDGE" run --timeout 60 --console-log "$WORK/stop.console.log" -- \
  "$UML_KERNEL" mem=64M "ubd0=$WORK/stay.img" root=/dev/ubda rw init=/init 2>"$WORK/stop.log" &
bridge=$!
on_exit "stop_guest_of stop"
i=0
until grep -q '^READY=1' "$WORK/stop.notify"; do
  i=$((i + 1)); [ $i -lt 600 ] || fail "no READY=1 from the lingering guest"; sleep 0.1
done
kill -TERM "$bridge"
set +e; wait "$bridge"; status=$?; set -e
assert_eq "$status" 0 "exit status of a ready guest's bridge stopped by SIGTERM"
wait "$SINK_PID" || fail "notify_sink got no STOPPING=1"
assert_contains "$WORK/stop.log" "interrupted by Terminated; stopping the guest"
guest_alive stop && fail "the guest is still running after the bridge stopped"
true
