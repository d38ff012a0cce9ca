#!/bin/sh
# Benchmarks (docs/benchmarks.md): what the agent costs a boot, how fast the host sees
# ready, how far one bridge scales. Needs root (a network namespace for eth0).
#   scripts/bench.sh [BOOTS]      default 20 boots of each variant
# Prints a Markdown report and keeps it in build/bench/report.md.
set -eu
cd "$(dirname "$0")/.."
boots=${1:-20}
[ -x build/agent/uml-agent ] || ./scripts/build.sh
cmake --build build -j "$(nproc)" --target protocol_bench bridge_scale uml_costs uml_faults >/dev/null
work=$(pwd)/build/bench
rm -rf "$work" && mkdir -p "$work"
agent=build/agent/uml-agent
bridge=$(pwd)/build/host-bridge/uml-bridge
ns=umla-bench-$$
tracer=""
cleanup() {
  ip netns del "$ns" 2>/dev/null || true
  if [ -n "$tracer" ]; then kill "$tracer" 2>/dev/null || true; fi
}
trap cleanup EXIT

# The same fixups two ways, on an old image (static /dev with ubd minors 0..7, fstab
# naming /dev/ubd/1 as swap, no hostfs entry), with eth0 on a tap in a namespace.
# The guest's printk clock ticks in 10 ms steps, so the window is timed with
# adjtimex(2) (microseconds); a second empty window measures the timing floor.
cat > "$work/agent.sh" <<'X'
adjtimex > /run/t0
/sbin/uml-agent boot
adjtimex > /run/t1
adjtimex > /run/t2
adjtimex > /run/t3
/sbin/uml-costs --exit
adjtimex > /run/t4
/sbin/uml-costs
X
# The shell way, as a file of its own: sourced in the timed window (no extra shell),
# run by uml-faults in the counted boots.
cat > "$work/fixups.sh" <<'X'
rm -f /dev/ubd/0 /dev/ubd/1; mknod /dev/ubd/0 b 98 0; mknod /dev/ubd/1 b 98 16
mknod /dev/ubda b 98 0; mknod /dev/ubdb b 98 16; mknod /dev/ubd0 b 98 0; mknod /dev/ubd1 b 98 16
sed -i 's|^/dev/ubd/1[ 	].*|/dev/ubdb none swap sw 0 0|' /etc/fstab
grep -q hostfs /etc/fstab || echo "none /mnt/host hostfs defaults 0 0" >> /etc/fstab
mkdir -p /mnt/host
swapon /dev/ubdb
mount -t hostfs none /mnt/host
ifconfig eth0 192.0.2.2 netmask 255.255.255.0 broadcast 192.0.2.255 up
route add default gw 192.0.2.254
printf 'nameserver 198.51.100.53\nsearch example.test\n' > /etc/resolv.conf
mkdir -p /lib/modules; mount -t hostfs -o ro,/usr/lib/uml/modules none /lib/modules
X
cat > "$work/shell.sh" <<'X'
adjtimex > /run/t0
. /etc/bench-fixups.sh
adjtimex > /run/t1
adjtimex > /run/t2
adjtimex > /run/t3
/sbin/uml-costs --exit
adjtimex > /run/t4
X
# Each variant's boot script does its fixups, prints the window and powers off.
for variant in agent shell; do
  cat >> "$work/$variant.sh" <<'X'
