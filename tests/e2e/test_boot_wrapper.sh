#!/bin/sh
# PID-1 wrapper: a busybox image (busybox init: /sbin/init -> busybox, /etc/inittab)
# booted with init=/sbin/uml-agent reaches ready and the real init runs with the
# kernel's init arguments; a broken config, a step that aborts and a step that hangs
# still reach the real init and a ready event naming the failure; a TCP readiness
# gate holds only once the real init started a listener; the host's module tree is
# mounted read-only at /lib/modules/$(uname -r); a root mounted `ro` is writable for
# the fixups and read-only again for the real init.
. "$(dirname "$0")/lib.sh"
e2e_begin boot_wrapper
probe=$(probe_dir)

# The real init's work: note that it ran (with its arguments), what the agent left,
# then power off once the agent kept its report (it does so once ready was sent).
cat > "$WORK/inittab" <<INITTAB
::sysinit:/bin/mount -t hostfs none /mnt -o $probe
::sysinit:/bin/sh -c 'echo "real init ran" > /mnt/\$(cat /etc/e2e/name).init'
::once:/bin/sh /etc/e2e/observe
INITTAB
cat > "$WORK/observe" <<'OBSERVE'
name=$(cat /etc/e2e/name)
[ -f /etc/e2e/listen ] && { busybox nc -l -p 2222 -e /bin/true & }
i=0
while [ ! -s /run/uml-agent/last-run.json ] && [ $i -lt 100 ]; do
  sleep 0.2; i=$((i+1))
done
/sbin/uml-agent status > /mnt/$name.status 2>&1
echo "status exit $?" >> /mnt/$name.status
grep " /lib/modules/" /proc/mounts > /mnt/$name.mounts
grep "^/dev/root / " /proc/mounts > /mnt/$name.root
cp /etc/fstab /mnt/$name.fstab
ls /lib/modules/$(uname -r)/kernel > /mnt/$name.modules 2>&1
poweroff -f
OBSERVE

# An init that notes the arguments it got, then runs busybox init (which hides them).
cat > "$WORK/e2e-init" <<E2EINIT
#!/bin/sh
mount -t hostfs none /mnt -o $probe && echo "e2e-init: \$0 \$*" > /mnt/args && umount /mnt
exec /sbin/init "\$@"
E2EINIT
chmod 0755 "$WORK/e2e-init"

# boot_case NAME [image options...] -- [kernel args...]
boot_case() {
  name=$1
  shift
  echo "$name" > "$WORK/$name.name"
  busybox_image "$WORK/$name.img" --no-init --add "$WORK/inittab=/etc/inittab" \
    --add "$WORK/observe=/etc/e2e/observe" --add "$WORK/$name.name=/etc/e2e/name" \
    --add "$WORK/e2e-init=/sbin/e2e-init" "$@"
}

# 1. The wrapper: ready, then the configured init runs with the kernel's init arguments.
boot_case plain
bridge_run plain --timeout 60 -- "$UML_KERNEL" mem=64M "ubd0=$WORK/plain.img" root=/dev/ubda rw \
  init=/sbin/uml-agent uml_agent.init.exec=/sbin/e2e-init -- extra-arg
assert_eq "$BRIDGE_STATUS" 0 "bridge exit status for the wrapper"
assert_contains "$WORK/plain.json" '"mode":"init"'
ready_event plain | grep -q '"ok":true' || fail "wrapper ready not ok: $(ready_event plain)"
assert_contains "$probe/args" "e2e-init: /sbin/e2e-init extra-arg"
assert_contains "$probe/plain.init" "real init ran"
assert_contains "$probe/plain.status" "last run: ok"
assert_contains "$probe/plain.status" "status exit 0"
assert_contains "$probe/plain.mounts" "hostfs ro,"
assert_contains "$probe/plain.modules" "fs"
ready_event plain | grep -q '+ mount hostfs:/usr/lib/uml/modules/' || fail "no modules mount in the ready event"

# 2. A broken config file: the real init still runs; ready names the file and line.
printf '{ "init": { "exec": \n' > "$WORK/broken.json"
boot_case broken --add "$WORK/broken.json=/etc/uml-agent/config.json"
bridge_run broken --timeout 60 -- "$UML_KERNEL" mem=64M "ubd0=$WORK/broken.img" root=/dev/ubda rw init=/sbin/uml-agent
assert_eq "$BRIDGE_STATUS" 1 "bridge exit status with a broken config"
assert_contains "$WORK/broken.json" '/etc/uml-agent/config.json:2: not valid JSON'
assert_contains "$probe/broken.init" "real init ran"

