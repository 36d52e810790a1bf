#!/usr/bin/env bash
# Fails when code outside src/runtime/posix/ reaches the OS directly:
# sockets, epoll/io_uring, files, clocks, threads, randomness. Everything
# else must go through the runtime seam so the simulator can replace it.
# Comments and string literals are ignored. A line that must reach the OS
# for a reason the simulator cannot see (the simulator's own driver timing
# its wall-clock speed) carries a comment "seam-exempt: <why>".
set -euo pipefail
cd "$(dirname "$0")/.."
files=$(find src sim models fuzz -name '*.cc' -o -name '*.h' 2>/dev/null \
  | grep -v '^src/runtime/posix/' | grep -v '^src/runtime/rdma/' || true)
[ -z "$files" ] && { echo "seam check: ok"; exit 0; }
# shellcheck disable=SC2086
hits=$(perl -ne '
  BEGIN { $re = qr/(?:\b(?:epoll_[a-z_]+|io_uring_[a-z_]+|clock_gettime|gettimeofday|std::chrono::(?:steady|system|high_resolution)_clock|std::thread|std::jthread|pthread_create|getrandom|std::random_device|s?rand\(|time\(nullptr\)|fopen|std::[io]?fstream)|(?<![\w:])::(?:open|read|write|pread|pwrite|fsync|close|socket|accept4?|connect|bind|listen|send|recv)\()/ }
  my $code = $_;
  next if $code =~ m{//\s*seam-exempt:\s*\S};
  $code =~ s/"(\\.|[^"\\])*"/""/g;   # string literals
  $code =~ s{//.*}{};                 # line comments
  print "$ARGV:$.: $_" if $code =~ $re;
  close ARGV if eof;
' $files)
if [ -n "$hits" ]; then
  echo "OS calls outside src/runtime/posix/ (route them through the runtime seam):"
  echo "$hits"
  exit 1
fi
echo "seam check: ok"
