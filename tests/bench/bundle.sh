#!/usr/bin/env bash
# Packs Peregrine, redis-server, redis-benchmark and redis-cli, with every
# shared library they load and this machine's dynamic loader, into one
# folder that runs on another x86-64 Linux machine without installing
# anything there (a bigger benchmark host, say).
#
# Usage:
#   tests/bench/bundle.sh DIR [PEREGRINE_BINARY]
#
# DIR/bin holds a wrapper per program; put it first on PATH and run
# tests/bench/compare.sh as usual, for example with a multi-threaded client
# on cores of its own:
#   PATH=DIR/bin:$PATH tests/bench/compare.sh --peregrine DIR/bin/peregrine-server \
#     --redis DIR/bin/redis-server --server-cpu 1 --client-cpu 2-7 --client-threads 6 ...
# Each wrapper execs the loader in place, so the server's PID is the one
# compare.sh started and its CPU time is read from the right process.
set -euo pipefail
dir=${1:?usage: bundle.sh DIR [PEREGRINE_BINARY]}
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
peregrine=${2:-$root/build/peregrine-server}
mkdir -p "$dir/bin" "$dir/lib" "$dir/real"
dir="$(cd "$dir" && pwd)"

loader=""
pack() {  # NAME PATH: the program under real/NAME, its libraries under lib/
  local name="$1" path="$2" lib
  # Debian's redis-server is a link to redis-check-rdb, which picks its mode
  # from the name it runs under: copy the file under the name it is run as.
  cp -L "$path" "$dir/real/$name"
  strip --strip-debug "$dir/real/$name" 2>/dev/null || true
  while read -r lib; do
    case "$lib" in
      */ld-linux*) loader="$lib" ;;
    esac
    cp -Ln "$lib" "$dir/lib/" 2>/dev/null || true
  done < <(ldd "$path" | awk '/=>/ && $3 ~ /^\// { print $3 } $1 ~ /^\/.*ld-linux/ { print $1 }')
  cat >"$dir/bin/$name" <<EOF
#!/bin/sh
here=\$(cd "\$(dirname "\$0")/.." && pwd)
exec "\$here/lib/$(basename "$loader")" --library-path "\$here/lib" "\$here/real/$name" "\$@"
EOF
  chmod +x "$dir/bin/$name"
}

pack peregrine-server "$peregrine"
for tool in redis-server redis-benchmark redis-cli; do
  pack "$tool" "$(command -v "$tool")"
done
[ -n "$loader" ] || { echo "no dynamic loader found by ldd" >&2; exit 1; }
echo "bundle in $dir: $(du -sh "$dir" | cut -f1)"
