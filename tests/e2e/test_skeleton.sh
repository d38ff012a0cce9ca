#!/bin/sh
# Walking skeleton: a busybox guest whose boot script runs the static agent reports
# ready to `uml-bridge run` over the default console line; exit codes 0, 1, 2, 3, 4
# and 143 (SIGTERM).
. "$(dirname "$0")/lib.sh"
e2e_begin skeleton

file "$UML_AGENT" | grep -q "statically linked" || fail "uml-agent is not statically linked"

# 1. Ready: exit 0, hello then ready, ready lists every step as ok.
printf 'dmesg | grep "uml-agent" | sed "s/^/kmsg: /"\n' > "$WORK/kmsg.sh"
busybox_image "$WORK/root.img" --after "$WORK/kmsg.sh"
bridge_run ready --timeout 60 -- "$UML_KERNEL" mem=64M "ubd0=$WORK/root.img" root=/dev/ubda rw init=/init \
  uml_agent.hostfs.mountpont=/typo
assert_eq "$BRIDGE_STATUS" 0 "bridge exit status for a ready guest"
head -n 1 "$WORK/ready.json" | grep -q '"type":"hello"' || fail "first event is not hello"
assert_contains "$WORK/ready.json" '"kernel":"6\.'
assert_contains "$WORK/ready.json" '"mode":"boot"'
ready=$(ready_event ready)
echo "$ready" | grep -q '"ok":true' || fail "ready event not ok: $ready"
assert_contains "$WORK/ready.log" "kernel up"
assert_contains "$WORK/ready.log" "ready: every step ok"
assert_contains "$WORK/ready.console.log" "uml-agent boot exited with 0"
assert_not_contains "$WORK/ready.console.log" "epollctl add err"
assert_contains "$WORK/ready.console.log" "setting hostfs.mountpont (from kernel command line) is not a key any step reads"
# The agent logs to the kernel log too (early boot has no syslog).
assert_contains "$WORK/ready.console.log" "kmsg: .*uml-agent: reporting on /dev/tty7"
assert_contains "$WORK/ready.console.log" "kmsg: .*uml-agent: ready after"

# 2. The guest dies before the agent runs: exit 4, with the console's last lines.
printf 'echo "about to die before the agent"\npoweroff -f\n' > "$WORK/die.sh"
busybox_image "$WORK/die.img" --before "$WORK/die.sh"
bridge_run die --timeout 60 -- "$UML_KERNEL" mem=64M "ubd0=$WORK/die.img" root=/dev/ubda rw init=/init
assert_eq "$BRIDGE_STATUS" 4 "bridge exit status when the guest dies before ready"
assert_contains "$WORK/die.log" "before agent"
assert_contains "$WORK/die.log" "about to die before the agent"
# Detached, the guest writes its console log itself (appending): the bridge quotes
# this guest's lines from it, not an earlier guest's.
echo "a line an earlier guest wrote" > "$WORK/diedetached.console.log"
bridge_run diedetached --detach --timeout 60 -- "$UML_KERNEL" mem=64M "ubd0=$WORK/die.img" root=/dev/ubda rw init=/init
assert_eq "$BRIDGE_STATUS" 4 "bridge exit status when a detached guest dies before ready"
assert_contains "$WORK/diedetached.log" "about to die before the agent"
assert_not_contains "$WORK/diedetached.log" "a line an earlier guest wrote"

# 3. The agent never runs: exit 3 after the timeout, the guest is stopped, and the
#    message names the stage that never came. The user's uml_dir= moves the kernel's
#    mconsole socket: the bridge finds it there (kernel up, and the halt goes to it).
printf 'sleep 600\n' > "$WORK/hang.sh"
busybox_image "$WORK/hang.img" --before "$WORK/hang.sh"
on_exit "stop_guest_of hang"
mkdir -p "$WORK/umldir"
bridge_run hang --timeout 10 -- "$UML_KERNEL" mem=64M "ubd0=$WORK/hang.img" root=/dev/ubda rw init=/init \
  "uml_dir=$WORK/umldir"
assert_eq "$BRIDGE_STATUS" 3 "bridge exit status on timeout"
assert_contains "$WORK/hang.log" "no agent yet"
assert_contains "$WORK/hang.log" "kernel up (mconsole $WORK/umldir/umla-"
assert_not_contains "$WORK/hang.log" "ignored the guest's mconsole socket"
if guest_alive hang; then fail "the timed-out guest is still running"; fi

# 3b. The bridge is sent SIGTERM while it waits (the same hanging guest, so ready never
#     comes first): exit 128+15, and the bridge stops its guest before it goes.
on_exit "stop_guest_of term"
"$UML_BRIDGE" run --json --console-log "$WORK/term.console.log" --timeout 120 -- "$UML_KERNEL" \
  mem=64M "ubd0=$WORK/hang.img" root=/dev/ubda rw init=/init "uml_dir=$WORK/umldir" \
  >"$WORK/term.json" 2>"$WORK/term.log" &
