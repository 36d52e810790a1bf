// The memory breakdown behind MEMORY STATS and INFO memory, computed the
// way Redis computes its own (the same fields, the same arithmetic), from
// the allocator's statistics and the server's own structures.
#pragma once

#include <cstdint>
#include <vector>

#include "server/memory.h"

namespace peregrine::server {

class Server;

struct MemoryOverhead {
  struct DbTables {
    int index = 0;
    int64_t main = 0;     // the key table's bucket arrays
    int64_t expires = 0;  // the TTL index's
  };

  AllocatorStats allocator;
  int64_t rss = 0;
  int64_t total_allocated = 0;    // used_memory
  int64_t startup_allocated = 0;  // used_memory once the server was up
  int64_t peak_allocated = 0;
  int64_t clients_normal = 0;     // connections' buffers and state
  std::vector<DbTables> dbs;      // databases that hold keys
  // startup + clients + the databases' tables (replication, AOF, scripts
  // and cluster links, which Redis also counts here, are absent: 0).
  int64_t overhead_total = 0;
  int64_t keys = 0;
  int64_t bytes_per_key = 0;      // (used - startup) / keys
  int64_t dataset = 0;            // used - overhead
  double dataset_perc = 0;        // of used - startup
  double peak_perc = 0;           // used as a share of the peak

  double allocator_frag() const { return ratio(allocator.active, allocator.allocated); }
  int64_t allocator_frag_bytes() const { return allocator.active - allocator.allocated; }
  double allocator_rss() const { return ratio(allocator.resident, allocator.active); }
  int64_t allocator_rss_bytes() const { return allocator.resident - allocator.active; }
  double rss_overhead() const { return ratio(rss, allocator.resident); }
  int64_t rss_overhead_bytes() const { return rss - allocator.resident; }
  double fragmentation() const { return ratio(rss, total_allocated); }
  int64_t fragmentation_bytes() const { return rss - total_allocated; }

  static double ratio(int64_t a, int64_t b) {
    return b > 0 ? static_cast<double>(a) / static_cast<double>(b) : 0;
  }
};

// Reads the allocator (and notes the peak) and walks the clients and
// databases: O(clients + databases).
MemoryOverhead memory_overhead(Server& server);

}  // namespace peregrine::server
