#!/usr/bin/env bash
# Configures and builds one variant of Peregrine.
#   ci/build.sh            release build in build/ (g++)
#   ci/build.sh asan       clang-14 with ASan+UBSan in build-asan/
#   ci/build.sh fuzz       clang-14 libFuzzer targets in build-fuzz/
# Further arguments name the targets to build (default: all).
set -euo pipefail
cd "$(dirname "$0")/.."
variant=${1:-release}
shift || true
targets=("$@")
jobs=${PEREGRINE_JOBS:-2}
case "$variant" in
  release)
    cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DPEREGRINE_WERROR=ON >/dev/null
    ninja -C build -j"$jobs" "${targets[@]}"
    ;;
  asan)
    CC=clang-14 CXX=clang++-14 cmake -S . -B build-asan -G Ninja -DCMAKE_BUILD_TYPE=Debug \
      -DPEREGRINE_SANITIZE=ON -DPEREGRINE_WERROR=ON >/dev/null
    ninja -C build-asan -j"$jobs" "${targets[@]}"
    ;;
  fuzz)
    CC=clang-14 CXX=clang++-14 cmake -S . -B build-fuzz -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
      -DPEREGRINE_FUZZ=ON -DPEREGRINE_SANITIZE=ON -DPEREGRINE_TESTS=OFF >/dev/null
    ninja -C build-fuzz -j"$jobs" "${targets[@]}"
    ;;
  *)
    echo "unknown variant: $variant" >&2
    exit 2
    ;;
esac
