#!/usr/bin/env bash
# Worst single-command latency while the key table grows, side by side with
# redis-server: each server (pinned to one CPU) is loaded from empty with N
# distinct keys (16-byte values) by `redis-cli --pipe`, while a probe
# connection sends PING once a millisecond and times every round trip. The
# probe runs on the other CPU under SCHED_FIFO when allowed, so its own
# scheduling does not show up as server latency. Reported per server: probe
# count, max, p99.9, p99 (microseconds), the load's wall time, DBSIZE, the
# RSS growth per key, and from the server's own SLOWLOG (threshold 100 us)
# the longest single command's run time and how many ran 1 ms or more.
#
#   tests/bench/grow_latency.sh [--keys 10000000] [--peregrine PATH]
#                               [--server-cpu 0] [--client-cpu 1]
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
PEREGRINE="${PEREGRINE_BIN:-$ROOT/build/peregrine-server}"
KEYS=10000000
SERVER_CPU=0
CLIENT_CPU=1
while [ $# -gt 0 ]; do
  case "$1" in
    --keys) KEYS=$2; shift 2 ;;
    --peregrine) PEREGRINE=$2; shift 2 ;;
    --server-cpu) SERVER_CPU=$2; shift 2 ;;
    --client-cpu) CLIENT_CPU=$2; shift 2 ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done

# shellcheck source=tests/bench/lib.sh
source "$ROOT/tests/bench/lib.sh"

# The load, generated once: SET key:%010d <16 bytes>.
/usr/bin/python3 - "$KEYS" > "$work/load.resp" <<'PY'
import sys
n = int(sys.argv[1])
out = sys.stdout.buffer
value = b"v" * 16
chunk = []
for i in range(n):
    chunk.append(b"*3\r\n$3\r\nSET\r\n$14\r\nkey:%010d\r\n$16\r\n%s\r\n" % (i, value))
    if len(chunk) == 100000:
        out.write(b"".join(chunk)); chunk = []
out.write(b"".join(chunk))
PY

cat > "$work/probe.py" <<'PY'
import socket, sys, time, os
port, stop_file, out_file = int(sys.argv[1]), sys.argv[2], sys.argv[3]
s = socket.create_connection(("127.0.0.1", port))
s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
samples = []
deadline = time.monotonic() + 3600  # bounded even if the stop file never comes
while not os.path.exists(stop_file) and time.monotonic() < deadline:
    t0 = time.perf_counter_ns()
    s.sendall(b"PING\r\n")
    buf = b""
    while not buf.endswith(b"\r\n"):
        chunk = s.recv(64)
        if not chunk:
            raise SystemExit("server closed the probe connection")
        buf += chunk
    samples.append((time.perf_counter_ns() - t0) // 1000)
    time.sleep(0.001)
samples.sort()
def pct(p):
    return samples[min(len(samples) - 1, int(len(samples) * p))]
with open(out_file, "w") as f:
    f.write("%d %d %d %d\n" % (len(samples), samples[-1], pct(0.999), pct(0.99)))
PY

run_probe() {  # port stop out
  if chrt -f 10 true 2>/dev/null; then
    taskset -c "$CLIENT_CPU" chrt -f 10 /usr/bin/python3 "$work/probe.py" "$@"
  else
    taskset -c "$CLIENT_CPU" /usr/bin/python3 "$work/probe.py" "$@"
  fi
}

measure() {  # name binary
  local name=$1 bin=$2
  local port; port=$(free_port)
  (cd "$work" && exec taskset -c "$SERVER_CPU" "$bin" --port "$port" --bind 127.0.0.1 \
      --save '' --appendonly no > "$work/$name.log" 2>&1) &
  local pid=$!
  pids+=("$pid")
  for _ in $(seq 100); do redis-cli -p "$port" ping >/dev/null 2>&1 && break; sleep 0.05; done
  redis-cli -p "$port" config set slowlog-log-slower-than 100 >/dev/null
  redis-cli -p "$port" config set slowlog-max-len 1000000 >/dev/null
  local before; before=$(rss_kb "$pid")
  rm -f "$work/stop"
  run_probe "$port" "$work/stop" "$work/$name.probe" &
  local probe=$!
  sleep 0.5
  local t0 t1
  t0=$(date +%s.%N)
  taskset -c "$CLIENT_CPU" redis-cli -p "$port" --pipe < "$work/load.resp" > "$work/$name.pipe" 2>&1
  t1=$(date +%s.%N)
  sleep 0.5
  touch "$work/stop"
  wait "$probe"
  local dbsize after slow
  dbsize=$(redis-cli -p "$port" dbsize)
  # SLOWLOG GET -1 as RESP: each entry's third field is its run time in us.
  slow=$(printf '*3\r\n$7\r\nSLOWLOG\r\n$3\r\nGET\r\n$2\r\n-1\r\n' |
    /usr/bin/python3 -c '
import socket, sys
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])))
s.sendall(sys.stdin.buffer.read())
buf = b""
def line():
    global buf
    while b"\r\n" not in buf:
        buf += s.recv(1 << 16)
    l, buf = buf.split(b"\r\n", 1)
    return l
def value():
    global buf
    l = line()
    t, rest = l[:1], l[1:]
    if t == b"*":
        return [value() for _ in range(int(rest))]
    if t == b"$":
        n = int(rest)
        if n < 0:
            return None
        while len(buf) < n + 2:
            buf += s.recv(1 << 16)
        v, buf = buf[:n], buf[n + 2:]
        return v
    return int(rest) if t == b":" else rest
entries = value()
d = [e[2] for e in entries]
print(max(d) if d else 0, sum(1 for x in d if x >= 1000))
' "$port")
  after=$(rss_kb "$pid")
  redis-cli -p "$port" shutdown nosave >/dev/null 2>&1 || kill "$pid"
  read -r count max p999 p99 < "$work/$name.probe"
  read -r slow_max slow_ms <<<"$slow"
  printf '%-10s %9s %9s %9s %9s %8.1f %10s %9.1f %11s %8s\n' "$name" "$count" "$max" "$p999" "$p99" \
    "$(echo "$t1 - $t0" | bc -l)" "$dbsize" "$(echo "($after - $before) * 1024 / $KEYS" | bc -l)" \
    "$slow_max" "$slow_ms"
}

printf 'keys=%s, server on CPU %s, load and probe on CPU %s\n' "$KEYS" "$SERVER_CPU" "$CLIENT_CPU"
printf '%-10s %9s %9s %9s %9s %8s %10s %9s %11s %8s\n' server probes max_us p99.9_us p99_us load_s \
  dbsize B/key slowest_us n_ge_1ms
measure redis redis-server
measure peregrine "$PEREGRINE"
