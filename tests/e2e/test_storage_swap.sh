#!/bin/sh
# Swap named the way installers write fstab, in real UML: three swap areas made on
# the host with mkswap, one by UUID (-U) on a whole disk, one by label (-L) on a whole
# disk, and one on partition 1 of a disk with an msdos partition table (ubdb1, block
# 98:17).
#  1. devtmpfs, fstab naming them UUID=, LABEL= (with pri=7, which must reach
#     swapon) and UUID= (the partition): fstab is
#     left byte for byte (docs/storage.md: an entry that names a swap device is left
#     alone), activate turns on exactly /dev/ubdb1, /dev/ubdc and /dev/ubdd, and the
#     guest's /proc/swaps lists them (not the partitioned whole disk /dev/ubdb).
#  2. An old image's static /dev (devtmpfs.mount=0), which has no /dev/ubdb1: the
#     devnodes step makes it at 98:17, fstab's /dev/ubdb1 and UUID= lines are kept,
#     a stale LABEL= line (a label no disk has) is pointed at the one swap disk no
#     other line names, and all three swaps are on.
#  3. The same image again: nothing to change, the three swaps are on again.
. "$(dirname "$0")/lib.sh"
e2e_begin storage_swap

PROBE=$(probe_dir)
UUID_PART=0e2e5a0b-1111-4222-8333-0123456789ab
UUID_DISK=0e2e5a0b-2222-4333-8444-0123456789ab
LABEL=e2e-swap-label

# Disk 1: an MBR whose partition 1 (type 82, Linux swap) starts at LBA 2048 and holds
# 8192 sectors, written byte by byte (no partitioning tool needed on the host), then
# the swap area, made with mkswap in a file of the partition's size, copied there.
truncate -s 8M "$WORK/parts.img"
printf '\0\0\0\0\202\0\0\0\0\010\0\0\0\040\0\0' |
  dd of="$WORK/parts.img" bs=1 seek=446 conv=notrunc status=none
printf '\125\252' | dd of="$WORK/parts.img" bs=1 seek=510 conv=notrunc status=none
truncate -s 4M "$WORK/part1.swap" && chmod 0600 "$WORK/part1.swap"
mkswap -U "$UUID_PART" "$WORK/part1.swap" >/dev/null
dd if="$WORK/part1.swap" of="$WORK/parts.img" bs=512 seek=2048 conv=notrunc status=none
# Disks 2 and 3: whole-disk swap, by UUID and by label.
truncate -s 16M "$WORK/uuid.img" "$WORK/label.img" && chmod 0600 "$WORK/uuid.img" "$WORK/label.img"
mkswap -U "$UUID_DISK" "$WORK/uuid.img" >/dev/null
mkswap -L "$LABEL" "$WORK/label.img" >/dev/null
# The host's own reading of what was made: the test's premise, not the product.
blkid -p -o value -s UUID "$WORK/uuid.img" | grep -qx "$UUID_DISK" || fail "mkswap -U made no such UUID"
blkid -p -o value -s LABEL "$WORK/label.img" | grep -qx "$LABEL" || fail "mkswap -L made no such label"
blkid -p -o value -s UUID "$WORK/part1.swap" | grep -qx "$UUID_PART" || fail "the partition's swap has no such UUID"

# What the guest observes after the agent ran, written into $PROBE over hostfs.
cat > "$WORK/after.sh" <<HOOK
mkdir -p /probe
mount -t hostfs none /probe -o $PROBE
stat -c '%n %F %t %T' /dev/ubdb /dev/ubdb1 /dev/ubdc /dev/ubdd > /probe/nodes 2>&1
cat /proc/swaps > /probe/swaps
cp /etc/fstab /probe/fstab
[ -f /etc/fstab.uml-agent.bak ] && cp /etc/fstab.uml-agent.bak /probe/fstab.bak
umount /probe
HOOK

# boot NAME IMAGE [kernel args...]: one guest run with the three swap disks; the
# probe files land in $WORK/NAME.probe.
boot() {
  name=$1 image=$2
  shift 2
  probe_boot "$name" "$image" "ubd1=$WORK/parts.img" "ubd2=$WORK/uuid.img" "ubd3=$WORK/label.img" \
    uml_agent.hostfs=no "$@"
}

