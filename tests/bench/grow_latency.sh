#!/usr/bin/env bash
# Worst single-command latency while the key table grows, side by side with
# redis-server, and the same figures for a load that does not grow the
# keyspace. Each server (pinned to one CPU) gets N pipelined SETs (16-byte
# values) from `redis-cli --pipe` while a probe connection sends PING once a
# millisecond and times every round trip. The probe runs on the other CPU
# under SCHED_FIFO when allowed, so its own scheduling does not show up as
# server latency; the script and its helpers run on that CPU too.
#
# Two loads per server, each on a fresh server process:
#   base  N SETs over 1000 keys (key:0000000000 .. key:0000000999, each
#         overwritten N/1000 times): no resize, no new memory. Its outliers
#         are what the machine (preemption, steal, the loopback traffic's
#         softirqs on the server CPU) and the command path cost.
#   grow  N SETs of distinct keys: the keyspace grows from 0 to N.
# The difference between the two rows is what growth costs.
#
# Per row: probe count, max, p99.9, p99 (microseconds), the load's wall
# time, the server's CPU use during it (all threads, % of one CPU), DBSIZE, the RSS growth per key, from the server's own SLOWLOG
# (threshold 100 us) the longest single command's run time and how many ran
# 1 ms or more, then what may explain an outlier: the server main thread's
# nonvoluntary context switches during the load (from /proc/PID/status: the
# kernel took the CPU away from it while it could run) and the time it spent
# runnable but waiting for the CPU (run_delay from /proc/PID/schedstat, ms),
# the machine's steal time (from /proc/stat, all CPUs, ms: the hypervisor
# ran something else) and the softirq time on the server's CPU (ms). Below each row, the SLOWLOG entries
# of 1 ms or more: run time and key, so an outlier can be placed in the load
# (the key's number is its position).
#
# --isolate moves every other task that may run on the server CPU (user
# processes and unbound kernel threads: the VM's agent, kdamond, unbound
# kworkers, other users' jobs) to the client CPU for the whole run, points
# the kernel's unbound workqueues at the client CPU too (so kworkers started
# later stay off the server CPU), and puts everything back at exit, as
# booting with isolcpus would; per-CPU kernel threads and interrupts stay.
# Both servers get the same CPU.
#
# --server-fifo runs each server under SCHED_FIFO: then no task of the
# normal policies (kernel threads, other users' processes) can take its CPU,
# only interrupts and the hypervisor can. That run attributes outliers; it is
# not the headline figure. A server that keeps its CPU more than 95% busy
# over a second (sched_rt_runtime_us) is throttled by the kernel for the rest
# of that second: up to 50 ms gaps, which are not the server's. tests/bench/slow_attribution.sh says, command by
# command, which task had the CPU during each slow Peregrine command.
#
#   tests/bench/grow_latency.sh [--keys 10000000] [--peregrine PATH]
#                               [--server-cpu 0] [--client-cpu 1]
#                               [--only redis|peregrine] [--loads base,grow]
#                               [--server-fifo] [--isolate]
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
PEREGRINE="${PEREGRINE_BIN:-$ROOT/build/peregrine-server}"
KEYS=10000000
SERVER_CPU=0
CLIENT_CPU=1
ONLY=""
LOADS="base,grow"
FIFO=""
ISOLATE=0
while [ $# -gt 0 ]; do
  case "$1" in
    --keys) KEYS=$2; shift 2 ;;
    --peregrine) PEREGRINE=$2; shift 2 ;;
    --server-cpu) SERVER_CPU=$2; shift 2 ;;
    --client-cpu) CLIENT_CPU=$2; shift 2 ;;
    --only) ONLY=$2; shift 2 ;;
    --loads) LOADS=$2; shift 2 ;;
    --server-fifo) FIFO="chrt -f 1"; shift ;;
    --isolate) ISOLATE=1; shift ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done

# shellcheck source=tests/bench/lib.sh
source "$ROOT/tests/bench/lib.sh"
# This script and every helper it starts (redis-cli calls, /proc readers)
# run on the client CPU: only the server is placed on the server CPU.
taskset -cp "$CLIENT_CPU" $$ >/dev/null

