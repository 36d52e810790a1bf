#!/usr/bin/env bash
# What deleting a large value or a whole keyspace costs the engine, side by
# side with redis-server: the time of the deleting command itself, freed
# inline (DEL, FLUSHALL SYNC) and left to the lazyfree thread (UNLINK,
# FLUSHALL ASYNC), how long the background free then took, and the slowest
# PING of a probe sent every millisecond while it ran.
#
#   tests/bench/lazyfree.sh [--members 1000000] [--keys 1000000]
#                           [--peregrine PATH] [--server-cpu 0] [--client-cpu 1]
#
# Loads, on a fresh server process each (pinned to the server CPU; the
# loader and probe run on the client CPU):
#   set    one set of --members members (member:0000000 ...), a hash table
#   keys   --keys string keys (key:0000000000, 16-byte values)
# Per server and load, one line: the inline command's time (ms), the lazy
# command's time (ms), the background free's duration (ms, from the lazy
# command until lazyfree_pending_objects reads 0, polled every ms) and the
# probe's slowest PING during it (ms).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
PEREGRINE="${PEREGRINE_BIN:-$ROOT/build/peregrine-server}"
MEMBERS=1000000
KEYS=1000000
SERVER_CPU=0
CLIENT_CPU=1
while [ $# -gt 0 ]; do
  case "$1" in
    --members) MEMBERS=$2; shift 2 ;;
    --keys) KEYS=$2; shift 2 ;;
    --peregrine) PEREGRINE=$2; shift 2 ;;
    --server-cpu) SERVER_CPU=$2; shift 2 ;;
    --client-cpu) CLIENT_CPU=$2; shift 2 ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done

# shellcheck source=tests/bench/lib.sh
source "$ROOT/tests/bench/lib.sh"
taskset -cp "$CLIENT_CPU" $$ >/dev/null

cat > "$work/run.py" <<'PY'
import socket, sys, time
port, load, n, inline_cmd, lazy_cmd = int(sys.argv[1]), sys.argv[2], int(sys.argv[3]), sys.argv[4], sys.argv[5]

def enc(*args):
    out = [b"*%d\r\n" % len(args)]
    for a in args:
        a = a if isinstance(a, bytes) else str(a).encode()
        out.append(b"$%d\r\n%s\r\n" % (len(a), a))
    return b"".join(out)

class Conn:
    def __init__(self):
        self.s = socket.create_connection(("127.0.0.1", port))
        self.s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.buf = b""
    def line(self):
        while b"\r\n" not in self.buf:
            chunk = self.s.recv(1 << 16)
            if not chunk:
                raise SystemExit("server closed the connection")
            self.buf += chunk
        l, self.buf = self.buf.split(b"\r\n", 1)
        return l
    def reply(self):
        l = self.line()
        if l[:1] == b"$":
            k = int(l[1:])
            if k < 0:
                return None
            while len(self.buf) < k + 2:
                self.buf += self.s.recv(1 << 16)
            v, self.buf = self.buf[:k], self.buf[k + 2:]
            return v
        if l[:1] == b"-":
            raise SystemExit("error reply: %r" % l)
        return l
    def call(self, *args):
        self.s.sendall(enc(*args))
        return self.reply()
    def pipeline(self, commands):
        self.s.sendall(b"".join(commands))
        for _ in commands:
            self.reply()

def fill(c):
    batch = []
    for i in range(0, n, 1000):
        if load == "set":
            batch.append(enc(b"SADD", b"big", *[b"member:%07d" % j for j in range(i, min(n, i + 1000))]))
        else:
            for j in range(i, min(n, i + 1000)):
                batch.append(enc(b"SET", b"key:%010d" % j, b"v" * 16))
        if len(batch) >= 100:
            c.pipeline(batch); batch = []
    if batch:
        c.pipeline(batch)

def timed(c, cmd):
    t0 = time.perf_counter_ns()
    c.call(*cmd.split())
    return (time.perf_counter_ns() - t0) / 1e6

def pending(c):
    info = c.call("INFO", "memory").decode()
    for line in info.split("\r\n"):
        if line.startswith("lazyfree_pending_objects:"):
            return int(line.split(":")[1])
    raise SystemExit("no lazyfree_pending_objects in INFO")

c, probe = Conn(), Conn()
fill(c)
inline_ms = timed(c, inline_cmd)
fill(c)
time.sleep(0.5)
t0 = time.perf_counter_ns()
lazy_ms = timed(c, lazy_cmd)
worst = 0.0
deadline = time.monotonic() + 60
while pending(c) > 0 and time.monotonic() < deadline:
    p0 = time.perf_counter_ns()
    probe.call("PING")
    worst = max(worst, (time.perf_counter_ns() - p0) / 1e6)
    time.sleep(0.001)
bg_ms = (time.perf_counter_ns() - t0) / 1e6
print("%.2f %.2f %.0f %.2f" % (inline_ms, lazy_ms, bg_ms, worst))
PY

run_one() {  # binary load n inline lazy
  local port pid
  port=$(free_port)
  if [ "$(basename "$1")" = redis-server ]; then
    taskset -c "$SERVER_CPU" "$1" --port "$port" --bind 127.0.0.1 --save '' --appendonly no \
      >"$work/server.log" 2>&1 &
  else
    taskset -c "$SERVER_CPU" "$1" --port "$port" --bind 127.0.0.1 >"$work/server.log" 2>&1 &
  fi
  pid=$!
  pids+=("$pid")
  wait_ready "$port" || true
  /usr/bin/python3 "$work/run.py" "$port" "$2" "$3" "$4" "$5"
  redis-cli -p "$port" shutdown nosave >/dev/null 2>&1 || true
  wait "$pid" 2>/dev/null || true
}

printf '%-12s %-5s %-24s %12s %12s %10s %12s\n' server load "inline / lazy command" inline_ms lazy_ms bg_ms probe_max_ms
for server in redis-server "$PEREGRINE"; do
  name=redis; [ "$server" = redis-server ] || name=peregrine
  read -r a b c d < <(run_one "$server" set "$MEMBERS" "DEL big" "UNLINK big")
  printf '%-12s %-5s %-24s %12s %12s %10s %12s\n' "$name" set "DEL / UNLINK" "$a" "$b" "$c" "$d"
  read -r a b c d < <(run_one "$server" keys "$KEYS" "FLUSHALL SYNC" "FLUSHALL ASYNC")
  printf '%-12s %-5s %-24s %12s %12s %10s %12s\n' "$name" keys "FLUSHALL SYNC / ASYNC" "$a" "$b" "$c" "$d"
done
