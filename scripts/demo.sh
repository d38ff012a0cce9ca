#!/bin/sh
# The main job in one command: installs what is needed, builds, makes a small busybox
# guest image with the agent baked in, boots it under `uml-bridge run` and waits until
# the agent reports ready. The exit status is uml-bridge's (0 = ready, every step ok).
set -eu
cd "$(dirname "$0")/.."
./scripts/setup-deps.sh
./scripts/build.sh
work=${DEMO_DIR:-build/demo}
rm -rf "$work" && mkdir -p "$work"
tests/e2e/make-busybox-image.sh --agent build/agent/uml-agent --out "$work/root.img"
echo "demo: booting $work/root.img (console: $work/console.log)"
exec build/host-bridge/uml-bridge run --timeout 60 --console-log "$work/console.log" -- \
  linux mem=64M "ubd0=$work/root.img" root=/dev/ubda rw init=/init
