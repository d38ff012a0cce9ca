#!/bin/sh
# The Debian packages: cpack builds uml-agent and uml-bridge, lintian finds no error,
# their control data and contents are what docs/ecosystem.md says, and a dpkg -i /
# dpkg -r / dpkg -P round trip works, with a guest booted by the installed programs
# in between. Installs into this machine: meant for CI (root, throwaway machine).
. "$(dirname "$0")/lib.sh"
e2e_begin packages
: "${UMLA_BUILD_DIR:?set UMLA_BUILD_DIR to the build directory}"

for pkg in uml-agent uml-bridge; do
  if dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q '^install ok installed'; then
    fail "$pkg is already installed on this machine; remove it (dpkg -P $pkg) to run this test"
  fi
done

cpack --config "$UMLA_BUILD_DIR/CPackConfig.cmake" -G DEB -B "$WORK/pkg" >"$WORK/cpack.log" 2>&1 \
  || fail "cpack failed"
agent_deb=$(ls "$WORK"/pkg/uml-agent_*_amd64.deb)
bridge_deb=$(ls "$WORK"/pkg/uml-bridge_*_amd64.deb)

# lintian: no error (warnings are listed in the log).
lintian --tag-display-limit 0 --fail-on error "$agent_deb" "$bridge_deb" >"$WORK/lintian.log" 2>&1 \
  || { cat "$WORK/lintian.log"; fail "lintian reports errors"; }
cat "$WORK/lintian.log"

# Control data.
assert_eq "$(dpkg-deb -f "$agent_deb" Architecture)" amd64 "uml-agent architecture"
assert_eq "$(dpkg-deb -f "$agent_deb" Depends)" "" "uml-agent (static) depends on nothing"
depends=$(dpkg-deb -f "$bridge_deb" Depends)
for dep in libc6 libstdc++6 e2fsprogs; do
  echo "$depends" | grep -q "$dep" || fail "uml-bridge Depends lacks $dep: $depends"
done
dpkg-deb -f "$bridge_deb" Recommends | grep -q user-mode-linux || fail "uml-bridge does not recommend user-mode-linux"
dpkg-deb -e "$agent_deb" "$WORK/agent-control"
assert_eq "$(cat "$WORK/agent-control/conffiles")" /etc/uml-agent/config.json "uml-agent conffiles"

# Contents.
dpkg-deb -c "$agent_deb" >"$WORK/agent.contents"
dpkg-deb -c "$bridge_deb" >"$WORK/bridge.contents"
for path in ./sbin/uml-agent ./etc/uml-agent/config.json ./usr/share/man/man8/uml-agent.8.gz \
    ./usr/share/doc/uml-agent/copyright ./usr/share/doc/uml-agent/changelog.gz; do
  assert_contains "$WORK/agent.contents" " $path\$"
done
for path in ./usr/bin/uml-bridge ./lib/systemd/system/uml@.service \
    ./usr/share/man/man1/uml-bridge.1.gz ./usr/share/doc/uml-bridge/examples/three-guests.sh; do
  assert_contains "$WORK/bridge.contents" " $path\$"
done

# Install, use, remove, purge.
on_exit "dpkg -P uml-agent uml-bridge"
dpkg -i "$agent_deb" "$bridge_deb" >"$WORK/dpkg-install.log" 2>&1 || fail "dpkg -i failed"
assert_eq "$(/usr/bin/uml-bridge --version)" "uml-bridge $(dpkg-deb -f "$bridge_deb" Version)" "installed uml-bridge --version"
assert_eq "$(/sbin/uml-agent version)" "uml-agent $(dpkg-deb -f "$agent_deb" Version)" "installed uml-agent version"
file -L /sbin/uml-agent | grep -q "statically linked" || fail "installed uml-agent is not static"
man -w uml-bridge >/dev/null || fail "no man page for uml-bridge"
man -w 8 uml-agent >/dev/null || fail "no man page for uml-agent"
zcat /usr/share/man/man1/uml-bridge.1.gz | grep -q -- '--no-preflight' || fail "man page lacks run's options"
if command -v systemd-analyze >/dev/null; then
  systemd-analyze verify /lib/systemd/system/uml@.service >"$WORK/verify.log" 2>&1 \
    || { cat "$WORK/verify.log"; fail "systemd-analyze verify uml@.service"; }
fi

# A guest with the packaged agent, started by the packaged bridge.
UML_AGENT=/sbin/uml-agent busybox_image "$WORK/root.img"
UML_BRIDGE=/usr/bin/uml-bridge bridge_run installed --timeout 60 -- "$UML_KERNEL" \
  mem=64M "ubd0=$WORK/root.img" root=/dev/ubda rw init=/init
assert_eq "$BRIDGE_STATUS" 0 "a guest run by the installed programs"

dpkg -r uml-agent uml-bridge >"$WORK/dpkg-remove.log" 2>&1 || fail "dpkg -r failed"
[ ! -e /usr/bin/uml-bridge ] && [ ! -e /sbin/uml-agent ] || fail "programs left after dpkg -r"
[ -e /etc/uml-agent/config.json ] || fail "dpkg -r removed the conffile (only purge should)"
dpkg -P uml-agent uml-bridge >"$WORK/dpkg-purge.log" 2>&1 || fail "dpkg -P failed"
[ ! -e /etc/uml-agent/config.json ] || fail "conffile left after purge"