# Assertions common to every boot: the partition's node, and exactly the three swaps on
# (check_swaps NAME [OPTIONS]: OPTIONS, the plan's options for /dev/ubdd's swapon).
check_swaps() {
  p=$WORK/$1.probe
  # stat prints major/minor in hex: 98 is 0x62, minor 17 is 0x11.
  assert_contains "$p/nodes" '^/dev/ubdb block special file 62 10$'
  assert_contains "$p/nodes" '^/dev/ubdb1 block special file 62 11$'
  assert_contains "$p/swaps" '^/dev/ubdb1 *partition[[:space:]]'
  assert_contains "$p/swaps" '^/dev/ubdc *partition[[:space:]]'
  assert_contains "$p/swaps" '^/dev/ubdd *partition[[:space:]]'
  assert_not_contains "$p/swaps" '^/dev/ubdb '  # the partitioned disk itself holds no swap
  assert_eq "$(grep -c '^/dev/' "$p/swaps")" 3 "$1: swap areas in /proc/swaps"
  assert_eq "$(ready_step_changes "$1" activate | tr '\n' ' ')" \
    '"+ swapon /dev/ubdb1" "+ swapon /dev/ubdc" "+ swapon /dev/ubdd'"${2:-}"'" ' "$1: activate changes"
}

# 1. devtmpfs; every swap named by UUID or label.
cat > "$WORK/names.fstab" <<EOF
/dev/ubda / ext4 defaults 0 1
UUID=$UUID_PART none swap sw 0 0
UUID=$UUID_DISK	none	swap	sw	0	0
LABEL=$LABEL none swap sw,pri=7 0 0
EOF
busybox_image "$WORK/names.img" --after "$WORK/after.sh" --add "$WORK/names.fstab=/etc/fstab"
boot names "$WORK/names.img"
check_swaps names " -p 7"
assert_eq "$(ready_step_changes names fstab)" "" "names: fstab changes"
cmp -s "$WORK/names.probe/fstab" "$WORK/names.fstab" || fail "names: fstab changed: $(cat "$WORK/names.probe/fstab")"
[ ! -e "$WORK/names.probe/fstab.bak" ] || fail "names: a backup was made of an fstab that did not change"
# pri=7 reached swapon(2): /proc/swaps' last column.
awk '$1 == "/dev/ubdd" { print $5 }' "$WORK/names.probe/swaps" | grep -qx 7 ||
  fail "names: /dev/ubdd is not on with priority 7: $(cat "$WORK/names.probe/swaps")"

# 2. An old image's static /dev, without /dev/ubdb1; a stale label besides.
cat > "$WORK/static.fstab" <<EOF
/dev/ubd/0 / ext4 defaults 0 1
/dev/ubdb1 none swap sw 0 0
UUID=$UUID_DISK none swap sw 0 0
LABEL=oldswap none swap sw 0 0
EOF
busybox_image "$WORK/static.img" --static-dev --after "$WORK/after.sh" --add "$WORK/static.fstab=/etc/fstab"
boot static1 "$WORK/static.img" devtmpfs.mount=0
check_swaps static1
ready_step_changes static1 devnodes | grep -qx '"+ /dev/ubdb1 b 98:17 0660 0:0"' ||
  fail "static1: devnodes did not make /dev/ubdb1: $(ready_step_changes static1 devnodes)"
assert_eq "$(ready_step_changes static1 fstab | tr '\n' ' ')" \
  '"- LABEL=oldswap none swap sw 0 0" "+ # uml-agent: swap on /dev/ubdd (was LABEL=oldswap)" "+ /dev/ubdd none swap sw 0 0" ' \
  "static1: fstab changes"
{ sed '$d' "$WORK/static.fstab"; printf '# uml-agent: swap on /dev/ubdd (was LABEL=oldswap)\n/dev/ubdd none swap sw 0 0\n'; } \
  > "$WORK/static.expected"
cmp -s "$WORK/static1.probe/fstab" "$WORK/static.expected" ||
  fail "static1: fstab is not the original with the stale label pointed at /dev/ubdd: $(cat "$WORK/static1.probe/fstab")"
cmp -s "$WORK/static1.probe/fstab.bak" "$WORK/static.fstab" || fail "static1: the backup is not the original fstab"

# 3. The same image again: the node and fstab are right already; swap is per boot.
boot static2 "$WORK/static.img" devtmpfs.mount=0
check_swaps static2
assert_eq "$(ready_step_changes static2 fstab)" "" "static2: fstab changes"
ready_step_changes static2 devnodes > "$WORK/static2.devnodes"
assert_not_contains "$WORK/static2.devnodes" '/dev/ubdb1 '
cmp -s "$WORK/static2.probe/fstab" "$WORK/static.expected" || fail "static2: fstab changed on the second boot"
