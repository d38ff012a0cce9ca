#!/bin/sh
# Installs every Debian package the build and the tests need. Idempotent; run as root.
# Uses the machine's own apt configuration: no mirror is named here.
set -eu
PACKAGES="
  build-essential cmake ccache file pkg-config
  libboost-program-options-dev libspdlog-dev libfmt-dev nlohmann-json3-dev
  libgtest-dev libgmock-dev libbenchmark-dev
  clang libclang-rt-14-dev
  user-mode-linux uml-utilities busybox-static e2fsprogs mmdebstrap iproute2 iputils-ping
  dpkg-dev fakeroot lintian time lld
"
missing=""
for p in $PACKAGES; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
done
if [ -n "$missing" ]; then
  echo "setup-deps: installing$missing"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -q
  # shellcheck disable=SC2086
  apt-get install -y -q --no-install-recommends $missing
fi
