#!/bin/sh
# Real distribution images: Debian bookworm minbase with systemd, with sysvinit-core
# and with OpenRC, built with mmdebstrap from this machine's own apt sources (cached
# under $E2E_CACHE by package list), baked with `uml-bridge bake --init auto`, booted
# with `uml-bridge run` (which adds the kernel arguments the image asks for). Checks:
# ready arrives from the init integration, `uml-agent status` in the guest, modprobe
# finds the UML kernel's modules (hostfs mount for systemd, baked tree for sysvinit),
# baking twice changes nothing, and --uninstall gives back the original file list.
# Each guest also gets a swap disk and eth0 on a tap in a network namespace of this
# test: the storage and network fixups must take effect in that same boot (swap on
# through fstab, hostfs mounted, eth0 addressed, default route, resolv.conf), and the
# namespace pings the guest. The distribution's own network tools then work on what
# the agent wrote: ifupdown's `ifup -a` at boot, ifdown and ifup (sysvinit image), and
# systemd-networkd and `networkctl reconfigure` (systemd image), the extra route
# included. The agent's hostfs entry mounts a directory of the test's own
# (hostfs.hostdir), not the host's whole /.
. "$(dirname "$0")/lib.sh"
e2e_begin boot_debian
probe=$(probe_dir)
: "${E2E_CACHE:=$WORK/cache}"

NS=umla-deb-$$
ip netns add "$NS"
on_exit "ip netns del $NS"
ip -n "$NS" link set lo up
ip -n "$NS" tuntap add dev tap0 mode tap
ip -n "$NS" addr add 192.0.2.1/24 dev tap0
ip -n "$NS" link set tap0 up
HOSTDIR=$WORK/hostshare
mkdir -p "$HOSTDIR"
echo "host side of hostfs $$" > "$HOSTDIR/marker"
NETARGS="eth0=tuntap,tap0 uml_agent.net.address=192.0.2.2/24 uml_agent.net.gateway=192.0.2.1
  uml_agent.net.routes=198.51.100.0/24@192.0.2.9
  uml_agent.dns.nameservers=198.51.100.53 uml_agent.dns.search=example.test"

# What the guest reports once the agent said ready: started from /etc/rc.local
# (sysvinit's rc.local script, systemd's rc-local generator) in a session of its own,
# as startpar hangs up the scripts' terminal when they end.
cat > "$WORK/rc.local" <<RCLOCAL
#!/bin/sh
setsid /bin/sh -c '
  trap "" HUP
  i=0
  while [ ! -f /run/uml-agent/last-run.json ] && [ \$i -lt 300 ]; do sleep 0.5; i=\$((i+1)); done
  mkdir -p /mnt/probe && mount -t hostfs none /mnt/probe -o $probe
  name=\$(cat /etc/e2e-name)
  /sbin/uml-agent status > /mnt/probe/\$name.status 2>&1; echo "status exit \$?" >> /mnt/probe/\$name.status
  grep "/lib/modules/" /proc/mounts > /mnt/probe/\$name.mounts
  modprobe brd rd_nr=1 rd_size=1024 > /mnt/probe/\$name.modprobe 2>&1; echo "modprobe exit \$?" >> /mnt/probe/\$name.modprobe
  [ -d /sys/module/brd ] && echo "brd loaded" >> /mnt/probe/\$name.modprobe
  readlink /proc/1/exe > /mnt/probe/\$name.init
  cat /proc/swaps > /mnt/probe/\$name.swaps
  grep " /mnt/host hostfs " /proc/mounts > /mnt/probe/\$name.hostfs
  cat /mnt/host/marker > /mnt/probe/\$name.hostmarker 2>&1
  cat /etc/fstab > /mnt/probe/\$name.fstab
  cat /etc/resolv.conf > /mnt/probe/\$name.resolv
  cat /proc/net/route > /mnt/probe/\$name.route
  cat /sys/class/net/eth0/operstate > /mnt/probe/\$name.operstate
  # The distribution tools on the files the agent wrote: ifupdown must have brought
  # eth0 up at boot (ifup -a) and take it down and up again; networkd must have
  # configured it and do so again. (No apostrophes in here: this is one quoted string.)
  if command -v ifquery > /dev/null; then
    ifquery --state eth0 > /mnt/probe/\$name.ifstate 2>&1
    ifdown eth0 > /mnt/probe/\$name.ifdown 2>&1; echo "ifdown exit \$?" >> /mnt/probe/\$name.ifdown
    ip -4 addr show dev eth0 >> /mnt/probe/\$name.ifdown
    ifup eth0 > /mnt/probe/\$name.ifup 2>&1; echo "ifup exit \$?" >> /mnt/probe/\$name.ifup
    ip -4 addr show dev eth0 >> /mnt/probe/\$name.ifup
    cat /proc/net/route > /mnt/probe/\$name.route-ifup
  fi
  if [ -d /run/systemd/netif/links ]; then
    i=0
    until networkctl status eth0 --no-pager 2>&1 | grep -q "(configured)" || [ \$i -ge 60 ]; do sleep 0.5; i=\$((i+1)); done
    networkctl status eth0 --no-pager > /mnt/probe/\$name.networkd 2>&1
    networkctl reconfigure eth0 > /mnt/probe/\$name.reconfigure 2>&1; echo "reconfigure exit \$?" >> /mnt/probe/\$name.reconfigure
    sleep 1; i=0
    until networkctl status eth0 --no-pager 2>&1 | grep -q "(configured)" || [ \$i -ge 60 ]; do sleep 0.5; i=\$((i+1)); done
    networkctl status eth0 --no-pager >> /mnt/probe/\$name.reconfigure 2>&1
    cat /proc/net/route > /mnt/probe/\$name.route-networkd
  fi
  echo done > /mnt/probe/\$name.done
  umount /mnt/probe
