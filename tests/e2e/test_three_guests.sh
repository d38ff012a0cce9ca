#!/bin/sh
# Several guests from one image: examples/three-guests.sh starts three guests on COW
# layers over one busybox image, each with its own address on a bridge in a network
# namespace of the test's own; all three report ready with the agent's net step ok
# (nothing else in the image configures eth0), answer ping at their address,
# and the shared image is unchanged. A fourth run shows the preflight seeing the
# running guests (memory sum, backing file shared, a COW layer in use refused).
. "$(dirname "$0")/lib.sh"
e2e_begin three_guests
: "${UMLA_SOURCE_DIR:?set UMLA_SOURCE_DIR to the source tree}"
# A UML directory (~/.uml) of the test's own, so "running guests" are exactly its own.
export HOME="$WORK/home"
mkdir -p "$HOME"

# Nothing in the image configures eth0: the address given as uml_agent.net.address=
# is set by the agent's net step alone. After the agent's ready the guest shows what
# it has on eth0 and stays up.
cat > "$WORK/stay.sh" <<'STAY'
echo "guest cmdline: $(cat /proc/cmdline)"
echo "guest eth0: $(ip -4 -o addr show dev eth0)"
sleep 600
STAY
busybox_image "$WORK/shared.img" --after "$WORK/stay.sh"
sum_before=$(md5sum < "$WORK/shared.img")

ns=umla-e2e-3g-$$
ip netns add "$ns"
on_exit "ip netns del $ns"
in_ns() { ip netns exec "$ns" "$@"; }
in_ns ip link set lo up
in_ns ip link add br0 type bridge
in_ns ip addr add 192.0.2.1/24 dev br0
in_ns ip link set br0 up
for n in 1 2 3; do
  in_ns ip tuntap add dev "tap$n" mode tap
  in_ns ip link set "tap$n" master br0 up
done

state=$WORK/guests
mkdir -p "$state"
for n in 1 2 3; do
  on_exit "[ -s $state/guest$n.pid ] && kill_guest_group \"\$(cat $state/guest$n.pid)\""
done
set +e
in_ns env UML_BRIDGE="$UML_BRIDGE" KERNEL="$UML_KERNEL" MEM=96M SUBNET=192.0.2 TIMEOUT=90 \
  "$UMLA_SOURCE_DIR/examples/three-guests.sh" "$WORK/shared.img" "$state" init=/init \
  "eth0=tuntap,tap%N" >"$WORK/script.log" 2>&1
status=$?
set -e
cat "$WORK/script.log"
assert_eq "$status" 0 "three-guests.sh exit status"
for n in 1 2 3; do
  assert_contains "$WORK/script.log" "guest$n: ready (pid "
  kill -0 "$(cat "$state/guest$n.pid")" || fail "guest$n is not running"
  [ -s "$state/guest$n.cow" ] || fail "no COW layer for guest$n"
  assert_contains "$state/guest$n.console" "uml_agent.net.address=192.0.2.1$n/24"
  # The agent's net step ran (not skipped), changed something and did not fail, and the
  # guest's ready said every step was ok; the address it set is on eth0.
  grep -q ': step net ok ([1-9][0-9]* changes' "$state/guest$n.log" ||
    fail "guest$n: the net step did not configure eth0: $(grep 'step net' "$state/guest$n.log")"
  assert_contains "$state/guest$n.log" "ready: every step ok"
  # (the guest prints it after ready, which is when the bridge returned)
  i=0
  until grep -q "guest eth0:" "$state/guest$n.console"; do
    i=$((i + 1))
    [ "$i" -le 300 ] || fail "guest$n did not show eth0 within 30 s after ready"
    sleep 0.1
  done
  assert_contains "$state/guest$n.console" "guest eth0: .* inet 192.0.2.1$n/24 "
  in_ns ping -c 1 -W 5 "192.0.2.1$n" >/dev/null || fail "guest$n does not answer at 192.0.2.1$n"
done

# A fourth guest over the same image: the preflight counts the three running guests'
# memory and does not e2fsck the backing file they share; a COW layer in use is refused.
on_exit "stop_guest_of fourth"
bridge_run fourth --detach --cow "$state/guest4.cow" --timeout 60 -- "$UML_KERNEL" \
  mem=64M "ubd0=$WORK/shared.img" root=/dev/ubda rw init=/init
assert_eq "$BRIDGE_STATUS" 0 "a fourth guest over the same image"
assert_contains "$WORK/fourth.log" "backing image $WORK/shared.img is shared with guest guest"
assert_contains "$WORK/fourth.log" "this guest 64 MiB, 3 running guest(s) 288 MiB"
bridge_run taken --cow "$state/guest2.cow" --timeout 60 -- "$UML_KERNEL" \
  mem=64M "ubd0=$WORK/shared.img" root=/dev/ubda rw init=/init
assert_eq "$BRIDGE_STATUS" 2 "a COW layer a running guest uses"
assert_contains "$WORK/taken.log" "ubd0 COW file $state/guest2.cow is in use by guest guest2"
stop_guest_of fourth

# --stop halts the three through their mconsole; the shared image never changed.
# (in the namespace: uml_mconsole gets its reply on a socket there)
in_ns "$UMLA_SOURCE_DIR/examples/three-guests.sh" --stop "$state"
for n in 1 2 3; do
  wait_exit "$(cat "$state/guest$n.pid")" 30 || fail "guest$n still running after --stop"
done
assert_eq "$(md5sum < "$WORK/shared.img")" "$sum_before" "the shared image changed"
