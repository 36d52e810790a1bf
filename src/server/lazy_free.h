// LazyFree: the Dbs' Reclaimer (store/db.h), Redis's lazyfree. A value
// that would take long to free (its free effort, store::Collection::
// free_effort, above the threshold: Redis's LAZYFREE_THRESHOLD, 64) and a
// whole keyspace dropped by FLUSHDB/FLUSHALL ASYNC are freed on a background
// executor instead of inside the command. Which deletions may go there is
// Redis's choice:
//
//   UNLINK, FLUSHDB/FLUSHALL ASYNC   always
//   DEL                              lazyfree-lazy-user-del
//   FLUSHDB/FLUSHALL (no argument)   lazyfree-lazy-user-flush (the command
//                                    reads it; the Db is told clear_async)
//   expiry (lazy and active)         lazyfree-lazy-expire
//   overwrites, RENAME and *STORE
//   targets, ...                     lazyfree-lazy-server-del
//   eviction                         never: lazyfree-lazy-eviction is
//                                    accepted, but eviction frees inline so
//                                    that the memory it counts as freed is
//                                    freed (see evict.cc)
//
// The worker is created on first use (rt::Threads::create_background_
// executor: on the OS, a thread at the lowest priority, which takes no CPU
// time the engine wants). It touches nothing but what it is handed: an
// entry unlinked from every table, or DetachedKeys, which share nothing with
// the Db they came from. Freeing a keyspace yields every kPaceEntries
// entries. Everything in transit is owned by the closure carrying it, so
// what is never run (shutdown, a simulated crash) is freed with the closure.
//
// INFO memory reports lazyfree_pending_objects (handed over, not freed yet:
// one per value, the key count per keyspace) and lazyfreed_objects (freed
// by the worker since the last CONFIG RESETSTAT), as Redis counts them.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>

#include "runtime/runtime.h"
#include "server/config.h"
#include "store/db.h"

namespace peregrine::server {

class LazyFree final : public store::Reclaimer {
 public:
  // Entries freed between two yields of the worker while it frees a keyspace.
  static constexpr size_t kPaceEntries = 1024;

  LazyFree(rt::Runtime& runtime, const Config& config);
  ~LazyFree() override = default;
  LazyFree(const LazyFree&) = delete;
  LazyFree& operator=(const LazyFree&) = delete;

  void reclaim(store::Obj* o, store::FreeReason why) override;
  void reclaim(std::unique_ptr<store::DetachedKeys> keys) override;

  uint64_t pending_objects() const { return state_->pending.load(std::memory_order_relaxed); }
  uint64_t freed_objects() const { return state_->freed.load(std::memory_order_relaxed); }
  void reset_stats() { state_->freed.store(0, std::memory_order_relaxed); }
  // Jobs the worker has finished since the start (never reset): memory it
  // freed does not show in the engine thread's own allocation counters,
  // so the evictor re-reads the allocator's totals when this changes.
  uint64_t jobs_done() const { return state_->jobs_done.load(std::memory_order_acquire); }
  // Bytes handed to the worker and not freed yet (an estimate: the value's
  // MEMORY USAGE figure, or a flushed keyspace's share of the dataset). The
  // evictor counts them as freed already: a write right after a large
  // UNLINK or FLUSHALL ASYNC under maxmemory must not be refused or evict
  // keys because the worker has not run yet.
  int64_t pending_bytes() const { return state_->pending_bytes.load(std::memory_order_relaxed); }
  // How to estimate the bytes of a detached keyspace of `keys` keys (the
  // server knows the dataset's size); without one they count as 0.
  void set_keyspace_bytes_estimate(std::function<int64_t(uint64_t keys)> estimate) {
    keyspace_bytes_ = std::move(estimate);
  }

 private:
  struct State {
    std::atomic<uint64_t> pending{0};
    std::atomic<uint64_t> freed{0};
    std::atomic<uint64_t> jobs_done{0};
    std::atomic<int64_t> pending_bytes{0};
    // A job of `objects` objects and about `bytes` bytes handed to the
    // worker, and the same job done (on the worker).
    void begin(uint64_t objects, int64_t bytes) {
      pending.fetch_add(objects, std::memory_order_relaxed);
      pending_bytes.fetch_add(bytes, std::memory_order_relaxed);
    }
    void end(uint64_t objects, int64_t bytes) {
      pending.fetch_sub(objects, std::memory_order_relaxed);
      freed.fetch_add(objects, std::memory_order_relaxed);
      pending_bytes.fetch_sub(bytes, std::memory_order_relaxed);
      jobs_done.fetch_add(1, std::memory_order_release);
    }
  };
  bool may_defer(store::FreeReason why) const;
  rt::Executor& worker();

  rt::Runtime& runtime_;
  const Config& config_;
  rt::Executor* worker_ = nullptr;
  std::shared_ptr<State> state_ = std::make_shared<State>();
  std::function<int64_t(uint64_t)> keyspace_bytes_;
};

}  // namespace peregrine::server
