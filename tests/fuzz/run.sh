#!/bin/sh
# Builds the libFuzzer targets with clang and runs each for a bounded time.
#
#   tests/fuzz/run.sh [CLANG_BUILD_DIR]
#
# CLANG_BUILD_DIR (default: build-fuzz in the source tree) is configured on
# first use: CC=clang CXX=clang++, ASan + UBSan, -fsanitize=fuzzer-no-link on
# every object so the fuzzer sees the coverage of the code under test.
# Only the fuzz targets are built there.
#
# Environment:
#   FUZZ_SECONDS   seconds per target (default 60)
#   FUZZ_JOBS      ninja -j for the clang build (default: ninja's)
#
# Each target starts from its committed seeds (tests/fuzz/corpus/<name>,
# read only) plus what earlier runs found (CLANG_BUILD_DIR/fuzz-corpus/
# <name>); a crash, leak, UB report, timeout (10 s per input) or OOM
# (2 GiB) fails it and leaves the input in CLANG_BUILD_DIR/fuzz-artifacts/.
# The last line is "fuzz: N passed, M failed"; the exit status is 0 only if
# every target passed.
set -eu

src=$(cd "$(dirname "$0")/../.." && pwd)
build=${1:-$src/build-fuzz}
seconds=${FUZZ_SECONDS:-60}
targets="openflow_fuzz unixctl_json_fuzz"

corpus_of() {
  case $1 in
    openflow_fuzz) echo openflow ;;
    unixctl_json_fuzz) echo unixctl_json ;;
  esac
}

if ! command -v clang++ >/dev/null 2>&1; then
  echo "fuzz: clang++ not found (tools/deps.txt: clang, libclang-rt-14-dev)" >&2
  exit 1
fi

# Options of the outer meson test run (an ASan build's) must not leak into
# the clang toolchain or the fuzzers.
unset LD_PRELOAD MALLOC_PERTURB_ 2>/dev/null || true

if [ ! -f "$build/build.ninja" ]; then
  CC=clang CXX=clang++ meson setup "$build" "$src" \
    -Dbenchmarks=false -Dbuildtype=debugoptimized \
    -Db_sanitize=address,undefined -Db_lundef=false \
    -Dcpp_args=-fsanitize=fuzzer-no-link >"$build.setup.log" 2>&1 || {
    cat "$build.setup.log" >&2
    echo "fuzz: 0 passed, 2 failed (clang build could not be configured)"
    exit 1
  }
fi
paths=""
for t in $targets; do paths="$paths tests/fuzz/$t"; done
# shellcheck disable=SC2086
ninja -C "$build" ${FUZZ_JOBS:+-j "$FUZZ_JOBS"} $paths || {
  echo "fuzz: 0 passed, 2 failed (clang build failed)"
  exit 1
}

artifacts=$build/fuzz-artifacts
mkdir -p "$artifacts"
passed=0
failed=0
for t in $targets; do
  seeds=$src/tests/fuzz/corpus/$(corpus_of "$t")
  work=$build/fuzz-corpus/$t
  mkdir -p "$work"
  log=$build/fuzz-$t.log
  echo "fuzz: $t for ${seconds}s (seeds $seeds)"
  if ASAN_OPTIONS=detect_leaks=1:abort_on_error=1:symbolize=1 \
     UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
     "$build/tests/fuzz/$t" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
       -print_final_stats=1 -artifact_prefix="$artifacts/$t-" "$work" "$seeds" \
       >"$log" 2>&1; then
    passed=$((passed + 1))
    echo "fuzz: $t passed: $(grep -E '^stat::number_of_executed_units' "$log" | awk '{print $2}') execs, $(grep -E '^(#[0-9]+).*DONE' "$log" | sed 's/.*DONE *//' | head -1)"
  else
    failed=$((failed + 1))
    echo "fuzz: $t FAILED; log $log, inputs in $artifacts:" >&2
    grep -E 'ERROR|SUMMARY|Test unit written|deadly signal|runtime error' "$log" | head -20 >&2
  fi
done
echo "fuzz: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
