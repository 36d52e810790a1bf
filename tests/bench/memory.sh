#!/usr/bin/env bash
# Bytes per key, side by side: loads N string keys (16-byte values, optional
# TTL on every key) into redis-server and into Peregrine with redis-cli
# --pipe, and reports each server's RSS growth divided by N, and the ratio.
#
#   tests/bench/memory.sh [--keys N] [--ttl] [--value-bytes 16] [--random-values] [--peregrine PATH]
#   tests/bench/memory.sh --shape hash100               # 1M fields: 10k hashes of 100
#   tests/bench/memory.sh --shape zset1000              # 1M members: 1k sorted sets of 1000
#   tests/bench/memory.sh --shape hash5 --keys 5000000  # 5M fields: 1M hashes of 5
#   tests/bench/memory.sh --shape list100               # 1M elements: 10k lists of 100
#   tests/bench/memory.sh --shape hash1000              # 1M fields: 1k hashes of 1000
#                                                        # (past the listpack limit: tables)
#   tests/bench/memory.sh --shape set1000               # 1M members: 1k sets of 1000
#                                                        # (member:000000 ...: tables)
#   tests/bench/memory.sh --shape list10000 --config "list-compress-depth 1"
#                                                        # 1M elements: 100 lists of 10,000,
#                                                        # interior list nodes compressed
#
# --config "NAME VALUE" (repeatable) starts both servers with that
# directive (as --NAME VALUE on their command lines).
#
# For the shapes, N (--keys, default 1M) counts elements (fields/members),
# so a shape of k elements a key loads N/k keys: hash5 with the default N
# is 200k hashes, and the 1M-hash figure needs --keys 5000000. The per-key
# figure is then bytes per element. Fields are named field:000,
# field:001, ... and every value (and list element) is the same
# --value-bytes string, unless --random-values gives each its own random
# lowercase-hex bytes (a fixed seed, so both servers load the same data).
#
# Both servers run on free ports of 127.0.0.1 with persistence off.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
PEREGRINE="${PEREGRINE_BIN:-$ROOT/build/peregrine-server}"
KEYS=1000000
TTL=0
VALUE_BYTES=16
RANDOM_VALUES=0
SHAPE=strings
CONFIG_ARGS=()
while [ $# -gt 0 ]; do
  case "$1" in
    --keys) KEYS=$2; shift 2 ;;
    --ttl) TTL=1; shift ;;
    --value-bytes) VALUE_BYTES=$2; shift 2 ;;
    --random-values) RANDOM_VALUES=1; shift ;;
    --peregrine) PEREGRINE=$2; shift 2 ;;
    --shape) SHAPE=$2; shift 2 ;;
    --config)
      read -r name value <<<"$2"
      CONFIG_ARGS+=("--$name" "$value"); shift 2 ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done

# shellcheck source=tests/bench/lib.sh
source "$ROOT/tests/bench/lib.sh"

# The load as RESP, generated once.
/usr/bin/python3 - "$KEYS" "$TTL" "$VALUE_BYTES" "$SHAPE" "$RANDOM_VALUES" > "$work/load.resp" <<'PY'
import sys
n, ttl, vb, shape = int(sys.argv[1]), sys.argv[2] == "1", int(sys.argv[3]), sys.argv[4]
random_values = sys.argv[5] == "1"
out = sys.stdout.buffer
import random
rnd = random.Random(7)
const_value = b"v" * vb

def next_value():
    if not random_values:
        return const_value
    return (b"%0*x" % (vb, rnd.getrandbits(vb * 4)))[:vb]

def cmd(*args):
    return b"*%d\r\n" % len(args) + b"".join(b"$%d\r\n%s\r\n" % (len(a), a) for a in args)

if shape != "strings":
    per_key = {"hash100": 100, "zset1000": 1000, "hash5": 5, "list100": 100,
               "list10000": 10000, "hash1000": 1000, "set1000": 1000}[shape]
    chunk = []
    for i in range(n // per_key):
        key = b"obj:%08d" % i
        for j in range(0, per_key, 50):
            args = []
            for f in range(j, min(per_key, j + 50)):
                if shape == "zset1000":
                    args += [b"%d" % f, b"member:%06d" % f]
                elif shape == "set1000":
                    args += [b"member:%06d" % f]
                elif shape.startswith("list"):
                    args += [next_value()]
                else:
                    args += [b"field:%03d" % f, next_value()]
            verb = {"zset1000": b"ZADD", "set1000": b"SADD"}.get(
                shape, b"RPUSH" if shape.startswith("list") else b"HSET")
            chunk.append(cmd(verb, key, *args))
        if len(chunk) >= 2000:
            out.write(b"".join(chunk)); chunk = []
    out.write(b"".join(chunk))
    sys.exit(0)
chunk = []
for i in range(n):
    key = b"key:%010d" % i
    value = next_value()
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
  wait_ready "$port" || true
  local before after
  before=$(rss_kb "$pid")
  redis-cli -p "$port" --pipe < "$work/load.resp" > "$work/$name.pipe" 2>&1
  local dbsize; dbsize=$(redis-cli -p "$port" dbsize)
  after=$(rss_kb "$pid")
  redis-cli -p "$port" shutdown nosave >/dev/null 2>&1 || kill "$pid"
  echo "$name $dbsize $(( (after - before) * 1024 ))"
}

r=$(measure redis redis-server "${CONFIG_ARGS[@]}")
p=$(measure peregrine "$PEREGRINE" "${CONFIG_ARGS[@]}")
read -r _ rkeys rbytes <<<"$r"
read -r _ pkeys pbytes <<<"$p"
printf 'shape=%s elements=%s ttl=%s value=%sB random=%s config=%s\n' "$SHAPE" "$KEYS" "$TTL" \
  "$VALUE_BYTES" "$RANDOM_VALUES" "${CONFIG_ARGS[*]:-none}"
printf '%-10s %10s %14s %12s\n' server keys rss_growth bytes/elem
printf '%-10s %10s %14s %12.1f\n' redis "$rkeys" "$rbytes" "$(echo "$rbytes / $KEYS" | bc -l)"
printf '%-10s %10s %14s %12.1f\n' peregrine "$pkeys" "$pbytes" "$(echo "$pbytes / $KEYS" | bc -l)"
printf 'ratio peregrine/redis: %.3f\n' "$(echo "$pbytes / $rbytes" | bc -l)"
