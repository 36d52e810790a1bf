#!/usr/bin/env bash
# Says what happened on the server's CPU during each slow Peregrine command
# of a grow_latency.sh run: which tasks ran instead of the engine thread,
# its page faults, long softirqs and long madvise/munmap calls. Needs root
# and perf (apt-get install -y linux-perf).
#
# A uprobe on Server::slowlog_push gives the end time and run time of every
# command the SLOWLOG records (x86-64: the run time is its fifth integer
# argument, %r8); perf records the scheduler, softirq, page-fault and
# syscall tracepoints of the server CPU meanwhile. For every command of at
# least --min-us (default 700) it prints one line:
#
#   start  run_us  ran: engine us, other-task/pid us, ... | faults
#   {thread: n} | softirq>50us [...] | calls [thread madvise us, ...]
#
# where "ran" splits the command's wall time between the tasks that had the
# CPU ("engine" is the thread that ran the command; other tasks by name and
# pid). A command whose time went to other tasks was preempted (the
# machine); one whose time the engine spent itself is Peregrine's.
#
#   tests/bench/slow_attribution.sh [--min-us 700] [grow_latency.sh options]
# (--only peregrine is implied; --server-cpu is read from the options.)
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
PEREGRINE="${PEREGRINE_BIN:-$ROOT/build/peregrine-server}"
MIN_US=700
SERVER_CPU=0
args=()
while [ $# -gt 0 ]; do
  case "$1" in
    --min-us) MIN_US=$2; shift 2 ;;
    --peregrine) PEREGRINE=$2; args+=("$1" "$2"); shift 2 ;;
    --server-cpu) SERVER_CPU=$2; args+=("$1" "$2"); shift 2 ;;
    *) args+=("$1"); shift ;;
  esac
done
PEREGRINE=$(readlink -f "$PEREGRINE")
command -v perf >/dev/null || { echo "perf not found (apt-get install -y linux-perf)" >&2; exit 2; }

work=$(mktemp -d)
probe_added=""
cleanup() {
  [ -n "$probe_added" ] && perf probe -q -d probe_peregrine:slowpush >/dev/null 2>&1
  rm -rf "$work"
}
trap cleanup EXIT

symbol=$(nm "$PEREGRINE" | awk '/ T .*Server12slowlog_push/ && !n++ {print $3}')
[ -n "$symbol" ] || { echo "Server::slowlog_push not found in $PEREGRINE" >&2; exit 2; }
perf probe -q -d probe_peregrine:slowpush >/dev/null 2>&1 || true
perf probe -q -x "$PEREGRINE" -a "slowpush=$symbol dur=%r8:s64"
probe_added=1

perf record -q -o "$work/perf.data" -C "$SERVER_CPU" -e probe_peregrine:slowpush \
  -e sched:sched_switch -e irq:softirq_entry -e irq:softirq_exit -e exceptions:page_fault_user \
  -e syscalls:sys_enter_madvise -e syscalls:sys_exit_madvise \
  -e syscalls:sys_enter_munmap -e syscalls:sys_exit_munmap >/dev/null 2>&1 &
recorder=$!
sleep 1
"$ROOT/tests/bench/grow_latency.sh" --only peregrine "${args[@]}"
kill -INT "$recorder"
wait "$recorder" || true

echo
echo "Commands of ${MIN_US} us or more, and what had the CPU meanwhile:"
perf script -i "$work/perf.data" 2>/dev/null | /usr/bin/python3 -c '
import bisect, collections, re, sys
min_us = float(sys.argv[1])
hdr = re.compile(r"\s*(.+?)\s+(\d+)\s+\[(\d+)\]\s+([\d.]+):\s+(\S+):\s?(.*)")
sw = re.compile(r"prev_comm=(.*?) prev_pid=\d+ prev_prio=\d+ prev_state=\S+ ==> next_comm=(.*?) next_pid=(\d+)")
ev = []
for line in sys.stdin:
    m = hdr.match(line)
    if m:
        ev.append((float(m.group(4)), m.group(1), int(m.group(2)), m.group(5), m.group(6)))
times = [e[0] for e in ev]
for t, comm, tid, name, rest in ev:
    if name != "probe_peregrine:slowpush":
        continue
    d = int(re.search(r"dur=(-?\d+)", rest).group(1))
    if d < min_us:
        continue
    t0 = t - d / 1e6
    ran = collections.Counter(); faults = collections.Counter(); soft = []; calls = []
    name_of = lambda c, pid: "engine" if pid == tid else "%s/%d" % (c, pid)
    cur, cur_t, soft_at, sys_at = "engine", t0, {}, {}
    for t2, c2, tid2, n2, r2 in ev[bisect.bisect_left(times, t0):bisect.bisect_right(times, t)]:
        if n2 == "sched:sched_switch":
            m2 = sw.match(r2)
            ran[cur] += t2 - cur_t
            cur, cur_t = name_of(m2.group(2), int(m2.group(3))), t2
        elif n2 == "exceptions:page_fault_user":
            faults[name_of(c2, tid2)] += 1
        elif n2 == "irq:softirq_entry":
            soft_at[r2] = t2
        elif n2 == "irq:softirq_exit" and r2 in soft_at:
            us = (t2 - soft_at.pop(r2)) * 1e6
            if us > 50:
                soft.append("%s %.0fus" % (r2.split("action=")[-1].rstrip("]"), us))
        elif n2.startswith("syscalls:sys_enter_"):
            sys_at[(tid2, n2[19:])] = t2
        elif n2.startswith("syscalls:sys_exit_") and (tid2, n2[18:]) in sys_at:
            us = (t2 - sys_at.pop((tid2, n2[18:]))) * 1e6
            if us > 50:
                calls.append("%s %s %.0fus" % (name_of(c2, tid2), n2[18:], us))
    ran[cur] += t - cur_t
    print("%.6f %6d us  ran: %s | faults %s | softirq>50us %s | calls %s" % (
        t0, d, ", ".join("%s %.0f" % (k, v * 1e6) for k, v in ran.most_common(4)),
        dict(faults), soft[:4], calls[:4]))
' "$MIN_US"