' < /dev/null > /dev/null 2>&1 &
exit 0
RCLOCAL
sh -n "$WORK/rc.local" || fail "the guest's rc.local is not valid sh"
# The probe is one single-quoted string: a quote inside it would end it early.
[ "$(tr -cd "'" < "$WORK/rc.local" | wc -c)" = 2 ] || fail "a ' inside the probe's quoted script"

# debian_case NAME PACKAGES [bake options...]
debian_case() {
  name=$1 packages=$2
  shift 2
  start=$(date +%s)
  built=$("$E2E_DIR/make-debian-image.sh" --packages "$packages" --out "$WORK/$name.img" --cache "$E2E_CACHE")
  echo "$name: image ready in $(( $(date +%s) - start )) s (mmdebstrap: ${built} s, 0 = cached)"
  echo "$name" > "$WORK/$name.name"
  cat > "$WORK/$name.debugfs" <<CMDS
rm /etc/rc.local
write $WORK/rc.local /etc/rc.local
sif /etc/rc.local mode 0100755
write $WORK/$name.name /etc/e2e-name
CMDS
  [ -z "${DEBUGFS_EXTRA:-}" ] || printf '%s\n' "$DEBUGFS_EXTRA" >> "$WORK/$name.debugfs"
  debugfs -w -f "$WORK/$name.debugfs" "$WORK/$name.img" >/dev/null 2>&1
  "$UML_BRIDGE" bake --rootfs "$WORK/$name.img" --init auto --agent "$UML_AGENT" "$@" > "$WORK/$name.bake.log" 2>&1 ||
    fail "bake $name failed: $(cat "$WORK/$name.bake.log")"
  boot_start=$(date +%s)
  on_exit "stop_guest_of $name"
  truncate -s 32M "$WORK/$name.swap" && mkswap "$WORK/$name.swap" >/dev/null
  # shellcheck disable=SC2086 # KARGS, NETARGS: extra kernel arguments, split on purpose
  BRIDGE_WRAP="ip netns exec $NS" bridge_run "$name" --timeout 180 --detach -- "$UML_KERNEL" \
    mem=256M "ubd0=$WORK/$name.img" "ubd1=$WORK/$name.swap" root=/dev/ubda rw \
    "uml_agent.hostfs.hostdir=$HOSTDIR" $NETARGS ${KARGS:-}
  assert_eq "$BRIDGE_STATUS" 0 "$name: bridge exit status"
  echo "$name: ready $(( $(date +%s) - boot_start )) s after the start of the guest"
  i=0
  while [ ! -f "$probe/$name.done" ] && [ $i -lt 120 ]; do sleep 1; i=$((i+1)); done
  echo "$name: whole case $(( $(date +%s) - start )) s"
  ip netns exec "$NS" ping -c 1 -W 5 192.0.2.2 > "$WORK/$name.ping" 2>&1 || echo "ping failed" >> "$WORK/$name.ping"
  stop_guest_of "$name"
  [ -f "$probe/$name.done" ] || fail "$name: the guest's probe never ran"
  # Storage and network fixups took effect in this same boot.
  assert_contains "$probe/$name.swaps" "^/dev/ubdb "
  assert_contains "$probe/$name.fstab" "^/dev/ubdb none swap"
  assert_contains "$probe/$name.fstab" "^none /mnt/host hostfs $HOSTDIR 0 0\$"
  assert_contains "$probe/$name.hostfs" "hostfs"
  assert_eq "$(cat "$probe/$name.hostmarker")" "host side of hostfs $$" "$name: a host file read through /mnt/host"
  assert_contains "$probe/$name.resolv" "^nameserver 198.51.100.53"
  assert_contains "$probe/$name.resolv" "^search example.test"
  # UML's network driver reports no carrier state: "unknown" when up.
  grep -qxE 'up|unknown' "$probe/$name.operstate" ||
    fail "$name: eth0 is not up (operstate: $(cat "$probe/$name.operstate" 2>&1))"
  # Default route (destination 0) via 192.0.2.1 (0100 02C0 in /proc/net/route's hex).
  assert_contains "$probe/$name.route" "^eth0	00000000	010200C0"
  # The extra route 198.51.100.0/24 via 192.0.2.9.
  assert_contains "$probe/$name.route" "^eth0	006433C6	090200C0"
  assert_not_contains "$WORK/$name.ping" "ping failed"
  ready_event "$name" | grep -q '"ok":true' || fail "$name: ready not ok: $(ready_event "$name")"
  assert_contains "$probe/$name.status" "last run: ok"
  assert_contains "$probe/$name.status" "status exit 0"
  assert_contains "$probe/$name.modprobe" "brd loaded"
}

# systemd: auto means the PID-1 wrapper plus the units; ready comes from the late unit,
# here gated on a unit being active (systemctl is-active).
# systemd-networkd is enabled (as `systemctl enable` would) so that it reads the
# agent's .network file; udev and dbus are what networkd and networkctl need.
KARGS=uml_agent.ready.unit=systemd-journald.service
DEBUGFS_EXTRA="mkdir /etc/systemd/system/multi-user.target.wants
mkdir /etc/systemd/system/sockets.target.wants
symlink /etc/systemd/system/multi-user.target.wants/systemd-networkd.service /lib/systemd/system/systemd-networkd.service
symlink /etc/systemd/system/sockets.target.wants/systemd-networkd.socket /lib/systemd/system/systemd-networkd.socket"
debian_case systemd systemd-sysv,kmod,iproute2,dbus,udev
KARGS="" DEBUGFS_EXTRA=""
assert_contains "$probe/systemd.networkd" "State: routable (configured)"
assert_contains "$probe/systemd.networkd" "/etc/systemd/network/10-uml-agent-eth0.network"
assert_contains "$probe/systemd.reconfigure" "reconfigure exit 0"
assert_contains "$probe/systemd.reconfigure" "State: routable (configured)"
assert_contains "$probe/systemd.route-networkd" "^eth0	00000000	010200C0"
assert_contains "$probe/systemd.route-networkd" "^eth0	006433C6	090200C0"
assert_contains "$WORK/systemd.bake.log" "detected init system: systemd"
assert_contains "$WORK/systemd.log" "the image asks for kernel argument init=/sbin/uml-agent"
assert_contains "$WORK/systemd.json" '"mode":"init"'
assert_contains "$probe/systemd.init" "systemd"
ready_event systemd | grep -q '+ mount hostfs:/usr/lib/uml/modules/' || fail "systemd: no modules mount: $(ready_event systemd)"
assert_contains "$probe/systemd.mounts" "hostfs ro,"
ready_event systemd | grep -q '"name":"gate:unit:systemd-journald.service","status":"ok"' ||
  fail "systemd: unit gate not ok: $(ready_event systemd)"

# sysvinit: the rcS script (before checkroot/mountall) and the late rc2 script; the
# module tree is baked in, so the modules step has nothing to do.
debian_case sysvinit sysvinit-core,kmod,ifupdown --modules
# ifupdown: `ifup -a` at boot took the agent's stanza (eth0 is marked up), and ifdown
# and ifup work on it.
assert_contains "$probe/sysvinit.ifstate" "^eth0=eth0"
assert_contains "$probe/sysvinit.ifdown" "ifdown exit 0"
assert_not_contains "$probe/sysvinit.ifdown" "192.0.2.2/24"
assert_contains "$probe/sysvinit.ifup" "ifup exit 0"
assert_contains "$probe/sysvinit.ifup" "inet 192.0.2.2/24 brd 192.0.2.255"
assert_not_contains "$probe/sysvinit.ifup" "File exists"
assert_contains "$probe/sysvinit.route-ifup" "^eth0	00000000	010200C0"
assert_contains "$probe/sysvinit.route-ifup" "^eth0	006433C6	090200C0"
assert_contains "$WORK/sysvinit.bake.log" "detected init system: sysvinit"
assert_contains "$WORK/sysvinit.json" '"mode":"boot"'
assert_contains "$probe/sysvinit.init" "/sbin/init"
ready_event sysvinit | grep -q '"name":"modules".*is present' || fail "sysvinit: modules not skipped: $(ready_event sysvinit)"

# OpenRC (Debian's, on sysvinit's init): the sysinit runscript and the default-runlevel
# ready script; the modules step mounts the host's tree again.
debian_case openrc sysvinit-core,openrc,kmod
assert_contains "$WORK/openrc.bake.log" "detected init system: openrc"
assert_contains "$WORK/openrc.bake.log" "+ /etc/runlevels/sysinit/uml-agent -> /etc/init.d/uml-agent"
assert_contains "$WORK/openrc.json" '"mode":"boot"'
ready_event openrc | grep -q '+ mount hostfs:/usr/lib/uml/modules/' || fail "openrc: no modules mount: $(ready_event openrc)"

# Baking twice changes nothing; --uninstall restores the original file list exactly.
"$E2E_DIR/make-debian-image.sh" --packages sysvinit-core,kmod,ifupdown --out "$WORK/orig.img" --cache "$E2E_CACHE" >/dev/null
cp --sparse=always "$WORK/orig.img" "$WORK/undo.img"
"$UML_BRIDGE" bake --rootfs "$WORK/undo.img" --agent "$UML_AGENT" --modules > "$WORK/bake1.log" 2>&1 || fail "bake: $(cat "$WORK/bake1.log")"
"$UML_BRIDGE" bake --rootfs "$WORK/undo.img" --agent "$UML_AGENT" --modules > "$WORK/bake2.log" 2>&1 || fail "bake again: $(cat "$WORK/bake2.log")"
if grep -q '^[+~-] ' "$WORK/bake2.log"; then fail "the second bake changed something: $(cat "$WORK/bake2.log")"; fi
"$UML_BRIDGE" bake --rootfs "$WORK/undo.img" --uninstall > "$WORK/undo.log" 2>&1 || fail "uninstall: $(cat "$WORK/undo.log")"
for img in orig undo; do
  mkdir -p "$WORK/$img.tree"
  debugfs -R "rdump / $WORK/$img.tree" "$WORK/$img.img" >/dev/null 2>&1
  (cd "$WORK/$img.tree" && find . -printf '%p %m %s %l\n' | sort) > "$WORK/$img.list"
  rm -rf "$WORK/$img.tree"
done
diff "$WORK/orig.list" "$WORK/undo.list" > "$WORK/undo.diff" || fail "uninstall left differences: $(head -20 "$WORK/undo.diff")"
