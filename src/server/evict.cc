#include "server/evict.h"

#include <algorithm>

#include "commands/util.h"
#include "server/memory.h"
#include "server/server.h"

namespace peregrine::server {
namespace {

constexpr size_t kPoolSize = 16;
enum PolicyKind { kLru, kLfu, kTtl, kRandom };

}  // namespace

// The allocator's process-wide figure is exact but costly to refresh; the
// engine thread's own counters are cheap. Calibrate the cheap one against the
// exact one now and then, and use it in between; and at once after the
// lazyfree worker has freed something, which the engine's counters do not
// see (else writes that fit in the freed memory would evict keys). What the
// worker has been handed and not freed yet counts as freed already.
int64_t Evictor::used_memory() {
  const LazyFree& lazy = server_.lazy_free();
  const uint64_t lazy_jobs = lazy.jobs_done();
  if (calls_since_calibration_++ % 1024 == 0 || lazy_jobs != lazy_jobs_seen_) {
    baseline_ = allocator_stats().allocated - thread_net_allocated();
    lazy_jobs_seen_ = lazy_jobs;
  }
  return baseline_ + thread_net_allocated() - lazy.pending_bytes();
}

void Evictor::fill_pool(bool volatile_only, int kind, int64_t now_ms) {
  const Config& c = server_.config();
  for (int d = 0; d < server_.db_count(); ++d) {
    store::Db& db = server_.db(d);
    if ((volatile_only ? db.expires_size() : db.size()) == 0) continue;
    db.sample(volatile_only, static_cast<size_t>(c.maxmemory_samples), server_.random(),
              [&](std::string_view key, const store::Obj& v, int64_t expire_at) {
                double score;
                if (kind == kLru) {
                  score = static_cast<double>(lru_idle_ms(v.lru(), now_ms));
                } else if (kind == kLfu) {
                  score = 255.0 - lfu_decayed_counter(v.lru(), now_ms, c.lfu_decay_time);
                } else {
                  score = -static_cast<double>(expire_at);  // sooner expiry first
                }
                for (const auto& p : pool_)
                  if (p.db == d && p.key == key) return;
                if (pool_.size() >= kPoolSize && score <= pool_.front().score) return;
                auto at = std::lower_bound(pool_.begin(), pool_.end(), score,
                                           [](const Candidate& a, double s) { return a.score < s; });
                pool_.insert(at, Candidate{score, d, std::string(key)});
                if (pool_.size() > kPoolSize) pool_.erase(pool_.begin());
              });
  }
}

bool Evictor::evict_one(int64_t now_ms) {
  const std::string& policy = server_.config().maxmemory_policy;
  bool volatile_only = policy.rfind("volatile-", 0) == 0;
  int kind = policy.find("lru") != std::string::npos   ? kLru
             : policy.find("lfu") != std::string::npos ? kLfu
             : policy.find("ttl") != std::string::npos ? kTtl
                                                       : kRandom;
  int db_index = -1;
  std::string key;
  if (kind == kRandom) {
    for (int i = 0; i < server_.db_count() && db_index < 0; ++i) {
      int d = static_cast<int>((next_db_ + static_cast<size_t>(i)) % server_.db_count());
      store::Db& db = server_.db(d);
      db.sample(volatile_only, 1, server_.random(),
                [&](std::string_view k, const store::Obj&, int64_t) { key = k; db_index = d; });
    }
    next_db_ = (next_db_ + 1) % static_cast<size_t>(server_.db_count());
  } else {
    fill_pool(volatile_only, kind, now_ms);
    // The best candidate that still exists (the pool may hold stale keys).
    while (!pool_.empty() && db_index < 0) {
      Candidate best = std::move(pool_.back());
      pool_.pop_back();
      store::Db& db = server_.db(best.db);
      if (db.lookup(best.key, now_ms, {.touch = false}) &&
          (!volatile_only || db.expire_at(best.key) >= 0)) {
        db_index = best.db;
        key = std::move(best.key);
      }
    }
  }
  if (db_index < 0) return false;
  // Inline whatever lazyfree-lazy-eviction says (LazyFree never defers an
  // eviction): the loop in make_room stops once the memory is under the
  // limit, so what it counts as freed must be freed.
  server_.db(db_index).remove(key, store::FreeReason::kEvicted);
  server_.touch_watched_key(db_index, key);
  server_.stats().evicted_keys++;
  return true;
}

bool Evictor::make_room(int64_t now_ms) {
  const Config& c = server_.config();
  if (c.maxmemory <= 0) return true;
  if (used_memory() <= c.maxmemory) return true;
  if (c.maxmemory_policy == "noeviction") return false;
  // Bounded: each round frees one key; give up after many rounds without
  // getting under the limit (the caller then refuses the write).
  for (int i = 0; i < 1 << 16; ++i) {
    if (!evict_one(now_ms)) return false;
    if ((i & 15) == 15 && used_memory() <= c.maxmemory) return true;
  }
  return used_memory() <= c.maxmemory;
}

}  // namespace peregrine::server