between() { awk '/tv_sec/{s[FILENAME]=$2} /tv_usec/{u[FILENAME]=$2}
  END{printf "%d", (s[ARGV[2]]-s[ARGV[1]])*1000000 + u[ARGV[2]]-u[ARGV[1]]}' "$1" "$2"; }
at() { awk '/tv_sec/{s=$2} /tv_usec/{u=$2} END{printf "%d%06d", s, u}' "$1"; }
echo "bench: window_us=$(between /run/t0 /run/t1) floor_us=$(between /run/t1 /run/t2) empty_us=$(between /run/t3 /run/t4) t0_us=$(at /run/t0) t1_us=$(at /run/t1)"
poweroff -f
X
done
printf '/dev/ubd/0 / ext4 defaults 0 1\n/dev/ubd/1 none swap sw 0 0\n' > "$work/fstab"
printf '{"dns": {"nameservers": "198.51.100.53", "search": "example.test"}}\n' > "$work/config.json"
# Counted boots (untimed): the page faults and syscalls of the same work, each a host
# round trip in UML, measures that do not depend on how fast the machine is that day.
printf '/sbin/uml-faults /sbin/uml-agent boot\npoweroff -f\n' > "$work/counted-agent.sh"
printf '/sbin/uml-faults /bin/sh /etc/bench-fixups.sh\npoweroff -f\n' > "$work/counted-shell.sh"
for variant in agent shell counted-agent counted-shell; do
  tests/e2e/make-busybox-image.sh --agent "$agent" --out "$work/$variant.img" --static-dev \
    --before "$work/$variant.sh" --add "$work/fstab=/etc/fstab" \
    --add "$work/config.json=/etc/uml-agent/config.json" \
    --add "$work/fixups.sh=/etc/bench-fixups.sh" \
    --add "$(pwd)/build/tests/bench/uml_faults=/sbin/uml-faults" \
    --add "$(pwd)/build/tests/bench/uml_costs=/sbin/uml-costs" >/dev/null
done
rm -f "$work/swap.img" && truncate -s 32M "$work/swap.img" && mkswap -q "$work/swap.img" 2>/dev/null || mkswap "$work/swap.img" >/dev/null

ip netns add "$ns"
ip -n "$ns" tuntap add dev tap0 mode tap
ip -n "$ns" addr add 192.0.2.1/24 dev tap0
ip -n "$ns" link set tap0 up
ip -n "$ns" link set lo up

boot_once() {  # VARIANT RUN [again]: a first boot of a fresh copy, or (again) the next
  name="$1-$2"
  if [ "${3:-}" = again ]; then name="again-$1-$2"; else cp "$work/$1.img" "$work/run.img"; fi
  ip netns exec "$ns" "$bridge" run --json --timeout 60 --console-log "$work/$name.console" -- \
    linux mem=64M "ubd0=$work/run.img" "ubd1=$work/swap.img" root=/dev/ubda rw init=/init \
    devtmpfs.mount=0 printk.time=1 eth0=tuntap,tap0 con=null con0=fd:0,fd:1 \
    uml_agent.net.address=192.0.2.2/24 uml_agent.net.gateway=192.0.2.254 \
    >"$work/$name.json" 2>"$work/$name.log" || true
}
# field NAME FILE: the value of NAME=... on the guest's "bench:" line.
field() { sed -n "s|^bench: .*$1=\([0-9]*\).*|\1|p" "$2" | head -n 1; }
# The host's part of the detection latency, on the host's clock alone (bpftrace, when
# this host lets it trace; tests/bench/host_latency.bt): a frame leaving the UML kernel
# to the bridge's event for it.
if command -v bpftrace >/dev/null 2>&1 || apt-get install -y -q bpftrace >/dev/null 2>&1; then
  [ -e /sys/kernel/tracing/events ] || mount -t tracefs nodev /sys/kernel/tracing 2>/dev/null || true
  bpftrace tests/bench/host_latency.bt >"$work/trace.txt" 2>"$work/trace.err" &
  tracer=$!
  t=0
  while [ "$t" -lt 60 ] && ! grep -q Attaching "$work/trace.txt" "$work/trace.err" &&
    kill -0 "$tracer" 2>/dev/null; do
    sleep 0.5; t=$((t + 1))
  done
fi
i=1
while [ "$i" -le "$boots" ]; do
  for variant in agent shell; do
    boot_once "$variant" "$i"
    c="$work/$variant-$i.console"
    window=$(field window_us "$c")
    floor=$(field floor_us "$c")
    [ -n "$window" ] && echo "$window $floor" >> "$work/$variant.times"
    # An empty static program in the same boot (the first exec of its binary, as the
    # agent's is): what starting any static program costs.
    empty=$(field empty_us "$c")
    [ -n "$empty" ] && [ -n "$floor" ] && echo "$((empty - floor))" >> "$work/empty.times"
    if [ "$variant" = agent ] && [ -n "$window" ] && [ -n "$empty" ]; then
      echo "$((window - empty))" >> "$work/agent-own.times"
    fi
    # The same image booted again: what each way costs on every later boot, the fixups
    # on disk already (swap, mounts and eth0 are still to do).
    boot_once "$variant" "$i" again
    window=$(field window_us "$work/again-$variant-$i.console")
    [ -n "$window" ] && echo "$window" >> "$work/again-$variant.times"
    if [ "$variant" = agent ]; then
      grep '"type":"ready"' "$work/again-agent-$i.json" >> "$work/again-ready.jsonl" || true
      grep '"type":"ready"' "$work/agent-$i.json" >> "$work/ready.jsonl" || true
      grep -o 'uml-costs: .*' "$c" | tr -d '\r' >> "$work/costs.txt" || true
      # Around the report, on the guest's clock only: exec to hello, ready to exit.
      t0=$(field t0_us "$c") t1=$(field t1_us "$c")
      hello_at=$(grep -o '"type":"hello","wall_us":[0-9]*' "$work/agent-$i.json" | grep -o '[0-9]*$' || true)
      ready_at=$(grep '"type":"ready"' "$work/agent-$i.json" | grep -o '"wall_us":[0-9]*' | grep -o '[0-9]*$' || true)
      if [ -n "$t0" ] && [ -n "$hello_at" ] && [ -n "$ready_at" ] && [ -n "$floor" ]; then
        echo "$((hello_at - t0)) $((t1 - ready_at))" >> "$work/around.times"
      fi
    fi
  done
  i=$((i + 1))
done
if [ -n "$tracer" ]; then kill -INT "$tracer" 2>/dev/null || true; wait "$tracer" || true; tracer=""; fi
for variant in counted-agent counted-shell; do
  for i in 1 2 3; do
    boot_once "$variant" "$i"
    grep -o 'uml-faults: .*' "$work/$variant-$i.console" | tr -d '\r' >> "$work/$variant.faults" || true
  done
done

stats() {  # prints "median p95" of the numbers on stdin (any unit)
  sort -n | awk '{v[NR]=$1} END {if (NR==0) {print "n/a n/a"; exit}
    m=v[int((NR+1)/2)]; p=v[int(NR*0.95+0.999)]; if (p=="") p=v[NR]; print m, p}'
}
ms() { awk '{printf "%.2f ms", $1*1000}'; }
row() { set -- $(cat); printf '| %s | %s |' "$(echo "$1" | ms)" "$(echo "$2" | ms)"; }

