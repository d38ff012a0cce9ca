#!/bin/sh
# `uml-bridge wait` on guests started by a script of the user's own: over a FIFO, over a
# pts named by path, and over a pts found through the guest's umid; exit 4 when the
# guest goes before ready (also a guest named by umid), 3 on timeout, 2 for a bad channel,
# 1 when a guest is ready but one of its agent's steps failed (alone, and beside a fine
# guest), naming the step and the reason.
. "$(dirname "$0")/lib.sh"
e2e_begin wait

# The guests stay up a while after ready, so that a wait that finds a pts through the
# guest's umid (polling mconsole) cannot miss a loaded machine's short window.
printf 'sleep 8\n' > "$WORK/linger.sh"
busybox_image "$WORK/root.img" --after "$WORK/linger.sh"
boot="mem=64M ubd0=$WORK/root.img root=/dev/ubda rw init=/init"

# 1. FIFO: the start script opens it read-write, so starting never blocks.
mkfifo "$WORK/agent.fifo"
start_guest fifo $boot con=null con0=fd:0,fd:1 con7=null,fd:3 3<>"$WORK/agent.fifo"
bridge_wait fifo --channel "fifo:$WORK/agent.fifo" --timeout 60
assert_eq "$BRIDGE_STATUS" 0 "wait over a FIFO"
assert_contains "$WORK/fifo.json" '"type":"ready"'
wait_exit "$GUEST_PID" 30 || fail "fifo guest did not power off"

# 2. pts by path: the path is what the kernel prints when the guest opens the line.
start_guest ptspath $boot umid=e2e-pts-$$ con=null con0=fd:0,fd:1 con7=pts
i=0
until grep -q "Virtual console 7 assigned device" "$WORK/ptspath.console.log"; do
  i=$((i + 1)); [ "$i" -lt 300 ] || fail "the guest never opened its line"; sleep 0.1
done
pts=$(sed -n "s/.*Virtual console 7 assigned device '\(.*\)'.*/\1/p" "$WORK/ptspath.console.log")
bridge_wait ptspath --channel "pts:$pts" --timeout 60
assert_eq "$BRIDGE_STATUS" 0 "wait over pts:$pts"
wait_exit "$GUEST_PID" 30 || fail "pts guest did not power off"

# 3. pts found by umid (the wait starts before the kernel even exists).
setsid sh -c 'sleep 1; exec "$0" "$@"' "$UML_KERNEL" $boot umid=e2e-umid-$$ con=null con7=pts \
  </dev/null >"$WORK/umid.console.log" 2>&1 &
starter=$!
on_exit "kill_guest_group $starter $(proc_start $starter)"
bridge_wait umid --channel "umid:e2e-umid-$$" --timeout 60
assert_eq "$BRIDGE_STATUS" 0 "wait by umid"
assert_contains "$WORK/umid.json" '"type":"hello"'
wait_exit "$starter" 30 || fail "umid guest did not power off"

# 4. The guest powers off before the agent: the FIFO closes, exit 4.
printf 'poweroff -f\n' > "$WORK/die.sh"
busybox_image "$WORK/die.img" --before "$WORK/die.sh"
rm -f "$WORK/agent.fifo" && mkfifo "$WORK/agent.fifo"
start_guest die mem=64M "ubd0=$WORK/die.img" root=/dev/ubda rw init=/init con=null con7=null,fd:3 3<>"$WORK/agent.fifo"
bridge_wait die --channel "fifo:$WORK/agent.fifo" --timeout 60
assert_eq "$BRIDGE_STATUS" 4 "wait when the guest dies first"
assert_contains "$WORK/die.log" "channel closed before"

# 5. Nobody ever writes: exit 3; a malformed channel: exit 2.
rm -f "$WORK/agent.fifo" && mkfifo "$WORK/agent.fifo"
bridge_wait quiet --channel "fifo:$WORK/agent.fifo" --timeout 2
assert_eq "$BRIDGE_STATUS" 3 "wait timeout"
bridge_wait bad --channel "serial:/dev/ttyS0"
assert_eq "$BRIDGE_STATUS" 2 "bad channel spec"
assert_contains "$WORK/bad.log" "unknown kind"
bridge_wait notfifo --channel "fifo:$WORK/root.img" --timeout 2
assert_eq "$BRIDGE_STATUS" 2 "fifo that is not a FIFO"

