#!/usr/bin/env bash
# Installs dependencies, builds every variant and runs every test suite:
#   seam check, unit tests (g++), integration and differential tests against
#   redis-server and valkey-server, the same unit and integration tests under ASan/UBSan with
#   clang-14 (leak check included), and the fuzz targets for 60 s each.
# Environment: PEREGRINE_FUZZ_SECONDS (default 60), PEREGRINE_SKIP_ASAN=1.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=/usr/bin/python3
fuzz_seconds=${PEREGRINE_FUZZ_SECONDS:-60}

step() { printf '\n==== %s (%s)\n' "$1" "$(date +%T)"; }

step "dependencies"
bash ci/install-deps.sh

step "seam check"
bash ci/check-seam.sh

step "release build (g++)"
bash ci/build.sh release

step "unit tests"
build/unit_tests --gtest_brief=1

step "simulator (pinned seeds with determinism check, fresh seeds, planted bug, idle node)"
bash ci/sim.sh build

step "integration tests"
PEREGRINE_BIN=build/peregrine-server $PY -m unittest discover -s tests/integration -v 2>&1 | tail -n 40

step "differential tests against redis-server"
$PY tests/diff/run_diff.py --peregrine build/peregrine-server
step "random differential streams against redis-server (pinned seeds)"
$PY tests/diff/random_diff.py --peregrine build/peregrine-server --seeds 20 --commands 5000
step "Redis 7.2+ case files against valkey-server"
$PY tests/diff/run_diff.py --peregrine build/peregrine-server --redis valkey-server \
  tests/diff/cases_72/*.txt
step "random differential streams against valkey-server (Redis 7.2 semantics, pinned seeds)"
$PY tests/diff/random_diff.py --peregrine build/peregrine-server --redis valkey-server \
  --seeds 20 --commands 5000
step "list encodings near the limit against valkey-server (pinned seeds)"
$PY tests/diff/random_diff.py --peregrine build/peregrine-server --redis valkey-server \
  --families listenc --seeds 10 --commands 3000
step "double renderings against valkey-server and redis-server"
$PY tests/diff/double_diff.py --peregrine build/peregrine-server --redis valkey-server --count 200000
$PY tests/diff/double_diff.py --peregrine build/peregrine-server --redis redis-server --count 50000

if [ "${PEREGRINE_SKIP_ASAN:-0}" != 1 ]; then
  step "ASan/UBSan build (clang-14)"
  bash ci/build.sh asan
  export ASAN_OPTIONS=detect_leaks=1:detect_stack_use_after_return=0:abort_on_error=1
  export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
  step "unit tests under ASan"
  build-asan/unit_tests --gtest_brief=1
  step "simulator under ASan"
  PEREGRINE_SIM_PINNED_SEEDS=60 PEREGRINE_SIM_FRESH_SEEDS=60 bash ci/sim.sh build-asan
  step "differential tests under ASan"
  $PY tests/diff/run_diff.py --peregrine build-asan/peregrine-server
  $PY tests/diff/random_diff.py --peregrine build-asan/peregrine-server --seeds 6 --commands 4000
  step "integration tests under ASan (leaks reported at server exit fail the run)"
  PEREGRINE_BIN=build-asan/peregrine-server PEREGRINE_REQUIRE_CLEAN_EXIT=1 \
    $PY -m unittest discover -s tests/integration -v 2>&1 | tail -n 40
fi

step "fuzz targets (${fuzz_seconds}s each)"
bash ci/build.sh fuzz
for target in build-fuzz/fuzz_*; do
  name=$(basename "$target"); name=${name#fuzz_}
  work=$(mktemp -d)
  cp -r "fuzz/corpus/$name/." "$work/" 2>/dev/null || true
  # A minimized corpus from longer runs, kept packed (thousands of files).
  if [ -f "fuzz/corpus/$name.tar.gz" ]; then tar -xzf "fuzz/corpus/$name.tar.gz" -C "$work"; fi
  # A failing input lands in build-fuzz/artifacts/, and the log's end
  # (the mismatch or the sanitizer report) is shown.
  mkdir -p build-fuzz/artifacts
  if ! "$target" -max_total_time="$fuzz_seconds" -print_final_stats=1 \
      -artifact_prefix=build-fuzz/artifacts/ "$work" > "$work.log" 2>&1; then
    grep -v '^#[0-9]' "$work.log" | tail -n 60
    echo "fuzz target $name failed; the input is in build-fuzz/artifacts/ (replay: $target FILE)"
    exit 1
  fi
  tail -n 5 "$work.log"
  rm -rf "$work" "$work.log"
done

step "all tests passed"
