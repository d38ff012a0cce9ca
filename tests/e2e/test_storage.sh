#!/bin/sh
# Storage fixups in real UML: an old image whose static /dev has /dev/ubd/0..7 at
# minors 0..7 and whose fstab names /dev/ubd/1 as swap, booted with
# devtmpfs.mount=0 ubd0=root ubd1=swap. After ready the nodes are right, the swap is
# on, /mnt/host is a hostfs mount of the host's files and fstab says so (with a
# backup); a second boot changes nothing; with devnodes.prune the stale nodes go.
# The hostfs entry mounts a directory of the test's own (hostfs.hostdir), not the
# host's whole /.
# Then the same with devtmpfs on /dev and an fstab whose swap entry names a disk
# that does not exist. A control run without devnodes shows the seed symptom.
. "$(dirname "$0")/lib.sh"
e2e_begin storage

PROBE=$(probe_dir)
HOSTDIR=$WORK/hostshare
mkdir -p "$HOSTDIR"
echo "host side of hostfs $$" > "$HOSTDIR/marker"
truncate -s 32M "$WORK/swap.img"
mkswap -L umlswap "$WORK/swap.img" >/dev/null
# A disk with an MBR holding two partitions (LBA 2048 and 6144, 4096 sectors each),
# written byte by byte: no partitioning tool needed on the host.
truncate -s 8M "$WORK/parts.img"
printf '\0\0\0\0\203\0\0\0\0\010\0\0\0\020\0\0\0\0\0\0\203\0\0\0\0\030\0\0\0\020\0\0' |
  dd of="$WORK/parts.img" bs=1 seek=446 conv=notrunc status=none
printf '\125\252' | dd of="$WORK/parts.img" bs=1 seek=510 conv=notrunc status=none

# What the guest observes after the agent ran, written into $PROBE over hostfs.
cat > "$WORK/after.sh" <<HOOK
mkdir -p /probe
mount -t hostfs none /probe -o $PROBE
stat -c '%n %F %t %T %a %u %g' /dev/ubda /dev/ubdb /dev/ubd/0 /dev/ubd/1 /dev/ubd0 /dev/ubd1 > /probe/nodes 2>&1
stat -c '%n %F %t %T' /dev/ubdc /dev/ubdc1 /dev/ubdc2 /dev/ubd/2 > /probe/nodes-parts 2>&1
ls /dev/ubd > /probe/ubd-dir 2>&1
cat /proc/swaps > /probe/swaps
grep -v ' /probe ' /proc/mounts > /probe/mounts
cp /etc/fstab /probe/fstab
[ -f /etc/fstab.uml-agent.bak ] && cp /etc/fstab.uml-agent.bak /probe/fstab.bak
cat /mnt/host/marker > /probe/host-marker 2>&1
# A second run in the same boot plans nothing.
/sbin/uml-agent boot --dry-run --only devnodes,fstab > /probe/second-plan 2> /probe/second-plan.log
echo "exit \$?" >> /probe/second-plan.log
# The seed symptom: swapon through the legacy name now works.
swapoff /dev/ubdb 2>/dev/null
swapon /dev/ubd/1 > /probe/legacy-swapon 2>&1 && echo ok >> /probe/legacy-swapon
umount /probe
HOOK

# boot NAME IMAGE [kernel args...]: one guest run; probe files land in $WORK/NAME.probe.
# BOOT_STATUS (default 0) is the bridge exit status expected.
boot() {
  name=$1 image=$2
  shift 2
  probe_boot "$name" "$image" "ubd1=$WORK/swap.img" "uml_agent.hostfs.hostdir=$HOSTDIR" "$@"
}

# Assertions common to every boot: nodes, swap, hostfs, fstab, second plan.
check_guest() {
  p=$WORK/$1.probe
  # stat prints major/minor in hex: 98 is 0x62, minor 16 is 0x10.
  assert_contains "$p/nodes" '^/dev/ubda block special file 62 0 '
  assert_contains "$p/nodes" '^/dev/ubdb block special file 62 10 '
  assert_contains "$p/nodes" '^/dev/ubd/0 block special file 62 0 '
  assert_contains "$p/nodes" '^/dev/ubd/1 block special file 62 10 '
  assert_contains "$p/nodes" '^/dev/ubd0 block special file 62 0 '
  assert_contains "$p/nodes" '^/dev/ubd1 block special file 62 10 '
  assert_contains "$p/swaps" '^/dev/ubdb '
  assert_contains "$p/mounts" '^none /mnt/host hostfs '
  assert_eq "$(cat "$p/host-marker")" "host side of hostfs $$" "a host file read through /mnt/host"
  assert_contains "$p/fstab" '^# uml-agent: host files$'
  assert_contains "$p/fstab" "^none /mnt/host hostfs $HOSTDIR 0 0\$"
  assert_eq "$(cat "$p/second-plan")" "" "second plan in the same boot"
  assert_contains "$p/second-plan.log" '^exit 0$'
  assert_contains "$p/legacy-swapon" '^ok$'
}