# 6. Several guests, one wait: every one ready -> 0; one of them dies first -> 4.
#    (Each guest needs an image of its own: UML locks a ubd file it has open.)
cp "$WORK/root.img" "$WORK/a.img"
cp "$WORK/root.img" "$WORK/b.img"
boot_a="mem=64M ubd0=$WORK/a.img root=/dev/ubda rw init=/init"
boot_b="mem=64M ubd0=$WORK/b.img root=/dev/ubda rw init=/init"
rm -f "$WORK/a.fifo" "$WORK/b.fifo" && mkfifo "$WORK/a.fifo" "$WORK/b.fifo"
start_guest multi-a $boot_a con=null con0=fd:0,fd:1 con7=null,fd:3 3<>"$WORK/a.fifo"
pid_a=$GUEST_PID
start_guest multi-b $boot_b con=null con0=fd:0,fd:1 con7=null,fd:3 3<>"$WORK/b.fifo"
pid_b=$GUEST_PID
bridge_wait multi --channel "fifo:$WORK/a.fifo" --channel "fifo:$WORK/b.fifo" --timeout 60
assert_eq "$BRIDGE_STATUS" 0 "wait for two guests"
assert_eq "$(grep -c '"type":"ready"' "$WORK/multi.json")" 2 "ready events for two guests"
assert_contains "$WORK/multi.json" "\"guest\":\"$WORK/b.fifo\""
wait_exit "$pid_a" 30 && wait_exit "$pid_b" 30 || fail "the two guests did not power off"
rm -f "$WORK/a.fifo" "$WORK/b.fifo" && mkfifo "$WORK/a.fifo" "$WORK/b.fifo"
start_guest mixed-a $boot_a con=null con0=fd:0,fd:1 con7=null,fd:3 3<>"$WORK/a.fifo"
start_guest mixed-b mem=64M "ubd0=$WORK/die.img" root=/dev/ubda rw init=/init con=null con7=null,fd:3 3<>"$WORK/b.fifo"
bridge_wait mixed --channel "fifo:$WORK/a.fifo" --channel "fifo:$WORK/b.fifo" --timeout 60
assert_eq "$BRIDGE_STATUS" 4 "one of two guests died first"
assert_eq "$(grep -c '"type":"ready"' "$WORK/mixed.json")" 1 "the other guest still reported ready"

# 7. Guests named by umid that power off before ready: once their mconsole has answered,
#    the wait gives up as soon as nobody listens there (the guest never opened its line)
#    or the line it opened hangs up, and exits 4 long before its timeout.
#    start_umid_guest NAME IMAGE: the kernel starts a second after the wait does.
start_umid_guest() {
  setsid sh -c 'sleep 1; exec "$0" "$@"' "$UML_KERNEL" mem=64M "ubd0=$2" root=/dev/ubda rw \
    init=/init umid=$1 con=null con7=pts </dev/null >"$WORK/$1.console.log" 2>&1 &
  GUEST_PID=$!
  on_exit "kill_guest_group $GUEST_PID $(proc_start $GUEST_PID)"
}
# timed_wait NAME [wait options...]: bridge_wait, and the seconds it took in ELAPSED.
timed_wait() {
  started=$(date +%s)
  bridge_wait "$@"
  ELAPSED=$(($(date +%s) - started))
  echo "wait $1: exit $BRIDGE_STATUS after ${ELAPSED} s"
}
printf 'sleep 3\npoweroff -f\n' > "$WORK/late-die.sh"
busybox_image "$WORK/late-die.img" --before "$WORK/late-die.sh"
gone=e2e-gone-$$
start_umid_guest "$gone" "$WORK/late-die.img"
timed_wait gone --channel "umid:$gone" --timeout 60
assert_eq "$BRIDGE_STATUS" 4 "wait by umid when the guest powers off before opening its line"
assert_contains "$WORK/gone.log" "umid:$gone: the guest is gone before ready"
[ "$ELAPSED" -lt 40 ] || fail "the wait for a gone guest took $ELAPSED s"
wait_exit "$GUEST_PID" 30 || fail "the gone guest did not power off"

printf 'exec 3<>/dev/tty7\nsleep 3\npoweroff -f\n' > "$WORK/hangup.sh"
busybox_image "$WORK/hangup.img" --before "$WORK/hangup.sh"
hangup=e2e-hangup-$$
start_umid_guest "$hangup" "$WORK/hangup.img"
timed_wait hangup --channel "umid:$hangup" --timeout 60
assert_eq "$BRIDGE_STATUS" 4 "wait by umid when the guest powers off with its line open"
assert_contains "$WORK/hangup.log" "umid:$hangup: the channel closed before"
[ "$ELAPSED" -lt 40 ] || fail "the wait for a hung-up guest took $ELAPSED s"
wait_exit "$GUEST_PID" 30 || fail "the hung-up guest did not power off"

