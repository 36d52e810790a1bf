// FiberLoop: the fiber machinery one executor needs, independent of where
// events come from. It owns the fibers (Boost.Context, one stack each), the
// ready queue and the timers, and implements the Scheduler interface. A
// backend drives it: the POSIX executor alternates run_ready() with an epoll
// wait until next_deadline_us(); the simulator drives it from its own event
// queue and chooses which ready fiber runs next through a picker.
//
//   backend loop:  fire_timers(now) -> run_ready() -> wait for I/O or the
//                  next deadline -> wake() the fibers whose I/O is ready
//
// Invariants: a fiber is in the ready queue at most once; a parked fiber is
// not in the ready queue; only the loop's own thread touches it.
#pragma once

#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <queue>
#include <unordered_map>
#include <string>
#include <vector>

#include "runtime/runtime.h"

namespace peregrine::rt {

class FiberLoop final : public Scheduler {
 public:
  // stack_bytes: size of each fiber's stack. now_us: the monotonic clock the
  // timers use.
  FiberLoop(std::function<int64_t()> now_us, size_t stack_bytes = 256 * 1024);
  ~FiberLoop() override;

  // Scheduler.
  void spawn(std::string_view name, std::function<void()> fn) override;
  FiberHandle current() override;
  void park() override;
  bool park_until(int64_t deadline_us) override;
  void wake(FiberHandle fiber) override;
  void yield() override;
  void sleep_for_us(int64_t duration_us) override;

  // Runs one round: as many fibers as were ready on entry (fibers readied
  // meanwhile wait for the next round). With a picker, the picker chooses
  // the index of the next fiber among the ready ones (the simulator's seeded
  // choice); without, fibers run in FIFO order.
  void run_ready();
  void set_picker(std::function<size_t(size_t ready_count)> picker) { picker_ = std::move(picker); }
  // Wakes the fibers whose park_until deadline is at or before now_us.
  void fire_timers(int64_t now_us);
  // The earliest pending deadline, or -1 when no timer is pending.
  int64_t next_deadline_us();
  bool has_ready() const { return !ready_.empty(); }
  size_t ready_count() const { return ready_.size(); }
  // Runs exactly one ready fiber, the one at index (0 = oldest), until it
  // suspends or ends. The simulator's scheduler calls this.
  void run_one(size_t index);
  // Ends every fiber now: a suspended fiber's stack is unwound (destructors
  // run) without resuming its code. Used to crash a simulated process.
  void destroy_all_fibers();
  size_t fiber_count() const { return fibers_.size(); }
  bool in_fiber() const { return current_ != nullptr; }

 private:
  struct Fiber;
  struct Timer {
    int64_t deadline_us;
    uint64_t seq;
    std::shared_ptr<Fiber> fiber;
    bool operator>(const Timer& o) const {
      return deadline_us != o.deadline_us ? deadline_us > o.deadline_us : seq > o.seq;
    }
  };

  void switch_out();  // from the current fiber back to the loop
  void resume(const std::shared_ptr<Fiber>& f);

  std::function<int64_t()> now_us_;
  size_t stack_bytes_;
  // Every live fiber, owned here until its function returns.
  std::unordered_map<Fiber*, std::shared_ptr<Fiber>> fibers_;
  std::deque<std::shared_ptr<Fiber>> ready_;
  std::priority_queue<Timer, std::vector<Timer>, std::greater<Timer>> timers_;
  std::function<size_t(size_t)> picker_;
  Fiber* current_ = nullptr;
  uint64_t spawned_ = 0;
};

}  // namespace peregrine::rt
