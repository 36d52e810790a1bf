#!/usr/bin/env bash
# Side-by-side throughput and CPU-efficiency comparison of redis-server and
# Peregrine, driven by redis-benchmark.
#
# Usage:
#   tests/bench/compare.sh [--peregrine PATH] [--redis PATH] [--requests N]
#                          [--tests set,get,incr,mset] [--pipelines "1 16"]
#                          [--clients 50] [--rounds 2] [-r KEYSPACE]
#                          [--pipeline-scale 8] [--server-cpu 0] [--client-cpu 1]
#                          [--no-fill] [--client-threads N]
#
# Both servers run on free ports of 127.0.0.1, pinned to the same CPU
# (taskset -c SERVER_CPU); redis-benchmark runs pinned to another CPU.  For
# every (test, pipeline) pair the two servers are measured alternately,
# redis then Peregrine, for the given number of rounds.  Around each run the
# server's CPU time (utime+stime from /proc/PID/stat) is read, so besides
# requests per second the table shows requests per second of server CPU.
# Values are medians over the rounds.  Ratios are Peregrine / redis: above
# 1.0 means Peregrine is faster or cheaper.
#
# --requests N is the request count of a run without pipelining; a run with
# -P P sends N * min(P, pipeline-scale) requests, so that fast pipelined runs
# last long enough for the CPU-time clock (1/CLK_TCK s) to resolve them.
# --pipeline-scale 1 sends N requests in every run.
#
# Every run starts from an empty keyspace (FLUSHALL). A test that reads or
# removes what another test writes is preceded by that test, as in
# redis-benchmark's own order (`-t set,get` runs GET on the keys SET
# wrote): GET after SET, LPOP and RPOP after LPUSH, SPOP after SADD,
# ZPOPMIN after ZADD, each fill with the run's depth and keyspace and with
# the run's request count (twice that for SADD and ZADD, whose random
# members repeat). The fill is not timed and its server CPU is not counted.
# --no-fill runs them on the empty keyspace instead (every reply is nil:
# that measures the client, not the server).
#
# --client-threads N runs redis-benchmark with --threads N. With the client
# pinned to one CPU that only splits it; with --client-cpu 0,1 the client
# may also use what CPU time the server leaves idle on its CPU; on a
# bigger host give it CPUs of its own (--client-cpu 2-7 --client-threads 6).
# redis-benchmark's threaded mode reads the end of a run on a 250 ms tick,
# so give such runs several seconds (--requests).
#
# The last two columns are how busy the client's CPUs were during the timed
# run (every task on them, from /proc/stat; the mean over the CPUs of
# --client-cpu), against redis and against Peregrine. Near 100 in both,
# the ratio measures redis-benchmark more than the servers: the server CPU
# per request columns then say how the servers compare.
#
# Comparing redis-server with itself checks the script and shows the noise:
#   tests/bench/compare.sh --peregrine "$(command -v redis-server)"

set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
PEREGRINE="${PEREGRINE_BIN:-$ROOT/build/peregrine-server}"
REDIS="redis-server"
REQUESTS=100000
TESTS="set,get,incr,mset"
PIPELINES="1 16"
CLIENTS=50
ROUNDS=2
KEYSPACE=""
SERVER_CPU=0
CLIENT_CPU=1
PIPELINE_SCALE=8
RUN_TIMEOUT=120          # seconds one redis-benchmark run may take
FILL=1
CLIENT_THREADS=1

usage() { sed -n '2,27p' "$0" | sed 's/^# \{0,1\}//'; exit "${1:-0}"; }

while [ $# -gt 0 ]; do
  case "$1" in
    --peregrine) PEREGRINE="$2"; shift 2 ;;
    --redis) REDIS="$2"; shift 2 ;;
    --requests|-n) REQUESTS="$2"; shift 2 ;;
    --tests|-t) TESTS="$2"; shift 2 ;;
    --pipelines|-P) PIPELINES="$2"; shift 2 ;;
    --clients|-c) CLIENTS="$2"; shift 2 ;;
    --rounds) ROUNDS="$2"; shift 2 ;;
    --pipeline-scale) PIPELINE_SCALE="$2"; shift 2 ;;
    -r|--keyspace) KEYSPACE="$2"; shift 2 ;;
    --server-cpu) SERVER_CPU="$2"; shift 2 ;;
    --client-cpu) CLIENT_CPU="$2"; shift 2 ;;
    --no-fill) FILL=0; shift ;;
    --client-threads) CLIENT_THREADS="$2"; shift 2 ;;
    -h|--help) usage 0 ;;
    *) echo "unknown option: $1" >&2; usage 2 ;;
  esac
