# Helpers for the end-to-end tests. Each test script sources this file, calls
# e2e_begin NAME, builds what it needs under $WORK, and fails through `fail`.
# Everything a test starts (guests, namespaces, taps) is cleaned up by its own ids.
set -eu

E2E_DIR=$(cd "$(dirname "$0")" && pwd)
: "${UML_AGENT:?set UML_AGENT to the built uml-agent}"
: "${UML_BRIDGE:?set UML_BRIDGE to the built uml-bridge}"
: "${UML_KERNEL:=linux}"
CLEANUPS=""

e2e_begin() {
  TEST_NAME=$1
  WORK=${E2E_WORK:-${TMPDIR:-/tmp}}/uml-e2e.$TEST_NAME.$$
  rm -rf "$WORK" && mkdir -p "$WORK"
  trap e2e_cleanup EXIT
  # dash runs the EXIT trap on exit only: an interrupted test exits, so it cleans up.
  trap 'exit 130' INT
  trap 'exit 143' TERM
  trap 'exit 129' HUP
  echo "== $TEST_NAME (work dir $WORK)"
  start_watchdog
}

# ctest's TIMEOUT (CMake 3.25) SIGKILLs the sh alone: no trap runs, and the test's
# namespaces, taps and guests stay. $E2E_WATCHDOG seconds (set below the TIMEOUT in
# tests/e2e/CMakeLists.txt) after the start, a watchdog sends SIGTERM to this shell,
# whose TERM trap cleans up. A trap waits for the foreground command to end, so the
# watchdog also sends SIGTERM to this shell's children (by their parent's pid: a
# running uml-bridge stops its guest and exits). It is stopped at exit by its own pid,
# and it kills its own sleep; it holds none of ctest's output pipes.
start_watchdog() {
  WATCHDOG_PID=""
  [ -n "${E2E_WATCHDOG:-}" ] || return 0
  (
    trap 'kill "$nap" 2>/dev/null; exit 0' TERM
    sleep "$E2E_WATCHDOG" &
    nap=$!
    wait "$nap"
    echo "$E2E_WATCHDOG" > "$WORK/watchdog-fired"
    kill -TERM $$
    pkill -TERM -P $$
  ) </dev/null >/dev/null 2>&1 &
  WATCHDOG_PID=$!
}

