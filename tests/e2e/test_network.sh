#!/bin/sh
# Network mirroring, end to end, inside a network namespace this test creates:
# a "host" whose uplink up0 has 192.0.2.1/24, a default route via 192.0.2.254 and a
# route to 203.0.113.0/24, and its own resolv.conf; `uml-bridge net-setup --uplink up0`
# makes br0 with the tap and up0 as ports and moves up0's address and routes to br0;
# a busybox UML guest booted with `uml-bridge run --mirror br0 --guest-ip 192.0.2.2/24`
# gets the same subnet, gateway, route and resolvers, pings the host and is pinged.
# `net-setup --down` then leaves the namespace as it was. Also: backups in the
# distribution's network directories are hidden, a bad address fails only the net
# step, a vec0 guest, and /etc/resolv.conf as a resolver daemon's or another symlink.
. "$(dirname "$0")/lib.sh"
e2e_begin network
command -v ip >/dev/null || fail "ip (iproute2) is needed on the host for this test"

NS=umla-net-$$
ip netns add "$NS"
on_exit "ip netns del $NS"
nsx() { ip netns exec "$NS" "$@"; }
mkdir -p "/etc/netns/$NS"
on_exit "rm -rf /etc/netns/$NS"
cat > "/etc/netns/$NS/resolv.conf" <<'RESOLV'
# the test host's resolvers
nameserver 198.51.100.53
nameserver 198.51.100.54
search example.test lab.example.test
options ndots:2
RESOLV
nsx ip link set lo up
# An "uplink" the host had before (a tap: this kernel has no dummy driver), with the
# host's address and routes.
nsx ip tuntap add dev up0 mode tap
nsx ip link set up0 up
nsx ip addr add 192.0.2.1/24 dev up0
nsx ip addr add 192.0.2.7/24 dev up0  # a secondary: it must not leave with the primary
nsx ip route add default via 192.0.2.254 dev up0
nsx ip route add 203.0.113.0/24 via 192.0.2.9 dev up0 metric 50
# The kernel gives a link its default qdisc the first time it goes up and keeps it
# when it goes down again; that trace of up0's time in the bridge is not compared.
snapshot() { { nsx ip -d link show; nsx ip addr show; nsx ip route show; } | sed 's/ qdisc [a-z_]*//'; }
snapshot > "$WORK/ns-before.txt"
# If the test fails midway, --down still removes what net-setup made (and its record).
on_exit "ip netns exec $NS $UML_BRIDGE net-setup --bridge br0 --down"

# 1. net-setup creates bridge and tap (owned by nobody), moves up0's address and routes
# to br0, and is idempotent. net_setup NAME: one run, its output in $WORK/NAME.out.
net_setup() {
  nsx "$UML_BRIDGE" net-setup --bridge br0 --tap tap0 --user nobody --uplink up0 > "$WORK/$1.out" \
    || fail "net-setup ($1) failed: $(cat "$WORK/$1.out")"
}
net_setup setup1
assert_contains "$WORK/setup1.out" "created bridge br0"
assert_contains "$WORK/setup1.out" "created persistent tap tap0"
assert_contains "$WORK/setup1.out" "address 192.0.2.1/24: now on br0"
assert_contains "$WORK/setup1.out" "address 192.0.2.7/24: now on br0"
assert_contains "$WORK/setup1.out" "address 192.0.2.1/24: removed from up0"
assert_contains "$WORK/setup1.out" "route default via 192.0.2.254: now through br0"
assert_contains "$WORK/setup1.out" "route 203.0.113.0/24 via 192.0.2.9 metric 50: now through br0"
nsx ip -4 addr show dev br0 | grep -q "inet 192.0.2.1/24" || fail "br0 does not have the host's address"
nsx ip -4 addr show dev br0 | grep -q "inet 192.0.2.7/24 scope global secondary" \
  || fail "br0 does not have the secondary address: $(nsx ip -4 addr show dev br0)"