done

for n in "$REQUESTS" "$CLIENTS" "$ROUNDS" "$PIPELINE_SCALE" "$CLIENT_THREADS"; do
  [[ "$n" =~ ^[1-9][0-9]*$ ]] || { echo "not a positive integer: $n" >&2; exit 2; }
done
[ -z "$KEYSPACE" ] || [[ "$KEYSPACE" =~ ^[1-9][0-9]*$ ]] ||
  { echo "bad keyspace: $KEYSPACE" >&2; exit 2; }
for p in $PIPELINES; do
  [[ "$p" =~ ^[1-9][0-9]*$ ]] || { echo "bad pipeline depth: $p" >&2; exit 2; }
done

# An absolute path for a command name or a path (servers run in a temp dir).
resolve() {
  local found
  found="$(command -v "$1" 2>/dev/null)" || { [ -x "$1" ] && found="$1"; } || return 0
  realpath -s "$found"   # -s: keep symlinks, redis-server is one
}
REDIS_BIN="$(resolve "$REDIS")"
PEREGRINE_BIN_PATH="$(resolve "$PEREGRINE")"
[ -n "$REDIS_BIN" ] || { echo "redis-server not found: $REDIS" >&2; exit 2; }
[ -n "$PEREGRINE_BIN_PATH" ] || { echo "Peregrine binary not found: $PEREGRINE" >&2; exit 2; }
for tool in redis-benchmark redis-cli; do
  command -v "$tool" >/dev/null || { echo "$tool is not installed" >&2; exit 2; }
done

CLK_TCK="$(getconf CLK_TCK)"
PIN_SERVER=()
PIN_CLIENT=()
if command -v taskset >/dev/null && [ "$(nproc)" -ge 2 ]; then
  PIN_SERVER=(taskset -c "$SERVER_CPU")
  PIN_CLIENT=(taskset -c "$CLIENT_CPU")
else
  echo "warning: fewer than 2 CPUs or no taskset: running unpinned" >&2
fi

WORK="$(mktemp -d -t peregrine-bench.XXXXXX)"
PIDS=()

cleanup() {
  local pid
  for pid in "${PIDS[@]}"; do
    if kill -0 "$pid" 2>/dev/null; then
      kill "$pid" 2>/dev/null || true
      for _ in 1 2 3 4 5 6 7 8 9 10; do
        kill -0 "$pid" 2>/dev/null || break
        sleep 0.2
      done
      kill -9 "$pid" 2>/dev/null || true
    fi
  done
  wait 2>/dev/null || true
  rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

port_in_use() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

free_port() {
  local p
  for _ in $(seq 1 100); do
    p=$(( 20000 + (RANDOM * 32768 + RANDOM) % 40000 ))
    [ "$p" -ne 6379 ] || continue
    port_in_use "$p" || { echo "$p"; return 0; }
  done
  echo "no free port found" >&2
  return 1
}

# start_server NAME BINARY -> sets STARTED_PID and STARTED_PORT
start_server() {
  local name="$1" bin="$2" port pid dir
  dir="$WORK/$name"
  mkdir -p "$dir"
  for _ in 1 2 3; do
    port="$(free_port)"
    local args=(--port "$port" --bind 127.0.0.1)
    case "$(basename "$bin")" in
      redis-server*) args+=(--save "" --appendonly no) ;;
    esac
    (cd "$dir" && exec "${PIN_SERVER[@]}" "$bin" "${args[@]}" >"$dir/server.log" 2>&1) &
    pid=$!
    PIDS+=("$pid")
    for _ in $(seq 1 100); do
      if ! kill -0 "$pid" 2>/dev/null; then break; fi
      if [ "$(redis-cli -h 127.0.0.1 -p "$port" ping 2>/dev/null)" = "PONG" ]; then
        STARTED_PID="$pid"
        STARTED_PORT="$port"
        return 0
      fi
      sleep 0.1
    done
    kill -9 "$pid" 2>/dev/null || true
    echo "$name did not start on port $port; log:" >&2
    tail -n 20 "$dir/server.log" >&2 || true
  done
  exit 1
}

