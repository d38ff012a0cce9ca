#!/bin/sh
# The one test command (README, .ci/run): installs what is needed, builds, and runs
# every test: unit and golden tests, the end-to-end boots of real UML guests
# (busybox and Debian images), the unit tests again under ASan+UBSan, and a short run
# of every fuzzer.
set -eu
cd "$(dirname "$0")/.."
./scripts/setup-deps.sh
./scripts/build.sh
(cd build && ctest --output-on-failure -j "$(nproc)" --timeout 900)
./scripts/sanitize.sh
./scripts/fuzz.sh "${FUZZ_SECONDS:-10}"
