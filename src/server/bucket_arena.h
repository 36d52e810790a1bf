// BackgroundBucketArena: the key tables' BucketArena (store/bucket_arena.h)
// on a background executor, so that neither clearing a new bucket array nor
// returning an old one to the kernel happens inside a command.
//
//   prepare(bytes)  posts to the worker, which callocs the array (clearing
//                   it when the allocator reuses pages that are not known
//                   to be zero) and posts it back to the engine's executor,
//                   where it waits for take().
//   take(bytes)     the arrived array, or nullptr (the table callocs inline).
//   give_back(p)    posts p to the worker, which frees it, giving its pages
//                   back to the OS 1 MB at a time first.
//
// The worker is a background executor (rt::Threads::
// create_background_executor): on the OS its thread runs at the lowest
// priority, so it takes no CPU time the engine wants even when both are
// pinned to one CPU. On a CPU the engine keeps busy it gets little time, so
// the work it is given is kept short: a calloc of fresh pages is quick
// (the pages fault in later, one at a time, where the engine writes them),
// and releasing yields between slices.
//
// Arrays under min_bytes skip the worker: they are calloc'd and freed
// inline, where that is cheaper than two cross-thread posts. The worker is
// created on first use. Every array in transit is owned by the closure
// carrying it, so one that is never delivered (shutdown, a simulated crash)
// is freed with the closure. Used on the engine's executor only (the
// runtime's main executor); the worker touches nothing but the arrays.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>

#include "runtime/runtime.h"
#include "store/bucket_arena.h"

namespace peregrine::server {

class BackgroundBucketArena final : public store::BucketArena {
 public:
  struct Stats {
    uint64_t prepared = 0;    // arrays asked of the worker
    uint64_t used = 0;        // taken after they arrived
    uint64_t late = 0;        // requests ended before their array arrived
    uint64_t given_back = 0;  // arrays handed to the worker to free
  };

  BackgroundBucketArena(rt::Runtime& runtime, size_t min_bytes);
  ~BackgroundBucketArena() override;
  BackgroundBucketArena(const BackgroundBucketArena&) = delete;
  BackgroundBucketArena& operator=(const BackgroundBucketArena&) = delete;

  void prepare(size_t bytes) override;
  void* take(size_t bytes) override;
  void give_back(void* p, size_t bytes) override;

  const Stats& stats() const;
  // Bytes of arrays that arrived and wait for take().
  size_t ready_bytes() const;
  // Arrays asked for that have not arrived yet.
  size_t in_flight() const;

 private:
  struct State;
  rt::Executor& worker();

  rt::Runtime& runtime_;
  size_t min_bytes_;
  rt::Executor* worker_ = nullptr;
  std::shared_ptr<State> state_;
};

}  // namespace peregrine::server
