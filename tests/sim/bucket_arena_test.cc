// The server's BackgroundBucketArena on the simulated runtime: the key
// tables' arrays are prepared and released on a background executor whose
// fibers the world schedules, and the keyspace is the same whether a
// prepared array arrived in time or not.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "sim/engine_harness.h"

namespace {

using peregrine::server::Config;
using peregrine::sim::EngineHarness;

Config every_array_in_background() {
  Config c;
  c.bucket_arena_min_bytes = 0;
  return c;
}

// Loads keys in batches, letting simulated time pass between them (the
// worker's fibers and the arrivals run then), and checks every key.
void load_and_check(EngineHarness& h, int keys, int batch) {
  for (int i = 0; i < keys; ++i) {
    ASSERT_EQ(h.run({"SET", "key:" + std::to_string(i), std::to_string(i)}), "+OK\r\n");
    if (i % batch == batch - 1) h.advance_ms(1);
  }
  ASSERT_EQ(h.run({"DBSIZE"}), ":" + std::to_string(keys) + "\r\n");
  for (int i = 0; i < keys; ++i) {
    const std::string v = std::to_string(i);
    ASSERT_EQ(h.run({"GET", "key:" + std::to_string(i)}),
              "$" + std::to_string(v.size()) + "\r\n" + v + "\r\n");
  }
}

TEST(BucketArena, ServerTablesUsePreparedArrays) {
  EngineHarness h(1, every_array_in_background());
  load_and_check(h, 20000, 50);
  const auto& s = h.server().bucket_arena().stats();
  EXPECT_GT(s.prepared, 5u);
  EXPECT_GT(s.used, 0u) << "no grow used a prepared array";
  EXPECT_GT(s.given_back, 0u) << "no old array went to the worker";
  EXPECT_LE(s.used + s.late, s.prepared);
  // Deleting most keys shrinks the table; its arrays go back too.
  const uint64_t given = s.given_back;
  for (int i = 0; i < 19990; ++i) h.run({"DEL", "key:" + std::to_string(i)});
  h.advance_ms(1000);  // the cron finishes the rehash
  EXPECT_GT(s.given_back, given);
  EXPECT_EQ(h.run({"DBSIZE"}), ":10\r\n");
  EXPECT_EQ(h.server().bucket_arena().ready_bytes(), 0u) << "a prepared array was kept unused";
}

// Without simulated time passing, no prepared array can arrive: every grow
// falls back to an inline allocation and the late arrays are released.
TEST(BucketArena, GrowsWithoutWaitingForTheWorker) {
  EngineHarness h(2, every_array_in_background());
  for (int i = 0; i < 5000; ++i) h.run({"SET", "k" + std::to_string(i), "v"});
  const auto& s = h.server().bucket_arena().stats();
  EXPECT_GT(s.late, 5u);
  EXPECT_EQ(s.used, 0u);
  EXPECT_EQ(h.run({"DBSIZE"}), ":5000\r\n");
  h.advance_ms(10);
  EXPECT_EQ(h.server().bucket_arena().in_flight(), 0u);
  EXPECT_LE(h.server().bucket_arena().ready_bytes(), 2u * 1024 * 64) << "late arrays were kept";
  EXPECT_EQ(h.run({"GET", "k4999"}), "$1\r\nv\r\n");
}

// FLUSHALL and SWAPDB move and drop tables with requests open.
TEST(BucketArena, FlushAndSwapWithRequestsOpen) {
  EngineHarness h(3, every_array_in_background());
  for (int round = 0; round < 3; ++round) {
    for (int i = 0; i < 3000; ++i) {
      h.run({"SET", "k" + std::to_string(i), "v"});
      if (i % 100 == 0) h.advance_ms(1);
    }
    EXPECT_EQ(h.run({"SWAPDB", "0", "1"}), "+OK\r\n");
    EXPECT_EQ(h.run({"DBSIZE"}), round == 0 ? ":0\r\n" : ":3000\r\n");
    h.advance_ms(1);
  }
  EXPECT_EQ(h.run({"FLUSHALL"}), "+OK\r\n");
  h.advance_ms(100);
  EXPECT_EQ(h.server().bucket_arena().ready_bytes(), 0u);
  EXPECT_EQ(h.server().bucket_arena().in_flight(), 0u);
  EXPECT_EQ(h.run({"DBSIZE"}), ":0\r\n");
}

}  // namespace
