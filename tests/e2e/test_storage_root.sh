#!/bin/sh
# The storage steps on an image tree (--root), as image tooling uses them, no guest
# booted: --dry-run prints the plan and changes nothing, a real run does it, a
# second dry run prints nothing; activate leaves a tree that is not a running system
# alone. Needs root (mknod).
. "$(dirname "$0")/lib.sh"
e2e_begin storage_root

R=$WORK/tree
mkdir -p "$R/sys/block/ubda" "$R/sys/block/ubdb/ubdb1" "$R/dev/ubd" "$R/etc" "$R/run"
echo 98:0 > "$R/sys/block/ubda/dev"
echo 98:16 > "$R/sys/block/ubdb/dev"
echo 98:17 > "$R/sys/block/ubdb/ubdb1/dev"
for n in 0 1 2 3; do mknod -m 0640 "$R/dev/ubd/$n" b 98 "$n"; done
mknod -m 0600 "$R/dev/ubdb" c 98 16  # the wrong type
printf '/dev/ubd/0\t/\text4\tdefaults\t0\t1\n/dev/ubd/1 none swap sw 0 0' > "$R/etc/fstab"
cp "$R/etc/fstab" "$WORK/fstab.orig"
agent() { "$UML_AGENT" boot --root "$R" --cmdline-file /dev/null --channel /dev/null "$@"; }

agent --dry-run --set devnodes.prune=yes --set hostfs.mountpoint=/host > "$WORK/plan" 2> "$WORK/plan.log" ||
  fail "dry run failed"
cat > "$WORK/plan.expected" <<'PLAN'
+ /dev/ubda b 98:0 0660 0:0
+ /dev/ubd0 b 98:0 0660 0:0
- /dev/ubdb c 98:16 0600 0:0
+ /dev/ubdb b 98:16 0600 0:0
- /dev/ubd/1 b 98:1 0640 0:0
+ /dev/ubd/1 b 98:16 0640 0:0
+ /dev/ubd1 b 98:16 0660 0:0
+ /dev/ubdb1 b 98:17 0660 0:0
- /dev/ubd/2 b 98:2 0640 0:0
- /dev/ubd/3 b 98:3 0640 0:0
+ # uml-agent: host files
+ none /host hostfs defaults 0 0
+ /host/ d 0755
PLAN
diff -u "$WORK/plan.expected" "$WORK/plan" || fail "dry-run plan differs"
cmp -s "$R/etc/fstab" "$WORK/fstab.orig" || fail "dry run changed fstab"
[ -c "$R/dev/ubdb" ] || fail "dry run changed /dev/ubdb"
[ ! -e "$R/host" ] && [ ! -e "$R/dev/ubda" ] || fail "dry run created something"

agent --set devnodes.prune=yes --set hostfs.mountpoint=/host > "$WORK/run.out" 2> "$WORK/run.log" ||
  fail "real run failed"
assert_eq "$(stat -c '%F %t %T %a' "$R/dev/ubdb")" "block special file 62 10 600" "/dev/ubdb after the run"
assert_eq "$(stat -c '%F %t %T %a' "$R/dev/ubd/1")" "block special file 62 10 640" "/dev/ubd/1 after the run"
[ ! -e "$R/dev/ubd/2" ] || fail "stale /dev/ubd/2 not pruned"
[ -d "$R/host" ] || fail "mount point /host not made"
cmp -s "$R/etc/fstab.uml-agent.bak" "$WORK/fstab.orig" || fail "no backup of the old fstab"
printf '/dev/ubd/0\t/\text4\tdefaults\t0\t1\n/dev/ubd/1 none swap sw 0 0\n# uml-agent: host files\nnone /host hostfs defaults 0 0\n' \
  > "$WORK/fstab.expected"
cmp -s "$R/etc/fstab" "$WORK/fstab.expected" || fail "fstab after the run: $(cat "$R/etc/fstab")"
assert_contains "$WORK/run.log" 'step activate: skipped'
"$UML_AGENT" status --root "$R" > "$WORK/status" || fail "status after the run"
assert_contains "$WORK/status" '+ /dev/ubd/1 b 98:16 0640 0:0'
# The agent's /run files are written without fsync: an empty one (a crash where /run
# is not a tmpfs) reads as no report, also with --json.
cp "$R/run/uml-agent/last-run.json" "$WORK/last-run.json"
: > "$R/run/uml-agent/last-run.json"
for json in "" --json; do
  if "$UML_AGENT" status $json --root "$R" > "$WORK/status.empty" 2>&1; then
    fail "status $json of an empty report succeeded"
  fi
  assert_contains "$WORK/status.empty" "no report from this boot (.*last-run.json is empty)"
done
cp "$WORK/last-run.json" "$R/run/uml-agent/last-run.json"

agent --dry-run --set devnodes.prune=yes --set hostfs.mountpoint=/host > "$WORK/plan2" 2>&1 ||
  fail "second dry run failed"
grep -v '^uml-agent: ' "$WORK/plan2" > "$WORK/plan2.lines" || true
assert_eq "$(cat "$WORK/plan2.lines")" "" "second plan"
