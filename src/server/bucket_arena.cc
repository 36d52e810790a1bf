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
// call that gives pages back to the OS, which the kernel does not interrupt
// (page-table teardown, TLB flushes): about 0.1 ms per MB here. Shrinking
// the block with realloc would not bound it: the allocator returns a large
// block's pages at its size-class steps (8-16 MB at once, 0.85 ms measured
// with the engine waiting), so the worker discards the pages itself, 1 MB
// at a time, and only then frees the block, whose pages are gone already.
constexpr size_t kReleaseSlice = size_t{1} << 20;

// A zeroed array of bytes (p == nullptr when out of memory). calloc clears
// only memory that is not known to be zero (pages the allocator reuses);
// fresh pages are left to fault in where they are first written.
std::shared_ptr<Block> zeroed_array(size_t bytes) {
  return std::make_shared<Block>(std::calloc(1, bytes), bytes);
}

// Frees the block on the worker, its pages given back a slice at a time
// first.
void free_on(rt::Runtime& runtime, rt::Executor& worker, std::shared_ptr<Block> block) {
  worker.post([&runtime, &worker, block = std::move(block)] {
    char* p = static_cast<char*>(block->p);
    for (size_t off = 0; off + kReleaseSlice < block->bytes; off += kReleaseSlice) {
      runtime.discard_pages(p + off, kReleaseSlice);
      worker.scheduler().yield();
    }
    std::free(block->release());
    // The arrays were calloc'd here, in this thread's arena, which nothing
    // else allocates from: what is left of their pages would stay resident
    // until the allocator's decay got to them. Returning it now is this
    // thread's work, not a command's.
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
  rt::Runtime* runtime = &runtime_;
  worker->post([state = state_, home, worker, runtime, bytes]() mutable {
    std::shared_ptr<Block> block = zeroed_array(bytes);
    home->post([state = std::move(state), block = std::move(block), worker, runtime] {
      auto it = state->slots.find(block->bytes);
      if (it == state->slots.end()) return;  // not possible; freed with the block
      State::Slot& slot = it->second;
      --slot.in_flight;
      if (block->p != nullptr && !state->closed && slot.ready.size() < slot.wanted) {
        slot.ready.push_back(block->release());
      } else if (block->p != nullptr) {
        free_on(*runtime, *worker, block);  // its request ended before it arrived
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
  free_on(runtime_, worker(), std::make_shared<Block>(p, bytes));
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
