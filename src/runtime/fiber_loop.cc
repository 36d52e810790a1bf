#include "runtime/fiber_loop.h"

#include <boost/context/fiber.hpp>
#include <boost/context/fixedsize_stack.hpp>
#include <boost/context/protected_fixedsize_stack.hpp>
#include <algorithm>
#include <cassert>
#include <utility>

namespace peregrine::rt {

namespace bctx = boost::context;

// Production stacks have a guard page. Under AddressSanitizer stacks come
// from the (instrumented) heap instead: a recycled mapping would keep the
// shadow poison of the fiber that used it before.
#ifdef BOOST_USE_ASAN
using StackAllocator = bctx::fixedsize_stack;
#else
using StackAllocator = bctx::protected_fixedsize_stack;
#endif

struct FiberLoop::Fiber {
  std::string name;
  std::function<void()> fn;
  bctx::fiber self;  // resumes the fiber
  bctx::fiber sink;  // inside the fiber: resumes the loop
  uint64_t id = 0;          // spawn order
  bool parked = false;
  bool queued = false;
  bool done = false;
  bool woken = false;      // park_until: woken rather than timed out
  uint64_t park_seq = 0;   // matches the Timer that may end this park
  std::weak_ptr<Fiber> weak_self;
};

FiberLoop::FiberLoop(std::function<int64_t()> now_us, size_t stack_bytes)
    : now_us_(std::move(now_us)), stack_bytes_(stack_bytes) {}

FiberLoop::~FiberLoop() {
  // Fibers still parked at destruction are abandoned with their stacks;
  // dropping the boost fiber object unwinds them via forced_unwind.
  while (!timers_.empty()) timers_.pop();
  ready_.clear();
  fibers_.clear();
}

void FiberLoop::spawn(std::string_view name, std::function<void()> fn) {
  auto f = std::make_shared<Fiber>();
  f->name = std::string(name);
  f->id = ++spawned_;
  f->fn = std::move(fn);
  f->weak_self = f;
  Fiber* raw = f.get();
  f->self = bctx::fiber(std::allocator_arg, StackAllocator(stack_bytes_),
                        [raw](bctx::fiber&& sink) {
                          raw->sink = std::move(sink);
                          raw->fn();
                          raw->fn = nullptr;
                          raw->done = true;
                          return std::move(raw->sink);
                        });
  fibers_.emplace(raw, f);
  f->queued = true;
  ready_.push_back(std::move(f));
}

FiberHandle FiberLoop::current() {
  return current_ ? FiberHandle{current_, current_->id} : FiberHandle{};
}

void FiberLoop::switch_out() {
  Fiber* f = current_;
  assert(f != nullptr && "suspending outside a fiber");
  f->sink = std::move(f->sink).resume();
}

void FiberLoop::park() {
  Fiber* f = current_;
  assert(f && !f->parked);
  f->parked = true;
  f->woken = false;
  ++f->park_seq;
  switch_out();
}

bool FiberLoop::park_until(int64_t deadline_us) {
  Fiber* f = current_;
  assert(f && !f->parked);
  f->parked = true;
  f->woken = false;
  ++f->park_seq;
  timers_.push(Timer{deadline_us, f->park_seq, f->weak_self.lock()});
  switch_out();
  return f->woken;
}

void FiberLoop::wake(FiberHandle handle) {
  auto it = fibers_.find(static_cast<Fiber*>(handle.impl));
  if (it == fibers_.end() || it->second->id != handle.id) return;  // ended
  Fiber* f = it->second.get();
  if (!f->parked) return;
  f->parked = false;
  f->woken = true;
  if (!f->queued) {
    f->queued = true;
    ready_.push_back(f->weak_self.lock());
  }
}

void FiberLoop::yield() {
  Fiber* f = current_;
  assert(f);
  f->queued = true;
  ready_.push_back(f->weak_self.lock());
  switch_out();
}

void FiberLoop::sleep_for_us(int64_t duration_us) {
  int64_t deadline = now_us_() + duration_us;
  // A wake() during the sleep must not cut it short.
  while (park_until(deadline)) {
    if (now_us_() >= deadline) break;
  }
}

void FiberLoop::resume(const std::shared_ptr<Fiber>& f) {
  current_ = f.get();
  f->self = std::move(f->self).resume();
  current_ = nullptr;
  if (f->done) fibers_.erase(f.get());
}

void FiberLoop::run_ready() {
  assert(current_ == nullptr && "run_ready called from a fiber");
  // One round: fibers that become ready during it (a yield, a wake) run in
  // the next round, after the backend has polled for I/O, so a fiber that
  // keeps yielding cannot starve fibers waiting on sockets.
  for (size_t round = ready_.size(); round > 0 && !ready_.empty(); --round) {
    std::shared_ptr<Fiber> f;
    if (picker_ && ready_.size() > 1) {
      size_t i = picker_(ready_.size());
      f = std::move(ready_[i]);
      ready_.erase(ready_.begin() + static_cast<std::ptrdiff_t>(i));
    } else {
      f = std::move(ready_.front());
      ready_.pop_front();
    }
    f->queued = false;
    resume(f);
  }
}

void FiberLoop::run_one(size_t index) {
  assert(current_ == nullptr && index < ready_.size());
  std::shared_ptr<Fiber> f = std::move(ready_[index]);
  ready_.erase(ready_.begin() + static_cast<std::ptrdiff_t>(index));
  f->queued = false;
  resume(f);
}

void FiberLoop::destroy_all_fibers() {
  assert(current_ == nullptr);
  while (!timers_.empty()) timers_.pop();
  ready_.clear();
  // Unwinding one fiber may run destructors that spawn or wake others;
  // keep going until none is left (bounded by the fibers that exist).
  // Fibers are unwound in spawn order so that what their destructors do
  // (closing connections, ...) happens in a reproducible order.
  for (int round = 0; round < 16 && !fibers_.empty(); ++round) {
    std::vector<std::shared_ptr<Fiber>> doomed;
    for (auto& [raw, f] : fibers_) doomed.push_back(f);
    fibers_.clear();
    std::sort(doomed.begin(), doomed.end(),
              [](const auto& a, const auto& b) { return a->id < b->id; });
    for (auto& f : doomed) f->parked = false;  // wake() on them is now a no-op
    for (auto& f : doomed) {
      bctx::fiber unwinding = std::move(f->self);
    }  // each destructor above unwound one stack; the Fiber records live until here
    ready_.clear();
  }
}

void FiberLoop::fire_timers(int64_t now_us) {
  while (!timers_.empty() && timers_.top().deadline_us <= now_us) {
    Timer t = timers_.top();
    timers_.pop();
    Fiber* f = t.fiber.get();
    if (f->done || !f->parked || f->park_seq != t.seq) continue;  // stale
    f->parked = false;
    f->woken = false;
    if (!f->queued) {
      f->queued = true;
      ready_.push_back(t.fiber);
    }
  }
}

int64_t FiberLoop::next_deadline_us() {
  while (!timers_.empty()) {
    const Timer& t = timers_.top();
    Fiber* f = t.fiber.get();
    if (f->done || !f->parked || f->park_seq != t.seq) {
      timers_.pop();
      continue;
    }
    return t.deadline_us;
  }
  return -1;
}

}  // namespace peregrine::rt