nsx ip -4 addr show dev up0 | grep -q "inet " && fail "up0 kept an address: $(nsx ip -4 addr show dev up0)"
nsx ip route show > "$WORK/routes-after-setup.txt"
assert_contains "$WORK/routes-after-setup.txt" "default via 192.0.2.254 dev br0"
assert_contains "$WORK/routes-after-setup.txt" "203.0.113.0/24 via 192.0.2.9 dev br0 metric 50"
net_setup setup2
assert_eq "$(cat "$WORK/setup2.out")" "" "a second net-setup changes nothing"
nsx ip -d link show tap0 > "$WORK/tap0.txt"
assert_contains "$WORK/tap0.txt" "master br0"
assert_contains "$WORK/tap0.txt" "persist on"
assert_contains "$WORK/tap0.txt" "user nobody"
nsx ip -d link show up0 | grep -q "master br0" || fail "up0 is not a port of br0"
# A move that stopped midway (here: one address back on up0, as if the removal had not
# happened yet, and a route gone) is finished by the next net-setup.
nsx ip addr del 192.0.2.7/24 dev br0
nsx ip addr add 192.0.2.7/24 dev up0
nsx ip route del 203.0.113.0/24 via 192.0.2.9 dev br0 metric 50
net_setup setup3
assert_contains "$WORK/setup3.out" "address 192.0.2.7/24: now on br0"
assert_contains "$WORK/setup3.out" "route 203.0.113.0/24 via 192.0.2.9 metric 50: now through br0"
assert_contains "$WORK/setup3.out" "address 192.0.2.7/24: removed from up0"
assert_not_contains "$WORK/setup3.out" "192.0.2.1/24"
nsx ip -4 addr show dev up0 | grep -q "inet " && fail "up0 kept an address: $(nsx ip -4 addr show dev up0)"

# 2. netconf reads it back.
nsx "$UML_BRIDGE" netconf --mirror br0 --guest-ip 192.0.2.2/24 > "$WORK/netconf.json" 2>"$WORK/netconf.err" \
  || fail "netconf failed: $(cat "$WORK/netconf.err")"
assert_contains "$WORK/netconf.json" '"gateway": "192.0.2.254"'
assert_contains "$WORK/netconf.json" '"destination": "203.0.113.0/24"'
assert_contains "$WORK/netconf.json" '"198.51.100.54"'
nsx "$UML_BRIDGE" netconf --mirror br0 --guest-ip 192.0.2.2/24 --format cmdline > "$WORK/netconf.cmdline" \
  || fail "netconf --format cmdline failed"
for arg in uml_agent.net.address=192.0.2.2/24 uml_agent.net.gateway=192.0.2.254 \
  uml_agent.dns.nameservers=198.51.100.53,198.51.100.54; do
  tr ' ' '\n' < "$WORK/netconf.cmdline" | grep -qx "$arg" || fail "netconf --format cmdline lacks $arg: $(cat "$WORK/netconf.cmdline")"
done
set +e
nsx "$UML_BRIDGE" netconf --mirror br0 --guest-ip 192.0.2.1/24 2>"$WORK/netconf-own.err"
own=$?
nsx "$UML_BRIDGE" netconf --mirror br0 --guest-ip 198.51.100.2/24 2>"$WORK/netconf-out.err"
outside=$?
set -e
assert_eq "$own" 2 "netconf exit status for the host's own address"
assert_contains "$WORK/netconf-own.err" "is the host's own address on br0"
assert_eq "$outside" 2 "netconf exit status for an address outside the subnet"
assert_contains "$WORK/netconf-out.err" "outside the subnet of br0"

