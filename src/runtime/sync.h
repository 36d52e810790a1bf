// Fiber synchronisation for fibers of one executor, built only on
// Scheduler::park/wake so it works the same in production and in the
// simulator. Not thread-safe: cross-executor work goes through post().
#pragma once

#include <cstdint>
#include <deque>
#include <optional>
#include <utility>

#include "runtime/runtime.h"

namespace peregrine::rt {

// A one-shot (until reset) event: wait() suspends until set().
class Event {
 public:
  explicit Event(Scheduler& s) : sched_(s) {}
  void set() {
    set_ = true;
    auto waiters = std::move(waiters_);
    waiters_.clear();
    for (FiberHandle f : waiters) sched_.wake(f);
  }
  void reset() { set_ = false; }
  bool is_set() const { return set_; }
  // Suspends.
  void wait() {
    while (!set_) {
      waiters_.push_back(sched_.current());
      sched_.park();
    }
  }
  // Returns false on timeout. Suspends.
  bool wait_until(int64_t deadline_us) {
    while (!set_) {
      FiberHandle me = sched_.current();
      waiters_.push_back(me);
      if (!sched_.park_until(deadline_us)) {
        std::erase(waiters_, me);
        return set_;
      }
    }
    return true;
  }

 private:
  Scheduler& sched_;
  bool set_ = false;
  std::deque<FiberHandle> waiters_;
};

// A mutex for fibers: FIFO hand-off.
class Mutex {
 public:
  explicit Mutex(Scheduler& s) : sched_(s) {}
  // Suspends.
  void lock() {
    if (!locked_) {
      locked_ = true;
      return;
    }
    waiters_.push_back(sched_.current());
    sched_.park();  // unlock() handed the lock to us
  }
  bool try_lock() {
    if (locked_) return false;
    locked_ = true;
    return true;
  }
  void unlock() {
    if (waiters_.empty()) {
      locked_ = false;
      return;
    }
    FiberHandle next = waiters_.front();
    waiters_.pop_front();
    sched_.wake(next);  // ownership passes directly
  }

 private:
  Scheduler& sched_;
  bool locked_ = false;
  std::deque<FiberHandle> waiters_;
};

// A bounded FIFO channel between fibers of one executor.
template <typename T>
class Channel {
 public:
  Channel(Scheduler& s, size_t capacity) : sched_(s), capacity_(capacity) {}
  // Suspends while full. Returns false once closed.
  bool send(T value) {
    while (!closed_ && items_.size() >= capacity_) wait_on(senders_);
    if (closed_) return false;
    items_.push_back(std::move(value));
    wake_one(receivers_);
    return true;
  }
  // Suspends while empty. nullopt once closed and drained.
  std::optional<T> receive() {
    while (items_.empty() && !closed_) wait_on(receivers_);
    if (items_.empty()) return std::nullopt;
    T v = std::move(items_.front());
    items_.pop_front();
    wake_one(senders_);
    return v;
  }
  void close() {
    closed_ = true;
    while (!senders_.empty()) wake_one(senders_);
    while (!receivers_.empty()) wake_one(receivers_);
  }
  size_t size() const { return items_.size(); }

 private:
  void wait_on(std::deque<FiberHandle>& q) {
    q.push_back(sched_.current());
    sched_.park();
  }
  void wake_one(std::deque<FiberHandle>& q) {
    if (q.empty()) return;
    FiberHandle f = q.front();
    q.pop_front();
    sched_.wake(f);
  }
  Scheduler& sched_;
  size_t capacity_;
  bool closed_ = false;
  std::deque<T> items_;
  std::deque<FiberHandle> senders_, receivers_;
};

}  // namespace peregrine::rt