touch "$work/counted-agent.faults" "$work/counted-shell.faults"
counted() {  # VARIANT NAME: the median of NAME=... over its counted boots
  sed -n "s/.*$2=\([0-9]*\).*/\1/p" "$work/$1.faults" | stats | cut -d' ' -f1
}
faults() {  # VARIANT: median minor and major faults of its counted boots
  echo "$(counted "$1" minor) minor, $(counted "$1" major) major"
}
touch "$work/empty.times" "$work/agent-own.times" "$work/agent.times" "$work/shell.times" "$work/ready.jsonl" "$work/costs.txt" "$work/around.times" \
  "$work/again-agent.times" "$work/again-shell.times" "$work/again-ready.jsonl"
cost() { sed -n "s/.*$1=\([0-9]*\).*/\1/p" "$work/costs.txt" | stats | cut -d' ' -f1; }
floor_median=$(awk '{print $2}' "$work/agent.times" "$work/shell.times" | stats | cut -d' ' -f1)
kernel=$(grep -o '"since_boot_us":[0-9]*' "$work"/agent-*.json | cut -d: -f3 | awk '{print $1/1e6}' | stats | row)
agent_cost=$(awk '{print $1/1e6}' "$work/agent.times" | stats | row)
shell_cost=$(awk '{print $1/1e6}' "$work/shell.times" | stats | row)
floor=$(awk '{print $2/1e6}' "$work/agent.times" "$work/shell.times" | stats | row)
agent_median=$(awk '{print $1}' "$work/agent.times" | stats | cut -d' ' -f1)
shell_median=$(awk '{print $1}' "$work/shell.times" | stats | cut -d' ' -f1)
ratio=$(awk -v a="$agent_median" -v s="$shell_median" 'BEGIN{if (a+0>0) printf "%.2f", s/a; else print "n/a"}')
# Both windows include one stamp process (the floor): without it on either side.
net_ratio=$(awk -v a="$agent_median" -v s="$shell_median" -v f="$floor_median" \
  'BEGIN{if (a+0>f+0) printf "%.2f", (s-f)/(a-f); else print "n/a"}')