# 3. The guest: its image uses ifupdown (with a DHCP stanza for eth0 that must not
#    win) and Red Hat network-scripts (its own DHCP ifcfg-eth0); the after-hook
#    records what the guest sees. interfaces.d holds what an earlier agent left: its
#    file with another address, and that file's first backup under the visible name
#    it gave backups then, which "source interfaces.d/*" reads as a second eth0.
#    Backups there must end up hidden, none visible.
PROBE=$(probe_dir)
mkdir -p "$WORK/network-scripts" "$WORK/interfaces.d"
printf 'auto lo\niface lo inet loopback\n\nallow-hotplug eth0\niface eth0 inet dhcp\n' > "$WORK/interfaces"
printf 'DEVICE=eth0\nBOOTPROTO=dhcp\nONBOOT=yes\n' > "$WORK/network-scripts/ifcfg-eth0"
stanza() {
  printf '# Written by uml-agent (net step) from its net.* and dns.* settings; replaced at each boot.\n'
  printf 'auto eth0\niface eth0 inet static\n  address %s\n' "$1"
}
stanza 192.0.2.5/24 > "$WORK/interfaces.d/uml-agent-eth0.uml-agent.bak"
stanza 192.0.2.6/24 > "$WORK/interfaces.d/uml-agent-eth0"
cat > "$WORK/after.sh" <<HOOK
mkdir -p /mnt/probe && mount -t hostfs none /mnt/probe -o $PROBE
P=/mnt/probe
ip addr show dev eth0 > \$P/addr 2>&1
ip route > \$P/route 2>&1
cat /etc/resolv.conf > \$P/resolv 2>&1
cat /etc/network/interfaces > \$P/interfaces 2>&1
cat /etc/network/interfaces.d/uml-agent-eth0 > \$P/interfaces.d 2>&1
cat /etc/sysconfig/network-scripts/ifcfg-eth0 > \$P/ifcfg 2>&1
ls -A /etc/network/interfaces.d /etc/sysconfig/network-scripts > \$P/net-dirs 2>&1
cat /etc/network/interfaces.d/.uml-agent-eth0.uml-agent.bak > \$P/part-bak 2>&1
cat /etc/network/interfaces.d/.uml-agent-eth0.uml-agent.prev > \$P/part-prev 2>&1
cat /etc/sysconfig/network-scripts/.ifcfg-eth0.uml-agent.bak > \$P/ifcfg-bak 2>&1
/sbin/uml-agent boot --only net,dns --dry-run > \$P/replan 2> \$P/replan.log
echo "exit \$?" >> \$P/replan.log
ping -c 3 -W 2 192.0.2.1 > \$P/guest-ping 2>&1; echo "exit \$?" >> \$P/guest-ping
touch \$P/collected
i=0; while [ ! -e \$P/done ] && [ \$i -lt 60 ]; do sleep 1; i=\$((i+1)); done
HOOK
busybox_image "$WORK/root.img" --after "$WORK/after.sh" \
  --add "$WORK/interfaces=/etc/network/interfaces" \
  --add "$WORK/network-scripts=/etc/sysconfig/network-scripts" \
  --add "$WORK/interfaces.d=/etc/network/interfaces.d"
on_exit "stop_guest_of guest"
BRIDGE_WRAP="ip netns exec $NS" bridge_run guest --timeout 60 --detach \
  --mirror br0 --guest-ip 192.0.2.2/24 -- \
  "$UML_KERNEL" mem=64M "ubd0=$WORK/root.img" root=/dev/ubda rw init=/init eth0=tuntap,tap0
assert_eq "$BRIDGE_STATUS" 0 "bridge exit status for the mirrored guest"
grep '"type":"step"' "$WORK/guest.json" | grep '"name":"net"' | grep -q '"status":"ok"' \
  || fail "net step not ok: $(grep '"name":"net"' "$WORK/guest.json")"
assert_contains "$WORK/guest.json" '+ address 192.0.2.2/24 brd 192.0.2.255 dev eth0'
assert_contains "$WORK/guest.json" '+ write /etc/resolv.conf'

i=0
while [ ! -e "$PROBE/collected" ] && [ $i -lt 60 ]; do sleep 1; i=$((i + 1)); done
[ -e "$PROBE/collected" ] || fail "the guest's after-hook did not report"
nsx ping -c 3 -W 2 192.0.2.2 > "$WORK/host-ping.txt" 2>&1 || fail "the namespace cannot ping the guest: $(cat "$WORK/host-ping.txt")"
touch "$PROBE/done"

