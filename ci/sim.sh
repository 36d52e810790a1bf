#!/usr/bin/env bash
# Simulator checks for CI: pinned seeds per scenario with the determinism
# check (each seed run twice, trace hashes compared), a batch of fresh seeds
# (their range is printed, so any failure can be replayed), proof that the
# checkers catch a planted bug, and the idle-node virtual-time run.
#   ci/sim.sh [BUILD_DIR]     (default build/)
set -euo pipefail
cd "$(dirname "$0")/.."
b=${1:-build}
pinned=${PEREGRINE_SIM_PINNED_SEEDS:-300}
fresh=${PEREGRINE_SIM_FRESH_SEEDS:-300}

"$b/sim_tests" --gtest_brief=1
for scenario in single_node crash_restart blocking_lists subkey_expiry; do
  "$b/peregrine-sim" --scenario "$scenario" --seeds "$pinned" --first-seed 1 --check-determinism
  "$b/peregrine-sim" --scenario "$scenario" --seeds "$fresh"
done
# A swarm run must reach every expected code probe (rare paths exercised).
"$b/peregrine-sim" --scenario single_node --seeds "$pinned" --first-seed 100000 --require-probes
"$b/peregrine-sim" --scenario blocking_lists --seeds "$pinned" --first-seed 100000 --require-probes
"$b/peregrine-sim" --scenario subkey_expiry --seeds "$pinned" --first-seed 100000 --require-probes
# The planted expiry off-by-one must be found within the pinned seeds.
"$b/peregrine-sim" --scenario single_node --seeds "$pinned" --first-seed 1 \
  --bug expire-off-by-one --expect-failure | tail -n 3
"$b/peregrine-sim" --scenario idle_node --seed 1 -v
