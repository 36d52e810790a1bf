// FiberLoop scheduling rules that the POSIX backend relies on.
#include "runtime/fiber_loop.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace peregrine::rt {
namespace {

// run_ready() runs one round: a fiber that yields is not resumed again in
// the same round, so the backend gets to poll for I/O between turns (a
// client streaming a pipeline used to hold the engine until its stream
// ended).
TEST(FiberLoop, RunReadyIsOneRound) {
  FiberLoop loop([] { return int64_t{0}; });
  int a_turns = 0, b_turns = 0;
  loop.spawn("a", [&] {
    for (int i = 0; i < 100; ++i) {
      ++a_turns;
      loop.yield();
    }
  });
  loop.spawn("b", [&] {
    for (int i = 0; i < 100; ++i) {
      ++b_turns;
      loop.yield();
    }
  });
  loop.run_ready();
  EXPECT_EQ(a_turns, 1);
  EXPECT_EQ(b_turns, 1);
  loop.run_ready();
  EXPECT_EQ(a_turns, 2);
  EXPECT_EQ(b_turns, 2);
  for (int i = 0; i < 200 && loop.has_ready(); ++i) loop.run_ready();
  EXPECT_EQ(a_turns, 100);
  EXPECT_EQ(b_turns, 100);
  EXPECT_FALSE(loop.has_ready());
}

// A fiber woken during a round runs in the next one, in FIFO order.
TEST(FiberLoop, WokenFiberRunsNextRound) {
  FiberLoop loop([] { return int64_t{0}; });
  std::vector<std::string> order;
  FiberHandle sleeper;
  loop.spawn("sleeper", [&] {
    sleeper = loop.current();
    order.push_back("sleeper parks");
    loop.park();
    order.push_back("sleeper resumed");
  });
  loop.spawn("waker", [&] {
    order.push_back("waker");
    loop.wake(sleeper);
  });
  loop.run_ready();
  EXPECT_EQ(order, (std::vector<std::string>{"sleeper parks", "waker"}));
  loop.run_ready();
  EXPECT_EQ(order.back(), "sleeper resumed");
}

}  // namespace
}  // namespace peregrine::rt