again_agent=$(awk '{print $1/1e6}' "$work/again-agent.times" | stats | row)
again_shell=$(awk '{print $1/1e6}' "$work/again-shell.times" | stats | row)
again_total=$(grep -o '"total_us":[0-9]*' "$work/again-ready.jsonl" | cut -d: -f2 | awk '{print $1/1e6}' | stats | row)
again_ok=$(grep -c '"ok":true' "$work/again-ready.jsonl" || true)
again_a=$(stats < "$work/again-agent.times" | cut -d' ' -f1)
again_s=$(stats < "$work/again-shell.times" | cut -d' ' -f1)
again_ratio=$(awk -v a="$again_a" -v s="$again_s" -v f="$floor_median" \
  'BEGIN{if (a+0>f+0) printf "%.2fx (%.2fx with the floor taken from both)", s/a, (s-f)/(a-f); else print "n/a"}')
empty_cost=$(awk '{print $1/1e6}' "$work/empty.times" | stats | row)
agent_own=$(awk '{print $1/1e6}' "$work/agent-own.times" | stats | row)
before_hello=$(awk '{print $1/1e6}' "$work/around.times" | stats | row)
after_ready=$(awk '{print $2/1e6}' "$work/around.times" | stats | row)
total_us=$(grep -o '"total_us":[0-9]*' "$work/ready.jsonl" | cut -d: -f2 | awk '{print $1/1e6}' | stats | row)
latency=$(grep -o '"host_latency_us":[0-9]*' "$work/ready.jsonl" | cut -d: -f2 | awk '{print $1/1e6}' | stats | row)
# spread: "N events: median, p95, p99, max" of the microseconds on stdin.
spread() {
  sort -n | awk '{v[NR]=$1} END {if (NR==0) {print "n/a"; exit}
    printf "%d events: median %.2f ms, p95 %.2f ms, p99 %.2f ms, max %.2f ms", NR,
      v[int((NR+1)/2)]/1000, v[int(NR*0.95+0.999)]/1000, v[int(NR*0.99+0.999)]/1000, v[NR]/1000}'
}
# Every event of every agent boot (hello, steps, ready): enough samples for a p99.
all_latency=$(cat "$work"/agent-*.json | grep -o '"host_latency_us":[0-9]*' | cut -d: -f2 | spread)
# wall_us is the guest's clock, which a UML kernel sets from the host's once at boot:
# each boot carries its own constant offset (seen up to ~20 ms). Each event's latency
# above its own boot's fastest event is free of that offset.
jitter=$(for f in "$work"/agent-*.json; do
    grep -o '"host_latency_us":[0-9]*' "$f" | cut -d: -f2 | sort -n | awk 'NR==1{m=$1} {print $1-m}'
  done | spread)
