// Tests of the simulator itself: determinism, the checkers' power to find a
// planted bug, and the simulated disk's crash semantics.
#include <gtest/gtest.h>

#include "sim/disk.h"
#include "sim/scenario.h"

namespace {

using peregrine::sim::Prng;
using peregrine::sim::RunOptions;
using peregrine::sim::run_scenario;
using peregrine::sim::SimDisk;

TEST(Simulator, SameSeedSameTrace) {
  for (const char* scenario : {"single_node", "crash_restart"}) {
    for (uint64_t seed = 1; seed <= 5; ++seed) {
      RunOptions o;
      o.scenario = scenario;
      o.seed = seed;
      auto a = run_scenario(o);
      auto b = run_scenario(o);
      EXPECT_TRUE(a.ok) << scenario << " seed " << seed << ": " << a.failure;
      EXPECT_EQ(a.trace_hash, b.trace_hash) << scenario << " seed " << seed;
      EXPECT_EQ(a.commands, b.commands);
    }
  }
}

TEST(Simulator, DifferentSeedsDifferentTraces) {
  RunOptions a, b;
  a.seed = 1;
  b.seed = 2;
  EXPECT_NE(run_scenario(a).trace_hash, run_scenario(b).trace_hash);
}

// The checker must catch the planted expiry off-by-one within a bounded
// number of seeds.
TEST(Simulator, PlantedExpiryBugIsCaught) {
  int caught_at = -1;
  for (int seed = 1; seed <= 200 && caught_at < 0; ++seed) {
    RunOptions o;
    o.seed = static_cast<uint64_t>(seed);
    o.bug = "expire-off-by-one";
    if (!run_scenario(o).ok) caught_at = seed;
  }
  EXPECT_GT(caught_at, 0) << "the model checker did not notice the planted bug";
}

TEST(Simulator, IdleNodeRunsAnHour) {
  RunOptions o;
  o.scenario = "idle_node";
  auto r = run_scenario(o);
  EXPECT_TRUE(r.ok) << r.failure;
  EXPECT_GE(r.virtual_us, 3600LL * 1000000);
}

TEST(SimDisk, CrashKeepsOnlyFsyncedData) {
  SimDisk disk(Prng(7));
  disk.faults().torn_write_p = 0.0;
  {
    auto f = disk.open("/d/a", {.write = true, .create = true});
    ASSERT_TRUE(f.ok());
    ASSERT_TRUE((*f)->pwrite("hello", 5, 0).ok());
    ASSERT_TRUE((*f)->fsync().ok());
    ASSERT_TRUE((*f)->pwrite(" world", 6, 5).ok());
  }
  ASSERT_TRUE(disk.fsync_dir("/d").ok());
  {
    auto f = disk.open("/d/b", {.write = true, .create = true});  // never made durable
    ASSERT_TRUE(f.ok());
  }
  disk.crash();
  EXPECT_TRUE(disk.exists("/d/a"));
  EXPECT_FALSE(disk.exists("/d/b"));
  auto text = disk.read_file("/d/a");
  ASSERT_TRUE(text.ok());
  EXPECT_EQ(*text, "hello");
}

TEST(SimDisk, TornWriteKeepsAPrefix) {
  SimDisk disk(Prng(3));
  disk.faults().torn_write_p = 1.0;
  auto f = disk.open("/d/a", {.write = true, .create = true});
  ASSERT_TRUE(f.ok());
  ASSERT_TRUE((*f)->pwrite("abc", 3, 0).ok());
  ASSERT_TRUE((*f)->fsync().ok());
  ASSERT_TRUE(disk.fsync_dir("/d").ok());
  ASSERT_TRUE((*f)->pwrite("defghij", 7, 3).ok());
  disk.crash();
  auto text = disk.read_file("/d/a");
  ASSERT_TRUE(text.ok());
  EXPECT_EQ(text->substr(0, 3), "abc");
  EXPECT_EQ(std::string("abcdefghij").substr(0, text->size()), *text);
}

TEST(SimDisk, SlowWritesStallThroughTheSleeper) {
  SimDisk disk(Prng(5));
  disk.faults().slow_p = 1.0;
  disk.faults().slow_us = 1000;
  int64_t slept = 0;
  int calls = 0;
  disk.set_sleeper([&](int64_t us) {
    slept += us;
    ++calls;
  });
  auto f = disk.open("/d/a", {.write = true, .create = true});
  ASSERT_TRUE(f.ok());
  ASSERT_TRUE((*f)->pwrite("x", 1, 0).ok());
  ASSERT_TRUE((*f)->fsync().ok());
  EXPECT_EQ(calls, 2);
  EXPECT_GT(slept, 0);
  EXPECT_LE(slept, 2000);
}

TEST(SimDisk, FullDiskFailsWrites) {
  SimDisk disk(Prng(1));
  disk.faults().capacity_bytes = 4;
  auto f = disk.open("/d/a", {.write = true, .create = true});
  ASSERT_TRUE(f.ok());
  auto n = (*f)->pwrite("toolong", 7, 0);
  ASSERT_FALSE(n.ok());
  EXPECT_EQ(n.error().code, ENOSPC);
}

}  // namespace