# --isolate: every task that can be moved leaves the server CPU; its old
# affinity list is kept in $work/affinity and restored at exit.
WQ_MASK=/sys/devices/virtual/workqueue/cpumask
restore_affinity() {
  if [ -f "$work/wq_mask" ]; then cat "$work/wq_mask" > "$WQ_MASK" 2>/dev/null || true; fi
  [ -f "$work/affinity" ] || return 0
  while read -r tid list; do taskset -pc "$list" "$tid" >/dev/null 2>&1 || true; done \
    < "$work/affinity"
}
if [ "$ISOLATE" = 1 ]; then
  trap 'restore_affinity; cleanup' EXIT
  moved=0
  for t in /proc/[0-9]*/task/[0-9]*; do
    tid=${t##*/}
    list=$(taskset -pc "$tid" 2>/dev/null | awk -F': ' '{print $2}') || continue
    # Tasks bound to the server CPU alone (per-CPU kernel threads) stay.
    [ -n "$list" ] && [ "$list" != "$SERVER_CPU" ] || continue
    if taskset -pc "$CLIENT_CPU" "$tid" >/dev/null 2>&1; then
      echo "$tid $list" >> "$work/affinity"
      moved=$((moved + 1))
    fi
  done
  if [ -w "$WQ_MASK" ]; then
    cat "$WQ_MASK" > "$work/wq_mask"
    printf '%x\n' $((1 << CLIENT_CPU)) > "$WQ_MASK" 2>/dev/null || rm -f "$work/wq_mask"
  fi
  echo "isolate: moved $moved tasks off CPU $SERVER_CPU; unbound workqueues: $(cat "$WQ_MASK" 2>/dev/null || echo unchanged)"
fi

# The loads, generated once: SET key:%010d <16 bytes>, with distinct keys
# (grow) or the key number modulo 1000 (base); the same bytes on the wire.
gen_load() {  # modulus (0: none)
  /usr/bin/python3 - "$KEYS" "$1" <<'PY'
import sys
n, mod = int(sys.argv[1]), int(sys.argv[2])
out = sys.stdout.buffer
value = b"v" * 16
chunk = []
for i in range(n):
    k = i % mod if mod else i
    chunk.append(b"*3\r\n$3\r\nSET\r\n$14\r\nkey:%010d\r\n$16\r\n%s\r\n" % (k, value))
    if len(chunk) == 100000:
        out.write(b"".join(chunk)); chunk = []
out.write(b"".join(chunk))
PY
}
case ",$LOADS," in *,base,*) gen_load 1000 > "$work/base.resp" ;; esac
case ",$LOADS," in *,grow,*) gen_load 0 > "$work/grow.resp" ;; esac

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

# SLOWLOG GET -1 as RESP: prints the longest run time (us) and the count of
# 1 ms or more on the first line, then "us key" for each of those.
cat > "$work/slowlog.py" <<'PY'
import socket, sys
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])))
s.sendall(b"*3\r\n$7\r\nSLOWLOG\r\n$3\r\nGET\r\n$2\r\n-1\r\n")
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
slow = sorted((e for e in entries if e[2] >= 1000), key=lambda e: e[0])  # by id: load order
print(max(d) if d else 0, len(slow))
for e in slow:
    args = e[3]
    print(e[2], (args[1] if len(args) > 1 else args[0]).decode(errors="replace"))
PY

run_probe() {  # port stop out
  if chrt -f 10 true 2>/dev/null; then
    taskset -c "$CLIENT_CPU" chrt -f 10 /usr/bin/python3 "$work/probe.py" "$@"
  else
    taskset -c "$CLIENT_CPU" /usr/bin/python3 "$work/probe.py" "$@"
  fi
}

nvcsw() { awk '/^nonvoluntary_ctxt_switches:/ {print $2}' "/proc/$1/status"; }
run_delay_ns() { awk '{print $2}' "/proc/$1/schedstat"; }
# The server process's CPU time (user + system, all threads), in ticks.
cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
# /proc/stat: "cpu user nice system idle iowait irq softirq steal ..." in
# USER_HZ ticks (10 ms).
steal_ticks() { awk '$1 == "cpu" {print $9}' /proc/stat; }
softirq_ticks() { awk -v c="cpu$SERVER_CPU" '$1 == c {print $8}' /proc/stat; }

