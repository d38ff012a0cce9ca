#!/bin/sh
# The boot-path order of the static agent (docs/benchmarks.md, "Boot-path order").
#   scripts/boot-order.sh            trace `uml-agent boot` in a guest and rewrite
#                                    agent/boot-path.order from the functions it calls
#   scripts/boot-order.sh --faults N boot N guests, print the page faults of
#                                    `uml-agent boot` in each and their median
# Needs root (a network namespace for eth0) and a built tree (build/).
# The guest is the benchmark's: an old image where every step has work to do.
set -eu
cd "$(dirname "$0")/.."
mode=trace boots=1
if [ "${1:-}" = --faults ]; then mode=faults boots=${2:-5}; fi
cmake --build build -j 2 --target uml-agent uml-bridge boot_trace >/dev/null
agent=$(pwd)/build/agent/uml-agent
work=$(pwd)/build/boot-order
rm -rf "$work" && mkdir -p "$work"
ns=umla-order-$$
trap 'ip netns del "$ns" 2>/dev/null || true' EXIT

# Every function of the agent with a size: "address size name", one line per name.
# Addresses without leading zeros, as boot-trace writes them.
nm -S --defined-only "$agent" |
  awk '$3 ~ /^[tTwW]$/ && $2 !~ /^0+$/ {sub(/^0+/, "", $1); print $1, $2, $4}' > "$work/funcs"
awk '{print $1}' "$work/funcs" | sort -u > "$work/addresses"

if [ "$mode" = trace ]; then
  cat > "$work/before.sh" <<'X'
/sbin/boot-trace calls /etc/boot-trace/addresses /run/calls /sbin/uml-agent boot
sed 's/^/boot-trace: /' /run/calls
poweroff -f
X
  # Under breakpoints the boot is slow (a host round trip per function): no timeouts.
  slow="uml_agent.init.timeout_ms=3600000 uml_agent.channel.timeout_ms=3600000"
else
  printf '/sbin/boot-trace faults /sbin/uml-agent boot\npoweroff -f\n' > "$work/before.sh"
  slow=""
fi
printf '/dev/ubd/0 / ext4 defaults 0 1\n/dev/ubd/1 none swap sw 0 0\n' > "$work/fstab"
printf '{"dns": {"nameservers": "198.51.100.53", "search": "example.test"}}\n' > "$work/config.json"
tests/e2e/make-busybox-image.sh --agent "$agent" --out "$work/guest.img" --static-dev \
  --before "$work/before.sh" --add "$work/fstab=/etc/fstab" \
  --add "$work/config.json=/etc/uml-agent/config.json" \
  --add "$(pwd)/build/tests/bench/boot_trace=/sbin/boot-trace" \
  --add "$work/addresses=/etc/boot-trace/addresses" >/dev/null
truncate -s 32M "$work/swap.img" && mkswap "$work/swap.img" >/dev/null 2>&1
ip netns add "$ns"
ip -n "$ns" tuntap add dev tap0 mode tap
ip -n "$ns" addr add 192.0.2.1/24 dev tap0
ip -n "$ns" link set tap0 up

i=1
while [ "$i" -le "$boots" ]; do
  cp "$work/guest.img" "$work/run.img"  # a first boot each time: all the work to do
  rm -f "$work/console"
  # shellcheck disable=SC2086
  ip netns exec "$ns" build/host-bridge/uml-bridge run --json --timeout 600 \
    --console-log "$work/console" -- \
    linux mem=64M "ubd0=$work/run.img" "ubd1=$work/swap.img" root=/dev/ubda rw init=/init \
    devtmpfs.mount=0 printk.time=1 eth0=tuntap,tap0 con=null con0=fd:0,fd:1 \
    uml_agent.net.address=192.0.2.2/24 uml_agent.net.gateway=192.0.2.254 $slow \
    >"$work/events.jsonl" 2>"$work/bridge.log" || true
  tr -d '\r' < "$work/console" | sed -n 's/^boot-trace: //p' >> "$work/out"
  i=$((i + 1))
done

if [ "$mode" = faults ]; then
  cat "$work/out"
  sed -n 's/.*minflt=\([0-9]*\) majflt=\([0-9]*\).*/\1 \2/p' "$work/out" | sort -n |
    awk '{m[NR]=$1; j[NR]=$2} END {if (!NR) {print "no fault counts (see build/boot-order/console)"; exit 1}
      print "median of " NR ": minflt " m[int((NR+1)/2)] " (majflt of that boot " j[int((NR+1)/2)] ")"}'
  exit 0
fi
grep -q '^clone$' "$work/out" || { echo "boot-order: no trace (see $work/console)" >&2; exit 1; }

# The order. UML maps a process's pages into the host one fault at a time, but when a
# task starts (the agent's guarded child is a clone(CLONE_VM)) every page present in the
# guest's page tables is mapped at once; and a fault on file-backed text makes the guest
# map the whole 64 KiB window around it (fault-around). So the functions the agent's
# first process runs before the clone are packed tightly (each of their pages is a
# fault), and the child's functions are interleaved with them in chunks, so that every
# 64 KiB window the child needs was already touched by the first process: the child
# then finds its code mapped. Within each set: first-call order. (The prewarming now
# also maps the whole range ahead, agent/system/prewarm.h; the packing still keeps the
# range small.)
awk -v chunk=32768 '
  function hex(s,   i, n) {
    for (i = 1; i <= length(s); i++) n = n * 16 + index("0123456789abcdef", substr(s, i, 1)) - 1
    return n
  }
  FNR == NR { size[$1] = hex($2); names[$1] = names[$1] " " $3; next }
  $1 == "clone" { cloned = 1; next }
  seen[$2]++ { next }
  {
    # The first process, until it waits for the child, is the packed set.
    if (!cloned || (!child_ran && $1 == "main")) { p[++np] = $2; sp += size[$2] }
    else { child_ran = 1; c[++nc] = $2; sc += size[$2] }
  }
  END {
    printf "# uml-agent boot path: made by scripts/boot-order.sh, do not edit (docs/benchmarks.md).\n"
    printf "# %d functions (%d bytes) before the guarded child, %d (%d bytes) after, interleaved by %d bytes.\n", np, sp, nc, sc, chunk
    if (sp == 0 || sc == 0) { print "boot-order: no sizes for the traced functions" > "/dev/stderr"; exit 1 }
    ps = chunk * sp / (sp + sc); cs = chunk * sc / (sp + sc)
    i = j = 1
    for (k = 1; i <= np || j <= nc; k++) {
      while (i <= np && pb < k * ps) { emit(p[i]); pb += size[p[i]]; i++ }
      while (j <= nc && cb < k * cs) { emit(c[j]); cb += size[c[j]]; j++ }
    }
    # Last: the marker whose address tells the agent where this code ends, so that it
    # can have all of it mapped ahead (agent/boot_path.h).
    print "umla_boot_path_end"
  }
  function emit(a,   n, list, q) {
    n = split(names[a], list, " ")
    for (q = 1; q <= n; q++) if (!printed[list[q]]++) print list[q]
  }' "$work/funcs" "$work/out" > "$work/boot-path.order"
mv "$work/boot-path.order" agent/boot-path.order
echo "boot-order: agent/boot-path.order: $(grep -vc '^#' agent/boot-path.order) names; $(sed -n 2p agent/boot-path.order | cut -c3-)"
