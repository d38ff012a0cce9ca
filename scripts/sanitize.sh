#!/bin/sh
# Builds the unit tests with AddressSanitizer + UndefinedBehaviorSanitizer
# (build-asan/) and runs them; any report fails the run.
set -eu
cd "$(dirname "$0")/.."
BUILD_DIR=build-asan
cmake -S . -B "$BUILD_DIR" -DUMLA_SANITIZE=ON -DCMAKE_BUILD_TYPE=Debug >/dev/null
cmake --build "$BUILD_DIR" -j "$(nproc)" --target unit_tests net_unit_tests
cd "$BUILD_DIR"
ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
  ctest -L unit --output-on-failure -j "$(nproc)"