printf '# old image\n/dev/ubd/0\t/\text4\tdefaults\t0\t1\n/dev/ubd/1\tnone\tswap\tsw\t0\t0\nproc\t/proc\tproc\tdefaults\t0\t0\n' \
  > "$WORK/seed.fstab"
busybox_image "$WORK/seed.img" --static-dev --after "$WORK/after.sh" --add "$WORK/seed.fstab=/etc/fstab"

# 0. Control: the seed image with devnodes switched off and a bad hostfs setting on
#    the kernel command line. The seed symptom shows (swapon /dev/ubd/1 fails, no
#    swap on), the fstab step fails naming the key, the other steps still run.
cp "$WORK/seed.img" "$WORK/control.img"
BOOT_STATUS=1 boot control "$WORK/control.img" devtmpfs.mount=0 uml_agent.devnodes=0 \
  uml_agent.hostfs.mountpoint=relative/dir
assert_contains "$WORK/control.probe/legacy-swapon" 'No such device or address'
assert_not_contains "$WORK/control.probe/swaps" '^/dev/'
assert_eq "$(ready_step_status control devnodes)" skipped "devnodes status when switched off"
assert_eq "$(ready_step_status control fstab)" failed "fstab status with a bad setting"
assert_eq "$(ready_step_status control activate)" ok "activate status next to a failed step"
assert_contains "$WORK/control.json" 'setting hostfs.mountpoint=\\"relative/dir\\" (from kernel command line)'
cmp -s "$WORK/control.probe/fstab" "$WORK/seed.fstab" || fail "control: fstab changed although its step failed"

# 1. The seed image on its own static /dev, with a partitioned third disk.
boot seed1 "$WORK/seed.img" devtmpfs.mount=0 "ubd2=$WORK/parts.img"
check_guest seed1
assert_contains "$WORK/seed1.probe/nodes-parts" '^/dev/ubdc block special file 62 20$'
assert_contains "$WORK/seed1.probe/nodes-parts" '^/dev/ubdc1 block special file 62 21$'
assert_contains "$WORK/seed1.probe/nodes-parts" '^/dev/ubdc2 block special file 62 22$'
assert_contains "$WORK/seed1.probe/nodes-parts" '^/dev/ubd/2 block special file 62 20$' 
ready_step_changes seed1 devnodes > "$WORK/seed1.devnodes"
assert_contains "$WORK/seed1.devnodes" '"- /dev/ubd/1 b 98:1 0660 0:0"'
assert_contains "$WORK/seed1.devnodes" '"+ /dev/ubd/1 b 98:16 0660 0:0"'
assert_contains "$WORK/seed1.devnodes" '"+ /dev/ubdb b 98:16 0660 0:0"'
assert_not_contains "$WORK/seed1.devnodes" '/dev/ubd/0 '  # right already: left alone
ready_step_changes seed1 fstab > "$WORK/seed1.fstab-changes"
assert_contains "$WORK/seed1.fstab-changes" "\"+ none /mnt/host hostfs $HOSTDIR 0 0\""
assert_contains "$WORK/seed1.fstab-changes" '"+ /mnt/host/ d 0755"'
ready_step_changes seed1 activate > "$WORK/seed1.activate"
assert_contains "$WORK/seed1.activate" '"+ swapon /dev/ubdb"'
assert_contains "$WORK/seed1.activate" "\"+ mount -t hostfs none /mnt/host -o $HOSTDIR\""
# The swap entry named the right disk: it is kept byte for byte; the old file is the backup.
cmp -s "$WORK/seed1.probe/fstab.bak" "$WORK/seed.fstab" || fail "seed1: the backup is not the original fstab"
{ cat "$WORK/seed.fstab"; printf '# uml-agent: host files\nnone /mnt/host hostfs %s 0 0\n' "$HOSTDIR"; } > "$WORK/seed.expected"
cmp -s "$WORK/seed1.probe/fstab" "$WORK/seed.expected" || fail "seed1: fstab is not the original plus the hostfs entry"