# Frames and events of one bridge pair up in order; a boot whose counts differ is left
# out. Whole: from the agent's write trapping into the UML kernel; host: from the frame
# leaving that kernel.
host_part="not measured (bpftrace could not trace on this host: $work/trace.err)"
whole_latency="$host_part"
if [ -s "$work/trace.txt" ] && grep -q '^frame' "$work/trace.txt"; then
  pairs() {  # FIELD: the microseconds from frame field FIELD (2: leaving, 4: the trap)
    awk -v from="$1" '$1=="frame"{f[$3,++nf[$3]]=$from} $1=="event"{e[$3,++ne[$3]]=$2}
      END{for (b in nf) if (nf[b]==ne[b]) for (i=1;i<=nf[b];i++)
        if (f[b,i] > 0) print (e[b,i]-f[b,i])/1000}' "$work/trace.txt" | spread
  }
  host_part=$(pairs 2)
  whole_latency=$(pairs 4)
fi
rss=$(grep -o '"max_rss_kb":[0-9]*' "$work/ready.jsonl" | cut -d: -f2 | sort -n | tail -n 1)
ok_runs=$(grep -c '"ok":true' "$work/ready.jsonl" || true)
steps=$(grep -o '"duration_us":[0-9]*,"name":"[a-z_:]*"' "$work/ready.jsonl" | sed 's/"duration_us":\([0-9]*\),"name":"\(.*\)"/\2 \1/' | sort -u -k1,1 | cut -d' ' -f1)

# Scale: K real guests started together, one `uml-bridge wait` for all of them.
k=8
channels=""
tests/e2e/make-busybox-image.sh --agent "$agent" --out "$work/plain.img" >/dev/null
pids=""
j=1
while [ "$j" -le "$k" ]; do
  cp "$work/plain.img" "$work/plain-$j.img"
  rm -f "$work/g$j.fifo" && mkfifo "$work/g$j.fifo"
  setsid linux mem=64M "ubd0=$work/plain-$j.img" root=/dev/ubda rw init=/init con=null \
    con7=null,fd:3 3<>"$work/g$j.fifo" </dev/null >/dev/null 2>&1 &
  pids="$pids $!"
  channels="$channels --channel fifo:$work/g$j.fifo"
  j=$((j + 1))
done
# shellcheck disable=SC2086
/usr/bin/time -f "%e %U %S %M" -o "$work/scale.time" "$bridge" wait --quiet --json --timeout 120 $channels \
  >"$work/scale.json" 2>/dev/null || true
for pid in $pids; do kill -KILL "-$pid" 2>/dev/null || true; done
read -r s_wall s_user s_sys s_rss < "$work/scale.time"
s_ready=$(grep -c '"type":"ready"' "$work/scale.json" || true)
s_per_guest=$(awk -v u="$s_user" -v s="$s_sys" -v m="$s_rss" -v k="$k" \
  'BEGIN{printf "%.0f ms CPU and at most %.0f KiB of peak RSS (the whole divided by %d)", (u+s)*1000/k, m/k, k}')

sim=$(build/tests/bench/bridge_scale 1000 5)
sim_spread=$(build/tests/bench/bridge_scale 1000 5 2000)
micro=$(build/tests/bench/protocol_bench --benchmark_min_time=0.5 2>/dev/null | grep '^BM_')
strip -o "$work/uml-agent.stripped" "$agent"
size=$(stat -c %s "$work/uml-agent.stripped")