assert_contains "$PROBE/addr" "inet 192.0.2.2/24 brd 192.0.2.255"
assert_contains "$PROBE/addr" "mtu 1500"
assert_contains "$PROBE/route" "default via 192.0.2.254 dev eth0"
assert_contains "$PROBE/route" "203.0.113.0/24 via 192.0.2.9 dev eth0"
assert_contains "$PROBE/route" "192.0.2.0/24 dev eth0"
assert_eq "$(grep -c default "$PROBE/route")" 1 "default routes in the guest"
assert_contains "$PROBE/resolv" "^# Written by uml-agent"
assert_contains "$PROBE/resolv" "^nameserver 198.51.100.53$"
assert_contains "$PROBE/resolv" "^nameserver 198.51.100.54$"
assert_contains "$PROBE/resolv" "^search example.test lab.example.test$"
assert_contains "$PROBE/resolv" "^options ndots:2$"
assert_contains "$PROBE/guest-ping" "exit 0"
assert_eq "$(cat "$PROBE/replan")" "" "a second run of net and dns plans nothing"
assert_contains "$PROBE/replan.log" '^exit 0$'
assert_contains "$PROBE/interfaces" "^source /etc/network/interfaces.d/\*"
assert_contains "$PROBE/interfaces" "^#uml-agent: iface eth0 inet dhcp"
assert_contains "$PROBE/interfaces" "^iface lo inet loopback"
assert_contains "$PROBE/interfaces.d" "address 192.0.2.2/24"
assert_contains "$PROBE/interfaces.d" "gateway 192.0.2.254"
assert_contains "$PROBE/ifcfg" "^IPADDR=192.0.2.2$"
assert_contains "$PROBE/ifcfg" "^GATEWAY=192.0.2.254$"
# The backups: hidden where the distributions read every file, each version kept.
assert_not_contains "$PROBE/net-dirs" "^[^.].*uml-agent\.\(bak\|prev\)"
assert_contains "$PROBE/net-dirs" "^\.ifcfg-eth0\.uml-agent\.bak$"
assert_contains "$PROBE/part-bak" "address 192.0.2.5/24"
assert_contains "$PROBE/part-prev" "address 192.0.2.6/24"
assert_contains "$PROBE/ifcfg-bak" "^BOOTPROTO=dhcp$"
assert_contains "$WORK/guest.json" 'remove /etc/network/interfaces.d/uml-agent-eth0.uml-agent.bak (kept as .uml-agent-eth0.uml-agent.bak)'

pid=$(guest_pid guest)
i=0
while kill -0 "$pid" 2>/dev/null && [ $i -lt 30 ]; do sleep 1; i=$((i + 1)); done
if kill -0 "$pid" 2>/dev/null; then fail "the guest did not power off"; fi

# 4. A bad address fails only the net step, naming the key; the dns step still runs.
busybox_image "$WORK/plain.img"
BRIDGE_WRAP="ip netns exec $NS" bridge_run bad --timeout 60 -- \
  "$UML_KERNEL" mem=64M "ubd0=$WORK/plain.img" root=/dev/ubda rw init=/init eth0=tuntap,tap0 \
  uml_agent.net.address=192.0.2.300/24 uml_agent.dns.nameservers=198.51.100.53
assert_eq "$BRIDGE_STATUS" 1 "bridge exit status when the net step failed"
grep '"type":"step"' "$WORK/bad.json" | grep '"name":"net"' | grep '"status":"failed"' \
  | grep -q 'setting net.address=.*192.0.2.300/24.*expected ADDR/PREFIX' \
  || fail "net step did not fail naming net.address: $(grep '"name":"net"' "$WORK/bad.json")"
grep '"type":"step"' "$WORK/bad.json" | grep '"name":"dns"' | grep -q '"status":"ok"' \
  || fail "dns step did not run after the failed net step"

# 4b. A guest on UML's vector driver has vec0, not eth0: run --mirror says so.
BRIDGE_WRAP="ip netns exec $NS" bridge_run vec --timeout 60 --mirror br0 --guest-ip 192.0.2.3/24 -- \
  "$UML_KERNEL" mem=64M "ubd0=$WORK/plain.img" root=/dev/ubda rw init=/init \
  vec0:transport=tap,ifname=tap0
assert_eq "$BRIDGE_STATUS" 0 "bridge exit status for a vec0 guest"
assert_contains "$WORK/vec.json" '+ address 192.0.2.3/24 brd 192.0.2.255 dev vec0'
assert_contains "$WORK/vec.json" '+ route default via 192.0.2.254 dev vec0'

# 4c. /etc/resolv.conf as a symlink: into a resolver daemon's runtime directory it is
#     the daemon's (the dns step is skipped saying why, the link stays); any other
#     link is replaced by the agent's file and kept as the backup, still a link.
mkdir -p "$WORK/probe-dns"
for kind in daemon other; do
  case $kind in
    daemon) target=../run/systemd/resolve/stub-resolv.conf ;;
    other) target=resolv.conf.static ;;
  esac
  printf 'nameserver 203.0.113.53\n' > "$WORK/resolv.conf.static"
  ln -sfn "$target" "$WORK/resolv-$kind.link"
  cat > "$WORK/after-$kind.sh" <<HOOK
