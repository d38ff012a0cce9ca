#!/bin/sh
# Preflight of `uml-bridge run`: a root image e2fsck cannot repair, a missing ubd file,
# guest memory on a non-tmpfs directory and in a tmpfs too small for mem=; each refused
# with exit 2 and the kernel never started, and --no-preflight / no --strict go on.
. "$(dirname "$0")/lib.sh"
e2e_begin preflight
# A UML directory (~/.uml) of the test's own: guests other tests run at the same time
# (their memory, their images) must not change what the preflight says here.
export HOME="$WORK/home"
mkdir -p "$HOME"

boot_args() { echo mem=64M "ubd0=$1" root=/dev/ubda rw init=/init; }
not_started() { assert_not_contains "$WORK/$1.log" "started .* as pid" "the kernel was started for $1"; }

busybox_image "$WORK/root.img"

# 1. A clean image: checked with e2fsck -p, the guest boots.
bridge_run clean --timeout 60 -- "$UML_KERNEL" $(boot_args "$WORK/root.img")
assert_eq "$BRIDGE_STATUS" 0 "clean image"
assert_contains "$WORK/clean.log" "preflight: e2fsck -p $WORK/root.img: clean"
assert_contains "$WORK/clean.log" "preflight: guest memory in "
# An image marked "not cleanly unmounted" (as after a host crash): e2fsck -p checks it,
# exits 1, and that is no reason to refuse, even with --strict.
busybox_image "$WORK/dirty.img"
debugfs -w -R "ssv state 0" "$WORK/dirty.img" >/dev/null 2>&1
bridge_run dirty --strict --timeout 60 -- "$UML_KERNEL" $(boot_args "$WORK/dirty.img")
assert_eq "$BRIDGE_STATUS" 0 "an image not cleanly unmounted, with --strict"
assert_contains "$WORK/dirty.log" "preflight: e2fsck -p $WORK/dirty.img corrected the filesystem (exit 1)"
assert_contains "$WORK/dirty.log" "was not cleanly unmounted, check forced"

# 2. A broken filesystem (root inode cleared, marked not clean): e2fsck -p exits 4.
# (A fresh image: one a guest has used holds a journal whose replay would undo this.)
busybox_image "$WORK/broken.img"
debugfs -w -R "clri <2>" "$WORK/broken.img" >/dev/null 2>&1
debugfs -w -R "ssv state 0" "$WORK/broken.img" >/dev/null 2>&1
cp "$WORK/broken.img" "$WORK/broken.copy"
set +e; e2fsck -p "$WORK/broken.copy" >/dev/null 2>&1; direct=$?; set -e
[ "$direct" -gt 1 ] || fail "test setup: e2fsck -p should fail on broken.img, got $direct"
bridge_run broken --timeout 60 -- "$UML_KERNEL" $(boot_args "$WORK/broken.img")
assert_eq "$BRIDGE_STATUS" 2 "broken image"
assert_contains "$WORK/broken.log" "preflight error: e2fsck -p $WORK/broken.img exited with 4"
assert_contains "$WORK/broken.log" "UNEXPECTED INCONSISTENCY"
assert_contains "$WORK/broken.log" "the kernel was not started"
not_started broken

# 3. A missing ubd1 file: refused naming it; --no-preflight starts anyway (UML itself
#    only logs that it cannot open the disk, and the guest boots).
bridge_run missing --timeout 60 -- "$UML_KERNEL" $(boot_args "$WORK/root.img") "ubd1=$WORK/nope.img"
assert_eq "$BRIDGE_STATUS" 2 "missing ubd1 file"
assert_contains "$WORK/missing.log" "preflight error: ubd1 file $WORK/nope.img: No such file or directory"
not_started missing
bridge_run skipped --no-preflight --timeout 60 -- "$UML_KERNEL" $(boot_args "$WORK/root.img") "ubd1=$WORK/nope.img"
assert_eq "$BRIDGE_STATUS" 0 "missing ubd1 with --no-preflight"
assert_not_contains "$WORK/skipped.log" "^uml-bridge: preflight"  # not the path of ~/.uml

# 4. A read-only disk given as ubd1r= may be unwritable; a plain ubd1= of it may not.
truncate -s 8M "$WORK/ro.img"
mkdir -p "$WORK/ro" && mv "$WORK/ro.img" "$WORK/ro/ro.img"
if unshare -m sh -c "mount --bind -o ro '$WORK/ro' '$WORK/ro' && \
    '$UML_BRIDGE' run --json --timeout 60 -- '$UML_KERNEL' mem=64M ubd0=$WORK/root.img root=/dev/ubda rw init=/init ubd1r=$WORK/ro/ro.img \
      >'$WORK/ro-ok.json' 2>'$WORK/ro-ok.log'; echo \$? >'$WORK/ro-ok.status'; \
    '$UML_BRIDGE' run --timeout 60 -- '$UML_KERNEL' mem=64M ubd0=$WORK/root.img root=/dev/ubda rw init=/init ubd1=$WORK/ro/ro.img \
      >/dev/null 2>'$WORK/ro-bad.log'; echo \$? >'$WORK/ro-bad.status'"; then
  assert_eq "$(cat "$WORK/ro-ok.status")" 0 "ubd1r= of a file on a read-only mount"
  assert_eq "$(cat "$WORK/ro-bad.status")" 2 "ubd1= of a file on a read-only mount"
  assert_contains "$WORK/ro-bad.log" "ubd1 file $WORK/ro/ro.img: cannot be written"
else
  fail "unshare -m / mount --bind -o ro failed"
fi

# 5. Guest memory on a disk directory: a warning naming it; --strict refuses.
mkdir -p "$WORK/disk-tmp"
fs=$(stat -f -c %T "$WORK/disk-tmp")
if [ "$fs" != tmpfs ]; then
  TMPDIR="$WORK/disk-tmp" bridge_run disk --timeout 60 -- "$UML_KERNEL" $(boot_args "$WORK/root.img")
  assert_eq "$BRIDGE_STATUS" 0 "memory on disk without --strict"
  assert_contains "$WORK/disk.log" "preflight warning: guest memory goes to $WORK/disk-tmp"
  TMPDIR="$WORK/disk-tmp" bridge_run disk-strict --strict --timeout 60 -- "$UML_KERNEL" $(boot_args "$WORK/root.img")
  assert_eq "$BRIDGE_STATUS" 2 "memory on disk with --strict"
  assert_contains "$WORK/disk-strict.log" "not a tmpfs"
  not_started disk-strict
else
  echo "note: $WORK is on a tmpfs; skipping the on-disk memory case"
fi

# 6. A 32 MiB tmpfs (in a mount namespace of the test's own) for mem=64M: too small.
mkdir -p "$WORK/small"
unshare -m sh -c "mount -t tmpfs -o size=32m tmpfs '$WORK/small' && \
  TMPDIR='$WORK/small' '$UML_BRIDGE' run --strict --timeout 60 -- '$UML_KERNEL' $(boot_args "$WORK/root.img") \
    >/dev/null 2>'$WORK/small.log'; echo \$? >'$WORK/small.status'"
assert_eq "$(cat "$WORK/small.status")" 2 "mem=64M in a 32 MiB tmpfs with --strict"
assert_contains "$WORK/small.log" "this guest's memory (64 MiB) does not fit in $WORK/small (tmpfs, 32 MiB free of 32 MiB)"
assert_not_contains "$WORK/small.log" "started .* as pid"