term_bridge=$!
on_exit "kill -KILL $term_bridge"
i=0
until grep -q "kernel up" "$WORK/term.log"; do
  i=$((i + 1))
  [ "$i" -le 900 ] || fail "the SIGTERM case: no kernel up within 90 s"
  kill -0 "$term_bridge" 2>/dev/null || fail "the SIGTERM case: the bridge ended before kernel up"
  sleep 0.1
done
kill -TERM "$term_bridge"
term_status=0
wait "$term_bridge" || term_status=$?
assert_eq "$term_status" 143 "bridge exit status on SIGTERM"
assert_contains "$WORK/term.log" "interrupted by Terminated; stopping the guest"
[ -n "$(guest_pid term)" ] || fail "the SIGTERM case: the bridge did not say which guest it started"
if guest_alive term; then fail "the guest of the bridge sent SIGTERM is still running"; fi

# 4. A guest that fails a step is ready with exit 1 (a broken config file).
printf '{ "channel": \n' > "$WORK/broken.json"
busybox_image "$WORK/broken.img" --add "$WORK/broken.json=/etc/uml-agent/config.json"
bridge_run broken --timeout 60 -- "$UML_KERNEL" mem=64M "ubd0=$WORK/broken.img" root=/dev/ubda rw init=/init
assert_eq "$BRIDGE_STATUS" 1 "bridge exit status when a step failed"
assert_contains "$WORK/broken.json" '/etc/uml-agent/config.json:2: not valid JSON'

# 4b. A step that crashes under `uml-agent boot` (an init script): the guarded child
#     dies, the crash is that step's failure, every step before it keeps its result,
#     ready still comes, from the waiting process, and the boot goes on.
bridge_run crash --timeout 60 -- "$UML_KERNEL" mem=64M "ubd0=$WORK/root.img" root=/dev/ubda rw \
  init=/init uml_agent.debug.crash_step=abort
assert_eq "$BRIDGE_STATUS" 1 "bridge exit status with a crashing step"
crash=$(ready_event crash)
echo "$crash" | grep -q '"name":"debug-crash".*killed by signal 6' || fail "crash not reported: $crash"
echo "$crash" | grep -q '"name":"devnodes","status":"ok"' || fail "steps before the crash lost: $crash"
[ "$(grep -c '"type":"hello"' "$WORK/crash.json")" = 1 ] || fail "not exactly one hello: $(cat "$WORK/crash.json")"
assert_contains "$WORK/crash.console.log" "uml-agent boot exited with 1"

# 4b. Another console line for the agent (--line 5): the bridge wires con5 and tells the
#     agent (uml_agent.channel=/dev/tty5); ready comes over it.
bridge_run line5 --line 5 --timeout 60 -- "$UML_KERNEL" mem=64M "ubd0=$WORK/root.img" root=/dev/ubda rw init=/init
assert_eq "$BRIDGE_STATUS" 0 "bridge exit status with --line 5"
ready_event line5 | grep -q '"ok":true' || fail "no ready over line 5: $(cat "$WORK/line5.json")"
assert_contains "$WORK/line5.console.log" "reporting on /dev/tty5"

# 5. Host faults: a kernel that is missing or not executable is a usage error (2).
bridge_run nokernel -- "$WORK/no-such-kernel" mem=64M
assert_eq "$BRIDGE_STATUS" 2 "missing kernel"
assert_contains "$WORK/nokernel.log" "no-such-kernel: No such file or directory"
# --quiet leaves out progress, not the reason for the exit status.
bridge_run quietfault --quiet -- "$WORK/no-such-kernel" mem=64M
assert_eq "$BRIDGE_STATUS" 2 "missing kernel, --quiet"
assert_contains "$WORK/quietfault.log" "no-such-kernel: No such file or directory"
printf '#!/bin/sh\n' > "$WORK/not-executable"
bridge_run noexec -- "$WORK/not-executable" mem=64M
assert_eq "$BRIDGE_STATUS" 2 "kernel not executable"
assert_contains "$WORK/noexec.log" "not an executable file"
bridge_run usage --timeout -5 -- "$UML_KERNEL"
assert_eq "$BRIDGE_STATUS" 2 "bad --timeout"

# 6. Never block the boot from an init script either: a step that hangs (test hook) is
#    killed after init.timeout_ms (and channel.timeout_ms, the time it may wait on the
#    line), reported as failed, and the boot script goes on.
bridge_run hangstep --timeout 60 -- "$UML_KERNEL" mem=64M "ubd0=$WORK/root.img" root=/dev/ubda rw \
  init=/init uml_agent.debug.crash_step=hang uml_agent.init.timeout_ms=2000 \
  uml_agent.channel.timeout_ms=1000
assert_eq "$BRIDGE_STATUS" 1 "a hanging step is a failed step"
ready_event hangstep | grep -q '"name":"debug-crash".*still running after 3000 ms' ||
  fail "hanging step not reported: $(ready_event hangstep)"
assert_contains "$WORK/hangstep.console.log" "uml-agent boot exited with 1"