mkdir -p /mnt/probe && mount -t hostfs none /mnt/probe -o $WORK/probe-dns
readlink /etc/resolv.conf > /mnt/probe/$kind.link 2>&1
readlink /etc/resolv.conf.uml-agent.bak > /mnt/probe/$kind.bak 2>&1
cat /etc/resolv.conf > /mnt/probe/$kind.resolv 2>&1
cat /etc/resolv.conf.static > /mnt/probe/$kind.static 2>&1
umount /mnt/probe
HOOK
  busybox_image "$WORK/dns-$kind.img" --after "$WORK/after-$kind.sh" \
    --add "$WORK/resolv-$kind.link=/etc/resolv.conf" --add "$WORK/resolv.conf.static=/etc/resolv.conf.static"
  bridge_run "dns-$kind" --timeout 60 -- \
    "$UML_KERNEL" mem=64M "ubd0=$WORK/dns-$kind.img" root=/dev/ubda rw init=/init \
    uml_agent.dns.nameservers=198.51.100.53
  assert_eq "$BRIDGE_STATUS" 0 "bridge exit status, resolv.conf a symlink ($kind)"
  wait_exit "$(guest_pid "dns-$kind")" 30 || fail "the dns-$kind guest did not power off"
done
grep '"type":"step"' "$WORK/dns-daemon.json" | grep '"name":"dns"' | grep '"status":"skipped"' \
  | grep -q 'is a symlink to ../run/systemd/resolve/stub-resolv.conf, managed by a resolver daemon' \
  || fail "dns step not skipped for the daemon's link: $(grep '"name":"dns"' "$WORK/dns-daemon.json")"
assert_eq "$(cat "$WORK/probe-dns/daemon.link")" "../run/systemd/resolve/stub-resolv.conf" "the daemon's link"
grep '"type":"step"' "$WORK/dns-other.json" | grep '"name":"dns"' | grep -q '"status":"ok"' \
  || fail "dns step not ok for another link: $(grep '"name":"dns"' "$WORK/dns-other.json")"
assert_eq "$(cat "$WORK/probe-dns/other.link")" "" "/etc/resolv.conf is a file now, not a link"
assert_eq "$(cat "$WORK/probe-dns/other.bak")" "resolv.conf.static" "the replaced link, kept as the backup"
assert_contains "$WORK/probe-dns/other.resolv" "^nameserver 198.51.100.53$"
assert_eq "$(cat "$WORK/probe-dns/other.static")" "nameserver 203.0.113.53" "the link's old target, untouched"

# 5. run --mirror refuses a guest address that cannot work, before starting anything.
BRIDGE_WRAP="ip netns exec $NS" bridge_run own --timeout 60 --mirror br0 --guest-ip 192.0.2.1/24 -- \
  "$UML_KERNEL" mem=64M "ubd0=$WORK/plain.img" root=/dev/ubda rw init=/init eth0=tuntap,tap0
assert_eq "$BRIDGE_STATUS" 2 "run --mirror with the host's own address"
assert_contains "$WORK/own.log" "is the host's own address on br0"
assert_not_contains "$WORK/own.log" "started"

# 6. --down moves the address and routes back, removes what net-setup made, and the
# namespace is as it was (the routes with their metric and origin).
nsx "$UML_BRIDGE" net-setup --bridge br0 --down > "$WORK/down.out" || fail "net-setup --down failed"
assert_contains "$WORK/down.out" "address 192.0.2.1/24: now on up0"
assert_contains "$WORK/down.out" "removed tap0"
assert_contains "$WORK/down.out" "removed br0"
snapshot > "$WORK/ns-after.txt"
diff -u "$WORK/ns-before.txt" "$WORK/ns-after.txt" || fail "the namespace differs after net-setup --down"
nsx "$UML_BRIDGE" net-setup --bridge br0 --down > "$WORK/down2.out"
assert_contains "$WORK/down2.out" "nothing to undo"
