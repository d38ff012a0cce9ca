#!/bin/sh
# The one test command (README, .ci/run): installs what is needed, builds, and runs
# every test: unit and golden tests, the end-to-end boots of real UML guests
# (busybox and Debian images), the sanitizer build and short fuzzer runs.
set -eu
cd "$(dirname "$0")/.."
./scripts/setup-deps.sh
./scripts/build.sh
cd build
ctest --output-on-failure -j "$(nproc)" --timeout 900
