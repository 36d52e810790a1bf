// Allocator statistics for INFO memory and MEMORY commands. With jemalloc
// linked (the default build) the figures come from its mallctl interface;
// otherwise they read as zero.
#pragma once

#include <cstdint>
#include <string>

namespace peregrine::server {

struct AllocatorStats {
  int64_t allocated = 0;  // bytes handed out to the program
  int64_t active = 0;     // bytes in active pages
  int64_t resident = 0;   // bytes resident in the allocator's pages
  int64_t mapped = 0;
  int64_t retained = 0;
};

AllocatorStats allocator_stats();

// A cheap running count of bytes allocated by the calling thread minus
// bytes it freed (jemalloc's per-thread counters; no statistics refresh).
// Differences between two readings are meaningful; the absolute value is not.
int64_t thread_net_allocated();
// Human-readable allocator statistics (MEMORY MALLOC-STATS).
std::string allocator_report();
// Returns unused dirty pages to the OS (MEMORY PURGE).
void allocator_purge();
// The same for the calling thread's own arena only (a worker that frees
// large blocks the engine's arenas will never reuse).
void allocator_purge_thread_arena();
const char* allocator_name();

}  // namespace peregrine::server
