#!/usr/bin/env bash
# Installs every Debian 12 package Peregrine needs to build, test and
# benchmark. Idempotent: packages already present are left alone.
set -euo pipefail

packages=(
  build-essential cmake ninja-build pkg-config g++ clang-14 libfuzzer-14-dev libclang-rt-14-dev
  libboost-context-dev librapidcheck-dev libgtest-dev libgmock-dev libjemalloc-dev
  libxxhash-dev libfmt-dev liburing-dev liblzf-dev
  redis-server redis-tools python3 python3-redis netcat-openbsd procps util-linux
)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi
# valkey-server (8.0) is a second differential reference with Redis 7.2's
# semantics, which Peregrine follows where 7.0 differs. Debian 12 has it in
# bookworm-backports (newer Debian releases in main).
if ! dpkg-query -W -f='${Status}' valkey-server 2>/dev/null | grep -q "install ok installed"; then
  export DEBIAN_FRONTEND=noninteractive
  codename=$(. /etc/os-release && echo "${VERSION_CODENAME:-}")
  target=()
  if [ "$codename" = bookworm ]; then
    if ! grep -rqs "bookworm-backports" /etc/apt/sources.list /etc/apt/sources.list.d/; then
      echo "deb http://deb.debian.org/debian bookworm-backports main" \
        > /etc/apt/sources.list.d/bookworm-backports.list
    fi
    target=(-t bookworm-backports)
  fi
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${target[@]}" valkey-server
fi
# The packaged redis-server starts a system service on 6379; the tests start
# their own servers on free ports and the README's server wants 6379.
# So may valkey-server's.
for service in redis-server valkey-server; do
  if command -v systemctl >/dev/null 2>&1 && systemctl is-active --quiet "$service" 2>/dev/null; then
    systemctl stop "$service" || true
    systemctl disable "$service" >/dev/null 2>&1 || true
  fi
done
# Without systemd the packages may still have started one on 6379.
pkill -f '^/usr/bin/redis-server 127\.0\.0\.1:6379' 2>/dev/null || true
pkill -f '^/usr/bin/valkey-server 127\.0\.0\.1:6379' 2>/dev/null || true
exit 0