# The server process itself, not a wrapper: the subshell execs taskset,
# which execs the server, so $! is the server's pid.
cpu_ticks() {
  local stat rest
  stat="$(cat "/proc/$1/stat")" || return 1
  rest="${stat##*) }"
  # shellcheck disable=SC2086
  set -- $rest
  # after the command name: state is field 3, utime 14, stime 15
  echo $(( ${12} + ${13} ))
}

requests_for() {  # PIPELINE -> requests of one run
  local p="$1"
  [ "$p" -le "$PIPELINE_SCALE" ] || p="$PIPELINE_SCALE"
  echo $(( REQUESTS * p ))
}

# core_ticks -> "busy total" jiffies of the client CPUs from /proc/stat (every
# task on them: redis-benchmark, and the kernel's loopback work it
# triggers), summed over the CPUs of --client-cpu (a list such as 2-7 or
# 1,3); "0 0" when the client is not pinned.
client_cpus() {
  local part lo hi c
  IFS=',' read -r -a parts <<<"$CLIENT_CPU"
  for part in "${parts[@]}"; do
    if [[ "$part" =~ ^([0-9]+)-([0-9]+)$ ]]; then
      lo=${BASH_REMATCH[1]}; hi=${BASH_REMATCH[2]}
      for ((c = lo; c <= hi; c++)); do echo "cpu$c"; done
    elif [[ "$part" =~ ^[0-9]+$ ]]; then
      echo "cpu$part"
    fi
  done
}
core_ticks() {
  if [ ${#PIN_CLIENT[@]} -gt 0 ]; then
    awk -v cpus="$(client_cpus | tr '\n' ' ')" '
      BEGIN { n = split(cpus, l, " "); for (i = 1; i <= n; i++) want[l[i]] = 1 }
      ($1 in want) { t = 0; for (i = 2; i <= 9; i++) t += $i
                     busy += t - $5 - $6; total += t }
      END { print busy + 0, total + 0 }' /proc/stat
  else
    echo "0 0"
  fi
}

# run_bench NAME PORT PID TEST PIPELINE -> "rps cpu_ticks phases client_busy%"
# Some tests run a fill phase first (LRANGE_* pushes its list with LPUSH):
# rps is the last phase's (the test itself); every phase sends the same
# number of requests, and the server CPU covers all of them, so efficiency
# counts requests of every phase.
run_bench() {
  local name="$1" port="$2" pid="$3" test="$4" pipeline="$5" before after out rps
  local extra=()
  [ -z "$KEYSPACE" ] || extra=(-r "$KEYSPACE")
  [ "$CLIENT_THREADS" = 1 ] || extra+=(--threads "$CLIENT_THREADS")
  redis-cli -h 127.0.0.1 -p "$port" flushall >/dev/null 2>&1 || true
  local fill="" fill_times=1
  if [ "$FILL" = 1 ]; then
    case "$test" in
      get) fill=set ;;
      lpop|rpop) fill=lpush ;;
      spop) fill=sadd; fill_times=2 ;;
      zpopmin) fill=zadd; fill_times=2 ;;
    esac
  fi
  if [ -n "$fill" ]; then
    timeout "$RUN_TIMEOUT" "${PIN_CLIENT[@]}" redis-benchmark -h 127.0.0.1 -p "$port" -q \
      -c "$CLIENTS" -n "$(( $(requests_for "$pipeline") * fill_times ))" -P "$pipeline" \
      -t "$fill" --csv \
      "${extra[@]}" >/dev/null 2>&1 || {
      echo "the $fill fill before $test failed against $name (port $port)" >&2
      return 1
    }
  fi
  before="$(cpu_ticks "$pid")"
  local core_before core_after
  core_before="$(core_ticks)"
  out="$(timeout "$RUN_TIMEOUT" "${PIN_CLIENT[@]}" redis-benchmark \
          -h 127.0.0.1 -p "$port" -q -c "$CLIENTS" -n "$(requests_for "$pipeline")" \
          -P "$pipeline" -t "$test" --csv "${extra[@]}" 2>&1)" || {
    echo "redis-benchmark failed or timed out (${RUN_TIMEOUT}s) against $name" \
         "(port $port, $test -P $pipeline):" >&2
    echo "$out" >&2
    return 1
  }
  core_after="$(core_ticks)"
  after="$(cpu_ticks "$pid")" || {
    echo "$name (port $port) died during $test -P $pipeline" >&2
    return 1
  }
  local phases
  rps="$(printf '%s\n' "$out" | awk -F, 'NR > 1 && NF >= 2 { gsub(/"/, "", $2); last = $2 } END { print last }')"
  phases="$(printf '%s\n' "$out" | awk -F, 'NR > 1 && NF >= 2 { n++ } END { print n + 0 }')"
  [ -n "$rps" ] && [ "$phases" -gt 0 ] || { echo "no result from redis-benchmark: $out" >&2; return 1; }
  local busy
  busy="$(echo "$core_before $core_after" | awk '{ d = $4 - $2
    if (d > 0) printf "%.0f", 100 * ($3 - $1) / d; else print "nan" }')"
  echo "$rps $(( after - before )) $phases $busy"
}