# Two guests by umid, one of which powers off first: 4, and the other still reports ready.
cp "$WORK/root.img" "$WORK/c.img"
live=e2e-live-$$
start_umid_guest "$live" "$WORK/c.img"
start_umid_guest "$gone" "$WORK/late-die.img"
timed_wait pair --channel "umid:$live" --channel "umid:$gone" --timeout 60
assert_eq "$BRIDGE_STATUS" 4 "two guests by umid, one gone before ready"
assert_eq "$(grep -c '"type":"ready"' "$WORK/pair.json")" 1 "the live guest still reported ready"
assert_contains "$WORK/pair.json" "\"guest\":\"$live\""
assert_contains "$WORK/pair.log" "umid:$gone: the guest is gone before ready"
[ "$ELAPSED" -lt 40 ] || fail "the wait for two guests took $ELAPSED s"

# 8. A guest whose agent reports a failed step: the user's start script has a typo in a
#    setting (a mount point without its leading slash), which fails the fstab step
#    alone. The guest still boots and reports ready; wait exits 1 and says which step
#    failed and why; the other steps are ok. With a second guest that is fine, one wait
#    for both also exits 1 (the worse of 0 and 1), with both ready events.
#    (Images of their own, without the linger: nothing here polls mconsole.)
typo=uml_agent.hostfs.mountpoint=mnt/host
busybox_image "$WORK/quick-a.img"
cp "$WORK/quick-a.img" "$WORK/quick-b.img"
quick_a="mem=64M ubd0=$WORK/quick-a.img root=/dev/ubda rw init=/init"
quick_b="mem=64M ubd0=$WORK/quick-b.img root=/dev/ubda rw init=/init"
rm -f "$WORK/agent.fifo" && mkfifo "$WORK/agent.fifo"
start_guest stepfail $quick_b con=null con0=fd:0,fd:1 con7=null,fd:3 "$typo" 3<>"$WORK/agent.fifo"
bridge_wait stepfail --channel "fifo:$WORK/agent.fifo" --timeout 60
assert_eq "$BRIDGE_STATUS" 1 "wait when a step failed"
assert_contains "$WORK/stepfail.log" 'step fstab failed (0 changes, [0-9]* us): setting hostfs.mountpoint="mnt/host" (from kernel command line): expected an absolute path'
assert_contains "$WORK/stepfail.log" 'ready: SOME STEPS FAILED'
assert_eq "$(grep -c '"type":"ready"' "$WORK/stepfail.json")" 1 "ready events of the guest with a failed step"
ready_event stepfail | grep -q '"ok":false' || fail "ready event claims ok: $(ready_event stepfail)"
assert_eq "$(ready_step_status stepfail fstab)" failed "fstab status with a bad mount point"
assert_eq "$(ready_step_status stepfail devnodes)" ok "devnodes status next to a failed step"
assert_eq "$(ready_step_status stepfail activate)" ok "activate status next to a failed step"
wait_exit "$GUEST_PID" 30 || fail "the guest with a failed step did not power off"
# The boot went on past the agent: its init script saw the agent's own status.
assert_contains "$WORK/stepfail.console.log" "uml-agent boot exited with 1"

rm -f "$WORK/a.fifo" "$WORK/b.fifo" && mkfifo "$WORK/a.fifo" "$WORK/b.fifo"
start_guest okfail-a $quick_a con=null con0=fd:0,fd:1 con7=null,fd:3 3<>"$WORK/a.fifo"
pid_a=$GUEST_PID
start_guest okfail-b $quick_b con=null con0=fd:0,fd:1 con7=null,fd:3 "$typo" 3<>"$WORK/b.fifo"
pid_b=$GUEST_PID
bridge_wait okfail --channel "fifo:$WORK/a.fifo" --channel "fifo:$WORK/b.fifo" --timeout 60
assert_eq "$BRIDGE_STATUS" 1 "wait for a fine guest and one with a failed step"
assert_eq "$(grep -c '"type":"ready"' "$WORK/okfail.json")" 2 "ready events of the two guests"
grep '"type":"ready"' "$WORK/okfail.json" | grep "\"guest\":\"$WORK/a.fifo\"" | grep -q '"ok":true' ||
  fail "the fine guest's ready is not ok: $(grep '"type":"ready"' "$WORK/okfail.json")"
grep '"type":"ready"' "$WORK/okfail.json" | grep "\"guest\":\"$WORK/b.fifo\"" | grep -q '"ok":false' ||
  fail "the failing guest's ready is not marked failed: $(grep '"type":"ready"' "$WORK/okfail.json")"
wait_exit "$pid_a" 30 && wait_exit "$pid_b" 30 || fail "the two guests did not power off"
