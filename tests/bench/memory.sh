#!/usr/bin/env bash
# Bytes per key, side by side: loads N string keys (16-byte values, optional
# TTL on every key) into redis-server and into Peregrine with redis-cli
# --pipe, and reports each server's RSS growth divided by N, and the ratio.
#
#   tests/bench/memory.sh [--keys N] [--ttl] [--value-bytes 16] [--peregrine PATH]
#
# Both servers run on free ports of 127.0.0.1 with persistence off.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
PEREGRINE="${PEREGRINE_BIN:-$ROOT/build/peregrine-server}"
KEYS=1000000
TTL=0
VALUE_BYTES=16
while [ $# -gt 0 ]; do
  case "$1" in
    --keys) KEYS=$2; shift 2 ;;
    --ttl) TTL=1; shift ;;
    --value-bytes) VALUE_BYTES=$2; shift 2 ;;
    --peregrine) PEREGRINE=$2; shift 2 ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done

work=$(mktemp -d)
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT

free_port() { /usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
rss_kb() { awk '/^VmRSS:/ {print $2}' "/proc/$1/status"; }

# The load as RESP, generated once.
/usr/bin/python3 - "$KEYS" "$TTL" "$VALUE_BYTES" > "$work/load.resp" <<'PY'
import sys
n, ttl, vb = int(sys.argv[1]), sys.argv[2] == "1", int(sys.argv[3])
out = sys.stdout.buffer
value = b"v" * vb
chunk = []
for i in range(n):
    key = b"key:%010d" % i
    if ttl:
        chunk.append(b"*5\r\n$3\r\nSET\r\n$%d\r\n%s\r\n$%d\r\n%s\r\n$2\r\nEX\r\n$6\r\n100000\r\n" % (len(key), key, vb, value))
    else:
        chunk.append(b"*3\r\n$3\r\nSET\r\n$%d\r\n%s\r\n$%d\r\n%s\r\n" % (len(key), key, vb, value))
    if len(chunk) == 10000:
        out.write(b"".join(chunk)); chunk = []
out.write(b"".join(chunk))
PY

measure() {  # name binary extra-args...
  local name=$1 bin=$2; shift 2
  local port; port=$(free_port)
  (cd "$work" && exec "$bin" --port "$port" --bind 127.0.0.1 --save '' --appendonly no "$@" \
      > "$work/$name.log" 2>&1) &
  local pid=$!
  pids+=("$pid")
  for _ in $(seq 100); do redis-cli -p "$port" ping >/dev/null 2>&1 && break; sleep 0.05; done
  local before after
  before=$(rss_kb "$pid")
  redis-cli -p "$port" --pipe < "$work/load.resp" > "$work/$name.pipe" 2>&1
  local dbsize; dbsize=$(redis-cli -p "$port" dbsize)
  after=$(rss_kb "$pid")
  redis-cli -p "$port" shutdown nosave >/dev/null 2>&1 || kill "$pid"
  echo "$name $dbsize $(( (after - before) * 1024 ))"
}

r=$(measure redis redis-server)
p=$(measure peregrine "$PEREGRINE")
read -r _ rkeys rbytes <<<"$r"
read -r _ pkeys pbytes <<<"$p"
printf 'keys=%s ttl=%s value=%sB\n' "$KEYS" "$TTL" "$VALUE_BYTES"
printf '%-10s %10s %14s %12s\n' server keys rss_growth bytes/key
printf '%-10s %10s %14s %12.1f\n' redis "$rkeys" "$rbytes" "$(echo "$rbytes / $rkeys" | bc -l)"
printf '%-10s %10s %14s %12.1f\n' peregrine "$pkeys" "$pbytes" "$(echo "$pbytes / $pkeys" | bc -l)"
printf 'ratio peregrine/redis: %.3f\n' "$(echo "$pbytes / $rbytes" | bc -l)"
