// Evictor: keeps used memory under maxmemory by deleting keys chosen by the
// maxmemory-policy, the way Redis does: sample maxmemory-samples keys per
// db, keep the best candidates in a small pool ordered by how evictable they
// are (idle time for LRU, low frequency for LFU, near expiry for TTL), evict
// the best one, repeat until under the limit. Random policies pick a random
// key instead.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace peregrine::server {

class Server;

class Evictor {
 public:
  explicit Evictor(Server& server) : server_(server) {}

  // Evicts until used memory is under maxmemory (a no-op when maxmemory is
  // 0). Returns false when still over the limit: noeviction, or nothing
  // left that the policy may evict.
  bool make_room(int64_t now_ms);

  // Bytes the server counts against maxmemory.
  int64_t used_memory();

 private:
  struct Candidate {
    double score;  // higher: evict first
    int db;
    std::string key;
  };
  void fill_pool(bool volatile_only, int policy_kind, int64_t now_ms);
  bool evict_one(int64_t now_ms);

  Server& server_;
  std::vector<Candidate> pool_;  // sorted ascending by score; best at back
  size_t next_db_ = 0;           // round robin for the random policies
  int64_t baseline_ = 0;
  uint64_t calls_since_calibration_ = 0;
  uint64_t lazy_jobs_seen_ = 0;  // LazyFree::jobs_done() at the last calibration
};

}  // namespace peregrine::server