measure() {  # name binary load
  local name=$1 bin=$2 load=$3
  local tag=${name//\//-}
  local port; port=$(free_port)
  # shellcheck disable=SC2086
  (cd "$work" && exec taskset -c "$SERVER_CPU" $FIFO "$bin" --port "$port" --bind 127.0.0.1 \
      --save '' --appendonly no > "$work/$tag.log" 2>&1) &
  local pid=$!
  pids+=("$pid")
  wait_ready "$port" || true
  redis-cli -p "$port" config set slowlog-log-slower-than 100 >/dev/null
  redis-cli -p "$port" config set slowlog-max-len 1000000 >/dev/null
  local before; before=$(rss_kb "$pid")
  rm -f "$work/stop"
  run_probe "$port" "$work/stop" "$work/$tag.probe" &
  local probe=$!
  sleep 0.5
  local t0 t1 cs0 cs1 rd0 rd1 st0 st1 si0 si1 cpu0 cpu1
  cs0=$(nvcsw "$pid"); rd0=$(run_delay_ns "$pid"); st0=$(steal_ticks); si0=$(softirq_ticks)
  cpu0=$(cpu_ticks "$pid")
  t0=$(date +%s.%N)
  taskset -c "$CLIENT_CPU" redis-cli -p "$port" --pipe < "$work/$load.resp" > "$work/$tag.pipe" 2>&1
  t1=$(date +%s.%N)
  cs1=$(nvcsw "$pid"); rd1=$(run_delay_ns "$pid"); st1=$(steal_ticks); si1=$(softirq_ticks)
  cpu1=$(cpu_ticks "$pid")
  sleep 0.5
  touch "$work/stop"
  wait "$probe"
  local dbsize after
  dbsize=$(redis-cli -p "$port" dbsize)
  /usr/bin/python3 "$work/slowlog.py" "$port" > "$work/$tag.slow"
  redis-cli -p "$port" info memory > "$work/$tag.info"
  after=$(rss_kb "$pid")
  redis-cli -p "$port" shutdown nosave >/dev/null 2>&1 || kill "$pid"
  local count max p999 p99 slow_max slow_ms
  read -r count max p999 p99 < "$work/$tag.probe"
  read -r slow_max slow_ms < "$work/$tag.slow"
  printf '%-15s %8s %8s %8s %8s %7.1f %5.0f %9s %6.1f %8s %6s %6s %7.1f %6s %6s\n' "$name" \
    "$count" "$max" "$p999" "$p99" "$(echo "$t1 - $t0" | bc -l)" \
    "$(echo "($cpu1 - $cpu0) / ($t1 - $t0)" | bc -l)" "$dbsize" \
    "$(echo "($after - $before) * 1024 / $dbsize" | bc -l)" "$slow_max" "$slow_ms" \
    "$((cs1 - cs0))" "$(echo "($rd1 - $rd0) / 1000000" | bc -l)" "$(((st1 - st0) * 10))" \
    "$(((si1 - si0) * 10))"
  tail -n +2 "$work/$tag.slow" | head -n 20 | while read -r us key; do
    printf '    slow: %6s us  SET %s\n' "$us" "$key"
  done
  # Peregrine: its key-table arrays prepared in the background, used in
  # time, late, released (INFO memory; redis-server has no such fields).
  if grep -q '^keytable_' "$work/$tag.info"; then
    printf '    key-table arrays: %s\n' "$(grep '^keytable_' "$work/$tag.info" | tr -d '\r' | tr '\n' ' ')"
  fi
}

printf 'keys=%s, server on CPU %s%s, load and probe on CPU %s\n' "$KEYS" "$SERVER_CPU" \
  "${FIFO:+ (SCHED_FIFO)}" "$CLIENT_CPU"
printf '%-15s %8s %8s %8s %8s %7s %5s %9s %6s %8s %6s %6s %7s %6s %6s\n' server probes max_us \
  p99.9_us p99_us load_s cpu% dbsize B/key slow_us n_1ms nvcsw wait_ms steal softirq
for server in redis peregrine; do
  [ -n "$ONLY" ] && [ "$ONLY" != "$server" ] && continue
  bin=redis-server
  [ "$server" = peregrine ] && bin=$PEREGRINE
  for load in base grow; do
    case ",$LOADS," in *,"$load",*) measure "$server/$load" "$bin" "$load" ;; esac
  done
done