# 2. The same image again: nodes and fstab are right already.
boot seed2 "$WORK/seed.img" devtmpfs.mount=0 "ubd2=$WORK/parts.img"
check_guest seed2
assert_eq "$(ready_step_changes seed2 devnodes)" "" "devnodes changes on the second boot"
assert_eq "$(ready_step_changes seed2 fstab)" "" "fstab changes on the second boot"
assert_eq "$(ready_step_status seed2 fstab)" "ok" "fstab step status on the second boot"
cmp -s "$WORK/seed1.probe/fstab" "$WORK/seed2.probe/fstab" || fail "seed2: fstab changed on the second boot"
cmp -s "$WORK/seed2.probe/fstab.bak" "$WORK/seed.fstab" || fail "seed2: the backup was overwritten"
# Swap and hostfs are per boot: activate turns them on again.
ready_step_changes seed2 activate | grep -q '"+ swapon /dev/ubdb"' || fail "seed2: no swapon"

# 3. devtmpfs on /dev, and an fstab whose swap entry names a disk that is not there.
printf '/dev/ubda / ext4 defaults 0 1\n/dev/ubd/2 none swap sw 0 0\n' > "$WORK/dt.fstab"
busybox_image "$WORK/dt.img" --after "$WORK/after.sh" --add "$WORK/dt.fstab=/etc/fstab"
boot dt1 "$WORK/dt.img"
check_guest dt1
ready_step_changes dt1 devnodes > "$WORK/dt1.devnodes"
assert_not_contains "$WORK/dt1.devnodes" '/dev/ubdb '  # devtmpfs made it right
assert_contains "$WORK/dt1.devnodes" '"+ /dev/ubd/ d 0755"'
assert_contains "$WORK/dt1.devnodes" '"+ /dev/ubd/1 b 98:16 0660 0:0"'
assert_contains "$WORK/dt1.probe/fstab" '^# uml-agent: swap on /dev/ubdb (was /dev/ubd/2)$'
assert_contains "$WORK/dt1.probe/fstab" '^/dev/ubdb none swap sw 0 0$'
assert_not_contains "$WORK/dt1.probe/fstab" '^/dev/ubd/2 '
cmp -s "$WORK/dt1.probe/fstab.bak" "$WORK/dt.fstab" || fail "dt1: the backup is not the original fstab"
ready_step_changes dt1 fstab | grep -q '"- /dev/ubd/2 none swap sw 0 0"' || fail "dt1: fstab step does not list the old swap line"

# 4. devtmpfs again: fstab is untouched; devtmpfs is new each boot, so only the
#    legacy names are made again (exactly as in the first boot).
boot dt2 "$WORK/dt.img"
check_guest dt2
assert_eq "$(ready_step_changes dt2 fstab)" "" "fstab changes on the second devtmpfs boot"
cmp -s "$WORK/dt1.probe/fstab" "$WORK/dt2.probe/fstab" || fail "dt2: fstab changed on the second boot"
assert_eq "$(ready_step_changes dt2 devnodes)" "$(cat "$WORK/dt1.devnodes")" "devnodes changes on a fresh devtmpfs"

# 5. Pruning is asked for: the stale legacy nodes of disks 3..7 go, nothing else.
boot seed3 "$WORK/seed.img" devtmpfs.mount=0 "ubd2=$WORK/parts.img" uml_agent.devnodes.prune=yes
check_guest seed3
assert_eq "$(ready_step_changes seed3 devnodes | tr '\n' ' ')" \
  '"- /dev/ubd/3 b 98:3 0660 0:0" "- /dev/ubd/4 b 98:4 0660 0:0" "- /dev/ubd/5 b 98:5 0660 0:0" "- /dev/ubd/6 b 98:6 0660 0:0" "- /dev/ubd/7 b 98:7 0660 0:0" ' \
  "devnodes changes with prune"
assert_eq "$(tr '\n' ' ' < "$WORK/seed3.probe/ubd-dir")" "0 1 2 " "/dev/ubd after pruning"
