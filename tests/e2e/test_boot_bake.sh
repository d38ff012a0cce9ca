#!/bin/sh
# Baking a root directory: a busybox tree (busybox init, /etc/inittab, no agent) gets
# the agent and the busybox integration (inittab sysinit + once lines) from
# `uml-bridge bake --init auto`; the image made from it reaches ready without any
# kernel argument; baking again changes nothing; --uninstall gives back the original
# tree exactly (paths, modes, sizes, link targets and contents). Then `--init wrapper`:
# the image asks for init=/sbin/uml-agent, which `run` adds unless --no-image-args.
. "$(dirname "$0")/lib.sh"
e2e_begin boot_bake
probe=$(probe_dir)

# The image's own sysinit mounts a tmpfs on /run, as Buildroot's `mount -a` does, after
# the fixups (whose line bake puts first) kept their state there: the late `ready`
# must find it below that mount, or it would report the fixups as missing.
cat > "$WORK/inittab" <<INITTAB
::sysinit:/bin/mount -t hostfs none /mnt -o $probe
::sysinit:/bin/mount -t tmpfs tmpfs /run
::once:/bin/sh /etc/e2e/observe
INITTAB
cat > "$WORK/observe" <<'OBSERVE'
i=0
while [ ! -f /run/uml-agent/last-run.json ] && [ $i -lt 100 ]; do sleep 0.2; i=$((i+1)); done
/sbin/uml-agent status > /mnt/status 2>&1
/sbin/uml-agent status --json > /mnt/status.json 2>&1; echo "exit $?" > /mnt/status.json.exit
poweroff -f
OBSERVE
# A tree without the agent: the image builder's staging directory, agent removed.
busybox_image "$WORK/unused.img" --no-init --stage "$WORK/root" \
  --add "$WORK/inittab=/etc/inittab" --add "$WORK/observe=/etc/e2e/observe"
rm "$WORK/root/sbin/uml-agent"
listing() { (cd "$1" && find . -printf '%p %m %s %l\n' | sort && find . -type f -exec md5sum {} + | sort); }
listing "$WORK/root" > "$WORK/before.list"

"$UML_BRIDGE" bake --rootfs "$WORK/root" --agent "$UML_AGENT" > "$WORK/bake.log" 2>&1 || fail "bake: $(cat "$WORK/bake.log")"
assert_contains "$WORK/bake.log" "detected init system: busybox"
assert_contains "$WORK/bake.log" "+ /sbin/uml-agent"
assert_contains "$WORK/bake.log" "~ /etc/inittab"
assert_not_contains "$WORK/bake.log" "kernel arguments this image needs"
grep -q '^::sysinit:/sbin/uml-agent boot --phase fixups$' "$WORK/root/etc/inittab" || fail "no sysinit line"
[ "$(head -n 1 "$WORK/root/etc/inittab")" = "::sysinit:/sbin/uml-agent boot --phase fixups" ] ||
  fail "the agent's sysinit line is not the first one"
# Without --agent, bake takes the agent of uml-bridge's own build tree, and says so.
"$UML_BRIDGE" bake --rootfs "$WORK/root" > "$WORK/bake2.log" 2>&1 || fail "bake again: $(cat "$WORK/bake2.log")"
picked=$(sed -n 's/^agent binary: //p' "$WORK/bake2.log")
assert_eq "$(readlink -f "$picked")" "$(readlink -f "$UML_AGENT")" "the agent bake picked by itself"
if grep -q '^[+~-] ' "$WORK/bake2.log"; then fail "the second bake changed something: $(cat "$WORK/bake2.log")"; fi

mke2fs -q -F -t ext4 -d "$WORK/root" "$WORK/baked.img" 64M >/dev/null 2>&1
bridge_run baked --timeout 60 -- "$UML_KERNEL" mem=64M "ubd0=$WORK/baked.img" root=/dev/ubda rw
assert_eq "$BRIDGE_STATUS" 0 "bridge exit status for the baked busybox image"
assert_contains "$WORK/baked.json" '"mode":"boot"'
ready_event baked | grep -q '"ok":true' || fail "ready not ok: $(ready_event baked)"
ready_event baked | grep -q '"name":"devnodes","status":"ok"' ||
  fail "the fixups' steps are not in ready: $(ready_event baked)"
[ "$(grep -c '"type":"hello"' "$WORK/baked.json")" = 1 ] || fail "not exactly one hello: $(cat "$WORK/baked.json")"
assert_contains "$WORK/baked.console.log" "hidden by a filesystem mounted after the fixups ran"
assert_contains "$probe/status" "last run: ok"
assert_contains "$probe/status.json" '"ok": true'
assert_contains "$probe/status.json" '"name": "devnodes"'
assert_eq "$(cat "$probe/status.json.exit")" "exit 0" "uml-agent status --json exit status"

"$UML_BRIDGE" bake --rootfs "$WORK/root" --uninstall > "$WORK/undo.log" 2>&1 || fail "uninstall: $(cat "$WORK/undo.log")"
assert_contains "$WORK/undo.log" "~ /etc/inittab (restored)"
listing "$WORK/root" > "$WORK/after.list"
diff "$WORK/before.list" "$WORK/after.list" > "$WORK/undo.diff" || fail "uninstall left differences: $(head -20 "$WORK/undo.diff")"
set +e
"$UML_BRIDGE" bake --rootfs "$WORK/root" --uninstall > "$WORK/undo2.log" 2>&1
assert_eq "$?" 1 "uninstall without a manifest"
set -e

# `bake --init wrapper`: only the PID-1 wrapper, recorded as a kernel argument the image
# asks for; `run` adds it (the agent reports mode "init"), and with --no-image-args it
# does not (no agent runs: the wait times out with 3).
"$UML_BRIDGE" bake --rootfs "$WORK/root" --agent "$UML_AGENT" --init wrapper > "$WORK/wrap.log" 2>&1 ||
  fail "bake --init wrapper: $(cat "$WORK/wrap.log")"
assert_contains "$WORK/wrap.log" "init=/sbin/uml-agent"
cmp -s "$WORK/inittab" "$WORK/root/etc/inittab" ||
  fail "--init wrapper changed the inittab: $(diff "$WORK/inittab" "$WORK/root/etc/inittab" | head -n 5)"
mke2fs -q -F -t ext4 -d "$WORK/root" "$WORK/wrapper.img" 64M >/dev/null 2>&1
rm -f "$probe/status"
bridge_run wrapped --timeout 60 -- "$UML_KERNEL" mem=64M "ubd0=$WORK/wrapper.img" root=/dev/ubda rw
assert_eq "$BRIDGE_STATUS" 0 "bridge exit status for the wrapper-baked image"
assert_contains "$WORK/wrapped.log" "the image asks for kernel argument init=/sbin/uml-agent"
assert_contains "$WORK/wrapped.json" '"mode":"init"'
bridge_run noargs --timeout 10 --no-image-args -- "$UML_KERNEL" mem=64M "ubd0=$WORK/wrapper.img" root=/dev/ubda rw
assert_eq "$BRIDGE_STATUS" 3 "bridge exit status without the image's kernel arguments"
assert_not_contains "$WORK/noargs.log" "the image asks for kernel argument"
assert_not_contains "$WORK/noargs.console.log" "init=/sbin/uml-agent"
