#!/usr/bin/env bash
# What redis-benchmark itself spends per request against redis-server and
# against Peregrine, and the throughput ratio that a single-threaded client
# leaves room for.
#
# Usage:
#   tests/bench/client_cost.sh [--peregrine PATH] [--redis PATH]
#                              [--tests lpush,rpop,lrange_100,lrange_600]
#                              [--requests N] [--pipeline 16] [--clients 50]
#                              [--server-cpu 0] [--client-cpu 1]
#
# Both servers run pinned to SERVER_CPU, redis-benchmark to CLIENT_CPU, one
# run per (test, server), redis first. A pop runs on a list that an LPUSH of
# the same size filled (not counted). Around the timed run `perf stat`
# counts the client's CPU time (task-clock); a second, untimed run counts
# its system calls (tracing system calls slows every task's calls, so it
# is kept out of the timed run). The table gives, per request:
#   cpu-us    the client's CPU time (microseconds)
#   busy      client CPU time / wall time of the run
#   send recv epoll_ctl epoll_wait   system calls (hiredis sends with
#             sendto and reads with recvfrom)
#   ipi/k     inter-processor interrupts the server's CPU took per 1000
#             requests (function-call and rescheduling interrupts in
#             /proc/interrupts): mostly wake-ups of a server asleep in
#             epoll_wait, sent from the client's CPU by its send()
# The last line of each test is the ceiling: a server that cost the client
# nothing beyond what redis-server costs it could at most be served at the
# client's full speed, N / (client CPU time against redis). Divided by
# redis-server's throughput that is 1 / busy(redis): no server can show a
# larger throughput ratio with this client on one CPU.
#
# Needs perf with access to the syscalls tracepoints (run as root).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
PEREGRINE="${PEREGRINE_BIN:-$ROOT/build/peregrine-server}"
REDIS="redis-server"
TESTS="lpush,rpop,lrange_100,lrange_600"
REQUESTS=4000000
PIPELINE=16
CLIENTS=50
SERVER_CPU=0
CLIENT_CPU=1

usage() { sed -n '2,27p' "$0" | sed 's/^# \{0,1\}//'; exit "${1:-0}"; }
while [ $# -gt 0 ]; do
  case "$1" in
    --peregrine) PEREGRINE="$2"; shift 2 ;;
    --redis) REDIS="$2"; shift 2 ;;
    --tests|-t) TESTS="$2"; shift 2 ;;
    --requests|-n) REQUESTS="$2"; shift 2 ;;
    --pipeline|-P) PIPELINE="$2"; shift 2 ;;
    --clients|-c) CLIENTS="$2"; shift 2 ;;
    --server-cpu) SERVER_CPU="$2"; shift 2 ;;
    --client-cpu) CLIENT_CPU="$2"; shift 2 ;;
    -h|--help) usage 0 ;;
    *) echo "unknown option $1" >&2; usage 1 ;;
  esac
done

command -v perf >/dev/null || { echo "perf is needed (apt-get install linux-perf)" >&2; exit 1; }
# shellcheck source=tests/bench/lib.sh
source "$ROOT/tests/bench/lib.sh"

start() {  # start NAME BINARY: starts a server, sets $port
  port=$(free_port)
  taskset -c "$SERVER_CPU" "$2" --port "$port" --save '' --appendonly no >"$work/$1.log" 2>&1 &
  pids+=($!)
  wait_ready "$port" && return 0
  echo "$1 did not start (log: $(cat "$work/$1.log"))" >&2
  exit 1
}

# bench PORT TEST [PREFIX...]: runs redis-benchmark (under PREFIX, e.g. perf)
# and prints the test's requests per second.
bench() {
  local port=$1 test=$2
  shift 2
  "$@" taskset -c "$CLIENT_CPU" redis-benchmark -p "$port" -c "$CLIENTS" -P "$PIPELINE" \
    -n "$REQUESTS" -t "$test" --csv | awk -F'"' -v t="$test" 'NR > 1 && tolower($2) ~ "^"t {print $4}' |
    tail -1
}

calls=syscalls:sys_enter_sendto,syscalls:sys_enter_recvfrom
calls=$calls,syscalls:sys_enter_epoll_ctl,syscalls:sys_enter_epoll_wait

ipis() {  # function-call + rescheduling interrupts taken by SERVER_CPU
  awk -v col=$((SERVER_CPU + 2)) '$1 == "CAL:" || $1 == "RES:" {n += $col} END {print n}' \
    /proc/interrupts
}

start redis "$REDIS"; redis_port=$port
start peregrine "$PEREGRINE"; peregrine_port=$port

printf '%-11s %-10s %12s %8s %6s %6s %6s %9s %10s %6s\n' test server rps cpu-us busy send recv \
  epoll_ctl epoll_wait ipi/k
for test in ${TESTS//,/ }; do
  declare -A rps=() busy=()
  for name in redis peregrine; do
    p=$([ "$name" = redis ] && echo "$redis_port" || echo "$peregrine_port")
    redis-cli -p "$p" flushall >/dev/null
    fill() { case "$test" in lpop|rpop) bench "$p" lpush >/dev/null ;; esac; }
    fill
    start_ns=$(date +%s%N)
    ipi0=$(ipis)
    bench "$p" "$test" perf stat -x, -e task-clock -o "$work/stat" -- >"$work/rps"
    ipi=$(( $(ipis) - ipi0 ))
    wall_ns=$(( $(date +%s%N) - start_ns ))
    rps[$name]=$(cat "$work/rps")
    redis-cli -p "$p" flushall >/dev/null
    fill
    bench "$p" "$test" perf stat -x, -e "$calls" -o "$work/stat" --append -- >/dev/null
    # LRANGE_* runs include redis-benchmark's LPUSH fill: twice the requests.
    n=$REQUESTS
    case "$test" in lrange*) n=$(( 2 * REQUESTS )) ;; esac
    read -r cpu_ms send recv ctl wait < <(awk -F, '
      $3 == "task-clock" {c = $1}
      $3 ~ /sendto/ {s = $1} $3 ~ /recvfrom/ {r = $1}
      $3 ~ /epoll_ctl/ {e = $1} $3 ~ /epoll_wait/ {w = $1}
      END {print c, s, r, e, w}' "$work/stat")
    busy[$name]=$(awk -v c="$cpu_ms" -v w="$wall_ns" 'BEGIN {printf "%.3f", c * 1e6 / w}')
    awk -v t="$test" -v s="$name" -v r="${rps[$name]}" -v c="$cpu_ms" -v n="$n" \
        -v b="${busy[$name]}" -v a="$send" -v q="$recv" -v e="$ctl" -v w="$wait" -v i="$ipi" 'BEGIN {
      printf "%-11s %-10s %12.0f %8.3f %5.0f%% %6.3f %6.3f %9.3f %10.4f %6.2f\n",
        t, s, r, c * 1000 / n, b * 100, a / n, q / n, e / n, w / n, i * 1000 / n }'
  done
  awk -v r="${rps[redis]}" -v p="${rps[peregrine]}" -v b="${busy[redis]}" 'BEGIN {
    printf "%-11s throughput ratio %.2f; ceiling with this client 1/busy(redis) = %.2f\n",
      "", p / r, 1 / b }'
done
