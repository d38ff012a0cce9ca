#!/bin/sh
# Starts three UML guests from ONE root image, each on its own copy-on-write layer and
# with its own address, and waits until all three report ready (or one fails).
#
#   three-guests.sh IMAGE STATE-DIR [KERNEL-ARG...]
#   three-guests.sh --stop STATE-DIR
#
# Each guest N (1..3) gets umid=guestN, the COW layer STATE-DIR/guestN.cow over IMAGE
# (IMAGE itself is only read), uml_agent.net.address=$SUBNET.(10+N)/24 for the agent's
# network step, and the extra KERNEL-ARGs with %N replaced by N (for example
# eth0=tuntap,tap%N). Its console goes to STATE-DIR/guestN.console, uml-bridge's
# messages to STATE-DIR/guestN.log, the kernel's pid to STATE-DIR/guestN.pid.
# Environment: KERNEL (linux), MEM (128M), SUBNET (192.0.2), TIMEOUT (120), UML_BRIDGE.
# Run --stop in the same network namespace as the start: uml_mconsole gets the
# kernel's reply on an abstract socket, which another namespace does not see.
# Exit status: 0 when all three are ready, else the first failing uml-bridge status.
set -eu
bridge=${UML_BRIDGE:-uml-bridge}

if [ "${1:-}" = --stop ]; then
  state=$2
  for n in 1 2 3; do
    pid=$(cat "$state/guest$n.pid" 2>/dev/null) || continue
    # A clean halt through the guest's mconsole; failing that, the bridge started each
    # kernel in its own process group: stop exactly that group, while its leader is
    # still this guest's kernel (a pidfile may be older than a reboot of the host).
    # No "--" for kill: dash's (sh on Debian) rejects it.
    timeout 10 uml_mconsole "guest$n" halt >/dev/null 2>&1 && continue
    tr '\0' '\n' <"/proc/$pid/cmdline" 2>/dev/null | grep -qx "umid=guest$n" || continue
    kill -TERM "-$pid" 2>/dev/null || true
  done
  exit 0
fi

[ $# -ge 2 ] || { echo "usage: $0 IMAGE STATE-DIR [KERNEL-ARG...] | --stop STATE-DIR" >&2; exit 2; }
image=$1 state=$2
shift 2
mkdir -p "$state"
pids=""
for n in 1 2 3; do
  name=guest$n
  extra=""
  for arg in "$@"; do extra="$extra $(printf '%s' "$arg" | sed "s/%N/$n/g")"; done
  # shellcheck disable=SC2086 # $extra holds whole arguments, split on purpose
  "$bridge" run --detach --timeout "${TIMEOUT:-120}" --cow "$state/$name.cow" \
    --pidfile "$state/$name.pid" --console-log "$state/$name.console" -- \
    "${KERNEL:-linux}" mem="${MEM:-128M}" "ubd0=$image" root=/dev/ubda rw "umid=$name" \
    "uml_agent.net.address=${SUBNET:-192.0.2}.$((10 + n))/24" $extra \
    >"$state/$name.log" 2>&1 &
  pids="$pids $!"
done

status=0 n=0
for pid in $pids; do
  n=$((n + 1))
  if wait "$pid"; then
    echo "guest$n: ready (pid $(cat "$state/guest$n.pid"))"
  else
    code=$?
    echo "guest$n: not ready (uml-bridge exit $code), see $state/guest$n.log" >&2
    [ "$status" = 0 ] && status=$code
  fi
done
exit "$status"
