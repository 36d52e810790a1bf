# Shared by the benchmark scripts that start their own servers (sourced):
# a scratch folder $work removed at exit together with every process whose
# PID was added to `pids`, a free loopback port, waiting for a server to
# answer, and a process's RSS.
work=$(mktemp -d)
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT

free_port() { /usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
rss_kb() { awk '/^VmRSS:/ {print $2}' "/proc/$1/status"; }
# Waits up to 5 s for the server on 127.0.0.1:PORT to answer PING; fails
# when it never does.
wait_ready() {
  for _ in $(seq 100); do
    redis-cli -p "$1" ping >/dev/null 2>&1 && return 0
    sleep 0.05
  done
  return 1
}