{
  echo "## Results ($(date -u +%Y-%m-%d), $boots boots per variant)"
  echo
  echo "Machine: $(nproc) cores, $(awk '/MemTotal/{printf "%.0f GiB", $2/1048576}' /proc/meminfo), $(sed -n 's/^model name.*: //p' /proc/cpuinfo | head -n 1); kernel $(linux --version 2>/dev/null | head -n 1) (UML)."
  echo
  echo "| measure | median | p95 |"
  echo "|---|---|---|"
  echo "| kernel start to agent start (hello's since_boot_us) $kernel"
  echo "| fixups by uml-agent (window around \`uml-agent boot\`, exec included) $agent_cost"
  echo "| of which: exec of \`uml-agent boot\` to its hello event $before_hello"
  echo "| of which: the agent's own total_us (first event to ready) $total_us"
  echo "| of which: ready to the window's end (the agent's exit, then one stamp as in the floor) $after_ready"
  echo "| of which any static program's: starting an empty one (\`uml-costs --exit\`: exec, glibc's start-up, exit; its window less the floor) $empty_cost"
  echo "| the agent's own: its window less the empty program's (same boot) $agent_own"
  echo "| the same fixups by a busybox shell script $shell_cost"
  echo "| host detection latency of ready (guest write to bridge event) $latency"
  echo "| timing floor (an empty window: the cost of the stamps themselves) $floor"
  echo "| later boot (the same image again): fixups by uml-agent $again_agent"
  echo "| later boot: the agent's own total_us $again_total"
  echo "| later boot: the shell script $again_shell"
  echo
  echo "Host detection latency over all events of the agent boots: $all_latency."
  echo "Above each boot's fastest event (free of the boot's own clock offset): $jitter."
  echo "On the host's clock alone (bpftrace, tests/bench/host_latency.bt): the guest's write (the agent's \`write\` trapping into the UML kernel) to the bridge's event: $whole_latency; of which the host's part (the frame leaving the UML kernel to the bridge's event): $host_part."
  echo
  echo "Shell script / agent (medians): **${ratio}x**; with the floor taken from both windows: **${net_ratio}x**. Ready runs ok: $ok_runs of $boots."
  echo
  echo "Later boots, shell script / agent (medians): $again_ratio. Ready runs ok: $again_ok of $boots."
  echo
  echo "Page faults of the whole run as the guest counts them (tests/bench/uml_faults, medians of 3 untimed boots each): \`uml-agent boot\` $(faults counted-agent); the shell script $(faults counted-shell). Each is a host round trip in UML, except the pages the agent has the guest map ahead (agent/system/prewarm.h), which count here but are mapped into the host in one go."
  echo
  echo "Syscalls of the whole run, every process it starts included (the same counted boots, under ptrace): \`uml-agent boot\` $(counted counted-agent syscalls); the shell script $(counted counted-shell syscalls). Each is a host round trip in UML too."
  echo
  echo "What the kernel charges inside these guests (tests/bench/uml_costs, medians over the boots): a syscall $(cost syscall_us) us, a fresh page $(cost page_us) us, a small file write with fsync on the ubd disk $(cost fsync_write_us) us, a fork and wait $(cost fork_us) us."
  echo
  echo "Per step (agent variant):"
  echo
  echo "| step | median | p95 |"
  echo "|---|---|---|"
  for step in $steps; do
    echo "| $step $(grep -o "\"duration_us\":[0-9]*,\"name\":\"$step\"" "$work/ready.jsonl" | sed 's/"duration_us":\([0-9]*\).*/\1/' | awk '{print $1/1e6}' | stats | row)"
  done
  echo
  echo "Agent: stripped static binary $size bytes; peak RSS during a boot ${rss:-n/a} KiB."
  echo
  echo "Scale, real guests: $k UML guests started together, one \`uml-bridge wait\`: $s_ready of $k ready events seen; all ready after ${s_wall} s wall; bridge CPU ${s_user} s user + ${s_sys} s system; bridge peak RSS ${s_rss} KiB; per guest ${s_per_guest}; the simulated guests below measure the memory a guest adds alone."
  echo
  echo "Scale, simulated guests (tests/bench/bridge_scale, one GuestSet over socketpairs; all at once, then started over 2 s):"
  echo
  echo '```'
  echo "$sim"
  echo "$sim_spread"
  echo '```'
  echo
  echo "Micro-benchmarks (tests/bench/protocol_bench):"
  echo
  echo '```'
  echo "$micro"
  echo '```'
} | tee "$work/report.md"