median() { tr ' ' '\n' | grep -v '^$' | sort -g | awk '
  { v[NR] = $1 }
  END { if (NR == 0) { print "nan"; exit }
        m = (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2
        if (m == "inf" || m == "nan") print m; else printf "%.2f\n", m }'; }

start_server redis "$REDIS_BIN"
R_PID="$STARTED_PID"; R_PORT="$STARTED_PORT"
start_server peregrine "$PEREGRINE_BIN_PATH"
P_PID="$STARTED_PID"; P_PORT="$STARTED_PORT"

echo "redis:     $REDIS_BIN (port $R_PORT, pid $R_PID)"
echo "peregrine: $PEREGRINE_BIN_PATH (port $P_PORT, pid $P_PID)"
if [ ${#PIN_SERVER[@]} -gt 0 ]; then
  pinning="servers on cpu $SERVER_CPU, redis-benchmark on cpu $CLIENT_CPU"
else
  pinning="unpinned"
fi
echo "requests $REQUESTS (x min(P, $PIPELINE_SCALE) when pipelined), clients $CLIENTS, rounds $ROUNDS${KEYSPACE:+, keyspace $KEYSPACE}, $pinning, CLK_TCK $CLK_TCK, fills $([ "$FILL" = 1 ] && echo on || echo off)"
echo

rows=()
IFS=',' read -r -a TEST_LIST <<<"$TESTS"
for test in "${TEST_LIST[@]}"; do
  for pipeline in $PIPELINES; do
    r_rps=""; p_rps=""; r_eff=""; p_eff=""; r_cli=""; p_cli=""
    for round in $(seq 1 "$ROUNDS"); do
      read -r rps ticks phases busy < <(run_bench redis "$R_PORT" "$R_PID" "$test" "$pipeline") || exit 1
      r_rps+=" $rps"; r_cli+=" $busy"
      r_eff+=" $(awk -v n="$(( $(requests_for "$pipeline") * phases ))" -v t="$ticks" -v hz="$CLK_TCK" \
                 'BEGIN { if (t > 0) printf "%.0f", n / (t / hz); else print "inf" }')"
      read -r rps ticks phases busy < <(run_bench peregrine "$P_PORT" "$P_PID" "$test" "$pipeline") || exit 1
      p_rps+=" $rps"; p_cli+=" $busy"
      p_eff+=" $(awk -v n="$(( $(requests_for "$pipeline") * phases ))" -v t="$ticks" -v hz="$CLK_TCK" \
                 'BEGIN { if (t > 0) printf "%.0f", n / (t / hz); else print "inf" }')"
      echo "  $test -P $pipeline round $round: redis$(echo "$r_rps" | awk '{print " " $NF}') rps," \
           "peregrine$(echo "$p_rps" | awk '{print " " $NF}') rps" >&2
    done
    rows+=("$test $pipeline $(echo "$r_rps" | median) $(echo "$p_rps" | median) $(echo "$r_eff" | median) $(echo "$p_eff" | median) $(echo "$r_cli" | median) $(echo "$p_cli" | median)")
  done
done

echo
printf '%-8s %4s %12s %12s %7s %14s %14s %7s %6s %6s\n' \
  test -P "redis rps" "pere rps" ratio "redis req/cpu" "pere req/cpu" ratio "r-cli%" "p-cli%"
printf '%s\n' "${rows[@]}" | awk '
  function ratio(a, b) { return (a != "inf" && b != "inf" && a > 0) ? sprintf("%.2f", b / a) : "n/a" }
  function num(x) { return (x == "inf" || x == "nan") ? x : sprintf("%.0f", x) }
  { printf "%-8s %4s %12s %12s %7s %14s %14s %7s %6s %6s\n",
           $1, $2, num($3), num($4), ratio($3, $4), num($5), num($6), ratio($5, $6), num($7), num($8) }'