# Registers a shell command to run at exit (last registered runs first).
on_exit() { CLEANUPS="$1
$CLEANUPS"; }

e2e_cleanup() {
  status=$?
  [ -z "${WATCHDOG_PID:-}" ] || kill "$WATCHDOG_PID" 2>/dev/null || true
  if [ -f "$WORK/watchdog-fired" ]; then
    echo "FAIL: $TEST_NAME still running after $(cat "$WORK/watchdog-fired") s (E2E_WATCHDOG): stopped, cleaning up" >&2
    [ "$status" = 0 ] && status=143
  fi
  echo "$CLEANUPS" | while IFS= read -r command; do
    [ -n "$command" ] && eval "$command" >/dev/null 2>&1 || true
  done
  if [ "$status" = 0 ] && [ -z "${E2E_KEEP:-}" ]; then rm -rf "$WORK"; fi
  [ "$status" = 0 ] && echo "== $TEST_NAME: PASS" || echo "== $TEST_NAME: FAIL (work dir kept: $WORK)"
  exit "$status"
}

fail() {
  echo "FAIL: $*" >&2
  for log in "$WORK"/*.log; do
    [ -f "$log" ] || continue
    echo "--- last lines of $log" >&2
    tail -n 25 "$log" >&2
  done
  exit 1
}

assert_eq() { [ "$1" = "$2" ] || fail "${3:-values differ}: expected [$2], got [$1]"; }
assert_contains() { grep -q -- "$2" "$1" || fail "${3:-$1 lacks [$2]}"; }
# A file that cannot be read (missing, say) fails it: grep's status 2 is no "not found".
assert_not_contains() {
  search_status=0
  grep -q -- "$2" "$1" || search_status=$?
  case $search_status in
    0) fail "${3:-$1 has [$2]}" ;;
    1) ;;
    *) fail "cannot search $1 for [$2] (grep exit $search_status)" ;;
  esac
}

# busybox_image IMG [make-busybox-image options...]
busybox_image() {
  img=$1
  shift
  "$E2E_DIR/make-busybox-image.sh" --agent "$UML_AGENT" --out "$img" "$@"
}

# bridge_run NAME [bridge options...] -- [kernel args...]: runs uml-bridge run with
# the kernel, JSON events in $WORK/NAME.json, progress in $WORK/NAME.log, console in
# $WORK/NAME.console.log; sets BRIDGE_STATUS. $BRIDGE_WRAP, when set, is a command
# prefix (e.g. "ip netns exec NAME") the bridge runs under.
bridge_run() {
  name=$1
  shift
  for attempt in 1 2; do
    set +e
    ${BRIDGE_WRAP:-} "$UML_BRIDGE" run --json --console-log "$WORK/$name.console.log" "$@" \
      >"$WORK/$name.json" 2>"$WORK/$name.log"
    BRIDGE_STATUS=$?
    set -e
    # Seen once on a loaded machine: the UML kernel itself failed to open its root disk
    # ("error -12", out of memory) and panicked before any of our code ran. That boot
    # says nothing about the product: boot once more, and say so.
    grep -q 'VFS: Cannot open root device' "$WORK/$name.console.log" 2>/dev/null || break
    [ "$attempt" = 2 ] && break
    echo "note: $name: the kernel could not open its root disk; booting once more" >&2
    mv "$WORK/$name.console.log" "$WORK/$name.first-boot.console.log"
  done
  # Split the options from "-- kernel args" again: the kernel goes right after "--".
  return 0
}

# probe_boot NAME IMAGE [kernel args...]: boots IMAGE as ubd0 (busybox init) under
# `uml-bridge run` with the further kernel args; expects exit ${BOOT_STATUS:-0} (and,
# for 0, a ready event that is ok) and the observations the guest writes into $PROBE,
# which are then kept in $WORK/NAME.probe.
probe_boot() {
  name=$1 image=$2
  shift 2
  rm -rf "${PROBE:?}"/* && mkdir -p "$PROBE"
  on_exit "stop_guest_of $name"
  bridge_run "$name" --timeout 90 -- "$UML_KERNEL" mem=64M "ubd0=$image" root=/dev/ubda rw init=/init "$@"
  assert_eq "$BRIDGE_STATUS" "${BOOT_STATUS:-0}" "bridge exit status of $name"
  [ "${BOOT_STATUS:-0}" != 0 ] || ready_event "$name" | grep -q '"ok":true' ||
    fail "$name: ready event not ok: $(ready_event "$name")"
  [ -f "$PROBE/fstab" ] || fail "$name: the guest wrote no observations"
  rm -rf "$WORK/$name.probe" && cp -a "$PROBE" "$WORK/$name.probe"
}

# The ready event (one JSON line) of a run, or empty.
ready_event() { grep '"type":"ready"' "$WORK/$1.json" | tail -n 1; }

# A directory the guest writes its observations into (mounted there as hostfs).
probe_dir() { mkdir -p "$WORK/probe" && echo "$WORK/probe"; }

# The kernel pid the bridge reported for run NAME ("started ... as pid N").
guest_pid() { sed -n 's/.*started .* as pid \([0-9]*\).*/\1/p' "$WORK/$1.log" | head -n 1; }

# proc_start PID: when PID started (clock ticks since boot, /proc/PID/stat field 22),
# empty once it is gone; the fields are counted after the ")" that ends its name.
proc_start() {
  sed -n 's/.*) //p' "/proc/$1/stat" 2>/dev/null | cut -d' ' -f20
}

# kill_guest_group PID [START]: kills the process group a guest kernel PID leads (never
# by name), unless PID is now another process: one that started at another time than
# START (proc_start, taken when the guest was started), or without START, one that
# runs another program than the kernel: a guest long gone may have left its pid to
# someone else. (A zombie's or a gone leader's group is still the guest's: its pid is
# not reused while the group lives.)
kill_guest_group() {
  [ -n "$1" ] || return 0
  now=$(proc_start "$1")
  if [ -n "${2:-}" ]; then
    [ -z "$now" ] || [ "$now" = "$2" ] || return 0
  else
    exe=$(readlink -f "/proc/$1/exe" 2>/dev/null) || exe=""
    [ -z "$exe" ] || [ "$exe" = "$(readlink -f "$(command -v "$UML_KERNEL")")" ] || return 0
  fi
  # No "--": dash's kill (sh on Debian) rejects it and would leave the guest running.
  kill -KILL "-$1" 2>/dev/null || true
}

# Stops a guest a run left behind, by its own process group.
stop_guest_of() { kill_guest_group "$(guest_pid "$1")"; }

guest_alive() {
  pid=$(guest_pid "$1")
  [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null
}

# start_guest NAME KERNEL-ARGS...: starts a kernel the way a user's own start script
# would (no bridge), in its own session; GUEST_PID is its pid, the console goes to
# $WORK/NAME.console.log, and it is stopped at exit by its process group.
start_guest() {
  name=$1
  shift
  setsid "$UML_KERNEL" "$@" </dev/null >"$WORK/$name.console.log" 2>&1 &
  GUEST_PID=$!
  on_exit "kill_guest_group $GUEST_PID $(proc_start $GUEST_PID)"
}

# wait_exit PID SECONDS: true once PID is gone, false if it is still there after SECONDS.
wait_exit() {
  i=0
  while kill -0 "$1" 2>/dev/null; do
    i=$((i + 1))
    [ "$i" -gt $(($2 * 10)) ] && return 1
    sleep 0.1
  done
}

# bridge_wait NAME [wait options...]: runs uml-bridge wait; like bridge_run.
bridge_wait() {
  name=$1
  shift
  set +e
  "$UML_BRIDGE" wait --json "$@" >"$WORK/$name.json" 2>"$WORK/$name.log"
  BRIDGE_STATUS=$?
  set -e
}

# The changes step STEP listed in run NAME's ready event, one JSON string per line
# (empty when none). Relies on the agent's JSON keys being sorted (nlohmann's
# default): {"changes":[...],"duration_us":N,"name":"STEP",...}.
# A run without a ready event, or a ready event without step STEP, fails the test; in
# a command substitution or a pipeline (a subshell, whose `fail` ends only itself) it
# prints a line naming the problem instead of changes, so that no comparison with ""
# or with an expected change can pass.
ready_step_changes() {
  step_object=$(ready_event "$1" |
    grep -o "\"changes\":\[[^]]*\],\"duration_us\":[0-9]*,\"name\":\"$2\"") || true
  if [ -z "$step_object" ]; then
    echo "(no step $2 in the ready event of $1)"
    fail "$1: no step $2 in the ready event: $(ready_event "$1")"
  fi
  printf '%s\n' "$step_object" |
    sed 's/^"changes":\[//; s/\],"duration_us".*//; s/","/"\n"/g'
}

# The status ("ok", "failed", "skipped") of step STEP in run NAME's ready event.
ready_step_status() {
  ready_event "$1" | grep -o "\"name\":\"$2\",[^}]*\"status\":\"[a-z]*\"" |
    sed 's/.*"status":"\([a-z]*\)"/\1/'
}
