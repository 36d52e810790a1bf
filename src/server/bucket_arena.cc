#include "server/bucket_arena.h"

#include <cstdlib>
#include <map>
#include <utility>
#include <vector>

#include "runtime/buggify.h"
#include "server/memory.h"

namespace peregrine::server {
namespace {

// An array on its way between executors: freed with its holder unless
// released. Shared because a posted closure must be copyable.
struct Block {
  Block(void* p, size_t bytes) : p(p), bytes(bytes) {}
  ~Block() { std::free(p); }
  Block(const Block&) = delete;
  Block& operator=(const Block&) = delete;
  void* release() { return std::exchange(p, nullptr); }
  void* p;
  size_t bytes;
};

// Releasing is cut into pieces with a yield after each: the worker runs at
// the lowest priority, but should the OS give it the CPU while the engine
// also wants it, the engine waits for one piece at most. A piece is one
// madvise of its pages, which the kernel does not interrupt: about 0.45 ms
// for 4 MB here (page-table teardown and a TLB flush on the other CPU), so
// pieces are 1 MB.
constexpr size_t kReleaseSlice = size_t{1} << 20;

// A zeroed array of bytes (p == nullptr when out of memory). calloc clears
// only memory that is not known to be zero (pages the allocator reuses);
// fresh pages are left to fault in where they are first written.
std::shared_ptr<Block> zeroed_array(size_t bytes) {
  return std::make_shared<Block>(std::calloc(1, bytes), bytes);
}

// Frees the block on the worker, shrinking it in place a slice at a time
// first: the allocator may return a large block's pages to the kernel at
// once, which takes milliseconds for tens of megabytes.
void free_on(rt::Executor& worker, std::shared_ptr<Block> block) {
  worker.post([&worker, block = std::move(block)] {
    // The arrays were calloc'd here, in this thread's arena, which nothing
    // else allocates from: its freed pages would stay resident until the
    // allocator's decay got to them (an 8 MB array at 1M keys). Returning
    // them now is this thread's work, not a command's, and it is done a
    // slice at a time: each shrink's pages are purged before the next.
    while (block->bytes > kReleaseSlice) {
      block->bytes -= kReleaseSlice;
      // In place for a shrink; should the allocator move it instead, the
      // copy is of memory no one reads, and it is still freed in the end.
      if (void* q = std::realloc(block->p, block->bytes)) block->p = q;
      allocator_purge_thread_arena();
      worker.scheduler().yield();
    }
    std::free(block->release());
    allocator_purge_thread_arena();
  });
}

}  // namespace

// Requests per array size. Touched on the engine's executor only.
struct BackgroundBucketArena::State {
  struct Slot {
    std::vector<void*> ready;  // arrived, waiting for take()
    size_t wanted = 0;         // requests not yet ended by take()
    size_t in_flight = 0;      // asked of the worker, not arrived
    bool idle() const { return ready.empty() && wanted == 0 && in_flight == 0; }
  };
  std::map<size_t, Slot> slots;
  Stats stats;
  bool closed = false;  // the arena is gone: arrivals are freed

  ~State() {
    for (auto& [bytes, slot] : slots) {
      for (void* p : slot.ready) std::free(p);
    }
  }
  void drop_if_idle(std::map<size_t, Slot>::iterator it) {
    if (it->second.idle()) slots.erase(it);
  }
};

BackgroundBucketArena::BackgroundBucketArena(rt::Runtime& runtime, size_t min_bytes)
    : runtime_(runtime), min_bytes_(min_bytes), state_(std::make_shared<State>()) {}

BackgroundBucketArena::~BackgroundBucketArena() {
  // Arrays still in flight arrive to a closed state and are freed.
  state_->closed = true;
}

rt::Executor& BackgroundBucketArena::worker() {
  if (worker_ == nullptr) worker_ = &runtime_.threads().create_background_executor("bucket-arena");
  return *worker_;
}

void BackgroundBucketArena::prepare(size_t bytes) {
  if (bytes < min_bytes_) return;
  State::Slot& slot = state_->slots[bytes];
  ++slot.wanted;
  ++slot.in_flight;
  ++state_->stats.prepared;
  rt::Executor* home = &runtime_.threads().main_executor();
  rt::Executor* worker = &this->worker();
  worker->post([state = state_, home, worker, bytes]() mutable {
    std::shared_ptr<Block> block = zeroed_array(bytes);
    home->post([state = std::move(state), block = std::move(block), worker] {
      auto it = state->slots.find(block->bytes);
      if (it == state->slots.end()) return;  // not possible; freed with the block
      State::Slot& slot = it->second;
      --slot.in_flight;
      if (block->p != nullptr && !state->closed && slot.ready.size() < slot.wanted) {
        slot.ready.push_back(block->release());
      } else if (block->p != nullptr) {
        free_on(*worker, block);  // its request ended before it arrived
      }
      state->drop_if_idle(it);
    });
  });
}

void* BackgroundBucketArena::take(size_t bytes) {
  if (bytes < min_bytes_) return nullptr;
  auto it = state_->slots.find(bytes);
  if (it == state_->slots.end() || it->second.wanted == 0) return nullptr;
  State::Slot& slot = it->second;
  --slot.wanted;
  void* p = nullptr;
  // BUGGIFY: treat a ready array as late, so the simulator covers the
  // inline fallback and the release of an array nobody took.
  if (!slot.ready.empty() && !BUGGIFY(runtime_)) {
    p = slot.ready.back();
    slot.ready.pop_back();
    ++state_->stats.used;
    CODE_PROBE(runtime_, true, "key table used a prepared bucket array");
  } else {
    ++state_->stats.late;
    CODE_PROBE(runtime_, true, "key table request ended before its bucket array arrived");
  }
  while (slot.ready.size() > slot.wanted) {
    give_back(slot.ready.back(), bytes);
    slot.ready.pop_back();
  }
  state_->drop_if_idle(it);
  return p;
}

void BackgroundBucketArena::give_back(void* p, size_t bytes) {
  if (p == nullptr) return;
  if (bytes < min_bytes_) {
    std::free(p);
    return;
  }
  ++state_->stats.given_back;
  free_on(worker(), std::make_shared<Block>(p, bytes));
}

const BackgroundBucketArena::Stats& BackgroundBucketArena::stats() const { return state_->stats; }

size_t BackgroundBucketArena::ready_bytes() const {
  size_t total = 0;
  for (const auto& [bytes, slot] : state_->slots) total += bytes * slot.ready.size();
  return total;
}

size_t BackgroundBucketArena::in_flight() const {
  size_t total = 0;
  for (const auto& [bytes, slot] : state_->slots) total += slot.in_flight;
  return total;
}

}  // namespace peregrine::server