# 3. A step that aborts (test hook debug.crash_step): the wrapper survives, reports the
#    crash as that step's failure and execs the real init.
boot_case crash
bridge_run crash --timeout 60 -- "$UML_KERNEL" mem=64M "ubd0=$WORK/crash.img" root=/dev/ubda rw \
  init=/sbin/uml-agent uml_agent.debug.crash_step=abort
assert_eq "$BRIDGE_STATUS" 1 "bridge exit status with a crashing step"
ready_event crash | grep -q '"name":"debug-crash".*killed by signal 6' || fail "crash not reported: $(ready_event crash)"
ready_event crash | grep -q '"name":"modules","status":"ok"' || fail "steps before the crash lost: $(ready_event crash)"
assert_contains "$probe/crash.init" "real init ran"
assert_contains "$probe/crash.status" "debug-crash: failed"

# 4. A step that hangs: killed after init.timeout_ms plus channel.timeout_ms (2000 by
#    default); a configured init that does not exist falls back to /sbin/init.
boot_case hang
bridge_run hang --timeout 60 -- "$UML_KERNEL" mem=64M "ubd0=$WORK/hang.img" root=/dev/ubda rw \
  init=/sbin/uml-agent uml_agent.debug.crash_step=hang uml_agent.init.timeout_ms=3000 \
  uml_agent.init.exec=/sbin/no-such-init
assert_eq "$BRIDGE_STATUS" 1 "bridge exit status with a hanging step"
ready_event hang | grep -q 'still running after 5000 ms' || fail "hang not reported: $(ready_event hang)"
assert_contains "$probe/hang.init" "real init ran"
assert_contains "$WORK/hang.console.log" "falling back to /sbin/init"

# 5. A TCP gate: ready only once the real init started a listener on port 2222.
printf 'yes\n' > "$WORK/listen"
boot_case gate --add "$WORK/listen=/etc/e2e/listen"
bridge_run gate --timeout 60 -- "$UML_KERNEL" mem=64M "ubd0=$WORK/gate.img" root=/dev/ubda rw \
  init=/sbin/uml-agent uml_agent.ready.tcp=2222 uml_agent.ready.timeout_ms=20000
assert_eq "$BRIDGE_STATUS" 0 "bridge exit status with a TCP gate"
ready_event gate | grep -q '"name":"gate:tcp:2222","status":"ok"' || fail "gate not ok: $(ready_event gate)"

# 6. Gates that never hold (a file never made; a TCP port nothing listens on: this
#    image starts no listener): ready after the timeout, failed, naming each gate.
boot_case nogate
bridge_run nogate --timeout 60 -- "$UML_KERNEL" mem=64M "ubd0=$WORK/nogate.img" root=/dev/ubda rw \
  init=/sbin/uml-agent uml_agent.ready.file=/run/never uml_agent.ready.tcp=2223 \
  uml_agent.ready.timeout_ms=1500
assert_eq "$BRIDGE_STATUS" 1 "bridge exit status with gates that never hold"
ready_event nogate | grep -q '"name":"gate:file:/run/never","reason":"did not hold within 1500 ms[^}]*"status":"failed"' ||
  fail "file gate failure not reported: $(ready_event nogate)"
ready_event nogate | grep -q '"name":"gate:tcp:2223","reason":"did not hold within 1500 ms[^}]*"status":"failed"' ||
  fail "TCP gate failure not reported: $(ready_event nogate)"

# 7. Booted with `ro`: the fixups still write (the wrapper remounts / read-write for
#    them) and the real init gets the root read-only, as the kernel mounted it.
boot_case readonly
bridge_run readonly --timeout 60 -- "$UML_KERNEL" mem=64M "ubd0=$WORK/readonly.img" root=/dev/ubda ro \
  init=/sbin/uml-agent
assert_eq "$BRIDGE_STATUS" 0 "bridge exit status for a read-only root"
# What the real init finds: the module tree mounted (on a directory the agent may have
# had to make), the fstab the agent wrote on the root, and the root read-only again.
assert_contains "$probe/readonly.mounts" " /lib/modules/[^ ]* hostfs ro,"
assert_contains "$probe/readonly.fstab" '^none /mnt/host hostfs defaults 0 0$'
assert_contains "$probe/readonly.root" " ro,"
assert_contains "$probe/plain.root" " rw,"
