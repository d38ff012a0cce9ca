#!/bin/sh
# Builds the libFuzzer harnesses with clang (build-fuzz/) and runs each one.
#   scripts/fuzz.sh [SECONDS]     default 10 s each (what the test command runs);
#   scripts/fuzz.sh 3600          a long run; findings land in build-fuzz/findings/.
# The seed corpora are tests/fuzz/corpus/<name>/; new inputs go to build-fuzz/corpus/.
set -eu
cd "$(dirname "$0")/.."
seconds=${1:-10}
BUILD_DIR=build-fuzz
CC=clang CXX=clang++ cmake -S . -B "$BUILD_DIR" -DUMLA_FUZZ=ON -DUMLA_BUILD_TESTS=OFF \
  -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build "$BUILD_DIR" -j "$(nproc)" --target fuzzers
mkdir -p "$BUILD_DIR/findings"
for harness in tests/fuzz/corpus/*/; do
  name=$(basename "$harness")
  mkdir -p "$BUILD_DIR/corpus/$name"
  echo "fuzz: $name for ${seconds}s"
  "$BUILD_DIR/tests/fuzz/fuzz_$name" -max_total_time="$seconds" -max_len=65536 \
    -artifact_prefix="$BUILD_DIR/findings/$name-" -print_final_stats=0 \
    "$BUILD_DIR/corpus/$name" "$harness" 2>"$BUILD_DIR/fuzz-$name.log" \
    || { tail -n 40 "$BUILD_DIR/fuzz-$name.log"; echo "fuzz: $name FAILED"; exit 1; }
  tail -n 1 "$BUILD_DIR/fuzz-$name.log"
done
echo "fuzz: every harness ran ${seconds}s without a finding"
